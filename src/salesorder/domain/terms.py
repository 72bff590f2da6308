"""Payment terms: when an invoice's amount falls due, in one part or in instalments.

Dates are computed with python-dateutil's ``relativedelta`` from the invoice's issue date:

- immediate: due on the issue date;
- net N: N days after issue;
- end of month + N: the last day of the issue month, then N days more;
- instalments: parts of the total (by share), each due N days after issue; they add up to
  the total exactly. Each part is first the floor of its exact share in minor units; the
  units left over go where the terms' :class:`InstalmentRemainder` says: to the largest
  remainders (:func:`salesorder.money.apportion`, the default), all to the first
  instalment, or one each to the instalments from the first on.

Given a :class:`~salesorder.domain.calendar.BusinessCalendar` (the shop's
``Settings.calendar``), a date that falls on a day the shop is closed (a weekend, a public
holiday, one of its own closed days) moves as the calendar's ``due_date_rule`` says: to the
next business day, the previous one, or nowhere. Without one, dates are as computed.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal

import attrs
from dateutil.relativedelta import relativedelta

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.common import as_tuple
from salesorder.exceptions import ValidationError
from salesorder.money import Money, apportion, to_decimal
from salesorder.numbers import decimal_isolated

__all__ = ["Instalment", "InstalmentDue", "InstalmentRemainder", "PaymentTerms", "TermsKind"]


class TermsKind(str, enum.Enum):
    """The shape of the terms."""

    IMMEDIATE = "immediate"
    NET = "net"
    END_OF_MONTH = "end_of_month"
    INSTALMENTS = "instalments"


class InstalmentRemainder(str, enum.Enum):
    """Where the minor units left over by splitting a total into instalments go.

    Each instalment first gets the floor of its exact share. 100.03 by shares 2:1:1 (exact
    50.015, 25.0075, 25.0075; floors 50.01, 25.00, 25.00; two units left):
    ``LARGEST_REMAINDER`` gives them to the largest remainders (ties to the earlier):
    50.01, 25.01, 25.01; ``FIRST`` gives all of them to the first instalment: 50.03,
    25.00, 25.00; ``FROM_FIRST`` gives one each from the first on: 50.02, 25.01, 25.00.
    """

    LARGEST_REMAINDER = "largest_remainder"
    FIRST = "first"
    FROM_FIRST = "from_first"


@decimal_isolated
def _split(total: Money, shares: list[Decimal], remainder: InstalmentRemainder) -> list[Money]:
    """``total`` in parts by ``shares``, the units left over placed as ``remainder`` says."""
    if remainder is InstalmentRemainder.LARGEST_REMAINDER:
        return apportion(total, shares)
    quantum = total.info.quantum
    units = int(total.amount / quantum)
    whole = sum(shares)
    floors = [int(units * share // whole) for share in shares]
    left = units - sum(floors)
    if remainder is InstalmentRemainder.FIRST:
        floors[0] += left
    else:
        for index in range(left):
            floors[index % len(floors)] += 1
    return [Money.of(quantum * count, total.currency) for count in floors]


def _share(value: object) -> Decimal:
    return to_decimal(value, what="instalment share")


@attrs.frozen(kw_only=True)
class Instalment:
    """One part of instalment terms: a share of the total (any positive weight), due ``days``."""

    share: Decimal = attrs.field(converter=_share)
    days: int = 0

    def __attrs_post_init__(self) -> None:
        if self.share <= 0 or self.days < 0:
            raise ValidationError(
                f"an instalment needs a share above 0 and days >= 0, got share={self.share}, "
                f"days={self.days}"
            )


@attrs.frozen(kw_only=True)
class InstalmentDue:
    """An amount due on a date."""

    due_date: dt.date
    amount: Money


@attrs.frozen(kw_only=True)
class PaymentTerms:
    """See the module docstring; build with the named constructors."""

    kind: TermsKind = TermsKind.IMMEDIATE
    days: int = 0
    instalments: tuple[Instalment, ...] = attrs.field(default=(), converter=as_tuple)
    remainder: InstalmentRemainder = InstalmentRemainder.LARGEST_REMAINDER

    def __attrs_post_init__(self) -> None:
        if self.days < 0:
            raise ValidationError(f"payment terms need days >= 0, got {self.days}")
        if (self.kind is TermsKind.INSTALMENTS) != bool(self.instalments):
            raise ValidationError(
                f"{self.kind.value} terms {'need' if not self.instalments else 'take no'} "
                "instalments"
            )

    @classmethod
    def immediate(cls) -> PaymentTerms:
        """Due on the day of issue."""
        return cls()

    @classmethod
    def net(cls, days: int) -> PaymentTerms:
        """Due ``days`` days after issue ("net 30")."""
        return cls(kind=TermsKind.NET, days=days)

    @classmethod
    def end_of_month(cls, days: int = 0) -> PaymentTerms:
        """Due ``days`` days after the end of the month of issue."""
        return cls(kind=TermsKind.END_OF_MONTH, days=days)

    @classmethod
    def in_instalments(
        cls,
        parts: Iterable[tuple[Decimal | int | str, int]],
        *,
        remainder: InstalmentRemainder = InstalmentRemainder.LARGEST_REMAINDER,
    ) -> PaymentTerms:
        """Instalments of (share, days after issue), such as ``[(1, 0), (1, 30)]``."""
        return cls(
            kind=TermsKind.INSTALMENTS,
            instalments=tuple(Instalment(share=s, days=d) for s, d in parts),
            remainder=remainder,
        )

    def due_date(self, issued: dt.date, calendar: BusinessCalendar | None = None) -> dt.date:
        """When the last amount falls due, moved off a closed day of ``calendar`` if given."""
        if self.kind is TermsKind.IMMEDIATE:
            due = issued
        elif self.kind is TermsKind.NET:
            due = issued + relativedelta(days=self.days)
        elif self.kind is TermsKind.END_OF_MONTH:
            due = issued + relativedelta(day=31) + relativedelta(days=self.days)
        else:
            due = issued + relativedelta(days=max(i.days for i in self.instalments))
        return due if calendar is None else calendar.due_date(due)

    def schedule(
        self, total: Money, issued: dt.date, calendar: BusinessCalendar | None = None
    ) -> tuple[InstalmentDue, ...]:
        """The amounts due and their dates; they add up to ``total`` exactly.

        Each date is moved off a closed day of ``calendar`` when one is given.
        """
        if self.kind is not TermsKind.INSTALMENTS:
            return (InstalmentDue(due_date=self.due_date(issued, calendar), amount=total),)
        parts = _split(total, [i.share for i in self.instalments], self.remainder)
        dues = []
        for instalment, part in zip(self.instalments, parts, strict=True):
            due = issued + relativedelta(days=instalment.days)
            if calendar is not None:
                due = calendar.due_date(due)
            dues.append(InstalmentDue(due_date=due, amount=part))
        return tuple(dues)
