"""Exact money: :class:`Money`, money policies, rounding policies, apportionment.

Everything here is ``decimal.Decimal``; a ``float`` given as money raises
:class:`~salesorder.exceptions.FloatMoneyError` (a ``TypeError``). Arithmetic keeps full
precision: nothing rounds unless a caller asks, and every rounding call names its mode.

Currency facts (minor units, cash rounding) are the library's own, versioned table
(:mod:`salesorder.currencies`, from ISO 4217 and CLDR), never read live from babel. A shop
that charges fewer digits than ISO 4217's (whole rupiah) says so with a :class:`MoneyPolicy`.
CLDR does not know every national cash rule, so cash rounding takes a :class:`CashRounding`
value whose overrides win over the table; its default carries Malaysia's 5-sen rounding.

Every computation runs under the library's own decimal context
(:data:`~salesorder.numbers.DECIMAL_CONTEXT`), whatever the caller's global ``decimal``
settings: a result never depends on them. The largest amount the library carries is stated
once (:data:`~salesorder.numbers.MAX_AMOUNT`) and enforced where money is constructed.

Splitting an amount into parts goes through one function, :func:`apportion` (largest
remainder), so the parts always add up to the whole to the last minor unit.

The decimals, the context and the limits are defined in :mod:`salesorder.numbers`, the
rounding, money and cash policies in :mod:`salesorder.rounding`; this module re-exports them,
and is where users import them from.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

# Re-exported (in __all__): defined here before 0.2, and what users import with Money.
from salesorder.currencies import CurrencyInfo, currency_info
from salesorder.exceptions import (
    AllocationError,
    CurrencyMismatch,
    FloatMoneyError,
    TooManyDigits,
    ValidationError,
)
from salesorder.numbers import (
    DECIMAL_CONTEXT,
    MAX_AMOUNT,
    MAX_DIGITS,
    DecimalLike,
    check_amount,
    decimal_isolated,
    to_decimal,
)
from salesorder.rounding import (
    MALAYSIA_CASH_RULE,
    CashRounding,
    CashRule,
    DiscountRounding,
    IncludedRounding,
    MoneyPolicy,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    TaxSplit,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = [
    "DECIMAL_CONTEXT",
    "MALAYSIA_CASH_RULE",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "CashRounding",
    "CashRule",
    "CurrencyInfo",
    "DiscountRounding",
    "IncludedRounding",
    "Money",
    "MoneyPolicy",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "TaxSplit",
    "apportion",
    "check_locale",
    "currency_info",
    "decimal_isolated",
    "format_money",
    "largest_remainder",
    "split_evenly",
    "to_decimal",
]

# The library's context for the arithmetic of Money (a private copy: see DECIMAL_CONTEXT).
_CTX = DECIMAL_CONTEXT.copy()
_ONE = Decimal(1)
# How a CurrencyMismatch names the two amounts of each operation (what, against).
_COMBINED = {
    "add": ("the amount added", "the amount it is added to"),
    "subtract": ("the amount subtracted", "the amount it is subtracted from"),
    "compare": ("the amount compared", "the amount it is compared with"),
}


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
# Money
# ---------------------------------------------------------------------------------------


def _amount_converter(value: object) -> Decimal:
    return check_amount(to_decimal(value, what="amount"))


@attrs.frozen(kw_only=True, order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Build it with :meth:`of` (``Money.of("12.50", "IDR")``) or the constructor
    (``Money(amount=Decimal("12.50"), currency="IDR")``). Amounts keep full precision; call
    :meth:`rounded` (or :meth:`to_cash`) with a mode to round.

    Raises:
        FloatMoneyError: the amount is a float.
        ValidationError: the amount is not a finite decimal number.
        AmountOutOfRange: the amount is beyond :data:`~salesorder.numbers.MAX_AMOUNT` or
            :data:`~salesorder.numbers.MAX_DIGITS`.
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
                raise CurrencyMismatch(
                    currency, item.currency, "an amount summed", against="the sum"
                )
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
        return self.scaled(self.info.digits)

    def scaled(self, places: int, *, what: str = "amount") -> int:
        """The amount times ``10**places``, exactly (``scaled(4)`` is how SQL stores it).

        Raises:
            TooManyDigits: the amount has more than ``places`` decimal places.
        """
        if not self.is_rounded(places):
            raise TooManyDigits(self, places, what=what)
        return int(self.amount.scaleb(places, context=_CTX))

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

    def to_step(self, step: Decimal, mode: RoundingMode) -> Money:
        """Round to a whole number of ``step`` (a cash step such as ``Decimal("0.05")``)."""
        units = _CTX.divide(self.amount, step).quantize(
            _ONE, rounding=mode.decimal_rounding, context=_CTX
        )
        return Money._make(_CTX.multiply(units, step), self.currency)

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
        """Refuse ``other`` in another currency; ``operation`` is "add", "subtract", "compare"."""
        if self.currency != other.currency:
            what, against = _COMBINED[operation]
            raise CurrencyMismatch(self.currency, other.currency, what, against=against)

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
    parts = largest_remainder(units, ints, whole)
    return [Money._make(Decimal(part) * step, total.currency) for part in parts]


def largest_remainder(units: int, weights: Sequence[int], whole: int) -> list[int]:
    """Split ``units`` whole units over non-negative int ``weights`` (summing to ``whole`` > 0).

    The core of :func:`apportion`, on integers, for callers that have already checked their
    weights and work in whole units (the pricing engine, to skip the Money and Decimal round
    trips): each part gets the floor of its share, the units left over go one each to the
    largest remainders, ties to the earlier part. The parts add up to ``units`` exactly.
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
def format_money(money: Money, locale: str = "en_US", *, digits: int | None = None) -> str:
    """Format ``money`` for people in ``locale``: CLDR's pattern, the library's digits.

    >>> format_money(Money.of("1250000", "IDR"), "id_ID")
    'Rp1.250.000,00'

    The decimal places are the currency's minor units from the library's table (not the
    installed CLDR's, which change between babel releases), or ``digits`` when given.
    Display rounds half-even to them; round explicitly before formatting when the rounding
    matters.

    Raises:
        ValidationError: ``digits`` is not a whole number from 0 to 28, or ``locale`` is not
            a locale babel knows.
    """
    if digits is None:
        return _format(money, locale, money.info.digits)
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 28:
        raise ValidationError(f"format_money of {money}: digits must be 0 to 28, got {digits!r}")
    return _format(money, locale, digits)


#: The locale names babel was asked about and knows: a name is checked once.
_KNOWN_LOCALES: set[str] = set()


def check_locale(locale: object, what: str = "locale") -> str:
    """``locale`` as given, when it is a locale name babel knows (``"id_ID"``).

    Every place that formats for people checks its locale here (amounts, notebook views,
    invoice previews), so a bad one is refused the same way before anything is written.

    Raises:
        ValidationError: ``locale`` is not text, or not a locale babel knows; the message
            starts with ``what``.
    """
    if isinstance(locale, str) and locale in _KNOWN_LOCALES:
        return locale
    from babel.core import Locale, UnknownLocaleError  # noqa: PLC0415 - babel on first use

    try:
        if not isinstance(locale, str) or not locale:
            raise ValueError(locale)  # not a name: refused below with the unknown ones
        Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            f"{what} {locale!r} is not a locale babel knows (a name like 'id_ID')"
        ) from None
    _KNOWN_LOCALES.add(locale)
    return locale


def _format(money: Money, locale: str, digits: int) -> str:
    import copy  # noqa: PLC0415 - formatting loads babel on first use

    from babel.core import Locale  # noqa: PLC0415

    where = Locale.parse(check_locale(locale, f"format_money of {money}: locale"))
    pattern = copy.copy(where.currency_formats["standard"])
    pattern.frac_prec = (digits, digits)
    # babel rounds in the current decimal context: give it room for 14 whole digits and 28
    # places, whatever the caller's context is.
    with decimal.localcontext(decimal.Context(prec=64)):
        return str(
            pattern.apply(money.amount, where, currency=money.currency, currency_digits=False)
        )
