"""Choosing where an order's stock comes from: strategies behind one protocol.

An :class:`OrderDemand` (lines, destination, priority, date) is allocated over warehouses and
what each has available into an :class:`Allocation`: picks (line, warehouse, units), backorder
lines for what no warehouse has, and a reason for each, so every allocation explains itself.

Strategies (all :class:`AllocationStrategy`):

- :class:`ByPriority`: whole order from the first warehouse by priority that has it all,
  else fill lines from warehouses in priority order.
- :class:`Nearest`: the same, warehouses ranked by distance to the customer (coordinates, or a
  :class:`ZoneTable` of distances per delivery zone).
- :class:`FewestShipments`: one warehouse when one can serve it, else a greedy set cover.
- :class:`LowestCost`: the default. Cheapest shipments under a :class:`CostModel` (fixed cost
  per parcel plus cost per unit and per unit-kilometre): the cheapest single warehouse, or a
  greedy split by cost per unit covered, improved by moving units to cheaper open parcels.
  For a batch it plans the orders with the most to lose first, then exchanges units between
  orders while that lowers the batch's cost (see :meth:`LowestCost.allocate_batch`).
- :class:`~salesorder.domain.optimize.ExactOptimizer` (``salesorder[optimize]``, scipy's
  MILP) solves a whole batch exactly where it fits.

:func:`allocate_batch` allocates many orders under the priority rule: served in turn, by
order priority (lower first), then order date, then id, each order's lines get what is left
of their SKUs (:func:`units_in_turn`), so stock goes to the orders that should have it first,
and no order is ever given more than is available or more than it ordered.

Costs are planning scores in the cost model's units (floats for speed), never amounts charged;
the courier's quote is what an order is billed.
"""

# The strategies' hooks (_rank, _single, _split) share one signature; not every strategy needs
# every argument.
# ruff: noqa: ARG002

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

import attrs

from salesorder.domain.common import as_tuple, code, non_negative_decimal, positive_int
from salesorder.domain.customers import GeoPoint, Warehouse
from salesorder.domain.inventory import StockItem
from salesorder.exceptions import InsufficientStock, ValidationError
from salesorder.money import to_decimal

__all__ = [
    "Allocation",
    "AllocationStrategy",
    "BackorderLine",
    "BaseStrategy",
    "BatchAllocation",
    "ByPriority",
    "CostModel",
    "DemandLine",
    "FewestShipments",
    "GreedyNearestPerLine",
    "LowestCost",
    "Nearest",
    "OrderDemand",
    "Pick",
    "ZoneTable",
    "allocate_batch",
    "allocation_cost",
    "batch_order",
    "choose_single_warehouse",
    "haversine_km",
    "units_in_turn",
]

Available = Mapping[tuple[str, str], int]


# ---------------------------------------------------------------------------------------
# Inputs and results
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DemandLine:
    """Units of one SKU wanted by one order line."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)


@attrs.frozen(kw_only=True)
class OrderDemand:
    """What an order needs and where it goes.

    ``priority``: lower is served first in a batch (then ``placed_at``, then ``order_id``).
    ``destination`` and ``zone`` locate the customer for distance-based strategies.
    """

    order_id: str = attrs.field(validator=code)
    lines: tuple[DemandLine, ...] = attrs.field(converter=as_tuple)
    destination: GeoPoint | None = None
    zone: str = ""
    priority: int = 0
    placed_at: dt.datetime | None = None

    @property
    def units(self) -> int:
        """Units ordered over all lines."""
        return sum(line.quantity for line in self.lines)


@attrs.frozen(kw_only=True)
class Pick:
    """``quantity`` units of an order line taken from ``warehouse``, and why."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)
    reason: str = ""


@attrs.frozen(kw_only=True)
class BackorderLine:
    """Units of an order line no warehouse could serve, and why."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)
    reason: str = ""


@attrs.frozen(kw_only=True)
class Allocation:
    """Where one order's units come from: picks, backorders and the strategy's reasons."""

    order_id: str
    strategy: str
    picks: tuple[Pick, ...] = attrs.field(default=(), converter=as_tuple)
    backorders: tuple[BackorderLine, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def warehouses(self) -> tuple[str, ...]:
        """The warehouses shipping, in the order of the picks (one shipment each)."""
        return tuple(dict.fromkeys(pick.warehouse for pick in self.picks))

    @property
    def is_complete(self) -> bool:
        """True when nothing is backordered."""
        return not self.backorders

    @property
    def units_allocated(self) -> int:
        """Units picked over all lines."""
        return sum(pick.quantity for pick in self.picks)

    def explain(self) -> list[str]:
        """One sentence per pick and backorder line: what went where, and why."""
        text = [
            f"line {p.line_id} ({p.sku}): {p.quantity} from {p.warehouse}: {p.reason}"
            for p in self.picks
        ]
        text += [
            f"line {b.line_id} ({b.sku}): {b.quantity} backordered: {b.reason}"
            for b in self.backorders
        ]
        return text


@attrs.frozen(kw_only=True)
class BatchAllocation:
    """The allocations of a batch, in the order of service (priority, date, id)."""

    allocations: tuple[Allocation, ...] = attrs.field(converter=as_tuple)

    def for_order(self, order_id: str) -> Allocation:
        """The allocation of ``order_id``.

        Raises:
            KeyError: the order was not in the batch.
        """
        for allocation in self.allocations:
            if allocation.order_id == order_id:
                return allocation
        raise KeyError(order_id)

    @property
    def backordered_units(self) -> int:
        """Units no warehouse could serve, over the batch."""
        return sum(b.quantity for a in self.allocations for b in a.backorders)


# ---------------------------------------------------------------------------------------
# Distances and costs
# ---------------------------------------------------------------------------------------

_EARTH_RADIUS_KM = 6371.0088


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in kilometres between two points (mean Earth radius)."""
    return _haversine(float(a.latitude), float(a.longitude), float(b.latitude), float(b.longitude))


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _km_table(value: Mapping[tuple[str, str], object]) -> dict[tuple[str, str], Decimal]:
    return {key: to_decimal(km, what="distance") for key, km in value.items()}


@attrs.frozen(kw_only=True)
class ZoneTable:
    """Distances in km from each warehouse to each delivery zone: ``{(zone, warehouse): km}``.

    Used where customers have a zone (a postcode area, a city) instead of coordinates; a
    pair that is missing falls back to coordinates.
    """

    distances: Mapping[tuple[str, str], Decimal] = attrs.field(converter=_km_table)


@attrs.frozen(kw_only=True)
class CostModel:
    """The planning cost of a shipment: ``per_parcel + units * (per_unit + per_unit_km * km)``.

    Unknown distances (no coordinates, no zone entry) count as ``unknown_km``.
    """

    per_parcel: Decimal = attrs.field(
        default=Decimal(10), converter=to_decimal, validator=non_negative_decimal
    )
    per_unit: Decimal = attrs.field(
        default=Decimal(1), converter=to_decimal, validator=non_negative_decimal
    )
    per_unit_km: Decimal = attrs.field(
        default=Decimal("0.01"), converter=to_decimal, validator=non_negative_decimal
    )
    unknown_km: Decimal = attrs.field(
        default=Decimal(0), converter=to_decimal, validator=non_negative_decimal
    )


class _Context:
    """Warehouses prepared once per batch: ranked by priority, coordinates as floats."""

    def __init__(
        self, warehouses: Sequence[Warehouse], zones: ZoneTable | None, cost: CostModel
    ) -> None:
        if not warehouses:
            raise ValidationError("there are no warehouses to allocate from")
        self.warehouses = sorted(warehouses, key=lambda w: (w.priority, w.code))
        self.codes = [w.code for w in self.warehouses]
        self.coords = [
            None
            if w.coordinates is None
            else (float(w.coordinates.latitude), float(w.coordinates.longitude))
            for w in self.warehouses
        ]
        # Radians and cosines of the warehouses' latitudes, computed once (haversine).
        self.prepared = [
            None
            if c is None
            else (math.radians(c[0]), math.radians(c[1]), math.cos(math.radians(c[0])))
            for c in self.coords
        ]
        self.zones = {} if zones is None else {k: float(v) for k, v in zones.distances.items()}
        self.parcel = float(cost.per_parcel)
        self.unit = float(cost.per_unit)
        self.unit_km = float(cost.per_unit_km)
        self.unknown = float(cost.unknown_km)
        # Distances a batch already computed, by id() of orders it keeps alive.
        self.known: dict[int, list[float]] = {}

    def distances(self, order: OrderDemand) -> list[float]:
        """Km from each warehouse (in rank order) to the order's customer."""
        known = self.known.get(id(order))
        if known is not None:
            return known
        dest = order.destination
        if dest is None:
            point = None
        else:
            lat2 = math.radians(float(dest.latitude))
            point = (lat2, math.radians(float(dest.longitude)), math.cos(lat2))
        zones = self.zones if order.zone else None
        result = []
        sin, asin, sqrt = math.sin, math.asin, math.sqrt
        for code_, prepared in zip(self.codes, self.prepared, strict=True):
            km = zones.get((order.zone, code_)) if zones else None
            if km is None:
                if point is None or prepared is None:
                    km = self.unknown
                else:
                    lat1, lon1, cos1 = prepared
                    h = (
                        sin((point[0] - lat1) / 2) ** 2
                        + cos1 * point[2] * sin((point[1] - lon1) / 2) ** 2
                    )
                    km = 2 * _EARTH_RADIUS_KM * asin(min(1.0, sqrt(h)))
            result.append(km)
        return result

    def shipment_cost(self, units: int, km: float) -> float:
        return self.parcel + units * (self.unit + self.unit_km * km)


def allocation_cost(
    allocations: Iterable[Allocation],
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    *,
    cost: CostModel | None = None,
    zones: ZoneTable | None = None,
) -> float:
    """The planning cost of ``allocations`` under ``cost`` (one parcel per order and warehouse)."""
    ctx = _Context(warehouses, zones, cost or CostModel())
    index = {c: i for i, c in enumerate(ctx.codes)}
    by_id = {order.order_id: order for order in orders}
    total = 0.0
    for allocation in allocations:
        km = ctx.distances(by_id[allocation.order_id])
        units: dict[str, int] = {}
        for pick in allocation.picks:
            units[pick.warehouse] = units.get(pick.warehouse, 0) + pick.quantity
        total += sum(ctx.shipment_cost(u, km[index[w]]) for w, u in units.items())
    return total


# ---------------------------------------------------------------------------------------
# The protocol and the strategies
# ---------------------------------------------------------------------------------------


@runtime_checkable
class AllocationStrategy(Protocol):
    """Allocates one order, never beyond what is available or what was ordered."""

    @property
    def name(self) -> str:
        """The strategy's name, as allocations report it."""
        ...

    def allocate(
        self, order: OrderDemand, warehouses: Sequence[Warehouse], available: Available
    ) -> Allocation:
        """Allocate ``order`` over ``warehouses`` given ``available[(warehouse, sku)]`` units.

        Raises:
            ValidationError: there are no warehouses.
        """
        ...


_Plan = dict[int, dict[int, int]]  # warehouse index -> line index -> units


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

    def allocate(
        self, order: OrderDemand, warehouses: Sequence[Warehouse], available: Available
    ) -> Allocation:
        """See :meth:`AllocationStrategy.allocate`."""
        return self._plan_merged(order, self._context(warehouses), available)

    def _plan_merged(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        """Plan with one line per SKU (lines of one SKU share its stock), then split back."""
        skus = [line.sku for line in order.lines]
        if len(set(skus)) == len(skus):
            return self._plan(order, ctx, available)
        merged: dict[str, int] = {}
        for line in order.lines:
            merged[line.sku] = merged.get(line.sku, 0) + line.quantity
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
            sources: list[list[object]] = [
                [p.warehouse, p.quantity, p.reason] for p in plan.picks if p.sku == sku
            ]
            for line in (line for line in order.lines if line.sku == sku):
                need = line.quantity
                for source in sources:
                    take = min(need, int(str(source[1])))
                    if take:
                        picks.append(
                            Pick(
                                line_id=line.line_id,
                                sku=sku,
                                warehouse=str(source[0]),
                                quantity=take,
                                reason=str(source[2]),
                            )
                        )
                        source[1] = int(str(source[1])) - take
                        need -= take
                if need:
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
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[int]]
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
        # Units of each line each warehouse could give; a SKU on several lines shares stock.
        avail: list[list[int]] = []
        for code_ in ctx.codes:
            left: dict[str, int] = {}
            row = []
            for line in lines:
                have = left.get(line.sku)
                if have is None:
                    have = max(0, available.get((code_, line.sku), 0))
                take = min(have, line.quantity)
                left[line.sku] = have - take
                row.append(take)
            avail.append(row)
        able = [
            w for w in ranked if all(avail[w][i] == line.quantity for i, line in enumerate(lines))
        ]
        if able:
            w, why = self._single(order, ctx, km, able)
            picks = [
                Pick(
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
                    Pick(
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
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[int]]
    ) -> tuple[_Plan, dict[int, str]]:
        plan: _Plan = {}
        reasons: dict[int, str] = {}
        need = [line.quantity for line in order.lines]
        ranked = self._rank(order, ctx, km)
        while True:
            best, covered = -1, 0
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
            reasons[best] = f"covers the most remaining units ({covered})"


class LowestCost(BaseStrategy):
    """The default: cheapest shipments under the :class:`CostModel` (a fast heuristic).

    Three candidate plans are priced and the cheapest kept: the cheapest single warehouse
    that has the whole order; a greedy cover (the warehouse with the lowest cost per unit it
    covers, repeatedly); and each line from its nearest warehouses. Both split plans are
    then improved by moving units to nearer open parcels and closing parcels whose units
    fit, more cheaply, in the others. Batches are planned as :meth:`allocate_batch` says;
    ``rounds`` bounds its passes of exchanges (0: none).
    """

    name = "lowest cost"

    def __init__(
        self, *, cost: CostModel | None = None, zones: ZoneTable | None = None, rounds: int = 3
    ) -> None:
        super().__init__(cost=cost, zones=zones)
        self.rounds = rounds

    def _rank(self, order: OrderDemand, ctx: _Context, km: list[float]) -> list[int]:
        return sorted(range(len(ctx.codes)), key=km.__getitem__)

    def _single(
        self, order: OrderDemand, ctx: _Context, km: list[float], able: list[int]
    ) -> tuple[int, str]:
        units = order.units
        w = min(able, key=lambda w: ctx.shipment_cost(units, km[w]))
        cost = ctx.shipment_cost(units, km[w])
        return w, f"cheapest single shipment ({cost:.2f}) of {len(able)} that can serve it all"

    def _plan(self, order: OrderDemand, ctx: _Context, available: Available) -> Allocation:
        km = ctx.distances(order)
        avail = _line_availability(order, ctx, available)
        quantities = [line.quantity for line in order.lines]
        able = [w for w in self._rank(order, ctx, km) if avail[w] == quantities]
        if able:
            w, why = self._single(order, ctx, km, able)
            single = {w: dict(enumerate(quantities))}
            # No split can cost less than two parcels with every unit from the nearest
            # warehouse: when the single shipment costs no more, the split is not priced.
            bound = 2 * ctx.parcel + sum(quantities) * (ctx.unit + ctx.unit_km * min(km))
            single_cost = _plan_cost(single, ctx, km)
            if single_cost <= bound:
                return _to_allocation(order, ctx, single, {w: why}, self.name)
        plan, reasons = self._split(order, ctx, km, avail)
        if able:
            if single_cost <= _plan_cost(plan, ctx, km):
                return _to_allocation(order, ctx, single, {w: why}, self.name)
            alone = ctx.codes[w]
            reasons = {
                at: f"{why_split}; cheaper than one shipment from {alone}"
                for at, why_split in reasons.items()
            }
        return _to_allocation(order, ctx, plan, reasons, self.name)

    def _split(
        self, order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[int]]
    ) -> tuple[_Plan, dict[int, str]]:
        ranked = self._rank(order, ctx, km)
        cover = _improve(_greedy_cover(order, ctx, km, avail, ranked), ctx, km, avail)
        nearest = _improve(_nearest_per_line(order, avail, ranked), ctx, km, avail)
        plan = min((cover, nearest), key=lambda p: _plan_cost(p, ctx, km))
        reasons = {
            w: f"lowest cost ({km[w]:.1f} km, {_units(plan[w])} in the parcel)" for w in plan
        }
        return plan, reasons

    def allocate_batch(
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
           whenever the batch's cost falls; at most ``rounds`` passes.

        Allocations come back in the order of service (priority, date, id).
        """
        queue = batch_order(orders)
        ctx = self._context(warehouses)
        index = _StockIndex(ctx.codes, available)
        quotas, short = _in_turn(queue, set(ctx.codes), available)
        kms = [ctx.distances(order) for order in queue]
        ctx.known = {id(order): km for order, km in zip(queue, kms, strict=True)}
        demands = list(queue)
        for o in short:  # the rest of its SKUs went to orders served before it
            order = queue[o]
            lines = [
                attrs.evolve(line, quantity=q)
                for q, line in zip(quotas[o], order.lines, strict=True)
                if q
            ]
            demands[o] = attrs.evolve(order, lines=lines)
            ctx.known[id(demands[o])] = kms[o]
        regret = [_regret(demand, ctx, km, index) for demand, km in zip(demands, kms, strict=True)]
        plans: list[dict[int, dict[str, int]]] = [{} for _ in queue]
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
        exchange = _Exchange(plans, holders, ids=ids, kms=kms, ctx=ctx, index=index)
        changed = exchange.run(self.rounds)
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
            allocations.append(_rebuild(order, plans[o], reasons, ctx, self.name))
        return BatchAllocation(allocations=allocations)


def _reasons(allocation: Allocation, at: Mapping[str, int]) -> dict[tuple[int, str], str]:
    """The reason of each (warehouse index, SKU) of ``allocation``'s picks."""
    return {(at[p.warehouse], p.sku): p.reason for p in allocation.picks}


def _in_turn(
    orders: Sequence[OrderDemand], codes: set[str], available: Available
) -> tuple[list[list[int]], set[int]]:
    """See :func:`units_in_turn`; also the orders (by position) that do not get everything."""
    left: dict[str, int] = {}
    for (warehouse, sku), units in available.items():
        if warehouse in codes and units > 0:
            left[sku] = left.get(sku, 0) + units
    result = []
    short = set()
    for o, order in enumerate(orders):
        row = []
        for line in order.lines:
            have = left.get(line.sku, 0)
            if have >= line.quantity:
                left[line.sku] = have - line.quantity
                row.append(line.quantity)
            else:
                if have:
                    left[line.sku] = 0
                row.append(have)
                short.add(o)
        result.append(row)
    return result, short


def _regret(order: OrderDemand, ctx: _Context, km: list[float], index: _StockIndex) -> float:
    """How much dearer an order's second-best single warehouse is than its best.

    Infinite when only one warehouse can serve it whole (it has the most to lose); zero when
    none can (it is split whatever comes first).
    """
    able: Sequence[int] = range(len(km))
    for line in order.lines:
        row = index.by_sku.get(line.sku, index.zeros)
        able = [w for w in able if row[w] >= line.quantity]
        if not able:
            return 0.0
    if len(able) == 1:
        return math.inf
    first, second = sorted([km[w] for w in able])[:2]
    return order.units * ctx.unit_km * (second - first)


class _Exchange:
    """Local improvement of a batch: move units of a SKU to another warehouse of the same order.

    A move takes stock left in that warehouse, or swaps with another order holding the SKU
    there (both keep their units). Only moves that save the moving order something are
    tried (a warehouse nearer to it, or one it already has a parcel from): when a swap saves
    the batch, it saves at least one of its two orders, which finds it from its side.
    """

    def __init__(
        self,
        plans: list[dict[int, dict[str, int]]],
        holders: dict[tuple[int, str], set[int]],
        *,
        ids: list[str],
        kms: list[list[float]],
        ctx: _Context,
        index: _StockIndex,
    ) -> None:
        """``holders[warehouse, sku]``: the orders whose plan takes ``sku`` there."""
        self.plans, self.ids, self.kms = plans, ids, kms
        # Why units moved: order position -> (warehouse index, SKU) -> reason.
        self.reasons: dict[int, dict[tuple[int, str], str]] = {}
        self.ctx, self.index = ctx, index
        self.holders = holders
        self.changed: set[int] = set()
        self.touched: set[str] = set()  # SKUs moved in the current pass
        self.moved: set[int] = set()  # orders moved in the current pass

    def run(self, rounds: int) -> set[int]:
        """Improve until a pass finds nothing, at most ``rounds`` passes; the orders changed."""
        nearest = [min(km) for km in self.kms]
        for turn in range(rounds):
            # After the first pass, only orders a move may have helped are looked at again:
            # those holding a SKU whose stock changed or that an order which moved holds
            # (its parcels changed, so exchanging with it gains something else now).
            touched = self.touched
            for o in self.moved:
                for units in self.plans[o].values():
                    touched.update(units)
            self.touched, self.moved = set(), set()
            for o, plan in enumerate(self.plans):
                if len(plan) == 1 and self.kms[o][next(iter(plan))] <= nearest[o]:
                    continue  # one parcel from its nearest warehouse: nothing to save
                if turn and all(touched.isdisjoint(units) for units in plan.values()):
                    continue
                ranked = sorted(range(len(self.kms[o])), key=self.kms[o].__getitem__)
                for source, sku in [(w, sku) for w, units in plan.items() for sku in units]:
                    self._better(o, sku, source, ranked)
            if not self.moved:
                break
        return self.changed

    def _gain(self, o: int, source: int, target: int, moved: int) -> float:
        """What moving ``moved`` units from ``source`` to ``target`` saves order ``o``."""
        plan = self.plans[o]
        km = self.kms[o]
        saved = moved * self.ctx.unit_km * (km[source] - km[target])
        if target not in plan:
            saved -= self.ctx.parcel
        if sum(plan[source].values()) == moved:
            saved += self.ctx.parcel
        return saved

    def _better(self, o: int, sku: str, source: int, ranked: list[int]) -> bool:
        """Make the best move of order ``o``'s units of ``sku`` in ``source``, if any saves."""
        plan = self.plans[o]
        units = plan.get(source, {}).get(sku, 0)
        if not units:
            return False
        km = self.kms[o]
        row = self.index.by_sku[sku]
        best = (1e-9, -1, -1, 0)  # (saving, target, partner or -1, units)
        # Warehouses nearer than the source, then the order's other parcels.
        targets = list(itertools.takewhile(lambda w: km[w] < km[source], ranked))
        targets += [w for w in plan if w != source and km[w] >= km[source]]
        for target in targets:
            have = row[target]
            if have > 0:
                moved = min(units, have)
                saved = self._gain(o, source, target, moved)
                if saved > best[0]:
                    best = (saved, target, -1, moved)
                continue
            for partner in self.holders.get((target, sku), ()):
                if partner != o:
                    moved = min(units, self.plans[partner][target][sku])
                    saved = self._gain(o, source, target, moved)
                    saved += self._gain(partner, target, source, moved)
                    if saved > best[0]:
                        best = (saved, target, partner, moved)
        saved, target, partner, moved = best
        if target < 0:
            return False
        codes = self.ctx.codes
        if partner < 0:
            row[target] -= moved
            row[source] += moved
            why = f"moved from {codes[source]}: saves {saved:.2f} on the batch"
        else:
            self._move(
                partner,
                sku,
                (target, source, moved),
                f"exchanged with order {self.ids[o]} for its units in {codes[source]}: "
                f"saves {saved:.2f} on the batch",
            )
            why = (
                f"exchanged with order {self.ids[partner]} for its units in {codes[target]}: "
                f"saves {saved:.2f} on the batch"
            )
        self._move(o, sku, (source, target, moved), why)
        return True

    def _move(self, o: int, sku: str, step: tuple[int, int, int], why: str) -> None:
        source, target, moved = step
        plan = self.plans[o]
        plan[source][sku] -= moved
        if not plan[source][sku]:
            del plan[source][sku]
            self.holders[source, sku].discard(o)
            if not plan[source]:
                del plan[source]
        units = plan.setdefault(target, {})
        units[sku] = units.get(sku, 0) + moved
        self.holders.setdefault((target, sku), set()).add(o)
        self.reasons.setdefault(o, {})[target, sku] = why
        self.changed.add(o)
        self.moved.add(o)
        self.touched.add(sku)


def _rebuild(
    order: OrderDemand,
    plan: dict[int, dict[str, int]],
    reasons: dict[tuple[int, str], str],
    ctx: _Context,
    strategy: str,
) -> Allocation:
    """An allocation from units per warehouse and SKU, shared over the SKU's lines in order."""
    left: dict[str, list[list[int]]] = {}
    for w, units in plan.items():
        for sku, n in units.items():
            left.setdefault(sku, []).append([w, n])
    picks = []
    backorders = []
    for line in order.lines:
        need = line.quantity
        for source in left.get(line.sku, ()):
            take = min(need, source[1])
            if take:
                w = source[0]
                picks.append(
                    Pick(
                        line_id=line.line_id,
                        sku=line.sku,
                        warehouse=ctx.codes[w],
                        quantity=take,
                        reason=reasons[w, line.sku],
                    )
                )
                source[1] -= take
                need -= take
        if need:
            backorders.append(
                BackorderLine(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=need,
                    reason=(
                        f"no warehouse has {need} more of SKU {line.sku!r} available after "
                        "the orders served before it (priority, then date)"
                    ),
                )
            )
    picks.sort(key=lambda p: p.warehouse)
    return Allocation(
        order_id=order.order_id, strategy=strategy, picks=picks, backorders=backorders
    )


def _line_availability(order: OrderDemand, ctx: _Context, available: Available) -> list[list[int]]:
    """Units of each line each warehouse could give; a SKU on several lines shares stock."""
    skus = [line.sku for line in order.lines]
    unique = len(set(skus)) == len(skus)
    if unique and isinstance(available, _StockIndex) and available.codes is ctx.codes:
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
    result: list[list[int]] = []
    for code_ in ctx.codes:
        left: dict[str, int] = {}
        row = []
        for line in order.lines:
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
            backorders.append(
                BackorderLine(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=short,
                    reason=f"no warehouse has {short} more of SKU {line.sku!r} available",
                )
            )
    return backorders


def _units(lines: Mapping[Any, int]) -> str:
    units = sum(lines.values())
    return f"{units} unit" if units == 1 else f"{units} units"


def _plan_cost(plan: _Plan, ctx: _Context, km: list[float]) -> float:
    return sum(ctx.shipment_cost(sum(lines.values()), km[w]) for w, lines in plan.items())


def _greedy_cover(
    order: OrderDemand, ctx: _Context, km: list[float], avail: list[list[int]], ranked: list[int]
) -> _Plan:
    plan: _Plan = {}
    need = [line.quantity for line in order.lines]
    while True:
        best, best_rate = -1, math.inf
        for w in ranked:
            if w in plan:
                continue
            units = sum(min(n, a) for n, a in zip(need, avail[w], strict=True))
            if units:
                rate = ctx.shipment_cost(units, km[w]) / units
                if rate < best_rate:
                    best, best_rate = w, rate
        if best < 0:
            return plan
        for i, n in enumerate(need):
            take = min(n, avail[best][i])
            if take:
                plan.setdefault(best, {})[i] = take
                need[i] -= take


def _nearest_per_line(order: OrderDemand, avail: list[list[int]], ranked: list[int]) -> _Plan:
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
    plan: _Plan, ctx: _Context, km: list[float], avail: list[list[int]]
) -> _Plan:
    """Close parcels whose units fit, more cheaply, in the other open parcels.

    Then move units to the nearest open parcel with room. Never changes how many units each
    line gets.
    """
    plan = {w: dict(lines) for w, lines in plan.items()}
    for far in sorted(plan, key=lambda w: sum(plan[w].values())):
        others = sorted((w for w in plan if w != far), key=lambda w: km[w])
        if not others:
            continue
        trial = {w: dict(lines) for w, lines in plan.items() if w != far}
        fits = True
        for i, units in plan[far].items():
            rest = units
            for near in others:
                move = min(rest, avail[near][i] - trial[near].get(i, 0))
                if move > 0:
                    trial[near][i] = trial[near].get(i, 0) + move
                    rest -= move
            if rest:
                fits = False
                break
        if fits and _plan_cost(trial, ctx, km) < _plan_cost(plan, ctx, km):
            plan = trial
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
        Pick(
            line_id=lines[i].line_id,
            sku=lines[i].sku,
            warehouse=ctx.codes[w],
            quantity=units,
            reason=(f"split shipment; {reasons[w]}" if split else reasons[w]),
        )
        for w in sorted(plan, key=lambda w: ctx.codes[w])
        for i, units in sorted(plan[w].items())
    ]
    return Allocation(
        order_id=order.order_id, strategy=strategy, picks=picks, backorders=_backorders(lines, plan)
    )


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
        left: dict[tuple[int, str], int] = {}
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
                        Pick(
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


# ---------------------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------------------


class _StockIndex(Mapping[tuple[str, str], int]):
    """What is left during a batch, by SKU: one list of units per SKU, in warehouse rank."""

    def __init__(self, codes: list[str], available: Available) -> None:
        self.codes = codes
        self.index = {code_: i for i, code_ in enumerate(codes)}
        self.zeros = [0] * len(codes)
        self.by_sku: dict[str, list[int]] = {}
        for (warehouse, sku), units in available.items():
            w = self.index.get(warehouse)
            if w is not None and units > 0:
                self.by_sku.setdefault(sku, [0] * len(codes))[w] = units

    def __getitem__(self, key: tuple[str, str]) -> int:
        row = self.by_sku.get(key[1])
        w = self.index.get(key[0])
        if row is None or w is None:
            raise KeyError(key)
        return row[w]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((code_, sku) for sku in self.by_sku for code_ in self.codes)

    def __len__(self) -> int:
        return len(self.by_sku) * len(self.codes)

    def take(self, warehouse: str, sku: str, units: int) -> None:
        self.by_sku[sku][self.index[warehouse]] -= units


def _batch_order(order: OrderDemand) -> tuple[int, float, str]:
    placed = order.placed_at.timestamp() if order.placed_at is not None else -math.inf
    return (order.priority, placed, order.order_id)


def batch_order(orders: Iterable[OrderDemand]) -> list[OrderDemand]:
    """``orders`` in the order a batch serves them: priority (lower first), date, then id."""
    return sorted(orders, key=_batch_order)


def units_in_turn(
    orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
) -> list[list[int]]:
    """Units of each line the priority rule gives it, ``[order][line]``, for orders in turn.

    Each order, in the order given (use :func:`batch_order`), takes of each SKU as much as
    it ordered or as is left over all ``warehouses``. Units of a SKU are the same whichever
    warehouse holds them, so these amounts do not depend on where the units come from:
    every strategy serving orders in turn gives each line this much, and the exact
    optimizer (by default) finds the cheapest way to give exactly this.
    """
    return _in_turn(orders, {w.code for w in warehouses}, available)[0]


def allocate_batch(
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    available: Available,
    strategy: AllocationStrategy | None = None,
) -> BatchAllocation:
    """Allocate ``orders`` one by one: by priority (lower first), then order date, then id.

    Each order sees what the orders before it left; ``available`` itself is not changed.
    A strategy with its own ``allocate_batch`` (the exact optimizer) solves the batch whole.
    """
    strategy = strategy or LowestCost()
    queue = batch_order(orders)
    whole = getattr(strategy, "allocate_batch", None)
    if whole is not None:
        result: BatchAllocation = whole(queue, warehouses, available)
        return result
    if isinstance(strategy, BaseStrategy):
        ctx = strategy._context(warehouses)
        index = _StockIndex(ctx.codes, available)
        allocations = []
        for order in queue:
            allocation = strategy._plan_merged(order, ctx, index)
            for pick in allocation.picks:
                index.take(pick.warehouse, pick.sku, pick.quantity)
            allocations.append(allocation)
        return BatchAllocation(allocations=allocations)
    left = {key: units for key, units in available.items() if units > 0}
    allocations = []
    for order in queue:
        allocation = strategy.allocate(order, warehouses, left)
        for pick in allocation.picks:
            key = (pick.warehouse, pick.sku)
            left[key] = left.get(key, 0) - pick.quantity
        allocations.append(allocation)
    return BatchAllocation(allocations=allocations)


# ---------------------------------------------------------------------------------------
# The foundation's helper, kept for callers that want one warehouse or an error
# ---------------------------------------------------------------------------------------


def choose_single_warehouse(
    demand: Mapping[str, int],
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

    def available(warehouse: str, sku: str) -> int:
        item = stock.get((warehouse, sku))
        return 0 if item is None else item.available

    for warehouse in ordered:
        if all(available(warehouse.code, sku) >= qty for sku, qty in demand.items()):
            return warehouse
    first = ordered[0].code
    sku, qty = max(demand.items(), key=lambda kv: (kv[1] - available(first, kv[0]), kv[0]))
    raise InsufficientStock(sku, first, available(first, sku), qty)
