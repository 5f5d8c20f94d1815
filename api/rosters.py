"""Rosters for bases with no integration: a template to fill in, and an upload that
answers a file of the same rows with a result column."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from flask import Response, g
from flask_smorest import Blueprint

from ledger.actors import Actor
from ledger.services.intake import roster_files, rosters

from .db import ledger_context
from .docs import errors, secured
from .schemas import RosterQuerySchema, RosterTemplateQuerySchema, RosterUploadSchema

blp = Blueprint("rosters", __name__, url_prefix="/v1/rosters",
                description="CSV/XLSX rosters of completions or attendance, with Chinese headers")

MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
NAMES = {"completions": "学时名单", "attendance": "考勤名单"}


def _chunks(out) -> Iterator[bytes]:
    """The file's bytes, then the file closed (when the whole answer was sent)."""
    try:
        out.seek(0)
        while block := out.read(1 << 16):
            yield block
    finally:
        out.close()


def attachment(data, fmt: str, name: str) -> Response:
    response = Response(_chunks(data), mimetype=MIMETYPES[fmt])
    # RFC 6266 / 5987: the Chinese file name, with an ASCII fallback
    response.headers["Content-Disposition"] = (
        f"attachment; filename=roster.{fmt}; filename*=UTF-8''{quote(name)}.{fmt}")
    return response


@blp.route("/template", methods=["GET"])
@blp.doc(responses={"200": {"description": "the template", "content": {
    m: {"schema": {"type": "string", "format": "binary"}} for m in MIMETYPES.values()}}})
@errors(blp, 422)
@blp.arguments(RosterTemplateQuerySchema, location="query")
def template(query):
    """The roster template: Chinese headers and an example row"""
    fmt, kind = query["format"], query["kind"]
    return attachment(io.BytesIO(rosters.template(kind, fmt)), fmt, NAMES[kind] + "模板")


@blp.route("", methods=["POST"])
@blp.doc(responses={"200": {"description": "the same rows with a result column", "content": {
    m: {"schema": {"type": "string", "format": "binary"}} for m in MIMETYPES.values()}}})
@secured(blp, 404, 422)
@blp.arguments(RosterQuerySchema, location="query")
@blp.arguments(RosterUploadSchema, location="files")
def upload(query, files):
    """Import a roster; answers the same rows with a result column (处理结果)"""
    upload = files["file"]
    fmt = roster_files.format_of(upload.filename or "", query.get("format"))
    return result_file(g.actor, query["kind"], upload.stream, fmt)


def result_file(actor: Actor, kind: str, stream: IO[bytes], fmt: str) -> Response:
    """Import a roster and answer its result file (the API's upload and the base's page)."""
    out = tempfile.TemporaryFile()  # the result may be as large as the roster
    try:
        tally = rosters.import_upload(ledger_context(), actor, kind, stream, fmt, out)
    except BaseException:
        out.close()
        raise
    response = attachment(out, fmt, NAMES[kind] + "结果")
    response.headers["X-Roster-Rows"] = str(tally.rows)
    response.headers["X-Roster-Errors"] = str(tally.errors)
    return response
