"""Resident identity numbers (GB 11643-1999): validation, keyed hashing, masking.

The raw number is never stored: the ledger keeps a keyed hash (for lookup) and a
masked form (for display).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# The ID key, or the ring of keys it became through rotations (oldest first).
IdKey = bytes | Sequence[bytes]

# GB 11643-1999 §6.2: weights W_i = 2^(17-i) mod 11 and the check-character table.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


# Chinese input methods often type full-width digits and Ｘ; they mean the ASCII ones.
_FULL_WIDTH = {0xFF10 + i: str(i) for i in range(10)} | {0xFF38: "X", 0xFF58: "X"}


def normalize(raw: str) -> str:
    """Strip spaces, fold full-width digits and upper-case a trailing x, as people type it."""
    return raw.strip().translate(_FULL_WIDTH).upper()


def check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class Checked:
    """An ID number normalised and checked once; ``problems(on)`` for any day.

    A batch asks about one number on the first training day and on today: the parse,
    the weighted sum and the birth date are the same for both, so they are done once.
    """

    number: str  # normalised
    born: date | None
    fatal: str | None = None  # length or characters: nothing else is checked
    birth_problem: str | None = None  # not a date, or before 1900
    check_problem: str | None = None

    def problems(self, on: date | None = None) -> list[str]:
        if self.fatal is not None:
            return [self.fatal]
        found: list[str] = []
        if self.birth_problem is not None:
            found.append(self.birth_problem)
        elif on is not None and self.born is not None and self.born > on:
            found.append(f"birth date {self.born} is after {on}")
        if self.check_problem is not None:
            found.append(self.check_problem)
        return found


def check(raw: str) -> Checked:
    number = normalize(raw)
    if len(number) != 18:
        return Checked(number, None, fatal=f"has {len(number)} characters, 18 required")
    if not (number.isascii() and number[:17].isdigit()
            and (number[17].isdigit() or number[17] == "X")):
        return Checked(number, None, fatal="must be 17 digits and a digit or X")
    born: date | None = None
    birth_problem = None
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        if born.year < 1900:
            birth_problem = "birth date before 1900"
    except ValueError:
        birth_problem = f"birth date {number[6:14]} is not a date"
    expected = check_character(number[:17])
    check_problem = (f"check character is {number[17]}, expected {expected}"
                     if number[17] != expected else None)
    return Checked(number, born, None, birth_problem, check_problem)


def problems(raw: str, on: date | None = None) -> list[str]:
    """What is wrong with an ID number; an empty list means valid.

    GB 11643-1999 4.2: the birth-date code is the holder's date of birth, so it cannot lie
    after ``on`` (a training date, or for a registration, today).
    """
    return check(raw).problems(on)


def is_valid(raw: str, on: date | None = None) -> bool:
    return not problems(raw, on)


def keyed_hash(raw: str, key: IdKey) -> str:
    """HMAC-SHA256 of the normalised number: stable for lookup, useless without the key."""
    return keyed_digest(normalize(raw).encode(), key)


def keyed_digest(message: bytes | str, key: IdKey) -> str:
    """HMAC-SHA256 of ``message`` under each key of the ring in turn (hex digests).

    A rotation cannot recompute a hash from the ID number (the ledger never keeps it),
    so it adds a key and wraps every stored digest once more: HMAC(k2, HMAC(k1, m)).
    With one key this is plain HMAC(k1, m). Every digest that covers an ID number goes
    through here, so a database copy without the key ring cannot be brute-forced.
    """
    ring = (key,) if isinstance(key, bytes | bytearray) else tuple(key)
    if not ring:
        raise ValueError("an ID key ring holds at least one key")
    digest = message.encode() if isinstance(message, str) else message
    for k in ring:
        digest = hmac.new(k, digest, hashlib.sha256).hexdigest().encode()
    return digest.decode()


def rewrap(digest: str, new_key: bytes) -> str:
    """A digest made under a ring, carried to the ring with ``new_key`` appended."""
    return hmac.new(new_key, digest.encode(), hashlib.sha256).hexdigest()


def mask(raw: str) -> str:
    """Keep the region's first three and the last four characters: 370***********123X."""
    number = normalize(raw)
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
