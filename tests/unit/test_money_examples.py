"""Worked examples for :mod:`salesorder.money`: amounts, currency facts, rounding, splitting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesorder.exceptions import (
    AllocationError,
    CurrencyMismatch,
    FloatMoneyError,
    SalesOrderError,
    UnknownCurrency,
    ValidationError,
)
from salesorder.money import (
    MALAYSIA_CASH_RULE,
    CashRounding,
    CashRule,
    Money,
    RoundingMode,
    apportion,
    currency_info,
    format_money,
    split_evenly,
)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


# -- construction ---------------------------------------------------------------------------


def test_of_keeps_the_exact_decimal_and_the_currency() -> None:
    money = Money.of("12.50", "IDR")
    assert money.amount == Decimal("12.50")
    assert money.currency == "IDR"
    assert Money.of(3, "VND").amount == Decimal(3)
    assert Money.of(Decimal("0.1"), "USD") + Money.of("0.2", "USD") == Money.of("0.3", "USD")


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan")])
def test_a_float_amount_is_a_type_error(value: float) -> None:
    with pytest.raises(FloatMoneyError, match="float") as info:
        Money.of(value, "IDR")  # type: ignore[arg-type]
    # Callers may catch the builtin as well as the library's root.
    assert isinstance(info.value, TypeError)
    assert isinstance(info.value, SalesOrderError)


def test_multiplying_by_a_float_is_a_type_error() -> None:
    with pytest.raises(FloatMoneyError):
        idr("10") * 1.1


def test_a_bool_amount_is_refused() -> None:
    with pytest.raises(FloatMoneyError):
        Money.of(True, "IDR")


def test_a_non_numeric_string_is_a_validation_error_naming_it() -> None:
    with pytest.raises(ValidationError, match="'12,50'"):
        Money.of("12,50", "IDR")


def test_an_unknown_currency_names_the_code() -> None:
    with pytest.raises(UnknownCurrency, match="'XYZ'") as info:
        Money.of("1", "XYZ")
    assert info.value.code == "XYZ"
    assert isinstance(info.value, ValueError)


def test_a_lower_case_code_is_not_a_currency() -> None:
    with pytest.raises(UnknownCurrency, match="'idr'"):
        Money.of("1", "idr")


def test_from_minor_uses_the_currency_digits() -> None:
    assert Money.from_minor(1250, "USD") == Money.of("12.50", "USD")
    assert Money.from_minor(1250, "VND") == Money.of("1250", "VND")
    assert Money.from_minor(1250, "KWD") == Money.of("1.250", "KWD")


# -- arithmetic -----------------------------------------------------------------------------


def test_add_subtract_negate() -> None:
    assert idr("150000.50") + idr("0.50") == idr("150001.00")
    assert idr("10") - idr("12.25") == idr("-2.25")
    assert -idr("12.25") == idr("-12.25")
    assert -idr("-1") == idr("1")
    assert abs(idr("-3")) == idr("3")


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda a, b: a + b, "the amount added is in VND, but the amount it is added to is in IDR"),
        (
            lambda a, b: a - b,
            "the amount subtracted is in VND, but the amount it is subtracted from is in IDR",
        ),
        (lambda a, b: a < b, "the amount compared is in VND, but the amount it is compared with"),
        (lambda a, b: a >= b, "the amount compared is in VND, but the amount it is compared with"),
    ],
)
def test_mixing_currencies_raises_currency_mismatch(operation: object, message: str) -> None:
    with pytest.raises(CurrencyMismatch, match=message) as info:
        operation(Money.of("1", "IDR"), Money.of("1", "VND"))  # type: ignore[operator]
    assert (info.value.left, info.value.right) == ("IDR", "VND")
    assert isinstance(info.value, ValueError)


def test_equality_across_currencies_is_false_not_an_error() -> None:
    assert Money.of("1", "IDR") != Money.of("1", "VND")


def test_multiplication_by_decimal_and_int_keeps_full_precision() -> None:
    assert idr("150000") * 3 == idr("450000")
    assert 3 * idr("150000") == idr("450000")
    # Nothing rounds on its own: 1.5 x 0.11 keeps every digit.
    assert (idr("1.50") * Decimal("0.11")).amount == Decimal("0.1650")


def test_sum_of_an_empty_list_is_zero_in_the_given_currency() -> None:
    assert Money.sum([], "IDR") == Money.zero("IDR")
    assert Money.sum([], "VND").currency == "VND"
    assert Money.sum([idr("1"), idr("2.50")], "IDR") == idr("3.50")


def test_sum_refuses_another_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        Money.sum([idr("1"), Money.of("1", "VND")], "IDR")


def test_builtin_sum_starts_from_zero() -> None:
    assert sum([idr("1"), idr("2")]) == idr("3")


# -- currency facts (the library's own table) -----------------------------------------------


@pytest.mark.parametrize(
    ("code", "digits"),
    [("VND", 0), ("JPY", 0), ("IDR", 2), ("KWD", 3), ("USD", 2), ("MYR", 2)],
)
def test_minor_units_come_from_iso_4217(code: str, digits: int) -> None:
    assert currency_info(code).digits == digits


def test_idr_is_priced_with_two_digits_but_paid_in_whole_rupiah() -> None:
    info = currency_info("IDR")
    assert (info.digits, info.cash_digits, info.cash_increment) == (2, 0, Decimal(1))
    assert idr("150000.50").to_cash(RoundingMode.HALF_UP) == idr("150001")
    assert idr("150000.49").to_cash(RoundingMode.HALF_UP) == idr("150000")


def test_chf_cash_rounds_to_five_rappen() -> None:
    assert currency_info("CHF").cash_increment == Decimal("0.05")
    chf = Money.of("1.02", "CHF").to_cash(RoundingMode.HALF_UP)
    assert chf == Money.of("1.00", "CHF")
    assert Money.of("1.03", "CHF").to_cash(RoundingMode.HALF_UP) == Money.of("1.05", "CHF")


def test_malaysia_rounds_cash_to_five_sen_through_the_default_override() -> None:
    # The table (CLDR) has no MYR cash rule (0.01); Bank Negara's 5-sen rule is an override.
    assert currency_info("MYR").cash_increment == Decimal("0.01")
    assert CashRounding.default().increment("MYR") == Decimal("0.05")
    assert MALAYSIA_CASH_RULE in CashRounding.default().rules
    assert CashRule(currency="MYR", increment="0.05") == MALAYSIA_CASH_RULE  # validated copy
    myr = Money.of
    # RM 10.01, 10.02 -> 10.00; 10.03, 10.04 -> 10.05 (the published rounding table).
    assert myr("10.01", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.00", "MYR")
    assert myr("10.02", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.00", "MYR")
    assert myr("10.03", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.05", "MYR")
    assert myr("10.04", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.05", "MYR")
    assert myr("10.06", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.05", "MYR")
    assert myr("10.08", "MYR").to_cash(RoundingMode.HALF_UP) == myr("10.10", "MYR")


def test_table_only_rules_drop_the_malaysian_override() -> None:
    cldr_only = CashRounding(rules=())
    assert cldr_only.increment("MYR") == Decimal("0.01")
    money = Money.of("10.02", "MYR")
    assert money.to_cash(RoundingMode.HALF_UP, rules=cldr_only) == money


def test_a_rule_for_a_country_wins_over_one_for_the_currency() -> None:
    rules = CashRounding(
        rules=(
            CashRule(currency="USD", increment=Decimal("0.05"), country="CA"),
            CashRule(currency="USD", increment=Decimal("0.10")),
        )
    )
    assert rules.increment("USD", "CA") == Decimal("0.05")
    assert rules.increment("USD", "US") == Decimal("0.10")
    assert rules.increment("USD") == Decimal("0.10")
    amount = Money.of("1.07", "USD")
    assert amount.to_cash(RoundingMode.HALF_UP, rules=rules, country="CA") == Money.of(
        "1.05", "USD"
    )
    assert amount.to_cash(RoundingMode.HALF_UP, rules=rules, country="US") == Money.of(
        "1.10", "USD"
    )


def test_a_country_rule_does_not_apply_elsewhere() -> None:
    rules = CashRounding(rules=(CashRule(currency="MYR", increment="0.05", country="MY"),))
    assert rules.increment("MYR", "MY") == Decimal("0.05")
    assert rules.increment("MYR", "SG") == Decimal("0.01")  # the table


def test_cash_rules_refuse_a_non_positive_increment() -> None:
    with pytest.raises(ValidationError, match="MYR"):
        CashRule(currency="MYR", increment="0")


# -- rounding modes -------------------------------------------------------------------------


def test_half_up_and_half_even_differ_on_a_tie() -> None:
    tie_even = Money.of("0.125", "USD")  # the digit before the tie is even
    assert tie_even.rounded(RoundingMode.HALF_UP) == Money.of("0.13", "USD")
    assert tie_even.rounded(RoundingMode.HALF_EVEN) == Money.of("0.12", "USD")
    tie_odd = Money.of("0.135", "USD")
    assert tie_odd.rounded(RoundingMode.HALF_UP) == Money.of("0.14", "USD")
    assert tie_odd.rounded(RoundingMode.HALF_EVEN) == Money.of("0.14", "USD")


def test_a_negative_tie_rounds_away_from_zero_with_half_up() -> None:
    assert Money.of("-0.125", "USD").rounded(RoundingMode.HALF_UP) == Money.of("-0.13", "USD")


def test_rounding_uses_the_currency_digits() -> None:
    assert Money.of("12345.5", "VND").rounded(RoundingMode.HALF_UP) == Money.of("12346", "VND")
    assert Money.of("1.2345", "KWD").rounded(RoundingMode.HALF_EVEN) == Money.of("1.234", "KWD")
    assert Money.of("1.2345", "KWD").rounded(RoundingMode.HALF_UP) == Money.of("1.235", "KWD")


def test_minor_units_require_a_rounded_amount() -> None:
    assert idr("12.50").minor_units == 1250
    with pytest.raises(ValidationError, match="round it first"):
        _ = idr("12.505").minor_units


# -- apportionment --------------------------------------------------------------------------


def test_apportion_hands_leftover_units_to_the_largest_remainders() -> None:
    # 100.00 over 1:2:3 -> exact 16.666.., 33.333.., 50.00; floors 16.66, 33.33, 50.00 leave
    # 0.01, which goes to the largest remainder (the first part, .666.. beats .333..).
    parts = apportion(idr("100"), [1, 2, 3])
    assert parts == [idr("16.67"), idr("33.33"), idr("50.00")]
    assert sum(parts) == idr("100")


def test_apportion_breaks_ties_towards_the_earlier_part() -> None:
    # 1.00 over three equal weights: 0.33 each and 0.01 left; all remainders tie.
    assert apportion(idr("1"), [1, 1, 1]) == [idr("0.34"), idr("0.33"), idr("0.33")]
    # Two units left over three equal remainders: the first two get one each.
    assert apportion(idr("0.02"), [1, 1, 1]) == [idr("0.01"), idr("0.01"), idr("0")]


def test_apportion_in_a_currency_without_decimals() -> None:
    parts = apportion(Money.of("100", "VND"), [1, 1, 1])
    assert parts == [Money.of(n, "VND") for n in (34, 33, 33)]


def test_apportion_of_a_negative_total_keeps_the_sign_and_adds_up() -> None:
    # A refund of -100.00 over 1:1:1 mirrors the positive split.
    parts = apportion(idr("-100"), [1, 1, 1])
    assert parts == [idr("-33.34"), idr("-33.33"), idr("-33.33")]
    assert sum(parts) == idr("-100")


def test_apportion_by_decimal_weights_and_zero_weights() -> None:
    # A 10,000 order discount spread over lines of 150,000.00, 0 and 49,999.50.
    parts = apportion(idr("10000"), [Decimal("150000.00"), Decimal(0), Decimal("49999.50")])
    assert parts == [idr("7500.02"), idr("0"), idr("2499.98")]
    assert sum(parts) == idr("10000")


def test_apportion_refuses_bad_weights() -> None:
    with pytest.raises(AllocationError, match="no weights"):
        apportion(idr("1"), [])
    with pytest.raises(AllocationError, match="negative"):
        apportion(idr("1"), [1, -1])
    with pytest.raises(AllocationError, match="weights are zero"):
        apportion(idr("1"), [0, 0])
    with pytest.raises(AllocationError, match="whole number"):
        apportion(idr("0.005"), [1])


def test_split_evenly_gives_the_extra_units_to_the_first_parts() -> None:
    assert split_evenly(Money.of("10", "VND"), 3) == [Money.of(n, "VND") for n in (4, 3, 3)]
    with pytest.raises(AllocationError):
        split_evenly(Money.of("10", "VND"), 0)


# -- formatting -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "locale", "expected"),
    [
        (Money.of("1250000", "IDR"), "id_ID", "Rp1.250.000,00"),
        (Money.of("150000.5", "IDR"), "id_ID", "Rp150.000,50"),
        (Money.of("1250000", "VND"), "vi_VN", "1.250.000\xa0₫"),
        (Money.of("1234.5", "MYR"), "ms_MY", "RM1,234.50"),
        (Money.of("1234.5", "USD"), "en_US", "$1,234.50"),
        (Money.of("-1234.5", "USD"), "en_US", "-$1,234.50"),
    ],
)
def test_format_money_uses_cldr_patterns(money: Money, locale: str, expected: str) -> None:
    assert format_money(money, locale) == expected
    assert money.format(locale) == expected


def test_str_and_repr() -> None:
    assert str(idr("12.50")) == "12.50 IDR"
    assert repr(idr("12.50")) == "Money.of('12.50', 'IDR')"


def test_import_loads_no_babel_data() -> None:
    import subprocess
    import sys

    code = "import sys, salesorder; print(any(m.startswith('babel') for m in sys.modules))"
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr


def test_largest_remainder_is_apportion_on_whole_units() -> None:
    from salesorder.money import largest_remainder

    assert largest_remainder(10, [1, 1, 1], 3) == [4, 3, 3]
    assert largest_remainder(-10, [1, 1, 1], 3) == [-4, -3, -3]
    assert largest_remainder(7, [0, 2, 5], 7) == [0, 2, 5]
    parts = apportion(Money.of("0.10", "USD"), [1, 1, 1])
    assert [p.minor_units for p in parts] == largest_remainder(10, [1, 1, 1], 3)


def test_scaled_is_exact_or_refused() -> None:
    from salesorder.exceptions import TooManyDigits

    assert Money.of("450001.50", "IDR").scaled(4) == 4_500_015_000
    assert Money.of("-0.0001", "KWD").scaled(4) == -1
    assert Money.of("12.50", "USD").scaled(2) == Money.of("12.50", "USD").minor_units == 1250
    with pytest.raises(TooManyDigits, match=r"stored amount 0\.00001 IDR has more than 4"):
        Money.of("0.00001", "IDR").scaled(4, what="stored amount")


@pytest.mark.parametrize("locale", ["xx_NOPE", "", None, 5])
def test_format_money_refuses_a_locale_babel_does_not_know(locale: object) -> None:
    from salesorder.exceptions import ValidationError

    with pytest.raises(ValidationError, match="not a locale babel knows"):
        format_money(Money.of("1250000", "IDR"), locale)  # type: ignore[arg-type]


def test_format_money_formats_whatever_the_callers_decimal_context() -> None:
    import decimal

    amount = Money.of("1250000.50", "IDR")
    assert format_money(amount, "id_ID", digits=28) == "Rp1.250.000," + "5".ljust(28, "0")
    with decimal.localcontext() as context:
        context.prec = 2
        assert format_money(amount, "id_ID") == "Rp1.250.000,50"
