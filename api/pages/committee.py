"""The committee's page: verify a candidate's hours over the years under review."""

from __future__ import annotations

from flask import render_template, request

from ledger.actors import Actor, Role
from ledger.services import attestations

from ..db import ledger_context
from .transcript import public_url
from .web import form_int, form_text, login_required, new_blueprint

bp = new_blueprint("committee", url_prefix="/committee")
committee = login_required(Role.COMMITTEE, "pages.committee_login")


@bp.route("", methods=["GET", "POST"])
@committee
def form(actor: Actor):
    """GET shows the form; POST verifies (the ID number travels in the body, never a
    URL) and shows the report, printable, with the access-log entry already written."""
    this_year = ledger_context().today().year
    if request.method == "GET":
        return render_template("pages/committee.html", actor=actor, this_year=this_year)
    issued = attestations.attest_by_identity(
        ledger_context(), actor, id_number=form_text("id_number", 32),
        name=form_text("name", 100), year_from=form_int("year_from", this_year - 2),
        year_to=form_int("year_to", this_year), purpose=form_text("purpose") or "职称评审",
        public_url=public_url())
    return render_template("pages/committee_report.html", actor=actor, report=issued["report"],
                           verification_code=issued["verification_code"])
