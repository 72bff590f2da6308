"""Properties of stock, the ledger and allocation (issue 5)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from salesorder import Address, Money, Product, SalesApp, Warehouse, commands, in_memory
from salesorder.domain.allocation import (
    ByPriority,
    DemandLine,
    FewestShipments,
    GreedyNearestPerLine,
    LowestCost,
    Nearest,
    OrderDemand,
    allocate_batch,
)
from salesorder.domain.customers import GeoPoint
from salesorder.exceptions import SalesOrderError
from salesorder.services.inventory import ledger

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
WAREHOUSES = ("W1", "W2", "W3")
SKUS = ("A", "B")


def _shop() -> SalesApp:
    app = in_memory()
    for i, code in enumerate(WAREHOUSES):
        app.execute(
            commands.AddWarehouse(
                warehouse=Warehouse(code=code, name=code, address=HERE, priority=i)
            )
        )
    for sku in SKUS:
        app.execute(
            commands.AddProduct(
                product=Product(
                    sku=sku,
                    name=sku,
                    price=Money.of("1000", "IDR"),
                    unit_cost=Money.of("500", "IDR"),
                )
            )
        )
    return app


# -- allocation ------------------------------------------------------------------------------

points = st.builds(
    GeoPoint,
    latitude=st.integers(-8, -6).map(str),
    longitude=st.integers(106, 112).map(str),
)
demands = st.lists(
    st.builds(
        OrderDemand,
        order_id=st.uuids().map(lambda u: u.hex[:8]),
        lines=st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 6)), min_size=1, max_size=4
        ).map(
            lambda ls: [
                DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
            ]
        ),
        destination=st.none() | points,
        priority=st.integers(0, 2),
    ),
    max_size=8,
    unique_by=lambda d: d.order_id,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(WAREHOUSES), st.sampled_from(SKUS)), st.integers(0, 10)
)
strategies = st.sampled_from(
    [ByPriority(), Nearest(), FewestShipments(), LowestCost(), GreedyNearestPerLine()]
)


def _warehouses(coords: list[GeoPoint]) -> list[Warehouse]:
    return [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, coords, strict=True))
    ]


@given(demands, stock, strategies, st.lists(points, min_size=3, max_size=3))
def test_no_allocation_exceeds_available_or_ordered(orders, available, strategy, coords):
    batch = allocate_batch(orders, _warehouses(coords), available, strategy)
    taken: Counter[tuple[str, str]] = Counter()
    for order, allocation in zip(
        sorted(orders, key=lambda o: (o.priority, o.order_id)), batch.allocations, strict=True
    ):
        assert allocation.order_id == order.order_id
        for line in order.lines:
            picked = sum(p.quantity for p in allocation.picks if p.line_id == line.line_id)
            short = sum(b.quantity for b in allocation.backorders if b.line_id == line.line_id)
            assert picked + short == line.quantity  # every unit is placed or backordered
        for pick in allocation.picks:
            taken[pick.warehouse, pick.sku] += pick.quantity
            assert pick.reason  # each allocation explains itself
    for key, units in taken.items():
        assert units <= available.get(key, 0)


@given(demands, stock, st.lists(points, min_size=3, max_size=3))
def test_backorders_only_when_stock_is_short(orders, available, coords):
    batch = allocate_batch(orders, _warehouses(coords), available)
    for allocation in batch.allocations:
        for short in allocation.backorders:
            left = sum(available.get((w, short.sku), 0) for w in WAREHOUSES)
            used = sum(p.quantity for a in batch.allocations for p in a.picks if p.sku == short.sku)
            assert used == left  # a line is backordered only when its SKU is used up


def test_exact_optimizer_is_never_beaten_by_the_heuristic():
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.allocation import allocation_cost
    from salesorder.domain.optimize import ExactOptimizer

    coords = [GeoPoint(latitude="-6", longitude=str(106 + 2 * i)) for i in range(3)]
    whs = _warehouses(coords)
    orders = [
        OrderDemand(
            order_id=f"O{i}",
            lines=[
                DemandLine(line_id="1", sku="A", quantity=2),
                DemandLine(line_id="2", sku="B", quantity=1),
            ],
            destination=GeoPoint(latitude="-7", longitude=str(106 + i)),
        )
        for i in range(5)
    ]
    available = {(w, s): 4 for w in WAREHOUSES for s in SKUS}
    exact = allocate_batch(orders, whs, available, ExactOptimizer())
    heuristic = allocate_batch(orders, whs, available)
    assert exact.backordered_units == heuristic.backordered_units == 0
    assert (
        allocation_cost(exact.allocations, orders, whs)
        <= allocation_cost(heuristic.allocations, orders, whs) + 1e-9
    )


# -- the stock ledger against a model ------------------------------------------------------


class StockMachine(RuleBasedStateMachine):
    """Stock commands in any order; the ledger, reservations and a simple model agree."""

    def __init__(self) -> None:
        super().__init__()
        self.app = _with_customer(_shop())
        self.on_hand: Counter[tuple[str, str]] = Counter()
        self.reserved: dict[str, dict[tuple[str, str], int]] = {}  # order -> units per item

    def _reserved_in(self, key: tuple[str, str]) -> int:
        return sum(units.get(key, 0) for units in self.reserved.values())

    @rule(sku=st.sampled_from(SKUS), q=st.integers(1, 6), hold=st.none() | st.just(30))
    def reserve(self, sku: str, q: int, hold: int | None) -> None:
        order_id = _order(self.app, "C1", {sku: q})
        free = sum(max(0, self.on_hand[w, sku] - self._reserved_in((w, sku))) for w in WAREHOUSES)
        try:
            self.app.execute(commands.ReserveStock(order_id=order_id, hold_minutes=hold))
        except SalesOrderError:
            assert free < q  # refused whole only when short
            return
        with self.app.uow() as uow:
            picks = uow.orders.get(order_id).picks
        units: Counter[tuple[str, str]] = Counter()
        for pick in picks:
            units[pick.warehouse, pick.sku] += pick.quantity
        assert sum(units.values()) == q
        self.reserved[order_id] = dict(units)

    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        if not self.reserved:
            return
        order_id = data.draw(st.sampled_from(sorted(self.reserved)))
        self.app.execute(commands.CancelOrder(order_id=order_id, reason="changed mind"))
        del self.reserved[order_id]

    @rule()
    def expire(self) -> None:
        self.app.clock.advance(dt.timedelta(minutes=31))  # type: ignore[attr-defined]
        released = self.app.execute(commands.ReleaseExpiredReservations())
        with self.app.uow() as uow:
            for order_id in released:
                assert uow.orders.get(order_id).status.value == "confirmed"
        for order_id in released:
            del self.reserved[order_id]

    @rule(w=st.sampled_from(WAREHOUSES), sku=st.sampled_from(SKUS), q=st.integers(1, 5))
    def receive(self, w: str, sku: str, q: int) -> None:
        self.app.execute(commands.ReceiveStock(warehouse=w, sku=sku, quantity=q))
        self.on_hand[w, sku] += q

    @rule(w=st.sampled_from(WAREHOUSES), sku=st.sampled_from(SKUS), q=st.integers(1, 5))
    def write_off(self, w: str, sku: str, q: int) -> None:
        try:
            self.app.execute(commands.WriteOffStock(warehouse=w, sku=sku, quantity=q, reason="x"))
        except SalesOrderError:
            assert self.on_hand[w, sku] - self._reserved_in((w, sku)) < q
        else:
            self.on_hand[w, sku] -= q

    @rule(w=st.sampled_from(WAREHOUSES), sku=st.sampled_from(SKUS), q=st.integers(0, 8))
    def count(self, w: str, sku: str, q: int) -> None:
        at = self.app.clock.now()
        try:
            variance = self.app.execute(
                commands.CountStock(warehouse=w, sku=sku, counted=q, counted_at=at)
            )
        except SalesOrderError:
            assert q < self._reserved_in((w, sku))  # a count never drops reserved units
            return
        assert variance == q - self.on_hand[w, sku]
        self.on_hand[w, sku] = q

    @rule(
        a=st.sampled_from(WAREHOUSES),
        b=st.sampled_from(WAREHOUSES),
        sku=st.sampled_from(SKUS),
        q=st.integers(1, 5),
    )
    def transfer(self, a: str, b: str, sku: str, q: int) -> None:
        try:
            self.app.execute(
                commands.TransferStock(from_warehouse=a, to_warehouse=b, sku=sku, quantity=q)
            )
        except SalesOrderError:
            assert a == b or self.on_hand[a, sku] - self._reserved_in((a, sku)) < q
        else:
            self.on_hand[a, sku] -= q
            self.on_hand[b, sku] += q

    @rule(
        w=st.sampled_from(WAREHOUSES),
        sku=st.sampled_from(SKUS),
        q=st.integers(1, 3),
        ok=st.booleans(),
    )
    def give_back(self, w: str, sku: str, q: int, ok: bool) -> None:
        self.app.execute(commands.ReturnStock(warehouse=w, sku=sku, quantity=q, sellable=ok))
        if ok:
            self.on_hand[w, sku] += q

    @invariant()
    def ledger_sums_to_on_hand(self) -> None:
        with self.app.uow() as uow:
            items = uow.stock.list()
        for item in items:
            entries = ledger(self.app, item.warehouse, item.sku)
            assert item.on_hand == sum(m.on_hand_change for m in entries)
            assert item.reserved == sum(m.reserved_change for m in entries)
            assert [m.seq for m in entries] == list(range(1, item.movements + 1))
            assert 0 <= item.reserved <= item.on_hand
            assert item.reserved == sum(r.quantity for r in item.reservations.values())
            assert item.on_hand == self.on_hand[item.key]
            assert item.reserved == self._reserved_in(item.key)


StockMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestStockMachine = StockMachine.TestCase


# -- reservations through the application -------------------------------------------------


def _order(app: SalesApp, customer: str, qty: dict[str, int]) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id=customer,
            lines=tuple(commands.NewLine(sku=s, quantity=q) for s, q in qty.items()),
            shipping_address=HERE,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def _with_customer(app: SalesApp) -> SalesApp:
    from salesorder import Customer

    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi")))
    return app


def test_split_reservation_ships_in_two_parcels_and_the_ledger_follows():
    app = _with_customer(_shop())
    app.execute(commands.ReceiveStock(warehouse="W1", sku="A", quantity=2))
    app.execute(commands.ReceiveStock(warehouse="W2", sku="B", quantity=3))
    order_id = _order(app, "C1", {"A": 2, "B": 1})
    assert app.execute(commands.ReserveStock(order_id=order_id)) == "W1"
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        assert order.pick_warehouses == ["W1", "W2"]
        assert all("split" in p.reason for p in order.picks)
    assert [m.kind.value for m in ledger(app, "W2", "B")] == ["receipt", "reservation"]


def test_expired_reservations_are_released_and_the_order_can_reserve_again():
    app = _with_customer(_shop())
    app.execute(commands.ReceiveStock(warehouse="W1", sku="A", quantity=2))
    order_id = _order(app, "C1", {"A": 2})
    app.execute(commands.ReserveStock(order_id=order_id, hold_minutes=15))
    assert app.execute(commands.ReleaseExpiredReservations()) == []
    app.clock.advance(dt.timedelta(minutes=15))  # type: ignore[attr-defined]
    assert app.execute(commands.ReleaseExpiredReservations()) == [order_id]
    with app.uow() as uow:
        assert uow.stock.get(("W1", "A")).reserved == 0
        assert uow.orders.get(order_id).status.value == "confirmed"
    app.execute(commands.ReserveStock(order_id=order_id))


def test_a_count_older_than_the_last_movement_is_refused():
    from salesorder.exceptions import StaleCount

    app = _shop()
    earlier = app.clock.now() - dt.timedelta(hours=1)
    app.execute(commands.ReceiveStock(warehouse="W1", sku="A", quantity=2))
    with pytest.raises(StaleCount, match="older than its last movement"):
        app.execute(commands.CountStock(warehouse="W1", sku="A", counted=1, counted_at=earlier))
    assert [m.kind.value for m in ledger(app, "W1", "A")] == ["receipt"]


@pytest.mark.parametrize("workers", [8])
def test_threads_racing_for_the_last_unit_exactly_one_wins(workers: int) -> None:
    app = _with_customer(_shop())
    app.backoff = lambda attempt: None
    app.retries = 50
    app.execute(commands.ReceiveStock(warehouse="W1", sku="A", quantity=1))
    orders = [_order(app, "C1", {"A": 1}) for _ in range(workers)]
    outcomes: list[str] = []
    barrier = threading.Barrier(workers)

    def work(order_id: str) -> None:
        barrier.wait()
        try:
            app.execute(commands.ReserveStock(order_id=order_id))
        except SalesOrderError as exc:
            outcomes.append(type(exc).__name__)
        else:
            outcomes.append("won")

    threads = [threading.Thread(target=work, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(outcomes) == {"won": 1, "InsufficientStock": workers - 1}
    with app.uow() as uow:
        assert uow.stock.get(("W1", "A")).reserved == 1
