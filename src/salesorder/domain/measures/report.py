"""The measures over a set of orders: the figures, as records, a text and an HTML table."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.common import display
from salesorder.domain.inventory import StockMovement
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures.facts import STAGES, OrderFacts, _check_promise, order_facts
from salesorder.domain.measures.profit import ProfitPerOrder, _profits
from salesorder.domain.measures.stats import Durations, Rate, _percent, format_duration
from salesorder.domain.measures.turnover import InventoryTurnover, inventory_turnover
from salesorder.domain.orders import Order
from salesorder.domain.shipping import Shipment
from salesorder.money import Money, format_money

__all__ = ["OrderMeasures", "StageTime", "measure_orders"]

_RECORD_KEYS = ("measure", "scope", "statistic", "value", "unit", "count", "matching")


@attrs.frozen(kw_only=True)
class StageTime:
    """Time spent in one status over the orders that finished a visit to it."""

    status: OrderStatus
    durations: Durations


@attrs.frozen(kw_only=True, repr=False)
class OrderMeasures:
    """The measures over a set of orders; :mod:`salesorder.domain.measures` defines them.

    ``records()`` gives one dict per figure and ``order_records()`` one per order, both
    ready for ``pandas.DataFrame``; :meth:`text` is a text table and :meth:`html` an HTML
    table, money formatted for a locale (``Rp140.936,67``); ``str()`` and ``_repr_html_``
    (for notebooks) are those in :func:`salesorder.display.current_locale`.
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

    def _rows(self, locale: str) -> list[tuple[str, str, str, str]]:
        """(measure, scope, value, over) for the text and HTML tables, money for ``locale``."""
        rows = []

        def money(amount: Money) -> str:
            return format_money(amount, locale)

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
                f"mean {money(profit.per_order)}, median {money(profit.median)}, "
                f"total {money(profit.total)}, margin {_percent(profit.margin)}",
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
                    f"{ratio} (cost of goods {money(turnover.cost_of_goods)}, "
                    f"average inventory {money(turnover.average_inventory)})",
                    f"{turnover.start:%Y-%m-%d} to {turnover.end:%Y-%m-%d}",
                )
            )
        return rows

    def text(self, locale: str | None = None) -> str:
        """The measures as a text table, money formatted for ``locale``.

        Args:
            locale: a locale babel knows; default :func:`salesorder.display.current_locale`.

        Raises:
            ValidationError: ``locale`` is not a locale babel knows.
        """
        header = ("measure", "scope", "value", "over")
        rows = [header, *self._rows(_locale(locale))]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[3]
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in [*widths, len(header[3])]))
        return "\n".join(line.rstrip() for line in lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<OrderMeasures over {_orders(self.orders)}>"

    def html(self, locale: str | None = None) -> str:
        """The measures as an HTML table, money formatted for ``locale`` (as :meth:`text`).

        Raises:
            ValidationError: ``locale`` is not a locale babel knows.
        """
        rows = self._rows(_locale(locale))
        cells = "".join(
            f"<th>{html.escape(name)}</th>" for name in ("measure", "scope", "value", "over")
        )
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        return (
            f"<table><caption>Measures over {self.orders} orders</caption>"
            f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
        )

    def _repr_html_(self) -> str:
        return self.html()


def _locale(locale: str | None) -> str:
    """``locale`` checked, or the display's current locale (imported on first use)."""
    return str(display("resolve_locale")(locale))


def _orders(count: int) -> str:
    return f"{count} order" if count == 1 else f"{count} orders"


def measure_orders(
    orders: Iterable[Order],
    *,
    shipments: Iterable[Shipment] = (),
    movements: Iterable[StockMovement] = (),
    unit_costs: Mapping[str, Money] | None = None,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    promised_lead_time: dt.timedelta | None = None,
    promised_business_days: int | None = None,
    calendar: BusinessCalendar | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderMeasures:
    """The measures over ``orders``; :mod:`salesorder.domain.measures` defines each one.

    Args:
        orders: the orders to measure (their histories give every time).
        shipments: shipments of these orders, for the shipping fees the seller paid (profit).
        movements: the stock ledger, for inventory turnover (none: no turnover figure).
        unit_costs: each SKU's unit cost, for inventory turnover.
        period: the period for inventory turnover; default from the first order's placement
            to the last entry of any order's history.
        promised_lead_time: the delivery promise for orders without a requested delivery
            date (none: such orders are not in the on-time rate).
        promised_business_days: the delivery promise as a count of business days of
            ``calendar`` after the day of placement (in ``timezone``), instead of
            ``promised_lead_time``: delivered on or before that day is on time.
        calendar: the business days ``promised_business_days`` counts (none: Monday to
            Friday; see :class:`~salesorder.domain.calendar.BusinessCalendar`).
        timezone: where a requested delivery date is a day.
        cycle_end: the status that ends the cycle time (delivered, or completed).
    """
    _check_promise(promised_lead_time, promised_business_days)
    orders = list(orders)
    shipments = list(shipments)
    facts = tuple(
        order_facts(
            order,
            shipments=shipments,
            promised_lead_time=promised_lead_time,
            promised_business_days=promised_business_days,
            calendar=calendar,
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
