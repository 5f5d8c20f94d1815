"""What every use case needs: a session, the clock, the policy book and the ID key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..clock import Clock, business_date
from ..policy import PolicyBook

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Context:
    session: Session
    clock: Clock
    policies: PolicyBook
    id_key: bytes

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return business_date(self.clock.now())


def unit_of_work(retries: int = 3) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Commit on success, roll back on any error, and retry a lost race.

    A race is an IntegrityError from a concurrent writer (two requests appending to
    one professional's chain, or the same idempotency key at once); the retry sees the
    winner's rows and answers consistently with them.
    """

    def decorate(fn: Callable[P, T]) -> Callable[P, T]:
        @wraps(fn)
        def run(ctx: Context, *args: P.args, **kwargs: P.kwargs) -> T:
            for attempt in range(retries):
                try:
                    result = fn(ctx, *args, **kwargs)
                    ctx.session.commit()
                    return result
                except IntegrityError:
                    ctx.session.rollback()
                    if attempt == retries - 1:
                        raise
                except BaseException:
                    ctx.session.rollback()
                    raise
            raise AssertionError("unreachable")

        return run  # type: ignore[return-value]

    return decorate
