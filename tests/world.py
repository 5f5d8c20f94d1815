"""A small world for API tests: a regulator, a recognised base, a committee and a
professional, with helpers that speak to the API as the parties would."""

from __future__ import annotations

from datetime import date

from api.auth import issue_token
from api.db import ledger_context
from ledger import identity
from ledger.actors import Role
from ledger.services import bases, clients, reading
from ledger.services.jurisdictions import ensure_jurisdictions
from ledger.standing import EventType, StandingEvent

ZIBO = "370300"


def id_number(serial: int, region: str = "370303", born: str = "19900101") -> str:
    first17 = f"{region}{born}{serial % 1000:03d}"
    return first17 + identity.check_character(first17)


class World:
    def __init__(self, app, client, clock):
        self.app, self.client, self.clock = app, client, clock
        self.ctx = ledger_context()
        ensure_jurisdictions(self.ctx)
        self.ctx.session.commit()
        self.regulator = self.new_client(Role.REGULATOR, "淄博市人社局", ZIBO)
        self.committee = self.new_client(Role.COMMITTEE, "淄博市职称评审委员会", ZIBO)
        self.base_id = self.new_base("淄博基地", registry_number="ZB-001")
        self.base = self.new_client(Role.BASE, "LMS", base_id=self.base_id)
        self.person_id = id_number(123)
        self.person_name = "李四"
        reading.register_professional(self.ctx, self.regulator, self.person_id,
                                      self.person_name, "370303", "correct-horse")
        self.professional = self.token_for_password(self.person_id, "correct-horse")

    # --- actors and tokens -----------------------------------------------------------

    def new_client(self, role: Role, name: str, jurisdiction: str | None = None,
                   base_id: int | None = None) -> str:
        client, _secret = clients.create_client(self.ctx, role=role, name=name,
                                                jurisdiction=jurisdiction, base_id=base_id)
        return clients.actor_for_client(client)

    @staticmethod
    def bearer(actor) -> str:
        token, _ = issue_token(actor)
        return token

    def token_for_password(self, id_no: str, password: str):
        return clients.authenticate_professional(self.ctx, id_no, password)

    def new_base(self, name: str, *, jurisdiction: str = ZIBO, level: str = "municipal",
                 registry_number: str | None = None, scope_subjects=("public", "professional"),
                 recognised_on: date | None = date(2025, 1, 1), by=None) -> int:
        regulator = by or self.regulator
        base = bases.register_base(self.ctx, regulator, bases.NewBase(
            name=name, level=level, jurisdiction=jurisdiction, host_unit=f"{name}建设单位",
            supervising_unit="主管部门", registry_number=registry_number,
            scope_subjects=list(scope_subjects), scope_fields=[]))
        if recognised_on:
            bases.append_standing_event(self.ctx, regulator, base.id,
                                        StandingEvent(EventType.RECOGNISED, recognised_on))
        return base.id

    # --- HTTP ------------------------------------------------------------------------

    def call(self, method: str, path: str, who=None, **kw):
        """Call the API as ``who`` (an Actor, for whom a fresh token is minted at the
        clock's now, or a raw token string), or anonymously."""
        headers = dict(kw.pop("headers", {}))
        if who is not None:
            token = who if isinstance(who, str) else self.bearer(who)
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kw)

    def file_project(self, who=None, base_id: int | None = None, **overrides):
        body = {
            "title": "建筑工程新技术研修班", "subject": "professional", "field": "工程",
            "mode": "classroom", "start_on": "2025-06-20", "end_on": "2025-06-22",
            "hours": "24.0", "fee": "800.00", "capacity": 100, "plan_year": None,
            **overrides,
        }
        return self.call("POST", f"/v1/bases/{base_id or self.base_id}/projects",
                         who or self.base, json=body)

    def accepted_project(self, **overrides) -> int:
        response = self.file_project(**overrides)
        assert response.status_code == 201, response.get_json()
        project_id = response.get_json()["id"]
        decided = self.call("POST", f"/v1/projects/{project_id}/decision", self.regulator,
                            json={"decision": "accepted"})
        assert decided.status_code == 200, decided.get_json()
        return project_id

    def item(self, project_id: int, external_id: str = "c-1", **overrides) -> dict:
        return {
            "external_id": external_id, "project_id": project_id,
            "id_number": self.person_id, "name": self.person_name, "hours": "24.0",
            "subject": "professional",
            "training_dates": ["2025-06-20", "2025-06-21", "2025-06-22"],
            "assessment": "passed", **overrides,
        }

    def post(self, *items: dict, who=None, key: str | None = None):
        headers = {"Idempotency-Key": key} if key else {}
        return self.call("POST", "/v1/completions", who or self.base,
                         json={"items": list(items)}, headers=headers)

    def hours(self, who=None, **query):
        return self.call("GET", "/v1/me/hours", who or self.professional, query_string=query)
