"""Reconciling COD statements: worked examples of each difference, and refused input."""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder.domain.cod import (
    CodDifferenceKind,
    CodExpectation,
    RemittanceLine,
    RemittanceStatement,
    reconcile_cod,
)
from salesorder.exceptions import CurrencyMismatch, DuplicateError, ValidationError
from salesorder.money import Money

K = CodDifferenceKind


def idr(amount: int) -> Money:
    return Money.of(amount, "IDR")


def expect(tracking: str, amount: int, *, delivered: bool = True) -> CodExpectation:
    return CodExpectation(
        shipment_id=f"S-{tracking}", order_id=f"O-{tracking}", tracking_number=tracking,
        expected=idr(amount), delivered=delivered,
    )  # fmt: skip


def line(tracking: str, collected: int, fee: int, remitted: int) -> RemittanceLine:
    return RemittanceLine(
        tracking_number=tracking, collected=idr(collected), fee=idr(fee), remitted=idr(remitted)
    )


def statement(
    statement_id: str, *lines: RemittanceLine, courier: str = "jnt"
) -> RemittanceStatement:
    return RemittanceStatement(
        id=statement_id, courier=courier, currency="IDR", paid_on=dt.date(2026, 1, 12),
        lines=lines,
    )  # fmt: skip


def test_an_overpayment_and_a_clean_parcel() -> None:
    result = reconcile_cod(
        "jnt",
        "IDR",
        [expect("A", 100_000), expect("B", 50_000)],
        [statement("S1", line("A", 100_000, 3_000, 97_000), line("B", 55_000, 1_650, 53_350))],
    )
    (over,) = result.differences
    assert (over.kind, over.tracking_number, over.amount) == (K.OVERPAYMENT, "B", idr(5_000))
    assert result.shortfall == idr(-5_000)
    assert result.remitted == idr(150_350)


def test_a_parcel_on_its_way_is_not_yet_missing() -> None:
    result = reconcile_cod("jnt", "IDR", [expect("A", 100_000, delivered=False)], [])
    assert result.is_clean
    assert result.shipments == ()


def test_statements_of_another_courier_or_given_twice_are_refused() -> None:
    with pytest.raises(ValidationError, match="from courier 'jne'"):
        reconcile_cod("jnt", "IDR", [], [statement("S1", courier="jne")])
    with pytest.raises(DuplicateError, match="'S1'"):
        reconcile_cod("jnt", "IDR", [], [statement("S1"), statement("S1")])


def test_a_line_with_mixed_currencies_or_negative_cash_cannot_exist() -> None:
    with pytest.raises(CurrencyMismatch):
        RemittanceLine(
            tracking_number="A", collected=idr(1), fee=Money.of(1, "MYR"), remitted=idr(0)
        )
    with pytest.raises(ValidationError, match="collected is negative"):
        line("A", -1, 0, -1)
