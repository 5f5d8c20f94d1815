"""What every use case needs: a session, the clock, the policy book and the ID key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, scoped_session

from ..clock import Clock, business_date
from ..policy import PolicyBook

# An execution option a unit of work sets on its connection; on SQLite the app begins
# such a transaction with BEGIN IMMEDIATE (see app._tune).
WRITE_OPTION = "ledger_write"

P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class Context:
    session: Session
    clock: Clock
    policies: PolicyBook
    id_key: bytes
    # The ledger's KeySet (ledger/services/keyset.py): signs checkpoints and attestations.
    signer: Any = None

    def now(self) -> datetime:
        """Now, in UTC: what is stored and hashed reads back the same from any database."""
        return self.clock.now().astimezone(UTC)

    def today(self) -> date:
        return business_date(self.clock.now())


def _begin_writing(session: Session) -> None:
    """End whatever read transaction is open and begin one meant to write."""
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        if session.get_bind().dialect.name != "sqlite":
            return  # PostgreSQL's row locks and constraints need no special begin
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})


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
                    _begin_writing(ctx.session)
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
