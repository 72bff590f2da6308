"""The strategies' shared machinery, and the strategies that rank warehouses.

:class:`BaseStrategy` allocates one order from a single warehouse when one can serve it all,
else splits it, then backorders what is left; its subclasses say how warehouses rank
(:class:`ByPriority`, :class:`Nearest`) or how to split (:class:`FewestShipments`).
:class:`GreedyNearestPerLine` is the naive baseline. The default strategy,
:class:`~salesorder.domain.allocation.LowestCost`, has its own module.
"""

# The strategies' hooks (_rank, _single, _split) share one signature; not every strategy needs
# every argument.
# ruff: noqa: ARG002

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from salesorder.domain.allocation.costs import CostModel, _Context
from salesorder.domain.allocation.model import (
    Allocation,
    Available,
    BackorderLine,
    BatchAllocation,
    DemandLine,
    OrderDemand,
    Pick,
    ZoneTable,
    _backorder,
    _pick,
    _to_quantity,
)
from salesorder.domain.allocation.priority import _StockIndex, batch_order
from salesorder.domain.customers import Warehouse
from salesorder.domain.inventory import StockItem
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import InsufficientStock, ValidationError
from salesorder.numbers import decimal_isolated

__all__ = [
    "BaseStrategy",
    "ByPriority",
    "FewestShipments",
    "GreedyNearestPerLine",
    "Nearest",
    "choose_single_warehouse",
]

_Plan = dict[int, dict[int, Quantity]]  # warehouse index -> line index -> units


class BaseStrategy:
    """The shared machinery of the built-in strategies.

    A single warehouse when one can serve the whole order (the hook ``_single`` chooses
    which), else a split (``_split``), then backorder lines for what is left. Subclass it
    to write a strategy with its own ranking (``_rank``).
    """

    name = "strategy"

    def __init__(self, *, cost: CostModel | None = None, zones: ZoneTable | None = None) -> None:
        self.cost = cost or CostModel()
        self.zones = zones

    def _context(self, warehouses: Sequence[Warehouse]) -> _Context:
        """The warehouses prepared once for many orders (ranked, coordinates as floats)."""
        return _Context(warehouses, self.zones, self.cost)

    @decimal_isolated
    def allocate(
        self, order: OrderDemand, warehouses: Sequence[Warehouse], available: Available
    ) -> Allocation:
        """See :meth:`AllocationStrategy.allocate`."""
        return self._plan_merged(order, self._context(warehouses), available)

    @decimal_isolated
    def allocate_batch(
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> BatchAllocation:
        """Allocate ``orders`` in turn (priority, date, id), each from what those before left.

        Each order is allocated as :meth:`allocate` would allocate it, the warehouses prepared
        once for the batch; ``available`` itself is not changed. Allocations come back in the
        order of service (see :class:`BatchStrategy`).
        """
        ctx = self._context(warehouses)
        index = _StockIndex(ctx.codes, available)
        allocations = []
        for order in batch_order(orders):
            allocation = self._plan_merged(order, ctx, index)
            for pick in allocation.picks:
                index.take(pick.warehouse, pick.sku, pick.quantity)
            allocations.append(allocation)
        return BatchAllocation(allocations=allocations)

    def _plan_merged(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        """Plan with one line per SKU (lines of one SKU share its stock), then split back."""
        skus = [line.sku for line in order.lines]
        if len(set(skus)) == len(skus):
            return self._plan(order, ctx, available)
        merged: dict[str, Quantity] = {}
        for line in order.lines:
            merged[line.sku] = to_quantity(merged.get(line.sku, 0) + line.quantity)
        plan = self._plan(
            attrs.evolve(
                order,
                lines=[DemandLine(line_id=sku, sku=sku, quantity=q) for sku, q in merged.items()],
            ),
            ctx,
            available,
        )
        picks: list[Pick] = []
        backorders: list[BackorderLine] = []
        for sku in merged:
            sources = [p for p in plan.picks if p.sku == sku]
            left = [p.quantity for p in sources]
            for line in (line for line in order.lines if line.sku == sku):
                need = line.quantity
                for s, source in enumerate(sources):
                    take = min(need, left[s])
                    if take:
                        picks.append(
                            _pick(
                                line_id=line.line_id,
                                sku=sku,
                                warehouse=source.warehouse,
                                quantity=take,
                                reason=source.reason,
                            )
                        )
                        left[s] -= take
                        need -= take
                if need:
                    need = to_quantity(need)
                    backorders.append(
                        BackorderLine(
                            line_id=line.line_id,
                            sku=sku,
                            quantity=need,
                            reason=f"no warehouse has {need} more of SKU {sku!r} available",
                        )
                    )
        return Allocation(
            order_id=order.order_id, strategy=plan.strategy, picks=picks, backorders=backorders
        )

    # -- to override ----------------------------------------------------------------------

    def _rank(self, order: OrderDemand, ctx: _Context, km: list[float]) -> list[int]:
        """Warehouse indexes in the order this strategy prefers them."""
        return list(range(len(ctx.codes)))

    def _single(
        self, order: OrderDemand, ctx: _Context, km: list[float], able: list[int]
    ) -> tuple[int, str]:
        """Which of ``able`` (warehouses that can serve it all, ranked) ships, and why."""
        return able[0], f"first by {self.name} of {len(able)} that can serve the whole order"

    def _split(
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[Quantity]]
    ) -> tuple[_Plan, dict[int, str]]:
        """Fill lines from warehouses in rank order; ``avail[w][line]`` is consumed."""
        plan: _Plan = {}
        reasons: dict[int, str] = {}
        for rank, w in enumerate(self._rank(order, ctx, km)):
            for i, line in enumerate(order.lines):
                need = line.quantity - sum(p.get(i, 0) for p in plan.values())
                take = min(need, avail[w][i])
                if take > 0:
                    plan.setdefault(w, {})[i] = take
                    avail[w][i] -= take
            if w in plan:
                reasons[w] = f"split: {self.name} rank {rank + 1}, takes what it has"
        return plan, reasons

    # -- the driver -----------------------------------------------------------------------

    def _plan(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        km = ctx.distances(order)
        ranked = self._rank(order, ctx, km)
        lines = order.lines
        avail = _units_per_warehouse(lines, ctx.codes, available)
        able = [
            w for w in ranked if all(avail[w][i] == line.quantity for i, line in enumerate(lines))
        ]
        if able:
            w, why = self._single(order, ctx, km, able)
            picks = [
                _pick(
                    line_id=line.line_id,
                    sku=line.sku,
                    warehouse=ctx.codes[w],
                    quantity=line.quantity,
                    reason=why,
                )
                for line in lines
            ]
            return Allocation(order_id=order.order_id, strategy=self.name, picks=picks)
        plan, reasons = self._split(order, ctx, km, avail)
        picks = []
        for w in sorted(plan, key=ranked.index):
            for i, units in sorted(plan[w].items()):
                line = lines[i]
                picks.append(
                    _pick(
                        line_id=line.line_id,
                        sku=line.sku,
                        warehouse=ctx.codes[w],
                        quantity=units,
                        reason=f"no single warehouse has the whole order; {reasons[w]}",
                    )
                )
        return Allocation(
            order_id=order.order_id,
            strategy=self.name,
            picks=picks,
            backorders=_backorders(lines, plan),
        )


class ByPriority(BaseStrategy):
    """Warehouses by priority (lower first), then code."""

    name = "priority"


class Nearest(BaseStrategy):
    """Warehouses by distance to the customer, then priority."""

    name = "nearest"

    def _rank(self, order: OrderDemand, ctx: _Context, km: list[float]) -> list[int]:
        return sorted(range(len(ctx.codes)), key=km.__getitem__)

    def _single(
        self, order: OrderDemand, ctx: _Context, km: list[float], able: list[int]
    ) -> tuple[int, str]:
        w = able[0]
        return w, f"nearest ({km[w]:.1f} km) of {len(able)} that can serve the whole order"


class FewestShipments(BaseStrategy):
    """As few parcels as possible: one warehouse if any can, else a greedy set cover."""

    name = "fewest shipments"

    def _split(
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[Quantity]]
    ) -> tuple[_Plan, dict[int, str]]:
        plan: _Plan = {}
        reasons: dict[int, str] = {}
        need = [line.quantity for line in order.lines]
        ranked = self._rank(order, ctx, km)
        while True:
            best = -1
            covered: Quantity = 0
            for w in ranked:
                if w in plan:
                    continue
                units = sum(min(n, a) for n, a in zip(need, avail[w], strict=True))
                if units > covered:
                    best, covered = w, units
            if best < 0:
                return plan, reasons
            for i, n in enumerate(need):
                take = min(n, avail[best][i])
                if take:
                    plan.setdefault(best, {})[i] = take
                    need[i] -= take
            reasons[best] = f"covers the most remaining units ({to_quantity(covered)})"


def _units_per_warehouse(
    lines: Sequence[DemandLine], codes: Sequence[str], available: Available
) -> list[list[Quantity]]:
    """Units of each line each warehouse could give; a SKU on several lines shares stock."""
    result: list[list[Quantity]] = []
    for code_ in codes:
        left: dict[str, Quantity] = {}
        row = []
        for line in lines:
            have = left.get(line.sku)
            if have is None:
                have = max(0, available.get((code_, line.sku), 0))
            take = min(have, line.quantity)
            left[line.sku] = have - take
            row.append(take)
        result.append(row)
    return result


def _backorders(lines: Sequence[DemandLine], plan: _Plan) -> list[BackorderLine]:
    """What ``plan`` leaves unserved of each line, as backorder lines with their reason."""
    backorders = []
    for i, line in enumerate(lines):
        short = line.quantity - sum(p.get(i, 0) for p in plan.values())
        if short > 0:
            short = _to_quantity(short)
            backorders.append(
                _backorder(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=short,
                    reason=f"no warehouse has {short} more of SKU {line.sku!r} available",
                )
            )
    return backorders


class GreedyNearestPerLine(BaseStrategy):
    """A baseline, not for production: each line from its nearest warehouse with stock.

    What a naive system does; kept to measure the default strategy against.
    """

    name = "greedy nearest per line"

    def _rank(self, order: OrderDemand, ctx: _Context, km: list[float]) -> list[int]:
        return sorted(range(len(ctx.codes)), key=km.__getitem__)

    def _plan(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        km = ctx.distances(order)
        ranked = self._rank(order, ctx, km)
        left: dict[tuple[int, str], Quantity] = {}
        picks = []
        backorders = []
        for line in order.lines:
            need = line.quantity
            for w in ranked:
                key = (w, line.sku)
                have = left.get(key)
                if have is None:
                    have = max(0, available.get((ctx.codes[w], line.sku), 0))
                take = min(need, have)
                left[key] = have - take
                if take:
                    picks.append(
                        _pick(
                            line_id=line.line_id,
                            sku=line.sku,
                            warehouse=ctx.codes[w],
                            quantity=take,
                            reason=f"nearest with stock ({km[w]:.1f} km)",
                        )
                    )
                    need -= take
                if not need:
                    break
            if need:
                need = to_quantity(need)
                backorders.append(
                    BackorderLine(
                        line_id=line.line_id,
                        sku=line.sku,
                        quantity=need,
                        reason=f"no warehouse has {need} more of SKU {line.sku!r} available",
                    )
                )
        return Allocation(
            order_id=order.order_id, strategy=self.name, picks=picks, backorders=backorders
        )


def choose_single_warehouse(
    demand: Mapping[str, Quantity],
    warehouses: Sequence[Warehouse],
    stock: Mapping[tuple[str, str], StockItem],
) -> Warehouse:
    """The first warehouse (lowest priority number, then code) that can serve all of ``demand``.

    Args:
        demand: units wanted per SKU.
        warehouses: the candidates.
        stock: stock items keyed by (warehouse code, SKU); a missing item has nothing.

    Raises:
        ValidationError: there are no warehouses.
        InsufficientStock: no single warehouse can serve the order; the error names the SKU
            and the first-choice warehouse's shortfall.
    """
    if not warehouses:
        raise ValidationError("there are no warehouses to allocate from")
    ordered = sorted(warehouses, key=lambda w: (w.priority, w.code))

    def available(warehouse: str, sku: str) -> Quantity:
        item = stock.get((warehouse, sku))
        return 0 if item is None else item.available

    for warehouse in ordered:
        if all(available(warehouse.code, sku) >= qty for sku, qty in demand.items()):
            return warehouse
    first = ordered[0].code
    sku, qty = max(demand.items(), key=lambda kv: (kv[1] - available(first, kv[0]), kv[0]))
    raise InsufficientStock(sku, first, available(first, sku), qty)
