"""Business calendars: the days a shop works, for lead times, promises and due dates.

A :class:`BusinessCalendar` closes the ``weekend`` days (Saturday and Sunday unless told),
the public holidays of a ``country`` (and optional ``subdivision``) as the ``holidays``
package knows them, and the shop's own ``closed`` days; ``working`` days open again
(a Saturday worked to make up for a bridge holiday, as Vietnam does). Make-up working days
the ``holidays`` package lists for the country (``weekend_workdays``) are open too.

Public holidays need the ``calendar`` extra (``pip install 'salesorder[calendar]'``); the
package is imported when a calendar with a ``country`` is built, never with ``salesorder``,
and a calendar without one (weekends and the shop's own days only) needs nothing. Without
the extra, building a calendar with a country raises :class:`HolidaysUnavailable`.

Where the library uses it (a shop opts in with ``Settings.calendar``; without one nothing
moves and no day is skipped):

- payment due dates (:meth:`~salesorder.domain.terms.PaymentTerms.due_date`): a term
  that ends on a closed day moves as :attr:`BusinessCalendar.due_date_rule` says;
- purchasing lead times (:func:`~salesorder.domain.purchasing.propose_reorders`): a
  supplier's lead time counts business days;
- on-time delivery (:func:`~salesorder.domain.measures.measure_orders`): a promise of
  ``promised_business_days`` counts business days from the day of placement.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from salesorder.domain.common import (
    MAX_DAYS,
    as_tuple,
    date,
    each,
    int_between,
    member_of,
    show,
    spelled,
)
from salesorder.exceptions import SalesOrderError, ValidationError

__all__ = [
    "BusinessCalendar",
    "ClosedDayRule",
    "HolidaysUnavailable",
    "InvalidCalendar",
]

_ONE_DAY = dt.timedelta(days=1)


class HolidaysUnavailable(SalesOrderError, ImportError):
    """Public holidays need the ``calendar`` extra: ``pip install 'salesorder[calendar]'``."""


class InvalidCalendar(ValidationError):
    """A calendar the ``holidays`` package cannot build, or with no business day in reach."""


class ClosedDayRule(str, enum.Enum):
    """Where a date that falls on a closed day goes (a payment term's last day).

    Indonesia, 2025: Saturday 29 March is Nyepi, then a Sunday, then Eid al-Fitr on Monday
    31 March and Tuesday 1 April. A term ending on Saturday 29 March: ``NEXT`` moves it to
    Wednesday 2 April; ``PREVIOUS`` to Friday 28 March; ``MODIFIED_NEXT`` to the next
    business day unless that is in the next month, then to the previous one (here Friday
    28 March); ``UNCHANGED`` leaves it on Saturday.
    """

    NEXT = "next"
    MODIFIED_NEXT = "modified_next"
    PREVIOUS = "previous"
    UNCHANGED = "unchanged"


def _holidays_package() -> Any:
    try:
        import holidays  # noqa: PLC0415 - optional dependency, imported when used
    except ImportError as exc:
        raise HolidaysUnavailable(
            "public holidays need the holidays package: pip install 'salesorder[calendar]'"
        ) from exc
    return holidays


@functools.lru_cache(maxsize=256)
def _public_holidays(
    country: str, subdivision: str, year: int
) -> tuple[Mapping[dt.date, str], frozenset[dt.date]]:
    """The public holidays of one year (date to name), and its make-up working days."""
    found = _holidays_package().country_holidays(country, subdiv=subdivision or None, years=year)
    days = MappingProxyType({day: str(name) for day, name in found.items() if day.year == year})
    workdays = frozenset(d for d in getattr(found, "weekend_workdays", ()) if d.year == year)
    return days, workdays


def _rule(value: object) -> ClosedDayRule:
    return spelled(ClosedDayRule, value)


def _weekdays(value: Iterable[int]) -> tuple[int, ...]:
    """Converter: the weekend's weekday numbers, sorted, each once (Monday is 0)."""
    days = as_tuple(value)
    if all(isinstance(day, int) and not isinstance(day, bool) for day in days):
        return tuple(sorted(set(days)))
    return days  # refused by the validator, naming the field


def _subdivision(value: object) -> object:
    """Converter: ``"MY-10"`` and ``"10"`` alike to the ``holidays`` package's ``"10"``."""
    if isinstance(value, str) and len(value) > 3 and value[2] == "-":
        return value[3:]
    return value


def _country(instance: object, _attribute: object, value: object) -> None:
    if not (isinstance(value, str) and (value == "" or (len(value) == 2 and value.isupper()))):
        raise InvalidCalendar(
            f"{type(instance).__name__}.country must be an ISO 3166 alpha-2 code such as "
            f"'ID', or '' for no public holidays, got {show(value)}"
        )


def _subdivision_text(instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, str) or len(value) > 20:
        raise InvalidCalendar(
            f"{type(instance).__name__}.subdivision must be a subdivision code such as "
            f"'MY-10', got {show(value)}"
        )


@attrs.frozen(kw_only=True)
class BusinessCalendar:
    """The days a shop works; see the module docstring.

    Attributes:
        country: ISO 3166-1 alpha-2 code whose public holidays close the shop (``"ID"``,
            ``"VN"``, ``"MY"``, or any country the ``holidays`` package knows); empty for
            none.
        subdivision: the state or province whose own holidays close it too, as ISO 3166-2
            (``"MY-10"``, Selangor) or as the ``holidays`` package's code (``"10"``).
        weekend: the weekdays closed every week, Monday 0 to Sunday 6; Saturday and Sunday
            by default (``(4, 5)``, Friday and Saturday, in Kedah, Kelantan and Terengganu).
        closed: the shop's own closed days (a stock take, a company holiday).
        working: days open although they are weekend days or holidays.
        due_date_rule: where a payment due date that falls on a closed day moves.
    """

    country: str = attrs.field(default="", validator=_country)
    subdivision: str = attrs.field(default="", converter=_subdivision, validator=_subdivision_text)
    weekend: tuple[int, ...] = attrs.field(
        default=(5, 6), converter=_weekdays, validator=each(int_between(0, 6))
    )
    closed: tuple[dt.date, ...] = attrs.field(default=(), converter=as_tuple, validator=each(date))
    working: tuple[dt.date, ...] = attrs.field(default=(), converter=as_tuple, validator=each(date))
    due_date_rule: ClosedDayRule = attrs.field(
        default=ClosedDayRule.NEXT, converter=_rule, validator=member_of(ClosedDayRule)
    )

    def __attrs_post_init__(self) -> None:
        if len(self.weekend) > 6:
            raise InvalidCalendar(
                f"BusinessCalendar.weekend must leave a weekday open, got {self.weekend}"
            )
        if self.subdivision and not self.country:
            raise InvalidCalendar(
                f"BusinessCalendar.subdivision {self.subdivision!r} needs a country"
            )
        if self.country:
            try:  # builds nothing yet: the years are computed when first asked
                _holidays_package().country_holidays(self.country, subdiv=self.subdivision or None)
            except NotImplementedError as exc:
                field = "subdivision" if self.subdivision else "country"
                raise InvalidCalendar(
                    f"BusinessCalendar.{field} {getattr(self, field)!r}: the holidays "
                    f"package has no such calendar ({exc})"
                ) from None

    @functools.cached_property
    def _closed(self) -> frozenset[dt.date]:
        return frozenset(self.closed)

    @functools.cached_property
    def _working(self) -> frozenset[dt.date]:
        return frozenset(self.working)

    def holiday(self, day: dt.date) -> str | None:
        """The name of the public holiday on ``day``, or None."""
        if not self.country:
            return None
        return _public_holidays(self.country, self.subdivision, day.year)[0].get(day)

    def why_closed(self, day: dt.date) -> str | None:
        """Why the shop is closed on ``day``, or None when it is a business day.

        The reason is the public holiday's name, ``"weekend"`` or ``"closed by the shop"``.
        """
        if day in self._working:
            return None
        if day in self._closed:
            return "closed by the shop"
        name = self.holiday(day)
        if name is not None:
            return name
        if day.weekday() in self.weekend and not (
            self.country and day in _public_holidays(self.country, self.subdivision, day.year)[1]
        ):
            return "weekend"
        return None

    def is_business_day(self, day: dt.date) -> bool:
        """Whether the shop works on ``day``."""
        return self.why_closed(day) is None

    def _step(self, day: dt.date, step: dt.timedelta, start: dt.date) -> dt.date:
        if abs((day - start).days) >= MAX_DAYS:
            raise InvalidCalendar(
                f"no business day within {MAX_DAYS:,} days of {start.isoformat()}"
            )
        return day + step

    def next_business_day(self, day: dt.date) -> dt.date:
        """``day`` when the shop works then, else the first business day after it."""
        current = day
        while not self.is_business_day(current):
            current = self._step(current, _ONE_DAY, day)
        return current

    def previous_business_day(self, day: dt.date) -> dt.date:
        """``day`` when the shop works then, else the last business day before it."""
        current = day
        while not self.is_business_day(current):
            current = self._step(current, -_ONE_DAY, day)
        return current

    def add_business_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th business day after ``start`` (``start`` itself is not counted).

        ``days`` is from 0 (``start`` unchanged) to ``MAX_DAYS``. In Indonesia, from Friday
        28 March 2025 (Nyepi on Saturday, Eid al-Fitr on Monday and Tuesday), the first
        business day is Wednesday 2 April and the second Thursday 3 April.

        Raises:
            ValidationError: ``days`` is not a whole number from 0 to ``MAX_DAYS``.
            InvalidCalendar: no business day in reach (every day closed for years).
        """
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            raise ValidationError(
                f"business days must be a whole number from 0 to {MAX_DAYS:,}, got {show(days)}"
            )
        current = start
        for _ in range(days):
            current = self.next_business_day(self._step(current, _ONE_DAY, start))
        return current

    def roll(self, day: dt.date, rule: ClosedDayRule) -> dt.date:
        """``day`` moved off a closed day as ``rule`` says (a business day is kept)."""
        if rule is ClosedDayRule.UNCHANGED or self.is_business_day(day):
            return day
        if rule is ClosedDayRule.PREVIOUS:
            return self.previous_business_day(day)
        following = self.next_business_day(day)
        if rule is ClosedDayRule.MODIFIED_NEXT and following.month != day.month:
            return self.previous_business_day(day)
        return following

    def due_date(self, day: dt.date) -> dt.date:
        """A payment due on ``day``, moved as :attr:`due_date_rule` says."""
        return self.roll(day, self.due_date_rule)
