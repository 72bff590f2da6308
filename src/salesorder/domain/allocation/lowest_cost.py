"""The default strategy, :class:`LowestCost`: the cheapest shipments under a cost model.

One order: the cheapest single warehouse, or the cheaper of a greedy cover and a
nearest-per-line split, each improved by moving units to cheaper open parcels. A batch: the
orders with the most to lose first, then exchanges of units between orders (the exchange
module) while they lower the batch's cost, then, for a small batch, a wider search that
re-plans groups of orders together (the search module).
"""

# The strategies' hooks (_rank, _single, _split) share one signature; not every strategy needs
# every argument.
# ruff: noqa: ARG002

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from salesorder.domain.allocation.costs import CostModel, _Context
from salesorder.domain.allocation.exchange import _Exchange, _regret
from salesorder.domain.allocation.model import (
    Allocation,
    Available,
    BatchAllocation,
    OrderDemand,
    ZoneTable,
    _allocation,
    _backorder,
    _fewer,
    _pick,
    _to_quantity,
)
from salesorder.domain.allocation.priority import _in_turn, _StockIndex, batch_order
from salesorder.domain.allocation.search import _search, _searchable
from salesorder.domain.allocation.strategies import (
    BaseStrategy,
    _backorders,
    _Plan,
    _units_per_warehouse,
)
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity, to_quantity
from salesorder.numbers import decimal_isolated

__all__ = ["LowestCost"]


class LowestCost(BaseStrategy):
    """The default: cheapest shipments under the :class:`CostModel` (a fast heuristic).

    Three candidate plans are priced and the cheapest kept: the cheapest single warehouse
    that has the whole order; a greedy cover (the warehouse with the lowest cost per unit it
    covers, repeatedly); and each line from its nearest warehouses. Both split plans are
    then improved by moving units to nearer open parcels and closing parcels whose units
    fit, more cheaply, in the others. Batches are planned as :meth:`allocate_batch` says;
    ``rounds`` bounds its passes of exchanges (0: none).

    ``honour_priority=False`` plans the whole batch instead (the heuristic counterpart of
    ``ExactOptimizer(honour_priority=False)``): each SKU still serves as many units as it
    can, but scarce units go to the orders cheapest to serve rather than to the first in
    turn, and the exchanges may hand units from one order to another that lacks them when
    that lowers the batch's cost. Allocations still come back in the order of service.

    ``search=False`` skips the wider search of small batches (step 4 of
    :meth:`allocate_batch`): it brings a batch of 30 orders from up to 5-8% above its
    optimum to within 2% of it, for a few hundred milliseconds.
    """

    name = "lowest cost"

    def __init__(
        self,
        *,
        cost: CostModel | None = None,
        zones: ZoneTable | None = None,
        rounds: int = 3,
        honour_priority: bool = True,
        search: bool = True,
    ) -> None:
        super().__init__(cost=cost, zones=zones)
        self.rounds = rounds
        self.honour_priority = honour_priority
        self.search = search

    def _rank(self, order: OrderDemand, ctx: _Context, km: list[float]) -> list[int]:
        return sorted(range(len(ctx.codes)), key=km.__getitem__)

    def _single(
        self, order: OrderDemand, ctx: _Context, km: list[float], able: list[int]
    ) -> tuple[int, str]:
        # A parcel's cost never falls as km rise (in floats too: each step rounds
        # monotonically), so the nearest is the cheapest; the first of equals by index,
        # which is the first as ranked (a stable sort by km), so ``able`` need not be ranked.
        w = min(able, key=km.__getitem__)
        cost = ctx.shipment_cost(order.units, km[w])
        return w, f"cheapest single shipment ({cost:.2f}) of {len(able)} that can serve it all"

    def _plan(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        km = ctx.distances(order)
        quantities = [line.quantity for line in order.lines]
        able = _whole(order, ctx, available)
        avail = None
        if able is None:
            avail = _line_availability(order, ctx, available)
            able = [w for w, row in enumerate(avail) if row == quantities]
        if able:
            w, why = self._single(order, ctx, km, able)
            # No split can cost less than two parcels with every unit from the nearest
            # warehouse: when the single shipment costs no more, the split is not priced.
            units = sum(quantities)
            bound = 2 * ctx.parcel + float(units) * (ctx.unit + ctx.unit_km * min(km))
            single_cost = ctx.shipment_cost(units, km[w])
            if single_cost <= bound:
                return _single_allocation(order, ctx, w, why, self.name)
        if avail is None:
            avail = _line_availability(order, ctx, available)
        plan, reasons = self._split(order, ctx, km, avail)
        if able:
            if single_cost <= _plan_cost(plan, ctx, km):
                return _single_allocation(order, ctx, w, why, self.name)
            alone = ctx.codes[w]
            reasons = {
                at: f"{why_split}; cheaper than one shipment from {alone}"
                for at, why_split in reasons.items()
            }
        return _to_allocation(order, ctx, plan, reasons, self.name)

    def _split(
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[Quantity]]
    ) -> tuple[_Plan, dict[int, str]]:
        ranked = self._rank(order, ctx, km)
        cover = _greedy_cover(order, ctx, km, avail, ranked)
        nearest = _nearest_per_line(order, avail, ranked)
        if _same(cover, nearest):
            # The same start improves to the same plan, and the cover wins ties anyway.
            plan = _improve(cover, ctx, km, avail)
        else:
            cover = _improve(cover, ctx, km, avail)
            nearest = _improve(nearest, ctx, km, avail)
            plan = min((cover, nearest), key=lambda p: _plan_cost(p, ctx, km))
        reasons = {
            w: f"lowest cost ({km[w]:.1f} km, {_units(plan[w])} in the parcel)" for w in plan
        }
        return plan, reasons

    @decimal_isolated
    def allocate_batch(  # noqa: PLR0912, PLR0915 - the three steps the docstring lists
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> BatchAllocation:
        """Allocate a batch under the priority rule, then lower its cost by exchanges.

        1. :func:`units_in_turn` fixes how many units each line gets: orders in turn by
           priority, then date, then id. Nothing below changes these amounts, so the
           priority rule holds whatever happens next.
        2. Orders are planned one by one (as :meth:`AllocationStrategy.allocate` does),
           those with the most to lose first: the regret of an order is how much dearer
           its second-best warehouse is than its best. The totals in step 1 guarantee
           each order finds its units.
        3. Local improvement: a line's units move to another warehouse of the same order
           (one with stock left, or in exchange with another order holding that SKU there)
           whenever the batch's cost falls, and a parcel is closed when all its SKUs can
           move to the order's other parcels for less than the parcel costs; at most
           ``rounds`` passes.
        4. A small batch (up to 1,200 orders times warehouses) is then searched wider:
           groups of orders are taken out and re-planned together, kept when the batch's
           cost falls (the search module). Deterministic; ``search=False`` or
           ``rounds=0`` skips it.

        With ``honour_priority=False``, step 1 serves the orders cheapest to serve per unit
        first instead, and step 3 may also hand units to an order lacking them.

        Allocations come back in the order of service (priority, date, id).
        """
        queue = batch_order(orders)
        ctx = self._context(warehouses)
        index = _StockIndex(ctx.codes, available)
        kms = [ctx.distances(order) for order in queue]
        ctx.known = {id(order): km for order, km in zip(queue, kms, strict=True)}
        if self.honour_priority:
            quotas, short = _in_turn(queue, set(ctx.codes), available)
            shortfall = None
        else:
            quotas, short = _cheapest_first(queue, ctx, kms, available)
            shortfall = _shortfall(queue, quotas, short)
        demands = list(queue)
        for o in short:  # the rest of its SKUs went to orders served before it
            order = queue[o]
            lines = [_fewer(line, q) for q, line in zip(quotas[o], order.lines, strict=True) if q]
            demands[o] = attrs.evolve(order, lines=lines)
            ctx.known[id(demands[o])] = kms[o]
        regret = [_regret(demand, ctx, km, index) for demand, km in zip(demands, kms, strict=True)]
        plans: list[dict[int, dict[str, Quantity]]] = [{} for _ in queue]
        planned: list[Allocation | None] = [None] * len(queue)
        holders: dict[tuple[int, str], set[int]] = {}
        rows, at = index.by_sku, index.index
        for o in sorted(range(len(queue)), key=lambda o: -regret[o]):
            if not demands[o].lines:
                continue
            allocation = self._plan_merged(demands[o], ctx, index)
            plan = plans[o]
            for pick in allocation.picks:
                w, sku, units = at[pick.warehouse], pick.sku, pick.quantity
                rows[sku][w] -= units
                parcel = plan.get(w)
                if parcel is None:
                    plan[w] = {sku: units}
                else:
                    parcel[sku] = parcel.get(sku, 0) + units
                held = holders.get((w, sku))
                if held is None:
                    holders[w, sku] = {o}
                else:
                    held.add(o)
            planned[o] = allocation
        ids = [order.order_id for order in queue]
        exchange = _Exchange(
            plans, holders, ids=ids, kms=kms, ctx=ctx, index=index, shortfall=shortfall
        )
        changed = exchange.run(self.rounds)
        if self.rounds and self.search and _searchable(len(queue), len(ctx.codes)):
            changed |= _search(exchange, demands, lambda d: self._plan_merged(d, ctx, index))
        allocations = []
        for o, order in enumerate(queue):
            first = planned[o]
            if first is not None and o not in changed and o not in short:
                allocations.append(first)
                continue
            if o in changed:  # the parcels changed: the planner's reasons may not hold
                reasons = {
                    (w, sku): f"lowest cost for the batch ({kms[o][w]:.1f} km, "
                    f"{_units(units)} in the parcel)"
                    for w, units in plans[o].items()
                    for sku in units
                }
            else:
                reasons = {} if first is None else _reasons(first, at)
            reasons.update(exchange.reasons.get(o, {}))
            allocations.append(
                _rebuild(order, plans[o], reasons, ctx, self.name, self.honour_priority)
            )
        return BatchAllocation(allocations=allocations)


def _cheapest_first(
    queue: Sequence[OrderDemand], ctx: _Context, kms: list[list[float]], available: Available
) -> tuple[list[list[Quantity]], set[int]]:
    """Units per line for the whole-batch mode: scarce stock to the orders cheapest to serve.

    Orders take what is left of their SKUs in turn as under the priority rule, but in the
    order of what a unit costs them when shipped alone from their nearest warehouse (a
    parcel's fixed cost spread over its units, plus the unit's own cost); the exchanges
    then hand units on where that lowers the batch's cost.
    """

    def per_unit(o: int) -> float:
        units = float(queue[o].units)
        return ctx.shipment_cost(queue[o].units, min(kms[o])) / units

    turn = sorted(range(len(queue)), key=per_unit)
    rows, short = _in_turn([queue[o] for o in turn], set(ctx.codes), available)
    quotas: list[list[Quantity]] = [[] for _ in queue]
    for position, o in enumerate(turn):
        quotas[o] = rows[position]
    return quotas, {turn[position] for position in short}


def _shortfall(
    queue: Sequence[OrderDemand], quotas: list[list[Quantity]], short: set[int]
) -> dict[str, dict[int, Quantity]]:
    """Units of each SKU each order lacks: ``{sku: {order position: units}}``."""
    lacking: dict[str, dict[int, Quantity]] = {}
    for o in short:
        for line, units in zip(queue[o].lines, quotas[o], strict=True):
            if units < line.quantity:
                per_order = lacking.setdefault(line.sku, {})
                per_order[o] = to_quantity(per_order.get(o, 0) + line.quantity - units)
    return lacking


def _reasons(allocation: Allocation, at: Mapping[str, int]) -> dict[tuple[int, str], str]:
    """The reason of each (warehouse index, SKU) of ``allocation``'s picks."""
    return {(at[p.warehouse], p.sku): p.reason for p in allocation.picks}


def _rebuild(  # noqa: PLR0917 - the last flag says which rule left lines short
    order: OrderDemand,
    plan: dict[int, dict[str, Quantity]],
    reasons: dict[tuple[int, str], str],
    ctx: _Context,
    strategy: str,
    honour_priority: bool = True,
) -> Allocation:
    """An allocation from units per warehouse and SKU, shared over the SKU's lines in order."""
    sources: dict[str, list[int]] = {}  # SKU -> warehouse indexes, in plan order
    left: dict[tuple[int, str], Quantity] = {}
    for w, units in plan.items():
        for sku, n in units.items():
            sources.setdefault(sku, []).append(w)
            left[w, sku] = n
    picks = []
    backorders = []
    for line in order.lines:
        need = line.quantity
        for w in sources.get(line.sku, ()):
            take = min(need, left[w, line.sku])
            if take:
                picks.append(
                    _pick(
                        line_id=line.line_id,
                        sku=line.sku,
                        warehouse=ctx.codes[w],
                        quantity=take,
                        reason=reasons[w, line.sku],
                    )
                )
                left[w, line.sku] -= take
                need -= take
        if need:
            need = _to_quantity(need)
            backorders.append(
                _backorder(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=need,
                    reason=(
                        f"no warehouse has {need} more of SKU {line.sku!r} available after "
                        "the orders served before it (priority, then date)"
                        if honour_priority
                        else f"{need} of SKU {line.sku!r} backordered: the batch's stock of it "
                        "went to lines cheaper to serve"
                    ),
                )
            )
    picks.sort(key=lambda p: p.warehouse)
    return _allocation(order.order_id, strategy, picks, backorders)


def _line_availability(
    order: OrderDemand, ctx: _Context, available: Available
) -> list[list[Quantity]]:
    """Units of each line each warehouse could give; a SKU on several lines shares stock."""
    skus = [line.sku for line in order.lines]
    unique = len(set(skus)) == len(skus)
    if unique and type(available) is _StockIndex and available.codes is ctx.codes:
        zeros = available.zeros
        columns = [
            [
                units if units < line.quantity else line.quantity
                for units in available.by_sku.get(line.sku, zeros)
            ]
            for line in order.lines
        ]
        return [list(row) for row in zip(*columns, strict=True)]
    if unique:  # the usual case (and always after merging lines)
        wanted = [(line.sku, line.quantity) for line in order.lines]
        get = available.get
        return [
            [max(0, min(get((code_, sku), 0), quantity)) for sku, quantity in wanted]
            for code_ in ctx.codes
        ]
    return _units_per_warehouse(order.lines, ctx.codes, available)


def _whole(order: OrderDemand, ctx: _Context, available: Available) -> list[int] | None:
    """The warehouses (by index) that have every line of ``order`` whole, from a stock index.

    ``None`` when that cannot be read off the index's rows (another mapping, or a SKU on
    several lines): the caller then compares :func:`_line_availability` with the lines.
    The index is recognised by its exact type (a subclass takes that slower, equal way):
    ``isinstance`` of a ``Mapping`` goes through the ABC machinery, once per order.
    """
    if not (type(available) is _StockIndex and available.codes is ctx.codes):
        return None
    if len({line.sku for line in order.lines}) < len(order.lines):
        return None
    return available.serving_each(order.lines)


def _single_allocation(
    order: OrderDemand, ctx: _Context, w: int, reason: str, strategy: str
) -> Allocation:
    """The whole of ``order`` from warehouse ``w``: a pick per line, in line order."""
    warehouse = ctx.codes[w]
    picks = [
        _pick(
            line_id=line.line_id,
            sku=line.sku,
            warehouse=warehouse,
            quantity=line.quantity,
            reason=reason,
        )
        for line in order.lines
    ]
    return _allocation(order.order_id, strategy, picks)


def _same(a: _Plan, b: _Plan) -> bool:
    """Whether two plans are equal, in the order of their warehouses and lines too.

    :func:`_improve` breaks ties by that order, so only such plans surely improve alike.
    """
    return len(a) == len(b) and all(
        wa == wb and list(la.items()) == list(lb.items())
        for (wa, la), (wb, lb) in zip(a.items(), b.items(), strict=True)
    )


def _units(lines: Mapping[Any, Quantity]) -> str:
    units = _to_quantity(sum(lines.values()))
    return f"{units} unit" if units == 1 else f"{units} units"


def _plan_cost(plan: _Plan, ctx: _Context, km: list[float]) -> float:
    return sum(ctx.shipment_cost(sum(lines.values()), km[w]) for w, lines in plan.items())


def _greedy_cover(
    order: OrderDemand,
    ctx: _Context,
    km: list[float],
    avail: list[list[Quantity]],
    ranked: list[int],
) -> _Plan:
    plan: _Plan = {}
    need = [line.quantity for line in order.lines]
    parcel = ctx.parcel
    # A warehouse with none of the lines never covers any, so only the others are priced
    # (each with its cost per unit shipped, computed as ctx.shipment_cost does).
    candidates = [(w, avail[w], ctx.unit + ctx.unit_km * km[w]) for w in ranked if any(avail[w])]
    while True:
        best, best_rate = -1, math.inf
        wanted = [(i, n) for i, n in enumerate(need) if n]
        if not wanted:  # every line covered: no warehouse would cover a unit more
            return plan
        for w, row, per_unit in candidates:
            if w in plan:
                continue
            units: Quantity = 0
            for i, n in wanted:
                a = row[i]
                units += a if a < n else n
            if units:
                rate = (parcel + float(units) * per_unit) / float(units)
                if rate < best_rate:
                    best, best_rate = w, rate
        if best < 0:
            return plan
        for i, n in enumerate(need):
            take = min(n, avail[best][i])
            if take:
                plan.setdefault(best, {})[i] = take
                need[i] -= take


def _nearest_per_line(order: OrderDemand, avail: list[list[Quantity]], ranked: list[int]) -> _Plan:
    plan: _Plan = {}
    for i, line in enumerate(order.lines):
        need = line.quantity
        for w in ranked:
            take = min(need, avail[w][i])
            if take:
                plan.setdefault(w, {})[i] = take
                need -= take
                if not need:
                    break
    return plan


def _improve(  # noqa: PLR0912 - two passes over a small plan
    plan: _Plan, ctx: _Context, km: list[float], avail: list[list[Quantity]]
) -> _Plan:
    """Close parcels whose units fit, more cheaply, in the other open parcels.

    Then move units to the nearest open parcel with room. Never changes how many units each
    line gets.
    """
    if len(plan) < 2:  # nothing to close, nowhere to move to (and no parcel here is empty)
        return plan
    plan = {w: dict(lines) for w, lines in plan.items()}
    # Ranked once: a stable sort, so the parcels still open keep this order.
    nearest_first = sorted(plan, key=km.__getitem__)
    cost = None
    for far in sorted(plan, key=lambda w: sum(plan[w].values())):
        others = [w for w in nearest_first if w != far and w in plan]
        if not others:
            continue
        # Where each line's units would go, nearest first; the trial plan is only built
        # when they all fit.
        moves: list[tuple[int, int, Quantity]] = []
        for i, units in plan[far].items():
            rest = units
            for near in others:
                move = min(rest, avail[near][i] - plan[near].get(i, 0))
                if move > 0:
                    moves.append((near, i, move))
                    rest -= move
            if rest:
                break
        else:
            trial = {w: dict(lines) for w, lines in plan.items() if w != far}
            for near, i, move in moves:
                trial[near][i] = trial[near].get(i, 0) + move
            trial_cost = _plan_cost(trial, ctx, km)
            if cost is None:
                cost = _plan_cost(plan, ctx, km)
            if trial_cost < cost:
                plan, cost = trial, trial_cost
    opened = sorted(plan, key=lambda w: km[w])
    for i in {i for lines in plan.values() for i in lines}:
        for far in reversed(opened):
            units = plan[far].get(i, 0)
            for near in opened:
                if not units or km[near] >= km[far]:
                    break
                move = min(units, avail[near][i] - plan[near].get(i, 0))
                if move > 0:
                    plan[near][i] = plan[near].get(i, 0) + move
                    units -= move
            if units:
                plan[far][i] = units
            else:
                plan[far].pop(i, None)
    return {w: lines for w, lines in plan.items() if lines}


def _to_allocation(
    order: OrderDemand, ctx: _Context, plan: _Plan, reasons: dict[int, str], strategy: str
) -> Allocation:
    lines = order.lines
    split = len(plan) > 1
    picks = [
        _pick(
            line_id=lines[i].line_id,
            sku=lines[i].sku,
            warehouse=ctx.codes[w],
            quantity=units,
            reason=(f"split shipment; {reasons[w]}" if split else reasons[w]),
        )
        for w in sorted(plan, key=lambda w: ctx.codes[w])
        for i, units in sorted(plan[w].items())
    ]
    return _allocation(order.order_id, strategy, picks, _backorders(lines, plan))
