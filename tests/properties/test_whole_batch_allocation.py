"""The whole-batch mode serves as many units as there are, never more; the optimum is a floor.

``LowestCost(honour_priority=False)`` may give scarce units to any order, but each SKU still
serves what was ordered of it or all there is, no warehouse gives more than it has, every
line's picks and backorders add up to what it ordered (in whole units and in kilograms),
and the exact whole-batch optimum never costs more.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.allocation import (
    BatchAllocation,
    DemandLine,
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
    batch_order,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse
from salesorder.domain.units import Quantity, to_quantity

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
WAREHOUSES = ("W1", "W2", "W3", "W4")
SKUS = ("A", "B", "C")
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)

whole = st.integers(1, 4).map(to_quantity)
kilograms = st.integers(1, 4000).map(lambda g: to_quantity(Decimal(g).scaleb(-3)))
points = st.builds(
    GeoPoint,
    latitude=st.integers(-80, -60).map(lambda n: str(n / 10)),
    longitude=st.integers(1060, 1120).map(lambda n: str(n / 10)),
)


def _orders(quantities: st.SearchStrategy[Quantity]) -> st.SearchStrategy[list[OrderDemand]]:
    return st.lists(
        st.builds(
            OrderDemand,
            order_id=st.uuids().map(lambda u: u.hex[:8]),
            lines=st.lists(
                st.tuples(st.sampled_from(SKUS), quantities), min_size=1, max_size=4
            ).map(
                lambda ls: [
                    DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
                ]
            ),
            destination=points,
            priority=st.integers(0, 2),
            placed_at=st.none()
            | st.integers(0, 120).map(lambda m: START + dt.timedelta(minutes=m)),
        ),
        max_size=10,
        unique_by=lambda d: d.order_id,
    )


def _stock(quantities: st.SearchStrategy[Quantity]) -> st.SearchStrategy[dict]:  # type: ignore[type-arg]
    return st.dictionaries(
        st.tuples(st.sampled_from(WAREHOUSES), st.sampled_from(SKUS)), quantities
    )


coordinates = st.lists(points, min_size=len(WAREHOUSES), max_size=len(WAREHOUSES))


def _warehouses(coords: list[GeoPoint]) -> list[Warehouse]:
    return [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, coords, strict=True))
    ]


def _check(batch: list[OrderDemand], result: BatchAllocation, available: dict) -> None:  # type: ignore[type-arg]
    """In the order of service; lines add up; no stock overdrawn; each SKU serves
    min(ordered, available)."""
    assert [a.order_id for a in result.allocations] == [o.order_id for o in batch_order(batch)]
    by_id = {order.order_id: order for order in batch}
    taken: Counter[tuple[str, str]] = Counter()
    served: Counter[str] = Counter()
    ordered: Counter[str] = Counter()
    for allocation in result.allocations:
        for line in by_id[allocation.order_id].lines:
            picked = sum(p.quantity for p in allocation.picks if p.line_id == line.line_id)
            short = sum(b.quantity for b in allocation.backorders if b.line_id == line.line_id)
            assert picked + short == line.quantity
            ordered[line.sku] += line.quantity
        for pick in allocation.picks:
            assert pick.reason
            taken[pick.warehouse, pick.sku] += pick.quantity
            served[pick.sku] += pick.quantity
    for key, units in taken.items():
        assert units <= available.get(key, 0)
    for sku, units in ordered.items():
        there = sum(u for (w, s), u in available.items() if s == sku and w in WAREHOUSES)
        assert served[sku] == min(units, there)


@given(_orders(whole), _stock(st.integers(0, 8)), coordinates)
def test_the_whole_batch_mode_serves_every_unit_it_can_and_no_more(batch, available, coords):
    whs = _warehouses(coords)
    _check(
        batch, allocate_batch(batch, whs, available, LowestCost(honour_priority=False)), available
    )


@given(
    _orders(kilograms),
    _stock(st.integers(0, 8000).map(lambda g: to_quantity(Decimal(g).scaleb(-3)))),
    coordinates,
)
def test_the_whole_batch_mode_allocates_kilograms_exactly(batch, available, coords):
    whs = _warehouses(coords)
    _check(
        batch, allocate_batch(batch, whs, available, LowestCost(honour_priority=False)), available
    )


@settings(max_examples=40, deadline=None)
@given(_orders(whole), _stock(st.integers(0, 8)), coordinates)
def test_the_whole_batch_optimum_is_a_floor_for_both_modes(batch, available, coords):
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer

    whs = _warehouses(coords)
    queue = batch_order(batch)  # solve() answers in the order it is given
    solution = ExactOptimizer(honour_priority=False, gap=0).solve(queue, whs, available)
    _check(batch, solution.allocation, available)
    assert solution.cost == pytest.approx(
        allocation_cost(solution.allocation.allocations, batch, whs)
    )
    for strategy in (LowestCost(honour_priority=False), ExactOptimizer()):
        other = allocate_batch(batch, whs, available, strategy)
        assert solution.cost <= allocation_cost(other.allocations, batch, whs) + 1e-6
