"""Rounding made explicit: modes and places, a shop's money policy, cash rounding rules.

:class:`RoundingPolicy` is how pricing rounds (mode, place, digits); :class:`MoneyPolicy` is
how many decimal places a shop charges in a currency; :class:`CashRounding` rounds what is
paid in cash to the currency's cash step, with national rules (Malaysia's 5 sen) that win
over the library's table. Everything here is re-exported by :mod:`salesorder.money`.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol, TypeVar

import attrs

from salesorder.currencies import currency_info
from salesorder.exceptions import CurrencyMismatch, TooManyDigits, ValidationError
from salesorder.numbers import DecimalLike, to_decimal

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "MALAYSIA_CASH_RULE",
    "CashRounding",
    "CashRule",
    "DiscountRounding",
    "IncludedRounding",
    "MoneyPolicy",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "TaxSplit",
]


def _check_currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


# ---------------------------------------------------------------------------------------
# Rounding policies
# ---------------------------------------------------------------------------------------


class _Amount(Protocol):
    """What the policies here need of an amount: :class:`~salesorder.money.Money` is one.

    (Money is imported by salesorder.money from here, so this module names what it uses
    instead of importing Money: no import circle, and ``apply`` returns a Money for a Money.)
    """

    @property
    def currency(self) -> str:
        """The ISO 4217 code."""
        ...

    def is_rounded(self, digits: int | None = None) -> bool:
        """True when the amount has at most ``digits`` decimal places."""
        ...

    def to_step(self, step: Decimal, mode: RoundingMode) -> Self:
        """The amount rounded to a whole number of ``step``."""
        ...


T = TypeVar("T", bound=_Amount)


class RoundingMode(str, enum.Enum):
    """How a value between two steps is rounded (the ``decimal`` module's modes)."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    HALF_DOWN = "half_down"
    UP = "up"
    DOWN = "down"
    CEILING = "ceiling"
    FLOOR = "floor"

    @property
    def decimal_rounding(self) -> str:
        """The matching ``decimal`` rounding constant, such as ``decimal.ROUND_HALF_UP``."""
        return _DECIMAL_ROUNDING[self]


_DECIMAL_ROUNDING = {
    RoundingMode.HALF_UP: decimal.ROUND_HALF_UP,
    RoundingMode.HALF_EVEN: decimal.ROUND_HALF_EVEN,
    RoundingMode.HALF_DOWN: decimal.ROUND_HALF_DOWN,
    RoundingMode.UP: decimal.ROUND_UP,
    RoundingMode.DOWN: decimal.ROUND_DOWN,
    RoundingMode.CEILING: decimal.ROUND_CEILING,
    RoundingMode.FLOOR: decimal.ROUND_FLOOR,
}


class RoundingPlace(str, enum.Enum):
    """Where tax and discounts are rounded.

    ``PER_LINE`` rounds each line, and the document is the sum of its lines.
    ``PER_DOCUMENT`` rounds the document total (per tax rate), then apportions it over the
    lines, so the lines still add up to the document exactly.
    """

    PER_LINE = "per_line"
    PER_DOCUMENT = "per_document"


class IncludedRounding(str, enum.Enum):
    """Which of net and tax a tax-included price rounds first when they tie on a half unit.

    ``NET_FIRST`` (the default, as Saleor's flat-rate taxes): net = round(gross / (1 +
    rate)), tax = gross - net. ``TAX_FIRST`` (as newer ERP tax engines): tax = round(gross -
    gross / (1 + rate)), net = gross - tax. They differ only when the exact tax ends on a half unit:
    a gross of 0.03 at 20% is net 0.03 + tax 0.00 net first, net 0.02 + tax 0.01 tax first.
    """

    NET_FIRST = "net_first"
    TAX_FIRST = "tax_first"


class TaxSplit(str, enum.Enum):
    """How a tax-included line's tax is shared among its several taxes.

    ``LARGEST_REMAINDER`` (the default): the line's total tax is rounded once and split by
    the taxes' shares, the leftover units to the largest remainders. ``EACH_ROUNDED``: each
    tax is rounded on its own and the net absorbs the difference (Odoo's per-tax rounding).
    Either way identical taxes on a line (India's CGST and SGST, two 6% halves) always get
    equal amounts: a unit that cannot be shared equally stays in the net.
    """

    LARGEST_REMAINDER = "largest_remainder"
    EACH_ROUNDED = "each_rounded"


class DiscountRounding(str, enum.Enum):
    """What a percentage discount rounds: the discount, or the discounted subtotal.

    ``DISCOUNT`` (the default; the amount marketplace statements report): discount =
    round(amount x percent), subtotal = amount - discount. ``SUBTOTAL`` (Odoo, ERPNext):
    subtotal = round(amount x (1 - percent)), discount = amount - subtotal. They differ
    when the exact discount ends on a half unit: 50% of 0.05 is 0.03 off (0.02 left) by
    the discount, 0.02 off (0.03 left) by the subtotal, half up.
    """

    DISCOUNT = "discount"
    SUBTOTAL = "subtotal"


def _optional_digits(
    _instance: object, _attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        raise ValidationError(f"RoundingPolicy.digits must be None or 0 to 4, got {value!r}")


# The hash is cached: pricing looks its rounder up by the policy once per order.
@attrs.frozen(kw_only=True, cache_hash=True)
class RoundingPolicy:
    """A rounding decision made explicit: the mode, the place and the digits.

    The default, half-up per line, is what most Asian tax authorities and marketplaces use.
    ``digits`` is the number of decimal places amounts round to: None for the currency's
    ISO 4217 minor units (the default), fewer for a shop's :class:`MoneyPolicy` (0 for
    whole rupiah); ``Settings.rounding_for(currency)`` fills it from the shop's policies.
    The three conventions say what is rounded first where two readings of the same rule
    differ by a minor unit: :class:`IncludedRounding`, :class:`TaxSplit` and
    :class:`DiscountRounding` (docs/conformance.md shows each on a worked case). The
    pricing trace states them.
    """

    mode: RoundingMode = RoundingMode.HALF_UP
    place: RoundingPlace = RoundingPlace.PER_DOCUMENT
    digits: int | None = attrs.field(default=None, validator=_optional_digits)
    included: IncludedRounding = attrs.field(
        default=IncludedRounding.NET_FIRST, validator=attrs.validators.instance_of(IncludedRounding)
    )
    tax_split: TaxSplit = attrs.field(
        default=TaxSplit.LARGEST_REMAINDER, validator=attrs.validators.instance_of(TaxSplit)
    )
    discount: DiscountRounding = attrs.field(
        default=DiscountRounding.DISCOUNT, validator=attrs.validators.instance_of(DiscountRounding)
    )

    @property
    def conventions(self) -> str:
        """The policy in words, as the pricing trace states it."""
        return (
            f"{self.mode.value} {self.place.value}; included prices {self.included.value}; "
            f"several taxes {self.tax_split.value}; percentage discounts round the "
            f"{self.discount.value}"
        )


def _policy_digits(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"MoneyPolicy.digits must be an int, got {value!r}")
    return value


@attrs.frozen(kw_only=True)
class MoneyPolicy:
    """How many decimal places a shop charges in one currency.

    By default a currency's amounts have ISO 4217's minor units (IDR 2, VND 0, KWD 3), from
    the library's own table. A shop may charge fewer: ``MoneyPolicy(currency="IDR",
    digits=0)`` prices in whole rupiah, as many Indonesian shops and tax invoices do. Put it
    in ``Settings.money``; its consequences are stated in ``docs/currencies.md``: line
    amounts, discounts and taxes round to the policy's digits, and amounts a shop states
    (prices, payments) with more digits are refused, never silently rounded. A policy never
    changes an amount already stored.

    Raises:
        UnknownCurrency: the currency is not in the library's table.
        ValidationError: ``digits`` is not an int from 0 to the currency's ISO 4217 digits.
    """

    currency: str = attrs.field(validator=_check_currency)
    digits: int = attrs.field(converter=_policy_digits)

    @digits.validator
    def _within_iso(self, _attribute: attrs.Attribute[int], value: int) -> None:
        iso = currency_info(self.currency).digits
        if not 0 <= value <= iso:
            raise ValidationError(
                f"MoneyPolicy.digits for {self.currency} must be from 0 to its ISO 4217 "
                f"minor units ({iso}), got {value}"
            )

    @classmethod
    def iso(cls, currency: str) -> MoneyPolicy:
        """The default policy: ISO 4217's minor units for ``currency``."""
        return cls(currency=currency, digits=currency_info(currency).digits)

    def check(self, money: T, *, what: str) -> T:
        """Return ``money`` if it has at most ``digits`` decimal places.

        Raises:
            CurrencyMismatch: ``money`` is in another currency.
            TooManyDigits: it has more decimal places than the policy allows.
        """
        if money.currency != self.currency:
            raise CurrencyMismatch(
                self.currency, money.currency, what, against="the money policy checking it"
            )
        if not money.is_rounded(self.digits):
            raise TooManyDigits(money, self.digits, what=what)
        return money


def _increment(value: DecimalLike) -> Decimal:
    return to_decimal(value, what="increment")


@attrs.frozen(kw_only=True)
class CashRule:
    """A cash rounding step that CLDR lacks, for a currency and optionally one country.

    Example: ``CashRule(currency="MYR", increment=Decimal("0.05"))``: Malaysian cash totals
    round to the nearest 5 sen (Bank Negara Malaysia's rounding mechanism, since 2008).
    """

    currency: str = attrs.field(validator=_check_currency)
    increment: Decimal = attrs.field(converter=_increment)
    country: str | None = None

    @increment.validator
    def _positive(self, _attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
        if value <= 0:
            raise ValidationError(f"cash increment for {self.currency} must be > 0, got {value}")


# Built with validators off: "MYR" is a known code, and checking it here would read the
# currency table at import time. (The unit tests check the rule against the table.)
with attrs.validators.disabled():
    #: Malaysia rounds cash totals to 5 sen; CLDR has no entry for it.
    MALAYSIA_CASH_RULE = CashRule(currency="MYR", increment=Decimal("0.05"))


def _rules(rules: Iterable[CashRule]) -> tuple[CashRule, ...]:
    return tuple(rules)


@attrs.frozen(kw_only=True)
class CashRounding:
    """Cash rounding rules: the table's cash increments, with overrides that win over them.

    A rule for (currency, country) wins over a rule for the currency alone, which wins over
    the shipped table's cash step (CLDR's cash rule, or one ISO 4217 minor unit).
    :meth:`default` carries :data:`~salesorder.rounding.MALAYSIA_CASH_RULE`; build your own to
    add or drop rules, for example ``CashRounding(rules=())`` for the shipped table only.
    """

    rules: tuple[CashRule, ...] = attrs.field(default=(MALAYSIA_CASH_RULE,), converter=_rules)

    @classmethod
    def default(cls) -> CashRounding:
        """The shipped table plus the national rules salesorder ships (Malaysia's 5 sen)."""
        return cls()

    def increment(self, currency: str, country: str | None = None) -> Decimal:
        """The smallest cash step for ``currency`` (in ``country`` when given)."""
        fallback: Decimal | None = None
        for rule in self.rules:
            if rule.currency != currency:
                continue
            if rule.country is not None and rule.country == country:
                return rule.increment
            if rule.country is None:
                fallback = rule.increment
        if fallback is not None:
            return fallback
        return currency_info(currency).cash_increment

    def apply(self, money: T, mode: RoundingMode, *, country: str | None = None) -> T:
        """Round ``money`` to the cash step of its currency, with the given mode."""
        return money.to_step(self.increment(money.currency, country), mode)
