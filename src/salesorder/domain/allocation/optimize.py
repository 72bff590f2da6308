"""The exact allocation optimizer, :class:`ExactOptimizer`: a batch as a mixed-integer program.

Needs the ``optimize`` extra (``pip install 'salesorder[optimize]'``); scipy is imported only
when a batch is solved, so importing salesorder never needs it. Its public home is
:mod:`salesorder.domain.optimize`; it lives here, beside the heuristics it is measured
against, and prices plans with the same distances and costs they use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from salesorder.domain.allocation.batch import allocate_batch
from salesorder.domain.allocation.costs import CostModel, _Context
from salesorder.domain.allocation.lowest_cost import LowestCost
from salesorder.domain.allocation.model import (
    Allocation,
    Available,
    BackorderLine,
    BatchAllocation,
    OrderDemand,
    Pick,
    ZoneTable,
)
from salesorder.domain.allocation.priority import batch_order, units_in_turn
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity, decimals_of, to_quantity
from salesorder.exceptions import OptimizerUnavailable

__all__ = ["ExactOptimizer"]


def _scipy() -> Any:
    try:
        import numpy as np  # noqa: PLC0415 - optional dependency, imported when used
        from scipy import optimize, sparse  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise OptimizerUnavailable(
            "the exact allocation optimizer needs scipy: pip install 'salesorder[optimize]'"
        ) from exc
    return np, optimize, sparse


class _Steps:
    """Quantities as whole numbers of a batch's finest step, for the integer program.

    The step is ``10**-places`` of a unit, ``places`` the most decimals of any quantity of
    the batch (its lines, and what is available of their SKUs): 1 for whole units, 0.001
    for 1.25 kg next to 0.375 kg. Conversions both ways are exact.
    """

    def __init__(self, orders: Sequence[OrderDemand], available: Available) -> None:
        skus = {line.sku for order in orders for line in order.lines}
        fractions: Iterable[Quantity] = [
            *(line.quantity for order in orders for line in order.lines),
            *(units for (_, sku), units in available.items() if sku in skus),
        ]
        self.places = max(
            (decimals_of(units) for units in fractions if not isinstance(units, int)), default=0
        )
        self.size: int = 10**self.places

    def of(self, units: Quantity) -> int:
        """``units`` as a whole number of steps."""
        if isinstance(units, int):
            return units * self.size
        numerator, denominator = units.as_integer_ratio()
        return numerator * self.size // denominator

    def units(self, steps: int) -> Quantity:
        """``steps`` back in units, exactly."""
        if not self.places:
            return steps
        return to_quantity(Decimal(f"{steps}E-{self.places}"))


class ExactOptimizer:
    """Allocates a batch at the lowest cost (scipy MILP).

    The program, for orders ``o``, their lines ``l`` and warehouses ``w``:

    - ``x[o,l,w]`` whole units of line ``l`` from ``w``; ``y[o,w]`` is 1 when ``o`` gets a
      parcel from ``w``. A batch with fractional quantities (1.25 kg) counts in steps of
      its finest decimal instead of units (0.001 kg here), each step priced as that share
      of a unit, and its picks come back in units, exactly;
    - each line gets at most what it ordered; each (warehouse, SKU) gives at most what is
      available; ``x[o,l,w] <= quantity * y[o,w]``;
    - by default (``honour_priority=True``) each line gets exactly the units the priority
      rule gives it (:func:`~salesorder.domain.allocation.units_in_turn`: orders in turn by
      priority, then date, then id, each taking what is left of its SKUs), which is what
      every strategy serving orders in turn gives it; the program then only chooses where
      the units come from, at the lowest :class:`~salesorder.domain.allocation.CostModel`
      cost. This is the optimum the default heuristic is measured against;
    - with ``honour_priority=False`` the batch is served as a whole: the program minimises
      the cost minus a penalty per unit allocated that is larger than any shipment's cost,
      so the most units are served first and then as cheaply as possible, whichever orders
      get them. When stock is short this is cheaper (it may serve a later order before an
      earlier one) and breaks the priority rule.

    Batches whose program has more than ``max_variables`` variables are allocated by the
    heuristic :class:`~salesorder.domain.allocation.LowestCost` instead, and say so.
    """

    name = "exact"

    def __init__(
        self,
        *,
        cost: CostModel | None = None,
        zones: ZoneTable | None = None,
        max_variables: int = 20_000,
        time_limit: float = 30.0,
        honour_priority: bool = True,
    ) -> None:
        self.cost = cost or CostModel()
        self.zones = zones
        self.max_variables = max_variables
        self.time_limit = time_limit
        self.honour_priority = honour_priority
        self._fallback = LowestCost(cost=self.cost, zones=zones)

    def allocate(
        self, order: OrderDemand, warehouses: Sequence[Warehouse], available: Available
    ) -> Allocation:
        """Allocate one order exactly (a batch of one)."""
        return self.allocate_batch([order], warehouses, available).allocations[0]

    def allocate_batch(  # noqa: PLR0912, PLR0915 - one linear program, built in one place
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> BatchAllocation:
        """Solve the batch; see the class docstring for the program."""
        ctx = _Context(warehouses, self.zones, self.cost)
        codes = ctx.codes
        # Variables: x for every (order, line, warehouse with that SKU), y per (order, wh).
        xs: list[tuple[int, int, int]] = []
        ys: dict[tuple[int, int], int] = {}
        kms = [ctx.distances(order) for order in orders]
        for o, order in enumerate(orders):
            for i, line in enumerate(order.lines):
                for w, code_ in enumerate(codes):
                    if available.get((code_, line.sku), 0) > 0:
                        xs.append((o, i, w))
                        ys.setdefault((o, w), 0)
        n_x = len(xs)
        for index, key in enumerate(ys):
            ys[key] = n_x + index
        n = n_x + len(ys)
        if n > self.max_variables:
            result = allocate_batch(orders, warehouses, available, self._fallback)
            return BatchAllocation(
                allocations=[
                    _annotate(a, f"batch too large for the exact optimizer ({n} variables)")
                    for a in result.allocations
                ]
            )
        if n == 0:
            return BatchAllocation(allocations=[_unserved(order) for order in orders])
        np, optimize, sparse = _scipy()
        steps = _Steps(orders, available)
        step = steps.of
        worst = max(
            ctx.shipment_cost(1, max(km)) for km in kms
        )  # the dearest unit, parcel included
        penalty = 2 * worst + 1
        if self.honour_priority:
            queue = batch_order(orders)  # the same objects, in the order they are served
            served = units_in_turn(queue, warehouses, available)
            by_order = {id(order): units for order, units in zip(queue, served, strict=True)}
            quotas: list[list[int]] | None = [
                [step(units) for units in by_order[id(order)]] for order in orders
            ]
        else:
            quotas = None
        c = np.zeros(n)
        upper = np.zeros(n)
        # With the units fixed by the priority rule there is nothing to reward: the penalty
        # would only add a constant that loosens the solver's relative gap on the real cost.
        reward = 0 if quotas is not None else penalty
        for k, (o, i, w) in enumerate(xs):
            # The cost of a unit, shared over its steps (a step is a unit in whole batches).
            c[k] = (ctx.unit + ctx.unit_km * kms[o][w]) / steps.size - reward
            upper[k] = step(orders[o].lines[i].quantity)
        for k in ys.values():
            c[k] = ctx.parcel
            upper[k] = 1
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lower_b: list[float] = []
        upper_b: list[float] = []

        def row(entries: list[tuple[int, float]], hi: float, lo: float = -np.inf) -> None:
            r = len(upper_b)
            for col, val in entries:
                rows.append(r)
                cols.append(col)
                vals.append(val)
            lower_b.append(lo)
            upper_b.append(hi)

        per_line: dict[tuple[int, int], list[int]] = {}
        per_stock: dict[tuple[int, str], list[int]] = {}
        for k, (o, i, w) in enumerate(xs):
            per_line.setdefault((o, i), []).append(k)
            per_stock.setdefault((w, orders[o].lines[i].sku), []).append(k)
            row([(k, 1.0), (ys[o, w], -float(step(orders[o].lines[i].quantity)))], 0.0)
        for (o, i), ks in per_line.items():
            if quotas is None:
                row([(k, 1.0) for k in ks], float(step(orders[o].lines[i].quantity)))
            else:  # exactly what the priority rule gives the line
                row([(k, 1.0) for k in ks], float(quotas[o][i]), float(quotas[o][i]))
        for (w, sku), ks in per_stock.items():
            row([(k, 1.0) for k in ks], float(step(available.get((codes[w], sku), 0))))
        matrix = sparse.csr_array((vals, (rows, cols)), shape=(len(upper_b), n))
        solved = optimize.milp(
            c,
            constraints=optimize.LinearConstraint(matrix, lower_b, upper_b),
            integrality=np.ones(n),
            bounds=optimize.Bounds(np.zeros(n), upper),
            # HiGHS's presolve (scipy 1.17.1) proved a dearer plan optimal on some small
            # batches that the property tests generate; without it the optimum is found.
            options={"time_limit": self.time_limit, "presolve": False},
        )
        if solved.x is None:  # pragma: no cover - the program is always feasible (all zero)
            raise RuntimeError(f"the MILP solver failed: {solved.message}")
        optimal = "optimal" if solved.status == 0 else f"best found ({solved.message})"
        picks: list[list[Pick]] = [[] for _ in orders]
        got: dict[tuple[int, int], int] = {}  # steps
        for k, (o, i, w) in enumerate(xs):
            taken = round(solved.x[k])
            if taken > 0:
                line = orders[o].lines[i]
                got[o, i] = got.get((o, i), 0) + taken
                units = steps.units(taken)
                picks[o].append(
                    Pick(
                        line_id=line.line_id,
                        sku=line.sku,
                        warehouse=codes[w],
                        quantity=units,
                        reason=f"{optimal} for the batch of {len(orders)} (MILP)",
                    )
                )
        short = (
            "the rest of SKU {!r} went to orders served before it (priority, then date)"
            if self.honour_priority
            else "the batch's stock of SKU {!r} does not reach this line"
        )
        allocations = []
        for o, order in enumerate(orders):
            backorders = [
                BackorderLine(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=to_quantity(line.quantity - steps.units(got.get((o, i), 0))),
                    reason=short.format(line.sku),
                )
                for i, line in enumerate(order.lines)
                if step(line.quantity) > got.get((o, i), 0)
            ]
            allocations.append(
                Allocation(
                    order_id=order.order_id,
                    strategy=self.name,
                    picks=picks[o],
                    backorders=backorders,
                )
            )
        return BatchAllocation(allocations=allocations)


def _unserved(order: OrderDemand) -> Allocation:
    return Allocation(
        order_id=order.order_id,
        strategy=ExactOptimizer.name,
        backorders=[
            BackorderLine(
                line_id=line.line_id,
                sku=line.sku,
                quantity=line.quantity,
                reason=f"no warehouse has SKU {line.sku!r} available",
            )
            for line in order.lines
        ],
    )


def _annotate(allocation: Allocation, note: str) -> Allocation:
    picks = [
        Pick(
            line_id=p.line_id,
            sku=p.sku,
            warehouse=p.warehouse,
            quantity=p.quantity,
            reason=f"{p.reason} ({note})",
        )
        for p in allocation.picks
    ]
    return Allocation(
        order_id=allocation.order_id,
        strategy=allocation.strategy,
        picks=picks,
        backorders=allocation.backorders,
    )
