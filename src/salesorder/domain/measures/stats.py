"""The statistics behind the measures: median, nearest-rank percentile, rates, durations."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import attrs

from salesorder.exceptions import ValidationError
from salesorder.money import Money, RoundingMode, decimal_isolated

__all__ = ["Durations", "Rate", "format_duration", "nearest_rank"]

_MICROSECOND = dt.timedelta(microseconds=1)


def nearest_rank(values: Sequence[Any], percent: int) -> Any:
    """The ``percent``-th percentile of ``values`` by the nearest-rank method.

    Sort the values; the percentile is the one at rank ``ceil(percent / 100 * n)`` (1-based),
    so it is always one of the values and at least ``percent`` percent of them are at or
    below it. Computed with integers, no rounding: the 90th percentile of 1..10 is 9, of
    1..11 is 10.

    Raises:
        ValidationError: no values, or ``percent`` not in 1..100.
    """
    if not values:
        raise ValidationError("a percentile needs at least one value, got none")
    if not 1 <= percent <= 100:
        raise ValidationError(f"a percentile is between 1 and 100, got {percent}")
    ordered = sorted(values)
    rank = -(-percent * len(ordered) // 100)
    return ordered[rank - 1]


@attrs.frozen(kw_only=True)
class Durations:
    """How long something took over a set of orders: count, median and 90th percentile.

    ``median`` and ``p90`` are None when ``count`` is zero.
    """

    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @classmethod
    def of(cls, values: Iterable[dt.timedelta]) -> Durations:
        """The statistics of ``values`` (median: ``statistics.median``; p90: nearest rank)."""
        spans = list(values)
        if not spans:
            return cls(count=0, median=None, p90=None)
        # The median of whole microseconds is exact (a Decimal); half a microsecond (the
        # mean of two middle values) is rounded half-even, as timedelta arithmetic does.
        middle = statistics.median(Decimal(span // _MICROSECOND) for span in spans)
        median = dt.timedelta(microseconds=int(middle.to_integral_value(ROUND_HALF_EVEN)))
        return cls(count=len(spans), median=median, p90=nearest_rank(spans, 90))


@attrs.frozen(kw_only=True)
class Rate:
    """``numerator`` orders out of ``denominator``; :attr:`value` is the fraction."""

    numerator: int
    denominator: int

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.numerator <= self.denominator:
            raise ValidationError(
                f"a rate needs 0 <= numerator <= denominator, got "
                f"{self.numerator}/{self.denominator}"
            )

    @property
    @decimal_isolated
    def value(self) -> Decimal | None:
        """The fraction (0 to 1, to 28 significant digits), None with no orders."""
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    def __str__(self) -> str:
        if self.value is None:
            return "n/a"
        return f"{_percent(self.value)} ({self.numerator}/{self.denominator})"


def _percent(value: Decimal | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def format_duration(delta: dt.timedelta | None) -> str:
    """``2d 3h 15m``; seconds are dropped, a duration under a minute is ``0m``."""
    if delta is None:
        return "n/a"
    minutes = int(delta // dt.timedelta(minutes=1))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] if days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes}m")
    return " ".join(parts)


def _half_even(money: Money) -> Money:
    return money.rounded(RoundingMode.HALF_EVEN)
