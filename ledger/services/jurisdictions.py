"""The divisions the ledger knows; the seeds' five and their parents are created on demand."""

from __future__ import annotations

from .. import jurisdiction
from ..errors import Invalid
from ..store import Jurisdiction
from .context import Context

KNOWN = {
    "000000": "全国",
    "310000": "上海市",
    "320000": "江苏省",
    "320400": "常州市",
    "370000": "山东省",
    "370300": "淄博市",
    "371000": "威海市",
    "510000": "四川省",
}


def ensure_jurisdictions(ctx: Context, names: dict[str, str] | None = None) -> None:
    """Create the given divisions (and their parents) if absent; does not commit."""
    for code, name in (names or KNOWN).items():
        _ensure(ctx, code, name)


def _ensure(ctx: Context, code: str, name: str | None = None) -> Jurisdiction:
    row = ctx.session.get(Jurisdiction, code)
    if row is None:
        up = jurisdiction.parent(code)
        if up is not None:
            _ensure(ctx, up, KNOWN.get(up))
        row = Jurisdiction(code=code, name=name or KNOWN.get(code) or code, parent_code=up)
        ctx.session.add(row)
        ctx.session.flush()
    return row


def require_jurisdiction(ctx: Context, code: str) -> Jurisdiction:
    """A valid GB/T 2260 code, created with its parents the first time it is used."""
    if not jurisdiction.is_code(code):
        raise Invalid(f"{code!r} is not a six-digit GB/T 2260 code", code="jurisdiction_invalid")
    return _ensure(ctx, code)
