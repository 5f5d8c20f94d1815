"""A completion's content hash (what makes two postings of one external_id the same) must
never change: a replay of a completion received last year would become a conflict. The
ingest path computes it faster (issue 12); this compares it with the first definition."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import canonical, identity
from ledger.services.completions import NewCompletion


def reference(item: NewCompletion) -> str:
    body = [item.external_id, item.project_id, identity.normalize(item.id_number),
            item.name, canonical.form(item.hours), item.subject,
            [canonical.form(d) for d in item.training_dates], item.assessment, item.minutes]
    return hashlib.sha256(json.dumps(body, ensure_ascii=False).encode()).hexdigest()


@settings(max_examples=300, deadline=None)
@given(external_id=st.text(min_size=1, max_size=20), project_id=st.integers(1, 2**31 - 1),
       id_number=st.text(min_size=1, max_size=20),
       name=st.text(min_size=1, max_size=10).filter(lambda n: n.strip()),
       hours=st.one_of(st.decimals(Decimal("0.1"), Decimal("9999.9"), places=1),
                       st.integers(1, 9999).map(Decimal), st.sampled_from(["6", "6.0", 7])),
       subject=st.sampled_from(["public", "professional"]),
       days=st.lists(st.dates(date(1990, 1, 1), date(2100, 1, 1)), min_size=1, max_size=5),
       assessment=st.sampled_from(["passed", "failed", "absent"]),
       minutes=st.none() | st.integers(1, 10**6))
def test_the_content_hash_is_its_first_definition(external_id, project_id, id_number, name,
                                                  hours, subject, days, assessment, minutes):
    item = NewCompletion(external_id, project_id, id_number, name, hours, subject,
                         tuple(days), assessment, minutes)
    assert item.content_hash() == reference(item)
    assert item.content_hash(identity.normalize(id_number)) == reference(item)


def test_six_hours_hash_as_six_point_zero():
    a = NewCompletion("e", 1, "x", "张三", Decimal("6"), "public", (date(2025, 1, 2),), "passed")
    b = NewCompletion("e", 1, "x", "张三", Decimal("6.0"), "public", (date(2025, 1, 2),),
                      "passed")
    assert a.content_hash() == b.content_hash() == reference(a)
