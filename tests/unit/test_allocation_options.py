"""The exact optimizer's options and report, the whole-batch mode and the distance options."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from salesorder.domain.allocation import (
    CostModel,
    DemandLine,
    GreatCircle,
    LowestCost,
    OrderDemand,
    Planar,
    ZoneTable,
    allocate_batch,
    allocation_cost,
)
from salesorder.domain.customers import Address, Warehouse
from salesorder.exceptions import ValidationError

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")


def _warehouse(code: str, priority: int = 0) -> Warehouse:
    return Warehouse(code=code, name=code, address=HERE, priority=priority)


def _order(order_id: str, zone: str, *lines: tuple[str, int], priority: int = 0) -> OrderDemand:
    return OrderDemand(
        order_id=order_id,
        zone=zone,
        priority=priority,
        lines=[DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(lines)],
    )


# -- distances ---------------------------------------------------------------------------------


def test_planar_distance_is_the_straight_line_between_positions() -> None:
    """W1 at (0, 0) and W2 at (30, 40): a customer in zone Z at (3, 4) is 5 km from W1 and
    50 km from W2. Two units from W1 cost 10 + 2 * (1 + 0.01 * 5) = 12.10."""
    cost = CostModel(distance=Planar(positions={"W1": (0, 0), "W2": ("30", "40"), "Z": (3, 4)}))
    whs = [_warehouse("W1", 1), _warehouse("W2", 0)]
    order = _order("O1", "Z", ("A", 2))
    available = {("W1", "A"): 5, ("W2", "A"): 5}
    allocation = LowestCost(cost=cost).allocate(order, whs, available)
    assert [(p.warehouse, p.quantity) for p in allocation.picks] == [("W1", 2)]
    assert allocation_cost([allocation], [order], whs, cost=cost) == pytest.approx(12.10)


def test_a_place_without_a_planar_position_is_unknown_km_away() -> None:
    """100 km: 10 + 1 * (1 + 0.01 * 100) = 12."""
    cost = CostModel(unknown_km=100, distance=Planar(positions={"W1": (0, 0)}))
    whs = [_warehouse("W1")]
    order = _order("O1", "NOWHERE", ("A", 1))
    allocation = LowestCost(cost=cost).allocate(order, whs, {("W1", "A"): 1})
    assert allocation_cost([allocation], [order], whs, cost=cost) == pytest.approx(12.0)


def test_a_distance_table_in_the_cost_model_chooses_the_warehouse() -> None:
    """By the table, W2 is 10 km from zone JKT and W1 400 km: W2 ships though W1 ranks first."""
    table = ZoneTable(distances={("JKT", "W1"): 400, ("JKT", "W2"): "10"})
    cost = CostModel(distance=table)
    whs = [_warehouse("W1", 0), _warehouse("W2", 1)]
    order = _order("O1", "JKT", ("A", 1))
    available = {("W1", "A"): 1, ("W2", "A"): 1}
    allocation = LowestCost(cost=cost).allocate(order, whs, available)
    assert [p.warehouse for p in allocation.picks] == ["W2"]
    assert allocation_cost([allocation], [order], whs, cost=cost) == pytest.approx(11.1)


def test_great_circle_is_the_default_distance() -> None:
    assert CostModel().distance == GreatCircle()


@pytest.mark.parametrize(
    "distances",
    [
        {("JKT", "W1"): -1},
        {("JKT", "W1"): "NaN"},
        {("JKT", "W1"): "Infinity"},
        {("JKT", "W1"): 1.5},
        {("JKT",): 1},
        {("JKT", ""): 1},
        {"JKT": 1},
    ],
)
def test_a_bad_distance_table_is_refused(distances: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises((ValidationError, TypeError)):
        ZoneTable(distances=distances)


@pytest.mark.parametrize(
    "positions",
    [
        {"W1": (0.5, 1)},
        {"W1": (0, "NaN")},
        {"W1": (0, 1, 2)},
        {"W1": 3},
        {"": (0, 0)},
    ],
)
def test_bad_planar_positions_are_refused(positions: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises((ValidationError, TypeError)):
        Planar(positions=positions)


def test_a_distance_of_another_kind_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"CostModel\.distance"):
        CostModel(distance="planar")  # type: ignore[arg-type]


# -- the whole-batch mode ------------------------------------------------------------------


def _scarce_batch() -> tuple[list[Warehouse], dict[tuple[str, str], int], list[OrderDemand]]:
    """One unit of A, in W1 (zone NEAR is 1 km away, zone FAR 500 km).

    O1 (priority 0) is in FAR, O2 (priority 1) in NEAR; both want one A.
    """
    whs = [_warehouse("W1")]
    orders = [_order("O1", "FAR", ("A", 1)), _order("O2", "NEAR", ("A", 1), priority=1)]
    return whs, {("W1", "A"): 1}, orders


def test_the_whole_batch_mode_gives_scarce_units_to_the_order_cheapest_to_serve() -> None:
    """Under the priority rule O1 gets the unit (10 + 1 + 0.01 * 500 = 16); the whole-batch
    mode gives it to O2 instead (10 + 1 + 0.01 * 1 = 11.01), which is served later."""
    whs, available, orders = _scarce_batch()
    cost = CostModel(distance=ZoneTable(distances={("NEAR", "W1"): 1, ("FAR", "W1"): 500}))
    ruled = allocate_batch(orders, whs, available, LowestCost(cost=cost))
    whole = allocate_batch(orders, whs, available, LowestCost(cost=cost, honour_priority=False))
    assert ruled.for_order("O1").picks
    assert not ruled.for_order("O2").picks
    assert whole.for_order("O2").picks
    assert not whole.for_order("O1").picks
    assert [a.order_id for a in whole.allocations] == ["O1", "O2"]  # still in turn
    assert "went to lines cheaper to serve" in whole.for_order("O1").backorders[0].reason
    assert allocation_cost(whole.allocations, orders, whs, cost=cost) == pytest.approx(11.01)
    assert allocation_cost(ruled.allocations, orders, whs, cost=cost) == pytest.approx(16.0)


# -- the exact optimizer -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("time_limit", 0),
        ("time_limit", -1.0),
        ("time_limit", math.inf),
        ("time_limit", math.nan),
        ("time_limit", "30"),
        ("time_limit", True),
        ("gap", -0.01),
        ("gap", 1),
        ("gap", math.nan),
        ("gap", Decimal("0.01")),
        ("max_variables", 0),
        ("max_variables", 2.5),
    ],
)
def test_bad_optimizer_options_are_refused(option: str, value: object) -> None:
    from salesorder.domain.optimize import ExactOptimizer

    with pytest.raises(ValidationError, match=rf"ExactOptimizer\.{option}"):
        ExactOptimizer(**{option: value})  # type: ignore[arg-type]


def test_no_time_limit_and_a_zero_gap_are_allowed() -> None:
    from salesorder.domain.optimize import ExactOptimizer

    optimizer = ExactOptimizer(time_limit=None, gap=0)
    assert (optimizer.time_limit, optimizer.gap) == (None, 0)


def test_the_optimizer_reports_the_real_cost_its_bound_and_a_proven_status() -> None:
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer, SolveStatus

    whs, available, orders = _scarce_batch()
    cost = CostModel(distance=ZoneTable(distances={("NEAR", "W1"): 1, ("FAR", "W1"): 500}))
    for honour, expected in ((True, 16.0), (False, 11.01)):
        solution = ExactOptimizer(cost=cost, gap=0, honour_priority=honour).solve(
            orders, whs, available
        )
        assert solution.status is SolveStatus.OPTIMAL
        assert solution.cost == pytest.approx(expected)
        assert solution.cost == pytest.approx(
            allocation_cost(solution.allocation.allocations, orders, whs, cost=cost)
        )
        assert solution.gap == pytest.approx(0, abs=1e-9)
        assert all(
            p.reason.startswith("optimal") for a in solution.allocation.allocations for p in a.picks
        )


def test_a_batch_too_large_is_planned_by_the_heuristic_without_a_bound() -> None:
    pytest.importorskip("scipy", reason="the exact optimizer needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer, SolveStatus

    whs, available, orders = _scarce_batch()
    solution = ExactOptimizer(max_variables=1, honour_priority=False).solve(orders, whs, available)
    assert solution.status is SolveStatus.HEURISTIC
    assert (solution.bound, solution.gap) == (None, None)
    (pick,) = [p for a in solution.allocation.allocations for p in a.picks]
    assert "too large for the exact optimizer" in pick.reason


def test_the_proven_gap_is_relative_to_the_plans_cost() -> None:
    from salesorder.domain.allocation import BatchAllocation
    from salesorder.domain.optimize import ExactSolution, SolveStatus

    empty = BatchAllocation(allocations=[])
    assert ExactSolution(
        allocation=empty, status=SolveStatus.WITHIN_GAP, cost=200.0, bound=199.0
    ).gap == pytest.approx(0.005)
    assert ExactSolution(allocation=empty, status=SolveStatus.OPTIMAL, cost=0.0, bound=0.0).gap == 0
