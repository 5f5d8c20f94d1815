"""The transcript's contents: the professional's own attestation over chosen years."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import jwt
from flask import current_app

from ledger.actors import Actor
from ledger.services import reading

from ..auth import sign_attestation
from ..db import ledger_context
from ..schemas import HoursSchema


def transcript_data(actor: Actor, year_from: int, year_to: int) -> dict[str, Any]:
    """What the PDF prints: the years with their entries, the signed attestation and
    its details, and the verification code and its URL where there is one."""
    ctx = ledger_context()
    record = reading.my_hours(ctx, actor, year_from, year_to)
    dumped = HoursSchema().dump(record)
    digest = hashlib.sha256(json.dumps(dumped, sort_keys=True, ensure_ascii=False,
                                       separators=(",", ":")).encode()).hexdigest()
    attestation = sign_attestation({"sub": record["professional"]["id_masked"],
                                    "report_sha256": digest, "report": dumped})
    return {"professional": record["professional"], "years": record["years"],
            "chain": record["chain"], "issued_at": ctx.now(), "attestation": attestation,
            "attestation_details": {"kid": jwt.get_unverified_header(attestation)["kid"],
                                    "report_sha256": digest},
            "verification_code": None, "verify_url": None,
            "public_url": current_app.config["PUBLIC_URL"]}
