"""Plots of :class:`~salesorder.domain.measures.OrderMeasures`: times, rates, profit.

Every function reads the measures' per-order facts (``OrderMeasures.facts``) and the figures
the library computed (medians, 90th percentiles), draws on ``ax`` (or a new figure) and
returns the Axes. The figures are the library's own: a median line is the measures' median,
not one matplotlib recomputes. Values become floats only to be drawn (days, hours, percent,
money in the currency's units).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from salesorder.domain.common import show
from salesorder.domain.measures import OrderFacts, OrderMeasures, Rate, format_duration
from salesorder.exceptions import ValidationError
from salesorder.plots._args import aware, instance, items, plain
from salesorder.plots._matplotlib import _axes, _require

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "Period",
    "cycle_times",
    "profit_by_channel",
    "rates_by_period",
    "rates_over_time",
    "stage_times",
]

_DAY = dt.timedelta(days=1)
_HOUR = dt.timedelta(hours=1)
#: The most bars :func:`cycle_times` draws: more would only use memory, not show more.
_MAX_BINS = 10_000


class Period(str, enum.Enum):
    """How :func:`rates_over_time` groups orders: by the week or month they were placed in."""

    #: Weeks start on Monday (ISO 8601).
    WEEK = "week"
    MONTH = "month"


def _period(value: Period | str) -> Period:
    """``value`` as a Period.

    Raises:
        ValidationError: ``value`` is neither a Period nor the value of one.
    """
    try:
        return Period(value)
    except ValueError:
        allowed = ", ".join(repr(p.value) for p in Period)
        raise ValidationError(f"period must be one of {allowed}, got {value!r}") from None


def cycle_times(measures: OrderMeasures, *, bins: int = 20, ax: Axes | None = None) -> Axes:
    """A histogram of the cycle times, in days, with the median and the 90th percentile.

    Only orders that reached the cycle's end status count (``OrderMeasures.cycle_end``).
    The two vertical lines are the library's figures (``OrderMeasures.cycle_time``),
    labelled as the text table prints them.

    Args:
        measures: the measures to draw.
        bins: how many bars (equal widths from the shortest to the longest time), 1 to
            10,000.
        ax: the Axes to draw on; none: a new figure.

    Raises:
        ValidationError: ``measures`` is not an OrderMeasures, ``bins`` is not a whole
            number from 1 to 10,000, ``ax`` is not an Axes, or no order has a cycle time
            (nothing is drawn).
        PlotsUnavailable: matplotlib is not installed.
    """
    instance(measures, OrderMeasures, "measures")
    if isinstance(bins, bool) or not isinstance(bins, int) or not 1 <= bins <= _MAX_BINS:
        raise ValidationError(
            f"bins must be a whole number from 1 to {_MAX_BINS:,}, got {show(bins)}"
        )
    spans = [f.cycle_time for f in measures.facts if f.cycle_time is not None]
    stats = measures.cycle_time
    if not spans or stats.median is None or stats.p90 is None:
        raise ValidationError(
            f"no order of {measures.orders} reached {measures.cycle_end.value!r}: "
            f"there is no cycle time to plot"
        )
    ax = _axes(ax, "cycle_times")
    ax.hist([span / _DAY for span in spans], bins=bins, color="C0", alpha=0.8)
    for value, name, style in ((stats.median, "median", "-"), (stats.p90, "p90", "--")):
        ax.axvline(
            value / _DAY,
            color="C3",
            linestyle=style,
            label=f"{name} {format_duration(value)}",
        )
    ax.set_title(f"Cycle time, placed to {measures.cycle_end.value} ({len(spans)} orders)")
    ax.set_xlabel("days")
    ax.set_ylabel("orders")
    ax.legend()
    return ax


def stage_times(measures: OrderMeasures, *, ax: Axes | None = None) -> Axes:
    """The median time in each status, in hours, one bar per stage, with the 90th percentile.

    Stages come in the lifecycle's order, top to bottom, each labelled with the orders that
    finished a visit to it; a bar's text is its median as the text table prints it, and the
    ``|`` marker its 90th percentile.

    Args:
        measures: the measures to draw (``OrderMeasures.stages``).
        ax: the Axes to draw on; none: a new figure.

    Raises:
        ValidationError: ``measures`` is not an OrderMeasures, ``ax`` is not an Axes, or no
            order finished a visit to any status (nothing is drawn).
        PlotsUnavailable: matplotlib is not installed.
    """
    instance(measures, OrderMeasures, "measures")
    stages = [s for s in measures.stages if s.durations.median is not None]
    if not stages:
        raise ValidationError(
            f"no order of {measures.orders} left a status: there is no stage time to plot"
        )
    ax = _axes(ax, "stage_times")
    names = [f"{s.status.value} ({s.durations.count})" for s in stages]
    medians = [s.durations.median for s in stages]
    bars = ax.barh(names, [m / _HOUR for m in medians if m is not None], color="C0")
    ax.bar_label(bars, labels=[format_duration(m) for m in medians], padding=3, fontsize=8)
    p90 = [s.durations.p90 / _HOUR for s in stages if s.durations.p90 is not None]
    ax.plot(p90, names, linestyle="none", marker="|", markersize=12, color="C3", label="p90")
    ax.invert_yaxis()  # the lifecycle reads top to bottom
    ax.set_title("Time in each status: median (bar) and p90")
    ax.set_xlabel("hours")
    ax.legend(loc="lower right")
    return ax


def _start(when: dt.datetime, period: Period, timezone: dt.tzinfo) -> dt.date:
    day = when.astimezone(timezone).date()
    if period is Period.WEEK:
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _following(start: dt.date, period: Period) -> dt.date:
    if period is Period.WEEK:
        return start + dt.timedelta(days=7)
    return (start + dt.timedelta(days=31)).replace(day=1)


def rates_by_period(
    facts: Iterable[OrderFacts],
    *,
    period: Period | str = Period.WEEK,
    timezone: dt.tzinfo = dt.timezone.utc,
) -> list[tuple[dt.date, Rate, Rate]]:
    """On-time delivery and return rate of the orders placed in each week or month.

    Each row is ``(first day of the period, on-time rate, return rate)``, every period from
    the first order's to the last one's, empty ones included (their rates have a zero
    denominator). The rates are those of :mod:`salesorder.domain.measures` over the orders
    placed in the period: on time over delivered with a deadline, with returns over
    delivered. Grouping by placement keeps each order in one period whatever happened later.

    Args:
        facts: the orders' facts (``OrderMeasures.facts``).
        period: ``"week"`` (starting on Monday) or ``"month"``.
        timezone: where a placement time falls on a day.

    Raises:
        ValidationError: ``period`` is neither, ``timezone`` is not a tzinfo (None would
            mean the machine's own), ``facts`` is not an iterable of OrderFacts, or a
            placement time is naive.
    """
    by = _period(period)
    if not isinstance(timezone, dt.tzinfo):
        raise ValidationError(f"timezone must be a tzinfo, got {show(timezone)}")
    found = items(facts, OrderFacts, "facts")
    for fact in found:
        aware(fact.placed_at, f"the placement time of order {fact.order_id!r}")
    groups: dict[dt.date, list[OrderFacts]] = {}
    for fact in found:
        groups.setdefault(_start(fact.placed_at, by, timezone), []).append(fact)
    rows: list[tuple[dt.date, Rate, Rate]] = []
    if not groups:
        return rows
    start, last = min(groups), max(groups)
    while start <= last:
        delivered = [f for f in groups.get(start, ()) if f.delivered]
        with_deadline = [f for f in delivered if f.on_time is not None]
        on_time = Rate(
            numerator=sum(bool(f.on_time) for f in with_deadline), denominator=len(with_deadline)
        )
        returns = Rate(numerator=sum(f.returned for f in delivered), denominator=len(delivered))
        rows.append((start, on_time, returns))
        start = _following(start, by)
    return rows


def _percent(rate: Rate) -> float:
    """The rate in percent; NaN (a gap in the line) for a rate over no orders."""
    value = rate.value
    return float("nan") if value is None else float(value * 100)


def rates_over_time(
    measures: OrderMeasures,
    *,
    period: Period | str = Period.WEEK,
    timezone: dt.tzinfo = dt.timezone.utc,
    ax: Axes | None = None,
) -> Axes:
    """On-time delivery and return rate, in percent, by week or month of placement.

    Two lines, one point per period (:func:`rates_by_period`); a period with no delivered
    order is a gap.

    Args:
        measures: the measures to draw (their per-order facts).
        period: ``"week"`` (starting on Monday) or ``"month"``.
        timezone: where a placement time falls on a day.
        ax: the Axes to draw on; none: a new figure.

    Raises:
        ValidationError: ``measures`` is not an OrderMeasures, ``period`` or ``timezone``
            is not one of those, ``ax`` is not an Axes, or no order was delivered (nothing
            is drawn).
        PlotsUnavailable: matplotlib is not installed.
    """
    instance(measures, OrderMeasures, "measures")
    by = _period(period)
    rows = rates_by_period(measures.facts, period=by, timezone=timezone)
    if not any(returns.denominator for _, _, returns in rows):
        raise ValidationError(
            f"no order of {measures.orders} was delivered: there is no rate to plot"
        )
    ax = _axes(ax, "rates_over_time")
    matplotlib = _require("rates_over_time")
    # One position per period, every period there, so equal steps are equal times.
    at = range(len(rows))
    ax.plot(at, [_percent(r) for _, r, _ in rows], marker="o", color="C2", label="on time")
    ax.plot(at, [_percent(r) for _, _, r in rows], marker="s", color="C3", label="returned")
    ax.set_xticks(at, [f"{s:%d %b}" if by is Period.WEEK else f"{s:%b %Y}" for s, _, _ in rows])
    ax.set_ylim(0, 100)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(100))
    ax.set_title(f"On-time delivery and return rate by {by.value} of placement")
    ax.set_xlabel(f"{by.value} of placement" + (" (from Monday)" if by is Period.WEEK else ""))
    ax.set_ylabel("share of delivered orders")
    ax.legend()
    return ax


def _currency(facts: Sequence[OrderFacts], currency: str | None) -> str:
    """The currency to plot profit in.

    Raises:
        ValidationError: no order has a profit, the orders' profits are in more than one
            currency and none is named, or none is in the one named.
    """
    found = sorted({f.currency for f in facts if f.profit is not None})
    if not found:
        raise ValidationError(
            f"no order of {len(facts)} shipped anything: there is no profit to plot"
        )
    if currency is None:
        if len(found) > 1:
            raise ValidationError(f"profits are in {', '.join(found)}: name the currency to plot")
        return found[0]
    if currency not in found:
        raise ValidationError(
            f"no order has a profit in {currency!r}; profits are in {', '.join(found)}"
        )
    return currency


def _grouped(ax: Axes) -> Callable[[float, int | None], str]:
    """A tick label with thousands grouped and as many decimals as the tick step needs.

    A fixed ``{x:,.0f}`` drew 0, 0, 0, 1, 1 for ticks 0.25 apart (a currency of 3 digits,
    such as KWD, or a small profit); the fewest decimals that write every tick exactly
    are used instead, so 0.25 is 0.25 and 100,000 stays 100,000.
    """

    def label(value: float, _position: int | None) -> str:
        ticks = [float(t) for t in ax.yaxis.get_majorticklocs()]
        steps = [b - a for a, b in itertools.pairwise(sorted(ticks)) if b > a]
        tolerance = min(steps, default=1.0) * 1e-6
        digits = next(
            (d for d in range(7) if all(abs(t - round(t, d)) <= tolerance for t in ticks)), 6
        )
        return f"{value:,.{digits}f}"

    return label


def profit_by_channel(
    measures: OrderMeasures, *, currency: str | None = None, ax: Axes | None = None
) -> Axes:
    """Profit per order by sales channel: a bar for the mean, a point for each order.

    Over the orders that shipped something (see :mod:`salesorder.domain.measures` for what
    profit includes), one bar per channel, channels by code; the points of a channel are its
    orders from the lowest profit to the highest, spread evenly across the bar, so the same
    measures always give the same picture. A line marks zero: points below it lost money.

    Args:
        measures: the measures to draw (their per-order facts).
        currency: the currency to plot; none: the only one the profits are in.
        ax: the Axes to draw on; none: a new figure.

    Raises:
        ValidationError: ``measures`` is not an OrderMeasures, ``ax`` is not an Axes, no
            order has a profit, or the currency is ambiguous or has none (nothing is drawn).
        PlotsUnavailable: matplotlib is not installed.
    """
    instance(measures, OrderMeasures, "measures")
    code = _currency(measures.facts, currency)
    channels: dict[str, list[Decimal]] = {}
    for fact in measures.facts:
        if fact.profit is not None and fact.currency == code:
            channels.setdefault(fact.channel, []).append(fact.profit.amount)
    ax = _axes(ax, "profit_by_channel")
    matplotlib = _require("profit_by_channel")
    names = sorted(channels)
    means = [float(sum(channels[n]) / len(channels[n])) for n in names]
    ax.bar(range(len(names)), means, color="C0", alpha=0.6, label="mean")
    xs: list[float] = []
    ys: list[float] = []
    for i, name in enumerate(names):
        profits = sorted(channels[name])
        step = 0.6 / len(profits)
        xs += [i - 0.3 + step * (k + 0.5) for k in range(len(profits))]
        ys += [float(p) for p in profits]
    ax.scatter(xs, ys, s=8, color="C1", zorder=3, label="order")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(names)), [f"{plain(n)}\n({len(channels[n])})" for n in names])
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_grouped(ax)))
    ax.set_title("Profit per order by channel")
    ax.set_ylabel(f"profit per order ({code})")
    ax.legend()
    return ax
