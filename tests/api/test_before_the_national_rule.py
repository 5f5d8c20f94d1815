"""人社部令第25号 is in force from 2015-10-01. Earlier years (常州 2011 rests on the 1995
《全国专业技术人员继续教育暂行规定》 and 江苏's 条例, texts the ledger does not hold) are
answered "no national requirement on record": never the 2015 numbers, never a 500."""

from __future__ import annotations

from ledger import identity
from ledger.actors import Role
from ledger.services import reading


def test_national_article_8_years_before_2015_10_01_have_no_requirement_on_record(world):
    record = world.hours(year_from=2012, year_to=2016)

    assert record.status_code == 200, record.get_json()
    years = {y["year"]: y["compliance"] for y in record.get_json()["years"]}
    for year in (2012, 2013, 2014):
        assert years[year]["met"] is None and years[year]["required_total"] is None
        assert "no national requirement on record" in years[year]["rule"]["summary"]
    assert years[2016]["required_total"] == "90.0" and years[2016]["met"] is False


def test_changzhou_2011_sets_no_yearly_hours_so_2012_has_no_requirement_on_record(world):
    changzhou = world.new_client(Role.REGULATOR, "常州市人社局", "320400")
    person = "32040219900101001" + identity.check_character("32040219900101001")
    reading.register_professional(world.ctx, changzhou, person, "王五", "320402", "pw-王五-123")
    token = world.token_for_password(person, "pw-王五-123")

    record = world.hours(token, year_from=2012, year_to=2012)

    assert record.status_code == 200, record.get_json()
    [year] = record.get_json()["years"]
    assert year["compliance"]["met"] is None


def test_a_committee_asking_about_2010_gets_an_answer_not_a_500(world):
    response = world.call("POST", "/v1/verifications", world.committee, json={
        "id_number": world.person_id, "name": world.person_name, "year_from": 2010,
        "year_to": 2011, "purpose": "2011年度职称评审"})

    assert response.status_code == 200, response.get_json()
    years = response.get_json()["report"]["years"]
    assert [y["compliance"]["met"] for y in years] == [None, None]


def test_years_before_1995_are_refused_with_a_problem(world):
    response = world.hours(year_from=1990, year_to=1991)

    assert response.status_code in (400, 422)
    assert response.get_json()["code"]
