"""The priority rule of a batch: who is served first, and how many units each line gets.

Orders are served in turn, by order priority (lower first), then order date, then id
(:func:`batch_order`); each order's lines get what is left of their SKUs
(:func:`units_in_turn`), so stock goes to the orders that should have it first, and no
order is ever given more than is available or more than it ordered. :class:`_StockIndex`
keeps what is left while a batch is served.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence

from salesorder.domain.allocation.model import Available, DemandLine, OrderDemand
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity, to_quantity

__all__ = ["batch_order", "units_in_turn"]


def _batch_order(order: OrderDemand) -> tuple[int, float, str]:
    placed = order.placed_at.timestamp() if order.placed_at is not None else -math.inf
    return (order.priority, placed, order.order_id)


def batch_order(orders: Iterable[OrderDemand]) -> list[OrderDemand]:
    """``orders`` in the order a batch serves them: priority (lower first), date, then id."""
    return sorted(orders, key=_batch_order)


def units_in_turn(
    orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], available: Available
) -> list[list[Quantity]]:
    """Units of each line the priority rule gives it, ``[order][line]``, for orders in turn.

    Each order, in the order given (use :func:`batch_order`), takes of each SKU as much as
    it ordered or as is left over all ``warehouses``. Units of a SKU are the same whichever
    warehouse holds them, so these amounts do not depend on where the units come from:
    every strategy serving orders in turn gives each line this much, and the exact
    optimizer (by default) finds the cheapest way to give exactly this.
    """
    return _in_turn(orders, {w.code for w in warehouses}, available)[0]


def _in_turn(
    orders: Sequence[OrderDemand], codes: set[str], available: Available
) -> tuple[list[list[Quantity]], set[int]]:
    """See :func:`units_in_turn`; also the orders (by position) that do not get everything."""
    left: dict[str, Quantity] = {}
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
                row.append(to_quantity(have))
                short.add(o)
        result.append(row)
    return result, short


class _StockIndex(Mapping[tuple[str, str], Quantity]):
    """What is left during a batch, by SKU: one list of units per SKU, in warehouse rank."""

    def __init__(self, codes: list[str], available: Available) -> None:
        self.codes = codes
        self.index = {code_: i for i, code_ in enumerate(codes)}
        self.zeros: list[Quantity] = [0] * len(codes)
        self.by_sku: dict[str, list[Quantity]] = {}
        for (warehouse, sku), units in available.items():
            w = self.index.get(warehouse)
            if w is not None and units > 0:
                self.by_sku.setdefault(sku, [0] * len(codes))[w] = units

    def __getitem__(self, key: tuple[str, str]) -> Quantity:
        row = self.by_sku.get(key[1])
        w = self.index.get(key[0])
        if row is None or w is None:
            raise KeyError(key)
        return row[w]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((code_, sku) for sku in self.by_sku for code_ in self.codes)

    def __len__(self) -> int:
        return len(self.by_sku) * len(self.codes)

    def serving_each(self, lines: Iterable[DemandLine]) -> list[int]:
        """The warehouses (by index) left with enough for each of ``lines`` on its own."""
        able: Sequence[int] = range(len(self.codes))
        for line in lines:
            row, quantity = self.by_sku.get(line.sku, self.zeros), line.quantity
            able = [w for w in able if row[w] >= quantity]
            if not able:
                break
        return list(able)

    def take(self, warehouse: str, sku: str, units: Quantity) -> None:
        """Take ``units`` of ``sku`` from what is left in ``warehouse``."""
        self.by_sku[sku][self.index[warehouse]] -= units
