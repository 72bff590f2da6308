"""The statements of the hottest path, sent through the database driver itself where that pays.

Making a stock reservation takes two statements (``salesorder.adapters.sql.stock``). Through
SQLAlchemy's ``Connection.execute`` each cost about 150-200 microseconds of client CPU on
PostgreSQL beyond what psycopg itself spends (checked in ``benchmarks/bench_sql.py``): more
than the rest of the reservation together. :func:`rows` runs such a statement as SQL that
SQLAlchemy compiled once per dialect, on the unit's own DBAPI connection, inside the unit's
transaction: the same SQL, parameters and transaction, without the per-call machinery.

It is used on psycopg (PostgreSQL) only, and only while nobody watches the engine's statements:
with an event listener on the engine or connection (``before_cursor_execute``: tracing,
statement counters) or ``echo`` on, every statement goes through SQLAlchemy as usual, so
whatever a shop's instrumentation sees is every statement sent; so it does on any other
driver. Values come back as the driver gives them: the caller converts what
SQLAlchemy's types would have (quantities: ``to_quantity``). Driver errors are raised as
SQLAlchemy's :class:`~sqlalchemy.exc.DBAPIError` subclasses, so the store translates them
as it translates every other error.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

__all__ = ["rows"]


@functools.lru_cache(maxsize=64)  # a few statements per engine's dialect, bounded
def _compiled(statement: Executable, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    """The SQL of ``statement`` and the values of the parameters it binds itself (``+ 1``)."""
    compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
    return str(compiled), dict(compiled.params)


def _watched(conn: Connection) -> bool:
    """Whether anything listens to or logs the statements of ``conn`` (SQLAlchemy's own flags)."""
    return bool(
        getattr(conn, "_has_events", True)
        or getattr(conn.engine, "_has_events", True)
        or getattr(conn, "_echo", True)
    )


def rows(conn: Connection, statement: Executable, params: Mapping[str, object]) -> Sequence[Any]:
    """The rows ``statement`` returns with ``params`` (none for a statement returning none).

    Each row is a sequence of its columns' values, in the statement's order.
    """
    dialect = conn.dialect
    if dialect.driver != "psycopg" or _watched(conn):
        result = conn.execute(statement, params)
        return result.all() if result.returns_rows else ()
    sql, fixed = _compiled(statement, dialect)
    values = {**fixed, **params}
    if not conn.in_transaction():
        # What SQLAlchemy does before its own first statement: the unit's commit and
        # rollback then end the driver's transaction too.
        conn.begin()
    driver = conn.connection.dbapi_connection
    assert driver is not None  # noqa: S101 - an open connection always has one
    cursor = driver.cursor()
    try:
        cursor.execute(sql, values)
        return cursor.fetchall() if cursor.description else ()
    except dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error) from error
    finally:
        cursor.close()
