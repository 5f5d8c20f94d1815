"""The one source of "now", and business dates in China Standard Time.

Every business date (a filing day, "today" for a standing query) is the date in
Asia/Shanghai, so a filing at 03:00 Beijing time is dated that day, not the UTC
day before.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that moves only when told to; tests and simulations use it."""

    def __init__(self, moment: datetime):
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.moment = moment

    def advance(self, **delta: float) -> None:
        self.moment = self.moment + timedelta(**delta)


def business_date(moment: datetime) -> date:
    """The date in Beijing of an aware moment."""
    if moment.tzinfo is None:
        raise ValueError("business_date needs an aware datetime")
    return moment.astimezone(CHINA).date()


def today(clock: Clock) -> date:
    return business_date(clock.now())


class SandboxClock:
    """The moment written in a file, or the system time while the file is absent.

    For demos, training and the README's walkthrough only, where time must move
    between filing a class and posting its completions: `flask --app app ledger clock
    set ...` writes the file. Production runs on SystemClock.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def now(self) -> datetime:
        try:
            text = self.path.read_text().strip()
        except FileNotFoundError:
            return datetime.now(UTC)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            raise ValueError(f"{self.path} must hold an aware ISO 8601 moment")
        return moment

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("SandboxClock needs an aware datetime")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(moment.isoformat())
