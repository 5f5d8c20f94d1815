"""The checks on the base: in good standing, numbered where the profile requires it, and
teaching within its scope (subjects, fields and, for a county base, its district).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from .. import jurisdiction
from ..standing import standing_on
from .values import Case, Reason, ScopeGrant, Subject


def check_registry_number(case: Case) -> Iterator[Reason]:
    """常州 第九条: only training at bases registered with a unified number credits."""
    required = case.policy.get("registry_number_required")
    if required is not None and required.value and not case.base.registry_number:
        yield case.reason("base_not_numbered", "registry_number",
                          "the base has no unified registry number (统一编号)")


def scope_on(case: Case, day: date) -> ScopeGrant:
    """The scope a base holds on ``day``: the last grant a regulator recorded by then, or
    else the scope granted at recognition. Under 常州 第四条 that default, for a county
    base, is 专业科目 for its own district ("主要承担本区域范围内…专业科目"; the city organises
    公共科目, 第七条); the recognising regulator widens it by a recorded grant."""
    in_force = [g for g in case.base.scope_grants if g.effective_on <= day]
    if in_force:
        return in_force[-1]
    registered = case.base.scope_subjects
    rule = case.policy.get("county_bases_professional_only_in_district")
    if rule is not None and rule.value and case.base.level == "county":
        return ScopeGrant(date.min, registered & {Subject.PROFESSIONAL}, True)
    return ScopeGrant(date.min, registered, False)


def check_county_base(case: Case) -> Iterator[Reason]:
    """常州 第四条: a base teaches within the scope it holds on each training date; a county
    base's default scope is 专业科目 for its own district (see scope_on)."""
    scopes = [scope_on(case, day) for day in sorted(set(case.completion.training_dates))]
    if case.base.scope_grants or case.base.level == "county":
        narrow = [s for s in scopes if case.filing.subject not in s.subjects]
        if narrow:
            yield case.reason(
                "county_base_public_subject" if case.base.level == "county"
                else "project_outside_scope", "county_scope",
                f"on the training dates the base's scope was "
                f"{sorted(map(str, narrow[0].subjects))}, not {case.filing.subject}; a county "
                "base's scope is 专业科目 unless the regulator has widened it",
                subject=str(case.filing.subject),
                scope_subjects=sorted(map(str, narrow[0].subjects)))
    if not any(s.district_only for s in scopes):
        return
    home = case.completion.professional_jurisdiction
    if home is None:
        yield case.reason(
            "professional_jurisdiction_unknown", "county_scope",
            "a county-level base trains its own district, and the professional is not yet "
            "registered anywhere; the posting is held until a regulator registers them",
            hold=True)
    elif not jurisdiction.covers(case.base.jurisdiction, home):
        yield case.reason(
            "county_base_outside_district", "county_scope",
            f"a county-level base of {case.base.jurisdiction} trains its own district unless "
            f"the regulator has widened its scope; the professional is registered in {home}",
            base_jurisdiction=case.base.jurisdiction, professional_jurisdiction=home,
        )


def check_standing(case: Case) -> Iterator[Reason]:
    bad = []
    for day in case.completion.training_dates:
        standing = standing_on(case.base.events, day)
        if not standing.good:
            bad.append({"date": str(day), "status": str(standing.status)})
    if bad:
        yield case.reason(
            "base_not_in_good_standing", "standing",
            "the base was not in good standing on "
            + ", ".join(f"{b['date']} ({b['status']})" for b in bad),
            days=bad,
        )


def check_scope(case: Case) -> Iterator[Reason]:
    base, filing = case.base, case.filing
    if not base.scope_grants and filing.subject not in base.scope_subjects:
        yield case.reason(
            "project_outside_scope", "scope",
            f"the base is authorised for {sorted(map(str, base.scope_subjects))}, "
            f"not {filing.subject}",
            subject=str(filing.subject), scope_subjects=sorted(map(str, base.scope_subjects)),
        )
    if base.scope_fields and filing.field not in base.scope_fields:
        yield case.reason(
            "project_outside_scope", "scope",
            f"the base is authorised for the fields {sorted(base.scope_fields)}, "
            f"not {filing.field!r}",
            field=filing.field, scope_fields=sorted(base.scope_fields),
        )

