"""Which orders the exchanges look at again after their first pass.

Under the priority rule a pass after the first looks only at the orders whose plan changed
since they were last looked at (a trial close that was undone changes no plan); in the
whole-batch mode, where an order lacking a SKU never looks for it, at every order holding
a SKU that moved, as before.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from tests.properties.test_allocation_exchange_close import _exchange, closable
from tests.properties.test_allocation_priority import coordinates, orders, stock
from tests.unit.test_allocation_search import _batch

from salesorder.domain.allocation import (
    LowestCost,
    OrderDemand,
    allocate_batch,
    allocation_cost,
)
from salesorder.domain.allocation.exchange import _Exchange
from salesorder.domain.customers import GeoPoint


def _watch(exchange: _Exchange) -> list[tuple[str, Any]]:
    """Log each look at an order and each change the exchanges keep, in turn.

    A look begins with ``_ranked`` (orders skipped as one parcel from their nearest
    warehouse are not looked at); a change is recorded by ``_note``, and forgotten when
    it belongs to a trial close that was undone.
    """
    log: list[tuple[str, Any]] = []
    ranked, note, close = exchange._ranked, exchange._note, exchange._close

    def looked(o: int) -> Any:
        log.append(("look", o))
        return ranked(o)

    def noted(changed: Any, skus: Any) -> None:
        log.append(("change", set(changed)))
        note(changed, skus)

    def closed(o: int, source: int) -> bool:
        start = len(log)
        kept = close(o, source)
        if not kept:
            del log[start:]
        return kept

    exchange._ranked = looked  # type: ignore[method-assign]
    exchange._note = noted  # type: ignore[method-assign]
    exchange._close = closed  # type: ignore[method-assign]
    return log


@settings(max_examples=200, deadline=None)
@given(orders, stock, coordinates)
def test_a_pass_after_the_first_looks_again_only_at_orders_that_changed(
    demand: list[OrderDemand], available: dict[tuple[str, str], int], coords: list[GeoPoint]
) -> None:
    exchange = _exchange(demand, coords, available)
    log = _watch(exchange)
    exchange.run(3)
    changed_since: dict[int, bool] = {}  # order -> changed since it was last looked at
    for event, what in log:
        if event == "look":
            assert changed_since.get(what, True), f"order {what} looked at again unchanged"
            changed_since[what] = False
        else:
            for o in what:
                changed_since[o] = True


@settings(max_examples=150, deadline=None)
@given(orders, stock, coordinates)
def test_a_close_that_does_not_pay_leaves_no_order_stale_and_one_that_pays_does(
    demand: list[OrderDemand], available: dict[tuple[str, str], int], coords: list[GeoPoint]
) -> None:
    exchange = _exchange(demand, coords, available)
    for o, source in closable(exchange):
        before = set(exchange.stale)
        journal = set(exchange.journal)
        if exchange._close(o, source):
            assert o in exchange.stale
            assert exchange.journal - journal <= exchange.stale
        else:
            assert exchange.stale == before


def test_the_whole_batch_mode_still_looks_again_at_holders_of_a_sku_that_moved() -> None:
    """Reference batch 6 (scarce stock, 3 warehouses): the proven whole-batch optimum is 573.61.

    Looking again only at the orders that changed, as under the priority rule, leaves it
    3.2% above that (a hand-over is only found by an order holding the SKU, whose plan did
    not change when another order came to lack it); looking at the holders, 1.8%.
    """
    whs, available, demand = _batch(6)
    batch = allocate_batch(demand, whs, available, LowestCost(honour_priority=False))
    assert allocation_cost(batch.allocations, demand, whs) <= 573.6134 * 1.02
