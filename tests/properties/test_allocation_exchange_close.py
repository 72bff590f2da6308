"""Closing a parcel in the exchanges: a trial that does not pay leaves the batch as it was."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given, settings
from tests.properties.test_allocation_priority import _warehouses, coordinates, orders, stock

from salesorder.domain.allocation import LowestCost, OrderDemand, allocate_batch, batch_order
from salesorder.domain.allocation.exchange import _Exchange
from salesorder.domain.allocation.priority import _StockIndex
from salesorder.domain.customers import GeoPoint
from salesorder.domain.units import Quantity


def _exchange(
    demand: list[OrderDemand], coords: list[GeoPoint], available: dict[tuple[str, str], int]
) -> _Exchange:
    """The exchanges over the plans of ``demand`` before any exchange (``rounds=0``)."""
    whs = _warehouses(coords)
    strategy = LowestCost(rounds=0)
    planned = allocate_batch(demand, whs, available, strategy)
    ctx = strategy._context(whs)
    index = _StockIndex(ctx.codes, available)
    queue = batch_order(demand)
    kms = [ctx.distances(order) for order in queue]
    by_id = {a.order_id: a for a in planned.allocations}
    plans: list[dict[int, dict[str, Quantity]]] = []
    holders: dict[tuple[int, str], set[int]] = {}
    for o, order in enumerate(queue):
        plan: dict[int, dict[str, Quantity]] = {}
        for pick in by_id[order.order_id].picks:
            w = index.index[pick.warehouse]
            index.by_sku[pick.sku][w] -= pick.quantity
            parcel = plan.setdefault(w, {})
            parcel[pick.sku] = parcel.get(pick.sku, 0) + pick.quantity
            holders.setdefault((w, pick.sku), set()).add(o)
        plans.append(plan)
    ids = [order.order_id for order in queue]
    return _Exchange(plans, holders, ids=ids, kms=kms, ctx=ctx, index=index)


def closable(exchange: _Exchange) -> Iterator[tuple[int, int]]:
    """Each order and one of its parcels' warehouses a close may empty, as the plans stand.

    Read as the plans change: a close before may have emptied or moved a parcel.
    """
    for o, plan in enumerate(exchange.plans):
        for source in sorted(plan):
            if source in plan and len(plan) >= 2:
                yield o, source


def _state(exchange: _Exchange) -> tuple[object, ...]:
    return (
        [{w: dict(units) for w, units in plan.items()} for plan in exchange.plans],
        {sku: list(row) for sku, row in exchange.index.by_sku.items()},
        {key: set(held) for key, held in exchange.holders.items() if held},
        {o: dict(why) for o, why in exchange.reasons.items() if why},
        set(exchange.changed),
    )


@settings(max_examples=150, deadline=None)
@given(orders, stock, coordinates)
def test_a_close_that_does_not_pay_is_undone_and_one_that_pays_lowers_the_cost(
    demand: list[OrderDemand], available: dict[tuple[str, str], int], coords: list[GeoPoint]
) -> None:
    exchange = _exchange(demand, coords, available)
    for o, source in closable(exchange):
        plan = exchange.plans[o]
        before = _state(exchange)
        cost = sum(exchange._cost(p) for p in range(len(exchange.plans)))
        if exchange._close(o, source):
            assert source not in plan
            assert sum(exchange._cost(p) for p in range(len(exchange.plans))) < cost
            assert exchange.reasons[o]
        else:
            assert _state(exchange) == before
