"""How the SQL adapter reads and writes one repository's rows, at the least cost per statement.

A unit of work issues a handful of statements per command; building and compiling them each
time cost more than the database took to run them. :func:`statements` builds the reads and
writes of a table once (keys, version and values as bound parameters), so SQLAlchemy reuses
their compiled form and cache key.

Decoding and structuring a JSON document back into an aggregate is the other large cost of
a read. :class:`Documents` remembers, per row, the last document the store read or wrote and
the aggregate it structures to: a read that finds the same document again clones that
aggregate instead of decoding and structuring it. The document is always read and compared,
so nothing is trusted that the database does not say (a row rewritten at the same version by
a restore is still read afresh). It is read and compared as the text the database gives for
it (``CAST(doc AS TEXT)``: on PostgreSQL the JSONB's own text, on SQLite the stored text),
and a write returns that text (``RETURNING``), so a read of a row the process wrote compares
two strings instead of decoding the document.

:class:`StockLedgerRows` is the stock ledger of a unit of work: append-only rows.
"""

from __future__ import annotations

import builtins
import datetime as dt
import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

import attrs
from sqlalchemy import (
    Connection,
    Insert,
    Select,
    Text,
    Update,
    bindparam,
    cast,
    insert,
    select,
    update,
)

from salesorder.adapters.sql import schema
from salesorder.adapters.sql.mappings import layout
from salesorder.domain.inventory import MovementKind, StockMovement
from salesorder.ports.repositories import repository

_T = TypeVar("_T")


class _Executes(Protocol):
    """What the ledger needs of its unit of work (a ``SqlUnitOfWork``): run on its connection."""

    def execute(self, work: Callable[[Connection], _T]) -> _T: ...


__all__ = [
    "Documents",
    "Statements",
    "StockLedgerRows",
    "keys_where",
    "rows_where",
    "statements",
    "with_documents",
]


@attrs.frozen
class Statements:
    """The statements of one repository's table, with bound parameters.

    Keys are bound as ``k_<field>``; the update's expected version as ``k_version``; the
    values it sets as ``v_<column>`` (``v_version``, ``v_doc`` and each layout column).
    ``read`` gives the version and the document's text; ``insert_text`` and ``update_text``
    are ``insert`` and ``update`` returning the text of the document they stored (where the
    database can return it: SQLAlchemy's ``insert_returning`` and ``update_returning``).
    """

    key_fields: tuple[str, ...]
    columns: tuple[str, ...]
    read: Select[Any]
    insert: Insert
    update: Update
    insert_text: Insert
    update_text: Update

    def key_values(self, key: object) -> dict[str, object]:
        """The key columns' values of ``key`` (a tuple for a key of several fields)."""
        values = key if isinstance(key, tuple) else (key,)
        return dict(zip(self.key_fields, values, strict=True))

    def key_params(self, key: object) -> dict[str, object]:
        """The bound key parameters of ``key``."""
        return {f"k_{name}": value for name, value in self.key_values(key).items()}


@functools.cache
def statements(name: str) -> Statements:
    """The statements of the repository called ``name`` (built once per process)."""
    spec = repository(name)
    shape = layout(name)
    table = schema.tables[name]
    where = [table.c[field] == bindparam(f"k_{field}") for field in spec.key_fields]
    text = cast(table.c.doc, Text)
    read = select(table.c.version, text).where(*where)
    if shape.lock_on_read:
        read = read.with_for_update()
    columns = ("version", "doc", *(field.column.name for field in shape.fields))
    changed = (
        update(table)
        .where(*where, table.c.version == bindparam("k_version"))
        .values(
            {column: bindparam(f"v_{column}", type_=table.c[column].type) for column in columns}
        )
    )
    # Every column is always given (keys, version, document, layout), so one compiled insert
    # serves every row.
    added = insert(table).values(
        {
            column: bindparam(column, type_=table.c[column].type)
            for column in (*spec.key_fields, *columns)
        }
    )
    return Statements(
        key_fields=spec.key_fields,
        columns=columns,
        read=read,
        insert=added,
        update=changed,
        insert_text=added.returning(text),
        update_text=changed.returning(text),
    )


@functools.cache
def keys_where(name: str, columns: tuple[str, ...]) -> Select[Any]:
    """The keys of repository ``name``'s rows whose ``columns`` equal ``w_<column>`` (built once).

    With no columns, every key.
    """
    spec = repository(name)
    table = schema.tables[name]
    keys = select(*(table.c[field] for field in spec.key_fields))
    return keys.where(*(table.c[column] == bindparam(f"w_{column}") for column in columns))


def with_documents(query: Select[Any], name: str) -> Select[Any]:
    """``query`` (a select of repository ``name``'s keys) giving each row's version and text too.

    A finder that reads the rows it finds takes them from this one statement instead of one
    statement per row (``salesorder.adapters.sql.repositories``).
    """
    table = schema.tables[name]
    return query.add_columns(table.c.version, cast(table.c.doc, Text))


@functools.cache
def rows_where(name: str, columns: tuple[str, ...]) -> Select[Any]:
    """:func:`keys_where` with each row's version and document text (built once)."""
    return with_documents(keys_where(name, columns), name)


class Documents:
    """The last document seen of each row, and the aggregate it structures to.

    The aggregates held here are pristine: never handed out, never changed. A unit of work
    hands out clones of them and compares its working copies with them (attrs equality, as
    the in-memory adapter does). At most ``size`` rows are remembered, the oldest dropped
    first. Safe to share between threads.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._rows: dict[tuple[str, Hashable], tuple[object, object]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, key: Hashable, doc: object) -> object | None:
        """The pristine aggregate of ``doc`` when it is the document last seen, else None."""
        seen = self._rows.get((name, key))
        if seen is not None and seen[0] == doc:
            return seen[1]
        return None

    def peek(self, name: str, key: Hashable) -> tuple[object, object] | None:
        """The last document seen of row ``key`` and its pristine aggregate, if any."""
        return self._rows.get((name, key))

    def remember(self, name: str, key: Hashable, doc: object, item: object) -> None:
        """``item`` (pristine, never to be changed) is what ``doc`` of row ``key`` holds."""
        with self._lock:
            self._rows.pop((name, key), None)
            self._rows[name, key] = (doc, item)
            while len(self._rows) > self.size:
                del self._rows[next(iter(self._rows))]

    def forget(self, name: str, key: Hashable) -> None:
        """Drop what is remembered of row ``key``."""
        with self._lock:
            self._rows.pop((name, key), None)


class StockLedgerRows:
    """The stock ledger inside a unit of work: rows are inserted at commit, never updated."""

    def __init__(self, uow: _Executes) -> None:
        self._uow = uow
        self.appended: builtins.list[StockMovement] = []

    def append(self, movement: StockMovement) -> None:
        """Add ``movement``, inserted at commit."""
        self.appended.append(movement)

    def for_item(self, warehouse: str, sku: str) -> builtins.list[StockMovement]:
        """The stored and appended entries of one item, by ``seq``."""
        table = schema.stock_ledger
        query = (
            select(table)
            .where(table.c.warehouse == warehouse, table.c.sku == sku)
            .order_by(table.c.seq)
        )
        rows = self._uow.execute(lambda conn: conn.execute(query).all())
        stored = [
            StockMovement(
                warehouse=row.warehouse,
                sku=row.sku,
                seq=row.seq,
                kind=MovementKind(row.kind),
                at=dt.datetime.fromisoformat(row.at),
                on_hand_change=row.on_hand_change,
                reserved_change=row.reserved_change,
                document=row.document,
                reason=row.reason,
            )
            for row in rows
        ]
        mine = [m for m in self.appended if m.warehouse == warehouse and m.sku == sku]
        return sorted(stored + mine, key=lambda m: m.seq)

    def write(self, conn: Connection) -> None:
        """Insert the appended entries (in key order) through ``conn``."""
        if self.appended:
            conn.execute(
                insert(schema.stock_ledger),
                [
                    {
                        "warehouse": m.warehouse,
                        "sku": m.sku,
                        "seq": m.seq,
                        "kind": m.kind.value,
                        "at": m.at.isoformat(),
                        "on_hand_change": m.on_hand_change,
                        "reserved_change": m.reserved_change,
                        "document": m.document,
                        "reason": m.reason,
                    }
                    for m in sorted(self.appended, key=lambda m: m.key)
                ],
            )
