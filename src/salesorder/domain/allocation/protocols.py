"""What a strategy is: one order at a time (:class:`AllocationStrategy`), or a whole batch.

:func:`~salesorder.domain.allocation.allocate_batch` hands a :class:`BatchStrategy` the whole
batch, and allocates with any other strategy one order at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from salesorder.domain.allocation.model import Allocation, Available, BatchAllocation, OrderDemand
from salesorder.domain.customers import Warehouse

__all__ = ["AllocationStrategy", "BatchStrategy"]


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


@runtime_checkable
class BatchStrategy(AllocationStrategy, Protocol):
    """An allocation strategy that plans a whole batch, not one order at a time.

    :func:`~salesorder.domain.allocation.allocate_batch` gives such a strategy the whole
    batch, in the order of service, instead of calling :meth:`AllocationStrategy.allocate`
    once per order. Every built-in strategy is one: :class:`BaseStrategy` serves the orders
    in turn from warehouses prepared once for the batch, :class:`LowestCost` then exchanges
    units between orders, and :class:`~salesorder.domain.optimize.ExactOptimizer` solves the
    batch as one program. The protocol is checked at run time by shape: a strategy of your
    own is a batch strategy when it has ``allocate_batch``, whatever its base classes.
    """

    def allocate_batch(
        self, orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
    ) -> BatchAllocation:
        """Allocate ``orders`` over ``warehouses``: one allocation per order, in their order.

        ``orders`` come in the order of service
        (:func:`~salesorder.domain.allocation.batch_order`). Over the batch, no warehouse
        gives more of a SKU than ``available[(warehouse, sku)]`` and no line gets more than
        it ordered; ``available`` itself is not changed.

        Raises:
            ValidationError: there are no warehouses.
        """
        ...
