"""Refusals of :mod:`salesorder.money` and :mod:`salesorder.numbers`, one test per guard.

Each test triggers one guard clause through the public API and checks the typed error and
that its message names the value refused. Several of these guards have a fallback that would
fail anyway without them (a bare ``TypeError``, decimal's own ``DivisionByZero``, an
``UnboundLocalError``); the message is what tells the guard's refusal from those accidents.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from salesorder import (
    AllocationError,
    AmountOutOfRange,
    CurrencyMismatch,
    FloatMoneyError,
    Money,
    MoneyPolicy,
    RoundingPolicy,
    TooManyDigits,
    ValidationError,
    format_money,
    split_evenly,
)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


# -- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize(("units", "kind"), [(1250.0, "float"), (True, "bool")])
def test_minor_units_must_be_an_int(units: object, kind: str) -> None:
    # Decimal() takes a float or a bool without complaint: only the guard refuses them.
    with pytest.raises(FloatMoneyError, match=f"minor units must be an int, got {kind}"):
        Money.from_minor(units, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [[12], {"amount": 12}, object()])
def test_an_amount_of_another_type_is_refused_by_name(value: object) -> None:
    kind = type(value).__name__
    with pytest.raises(FloatMoneyError, match=f"amount must be a Decimal, int or str, not {kind}"):
        Money.of(value, "IDR")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["NaN", "-Infinity", "sNaN", Decimal("Infinity")])
def test_a_non_finite_amount_is_refused(value: str | Decimal) -> None:
    with pytest.raises(ValidationError, match=re.escape(f"amount must be finite, got {value!r}")):
        Money.of(value, "IDR")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("100000000000000", "100000000000000"),  # 10**14: the first amount out of range
        ("-100000000000000.00", "-100000000000000.00"),
        ("1.0000000000000000000000000001", "1.0000000000000000000000000001"),  # 29 digits
    ],
)
def test_an_amount_out_of_range_is_refused(value: str, shown: str) -> None:
    with pytest.raises(AmountOutOfRange, match=f"amount {shown} is out of range") as info:
        Money.of(value, "IDR")
    assert info.value.value == Decimal(value)


def test_the_largest_amount_in_range_is_kept() -> None:
    """The bound is exclusive: 10**14 - 0.01 is carried, 10**14 is refused (above)."""
    assert Money.of("99999999999999.99", "IDR").amount == Decimal("99999999999999.99")


# -- arithmetic ------------------------------------------------------------------------------


def test_dividing_by_a_float_is_a_float_money_error() -> None:
    # Without the guard Python's own TypeError ("unsupported operand") would be raised.
    with pytest.raises(FloatMoneyError, match=r"cannot divide 10\.00 IDR by float 1\.5"):
        idr("10.00") / 1.5  # type: ignore[operator]


@pytest.mark.parametrize("divisor", [0, Decimal(0), Decimal("-0.00")])
def test_dividing_by_zero_names_the_amount(divisor: int | Decimal) -> None:
    # decimal's own DivisionByZero is a ZeroDivisionError too, but names nothing.
    with pytest.raises(ZeroDivisionError, match=r"cannot divide 10\.00 IDR by zero"):
        idr("10.00") / divisor


# -- splitting and formatting ----------------------------------------------------------------


@pytest.mark.parametrize("parts", [0, -2])
def test_split_evenly_needs_at_least_one_part(parts: int) -> None:
    with pytest.raises(AllocationError, match=rf"cannot split 10\.00 IDR into {parts} parts"):
        split_evenly(idr("10.00"), parts)


@pytest.mark.parametrize("digits", [-1, 29, True, 2.0])
def test_format_money_refuses_digits_outside_0_to_28(digits: object) -> None:
    with pytest.raises(ValidationError, match=rf"digits must be 0 to 28, got {digits!r}"):
        format_money(idr("10.00"), "en_US", digits=digits)  # type: ignore[arg-type]


def test_format_money_takes_digits_within_the_range() -> None:
    assert format_money(idr("10.50"), "en_US", digits=0) == "IDR10"
    assert format_money(idr("10.50"), "en_US", digits=4) == "IDR10.5000"


# -- rounding and money policies -------------------------------------------------------------


@pytest.mark.parametrize("digits", [-1, 5, True, 2.0])
def test_a_rounding_policy_takes_none_or_0_to_4_digits(digits: object) -> None:
    with pytest.raises(ValidationError, match=rf"RoundingPolicy\.digits .* got {digits!r}"):
        RoundingPolicy(digits=digits)  # type: ignore[arg-type]


def test_a_rounding_policy_takes_0_to_4_digits() -> None:
    assert [RoundingPolicy(digits=d).digits for d in (None, 0, 4)] == [None, 0, 4]


@pytest.mark.parametrize("digits", ["2", 2.0, False])
def test_money_policy_digits_must_be_an_int(digits: object) -> None:
    with pytest.raises(
        ValidationError, match=rf"MoneyPolicy\.digits must be an int, got {digits!r}"
    ):
        MoneyPolicy(currency="IDR", digits=digits)


@pytest.mark.parametrize(
    ("currency", "digits", "iso"), [("IDR", 3, 2), ("VND", 1, 0), ("IDR", -1, 2)]
)
def test_money_policy_digits_stay_within_the_iso_minor_units(
    currency: str, digits: int, iso: int
) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"MoneyPolicy\.digits for {currency} .* minor units \({iso}\), got {digits}",
    ):
        MoneyPolicy(currency=currency, digits=digits)


def test_a_money_policy_checks_only_its_own_currency() -> None:
    policy = MoneyPolicy(currency="IDR", digits=0)
    with pytest.raises(
        CurrencyMismatch, match="unit price is in USD, but the money policy checking it is in IDR"
    ) as info:
        policy.check(Money.of("1", "USD"), what="unit price")
    assert (info.value.left, info.value.right) == ("IDR", "USD")


def test_a_money_policy_refuses_more_digits_than_it_allows() -> None:
    policy = MoneyPolicy(currency="IDR", digits=0)
    assert policy.check(idr("1500.00"), what="unit price") == idr("1500")
    with pytest.raises(
        TooManyDigits, match=r"unit price 1500\.50 IDR has more than 0 decimal"
    ) as info:
        policy.check(idr("1500.50"), what="unit price")
    assert (info.value.digits, info.value.what) == (0, "unit price")
