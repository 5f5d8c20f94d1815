"""A base with no LMS integration: its login, the templates, and a roster uploaded
through the page, answered with the same rows and a 处理结果 column."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from ledger.actors import Role
from ledger.services import clients
from ledger.store import Entry

from ..intake.conftest import AFTER_CLASS
from ..intake.test_rosters import HEADER, as_csv, count, row
from .helpers import Browser, committee_client


def base_client(world):
    """The base's API client (id and secret), as the regulator issues it."""
    return clients.create_client(world.ctx, role=Role.BASE, name="淄博基地名单上传",
                                 base_id=world.base.base_id)


def logged_in_base(world) -> Browser:
    client, secret = base_client(world)
    browser = Browser(world.app)
    done = browser.submit("/base/login", "/base/login",
                          {"client_id": client.client_id, "client_secret": secret})
    assert done.status_code == 302 and done.headers["Location"].endswith("/base/rosters")
    return browser


def upload(browser: Browser, data: bytes, name: str = "名单.csv", kind: str = "completions",
           fmt: str = "", token: bool = True):
    form = {"kind": kind, "format": fmt, "file": (io.BytesIO(data), name)}
    if token:
        form["csrf_token"] = browser.token("/base/rosters")
    return browser.post("/base/rosters", data=form, content_type="multipart/form-data")


def test_home_links_to_the_base_login(app):
    assert 'href="/base/login"' in Browser(app).get("/").get_data(as_text=True)


def test_the_roster_page_offers_both_templates_and_a_labelled_file_input(world):
    browser = logged_in_base(world)
    page = browser.get("/base/rosters")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert '<label for="file">' in html and 'id="file" name="file" type="file"' in html
    assert 'enctype="multipart/form-data"' in html and "<script>" not in html
    for kind in ("completions", "attendance"):
        for fmt in ("csv", "xlsx"):
            link = f"/v1/rosters/template?kind={kind}&amp;format={fmt}"
            assert link in html
            got = browser.get(link.replace("&amp;", "&"))
            assert got.status_code == 200, (kind, fmt)
            if fmt == "xlsx":
                sheet = load_workbook(io.BytesIO(got.data), read_only=True).worksheets[0]
                assert "身份证号" in next(sheet.iter_rows(values_only=True))


def test_a_roster_through_the_page_credits_the_good_row_and_explains_the_bad(world):
    project = world.accepted_project()
    world.clock.set(AFTER_CLASS)
    browser = logged_in_base(world)

    answer = upload(browser, as_csv([row(project, 1), row(project, 2, 学时="abc")]))

    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert table[0] == [*HEADER, "处理结果"]
    assert [r[:8] for r in table[1:]] == [[str(v) for v in row(project, n, **extra)]
                                          for n, extra in ((1, {}), (2, {"学时": "abc"}))]
    assert table[1][8].startswith("credited 24.0学时")
    assert table[2][8].startswith("error: 学时应为数字")
    assert answer.headers["X-Roster-Errors"] == "1"
    assert count(Entry) == 1


def test_an_xlsx_roster_answers_an_xlsx_result(world):
    from openpyxl import Workbook

    project = world.accepted_project()
    world.clock.set(AFTER_CLASS)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(row(project, 7))
    data = io.BytesIO()
    book.save(data)

    answer = upload(logged_in_base(world), data.getvalue(), name="名单.xlsx")

    assert answer.status_code == 200
    rows = list(load_workbook(io.BytesIO(answer.data), read_only=True)
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "处理结果" and str(rows[1][-1]).startswith("credited")
    assert count(Entry) == 1


def test_a_file_that_is_not_a_roster_is_an_error_page_in_chinese(world):
    browser = logged_in_base(world)

    wrong_columns = upload(browser, "姓名,电话\n张三,123\n".encode())
    not_a_workbook = upload(browser, b"not a zip", name="名单.xlsx")
    no_file = upload(browser, b"", name="")

    assert wrong_columns.status_code == 422
    assert "名单缺少必填列" in wrong_columns.get_data(as_text=True)
    assert not_a_workbook.status_code == 422
    assert "无法读取该文件" in not_a_workbook.get_data(as_text=True)
    assert no_file.status_code == 422
    assert "请选择要上传的名单文件" in no_file.get_data(as_text=True)
    assert count(Entry) == 0


def test_an_upload_without_the_csrf_token_is_refused_and_credits_nothing(world):
    project = world.accepted_project()
    world.clock.set(AFTER_CLASS)
    browser = logged_in_base(world)

    answer = upload(browser, as_csv([row(project, 1)]), token=False)

    assert answer.status_code == 400
    assert "表单来源不可信" in answer.get_data(as_text=True)
    assert count(Entry) == 0


def test_only_a_base_logs_in_here_and_only_a_base_uploads(world):
    client, secret = committee_client(world, "淄博市高级职称评审委员会", "370300")
    refused = Browser(world.app).submit(
        "/base/login", "/base/login", {"client_id": client.client_id, "client_secret": secret})
    assert refused.status_code == 401
    assert "基地账号或密钥不正确" in refused.get_data(as_text=True)

    _, wrong_secret = base_client(world)
    bad = Browser(world.app).submit("/base/login", "/base/login",
                                    {"client_id": client.client_id, "client_secret": wrong_secret})
    assert bad.status_code == 401

    committee = Browser(world.app)
    assert committee.committee_log_in(client.client_id, secret).status_code == 302
    assert committee.get("/base/rosters").status_code == 403
    assert Browser(world.app).get("/base/rosters").headers["Location"].endswith("/base/login")


def test_a_disabled_base_client_is_logged_out_at_once(world):
    client, secret = base_client(world)
    browser = Browser(world.app)
    browser.submit("/base/login", "/base/login",
                   {"client_id": client.client_id, "client_secret": secret})
    assert browser.get("/base/rosters").status_code == 200

    clients.disable_client(world.ctx, client.client_id)

    assert browser.get("/base/rosters").headers["Location"].endswith("/base/login")


def test_guessing_a_base_secret_is_slowed_and_said_in_words(world):
    client, secret = base_client(world)
    browser = Browser(world.app)

    def attempt(guess: str):
        return browser.submit("/base/login", "/base/login",
                              {"client_id": client.client_id, "client_secret": guess})

    statuses = [attempt(f"wrong-{n}").status_code for n in range(15)]
    refused = attempt(secret)

    assert statuses[0] == 401 and 429 in statuses
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "尝试次数过多" in refused.get_data(as_text=True)
