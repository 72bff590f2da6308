"""The SQL adapter's repositories: working copies of one table each, read through a unit.

:class:`SqlRepository` is the port's repository over one table (``salesorder.adapters.tracking``
keeps the working copies; ``salesorder.adapters.sql.rows`` builds the statements once); the
classes below it add the finders some repositories have (by status, SKU, reference, order).
A finder, ``list`` included, reads the rows it finds with its own statement (their keys,
versions and documents), not with one more statement per row; where a read locks its row
(numbering series) and for stock levels it reads the keys, then each row as ``get`` does.
Stock levels and their reservation rows are :class:`StockRepository`
(``salesorder.adapters.sql.stock``). :class:`~salesorder.adapters.sql.store.SqlUnitOfWork`
opens them and writes their changes at commit.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import logging
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, select

from salesorder import logs
from salesorder.adapters.sql import driver, schema, stock
from salesorder.adapters.sql.mappings import layout, utc_text
from salesorder.adapters.sql.rows import (
    Documents,
    keys_where,
    rows_where,
    statements,
    with_documents,
)
from salesorder.adapters.tracking import Pending, StoredRow, TrackingRepository, clone
from salesorder.domain.inventory import StockItem, waiting_since
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.outbox import OutboxItem, OutboxState
from salesorder.domain.payments import Payment
from salesorder.domain.returns import ReturnRequest
from salesorder.exceptions import ConcurrencyConflict
from salesorder.ports.repositories import RepositorySpec
from salesorder.serialization import structure, unstructure

__all__ = [
    "FINDERS",
    "OrderRepository",
    "OutboxRepository",
    "PaymentRepository",
    "ReturnRepository",
    "SqlRepository",
    "StockRepository",
    "Unit",
    "Written",
]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: Rows a commit wrote: (repository name, key, document, aggregate).
Written = builtins.list[tuple[str, Hashable, object, object]]


class _Store(Protocol):
    @property
    def documents(self) -> Documents: ...

    @property
    def engine(self) -> Engine: ...


class Unit(Protocol):
    """What a repository needs of its unit of work (a ``SqlUnitOfWork``)."""

    @property
    def store(self) -> _Store:
        """The store the unit works on: its engine and remembered documents."""

    def execute(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` on the unit's connection, translating database errors."""

    def transactional(self) -> Connection:
        """The unit's connection inside a database transaction."""


def _log() -> logging.Logger:
    return logs.logger(logs.SQL)


class SqlRepository(TrackingRepository[T, K]):
    """Working copies of one table, read through the unit's connection."""

    def __init__(self, uow: Unit, spec: RepositorySpec) -> None:
        super().__init__(spec.kind, spec.key)  # type: ignore[arg-type]
        self._uow = uow
        self.spec = spec
        self.layout = layout(spec.name)
        self.table = schema.tables[spec.name]
        self.statements = statements(spec.name)
        #: Whether a finder reads the rows it finds with its own statement (``_taken_in``)
        #: instead of one statement per row: not where a read locks its row.
        self.finds_rows = not self.layout.lock_on_read

    def _read(self, key: K) -> StoredRow[T] | None:
        params = self.statements.key_params(key)
        query = self.statements.read
        # A locking read takes its lock in the unit's transaction, held until the unit ends.
        locking = self.layout.lock_on_read
        found = self._uow.execute(
            lambda conn: driver.rows(self._uow.transactional() if locking else conn, query, params)
        )
        if not found:
            return None
        version, text = found[0]
        return self._stored(key, version, text)

    def _stored(self, key: K, version: int, text: str) -> StoredRow[T]:
        """The row ``key`` as read: ``text`` is its document as the database gives it."""
        documents = self._uow.store.documents
        # The text is compared with the one last seen; the document is decoded and structured
        # only when it is not that one.
        pristine = documents.get(self.spec.name, key, text)
        if pristine is None:
            pristine = structure(json.loads(text), self.spec.aggregate)
            documents.remember(self.spec.name, key, text, pristine)
        return StoredRow(version, clone(pristine), pristine)

    def _select_keys(self, *where: Any) -> builtins.list[K]:
        """The keys of the rows matching ``where`` (a query built for this call)."""
        fields = self.spec.key_fields
        query = select(*(self.table.c[name] for name in fields)).where(*where)
        if self.finds_rows:
            query = with_documents(query, self.spec.name)
            return self._taken_in(self._uow.execute(lambda conn: conn.execute(query).all()))
        return self._as_keys(self._uow.execute(lambda conn: conn.execute(query).all()))

    def _keys_where(self, **equal: object) -> builtins.list[K]:
        """The keys of the rows whose columns equal ``equal`` (a statement built once)."""
        params = {f"w_{column}": value for column, value in equal.items()}
        if self.finds_rows:
            query = rows_where(self.spec.name, tuple(equal))
            return self._taken_in(self._uow.execute(lambda conn: driver.rows(conn, query, params)))
        query = keys_where(self.spec.name, tuple(equal))
        return self._as_keys(self._uow.execute(lambda conn: driver.rows(conn, query, params)))

    def _taken_in(self, rows: Sequence[Any]) -> builtins.list[K]:
        """The keys of ``rows`` (keys, version, text), each row not held yet taken in as read.

        A finder reads every row it finds (``_found_by``); taking them from its own statement
        spares a statement per row. A row this unit holds keeps its working copy, as
        ``find`` would.
        """
        width = len(self.spec.key_fields)
        keys = self._as_keys([row[:width] for row in rows])
        for key, row in zip(keys, rows, strict=True):
            if key not in self.working:
                self._hold(key, self._stored(key, row[width], row[width + 1]))
        return keys

    def _as_keys(self, rows: Sequence[Any]) -> builtins.list[K]:
        if len(self.spec.key_fields) == 1:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def _keys(self) -> Iterable[K]:
        return self._keys_where()

    def statements_for(self, changes: builtins.list[Pending[T, K]]) -> int:
        """How many statements writing ``changes`` takes, at least."""
        return len(changes)

    def is_changed(self, item: T, snapshot: object) -> bool:
        """True when ``item`` differs from the aggregate it was copied from."""
        # The snapshot is the pristine aggregate the working copy was cloned from.
        return bool(item != snapshot)

    def _found_by(self, keys: Iterable[K], predicate: Callable[[T], bool]) -> builtins.list[T]:
        """Stored matches by an indexed query, plus working copies matching ``predicate``."""
        found: dict[K, T] = {}
        for key in keys:
            item = self.find(key)
            if item is not None:
                found[key] = item
        found.update(self.working)
        return [item for _, item in sorted(found.items()) if predicate(item)]

    def write(self, conn: Connection, changes: builtins.list[Pending[T, K]]) -> Written:
        """Insert new rows, update changed ones where the version is still the one read.

        Returns the documents written, for the store to remember once the commit is done.
        """
        return [
            self._write_one(conn, change)
            for change in sorted(changes, key=lambda c: c.key)  # type: ignore[arg-type,return-value]
        ]

    def _write_one(
        self, conn: Connection, change: Pending[T, K]
    ) -> tuple[str, Hashable, object, object]:
        """Write one change; what is remembered of the row is the text the database stored.

        Where the database cannot return that text (SQLite before 3.35), nothing is: the
        next read structures the row afresh.
        """
        dialect = conn.dialect
        returning = bool(dialect.insert_returning and dialect.update_returning)
        text = self._write_row(conn, change, unstructure(change.item), returning=returning)
        return (self.spec.name, change.key, text, change.item)

    def _write_row(
        self, conn: Connection, change: Pending[T, K], doc: object, *, returning: bool
    ) -> str | None:
        """Insert or update (version checked) the row of ``change`` with document ``doc``.

        With ``returning``, the statement returns the text of the document stored, which is
        returned; otherwise None.
        """
        shape = self.statements
        columns = self.layout.values(change.item)
        if change.seen is None:
            params = {**shape.key_values(change.key), "version": 1, "doc": doc, **columns}
            if returning:
                return str(driver.rows(conn, shape.insert_text, params)[0][0])
            driver.rowcount(conn, shape.insert, params)
            return None
        params = {
            **shape.key_params(change.key),
            "k_version": change.seen,
            "v_version": change.seen + 1,
            "v_doc": doc,
            **{f"v_{name}": value for name, value in columns.items()},
        }
        if returning:
            stored = driver.rows(conn, shape.update_text, params)
            if len(stored) != 1:
                raise self.conflict(change.key, change.seen)
            return str(stored[0][0])
        if driver.rowcount(conn, shape.update, params) != 1:
            raise self.conflict(change.key, change.seen)
        return None

    def conflict(self, key: object, seen: int) -> ConcurrencyConflict:
        """The conflict of a write that found ``key`` no longer at version ``seen``."""
        conflict = ConcurrencyConflict(
            f"{self.kind} {key!r} was changed by another unit of work; retry"
        )
        # DEBUG: the application warns when it retries the command.
        if _log().isEnabledFor(logging.DEBUG):
            _log().debug(
                "%s %r: version %d is no longer the stored one",
                self.spec.name,
                key,
                seen,
                extra=logs.context(error=conflict),
            )
        return conflict


class OrderRepository(SqlRepository[Order, str]):
    """Orders, found also by channel reference, status and waiting for stock."""

    def find_by_external_ref(self, channel: str, external_ref: str) -> Order | None:
        """The order of ``channel`` with ``external_ref``, or None."""
        keys = self._keys_where(channel=channel, external_ref=external_ref)
        found = self._found_by(
            keys, lambda o: o.channel.code == channel and o.external_ref == external_ref
        )
        return found[0] if found else None

    def waiting_for_stock(self) -> builtins.list[Order]:
        """Orders waiting for stock, longest waiting first."""
        keys = self._select_keys(self.table.c.waiting_since.is_not(None))
        waiting = self._found_by(keys, lambda o: waiting_since(o) is not None)
        return sorted(waiting, key=lambda o: (waiting_since(o), o.placed_at, o.id))

    def with_status(self, statuses: Iterable[OrderStatus]) -> builtins.list[Order]:
        """Orders in one of ``statuses``, by id."""
        wanted = frozenset(statuses)
        # ``status`` is written from the document at every insert and update (its layout),
        # so the column and the stored order never disagree.
        keys = self._select_keys(self.table.c.status.in_(sorted(status.value for status in wanted)))
        return self._found_by(keys, lambda o: o.status in wanted)


class StockRepository(SqlRepository[StockItem, "tuple[str, str]"]):
    """Stock levels, their reservations as rows of their own (``salesorder.adapters.sql.stock``)."""

    def __init__(self, uow: Unit, spec: RepositorySpec) -> None:
        super().__init__(uow, spec)
        self._changes: dict[tuple[str, str], stock.Change] = {}
        # A level is read with its reservation rows (``stock.read``), one statement a level.
        self.finds_rows = False

    def _read(self, key: tuple[str, str]) -> StoredRow[StockItem] | None:
        documents = self._uow.store.documents
        seen = documents.peek(self.spec.name, key)
        found = self._uow.execute(lambda conn: stock.read(conn, key, seen))  # type: ignore[arg-type]
        if found is None:
            return None
        if found.fresh:
            documents.remember(self.spec.name, key, found.marker, found.item)
        return StoredRow(found.version, clone(found.item), found.item)

    def statements_for(self, changes: builtins.list[Pending[StockItem, tuple[str, str]]]) -> int:
        """How many statements writing ``changes`` takes, at least."""
        # A level and its reservation rows: two statements or more, but one for a level
        # whose rows did not change, or for one new reservation where the database writes
        # both in one (``stock.Change.one_statement``).
        dialect = self._uow.store.engine.dialect
        self._changes = {change.key: self._change_of(change) for change in changes}
        return sum(
            2 if (c.added or c.removed) and not c.one_statement(dialect) else 1
            for c in self._changes.values()
        )

    def _change_of(self, change: Pending[StockItem, tuple[str, str]]) -> stock.Change:
        row = self._rows[change.key]
        return stock.change_of(change.item, None if row is None else row.snapshot)  # type: ignore[arg-type]

    def _write_one(
        self, conn: Connection, change: Pending[StockItem, tuple[str, str]]
    ) -> tuple[str, Hashable, object, object]:
        held = self._changes.pop(change.key, None) or self._change_of(change)
        if change.seen is not None and held.held_only:
            version = stock.write_held(conn, change.item, held)
            if version is None:
                raise self.conflict(change.key, change.seen)
            # The document did not change; the level is remembered at its new version only
            # when no other unit wrote it in between. Otherwise what is remembered stays: a
            # view of an earlier version is still true, and the next read adds what came
            # since (rows this unit and the others wrote) instead of reading every row.
            marker = None
            if version == change.seen + 1:
                seen = self._uow.store.documents.peek(self.spec.name, change.key)
                pristine = self._rows[change.key].snapshot  # type: ignore[union-attr]
                doc = seen[0][1] if seen is not None and seen[1] is pristine else None  # type: ignore[index]
                marker = (version, stock.document(change.item) if doc is None else doc)
            return (self.spec.name, change.key, marker, change.item)
        # A level is remembered by its own marker (``stock.read``), not by its text.
        doc = stock.document(change.item)
        self._write_row(conn, change, doc, returning=False)
        version = (change.seen or 0) + 1
        if not stock.write_rows(conn, change.key, held, version):
            raise self.conflict(change.key, change.seen or 0)
        return (self.spec.name, change.key, (version, doc), change.item)

    def for_sku(self, sku: str) -> builtins.list[StockItem]:
        """The levels of ``sku`` in every warehouse."""
        keys = self._keys_where(sku=sku)
        return self._found_by(keys, lambda s: s.sku == sku)


class PaymentRepository(SqlRepository[Payment, str]):
    """Payments, found also by reference and by order."""

    def find_by_reference(self, reference: str) -> Payment | None:
        """The payment with ``reference``, or None."""
        keys = self._keys_where(reference=reference)
        found = self._found_by(keys, lambda p: p.reference == reference)
        return found[0] if found else None

    def for_order(self, order_id: str) -> builtins.list[Payment]:
        """The payments of ``order_id``."""
        keys = self._keys_where(order_id=order_id)
        return self._found_by(keys, lambda p: p.order_id == order_id)


class ReturnRepository(SqlRepository[ReturnRequest, str]):
    """Return requests, found also by order."""

    def for_order(self, order_id: str) -> builtins.list[ReturnRequest]:
        """The return requests of ``order_id``."""
        keys = self._keys_where(order_id=order_id)
        return self._found_by(keys, lambda r: r.order_id == order_id)


class OutboxRepository(SqlRepository[OutboxItem, str]):
    """Outbox items, found also when due and by state."""

    def due(self, now: dt.datetime, limit: int) -> builtins.list[OutboxItem]:
        """Up to ``limit`` pending items due at ``now``, oldest first."""
        # ``due_at`` is the later of the wait and the lease, as ISO 8601 in UTC, written
        # from the document at every insert and update (its layout): the pending items whose
        # moment has come are found by an index, never by reading the sent ones.
        table = self.table
        moment = utc_text(now)
        query = (
            select(table.c.key)
            .where(table.c.state == OutboxState.PENDING.value, table.c.due_at <= moment)
            .order_by(table.c.due_at, table.c.key)
            .limit(limit)
        )
        query = with_documents(query, self.spec.name)
        keys = self._taken_in(self._uow.execute(lambda conn: conn.execute(query).all()))
        found = self._found_by(keys, lambda i: i.due(now))
        return sorted(found, key=lambda i: i.order)[:limit]

    def in_states(self, states: Iterable[OutboxState]) -> builtins.list[OutboxItem]:
        """The items in one of ``states``, oldest first."""
        wanted = frozenset(states)
        keys = self._select_keys(self.table.c.state.in_(sorted(s.value for s in wanted)))
        return sorted(self._found_by(keys, lambda i: i.state in wanted), key=lambda i: i.order)


#: Repositories with finders beyond the port's ``Repository``; the others are plain.
FINDERS: dict[str, type[SqlRepository[Any, Any]]] = {
    "orders": OrderRepository,
    "stock": StockRepository,
    "payments": PaymentRepository,
    "returns": ReturnRepository,
    "outbox": OutboxRepository,
}
