"""Who is asking. Services take an Actor and answer NotFound outside its reach."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from . import jurisdiction
from .errors import NotFound


class Role(StrEnum):
    REGULATOR = "regulator"
    BASE = "base"
    COMMITTEE = "committee"
    PROFESSIONAL = "professional"


@dataclass(frozen=True)
class Actor:
    role: Role
    subject: str  # the token's sub
    client_pk: int | None = None
    name: str = ""
    jurisdiction: str | None = None
    base_id: int | None = None
    professional_id: int | None = None

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            # Another role's objects do not exist for this caller.
            raise NotFound("no such resource")

    def reaches(self, code: str | None) -> bool:
        return (
            code is not None
            and self.jurisdiction is not None
            and jurisdiction.covers(self.jurisdiction, code)
        )
