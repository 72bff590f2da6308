"""Pricing an order: line amounts, line discounts, tax included or excluded, exact totals.

The rules, in order, for every line:

1. list amount = unit price x quantity, rounded to the currency's minor units;
2. discount = list amount x percent / 100 (rounded), or a fixed amount; a discount never
   takes a line below zero (a fixed discount larger than the line is capped at the line);
3. the discounted amount is the line's net (tax excluded) or gross (tax included);
4. tax: per line, each line's tax is rounded on its own; per document, the tax of each rate
   is computed once on the sum of its lines and apportioned back over them (largest
   remainder), so the lines still add up to the document.

Invariants, on every line and on the document: ``net + tax == gross``; document totals are
the exact sums of the lines; the tax summary per rate adds up to the document tax.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from decimal import Decimal

import attrs

from salesorder.domain.common import code
from salesorder.domain.tax import TaxRate
from salesorder.exceptions import CurrencyMismatch, ValidationError
from salesorder.money import (
    Money,
    RoundingPlace,
    RoundingPolicy,
    apportion,
    currency_info,
    to_decimal,
)

__all__ = [
    "Discount",
    "DiscountKind",
    "LineToPrice",
    "PricedLine",
    "PricedOrder",
    "TaxMode",
    "TaxSummary",
    "price_lines",
]

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


class TaxMode(str, enum.Enum):
    """Whether prices include tax (B2C in most of Asia and Europe) or exclude it (B2B)."""

    INCLUDED = "included"
    EXCLUDED = "excluded"


class DiscountKind(str, enum.Enum):
    """A percentage of the line, or a fixed amount off the line."""

    PERCENT = "percent"
    FIXED = "fixed"


@attrs.frozen(kw_only=True)
class Discount:
    """A line discount: ``Discount.percent("10")`` or ``Discount.fixed(Money.of("5000", "IDR"))``.

    A fixed discount is off the whole line (not per unit), in the order's currency.
    """

    kind: DiscountKind
    percent: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT:
            if not Decimal(0) <= self.percent <= _HUNDRED or self.amount is not None:
                raise ValidationError(
                    f"a percent discount needs 0 <= percent <= 100 and no amount, got "
                    f"percent={self.percent}, amount={self.amount}"
                )
        elif self.amount is None or self.amount.is_negative:
            raise ValidationError(f"a fixed discount needs an amount >= 0, got {self.amount}")

    @classmethod
    def of_percent(cls, percent: Decimal | int | str) -> Discount:
        """A percentage off the line amount."""
        return cls(kind=DiscountKind.PERCENT, percent=percent)

    @classmethod
    def of_amount(cls, amount: Money) -> Discount:
        """A fixed amount off the line."""
        return cls(kind=DiscountKind.FIXED, amount=amount)


@attrs.frozen(kw_only=True)
class LineToPrice:
    """What pricing needs of an order line."""

    line_id: str = attrs.field(validator=code)
    quantity: int
    unit_price: Money
    tax_rate: TaxRate
    discount: Discount | None = None
    unit_cost: Money | None = None


@attrs.frozen(kw_only=True)
class PricedLine:
    """A priced line. All amounts are rounded to the currency's minor units.

    ``list_amount - discount`` is the line's gross when tax is included, its net otherwise.
    ``cost`` is unit cost x quantity (zero when unknown); ``profit = net - cost``.
    """

    line_id: str
    quantity: int
    unit_price: Money
    list_amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal
    cost: Money

    @property
    def profit(self) -> Money:
        """Net revenue minus cost."""
        return self.net - self.cost


@attrs.frozen(kw_only=True)
class TaxSummary:
    """Tax of one rate on a document: the taxable base (sum of nets) and the tax."""

    tax_code: str
    tax_rate: Decimal
    effective_rate: Decimal
    base: Money
    tax: Money


@attrs.frozen(kw_only=True)
class PricedOrder:
    """The priced lines and the exact document totals."""

    currency: str
    tax_mode: TaxMode
    policy: RoundingPolicy
    lines: tuple[PricedLine, ...]
    tax_summary: tuple[TaxSummary, ...]
    list_amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    cost: Money

    @property
    def profit(self) -> Money:
        """Net revenue minus cost over the whole order."""
        return self.net - self.cost

    def line(self, line_id: str) -> PricedLine:
        """The priced line with ``line_id``."""
        for priced in self.lines:
            if priced.line_id == line_id:
                return priced
        raise KeyError(line_id)


def _discount_amount(line: LineToPrice, list_amount: Decimal, rounding: _Rounder) -> Decimal:
    discount = line.discount
    if discount is None:
        return _ZERO
    if discount.kind is DiscountKind.PERCENT:
        value = rounding(list_amount * discount.percent / _HUNDRED)
    else:
        assert discount.amount is not None  # noqa: S101 - guaranteed by Discount's validation
        if discount.amount.currency != line.unit_price.currency:
            raise CurrencyMismatch(line.unit_price.currency, discount.amount.currency, "discount")
        value = rounding(discount.amount.amount)
    return min(value, list_amount)


def _tax_of(amount: Decimal, rate: Decimal, mode: TaxMode, rounding: _Rounder) -> Decimal:
    """Tax of one amount (net when excluded, gross when included), rounded."""
    if mode is TaxMode.EXCLUDED:
        return rounding(amount * rate)
    return amount - rounding(amount / (1 + rate))


class _Rounder:
    """Quantize to the currency's minor units with the policy's mode."""

    __slots__ = ("mode", "quantum")

    def __init__(self, currency: str, policy: RoundingPolicy) -> None:
        self.quantum = currency_info(currency).quantum
        self.mode = policy.mode.decimal_rounding

    def __call__(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)


def price_lines(
    lines: Sequence[LineToPrice],
    *,
    currency: str,
    tax_mode: TaxMode,
    policy: RoundingPolicy,
) -> PricedOrder:
    """Price ``lines`` in ``currency``; see the module docstring for the rules.

    Raises:
        CurrencyMismatch: a unit price, cost or fixed discount is in another currency.
    """
    # The arithmetic runs on Decimals at the currency's precision; Money values are made
    # once per result figure (pricing is the hot path of every order).
    rounding = _Rounder(currency, policy)
    bases: list[tuple[LineToPrice, Decimal, Decimal, Decimal]] = []
    for line in lines:
        if line.unit_price.currency != currency:
            raise CurrencyMismatch(currency, line.unit_price.currency, "price")
        if line.unit_cost is not None and line.unit_cost.currency != currency:
            raise CurrencyMismatch(currency, line.unit_cost.currency, "cost")
        list_amount = rounding(line.unit_price.amount * line.quantity)
        discount = _discount_amount(line, list_amount, rounding)
        bases.append((line, list_amount, discount, list_amount - discount))

    if policy.place is RoundingPlace.PER_LINE:
        taxes = [
            _tax_of(after, line.tax_rate.effective_rate, tax_mode, rounding)
            for line, _, _, after in bases
        ]
    else:
        taxes = _document_taxes(bases, currency, tax_mode, rounding)

    def money(amount: Decimal) -> Money:
        return Money._make(amount, currency)

    priced: list[PricedLine] = []
    for (line, list_amount, discount, after), tax in zip(bases, taxes, strict=True):
        net, gross = (after, after + tax) if tax_mode is TaxMode.EXCLUDED else (after - tax, after)
        cost = _ZERO if line.unit_cost is None else rounding(line.unit_cost.amount * line.quantity)
        priced.append(
            PricedLine(
                line_id=line.line_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                list_amount=money(list_amount),
                discount=money(discount),
                net=money(net),
                tax=money(tax),
                gross=money(gross),
                tax_code=line.tax_rate.code,
                tax_rate=line.tax_rate.rate,
                cost=money(cost),
            )
        )

    def total(figure: str) -> Money:
        return money(sum((getattr(p, figure).amount for p in priced), _ZERO))

    return PricedOrder(
        currency=currency,
        tax_mode=tax_mode,
        policy=policy,
        lines=tuple(priced),
        tax_summary=_summarise(priced, lines, currency),
        list_amount=total("list_amount"),
        discount=total("discount"),
        net=total("net"),
        tax=total("tax"),
        gross=total("gross"),
        cost=total("cost"),
    )


def _document_taxes(
    bases: Sequence[tuple[LineToPrice, Decimal, Decimal, Decimal]],
    currency: str,
    tax_mode: TaxMode,
    rounding: _Rounder,
) -> list[Decimal]:
    """Per document: each rate's tax on the sum of its lines, apportioned back over them."""
    taxes = [_ZERO] * len(bases)
    groups: dict[str, list[int]] = {}
    for index, (line, _, _, _) in enumerate(bases):
        groups.setdefault(line.tax_rate.code, []).append(index)
    for indexes in groups.values():
        rate = bases[indexes[0]][0].tax_rate.effective_rate
        amounts = [bases[i][3] for i in indexes]
        subtotal = sum(amounts, _ZERO)
        if not subtotal:
            continue
        tax = Money._make(_tax_of(subtotal, rate, tax_mode, rounding), currency)
        for i, part in zip(indexes, apportion(tax, amounts), strict=True):
            taxes[i] = part.amount
    return taxes


def _summarise(
    priced: Sequence[PricedLine], lines: Sequence[LineToPrice], currency: str
) -> tuple[TaxSummary, ...]:
    rates: dict[str, TaxRate] = {}
    bases: dict[str, list[Money]] = {}
    taxes: dict[str, list[Money]] = {}
    for line, result in zip(lines, priced, strict=True):
        rates.setdefault(line.tax_rate.code, line.tax_rate)
        bases.setdefault(line.tax_rate.code, []).append(result.net)
        taxes.setdefault(line.tax_rate.code, []).append(result.tax)
    return tuple(
        TaxSummary(
            tax_code=tax_code,
            tax_rate=rate.rate,
            effective_rate=rate.effective_rate,
            base=Money.sum(bases[tax_code], currency),
            tax=Money.sum(taxes[tax_code], currency),
        )
        for tax_code, rate in rates.items()
    )
