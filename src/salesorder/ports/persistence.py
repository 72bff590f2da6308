"""Persistence: repositories for the aggregates and a unit of work that commits all or nothing.

The contract every adapter keeps (checked by :mod:`salesorder.testing.contracts`):

- Inside a unit of work, ``get`` returns a working copy; changes to it and ``add``-ed items
  are stored by ``commit`` and forgotten by ``rollback`` or by leaving the ``with`` block
  without committing (an exception inside the block rolls back).
- ``commit`` is atomic: either every change of the unit is stored, or none is.
- Optimistic concurrency: if another unit of work committed a change to an aggregate this
  unit changed, ``commit`` raises :class:`~salesorder.exceptions.ConcurrencyConflict` and
  stores nothing; the caller retries the whole command. So two units reserving the last unit
  of a SKU can never both succeed.
- Calls to the outside world are written to the ``outbox`` repository in the same unit of
  work as the change that wants them, and made after the commit by a dispatcher.
- Uniqueness is enforced at commit, not only by a read before the write: an aggregate's
  identity, a payment's ``reference``, a credit note's (series, number), and an order's
  (channel, external_ref) when the ref is not empty. A violation at commit raises
  :class:`~salesorder.exceptions.UniquenessConflict` (a ``DuplicateError`` that is also a
  ``ConcurrencyConflict``: the command is re-run and then sees the winner's row).

The repositories, their identities, these uniqueness rules and the order adapters write in
are listed once, in :data:`salesorder.ports.repositories.REPOSITORIES`; the adapters, the SQL
schema and the contract kit are built from it. :class:`UnitOfWork` declares one typed property
per entry, as a Protocol must (the suite checks that the two agree).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, TypeVar

from salesorder.domain.catalog import Product
from salesorder.domain.channels import ChannelAccount, MarketplaceRecord, RefusalSlot
from salesorder.domain.cod import RemittanceStatement
from salesorder.domain.customers import Customer, Warehouse
from salesorder.domain.inventory import StockItem, StockMovement
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

__all__ = [
    "OrderRepository",
    "OutboxRepository",
    "PaymentRepository",
    "Repository",
    "ReturnRepository",
    "StockLedger",
    "StockRepository",
    "UnitOfWork",
]

T = TypeVar("T")
K_contra = TypeVar("K_contra", contravariant=True)


class Repository(Protocol[T, K_contra]):
    """A collection of aggregates of one kind, keyed by their identity."""

    def get(self, key: K_contra) -> T:
        """The aggregate with ``key``.

        Raises:
            NotFound: there is none.
        """
        ...

    def find(self, key: K_contra) -> T | None:
        """The aggregate with ``key``, or None."""
        ...

    def add(self, item: T) -> None:
        """Add a new aggregate, stored at commit.

        Raises:
            DuplicateError: one with the same identity exists (now or at commit).
        """
        ...

    def list(self) -> list[T]:
        """Every aggregate, in a stable order (by identity)."""
        ...


class OrderRepository(Repository[Order, str], Protocol):
    """Orders by id, and by the channel's own reference."""

    def find_by_external_ref(self, channel: str, external_ref: str) -> Order | None:
        """The order a channel knows as ``external_ref``, or None."""
        ...

    def waiting_for_stock(self) -> list[Order]:
        """Orders waiting for stock (:func:`~salesorder.domain.inventory.waiting_since` is set).

        Oldest wait first: by ``waiting_since``, then ``placed_at``, then id; working copies
        of this unit count as they are now. An adapter finds them without reading every
        order (the SQL adapter keeps an indexed column).
        """
        ...

    def with_status(self, statuses: Iterable[OrderStatus]) -> list[Order]:
        """Orders whose status is one of ``statuses`` (none when it is empty), by id.

        Working copies of this unit count as they are now: an order whose status changed
        in this unit is found under its new status, not its stored one. An adapter finds
        them without reading every order (the SQL adapter selects on its status column).
        """
        ...


class StockRepository(Repository[StockItem, "tuple[str, str]"], Protocol):
    """Stock items keyed by (warehouse code, SKU)."""

    def for_sku(self, sku: str) -> list[StockItem]:
        """The stock of ``sku`` in every warehouse that has an item for it."""
        ...


class StockLedger(Protocol):
    """The append-only stock ledger: every movement of every (warehouse, SKU).

    Entries appended in a unit of work are stored by its ``commit``, atomically with the
    stock items they belong to, and dropped by ``rollback``. Entries are never changed or
    removed. An entry whose (warehouse, SKU, seq) is already stored makes ``commit`` raise
    :class:`~salesorder.exceptions.UniquenessConflict` (a lost race: the command is re-run).
    The ledger is kept apart from the stock items so a unit of work never copies it.
    """

    def append(self, movement: StockMovement) -> None:
        """Add ``movement``, stored at commit."""
        ...

    def for_item(self, warehouse: str, sku: str) -> list[StockMovement]:
        """The entries of one item, stored and appended in this unit, by ``seq``."""
        ...


class PaymentRepository(Repository[Payment, str], Protocol):
    """Payments by id, and by their unique reference."""

    def find_by_reference(self, reference: str) -> Payment | None:
        """The payment recorded with ``reference``, or None."""
        ...

    def for_order(self, order_id: str) -> list[Payment]:
        """The payments recorded for ``order_id``, by id."""
        ...


class ReturnRepository(Repository[ReturnRequest, str], Protocol):
    """Returns (RMAs) by id, and by order.

    A return's (order id, key) is unique when the key is not empty: a second return with
    the same key for the same order makes ``commit`` raise
    :class:`~salesorder.exceptions.UniquenessConflict`.
    """

    def for_order(self, order_id: str) -> list[ReturnRequest]:
        """The returns of ``order_id``, stored and added in this unit, by id."""
        ...


class OutboxRepository(Repository[OutboxItem, str], Protocol):
    """The outbox: calls to the outside world by key (see :mod:`salesorder.domain.outbox`).

    Items are added in the unit of work of the change that wants the call, so a call is
    written if and only if its change is committed.
    """

    def due(self, now: dt.datetime, limit: int) -> list[OutboxItem]:
        """Up to ``limit`` items due at ``now``, oldest written first.

        Due as :meth:`~salesorder.domain.outbox.OutboxItem.due` says.

        An adapter finds them without reading every item sent long ago (the SQL adapter
        selects on its state column).
        """
        ...

    def in_states(self, states: Iterable[OutboxState]) -> list[OutboxItem]:
        """The items in one of ``states``, oldest written first; working copies as they are."""
        ...


class UnitOfWork(Protocol):
    """One atomic piece of work over all repositories; use it as a context manager.

    It has one property per entry of :data:`~salesorder.ports.repositories.REPOSITORIES`,
    plus the stock ledger.
    """

    @property
    def products(self) -> Repository[Product, str]:
        """Products in this unit of work."""
        ...

    @property
    def customers(self) -> Repository[Customer, str]:
        """Customers in this unit of work."""
        ...

    @property
    def warehouses(self) -> Repository[Warehouse, str]:
        """Warehouses in this unit of work."""
        ...

    @property
    def orders(self) -> OrderRepository:
        """Orders in this unit of work."""
        ...

    @property
    def stock(self) -> StockRepository:
        """Stock in this unit of work."""
        ...

    @property
    def stock_ledger(self) -> StockLedger:
        """The stock ledger in this unit of work."""
        ...

    @property
    def suppliers(self) -> Repository[Supplier, str]:
        """Suppliers in this unit of work."""
        ...

    @property
    def purchase_orders(self) -> Repository[PurchaseOrder, str]:
        """Purchase orders in this unit of work."""
        ...

    @property
    def shipments(self) -> Repository[Shipment, str]:
        """Shipments in this unit of work."""
        ...

    @property
    def invoices(self) -> Repository[Invoice, str]:
        """Invoices in this unit of work."""
        ...

    @property
    def invoice_series(self) -> Repository[InvoiceSeries, str]:
        """Invoice series in this unit of work."""
        ...

    @property
    def payments(self) -> PaymentRepository:
        """Payments in this unit of work."""
        ...

    @property
    def credit_notes(self) -> Repository[CreditNote, str]:
        """Credit notes in this unit of work."""
        ...

    @property
    def customer_credits(self) -> Repository[CustomerCredit, tuple[str, str]]:
        """Customer credit balances, keyed by (customer id, currency)."""
        ...

    @property
    def price_lists(self) -> Repository[PriceList, str]:
        """Price lists by code in this unit of work."""
        ...

    @property
    def promotions(self) -> Repository[Promotion, str]:
        """Promotions by code in this unit of work."""
        ...

    @property
    def vouchers(self) -> Repository[Voucher, str]:
        """Vouchers by code, with their usage counters, in this unit of work.

        A voucher is changed by every order that redeems it, so two orders taking its last
        use conflict at commit (optimistic versions) and only one of them wins.
        """
        ...

    @property
    def channel_accounts(self) -> Repository[ChannelAccount, str]:
        """The shop's account per channel code (SKU mapping, stock pushed, settlements)."""
        ...

    @property
    def marketplace_orders(self) -> Repository[MarketplaceRecord, tuple[str, str]]:
        """Marketplace ingest records by (channel, external id), parked ones included."""
        ...

    @property
    def returns(self) -> ReturnRepository:
        """Returns (RMAs) in this unit of work."""
        ...

    @property
    def bin_layouts(self) -> Repository[WarehouseLayout, str]:
        """Bin layouts (which SKU lives where) by warehouse code."""
        ...

    @property
    def waves(self) -> Repository[Wave, str]:
        """Waves and their pick lists by id."""
        ...

    @property
    def parcels(self) -> Repository[Parcel, str]:
        """Packed parcels by id."""
        ...

    @property
    def manifests(self) -> Repository[Manifest, str]:
        """Courier pickup manifests by id."""
        ...

    @property
    def outbox(self) -> OutboxRepository:
        """Calls to the outside world and customer messages, by key, until and after sent."""
        ...

    @property
    def refused_deliveries(self) -> Repository[RefusalSlot, tuple[str, int]]:
        """The bounded log of refused webhook deliveries, by (channel, slot)."""
        ...

    @property
    def cod_statements(self) -> Repository[RemittanceStatement, tuple[str, str]]:
        """Couriers' COD remittance statements by (courier, statement id), as imported."""
        ...

    def __enter__(self) -> UnitOfWork:
        """Start the unit of work."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """End it: whatever was not committed is rolled back."""
        ...

    def commit(self) -> None:
        """Store every change of this unit, or nothing.

        Raises:
            ConcurrencyConflict: another unit changed the same aggregate first.
            DuplicateError: a uniqueness rule would be broken.
        """
        ...

    def rollback(self) -> None:
        """Forget every change since the last commit."""
        ...
