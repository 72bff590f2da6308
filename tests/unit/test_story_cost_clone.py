"""A working copy's clone: a value that is never changed in place is shared, not cloned again.

``clone`` (``salesorder.adapters.tracking``) runs for every row a unit of work reads; a field
holding a string, a number, an enum member or a frozen value is taken as it is, without a
call per field. These tests count the calls; they never time anything.
"""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder.adapters import tracking
from salesorder.domain.payments import CustomerCredit
from salesorder.money import Money

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


@pytest.fixture
def cloned(monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """The type of every value ``clone`` is called with from now on (recursion included)."""
    seen: list[type] = []
    real = tracking.clone

    def counting(value: object) -> object:
        seen.append(type(value))
        return real(value)

    monkeypatch.setattr(tracking, "clone", counting)
    return seen


def test_a_clone_takes_the_shared_fields_of_an_aggregate_as_they_are(
    cloned: list[type],
) -> None:
    credit = CustomerCredit(customer_id="C1", currency="IDR")
    credit.add(Money.of("100", "IDR"), "overpayment", AT)
    tracking.clone(credit)  # meets CreditEntry, a frozen class: shared from then on
    cloned.clear()
    copied = tracking.clone(credit)
    # The two strings are shared without a call; the tuple of entries is cloned (a tuple
    # may hold values that change), its frozen entry shared.
    assert cloned == [CustomerCredit, tuple]
    assert copied == credit
    assert copied is not credit
    assert copied.entries[0] is credit.entries[0]
    copied.add(Money.of("5", "IDR"), "overpayment", AT)  # the copy is a copy of its own
    assert str(credit.balance.amount) == "100"
