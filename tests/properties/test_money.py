"""Money: arithmetic laws within a currency, currency mismatch always raises, rounding."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from salesorder.exceptions import CurrencyMismatch, FloatMoneyError
from salesorder.money import CashRounding, CashRule, Money, RoundingMode
from salesorder.testing import strategies as sst

BOUND = 10**9


@st.composite
def same_currency(draw: st.DrawFn, count: int, *, rounded: bool = True) -> list[Money]:
    currency = draw(sst.currencies())
    amounts = sst.money(currency, -BOUND, BOUND, rounded=rounded)
    return [draw(amounts) for _ in range(count)]


@st.composite
def two_currencies(draw: st.DrawFn) -> tuple[Money, Money]:
    first, second = draw(st.lists(sst.currencies(), min_size=2, max_size=2, unique=True))
    return draw(sst.money(first, -BOUND, BOUND)), draw(sst.money(second, -BOUND, BOUND))


FACTORS = st.integers(-(10**6), 10**6).map(lambda n: Decimal(n).scaleb(-3)) | st.integers(
    -1000, 1000
)


@given(same_currency(3, rounded=False))
def test_addition_is_associative_and_commutative(m: list[Money]) -> None:
    a, b, c = m
    assert (a + b) + c == a + (b + c)
    assert a + b == b + a
    assert (a + b).currency == a.currency


@given(same_currency(2))
def test_zero_negation_and_subtraction(m: list[Money]) -> None:
    a, b = m
    zero = Money.zero(a.currency)
    assert a + zero == a == zero + a
    assert a + (-a) == zero
    assert a - b == a + (-b)
    negated = -a
    assert -negated == a
    assert (a - b) + b == a
    assert sum([a, b]) == a + b  # the builtin sum starts from 0


@given(same_currency(2, rounded=False), FACTORS, FACTORS)
def test_multiplication_distributes(m: list[Money], x: Decimal | int, y: Decimal | int) -> None:
    a, b = m
    assert (a + b) * x == a * x + b * x
    assert a * (x + y) == a * x + a * y
    assert a * x == x * a
    assert a * 1 == a
    assert (a * x).currency == a.currency


@given(same_currency(2))
def test_comparisons_are_consistent(m: list[Money]) -> None:
    a, b = m
    assert (a < b) == (b > a) == (a.amount < b.amount)
    assert (a <= b) == (b >= a) == (a.amount <= b.amount)
    assert (a <= b) == (a < b or a == b)
    assert (a < b) + (a == b) + (a > b) == 1
    if a == b:
        assert hash(a) == hash(b)
    assert (a == b) == (a.amount == b.amount)


OPERATIONS: list[Callable[[Money, Money], object]] = [
    operator.add,
    operator.sub,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    lambda a, b: Money.sum([a, b], a.currency),
]


@given(two_currencies(), st.sampled_from(OPERATIONS))
def test_mixing_currencies_always_raises(
    pair: tuple[Money, Money], op: Callable[[Money, Money], object]
) -> None:
    a, b = pair
    with pytest.raises(CurrencyMismatch):
        op(a, b)
    with pytest.raises(CurrencyMismatch):
        op(b, a)
    assert a != b


@given(sst.money(rounded=False, min_value=-BOUND, max_value=BOUND))
def test_floats_are_refused(m: Money) -> None:
    with pytest.raises(FloatMoneyError):
        m * 1.5  # type: ignore[operator]
    with pytest.raises(FloatMoneyError):
        Money(amount=0.1, currency=m.currency)  # type: ignore[arg-type]


HALF_MODES = [RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.HALF_DOWN]


@given(sst.money(rounded=False, min_value=-BOUND, max_value=BOUND), sst.rounding_modes())
def test_rounded_is_rounded_and_close(m: Money, mode: RoundingMode) -> None:
    r = m.rounded(mode)
    unit = m.info.quantum
    assert r.is_rounded()
    assert r.rounded(mode) == r
    difference = abs(r.amount - m.amount)
    if mode in HALF_MODES:
        assert difference <= unit / 2
    else:
        assert difference < unit
    if mode is RoundingMode.CEILING:
        assert r >= m
    if mode is RoundingMode.FLOOR:
        assert r <= m
    if mode is RoundingMode.DOWN:
        assert abs(r.amount) <= abs(m.amount)
    if mode is RoundingMode.UP:
        assert abs(r.amount) >= abs(m.amount)


CASH = {
    "CHF": Decimal("0.05"),
    "IDR": Decimal(1),
    "MYR": Decimal("0.05"),
    "VND": Decimal(1),
    "USD": Decimal("0.01"),
}


@given(
    st.sampled_from(sorted(CASH)).flatmap(lambda c: sst.money(c, -BOUND, BOUND, rounded=False)),
    sst.rounding_modes(),
)
def test_cash_rounding_lands_on_the_cash_step(m: Money, mode: RoundingMode) -> None:
    step = CASH[m.currency]
    cash = m.to_cash(mode)
    assert CashRounding.default().increment(m.currency) == step
    assert cash.currency == m.currency
    assert cash.amount % step == 0, cash
    limit = step / 2 if mode in HALF_MODES else step
    assert abs(cash.amount - m.amount) <= limit
    assert cash.to_cash(mode) == cash


@given(sst.money("MYR", rounded=False), sst.rounding_modes())
def test_cash_rules_can_be_dropped_or_set_per_country(m: Money, mode: RoundingMode) -> None:
    assert m.to_cash(mode, rules=CashRounding(rules=())).amount % Decimal("0.01") == 0
    rules = CashRounding(rules=(CashRule(currency="MYR", increment="0.10", country="BN"),))
    assert m.to_cash(mode, rules=rules, country="BN").amount % Decimal("0.10") == 0


@given(sst.money(rounded=False, min_value=-BOUND, max_value=BOUND))
def test_minor_units_round_trip_when_rounded(m: Money) -> None:
    r = m.rounded(RoundingMode.HALF_EVEN)
    assert Money.from_minor(r.minor_units, r.currency) == r
    assume(not m.is_rounded())
    with pytest.raises(ValueError, match="round it first"):
        _ = m.minor_units
