"""Policy profiles: the real files load, resolve by date and fall back; bad files are named."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from ledger.policy import NoProfileInForce, PolicyFileError, load_book, load_profile


@pytest.fixture(scope="module")
def book():
    return load_book()


def test_the_real_policy_files_load_with_a_national_profile_and_five_local_ones(book):
    codes = {p.jurisdiction for p in book.all()}
    assert codes == {"000000", "370300", "371000", "510000", "310000", "320400"}


def test_every_loaded_profile_remembers_its_file(book):
    for profile in book.all():
        assert profile.path.endswith(".toml")
        assert profile.path.startswith(profile.jurisdiction)


def test_only_the_sichuan_draft_is_marked_draft(book):
    assert {p.jurisdiction for p in book.all() if p.draft} == {"510000"}


@pytest.mark.parametrize(
    ("code", "day", "chain"),
    [
        ("371002", date(2024, 12, 17), ["371000@2019", "000000@2015"]),
        ("371002", date(2024, 12, 18), ["000000@2015"]),
        ("371002", date(2019, 12, 18), ["371000@2019", "000000@2015"]),
        ("371002", date(2019, 12, 17), ["000000@2015"]),
        ("370303", date(2025, 5, 10), ["370300@2025", "000000@2015"]),
        ("370303", date(2025, 5, 9), ["000000@2015"]),
        ("370300", date(2025, 6, 10), ["370300@2025", "000000@2015"]),
        ("320402", date(2025, 6, 10), ["320400@2011", "000000@2015"]),
        ("310104", date(2020, 6, 2), ["310000@2020", "000000@2015"]),
        ("510104", date(2025, 1, 1), ["000000@2015"]),
        ("440300", date(2025, 6, 10), ["000000@2015"]),
    ],
    ids=[
        "Weihai 2019 on its last day",
        "national the day after Weihai lapsed",
        "Weihai 2019 on its first day",
        "national the day before Weihai began",
        "Zibo on its first day",
        "national the day before Zibo began",
        "Zibo asked for the city itself",
        "Changzhou for a district",
        "Shanghai from the day issued",
        "a draft nobody enabled is not in force (四川 第三十八条: the day is blank)",
        "national where no local rule exists",
    ],
)
def test_resolve_picks_the_profile_in_force_on_the_day_and_its_ancestors(book, code, day, chain):
    resolved = book.resolve(code, day)
    assert [p.key for p in resolved.chain] == chain
    assert resolved.requested == code


def test_nothing_is_in_force_before_the_national_rule(book):
    with pytest.raises(NoProfileInForce):
        book.resolve("370303", date(2015, 9, 30))


def test_a_decision_before_any_profile_falls_back_to_the_earliest_national_one(book):
    resolved = book.resolve_for_decision("370303", date(2015, 9, 30))
    assert resolved.profile.key == "000000@2015"
    assert not resolved.profile.in_force(date(2015, 9, 30))


def test_changzhou_cites_its_own_article_for_scope(book):
    citation = book.resolve("320402", date(2025, 6, 10)).citation("scope")
    assert citation.article == "第四条"
    assert "常州" in citation.document


def test_zibo_is_silent_on_scope_so_the_national_rule_is_cited(book):
    citation = book.resolve("370303", date(2025, 6, 10)).citation("scope")
    national = book.resolve("000000", date(2025, 6, 10)).citation("scope")
    assert citation == national
    assert citation.source == "人社部令第25号"
    assert citation.article is None  # the national rule gives no article: "" becomes None


def test_zibo_cites_its_own_articles_for_filing(book):
    citation = book.resolve("370303", date(2025, 6, 10)).citation("filing")
    assert citation.article == "第十八条、第十九条、第二十条"
    assert citation.source == "000_878c5ac79252050a.txt"


@pytest.mark.parametrize("code", ["370303", "371002", "320402", "000000"])
def test_ninety_hours_a_year_are_required_under_article_eight(book, code):
    param = book.resolve(code, date(2025, 6, 10)).param("yearly_hours_required")
    assert param.value == 90
    assert param.citation.article == "第八条"
    assert param.citation.source == "人社部令第25号"


def test_the_professional_share_is_the_fraction_two_thirds(book):
    assert book.resolve("370303", date(2025, 6, 10)).value("professional_share_min") == Fraction(
        2, 3
    )


def test_a_parameter_no_profile_sets_is_none_from_get_and_a_key_error_from_param(book):
    resolved = book.resolve("370303", date(2025, 6, 10))
    assert resolved.get("one_off_lead_working_days") is None
    with pytest.raises(KeyError, match="one_off_lead_working_days"):
        resolved.param("one_off_lead_working_days")


def test_weihai_sets_a_five_working_day_lead_for_one_off_filings(book):
    lead = book.resolve("371002", date(2024, 6, 3)).param("one_off_lead_working_days")
    assert lead.value == 5
    assert lead.citation.article == "第十六条"


# Malformed files: each is named, with the key at fault.

NATIONAL = """\
jurisdiction = "000000"
name = "全国"
version = "2015"
document = "national"
source = "人社部令第25号"
effective_from = 2015-10-01

[params.yearly_hours_required]
value = 90
article = "第八条"
"""

LOCAL = """\
jurisdiction = "370300"
name = "淄博市"
version = "2025"
document = "zibo"
source = "000.txt"
effective_from = 2025-05-10
"""


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_minimal_well_formed_directory_loads(tmp_path):
    write(tmp_path, "000000-national.toml", NATIONAL)
    write(tmp_path, "370300-zibo.toml", LOCAL)
    book = load_book(tmp_path)
    assert [p.key for p in book.resolve("370303", date(2025, 6, 1)).chain] == [
        "370300@2025", "000000@2015"]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (LOCAL + "name = \n", ["bad.toml", "not valid TOML"]),
        (LOCAL.replace('jurisdiction = "370300"\n', ""), ["bad.toml", "'jurisdiction'"]),
        (LOCAL.replace('"370300"', "370300"), ["bad.toml", "'jurisdiction'"]),
        (LOCAL.replace('"370300"', '"3703"'), ["bad.toml", "'jurisdiction'", "GB/T 2260"]),
        (LOCAL.replace('"370300"', '"37030X"'), ["bad.toml", "'jurisdiction'"]),
        (LOCAL.replace('document = "zibo"\n', ""), ["bad.toml", "'document'"]),
        (LOCAL.replace("effective_from = 2025-05-10", 'effective_from = "2025-05-10"'),
         ["bad.toml", "'effective_from'"]),
        (LOCAL + 'effective_to = "2030-01-01"\n', ["bad.toml", "'effective_to'"]),
        (LOCAL + '[params.yearly_trainees_min]\nvalue = 500\n',
         ["bad.toml", "params.yearly_trainees_min", "'article'"]),
        (LOCAL + '[params.yearly_trainees_min]\narticle = "第八条"\n',
         ["bad.toml", "params.yearly_trainees_min", "'value'"]),
        (LOCAL + '[params.yearly_trainees_min]\nvalue = 500\narticle = 8\n',
         ["bad.toml", "params.yearly_trainees_min.article"]),
        (LOCAL + '[params.professional_share_min]\nvalue = "two thirds"\narticle = ""\n',
         ["bad.toml", "params.professional_share_min", "fraction"]),
        (LOCAL + '[rules.filing]\nsummary = "no article"\n',
         ["bad.toml", "rules.filing", "'article'"]),
    ],
    ids=[
        "invalid TOML",
        "missing jurisdiction",
        "jurisdiction not a string",
        "jurisdiction too short",
        "jurisdiction with a letter",
        "missing document",
        "effective_from a string",
        "effective_to a string",
        "param without article",
        "param without value",
        "param article not a string",
        "share not a fraction",
        "rule without article",
    ],
)
def test_a_malformed_file_raises_policy_file_error_naming_the_file_and_the_key(
    tmp_path, text, fragments
):
    write(tmp_path, "000000-national.toml", NATIONAL)
    write(tmp_path, "bad.toml", text)
    with pytest.raises(PolicyFileError) as error:
        load_book(tmp_path)
    for fragment in fragments:
        assert fragment in str(error.value)


@pytest.mark.parametrize(
    ("first_to", "second_from"),
    [
        ("effective_to = 2025-06-30\n", "2025-06-30"),
        ("effective_to = 2025-12-31\n", "2025-06-01"),
        ("", "2026-01-01"),
    ],
    ids=["sharing a day", "overlapping months", "the first never ends"],
)
def test_two_versions_of_one_jurisdiction_may_not_overlap(tmp_path, first_to, second_from):
    write(tmp_path, "000000-national.toml", NATIONAL)
    write(tmp_path, "370300-a.toml", LOCAL + first_to)
    write(tmp_path, "370300-b.toml", LOCAL.replace('"2025"', '"2026"').replace(
        "2025-05-10", second_from))
    with pytest.raises(PolicyFileError) as error:
        load_book(tmp_path)
    message = str(error.value)
    assert "370300-b.toml" in message
    assert "370300-a.toml" in message
    assert "effective_from" in message


def test_two_versions_one_after_the_other_load(tmp_path):
    write(tmp_path, "000000-national.toml", NATIONAL)
    write(tmp_path, "370300-a.toml", LOCAL + "effective_to = 2025-12-31\n")
    write(tmp_path, "370300-b.toml", LOCAL.replace('"2025"', '"2026"').replace(
        "2025-05-10", "2026-01-01"))
    book = load_book(tmp_path)
    assert book.resolve("370300", date(2025, 12, 31)).profile.version == "2025"
    assert book.resolve("370300", date(2026, 1, 1)).profile.version == "2026"


def test_a_directory_without_a_national_profile_is_refused(tmp_path):
    write(tmp_path, "370300-zibo.toml", LOCAL)
    with pytest.raises(PolicyFileError) as error:
        load_book(tmp_path)
    assert "national" in str(error.value)
    assert "jurisdiction" in str(error.value)


def test_an_empty_article_is_kept_as_no_article(tmp_path):
    path = write(tmp_path, "p.toml", LOCAL + '[params.x]\nvalue = 1\narticle = ""\n')
    assert load_profile(path).params["x"].citation.article is None


def test_a_param_inherits_the_files_document_and_source_unless_it_names_its_own(tmp_path):
    path = write(tmp_path, "p.toml", LOCAL + (
        '[params.x]\nvalue = 1\narticle = "第一条"\n'
        '[params.y]\nvalue = 2\narticle = "6.2"\ndocument = "GB 11643"\nsource = "GB"\n'))
    params = load_profile(path).params
    assert (params["x"].citation.document, params["x"].citation.source) == ("zibo", "000.txt")
    assert (params["y"].citation.document, params["y"].citation.source) == ("GB 11643", "GB")


def test_a_datetime_for_effective_from_is_refused_as_a_malformed_file(tmp_path):
    write(tmp_path, "000000-national.toml",
          NATIONAL.replace("2015-10-01", "2015-10-01T00:00:00"))
    with pytest.raises(PolicyFileError, match="effective_from"):
        load_book(tmp_path)


def test_a_profile_that_ends_before_it_begins_is_refused(tmp_path):
    write(tmp_path, "000000-national.toml", NATIONAL)
    write(tmp_path, "370300-zibo.toml", LOCAL + "effective_to = 2025-01-01\n")
    with pytest.raises(PolicyFileError, match="effective_to"):
        load_book(tmp_path)


SICHUAN_DRAFT = "510000@2025-draft"


def test_sichuan_article_38_a_draft_is_in_force_only_from_the_day_an_operator_enables():
    enabled = load_book(enabled_drafts={SICHUAN_DRAFT: date(2025, 9, 1)})

    assert [p.key for p in enabled.resolve("510104", date(2025, 8, 31)).chain] == [
        "000000@2015"]
    assert [p.key for p in enabled.resolve("510104", date(2025, 9, 1)).chain] == [
        SICHUAN_DRAFT, "000000@2015"]
    assert [p.key for p in enabled.enabled_drafts()] == [SICHUAN_DRAFT]
    assert enabled.advisory("510104", date(2025, 9, 1)) is None


def test_sichuan_article_38_a_draft_nobody_enabled_only_advises(book):
    advice = book.advisory("510104", date(2025, 9, 1))

    assert advice is not None and advice.profile.key == SICHUAN_DRAFT
    assert book.enabled_drafts() == []
    assert book.advisory("370303", date(2025, 9, 1)) is None


@pytest.mark.parametrize("setting", ["510000@2025-draft", "510000@2025-draft=2025-13-01",
                                     "x=2025-01-01"])
def test_a_malformed_or_unknown_enabled_draft_stops_the_app(setting):
    from ledger.policy import parse_enabled_drafts

    with pytest.raises(PolicyFileError):
        load_book(enabled_drafts=parse_enabled_drafts(setting))
