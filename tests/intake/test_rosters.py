"""Rosters: templates with Chinese headers, uploads with per-row results, resumable CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from api.db import db
from ledger.actors import Actor, Role
from ledger.services.intake import roster_resume
from ledger.store import Attendance, Entry, Posting

from ..world import id_number
from .conftest import AFTER_CLASS

HEADER = ["外部编号", "项目编号", "身份证号", "姓名", "学时", "科目", "培训日期", "考核结果"]


def person(n: int) -> str:
    return id_number(n % 1000, born=f"1980{1 + n // 1000:02d}01")  # none is world.person_id


def row(project: int, n: int, **overrides) -> list:
    values = {"外部编号": f"r-{n}", "项目编号": project, "身份证号": person(n),
              "姓名": f"学员{n}", "学时": "24.0", "科目": "专业科目",
              "培训日期": "2025-06-20~2025-06-22", "考核结果": "合格", **overrides}
    return [values[h] for h in HEADER]


def as_csv(rows: list[list], header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(world, data: bytes, name="名单.csv", who=None, **query):
    return world.call("POST", "/v1/rosters", who or world.base, query_string=query,
                      data={"file": (io.BytesIO(data), name)},
                      content_type="multipart/form-data")


def results(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def after(world, project):
    world.clock.set(AFTER_CLASS)
    return project


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_has_the_chinese_headers(client, fmt):
    response = client.get("/v1/rosters/template", query_string={"format": fmt})

    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
        header = list(next(sheet.iter_rows(values_only=True)))
    assert header[:8] == HEADER


def test_a_roster_of_a_thousand_rows_is_within_the_uploads_size(world, after):
    data = as_csv([row(after, n) for n in range(1000)])
    assert len(data) > 64 * 1024  # every endpoint without a limit of its own allows 64 KB

    response = upload(world, data)

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["X-Roster-Rows"] == "1000"
    assert response.headers["X-Roster-Errors"] == "0"
    assert count(Entry) == 1000


def test_bad_rows_get_their_errors_and_good_rows_credit(world, after):
    rows = [row(after, 1), row(after, 2, 学时="abc"), row(after, 3, 项目编号=999),
            row(after, 4, 身份证号="370303198001011230"), row(after, 1),
            row(after, 5, 考核结果="不合格"), row(after, 6, 培训日期="2025-06-20;2025-06-21",
                                                  学时="16.0")]

    response = upload(world, as_csv(rows))

    assert response.status_code == 200
    table = results(response)
    assert table[0] == [*HEADER, "处理结果"]
    assert [r[:8] for r in table[1:]] == [[str(v) for v in r] for r in rows]
    outcome = [r[8] for r in table[1:]]
    assert outcome[0].startswith("credited 24.0学时")
    assert outcome[1].startswith("error: 学时应为数字")
    assert outcome[2].startswith("error: 项目编号999")
    assert outcome[3].startswith("rejected") and "identity_invalid" in outcome[3]
    assert outcome[4].startswith("error: 外部编号r-1在本文件中重复")
    assert outcome[5].startswith("rejected") and "assessment_not_passed" in outcome[5]
    assert outcome[6].startswith("credited 16.0学时")
    assert response.headers["X-Roster-Errors"] == "3"
    assert count(Entry) == 2


def test_the_same_roster_again_credits_nothing_more(world, after):
    data = as_csv([row(after, n) for n in range(5)])
    upload(world, data)

    again = results(upload(world, data))

    assert all(r[8].startswith("credited (replayed)") for r in again[1:])
    assert count(Entry) == 5


def test_a_row_changed_since_it_was_posted_is_that_rows_error(world, after):
    upload(world, as_csv([row(after, 1), row(after, 2)]))

    table = results(upload(world, as_csv([row(after, 1, 学时="12.0"), row(after, 3)])))

    assert table[1][8].startswith("error: external_id_conflict")
    assert table[2][8].startswith("credited")


def test_an_xlsx_roster_answers_an_xlsx_with_results(world, after):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(row(after, 1))
    book.active.append(row(after, 2, 考核结果="合 格"))
    data = io.BytesIO()
    book.save(data)

    response = upload(world, data.getvalue(), name="名单.xlsx")

    sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][-1] == "处理结果"
    assert table[1][-1].startswith("credited") and table[2][-1].startswith("error: 考核结果")


def test_a_gb18030_csv_from_excel_is_read(world, after):
    response = upload(world, as_csv([row(after, 1)], encoding="gb18030"))

    assert results(response)[1][8].startswith("credited")


def test_a_roster_without_the_template_columns_is_422(world, after):
    response = upload(world, as_csv([["x"]], header=["编号"]))

    assert response.status_code == 422
    assert response.get_json()["code"] == "roster_columns_missing"


def test_an_attendance_roster_records_sessions(world, after):
    header = ["外部编号", "项目编号", "身份证号", "姓名", "方式", "日期", "签到时间", "签退时间",
              "在线分钟"]
    rows = [["a-1", after, person(1), "学员1", "面授", "2025-06-20", "09:00", "12:00", ""],
            ["a-2", after, person(1), "学员1", "线上", "2025-06-21", "", "", "90"],
            ["a-3", after, person(1), "学员1", "面授", "2025-06-22", "12:00", "09:00", ""]]

    table = results(upload(world, as_csv(rows, header=header), kind="attendance"))

    assert table[1][9] == "recorded 180分钟"
    assert table[2][9] == "recorded 90分钟"
    assert table[3][9].startswith("error: sign_out is after sign_in")
    assert count(Attendance) == 2


def test_the_cli_resumes_after_a_crash_without_double_credit(world, after, runner, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_bytes(as_csv([row(after, n) for n in range(2500)]))
    seen = 0

    def crash_after_1500(n: int) -> None:
        nonlocal seen
        seen += n
        if seen == 1500:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or a kill, mid-import

    actor = Actor(role=Role.BASE, subject="cli", base_id=world.base_id)
    with pytest.raises(KeyboardInterrupt):
        roster_resume.import_path(world.ctx, actor, "completions", roster, chunk=1000,
                                  progress=crash_after_1500)
    assert count(Entry) == 2000  # two chunks committed, 1500 rows written out

    result = runner.invoke(args=["ledger", "import-roster", str(roster),
                                 "--base", str(world.base_id)])

    assert result.exit_code == 0, result.output
    assert '"skipped_as_done": 1500' in result.output
    assert count(Entry) == count(Posting) == 2500
    with Path(f"{roster}.result.csv").open(encoding="utf-8-sig", newline="") as text:
        table = list(csv.reader(text))
    assert [r[0] for r in table[1:]] == [f"r-{n}" for n in range(2500)]
    replayed = [r for r in table[1:] if "replayed" in r[8]]
    assert [r[0] for r in replayed] == [f"r-{n}" for n in range(1500, 2000)]


def test_a_file_that_is_not_text_is_422_and_an_unreadable_row_is_that_rows_error(world, after):
    garbage = upload(world, b"\xff\xfe\x00\x81" * 100)
    good = as_csv([row(after, 1)])
    mixed = good + b"r-2,1,\xff\xff\xff,x,24.0,\n" + as_csv([row(after, 3)]).split(b"\n", 1)[1]

    table = results(upload(world, mixed))

    assert garbage.status_code == 422
    assert garbage.get_json()["code"] in ("roster_unreadable", "roster_columns_missing")
    assert table[1][-1].startswith("credited")
    assert table[2][-1].startswith("error: 此行无法读取")
    assert table[3][-1].startswith("credited")
