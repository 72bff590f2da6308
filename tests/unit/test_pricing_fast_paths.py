"""The pricing engine's internal fast paths give what the slow, checked paths give.

The engine builds its result objects without attrs' ``__init__``, returns priced lines and
orders whose fields are built on first read, and splits amounts on Decimals rather than
through :func:`~salesorder.money.apportion`; these tests hold each to the public paths,
field by field and part by part.
"""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesorder.domain.pricing import (
    Discount,
    LineTax,
    LineToPrice,
    PricedLine,
    PricedOrder,
    TaxMode,
    TaxSummary,
    TraceStep,
    price_lines,
)
from salesorder.domain.pricing._speed import _filler, _split
from salesorder.domain.pricing._work import _rounder
from salesorder.exceptions import AllocationError
from salesorder.money import Money, RoundingPolicy, apportion
from salesorder.serialization import structure, unstructure
from salesorder.testing import strategies as sst


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


@st.composite
def _orders_to_price(draw: st.DrawFn) -> dict[str, Any]:
    currency = draw(sst.currencies())
    return {
        "lines": draw(sst.lines_to_price(currency)),
        "currency": currency,
        "tax_mode": draw(sst.tax_modes()),
        "policy": draw(sst.rounding_policies()),
    }


def _plain_line(line: PricedLine) -> PricedLine:
    """The same line built by attrs' own ``__init__``."""
    return PricedLine(
        **{field.name: getattr(line, field.name) for field in attrs.fields(PricedLine)}
    )


def _plain_order(order: PricedOrder) -> PricedOrder:
    fields = {field.name: getattr(order, field.name) for field in attrs.fields(PricedOrder)}
    fields["lines"] = tuple(_plain_line(line) for line in order.lines)
    return PricedOrder(**fields)


@given(_orders_to_price())
def test_priced_lines_built_on_first_read_are_the_plain_lines_of_their_fields(
    inputs: dict[str, Any],
) -> None:
    # price_lines returns lines (and an order) that build their fields on first read; each
    # check below starts from a fresh, unread result, the first read being the one checked.
    def fresh() -> PricedLine:
        return price_lines(**inputs).lines[0]

    plain = _plain_line(fresh())
    assert type(plain) is PricedLine
    assert fresh() == plain
    assert plain == fresh()  # the plain class's __eq__ refuses any other class
    assert not fresh() != plain  # noqa: SIM202 - __ne__ is its own method
    assert hash(fresh()) == hash(plain)
    assert repr(fresh()) == repr(plain)
    for copied in (pickle.loads(pickle.dumps(fresh())), copy.copy(fresh()), copy.deepcopy(fresh())):  # noqa: S301 - our own bytes
        assert type(copied) is PricedLine
        assert copied == plain
    assert attrs.evolve(fresh()) == plain
    assert attrs.evolve(fresh(), sku="OTHER") == attrs.evolve(plain, sku="OTHER")
    assert unstructure(fresh()) == unstructure(plain)
    assert structure(unstructure(fresh()), PricedLine) == plain
    line = fresh()
    assert line.profit == plain.profit  # a property reads the fields it needs
    assert [getattr(line, field.name) for field in attrs.fields(PricedLine)] == [
        getattr(plain, field.name) for field in attrs.fields(PricedLine)
    ]


@given(_orders_to_price())
def test_a_priced_order_built_on_first_read_is_the_plain_order_of_its_fields(
    inputs: dict[str, Any],
) -> None:
    def fresh() -> PricedOrder:
        return price_lines(**inputs)

    plain = _plain_order(fresh())
    assert type(plain) is PricedOrder
    assert fresh() == plain
    assert plain == fresh()
    assert hash(fresh()) == hash(plain)
    assert repr(fresh()) == repr(plain)
    for copied in (pickle.loads(pickle.dumps(fresh())), copy.copy(fresh()), copy.deepcopy(fresh())):  # noqa: S301 - our own bytes
        assert type(copied) is PricedOrder
        assert copied == plain
    assert attrs.evolve(fresh()) == plain
    assert unstructure(fresh()) == unstructure(plain)
    assert structure(unstructure(fresh()), PricedOrder) == plain
    # The trace and the lines read first, the totals after: the same order.
    order = fresh()
    assert order.trace.steps == plain.trace.steps
    assert order.lines == plain.lines
    assert order.gross == plain.gross
    assert order.tax_summary == plain.tax_summary


def test_a_result_built_on_first_read_has_no_attribute_it_does_not_have() -> None:
    order = price_lines(
        [LineToPrice(line_id="1", quantity=2, unit_price=Money.of("10.00", "USD"))],
        currency="USD",
        tax_mode=TaxMode.EXCLUDED,
        policy=RoundingPolicy(),
    )
    line = order.lines[0]
    for result in (order, line):
        assert not hasattr(result, "not_a_field")
        assert getattr(result, "not_a_field", None) is None
        with pytest.raises(AttributeError, match="not_a_field"):
            result.not_a_field  # type: ignore[attr-defined]  # noqa: B018 - the read is the test
    assert line.net == Money.of("20.00", "USD")  # and the fields still read
    assert order.gross == Money.of("20.00", "USD")


def test_a_late_first_read_finds_the_fields_another_thread_filled() -> None:
    # Two threads read a field of the same fresh line: both miss the slot and call
    # __getattr__, the first fills every slot; the second, coming in after it, must read
    # the filled slot (and not build from figures already let go).
    order = price_lines(
        [LineToPrice(line_id="1", quantity=2, unit_price=Money.of("10.00", "USD"))],
        currency="USD",
        tax_mode=TaxMode.EXCLUDED,
        policy=RoundingPolicy(),
    )
    line, late_line = order.lines[0], order.lines[0].__getattr__
    assert line.net == Money.of("20.00", "USD")  # the first read fills the slots
    assert late_line("net") == Money.of("20.00", "USD")
    assert order.gross == Money.of("20.00", "USD")
    assert order.__getattr__("gross") == Money.of("20.00", "USD")
