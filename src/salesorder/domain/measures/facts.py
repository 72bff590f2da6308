"""What the measures need to know about each order, read from its history."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.shipping import FeePayer, Shipment
from salesorder.domain.units import Quantity
from salesorder.exceptions import ValidationError
from salesorder.money import Money

__all__ = ["STAGES", "OrderFacts", "order_facts"]

#: Statuses whose time is measured, in the order of the lifecycle (nothing leaves the others).
STAGES: tuple[OrderStatus, ...] = tuple(
    s for s in OrderStatus if s not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
)

_ZERO_TIME = dt.timedelta(0)


@attrs.frozen(kw_only=True)
class OrderFacts:
    """What the measures need to know about one order, taken from its history.

    ``ended_at`` is when the order first reached the cycle's end status (None: not yet) and
    ``cycle_time`` the time from placement to then; ``stage_times`` holds the time spent in
    each status the order has left (finished visits, summed). ``shipped_complete``,
    ``delivered`` and ``confirmed`` say whether the order ever reached those statuses;
    ``cancelled`` whether it is cancelled now. ``on_time`` is None when the order was not
    delivered or has no deadline. ``revenue`` (tax excluded, of the units the buyer kept)
    and ``profit`` are None for an order that shipped nothing. ``seller_shipping`` is what
    the seller paid couriers for it.
    """

    order_id: str
    currency: str
    channel: str
    status: OrderStatus
    placed_at: dt.datetime
    ended_at: dt.datetime | None
    cycle_time: dt.timedelta | None
    stage_times: Mapping[OrderStatus, dt.timedelta]
    confirmed: bool
    cancelled: bool
    shipped_complete: bool
    delivered: bool
    on_time: bool | None
    returned: bool
    seller_shipping: Money
    revenue: Money | None
    profit: Money | None

    def record(self) -> dict[str, Any]:
        """The facts as one flat dict (amounts as Decimal, times as datetime / timedelta)."""
        row: dict[str, Any] = {
            "order_id": self.order_id,
            "currency": self.currency,
            "channel": self.channel,
            "status": self.status.value,
            "placed_at": self.placed_at,
            "ended_at": self.ended_at,
            "cycle_time": self.cycle_time,
            "confirmed": self.confirmed,
            "cancelled": self.cancelled,
            "shipped_complete": self.shipped_complete,
            "delivered": self.delivered,
            "on_time": self.on_time,
            "returned": self.returned,
            "seller_shipping": self.seller_shipping.amount,
            "revenue": None if self.revenue is None else self.revenue.amount,
            "profit": None if self.profit is None else self.profit.amount,
        }
        for status in STAGES:
            row[f"time_{status.value}"] = self.stage_times.get(status)
        return row


def _first_reached(order: Order, status: OrderStatus) -> dt.datetime | None:
    return next((entry.at for entry in order.history if entry.status is status), None)


def _reached(order: Order, status: OrderStatus) -> bool:
    return any(entry.status is status for entry in order.history)


def _stage_times(order: Order) -> dict[OrderStatus, dt.timedelta]:
    """Time in each status, summed over finished visits.

    Consecutive history entries with the same status (a payment, an amendment) are one
    visit; a visit is finished when a later entry has another status.
    """
    visits: list[tuple[OrderStatus, dt.datetime]] = []
    for entry in order.history:
        if not visits or visits[-1][0] is not entry.status:
            visits.append((entry.status, entry.at))
    spent: dict[OrderStatus, dt.timedelta] = {}
    for (status, entered), (_, left) in itertools.pairwise(visits):
        spent[status] = spent.get(status, _ZERO_TIME) + (left - entered)
    return spent


def _kept_share(amount: Money, kept: Quantity, quantity: Quantity) -> Money:
    """The share of a line's ``amount`` that belongs to ``kept`` of its ``quantity`` units.

    Split exactly with :func:`~salesorder.money.apportion` (largest remainder), so the kept
    and the not-kept shares add up to the amount.
    """
    if kept >= quantity:
        return amount
    if kept <= 0 or amount.is_zero:
        return Money.zero(amount.currency)
    share = abs(amount).allocate([kept, quantity - kept])[0]
    return -share if amount.is_negative else share


def _kept(order: Order) -> tuple[Money, Money]:
    """Revenue (tax excluded) and cost of the units the buyer kept.

    See the definitions in :mod:`salesorder.domain.measures`.
    """
    assert order.pricing is not None  # noqa: S101 - callers check
    shipped = order.shipped
    back_to_sender = _reached(order, OrderStatus.RETURNED_TO_SENDER)
    revenue, cost = Money.zero(order.currency), Money.zero(order.currency)
    for line in order.pricing.lines:
        kept: Quantity = 0
        if not back_to_sender:
            kept = shipped.get(line.line_id, 0) - order.returned.get(line.line_id, 0)
        revenue = revenue + _kept_share(line.revenue, kept, line.quantity)
        cost = cost + _kept_share(line.cost, kept, line.quantity)
    return revenue, cost


def _check_promise(
    promised_lead_time: dt.timedelta | None, promised_business_days: int | None
) -> None:
    """Refuse two delivery promises at once (a duration and a count of business days).

    Raises:
        ValidationError: both are given.
    """
    if promised_lead_time is not None and promised_business_days is not None:
        raise ValidationError(
            f"give promised_lead_time ({promised_lead_time}) or promised_business_days "
            f"({promised_business_days}), not both"
        )


def order_facts(
    order: Order,
    *,
    shipments: Iterable[Shipment] = (),
    promised_lead_time: dt.timedelta | None = None,
    promised_business_days: int | None = None,
    calendar: BusinessCalendar | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderFacts:
    """The facts of one ``order``; ``shipments`` may hold other orders' shipments too.

    See :func:`measure_orders` for the arguments.

    Raises:
        ValidationError: both ``promised_lead_time`` and ``promised_business_days`` given.
    """
    _check_promise(promised_lead_time, promised_business_days)
    delivered_at = _first_reached(order, OrderStatus.DELIVERED)
    ended_at = _first_reached(order, cycle_end)
    on_time = None
    if delivered_at is not None:
        delivered_on = delivered_at.astimezone(timezone).date()
        if order.requested_delivery_date is not None:
            on_time = delivered_on <= order.requested_delivery_date
        elif promised_business_days is not None:
            placed_on = order.placed_at.astimezone(timezone).date()
            days = calendar or BusinessCalendar()
            on_time = delivered_on <= days.add_business_days(placed_on, promised_business_days)
        elif promised_lead_time is not None:
            on_time = delivered_at <= order.placed_at + promised_lead_time
    seller_shipping = Money.sum(
        (
            s.fee
            for s in shipments
            if s.order_id == order.id
            and s.fee_payer is FeePayer.SELLER
            and s.fee.currency == order.currency
        ),
        order.currency,
    )
    profit = revenue = None
    if order.dispatched and order.pricing is not None:
        revenue, cost = _kept(order)
        profit = revenue - cost - seller_shipping
    return OrderFacts(
        order_id=order.id,
        currency=order.currency,
        channel=order.channel.code,
        status=order.status,
        placed_at=order.placed_at,
        ended_at=ended_at,
        cycle_time=None if ended_at is None else ended_at - order.placed_at,
        stage_times=_stage_times(order),
        confirmed=_reached(order, OrderStatus.CONFIRMED),
        cancelled=order.status is OrderStatus.CANCELLED,
        shipped_complete=_reached(order, OrderStatus.SHIPPED),
        delivered=delivered_at is not None,
        on_time=on_time,
        returned=delivered_at is not None and any(n > 0 for n in order.returned.values()),
        seller_shipping=seller_shipping,
        revenue=revenue,
        profit=profit,
    )
