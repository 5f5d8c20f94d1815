"""Issue 10 item 4 on the pages: the login forms for people (/login, /activate,
/committee/login) are limited as the token endpoint is, in the shared storage, and a
locked password is said in words, not a 500."""

from __future__ import annotations

from ..pages.helpers import Browser, activated


def test_wrong_passwords_at_the_login_page_are_slowed_with_retry_after(world):
    activated(world, world.person_id, "correct-horse-battery")
    browser = Browser(world.app)
    statuses = [browser.log_in(world.person_id, f"wrong-{n}").status_code for n in range(15)]

    assert statuses[:5] == [401] * 5  # wrong password, then locked: both 401, in words
    assert 429 in statuses
    refused = browser.log_in(world.person_id, "correct-horse-battery")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "尝试次数过多" in refused.get_data(as_text=True)


def test_a_locked_login_is_answered_in_words(world):
    activated(world, world.person_id, "correct-horse-battery")
    browser = Browser(world.app)
    for n in range(5):
        browser.log_in(world.person_id, f"wrong-{n}")
    locked = browser.log_in(world.person_id, "correct-horse-battery")

    assert locked.status_code == 401
    assert "暂时锁定" in locked.get_data(as_text=True)


def test_showing_the_login_form_is_never_counted(world):
    browser = Browser(world.app)
    assert {browser.get("/login").status_code for _ in range(80)} == {200}
