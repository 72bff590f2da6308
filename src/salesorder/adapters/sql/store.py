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
  over-reserved stock: a CHECK, NOT NULL or foreign key violation is an
  :class:`~salesorder.exceptions.IntegrityViolation` (a ``PersistenceError``, not retried);
- a lost connection or any database error rolls the whole transaction back and surfaces as
  :class:`~salesorder.exceptions.PersistenceError` (or
  :class:`~salesorder.exceptions.ConcurrencyConflict` for serialization failures and
  deadlocks, which a retry cures).
"""

from __future__ import annotations

import builtins
import logging
import threading
from collections.abc import Callable
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
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.pool import StaticPool

from salesorder import logs
from salesorder.adapters.sql import schema
from salesorder.adapters.sql.repositories import (
    FINDERS,
    OrderRepository,
    OutboxRepository,
    PaymentRepository,
    ReturnRepository,
    SqlRepository,
    StockRepository,
    Written,
)
from salesorder.adapters.sql.rows import Documents, StockLedgerRows
from salesorder.adapters.tracking import clone
from salesorder.domain.catalog import Product
from salesorder.domain.channels import ChannelAccount, MarketplaceRecord, RefusalSlot
from salesorder.domain.cod import RemittanceStatement
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceSeries
from salesorder.domain.payments import CustomerCredit
from salesorder.domain.pricelists import PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import PurchaseOrder, Supplier
from salesorder.domain.shipping import Shipment
from salesorder.domain.warehouse import Manifest, Parcel, WarehouseLayout, Wave
from salesorder.exceptions import (
    ConcurrencyConflict,
    IntegrityViolation,
    PersistenceError,
    SchemaVersionError,
    UniquenessConflict,
)
from salesorder.ports.repositories import REPOSITORIES

__all__ = ["SqlStore", "SqlUnitOfWork", "create_schema"]

T = TypeVar("T")

# SQLSTATEs a retry cures: serialization failure, deadlock detected.
_RETRYABLE = {"40001", "40P01"}

# PostgreSQL's integrity violations (SQLSTATE class 23): a unique_violation is a race lost to
# another unit (UniquenessConflict, retried); the others no retry can cure.
_UNIQUE_VIOLATION = "23505"
_POSTGRES_RULES = {
    "23514": "CHECK",
    "23502": "NOT NULL",
    "23503": "FOREIGN KEY",
    "23P01": "exclusion",
}
# SQLite names the rule in its message: "CHECK constraint failed: ck_so_vouchers_uses",
# "NOT NULL constraint failed: so_products.doc", "FOREIGN KEY constraint failed".
_SQLITE_RULES = ("UNIQUE", "CHECK", "NOT NULL", "FOREIGN KEY")


def _log() -> logging.Logger:
    return logs.logger(logs.SQL)


def _translate(error: StatementError) -> Exception:
    """The library's error for a database error."""
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    translated: Exception
    if isinstance(error, IntegrityError):
        translated = _integrity(error.orig, code)
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


def _integrity(orig: BaseException | None, code: str | None) -> Exception:
    """The error for a constraint the database enforced: by SQLSTATE, else by the message.

    A broken uniqueness rule is a :class:`UniquenessConflict` (another unit took the value
    first, which a retry sees); any other rule an :class:`IntegrityViolation`, naming the
    constraint and the table when the driver gives them (psycopg's ``diag``).
    """
    detail = str(orig).strip()
    diag = getattr(orig, "diag", None)
    constraint: str | None = getattr(diag, "constraint_name", None)
    table: str | None = getattr(diag, "table_name", None)
    if code is not None and code.startswith("23"):
        rule = "UNIQUE" if code == _UNIQUE_VIOLATION else _POSTGRES_RULES.get(code, code)
    else:
        found = [rule for rule in _SQLITE_RULES if f"{rule} constraint failed" in detail]
        # Another driver: only a message that says so is a broken uniqueness rule.
        other = "UNIQUE" if "unique" in detail.lower() or "duplicate" in detail.lower() else ""
        rule = found[0] if found else other or "integrity"
        named = detail.partition("constraint failed: ")[2].split(",")[0]
        if rule == "CHECK" and named:
            constraint = named
        elif rule == "NOT NULL" and "." in named:
            table = named.partition(".")[0]
    if rule == "UNIQUE":
        return UniquenessConflict(
            "a uniqueness rule was broken: another unit of work stored the same value first; "
            f"nothing was written: {detail}"
        )
    return IntegrityViolation(rule, constraint, table, detail)


_SPECS = {spec.name: spec for spec in REPOSITORIES}
_ORDER = tuple(spec.name for spec in REPOSITORIES)


class SqlUnitOfWork:
    """A unit of work over a :class:`SqlStore`; see the persistence port's contract."""

    # One attribute per entry of REPOSITORIES, set when first used; declared for type
    # checkers (tests/contracts/test_registry.py keeps the names in step with the registry).
    products: SqlRepository[Product, str]
    customers: SqlRepository[Customer, str]
    warehouses: SqlRepository[Warehouse, str]
    orders: OrderRepository
    stock: StockRepository
    shipments: SqlRepository[Shipment, str]
    invoices: SqlRepository[Invoice, str]
    invoice_series: SqlRepository[InvoiceSeries, str]
    payments: PaymentRepository
    credit_notes: SqlRepository[CreditNote, str]
    customer_credits: SqlRepository[CustomerCredit, tuple[str, str]]
    suppliers: SqlRepository[Supplier, str]
    purchase_orders: SqlRepository[PurchaseOrder, str]
    price_lists: SqlRepository[PriceList, str]
    promotions: SqlRepository[Promotion, str]
    vouchers: SqlRepository[Voucher, str]
    channel_accounts: SqlRepository[ChannelAccount, str]
    marketplace_orders: SqlRepository[MarketplaceRecord, tuple[str, str]]
    returns: ReturnRepository
    bin_layouts: SqlRepository[WarehouseLayout, str]
    waves: SqlRepository[Wave, str]
    parcels: SqlRepository[Parcel, str]
    manifests: SqlRepository[Manifest, str]
    cod_statements: SqlRepository[RemittanceStatement, tuple[str, str]]
    outbox: OutboxRepository
    refused_deliveries: SqlRepository[RefusalSlot, tuple[str, int]]

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self._conn: Connection | None = None
        self._autocommit = False  # the connection runs each statement on its own
        self._locked = False
        self.stock_ledger = StockLedgerRows(self)
        # Repositories are opened on first use (see __getattr__): a command touches a few of
        # them, and building, checking and clearing every one in every unit cost more than
        # many commands' own work.
        self._opened: dict[str, SqlRepository[Any, Any]] = {}

    if not TYPE_CHECKING:  # type checkers see the declared repositories, nothing else

        def __getattr__(self, name: str) -> SqlRepository[Any, Any]:
            """Open the repository ``name`` (called only for attributes not set yet)."""
            spec = _SPECS.get(name)
            if spec is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            repo = FINDERS.get(name, SqlRepository)(self, spec)
            self._opened[name] = repo
            setattr(self, name, repo)
            return repo

    @property
    def _repositories(self) -> tuple[SqlRepository[Any, Any], ...]:
        """Every repository, in the registry's order (opening those not used yet)."""
        return tuple(getattr(self, spec.name) for spec in REPOSITORIES)

    def _in_write_order(self) -> builtins.list[SqlRepository[Any, Any]]:
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
                    _dbapi(conn).autocommit = True
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
            try:
                conn.commit()  # ends SQLAlchemy's transaction: nothing was written in it
                _dbapi(conn).autocommit = False
            except (DBAPIError, self._driver_error) as error:  # a lost connection
                self._end()
                raise _translate(self._wrapped(error)) from error
            self._autocommit = False
        return conn

    @property
    def _driver_error(self) -> type[Exception]:
        """The base class of the driver's own errors (raised where SQLAlchemy does not wrap)."""
        return self.store.engine.dialect.loaded_dbapi.Error

    def _wrapped(self, error: Exception) -> StatementError:
        """``error`` as SQLAlchemy wraps the driver's errors."""
        if isinstance(error, DBAPIError):
            return error
        return DBAPIError.instance(None, None, error, self._driver_error)

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
        written: Written = []
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
            # the row (an earlier version, see StockRepository) stays.
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
        conn, autocommit = self._conn, self._autocommit
        self._conn, self._autocommit = None, False
        if conn is not None:
            try:
                conn.rollback()
                if autocommit and not conn.invalidated:
                    _dbapi(conn).autocommit = False  # back to what the pool hands out
            except (DBAPIError, self._driver_error):
                # A lost connection: nothing is left to roll back, and the pool must not
                # hand it out again.
                conn.invalidate()
            finally:
                conn.close()
        self._release()

    def _release(self) -> None:
        if self._locked and self.store.lock is not None:
            self._locked = False
            self.store.lock.release()


def _dbapi(conn: Connection) -> Any:
    """The driver's own connection under ``conn``.

    Its ``autocommit`` flag is what SQLAlchemy's ``AUTOCOMMIT`` isolation level sets on
    PostgreSQL's drivers; a unit sets it directly, which costs a third of what checking out
    a connection through ``execution_options`` and resetting it at check-in did.
    """
    return conn.connection.dbapi_connection


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
