"""Fractional stock keeps its books exactly, on the in-memory and the SQL adapters.

A state machine runs random sequences of commands on a product sold by the kilogram (3
decimals) in two warehouses: receipts, orders reserved (split where they must be), released
by cancelling, picked (short picks correct the stock and re-allocate), shipped, counted and
written off. After every step, read through a fresh unit of work:

- each item's ledger sums to its on hand and its reserved, exactly;
- reserved is the sum of the item's reservations, and of the orders' picks there;
- nothing is negative, reserved never exceeds on hand;
- on hand is what a plain model of the commands says;
- every quantity is exact in the unit: an ``int`` when whole, else a ``Decimal`` of at most
  3 places, and it round-trips through the JSON shapes unchanged;
- a refused command changed nothing.

The machine runs on the in-memory adapter, on SQLite and on PostgreSQL (when reachable; see
tests/sql/conftest.py). Each run uses a SKU of its own, so one store serves every example.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from tests.services.conftest import stock_shop
from tests.sql.conftest import fresh_postgres

from salesorder import Money, Product, SalesApp, Settings, commands
from salesorder.bootstrap import build
from salesorder.domain.inventory import Reservation, StockItem, StockMovement
from salesorder.domain.lifecycle import IN_WAREHOUSE
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.units import KILOGRAM, Quantity, decimals_of, to_quantity
from salesorder.exceptions import InsufficientStock, InvalidQuantity
from salesorder.serialization import structure, unstructure
from salesorder.testing import strategies as sst

WAREHOUSES = ("JKT-1", "SBY-1")
D = Decimal


def kilograms(most: int) -> st.SearchStrategy[Quantity]:
    """Up to ``most`` kg to the gram, whole kilograms now and then."""
    grams = st.integers(1, most * 1000).map(lambda g: to_quantity(D(g).scaleb(-3)))
    return grams | st.integers(1, most)


def _exact(value: Quantity) -> None:
    """``value`` is a quantity of the kilogram: an int when whole, else <= 3 decimals."""
    assert isinstance(value, (int, Decimal)), value
    assert not isinstance(value, bool), value
    if isinstance(value, Decimal):
        assert value != value.to_integral_value(), f"{value!r} is whole: it should be an int"
        assert decimals_of(value) <= 3, value


_runs = itertools.count(1)


def make_machine(app: SalesApp) -> type[RuleBasedStateMachine]:
    """The machine for ``app`` (the shop of tests/services/conftest.py, added once)."""
    with app.uow() as uow:
        if uow.customers.find("C1") is None:
            stock_shop(app)

    class FractionalStock(RuleBasedStateMachine):
        reserved_orders = Bundle("reserved_orders")

        def __init__(self) -> None:
            super().__init__()
            self.sku = f"KG-{next(_runs)}"
            app.execute(
                commands.AddProduct(
                    product=Product(
                        sku=self.sku,
                        name="Coffee by the kilogram",
                        price=Money.of("200000", "IDR"),
                        unit_cost=Money.of("120000", "IDR"),
                        weight_kg="1",
                        unit=KILOGRAM,
                    )
                )
            )
            self.on_hand: dict[str, Quantity] = dict.fromkeys(WAREHOUSES, 0)
            self.orders: list[str] = []
            self.picked: set[str] = set()

        # -- helpers ---------------------------------------------------------------------

        def _items(self) -> dict[str, StockItem | None]:
            with app.uow() as uow:
                return {w: uow.stock.find((w, self.sku)) for w in WAREHOUSES}

        def _books(self) -> Any:
            with app.uow() as uow:
                return (
                    [unstructure(uow.stock.find((w, self.sku))) for w in WAREHOUSES],
                    [unstructure(uow.stock_ledger.for_item(w, self.sku)) for w in WAREHOUSES],
                    [unstructure(uow.orders.get(o)) for o in self.orders],
                )

        def _refused(self, command: commands.Command[Any], *errors: type[Exception]) -> bool:
            """Run ``command``; True if it raised one of ``errors`` (and changed nothing)."""
            before = self._books()
            try:
                app.execute(command)
            except errors:
                assert self._books() == before, f"{command} failed but changed the books"
                return True
            return False

        # -- rules -----------------------------------------------------------------------

        @initialize(first=kilograms(20), second=kilograms(20))
        def stock_both(self, first: Quantity, second: Quantity) -> None:
            self.receive(WAREHOUSES[0], first)
            self.receive(WAREHOUSES[1], second)

        @rule(warehouse=st.sampled_from(WAREHOUSES), quantity=kilograms(20))
        def receive(self, warehouse: str, quantity: Quantity) -> None:
            on_hand = app.execute(
                commands.ReceiveStock(warehouse=warehouse, sku=self.sku, quantity=quantity)
            )
            self.on_hand[warehouse] = to_quantity(self.on_hand[warehouse] + quantity)
            assert on_hand == self.on_hand[warehouse]

        @rule(target=reserved_orders, quantity=kilograms(8))
        def reserve(self, quantity: Quantity) -> Any:
            items = [item for item in self._items().values() if item is not None]
            available = to_quantity(sum(item.available for item in items))
            order_id = app.execute(
                commands.PlaceOrder(
                    customer_id="C1",
                    lines=(commands.NewLine(sku=self.sku, quantity=quantity),),
                    payment_method=PaymentMethod.ON_ACCOUNT,
                )
            )
            app.execute(commands.ConfirmOrder(order_id=order_id))
            self.orders.append(order_id)
            refused = self._refused(commands.ReserveStock(order_id=order_id), InsufficientStock)
            assert refused == (quantity > available), (quantity, available)
            if refused:
                app.execute(commands.CancelOrder(order_id=order_id, reason="no stock"))
                return multiple()
            return order_id

        @rule(order_id=consumes(reserved_orders))
        def release(self, order_id: str) -> None:
            app.execute(commands.CancelOrder(order_id=order_id, reason="changed their mind"))

        @rule(order_id=consumes(reserved_orders))
        def ship(self, order_id: str) -> None:
            with app.uow() as uow:
                picks = uow.orders.get(order_id).picks
            if not picks:  # every unit was short at the pick, and none elsewhere
                app.execute(commands.CancelOrder(order_id=order_id, reason="none left"))
                return
            app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
            for pick in picks:
                self.on_hand[pick.warehouse] = to_quantity(
                    self.on_hand[pick.warehouse] - pick.quantity
                )

        @rule(order_id=reserved_orders, short=st.integers(0, 1000))
        def pick(self, order_id: str, short: int) -> None:
            """Pick the order in one of its warehouses, ``short`` thousandths of it not found."""
            if order_id in self.picked:
                return
            with app.uow() as uow:
                picks = uow.orders.get(order_id).picks
            warehouse = picks[0].warehouse
            units = to_quantity(sum(p.quantity for p in picks if p.warehouse == warehouse))
            missing = to_quantity((D(units) * short / 1000).quantize(D("0.001"), "ROUND_DOWN"))
            wave_id = app.execute(commands.CreateWave(warehouse=warehouse, order_ids=(order_id,)))
            found = app.execute(
                commands.ConfirmPick(
                    wave_id=wave_id, sku=self.sku, picked=to_quantity(units - missing)
                )
            )
            assert found == missing
            self.on_hand[warehouse] = to_quantity(self.on_hand[warehouse] - missing)
            self.picked.add(order_id)

        @rule(warehouse=st.sampled_from(WAREHOUSES), grams=st.integers(-3000, 3000))
        def count(self, warehouse: str, grams: int) -> None:
            """A count finds ``grams`` more or fewer than the books say (never below 0)."""
            item = self._items()[warehouse]
            counted = to_quantity(max(0, self.on_hand[warehouse] + D(grams).scaleb(-3)))
            command = commands.CountStock(
                warehouse=warehouse, sku=self.sku, counted=counted, counted_at=app.clock.now()
            )
            refused = self._refused(command, InvalidQuantity)
            assert refused == (item is not None and counted < item.reserved), (item, counted)
            if not refused:
                self.on_hand[warehouse] = counted

        @rule(warehouse=st.sampled_from(WAREHOUSES), quantity=kilograms(5))
        def write_off(self, warehouse: str, quantity: Quantity) -> None:
            item = self._items()[warehouse]
            if item is None:
                return
            command = commands.WriteOffStock(
                warehouse=warehouse, sku=self.sku, quantity=quantity, reason="spilt"
            )
            refused = self._refused(command, InsufficientStock)
            assert refused == (quantity > item.on_hand - item.reserved), (item, quantity)
            if not refused:
                self.on_hand[warehouse] = to_quantity(self.on_hand[warehouse] - quantity)

        # -- what always holds -----------------------------------------------------------

        @invariant()
        def the_books_are_exact(self) -> None:
            with app.uow() as uow:
                reserved_by_orders: dict[str, Quantity] = dict.fromkeys(WAREHOUSES, 0)
                for order_id in self.orders:
                    order = uow.orders.get(order_id)
                    if order.status in IN_WAREHOUSE:
                        for pick in order.picks:
                            _exact(pick.quantity)
                            reserved_by_orders[pick.warehouse] += pick.quantity
                for warehouse in WAREHOUSES:
                    item = uow.stock.find((warehouse, self.sku))
                    entries = uow.stock_ledger.for_item(warehouse, self.sku)
                    if item is None:
                        assert not entries
                        assert self.on_hand[warehouse] == 0
                        continue
                    _check_item(item, entries)
                    assert item.on_hand == self.on_hand[warehouse], (warehouse, item)
                    assert item.reserved == reserved_by_orders[warehouse], (warehouse, item)

    return FractionalStock


def _check_item(item: StockItem, entries: list[StockMovement]) -> None:
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert sum(e.on_hand_change for e in entries) == item.on_hand
    assert sum(e.reserved_change for e in entries) == item.reserved
    assert item.reserved == sum(r.quantity for r in item.reservations.values())
    assert 0 <= item.reserved <= item.on_hand
    assert item.available >= 0
    for value in (item.on_hand, item.reserved, item.available):
        _exact(value)
    for reservation in item.reservations.values():
        assert reservation.quantity > 0
        _exact(reservation.quantity)
    for entry in entries:
        _exact(entry.on_hand_change)
        _exact(entry.reserved_change)
        assert structure(unstructure(entry), StockMovement) == entry
    assert structure(unstructure(item), StockItem) == item


def _memory() -> Iterator[SalesApp]:
    yield build(Settings())


def _sqlite() -> Iterator[SalesApp]:
    app = build(Settings(), database_url="sqlite://")
    try:
        yield app
    finally:  # the test closes the generator: without finally, nothing after yield runs
        app.uow.dispose()  # type: ignore[attr-defined]


def _postgresql() -> Iterator[SalesApp]:
    app = build(Settings(), database_url=fresh_postgres())
    try:
        yield app
    finally:
        app.uow.dispose()  # type: ignore[attr-defined]


BACKENDS: dict[str, tuple[Callable[[], Iterator[SalesApp]], int]] = {
    "memory": (_memory, 100),
    "sqlite": (_sqlite, 50),
    "postgresql": (_postgresql, 30),
}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_fractional_stock_keeps_exact_books(backend: str) -> None:
    make_app, examples = BACKENDS[backend]
    apps = make_app()
    app = next(apps)
    try:
        run_state_machine_as_test(
            make_machine(app),
            settings=settings(
                max_examples=examples,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        apps.close()


@given(sst.stock_items(decimals=3), sst.reservations(decimals=6))
def test_fractional_stock_values_round_trip_exactly(item: StockItem, held: Reservation) -> None:
    """The JSON shapes keep whole quantities as ints and fractional ones as exact Decimals."""
    for value, kind in ((item, StockItem), (held, Reservation)):
        data = unstructure(value)
        assert structure(data, kind) == value
        assert unstructure(structure(data, kind)) == data
    for value in (item.on_hand, item.reserved, item.safety_stock, held.quantity):
        assert type(value) is int or value != value.to_integral_value()
    assert 0 <= item.reserved + item.safety_stock <= item.on_hand
