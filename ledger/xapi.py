"""xAPI 1.0.3 (IEEE 9274.1.1) statements, read into what the ledger acts on. Pure.

What an LMS sends and what the ledger takes from it:
- the person: ``actor.account.name`` is the 18-character resident ID number and
  ``actor.name`` the name (Moodle's logstore_xapi sends the username there when told to
  identify users by username; Open edX's event-routing-backends sends an account when
  its agent IFI is configured so). An mbox or openid alone identifies no one here.
- the filed project: the context extension ``PROJECT_EXT`` (the ledger's project id), or
  ``context.registration`` equal to ``project_registration(id)``, a name-based UUID the
  ledger derives from the project id, for LMSs that can only carry a registration.
- completed / passed / failed (and tincanapi.com "completed" and activitystrea.ms
  "complete", which Moodle's course and module recipes send): a completion. Its hours
  are the ``HOURS_EXT`` extension or the filed hours; ``result.duration`` is the minutes
  attended; the training dates are the ``DATES_EXT`` extension or the filed dates;
  ``result.success: false`` fails it.
- attended: a session; sign-in and sign-out from the extensions, or ``timestamp`` as the
  sign-out and ``result.duration`` before it; ``mode: online`` records minutes a day.
- voided (object a StatementRef): the target's completion is voided (a reversal).
Any other verb is stored and answered, and does nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

EXT = "https://xueshi-ledger.cn/xapi/extensions/"
PROJECT_EXT = EXT + "project-id"
HOURS_EXT = EXT + "hours"
DATES_EXT = EXT + "training-dates"
SIGN_IN_EXT = EXT + "sign-in"
SIGN_OUT_EXT = EXT + "sign-out"
MODE_EXT = EXT + "mode"
REGISTRATION_NAMESPACE = uuid.UUID("8f1d3c2a-4b5e-5f60-8a7b-9c0d1e2f3a4b")

ADL = "http://adlnet.gov/expapi/verbs/"
COMPLETION_VERBS = {ADL + "completed": "completed", ADL + "passed": "passed",
                    ADL + "failed": "failed",
                    "http://activitystrea.ms/schema/1.0/complete": "completed",
                    # Moodle logstore_xapi's course_completed recipe
                    "http://id.tincanapi.com/verb/completed": "completed"}
ATTENDED = ADL + "attended"
VOIDED = ADL + "voided"

# What the LRS may add or change on storing; equal statements differ only there.
LRS_FIELDS = ("stored", "authority", "version")
DURATION = re.compile(r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?"
                      r"(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?")


class StatementError(ValueError):
    """A statement the ledger cannot act on; ``path`` names the property."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


def project_registration(project_id: int) -> str:
    """The registration UUID that names a filed project (a UUID v5 of its id)."""
    return str(uuid.uuid5(REGISTRATION_NAMESPACE, f"project:{project_id}"))


def body_hash(statement: dict[str, Any]) -> str:
    """What makes two statements with one id the same statement."""
    kept = {k: v for k, v in statement.items() if k not in LRS_FIELDS}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False)
                          .encode()).hexdigest()


def duration_minutes(text: str) -> int:
    """Whole minutes in an ISO 8601 duration such as PT6H30M (years and months refused)."""
    match = DURATION.fullmatch(text or "")
    if not match or text in ("P", "PT") or text.endswith("T"):
        raise StatementError("result.duration", "an ISO 8601 duration such as PT6H30M")
    parts = {k: Decimal(v) if v else Decimal(0) for k, v in match.groupdict().items()}
    seconds = parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    return int(seconds // 60)


def _instant(text: Any, path: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as exc:
        raise StatementError(path, "an ISO 8601 timestamp") from exc
    if moment.tzinfo is None:
        raise StatementError(path, "a timestamp with a UTC offset")
    return moment


@dataclass(frozen=True)
class Intent:
    """What one statement asks of the ledger."""

    kind: str  # completion | attendance | void | ignored
    statement_id: str
    verb: str
    id_number: str = ""
    name: str = ""
    project_id: int | None = None
    registration: str | None = None
    outcome: str = ""  # completed | passed | failed
    success: bool | None = None
    hours: Decimal | None = None
    minutes: int | None = None
    training_dates: tuple[date, ...] = ()
    sign_in: datetime | None = None
    sign_out: datetime | None = None
    session_on: date | None = None
    mode: str = "classroom"
    voids: str | None = None


# xAPI 1.0.3 §2.4.1: an id is a UUID in RFC 4122's string form. Python's uuid.UUID also
# takes braces, a urn:uuid: prefix or no hyphens, which no LRS need accept.
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_id(value: Any) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def check_id(value: Any, path: str = "id") -> str:
    """A statement id in its one stored form (lower case), or StatementError."""
    if not is_id(value):
        raise StatementError(path, "a UUID (RFC 4122: 8-4-4-4-12 hexadecimal digits)")
    return value.lower()


def read(statement: Any) -> Intent:
    """The intent of one statement (which carries its id by now), or StatementError."""
    if not isinstance(statement, dict):
        raise StatementError("", "a statement is a JSON object")
    for key in ("actor", "verb", "object"):
        if not isinstance(statement.get(key), dict):
            raise StatementError(key, "required, an object")
    sid = check_id(statement.get("id"))
    verb = statement["verb"].get("id")
    if not isinstance(verb, str) or not verb:
        raise StatementError("verb.id", "required, an IRI")
    if verb == VOIDED:
        target = statement["object"]
        if target.get("objectType") != "StatementRef":
            raise StatementError("object.objectType", "a voiding statement targets a "
                                                      "StatementRef")
        return Intent("void", sid, verb, voids=check_id(target.get("id"), "object.id"))
    if verb not in COMPLETION_VERBS and verb != ATTENDED:
        return Intent("ignored", sid, verb)
    person = _person(statement["actor"])
    context = statement.get("context") or {}
    extensions = context.get("extensions") or {}
    result = statement.get("result") or {}
    if not isinstance(context, dict) or not isinstance(extensions, dict) \
            or not isinstance(result, dict):
        raise StatementError("context", "context, its extensions and result are objects")
    project_id = extensions.get(PROJECT_EXT)
    if project_id is not None and (not isinstance(project_id, int) or project_id < 1):
        raise StatementError(f"context.extensions.{PROJECT_EXT}", "a project id (integer)")
    registration = context.get("registration")
    if registration is not None:
        registration = check_id(registration, "context.registration")
    if project_id is None and registration is None:
        raise StatementError("context", f"the filed project: extension {PROJECT_EXT} or "
                                        "registration")
    minutes = duration_minutes(result["duration"]) if "duration" in result else None
    common = {"statement_id": sid, "verb": verb, "id_number": person[0], "name": person[1],
              "project_id": project_id, "registration": registration, "minutes": minutes}
    if verb == ATTENDED:
        return _attendance(statement, extensions, common)
    success = result.get("success")
    if success is not None and not isinstance(success, bool):
        raise StatementError("result.success", "a boolean")
    return Intent("completion", outcome=COMPLETION_VERBS[verb], success=success,
                  hours=_hours(extensions.get(HOURS_EXT)),
                  training_dates=_dates(extensions.get(DATES_EXT)), **common)


def _person(actor: dict[str, Any]) -> tuple[str, str]:
    account = actor.get("account")
    if not isinstance(account, dict) or not isinstance(account.get("name"), str):
        raise StatementError("actor.account", "the person is an account whose name is the "
                                              "resident ID number")
    name = actor.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StatementError("actor.name", "the person's name is required")
    return account["name"].strip(), name.strip()


def _hours(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        hours = Decimal(str(value))
    except InvalidOperation as exc:
        raise StatementError(f"context.extensions.{HOURS_EXT}", "学时, a decimal") from exc
    if not hours.is_finite() or hours <= 0 or hours != hours.quantize(Decimal("0.1")) \
            or hours > Decimal("9999.9"):
        raise StatementError(f"context.extensions.{HOURS_EXT}", "学时 with one decimal place")
    return hours.quantize(Decimal("0.1"))


def _dates(value: Any) -> tuple[date, ...]:
    if value is None:
        return ()
    path = f"context.extensions.{DATES_EXT}"
    if not isinstance(value, list) or not value or len(value) > 366:
        raise StatementError(path, "a list of 1 to 366 dates")
    try:
        return tuple(sorted({date.fromisoformat(str(v)) for v in value}))
    except ValueError as exc:
        raise StatementError(path, "ISO dates") from exc


def _attendance(statement: dict[str, Any], extensions: dict[str, Any],
                common: dict[str, Any]) -> Intent:
    mode = extensions.get(MODE_EXT, "classroom")
    if mode not in ("classroom", "online"):
        raise StatementError(f"context.extensions.{MODE_EXT}", "classroom or online")
    minutes = common["minutes"]
    if SIGN_IN_EXT in extensions or SIGN_OUT_EXT in extensions:
        sign_in = _instant(extensions.get(SIGN_IN_EXT), f"context.extensions.{SIGN_IN_EXT}")
        sign_out = _instant(extensions.get(SIGN_OUT_EXT),
                            f"context.extensions.{SIGN_OUT_EXT}")
        return Intent("attendance", sign_in=sign_in, sign_out=sign_out, mode=mode,
                      **{**common, "minutes": None})
    if minutes is None or "timestamp" not in statement:
        raise StatementError("result.duration", "an attended statement carries sign-in and "
                                                "sign-out extensions, or a timestamp and a "
                                                "duration")
    end = _instant(statement["timestamp"], "timestamp")
    if mode == "online":
        return Intent("attendance", mode=mode, session_on=_beijing_date(end), **common)
    return Intent("attendance", sign_in=end - timedelta(minutes=minutes), sign_out=end,
                  mode=mode, **{**common, "minutes": None})


def _beijing_date(moment: datetime) -> date:
    from .clock import business_date

    return business_date(moment)
