"""Batch allocation honours the priority rule; the exact optimizer under that rule is a floor."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.allocation import (
    Allocation,
    DemandLine,
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
    batch_order,
    units_in_turn,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
WAREHOUSES = ("W1", "W2", "W3", "W4")
SKUS = ("A", "B", "C")
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)

points = st.builds(
    GeoPoint,
    latitude=st.integers(-80, -60).map(lambda n: str(n / 10)),
    longitude=st.integers(1060, 1120).map(lambda n: str(n / 10)),
)
orders = st.lists(
    st.builds(
        OrderDemand,
        order_id=st.uuids().map(lambda u: u.hex[:8]),
        # A SKU may appear on several lines of one order: they share its stock.
        lines=st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 4)), min_size=1, max_size=4
        ).map(
            lambda ls: [
                DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
            ]
        ),
        destination=points,
        priority=st.integers(0, 2),
        placed_at=st.none() | st.integers(0, 120).map(lambda m: START + dt.timedelta(minutes=m)),
    ),
    max_size=10,
    unique_by=lambda d: d.order_id,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(WAREHOUSES), st.sampled_from(SKUS)), st.integers(0, 8)
)
coordinates = st.lists(points, min_size=len(WAREHOUSES), max_size=len(WAREHOUSES))


def _warehouses(coords: list[GeoPoint]) -> list[Warehouse]:
    return [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, coords, strict=True))
    ]


def _picked(allocation: Allocation, line_id: str) -> int:
    return sum(p.quantity for p in allocation.picks if p.line_id == line_id)


def _check_rule(
    batch_orders: list[OrderDemand],
    allocations: tuple[Allocation, ...],
    whs: list[Warehouse],
    available: dict[tuple[str, str], int],
) -> None:
    queue = batch_order(batch_orders)
    assert [a.order_id for a in allocations] == [o.order_id for o in queue]
    taken: Counter[tuple[str, str]] = Counter()
    for order, allocation, row in zip(
        queue, allocations, units_in_turn(queue, whs, available), strict=True
    ):
        for line, units in zip(order.lines, row, strict=True):
            assert _picked(allocation, line.line_id) == units
            short = sum(b.quantity for b in allocation.backorders if b.line_id == line.line_id)
            assert units + short == line.quantity
        for pick in allocation.picks:
            assert pick.reason
            taken[pick.warehouse, pick.sku] += pick.quantity
    for key, units in taken.items():
        assert units <= available.get(key, 0)


@given(orders, stock, coordinates)
def test_lowest_cost_gives_each_line_what_the_priority_rule_gives_it(batch, available, coords):
    whs = _warehouses(coords)
    result = allocate_batch(batch, whs, available, LowestCost())
    _check_rule(batch, result.allocations, whs, available)


@given(orders, stock)
def test_units_in_turn_serves_earlier_orders_first(batch, available):
    queue = batch_order(batch)
    rows = units_in_turn(
        queue, _warehouses([GeoPoint(latitude="-6", longitude="106")] * 4), available
    )
    total = Counter[str]()
    for (warehouse, sku), units in available.items():
        total[sku] += units if warehouse in WAREHOUSES else 0
    for order, row in zip(queue, rows, strict=True):
        for line, units in zip(order.lines, row, strict=True):
            # A line gets all it ordered, or everything that was left.
            assert units == min(line.quantity, total[line.sku])
            total[line.sku] -= units


@settings(max_examples=40, deadline=None)
@given(orders, stock, coordinates)
def test_exact_optimizer_under_the_rule_is_a_floor_for_the_heuristic(batch, available, coords):
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer

    whs = _warehouses(coords)
    exact = allocate_batch(batch, whs, available, ExactOptimizer())
    _check_rule(batch, exact.allocations, whs, available)
    heuristic = allocate_batch(batch, whs, available, LowestCost())
    _check_rule(batch, heuristic.allocations, whs, available)
    # HiGHS stops within a relative gap of 1e-4 of the optimum (scipy's default).
    assert allocation_cost(exact.allocations, batch, whs) <= (
        allocation_cost(heuristic.allocations, batch, whs) * (1 + 1e-4) + 1e-6
    )


@given(orders, stock, coordinates)
def test_exchanges_never_raise_the_cost_nor_change_what_lines_get(batch, available, coords):
    whs = _warehouses(coords)
    planned = allocate_batch(batch, whs, available, LowestCost(rounds=0))
    improved = allocate_batch(batch, whs, available, LowestCost())
    assert allocation_cost(improved.allocations, batch, whs) <= (
        allocation_cost(planned.allocations, batch, whs) + 1e-9
    )
    for before, after in zip(planned.allocations, improved.allocations, strict=True):
        assert sorted((b.line_id, b.quantity) for b in before.backorders) == sorted(
            (b.line_id, b.quantity) for b in after.backorders
        )
