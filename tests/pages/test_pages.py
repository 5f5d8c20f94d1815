"""The pages through Flask's test client: logins, CSRF, cookies, masking, the dashboard,
the committee page, the register and the transcript."""

from __future__ import annotations

import re

from ledger.identity import mask

from .helpers import Browser, committee_client, credited_and_rejected, pdf_text


def test_home_answers_in_chinese_with_the_three_ways_in(app):
    page = Browser(app).get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'lang="zh-CN"' in html
    for link in ('href="/login"', 'href="/committee/login"', 'href="/register"'):
        assert link in html


def test_a_form_posted_without_its_csrf_token_is_refused(world):
    browser = Browser(world.app)
    refused = browser.post("/login", data={"id_number": world.person_id,
                                           "password": "correct-horse"})
    assert refused.status_code == 400
    assert "xueshi_session" not in refused.headers.get("Set-Cookie", "") or \
        "who" not in refused.get_data(as_text=True)
    assert browser.get("/me").status_code == 302


def test_the_session_cookie_is_secure_httponly_and_samesite(world):
    response = Browser(world.app).log_in(world.person_id, "correct-horse")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("xueshi_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie


def test_a_wrong_password_shows_the_form_again_with_a_message(world):
    page = Browser(world.app).log_in(world.person_id, "wrong-password")
    assert page.status_code == 401
    assert "身份证号码或密码不正确" in page.get_data(as_text=True)


def test_the_dashboard_shows_hours_and_the_rejected_posting_with_its_reason(world):
    credited_and_rejected(world)
    browser = Browser(world.app)
    browser.log_in(world.person_id, "correct-horse")
    page = browser.get("/me")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "24.0" in html
    assert "培训考核未通过，不予登记学时。" in html
    assert "人社部令第25号" in html or "专业技术人员继续教育规定" in html
    assert "<svg" in html and 'role="progressbar"' in html
    assert page.headers["Cache-Control"] == "no-store"
    # The ledger keeps no ID number in clear, not even in the session cookie, so the
    # owner too sees it masked.
    assert world.person_id not in html
    assert mask(world.person_id) in html


def test_the_committee_page_verifies_masks_the_id_and_writes_the_access_log(world):
    credited_and_rejected(world)
    client, secret = committee_client(world, "淄博市高级职称评审委员会", "370300")
    browser = Browser(world.app)
    login = browser.committee_log_in(client.client_id, secret)
    assert login.status_code == 302
    report = browser.submit("/committee", "/committee", {
        "id_number": world.person_id, "name": world.person_name, "year_from": "2024",
        "year_to": "2025", "purpose": "2025年度高级职称评审"})
    html = report.get_data(as_text=True)
    assert report.status_code == 200, html
    assert world.person_id not in html
    assert mask(world.person_id) in html
    assert "建筑工程新技术研修班" in html
    assert re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", html)  # its verification code

    owner = Browser(world.app)
    owner.log_in(world.person_id, "correct-horse")
    log = owner.get("/me").get_data(as_text=True)
    assert "淄博市高级职称评审委员会" in log and "2025年度高级职称评审" in log


def test_without_a_login_the_private_pages_send_you_to_log_in(world):
    browser = Browser(world.app)
    assert browser.get("/committee").status_code == 302
    assert browser.get("/me").status_code == 302


def test_the_transcript_is_a_pdf_with_chinese_text_and_the_hours(world):
    credited_and_rejected(world)
    browser = Browser(world.app)
    browser.log_in(world.person_id, "correct-horse")
    response = browser.submit("/me", "/me/transcript", {"year_from": "2025", "year_to": "2025"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    flat = re.sub(r"\s+", "", text)
    assert "继续教育学时证明" in flat
    assert "建筑工程新技术研修班" in flat
    assert world.person_name in flat


def test_the_register_is_searchable_and_paged(world):
    for n in range(25):
        world.new_base(f"测试基地{n:02d}", registry_number=f"ZB-T{n:02d}")
    browser = Browser(world.app)
    first = browser.get("/register").get_data(as_text=True)
    assert "第 1 / 2 页" in first and "淄博基地" in first
    found = browser.get("/register", query_string={"q": "ZB-T07"}).get_data(as_text=True)
    assert "测试基地07" in found and "测试基地08" not in found


def test_a_committee_logged_in_cannot_open_the_professional_pages(world):
    client, secret = committee_client(world, "淄博市高级职称评审委员会", "370300")
    browser = Browser(world.app)
    browser.committee_log_in(client.client_id, secret)
    page = browser.get("/me")
    assert page.status_code == 403
    assert "当前登录的身份不能使用这个页面" in page.get_data(as_text=True)


def test_a_malformed_year_is_a_422_page_in_chinese_not_a_500(world):
    browser = Browser(world.app)
    browser.log_in(world.person_id, "correct-horse")
    page = browser.submit("/me", "/me/transcript", {"year_from": "20x5", "year_to": "2025"})
    assert page.status_code == 422
    assert "年度范围不正确" in page.get_data(as_text=True)
