"""``column IN (values)`` as one bind parameter on PostgreSQL.

An expanding ``IN`` is one bind parameter per value: psycopg rewrites a query of a
thousand placeholders on every execution (~70 ms a 1000-item batch across the batch
reads) and refuses more than 65,535 of them. ``any_of(column, values)`` renders
``column = ANY(%(p)s)`` with the values as one array on PostgreSQL, and the ordinary
expanding ``IN`` elsewhere (SQLite has no arrays). Both match exactly the rows whose
column equals one of the values; none matches nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ARRAY, any_, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean


class AnyOf(ColumnElement[bool]):
    """``column`` equals one of ``values``: an array parameter on PostgreSQL, an
    expanding IN elsewhere. Both parameters are part of the cache key, so a cached
    statement takes the values of each new one; each dialect renders only its own."""

    type = Boolean()
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("array", InternalTraversal.dp_clauseelement),
        ("expanding", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], values: Iterable[Any] | None,
                 key: str | None = None):
        self.column = column
        listed = None if values is None else list(values)
        # Named parameters (``key``) let a statement built once take its values at
        # execution: {key: [...]} then fills whichever of the two the dialect renders.
        array_kw: dict[str, Any] = {} if listed is None else {"value": listed}
        self.array = bindparam(key, type_=ARRAY(column.type), **array_kw)
        self.expanding = bindparam(key, type_=column.type, expanding=True, **array_kw)


@compiles(AnyOf)
def _in(element: AnyOf, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.expanding), **kw)


@compiles(AnyOf, "postgresql")
def _any(element: AnyOf, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column == any_(element.array), **kw)


def any_of(column: Any, values: Iterable[Any]) -> AnyOf:
    """``column`` is one of ``values`` (see the module's docstring)."""
    return AnyOf(column, values)
