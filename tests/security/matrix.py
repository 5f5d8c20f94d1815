"""The operations of the contract and their string fields, for the bad-input matrix."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ..world import id_number

# One of each kind of text no operation may carry to a database unrefused.
BAD = {
    "nul": "a\x00b",
    "surrogate": "a\ud800b",
    "bidi": "a\u202eb",
    "zero_width": "a\u200bb",
}
NAMES = {"name", "title", "host_unit", "supervising_unit", "accessor_name"}
FORM = "application/x-www-form-urlencoded"


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _string_fields(spec: dict, schema: dict, prefix: str = "", depth: int = 0) -> list[str]:
    schema = _resolve(spec, schema)
    found = []
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(spec, prop)
        kind = prop.get("type")
        if kind == "string":
            found.append(prefix + name)
        elif kind == "array":
            items = _resolve(spec, prop.get("items") or {})
            if items.get("type") == "string":
                found.append(f"{prefix}{name}[]")
            elif items.get("properties") and depth < 3:
                found += _string_fields(spec, items, f"{prefix}{name}[].", depth + 1)
        elif prop.get("properties") and depth < 3:
            found += _string_fields(spec, prop, f"{prefix}{name}.", depth + 1)
    return found


@dataclass
class Operation:
    method: str
    path: str
    form: bool = False
    string_fields: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @staticmethod
    def is_name(name: str) -> bool:
        return name.rsplit(".", 1)[-1] in NAMES

    def who(self, world):
        if self.path.startswith("/v1/me"):
            return world.professional
        if self.path.startswith("/v1/completions") or (
                self.method == "POST" and re.search(r"/(projects|plans)$", self.path)):
            return world.base
        if self.path.startswith("/v1/verifications"):
            return world.committee
        return world.regulator

    def request_with(self, name: str, value: str, valid: dict, world):
        """The method, concrete path, caller and body of this operation with ``value``
        in the field ``name`` (a dotted path; ``[]`` is a list's first element)."""
        path = re.sub(r"\{(\w+)\}", lambda m: str(valid["ids"].get(m[1], 1)), self.path)
        who = None if self.path == "/v1/auth/token" else self.who(world)
        if name.startswith("query:"):
            query = urlencode({name.removeprefix("query:"): value}, errors="surrogatepass")
            return self.method, f"{path}?{query}", who, {}
        body = copy.deepcopy(valid.get(self.key, {}))
        _put(body, name.split("."), value)
        if self.form:
            return self.method, path, who, {
                "data": urlencode(body, errors="surrogatepass"), "content_type": FORM}
        return self.method, path, who, {"json": body}


def _put(body: dict, parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if head.endswith("[]"):
        head = head[:-2]
        items = body.get(head) if isinstance(body.get(head), list) and body[head] else None
        if not rest:
            body[head] = [value]
            return
        if items is None or not isinstance(items[0], dict):
            items = body[head] = [{}]
        _put(items[0], rest, value)
    elif rest:
        if not isinstance(body.get(head), dict):
            body[head] = {}
        _put(body[head], rest, value)
    else:
        body[head] = value


def operations(app) -> list[Operation]:
    spec = app.extensions["ledger_api"].spec.to_dict()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            operation = Operation(method.upper(), path)
            for param in op.get("parameters", []):
                if param.get("in") == "query" and _resolve(spec, param.get("schema", {})
                                                           ).get("type") == "string":
                    operation.string_fields.append(f"query:{param['name']}")
            content = (op.get("requestBody") or {}).get("content") or {}
            for mimetype, media in content.items():
                operation.form = mimetype == FORM
                operation.string_fields += _string_fields(spec, media.get("schema", {}))
            if operation.string_fields:
                found.append(operation)
    return found


def valid_requests(world) -> dict:
    """Valid bodies for the operations that write what callers name, so a bad value in
    one field reaches as far as it can; the ids the paths need."""
    project_id = world.accepted_project()
    return {
        "ids": {"base_id": world.base_id, "project_id": project_id},
        "POST /v1/auth/token": {"grant_type": "client_credentials",
                                "client_id": world.regulator.subject, "client_secret": "s"},
        "POST /v1/completions": {"items": [world.item(project_id)]},
        "POST /v1/bases": {
            "name": "新基地", "level": "municipal", "jurisdiction": "370300",
            "host_unit": "建设单位", "supervising_unit": "主管部门",
            "scope_subjects": ["public"], "scope_fields": []},
        "POST /v1/bases/{base_id}/projects": {
            "title": "研修班", "subject": "professional", "field": "工程",
            "mode": "classroom", "start_on": "2025-06-20", "end_on": "2025-06-22",
            "hours": "24.0", "fee": "800.00", "capacity": 100},
        "POST /v1/professionals": {"id_number": id_number(321), "name": "王五",
                                   "jurisdiction": "370303", "password": "password-1"},
        "POST /v1/verifications": {"id_number": world.person_id, "name": world.person_name,
                                   "year_from": 2025, "year_to": 2025, "purpose": "评审"},
    }


__all__ = ["BAD", "operations", "valid_requests"]
