"""Pages anyone may open: home, the register of bases, the verification form, the API
docs, and the logins (a professional's, a committee's) and the activation page."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from ledger.actors import Role
from ledger.errors import Invalid, Unauthorized
from ledger.services import activation, attestations, clients
from ledger.services import register as public_register

from ..db import ledger_context
from ..ratelimit import login_per_address, login_per_credential
from .web import MESSAGES, client_login, form_text, log_in, log_out, new_blueprint

bp = new_blueprint("pages", static_folder="static", static_url_path="/static/pages")

# Relaxed for Swagger UI only, which sets inline styles; still no remote origin.
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


@bp.route("/")
def home():
    return render_template("pages/home.html")


@bp.route("/register")
def register():
    """The public register: ``q`` searches names, registry numbers and units."""
    ctx = ledger_context()
    page = request.args.get("page", "1")
    result = public_register.browse(ctx, ctx.today(), request.args.get("q", "")[:100],
                             int(page) if page.isdigit() and len(page) < 6 else 1)
    return render_template("pages/register.html", r=result)


@bp.route("/verify")
def verify_form():
    code = request.args.get("code", "").strip().upper()[:40]
    if code:
        return redirect(url_for("pages.verify", code=code))
    return render_template("pages/verify_form.html")


@bp.route("/verify/<string:code>")
def verify(code: str):
    """Where a transcript's QR code points: genuine or not, still true or not."""
    result = attestations.check_attestation(ledger_context(), code[:40])
    return render_template("pages/verify.html", v=result)


@bp.route("/docs")
def api_docs():
    response = make_response(render_template("pages/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.route("/login", methods=["GET", "POST"])
@login_per_address
@login_per_credential
def login():
    if request.method == "GET":
        return render_template("pages/login.html")
    try:
        actor = clients.authenticate_professional(
            ledger_context(), form_text("id_number", 32), request.form.get("password", ""))
    except Unauthorized as exc:
        return render_template("pages/login.html",
                               error=MESSAGES.get(exc.code, MESSAGES["invalid_grant"])), 401
    log_in(Role.PROFESSIONAL, actor.professional_id)
    return redirect(url_for("me.dashboard"))


@bp.route("/activate", methods=["GET", "POST"])
@login_per_address
@login_per_credential
def activate():
    if request.method == "GET":
        return render_template("pages/activate.html")
    password = request.form.get("password", "")
    if password != request.form.get("password2", ""):
        return render_template("pages/activate.html", error="两次输入的密码不一致。"), 422
    try:
        person = activation.activate(ledger_context(), form_text("id_number", 32),
                                     form_text("code", 40), password)
    except (Unauthorized, Invalid) as exc:
        status = 401 if isinstance(exc, Unauthorized) else 422
        return render_template("pages/activate.html",
                               error=MESSAGES.get(exc.code, MESSAGES["activation_failed"])), status
    log_in(Role.PROFESSIONAL, person.id)
    return redirect(url_for("me.dashboard"))


@bp.route("/committee/login", methods=["GET", "POST"])
@login_per_address
@login_per_credential
def committee_login():
    """A committee logs in with the client credentials it already holds for the API:
    one credential per committee to issue, disable and audit, and every page use lands
    in the access log under the same committee as its API use."""
    return client_login(Role.COMMITTEE, "pages/committee_login.html", "invalid_client",
                        "committee.form")


@bp.route("/logout", methods=["POST"])
def logout():
    log_out()
    return redirect(url_for("pages.home"))
