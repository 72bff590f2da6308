"""The values pricing takes and gives: lines, discounts, priced lines and orders, the trace.

Every class here is a value (frozen attrs); :func:`~salesorder.domain.pricing.price_order`
builds them, nothing here computes a price. The trace :func:`price_order` returns is a
:class:`PricingTrace` that words its steps on first read (see
:mod:`salesorder.domain.pricing.trace`); its :class:`PricedOrder` and :class:`PricedLine`
values build their fields on first read (see :mod:`salesorder.domain.pricing._results`).
"""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import Shown, as_tuple, code, member_of, money, spelled
from salesorder.domain.tax import TaxKind, TaxMode, TaxRate, TaxTreatment
from salesorder.domain.units import Quantity
from salesorder.exceptions import UnknownLine, ValidationError
from salesorder.money import Money, RoundingPolicy, decimal_isolated, to_decimal

__all__ = [
    "Discount",
    "DiscountKind",
    "LineTax",
    "LineToPrice",
    "PricedLine",
    "PricedOrder",
    "PricingTrace",
    "TaxSummary",
    "TraceKind",
    "TraceStep",
]

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


class DiscountKind(str, enum.Enum):
    """A percentage of the line, or a fixed amount off the line."""

    PERCENT = "percent"
    FIXED = "fixed"


def _discount_kind(value: DiscountKind | str) -> DiscountKind:
    return spelled(DiscountKind, value)


@attrs.frozen(kw_only=True)
class Discount:
    """A line discount: ``Discount.of_percent("10")`` or ``Discount.of_amount(Money.of(...))``.

    A fixed discount is off the whole line (not per unit), in the order's currency.
    """

    kind: DiscountKind = attrs.field(converter=_discount_kind, validator=member_of(DiscountKind))
    percent: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    amount: Money | None = attrs.field(default=None, validator=attrs.validators.optional(money))

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
    """What pricing needs of an order line.

    ``unit_price`` is the price given on the order (``price_fixed``) or the catalog price,
    used when no price list applies. Taxes are ``taxes`` (several, in order) or the single
    ``tax_rate``; neither means the line is outside tax. ``sku`` lets price lists and
    promotions find the line.
    """

    line_id: str = attrs.field(validator=code)
    quantity: Quantity
    unit_price: Money
    tax_rate: TaxRate | None = None
    discount: Discount | None = None
    unit_cost: Money | None = None
    taxes: tuple[TaxRate, ...] = attrs.field(default=(), converter=as_tuple)
    sku: str = ""
    price_fixed: bool = False

    def __attrs_post_init__(self) -> None:
        if self.tax_rate is not None and self.taxes:
            raise ValidationError(
                f"line {self.line_id!r} gives both tax_rate and taxes; give one of them"
            )
        if len(self.taxes) > 1:
            codes = [rate.code for rate in self.taxes]
            for code_ in codes:
                if codes.count(code_) > 1:
                    raise ValidationError(f"line {self.line_id!r} carries tax {code_!r} twice")

    @property
    def rates(self) -> tuple[TaxRate, ...]:
        """The line's taxes in order of application."""
        if self.taxes:
            return self.taxes
        return () if self.tax_rate is None else (self.tax_rate,)


@attrs.frozen(kw_only=True)
class LineTax:
    """One tax on one line: its base (net, plus earlier taxes when compound) and amount.

    ``legal_base`` is the base the law taxes when the rate taxes a reduced base (Indonesia's
    DPP nilai lain: 11/12 of ``base``, rounded), None for a full base.
    ``exemption_reason`` and ``exemption_code`` are the rate's (its
    :attr:`~salesorder.domain.tax.TaxRate.reason` and VATEX code), empty when taxable.
    ``kind`` is the rate's: a withholding tax's ``amount`` is negative (what the buyer
    withholds) and is not part of the line's tax; a fixed tax's ``base`` is the line's net.
    """

    tax_code: str
    tax_rate: Decimal
    effective_rate: Decimal
    base: Money
    amount: Money
    compound: bool = False
    treatment: TaxTreatment = TaxTreatment.TAXABLE
    legal_base: Money | None = None
    exemption_reason: str = ""
    exemption_code: str = ""
    kind: TaxKind = TaxKind.PERCENT


@attrs.frozen(kw_only=True)
class PricedLine:
    """A priced line. All amounts are rounded to the currency's minor units.

    ``list_amount - discount`` is the line's gross when tax is included, its net otherwise.
    ``tax`` is the sum of ``taxes``; ``tax_code`` and ``tax_rate`` are the first tax's (empty
    and 0 for a line outside tax). ``platform_discount`` is the part of ``discount`` the
    marketplace platform funds; ``seller_revenue`` is the net plus the platform-funded part
    (tax excluded). ``cost`` is unit cost x quantity (zero when unknown).
    ``rounding_difference`` is gross - net - tax: zero (None in data priced before it
    existed) unless tax is included and a rate computes its tax from the net
    (``IncludedTax.FROM_NET``), when net + tax + difference ==
    gross. ``withheld`` is what the buyer withholds for the state (withholding taxes, a
    positive amount, None when the line has none): it is not in ``tax`` or ``gross``.
    """

    line_id: str
    quantity: Quantity
    unit_price: Money
    list_amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal
    cost: Money
    sku: str = ""
    taxes: tuple[LineTax, ...] = ()
    platform_discount: Money | None = None
    seller_revenue: Money | None = None
    rounding_difference: Money | None = None
    withheld: Money | None = None

    @property
    def revenue(self) -> Money:
        """The seller's revenue, tax excluded, as net plus the platform-funded discount."""
        return self.net if self.seller_revenue is None else self.seller_revenue

    @property
    def profit(self) -> Money:
        """Revenue minus cost."""
        return self.revenue - self.cost

    @property
    @decimal_isolated
    def margin(self) -> Decimal:
        """Profit as a fraction of revenue (0 when the revenue is zero)."""
        revenue = self.revenue.amount
        return self.profit.amount / revenue if revenue else _ZERO


@attrs.frozen(kw_only=True)
class TaxSummary:
    """Tax of one rate on a document: the taxable base (sum of the lines' bases) and the tax.

    One row per (``tax_code``, ``tax_rate``): two rates sharing a code are two rows. For
    Indonesia's PPN 12% on 11/12 of the price, ``tax_rate`` is 0.12, ``effective_rate``
    0.11, ``base`` the price (net) and ``legal_base`` the DPP, the sum of the lines' legal
    bases (per document: the DPP of the document's base, rounded once); None for a full
    base. ``exemption_reason`` and ``exemption_code`` are the rate's (empty when taxable).
    ``kind`` is the rate's (a withholding row's ``tax`` is negative).
    """

    tax_code: str
    tax_rate: Decimal
    effective_rate: Decimal
    base: Money
    tax: Money
    treatment: TaxTreatment = TaxTreatment.TAXABLE
    legal_base: Money | None = None
    exemption_reason: str = ""
    exemption_code: str = ""
    kind: TaxKind = TaxKind.PERCENT


class TraceKind(str, enum.Enum):
    """What a trace step explains."""

    PRICE = "price"
    DISCOUNT = "discount"
    TAX = "tax"
    ROUNDING = "rounding"
    SHIPPING = "shipping"
    NOTE = "note"
    POLICY = "policy"


@attrs.frozen(kw_only=True)
class TraceStep:
    """One explained number: on which line ("" for the document), what, from where, how much.

    Attributes:
        line_id: the line, or "" for the document.
        kind: price, discount, tax, rounding, shipping, a note, or the rounding policy's
            conventions (the last step of every trace).
        source: the price list, promotion, voucher or tax code ("catalog", "manual"...).
        amount: the figure (for a rounding step, rounded minus exact).
        detail: why, in words.
    """

    line_id: str
    kind: TraceKind
    source: str
    amount: Money | None
    detail: str

    def __str__(self) -> str:
        where = f"line {self.line_id}" if self.line_id else "order"
        amount = f" {self.amount}" if self.amount is not None else ""
        return f"{where}: {self.kind.value} [{self.source}]{amount}: {self.detail}"


@attrs.frozen(kw_only=True, eq=False, repr=False)
class PricingTrace(Shown):
    """Why every number of a priced order is what it is; ``str()`` prints one step a line.

    Two traces are equal when their steps are. The trace :func:`price_order` returns keeps
    the figures of its run and formats them into steps when ``steps`` is first read (the
    words and ``Money`` of every step were half of what pricing cost); it reads, compares,
    serializes and pickles as a trace made with those steps.
    """

    steps: tuple[TraceStep, ...] = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PricingTrace):
            return NotImplemented
        return self.steps == other.steps

    def __hash__(self) -> int:
        return hash(self.steps)

    def __str__(self) -> str:
        return "\n".join(str(step) for step in self.steps)

    def for_line(self, line_id: str) -> tuple[TraceStep, ...]:
        """The steps of one line."""
        return tuple(step for step in self.steps if step.line_id == line_id)

    def of_kind(self, kind: TraceKind) -> tuple[TraceStep, ...]:
        """The steps of one kind."""
        return tuple(step for step in self.steps if step.kind is kind)


def _empty_trace() -> PricingTrace:
    return PricingTrace()


@attrs.frozen(kw_only=True, repr=False)
class PricedOrder(Shown):
    """The priced lines, the exact document totals and the trace.

    ``gross`` is what the buyer pays for the goods; ``shipping - shipping_discount`` is
    the shipping still charged. ``platform_discount`` is the part of the discounts a
    marketplace platform funds. ``rounding_difference`` is the sum of the lines' (see
    :class:`PricedLine`): net + tax + rounding_difference == gross. ``withheld`` is what
    the buyer withholds for the state (None when nothing is): :attr:`payable` is the gross
    less it.
    """

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
    shipping: Money | None = None
    shipping_discount: Money | None = None
    platform_discount: Money | None = None
    vouchers: tuple[str, ...] = ()
    trace: PricingTrace = attrs.Factory(_empty_trace)
    rounding_difference: Money | None = None
    withheld: Money | None = None

    @property
    def payable(self) -> Money:
        """The gross less what is withheld, what the buyer pays for the goods."""
        return self.gross if self.withheld is None else self.gross - self.withheld

    @property
    def revenue(self) -> Money:
        """The seller's revenue from the goods, tax excluded (platform-funded part included)."""
        return Money.sum((line.revenue for line in self.lines), self.currency)

    @property
    def profit(self) -> Money:
        """Revenue minus cost over the whole order."""
        return self.revenue - self.cost

    @property
    @decimal_isolated
    def margin(self) -> Decimal:
        """Profit as a fraction of revenue (0 when the revenue is zero)."""
        revenue = self.revenue.amount
        return self.profit.amount / revenue if revenue else _ZERO

    @property
    def shipping_due(self) -> Money:
        """The shipping charge after shipping discounts (zero when none was priced)."""
        if self.shipping is None:
            return Money.zero(self.currency)
        discount = self.shipping_discount or Money.zero(self.currency)
        return self.shipping - discount

    def line(self, line_id: str) -> PricedLine:
        """The priced line with ``line_id``.

        Raises:
            UnknownLine: no such line (also a ``KeyError``).
        """
        for priced in self.lines:
            if priced.line_id == line_id:
                return priced
        raise UnknownLine("the priced order", line_id, tuple(p.line_id for p in self.lines))
