"""The contract of the persistence port: repositories and an atomic, optimistic unit of work.

Plug your adapter in by subclassing :class:`UnitOfWorkContract` in your own test suite and
returning a factory of units of work over a new, empty store::

    from salesorder.testing.contracts import UnitOfWorkContract

    class TestSqlUnitOfWork(UnitOfWorkContract):
        def make_uow_factory(self):
            store = SqlStore(create_engine("sqlite://"))   # fresh and empty per test
            return store.unit_of_work

pytest then runs every ``test_*`` method of the kit against your adapter. The kit adds the
parent rows it needs (warehouses, products, a customer, an order, a series) before it adds
rows that refer to them, so an adapter with foreign keys passes too. Tests that race threads
assume the factory's units may be used from several threads at once, as the port requires.

:func:`make_stock_state_machine` gives the strongest check on its own: a hypothesis
``RuleBasedStateMachine`` that compares your unit of work and stock repository with a simple
model through random receipts, reservations, releases, shipments, commits and rollbacks.
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import contextlib
import copy
import datetime as dt
import functools
import itertools
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, ClassVar

import attrs
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from salesorder.domain.channels import (
    Channel,
    ChannelAccount,
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplaceRecord,
)
from salesorder.domain.cod import RemittanceLine, RemittanceStatement
from salesorder.domain.inventory import (
    MovementKind,
    Reservation,
    StockItem,
    StockMovement,
    reservation_key,
)
from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.notifications import (
    Message,
    NotificationChannel,
    NotificationKind,
    OutboxEntry,
)
from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import PurchaseLine, PurchaseOrder, Supplier, SupplierItem
from salesorder.domain.returns import ReturnLine, ReturnRequest
from salesorder.domain.shipping import TrackingEvent, TrackingStatus
from salesorder.domain.warehouse import (
    BinLocation,
    Manifest,
    ManifestEntry,
    Parcel,
    ParcelItem,
    PickRequest,
    WarehouseLayout,
    plan_wave,
)
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    InsufficientStock,
    NotFound,
    UniquenessConflict,
    VoucherUsedUp,
)
from salesorder.money import Money
from salesorder.ports.persistence import UnitOfWork
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises, run_threads

__all__ = ["UnitOfWorkContract", "make_stock_state_machine"]

UowFactory = Callable[[], UnitOfWork]

# Parents every test can refer to, added and committed before the test's own rows.
SEED_WAREHOUSES = tuple(f"SEED-WH-{n}" for n in range(1, 6))
SEED_SKUS = ("SEED-SKU-1", "SEED-SKU-2")
SEED_CUSTOMER = "SEED-C"
SEED_ORDER = "SEED-ORD"
SEED_SERIES = "SEED-SERIES"
SHOPEE = Channel(code="shopee-id", kind=ChannelKind.SHOPEE, name="Shopee Indonesia")


def _seed_order() -> Any:
    return sample.order(SEED_ORDER, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)


def _seed(uow: UnitOfWork) -> None:
    for code in SEED_WAREHOUSES:
        uow.warehouses.add(sample.warehouse(code))
    for sku in SEED_SKUS:
        uow.products.add(sample.product(sku))
    uow.customers.add(sample.customer(SEED_CUSTOMER))
    uow.orders.add(_seed_order())
    uow.invoice_series.add(sample.invoice_series(SEED_SERIES))


def _change_shipment(item: Any) -> None:
    item.track(
        TrackingEvent(tracking_number=item.tracking_number, status=TrackingStatus.PICKED_UP, at=T0)
    )


def _issue(item: Any) -> None:
    item.issue("INV-000001", T0, T0.date())


@attrs.frozen
class _Case:
    """How to exercise one repository: make item ``n``, a variant of it, change it."""

    name: str
    make: Callable[[int], Any]
    variant: Callable[[int], Any]
    key: Callable[[Any], Hashable]
    change: Callable[[Any], None] | None = None

    def repo(self, uow: UnitOfWork) -> Any:
        return getattr(uow, self.name)


_CASES: tuple[_Case, ...] = (
    _Case(
        "products",
        lambda n: sample.product(f"SKU-{n}"),
        lambda n: sample.product(f"SKU-{n}", name="Other name", price="99000"),
        lambda p: p.sku,
    ),
    _Case(
        "customers",
        lambda n: sample.customer(f"C-{n}"),
        lambda n: sample.customer(f"C-{n}", name="Other name"),
        lambda c: c.id,
    ),
    _Case(
        "warehouses",
        lambda n: sample.warehouse(f"WH-{n}"),
        lambda n: sample.warehouse(f"WH-{n}", name="Other name"),
        lambda w: w.code,
    ),
    _Case(
        "orders",
        lambda n: sample.order(f"ORD-{n}", customer_id=SEED_CUSTOMER, skus=SEED_SKUS[:1]),
        lambda n: sample.order(f"ORD-{n}", customer_id=SEED_CUSTOMER, skus=SEED_SKUS),
        lambda o: o.id,
        lambda o: o.set_notes("leave at the gate"),
    ),
    _Case(
        "stock",
        lambda n: StockItem(warehouse=SEED_WAREHOUSES[n - 1], sku=SEED_SKUS[0], on_hand=10),
        lambda n: StockItem(warehouse=SEED_WAREHOUSES[n - 1], sku=SEED_SKUS[0], on_hand=99),
        lambda s: s.key,
        lambda s: s.receive(5),
    ),
    _Case(
        "shipments",
        lambda n: sample.shipment(f"SHP-{n}", order_id=SEED_ORDER, warehouse_code="SEED-WH-1"),
        lambda n: sample.shipment(
            f"SHP-{n}", order_id=SEED_ORDER, warehouse_code="SEED-WH-1", label="other"
        ),
        lambda s: s.id,
        _change_shipment,
    ),
    _Case(
        "invoices",
        lambda n: sample.invoice(f"INV-{n}", of=_seed_order(), series=SEED_SERIES),
        lambda n: attrs.evolve(
            sample.invoice(f"INV-{n}", of=_seed_order(), series=SEED_SERIES),
            due_date=T0.date(),
        ),
        lambda i: i.id,
        _issue,
    ),
    _Case(
        "invoice_series",
        lambda n: sample.invoice_series(f"S-{n}"),
        lambda n: sample.invoice_series(f"S-{n}", prefix="OTHER-"),
        lambda s: s.code,
        lambda s: s.take(),
    ),
    _Case(
        "payments",
        lambda n: sample.payment(f"PAY-{n}", order_id=SEED_ORDER, reference=f"REF-{n}"),
        lambda n: sample.payment(
            f"PAY-{n}", order_id=SEED_ORDER, reference=f"REF-{n}-B", amount="2000"
        ),
        lambda p: p.id,
    ),
    _Case(
        "credit_notes",
        lambda n: sample.credit_note(
            f"CN-{n}", of=_seed_order(), series=SEED_SERIES, number=f"N{n}"
        ),
        lambda n: sample.credit_note(
            f"CN-{n}", of=_seed_order(), series=SEED_SERIES, number=f"N{n}", amount="2000"
        ),
        lambda c: c.id,
        lambda c: c.record_einvoice(
            EInvoiceStatus(provider="viettel", provider_ref="R1", state=EInvoiceState.PENDING)
        ),
    ),
    _Case(
        "customer_credits",
        lambda n: sample.customer_credit(f"C-{n}"),
        lambda n: sample.customer_credit(f"C-{n}", amount="7000"),
        lambda c: c.key,
        lambda c: c.use(Money.of("1000", "IDR"), "order ORD-1", T0),
    ),
)


def _price_list(code: str, price: str = "90000") -> PriceList:
    return PriceList(
        code=code,
        name=f"List {code}",
        currency="IDR",
        entries=[PriceEntry(sku=SEED_SKUS[0], unit_price=Money.of(price, "IDR"))],
    )


def _voucher(code: str, limit: int = 1) -> Voucher:
    return Voucher(
        code=code, promotion=Promotion.percent_off(f"P-{code}", "10", automatic=False),
        usage_limit=limit,
    )  # fmt: skip


_CASES = (
    *_CASES,
    _Case(
        "price_lists",
        lambda n: _price_list(f"PL-{n}"),
        lambda n: _price_list(f"PL-{n}", "80000"),
        lambda p: p.code,
    ),
    _Case(
        "promotions",
        lambda n: Promotion.percent_off(f"PROMO-{n}", "10"),
        lambda n: Promotion.percent_off(f"PROMO-{n}", "20"),
        lambda p: p.code,
    ),
    _Case(
        "vouchers",
        lambda n: _voucher(f"V-{n}", 5),
        lambda n: _voucher(f"V-{n}", 9),
        lambda v: v.code,
        lambda v: v.redeem(order_id=SEED_ORDER, customer_id=SEED_CUSTOMER, on=T0.date()),
    ),
)


def _supplier(code: str, cost: str = "80000") -> Supplier:
    item = SupplierItem(sku=SEED_SKUS[0], unit_cost=Money.of(cost, "IDR"), lead_time_days=3)
    return Supplier(code=code, name=f"Supplier {code}", items=[item])


def _purchase_order(po_id: str, quantity: int = 10) -> PurchaseOrder:
    line = PurchaseLine(sku=SEED_SKUS[0], quantity=quantity, unit_cost=Money.of("80000", "IDR"))
    return PurchaseOrder(
        id=po_id, supplier="SUP-1", warehouse=SEED_WAREHOUSES[0], created_at=T0, lines=[line]
    )


_CASES = (
    *_CASES,
    _Case(
        "suppliers",
        lambda n: _supplier(f"SUP-{n}"),
        lambda n: _supplier(f"SUP-{n}", "75000"),
        lambda s: s.code,
    ),
    _Case(
        "purchase_orders",
        lambda n: _purchase_order(f"PO-{n}"),
        lambda n: _purchase_order(f"PO-{n}", 20),
        lambda p: p.id,
        lambda p: p.send(),
    ),
)


def _channel_account(channel: str, sku: str = SEED_SKUS[0]) -> ChannelAccount:
    return ChannelAccount(channel=channel, sku_map={"CH-SKU-1": sku})


def _marketplace_record(external_id: str, revision: int = 1) -> MarketplaceRecord:
    line = MarketplaceLine(channel_sku="CH-SKU-1", quantity=2, unit_price=Money.of("75000", "IDR"))
    payload = MarketplaceOrder(
        external_id=external_id, revision=revision, status="READY_TO_SHIP", buyer_name="Budi",
        shipping_address=sample.ADDRESS, currency="IDR", lines=(line,), created_at=T0,
    )  # fmt: skip
    return MarketplaceRecord(channel="shopee", external_id=external_id, payload=payload)


_CASES = (
    *_CASES,
    _Case(
        "channel_accounts",
        lambda n: _channel_account(f"CH-{n}"),
        lambda n: _channel_account(f"CH-{n}", SEED_SKUS[1]),
        lambda a: a.channel,
        lambda a: a.record_push("CH-SKU-1", 3),
    ),
    _Case(
        "marketplace_orders",
        lambda n: _marketplace_record(f"EXT-{n}"),
        lambda n: _marketplace_record(f"EXT-{n}", 2),
        lambda r: r.key,
        lambda r: r.park("channel SKU 'CH-SKU-1' is not mapped"),
    ),
)


def _layout(warehouse: str, aisle: int = 1) -> WarehouseLayout:
    return WarehouseLayout(
        warehouse=warehouse, bins={SEED_SKUS[0]: BinLocation(aisle=aisle, position=4)}
    )


def _wave(wave_id: str, quantity: int = 2) -> Any:
    request = PickRequest(order_id=SEED_ORDER, line_id="1", sku=SEED_SKUS[0], quantity=quantity)
    return plan_wave(wave_id, _layout(SEED_WAREHOUSES[0]), [request], T0)


def _parcel(parcel_id: str, quantity: int = 1) -> Parcel:
    item = ParcelItem(line_id="1", sku=SEED_SKUS[0], quantity=quantity)
    return Parcel(
        id=parcel_id, order_id=SEED_ORDER, warehouse=SEED_WAREHOUSES[0], packed_at=T0,
        items=(item,), weight_kg="1.5", volume_cm3="6000",
    )  # fmt: skip


def _outbox_entry(key: str, body: str = "Order confirmed") -> OutboxEntry:
    message = Message(
        key=key, channel=NotificationChannel.EMAIL, recipient="budi@example.com",
        order_id=SEED_ORDER, kind=NotificationKind.ORDER_CONFIRMED, locale="id_ID",
        subject="Confirmed", body=body,
    )  # fmt: skip
    return OutboxEntry(message=message)


def _manifest(manifest_id: str, tracking: str = "TRK-1") -> Manifest:
    entry = ManifestEntry(
        parcel_id="PCL-1", order_id=SEED_ORDER, shipment_id="SHP-1", tracking_number=tracking,
        weight_kg="1.5",
    )  # fmt: skip
    return Manifest(
        id=manifest_id, courier="jnt", warehouse=SEED_WAREHOUSES[0], created_at=T0,
        entries=(entry,),
    )  # fmt: skip


_CASES = (
    *_CASES,
    _Case(
        "bin_layouts",
        lambda n: _layout(SEED_WAREHOUSES[n - 1]),
        lambda n: _layout(SEED_WAREHOUSES[n - 1], aisle=7),
        lambda b: b.warehouse,
        lambda b: b.assign({SEED_SKUS[1]: BinLocation(aisle=2, position=9)}),
    ),
    _Case(
        "waves",
        lambda n: _wave(f"WAVE-{n}"),
        lambda n: _wave(f"WAVE-{n}", 3),
        lambda w: w.id,
        lambda w: w.confirm(SEED_SKUS[0], 1),
    ),
    _Case(
        "parcels",
        lambda n: _parcel(f"PCL-{n}"),
        lambda n: _parcel(f"PCL-{n}", 2),
        lambda p: p.id,
        lambda p: p.hand_over("MAN-1", "SHP-1", "TRK-1"),
    ),
    _Case(
        "manifests",
        lambda n: _manifest(f"MAN-{n}"),
        lambda n: _manifest(f"MAN-{n}", "TRK-2"),
        lambda m: m.id,
    ),
    _Case(
        "notifications",
        lambda n: _outbox_entry(f"OrderConfirmed|{SEED_ORDER}|{n}|email"),
        lambda n: _outbox_entry(f"OrderConfirmed|{SEED_ORDER}|{n}|email", "Other body"),
        lambda e: e.key,
        lambda e: e.failed("mail server down"),
    ),
)


def _return(return_id: str, quantity: int = 1, key: str = "") -> ReturnRequest:
    line = ReturnLine(line_id="1", sku=SEED_SKUS[0], quantity=quantity, reason="too small")
    return ReturnRequest.request(
        id=return_id, order_id=SEED_ORDER, currency="IDR", at=T0, lines=[line], key=key
    )


_CASES = (
    *_CASES,
    _Case(
        "returns",
        lambda n: _return(f"RET-{n}"),
        lambda n: _return(f"RET-{n}", 2),
        lambda r: r.id,
        lambda r: r.approve(T0),
    ),
)


def _cod_statement(statement_id: str, collected: str = "161000") -> RemittanceStatement:
    line = RemittanceLine(
        tracking_number="JNT0000000001", collected=Money.of(collected, "IDR"),
        fee=Money.of("4830", "IDR"), remitted=Money.of(collected, "IDR") - Money.of("4830", "IDR"),
    )  # fmt: skip
    return RemittanceStatement(
        id=statement_id, courier="jnt", currency="IDR", paid_on=T0.date(), lines=(line,)
    )


_CASES = (
    *_CASES,
    _Case(
        "cod_statements",
        lambda n: _cod_statement(f"STMT-{n}"),
        lambda n: _cod_statement(f"STMT-{n}", "150000"),
        lambda r: r.key,
    ),
)


def _keys(case: _Case, uow: UnitOfWork) -> list[Any]:
    return [case.key(item) for item in case.repo(uow).list()]


def _fails_at_add_or_commit(
    uow: UnitOfWork, add: Callable[[], None], error: type[Exception], what: str
) -> None:
    """``add()`` then commit: one of the two must raise ``error``."""
    with raises(error, what):
        add()
        uow.commit()


class UnitOfWorkContract(abc.ABC):
    """The persistence port's contract (see :mod:`salesorder.ports.persistence`).

    Subclass it as ``Test...`` and implement :meth:`make_uow_factory`; see the module
    docstring. Tune :attr:`race_threads` and :attr:`state_machine_settings` if your store is
    slow.
    """

    #: Threads racing for the last units of a SKU (more threads than units).
    race_threads: ClassVar[int] = 8
    #: Units in stock when they race.
    race_units: ClassVar[int] = 5
    #: Attempts per thread before it gives up on ConcurrencyConflict.
    race_attempts: ClassVar[int] = 500
    #: How long the racing threads wait for each other between read and commit, once.
    race_overlap_seconds: ClassVar[float] = 0.5
    #: How hard the stock state machine is run.
    state_machine_settings: ClassVar[settings] = settings(
        max_examples=30, stateful_step_count=30, deadline=None, report_multiple_bugs=False
    )

    @abc.abstractmethod
    def make_uow_factory(self) -> UowFactory:
        """A callable returning a new unit of work over a store made new and empty for this call."""

    # -- helpers --------------------------------------------------------------------------

    def _factory(self) -> UowFactory:
        factory = self.make_uow_factory()
        with factory() as uow:
            _seed(uow)
            uow.commit()
        return factory

    # -- get, find, add, list -------------------------------------------------------------

    def test_add_get_find_list_in_one_unit(self) -> None:
        factory = self._factory()
        for case in _CASES:
            with factory() as uow:
                repo = case.repo(uow)
                before = _keys(case, uow)
                items = [case.make(3), case.make(1), case.make(2)]
                for item in items:
                    repo.add(item)
                for item in items:
                    assert repo.get(case.key(item)) == item, f"{case.name}: get after add"
                    assert repo.find(case.key(item)) == item, f"{case.name}: find after add"
                expected = sorted([*before, *(case.key(i) for i in items)])
                assert _keys(case, uow) == expected, f"{case.name}: list, ordered by identity"

    def test_committed_items_are_seen_by_later_units(self) -> None:
        factory = self._factory()
        for case in _CASES:
            with factory() as uow:
                before = _keys(case, uow)
                for n in (3, 1, 2):
                    case.repo(uow).add(case.make(n))
                uow.commit()
            with factory() as uow:
                repo = case.repo(uow)
                for n in (1, 2, 3):
                    item = case.make(n)
                    assert repo.get(case.key(item)) == item, f"{case.name}: get after commit"
                    assert repo.find(case.key(item)) == item, f"{case.name}: find after commit"
                expected = sorted([*before, *(case.key(case.make(n)) for n in (1, 2, 3))])
                assert _keys(case, uow) == expected, f"{case.name}: list, ordered by identity"

    def test_missing_items_raise_not_found(self) -> None:
        factory = self._factory()
        for case in _CASES:
            with factory() as uow:
                key = case.key(case.make(4))
                with raises(NotFound, f"{case.name}.get of a missing key"):
                    case.repo(uow).get(key)
                assert case.repo(uow).find(key) is None, f"{case.name}: find of a missing key"

    def test_repeated_get_returns_the_same_working_copy(self) -> None:
        factory = self._factory()
        for case in _CASES:
            if case.change is None:
                continue
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                key = case.key(case.make(1))
                case.change(case.repo(uow).get(key))
                expected = case.make(1)
                case.change(expected)
                assert case.repo(uow).get(key) == expected, (
                    f"{case.name}: a second get in the same unit must see the first one's changes"
                )

    def test_changes_to_loaded_aggregates_are_stored_at_commit(self) -> None:
        factory = self._factory()
        for case in _CASES:
            if case.change is None:
                continue
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                case.change(case.repo(uow).get(case.key(case.make(1))))
                uow.commit()
            expected = case.make(1)
            case.change(expected)
            with factory() as uow:
                assert case.repo(uow).get(case.key(expected)) == expected, case.name

    # -- uniqueness of identities ---------------------------------------------------------

    def test_duplicate_add_in_one_unit_is_refused(self) -> None:
        factory = self._factory()
        for case in _CASES:
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                _fails_at_add_or_commit(
                    uow,
                    functools.partial(case.repo(uow).add, case.variant(1)),
                    DuplicateError,
                    f"{case.name}: the same key added twice in one unit",
                )
            with factory() as uow:
                stored = case.repo(uow).find(case.key(case.make(1)))
                assert stored is None or stored == case.make(1), case.name

    def test_duplicate_of_a_committed_item_is_refused(self) -> None:
        factory = self._factory()
        for case in _CASES:
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                _fails_at_add_or_commit(
                    uow,
                    functools.partial(case.repo(uow).add, case.variant(1)),
                    DuplicateError,
                    f"{case.name}: adding a key that is already stored",
                )
            with factory() as uow:
                assert case.repo(uow).get(case.key(case.make(1))) == case.make(1), case.name

    def test_duplicate_across_units_is_refused_at_commit(self) -> None:
        factory = self._factory()
        for case in _CASES:
            extra = _CASES[1] if case.name == "products" else _CASES[0]
            first, second = factory(), factory()
            with first, second:
                case.repo(first).add(case.make(1))
                case.repo(second).add(case.variant(1))
                extra.repo(second).add(extra.make(5))
                first.commit()
                with raises(DuplicateError, f"{case.name}: the same key committed by two units"):
                    second.commit()
            with factory() as uow:
                assert case.repo(uow).get(case.key(case.make(1))) == case.make(1), case.name
                assert extra.repo(uow).find(extra.key(extra.make(5))) is None, (
                    f"{case.name}: a refused commit stored another repository's row"
                )

    # -- visibility, rollback, atomicity ---------------------------------------------------

    def test_changes_are_invisible_to_other_units_until_commit(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=10))
            uow.commit()
        writer, reader = factory(), factory()
        with writer, reader:
            writer.stock.get(key).receive(5)
            writer.products.add(sample.product("SKU-NEW"))
            assert reader.stock.get(key).on_hand == 10
            assert reader.products.find("SKU-NEW") is None
            with factory() as other:
                assert other.stock.get(key).on_hand == 10
                assert other.products.find("SKU-NEW") is None
            writer.commit()
        with factory() as uow:
            assert uow.stock.get(key).on_hand == 15
            assert uow.products.get("SKU-NEW") == sample.product("SKU-NEW")

    def test_rollback_forgets_every_change(self) -> None:
        factory = self._factory()
        with factory() as uow:
            for case in _CASES:
                case.repo(uow).add(case.make(1))
            uow.orders.get(SEED_ORDER).set_notes("changed")
            uow.rollback()
            for case in _CASES:
                assert case.repo(uow).find(case.key(case.make(1))) is None, case.name
            assert uow.orders.get(SEED_ORDER) == _seed_order()
            uow.commit()  # nothing left to store
        with factory() as uow:
            for case in _CASES:
                assert case.repo(uow).find(case.key(case.make(1))) is None, case.name
            assert uow.orders.get(SEED_ORDER) == _seed_order()

    def test_leaving_the_block_without_commit_forgets(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.orders.get(SEED_ORDER).set_notes("changed")
        with factory() as uow:
            assert uow.products.find("SKU-1") is None
            assert uow.orders.get(SEED_ORDER) == _seed_order()

    def test_an_exception_in_the_block_rolls_back_and_propagates(self) -> None:
        class Boom(Exception):
            pass

        factory = self._factory()
        with raises(Boom, "an exception inside the with block"), factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.orders.get(SEED_ORDER).set_notes("changed")
            raise Boom
        with factory() as uow:
            assert uow.products.find("SKU-1") is None
            assert uow.orders.get(SEED_ORDER) == _seed_order()

    def test_a_unit_commits_again_after_a_commit(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.commit()
            uow.products.add(sample.product("SKU-2"))
            uow.commit()
            uow.products.add(sample.product("SKU-3"))
        with factory() as uow:
            assert uow.products.find("SKU-1") is not None
            assert uow.products.find("SKU-2") is not None
            assert uow.products.find("SKU-3") is None

    def test_commit_is_atomic_when_an_identity_is_taken(self) -> None:
        factory = self._factory()
        first, second = factory(), factory()
        with first, second:
            first.warehouses.add(sample.warehouse("WH-9"))
            for case in _CASES:
                case.repo(second).add(case.make(2))
            second.warehouses.add(sample.warehouse("WH-9", name="Other"))
            first.commit()
            with raises(DuplicateError, "a unit adding a warehouse another unit committed"):
                second.commit()
        with factory() as uow:
            for case in _CASES:
                assert case.repo(uow).find(case.key(case.make(2))) is None, (
                    f"{case.name}: a refused commit must store nothing"
                )
            assert uow.warehouses.get("WH-9") == sample.warehouse("WH-9")

    def test_commit_is_atomic_on_a_concurrency_conflict(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=10))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.stock.get(key).receive(1)
            second.stock.get(key).receive(2)
            second.orders.get(SEED_ORDER).set_notes("changed")
            for case in _CASES:
                case.repo(second).add(case.make(2))
            first.commit()
            with raises(ConcurrencyConflict, "a unit changing a stock item changed meanwhile"):
                second.commit()
        with factory() as uow:
            assert uow.stock.get(key).on_hand == 11
            assert uow.orders.get(SEED_ORDER) == _seed_order()
            for case in _CASES:
                assert case.repo(uow).find(case.key(case.make(2))) is None, (
                    f"{case.name}: a conflicting commit must store nothing"
                )

    # -- optimistic concurrency -----------------------------------------------------------

    def test_two_units_reserving_the_same_stock_item_conflict(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=3))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.stock.get(key).reserve(Reservation.for_line("ORD-A", "1", 2, T0))
            second.stock.get(key).reserve(Reservation.for_line("ORD-B", "1", 2, T0))
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units reserving the same item"):
                second.commit()
        with factory() as uow:
            item = uow.stock.get(key)
            assert set(item.reservations) == {reservation_key("ORD-A", "1")}
            assert item.reserved == 2
            assert item.on_hand == 3
            with raises(InsufficientStock, "retrying the second reservation"):
                item.reserve(Reservation.for_line("ORD-B", "1", 2, T0))

    def test_two_units_changing_the_same_order_conflict(self) -> None:
        factory = self._factory()
        first, second = factory(), factory()
        with first, second:
            first.orders.get(SEED_ORDER).set_notes("first")
            second.orders.get(SEED_ORDER).set_notes("second")
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units changing one order"):
                second.commit()
        with factory() as uow:
            assert uow.orders.get(SEED_ORDER).notes == "first"

    def test_two_units_redeeming_the_last_voucher_use_conflict(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.vouchers.add(_voucher("LAST-ONE", 1))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.vouchers.get("LAST-ONE").redeem(order_id="ORD-A", customer_id="C", on=T0.date())
            second.vouchers.get("LAST-ONE").redeem(order_id="ORD-B", customer_id="C", on=T0.date())
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units taking the last use"):
                second.commit()
        with factory() as uow:
            voucher = uow.vouchers.get("LAST-ONE")
            assert voucher.redemptions == {"ORD-A": "C"}
            with raises(VoucherUsedUp, "a use beyond the limit after the race"):
                voucher.redeem(order_id="ORD-B", customer_id="C", on=T0.date())

    def test_threads_race_for_the_last_units(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        units, threads = self.race_units, max(self.race_threads, self.race_units + 1)
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=units))
            uow.commit()

        # On the first attempt every thread has read the item before any commits, so a
        # store that lets the last writer win is caught every time, not only when the
        # scheduler happens to interleave. A store that blocks readers breaks the barrier
        # after a moment and the race goes on unsynchronised.
        overlap = threading.Barrier(threads)

        def reserve_one(index: int) -> str:
            for attempt in range(self.race_attempts):
                try:
                    with factory() as uow:
                        uow.stock.get(key).reserve(
                            Reservation.for_line(f"RACE-{index}", "1", 1, T0)
                        )
                        if attempt == 0:
                            with contextlib.suppress(threading.BrokenBarrierError):
                                overlap.wait(self.race_overlap_seconds)
                        time.sleep(0)  # let another thread in between read and commit
                        uow.commit()
                except ConcurrencyConflict:
                    continue
                except InsufficientStock:
                    return "short"
                return "reserved"
            return "gave up"

        outcomes = run_threads(threads, reserve_one)
        assert "gave up" not in outcomes, f"a thread kept conflicting: {outcomes}"
        winners = {
            reservation_key(f"RACE-{i}", "1") for i, o in enumerate(outcomes) if o == "reserved"
        }
        assert len(winners) == units, f"{units} units, outcomes {outcomes}"
        with factory() as uow:
            item = uow.stock.get(key)
            assert set(item.reservations) == winners
            assert item.reserved == sum(r.quantity for r in item.reservations.values()) == units
            assert item.on_hand == units
            assert item.available == 0

    # -- secondary uniqueness and lookups -------------------------------------------------

    def test_payment_reference_is_unique(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.payments.add(sample.payment("PAY-1", order_id=SEED_ORDER, reference="REF-1"))
            uow.commit()
        with factory() as uow:
            _fails_at_add_or_commit(
                uow,
                lambda: uow.payments.add(
                    sample.payment("PAY-2", order_id=SEED_ORDER, reference="REF-1")
                ),
                DuplicateError,
                "a second payment with a recorded reference",
            )
        with factory() as uow:
            uow.payments.add(sample.payment("PAY-3", order_id=SEED_ORDER, reference="REF-3"))
            _fails_at_add_or_commit(
                uow,
                lambda: uow.payments.add(
                    sample.payment("PAY-4", order_id=SEED_ORDER, reference="REF-3")
                ),
                DuplicateError,
                "two payments with one reference in one unit",
            )
        first, second = factory(), factory()
        with first, second:
            first.payments.add(sample.payment("PAY-5", order_id=SEED_ORDER, reference="REF-5"))
            second.payments.add(sample.payment("PAY-6", order_id=SEED_ORDER, reference="REF-5"))
            first.commit()
            with raises(DuplicateError, "two units recording one payment reference"):
                second.commit()
        with factory() as uow:
            assert uow.payments.find("PAY-2") is None
            assert uow.payments.find("PAY-6") is None
            references = [p.reference for p in uow.payments.list()]
            assert sorted(references) == sorted(set(references)), references
            assert {"REF-1", "REF-5"} <= set(references)

    def test_order_external_ref_is_unique_per_channel(self) -> None:
        factory = self._factory()

        def marketplace_order(order_id: str, ref: str, channel: Channel = SHOPEE) -> Any:
            return sample.order(
                order_id, customer_id=SEED_CUSTOMER, skus=SEED_SKUS[:1], channel=channel,
                external_ref=ref,
            )  # fmt: skip

        with factory() as uow:
            uow.orders.add(marketplace_order("ORD-1", "SP-1"))
            uow.orders.add(marketplace_order("ORD-2", "SP-1", Channel.web()))  # other channel
            uow.orders.add(marketplace_order("ORD-3", ""))  # no ref: never unique
            uow.orders.add(marketplace_order("ORD-4", ""))
            uow.commit()
        with factory() as uow:
            _fails_at_add_or_commit(
                uow,
                lambda: uow.orders.add(marketplace_order("ORD-5", "SP-1")),
                DuplicateError,
                "a second order with a stored (channel, external_ref)",
            )
        first, second = factory(), factory()
        with first, second:
            first.orders.add(marketplace_order("ORD-6", "SP-6"))
            second.orders.add(marketplace_order("ORD-7", "SP-6"))
            first.commit()
            with raises(DuplicateError, "two units importing one marketplace order"):
                second.commit()
        with factory() as uow:
            assert uow.orders.find("ORD-5") is None
            assert uow.orders.find("ORD-7") is None
            for order_id in ("ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-6"):
                assert uow.orders.find(order_id) is not None, order_id

    def test_find_by_external_ref(self) -> None:
        factory = self._factory()
        order = sample.order(
            "ORD-1", customer_id=SEED_CUSTOMER, skus=SEED_SKUS, channel=SHOPEE, external_ref="SP-1"
        )
        with factory() as uow:
            uow.orders.add(order)
            uow.commit()
        with factory() as uow:
            assert uow.orders.find_by_external_ref(SHOPEE.code, "SP-1") == order
            assert uow.orders.find_by_external_ref("web", "SP-1") is None
            assert uow.orders.find_by_external_ref(SHOPEE.code, "SP-2") is None

    def test_orders_waiting_for_stock(self) -> None:
        factory = self._factory()
        orders = {
            name: sample.order(name, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)
            for name in ("ORD-LATE", "ORD-EARLY", "ORD-NEW", "ORD-CONFIRMED", "ORD-LATER")
        }
        for name, order in orders.items():
            if name != "ORD-NEW":
                order.confirm(T0)
        orders["ORD-LATE"].wait_for_stock(T0 + dt.timedelta(minutes=5))
        orders["ORD-EARLY"].wait_for_stock(T0 + dt.timedelta(minutes=1))
        with factory() as uow:
            assert uow.orders.waiting_for_stock() == []  # only the seed order is stored
            for order in orders.values():
                uow.orders.add(order)
            # Working copies count as they are now, before the commit too.
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-EARLY", "ORD-LATE"]
            uow.commit()
        with factory() as uow:
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-EARLY", "ORD-LATE"]
            uow.orders.get("ORD-LATER").wait_for_stock(T0 + dt.timedelta(minutes=9))
            uow.orders.get("ORD-EARLY").cancel(T0 + dt.timedelta(minutes=10))
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-LATE", "ORD-LATER"]
            uow.commit()
        with factory() as uow:
            # A cancelled order no longer waits, though it was backordered.
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-LATE", "ORD-LATER"]

    def test_orders_with_status(self) -> None:
        factory = self._factory()
        new, held, confirmed, cancelled = (
            sample.order(name, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)
            for name in ("ORD-NEW", "ORD-HELD", "ORD-CONFIRMED", "ORD-CANCELLED")
        )
        held.hold(T0, "payment check")
        confirmed.confirm(T0)
        cancelled.cancel(T0)
        unreserved = (OrderStatus.NEW, OrderStatus.ON_HOLD, OrderStatus.CONFIRMED)

        def ids(uow: UnitOfWork, *statuses: OrderStatus) -> list[str]:
            return [o.id for o in uow.orders.with_status(statuses)]

        with factory() as uow:
            assert ids(uow, OrderStatus.CONFIRMED) == []  # only the seed order (NEW) is stored
            for order in (new, held, confirmed, cancelled):
                uow.orders.add(order)
            # Working copies count as they are now, before the commit too; by id.
            assert ids(uow, *unreserved) == ["ORD-CONFIRMED", "ORD-HELD", "ORD-NEW", SEED_ORDER]
            uow.commit()
        with factory() as uow:
            assert ids(uow, *unreserved) == ["ORD-CONFIRMED", "ORD-HELD", "ORD-NEW", SEED_ORDER]
            assert uow.orders.with_status([OrderStatus.CONFIRMED]) == [confirmed]
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED"]
            assert ids(uow, OrderStatus.SHIPPED) == []
            assert ids(uow) == []
            assert [o.id for o in uow.orders.with_status(iter([OrderStatus.ON_HOLD]))] == [
                "ORD-HELD"
            ]
            # Read your writes: a status changed in this unit is found under the new status
            # only, as the very working copy the unit holds.
            uow.orders.get("ORD-NEW").cancel(T0 + dt.timedelta(minutes=1))
            uow.orders.get("ORD-HELD").release(T0 + dt.timedelta(minutes=2))
            assert ids(uow, OrderStatus.NEW) == ["ORD-HELD", SEED_ORDER]
            assert ids(uow, OrderStatus.ON_HOLD) == []
            cancelled_now = uow.orders.with_status([OrderStatus.CANCELLED])
            assert [o.id for o in cancelled_now] == ["ORD-CANCELLED", "ORD-NEW"]
            assert cancelled_now[1] is uow.orders.get("ORD-NEW")
            uow.commit()
        with factory() as uow:
            # The committed status changes are what every later unit finds.
            assert ids(uow, OrderStatus.NEW) == ["ORD-HELD", SEED_ORDER]
            assert ids(uow, OrderStatus.ON_HOLD) == []
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED", "ORD-NEW"]
            uow.orders.get("ORD-CONFIRMED").cancel(T0 + dt.timedelta(minutes=3))
            uow.rollback()
            assert ids(uow, OrderStatus.CONFIRMED) == ["ORD-CONFIRMED"]
        with factory() as uow:
            # A change rolled back is found nowhere.
            assert ids(uow, OrderStatus.CONFIRMED) == ["ORD-CONFIRMED"]
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED", "ORD-NEW"]

    def test_stock_for_sku(self) -> None:
        factory = self._factory()
        items = [
            StockItem(warehouse=SEED_WAREHOUSES[0], sku=SEED_SKUS[0], on_hand=1),
            StockItem(warehouse=SEED_WAREHOUSES[1], sku=SEED_SKUS[0], on_hand=2),
            StockItem(warehouse=SEED_WAREHOUSES[0], sku=SEED_SKUS[1], on_hand=3),
        ]
        with factory() as uow:
            for item in items:
                uow.stock.add(item)
            uow.commit()
        with factory() as uow:
            found = sorted(uow.stock.for_sku(SEED_SKUS[0]), key=lambda s: s.key)
            assert found == items[:2]
            assert uow.stock.for_sku(SEED_SKUS[1]) == items[2:]
            assert uow.stock.for_sku("NO-SUCH-SKU") == []

    def test_find_payment_by_reference(self) -> None:
        factory = self._factory()
        paid = sample.payment("PAY-1", order_id=SEED_ORDER, reference="BCA-778899")
        with factory() as uow:
            uow.payments.add(paid)
            uow.commit()
        with factory() as uow:
            assert uow.payments.find_by_reference("BCA-778899") == paid
            assert uow.payments.find_by_reference("BCA-000000") is None

    # -- the stock ledger ------------------------------------------------------------------

    def test_return_key_is_unique_per_order(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.returns.add(_return("RET-K1", key="rma-1"))
            uow.returns.add(_return("RET-K0"))
            uow.commit()
        with factory() as uow:
            uow.returns.add(_return("RET-K2"))  # no key: never a duplicate
            uow.commit()
        with factory() as uow:
            assert [r.id for r in uow.returns.for_order(SEED_ORDER)] == [
                "RET-K0",
                "RET-K1",
                "RET-K2",
            ]
            assert uow.returns.for_order("NO-SUCH-ORDER") == []
            _fails_at_add_or_commit(
                uow,
                lambda: uow.returns.add(_return("RET-K3", key="rma-1")),
                DuplicateError,
                "a second return with the key of a stored one",
            )
        with factory() as uow:
            assert uow.returns.find("RET-K3") is None

    def test_stock_ledger_entries_are_stored_with_the_commit(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])

        def entry(seq: int, change: int) -> StockMovement:
            return StockMovement(
                warehouse=key[0],
                sku=key[1],
                seq=seq,
                kind=MovementKind.RECEIPT,
                at=T0,
                on_hand_change=change,
                document="PO-1",
                reason="goods receipt",
            )

        with factory() as uow:
            uow.stock_ledger.append(entry(2, 5))
            uow.stock_ledger.append(entry(1, 3))
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]
            uow.rollback()
            assert uow.stock_ledger.for_item(*key) == [], "rollback drops appended entries"
        with factory() as uow:
            uow.stock_ledger.append(entry(1, 3))
            uow.stock_ledger.append(entry(2, 5))
            uow.commit()
        with factory() as uow:
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]
            assert uow.stock_ledger.for_item(key[0], "NO-SUCH-SKU") == []
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=SEED_WAREHOUSES[1], sku=SEED_SKUS[0], on_hand=1))
            uow.stock_ledger.append(entry(2, 7))  # seq 2 is taken: the whole unit fails
            with raises(UniquenessConflict, "stock ledger: a taken (warehouse, SKU, seq)"):
                uow.commit()
        with factory() as uow:
            assert uow.stock.find((SEED_WAREHOUSES[1], SEED_SKUS[0])) is None, "atomic"
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]

    # -- the model-based check ------------------------------------------------------------

    def test_stock_state_machine(self) -> None:
        machine = make_stock_state_machine(self.make_uow_factory())
        run_state_machine_as_test(machine, settings=self.state_machine_settings)


# ---------------------------------------------------------------------------------------
# The stock state machine
# ---------------------------------------------------------------------------------------


@attrs.define
class _ModelItem:
    on_hand: int = 0
    reservations: dict[str, int] = attrs.Factory(dict)

    @property
    def available(self) -> int:
        return self.on_hand - sum(self.reservations.values())


_runs = itertools.count(1)


def make_stock_state_machine(uow_factory: UowFactory) -> type[RuleBasedStateMachine]:
    """A state machine comparing units of work over ``uow_factory`` with a simple stock model.

    One unit of work stays open across steps; the rules receive, reserve, release and ship
    stock through it, then commit or roll back. After every step the open unit must show the
    model's pending state, and a fresh unit must show the model's committed state (changes
    are invisible until commit, rollback forgets). Run it with hypothesis::

        from hypothesis.stateful import run_state_machine_as_test

        def test_my_stock():
            run_state_machine_as_test(make_stock_state_machine(MyStore().unit_of_work))

    Every run of the machine uses its own warehouse and SKU codes, so one store can serve
    every example; the warehouses and products are added first, for adapters with foreign keys.
    """

    class StockStateMachine(RuleBasedStateMachine):
        """Units of work and the stock repository against a dictionary model."""

        def __init__(self) -> None:
            super().__init__()
            run = next(_runs)
            self.warehouses = [f"SM{run}-W{n}" for n in (1, 2)]
            self.skus = [f"SM{run}-S{n}" for n in (1, 2)]
            self.keys = [(w, s) for w in self.warehouses for s in self.skus]
            with uow_factory() as setup:
                for code in self.warehouses:
                    setup.warehouses.add(sample.warehouse(code))
                for sku in self.skus:
                    setup.products.add(sample.product(sku))
                setup.commit()
            self.committed: dict[tuple[str, str], _ModelItem] = {}
            self.pending: dict[tuple[str, str], _ModelItem] = {}
            self.uow = uow_factory()
            self.uow.__enter__()

        def teardown(self) -> None:
            self.uow.__exit__(None, None, None)

        def _item(self, index: int) -> tuple[StockItem | None, _ModelItem | None]:
            key = self.keys[index]
            return self.uow.stock.find(key), self.pending.get(key)

        @rule(index=st.integers(0, 3), quantity=st.integers(1, 20))
        def receive(self, index: int, quantity: int) -> None:
            item, model = self._item(index)
            if item is None:
                assert model is None, f"{self.keys[index]} vanished from the open unit"
                item = StockItem(warehouse=self.keys[index][0], sku=self.keys[index][1])
                self.uow.stock.add(item)
                model = self.pending[self.keys[index]] = _ModelItem()
            assert model is not None, f"{self.keys[index]} appeared from nowhere"
            item.receive(quantity)
            model.on_hand += quantity

        @rule(index=st.integers(0, 3), order=st.integers(1, 6), quantity=st.integers(1, 15))
        def reserve(self, index: int, order: int, quantity: int) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                assert item is None, f"{self.keys[index]} is not in the model"
                assert model is None, f"{self.keys[index]} vanished from the open unit"
                return
            key = reservation_key(f"O{order}", "1")
            reservation = Reservation.for_line(f"O{order}", "1", quantity, T0)
            held = model.reservations.get(key)
            if held is not None and held != quantity:
                with raises(DuplicateError, "a reservation key held with another quantity"):
                    item.reserve(reservation)
            elif held is not None:
                assert item.reserve(reservation) is False, "repeating a reservation"
            elif quantity > model.available:
                with raises(InsufficientStock, f"reserving {quantity} of {model.available}"):
                    item.reserve(reservation)
            else:
                assert item.reserve(reservation) is True
                model.reservations[key] = quantity

        @rule(index=st.integers(0, 3), order=st.integers(1, 6))
        def release(self, index: int, order: int) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                return
            released = item.release(reservation_key(f"O{order}", "1"))
            expected = model.reservations.pop(reservation_key(f"O{order}", "1"), None)
            assert (released.quantity if released else None) == expected

        @rule(index=st.integers(0, 3), order=st.integers(1, 6))
        def ship(self, index: int, order: int) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                return
            key = reservation_key(f"O{order}", "1")
            if key not in model.reservations:
                with raises(NotFound, "shipping a reservation that is not held"):
                    item.ship(key)
                return
            assert item.ship(key).quantity == model.reservations[key]
            model.on_hand -= model.reservations.pop(key)

        @rule()
        def commit(self) -> None:
            self.uow.commit()
            self.committed = copy.deepcopy(self.pending)
            self._check_fresh_unit()

        @rule()
        def rollback(self) -> None:
            self.uow.rollback()
            self.pending = copy.deepcopy(self.committed)
            self._check_fresh_unit()

        @precondition(lambda self: self.pending != self.committed)
        @rule()
        def other_units_see_only_committed(self) -> None:
            self._check_fresh_unit()

        def _check_fresh_unit(self) -> None:
            with uow_factory() as other:
                seen = {
                    item.key: item
                    for sku in self.skus
                    for item in other.stock.for_sku(sku)
                    if item.warehouse in self.warehouses
                }
                assert set(seen) == set(self.committed), "stock items seen by a fresh unit"
                for key, model in self.committed.items():
                    _same(other.stock.get(key), model)

        @invariant()
        def open_unit_matches_the_model(self) -> None:
            for key in self.keys:
                item = self.uow.stock.find(key)
                model = self.pending.get(key)
                assert (item is None) == (model is None), f"{key}: {item} vs {model}"
                if item is not None and model is not None:
                    _same(item, model)

    return StockStateMachine


def _same(item: StockItem, model: _ModelItem) -> None:
    quantities = {key: r.quantity for key, r in item.reservations.items()}
    assert quantities == model.reservations, f"{item.key}: reservations {quantities}"
    assert item.on_hand == model.on_hand, f"{item.key}: on hand {item.on_hand} != {model.on_hand}"
    assert item.reserved == sum(quantities.values())
    assert 0 <= item.reserved <= item.on_hand, f"{item.key}: reserved {item.reserved}"
    assert item.available >= 0
