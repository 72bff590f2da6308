"""The exact allocation optimizer, :class:`ExactOptimizer`: a batch as a mixed-integer program.

Needs the ``optimize`` extra (``pip install 'salesorder[optimize]'``); scipy is imported only
when a batch is solved, so importing salesorder never needs it. Its public home is
:mod:`salesorder.domain.optimize`; it lives here, beside the heuristics it is measured
against, and prices plans with the same distances and costs they use.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, ClassVar

import attrs

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
from salesorder.domain.common import Shown
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity, decimals_of, to_quantity
from salesorder.exceptions import OptimizerUnavailable, ValidationError
from salesorder.numbers import decimal_isolated

__all__ = ["ExactOptimizer", "ExactSolution", "SolveStatus"]


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


class SolveStatus(enum.Enum):
    """How far the exact optimizer's plan is from the optimum, as far as it is proven."""

    #: The plan's cost equals the proven lower bound, so no plan is cheaper.
    OPTIMAL = "optimal"
    #: The solver stopped at the requested ``gap``; the plan is at most that far above the
    #: optimum, by the proven bound.
    WITHIN_GAP = "within gap"
    #: The time limit stopped the solver; the best plan found, with its proven gap.
    STOPPED = "stopped"
    #: Too large for the program (``max_variables``), so planned by the heuristic, no bound.
    HEURISTIC = "heuristic"


@attrs.frozen(kw_only=True, repr=False)
class ExactSolution(Shown):
    """What :meth:`ExactOptimizer.solve` found: the plan, its cost and how close it is proven.

    ``cost`` is the planning cost of the plan under the optimizer's
    :class:`~salesorder.domain.allocation.CostModel` (as
    :func:`~salesorder.domain.allocation.allocation_cost` prices it); ``bound`` is a lower
    bound the solver proved on the cost of any plan under the same rule (``None`` when the
    heuristic planned the batch). Both are of the real cost: no penalty is added to it.
    """

    allocation: BatchAllocation
    status: SolveStatus
    cost: float
    bound: float | None

    @property
    def gap(self) -> float | None:
        """The proven relative gap ``(cost - bound) / cost``; 0 for a free plan, else ``None``.

        ``None`` when there is no bound (the heuristic planned the batch).
        """
        if self.bound is None:
            return None
        if self.cost <= 0:
            return 0.0
        return max(0.0, (self.cost - self.bound) / self.cost)


def _positive_seconds(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValidationError(
            f"ExactOptimizer.{attribute.name} must be a positive number of seconds or None, "
            f"got {value!r}"
        )


def _relative_gap(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ValidationError(
            f"ExactOptimizer.{attribute.name} must be a number from 0 to below 1 "
            f"(a share of the cost), got {value!r}"
        )


def _positive_count(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"ExactOptimizer.{attribute.name} must be a whole number of at least 1, got {value!r}"
        )


def _cost_model(value: CostModel | None) -> CostModel:
    return CostModel() if value is None else value


@attrs.define(kw_only=True)
class ExactOptimizer:
    """Allocates a batch at the lowest cost (scipy MILP).

    The program, for orders ``o``, their lines ``l`` and warehouses ``w``:

    - ``x[o,l,w]`` whole units of line ``l`` from ``w``; ``y[o,w]`` is 1 when ``o`` gets a
      parcel from ``w``. A batch with fractional quantities (1.25 kg) counts in steps of
      its finest decimal instead of units (0.001 kg here), each step priced as that share
      of a unit, and its picks come back in units, exactly;
    - each line gets at most what it ordered; each (warehouse, SKU) gives at most what is
      available; ``x[o,l,w] <= min(units the line may get, available at w) * y[o,w]``;
    - by default (``honour_priority=True``) each line gets exactly the units the priority
      rule gives it (:func:`~salesorder.domain.allocation.units_in_turn`: orders in turn by
      priority, then date, then id, each taking what is left of its SKUs), which is what
      every strategy serving orders in turn gives it; the program then only chooses where
      the units come from, at the lowest :class:`~salesorder.domain.allocation.CostModel`
      cost. This is the optimum the default heuristic is measured against;
    - with ``honour_priority=False`` the batch is served as a whole: each SKU serves as many
      units as it can (what was ordered of it, or all there is), and the program chooses
      which lines get them and from where at the lowest cost, whichever orders they are.
      When stock is short this is cheaper (it may serve a later order before an earlier
      one) and breaks the priority rule. The objective is the real cost, with no penalty
      added, so the solver's gap is the gap of the cost.

    Options:

    - ``time_limit``: seconds the solver may take (``None``: no limit). When it runs out,
      the best plan found is returned, with status ``STOPPED`` and its proven gap;
    - ``gap``: the relative gap at which the solver may stop (HiGHS's ``mip_rel_gap``;
      scipy's default 1e-4). 0 asks for a proven optimum;
    - ``presolve``: HiGHS's presolve, off by default: with scipy 1.17.1 it proved a dearer
      plan optimal on some small batches the property tests generate, and without it the
      optimum is found. It may be turned on for speed on large batches, where the proven gap
      (:attr:`ExactSolution.gap`) still tells how good the plan is;
    - ``max_variables``: batches whose program has more variables are allocated by the
      heuristic :class:`~salesorder.domain.allocation.LowestCost` instead, and say so.

    Every pick's reason says what was proven: ``optimal`` only when the plan's cost equals
    the proven lower bound. :meth:`solve` returns the status, the cost and the bound.

    Raises:
        ValidationError: a time limit that is not a positive number of seconds, a gap outside
            [0, 1), or ``max_variables`` below 1.
    """

    name: ClassVar[str] = "exact"

    cost: CostModel = attrs.field(factory=CostModel, converter=_cost_model)
    zones: ZoneTable | None = None
    max_variables: int = attrs.field(default=20_000, validator=_positive_count)
    time_limit: float | None = attrs.field(default=30.0, validator=_positive_seconds)
    gap: float = attrs.field(default=1e-4, validator=_relative_gap)
    presolve: bool = False
    honour_priority: bool = True

    @decimal_isolated
    def allocate(
        self, order: OrderDemand, warehouses: Sequence[Warehouse], available: Available
    ) -> Allocation:
        """Allocate one order exactly (a batch of one)."""
        return self.allocate_batch([order], warehouses, available).allocations[0]

    @decimal_isolated
    def allocate_batch(
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> BatchAllocation:
        """Solve the batch; see the class docstring for the program and :meth:`solve`."""
        return self.solve(orders, warehouses, available).allocation

    def solve(  # noqa: PLR0912, PLR0915 - one linear program, built in one place
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> ExactSolution:
        """Solve the batch: the plan, its cost, the proven bound and the status.

        Raises:
            ValidationError: there are no warehouses.
            OptimizerUnavailable: scipy is not installed.
        """
        cost = self.cost
        ctx = _Context(warehouses, self.zones, cost)
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
            fallback = LowestCost(cost=cost, zones=self.zones, honour_priority=self.honour_priority)
            result = allocate_batch(orders, warehouses, available, fallback)
            note = f"batch too large for the exact optimizer ({n} variables)"
            planned = BatchAllocation(allocations=[_annotate(a, note) for a in result.allocations])
            return ExactSolution(
                allocation=planned,
                status=SolveStatus.HEURISTIC,
                cost=_cost(planned, orders, ctx, kms),
                bound=None,
            )
        if n == 0:
            return ExactSolution(
                allocation=BatchAllocation(allocations=[_unserved(order) for order in orders]),
                status=SolveStatus.OPTIMAL,
                cost=0.0,
                bound=0.0,
            )
        np, optimize, sparse = _scipy()
        steps = _Steps(orders, available)
        step = steps.of
        # Steps each line may get: exactly its share under the priority rule, or up to what
        # it ordered (and then each SKU's lines together get as much as there is of it).
        if self.honour_priority:
            queue = batch_order(orders)  # the same objects, in the order they are served
            served = units_in_turn(queue, warehouses, available)
            by_order = {id(order): units for order, units in zip(queue, served, strict=True)}
            quotas = [[step(units) for units in by_order[id(order)]] for order in orders]
        else:
            quotas = [[step(line.quantity) for line in order.lines] for order in orders]
        c = np.zeros(n)
        upper = np.zeros(n)
        for k, (o, i, w) in enumerate(xs):
            # The cost of a unit, shared over its steps (a step is a unit in whole batches).
            c[k] = (ctx.unit + ctx.unit_km * kms[o][w]) / steps.size
            upper[k] = min(quotas[o][i], step(available.get((codes[w], orders[o].lines[i].sku), 0)))
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
        per_sku: dict[str, list[int]] = {}
        for k, (o, i, w) in enumerate(xs):
            sku = orders[o].lines[i].sku
            per_line.setdefault((o, i), []).append(k)
            per_stock.setdefault((w, sku), []).append(k)
            per_sku.setdefault(sku, []).append(k)
            # A pick needs its parcel; its bound is the tightest the data allow.
            row([(k, 1.0), (ys[o, w], -float(upper[k]))], 0.0)
        for (o, i), ks in per_line.items():
            if self.honour_priority:  # exactly what the priority rule gives the line
                row([(k, 1.0) for k in ks], float(quotas[o][i]), float(quotas[o][i]))
            else:
                row([(k, 1.0) for k in ks], float(quotas[o][i]))
        supply: dict[str, int] = {}
        for (w, sku), ks in per_stock.items():
            units = step(available.get((codes[w], sku), 0))
            supply[sku] = supply.get(sku, 0) + units
            row([(k, 1.0) for k in ks], float(units))
        if not self.honour_priority:
            # The most units there can be: of each SKU, what was ordered or all there is.
            ordered: dict[str, int] = {}
            for o, i in per_line:
                sku = orders[o].lines[i].sku
                ordered[sku] = ordered.get(sku, 0) + quotas[o][i]
            for sku, ks in per_sku.items():
                most = float(min(ordered[sku], supply[sku]))
                row([(k, 1.0) for k in ks], most, most)
        matrix = sparse.csr_array((vals, (rows, cols)), shape=(len(upper_b), n))
        options: dict[str, object] = {"presolve": self.presolve, "mip_rel_gap": self.gap}
        if self.time_limit is not None:
            options["time_limit"] = self.time_limit
        solved = optimize.milp(
            c,
            constraints=optimize.LinearConstraint(matrix, lower_b, upper_b),
            integrality=np.ones(n),
            bounds=optimize.Bounds(np.zeros(n), upper),
            options=options,
        )
        if solved.x is None:  # pragma: no cover - the program is always feasible
            raise RuntimeError(f"the MILP solver failed: {solved.message}")
        taken = [round(solved.x[k]) for k in range(n_x)]
        picks: list[list[tuple[int, int, int]]] = [[] for _ in orders]
        for k, (o, i, w) in enumerate(xs):
            if taken[k] > 0:
                picks[o].append((i, w, taken[k]))
        plan_cost = sum(
            ctx.shipment_cost(steps.units(sum(t for _, at, t in picks[o] if at == w)), kms[o][w])
            for o in range(len(orders))
            for w in {at for _, at, _ in picks[o]}
        )
        bound = solved.mip_dual_bound
        bound = plan_cost if bound is None or not math.isfinite(bound) else min(bound, plan_cost)
        status = _status(solved.status, plan_cost, bound)
        why = _why(status, plan_cost, bound, self.gap, len(orders))
        allocation = _allocations(
            orders, picks, steps, codes, why, name=self.name, honour_priority=self.honour_priority
        )
        return ExactSolution(allocation=allocation, status=status, cost=plan_cost, bound=bound)


def _status(solver_status: int, cost: float, bound: float) -> SolveStatus:
    """``OPTIMAL`` only when the plan's cost meets the proven bound (to rounding)."""
    if cost - bound <= 1e-9 * max(1.0, abs(cost)):
        return SolveStatus.OPTIMAL
    return SolveStatus.WITHIN_GAP if solver_status == 0 else SolveStatus.STOPPED


def _why(status: SolveStatus, cost: float, bound: float, gap: float, orders: int) -> str:
    batch = f"for the batch of {orders} (MILP)"
    proven = 0.0 if cost <= 0 else 100 * (cost - bound) / cost
    if status is SolveStatus.OPTIMAL:
        return f"optimal {batch}"
    if status is SolveStatus.WITHIN_GAP:
        return f"at most {proven:.4g}% above the optimum {batch}; gap setting {100 * gap:g}%"
    return f"best found before the time limit, at most {proven:.4g}% above the optimum {batch}"


def _allocations(
    orders: Sequence[OrderDemand],
    picks: list[list[tuple[int, int, int]]],
    steps: _Steps,
    codes: Sequence[str],
    why: str,
    *,
    name: str,
    honour_priority: bool,
) -> BatchAllocation:
    """The solved program's picks (line, warehouse, steps) as allocations, with backorders."""
    short = (
        "the rest of SKU {!r} went to orders served before it (priority, then date)"
        if honour_priority
        else "the batch's stock of SKU {!r} went to lines cheaper to serve"
    )
    allocations = []
    for order, chosen in zip(orders, picks, strict=True):
        got: dict[int, int] = {}
        order_picks = []
        for i, w, taken in chosen:
            line = order.lines[i]
            got[i] = got.get(i, 0) + taken
            order_picks.append(
                Pick(
                    line_id=line.line_id,
                    sku=line.sku,
                    warehouse=codes[w],
                    quantity=steps.units(taken),
                    reason=why,
                )
            )
        backorders = [
            BackorderLine(
                line_id=line.line_id,
                sku=line.sku,
                quantity=to_quantity(line.quantity - steps.units(got.get(i, 0))),
                reason=short.format(line.sku),
            )
            for i, line in enumerate(order.lines)
            if steps.of(line.quantity) > got.get(i, 0)
        ]
        allocations.append(
            Allocation(
                order_id=order.order_id, strategy=name, picks=order_picks, backorders=backorders
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


def _cost(
    planned: BatchAllocation, orders: Sequence[OrderDemand], ctx: _Context, kms: list[list[float]]
) -> float:
    """The planning cost of ``planned`` (its allocations in the order of ``orders`` or not)."""
    at = {code_: w for w, code_ in enumerate(ctx.codes)}
    km_of = {order.order_id: km for order, km in zip(orders, kms, strict=True)}
    total = 0.0
    for allocation in planned.allocations:
        units: dict[int, Quantity] = {}
        for pick in allocation.picks:
            w = at[pick.warehouse]
            units[w] = units.get(w, 0) + pick.quantity
        total += sum(ctx.shipment_cost(u, km_of[allocation.order_id][w]) for w, u in units.items())
    return total
