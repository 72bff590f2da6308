"""Plots for analysts (the ``plots`` extra, matplotlib), and the lifecycle as SVG.

matplotlib, not altair: its figures are static images written where they are made (PNG,
SVG, PDF), with no JavaScript and no CDN, so they work offline, in the docs build as in a
notebook; an altair chart needs the Vega JavaScript in the page, or vl-convert, to become
an image. matplotlib is imported on first use, never by ``import salesorder``.

Each plot draws on the ``ax`` it is given (or on a new figure, made without ``pyplot``) and
returns the Axes; ``ax.figure.savefig(...)`` writes it. Nothing calls ``plt.show()``.

- :func:`cycle_times`, :func:`stage_times`: how long orders take, and where they wait;
- :func:`rates_over_time`: on-time delivery and return rate by week or month;
- :func:`profit_by_channel`: profit per order, by sales channel;
- :func:`allocation_map`: warehouses, customers and the parcels between them, by cost;
- :func:`lifecycle_svg`: the order lifecycle as SVG text (needs no matplotlib).

Without matplotlib a plot raises :class:`PlotsUnavailable` (an ``ImportError``) naming the
extra to install.
"""

from salesorder.plots._matplotlib import PlotsUnavailable
from salesorder.plots.allocation import Parcel, allocation_map, parcels
from salesorder.plots.lifecycle import lifecycle_svg
from salesorder.plots.measures import (
    Period,
    cycle_times,
    profit_by_channel,
    rates_by_period,
    rates_over_time,
    stage_times,
)

__all__ = [
    "Parcel",
    "Period",
    "PlotsUnavailable",
    "allocation_map",
    "cycle_times",
    "lifecycle_svg",
    "parcels",
    "profit_by_channel",
    "rates_by_period",
    "rates_over_time",
    "stage_times",
]
