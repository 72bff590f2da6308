"""Business calendars: weekends, public holidays (the holidays package), the shop's own days.

The worked example throughout: Indonesia, end of March 2025. Saturday 29 March is Nyepi
(Day of Silence), Sunday 30 March a weekend day, Monday 31 March and Tuesday 1 April Eid
al-Fitr. Friday 28 March and Wednesday 2 April are business days.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from salesorder import Money
from salesorder.domain.calendar import (
    BusinessCalendar,
    ClosedDayRule,
    HolidaysUnavailable,
    InvalidCalendar,
)
from salesorder.domain.purchasing import expected_delivery
from salesorder.domain.terms import PaymentTerms
from salesorder.exceptions import ValidationError

ID = BusinessCalendar(country="ID")
FRI, SAT, SUN, MON, TUE, WED, THU = (dt.date(2025, 3, 28) + dt.timedelta(n) for n in range(7))


def test_the_worked_example_is_what_the_holidays_package_says() -> None:
    assert [ID.is_business_day(d) for d in (FRI, SAT, SUN, MON, TUE, WED, THU)] == [
        True,
        False,
        False,
        False,
        False,
        True,
        True,
    ]
    assert ID.why_closed(SUN) == "weekend"
    assert ID.holiday(SAT) is not None
    assert ID.holiday(SUN) is None


def test_without_a_country_only_the_weekend_is_closed() -> None:
    plain = BusinessCalendar()
    assert [plain.is_business_day(d) for d in (FRI, SAT, SUN, MON)] == [True, False, False, True]
    assert plain.holiday(MON) is None


def test_the_shops_own_closed_days_and_working_days() -> None:
    """A stock take closes Wednesday; a make-up Saturday opens."""
    shop = BusinessCalendar(country="ID", closed=(WED,), working=(SAT,))
    assert shop.why_closed(WED) == "closed by the shop"
    assert shop.is_business_day(SAT)


def test_a_friday_saturday_weekend() -> None:
    """Kelantan's shops close on Friday and Saturday and open on Sunday."""
    kelantan = BusinessCalendar(weekend=(4, 5))
    assert [kelantan.is_business_day(d) for d in (FRI, SAT, SUN)] == [False, False, True]


def test_a_subdivision_adds_its_own_holidays() -> None:
    """1 February is Federal Territory Day in Kuala Lumpur (MY-14), not in Selangor."""
    day = dt.date(2024, 2, 1)  # a Thursday
    assert BusinessCalendar(country="MY", subdivision="MY-14").holiday(day) is not None
    assert BusinessCalendar(country="MY", subdivision="10").holiday(day) is None
    assert BusinessCalendar(country="MY", subdivision="MY-14").subdivision == "14"


def test_vietnams_make_up_saturdays_are_working_days() -> None:
    """The holidays package lists Saturday 5 January 2019 as a make-up working day."""
    day = dt.date(2019, 1, 5)
    assert BusinessCalendar().why_closed(day) == "weekend"
    assert BusinessCalendar(country="VN").is_business_day(day)


# -- counting and rolling ----------------------------------------------------------------


def test_business_days_after_a_day_skip_the_weekend_and_holidays() -> None:
    assert ID.add_business_days(FRI, 0) == FRI
    assert ID.add_business_days(FRI, 1) == WED
    assert ID.add_business_days(FRI, 2) == THU
    assert ID.add_business_days(SAT, 1) == WED  # from a closed day: the next one counts
    assert BusinessCalendar().add_business_days(FRI, 1) == MON


@pytest.mark.parametrize(
    ("rule", "moved"),
    [
        (ClosedDayRule.NEXT, WED),
        (ClosedDayRule.PREVIOUS, FRI),
        (ClosedDayRule.MODIFIED_NEXT, FRI),  # the next business day is in April
        (ClosedDayRule.UNCHANGED, SAT),
    ],
)
def test_a_closed_day_rolls_as_the_rule_says(rule: ClosedDayRule, moved: dt.date) -> None:
    assert ID.roll(SAT, rule) == moved
    assert ID.roll(THU, rule) == THU  # a business day stays


def test_modified_next_moves_forward_within_the_month() -> None:
    assert BusinessCalendar().roll(dt.date(2025, 3, 22), ClosedDayRule.MODIFIED_NEXT) == dt.date(
        2025, 3, 24
    )


# -- payment terms -----------------------------------------------------------------------


def test_a_term_that_ends_on_a_holiday_moves_as_the_shops_rule_says() -> None:
    """Net 14 from Friday 14 March 2025 ends on Friday 28 March; net 15 on Nyepi."""
    issued = dt.date(2025, 3, 14)
    net15 = PaymentTerms.net(15)
    assert net15.due_date(issued) == SAT  # no calendar: as computed
    assert net15.due_date(issued, ID) == WED
    assert net15.due_date(issued, BusinessCalendar(country="ID", due_date_rule="previous")) == FRI
    assert net15.due_date(issued, BusinessCalendar(country="ID", due_date_rule="unchanged")) == SAT
    assert PaymentTerms.net(14).due_date(issued, ID) == FRI


def test_each_instalment_moves_and_the_amounts_do_not() -> None:
    terms = PaymentTerms.in_instalments([(1, 14), (1, 15)])
    total = Money.of("100.01", "IDR")
    plain = terms.schedule(total, dt.date(2025, 3, 14))
    moved = terms.schedule(total, dt.date(2025, 3, 14), ID)
    assert [d.due_date for d in plain] == [FRI, SAT]
    assert [d.due_date for d in moved] == [FRI, WED]
    assert [d.amount for d in moved] == [d.amount for d in plain]
    assert terms.due_date(dt.date(2025, 3, 14), ID) == WED


def test_end_of_month_terms_move_too() -> None:
    """End of March 2025 is Monday 31 March, Eid al-Fitr: due Wednesday 2 April."""
    assert PaymentTerms.end_of_month().due_date(dt.date(2025, 3, 3), ID) == WED


# -- purchasing lead times ---------------------------------------------------------------


def test_a_lead_time_counts_business_days_with_a_calendar() -> None:
    assert expected_delivery(dt.date(2025, 3, 27), 2) == SAT  # every day counts
    assert expected_delivery(dt.date(2025, 3, 27), 2, ID) == WED


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"country": "XX"}, r"BusinessCalendar\.country 'XX': the holidays package has no"),
        ({"country": "id"}, r"BusinessCalendar\.country must be an ISO 3166 alpha-2 code.*'id'"),
        (
            {"country": "MY", "subdivision": "MY-99"},
            r"BusinessCalendar\.subdivision '99': the holidays package has no",
        ),
        ({"subdivision": "MY-10"}, r"BusinessCalendar\.subdivision '10' needs a country"),
        ({"weekend": (0, 1, 2, 3, 4, 5, 6)}, r"BusinessCalendar\.weekend must leave a weekday"),
        ({"weekend": (7,)}, r"BusinessCalendar\.weekend must be from 0 to 6, got 7"),
        ({"weekend": ("sat",)}, r"BusinessCalendar\.weekend must be a whole number"),
        ({"closed": ("2025-03-28",)}, r"BusinessCalendar\.closed must be a date"),
        ({"due_date_rule": "sometimes"}, r"BusinessCalendar\.due_date_rule must be one of"),
    ],
)
def test_a_bad_calendar_is_refused_naming_the_field(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        BusinessCalendar(**fields)  # type: ignore[arg-type]


def test_a_bad_count_of_business_days_is_refused() -> None:
    with pytest.raises(ValidationError, match="business days must be a whole number"):
        ID.add_business_days(FRI, -1)
    with pytest.raises(ValidationError, match="business days must be a whole number"):
        ID.add_business_days(FRI, True)


def test_a_calendar_closed_for_years_has_no_business_day_in_reach() -> None:
    closed = tuple(dt.date(2025, 1, 1) + dt.timedelta(n) for n in range(4000))
    with pytest.raises(InvalidCalendar, match="no business day within 3,660 days"):
        BusinessCalendar(closed=closed).next_business_day(dt.date(2025, 1, 1))


def test_without_the_extra_a_country_calendar_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(HolidaysUnavailable, match=r"pip install 'salesorder\[calendar\]'"):
        BusinessCalendar(country="ID")
    assert BusinessCalendar().is_business_day(FRI)  # no country: nothing to import
