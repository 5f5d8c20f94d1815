"""Attendance per session, pushed by a base."""

from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ledger.services.intake import attendance

from .db import ledger_context
from .docs import secured
from .schemas import AttendanceBatchSchema, AttendanceReceiptsSchema

blp = Blueprint("attendance", __name__, url_prefix="/v1",
                description="Attendance per session: sign-in and sign-out, or online minutes")


@blp.route("/attendance", methods=["POST"])
@blp.response(200, AttendanceReceiptsSchema)
@secured(blp, 404, 409)
@blp.arguments(AttendanceBatchSchema)
def post_attendance(body):
    """Record one session or a batch of up to 1000; one receipt per item"""
    items = [attendance.NewAttendance(**item) for item in body["items"]]
    return attendance.post_attendance(ledger_context(), g.actor, items)
