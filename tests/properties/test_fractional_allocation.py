"""Allocation of fractional quantities (kilograms to the gram) is exact with every strategy.

Batches of orders for SKUs sold by the kilogram, over four warehouses holding fractional
stock: every strategy gives each line exactly what it ordered in picks and backorders, no
warehouse more than it has, and quantities of at most 3 decimals (ints when whole); the
batch strategies give each line what the priority rule gives it; the exact optimizer is a
floor for the heuristic; and planning kilograms is planning grams: the same batch counted in
grams (times 1000) gets the same plan, divided by 1000.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.allocation import (
    Allocation,
    AllocationStrategy,
    BatchAllocation,
    ByPriority,
    CostModel,
    DemandLine,
    FewestShipments,
    GreedyNearestPerLine,
    LowestCost,
    Nearest,
    OrderDemand,
    allocate_batch,
    allocation_cost,
    batch_order,
    units_in_turn,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse
from salesorder.domain.units import Quantity, decimals_of, to_quantity

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")
WAREHOUSES = ("W1", "W2", "W3", "W4")
SKUS = ("COFFEE", "TEA", "SUGAR")
START = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
D = Decimal


def kilograms(low: int, high: int) -> st.SearchStrategy[Quantity]:
    """``low`` to ``high`` grams, as kilograms."""
    return st.integers(low, high).map(lambda g: to_quantity(D(g).scaleb(-3)))


points = st.builds(
    GeoPoint,
    latitude=st.integers(-80, -60).map(lambda n: str(n / 10)),
    longitude=st.integers(1060, 1120).map(lambda n: str(n / 10)),
)
orders = st.lists(
    st.builds(
        OrderDemand,
        order_id=st.uuids().map(lambda u: u.hex[:8]),
        lines=st.lists(
            st.tuples(st.sampled_from(SKUS), kilograms(1, 4000)), min_size=1, max_size=4
        ).map(
            lambda ls: [
                DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
            ]
        ),
        destination=points,
        priority=st.integers(0, 2),
        placed_at=st.none() | st.integers(0, 120).map(lambda m: START + dt.timedelta(minutes=m)),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda d: d.order_id,
)
stock = st.dictionaries(
    st.tuples(st.sampled_from(WAREHOUSES), st.sampled_from(SKUS)), kilograms(0, 8000)
)
coordinates = st.lists(points, min_size=len(WAREHOUSES), max_size=len(WAREHOUSES))

HEURISTICS: list[AllocationStrategy] = [
    ByPriority(),
    Nearest(),
    FewestShipments(),
    GreedyNearestPerLine(),
    LowestCost(),
]


def _warehouses(coords: list[GeoPoint]) -> list[Warehouse]:
    return [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, coords, strict=True))
    ]


def _exact(value: Quantity) -> None:
    if isinstance(value, Decimal):
        assert value != value.to_integral_value(), f"{value!r} is whole: it should be an int"
        assert decimals_of(value) <= 3, value
    else:
        assert type(value) is int, value


def _check(
    batch: list[OrderDemand],
    result: BatchAllocation,
    available: dict[tuple[str, str], Quantity],
    *,
    numbered_reasons: bool,
) -> None:
    """Lines get exactly what they ordered in picks and backorders; no stock is overdrawn."""
    by_id = {order.order_id: order for order in batch}
    taken: Counter[tuple[str, str]] = Counter()
    for allocation in result.allocations:
        order = by_id[allocation.order_id]
        for line in order.lines:
            picked = sum(p.quantity for p in allocation.picks if p.line_id == line.line_id)
            short = sum(b.quantity for b in allocation.backorders if b.line_id == line.line_id)
            assert picked + short == line.quantity, (line, allocation)
        for pick in allocation.picks:
            _exact(pick.quantity)
            taken[pick.warehouse, pick.sku] += pick.quantity
        for backorder in allocation.backorders:
            _exact(backorder.quantity)
            if numbered_reasons:  # the reason states the real quantity, not a scaled one
                assert f"has {backorder.quantity} more" in backorder.reason, backorder
        _exact(allocation.units_allocated)
    _exact(result.backordered_units)
    for key, units in taken.items():
        assert units <= available.get(key, 0), (key, units)


def _priority_rule(
    batch: list[OrderDemand], result: BatchAllocation, whs: list[Warehouse], available: dict
) -> None:
    queue = batch_order(batch)
    rows = units_in_turn(queue, whs, available)
    for order, allocation, row in zip(queue, result.allocations, rows, strict=True):
        assert allocation.order_id == order.order_id
        for line, units in zip(order.lines, row, strict=True):
            _exact(units)
            assert sum(p.quantity for p in allocation.picks if p.line_id == line.line_id) == units


@given(orders, stock, coordinates)
def test_every_heuristic_allocates_kilograms_exactly(batch, available, coords):
    whs = _warehouses(coords)
    for strategy in HEURISTICS:
        result = allocate_batch(batch, whs, available, strategy)
        _check(batch, result, available, numbered_reasons=True)
        _priority_rule(batch, result, whs, available)
        for order in batch:
            single = strategy.allocate(order, whs, available)
            _check([order], BatchAllocation(allocations=[single]), available, numbered_reasons=True)


def _in_grams(batch: list[OrderDemand]) -> list[OrderDemand]:
    return [
        OrderDemand(
            order_id=order.order_id,
            lines=[
                DemandLine(line_id=line.line_id, sku=line.sku, quantity=line.quantity * 1000)
                for line in order.lines
            ],
            destination=order.destination,
            priority=order.priority,
            placed_at=order.placed_at,
        )
        for order in batch
    ]


def _in_kilograms(allocation: Allocation) -> list[tuple[str, str, str, Quantity]]:
    return sorted(
        [
            (p.line_id, p.sku, p.warehouse, to_quantity(D(p.quantity) / 1000))
            for p in allocation.picks
        ]
        + [(b.line_id, b.sku, "", to_quantity(D(b.quantity) / 1000)) for b in allocation.backorders]
    )


@given(orders, stock, coordinates)
def test_planning_kilograms_is_planning_grams(batch, available, coords):
    """The strategies that rank without costs plan 1.25 kg as they plan 1250 g."""
    whs = _warehouses(coords)
    grams = {key: units * 1000 for key, units in available.items()}
    for strategy in (ByPriority(), Nearest(), FewestShipments(), GreedyNearestPerLine()):
        kilos = allocate_batch(batch, whs, available, strategy)
        whole = allocate_batch(_in_grams(batch), whs, grams, strategy)
        for fractional, counted in zip(kilos.allocations, whole.allocations, strict=True):
            assert _in_kilograms(counted) == sorted(
                [(p.line_id, p.sku, p.warehouse, p.quantity) for p in fractional.picks]
                + [(b.line_id, b.sku, "", b.quantity) for b in fractional.backorders]
            )


@settings(max_examples=30, deadline=None)
@given(orders, stock, coordinates)
def test_the_exact_optimizer_allocates_kilograms_at_the_cost_of_grams(batch, available, coords):
    """In steps of a gram, each priced a thousandth of a kilogram: a floor for the heuristic.

    The optimum of the batch in kilograms under the default cost model is the optimum of the
    same batch in grams under a model whose per-unit costs are a thousandth.
    """
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer

    whs = _warehouses(coords)
    exact = allocate_batch(batch, whs, available, ExactOptimizer())
    _check(batch, exact, available, numbered_reasons=False)
    _priority_rule(batch, exact, whs, available)
    heuristic = allocate_batch(batch, whs, available, LowestCost())
    cost = allocation_cost(exact.allocations, batch, whs)
    assert cost <= allocation_cost(heuristic.allocations, batch, whs) * (1 + 1e-4) + 1e-6
    per_gram = CostModel(per_unit=D("0.001"), per_unit_km=D("0.00001"))
    grams = {key: units * 1000 for key, units in available.items()}
    in_grams = allocate_batch(_in_grams(batch), whs, grams, ExactOptimizer(cost=per_gram))
    assert cost == pytest.approx(
        allocation_cost(in_grams.allocations, _in_grams(batch), whs, cost=per_gram), rel=2e-4
    )


def _coffee(quantity: Quantity) -> OrderDemand:
    return OrderDemand(
        order_id="O1", lines=[DemandLine(line_id="1", sku="COFFEE", quantity=quantity)]
    )


def test_a_worked_split_of_kilograms() -> None:
    """2.5 kg of coffee: W1 (first by priority) has 1.25 kg, W2 has 2 kg.

    ByPriority takes W1's 1.25 and the other 1.25 from W2 (0.75 kg stays there); of 3.5 kg
    it takes all 3.25 there is and backorders 0.25.
    """
    whs = _warehouses([GeoPoint(latitude="-6", longitude="106")] * 4)
    available: dict[tuple[str, str], Quantity] = {
        ("W1", "COFFEE"): D("1.25"),
        ("W2", "COFFEE"): 2,
    }
    allocation = ByPriority().allocate(_coffee(D("2.5")), whs, available)
    assert [(p.warehouse, p.quantity) for p in allocation.picks] == [
        ("W1", D("1.25")),
        ("W2", D("1.25")),
    ]
    assert allocation.units_allocated == D("2.5")
    assert allocation.is_complete
    short = ByPriority().allocate(_coffee(D("3.5")), whs, available)
    assert [(p.warehouse, p.quantity) for p in short.picks] == [("W1", D("1.25")), ("W2", 2)]
    assert [(b.quantity, b.reason) for b in short.backorders] == [
        (D("0.25"), "no warehouse has 0.25 more of SKU 'COFFEE' available")
    ]


@given(orders, stock, coordinates)
def test_a_callers_decimal_context_never_changes_a_plan(batch, available, coords):
    """At two significant digits, kilogram plans are those of the default context."""
    import decimal

    whs = _warehouses(coords)
    for strategy in HEURISTICS:
        expected = allocate_batch(batch, whs, available, strategy)
        with decimal.localcontext() as context:
            context.prec = 2
            got = allocate_batch(batch, whs, available, strategy)
            single = [strategy.allocate(order, whs, available) for order in batch]
        assert got == expected
        assert single == [strategy.allocate(order, whs, available) for order in batch]
