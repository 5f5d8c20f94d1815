"""The committee's page: verify a candidate's hours over the years under review."""

from __future__ import annotations

from flask import render_template, request

from ledger.actors import Actor, Role
from ledger.services import reading

from ..db import ledger_context
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
    report = reading.verify(ledger_context(), actor, form_text("id_number", 32),
                            form_text("name", 100), form_int("year_from", this_year - 2),
                            form_int("year_to", this_year), form_text("purpose") or "职称评审")
    return render_template("pages/committee_report.html", actor=actor, report=report)
