"""Inventory turnover: cost of goods shipped over the average inventory value."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from salesorder.domain.inventory import MovementKind, StockMovement
from salesorder.domain.measures.stats import _MICROSECOND, _half_even
from salesorder.domain.units import Quantity
from salesorder.exceptions import ValidationError
from salesorder.money import Money

__all__ = ["InventoryTurnover", "inventory_turnover"]

_OUT_AND_BACK = frozenset({MovementKind.SHIPMENT, MovementKind.RETURN})


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
        units_out: Quantity = 0
        on_hand: Quantity = 0
        weighted: Quantity = 0  # unit-microseconds on hand within the period
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
