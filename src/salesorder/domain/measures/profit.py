"""Profit per order: what the orders that shipped something earned, per currency."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from salesorder.domain.measures.facts import OrderFacts
from salesorder.domain.measures.stats import _half_even
from salesorder.money import Money

__all__ = ["ProfitPerOrder"]


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
