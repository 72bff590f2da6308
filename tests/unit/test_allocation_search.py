"""The search over small batches: it finds what single exchanges cannot, and stays put.

The batches are drawn as the allocation benchmark draws its reference batches (5 warehouses
and 30 orders, and 3 warehouses and 30 orders, scarce stock). Before the search, the
default strategy stopped 4.9% above the proven optimum under the priority rule on the
first, and the whole-batch mode 8.5% above the whole-batch optimum on the second; the
target is 2%.
"""

from __future__ import annotations

import random

import pytest

from salesorder.domain.allocation import (
    DemandLine,
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse

HERE = Address(line1="x", city="Jakarta", country="ID")


def _batch(index: int) -> tuple[list[Warehouse], dict[tuple[str, str], int], list[OrderDemand]]:
    """Batch ``index`` of the benchmark's scarce-stock reference batches (seed 7)."""
    rng = random.Random(7)
    for _ in range(index + 1):
        warehouses = rng.choice([3, 5, 8, 12, 20])
        skus = rng.choice([8, 12, 20])
        count = rng.choice([5, 8, 12, 20, 30])

        def point() -> GeoPoint:
            lat, lon = f"{rng.uniform(-8, -6):.4f}", f"{rng.uniform(106, 112):.4f}"
            return GeoPoint(latitude=lat, longitude=lon)

        whs = [
            Warehouse(code=f"W{i}", name=f"W{i}", address=HERE, coordinates=point(), priority=i)
            for i in range(warehouses)
        ]
        available = {(w.code, f"S{s}"): rng.randint(0, 6) for w in whs for s in range(skus)}
        orders = []
        for o in range(count):
            chosen = rng.sample(range(skus), rng.randint(1, min(5, skus)))
            lines = [
                DemandLine(line_id=str(i), sku=f"S{s}", quantity=rng.randint(1, 3))
                for i, s in enumerate(chosen)
            ]
            orders.append(OrderDemand(order_id=f"O{o}", lines=lines, destination=point()))
    return whs, available, orders


@pytest.mark.parametrize(("index", "honour_priority"), [(9, True), (23, False)])
def test_the_search_lands_within_two_percent_of_the_proven_optimum(
    index: int, honour_priority: bool
) -> None:
    pytest.importorskip("scipy", reason="the proven optimum needs scipy (the optimize extra)")
    from salesorder.domain.optimize import ExactOptimizer, SolveStatus

    whs, available, orders = _batch(index)
    assert len(orders) == 30
    exact = ExactOptimizer(gap=0, time_limit=120, honour_priority=honour_priority)
    optimum = exact.solve(orders, whs, available)
    assert optimum.status is SolveStatus.OPTIMAL
    strategy = LowestCost(honour_priority=honour_priority)
    batch = allocate_batch(orders, whs, available, strategy)
    cost = allocation_cost(batch.allocations, orders, whs)
    assert optimum.cost - 1e-6 <= cost <= optimum.cost * 1.02
    # The steps are drawn from a generator seeded by the batch: the same batch, the same plan.
    assert allocate_batch(orders, whs, available, strategy) == batch


def test_the_search_keeps_what_each_order_gets_under_the_priority_rule() -> None:
    whs, available, orders = _batch(9)
    searched = allocate_batch(orders, whs, available, LowestCost())
    planned = allocate_batch(orders, whs, available, LowestCost(rounds=0))
    for before, after in zip(planned.allocations, searched.allocations, strict=True):
        assert before.units_allocated == after.units_allocated
        assert before.backorders == after.backorders
    assert allocation_cost(searched.allocations, orders, whs) < allocation_cost(
        planned.allocations, orders, whs
    )


def test_search_false_stops_after_the_exchanges() -> None:
    """Batch 9 without the search: the exchanges stop 4.9% above the optimum (644.19)."""
    whs, available, orders = _batch(9)
    searched = allocate_batch(orders, whs, available, LowestCost())
    exchanged = allocate_batch(orders, whs, available, LowestCost(search=False))
    cost = allocation_cost(exchanged.allocations, orders, whs)
    assert cost == pytest.approx(675.82, abs=0.01)
    assert allocation_cost(searched.allocations, orders, whs) < cost
