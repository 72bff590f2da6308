"""The SQLAlchemy persistence adapter: SQLite by default, PostgreSQL when one process is not enough.

:class:`SqlStore` owns the engine and checks the schema version; each
:class:`SqlUnitOfWork` opens the repositories a command uses, reads through one connection
(statements and decoded documents are reused: ``salesorder.adapters.sql.rows``) and writes
every change in one database transaction at commit:

- an aggregate that changed is written with ``UPDATE ... WHERE version = <version read>``;
  when no row matches, another unit committed first and
  :class:`~salesorder.exceptions.ConcurrencyConflict` is raised (the application retries the
  command);
- writes go in a fixed order (kind of aggregate, then key), so two units never wait on each
  other's row locks in opposite orders;
- uniqueness (ids, payment references, an order's channel reference, invoice numbers) is
  enforced by constraints, and a violation is a
  :class:`~salesorder.exceptions.UniquenessConflict` (a
  :class:`~salesorder.exceptions.DuplicateError` that the application retries, since it
  means a race was lost);
- stock columns carry CHECK constraints, so even a buggy writer cannot store negative or
  over-reserved stock;
- a lost connection or any database error rolls the whole transaction back and surfaces as
  :class:`~salesorder.exceptions.PersistenceError` (or
  :class:`~salesorder.exceptions.ConcurrencyConflict` for serialization failures and
  deadlocks, which a retry cures).
"""

from __future__ import annotations

import builtins
import datetime as dt
import logging
import threading
from collections.abc import Callable, Hashable, Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import (
    URL,
    Connection,
    Engine,
    create_engine,
    event,
    insert,
    inspect,
    make_url,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import StaticPool

from salesorder import logs
from salesorder.adapters.sql import driver, schema, stock
from salesorder.adapters.sql.mappings import layout, utc_text
from salesorder.adapters.sql.rows import Documents, StockLedgerRows, statements
from salesorder.adapters.tracking import Pending, StoredRow, TrackingRepository, clone
from salesorder.domain.catalog import Product
from salesorder.domain.channels import ChannelAccount, MarketplaceRecord, RefusalSlot
from salesorder.domain.cod import RemittanceStatement
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.inventory import StockItem, waiting_since
from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceSeries
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.outbox import OutboxItem, OutboxState
from salesorder.domain.payments import CustomerCredit, Payment
from salesorder.domain.pricelists import PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import PurchaseOrder, Supplier
from salesorder.domain.returns import ReturnRequest
from salesorder.domain.shipping import Shipment
from salesorder.domain.warehouse import Manifest, Parcel, WarehouseLayout, Wave
from salesorder.exceptions import (
    ConcurrencyConflict,
    PersistenceError,
    SchemaVersionError,
    UniquenessConflict,
)
from salesorder.ports.repositories import REPOSITORIES, RepositorySpec
from salesorder.serialization import structure, unstructure

__all__ = ["SqlStore", "SqlUnitOfWork", "create_schema"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

# SQLSTATEs a retry cures: serialization failure, deadlock detected.
_RETRYABLE = {"40001", "40P01"}

#: Rows a commit wrote: (repository name, key, document, aggregate).
_Written = builtins.list[tuple[str, Hashable, object, object]]


def _log() -> logging.Logger:
    return logs.logger(logs.SQL)


class _SqlRepository(TrackingRepository[T, K]):
    """Working copies of one table, read through the unit's connection."""

    def __init__(self, uow: SqlUnitOfWork, spec: RepositorySpec) -> None:
        super().__init__(spec.kind, spec.key)  # type: ignore[arg-type]
        self._uow = uow
        self.spec = spec
        self.layout = layout(spec.name)
        self.table = schema.tables[spec.name]
        self.statements = statements(spec.name)

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
        version, doc = found[0]
        documents = self._uow.store.documents
        pristine = documents.get(self.spec.name, key, doc)
        if pristine is None:
            pristine = structure(doc, self.spec.aggregate)
            documents.remember(self.spec.name, key, doc, pristine)
        return StoredRow(version, clone(pristine), pristine)

    def _select_keys(self, *where: Any) -> builtins.list[K]:
        fields = self.spec.key_fields
        query = select(*(self.table.c[name] for name in fields)).where(*where)
        rows = self._uow.execute(lambda conn: conn.execute(query).all())
        if len(fields) == 1:
            return [row[0] for row in rows]
        return [tuple(row) for row in rows]  # type: ignore[misc]

    def _keys(self) -> Iterable[K]:
        return self._select_keys()

    def statements_for(self, changes: builtins.list[Pending[T, K]]) -> int:
        """How many statements writing ``changes`` takes, at least."""
        return len(changes)

    def is_changed(self, item: T, snapshot: object) -> bool:
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

    def write(self, conn: Connection, changes: builtins.list[Pending[T, K]]) -> _Written:
        """Insert new rows, update changed ones where the version is still the one read.

        Returns the documents written, for the store to remember once the commit is done.
        """
        return [
            self._write_one(conn, change)
            for change in sorted(changes, key=lambda c: c.key)  # type: ignore[arg-type,return-value]
        ]

    def _write_one(
        self, conn: Connection, change: Pending[T, K], doc: object = None
    ) -> tuple[str, Hashable, object, object]:
        """Write one change (its document ``doc``, by default the aggregate's whole shape)."""
        shape = self.statements
        doc = unstructure(change.item) if doc is None else doc
        columns = self.layout.values(change.item)
        if change.seen is None:
            driver.rowcount(
                conn,
                shape.insert,
                {**shape.key_values(change.key), "version": 1, "doc": doc, **columns},
            )
        else:
            params = {f"v_{name}": value for name, value in columns.items()}
            written = driver.rowcount(
                conn,
                shape.update,
                {
                    **shape.key_params(change.key),
                    "k_version": change.seen,
                    "v_version": change.seen + 1,
                    "v_doc": doc,
                    **params,
                },
            )
            if written != 1:
                raise self.conflict(change.key, change.seen)
        return (self.spec.name, change.key, doc, change.item)

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


class _OrderRepository(_SqlRepository[Order, str]):
    def find_by_external_ref(self, channel: str, external_ref: str) -> Order | None:
        table = self.table
        keys = self._select_keys(table.c.channel == channel, table.c.external_ref == external_ref)
        found = self._found_by(
            keys, lambda o: o.channel.code == channel and o.external_ref == external_ref
        )
        return found[0] if found else None

    def waiting_for_stock(self) -> builtins.list[Order]:
        keys = self._select_keys(self.table.c.waiting_since.is_not(None))
        waiting = self._found_by(keys, lambda o: waiting_since(o) is not None)
        return sorted(waiting, key=lambda o: (waiting_since(o), o.placed_at, o.id))

    def with_status(self, statuses: Iterable[OrderStatus]) -> builtins.list[Order]:
        wanted = frozenset(statuses)
        # ``status`` is written from the document at every insert and update (its layout),
        # so the column and the stored order never disagree.
        keys = self._select_keys(self.table.c.status.in_(sorted(status.value for status in wanted)))
        return self._found_by(keys, lambda o: o.status in wanted)


class _StockRepository(_SqlRepository[StockItem, "tuple[str, str]"]):
    """Stock levels, their reservations as rows of their own (``salesorder.adapters.sql.stock``)."""

    def __init__(self, uow: SqlUnitOfWork, spec: RepositorySpec) -> None:
        super().__init__(uow, spec)
        self._changes: dict[tuple[str, str], stock.Change] = {}

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
        self, conn: Connection, change: Pending[StockItem, tuple[str, str]], doc: object = None
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
        doc = stock.document(change.item)
        super()._write_one(conn, change, doc)
        version = (change.seen or 0) + 1
        if not stock.write_rows(conn, change.key, held, version):
            raise self.conflict(change.key, change.seen or 0)
        return (self.spec.name, change.key, (version, doc), change.item)

    def for_sku(self, sku: str) -> builtins.list[StockItem]:
        keys = self._select_keys(self.table.c.sku == sku)
        return self._found_by(keys, lambda s: s.sku == sku)


class _PaymentRepository(_SqlRepository[Payment, str]):
    def find_by_reference(self, reference: str) -> Payment | None:
        keys = self._select_keys(self.table.c.reference == reference)
        found = self._found_by(keys, lambda p: p.reference == reference)
        return found[0] if found else None

    def for_order(self, order_id: str) -> builtins.list[Payment]:
        keys = self._select_keys(self.table.c.order_id == order_id)
        return self._found_by(keys, lambda p: p.order_id == order_id)


class _ReturnRepository(_SqlRepository[ReturnRequest, str]):
    def for_order(self, order_id: str) -> builtins.list[ReturnRequest]:
        keys = self._select_keys(self.table.c.order_id == order_id)
        return self._found_by(keys, lambda r: r.order_id == order_id)


class _OutboxRepository(_SqlRepository[OutboxItem, str]):
    def due(self, now: dt.datetime, limit: int) -> builtins.list[OutboxItem]:
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
        keys = self._uow.execute(lambda conn: [row[0] for row in conn.execute(query).all()])
        found = self._found_by(keys, lambda i: i.due(now))
        return sorted(found, key=lambda i: i.order)[:limit]

    def in_states(self, states: Iterable[OutboxState]) -> builtins.list[OutboxItem]:
        wanted = frozenset(states)
        keys = self._select_keys(self.table.c.state.in_(sorted(s.value for s in wanted)))
        return sorted(self._found_by(keys, lambda i: i.state in wanted), key=lambda i: i.order)


def _translate(error: DBAPIError) -> Exception:
    """The library's error for a database error."""
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    translated: Exception
    if isinstance(error, IntegrityError):
        translated = UniquenessConflict(f"a uniqueness or integrity rule was broken: {error.orig}")
    elif code in _RETRYABLE or "database is locked" in str(error.orig):
        translated = ConcurrencyConflict(f"the database asked for a retry: {error.orig}")
    else:
        translated = PersistenceError(f"the database failed; nothing was written: {error.orig}")
    # A conflict is retried by the application (which warns); a failure is the store's.
    level = logging.WARNING if isinstance(translated, PersistenceError) else logging.DEBUG
    if _log().isEnabledFor(level):
        _log().log(
            level,
            "database error %s (SQLSTATE %s) raised as %s",
            type(error.orig).__name__,
            code,
            type(translated).__name__,
            extra=logs.context(error=translated),
        )
    return translated


#: Repositories with finders beyond the port's ``Repository``; the others are plain.
_FINDERS: dict[str, type[_SqlRepository[Any, Any]]] = {
    "orders": _OrderRepository,
    "stock": _StockRepository,
    "payments": _PaymentRepository,
    "returns": _ReturnRepository,
    "outbox": _OutboxRepository,
}


_SPECS = {spec.name: spec for spec in REPOSITORIES}
_ORDER = tuple(spec.name for spec in REPOSITORIES)


class SqlUnitOfWork:
    """A unit of work over a :class:`SqlStore`; see the persistence port's contract."""

    # One attribute per entry of REPOSITORIES, set when first used; declared for type
    # checkers (tests/contracts/test_registry.py keeps the names in step with the registry).
    products: _SqlRepository[Product, str]
    customers: _SqlRepository[Customer, str]
    warehouses: _SqlRepository[Warehouse, str]
    orders: _OrderRepository
    stock: _StockRepository
    shipments: _SqlRepository[Shipment, str]
    invoices: _SqlRepository[Invoice, str]
    invoice_series: _SqlRepository[InvoiceSeries, str]
    payments: _PaymentRepository
    credit_notes: _SqlRepository[CreditNote, str]
    customer_credits: _SqlRepository[CustomerCredit, tuple[str, str]]
    suppliers: _SqlRepository[Supplier, str]
    purchase_orders: _SqlRepository[PurchaseOrder, str]
    price_lists: _SqlRepository[PriceList, str]
    promotions: _SqlRepository[Promotion, str]
    vouchers: _SqlRepository[Voucher, str]
    channel_accounts: _SqlRepository[ChannelAccount, str]
    marketplace_orders: _SqlRepository[MarketplaceRecord, tuple[str, str]]
    returns: _ReturnRepository
    bin_layouts: _SqlRepository[WarehouseLayout, str]
    waves: _SqlRepository[Wave, str]
    parcels: _SqlRepository[Parcel, str]
    manifests: _SqlRepository[Manifest, str]
    cod_statements: _SqlRepository[RemittanceStatement, tuple[str, str]]
    outbox: _OutboxRepository
    refused_deliveries: _SqlRepository[RefusalSlot, tuple[str, int]]

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._conn: Connection | None = None
        self._autocommit = False  # the connection runs each statement on its own
        self._locked = False
        self.stock_ledger = StockLedgerRows(self)
        # Repositories are opened on first use (see __getattr__): a command touches a few of
        # them, and building, checking and clearing every one in every unit cost more than
        # many commands' own work.
        self._opened: dict[str, _SqlRepository[Any, Any]] = {}

    if not TYPE_CHECKING:  # type checkers see the declared repositories, nothing else

        def __getattr__(self, name: str) -> _SqlRepository[Any, Any]:
            """Open the repository ``name`` (called only for attributes not set yet)."""
            spec = _SPECS.get(name)
            if spec is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            repo = _FINDERS.get(name, _SqlRepository)(self, spec)
            self._opened[name] = repo
            setattr(self, name, repo)
            return repo

    @property
    def _repositories(self) -> tuple[_SqlRepository[Any, Any], ...]:
        """Every repository, in the registry's order (opening those not used yet)."""
        return tuple(getattr(self, spec.name) for spec in REPOSITORIES)

    def _in_write_order(self) -> builtins.list[_SqlRepository[Any, Any]]:
        """The repositories this unit opened, in the fixed write order of the registry."""
        return [self._opened[name] for name in _ORDER if name in self._opened]

    def _connection(self) -> Connection:
        if self._conn is None:
            if self.store.lock is not None:
                self.store.lock.acquire()
                self._locked = True
            try:
                conn = self.store.engine.connect()
                if self.store.autocommit_reads:
                    conn.execution_options(isolation_level="AUTOCOMMIT")
                    self._autocommit = True
            except DBAPIError as error:
                self._release()
                raise _translate(error) from error
            self._conn = conn
        return self._conn

    def transactional(self) -> Connection:
        """This unit's connection inside a database transaction, from now until the unit ends.

        Reads before it ran outside one (see ``SqlStore.autocommit_reads``), each seeing
        what was committed when it ran, as every statement of a read committed transaction
        does; a read that locks a row (``SELECT ... FOR UPDATE``) and a commit of several
        statements need the transaction.
        """
        conn = self._connection()
        if self._autocommit:
            conn.commit()  # ends the autocommit block: nothing was written in it
            conn.execution_options(isolation_level=conn.default_isolation_level)
            self._autocommit = False
        return conn

    def execute(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` on this unit's connection, translating database errors."""
        try:
            return work(self._connection())
        except DBAPIError as error:
            self._end()
            raise _translate(error) from error

    def __enter__(self) -> SqlUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        """Write every change in one transaction, or nothing."""
        planned = [(repo, repo.pending()) for repo in self._in_write_order()]
        written: _Written = []
        # Ledger entries go in one executemany, which runs a statement per entry.
        statements = sum(repo.statements_for(changes) for repo, changes in planned)
        statements += len(self.stock_ledger.appended)
        if statements:
            # One statement is atomic on its own: it needs no BEGIN and COMMIT round trips.
            conn = self._connection() if statements == 1 else self.transactional()
            try:
                for repo, changes in planned:
                    written += repo.write(conn, changes)
                self.stock_ledger.write(conn)
                conn.commit()
            except DBAPIError as error:
                self._end()
                raise _translate(error) from error
            except BaseException:
                self._end()
                raise
        documents = self.store.documents
        for name, key, doc, item in written:
            # None: what was written is not all that is stored now; what is remembered of
            # the row (an earlier version, see _StockRepository) stays.
            if doc is not None:
                documents.remember(name, key, doc, clone(item))
        self._end()

    def rollback(self) -> None:
        """Forget every change since the last commit."""
        self._end()

    def _end(self) -> None:
        for repo in self._opened.values():
            repo.forget()
        self.stock_ledger.appended.clear()
        if self._conn is not None:
            try:
                self._conn.rollback()
                self._conn.close()
            except DBAPIError:  # a lost connection: there is nothing left to roll back
                pass
            finally:
                self._conn = None
                self._autocommit = False
        self._release()

    def _release(self) -> None:
        if self._locked and self.store.lock is not None:
            self._locked = False
            self.store.lock.release()


def _is_memory_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_schema(engine: Engine) -> None:
    """Create every table and record ``SCHEMA_VERSION`` (on an empty database)."""
    with engine.begin() as conn:
        schema.metadata.create_all(conn)
        if conn.execute(select(schema.schema_info.c.version)).first() is None:
            conn.execute(insert(schema.schema_info).values(id=1, version=schema.SCHEMA_VERSION))


def _check_schema(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            found = None
            if inspect(conn).has_table(schema.schema_info.name):
                found = conn.execute(select(schema.schema_info.c.version)).scalar_one_or_none()
    except DBAPIError as error:
        raise _translate(error) from error
    if found != schema.SCHEMA_VERSION:
        refusal = SchemaVersionError(found, schema.SCHEMA_VERSION)
        _log().error(
            "database %s refused: %s",
            engine.url.render_as_string(hide_password=True),
            refusal,
            extra=logs.context(error=refusal),
        )
        raise refusal


class SqlStore:
    """Committed state in a SQL database; call it to get a unit of work.

    Args:
        url: a SQLAlchemy URL (``"sqlite:///shop.db"``, ``"sqlite://"`` for memory,
            ``"postgresql+psycopg://user@host/db"``) or an :class:`~sqlalchemy.Engine`.
        create: create the schema when the database has none (the default); with False, a
            database without the current schema is refused.

    Raises:
        SchemaVersionError: the database holds another schema version.
        PersistenceError: the database cannot be reached.
    """

    def __init__(self, url: str | Engine, *, create: bool = True) -> None:
        if isinstance(url, Engine):
            self.engine = url
        elif _is_memory_sqlite(make_url(url)):
            # One in-memory database shared by all threads through a single connection, so
            # units of work take turns on it (see ``lock``).
            self.engine = create_engine(
                url, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        else:
            self.engine = create_engine(url)
        if self.engine.url.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            if not _is_memory_sqlite(self.engine.url):
                event.listen(self.engine, "connect", _sqlite_wal)
        self.lock = threading.RLock() if _is_memory_sqlite(self.engine.url) else None
        #: Whether units read outside a transaction (on PostgreSQL) and begin one only for a
        #: locking read or a commit of several statements (one statement needs none), which
        #: spares two round trips of every unit that writes one row or none.
        self.autocommit_reads = self.engine.url.get_backend_name() == "postgresql"
        #: The last document read or written of each row, and its aggregate (see
        #: ``salesorder.adapters.sql.rows.Documents``).
        self.documents = Documents()
        try:
            if create:
                try:
                    create_schema(self.engine)
                except DBAPIError as error:
                    raise _translate(error) from error
            _check_schema(self.engine)
        except Exception:
            if not isinstance(url, Engine):  # ours: refused, so its connections are closed
                self.engine.dispose()
            raise

    def unit_of_work(self) -> SqlUnitOfWork:
        """A new unit of work over this store."""
        return SqlUnitOfWork(self)

    __call__ = unit_of_work

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_wal(dbapi_connection: Any, _record: object) -> None:
    # A file database keeps a write-ahead log (docs/persistence.md): a commit appends to the
    # log with one sync instead of rewriting pages through a rollback journal, and readers
    # never wait for a writer. The mode is stored in the file; synchronous stays FULL, so a
    # committed unit survives a power cut.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
