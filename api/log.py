"""The Merkle log in public: checkpoints, leaves, inclusion and consistency proofs, and
the check of an attestation by its code. No token: anyone may keep copies and re-check."""

from __future__ import annotations

from flask_smorest import Blueprint

from ledger.services import attestations, log

from .db import ledger_context
from .docs import errors
from .schemas import (
    AttestationCheckSchema,
    CheckpointSchema,
    CheckpointsQuerySchema,
    ConsistencyProofSchema,
    ConsistencyQuerySchema,
    InclusionProofSchema,
    InclusionQuerySchema,
    LeafSchema,
)

blp = Blueprint("log", __name__, url_prefix="/v1",
                description="The public Merkle log (RFC 9162) and attestation checks")


@blp.route("/log/checkpoint", methods=["GET"])
@blp.response(200, CheckpointSchema)
@errors(blp, 404)
def latest_checkpoint():
    """The latest signed checkpoint"""
    return log.latest_or_404(ledger_context())


@blp.route("/log/checkpoints", methods=["GET"])
@blp.arguments(CheckpointsQuerySchema, location="query")
@blp.response(200, CheckpointSchema(many=True))
@errors(blp, 422)
def list_checkpoints(query):
    """Every signed checkpoint, oldest first, after a tree size"""
    return log.checkpoints(ledger_context(), query["after"], query["limit"])


@blp.route("/log/checkpoints/<int:size>", methods=["GET"])
@blp.response(200, CheckpointSchema)
@errors(blp, 404)
def checkpoint_of_size(size):
    """The signed checkpoint of a tree size"""
    return log.checkpoint_at(ledger_context(), size)


@blp.route("/log/leaves/<int:index>", methods=["GET"])
@blp.response(200, LeafSchema)
@errors(blp, 404)
def leaf(index):
    """A leaf's canonical data and hash"""
    return log.leaf_at(ledger_context(), index)


@blp.route("/log/proofs/inclusion", methods=["GET"])
@blp.arguments(InclusionQuerySchema, location="query")
@blp.response(200, InclusionProofSchema)
@errors(blp, 404, 409, 422)
def inclusion(query):
    """The audit path of a leaf in the checkpoint of a tree size"""
    return log.inclusion_proof(ledger_context(), query["index"], query["size"])


@blp.route("/log/proofs/consistency", methods=["GET"])
@blp.arguments(ConsistencyQuerySchema, location="query")
@blp.response(200, ConsistencyProofSchema)
@errors(blp, 404, 409, 422)
def consistency(query):
    """The proof that one checkpoint's tree extends another's"""
    return log.consistency_proof(ledger_context(), query["first"], query["second"])


@blp.route("/attestations/<string:code>", methods=["GET"])
@blp.response(200, AttestationCheckSchema)
@errors(blp, 404)
def check_attestation(code):
    """Whether an attestation is genuine and still true, by its verification code"""
    return attestations.check_attestation(ledger_context(), code)
