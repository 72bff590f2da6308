"""The pricing engine's internal fast paths give what the slow, checked paths give.

The engine builds its result objects without attrs' ``__init__`` and splits amounts on
Decimals rather than through :func:`~salesorder.money.apportion`; these tests hold both to
the public paths, field by field and part by part.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesorder.domain.pricing import (
    Discount,
    LineTax,
    PricedLine,
    PricedOrder,
    TaxSummary,
    TraceStep,
)
from salesorder.domain.pricing._speed import _filler, _split
from salesorder.domain.pricing._work import _rounder
from salesorder.exceptions import AllocationError
from salesorder.money import Money, RoundingPolicy, apportion


@pytest.mark.parametrize("cls", [LineTax, PricedLine, PricedOrder, TaxSummary, TraceStep])
def test_filler_builds_what_the_attrs_init_builds(cls: type) -> None:
    fields = attrs.fields(cls)
    # A distinct value per field, so a field filled into the wrong slot shows.
    values = {field.name: f"value-{index}" for index, field in enumerate(fields)}
    make = _filler(cls)
    by_keyword = make(**values)
    by_position = make(*values.values())
    checked = cls(**values)
    assert by_keyword == checked
    assert by_position == checked
    assert type(by_keyword) is cls
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        by_keyword.__setattr__(fields[0].name, "changed")


def test_filler_refuses_a_class_that_checks_its_input() -> None:
    with pytest.raises(TypeError, match="Discount needs its own __init__"):
        _filler(Discount)


AMOUNTS = st.integers(-(10**9), 10**9)
WEIGHTS = st.lists(st.integers(0, 10**9), min_size=1, max_size=12)


@given(
    currency=st.sampled_from(["IDR", "VND", "KWD", "USD"]),
    units=AMOUNTS,
    weights=WEIGHTS,
    weight_places=st.integers(0, 4),
)
def test_split_gives_the_parts_of_apportion(
    currency: str, units: int, weights: list[int], weight_places: int
) -> None:
    rounding = _rounder(currency, RoundingPolicy())
    total = Decimal(units) * rounding.quantum
    exact = [Decimal(weight).scaleb(-weight_places) for weight in weights]
    if not any(weights):
        with pytest.raises(AllocationError):
            _split(total, exact, rounding, currency)
        return
    expected = [m.amount for m in apportion(Money._make(total, currency), exact)]
    got = _split(total, exact, rounding, currency)
    assert got == expected
    # Same representation too (exponent and sign), not only the same values.
    assert [str(part) for part in got] == [str(part) for part in expected]


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (Decimal("1.005"), [Decimal(1)], "not a whole number"),
        (Decimal("1.00"), [Decimal(1), Decimal(-1)], "weights add up to zero"),
        (Decimal("1.00"), [], "over no weights"),
    ],
)
def test_split_refuses_what_apportion_refuses(
    total: Decimal, weights: list[Decimal], message: str
) -> None:
    rounding = _rounder("USD", RoundingPolicy())
    with pytest.raises(AllocationError, match=message):
        _split(total, weights, rounding, "USD")


@given(
    units=AMOUNTS,
    weights=st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=8),
)
def test_split_over_signed_weights_adds_up_and_stays_within_a_unit_of_each_share(
    units: int, weights: list[int]
) -> None:
    # Negative lines (refunds, returned units, discount lines) carry negative weights: the
    # parts still add up to the total and each is within one unit of its exact share.
    rounding = _rounder("USD", RoundingPolicy())
    total = Decimal(units) * rounding.quantum
    exact = [Decimal(weight) * rounding.quantum for weight in weights]
    if not sum(weights):
        with pytest.raises(AllocationError):
            _split(total, exact, rounding, "USD")
        return
    got = _split(total, exact, rounding, "USD")
    assert sum(got) == total
    whole = sum(weights)
    for part, weight in zip(got, weights, strict=True):
        share = Fraction(units * weight, whole)
        assert abs(Fraction(part / rounding.quantum) - share) < 1
