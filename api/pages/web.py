"""What every page blueprint shares: the session login, CSRF on every form, security
headers, domain errors shown as a page in Chinese, and the template filters.

A page login is a signed, HttpOnly, Secure, SameSite=Lax session cookie holding only
who logged in (a professional's row id or a committee client's row id), re-read on
every request so a disabled client or a changed password takes effect at once.
"""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from wtforms import ValidationError

from ledger.actors import Actor, Role
from ledger.clock import CHINA
from ledger.errors import Conflict, Invalid, LedgerError, NotFound, Unauthorized
from ledger.services.clients import actor_for_client, actor_for_professional, authenticate_client
from ledger.store import Client, Professional
from ledger.wording import (
    LEVELS,
    OUTCOMES,
    POSTING_STATUS,
    ROLES,
    STANDING,
    SUBJECTS,
    chinese,
    citation_text,
    reason_text,
    reversal_text,
)

from ..db import db, ledger_context

SESSION_MINUTES = 30
# What the pages may load: only the app's own files (no CDN, no inline script).
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

STATUS_FOR = {NotFound: 404, Invalid: 422, Conflict: 409, Unauthorized: 401}

# Chinese for the domain errors a person can cause from a page.
MESSAGES = {
    "invalid_grant": "身份证号码或密码不正确。",
    "account_locked": "密码错误次数过多，登录已暂时锁定，请稍后再试。",
    "too_many_requests": "尝试次数过多，请稍后再试。",
    "invalid_client": "评审委员会账号或密钥不正确。",
    "activation_failed": "激活码不正确、已使用或已过期，请向人社部门重新申领。",
    "password_too_short": "密码至少需要10个字符。",
    "password_too_long": "密码过长。",
    "professional_not_found": "在您的管辖范围内（或经本人授权的范围内）"
                              "没有与该身份证号码和姓名相符的人员。",
    "year_range_invalid": "年度范围不正确：起始年度不能晚于截止年度，"
                          "且一次最多查询20年，2015年起。",
    "grant_days_invalid": "授权期限应为1至365天。",
    "committee_not_found": "没有这个评审委员会。",
    "grant_not_found": "没有这项授权。",
    "attestation_not_found": "没有这个核验码，请检查是否输入有误。",
    "number_invalid": "请输入整数。",
    "log_not_sealed": "账本尚未形成检查点，请稍后再试。",
    "record_integrity_failed": "该人员的学时记录未通过完整性校验，系统不出具证明，请联系人社部门。",
    "invalid_base_client": "基地账号或密钥不正确。",
    "roster_file_missing": "请选择要上传的名单文件。",
    "roster_kind_unknown": "请选择名单类型：学时名单或考勤名单。",
    "roster_format_unsupported": "名单文件应为 .csv 或 .xlsx 格式。",
    "roster_unreadable": "无法读取该文件：CSV 应为 UTF-8 或 GB18030 编码，"
                         "Excel 应为 .xlsx 工作簿。",
    "roster_empty": "名单文件是空的。",
    "roster_columns_missing": "名单缺少必填列，请下载模板，按模板的表头填写后再上传。",
}


def new_blueprint(name: str, url_prefix: str | None = None, **kw: Any) -> Blueprint:
    bp = Blueprint(name, __name__, url_prefix=url_prefix, template_folder="templates", **kw)
    bp.before_request(_check_csrf)
    bp.after_request(_secure_headers)
    bp.register_error_handler(LedgerError, _domain_error)
    bp.register_error_handler(CSRFError, _csrf_error)
    bp.register_error_handler(429, _too_many)
    return bp


def _check_csrf() -> None:
    """Every form posts its token; a POST without a valid one is refused (400)."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from exc


def _secure_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if "who" in session:
        # A personal record is never kept in a shared cache or the back-forward cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _domain_error(error: LedgerError):
    status = next((s for kind, s in STATUS_FOR.items() if isinstance(error, kind)), 422)
    message = MESSAGES.get(error.code, "请求未能完成，请检查输入后重试。")
    return render_template("pages/error.html", message=message, code=error.code), status


def _csrf_error(error: CSRFError):
    current_app.logger.info("CSRF refused: %s", error.description)
    return render_template("pages/error.html", code="csrf_failed",
                           message="页面已过期或表单来源不可信，请返回刷新后重试。"), 400


def _too_many(error):
    """A rate limit (api/ratelimit.py) on a page: the same 429 and Retry-After, in words."""
    response = make_response(render_template(
        "pages/error.html", code="too_many_requests", message=MESSAGES["too_many_requests"]),
        429)
    retry = (getattr(error, "data", None) or {}).get("headers", {}).get("Retry-After")
    if retry is None and getattr(error, "retry_after", None):
        retry = str(error.retry_after)
    response.headers["Retry-After"] = retry or "60"
    return response


# --- who is logged in -----------------------------------------------------------------

def log_in(role: Role, row_id: int) -> None:
    session.clear()  # a new login starts a new session: no state carries over
    session.permanent = True
    session["who"] = {"role": str(role), "id": row_id}
    # A fresh CSRF token for the new session (flask-wtf caches the old one in g).
    g.pop("csrf_token", None)
    generate_csrf()


def log_out() -> None:
    session.clear()
    g.pop("csrf_token", None)


def current_actor() -> Actor | None:
    who = session.get("who")
    if not who:
        return None
    if who["role"] == Role.PROFESSIONAL:
        person = db.session.get(Professional, who["id"])
        return actor_for_professional(person) if person and person.password_hash else None
    client = db.session.get(Client, who["id"])
    if client is None or client.disabled or client.role != who["role"]:
        return None
    return actor_for_client(client)


def login_required(role: Role, login_endpoint: str):
    """Run the view with the logged-in actor of ``role`` as its first argument."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            actor = current_actor()
            if actor is None:
                session.pop("who", None)
                return redirect(url_for(login_endpoint))
            if actor.role is not role:
                return render_template(
                    "pages/error.html", code="forbidden",
                    message="当前登录的身份不能使用这个页面，请先退出登录。"), 403
            return view(actor, *args, **kwargs)

        return wrapper

    return decorate


def client_login(role: Role, template: str, error: str, then: str):
    """A committee's or a base's login with the client id and secret it holds for the
    API: one credential to issue, disable and audit, and page use lands in the access log
    under the same client as its API use. Any other role's credentials are refused."""
    if request.method == "GET":
        return render_template(template)
    try:
        actor = authenticate_client(ledger_context(), form_text("client_id", 64),
                                    request.form.get("client_secret", ""))
        if actor.role is not role:
            raise Unauthorized(f"not a {role} client", code="invalid_client")
    except Unauthorized:
        return render_template(template, error=MESSAGES[error]), 401
    log_in(role, actor.client_pk)
    return redirect(url_for(then))


# --- form values ------------------------------------------------------------------------

def form_int(name: str, default: int | None = None) -> int | None:
    raw = (request.form.get(name) or request.args.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 6:
        raise Invalid(f"{name} must be a whole number", code="year_range_invalid"
                      if "year" in name else "number_invalid")
    return int(raw)


def form_text(name: str, limit: int = 500) -> str:
    return (request.form.get(name) or "").strip()[:limit]


# --- filters ----------------------------------------------------------------------------

def beijing(value: datetime | None) -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def hours(value: Any) -> str:
    return "—" if value is None else f"{value:.1f}" if not isinstance(value, str) else value


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):  # Flask's default is None
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _secret_key(app)
    app.config.update(
        SESSION_COOKIE_NAME="xueshi_session",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=SESSION_MINUTES),
        WTF_CSRF_TIME_LIMIT=SESSION_MINUTES * 60,
    )
    app.jinja_env.filters.update(
        beijing=beijing, hours=hours, reason_text=reason_text, reversal_reason=reversal_text,
        citation=citation_text, chinese=chinese,
        subject=lambda v: SUBJECTS.get(v, v), standing=lambda v: STANDING.get(v, v),
        posting_status=lambda v: POSTING_STATUS.get(v, v), level=lambda v: LEVELS.get(v, v),
        outcome=lambda v: OUTCOMES.get(v, v), role=lambda v: ROLES.get(v, v))
    app.jinja_env.globals["csrf_token"] = generate_csrf


def _secret_key(app: Flask) -> str:
    """The session-signing key, kept in the instance folder like the other keys."""
    path = Path(app.instance_path) / "session-secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
