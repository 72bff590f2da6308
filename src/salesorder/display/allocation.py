"""Allocations of one order and of a batch, with their planning cost and the gap to an optimum.

A :class:`~salesorder.domain.allocation.BatchAllocation` knows where units go, not what that
costs: :func:`allocation_view` prices each order's plan with
:func:`~salesorder.domain.allocation.allocation_cost` when given the orders and warehouses,
and compares the batch's cost with an optimum (an
:class:`~salesorder.domain.optimize.ExactSolution` or its cost) when given one. Costs are
planning scores of the :class:`~salesorder.domain.allocation.CostModel`, not money.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import attrs

from salesorder.display._format import clip, count, resolve_locale
from salesorder.display._html import Html, block, facts, table
from salesorder.domain.allocation import (
    Allocation,
    BatchAllocation,
    CostModel,
    OrderDemand,
    ZoneTable,
    allocation_cost,
)
from salesorder.domain.allocation.optimize import ExactSolution
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import ValidationError

__all__ = [
    "AllocationView",
    "allocation_html",
    "allocation_repr",
    "allocation_view",
    "batch_html",
    "batch_repr",
    "solution_html",
    "solution_repr",
]

_HEADERS = ("order", "strategy", "from (warehouse: units)", "units", "backordered", "cost")


def _backordered(allocation: Allocation) -> Quantity:
    return to_quantity(sum(b.quantity for b in allocation.backorders))


def _sources(allocation: Allocation) -> str:
    units: dict[str, Quantity] = {}
    for pick in allocation.picks:
        units[pick.warehouse] = to_quantity(units.get(pick.warehouse, 0) + pick.quantity)
    return ", ".join(f"{warehouse}: {count}" for warehouse, count in units.items())


def _cost(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def allocation_repr(allocation: Allocation, locale: str) -> str:
    """``<Allocation ORD-000001 lowest_cost 5 units from JKT-1, BDG-1; 2 backordered>``."""
    del locale  # units and warehouse codes only
    where = ", ".join(clip(code, 20) for code in allocation.warehouses[:4]) or "nowhere"
    more = "..." if len(allocation.warehouses) > 4 else ""
    return (
        f"<Allocation {clip(allocation.order_id)} {clip(allocation.strategy, 24)} "
        f"{allocation.units_allocated} units from {where}{more}; "
        f"{_backordered(allocation)} backordered>"
    )


def allocation_html(allocation: Allocation, locale: str) -> Html:
    """The order's row, and a sentence per pick and backorder line saying why."""
    del locale
    return block(
        "allocation",
        f"Allocation of {allocation.order_id}",
        table(_HEADERS[:-1], [_row(allocation)[:-1]]),
        table(("why",), ((sentence,) for sentence in allocation.explain())),
    )


def _row(allocation: Allocation, cost: float | None = None) -> tuple[str, ...]:
    return (
        allocation.order_id,
        allocation.strategy,
        _sources(allocation),
        str(allocation.units_allocated),
        str(_backordered(allocation)),
        _cost(cost),
    )


def _finite(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValidationError(f"{what} must be a finite number, got {value!r}")
    if value < 0:
        raise ValidationError(f"{what} must be >= 0, got {value!r}")
    return float(value)


def _batch(_instance: object, _attribute: object, value: BatchAllocation) -> None:
    if not isinstance(value, BatchAllocation):
        raise ValidationError(
            f"an allocation view shows a BatchAllocation, got {type(value).__name__} {value!r:.60}"
        )


def _optimum(value: ExactSolution | float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, ExactSolution):
        return value.cost
    return _finite(value, "the optimum's cost")


def _costs(value: Iterable[float] | None) -> tuple[float, ...] | None:
    if value is None:
        return None
    if not isinstance(value, Iterable) or isinstance(value, (str, bytes)):
        raise ValidationError(
            f"an allocation view's costs are one number per allocation, got {value!r:.60}"
        )
    return tuple(_finite(cost, f"the cost of allocation {n}") for n, cost in enumerate(value))


@attrs.frozen(kw_only=True, repr=False)
class AllocationView:
    """A batch allocation with each order's planning cost and the optimum it is held to.

    ``costs`` has one cost per allocation (in the batch's order) or is None; ``optimum``
    is the cost of the best plan known (None: no optimum to compare with).

    Raises:
        ValidationError: ``batch`` is not a batch allocation, ``costs`` does not have one
            cost per allocation, or a cost or the optimum is negative or not a finite number.
    """

    batch: BatchAllocation = attrs.field(validator=_batch)
    costs: tuple[float, ...] | None = attrs.field(default=None, converter=_costs)
    optimum: float | None = attrs.field(default=None, converter=_optimum)

    def __attrs_post_init__(self) -> None:
        if self.costs is not None and len(self.costs) != len(self.batch.allocations):
            raise ValidationError(
                f"an allocation view has one cost per allocation: {len(self.costs)} costs "
                f"for {len(self.batch.allocations)} allocations"
            )

    @property
    def cost(self) -> float | None:
        """The batch's planning cost (None when the costs are not known)."""
        return None if self.costs is None else math.fsum(self.costs)

    @property
    def gap(self) -> float | None:
        """``(cost - optimum) / optimum``: how much dearer the plan is than the optimum.

        0 when both are 0; None when either is unknown.
        """
        cost, optimum = self.cost, self.optimum
        if cost is None or optimum is None:
            return None
        if optimum == 0:
            return 0.0 if cost == 0 else math.inf
        return (cost - optimum) / optimum

    def html(self, locale: str | None = None) -> Html:
        """Per order: warehouses and units, backorders and cost; the totals and the gap."""
        resolve_locale(locale)
        batch = self.batch
        costs: Sequence[float | None] = self.costs or [None] * len(batch.allocations)
        rows = [_row(a, c) for a, c in zip(batch.allocations, costs, strict=True)]
        units = to_quantity(sum(a.units_allocated for a in batch.allocations))
        footer = ("total", "", "", str(units), str(batch.backordered_units), _cost(self.cost))
        gap = self.gap
        summary = facts(
            (
                ("planning cost", _cost(self.cost)),
                ("optimum", _cost(self.optimum)),
                ("gap to the optimum", "" if gap is None else f"{gap:.2%}"),
            )
        )
        title = f"{count(len(rows), 'order')}, {count(units, 'unit')} allocated"
        return block(
            "batch-allocation",
            "Batch allocation",
            table(_HEADERS, rows, caption=title, footer=footer),
            summary,
        )

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        gap = "" if self.gap is None else f", gap {self.gap:.2%}"
        orders = count(len(self.batch.allocations), "order")
        return f"<AllocationView {orders}, cost {_cost(self.cost) or 'unknown'}{gap}>"


def allocation_view(
    batch: BatchAllocation | ExactSolution,
    *,
    orders: Iterable[OrderDemand] = (),
    warehouses: Sequence[Warehouse] = (),
    cost: CostModel | None = None,
    zones: ZoneTable | None = None,
    optimum: ExactSolution | float | None = None,
) -> AllocationView:
    """``batch`` with each order's planning cost and the gap to ``optimum``.

    The costs are known when the ``orders`` and ``warehouses`` the batch was planned for are
    given; they are priced under ``cost`` and ``zones`` (the optimizer's, to compare).

    Raises:
        ValidationError: ``batch`` is neither a batch allocation nor an exact solution, an
            order of the batch is not among ``orders``, or the optimum is negative or not a
            finite number.
    """
    plan = batch.allocation if isinstance(batch, ExactSolution) else batch
    _batch(None, None, plan)
    demands = list(orders)
    costs = None
    if demands and warehouses:
        known = {demand.order_id for demand in demands}
        missing = [a.order_id for a in plan.allocations if a.order_id not in known]
        if missing:
            raise ValidationError(
                f"order {missing[0]!r} of the batch is not among the orders given"
            )
        costs = tuple(
            allocation_cost([a], demands, warehouses, cost=cost, zones=zones)
            for a in plan.allocations
        )
    return AllocationView(batch=plan, costs=costs, optimum=optimum)


def batch_repr(batch: BatchAllocation, locale: str) -> str:
    """``<BatchAllocation 3 orders, 12 units allocated, 2 backordered>``."""
    del locale
    units = to_quantity(sum(a.units_allocated for a in batch.allocations))
    return (
        f"<BatchAllocation {count(len(batch.allocations), 'order')}, {count(units, 'unit')} "
        f"allocated, {batch.backordered_units} backordered>"
    )


def batch_html(batch: BatchAllocation, locale: str) -> Html:
    """Per order: warehouses and units, backorders; the totals (costs: :func:`allocation_view`)."""
    return AllocationView(batch=batch).html(locale)


def solution_repr(solution: ExactSolution, locale: str) -> str:
    """``<ExactSolution optimal, cost 123.45, gap 0.00%, 3 orders>``."""
    del locale
    gap = "unknown" if solution.gap is None else f"{solution.gap:.2%}"
    orders = len(solution.allocation.allocations)
    return (
        f"<ExactSolution {solution.status.value}, cost {solution.cost:.2f}, gap {gap}, "
        f"{count(orders, 'order')}>"
    )


def solution_html(solution: ExactSolution, locale: str) -> Html:
    """The solver's status, cost, proven bound and gap, then the plan."""
    gap = solution.gap
    proof = facts(
        (
            ("status", solution.status.value),
            ("planning cost", _cost(solution.cost)),
            ("proven lower bound", _cost(solution.bound)),
            ("proven gap", "" if gap is None else f"{gap:.2%}"),
        )
    )
    return block(
        "exact-solution",
        "Exact allocation",
        proof,
        AllocationView(batch=solution.allocation).html(locale),
    )
