"""Exact money: :class:`Money`, currency facts from CLDR, rounding policies, apportionment.

Everything here is ``decimal.Decimal``; a ``float`` given as money raises
:class:`~salesorder.exceptions.FloatMoneyError` (a ``TypeError``). Arithmetic keeps full
precision: nothing rounds unless a caller asks, and every rounding call names its mode.

Currency facts (minor units, cash digits, cash rounding increment) come from CLDR through
babel, loaded on first use and cached, never at import time. CLDR does not know every
national cash rule, so cash rounding takes a :class:`CashRounding` value whose overrides win
over CLDR; its default carries Malaysia's 5-sen rounding of cash totals.

Splitting an amount into parts goes through one function, :func:`apportion` (largest
remainder), so the parts always add up to the whole to the last minor unit.
"""

from __future__ import annotations

import decimal
import enum
import functools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from salesorder.exceptions import (
    AllocationError,
    CurrencyMismatch,
    FloatMoneyError,
    UnknownCurrency,
    ValidationError,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "CashRounding",
    "CashRule",
    "CurrencyInfo",
    "Money",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "apportion",
    "currency_info",
    "format_money",
    "split_evenly",
    "to_decimal",
]

#: What may be turned into an exact Decimal: never a float.
DecimalLike = Decimal | int | str


def to_decimal(value: object, *, what: str = "amount") -> Decimal:
    """Turn ``value`` into a finite ``Decimal``, refusing floats.

    Args:
        value: a ``Decimal``, an ``int`` or a decimal string such as ``"12.50"``.
        what: the name used in error messages.

    Raises:
        FloatMoneyError: ``value`` is a float (or a bool, which is almost always a bug).
        ValidationError: ``value`` is not a finite decimal number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (bool, float)):
        raise FloatMoneyError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {value!r}"
        )
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise ValidationError(f"{what} {value!r} is not a decimal number") from None
    else:
        raise FloatMoneyError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {value!r}"
        )
    if not result.is_finite():
        raise ValidationError(f"{what} must be finite, got {value!r}")
    return result


# ---------------------------------------------------------------------------------------
# Currency facts (CLDR through babel)
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class CurrencyInfo:
    """What CLDR says about a currency.

    Attributes:
        code: ISO 4217 code, such as ``"IDR"``.
        digits: minor units used for prices and accounting (IDR 2, VND 0, KWD 3).
        cash_digits: digits used when paying in cash (IDR 0).
        cash_increment: the smallest cash step (CHF ``0.05``, IDR ``1``).
    """

    code: str
    digits: int
    cash_digits: int
    cash_increment: Decimal

    @property
    def quantum(self) -> Decimal:
        """One minor unit as a Decimal exponent (``Decimal("0.01")`` for 2 digits)."""
        return Decimal(1).scaleb(-self.digits)


@functools.cache
def _known_currencies() -> frozenset[str]:
    from babel.numbers import list_currencies  # noqa: PLC0415 - babel data loads on first use

    return frozenset(list_currencies())


@functools.lru_cache(maxsize=512)
def currency_info(code: str) -> CurrencyInfo:
    """Return CLDR's facts for ``code``.

    Raises:
        UnknownCurrency: CLDR does not know the code.
    """
    if not isinstance(code, str) or code not in _known_currencies():
        raise UnknownCurrency(code)
    from babel.core import get_global  # noqa: PLC0415 - babel data loads on first use

    fractions = get_global("currency_fractions")
    digits, _rounding, cash_digits, cash_rounding = fractions.get(code, fractions["DEFAULT"])
    step = Decimal(cash_rounding) if cash_rounding else Decimal(1)
    return CurrencyInfo(
        code=code,
        digits=int(digits),
        cash_digits=int(cash_digits),
        cash_increment=step.scaleb(-int(cash_digits)),
    )


def _check_currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


# ---------------------------------------------------------------------------------------
# Rounding policies
# ---------------------------------------------------------------------------------------


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


@attrs.frozen(kw_only=True)
class RoundingPolicy:
    """A rounding decision made explicit: the mode and the place.

    The default, half-up per line, is what most Asian tax authorities and marketplaces use.
    """

    mode: RoundingMode = RoundingMode.HALF_UP
    place: RoundingPlace = RoundingPlace.PER_LINE


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


# Built with validators off: "MYR" is a known code, and checking it here would load babel's
# currency data at import time. (The unit tests check the rule against CLDR.)
with attrs.validators.disabled():
    #: Malaysia rounds cash totals to 5 sen; CLDR has no entry for it.
    MALAYSIA_CASH_RULE = CashRule(currency="MYR", increment=Decimal("0.05"))


def _rules(rules: Iterable[CashRule]) -> tuple[CashRule, ...]:
    return tuple(rules)


@attrs.frozen(kw_only=True)
class CashRounding:
    """Cash rounding rules: CLDR's cash increments, with overrides that win over them.

    A rule for (currency, country) wins over a rule for the currency alone, which wins over
    CLDR. :meth:`default` carries :data:`MALAYSIA_CASH_RULE`; build your own to add or drop
    rules, for example ``CashRounding(rules=())`` for CLDR only.
    """

    rules: tuple[CashRule, ...] = attrs.field(default=(MALAYSIA_CASH_RULE,), converter=_rules)

    @classmethod
    def default(cls) -> CashRounding:
        """CLDR plus the national rules salesorder ships (Malaysia's 5 sen)."""
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

    def apply(self, money: Money, mode: RoundingMode, *, country: str | None = None) -> Money:
        """Round ``money`` to the cash step of its currency, with the given mode."""
        step = self.increment(money.currency, country)
        units = (money.amount / step).quantize(Decimal(1), rounding=mode.decimal_rounding)
        return Money._make(units * step, money.currency)


# ---------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------


def _amount_converter(value: object) -> Decimal:
    return to_decimal(value, what="amount")


@attrs.frozen(kw_only=True, order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Build it with :meth:`of` (``Money.of("12.50", "IDR")``) or the constructor
    (``Money(amount=Decimal("12.50"), currency="IDR")``). Amounts keep full precision; call
    :meth:`rounded` (or :meth:`to_cash`) with a mode to round.

    Raises:
        FloatMoneyError: the amount is a float.
        UnknownCurrency: the currency is not an ISO 4217 code CLDR knows.
    """

    amount: Decimal = attrs.field(converter=_amount_converter)
    currency: str = attrs.field(validator=_check_currency)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def of(cls, amount: DecimalLike, currency: str) -> Money:
        """``Money.of("12.50", "IDR")``: the amount as Decimal, int or decimal string."""
        return cls(amount=amount, currency=currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Zero in ``currency``."""
        return cls(amount=Decimal(0), currency=currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Money from a whole number of minor units (``from_minor(1250, "USD")`` is 12.50)."""
        if not isinstance(units, int) or isinstance(units, bool):
            raise FloatMoneyError(f"minor units must be an int, got {type(units).__name__}")
        info = currency_info(currency)
        return cls._make(Decimal(units).scaleb(-info.digits), currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: str) -> Money:
        """Add ``items`` up in ``currency``; an empty iterable gives zero.

        Raises:
            CurrencyMismatch: an item is in another currency.
        """
        total = Decimal(0)
        currency_info(currency)
        for item in items:
            if item.currency != currency:
                raise CurrencyMismatch(currency, item.currency, "add")
            total += item.amount
        return cls._make(total, currency)

    @classmethod
    def _make(cls, amount: Decimal, currency: str) -> Money:
        # Internal fast path for values already validated (results of arithmetic): it fills
        # the slots directly, skipping the converter, the validator and the frozen guard.
        instance = _new_object(cls)
        _set_amount(instance, amount)
        _set_currency(instance, currency)
        return instance

    # Values are immutable: copying returns the same object.
    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self

    # -- facts ------------------------------------------------------------------------

    @property
    def info(self) -> CurrencyInfo:
        """CLDR's facts for this currency."""
        return currency_info(self.currency)

    @property
    def is_zero(self) -> bool:
        """True when the amount is zero."""
        return not self.amount

    @property
    def is_positive(self) -> bool:
        """True when the amount is above zero."""
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        """True when the amount is below zero."""
        return self.amount < 0

    @property
    def minor_units(self) -> int:
        """The amount as a whole number of minor units.

        Raises:
            ValidationError: the amount has more digits than the currency allows; round it
                first with :meth:`rounded`.
        """
        scaled = self.amount.scaleb(self.info.digits)
        if scaled != scaled.to_integral_value():
            raise ValidationError(
                f"{self} has more than {self.info.digits} decimal places; round it first"
            )
        return int(scaled)

    def is_rounded(self) -> bool:
        """True when the amount is a whole number of the currency's minor units."""
        scaled = self.amount.scaleb(self.info.digits)
        return scaled == scaled.to_integral_value()

    # -- rounding -----------------------------------------------------------------------

    def rounded(self, mode: RoundingMode, digits: int | None = None) -> Money:
        """Round to the currency's minor units (or ``digits`` places) with ``mode``."""
        places = self.info.digits if digits is None else digits
        quantum = Decimal(1).scaleb(-places)
        return Money._make(
            self.amount.quantize(quantum, rounding=mode.decimal_rounding), self.currency
        )

    def to_cash(
        self,
        mode: RoundingMode,
        *,
        rules: CashRounding | None = None,
        country: str | None = None,
    ) -> Money:
        """Round to what can be paid in cash (IDR whole rupiah, CHF 0.05, MYR 5 sen)."""
        return (rules or CashRounding.default()).apply(self, mode, country=country)

    # -- arithmetic ---------------------------------------------------------------------

    def _same(self, other: Money, operation: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(self.currency, other.currency, operation)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "add")
        return Money._make(self.amount + other.amount, self.currency)

    def __radd__(self, other: int) -> Money:
        # Lets the builtin sum() start from 0; any other operand is refused.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money._make(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money._make(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._make(abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            return NotImplemented
        if isinstance(factor, float):
            raise FloatMoneyError(f"cannot multiply {self} by float {factor!r}")
        if isinstance(factor, (Decimal, int)) and not isinstance(factor, bool):
            return Money._make(self.amount * factor, self.currency)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, float):
            raise FloatMoneyError(f"cannot divide {self} by float {divisor!r}")
        if isinstance(divisor, (Decimal, int)) and not isinstance(divisor, bool):
            if not divisor:
                raise ZeroDivisionError(f"cannot divide {self} by zero")
            return Money._make(self.amount / divisor, self.currency)
        return NotImplemented

    # -- comparison ---------------------------------------------------------------------

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "compare")
        return self.amount >= other.amount

    # -- splitting and display --------------------------------------------------------------

    def allocate(self, weights: Sequence[DecimalLike]) -> list[Money]:
        """Split into parts proportional to ``weights``; see :func:`apportion`."""
        return apportion(self, weights)

    def format(self, locale: str = "en_US") -> str:
        """Format for people in ``locale``; see :func:`format_money`."""
        return format_money(self, locale)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money.of({str(self.amount)!r}, {self.currency!r})"


_new_object = object.__new__
_set_amount = Money.__dict__["amount"].__set__  # attrs slot descriptors
_set_currency = Money.__dict__["currency"].__set__


def _money(amount: Decimal, currency: str) -> Money:
    """:meth:`Money._make` as a plain function, for hot loops (no classmethod binding)."""
    instance = _new_object(Money)
    _set_amount(instance, amount)
    _set_currency(instance, currency)
    return instance


# ---------------------------------------------------------------------------------------
# Apportionment: the one way to split money
# ---------------------------------------------------------------------------------------


def _integer_weights(weights: Sequence[DecimalLike]) -> list[int]:
    exact = [to_decimal(w, what="weight") for w in weights]
    for index, weight in enumerate(exact):
        if weight < 0:
            raise AllocationError(f"weight {index} is negative ({weight}); weights must be >= 0")
    # Scale every weight by the same power of ten so that all become whole numbers.
    shift = max((-int(w.as_tuple().exponent) for w in exact), default=0)
    return [int(w.scaleb(max(shift, 0))) for w in exact]


def apportion(
    total: Money, weights: Sequence[DecimalLike], *, quantum: Decimal | None = None
) -> list[Money]:
    """Split ``total`` into parts proportional to ``weights`` that add up to it exactly.

    Largest remainder method: each part first gets the floor of its exact share in whole
    units of ``quantum`` (the currency's minor unit unless given); the units left over go one
    each to the parts with the largest remainders. Ties go to the earlier part.

    Guarantees: ``sum(parts) == total``; each part is within one unit of its exact share;
    each part has the sign of ``total`` (or is zero); a zero weight gets zero.

    Args:
        total: the amount to split, a whole number of ``quantum`` units.
        weights: non-negative Decimals or ints, at least one of them positive.
        quantum: the unit of the parts; defaults to the currency's minor unit.

    Raises:
        AllocationError: no weights, a negative weight, all weights zero, or ``total`` is not
            a whole number of ``quantum``.
    """
    if not weights:
        raise AllocationError(f"cannot apportion {total} over no weights")
    step = total.info.quantum if quantum is None else quantum
    units_exact = total.amount / step
    if units_exact != units_exact.to_integral_value():
        raise AllocationError(f"cannot apportion {total}: it is not a whole number of {step}")
    units = int(units_exact)
    ints = _integer_weights(weights)
    whole = sum(ints)
    if whole == 0:
        raise AllocationError(f"cannot apportion {total}: all {len(ints)} weights are zero")
    parts = _largest_remainder(units, ints, whole)
    return [Money._make(Decimal(part) * step, total.currency) for part in parts]


def _largest_remainder(units: int, weights: Sequence[int], whole: int) -> list[int]:
    """Split ``units`` over non-negative int ``weights`` (summing to ``whole`` > 0).

    The core of :func:`apportion`, on whole units; the pricing engine calls it directly
    with weights it has already checked, to skip the Money and Decimal round trips.
    """
    sign = -1 if units < 0 else 1
    magnitude = abs(units)
    floors: list[int] = []
    remainders: list[int] = []
    for weight in weights:
        quotient, remainder = divmod(magnitude * weight, whole)
        floors.append(quotient)
        remainders.append(remainder)
    left = magnitude - sum(floors)
    if left:
        # Largest remainders first; the sort is stable, so ties keep the earlier part first.
        ranked = sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)
        for index in ranked[:left]:
            floors[index] += 1
    return floors if sign > 0 else [-part for part in floors]


def split_evenly(total: Money, parts: int) -> list[Money]:
    """Split ``total`` into ``parts`` near-equal parts that add up exactly (earlier parts larger).

    Raises:
        AllocationError: ``parts`` is below 1.
    """
    if not isinstance(parts, int) or parts < 1:
        raise AllocationError(f"cannot split {total} into {parts!r} parts: need at least 1")
    return apportion(total, [1] * parts)


def format_money(money: Money, locale: str = "en_US") -> str:
    """Format ``money`` for people in ``locale`` with CLDR's pattern and the currency's digits.

    >>> format_money(Money.of("1250000", "IDR"), "id_ID")
    'Rp1.250.000,00'

    Display rounds half-even to the currency's digits; round explicitly before formatting
    when the rounding matters.
    """
    from babel.numbers import format_currency  # noqa: PLC0415 - babel data loads on first use

    return str(format_currency(money.amount, money.currency, locale=locale))
