"""Statements sent through the database driver itself where that pays.

A unit of work sends a few fixed statements per command: the read, insert and update of a
repository's row (``salesorder.adapters.sql.rows``) and the two statements of a stock
reservation (``salesorder.adapters.sql.stock``). Through SQLAlchemy's ``Connection.execute``
each cost about 150-200 microseconds of client CPU on PostgreSQL beyond what psycopg itself
spends (checked in ``benchmarks/bench_sql.py``): more than the rest of the command's work.
:func:`rows` and :func:`rowcount` run such a statement as SQL that SQLAlchemy compiled once per
dialect, with the values SQLAlchemy's own bind processors make of the parameters (a document
as JSON, a quantity as a number), on the unit's own DBAPI connection, inside the unit's
transaction: the same SQL, values and transaction, without the per-call machinery.

It is used on psycopg (PostgreSQL) only, and only while nobody watches the engine's statements:
with an event listener on the engine or connection (``before_cursor_execute``: tracing,
statement counters) or ``echo`` on, every statement goes through SQLAlchemy as usual, so
whatever a shop's instrumentation sees is every statement sent; so it does on any other
driver. Values come back as the driver gives them: the caller converts what
SQLAlchemy's types would have (quantities: ``to_quantity``; psycopg itself decodes JSON).
Driver errors are raised as SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError` subclasses, so
the store translates them as it translates every other error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, InvalidRequestError
from sqlalchemy.sql.expression import Executable

__all__ = ["rowcount", "rows"]

_T = TypeVar("_T")

#: A statement as the driver takes it: its SQL, the values it binds itself (``+ 1``),
#: SQLAlchemy's bind processor of each parameter that has one, and the parameters a caller
#: must give (those without a value of their own).
_Compiled = tuple[str, dict[str, Any], dict[str, Callable[[Any], Any]], frozenset[str]]


@functools.lru_cache(maxsize=256)  # a few statements per repository and dialect, bounded
def _compiled(statement: Executable, dialect: Dialect) -> _Compiled | None:
    """``statement`` as the driver takes it; None when SQLAlchemy does not say its parameters."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    # A private attribute of SQLAlchemy's compiler (1.4 to 2.1): without it, the statement
    # goes through SQLAlchemy, which applies them itself.
    processors = getattr(compiled, "_bind_processors", None)
    binds = getattr(compiled, "bind_names", None)  # which parameters a caller must give
    if not isinstance(processors, Mapping) or not isinstance(binds, Mapping):
        return None
    required = frozenset(name for bind, name in binds.items() if getattr(bind, "required", True))
    return str(compiled), dict(compiled.params), dict(processors), required


def _watched(conn: Connection) -> bool:
    """Whether anything listens to or logs the statements of ``conn`` (SQLAlchemy's own flags)."""
    return bool(
        getattr(conn, "_has_events", True)
        or getattr(conn.engine, "_has_events", True)
        or getattr(conn, "_echo", True)
    )


def _run(
    conn: Connection,
    statement: Executable,
    params: Mapping[str, object],
    direct: Callable[[Any], _T],
    through: Callable[[CursorResult[Any]], _T],
) -> _T:
    """Run ``statement``: ``direct`` of the driver's cursor, else ``through`` of the result."""
    dialect = conn.dialect
    compiled = None
    if dialect.driver == "psycopg" and not _watched(conn):
        compiled = _compiled(statement, dialect)
    if compiled is None:
        return through(conn.execute(statement, params))
    sql, fixed, processors, required = compiled
    if not params.keys() >= required:
        _refuse_missing(sql, params, required, dialect)
    values = {**fixed, **params}
    for name, process in processors.items():
        if name in values:
            values[name] = process(values[name])
    if not conn.in_transaction():
        # What SQLAlchemy does before its own first statement: the unit's commit and
        # rollback then end the driver's transaction too.
        conn.begin()
    driver = conn.connection.dbapi_connection
    assert driver is not None  # noqa: S101 - an open connection always has one
    cursor = driver.cursor()
    try:
        cursor.execute(sql, values)
        return direct(cursor)
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error) from error
    finally:
        cursor.close()


def _refuse_missing(
    sql: str, params: Mapping[str, object], required: frozenset[str], dialect: Dialect
) -> None:
    """Refuse a statement missing a parameter, as SQLAlchemy's ``Connection.execute`` does.

    Its compiled parameters hold None for a parameter nobody gave, which the driver would
    bind as NULL; SQLAlchemy raises a ``StatementError`` wrapping an ``InvalidRequestError``
    instead, and so does this, with its message.
    """
    name = min(required - params.keys())
    error = InvalidRequestError(f"A value is required for bind parameter {name!r}", code="cd3x")
    raise DBAPIError.instance(sql, dict(params), error, dialect.loaded_dbapi.Error)


def _returned_rows(cursor: Any) -> bool:
    # The result's status, not ``cursor.description``: that builds a column object per
    # column, about a tenth of a small read's cost.
    result = cursor.pgresult
    return result is not None and result.status == _TUPLES_OK


#: libpq's PGRES_TUPLES_OK: a statement that returned rows (none or more).
_TUPLES_OK = 2


def rows(conn: Connection, statement: Executable, params: Mapping[str, object]) -> Sequence[Any]:
    """The rows ``statement`` returns with ``params`` (none for a statement returning none).

    Each row is a sequence of its columns' values, in the statement's order.
    """
    return _run(
        conn,
        statement,
        params,
        lambda cursor: cursor.fetchall() if _returned_rows(cursor) else (),
        lambda result: result.all() if result.returns_rows else (),
    )


def rowcount(conn: Connection, statement: Executable, params: Mapping[str, object]) -> int:
    """How many rows ``statement`` (an insert, update or delete) wrote with ``params``."""
    return _run(conn, statement, params, lambda cursor: int(cursor.rowcount), lambda r: r.rowcount)
