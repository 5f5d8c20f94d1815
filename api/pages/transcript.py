"""The transcript's contents: the professional's own attestation over chosen years."""

from __future__ import annotations

from typing import Any

from flask import current_app

from ledger.actors import Actor
from ledger.services import attestations

from ..db import ledger_context


def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def transcript_data(actor: Actor, year_from: int, year_to: int) -> dict[str, Any]:
    """What the PDF prints: the attested years with their entries, the checkpoint they
    rest on, the verification code and the URL its QR code points to. The attestation
    service signs nothing (409 record_integrity_failed) for records that fail their
    integrity check, so no transcript is made for them either."""
    ctx = ledger_context()
    issued = attestations.issue_attestation(
        ctx, actor, professional_id=actor.professional_id, year_from=year_from,
        year_to=year_to, purpose="学时证明", public_url=public_url())
    report = issued["report"]
    code = issued["verification_code"]
    return {"professional": report["professional"], "years": report["years"],
            "chain": report["chain"], "issued_at": report["verified_at"],
            "attestation": issued["attestation"], "checkpoint": issued["checkpoint"],
            "verification_code": code, "verify_url": f"{public_url()}/verify/{code}"}
