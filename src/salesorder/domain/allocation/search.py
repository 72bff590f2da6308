"""A wider search for small batches: re-plan a few orders together, keep what saves.

The exchanges (:mod:`~salesorder.domain.allocation.exchange`) move one SKU, or close one
parcel, at a time; a cheaper batch is often several orders away (one order takes a second
parcel so that two others can each close one). :func:`_search` takes a group of orders out
of the plan, gives their units back (the planner's way, the most to lose first, or unit by
unit where a unit costs least), lets the exchanges polish the group, and keeps the result
only when the batch's cost falls: a large-neighbourhood search. Under the priority rule
each order gets back exactly the units it had; in the whole-batch mode the group's units
may go to any order lacking them, so each SKU still serves as many units as before.

Groups are an order that costs more than its ideal (one parcel from its nearest warehouse)
with the orders holding its SKUs nearest its customer, or with others drawn at random. The
draws come from a generator seeded by the batch's size, so the same batch always takes the
same steps and gets the same plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence

import attrs

from salesorder.domain.allocation.exchange import _Exchange, _regret
from salesorder.domain.allocation.model import Allocation, DemandLine, OrderDemand
from salesorder.domain.units import Quantity, to_quantity

#: Batches of up to this many orders times warehouses get the search (60 orders over 20
#: warehouses); a larger batch is left to the exchanges, whose gain per second is far
#: higher there.
_SEARCH_LIMIT = 1_200
#: Steps per order of the batch (and per batch), at most; and sweeps over the batch
#: without a saving after which the search stops. Measured on the benchmark's reference
#: batches: 10 idle sweeps left the worst batch 2.7% above its optimum, 20 left it 1.8%.
_STEPS_PER_ORDER = 30
_IDLE_SWEEPS = 20
_MOST_STEPS = 900
#: Group sizes, drawn at random for each step.
_SIZES = (1, 3, 6, 10)
#: Passes of exchanges over a re-planned group.
_POLISH = 2

_Plan = dict[int, dict[str, Quantity]]  # warehouse index -> SKU -> units


def _searchable(orders: int, warehouses: int) -> bool:
    """Whether a batch this large gets the search."""
    return orders > 1 and orders * warehouses <= _SEARCH_LIMIT


def _search(
    exchange: _Exchange,
    orders: Sequence[OrderDemand],
    plan_order: Callable[[OrderDemand], Allocation],
) -> set[int]:
    """Improve ``exchange``'s plans by re-planning groups of orders; the orders changed.

    ``orders``: the batch in the order of ``exchange``'s plans (their destinations and
    zones are used). ``plan_order`` plans one order from the stock left in
    ``exchange.index``.
    """
    state = _State(exchange, orders, plan_order)
    rng = random.Random(len(orders))  # noqa: S311 - varies the groups; no secret here
    changed: set[int] = set()
    steps = min(_STEPS_PER_ORDER * len(orders), _MOST_STEPS)
    idle = 0
    while steps > 0 and idle < _IDLE_SWEEPS:
        idle += 1
        for seed in state.seeds():
            if steps <= 0:
                break
            if not exchange.plans[seed]:  # handed all its units on since the sweep began
                continue
            steps -= 1
            group = state.group(seed, rng.choice(_SIZES), rng)
            kept = state.replan(group, insert=rng.random() < 0.5)
            if kept:
                changed |= kept
                idle = 0
    return changed


class _State:
    """The plans of a batch under search, and a copy of them as last kept to undo a step."""

    def __init__(
        self,
        exchange: _Exchange,
        orders: Sequence[OrderDemand],
        plan_order: Callable[[OrderDemand], Allocation],
    ) -> None:
        self.exchange, self.orders, self.plan_order = exchange, orders, plan_order
        self.ctx = exchange.ctx
        self.at = {code_: w for w, code_ in enumerate(self.ctx.codes)}
        self.costs = [exchange._cost(o) for o in range(len(orders))]
        self.plans = [_copy(plan) for plan in exchange.plans]
        self.rows = {sku: list(row) for sku, row in exchange.index.by_sku.items()}
        self.holders = {key: set(held) for key, held in exchange.holders.items()}
        self.reasons = {o: dict(why) for o, why in exchange.reasons.items()}
        self.lacking = (
            None
            if exchange.shortfall is None
            else {sku: dict(short) for sku, short in exchange.shortfall.items()}
        )

    def excess(self, o: int) -> float:
        """What order ``o`` costs above one parcel of its units from its nearest warehouse.

        In the whole-batch mode, where its units may go to others: what it costs per unit.
        """
        plan = self.exchange.plans[o]
        if not plan:
            return 0.0
        units = sum(sum(u.values()) for u in plan.values())
        if self.lacking is not None:
            return self.costs[o] / float(units)
        return self.costs[o] - self.ctx.shipment_cost(units, self.exchange.nearest[o])

    def seeds(self) -> list[int]:
        """Orders that cost more than their ideal, the dearest first."""
        excess = [(self.excess(o), o) for o in range(len(self.orders))]
        return [o for gap, o in sorted(excess, key=lambda e: (-e[0], e[1])) if gap > 1e-9]

    def group(self, seed: int, size: int, rng: random.Random) -> list[int]:
        """``seed`` and up to ``size - 1`` other orders.

        Half the time, orders drawn from the whole batch; else drawn from the ``2 * size``
        orders holding most of ``seed``'s SKUs in warehouses no farther from its customer
        than its own parcels (the nearer the warehouse, the more a unit there counts).
        """
        exchange = self.exchange
        if rng.random() < 0.5:
            others = [o for o, plan in enumerate(exchange.plans) if plan and o != seed]
            return [seed, *rng.sample(others, min(size - 1, len(others)))]
        plan, km = exchange.plans[seed], exchange.kms[seed]
        # Sorted: a set of text iterates in an order that changes between processes.
        skus = sorted({sku for units in plan.values() for sku in units})
        farthest = max(km[w] for w in plan)
        score: dict[int, float] = {}
        for w, distance in enumerate(km):
            if distance > farthest:
                continue
            for sku in skus:
                for other in exchange.holders.get((w, sku), ()):
                    if other != seed:
                        held = float(exchange.plans[other][w][sku])
                        score[other] = score.get(other, 0.0) + held / (1.0 + distance)
        ranked = sorted(score, key=lambda o: (-score[o], o))[: 2 * size]
        return [seed, *rng.sample(ranked, min(size - 1, len(ranked)))]

    def replan(self, group: list[int], *, insert: bool) -> set[int]:
        """Re-plan ``group`` and polish it; the orders changed, none if the cost did not fall."""
        exchange = self.exchange
        exchange.journal = set(group)
        changed = set(exchange.changed)
        rows = exchange.index.by_sku
        wanted: dict[int, dict[str, Quantity]] = {}
        for o in group:
            totals: dict[str, Quantity] = {}
            for w, units in exchange.plans[o].items():
                for sku, n in units.items():
                    rows[sku][w] += n
                    exchange.holders[w, sku].discard(o)
                    totals[sku] = totals.get(sku, 0) + n
            exchange._replace(o, {})
            wanted[o] = totals
        if insert:
            exchange.journal |= self._insert(group, wanted)
        elif not self._plan(group, wanted):
            self._undo(exchange.journal, changed)
            return set()
        exchange.run(_POLISH, only=group)
        touched = exchange.journal
        after = {o: exchange._cost(o) for o in touched}
        if sum(after.values()) < sum(self.costs[o] for o in touched) - 1e-9:
            self._keep(touched, after)
            return touched
        self._undo(touched, changed)
        return set()

    def _plan(self, group: list[int], wanted: dict[int, dict[str, Quantity]]) -> bool:
        """Plan each order of ``group`` again, the most to lose first; False if one fell short."""
        exchange = self.exchange
        demands = {}
        for o in group:
            lines = [
                DemandLine(line_id=sku, sku=sku, quantity=to_quantity(units))
                for sku, units in wanted[o].items()
            ]
            demands[o] = attrs.evolve(self.orders[o], lines=lines)
            self.ctx.known[id(demands[o])] = exchange.kms[o]
        regret = {o: _regret(demands[o], self.ctx, exchange.kms[o], exchange.index) for o in group}
        for o in sorted(group, key=lambda o: (-regret[o], o)):
            allocation = self.plan_order(demands[o])
            del self.ctx.known[id(demands[o])]
            if allocation.backorders:
                return False
            for pick in allocation.picks:
                self._give(o, self.at[pick.warehouse], pick.sku, pick.quantity)
        return True

    def _insert(self, group: list[int], wanted: dict[int, dict[str, Quantity]]) -> set[int]:
        """Give the group's units back where a unit costs least; the orders given units.

        A unit's cost shares out the parcel it would open. Under the priority rule each
        order of the group gets back what it had; in the whole-batch mode any order
        lacking a SKU may take its units.
        """
        exchange = self.exchange
        remaining: dict[str, Quantity] = {}
        lacking: dict[str, dict[int, Quantity]] = {}
        for o in group:
            for sku, n in wanted[o].items():
                remaining[sku] = remaining.get(sku, 0) + n
                lacking.setdefault(sku, {})[o] = n
        if exchange.shortfall is not None:
            for sku, per_order in lacking.items():
                merged = exchange.shortfall.setdefault(sku, {})
                for o, n in per_order.items():
                    merged[o] = merged.get(o, 0) + n
                lacking[sku] = merged
        given: set[int] = set()
        while True:
            cheapest = self._cheapest(remaining, lacking)
            if cheapest is None:
                return given
            o, w, sku, units = cheapest
            self._give(o, w, sku, units)
            given.add(o)
            remaining[sku] -= units
            still = lacking[sku][o] - units
            if still:
                lacking[sku][o] = still
            else:
                del lacking[sku][o]

    def _cheapest(
        self, remaining: dict[str, Quantity], lacking: dict[str, dict[int, Quantity]]
    ) -> tuple[int, int, str, Quantity] | None:
        """The cheapest unit to give: order, warehouse, SKU and how many; None when done.

        Ties go to the first order, then warehouse, then SKU.
        """
        exchange = self.exchange
        rows, plans, kms = exchange.index.by_sku, exchange.plans, exchange.kms
        parcel, unit_km = self.ctx.parcel, self.ctx.unit_km
        best: tuple[int, int, str, Quantity] | None = None
        lowest = math.inf
        for sku, left in remaining.items():
            if not left:
                continue
            stocked = [(w, have) for w, have in enumerate(rows[sku]) if have > 0]
            for o, short in lacking[sku].items():
                km, plan = kms[o], plans[o]
                for w, have in stocked:
                    units = min(short, have, left)
                    opening = 0.0 if w in plan else parcel
                    per_unit = (opening + float(units) * unit_km * km[w]) / float(units)
                    if per_unit < lowest or (
                        per_unit == lowest and best is not None and (o, w, sku) < best[:3]
                    ):
                        lowest, best = per_unit, (o, w, sku, units)
        return best

    def _give(self, o: int, w: int, sku: str, units: Quantity) -> None:
        """Add ``units`` of ``sku`` from warehouse ``w`` to order ``o``'s plan."""
        exchange = self.exchange
        exchange.index.by_sku[sku][w] -= units
        exchange._put(o, sku, w, units)

    def _skus(self, orders: Iterable[int]) -> set[str]:
        """The SKUs the plans of ``orders`` hold, as kept and as they are now."""
        skus: set[str] = set()
        for o in orders:
            for plan in (self.plans[o], self.exchange.plans[o]):
                for units in plan.values():
                    skus.update(units)
        return skus

    def _keep(self, orders: set[int], costs: dict[int, float]) -> None:
        """Make the plans of ``orders`` (which now cost ``costs``) the ones kept."""
        exchange = self.exchange
        for sku in self._skus(orders):
            self.rows[sku] = list(exchange.index.by_sku[sku])
            if self.lacking is not None and exchange.shortfall is not None:
                self.lacking[sku] = dict(exchange.shortfall.get(sku, {}))
        for key in self._pairs(orders):
            self.holders[key] = set(exchange.holders.get(key, ()))
        for o in orders:
            self.plans[o] = _copy(exchange.plans[o])
            self.costs[o] = costs[o]
            exchange.reasons.pop(o, None)  # the batch's reasons are given afresh
            self.reasons.pop(o, None)

    def _undo(self, orders: set[int], changed: set[int]) -> None:
        """Put the plans of ``orders``, and all they changed, back as last kept.

        ``changed``: the orders the exchanges had changed before the step.
        """
        exchange = self.exchange
        exchange.changed &= changed
        skus = self._skus(orders)
        pairs = self._pairs(orders)
        for o in orders:
            exchange._replace(o, _copy(self.plans[o]))
            if o in self.reasons:
                exchange.reasons[o] = dict(self.reasons[o])
            else:
                exchange.reasons.pop(o, None)
        for sku in skus:
            exchange.index.by_sku[sku][:] = self.rows[sku]
            if self.lacking is not None and exchange.shortfall is not None:
                exchange.shortfall[sku] = dict(self.lacking.get(sku, {}))
        for key in pairs:
            exchange.holders[key] = set(self.holders.get(key, ()))

    def _pairs(self, orders: Iterable[int]) -> set[tuple[int, str]]:
        """The (warehouse, SKU) pairs the plans of ``orders`` hold, as kept and as they are."""
        pairs: set[tuple[int, str]] = set()
        for o in orders:
            for plan in (self.plans[o], self.exchange.plans[o]):
                pairs.update((w, sku) for w, units in plan.items() for sku in units)
        return pairs


def _copy(plan: _Plan) -> _Plan:
    return {w: dict(units) for w, units in plan.items()}
