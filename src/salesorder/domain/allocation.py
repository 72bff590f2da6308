"""Choosing where an order's stock comes from.

The foundation strategy serves a whole order from one warehouse: the first, by priority and
then code, that has every line available. Issue-level strategies (nearest, fewest shipments,
lowest cost, split shipments) plug in behind the same inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from salesorder.domain.customers import Warehouse
from salesorder.domain.inventory import StockItem
from salesorder.exceptions import InsufficientStock, ValidationError

__all__ = ["choose_single_warehouse"]


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
