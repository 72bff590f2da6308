"""Exact money: :class:`Money`, money policies, rounding policies, apportionment.

Everything here is ``decimal.Decimal``; a ``float`` given as money raises
:class:`~salesorder.exceptions.FloatMoneyError` (a ``TypeError``). Arithmetic keeps full
precision: nothing rounds unless a caller asks, and every rounding call names its mode.

Currency facts (minor units, cash rounding) are the library's own, versioned table
(:mod:`salesorder.currencies`, from ISO 4217 and CLDR), never read live from babel. A shop
that charges fewer digits than ISO 4217's (whole rupiah) says so with a :class:`MoneyPolicy`.
CLDR does not know every national cash rule, so cash rounding takes a :class:`CashRounding`
value whose overrides win over the table; its default carries Malaysia's 5-sen rounding.

Every computation runs under the library's own decimal context (:data:`DECIMAL_CONTEXT`),
whatever the caller's global ``decimal`` settings: a result never depends on them. The
largest amount the library carries is stated once (:data:`MAX_AMOUNT`) and enforced where
money is constructed.

Splitting an amount into parts goes through one function, :func:`apportion` (largest
remainder), so the parts always add up to the whole to the last minor unit.
"""

from __future__ import annotations

import decimal
import enum
import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import attrs

# Re-exported (in __all__): salesorder.money.currency_info and CurrencyInfo were defined here.
from salesorder.currencies import CurrencyInfo, currency_info
from salesorder.exceptions import (
    AllocationError,
    AmountOutOfRange,
    CurrencyMismatch,
    FloatMoneyError,
    TooManyDigits,
    ValidationError,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "DECIMAL_CONTEXT",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "CashRounding",
    "CashRule",
    "CurrencyInfo",
    "Money",
    "MoneyPolicy",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "apportion",
    "currency_info",
    "decimal_isolated",
    "format_money",
    "split_evenly",
    "to_decimal",
]

#: What may be turned into an exact Decimal: never a float.
DecimalLike = Decimal | int | str

# ---------------------------------------------------------------------------------------
# The library's decimal context and limits
# ---------------------------------------------------------------------------------------

#: The decimal context every computation of salesorder runs under, whatever the caller's:
#: 28 significant digits (Python's default, so results match a default caller's to the
#: last digit), half-even where a result must be cut to 28 digits (explicit rounding always
#: names its own mode), and traps only on invalid operations, division by zero and
#: overflow. The library works on a private copy: changing this one changes nothing.
DECIMAL_CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_CTX = DECIMAL_CONTEXT.copy()

#: Every amount constructed is below this in absolute value, 10**14 (100 trillion rupiah,
#: dong or dollars), and has at most 28 significant digits. Bounded so, an amount times a
#: quantity up to :data:`~salesorder.domain.common.MAX_QUANTITY` is exact under
#: :data:`DECIMAL_CONTEXT`, and every stored amount fits a 64-bit integer at four decimal
#: places on SQLite and PostgreSQL alike.
MAX_AMOUNT = Decimal(10) ** 14

#: The most significant digits an amount may have (the precision of DECIMAL_CONTEXT).
MAX_DIGITS = 28

P = ParamSpec("P")
R = TypeVar("R")


def decimal_isolated(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` under :data:`DECIMAL_CONTEXT`, whatever the caller's context is.

    The caller's context is restored on return, flags included.
    """

    @functools.wraps(function)
    def isolated(*args: P.args, **kwargs: P.kwargs) -> R:
        with decimal.localcontext(_CTX):
            return function(*args, **kwargs)

    return isolated


def _check_amount(value: Decimal, *, what: str = "amount") -> Decimal:
    """Return ``value`` if salesorder can carry it exactly (see :data:`MAX_AMOUNT`).

    Raises:
        AmountOutOfRange: ``value`` is 10**14 or more in absolute value, or has more than
            28 significant digits.
    """
    if value.copy_abs() >= MAX_AMOUNT or len(value.as_tuple().digits) > MAX_DIGITS:
        raise AmountOutOfRange(what, value)
    return value


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


_ONE = Decimal(1)


def _decimal_places(value: Decimal) -> int:
    """Decimal places ``value`` needs, trailing zeros ignored (``1.50`` needs 1, ``1E+2`` 0)."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - values are finite (to_decimal)
    if exponent >= 0:
        return 0
    stripped = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -exponent - stripped) if any(digits) else 0


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


def _optional_digits(
    _instance: object, _attribute: attrs.Attribute[int | None], value: int | None
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
        raise ValidationError(f"RoundingPolicy.digits must be None or 0 to 4, got {value!r}")


@attrs.frozen(kw_only=True)
class RoundingPolicy:
    """A rounding decision made explicit: the mode, the place and the digits.

    The default, half-up per line, is what most Asian tax authorities and marketplaces use.
    ``digits`` is the number of decimal places amounts round to: None for the currency's
    ISO 4217 minor units (the default), fewer for a shop's :class:`MoneyPolicy` (0 for
    whole rupiah); ``Settings.rounding_for(currency)`` fills it from the shop's policies.
    """

    mode: RoundingMode = RoundingMode.HALF_UP
    place: RoundingPlace = RoundingPlace.PER_LINE
    digits: int | None = attrs.field(default=None, validator=_optional_digits)


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

    def check(self, money: Money, *, what: str) -> Money:
        """Return ``money`` if it has at most ``digits`` decimal places.

        Raises:
            CurrencyMismatch: ``money`` is in another currency.
            TooManyDigits: it has more decimal places than the policy allows.
        """
        if money.currency != self.currency:
            raise CurrencyMismatch(self.currency, money.currency, f"check {what} against")
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


# Built with validators off: "MYR" is a known code, and checking it here would load babel's
# currency data at import time. (The unit tests check the rule against CLDR.)
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
    :meth:`default` carries :data:`MALAYSIA_CASH_RULE`; build your own to add or drop rules,
    for example ``CashRounding(rules=())`` for the shipped table only.
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

    def apply(self, money: Money, mode: RoundingMode, *, country: str | None = None) -> Money:
        """Round ``money`` to the cash step of its currency, with the given mode."""
        step = self.increment(money.currency, country)
        units = _CTX.divide(money.amount, step).quantize(
            _ONE, rounding=mode.decimal_rounding, context=_CTX
        )
        return Money._make(_CTX.multiply(units, step), money.currency)


# ---------------------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------------------


def _amount_converter(value: object) -> Decimal:
    return _check_amount(to_decimal(value, what="amount"))


@attrs.frozen(kw_only=True, order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Build it with :meth:`of` (``Money.of("12.50", "IDR")``) or the constructor
    (``Money(amount=Decimal("12.50"), currency="IDR")``). Amounts keep full precision; call
    :meth:`rounded` (or :meth:`to_cash`) with a mode to round.

    Raises:
        FloatMoneyError: the amount is a float.
        ValidationError: the amount is not a finite decimal number.
        AmountOutOfRange: the amount is beyond :data:`MAX_AMOUNT` or :data:`MAX_DIGITS`.
        UnknownCurrency: the currency is not in the library's ISO 4217 table.
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
        return cls(amount=Decimal(units).scaleb(-info.digits, context=_CTX), currency=currency)

    @classmethod
    def sum(cls, items: Iterable[Money], currency: str) -> Money:
        """Add ``items`` up in ``currency``; an empty iterable gives zero.

        Raises:
            CurrencyMismatch: an item is in another currency.
        """
        total = Decimal(0)
        currency_info(currency)
        add = _CTX.add
        for item in items:
            if item.currency != currency:
                raise CurrencyMismatch(currency, item.currency, "add")
            total = add(total, item.amount)
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
        """The library's facts for this currency (see :mod:`salesorder.currencies`)."""
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
        digits = self.info.digits
        if not self.is_rounded(digits):
            raise TooManyDigits(self, digits, what="amount")
        return int(self.amount.scaleb(digits, context=_CTX))

    def is_rounded(self, digits: int | None = None) -> bool:
        """True when the amount has at most ``digits`` decimal places.

        ``digits`` defaults to the currency's minor units (ISO 4217); pass a
        :class:`MoneyPolicy`'s digits to check against a shop's policy.
        """
        places = self.info.digits if digits is None else digits
        return _decimal_places(self.amount) <= places

    # -- rounding -----------------------------------------------------------------------

    def rounded(self, mode: RoundingMode, digits: int | None = None) -> Money:
        """Round to the currency's minor units (or ``digits`` places) with ``mode``."""
        places = self.info.digits if digits is None else digits
        quantum = _ONE.scaleb(-places, context=_CTX)
        return Money._make(
            self.amount.quantize(quantum, rounding=mode.decimal_rounding, context=_CTX),
            self.currency,
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
        return Money._make(_CTX.add(self.amount, other.amount), self.currency)

    def __radd__(self, other: int) -> Money:
        # Lets the builtin sum() start from 0; any other operand is refused.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same(other, "subtract")
        return Money._make(_CTX.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money._make(_CTX.minus(self.amount), self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money._make(_CTX.abs(self.amount), self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money):
            return NotImplemented
        if isinstance(factor, float):
            raise FloatMoneyError(f"cannot multiply {self} by float {factor!r}")
        if isinstance(factor, (Decimal, int)) and not isinstance(factor, bool):
            return Money._make(_CTX.multiply(self.amount, factor), self.currency)
        return NotImplemented

    __rmul__ = __mul__

    def __truediv__(self, divisor: Decimal | int) -> Money:
        if isinstance(divisor, float):
            raise FloatMoneyError(f"cannot divide {self} by float {divisor!r}")
        if isinstance(divisor, (Decimal, int)) and not isinstance(divisor, bool):
            if not divisor:
                raise ZeroDivisionError(f"cannot divide {self} by zero")
            return Money._make(_CTX.divide(self.amount, divisor), self.currency)
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


@decimal_isolated
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


@decimal_isolated
def split_evenly(total: Money, parts: int) -> list[Money]:
    """Split ``total`` into ``parts`` near-equal parts that add up exactly (earlier parts larger).

    Raises:
        AllocationError: ``parts`` is below 1.
    """
    if not isinstance(parts, int) or parts < 1:
        raise AllocationError(f"cannot split {total} into {parts!r} parts: need at least 1")
    return apportion(total, [1] * parts)


@decimal_isolated
def format_money(money: Money, locale: str = "en_US") -> str:
    """Format ``money`` for people in ``locale``: CLDR's pattern, the library's digits.

    >>> format_money(Money.of("1250000", "IDR"), "id_ID")
    'Rp1.250.000,00'

    The decimal places are the currency's minor units from the library's table (not the
    installed CLDR's, which change between babel releases), or ``digits`` when given.
    Display rounds half-even to them; round explicitly before formatting when the rounding
    matters.
    """
    return _format(money, locale, money.info.digits)


def _format(money: Money, locale: str, digits: int) -> str:
    import copy  # noqa: PLC0415 - formatting loads babel on first use

    from babel.core import Locale  # noqa: PLC0415

    where = Locale.parse(locale)
    pattern = copy.copy(where.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    return str(pattern.apply(money.amount, where, currency=money.currency, currency_digits=False))
