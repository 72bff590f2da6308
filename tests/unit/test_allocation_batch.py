"""Worked examples of batch allocation: the priority rule, regret and exchanges."""

from __future__ import annotations

import datetime as dt

from salesorder.domain.allocation import (
    Allocation,
    BatchAllocation,
    BatchStrategy,
    ByPriority,
    DemandLine,
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
    units_in_turn,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
NINE = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _warehouse(code: str, lat: str, lon: str) -> Warehouse:
    return Warehouse(
        code=code, name=code, address=HERE, coordinates=GeoPoint(latitude=lat, longitude=lon)
    )


def _order(
    order_id: str, lines: list[tuple[str, int]], lat: str, lon: str, **kwargs: object
) -> OrderDemand:
    return OrderDemand(
        order_id=order_id,
        lines=[DemandLine(line_id=str(i), sku=s, quantity=q) for i, (s, q) in enumerate(lines)],
        destination=GeoPoint(latitude=lat, longitude=lon),
        **kwargs,  # type: ignore[arg-type]
    )


def test_priority_decides_who_gets_scarce_stock_not_cost():
    whs = [_warehouse("W1", "-6", "106")]
    near = _order("NEAR", [("X", 1)], "-6", "106", priority=1, placed_at=NINE)
    urgent = _order("URGENT", [("X", 1)], "-6", "110", priority=0, placed_at=NINE)
    batch = allocate_batch([near, urgent], whs, {("W1", "X"): 1})
    assert [a.order_id for a in batch.allocations] == ["URGENT", "NEAR"]
    assert batch.for_order("URGENT").units_allocated == 1
    (short,) = batch.for_order("NEAR").backorders
    assert short.quantity == 1
    assert "served before it" in short.reason


def test_units_in_turn_follows_priority_then_date():
    whs = [_warehouse("W1", "-6", "106"), _warehouse("W2", "-6", "107")]
    late = _order("A-LATE", [("X", 2)], "-6", "106", placed_at=NINE + dt.timedelta(hours=1))
    early = _order("B-EARLY", [("X", 2)], "-6", "106", placed_at=NINE)
    assert units_in_turn([early, late], whs, {("W1", "X"): 1, ("W2", "X"): 2}) == [[2], [1]]
    # Stock in a warehouse that is not in the batch does not count.
    assert units_in_turn([early], whs[:1], {("W1", "X"): 1, ("W2", "X"): 2}) == [[1]]


def test_the_order_with_most_to_lose_chooses_first():
    # FIRST is served first by priority and lives half-way between the warehouses; SECOND
    # lives next to W1. Served strictly in turn, FIRST takes W1 and SECOND's unit crosses
    # 110 km from W2; the default lets SECOND (the higher regret) choose first instead.
    whs = [_warehouse("W1", "-6", "106"), _warehouse("W2", "-6", "107")]
    available = {("W1", "X"): 1, ("W2", "X"): 1}
    first = _order("FIRST", [("X", 1)], "-6", "106.49", priority=0)
    second = _order("SECOND", [("X", 1)], "-6", "106", priority=1)
    batch = allocate_batch([first, second], whs, available)
    assert [p.warehouse for p in batch.for_order("FIRST").picks] == ["W2"]
    assert [p.warehouse for p in batch.for_order("SECOND").picks] == ["W1"]
    in_turn = allocate_batch([first, second], whs, available, ByPriority())
    orders = [first, second]
    assert allocation_cost(batch.allocations, orders, whs) < allocation_cost(
        in_turn.allocations, orders, whs
    )


def test_an_exchange_between_two_orders_lowers_the_cost_and_says_so():
    # O0 (served first) needs 3 of S0 and must split; O2 gets the last unit. Planned one by
    # one, O0 ends up with a parcel from the far W0; swapping units with O2 is cheaper.
    whs = [
        _warehouse("W0", "-7.6417", "106.1409"),
        _warehouse("W1", "-6.3169", "106.7277"),
        _warehouse("W2", "-6.3121", "110.0412"),
    ]
    available = {("W0", "S0"): 2, ("W0", "S1"): 1, ("W1", "S0"): 2, ("W1", "S1"): 1}
    orders = [
        _order("O0", [("S0", 3)], "-6.5021", "111.6074"),
        _order("O1", [("S1", 3)], "-7.6392", "106.4640"),
        _order("O2", [("S0", 2)], "-6.7680", "110.5213"),
    ]
    planned = allocate_batch(orders, whs, available, LowestCost(rounds=0))
    improved = allocate_batch(orders, whs, available)
    assert allocation_cost(improved.allocations, orders, whs) < allocation_cost(
        planned.allocations, orders, whs
    )
    reasons = [p.reason for a in improved.allocations for p in a.picks]
    assert any("exchanged with order O2" in r for r in reasons)
    assert any("exchanged with order O0" in r for r in reasons)
    # The exchange moves units, never how many each line gets.
    for before, after in zip(planned.allocations, improved.allocations, strict=True):
        assert before.units_allocated == after.units_allocated


class _Recording:
    """A strategy of one's own: with ``allocate_batch`` it is a BatchStrategy by shape."""

    name = "recording"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.inner = LowestCost()

    def allocate(
        self, order: OrderDemand, warehouses: list[Warehouse], available: dict[tuple[str, str], int]
    ) -> Allocation:
        return self.inner.allocate(order, warehouses, available)

    def allocate_batch(
        self,
        orders: list[OrderDemand],
        warehouses: list[Warehouse],
        available: dict[tuple[str, str], int],
    ) -> BatchAllocation:
        self.batches.append([order.order_id for order in orders])
        return self.inner.allocate_batch(orders, warehouses, available)


class _OneAtATime:
    """A strategy without ``allocate_batch``: allocate_batch serves it order by order."""

    name = "one at a time"

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def allocate(
        self, order: OrderDemand, warehouses: list[Warehouse], available: dict[tuple[str, str], int]
    ) -> Allocation:
        self.seen.append((order.order_id, available.get(("W1", "X"), 0)))
        return LowestCost().allocate(order, warehouses, available)


def test_a_batch_strategy_of_ones_own_gets_the_whole_batch_in_turn():
    whs = [_warehouse("W1", "-6", "106")]
    late = _order("LATE", [("X", 1)], "-6", "106", placed_at=NINE + dt.timedelta(hours=1))
    early = _order("EARLY", [("X", 1)], "-6", "106", placed_at=NINE)
    strategy = _Recording()
    assert isinstance(strategy, BatchStrategy)
    batch = allocate_batch([late, early], whs, {("W1", "X"): 1}, strategy)
    assert strategy.batches == [["EARLY", "LATE"]]
    assert batch.for_order("EARLY").units_allocated == 1


def test_any_other_strategy_sees_what_the_orders_before_it_left():
    whs = [_warehouse("W1", "-6", "106")]
    first = _order("A", [("X", 2)], "-6", "106", placed_at=NINE)
    second = _order("B", [("X", 2)], "-6", "106", placed_at=NINE + dt.timedelta(hours=1))
    strategy = _OneAtATime()
    assert not isinstance(strategy, BatchStrategy)
    available = {("W1", "X"): 3}
    batch = allocate_batch([second, first], whs, available, strategy)
    assert strategy.seen == [("A", 3), ("B", 1)]
    assert batch.for_order("B").units_allocated == 1
    assert available == {("W1", "X"): 3}  # not changed
