"""The frames of the measures: one row per figure, and one row per order measured.

Both reuse the measures' own records
(:meth:`~salesorder.domain.measures.OrderMeasures.records` and
:meth:`~salesorder.domain.measures.OrderMeasures.order_records`); the order rows gain the
minor units of their amounts.
"""

from __future__ import annotations

from typing import Any

from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures import STAGES, OrderMeasures
from salesorder.frames._frame import (
    Column,
    ColumnKind,
    Frame,
    category,
    money_columns,
    of_kind,
    put_money,
    text,
)
from salesorder.frames._sources import NotFrameable
from salesorder.money import Money
from salesorder.services.app import SalesApp
from salesorder.services.views import measure

__all__ = ["measures", "order_facts"]

MEASURES: tuple[Column, ...] = (
    text("measure"),
    text("scope"),
    text("statistic"),
    Column(name="value", kind=ColumnKind.ANY),
    text("unit"),
    *of_kind(ColumnKind.INTEGER, "count", "matching"),
)

#: The amounts of an order's facts, each followed by its minor units.
_FACT_AMOUNTS = ("seller_shipping", "revenue", "profit")

ORDER_FACTS: tuple[Column, ...] = (
    text("order_id"),
    text("currency"),
    text("channel"),
    category("status", OrderStatus),
    *of_kind(ColumnKind.DATETIME, "placed_at", "ended_at"),
    Column(name="cycle_time", kind=ColumnKind.DURATION),
    *of_kind(ColumnKind.BOOLEAN, "confirmed", "cancelled", "shipped_complete", "delivered"),
    *of_kind(ColumnKind.BOOLEAN, "on_time", "returned"),
    *money_columns(*_FACT_AMOUNTS),
    *of_kind(ColumnKind.DURATION, *(f"time_{status.value}" for status in STAGES)),
)


def _measures_of(source: OrderMeasures | SalesApp, frame: str) -> OrderMeasures:
    if isinstance(source, OrderMeasures):
        return source
    if isinstance(source, SalesApp):
        return measure(source)
    raise NotFrameable(
        f"frames.{frame}() takes OrderMeasures or an app, got {type(source).__name__} "
        f"{source!r:.60}"
    )


def measures(source: OrderMeasures | SalesApp) -> Frame:
    """One row per figure of the measures, their own records.

    See :meth:`~salesorder.domain.measures.OrderMeasures.records`.

    From an app: :func:`salesorder.services.views.measure` of it, with its defaults.
    ``value`` is a ``timedelta`` (unit ``duration``), a ``Decimal`` ratio (unit ``ratio``),
    a ``Decimal`` amount (unit: its currency) or a ``Decimal`` turnover (unit ``times``).

    Raises:
        NotFrameable: ``source`` is neither measures nor an app.
    """
    found = _measures_of(source, "measures")
    return Frame(name="measures", columns=MEASURES, rows=tuple(found.records()))


def _with_minor(record: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in record.items():
        if name in _FACT_AMOUNTS:
            put_money(row, name, None if value is None else Money.of(value, record["currency"]))
        else:
            row[name] = value
    return row


def order_facts(source: OrderMeasures | SalesApp) -> Frame:
    """One row per order measured, the measures' own order records.

    See :meth:`~salesorder.domain.measures.OrderMeasures.order_records`.

    Its amounts (tax excluded, in the order's currency) gain ``_minor`` columns;
    ``time_<status>`` is the time spent in each status the order has left (NaT in pandas
    where it never left it).

    Raises:
        NotFrameable: ``source`` is neither measures nor an app.
    """
    found = _measures_of(source, "order_facts")
    rows = tuple(_with_minor(record) for record in found.order_records())
    return Frame(name="order_facts", columns=ORDER_FACTS, rows=rows)
