"""A professional's own pages: the dashboard, the transcript, grants to committees."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, session, url_for

from ledger.actors import Actor, Role
from ledger.services import dashboard as dashboard_service
from ledger.services import grants

from ..db import ledger_context
from .chart import hours_chart
from .pdf import FontMissing, transcript_pdf
from .transcript import transcript_data
from .web import form_int, form_text, login_required, new_blueprint

bp = new_blueprint("me", url_prefix="/me")
professional = login_required(Role.PROFESSIONAL, "pages.login")


@bp.errorhandler(FontMissing)
def _no_font(error: FontMissing):
    current_app.logger.error("transcript: %s", error)
    return render_template("pages/error.html", code="font_missing",
                           message="服务器缺少中文字体，暂时无法生成学时证明，请联系管理员。"), 503


@bp.route("")
@professional
def dashboard(actor: Actor):
    d = dashboard_service.dashboard(ledger_context(), actor)
    return render_template("pages/dashboard.html", d=d, chart=hours_chart(d["years"]),
                           flash=session.pop("flash", None))


@bp.route("/transcript", methods=["POST"])
@professional
def transcript(actor: Actor):
    """The PDF is made on a POST: it signs an attestation, and its years are a form."""
    this_year = ledger_context().today().year
    data = transcript_data(actor, form_int("year_from", this_year),
                           form_int("year_to", this_year))
    years = f"{data['years'][0]['year']}-{data['years'][-1]['year']}"
    return Response(transcript_pdf(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="transcript-{years}.pdf"',
        "Cache-Control": "no-store"})


@bp.route("/grants", methods=["POST"])
@professional
def grant(actor: Actor):
    row = grants.grant(ledger_context(), actor, form_int("committee_id", 0),
                       form_int("days", 0), form_text("purpose") or "职称评审")
    session["flash"] = f"已授权，{row.expires_at:%Y-%m-%d} 到期。"
    return redirect(url_for("me.dashboard") + "#h-grants")


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@professional
def revoke(actor: Actor, grant_id: int):
    grants.revoke(ledger_context(), actor, grant_id)
    session["flash"] = "授权已撤回。"
    return redirect(url_for("me.dashboard") + "#h-grants")
