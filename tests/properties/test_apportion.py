"""apportion and split_evenly: parts add up exactly, stay near their share, ties go first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from salesorder.exceptions import AllocationError
from salesorder.money import Money, apportion, currency_info, split_evenly
from salesorder.testing import strategies as sst

QUANTA = st.sampled_from([None, Decimal("0.05"), Decimal(1), Decimal(100)])


@st.composite
def totals(draw: st.DrawFn) -> tuple[Money, Decimal | None]:
    """A total (positive, zero or negative) that is a whole number of its quantum."""
    currency = draw(sst.currencies())
    quantum = draw(QUANTA)
    step = currency_info(currency).quantum if quantum is None else quantum
    units = draw(st.integers(-(10**9), 10**9))
    return Money.of(step * units, currency), quantum


def _exact_shares(total: Money, weights: list[Decimal]) -> list[Decimal]:
    whole = sum(weights)
    return [total.amount * w / whole for w in weights]


@given(totals(), sst.weights())
def test_parts_add_up_to_the_total(
    total_quantum: tuple[Money, Decimal | None], weights: list[Decimal]
) -> None:
    total, quantum = total_quantum
    parts = apportion(total, weights, quantum=quantum)
    assert len(parts) == len(weights)
    assert all(p.currency == total.currency for p in parts)
    assert Money.sum(parts, total.currency) == total


@given(totals(), sst.weights())
def test_each_part_is_within_one_unit_of_its_share(
    total_quantum: tuple[Money, Decimal | None], weights: list[Decimal]
) -> None:
    total, quantum = total_quantum
    step = total.info.quantum if quantum is None else quantum
    parts = apportion(total, weights, quantum=quantum)
    for part, share in zip(parts, _exact_shares(total, weights), strict=True):
        assert abs(part.amount - share) < step, (part, share)
        assert (part.amount / step) == (part.amount / step).to_integral_value(), part


@given(totals(), sst.weights())
def test_parts_have_the_sign_of_the_total_and_zero_weight_gets_zero(
    total_quantum: tuple[Money, Decimal | None], weights: list[Decimal]
) -> None:
    total, quantum = total_quantum
    parts = apportion(total, weights, quantum=quantum)
    for part, weight in zip(parts, weights, strict=True):
        if weight == 0:
            assert part.is_zero
        assert part.is_zero or part.is_negative == total.is_negative


@given(totals(), sst.weights())
def test_negating_the_total_negates_every_part(
    total_quantum: tuple[Money, Decimal | None], weights: list[Decimal]
) -> None:
    total, quantum = total_quantum
    assert apportion(-total, weights, quantum=quantum) == [
        -p for p in apportion(total, weights, quantum=quantum)
    ]


@given(totals(), sst.weights(min_size=2))
def test_ties_go_to_the_earlier_part(
    total_quantum: tuple[Money, Decimal | None], weights: list[Decimal]
) -> None:
    total, quantum = total_quantum
    parts = apportion(total, weights, quantum=quantum)
    for i in range(len(weights)):
        for j in range(i + 1, len(weights)):
            if weights[i] == weights[j]:
                assert abs(parts[i].amount) >= abs(parts[j].amount), (i, j, parts)
                assert abs(parts[i].amount - parts[j].amount) <= (
                    total.info.quantum if quantum is None else quantum
                )


@given(sst.money(min_value=-(10**6), max_value=10**6), st.integers(1, 40))
def test_split_evenly(total: Money, count: int) -> None:
    parts = split_evenly(total, count)
    assert len(parts) == count
    assert Money.sum(parts, total.currency) == total
    sizes = [abs(p.amount) for p in parts]
    assert sizes == sorted(sizes, reverse=True), "earlier parts are the larger ones"
    assert sizes[0] - sizes[-1] <= total.info.quantum


@given(sst.money(), sst.weights())
def test_a_total_finer_than_the_quantum_is_refused(total: Money, weights: list[Decimal]) -> None:
    odd = Money.of(total.amount + total.info.quantum / 2, total.currency)
    with pytest.raises(AllocationError):
        apportion(odd, weights)


@given(sst.money(), st.lists(st.just(Decimal(0)), max_size=5))
def test_no_positive_weight_is_refused(total: Money, weights: list[Decimal]) -> None:
    with pytest.raises(AllocationError):
        apportion(total, weights)


@given(sst.money(), sst.weights(), st.integers(1, 1000))
def test_a_negative_weight_is_refused(total: Money, weights: list[Decimal], bad: int) -> None:
    assume(len(weights) >= 1)
    with pytest.raises(AllocationError):
        apportion(total, [*weights, Decimal(-bad)])


def test_worked_example_ties_and_remainders() -> None:
    # 100.00 over three equal weights: 33.34, 33.33, 33.33 (the tie goes to the first).
    assert apportion(Money.of("100.00", "USD"), [1, 1, 1]) == [
        Money.of("33.34", "USD"),
        Money.of("33.33", "USD"),
        Money.of("33.33", "USD"),
    ]
