"""Schemas of completion batches, receipts and voids (api/completions.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from .common import HOURS_PATTERN, MAX_ID, SUBJECTS, Hours, Text


class CompletionItemSchema(Schema):
    external_id = Text(128, required=True,
                       metadata={"description": "the LMS's own id, unique per base"})
    project_id = fields.Integer(strict=True, required=True,
                                validate=validate.Range(min=1, max=MAX_ID))
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32),
                              metadata={"description": "18-character resident ID number"})
    name = Text(100, required=True)
    hours = Hours(required=True)
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    training_dates = fields.List(fields.Date(), required=True,
                                 validate=validate.Length(min=1, max=366))
    assessment = fields.String(required=True,
                               validate=validate.OneOf(["passed", "failed", "absent"]))
    minutes = fields.Integer(strict=True, load_default=None, allow_none=True,
                             validate=validate.Range(min=1, max=1_000_000),
                             metadata={"description": "minutes attended, where the LMS "
                                                      "measures them"})


class CompletionBatchSchema(Schema):
    items = fields.List(fields.Nested(CompletionItemSchema), required=True,
                        validate=validate.Length(min=1, max=1000))

    def load(self, data: Any, *, many: bool | None = None, partial: Any = None,
             unknown: str | None = None) -> Any:
        """The schema's load, with a fast path for a body that is plainly valid.

        Loading a 1000-item batch field by field through marshmallow cost ~100 ms. A
        body that ``fast_batch`` accepts loads to exactly what the schema would make of
        it (tests/api/test_batch_loader.py); anything it is not sure of, valid or not,
        goes through the schema, so every error is the schema's own, byte for byte.
        """
        if (many is None and partial is None and unknown is None and not self.many
                and not self.partial and not self.only and not self.exclude):
            loaded = fast_batch(data)
            if loaded is not None:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)


# --- the fast path: what CompletionItemSchema accepts, checked by hand -----------------

_ITEM_REQUIRED = frozenset({"external_id", "project_id", "id_number", "name", "hours",
                            "subject", "training_dates", "assessment"})
_ITEM_FIELDS = _ITEM_REQUIRED | {"minutes"}
_HOURS = re.compile(HOURS_PATTERN)
# Only the plain form; fromisoformat's others (20250601, 2025-W01-1) go to the schema.
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ASSESSMENTS = frozenset({"passed", "failed", "absent"})
_SUBJECTS = frozenset(SUBJECTS)


def _text(value: Any, longest: int) -> bool:
    return type(value) is str and 1 <= len(value) <= longest


def _whole(value: Any, low: int, high: int) -> bool:
    return type(value) is int and low <= value <= high  # never a bool or a float


def _days(value: Any) -> list[date] | None:
    if type(value) is not list or not 1 <= len(value) <= 366:
        return None
    days = []
    for day in value:
        if type(day) is not str or not _DAY.fullmatch(day):
            return None
        try:
            days.append(date.fromisoformat(day))
        except ValueError:
            return None
    return days


def _item(raw: Any) -> dict[str, Any] | None:
    if type(raw) is not dict or not _ITEM_REQUIRED <= raw.keys() <= _ITEM_FIELDS:
        return None
    hours, minutes = raw["hours"], raw.get("minutes")
    if not (_text(raw["external_id"], 128) and _whole(raw["project_id"], 1, MAX_ID)
            and _text(raw["id_number"], 32) and _text(raw["name"], 100)
            and type(hours) is str and _HOURS.fullmatch(hours)
            and type(raw["subject"]) is str and raw["subject"] in _SUBJECTS
            and type(raw["assessment"]) is str and raw["assessment"] in _ASSESSMENTS
            and (minutes is None or _whole(minutes, 1, 1_000_000))):
        return None
    days = _days(raw["training_dates"])
    if days is None:
        return None
    return {"external_id": raw["external_id"], "project_id": raw["project_id"],
            "id_number": raw["id_number"], "name": raw["name"], "hours": Decimal(hours),
            "subject": raw["subject"], "training_dates": days,
            "assessment": raw["assessment"], "minutes": minutes}


def fast_batch(data: Any) -> dict[str, Any] | None:
    """What CompletionBatchSchema().load(data) gives, or None when not plainly valid."""
    if type(data) is not dict or data.keys() != {"items"}:
        return None
    raw_items = data["items"]
    if type(raw_items) is not list or not 1 <= len(raw_items) <= 1000:
        return None
    items = []
    for raw in raw_items:
        item = _item(raw)
        if item is None:
            return None
        items.append(item)
    return {"items": items}


class ReasonSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    rule = fields.Dict(allow_none=True)
    details = fields.Dict()


class ReceiptSchema(Schema):
    external_id = fields.String(required=True)
    posting_id = fields.Integer(strict=True, required=True)
    status = fields.String(required=True,
                           metadata={"description": "credited, rejected, held or voided"})
    entry_id = fields.Integer(strict=True, allow_none=True)
    reversal_entry_id = fields.Integer(strict=True, allow_none=True)
    hours = fields.String(allow_none=True)
    subject = fields.String(allow_none=True)
    year = fields.Integer(strict=True, allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    notes = fields.List(fields.Nested(ReasonSchema), metadata={
        "description": "what explains the outcome without deciding it: an exception applied, "
                       "hours over the daily cap, a draft regulation's advice"})
    policy = fields.Dict(allow_none=True)
    replayed = fields.Boolean(required=True)


class ReceiptsSchema(Schema):
    receipts = fields.List(fields.Nested(ReceiptSchema), required=True)
    summary = fields.Dict(keys=fields.String(), values=fields.Integer(strict=True), required=True)


class VoidSchema(Schema):
    reason = Text(2000, required=True)
