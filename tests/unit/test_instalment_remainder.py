"""Where the units left over by splitting a total into instalments go (worked examples)."""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder.domain.terms import InstalmentRemainder, PaymentTerms
from salesorder.money import Money

ISSUED = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("remainder", "expected"),
    [
        (InstalmentRemainder.LARGEST_REMAINDER, ["50.01", "25.01", "25.01"]),
        (InstalmentRemainder.FIRST, ["50.03", "25.00", "25.00"]),
        (InstalmentRemainder.FROM_FIRST, ["50.02", "25.01", "25.00"]),
    ],
)
def test_100_03_by_2_1_1(remainder: InstalmentRemainder, expected: list[str]) -> None:
    terms = PaymentTerms.in_instalments([(2, 0), (1, 30), (1, 60)], remainder=remainder)
    schedule = terms.schedule(Money.of("100.03", "IDR"), ISSUED)
    assert [str(due.amount.amount) for due in schedule] == expected
    assert [due.due_date for due in schedule] == [
        ISSUED,
        dt.date(2026, 1, 31),
        dt.date(2026, 3, 2),
    ]


def test_from_first_wraps_when_more_units_are_left_than_instalments() -> None:
    # 0.05 VND-like whole units: 5 units by 1:1:1:1:1:1... here 7 shares of 1 over 0.06
    terms = PaymentTerms.in_instalments(
        [(1, 0), (1, 1), (1, 2)], remainder=InstalmentRemainder.FROM_FIRST
    )
    schedule = terms.schedule(Money.of("0.05", "IDR"), ISSUED)
    assert [str(due.amount.amount) for due in schedule] == ["0.02", "0.02", "0.01"]
    assert Money.sum((due.amount for due in schedule), "IDR") == Money.of("0.05", "IDR")


@pytest.mark.parametrize("remainder", list(InstalmentRemainder))
@pytest.mark.parametrize("total", ["0.01", "1", "999999.99", "123456789.07"])
def test_every_policy_adds_up(remainder: InstalmentRemainder, total: str) -> None:
    terms = PaymentTerms.in_instalments([(3, 0), (7, 10), (1, 20)], remainder=remainder)
    schedule = terms.schedule(Money.of(total, "IDR"), ISSUED)
    assert Money.sum((due.amount for due in schedule), "IDR") == Money.of(total, "IDR")
