"""One form for every value the ledger hashes and stores.

A hash is only worth keeping if the value it covers reads back the same from the
database: hours posted as "6" are stored as 6.0 (a NUMERIC(7,1) column), so a hash over
"6" would make that professional's chain read broken to every committee for ever. Every
hashed value therefore passes through here first, and the same form is what is stored:
hours with one decimal place, dates as ISO 8601, instants in UTC, text in Unicode NFC
without surrounding white space. Pure: the standard library only.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

ONE_PLACE = Decimal("0.1")


class NotCanonical(ValueError):
    """A value that cannot be given one stored form without changing what it says."""


def hours(value: Decimal | int | str) -> Decimal:
    """学时 with exactly one decimal place; more places are refused, never rounded."""
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
        fixed = number.quantize(ONE_PLACE)
    except InvalidOperation as exc:
        raise NotCanonical(f"{value!r} is not a number of hours") from exc
    if fixed != number:
        raise NotCanonical(f"{value!r} has more than one decimal place")
    return fixed + 0 if fixed else Decimal("0.0")  # -0.0 reads back as 0.0


def text(value: str) -> str:
    """Unicode NFC, surrounding white space removed: what a person typed, one way."""
    return unicodedata.normalize("NFC", value).strip()


def form(value: object) -> str | None:
    """The string a hash covers for one field; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return str(hours(value))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise NotCanonical("a naive datetime has no one instant")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        # NFC only: both databases give a string back as stored, and what is stored was
        # already put in form by text() where a person typed it.
        return unicodedata.normalize("NFC", value)
    if isinstance(value, int):
        return str(value)
    raise NotCanonical(f"no canonical form for {type(value).__name__}")
