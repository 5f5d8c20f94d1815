"""xAPI fixtures shaped as Moodle's logstore_xapi and Open edX's event-routing-backends
emit them, with the person's ID number in the account and the filed project in context."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from ledger.xapi import ATTENDED, EXT, VOIDED

FIXTURES = Path(__file__).with_name("fixtures")
XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _fill(value: Any, values: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") \
            and value[1:-1] in values:
        return values[value[1:-1]]
    return value


def fixture(file: str, **values: Any) -> dict[str, Any]:
    return _fill(json.loads((FIXTURES / f"{file}.json").read_text()), values)


def new_id() -> str:
    return str(uuid.uuid4())


def attended(world, project_id: int, *, sign_in: str, sign_out: str,
             statement_id: str | None = None) -> dict[str, Any]:
    return {
        "id": statement_id or new_id(),
        "actor": {"objectType": "Agent", "name": world.person_name,
                  "account": {"homePage": "http://lms.example.cn", "name": world.person_id}},
        "verb": {"id": ATTENDED, "display": {"en-US": "attended"}},
        "object": {"id": "http://lms.example.cn/session/1", "objectType": "Activity"},
        "context": {"extensions": {EXT + "project-id": project_id, EXT + "sign-in": sign_in,
                                   EXT + "sign-out": sign_out}},
    }


def voiding(target: str) -> dict[str, Any]:
    return {"id": new_id(),
            "actor": {"objectType": "Agent", "account": {"homePage": "http://lms.example.cn",
                                                         "name": "admin"}},
            "verb": {"id": VOIDED, "display": {"en-US": "voided"}},
            "object": {"objectType": "StatementRef", "id": target}}


def send(world, body, who=None, headers=XAPI_HEADERS, method="POST", **kw):
    return world.call(method, "/v1/xapi/statements", who or world.base, json=body,
                      headers=headers, **kw)
