"""Rosters: completions or attendance from a spreadsheet, for bases with no integration.

Rows stream from the file (roster_files), are read one by one into the same values the
JSON API posts, and go in chunks through the same services (post_completions,
post_attendance), each chunk its own transaction. External ids make a chunk posted twice
(a retry, a resume after a crash) answer its first receipts and credit once. Every row
comes back with a result; a bad row never stops the good ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from sqlalchemy import select

from ...actors import Actor, Role
from ...clock import CHINA
from ...errors import Invalid, LedgerError, NotFound
from ...store import Project, TrainingBase
from .. import completions
from ..context import Context
from . import attendance, roster_files

CHUNK = 1000
RESULT = "处理结果"

SUBJECTS = {"公需科目": "public", "公需": "public", "public": "public",
            "专业科目": "professional", "专业": "professional", "professional": "professional"}
ASSESSMENTS = {"合格": "passed", "通过": "passed", "passed": "passed",
               "不合格": "failed", "未通过": "failed", "failed": "failed",
               "缺考": "absent", "absent": "absent"}
MODES = {"面授": "classroom", "classroom": "classroom", "线上": "online", "online": "online"}


class RowError(ValueError):
    """What is wrong with a row, in words for the person who filled it in."""


@dataclass(frozen=True)
class Kind:
    name: str
    header: tuple[str, ...]
    required: tuple[str, ...]
    example: tuple[Any, ...]
    parse: Callable[[dict[str, Any]], Any]
    post: Callable[[Context, Actor, list[Any]], dict[str, Any]]
    describe: Callable[[dict[str, Any]], str]


def _text(row: dict[str, Any], column: str, required: bool = True) -> str:
    value = row.get(column)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise RowError(f"{column}不能为空")
    return text


def _int(row: dict[str, Any], column: str, required: bool = True) -> int | None:
    text = _text(row, column, required)
    if not text:
        return None
    if not re.fullmatch(r"\d{1,9}", text):
        raise RowError(f"{column}应为正整数：{text}")
    return int(text)


def _hours(row: dict[str, Any]) -> Decimal:
    text = _text(row, "学时")
    try:
        hours = Decimal(text)
    except InvalidOperation as exc:
        raise RowError(f"学时应为数字：{text}") from exc
    if not hours.is_finite() or not Decimal("0.1") <= hours <= Decimal("9999.9") \
            or hours != hours.quantize(Decimal("0.1")):
        raise RowError(f"学时应在0.1至9999.9之间，最多一位小数：{text}")
    return hours.quantize(Decimal("0.1"))


def _day(value: Any, column: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError as exc:
        raise RowError(f"{column}应为日期（如2025-06-20）：{value}") from exc


def _dates(row: dict[str, Any]) -> tuple[date, ...]:
    value = row.get("培训日期")
    if isinstance(value, date | datetime):
        return (_day(value, "培训日期"),)
    text = _text(row, "培训日期")
    span = re.split(r"\s*(?:~|～|至)\s*", text)
    if len(span) == 2:
        first, last = _day(span[0], "培训日期"), _day(span[1], "培训日期")
        if last < first or (last - first).days > 365:
            raise RowError(f"培训日期范围不正确：{text}")
        return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))
    days = {_day(part, "培训日期") for part in re.split(r"[;；,，、\s]+", text) if part}
    return tuple(sorted(days))


def _choice(row: dict[str, Any], column: str, choices: dict[str, str]) -> str:
    text = _text(row, column)
    if text not in choices:
        raise RowError(f"{column}应为{'、'.join(k for k in choices if not k.isascii())}：{text}")
    return choices[text]


def parse_completion(row: dict[str, Any]) -> completions.NewCompletion:
    return completions.NewCompletion(
        external_id=_text(row, "外部编号"), project_id=_int(row, "项目编号") or 0,
        id_number=_text(row, "身份证号").upper(), name=_text(row, "姓名"), hours=_hours(row),
        subject=_choice(row, "科目", SUBJECTS), training_dates=_dates(row),
        assessment=_choice(row, "考核结果", ASSESSMENTS), minutes=_int(row, "学习分钟", False))


def _moment(row: dict[str, Any], column: str, day: date | None) -> datetime | None:
    value = row.get(column)
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CHINA)
    if isinstance(value, time) and day is not None:
        return datetime.combine(day, value, CHINA)
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?", text) and day is not None:
            return datetime.combine(day, time.fromisoformat(text.zfill(5)), CHINA)
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise RowError(f"{column}应为时间（如09:00）：{text}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)  # Beijing time


def parse_attendance(row: dict[str, Any]) -> attendance.NewAttendance:
    day = _day(row["日期"], "日期") if row.get("日期") not in (None, "") else None
    item = attendance.NewAttendance(
        external_id=_text(row, "外部编号"), project_id=_int(row, "项目编号") or 0,
        id_number=_text(row, "身份证号").upper(), name=_text(row, "姓名"),
        mode=_choice(row, "方式", MODES), session_on=day,
        sign_in=_moment(row, "签到时间", day), sign_out=_moment(row, "签退时间", day),
        minutes=_int(row, "在线分钟", False))
    problems = item.problems()
    if problems:
        raise RowError("；".join(problems))
    return item


def _describe_completion(receipt: dict[str, Any]) -> str:
    words = receipt["status"] + (" (replayed)" if receipt["replayed"] else "")
    if receipt.get("hours"):
        words += f" {receipt['hours']}学时"
    reasons = "; ".join(f"{r['code']}: {r['message']}" for r in receipt["reasons"])
    return f"{words} — {reasons}" if reasons else words


def _describe_attendance(receipt: dict[str, Any]) -> str:
    words = "recorded" + (" (replayed)" if receipt["replayed"] else "")
    words += f" {receipt['minutes']}分钟"
    if receipt["flags"]:
        words += " — overlap flagged: " + ", ".join(f"#{f}" for f in receipt["flags"])
    return words


KINDS = {
    "completions": Kind(
        "completions",
        ("外部编号", "项目编号", "身份证号", "姓名", "学时", "科目", "培训日期", "考核结果",
         "学习分钟"),
        ("外部编号", "项目编号", "身份证号", "姓名", "学时", "科目", "培训日期", "考核结果"),
        ("2025-0001", 1, "370303199001011234", "张三", "24.0", "专业科目",
         "2025-06-20~2025-06-22", "合格", ""),
        parse_completion, completions.post_completions, _describe_completion),
    "attendance": Kind(
        "attendance",
        ("外部编号", "项目编号", "身份证号", "姓名", "方式", "日期", "签到时间", "签退时间",
         "在线分钟"),
        ("外部编号", "项目编号", "身份证号", "姓名", "方式"),
        ("2025-0001-d1", 1, "370303199001011234", "张三", "面授", "2025-06-20", "09:00",
         "17:00", ""),
        parse_attendance, attendance.post_attendance, _describe_attendance),
}


@dataclass
class Tally:
    rows: int = 0
    errors: int = 0
    by_status: dict[str, int] | None = None

    def count(self, result: str) -> None:
        self.by_status = self.by_status or {}
        status = result.split(" ", 1)[0].split(":", 1)[0]
        self.by_status[status] = self.by_status.get(status, 0) + 1


def import_rows(ctx: Context, actor: Actor, kind: Kind, header: list[str],
                rows: Iterable[list[Any]], emit: Callable[[list[Any], str], None],
                chunk: int = CHUNK) -> Tally:
    """Post every row, chunk by chunk, and emit each row with its result, in file order.

    A chunk is committed before its rows are emitted, so whatever was emitted is in the
    ledger; a chunk posted again after a crash answers its first receipts.
    """
    actor.require(Role.BASE)
    missing = [c for c in kind.required if c not in header]
    if missing:
        raise Invalid(f"the roster lacks the columns {missing}; use the template",
                      code="roster_columns_missing", missing=missing, expected=kind.header)
    base = ctx.session.get(TrainingBase, actor.base_id)
    if base is None:
        raise NotFound("no such base", code="base_not_found")
    projects = set(ctx.session.scalars(select(Project.id).where(Project.base_id == base.id)))
    ctx.session.rollback()  # no read transaction held across the chunks
    tally = Tally()
    for batch in _chunks(rows, chunk):
        results: list[str | None] = [None] * len(batch)
        items: dict[int, Any] = {}
        seen: set[str] = set()
        for n, raw in enumerate(batch):
            try:
                if any(isinstance(v, str) and roster_files.UNDECODABLE in v for v in raw):
                    raise RowError("此行无法读取：文件应为UTF-8或GB18030编码的CSV")
                item = kind.parse(dict(zip(header, raw, strict=False)))
                if item.project_id not in projects:
                    raise RowError(f"项目编号{item.project_id}不是本基地已备案的项目")
                if item.external_id in seen:
                    raise RowError(f"外部编号{item.external_id}在本文件中重复")
                seen.add(item.external_id)
                items[n] = item
            except RowError as exc:
                results[n] = f"error: {exc}"
        _post(ctx, actor, kind, items, results)
        for raw, result in zip(batch, results, strict=True):
            tally.rows += 1
            tally.errors += result.startswith("error")  # type: ignore[union-attr]
            tally.count(result)  # type: ignore[arg-type]
            emit(raw, result)  # type: ignore[arg-type]
    return tally


def _post(ctx: Context, actor: Actor, kind: Kind, items: dict[int, Any],
          results: list[str | None]) -> None:
    """Post the chunk's good rows; a row the service refuses (a conflict with what was
    received before) becomes that row's error and the rest are posted again."""
    while items:
        try:
            response = kind.post(ctx, actor, list(items.values()))
        except LedgerError as exc:
            bad = set(exc.details.get("external_ids") or ())
            culprits = [n for n, i in items.items() if i.external_id in bad]
            if not culprits:
                raise
            for n in culprits:
                results[n] = f"error: {exc.code}: {exc.message}"
                del items[n]
            continue
        for n, receipt in zip(items, response["receipts"], strict=True):
            results[n] = kind.describe(receipt)
        return


def _chunks(rows: Iterable[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise Invalid(f"a roster holds one of {sorted(KINDS)}", code="roster_kind_unknown")
    return KINDS[name]


def template(kind_name: str, fmt: str) -> bytes:
    """The downloadable template: the Chinese headers and an example row."""
    kind = kind_of(kind_name)
    return roster_files.template(roster_files.format_of("", fmt), kind.header, kind.example)


def import_file(ctx: Context, actor: Actor, kind_name: str, stream: IO[bytes], fmt: str,
                sink: roster_files.Sink, *, skip: int = 0, write_header: bool = True,
                progress: Callable[[int], None] | None = None, chunk: int = CHUNK) -> Tally:
    """Import a roster file and write each row with its result to ``sink``.

    ``skip`` data rows are passed over (a resume: their results are already written).
    """
    kind = kind_of(kind_name)
    header, rows = roster_files.read_rows(stream, fmt)
    if write_header:
        sink.write([*header, RESULT])
    for _ in range(skip):
        if next(rows, None) is None:
            break

    def emit(raw: list[Any], result: str) -> None:
        sink.write([*raw, result])
        if progress is not None:
            progress(1)

    try:
        return import_rows(ctx, actor, kind, header, rows, emit, chunk)
    finally:
        sink.flush()
        rows.close()  # type: ignore[attr-defined]  # a generator: lets go of the stream


def import_upload(ctx: Context, actor: Actor, kind_name: str, stream: IO[bytes], fmt: str,
                  out: IO[bytes]) -> Tally:
    """Import an uploaded roster and write the result file, in the same format, to ``out``."""
    sink = roster_files.sink_for(fmt, out)
    tally = import_file(ctx, actor, kind_name, stream, fmt, sink)
    sink.close()
    return tally
