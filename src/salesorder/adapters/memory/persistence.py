"""The in-memory persistence adapter: the executable specification of the persistence port.

:class:`InMemoryStore` holds committed aggregates with a version each; every
:class:`InMemoryUnitOfWork` works on copies and commits under the store's lock, checking
versions (optimistic concurrency) and uniqueness rules before writing anything. It is safe to
use from many threads at once: of two units reserving the last unit of a SKU, one commits and
the other gets :class:`~salesorder.exceptions.ConcurrencyConflict`.
"""

from __future__ import annotations

import builtins
import datetime as dt
import threading
from collections.abc import Callable, Hashable, Iterable
from types import TracebackType
from typing import Any, Generic, TypeVar

from salesorder.adapters.tracking import Pending, StoredRow, TrackingRepository, clone
from salesorder.domain.catalog import Product
from salesorder.domain.channels import ChannelAccount, MarketplaceRecord, RefusalSlot
from salesorder.domain.cod import RemittanceStatement
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.inventory import StockItem, StockMovement, waiting_since
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
from salesorder.exceptions import ConcurrencyConflict, UniquenessConflict
from salesorder.ports.repositories import REPOSITORIES, RepositorySpec, UniqueRule

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class _Table(Generic[T, K]):
    """Committed rows of one kind: key -> (version, aggregate)."""

    def __init__(self, spec: RepositorySpec) -> None:
        self.spec = spec
        self.rows: dict[K, tuple[int, T]] = {}


class InMemoryStore:
    """Committed state shared by every unit of work made from it. Thread-safe.

    Call the store (or :meth:`unit_of_work`) to get a new unit of work.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        #: Committed rows per repository, by the names of
        #: :data:`~salesorder.ports.repositories.REPOSITORIES`.
        self.tables: dict[str, _Table[Any, Any]] = {
            spec.name: _Table(spec) for spec in REPOSITORIES
        }
        #: The append-only stock ledger, entries by seq per (warehouse, SKU).
        self.stock_ledger: dict[tuple[str, str], list[StockMovement]] = {}

    def unit_of_work(self) -> InMemoryUnitOfWork:
        """A new unit of work over this store."""
        return InMemoryUnitOfWork(self)

    __call__ = unit_of_work


class _Repository(TrackingRepository[T, K]):
    """Working copies of one table inside a unit of work."""

    def __init__(self, store: InMemoryStore, table: _Table[T, K]) -> None:
        super().__init__(table.spec.kind, table.spec.key)  # type: ignore[arg-type]
        self._store = store
        self.table = table

    def _read(self, key: K) -> StoredRow[T] | None:
        with self._store.lock:
            row = self.table.rows.get(key)
        if row is None:
            return None
        version, stored = row
        # Stored objects are never mutated (writes store a fresh clone), so the stored object
        # itself is the snapshot a working copy is compared with.
        return StoredRow(version, clone(stored), stored)

    def _keys(self) -> Iterable[K]:
        with self._store.lock:
            return builtins.list(self.table.rows)

    def matching(self, predicate: Callable[[T], bool]) -> builtins.list[T]:
        """The aggregates for which ``predicate`` holds; only the matches are copied.

        Stored rows are never mutated, so the predicate may read them as they are: a search
        costs a scan, not a copy of the whole table (``find_by_reference`` on payments was
        quadratic over a month of orders).
        """
        with self._store.lock:
            stored = [
                key
                for key, (_, item) in self.table.rows.items()
                if key not in self.working and predicate(item)
            ]
        keys = set(stored)
        keys.update(key for key, item in self.working.items() if predicate(item))
        items = (self._load(key) for key in sorted(keys))  # type: ignore[type-var]
        return [item for item in items if item is not None]

    def is_changed(self, item: T, snapshot: object) -> bool:
        return item != snapshot

    def checked_changes(self) -> builtins.list[Pending[T, K]]:
        """Pending changes, checked against the store (call with the store's lock held)."""
        changes = self.pending()
        for change in changes:
            row = self.table.rows.get(change.key)
            if change.seen is None:
                if row is not None:
                    raise UniquenessConflict(f"{self.kind} {change.key!r} already exists")
            elif row is None or row[0] != change.seen:
                raise ConcurrencyConflict(
                    f"{self.kind} {change.key!r} was changed by another unit of work; retry"
                )
        return changes

    def write(self, changes: builtins.list[Pending[T, K]]) -> None:
        """Store ``changes`` with their versions moved on (store lock held)."""
        for change in changes:
            row = self.table.rows.get(change.key)
            self.table.rows[change.key] = ((row[0] + 1) if row else 1, clone(change.item))


class _OrderRepository(_Repository[Order, str]):
    def find_by_external_ref(self, channel: str, external_ref: str) -> Order | None:
        found = self.matching(
            lambda o: o.channel.code == channel and o.external_ref == external_ref
        )
        return found[0] if found else None

    def waiting_for_stock(self) -> builtins.list[Order]:
        waiting = self.matching(lambda o: waiting_since(o) is not None)
        return sorted(waiting, key=lambda o: (waiting_since(o), o.placed_at, o.id))

    def with_status(self, statuses: Iterable[OrderStatus]) -> builtins.list[Order]:
        wanted = frozenset(statuses)
        return self.matching(lambda o: o.status in wanted)


class _StockRepository(_Repository[StockItem, "tuple[str, str]"]):
    def for_sku(self, sku: str) -> builtins.list[StockItem]:
        return self.matching(lambda s: s.sku == sku)


class _OutboxRepository(_Repository[OutboxItem, str]):
    def due(self, now: dt.datetime, limit: int) -> builtins.list[OutboxItem]:
        return sorted(self.matching(lambda i: i.due(now)), key=lambda i: i.order)[:limit]

    def in_states(self, states: Iterable[OutboxState]) -> builtins.list[OutboxItem]:
        wanted = frozenset(states)
        return sorted(self.matching(lambda i: i.state in wanted), key=lambda i: i.order)


class _StockLedger:
    """The stock ledger inside a unit of work: stored entries plus those appended."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store
        self.appended: builtins.list[StockMovement] = []

    def append(self, movement: StockMovement) -> None:
        self.appended.append(movement)

    def for_item(self, warehouse: str, sku: str) -> builtins.list[StockMovement]:
        with self._store.lock:
            stored = builtins.list(self._store.stock_ledger.get((warehouse, sku), ()))
        mine = [m for m in self.appended if m.warehouse == warehouse and m.sku == sku]
        return sorted(stored + mine, key=lambda m: m.seq)

    def check(self) -> None:
        """No appended entry's key is stored or appended twice (store lock held)."""
        seen: set[tuple[str, str, int]] = set()
        for movement in self.appended:
            stored = self._store.stock_ledger.get((movement.warehouse, movement.sku), ())
            if movement.key in seen or movement.seq <= len(stored):  # seqs have no gaps
                raise UniquenessConflict(f"stock ledger entry {movement.key!r} already exists")
            seen.add(movement.key)

    def write(self) -> None:
        for movement in self.appended:
            self._store.stock_ledger.setdefault((movement.warehouse, movement.sku), []).append(
                movement
            )


class _ReturnRepository(_Repository[ReturnRequest, str]):
    def for_order(self, order_id: str) -> builtins.list[ReturnRequest]:
        return self.matching(lambda r: r.order_id == order_id)


class _PaymentRepository(_Repository[Payment, str]):
    def find_by_reference(self, reference: str) -> Payment | None:
        found = self.matching(lambda p: p.reference == reference)
        return found[0] if found else None

    def for_order(self, order_id: str) -> builtins.list[Payment]:
        return self.matching(lambda p: p.order_id == order_id)


def _check_unique(
    table: _Table[Any, Any], changes: list[Pending[Any, Any]], rule: UniqueRule
) -> None:
    """No two rows (committed or about to be) share a non-None value of ``rule``."""
    changing = {change.key for change in changes}
    taken = {rule.value(item) for key, (_, item) in table.rows.items() if key not in changing}
    for change in changes:
        value = rule.value(change.item)
        if value is None:
            continue
        if value in taken:
            raise UniquenessConflict(f"{rule.what} {value!r} is already recorded")
        taken.add(value)


#: Repositories with finders beyond the port's ``Repository``; the others are plain.
_FINDERS: dict[str, type[_Repository[Any, Any]]] = {
    "orders": _OrderRepository,
    "stock": _StockRepository,
    "payments": _PaymentRepository,
    "returns": _ReturnRepository,
    "outbox": _OutboxRepository,
}


class InMemoryUnitOfWork:
    """A unit of work over an :class:`InMemoryStore`; see the persistence port's contract."""

    # One attribute per entry of REPOSITORIES, set in __init__; declared for type checkers
    # (tests/contracts/test_registry.py keeps the names in step with the registry).
    products: _Repository[Product, str]
    customers: _Repository[Customer, str]
    warehouses: _Repository[Warehouse, str]
    orders: _OrderRepository
    stock: _StockRepository
    shipments: _Repository[Shipment, str]
    invoices: _Repository[Invoice, str]
    invoice_series: _Repository[InvoiceSeries, str]
    payments: _PaymentRepository
    credit_notes: _Repository[CreditNote, str]
    customer_credits: _Repository[CustomerCredit, tuple[str, str]]
    suppliers: _Repository[Supplier, str]
    purchase_orders: _Repository[PurchaseOrder, str]
    price_lists: _Repository[PriceList, str]
    promotions: _Repository[Promotion, str]
    vouchers: _Repository[Voucher, str]
    channel_accounts: _Repository[ChannelAccount, str]
    marketplace_orders: _Repository[MarketplaceRecord, tuple[str, str]]
    returns: _ReturnRepository
    bin_layouts: _Repository[WarehouseLayout, str]
    waves: _Repository[Wave, str]
    parcels: _Repository[Parcel, str]
    manifests: _Repository[Manifest, str]
    cod_statements: _Repository[RemittanceStatement, tuple[str, str]]
    outbox: _OutboxRepository
    refused_deliveries: _Repository[RefusalSlot, tuple[str, int]]

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.stock_ledger = _StockLedger(store)
        #: Every repository, in the registry's order (checks and writes go in this order).
        self._repositories: tuple[_Repository[Any, Any], ...] = tuple(
            _FINDERS.get(spec.name, _Repository)(store, store.tables[spec.name])
            for spec in REPOSITORIES
        )
        for repo in self._repositories:
            setattr(self, repo.table.spec.name, repo)

    def __enter__(self) -> InMemoryUnitOfWork:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        """Check every change, then write them all; on any error nothing is written."""
        with self.store.lock:
            planned = [(repo, repo.checked_changes()) for repo in self._repositories]
            for repo, changes in planned:
                for rule in repo.table.spec.unique:
                    _check_unique(repo.table, changes, rule)
            self.stock_ledger.check()
            for repo, changes in planned:
                repo.write(changes)
            self.stock_ledger.write()
        self.rollback()

    def rollback(self) -> None:
        """Forget the working copies; the next read sees the committed state."""
        for repo in self._repositories:
            repo.forget()
        self.stock_ledger.appended.clear()
