"""The measures over an application's orders: load them in one unit of work, then measure.

:func:`measure` reads the orders, shipments, stock ledger and product costs and hands them
to the pure :func:`salesorder.domain.measures.measure_orders`.
"""

from __future__ import annotations

import datetime as dt

from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures import OrderMeasures, measure_orders
from salesorder.services.app import SalesApp

__all__ = ["measure"]


def measure(
    app: SalesApp,
    *,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    promised_lead_time: dt.timedelta | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderMeasures:
    """The measures over the orders of ``app``, loaded in one unit of work.

    The options are those of :func:`~salesorder.domain.measures.measure_orders`. With a
    ``period``, only the orders placed in it are measured, and the inventory turnover covers
    it (by default: from the first placement to the last change of any order).
    """
    with app.uow() as uow:
        orders = uow.orders.list()
        shipments = uow.shipments.list()
        ledger = uow.stock_ledger
        movements = [
            entry
            for item in uow.stock.list()
            for entry in ledger.for_item(item.warehouse, item.sku)
        ]
        unit_costs = {product.sku: product.unit_cost for product in uow.products.list()}
    if period is not None:
        orders = [o for o in orders if period[0] <= o.placed_at < period[1]]
    return measure_orders(
        orders,
        shipments=shipments,
        movements=movements,
        unit_costs=unit_costs,
        period=period,
        promised_lead_time=promised_lead_time,
        timezone=timezone,
        cycle_end=cycle_end,
    )
