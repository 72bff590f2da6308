"""COD reconciliation adds up exactly, lists every line it does not count, and counts none twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.cod import (
    CodDifferenceKind,
    CodExpectation,
    RemittanceLine,
    RemittanceStatement,
    reconcile_cod,
)
from salesorder.money import Money
from salesorder.serialization import structure, unstructure

K = CodDifferenceKind
TRACKING = [f"JNT{n}" for n in range(8)]


def idr(draw: st.DrawFn, low: int = 0, high: int = 500_000) -> Money:
    return Money.of(draw(st.integers(low, high)), "IDR")


@st.composite
def expectations(draw: st.DrawFn) -> list[CodExpectation]:
    numbers = draw(st.lists(st.sampled_from(TRACKING), unique=True, max_size=6))
    return [
        CodExpectation(
            shipment_id=f"SHP-{n}",
            order_id=f"ORD-{n}",
            tracking_number=n,
            expected=idr(draw),
            delivered=draw(st.booleans()),
        )
        for n in numbers
    ]


@st.composite
def lines(draw: st.DrawFn) -> RemittanceLine:
    currency = draw(st.sampled_from(["IDR", "IDR", "IDR", "MYR"]))
    collected = draw(st.integers(0, 500_000))
    fee = draw(st.integers(0, collected))
    remitted = collected - fee - draw(st.sampled_from([0, 0, 0, 1, 1000]))
    return RemittanceLine(
        tracking_number=draw(st.sampled_from([*TRACKING, "XX-UNKNOWN"])),
        collected=Money.of(collected, currency),
        fee=Money.of(fee, currency),
        remitted=Money.of(remitted, currency),
    )


@st.composite
def statements(draw: st.DrawFn) -> list[RemittanceStatement]:
    count = draw(st.integers(0, 3))
    return [
        RemittanceStatement(
            id=f"S-{n}",
            courier="jnt",
            currency="IDR",
            paid_on=dt.date(2026, 1, 1 + n),
            lines=tuple(draw(st.lists(lines(), max_size=5))),
        )
        for n in range(count)
    ]


def total(amounts: list[Money]) -> Money:
    return Money.sum(amounts, "IDR")


@settings(deadline=None)  # the first call builds the converter; machines vary
@given(expectations(), statements())
def test_reconciliation_adds_up_exactly(
    expected: list[CodExpectation], stated: list[RemittanceStatement]
) -> None:
    result = reconcile_cod("jnt", "IDR", expected, stated)
    assert result.expected == result.collected + result.shortfall
    assert result.collected == result.fees + result.remitted + result.withheld
    for item in result.shipments:
        assert item.expected == item.collected + item.shortfall
        assert item.collected == item.fees + item.remitted + item.withheld
    # The shortfall total is the listed shortfalls and missing cash, less the overpayments.
    listed = (
        total([d.amount for d in result.of_kind(K.SHORTFALL)])
        + total([d.amount for d in result.of_kind(K.MISSING)])
        - total([d.amount for d in result.of_kind(K.OVERPAYMENT)])
    )
    assert result.shortfall == listed
    assert result.withheld == total([d.amount for d in result.of_kind(K.WITHHELD)])


@settings(deadline=None)  # the first call builds the converter; machines vary
@given(expectations(), statements())
def test_every_line_is_counted_once_or_listed(
    expected: list[CodExpectation], stated: list[RemittanceStatement]
) -> None:
    result = reconcile_cod("jnt", "IDR", expected, stated)
    counted = Counter(s.tracking_number for s in result.shipments if s.statement_ids)
    assert all(n == 1 for n in counted.values()), "a parcel was counted twice"
    set_aside = [
        d for d in result.differences
        if d.kind in (K.UNKNOWN_SHIPMENT, K.DUPLICATE, K.OTHER_CURRENCY)
    ]  # fmt: skip
    assert sum(counted.values()) + len(set_aside) == sum(len(s.lines) for s in stated)
    delivered = {e.tracking_number for e in expected if e.delivered}
    reconciled = {s.tracking_number for s in result.shipments}
    assert delivered <= reconciled, "a delivered COD shipment was left out"


@settings(deadline=None)  # the first call builds the converter; machines vary
@given(expectations(), statements())
def test_statements_and_reconciliations_round_trip_through_json(
    expected: list[CodExpectation], stated: list[RemittanceStatement]
) -> None:
    for statement in stated:
        assert structure(unstructure(statement), RemittanceStatement) == statement
    result = reconcile_cod("jnt", "IDR", expected, stated)
    assert structure(unstructure(result), type(result)) == result
