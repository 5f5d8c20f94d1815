"""Getting in and letting others in: activation codes (API, CLI, page), grants to a
committee outside the jurisdiction and their revocation, and the public verification."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.actors import Role
from ledger.services import activation

from .helpers import Browser, committee_client, credited_and_rejected, pdf_text

CODE = re.compile(r"核验码：\s*([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")


def new_person(world, serial: int = 456, name: str = "王五"):
    from ledger.services import reading

    from ..world import id_number

    number = id_number(serial)
    reading.register_professional(world.ctx, world.regulator, number, name, "370303", None)
    return number


def test_a_regulator_issues_a_code_by_api_and_the_professional_activates_on_the_page(world):
    number = new_person(world)
    issued = world.call("POST", "/v1/professionals/activation-codes", world.regulator,
                        json={"id_number": number})
    assert issued.status_code == 201, issued.get_json()
    code = issued.get_json()["code"]
    assert number not in json.dumps(issued.get_json())

    browser = Browser(world.app)
    form = {"id_number": number, "code": code.lower(), "password": "a-new-password",
            "password2": "a-new-password"}
    done = browser.submit("/activate", "/activate", form)
    assert done.status_code == 302 and done.headers["Location"].endswith("/me")
    assert "王五" in browser.get("/me").get_data(as_text=True)
    # The code works once.
    again = Browser(world.app).submit("/activate", "/activate", form)
    assert again.status_code == 401
    assert "激活码不正确、已使用或已过期" in again.get_data(as_text=True)
    assert Browser(world.app).log_in(number, "a-new-password").status_code == 302


def test_an_activation_code_expires_and_a_new_one_retires_the_old(world, clock):
    number = new_person(world)
    first = activation.issue_code(world.ctx, world.regulator, number)["code"]
    second = activation.issue_code(world.ctx, world.regulator, number)["code"]
    browser = Browser(world.app)
    form = {"id_number": number, "password": "long-enough-1", "password2": "long-enough-1"}
    assert browser.submit("/activate", "/activate", {**form, "code": first}).status_code == 401
    clock.set(clock.now() + timedelta(days=15))
    assert browser.submit("/activate", "/activate", {**form, "code": second}).status_code == 401


def test_another_jurisdictions_regulator_cannot_issue_a_code(world):
    number = new_person(world)
    weihai = world.new_client(Role.REGULATOR, "威海市人社局", "371000")
    refused = world.call("POST", "/v1/professionals/activation-codes", weihai,
                         json={"id_number": number})
    assert refused.status_code == 404
    assert refused.get_json()["code"] == "professional_not_found"


def test_the_cli_issues_a_code_for_a_regulator(world, runner):
    number = new_person(world)
    result = runner.invoke(args=["ledger", "activation-code", "--regulator",
                                 world.regulator.subject, "--id-number", number])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}",
                        printed["code"])
    assert number not in result.output


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_normalising_a_code_keeps_only_letters_and_digits_in_upper_case(raw):
    normal = activation.normalize_code(raw)
    assert normal == normal.upper()
    assert all(ch.isalnum() for ch in normal)
    assert activation.normalize_code(normal) == normal


def test_a_grant_lets_a_committee_elsewhere_verify_until_revoked(world):
    credited_and_rejected(world)
    client, secret = committee_client(world, "山东省工程技术职称评审委员会", "370000")
    weihai, weihai_secret = committee_client(world, "威海市职称评审委员会", "371000")
    committee = Browser(world.app)
    committee.committee_log_in(weihai.client_id, weihai_secret)
    ask = {"id_number": world.person_id, "name": world.person_name, "year_from": "2025",
           "year_to": "2025", "purpose": "异地评审"}
    assert committee.submit("/committee", "/committee", ask).status_code == 404

    owner = Browser(world.app)
    owner.log_in(world.person_id, "correct-horse")
    granted = owner.submit("/me", "/me/grants",
                           {"committee_id": str(weihai.id), "days": "30", "purpose": "异地评审"})
    assert granted.status_code == 302
    page = owner.get("/me").get_data(as_text=True)
    assert "威海市职称评审委员会" in page and "有效" in page and client.name in page
    assert committee.submit("/committee", "/committee", ask).status_code == 200

    grant_id = re.search(r'action="/me/grants/(\d+)/revoke"', page).group(1)
    assert owner.submit("/me", f"/me/grants/{grant_id}/revoke", {}).status_code == 302
    assert "已撤回" in owner.get("/me").get_data(as_text=True)
    assert committee.submit("/committee", "/committee", ask).status_code == 404


def test_a_grant_expires(world, clock):
    weihai, weihai_secret = committee_client(world, "威海市职称评审委员会", "371000")
    owner = Browser(world.app)
    owner.log_in(world.person_id, "correct-horse")
    owner.submit("/me", "/me/grants", {"committee_id": str(weihai.id), "days": "1",
                                       "purpose": "评审"})
    clock.set(clock.now() + timedelta(days=2))
    committee = Browser(world.app)
    committee.committee_log_in(weihai.client_id, weihai_secret)
    ask = {"id_number": world.person_id, "name": world.person_name, "year_from": "2025",
           "year_to": "2025", "purpose": "评审"}
    assert committee.submit("/committee", "/committee", ask).status_code == 404
    owner = Browser(world.app)
    owner.log_in(world.person_id, "correct-horse")
    assert "已到期" in owner.get("/me").get_data(as_text=True)


def test_the_transcripts_code_opens_a_verification_page_that_turns_when_a_credit_is_voided(
        world, clock):
    credited_and_rejected(world)
    owner = Browser(world.app)
    owner.log_in(world.person_id, "correct-horse")
    pdf = owner.submit("/me", "/me/transcript", {"year_from": "2025", "year_to": "2025"})
    code = CODE.search(pdf_text(pdf.data)).group(1)

    page = Browser(world.app).get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "真实" in html and "仍然有效" in html and "24.0" in html

    posting = world.post(world.item(1, "c-1")).get_json()["receipts"][0]["posting_id"]
    clock.set(datetime(2025, 6, 24, 2, 0, tzinfo=UTC))
    voided = world.call("POST", f"/v1/completions/{posting}/void", world.base,
                        json={"reason": "录入错误"})
    assert voided.status_code == 200, voided.get_json()
    html = Browser(world.app).get(f"/verify/{code}").get_data(as_text=True)
    assert "已有变化" in html and "基地撤回了这条记录" in html


def test_an_unknown_code_is_a_404_page_in_chinese(world):
    page = Browser(world.app).get("/verify/ZZZZ-ZZZZ-ZZZZ")
    assert page.status_code == 404
    assert "没有这个核验码" in page.get_data(as_text=True)


def test_grants_over_the_api_list_grant_and_revoke(world):
    weihai, _ = committee_client(world, "威海市职称评审委员会", "371000")
    listed = world.call("GET", "/v1/committees", world.professional).get_json()
    assert weihai.id in [c["id"] for c in listed]
    made = world.call("POST", "/v1/me/grants", world.professional,
                      json={"committee_id": weihai.id, "days": 7, "purpose": "异地评审"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["active"] is True
    assert made.get_json()["committee"] == "威海市职称评审委员会"
    too_long = world.call("POST", "/v1/me/grants", world.professional,
                          json={"committee_id": weihai.id, "days": 400, "purpose": "x"})
    assert too_long.status_code == 422
    not_a_committee = world.call("POST", "/v1/me/grants", world.professional, json={
        "committee_id": world.regulator.client_pk, "days": 7, "purpose": "x"})
    assert not_a_committee.get_json()["code"] == "committee_not_found"
    revoked = world.call("POST", f"/v1/me/grants/{made.get_json()['id']}/revoke",
                         world.professional)
    assert revoked.status_code == 200 and revoked.get_json()["active"] is False
    # Someone else's grant does not exist for a committee or another professional.
    assert world.call("POST", f"/v1/me/grants/{made.get_json()['id']}/revoke",
                      world.committee).status_code == 404
    assert [g["active"] for g in world.call("GET", "/v1/me/grants",
                                            world.professional).get_json()] == [False]
