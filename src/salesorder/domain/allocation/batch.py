"""Allocating a batch of orders: :func:`allocate_batch`.

A :class:`~salesorder.domain.allocation.BatchStrategy` plans the batch itself; any other
:class:`~salesorder.domain.allocation.AllocationStrategy` allocates it one order at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from salesorder.domain.allocation.lowest_cost import LowestCost
from salesorder.domain.allocation.model import Available, BatchAllocation, OrderDemand
from salesorder.domain.allocation.priority import batch_order
from salesorder.domain.allocation.protocols import AllocationStrategy, BatchStrategy
from salesorder.domain.customers import Warehouse
from salesorder.numbers import decimal_isolated

__all__ = ["allocate_batch"]


@decimal_isolated
def allocate_batch(
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    available: Available,
    strategy: AllocationStrategy | None = None,
) -> BatchAllocation:
    """Allocate ``orders`` one by one: by priority (lower first), then order date, then id.

    Each order sees what the orders before it left; ``available`` itself is not changed.
    A :class:`BatchStrategy` (every built-in strategy, and the exact optimizer, which solves
    the batch whole) is given the whole batch in that order; any other strategy allocates
    one order at a time through :meth:`AllocationStrategy.allocate`.
    """
    strategy = strategy or LowestCost()
    queue = batch_order(orders)
    if isinstance(strategy, BatchStrategy):
        return strategy.allocate_batch(queue, warehouses, available)
    left = {key: units for key, units in available.items() if units > 0}
    allocations = []
    for order in queue:
        allocation = strategy.allocate(order, warehouses, left)
        for pick in allocation.picks:
            key = (pick.warehouse, pick.sku)
            left[key] = left.get(key, 0) - pick.quantity
        allocations.append(allocation)
    return BatchAllocation(allocations=allocations)
