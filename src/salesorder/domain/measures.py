"""The measures a seller runs on, computed from a set of orders (pure functions, no I/O).

:func:`measure_orders` takes orders (their ``history`` of
:class:`~salesorder.domain.orders.StatusChange` entries is the source of every time),
optionally the shipments (for the shipping fees the seller paid) and the stock ledger with
the products' unit costs (for inventory turnover), and returns :class:`OrderMeasures`:
plain records for pandas (:meth:`OrderMeasures.records`, :meth:`OrderMeasures.order_records`),
a text table (``str()``) and an HTML table that a notebook renders (``_repr_html_``).

Definitions (each figure is also documented where it is computed):

- **Cycle time**: from placement to the first time the order reached ``cycle_end``
  (delivered by default; completed is the other usual choice). Orders that never got there
  are left out.
- **Time in each stage**: per order, the time spent in a status, summed over its visits
  (on hold twice counts both); only finished visits count, so the status an order is in now
  does not. The median and 90th percentile are over the orders that finished a visit.
- **Median** is ``statistics.median`` (the mean of the two middle values for an even
  count, to the microsecond); the **90th percentile** is the nearest-rank percentile
  (:func:`nearest_rank`): the smallest value with at least 90% of the values at or below it,
  always one of the values.
- **Fulfilment rate**: orders shipped complete (they reached ``shipped``) over orders that
  were confirmed and are not cancelled.
- **On-time delivery**: orders delivered on or before their deadline over delivered orders
  that have one. The deadline is the order's ``requested_delivery_date`` (a date in
  ``timezone``), else placement plus ``promised_lead_time`` when given.
- **Return rate**: delivered orders with at least one unit returned by the buyer over
  delivered orders (a parcel returned to sender was never delivered and is not a return).
- **Cancellation rate**: orders cancelled in full over all orders.
- **Profit per order**: over the orders that shipped something, per currency: the revenue
  (tax excluded, platform-funded discounts included: ``PricedLine.revenue``) minus the cost
  of the units the buyer kept, minus the shipping fees the seller paid. Units the buyer
  returned, and everything in a parcel returned to sender, are not kept: their shares of the
  line's revenue and cost are taken off (each split exactly with
  :func:`~salesorder.money.apportion`), which is what refunding those goods costs the seller,
  tax excluded, once they are back in stock. Buyer-paid shipping passes through and is left
  out; so are damaged returns written off (their cost is in the stock ledger) and refunds of
  the shipping charge. The margin is the total profit over the total kept revenue.
- **Inventory turnover**: cost of goods shipped in the period over the average inventory
  value in the period (:func:`inventory_turnover`).

Money stays :class:`~salesorder.money.Money`, exact, one figure per currency; only the
average and median profit per order and the average inventory value are divisions, rounded
half-even to the currency's minor unit (the turnover ratio is computed from the unrounded
value). Rates, the margin and the turnover are Decimal fractions at the context's precision.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import statistics
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from salesorder.domain.inventory import MovementKind, StockMovement
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.shipping import FeePayer, Shipment
from salesorder.exceptions import ValidationError
from salesorder.money import Money, RoundingMode, decimal_isolated

__all__ = [
    "Durations",
    "InventoryTurnover",
    "OrderFacts",
    "OrderMeasures",
    "ProfitPerOrder",
    "Rate",
    "StageTime",
    "format_duration",
    "inventory_turnover",
    "measure_orders",
    "nearest_rank",
    "order_facts",
]

#: Statuses whose time is measured, in the order of the lifecycle (nothing leaves the others).
STAGES: tuple[OrderStatus, ...] = tuple(
    s for s in OrderStatus if s not in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)
)

_ZERO_TIME = dt.timedelta(0)
_MICROSECOND = dt.timedelta(microseconds=1)
_RECORD_KEYS = ("measure", "scope", "statistic", "value", "unit", "count", "matching")
_OUT_AND_BACK = frozenset({MovementKind.SHIPMENT, MovementKind.RETURN})


def nearest_rank(values: Sequence[Any], percent: int) -> Any:
    """The ``percent``-th percentile of ``values`` by the nearest-rank method.

    Sort the values; the percentile is the one at rank ``ceil(percent / 100 * n)`` (1-based),
    so it is always one of the values and at least ``percent`` percent of them are at or
    below it. Computed with integers, no rounding: the 90th percentile of 1..10 is 9, of
    1..11 is 10.

    Raises:
        ValidationError: no values, or ``percent`` not in 1..100.
    """
    if not values:
        raise ValidationError("a percentile needs at least one value, got none")
    if not 1 <= percent <= 100:
        raise ValidationError(f"a percentile is between 1 and 100, got {percent}")
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)
    return ordered[rank - 1]


@attrs.frozen(kw_only=True)
class Durations:
    """How long something took over a set of orders: count, median and 90th percentile.

    ``median`` and ``p90`` are None when ``count`` is zero.
    """

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @classmethod
    def of(cls, values: Iterable[dt.timedelta]) -> Durations:
        """The statistics of ``values`` (median: ``statistics.median``; p90: nearest rank)."""
        spans = list(values)
        if not spans:
            return cls(count=0, median=None, p90=None)
        # The median of whole microseconds is exact (a Decimal); half a microsecond (the
        # mean of two middle values) is rounded half-even, as timedelta arithmetic does.
        middle = statistics.median(Decimal(span // _MICROSECOND) for span in spans)
        median = dt.timedelta(microseconds=int(middle.to_integral_value(ROUND_HALF_EVEN)))
        return cls(count=len(spans), median=median, p90=nearest_rank(spans, 90))


@attrs.frozen(kw_only=True)
class Rate:
    """``numerator`` orders out of ``denominator``; :attr:`value` is the fraction."""

    numerator: int
    denominator: int

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise ValidationError(
                f"a rate needs 0 <= numerator <= denominator, got "
                f"{self.numerator}/{self.denominator}"
            )

    @property
    @decimal_isolated
    def value(self) -> Decimal | None:
        """The fraction (0 to 1, to 28 significant digits), None with no orders."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    def __str__(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{_percent(self.value)} ({self.numerator}/{self.denominator})"


@attrs.frozen(kw_only=True)
class StageTime:
    """Time spent in one status over the orders that finished a visit to it."""

    status: OrderStatus
    durations: Durations


@attrs.frozen(kw_only=True)
class ProfitPerOrder:
    """Profit over the orders that shipped something, in one currency.

    ``per_order`` is ``total / orders`` rounded half-even to the minor unit; ``median`` is
    the median order's profit (the mean of the two middle ones, rounded the same way).
    ``revenue`` is the revenue (tax excluded) of the units kept, and ``margin`` is ``total``
    over it (a Decimal fraction; None when the revenue is zero).
    """

    currency: str
    orders: int
    total: Money
    per_order: Money
    median: Money
    revenue: Money
    margin: Decimal | None


@attrs.frozen(kw_only=True)
class InventoryTurnover:
    """Cost of goods shipped over the average inventory value, in one currency.

    ``average_inventory`` is rounded half-even to the minor unit; ``turnover`` is computed
    from the unrounded average and is None when the average is zero. It is a rate for the
    period from ``start`` to ``end``, not per year.
    """

    currency: str
    start: dt.datetime
    end: dt.datetime
    cost_of_goods: Money
    average_inventory: Money
    turnover: Decimal | None


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


def _kept_share(amount: Money, kept: int, quantity: int) -> Money:
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
    """Revenue (tax excluded) and cost of the units the buyer kept (see the module docstring)."""
    assert order.pricing is not None  # noqa: S101 - callers check
    shipped = order.shipped
    back_to_sender = _reached(order, OrderStatus.RETURNED_TO_SENDER)
    revenue, cost = Money.zero(order.currency), Money.zero(order.currency)
    for line in order.pricing.lines:
        kept = 0
        if not back_to_sender:
            kept = shipped.get(line.line_id, 0) - order.returned.get(line.line_id, 0)
        revenue = revenue + _kept_share(line.revenue, kept, line.quantity)
        cost = cost + _kept_share(line.cost, kept, line.quantity)
    return revenue, cost


def order_facts(
    order: Order,
    *,
    shipments: Iterable[Shipment] = (),
    promised_lead_time: dt.timedelta | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderFacts:
    """The facts of one ``order``; ``shipments`` may hold other orders' shipments too.

    See :func:`measure_orders` for the arguments.
    """
    delivered_at = _first_reached(order, OrderStatus.DELIVERED)
    ended_at = _first_reached(order, cycle_end)
    on_time = None
    if delivered_at is not None:
        if order.requested_delivery_date is not None:
            on_time = delivered_at.astimezone(timezone).date() <= order.requested_delivery_date
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


def _half_even(money: Money) -> Money:
    return money.rounded(RoundingMode.HALF_EVEN)


def _profits(facts: Sequence[OrderFacts]) -> tuple[ProfitPerOrder, ...]:
    by_currency: dict[str, list[OrderFacts]] = {}
    for fact in facts:
        if fact.profit is not None:
            by_currency.setdefault(fact.currency, []).append(fact)
    result = []
    for currency in sorted(by_currency):
        shipped = by_currency[currency]
        profits = [f.profit for f in shipped if f.profit is not None]
        revenue = Money.sum((f.revenue for f in shipped if f.revenue is not None), currency)
        total = Money.sum(profits, currency)
        ordered = sorted(profits)
        middle = len(ordered) // 2
        median = (
            ordered[middle]
            if len(ordered) % 2
            else _half_even((ordered[middle - 1] + ordered[middle]) / 2)
        )
        result.append(
            ProfitPerOrder(
                currency=currency,
                orders=len(profits),
                total=total,
                per_order=_half_even(total / len(profits)),
                median=median,
                revenue=revenue,
                margin=total.amount / revenue.amount if revenue.amount else None,
            )
        )
    return tuple(result)


def inventory_turnover(
    movements: Iterable[StockMovement],
    unit_costs: Mapping[str, Money],
    start: dt.datetime,
    end: dt.datetime,
) -> tuple[InventoryTurnover, ...]:
    """Inventory turnover per currency over ``start`` to ``end``, from the stock ledger.

    - Cost of goods shipped: units that left by shipment in the period, less units that came
      back by return in the period, at each SKU's unit cost.
    - Average inventory value: the time-weighted average of on-hand units over the period
      (on hand is the running sum of every movement's ``on_hand_change``, so pass the whole
      ledger, not just the period's movements), at each SKU's unit cost.
    - Turnover: cost of goods shipped / average inventory value.

    Args:
        movements: stock ledger entries of any items, in any order (sorted by time, then
            warehouse, SKU and sequence number).
        unit_costs: each SKU's unit cost; a SKU without one is left out.
        start: the period's start (aware).
        end: the period's end, after ``start``.

    Raises:
        ValidationError: ``end`` is not after ``start``.
    """
    if end <= start:
        raise ValidationError(f"the period must end after it starts: {start} to {end}")
    span = Decimal((end - start) // _MICROSECOND)
    by_item: dict[tuple[str, str], list[StockMovement]] = {}
    for movement in sorted(movements, key=lambda m: (m.at, m.warehouse, m.sku, m.seq)):
        if movement.sku in unit_costs:
            by_item.setdefault((movement.warehouse, movement.sku), []).append(movement)
    cogs: dict[str, Money] = {}
    unit_time: dict[str, Decimal] = {}  # cost x microseconds on hand, per currency
    for (_, sku), entries in by_item.items():
        cost = unit_costs[sku]
        units_out = 0
        on_hand = 0
        weighted = 0  # unit-microseconds on hand within the period
        since = start
        for entry in entries:
            if entry.at > start:
                moment = min(entry.at, end)
                weighted += on_hand * ((moment - since) // _MICROSECOND)
                since = moment
            on_hand += entry.on_hand_change
            if start <= entry.at < end and entry.kind in _OUT_AND_BACK:
                # Shipments take units out (negative change), returns bring them back.
                units_out -= entry.on_hand_change
        weighted += on_hand * ((end - since) // _MICROSECOND)
        cogs[cost.currency] = cogs.get(cost.currency, Money.zero(cost.currency)) + cost * units_out
        unit_time[cost.currency] = unit_time.get(cost.currency, Decimal(0)) + cost.amount * weighted
    result = []
    for currency in sorted(cogs):
        average = unit_time[currency] / span
        result.append(
            InventoryTurnover(
                currency=currency,
                start=start,
                end=end,
                cost_of_goods=cogs[currency],
                average_inventory=_half_even(Money.of(average, currency)),
                turnover=cogs[currency].amount / average if average else None,
            )
        )
    return tuple(result)


@attrs.frozen(kw_only=True)
class OrderMeasures:
    """The measures over a set of orders; see the module docstring for the definitions.

    ``records()`` gives one dict per figure and ``order_records()`` one per order, both
    ready for ``pandas.DataFrame``; ``str()`` is a text table and ``_repr_html_`` an HTML
    table for notebooks.
    """

    orders: int
    cycle_end: OrderStatus
    cycle_time: Durations
    stages: tuple[StageTime, ...]
    fulfilment: Rate
    on_time: Rate
    returns: Rate
    cancellations: Rate
    profit: tuple[ProfitPerOrder, ...]
    turnover: tuple[InventoryTurnover, ...]
    facts: tuple[OrderFacts, ...]

    def order_records(self) -> list[dict[str, Any]]:
        """One flat dict per order (see :meth:`OrderFacts.record`)."""
        return [fact.record() for fact in self.facts]

    def records(self) -> list[dict[str, Any]]:
        """One dict per figure, all with the same keys.

        ``measure`` and ``scope`` name the figure, ``statistic`` says which (median, p90,
        rate, total, per_order, ...), ``value`` is a ``timedelta`` (unit ``duration``), a
        Decimal fraction (unit ``ratio``), a Decimal amount (unit: the currency code) or a
        Decimal turnover (unit ``times``); ``count`` is how many orders (or, for a rate,
        orders in the denominator) the figure is over (None for inventory turnover),
        ``matching`` a rate's numerator (None for other figures).
        """
        rows: list[tuple[Any, ...]] = []
        cycle = ("cycle time", f"placed to {self.cycle_end.value}", self.cycle_time)
        stages = [("time in stage", stage.status.value, stage.durations) for stage in self.stages]
        for measure, scope, spans in [cycle, *stages]:
            rows.append((measure, scope, "median", spans.median, "duration", spans.count, None))
            rows.append((measure, scope, "p90", spans.p90, "duration", spans.count, None))
        rows.extend(
            (name, scope, "rate", rate.value, "ratio", rate.denominator, rate.numerator)
            for name, scope, rate in self._rates()
        )
        for profit in self.profit:
            rows.extend(
                (
                    "profit",
                    "shipped orders",
                    statistic,
                    amount.amount,
                    profit.currency,
                    profit.orders,
                    None,
                )
                for statistic, amount in (
                    ("total", profit.total),
                    ("per_order", profit.per_order),
                    ("median", profit.median),
                    ("revenue", profit.revenue),
                )
            )
            rows.append(
                ("profit", "shipped orders", "margin", profit.margin, "ratio", profit.orders, None)
            )
        for turnover in self.turnover:
            scope = f"{turnover.start.isoformat()} to {turnover.end.isoformat()}"
            rows.extend(
                ("inventory turnover", scope, statistic, value, unit, None, None)
                for statistic, value, unit in (
                    ("cost_of_goods", turnover.cost_of_goods.amount, turnover.currency),
                    ("average_inventory", turnover.average_inventory.amount, turnover.currency),
                    ("turnover", turnover.turnover, "times"),
                )
            )
        return [dict(zip(_RECORD_KEYS, row, strict=True)) for row in rows]

    def _rates(self) -> list[tuple[str, str, Rate]]:
        return [
            ("fulfilment rate", "shipped complete / confirmed, not cancelled", self.fulfilment),
            ("on-time delivery", "on time / delivered with a deadline", self.on_time),
            ("return rate", "with returns / delivered", self.returns),
            ("cancellation rate", "cancelled / all orders", self.cancellations),
        ]

    def _rows(self) -> list[tuple[str, str, str, str]]:
        """(measure, scope, value, over) for the text and HTML tables."""
        rows = []

        def spans(measure: str, scope: str, stats: Durations) -> None:
            value = (
                f"median {format_duration(stats.median)}, p90 {format_duration(stats.p90)}"
                if stats.count
                else "n/a"
            )
            rows.append((measure, scope, value, _orders(stats.count)))

        spans("cycle time", f"placed to {self.cycle_end.value}", self.cycle_time)
        for stage in self.stages:
            spans("time in stage", stage.status.value, stage.durations)
        for name, scope, rate in self._rates():
            rows.append((name, scope, str(rate), _orders(rate.denominator)))
        rows.extend(
            (
                "profit per order",
                profit.currency,
                f"mean {profit.per_order}, median {profit.median}, total {profit.total}, "
                f"margin {_percent(profit.margin)}",
                _orders(profit.orders),
            )
            for profit in self.profit
        )
        for turnover in self.turnover:
            ratio = "n/a" if turnover.turnover is None else f"{turnover.turnover:.2f}x"
            rows.append(
                (
                    "inventory turnover",
                    turnover.currency,
                    f"{ratio} (cost of goods {turnover.cost_of_goods}, "
                    f"average inventory {turnover.average_inventory})",
                    f"{turnover.start:%Y-%m-%d} to {turnover.end:%Y-%m-%d}",
                )
            )
        return rows

    def __str__(self) -> str:
        header = ("measure", "scope", "value", "over")
        rows = [header, *self._rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in [*widths, len(header[3])]))
        return "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<th>{html.escape(name)}</th>" for name in ("measure", "scope", "value", "over")
        )
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in self._rows()
        )
        return (
            f"<table><caption>Measures over {self.orders} orders</caption>"
            f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
        )


def _percent(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _orders(count: int) -> str:
    return f"{count} order" if count == 1 else f"{count} orders"


def format_duration(delta: dt.timedelta | None) -> str:
    """``2d 3h 15m``; seconds are dropped, a duration under a minute is ``0m``."""
    if delta is None:
        return "n/a"
    minutes = int(delta // dt.timedelta(minutes=1))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)


def measure_orders(
    orders: Iterable[Order],
    *,
    shipments: Iterable[Shipment] = (),
    movements: Iterable[StockMovement] = (),
    unit_costs: Mapping[str, Money] | None = None,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    promised_lead_time: dt.timedelta | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderMeasures:
    """The measures over ``orders``; the module docstring defines each one.

    Args:
        orders: the orders to measure (their histories give every time).
        shipments: shipments of these orders, for the shipping fees the seller paid (profit).
        movements: the stock ledger, for inventory turnover (none: no turnover figure).
        unit_costs: each SKU's unit cost, for inventory turnover.
        period: the period for inventory turnover; default from the first order's placement
            to the last entry of any order's history.
        promised_lead_time: the delivery promise for orders without a requested delivery
            date (none: such orders are not in the on-time rate).
        timezone: where a requested delivery date is a day.
        cycle_end: the status that ends the cycle time (delivered, or completed).
    """
    orders = list(orders)
    shipments = list(shipments)
    facts = tuple(
        order_facts(
            order,
            shipments=shipments,
            promised_lead_time=promised_lead_time,
            timezone=timezone,
            cycle_end=cycle_end,
        )
        for order in orders
    )
    stages = []
    for status in STAGES:
        spans = [f.stage_times[status] for f in facts if status in f.stage_times]
        if spans:
            stages.append(StageTime(status=status, durations=Durations.of(spans)))
    confirmed = [f for f in facts if f.confirmed and not f.cancelled]
    delivered = [f for f in facts if f.delivered]
    with_deadline = [f for f in delivered if f.on_time is not None]
    turnover: tuple[InventoryTurnover, ...] = ()
    movements = list(movements)
    if movements and unit_costs:
        if period is None and orders:
            period = (
                min(o.placed_at for o in orders),
                max(entry.at for o in orders for entry in o.history),
            )
        if period is not None and period[1] > period[0]:
            turnover = inventory_turnover(movements, unit_costs, *period)
    return OrderMeasures(
        orders=len(facts),
        cycle_end=cycle_end,
        cycle_time=Durations.of(f.cycle_time for f in facts if f.cycle_time is not None),
        stages=tuple(stages),
        fulfilment=Rate(
            numerator=sum(f.shipped_complete for f in confirmed), denominator=len(confirmed)
        ),
        on_time=Rate(
            numerator=sum(bool(f.on_time) for f in with_deadline), denominator=len(with_deadline)
        ),
        returns=Rate(numerator=sum(f.returned for f in delivered), denominator=len(delivered)),
        cancellations=Rate(numerator=sum(f.cancelled for f in facts), denominator=len(facts)),
        profit=_profits(facts),
        turnover=turnover,
        facts=facts,
    )
