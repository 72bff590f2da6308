"""On-time delivery against a promise counted in business days (a BusinessCalendar).

The orders are those of ``tests/unit/test_measures.py``. Order E asked for no date: it was
placed on Monday 2026-03-02 at 09:00 UTC and delivered on Wednesday 2026-03-04 at 11:00 UTC
(50 hours). A and B asked for Tuesday 3 March: A came on time, B late, whatever the promise.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.unit.test_measures import example_orders

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.measures import measure_orders, order_facts
from salesorder.domain.measures.stats import Rate
from salesorder.exceptions import ValidationError

TUESDAY = dt.date(2026, 3, 3)


def test_two_business_days_make_e_on_time_and_one_makes_it_late() -> None:
    """A, B by their dates (1 of 2), then E: due Wednesday (on time) or Tuesday (late)."""
    assert measure_orders(example_orders(), promised_business_days=2).on_time == Rate(
        numerator=2, denominator=3
    )
    assert measure_orders(example_orders(), promised_business_days=1).on_time == Rate(
        numerator=1, denominator=3
    )


def test_a_closed_day_does_not_count() -> None:
    """The shop closed on Tuesday: one business day after Monday is Wednesday."""
    closed = BusinessCalendar(closed=(TUESDAY,))
    result = measure_orders(example_orders(), promised_business_days=1, calendar=closed)
    assert result.on_time == Rate(numerator=2, denominator=3)


def test_business_days_are_counted_in_the_given_timezone() -> None:
    """At UTC-10, E is placed on Sunday 1 March 23:00 and delivered on Wednesday 01:00.

    Two business days after Sunday are Monday and Tuesday: late. In UTC it was placed on
    Monday, and the second business day after is Wednesday: on time.
    """
    e = example_orders()[4]
    hawaii = dt.timezone(dt.timedelta(hours=-10))
    assert order_facts(e, promised_business_days=2).on_time is True
    assert order_facts(e, promised_business_days=2, timezone=hawaii).on_time is False


def test_a_duration_and_business_days_together_are_refused() -> None:
    with pytest.raises(ValidationError, match=r"promised_lead_time .* or promised_business_days"):
        measure_orders([], promised_lead_time=dt.timedelta(days=2), promised_business_days=2)
    with pytest.raises(ValidationError, match="not both"):
        order_facts(
            example_orders()[4], promised_lead_time=dt.timedelta(days=2), promised_business_days=2
        )
