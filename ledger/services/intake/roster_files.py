"""Roster files, streamed: CSV (UTF-8 or GB18030, as Excel in China saves it) and XLSX
(openpyxl read-only in, write-only out), so a million rows use the memory of one chunk."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from ...errors import Invalid

FORMATS = ("csv", "xlsx")
UNDECODABLE = "\ufffd"


def format_of(name: str, declared: str | None = None) -> str:
    fmt = (declared or Path(name).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise Invalid("a roster is a .csv or .xlsx file", code="roster_format_unsupported",
                      format=fmt)
    return fmt


def _encoding(head: bytes) -> str:
    """UTF-8 when the file says so with a BOM or its head decodes so, else GB18030 (what
    Excel in China saves as "CSV")."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def read_rows(stream: IO[bytes], fmt: str) -> tuple[list[str], Iterator[list[Any]]]:
    """The header and a lazy iterator over the data rows (lists of cell values)."""
    if fmt == "csv":
        buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(
            stream)  # type: ignore[arg-type]
        # Undecodable bytes become U+FFFD: the header is then refused, and a data row
        # with one gets its own error (rosters.py) while the other rows go on.
        text = io.TextIOWrapper(buffered, encoding=_encoding(buffered.peek(65536)[:65536]),
                                errors="replace", newline="")
        reader = csv.reader(text)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            text.detach()
            raise Invalid(f"the roster is not readable CSV: {exc}",
                          code="roster_unreadable") from exc
        if header is None or any(UNDECODABLE in h for h in header):
            text.detach()
            raise Invalid("the roster is empty or not in UTF-8 or GB18030",
                          code="roster_unreadable" if header else "roster_empty")

        def data() -> Iterator[list[Any]]:
            try:
                while True:
                    try:
                        row = next(reader)
                    except StopIteration:
                        return
                    except csv.Error as exc:  # a NUL byte, an overlong field: that row's
                        row = [f"{UNDECODABLE} {exc}"]  # error, and the reader goes on
                    yield row
            finally:
                if not text.buffer.closed:
                    text.detach()  # the caller owns the stream and closes it

        return [h.strip() for h in header], data()
    return _xlsx_rows(stream)


def _xlsx_rows(stream: IO[bytes]) -> tuple[list[str], Iterator[list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise Invalid("the file is not a readable .xlsx workbook",
                      code="roster_unreadable") from exc
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise Invalid("the roster is empty", code="roster_empty")
    names = [str(h).strip() if h is not None else "" for h in header]

    def data() -> Iterator[list[Any]]:
        try:
            for row in rows:
                if any(cell not in (None, "") for cell in row):
                    yield list(row)
        finally:
            book.close()

    return names, data()


class Sink(Protocol):
    def write(self, row: Sequence[Any]) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


class CsvSink:
    """Result rows as CSV, UTF-8 with a BOM so Excel opens the Chinese headers right."""

    def __init__(self, out: IO[bytes], append: bool = False):
        bom = b"" if append else codecs.BOM_UTF8
        out.write(bom)
        self.text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        self.writer = csv.writer(self.text)

    def write(self, row: Sequence[Any]) -> None:
        self.writer.writerow(["" if v is None else v for v in row])

    def flush(self) -> None:
        self.text.flush()

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


class XlsxSink:
    """Result rows as XLSX, written in openpyxl's write-only (streaming) mode."""

    def __init__(self, out: IO[bytes]):
        from openpyxl import Workbook

        self.out = out
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("结果")

    def write(self, row: Sequence[Any]) -> None:
        self.sheet.append(list(row))

    def flush(self) -> None:  # an xlsx is whole only once saved
        pass

    def close(self) -> None:
        self.book.save(self.out)


def sink_for(fmt: str, out: IO[bytes], append: bool = False) -> Sink:
    return CsvSink(out, append) if fmt == "csv" else XlsxSink(out)


def template(fmt: str, header: Sequence[str], example: Sequence[Any]) -> bytes:
    """A template with the Chinese headers and one example row."""
    out = io.BytesIO()
    if fmt == "csv":
        sink = CsvSink(out)
        sink.write(header)
        sink.write(example)
        sink.close()
        return out.getvalue()
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(list(header))
    sheet.append(list(example))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column in sheet.columns:  # ID numbers as text: a number would lose a final X
        for cell in column:
            cell.number_format = "@"
        sheet.column_dimensions[column[0].column_letter].width = 22
    book.save(out)
    return out.getvalue()
