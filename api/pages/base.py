"""A base's pages, for bases with no LMS integration: download a roster template and
upload the filled-in roster; the answer is the same rows with a result column.

The base logs in with the client id and secret it holds for the API (as a committee
does), so page and API uploads are the same base, with the same idempotent external ids.
"""

from __future__ import annotations

from flask import render_template, request

from ledger.actors import Actor, Role
from ledger.errors import Invalid
from ledger.services.intake import roster_files

from ..ratelimit import login_per_address, login_per_credential
from ..rosters import NAMES, result_file
from .web import client_login, form_text, login_required, new_blueprint

bp = new_blueprint("base", url_prefix="/base")
base_only = login_required(Role.BASE, "base.login")


@bp.route("/login", methods=["GET", "POST"])
@login_per_address
@login_per_credential
def login():
    return client_login(Role.BASE, "pages/base_login.html", "invalid_base_client",
                        "base.roster_form")


@bp.route("/rosters", methods=["GET"])
@base_only
def roster_form(actor: Actor):
    return render_template("pages/base_rosters.html", actor=actor, kinds=NAMES)


@bp.route("/rosters", methods=["POST"])
@base_only
def roster_upload(actor: Actor):
    """The same service as ``POST /v1/rosters``; a file the service cannot read at all
    (wrong columns, not CSV/XLSX) is the error page, a bad row is a line in the result."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("no file was chosen", code="roster_file_missing")
    kind = form_text("kind", 20)
    if kind not in NAMES:
        raise Invalid("a roster holds completions or attendance", code="roster_kind_unknown")
    fmt = roster_files.format_of(upload.filename, form_text("format", 10) or None)
    return result_file(actor, kind, upload.stream, fmt)
