"""Lowering a batch's cost after each order is planned: regret first, then exchanges.

``LowestCost.allocate_batch`` plans the orders with the most to lose first (``_regret``),
then lets ``_Exchange`` move units of a SKU between warehouses of an order, or swap them
with another order, while that lowers the cost of the batch. No move changes how many units
a line gets.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from salesorder.domain.allocation.costs import _Context
from salesorder.domain.allocation.model import OrderDemand
from salesorder.domain.allocation.priority import _StockIndex
from salesorder.domain.units import Quantity


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
    return float(order.units) * ctx.unit_km * (second - first)


class _Exchange:
    """Local improvement of a batch: move units of a SKU to another warehouse of the same order.

    A move takes stock left in that warehouse, or swaps with another order holding the SKU
    there (both keep their units). Only moves that save the moving order something are
    tried (a warehouse nearer to it, or one it already has a parcel from): when a swap saves
    the batch, it saves at least one of its two orders, which finds it from its side.
    """

    def __init__(
        self,
        plans: list[dict[int, dict[str, Quantity]]],
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

    def _gain(self, o: int, source: int, target: int, moved: Quantity) -> float:
        """What moving ``moved`` units from ``source`` to ``target`` saves order ``o``."""
        plan = self.plans[o]
        km = self.kms[o]
        saved = float(moved) * self.ctx.unit_km * (km[source] - km[target])
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
        # The best move so far: saving, target, partner (or -1) and units moved.
        best: tuple[float, int, int, Quantity] = (1e-9, -1, -1, 0)
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

    def _move(self, o: int, sku: str, step: tuple[int, int, Quantity], why: str) -> None:
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
