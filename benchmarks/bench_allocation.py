"""Allocation benchmark: default strategy at 1k/10k/100k orders, and cost gaps vs exact/greedy.

Run: ``python benchmarks/run.py allocation`` (the table), or ``python
benchmarks/bench_allocation.py`` (growth and gaps as text). The gap part needs scipy.

The default heuristic serves orders in turn (priority, then date), as the issue asks, so
it is compared with the exact optimum under that rule (``ExactOptimizer()``, whose lines
get exactly the units serving orders in turn gives them); the optimum of the whole batch
ignoring priority (``ExactOptimizer(honour_priority=False)``) is printed for reference.
"""

from __future__ import annotations

import importlib.util
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


STOCK_LEVELS = (("ample stock", 2, 12), ("scarce stock", 0, 6))


def gap_costs(lo: int, hi: int, trials: int = 20) -> dict[str, list[float]]:
    """Costs of ``trials`` generated batches (12 orders, 5 warehouses, 8 SKUs) per strategy.

    - ``exact``: the exact optimum under the priority rule (what the default heuristic is
      bound by: each line gets the units serving orders in turn gives it, only where they
      come from is free). This is the optimum the heuristic is compared with.
    - ``exact, whole batch``: the optimum when the batch may ignore order priority and date
      (most units first, then the lowest cost, whichever orders get them); for reference.
    - ``default``: :class:`LowestCost`; ``greedy``: nearest warehouse per line, in turn.
    """
    from salesorder.domain.optimize import ExactOptimizer  # noqa: PLC0415 - needs scipy

    strategies = {
        "exact": ExactOptimizer(),
        "exact, whole batch": ExactOptimizer(honour_priority=False),
        "default": LowestCost(),
        "greedy": GreedyNearestPerLine(),
    }
    costs: dict[str, list[float]] = {name: [] for name in strategies}
    rng = random.Random(7)
    for _ in range(trials):
        whs, available, orders = instance(rng, 5, 8, 12, lo, hi)
        for name, strategy in strategies.items():
            batch = allocate_batch(orders, whs, available, strategy)
            costs[name].append(allocation_cost(batch.allocations, orders, whs))
    return costs


def _mean_gap(costs: list[float], optimum: list[float]) -> float:
    return 100 * sum((c - o) / o for c, o in zip(costs, optimum, strict=True)) / len(costs)


def gaps(trials: int = 20) -> list[Row]:
    """Print the mean gaps to the optimum; rows with the total costs over the batches."""
    rows = []
    for label, lo, hi in STOCK_LEVELS:
        costs = gap_costs(lo, hi, trials)
        exact = costs["exact"]
        print(
            f"{label}: default heuristic {_mean_gap(costs['default'], exact):.1f}% above the "
            f"optimum under the priority rule, greedy nearest-per-line "
            f"{_mean_gap(costs['greedy'], exact):.1f}% above; that optimum is "
            f"{_mean_gap(exact, costs['exact, whole batch']):.1f}% above the optimum of the "
            "whole batch ignoring priority",
            file=sys.stderr,
        )
        for name, target in (("default", "< 1.05x"), ("greedy", "above default")):
            rows.append(
                Row(
                    name=f"{label}: {name} vs exact (priority rule), {trials} batches",
                    measured=sum(costs[name]),
                    baseline=sum(exact),
                    unit="cost",
                    target=target,
                )
            )
    return rows


def run() -> list[Row]:
    """Rows for benchmarks/run.py: the default strategy at 1k, 10k and 100k orders, then gaps.

    Timings: the baseline is one plain pass over the same orders' lines (summing their
    units), so the ratio says how many such passes allocation costs. Gaps (when scipy is
    installed): the total cost over 20 generated batches of the default heuristic and of the
    greedy baseline, against the exact optimum under the same priority rule; the ratio is
    1 + the gap. The mean gap per batch is printed to stderr.
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
    if importlib.util.find_spec("scipy") is not None:
        rows += gaps()
    return rows


if __name__ == "__main__":
    growth()
    gaps()
