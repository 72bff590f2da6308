"""Allocation benchmark: default strategy at 1k/10k/100k orders, and cost gaps vs exact/greedy.

Run: ``python benchmarks/bench_allocation.py`` (the gap part needs scipy).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from salesorder.domain.allocation import (
    DemandLine,
    GreedyNearestPerLine,
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse

try:
    from _harness import Row, best_of
except ImportError:  # run as a script from elsewhere
    sys.path.insert(0, str(Path(__file__).parent))
    from _harness import Row, best_of

HERE = Address(line1="x", city="Jakarta", country="ID")


def instance(rng, warehouses, skus, orders, stock_lo, stock_hi):  # noqa: PLR0917
    def point():
        lat, lon = f"{rng.uniform(-8, -6):.4f}", f"{rng.uniform(106, 112):.4f}"
        return GeoPoint(latitude=lat, longitude=lon)

    whs = [
        Warehouse(code=f"W{i}", name=f"W{i}", address=HERE, coordinates=point(), priority=i)
        for i in range(warehouses)
    ]
    available = {
        (w.code, f"S{s}"): rng.randint(stock_lo, stock_hi) for w in whs for s in range(skus)
    }
    demand = []
    for o in range(orders):
        chosen = rng.sample(range(skus), rng.randint(1, min(5, skus)))
        lines = [
            DemandLine(line_id=str(i), sku=f"S{s}", quantity=rng.randint(1, 3))
            for i, s in enumerate(chosen)
        ]
        demand.append(OrderDemand(order_id=f"O{o}", lines=lines, destination=point()))
    return whs, available, demand


def growth() -> None:
    for n in (1_000, 10_000, 100_000):
        whs, available, orders = instance(
            random.Random(1), 20, 2_000, n, 0, 40 * max(1, n // 10_000)
        )
        start = time.perf_counter()
        batch = allocate_batch(orders, whs, available)
        took = time.perf_counter() - start
        print(f"{n:>7} orders: {took:.3f} s, {batch.backordered_units} units backordered")


class ExactPerOrder:
    """Each order solved exactly, in batch order (priority, date): the optimum that honours
    the order of service, which the heuristic is also bound by."""

    name = "exact per order"

    def __init__(self) -> None:
        from salesorder.domain.optimize import ExactOptimizer  # noqa: PLC0415 - needs scipy

        self.exact = ExactOptimizer()

    def allocate(self, order, warehouses, available):
        return self.exact.allocate(order, warehouses, available)


def gaps(trials: int = 20) -> None:
    from salesorder.domain.optimize import ExactOptimizer  # noqa: PLC0415 - needs scipy

    for label, lo, hi in (("ample stock", 2, 12), ("tight stock", 0, 6)):
        rng = random.Random(7)
        h_gap = g_gap = s_gap = 0.0
        for _ in range(trials):
            whs, available, orders = instance(rng, 5, 8, 12, lo, hi)
            exact = allocation_cost(
                allocate_batch(orders, whs, available, ExactOptimizer()).allocations, orders, whs
            )
            in_turn = allocation_cost(
                allocate_batch(orders, whs, available, ExactPerOrder()).allocations, orders, whs
            )
            heur = allocation_cost(
                allocate_batch(orders, whs, available, LowestCost()).allocations, orders, whs
            )
            greedy = allocation_cost(
                allocate_batch(orders, whs, available, GreedyNearestPerLine()).allocations,
                orders,
                whs,
            )
            h_gap += (heur - exact) / exact
            g_gap += (greedy - exact) / exact
            s_gap += (heur - in_turn) / in_turn
        print(
            f"{label}: default heuristic {100 * h_gap / trials:.1f}% above the batch optimum "
            f"({100 * s_gap / trials:.1f}% above each order's optimum in turn), "
            f"greedy nearest-per-line {100 * g_gap / trials:.1f}% above"
        )


def run() -> list[Row]:
    """Rows for benchmarks/run.py: the default strategy at 1k, 10k and 100k orders.

    The baseline is one plain pass over the same orders' lines (summing their units), so the
    ratio says how many such passes allocation costs.
    """
    rows = []
    for n in (1_000, 10_000, 100_000):
        stock_hi = 40 * max(1, n // 10_000)
        whs, available, orders = instance(random.Random(1), 20, 2_000, n, 0, stock_hi)
        repeat = 3 if n < 100_000 else 1
        measured = best_of(
            lambda o=orders, w=whs, a=available: allocate_batch(o, w, a), repeat=repeat
        )
        baseline = best_of(
            lambda o=orders: sum(line.quantity for order in o for line in order.lines),
            repeat=repeat,
        )
        target = "< 1000 ms" if n == 10_000 else "linear"
        rows.append(
            Row(
                name=f"allocate {n:,} orders (lowest cost)",
                measured=measured * 1e3,
                baseline=baseline * 1e3,
                unit="ms",
                target=target,
            )
        )
    return rows


if __name__ == "__main__":
    growth()
    gaps()
