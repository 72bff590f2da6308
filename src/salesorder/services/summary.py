"""A one-screen summary of an application: orders by status, stock, money due, the outbox.

A read-only view (:meth:`SalesApp.summary <salesorder.services.app.SalesApp.summary>`):
it reads through one unit of work and changes nothing. The summary is a value that renders
itself (:mod:`salesorder.display`), in the shop's locale.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING

import attrs

from salesorder.domain.common import Shown, as_tuple, aware_datetime, non_empty, non_negative_int
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.outbox import OutboxState
from salesorder.domain.units import Quantity, to_quantity
from salesorder.money import Money

if TYPE_CHECKING:
    from salesorder.ports.persistence import UnitOfWork

__all__ = ["AppSummary", "SkuStock", "summarize"]

#: The statuses an order is done in: nothing is due on them any more.
_CLOSED = frozenset({OrderStatus.CANCELLED, OrderStatus.COMPLETED, OrderStatus.REFUNDED})


@attrs.frozen(kw_only=True)
class SkuStock:
    """One SKU's stock over every warehouse (exact quantities in the product's unit)."""

    sku: str
    warehouses: int
    on_hand: Quantity
    reserved: Quantity
    available: Quantity


@attrs.frozen(kw_only=True, repr=False)
class AppSummary(Shown):
    """What an application holds, at ``as_of``, to be shown in ``locale``.

    ``orders`` counts orders per status (statuses with none left out, in the lifecycle's
    order); ``due`` is, per currency, what priced orders that are not closed (cancelled,
    completed, refunded) still owe (their positive balances), over ``orders_due`` orders;
    ``outbox`` counts the calls to the outside world per state.
    """

    as_of: dt.datetime = attrs.field(validator=aware_datetime)
    locale: str = attrs.field(validator=non_empty)
    orders: tuple[tuple[OrderStatus, int], ...] = attrs.field(converter=as_tuple)
    stock: tuple[SkuStock, ...] = attrs.field(converter=as_tuple)
    due: tuple[Money, ...] = attrs.field(converter=as_tuple)
    orders_due: int = attrs.field(validator=non_negative_int)
    outbox: tuple[tuple[OutboxState, int], ...] = attrs.field(converter=as_tuple)

    @property
    def order_count(self) -> int:
        """Orders in all."""
        return sum(count for _, count in self.orders)


def summarize(uow: UnitOfWork, *, at: dt.datetime, locale: str) -> AppSummary:
    """Sum up the orders, stock and outbox ``uow`` reads, as of ``at``, to show in ``locale``.

    Read-only: nothing is changed (the caller's unit of work is not committed).
    """
    orders = uow.orders.list()
    items = uow.stock.list()
    outbox = Counter(item.state for item in uow.outbox.list())
    statuses = Counter(order.status for order in orders)
    due: dict[str, Money] = {}
    owing = 0
    for order in orders:
        if order.pricing is None or order.status in _CLOSED:
            continue
        balance = order.balance_due
        if balance.amount > 0:
            owing += 1
            due[balance.currency] = (
                due.get(balance.currency, Money.zero(balance.currency)) + balance
            )
    per_sku: dict[str, list[Quantity]] = {}
    for item in items:
        levels = per_sku.setdefault(item.sku, [0, 0, 0, 0])
        levels[0] += 1
        levels[1] = to_quantity(levels[1] + item.on_hand)
        levels[2] = to_quantity(levels[2] + item.reserved)
        levels[3] = to_quantity(levels[3] + item.available)
    return AppSummary(
        as_of=at,
        locale=locale,
        orders=[(status, statuses[status]) for status in OrderStatus if statuses[status]],
        stock=[
            SkuStock(sku=sku, warehouses=int(n), on_hand=on_hand, reserved=reserved, available=free)
            for sku, (n, on_hand, reserved, free) in sorted(per_sku.items())
        ],
        due=[due[currency] for currency in sorted(due)],
        orders_due=owing,
        outbox=[(state, outbox[state]) for state in OutboxState if outbox[state]],
    )
