"""Lowering a batch's cost after each order is planned: regret first, then exchanges.

``LowestCost.allocate_batch`` plans the orders with the most to lose first (``_regret``),
then lets ``_Exchange`` move units of a SKU between warehouses of an order, or swap them
with another order, while that lowers the cost of the batch. No move changes how many units
a line gets.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from itertools import islice

from salesorder.domain.allocation.costs import _Context
from salesorder.domain.allocation.model import OrderDemand
from salesorder.domain.allocation.priority import _StockIndex
from salesorder.domain.units import Quantity

#: Orders holding a SKU in a warehouse that a move looks at for a swap, at most. Small
#: batches have fewer; on a popular SKU in a large batch, scanning thousands of holders for
#: every move cost seconds and found little the first few did not.
_PARTNERS = 8


def _regret(order: OrderDemand, ctx: _Context, km: list[float], index: _StockIndex) -> float:
    """How much dearer an order's second-best single warehouse is than its best.

    Infinite when only one warehouse can serve it whole (it has the most to lose); zero when
    none can (it is split whatever comes first).
    """
    able = index.serving_each(order.lines)
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
        shortfall: dict[str, dict[int, Quantity]] | None = None,
    ) -> None:
        """``holders[warehouse, sku]``: the orders whose plan takes ``sku`` there.

        ``shortfall[sku][order]``: units of ``sku`` the order lacks, when the batch may give
        them to any order (the whole-batch mode); an order may then hand its units to one
        that lacks them, whenever that lowers the batch's cost. ``None`` under the priority
        rule, where no line's units change.
        """
        self.plans, self.ids, self.kms = plans, ids, kms
        self.shortfall = shortfall
        # Why units moved: order position -> (warehouse index, SKU) -> reason.
        self.reasons: dict[int, dict[tuple[int, str], str]] = {}
        self.ctx, self.index = ctx, index
        self.holders = holders
        self.changed: set[int] = set()
        self.touched: set[str] = set()  # SKUs moved in the current pass
        self.moved: set[int] = set()  # orders moved in the current pass
        self.stale: set[int] = set()  # orders whose plan changed since they were looked at
        self.ranked: dict[int, tuple[list[int], list[float]]] = {}
        self.nearest = [min(km) for km in kms]
        self.journal: set[int] = set()  # orders whose plan a move changed, until cleared
        # What bounds a swap's saving before its partners are looked at (_better): the
        # orders with a parcel in each warehouse, and per (warehouse, SKU) those whose
        # parcel there holds that SKU alone. Kept by every change of a plan (_take, _put,
        # _replace).
        self.at: list[set[int]] = [set() for _ in ctx.codes]
        self.alone: dict[tuple[int, str], set[int]] = {}
        for o, plan in enumerate(plans):
            for w, units in plan.items():
                self.at[w].add(o)
                if len(units) == 1:
                    self.alone.setdefault((w, next(iter(units))), set()).add(o)
        self.reach = _reach(ctx, kms)
        # Rounding in a saving and in its bound, at most (the km part is in ``reach``).
        self.tolerance = 1e-9 * (1.0 + ctx.parcel)

    def run(self, rounds: int, only: Sequence[int] | None = None) -> set[int]:
        """Improve until a pass finds nothing, at most ``rounds`` passes; the orders changed.

        ``only``: the orders whose moves are tried (all by default); they may still exchange
        units with any other.
        """
        nearest = self.nearest
        shortfall = self.shortfall
        stale = self.stale
        stale.clear()
        looked_at = range(len(self.plans)) if only is None else only
        for turn in range(rounds):
            # After the first pass, only orders a move may have helped are looked at again.
            # Under the priority rule: those whose plan changed since they were last looked
            # at. A swap or a move to stock that another order's change opened up is still
            # found: it saves the batch only if it saves one of its two orders, and the
            # order that changed is looked at again. (On the benchmark's hot 10,000-order
            # batch, looking again at every order holding a SKU that moved cost a quarter
            # of the batch's instructions and lowered its cost by 0.03%.) In the whole
            # batch, where an order lacking a SKU never looks for it (its holders hand it
            # over): the orders holding a SKU that moved or that an order which moved holds.
            touched = self.touched
            for o in self.moved:
                for units in self.plans[o].values():
                    touched.update(units)
            self.touched, self.moved = set(), set()
            for o in looked_at:
                plan = self.plans[o]
                if turn and (
                    o not in stale
                    if shortfall is None
                    else all(touched.isdisjoint(units) for units in plan.values())
                ):
                    continue
                stale.discard(o)
                if (
                    len(plan) == 1
                    and self.kms[o][next(iter(plan))] <= nearest[o]
                    and not (
                        shortfall and any(sku in shortfall for u in plan.values() for sku in u)
                    )
                ):
                    continue  # one parcel from its nearest warehouse: nothing to save
                ranked = self._ranked(o)
                for source, sku in [(w, sku) for w, units in plan.items() for sku in units]:
                    self._better(o, sku, source, ranked)
                if len(plan) > 1:
                    for source in sorted(plan, key=lambda w: sum(plan[w].values())):
                        if source in plan and len(plan) > 1:
                            self._close(o, source)
            if not self.moved:
                break
        return self.changed

    def _ranked(self, o: int) -> tuple[list[int], list[float]]:
        """Order ``o``'s warehouses nearest first, and their km in that order."""
        ranked = self.ranked.get(o)
        if ranked is None:
            km = self.kms[o]
            order = sorted(range(len(km)), key=km.__getitem__)
            ranked = self.ranked[o] = (order, [km[w] for w in order])
        return ranked

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

    def _better(  # noqa: PLR0912, PLR0915 - one scan of the moves, kept in one loop for speed
        self, o: int, sku: str, source: int, ranked: tuple[list[int], list[float]]
    ) -> bool:
        """Make the best move of order ``o``'s units of ``sku`` in ``source``, if any saves.

        The savings are :meth:`_gain`'s, written out: this loop is most of the exchanges'
        time on a large batch.
        """
        plan = self.plans[o]
        in_source = plan.get(source)
        if in_source is None or not in_source.get(sku, 0):
            return False
        units = in_source[sku]
        km = self.kms[o]
        row = self.index.by_sku[sku]
        # The best move so far: saving, target, partner (or -1) and units moved.
        best: tuple[float, int, int, Quantity] = (1e-9, -1, -1, 0)
        floor = 1e-9
        unit_km, parcel = self.ctx.unit_km, self.ctx.parcel
        # What moving all the units shifts per km, as each saving below works it out.
        per_km = float(units) * unit_km
        # Every unit in a plan is positive: a parcel holds only these units when it holds
        # one SKU, and the partner's parcel below only the units it gives when it holds one
        # SKU and gives them all.
        in_parcel = sum(in_source.values())
        closing = parcel if len(in_source) == 1 else 0.0
        # Warehouses nearer than the source, then the order's other parcels.
        order, sorted_km = ranked
        here = km[source]
        targets = order[: bisect.bisect_left(sorted_km, here)]
        if len(plan) > 1:
            targets += [w for w in plan if w != source and km[w] >= here]
        plans, kms, holders = self.plans, self.kms, self.holders
        reach = None if self.reach is None else self.reach[source]
        at_source, tolerance = self.at[source], self.tolerance
        for target in targets:
            have = row[target]
            if have > 0:
                moved = units if units < have else have
                saved = float(moved) * unit_km * (here - km[target])
                if target not in plan:
                    saved -= parcel
                if in_parcel == moved:
                    saved += parcel
                if saved > floor:
                    best = (saved, target, -1, moved)
                    floor = saved
                continue
            held_by = holders.get((target, sku))
            if not held_by:
                continue
            own = per_km * (here - km[target])
            opening = parcel if target not in plan else 0.0
            whole = own - opening + closing
            partners = held_by if len(held_by) <= _PARTNERS else list(islice(held_by, _PARTNERS))
            if reach is not None:
                # No partner gains more than ``units`` times the km between the two
                # warehouses, less a parcel it opens at the source (when none has one
                # there), plus one it closes at the target (when one holds the SKU alone
                # there); skipped when that cannot beat the best move so far.
                single = self.alone.get((target, sku))
                bound = (
                    whole
                    + per_km * reach[target]
                    + parcel
                    * (
                        (single is not None and not single.isdisjoint(partners))
                        - at_source.isdisjoint(partners)
                    )
                )
                if bound + tolerance <= floor:
                    continue
            for partner in partners:
                if partner == o:
                    continue
                theirs = plans[partner]
                parcel_there = theirs[target]
                held = parcel_there[sku]
                their_km = kms[partner]
                if held >= units:
                    moved = units
                    saved = whole + per_km * (their_km[target] - their_km[source])
                else:
                    moved = held
                    saved = float(moved) * unit_km * (here - km[target])
                    if target not in plan:
                        saved -= parcel
                    if in_parcel == moved:
                        saved += parcel
                    saved += float(moved) * unit_km * (their_km[target] - their_km[source])
                if source not in theirs:
                    saved -= parcel
                if moved == held and len(parcel_there) == 1:
                    saved += parcel
                if saved > floor:
                    best = (saved, target, partner, moved)
                    floor = saved
        lacking = self.shortfall.get(sku) if self.shortfall else None
        if lacking:
            best, handed = self._hand_over(o, source, units, lacking, best)
        else:
            handed = -1
        saved, target, partner, moved = best
        if handed >= 0:
            self._give(o, handed, sku, source, moved, saved)
            return True
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

    def _take(self, o: int, sku: str, source: int, moved: Quantity) -> None:
        """Take ``moved`` units of ``sku`` in warehouse ``source`` off order ``o``'s plan."""
        plan = self.plans[o]
        units = plan[source]
        units[sku] -= moved
        if not units[sku]:
            del units[sku]
            self.holders[source, sku].discard(o)
            if not units:
                del plan[source]
                self.at[source].discard(o)
                self.alone[source, sku].discard(o)
            elif len(units) == 1:
                self.alone.setdefault((source, next(iter(units))), set()).add(o)

    def _put(self, o: int, sku: str, target: int, moved: Quantity) -> None:
        """Add ``moved`` units of ``sku`` in warehouse ``target`` to order ``o``'s plan."""
        units = self.plans[o].setdefault(target, {})
        held = units.get(sku, 0)
        units[sku] = held + moved
        if held:
            return
        self.holders.setdefault((target, sku), set()).add(o)
        if len(units) == 1:
            self.at[target].add(o)
            self.alone.setdefault((target, sku), set()).add(o)
        elif len(units) == 2:
            for other in units:
                if other != sku:
                    self.alone[target, other].discard(o)

    def _replace(self, o: int, plan: dict[int, dict[str, Quantity]]) -> None:
        """Make ``plan`` order ``o``'s (the caller keeps ``holders`` and the stock)."""
        for w, units in self.plans[o].items():
            self.at[w].discard(o)
            if len(units) == 1:
                self.alone[w, next(iter(units))].discard(o)
        self.plans[o] = plan
        for w, units in plan.items():
            self.at[w].add(o)
            if len(units) == 1:
                self.alone.setdefault((w, next(iter(units))), set()).add(o)

    def _shift(self, o: int, sku: str, source: int, target: int, moved: Quantity) -> None:
        """Move ``moved`` units of ``sku`` in order ``o``'s plan from ``source`` to ``target``."""
        self._take(o, sku, source, moved)
        self._put(o, sku, target, moved)

    def _note(self, orders: Iterable[int], skus: Iterable[str]) -> None:
        """Record that ``orders`` changed, moving units of ``skus``."""
        for o in orders:
            self.journal.add(o)
            self.changed.add(o)
            self.moved.add(o)
            self.stale.add(o)
        self.touched.update(skus)

    def _move(self, o: int, sku: str, step: tuple[int, int, Quantity], why: str) -> None:
        source, target, moved = step
        self._shift(o, sku, source, target, moved)
        self.reasons.setdefault(o, {})[target, sku] = why
        self._note((o,), (sku,))

    def _hand_over(
        self,
        o: int,
        source: int,
        units: Quantity,
        lacking: dict[int, Quantity],
        best: tuple[float, int, int, Quantity],
    ) -> tuple[tuple[float, int, int, Quantity], int]:
        """The best move so far, or handing ``o``'s units in ``source`` to an order lacking them.

        The receiving order takes them in the same warehouse; the units the batch serves of
        the SKU do not change. Returns the best move and the receiving order (or -1).
        """
        plan = self.plans[o]
        km = self.kms[o]
        unit_km, parcel = self.ctx.unit_km, self.ctx.parcel
        in_parcel = sum(plan[source].values())
        handed = -1
        for p, short in lacking.items():
            if p == o:
                continue
            moved = min(units, short)
            saved = float(moved) * unit_km * (km[source] - self.kms[p][source])
            if in_parcel == moved:
                saved += parcel
            if source not in self.plans[p]:
                saved -= parcel
            if saved > best[0]:
                best, handed = (saved, source, -1, moved), p
        return best, handed

    def _give(  # noqa: PLR0917 - the parts of one hand-over
        self, o: int, p: int, sku: str, source: int, moved: Quantity, saved: float
    ) -> None:
        """Order ``o`` hands ``moved`` units of ``sku`` in ``source`` to order ``p``."""
        self._pass(o, p, sku, source, moved)
        codes = self.ctx.codes
        self.reasons.setdefault(p, {})[source, sku] = (
            f"handed on by order {self.ids[o]} in {codes[source]}: saves {saved:.2f} on the batch"
        )
        self._note((o, p), (sku,))

    def _pass(self, o: int, p: int, sku: str, source: int, moved: Quantity) -> None:
        """The units of :meth:`_give`, without its reasons and records."""
        assert self.shortfall is not None  # noqa: S101 - only the whole-batch mode hands over
        lacking = self.shortfall[sku]
        self._take(o, sku, source, moved)
        lacking[o] = lacking.get(o, 0) + moved
        left = lacking[p] - moved
        if left:
            lacking[p] = left
        else:
            del lacking[p]
        self._put(p, sku, source, moved)

    def _cost(self, o: int) -> float:
        """The cost of order ``o``'s parcels."""
        ctx, km = self.ctx, self.kms[o]
        return sum(ctx.shipment_cost(sum(u.values()), km[w]) for w, u in self.plans[o].items())

    def _closable(self, o: int, source: int) -> bool:
        """Whether each SKU of ``o``'s parcel from ``source`` could go somewhere else at all."""
        plan = self.plans[o]
        lacking = self.shortfall
        for sku in plan[source]:
            if lacking and lacking.get(sku):
                continue
            row = self.index.by_sku[sku]
            for target in plan:
                if target == source:
                    continue
                if row[target] > 0:
                    break
                # Another order holds it there: any holder but ``o`` itself.
                held_by = self.holders.get((target, sku))
                if held_by and (len(held_by) > 1 or o not in held_by):
                    break
            else:
                return False
        return True

    def _close(  # noqa: PLR0912, PLR0915 - a trial of several moves and its undo, in one place
        self, o: int, source: int
    ) -> bool:
        """Close order ``o``'s parcel from ``source``, moving its SKUs to the order's other parcels.

        Each SKU goes to stock left there, a swap with an order holding it there, or (whole
        batch) an order lacking it.

        Kept when the batch's cost falls, undone otherwise: a parcel of several SKUs is
        only worth closing as a whole, which no single move of one SKU sees. The trial moves
        only units; what a move records (reasons, the orders and SKUs it changed) is written
        once the outcome is known, as the moves themselves would have written it.
        """
        plan = self.plans[o]
        if not self._closable(o, source):
            return False
        km = self.kms[o]
        unit_km = self.ctx.unit_km
        before = {o: self._cost(o)}
        undo: list[tuple[int, str, tuple[int, int, Quantity], int]] = []
        fresh = [order for order in (o,) if order not in self.changed]
        # The orders of the trial that were not stale: an undone trial leaves them so.
        unstale = {order for order in (o,) if order not in self.stale}
        involved: list[int] = []  # orders a trial move changed
        skus: list[str] = []  # the SKUs moved
        for sku in list(plan[source]):
            row = self.index.by_sku[sku]
            while plan.get(source, {}).get(sku, 0):
                units = plan[source][sku]
                best: tuple[float, int, int, Quantity] = (-math.inf, -1, -1, 0)
                for target in plan:
                    if target == source:
                        continue
                    have = row[target]
                    if have > 0:
                        moved = min(units, have)
                        gain = float(moved) * unit_km * (km[source] - km[target])
                        if gain > best[0]:
                            best = (gain, target, -1, moved)
                        continue
                    for partner in islice(self.holders.get((target, sku), ()), _PARTNERS):
                        if partner != o:
                            moved = min(units, self.plans[partner][target][sku])
                            gain = float(moved) * unit_km * (km[source] - km[target])
                            gain += self._gain(partner, target, source, moved)
                            if gain > best[0]:
                                best = (gain, target, partner, moved)
                lacking = self.shortfall.get(sku) if self.shortfall else None
                handed = -1
                for receiver, short in (lacking or {}).items():
                    if receiver != o:
                        moved = min(units, short)
                        gain = float(moved) * unit_km * (km[source] - self.kms[receiver][source])
                        if source not in self.plans[receiver]:
                            gain -= self.ctx.parcel
                        if gain > best[0]:
                            best, handed = (gain, source, -1, moved), receiver
                _, target, partner, moved = best
                if handed >= 0:
                    if handed not in before:
                        before[handed] = self._cost(handed)
                        if handed not in self.changed:
                            fresh.append(handed)
                        if handed not in self.stale:
                            unstale.add(handed)
                    self._pass(o, handed, sku, source, moved)
                    involved += (o, handed)
                    skus.append(sku)
                    undo.append((handed, sku, (source, -1, moved), -1))
                    continue
                if target < 0:
                    break
                if partner < 0:
                    row[target] -= moved
                    row[source] += moved
                else:
                    if partner not in before:
                        before[partner] = self._cost(partner)
                        if partner not in self.changed:
                            fresh.append(partner)
                        if partner not in self.stale:
                            unstale.add(partner)
                    self._shift(partner, sku, target, source, moved)
                    involved.append(partner)
                self._shift(o, sku, source, target, moved)
                involved.append(o)
                skus.append(sku)
                undo.append((partner, sku, (source, target, moved), target))
            if plan.get(source, {}).get(sku, 0):
                break
        saved = sum(cost - self._cost(order) for order, cost in before.items())
        self._note(involved, skus)
        if source not in plan and saved > 1e-9:
            codes = self.ctx.codes
            reasons = self.reasons
            for partner, sku, (_, target, _), _ in undo:
                if target < 0:
                    reasons.setdefault(partner, {})[source, sku] = (
                        f"handed on by order {self.ids[o]}, which closed its parcel from "
                        f"{codes[source]}: saves {saved:.2f} on the batch"
                    )
                    continue
                reasons.setdefault(o, {})[target, sku] = (
                    f"moved from {codes[source]} to close that parcel: saves {saved:.2f} on "
                    "the batch"
                )
                if partner >= 0:
                    reasons.setdefault(partner, {})[source, sku] = (
                        f"exchanged with order {self.ids[o]}, which closed its parcel from "
                        f"{codes[source]}: saves {saved:.2f} on the batch"
                    )
            return True
        for partner, sku, (from_, target, moved), _ in reversed(undo):
            if target < 0:  # handed to ``partner``: it hands them back
                self._pass(partner, o, sku, from_, moved)
                continue
            self._shift(o, sku, target, from_, moved)
            if partner < 0:
                row = self.index.by_sku[sku]
                row[target] += moved
                row[from_] -= moved
            else:
                self._shift(partner, sku, from_, target, moved)
        for order in fresh:
            self.changed.discard(order)
            self.moved.discard(order)
        self.stale -= unstale
        return False


def _reach(ctx: _Context, kms: list[list[float]]) -> list[list[float]] | None:
    """``ctx.spread()``, widened by more than rounding may add to a difference of two km.

    Near antipodes a great-circle km may be off by some 1e-4 km; 1 m covers it.
    """
    spread = ctx.spread()
    if spread is None:
        return None
    slack = 1e-3 + 1e-9 * max((max(km) for km in kms), default=0.0)
    return [[d * (1 + 1e-9) + slack for d in row] for row in spread]
