"""Allocation benchmark: speed at 1k/10k/100k orders, and cost gaps against proven optima.

Run: ``python benchmarks/run.py allocation`` (the table), or ``python
benchmarks/bench_allocation.py`` (the same rows as text). The gap part needs scipy.

Speed: the default strategy on two mixes of 1 to 5 lines over 20 warehouses and 2,000 SKUs:
``uniform`` (every SKU as likely, stock 0 to 40 per warehouse and SKU) and ``hot`` (Zipf
popularity, the SKU of rank r drawn in proportion to 1/r; stock about 1.3 times what is
ordered, but 20% of the SKUs, chosen at random, have only 40 to 90% of it).

Small batches: the default strategy over the reference batches below, against planning
alone (``rounds=0``): what the exchanges and the search over small batches cost.

Gaps: each mode of :class:`LowestCost` against the proven optimum of the same rule (the
exact optimizer with ``gap=0``): the default (``honour_priority=True``) against
``ExactOptimizer()``, the whole-batch mode against ``ExactOptimizer(honour_priority=False)``,
the worst batch and the mean, on 24 generated batches per stock level (3 to 20 warehouses,
5 to 30 orders, 8 to 20 SKUs). Then the optimizer's own reported gap (default ``gap``)
against the gap its plan really has.
"""

from __future__ import annotations

import importlib.util
import random
import sys
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


def hot_instance(rng, warehouses, skus, orders):
    """The hot-SKU mix: Zipf-like popularity, 20% of the SKUs short (see the module doc)."""

    def point():
        lat, lon = f"{rng.uniform(-8, -6):.4f}", f"{rng.uniform(106, 112):.4f}"
        return GeoPoint(latitude=lat, longitude=lon)

    whs = [
        Warehouse(code=f"W{i}", name=f"W{i}", address=HERE, coordinates=point(), priority=i)
        for i in range(warehouses)
    ]
    weights = [1 / (rank + 1) for rank in range(skus)]
    wanted = [0] * skus
    demand = []
    for o in range(orders):
        chosen: set[int] = set()
        size = rng.randint(1, 5)
        while len(chosen) < size:
            chosen.add(rng.choices(range(skus), weights)[0])
        lines = []
        for i, s in enumerate(sorted(chosen)):
            quantity = rng.randint(1, 3)
            wanted[s] += quantity
            lines.append(DemandLine(line_id=str(i), sku=f"S{s}", quantity=quantity))
        demand.append(OrderDemand(order_id=f"O{o}", lines=lines, destination=point()))
    short = set(rng.sample(range(skus), skus // 5))
    available: dict[tuple[str, str], int] = {}
    for s in range(skus):
        units = int(wanted[s] * rng.uniform(0.4, 0.9)) if s in short else int(wanted[s] * 1.3) + 2
        for _ in range(units):
            key = (f"W{rng.randrange(warehouses)}", f"S{s}")
            available[key] = available.get(key, 0) + 1
    return whs, available, demand


def _mix(name, n):
    if name == "hot":
        return hot_instance(random.Random(1), 20, 2_000, n)
    return instance(random.Random(1), 20, 2_000, n, 0, 40 * max(1, n // 10_000))


def speed() -> list[Row]:
    """The default strategy at 1k, 10k and 100k orders (uniform mix) and 10k, 100k (hot).

    The baseline of each timing is one plain pass over the same orders' lines (summing
    their units), so the ratio says how many such passes allocation costs; the 100k rows
    are followed by a row with the 10k timing as baseline (target: 12x at most).
    """
    rows = []
    for mix, sizes in (("uniform", (1_000, 10_000, 100_000)), ("hot", (10_000, 100_000))):
        took = {}
        for n in sizes:
            whs, available, orders = _mix(mix, n)
            repeat = 3 if n < 100_000 else 1
            measured = best_of(
                lambda o=orders, w=whs, a=available: allocate_batch(o, w, a), repeat=repeat
            )
            baseline = best_of(
                lambda o=orders: sum(line.quantity for order in o for line in order.lines),
                repeat=repeat,
            )
            took[n] = measured
            rows.append(
                Row(
                    name=f"allocate {n:,} orders, {mix} mix (lowest cost)",
                    measured=measured * 1e3,
                    baseline=baseline * 1e3,
                    unit="ms",
                    target="< 1000 ms" if n == 10_000 else "",
                )
            )
            if n == 100_000:
                rows.append(
                    Row(
                        name=f"  100,000 against 10,000 orders, {mix} mix",
                        measured=measured * 1e3,
                        baseline=took[10_000] * 1e3,
                        unit="ms",
                        target="< 12x",
                    )
                )
    return rows


STOCK_LEVELS = (("ample stock", 2, 12), ("scarce stock", 0, 6))
TRIALS = 24


def batches(lo: int, hi: int, trials: int = TRIALS):
    """``trials`` generated batches: 3 to 20 warehouses, 8 to 20 SKUs, 5 to 30 orders."""
    rng = random.Random(7)
    for _ in range(trials):
        warehouses = rng.choice([3, 5, 8, 12, 20])
        skus = rng.choice([8, 12, 20])
        orders = rng.choice([5, 8, 12, 20, 30])
        yield instance(rng, warehouses, skus, orders, lo, hi)


def gap_costs(lo: int, hi: int, trials: int = TRIALS) -> dict[str, list[float]]:
    """Costs per batch: proven optima, both modes of the heuristic, the greedy baseline.

    ``exact`` and ``exact, whole batch`` are proven optima (``gap=0``) under the priority
    rule and for the whole batch; a batch the solver could not prove within its time limit
    is left out (``unproven`` counts them). ``exact, default gap``: the optimizer with its
    default settings, and ``reported``, the gap it reports on its plan.
    """
    from salesorder.domain.optimize import ExactOptimizer, SolveStatus  # noqa: PLC0415

    heuristics = {
        "default": LowestCost(),
        "whole batch": LowestCost(honour_priority=False),
        "greedy": GreedyNearestPerLine(),
    }
    costs: dict[str, list[float]] = {
        name: []
        for name in (
            "exact",
            "exact, whole batch",
            "exact, default gap",
            "reported",
            "labelled optimal",
            *heuristics,
        )
    }
    costs["unproven"] = [0.0]
    for whs, available, orders in batches(lo, hi, trials):
        rule = ExactOptimizer(gap=0, time_limit=60).solve(orders, whs, available)
        whole = ExactOptimizer(gap=0, time_limit=60, honour_priority=False).solve(
            orders, whs, available
        )
        if SolveStatus.OPTIMAL not in {rule.status, whole.status} or rule.status != whole.status:
            costs["unproven"][0] += 1
            continue
        default = ExactOptimizer(honour_priority=False).solve(orders, whs, available)
        costs["exact"].append(rule.cost)
        costs["exact, whole batch"].append(whole.cost)
        costs["exact, default gap"].append(default.cost)
        costs["reported"].append(default.gap or 0.0)
        costs["labelled optimal"].append(float(default.status is SolveStatus.OPTIMAL))
        for name, strategy in heuristics.items():
            batch = allocate_batch(orders, whs, available, strategy)
            costs[name].append(allocation_cost(batch.allocations, orders, whs))
    return costs


def _gaps(costs: list[float], optimum: list[float]) -> list[float]:
    return [(c - o) / o for c, o in zip(costs, optimum, strict=True)]


def _worst_and_mean(label: str, name: str, costs: list[float], optimum: list[float]) -> list[Row]:
    gaps = _gaps(costs, optimum)
    worst = max(range(len(gaps)), key=gaps.__getitem__)
    return [
        Row(
            name=f"{label}: {name}, worst of {len(gaps)} batches",
            measured=costs[worst],
            baseline=optimum[worst],
            unit="cost",
            target="< 1.02x",
        ),
        Row(
            name=f"{label}: {name}, all {len(gaps)} batches",
            measured=sum(costs),
            baseline=sum(optimum),
            unit="cost",
            target=f"mean gap {100 * sum(gaps) / len(gaps):.2f}%",
        ),
    ]


def gaps(trials: int = TRIALS) -> list[Row]:
    """Rows: each mode against its proven optimum (worst batch, then the totals), the greedy
    baseline, and the optimizer's default plan against the proven whole-batch optimum."""
    rows = []
    for label, lo, hi in STOCK_LEVELS:
        costs = gap_costs(lo, hi, trials)
        exact, whole = costs["exact"], costs["exact, whole batch"]
        rows += _worst_and_mean(
            label, "default vs optimum (priority rule)", costs["default"], exact
        )
        rows += _worst_and_mean(
            label, "whole-batch mode vs whole-batch optimum", costs["whole batch"], whole
        )
        rows.append(
            Row(
                name=f"{label}: greedy per line vs optimum (priority rule), all batches",
                measured=sum(costs["greedy"]),
                baseline=sum(exact),
                unit="cost",
                target="above default",
            )
        )
        rows.append(
            Row(
                name=f"{label}: default vs whole-batch optimum (the rule's price), all batches",
                measured=sum(costs["default"]),
                baseline=sum(whole),
                unit="cost",
                target="",
            )
        )
        real = _gaps(costs["exact, default gap"], whole)
        worst = max(range(len(real)), key=real.__getitem__)
        wrong = sum(
            1
            for gap, optimal in zip(real, costs["labelled optimal"], strict=True)
            if optimal and gap > 1e-9
        )
        rows.append(
            Row(
                name=(
                    f"{label}: exact (gap 1e-4, whole batch) vs proven optimum, worst; "
                    f"reported gap there {100 * costs['reported'][worst]:.4f}%, "
                    f"{wrong} labelled optimal wrongly"
                ),
                measured=costs["exact, default gap"][worst],
                baseline=whole[worst],
                unit="cost",
                target="<= 1 + reported gap",
            )
        )
        if costs["unproven"][0]:
            print(
                f"{label}: {costs['unproven'][0]:.0f} batches left out (optimum not proven)",
                file=sys.stderr,
            )
    return rows


def small_batches() -> list[Row]:
    """What the default strategy costs on the reference batches (5 to 30 orders).

    Batches this small are searched wider after the exchanges (re-planning groups of
    orders together); the baseline is the same strategy with ``rounds=0`` (planning only,
    no exchanges and no search), so the ratio is the price of the gap rows below.
    """
    rows = []
    for label, lo, hi in STOCK_LEVELS:
        drawn = list(batches(lo, hi))
        for mode, honour in (("default", True), ("whole-batch mode", False)):
            full = LowestCost(honour_priority=honour)
            bare = LowestCost(honour_priority=honour, rounds=0)

            def all_of(strategy, drawn=drawn):
                for whs, available, orders in drawn:
                    allocate_batch(orders, whs, available, strategy)

            measured = best_of(lambda s=full: all_of(s), repeat=3)
            baseline = best_of(lambda s=bare: all_of(s), repeat=3)
            rows.append(
                Row(
                    name=f"{label}: {mode} over {len(drawn)} reference batches, vs planning only",
                    measured=measured * 1e3,
                    baseline=baseline * 1e3,
                    unit="ms",
                    target="",
                )
            )
    return rows


def run() -> list[Row]:
    """Rows for benchmarks/run.py: speed on both mixes and small batches, then the gaps."""
    rows = speed() + small_batches()
    if importlib.util.find_spec("scipy") is not None:
        rows += gaps()
    return rows


if __name__ == "__main__":
    from run import format_table

    print(format_table(run()))
