"""Swaps skipped because no partner can pay: the plans are those of trying every partner.

``_Exchange._better`` bounds what a swap with any holder of a SKU in a warehouse can save
(by the km between the two warehouses, the triangle inequality) and skips the holders when
the bound cannot beat the best move so far. The bound needs the parcels each order has in
each warehouse (``at``) and those holding one SKU alone (``alone``), kept through every
move, trial close, hand-over and search step. Here the whole strategy runs with and
without the bound (``_reach`` giving ``None``, as for zone distances) on small batches,
great-circle and planar, with warehouses and customers without a place, cheap and dear
parcels: every pick, reason and backorder must be the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.properties.test_allocation_exchange_close import _exchange
from tests.properties.test_allocation_priority import points
from tests.unit.test_allocation_search import _batch

from salesorder.domain.allocation import (
    CostModel,
    DemandLine,
    GreatCircle,
    LowestCost,
    OrderDemand,
    Planar,
    ZoneTable,
    allocate_batch,
    batch_order,
)
from salesorder.domain.allocation import exchange as exchange_module
from salesorder.domain.allocation.costs import _Context
from salesorder.domain.allocation.search import _search
from salesorder.domain.customers import Address, GeoPoint, Warehouse

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
WAREHOUSES = ("W1", "W2", "W3", "W4", "W5")
SKUS = ("A", "B", "C", "D", "E", "F")
ZONES = ("Z1", "Z2", "Z3")

orders = st.lists(
    st.builds(
        OrderDemand,
        order_id=st.uuids().map(lambda u: u.hex[:8]),
        lines=st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 3)), min_size=1, max_size=4
        ).map(
            lambda ls: [
                DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
            ]
        ),
        destination=st.none() | points,
        zone=st.sampled_from(("", *ZONES)),
        priority=st.integers(0, 2),
    ),
    max_size=30,
    unique_by=lambda d: d.order_id,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(WAREHOUSES), st.sampled_from(SKUS)), st.integers(0, 6)
)
places = st.lists(st.none() | points, min_size=len(WAREHOUSES), max_size=len(WAREHOUSES))
positions = st.dictionaries(
    st.sampled_from(WAREHOUSES + ZONES),
    st.tuples(st.integers(-50, 50), st.integers(-50, 50)),
)
costs = st.builds(
    CostModel,
    per_parcel=st.sampled_from(("0", "0.1", "3", "10", "1000")),
    per_unit_km=st.sampled_from(("0", "0.01", "0.3")),
    unknown_km=st.sampled_from(("0", "25")),
    distance=st.just(GreatCircle()) | positions.map(lambda p: Planar(positions=p)),
)


def _warehouses(coords: list[GeoPoint | None]) -> list[Warehouse]:
    return [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, coords, strict=True))
    ]


@contextmanager
def _unbounded() -> Iterator[None]:
    """Exchanges that look at every partner, as without a metric."""
    reach = exchange_module._reach
    exchange_module._reach = lambda ctx, kms: None
    try:
        yield
    finally:
        exchange_module._reach = reach


@settings(max_examples=300, deadline=None)
@given(orders, stock, places, costs, st.booleans())
def test_skipping_swaps_that_cannot_pay_changes_no_plan(
    demand: list[OrderDemand],
    available: dict[tuple[str, str], int],
    coords: list[GeoPoint | None],
    cost: CostModel,
    honour_priority: bool,
) -> None:
    whs = _warehouses(coords)
    strategy = LowestCost(cost=cost, honour_priority=honour_priority)
    bounded = allocate_batch(demand, whs, available, strategy)
    with _unbounded():
        unbounded = allocate_batch(demand, whs, available, strategy)
    assert bounded == unbounded


@pytest.mark.parametrize("honour_priority", [True, False])
@pytest.mark.parametrize("index", [6, 9, 11, 13])
def test_on_reference_batches_skipping_swaps_that_cannot_pay_changes_no_plan(
    index: int, honour_priority: bool
) -> None:
    """The benchmark's scarce batches (3 to 8 warehouses, 12 to 30 orders), searched too.

    Bounding as if no partner had a parcel at the source changes plans in each of these.
    """
    whs, available, demand = _batch(index)
    strategy = LowestCost(honour_priority=honour_priority)
    bounded = allocate_batch(demand, whs, available, strategy)
    with _unbounded():
        unbounded = allocate_batch(demand, whs, available, strategy)
    assert bounded == unbounded


def _index(exchange: exchange_module._Exchange) -> tuple[object, object]:
    """``exchange``'s parcel index, without empty sets, and the same built from its plans."""
    kept = (
        [set(orders) for orders in exchange.at],
        {key: set(held) for key, held in exchange.alone.items() if held},
    )
    at: list[set[int]] = [set() for _ in exchange.at]
    alone: dict[tuple[int, str], set[int]] = {}
    for o, plan in enumerate(exchange.plans):
        for w, units in plan.items():
            at[w].add(o)
            if len(units) == 1:
                alone.setdefault((w, next(iter(units))), set()).add(o)
    return kept, (at, alone)


@settings(max_examples=150, deadline=None)
@given(orders, stock, st.lists(points, min_size=4, max_size=4))
def test_the_parcel_index_follows_the_exchanges_and_the_search(
    demand: list[OrderDemand], available: dict[tuple[str, str], int], coords: list[GeoPoint]
) -> None:
    demand = [d for d in demand if d.destination is not None][:10]
    exchange = _exchange(demand, coords, available)
    kept, built = _index(exchange)
    assert kept == built
    exchange.run(3)
    kept, built = _index(exchange)
    assert kept == built
    strategy = LowestCost()
    queue = list(batch_order(demand))
    _search(exchange, queue, lambda d: strategy._plan_merged(d, exchange.ctx, exchange.index))
    kept, built = _index(exchange)
    assert kept == built


@given(st.lists(points, min_size=2, max_size=5), st.lists(points, min_size=1, max_size=5))
def test_great_circle_spread_bounds_how_much_farther_one_warehouse_is(
    coords: list[GeoPoint], customers: list[GeoPoint]
) -> None:
    whs = [
        Warehouse(code=f"W{i}", name="w", address=HERE, coordinates=p, priority=i)
        for i, p in enumerate(coords)
    ]
    ctx = _Context(whs, None, CostModel())
    spread = ctx.spread()
    assert spread is not None
    for i, point in enumerate(customers):
        km = ctx.distances(OrderDemand(order_id=f"O{i}", lines=[], destination=point))
        for s, row in enumerate(spread):
            for t, apart in enumerate(row):
                assert km[t] - km[s] <= apart + 1e-6


def test_a_warehouse_without_coordinates_is_unbounded_and_zone_distances_have_no_spread() -> None:
    """A customer may be 0 km from W1 (by its zone) and ``unknown_km`` from W2: no bound holds.

    Zone tables need not obey the triangle inequality: 1 km to W1 and 500 to W2 from a
    zone, though the two warehouses are a few km apart.
    """
    near = GeoPoint(latitude="-6.2", longitude="106.8")
    whs = [
        Warehouse(code="W1", name="w", address=HERE, coordinates=near, priority=0),
        Warehouse(code="W2", name="w", address=HERE, coordinates=None, priority=1),
    ]
    spread = _Context(whs, None, CostModel()).spread()
    assert spread is not None
    assert spread[0][0] == 0
    assert spread[0][1] == spread[1][0] == math.inf
    table = ZoneTable(distances={("FAR", "W1"): 1, ("FAR", "W2"): 500})
    assert _Context(whs, None, CostModel(distance=table)).spread() is None
    assert _Context(whs, table, CostModel()).spread() is None


def test_planar_spread_is_the_straight_line_between_warehouses() -> None:
    cost = CostModel(distance=Planar(positions={"W1": (0, 0), "W2": (3, 4), "Z": (1, 1)}))
    whs = [
        Warehouse(code=code, name="w", address=HERE, coordinates=None, priority=i)
        for i, code in enumerate(("W1", "W2", "W3"))
    ]
    spread = _Context(whs, None, cost).spread()
    assert spread == [[0.0, 5.0, math.inf], [5.0, 0.0, math.inf], [math.inf, math.inf, math.inf]]
