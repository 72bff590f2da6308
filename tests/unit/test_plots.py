"""The plots (salesorder.plots): what each draws, its refusals, the lifecycle SVG, no extra.

The worked facts are six orders of a shop in IDR, placed in March 2026 (UTC):

- A: web, placed Mon 2 Mar, delivered on time after 2 days, profit Rp100,000.
- B: web, placed Wed 4 Mar, delivered late after 4 days, returned, profit Rp-20,000.
- C: shopee, placed Tue 3 Mar, delivered on time after 1 day (no deadline: on_time None),
  profit Rp50,000.
- D: shopee, placed Mon 16 Mar (nothing placed in the week of 9 Mar), delivered on time
  after 3 days, profit Rp70,000.
- E: shopee, placed Tue 17 Mar, cancelled: no cycle time, no profit.
- F: manual, placed Sun 1 Mar 20:00 UTC (Mon 2 Mar 03:00 in Jakarta), not delivered yet,
  shipped: profit Rp10,000.

By week of placement (UTC): 23 Feb has F (nothing delivered); 2 Mar has A, B, C: on time
1 of 2 with a deadline (C has none), returned 1 of 3 delivered; 9 Mar is empty; 16 Mar has
D and E: on time 1 of 1, returned 0 of 1.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import subprocess
import sys
from collections.abc import Sequence
from xml.etree import ElementTree

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle

from salesorder.domain.allocation import (
    Allocation,
    BackorderLine,
    BatchAllocation,
    CostModel,
    DemandLine,
    OrderDemand,
    Pick,
    Planar,
    allocation_cost,
)
from salesorder.domain.customers import Address, GeoPoint, Warehouse
from salesorder.domain.lifecycle import OrderAction, OrderStatus, drawn_transitions, mermaid
from salesorder.domain.measures import (
    STAGES,
    Durations,
    OrderFacts,
    OrderMeasures,
    Rate,
    StageTime,
)
from salesorder.exceptions import SalesOrderError, ValidationError
from salesorder.money import Money
from salesorder.plots import (
    Period,
    PlotsUnavailable,
    allocation_map,
    cycle_times,
    lifecycle_svg,
    parcels,
    profit_by_channel,
    rates_by_period,
    rates_over_time,
    stage_times,
)
from salesorder.plots.lifecycle import _columns

matplotlib.use("Agg")  # nothing here opens a window; the plots never use pyplot anyway

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
UTC = dt.timezone.utc
JAKARTA = dt.timezone(dt.timedelta(hours=7))
SVG = "{http://www.w3.org/2000/svg}"


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)


def fact(
    order_id: str,
    channel: str,
    placed_at: dt.datetime,
    *,
    cycle: dt.timedelta | None = None,
    on_time: bool | None = None,
    returned: bool = False,
    profit: str | None = None,
    currency: str = "IDR",
    stages: dict[OrderStatus, dt.timedelta] | None = None,
) -> OrderFacts:
    delivered = cycle is not None
    return OrderFacts(
        order_id=order_id,
        currency=currency,
        channel=channel,
        status=OrderStatus.DELIVERED if delivered else OrderStatus.PROCESSING,
        placed_at=placed_at,
        ended_at=None if cycle is None else placed_at + cycle,
        cycle_time=cycle,
        stage_times=stages or {},
        confirmed=True,
        cancelled=False,
        shipped_complete=profit is not None,
        delivered=delivered,
        on_time=on_time,
        returned=returned,
        seller_shipping=Money.zero(currency),
        revenue=None if profit is None else Money.of("500000", currency),
        profit=None if profit is None else Money.of(profit, currency),
    )


def measures_of(facts: Sequence[OrderFacts]) -> OrderMeasures:
    """OrderMeasures over hand-made facts, figured as measure_orders figures them."""
    stages = []
    for status in STAGES:
        spans = [f.stage_times[status] for f in facts if status in f.stage_times]
        if spans:
            stages.append(StageTime(status=status, durations=Durations.of(spans)))
    delivered = [f for f in facts if f.delivered]
    deadline = [f for f in delivered if f.on_time is not None]
    return OrderMeasures(
        orders=len(facts),
        cycle_end=OrderStatus.DELIVERED,
        cycle_time=Durations.of(f.cycle_time for f in facts if f.cycle_time is not None),
        stages=tuple(stages),
        fulfilment=Rate(numerator=0, denominator=0),
        on_time=Rate(numerator=sum(bool(f.on_time) for f in deadline), denominator=len(deadline)),
        returns=Rate(numerator=sum(f.returned for f in delivered), denominator=len(delivered)),
        cancellations=Rate(numerator=0, denominator=len(facts)),
        profit=(),
        turnover=(),
        facts=tuple(facts),
    )


SHOP = [
    fact(
        "A",
        "web",
        at(2),
        cycle=2 * DAY,
        on_time=True,
        profit="100000",
        stages={OrderStatus.NEW: 2 * HOUR, OrderStatus.SHIPPED: 30 * HOUR},
    ),
    fact(
        "B",
        "web",
        at(4),
        cycle=4 * DAY,
        on_time=False,
        returned=True,
        profit="-20000",
        stages={OrderStatus.NEW: 4 * HOUR, OrderStatus.SHIPPED: 60 * HOUR},
    ),
    fact("C", "shopee", at(3), cycle=DAY, profit="50000", stages={OrderStatus.NEW: HOUR}),
    fact("D", "shopee", at(16), cycle=3 * DAY, on_time=True, profit="70000"),
    fact("E", "shopee", at(17)),
    fact("F", "manual", dt.datetime(2026, 3, 1, 20, tzinfo=UTC), profit="10000"),
]


@pytest.fixture
def shop() -> OrderMeasures:
    return measures_of(SHOP)


@pytest.fixture
def ax() -> Axes:
    return Figure().add_subplot()


def svg_of(axes: Axes) -> ElementTree.Element:
    """The figure rendered to SVG bytes (under Agg, no window), parsed."""
    out = io.BytesIO()
    axes.figure.savefig(out, format="svg")
    return ElementTree.fromstring(out.getvalue())  # noqa: S314 - matplotlib's output


# -- times ---------------------------------------------------------------------------------


def test_cycle_times_is_a_histogram_with_the_median_and_p90(shop: OrderMeasures) -> None:
    axes = cycle_times(shop, bins=6)
    bars = [p for p in axes.patches if isinstance(p, Rectangle)]
    assert len(bars) == 6
    assert sum(bar.get_height() for bar in bars) == 4  # A, B, C, D have a cycle time
    median, p90 = axes.get_lines()
    # Cycle times 1, 2, 3, 4 days: the median is 2.5 days, the nearest-rank p90 is 4 days.
    assert median.get_xdata()[0] == 2.5
    assert p90.get_xdata()[0] == 4
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "median 2d 12h",
        "p90 4d",
    ]
    assert axes.get_title() == "Cycle time, placed to delivered (4 orders)"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("days", "orders")
    assert svg_of(axes).tag == f"{SVG}svg"


def test_a_plot_draws_on_the_axes_it_is_given(shop: OrderMeasures, ax: Axes) -> None:
    assert cycle_times(shop, ax=ax) is ax
    assert len(ax.patches) == 20


@pytest.mark.parametrize("bins", [0, -1, True, 2.5, "6", None])
def test_cycle_times_refuses_a_bin_count_that_is_not_a_whole_number(
    shop: OrderMeasures, ax: Axes, bins: object
) -> None:
    with pytest.raises(ValidationError, match=rf"bins must be .*, got {bins!r}"):
        cycle_times(shop, bins=bins, ax=ax)  # type: ignore[arg-type]
    assert not ax.patches  # nothing drawn


def test_cycle_times_refuses_measures_without_a_cycle_time(ax: Axes) -> None:
    undelivered = measures_of([fact("E", "web", at(2))])
    with pytest.raises(ValidationError, match="no order of 1 reached 'delivered'"):
        cycle_times(undelivered, ax=ax)
    assert not ax.patches
    assert not ax.lines


def test_stage_times_draws_one_bar_per_stage_with_its_median_and_p90(
    shop: OrderMeasures,
) -> None:
    axes = stage_times(shop)
    bars = [p for p in axes.patches if isinstance(p, Rectangle)]
    # new: 1h, 2h, 4h (median 2h, p90 4h); shipped: 30h, 60h (median 45h, p90 60h).
    assert [bar.get_width() for bar in bars] == [2, 45]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["new (3)", "shipped (2)"]
    assert [t.get_text() for t in axes.texts] == ["2h", "1d 21h"]
    (p90,) = axes.get_lines()
    assert list(p90.get_xdata()) == [4, 60]
    assert axes.get_xlabel() == "hours"


def test_stage_times_refuses_measures_without_a_finished_stage(ax: Axes) -> None:
    with pytest.raises(ValidationError, match="no order of 1 left a status"):
        stage_times(measures_of([fact("E", "web", at(2))]), ax=ax)
    assert not ax.patches


# -- rates over time -------------------------------------------------------------------------


def test_rates_by_week_count_the_orders_placed_in_each_week() -> None:
    rows = rates_by_period(SHOP, period="week")
    assert [(start, str(on_time), str(returns)) for start, on_time, returns in rows] == [
        (dt.date(2026, 2, 23), "n/a", "n/a"),  # F, not delivered
        (dt.date(2026, 3, 2), "50.0% (1/2)", "33.3% (1/3)"),  # A, B, C
        (dt.date(2026, 3, 9), "n/a", "n/a"),  # nothing placed
        (dt.date(2026, 3, 16), "100.0% (1/1)", "0.0% (0/1)"),  # D, E
    ]


def test_rates_by_period_take_the_day_where_the_timezone_says() -> None:
    # F was placed on Sunday evening in UTC, on Monday morning in Jakarta.
    (first, *_) = rates_by_period(SHOP, period=Period.WEEK, timezone=JAKARTA)
    assert first[0] == dt.date(2026, 3, 2)
    assert first[2].denominator == 3


def test_rates_by_month() -> None:
    rows = rates_by_period(SHOP, period="month")
    assert [
        (start, on_time.denominator, returns.numerator) for start, on_time, returns in rows
    ] == [
        (dt.date(2026, 3, 1), 3, 1),
    ]
    december = fact("X", "web", dt.datetime(2025, 12, 31, 23, tzinfo=UTC), cycle=DAY)
    assert [row[0] for row in rates_by_period([december, *SHOP], period="month")] == [
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]


def test_rates_over_time_draws_two_lines_with_gaps_for_empty_weeks(shop: OrderMeasures) -> None:
    axes = rates_over_time(shop)
    on_time, returned = axes.get_lines()
    assert (on_time.get_label(), returned.get_label()) == ("on time", "returned")
    assert _same(on_time.get_ydata(), [math.nan, 50, math.nan, 100])
    assert _same(returned.get_ydata(), [math.nan, 100 / 3, math.nan, 0])
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        "23 Feb",
        "02 Mar",
        "09 Mar",
        "16 Mar",
    ]
    assert axes.get_title() == "On-time delivery and return rate by week of placement"
    assert axes.get_ylim() == (0, 100)
    svg_of(axes)


def _same(values: Sequence[float], expected: Sequence[float]) -> bool:
    return len(values) == len(expected) and all(
        (math.isnan(v) and math.isnan(e)) or v == pytest.approx(e)
        for v, e in zip(values, expected, strict=True)
    )


def test_rates_over_time_by_month_labels_the_months(shop: OrderMeasures) -> None:
    axes = rates_over_time(shop, period=Period.MONTH)
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Mar 2026"]


@pytest.mark.parametrize("period", ["day", "weekly", 7])
def test_rates_refuse_an_unknown_period(shop: OrderMeasures, ax: Axes, period: object) -> None:
    with pytest.raises(
        ValidationError, match=rf"period must be one of 'week', 'month', got {period!r}"
    ):
        rates_over_time(shop, period=period, ax=ax)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="period must be one of"):
        rates_by_period(SHOP, period=period)  # type: ignore[arg-type]
    assert not ax.lines


def test_rates_over_time_refuses_measures_without_a_delivery(ax: Axes) -> None:
    with pytest.raises(ValidationError, match="no order of 1 was delivered"):
        rates_over_time(measures_of([fact("E", "web", at(2))]), ax=ax)
    assert not ax.lines


placements = st.datetimes(
    # hypothesis takes naive bounds and puts the timezone on what it draws
    min_value=dt.datetime(2025, 11, 1),  # noqa: DTZ001
    max_value=dt.datetime(2026, 4, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@st.composite
def some_facts(draw: st.DrawFn) -> list[OrderFacts]:
    found = []
    for i in range(draw(st.integers(0, 25))):
        delivered = draw(st.booleans())
        found.append(
            fact(
                f"O{i}",
                "web",
                draw(placements),
                cycle=DAY if delivered else None,
                on_time=draw(st.none() | st.booleans()) if delivered else None,
                returned=delivered and draw(st.booleans()),
            )
        )
    return found


@given(facts=some_facts(), period=st.sampled_from(Period))
def test_the_periods_are_consecutive_and_add_up_to_the_whole(
    facts: list[OrderFacts], period: Period
) -> None:
    rows = rates_by_period(facts, period=period)
    delivered = [f for f in facts if f.delivered]
    assert sum(r.denominator for _, _, r in rows) == len(delivered)
    assert sum(r.numerator for _, _, r in rows) == sum(f.returned for f in delivered)
    assert sum(o.denominator for _, o, _ in rows) == sum(f.on_time is not None for f in delivered)
    assert sum(o.numerator for _, o, _ in rows) == sum(f.on_time is True for f in delivered)
    starts = [start for start, _, _ in rows]
    if facts:
        assert starts[0] <= min(f.placed_at.date() for f in facts)
        assert max(f.placed_at.date() for f in facts) < _next(starts[-1], period)
    for before, after in itertools.pairwise(starts):
        assert after == _next(before, period)


def _next(start: dt.date, period: Period) -> dt.date:
    if period is Period.WEEK:
        return start + dt.timedelta(days=7)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


# -- profit by channel -----------------------------------------------------------------------


def test_profit_by_channel_draws_a_bar_per_channel_and_a_point_per_order(
    shop: OrderMeasures,
) -> None:
    axes = profit_by_channel(shop)
    bars = [p for p in axes.patches if isinstance(p, Rectangle)]
    # manual: F 10,000; shopee: C 50,000 and D 70,000; web: A 100,000 and B -20,000.
    assert [bar.get_height() for bar in bars] == [10000, 60000, 40000]
    assert [t.get_text() for t in axes.get_xticklabels()] == [
        "manual\n(1)",
        "shopee\n(2)",
        "web\n(2)",
    ]
    (points,) = [c for c in axes.collections if isinstance(c, PathCollection)]
    assert sorted(y for _, y in points.get_offsets()) == [-20000, 10000, 50000, 70000, 100000]
    assert axes.get_ylabel() == "profit per order (IDR)"
    assert axes.get_title() == "Profit per order by channel"
    svg_of(axes)


def test_profit_by_channel_needs_the_currency_named_when_there_are_several(ax: Axes) -> None:
    mixed = measures_of([*SHOP, fact("V", "web", at(5), profit="12.50", currency="VND")])
    with pytest.raises(ValidationError, match="profits are in IDR, VND: name the currency"):
        profit_by_channel(mixed, ax=ax)
    with pytest.raises(
        ValidationError, match="no order has a profit in 'EUR'; profits are in IDR, VND"
    ):
        profit_by_channel(mixed, currency="EUR", ax=ax)
    assert not ax.patches
    profit_by_channel(mixed, currency="VND", ax=ax)
    assert [bar.get_height() for bar in ax.patches] == [12.5]


def test_profit_by_channel_refuses_measures_without_a_profit(ax: Axes) -> None:
    with pytest.raises(ValidationError, match="no order of 1 shipped anything"):
        profit_by_channel(measures_of([fact("E", "web", at(2))]), ax=ax)
    assert not ax.patches


# -- allocation map --------------------------------------------------------------------------


def warehouse(code: str, lat: str | None, lon: str = "0") -> Warehouse:
    return Warehouse(
        code=code,
        name=code,
        address=Address(line1="Jl. Gudang 1", city="Jakarta", country="ID"),
        coordinates=None if lat is None else GeoPoint(latitude=lat, longitude=lon),
    )


def demand(order_id: str, lat: str | None, lon: str = "0", zone: str = "") -> OrderDemand:
    return OrderDemand(
        order_id=order_id,
        lines=[DemandLine(line_id="1", sku="TEE", quantity=4)],
        destination=None if lat is None else GeoPoint(latitude=lat, longitude=lon),
        zone=zone,
    )


def pick(warehouse: str, units: int, line: str = "1") -> Pick:
    return Pick(line_id=line, sku="TEE", warehouse=warehouse, quantity=units)


WAREHOUSES = [warehouse("JKT", "-6.2", "106.8"), warehouse("SBY", "-7.3", "112.8")]
ORDERS = [
    demand("SO-1", "-6.9", "107.6"),  # Bandung: split over both warehouses
    demand("SO-2", "-7.25", "112.7"),  # Surabaya
    demand("SO-3", "-6.2", "106.9"),  # Jakarta: half backordered
]
BATCH = BatchAllocation(
    allocations=[
        Allocation(order_id="SO-1", strategy="test", picks=[pick("JKT", 3), pick("SBY", 1)]),
        Allocation(order_id="SO-2", strategy="test", picks=[pick("SBY", 2), pick("SBY", 2, "2")]),
        Allocation(
            order_id="SO-3",
            strategy="test",
            picks=[pick("JKT", 2)],
            backorders=[BackorderLine(line_id="1", sku="TEE", quantity=2)],
        ),
    ]
)


def test_parcels_are_one_per_order_and_warehouse_and_add_up_to_the_cost() -> None:
    cost = CostModel(per_parcel="10", per_unit="1", per_unit_km="0.01")
    found = parcels(BATCH, ORDERS, WAREHOUSES, cost=cost)
    assert [(p.order_id, p.warehouse, p.units) for p in found] == [
        ("SO-1", "JKT", 3),
        ("SO-1", "SBY", 1),
        ("SO-2", "SBY", 4),
        ("SO-3", "JKT", 2),
    ]
    # SO-3 is about 0 km from JKT: one parcel of 2 units costs 10 + 2 * 1 plus the km.
    assert found[3].cost == pytest.approx(12, abs=0.5)
    total = allocation_cost(BATCH.allocations, ORDERS, WAREHOUSES, cost=cost)
    assert sum(p.cost for p in found) == pytest.approx(total)


@st.composite
def allocations(draw: st.DrawFn) -> list[Allocation]:
    found = []
    for order in ORDERS:
        picks = draw(
            st.lists(
                st.tuples(st.sampled_from(["JKT", "SBY"]), st.integers(1, 9)),
                max_size=4,
            )
        )
        found.append(
            Allocation(
                order_id=order.order_id,
                strategy="test",
                picks=[pick(w, units, str(i)) for i, (w, units) in enumerate(picks, 1)],
            )
        )
    return found


@given(batch=allocations())
def test_parcels_split_every_allocation_by_warehouse_without_losing_a_unit_or_a_cost(
    batch: list[Allocation],
) -> None:
    found = parcels(batch, ORDERS, WAREHOUSES)
    pairs = {(a.order_id, p.warehouse) for a in batch for p in a.picks}
    assert [(p.order_id, p.warehouse) for p in found] == list(
        dict.fromkeys((a.order_id, p.warehouse) for a in batch for p in a.picks)
    )
    assert len(found) == len(pairs)
    assert sum(p.units for p in found) == sum(a.units_allocated for a in batch)
    assert sum(p.cost for p in found) == pytest.approx(allocation_cost(batch, ORDERS, WAREHOUSES))


def test_the_allocation_map_draws_an_arc_per_parcel_coloured_by_its_cost() -> None:
    axes = allocation_map(BATCH, ORDERS, WAREHOUSES)
    arcs = [p for p in axes.patches if isinstance(p, FancyArrowPatch)]
    found = parcels(BATCH, ORDERS, WAREHOUSES)
    assert len(arcs) == len(found) == 4
    dearest = max(range(4), key=lambda i: found[i].cost)
    cheapest = min(range(4), key=lambda i: found[i].cost)
    viridis = matplotlib.colormaps["viridis"]
    assert arcs[dearest].get_edgecolor() == to_rgba(viridis(1.0))
    assert arcs[cheapest].get_edgecolor() == to_rgba(viridis(0.0))
    points = {c.get_label(): len(c.get_offsets()) for c in axes.collections}
    assert points == {"customer": 2, "backordered": 1, "warehouse": 2}
    assert [t.get_text() for t in axes.texts] == ["JKT", "SBY"]
    assert axes.get_title() == (
        f"Allocation: 3 orders, 4 parcels, planning cost {sum(p.cost for p in found):,.0f}"
    )
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("longitude", "latitude")
    colorbar = axes.figure.axes[1]
    assert colorbar.get_ylabel() == "planning cost per parcel"
    svg_of(axes)


def test_the_allocation_map_places_a_planar_model_by_its_positions() -> None:
    cost = CostModel(
        distance=Planar(positions={"JKT": ("0", "0"), "SBY": ("10", "0"), "Z1": ("3", "4")})
    )
    orders = [demand("SO-1", None, zone="Z1")]
    batch = [Allocation(order_id="SO-1", strategy="test", picks=[pick("JKT", 4)])]
    axes = allocation_map(
        batch, orders, [warehouse("JKT", None), warehouse("SBY", None)], cost=cost
    )
    (arc,) = [p for p in axes.patches if isinstance(p, FancyArrowPatch)]
    customer = next(c for c in axes.collections if c.get_label() == "customer")
    assert [tuple(xy) for xy in customer.get_offsets()] == [(3, 4)]
    assert axes.get_xlabel() == "x (km)"
    # 5 km from JKT at (0, 0) to Z1 at (3, 4): 10 per parcel + 4 units * (1 + 0.01 * 5 km).
    assert axes.get_title() == "Allocation: 1 order, 1 parcel, planning cost 14"
    assert arc.get_edgecolor() == to_rgba(matplotlib.colormaps["viridis"](0.0))


@pytest.mark.parametrize(
    ("orders", "warehouses", "colormap", "message"),
    [
        (
            ORDERS,
            [*WAREHOUSES, warehouse("MDN", None)],
            "viridis",
            "warehouse 'MDN' has no coordinates",
        ),
        ([*ORDERS, demand("SO-9", None)], WAREHOUSES, "viridis", "order 'SO-9' has no destination"),
        (ORDERS[:2], WAREHOUSES, "viridis", "order 'SO-3' is allocated but not among the orders"),
        (ORDERS, WAREHOUSES[:1], "viridis", "warehouse 'SBY', which is not among the warehouses"),
        (ORDERS, WAREHOUSES, "rainbowish", "colormap 'rainbowish' is not one of matplotlib's"),
    ],
)
def test_the_allocation_map_refuses_what_it_cannot_place(
    ax: Axes,
    orders: list[OrderDemand],
    warehouses: list[Warehouse],
    colormap: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        allocation_map(BATCH, orders, warehouses, colormap=colormap, ax=ax)
    assert not ax.patches  # nothing drawn
    assert not ax.collections


def test_a_planar_map_refuses_a_place_without_a_position(ax: Axes) -> None:
    cost = CostModel(distance=Planar(positions={"JKT": ("0", "0")}))
    batch = [Allocation(order_id="SO-1", strategy="test", picks=[pick("JKT", 4)])]
    with pytest.raises(ValidationError, match="the zone 'Z1' of order 'SO-1' has no position"):
        allocation_map(
            batch, [demand("SO-1", None, zone="Z1")], [warehouse("JKT", None)], cost=cost, ax=ax
        )
    with pytest.raises(ValidationError, match="warehouse 'SBY' has no position"):
        allocation_map(
            batch,
            [demand("SO-1", None, zone="JKT")],
            [warehouse("JKT", None), warehouse("SBY", None)],
            cost=cost,
            ax=ax,
        )
    assert not ax.patches


# -- hostile input: refused by a typed error naming the argument, nothing drawn ------------


def render(axes: Axes) -> None:
    """Draw the figure as saving it does (text is laid out, math parsed)."""
    axes.figure.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize(
    "plot", [cycle_times, stage_times, rates_over_time, profit_by_channel], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("measures", [None, SHOP, "measures"])
def test_a_plot_of_measures_refuses_anything_else(ax: Axes, plot: object, measures: object) -> None:
    with pytest.raises(ValidationError, match=r"measures must be an OrderMeasures, got "):
        plot(measures, ax=ax)  # type: ignore[operator]
    assert not ax.patches
    assert not ax.lines


@pytest.mark.parametrize(
    "plot",
    [
        lambda ax: cycle_times(measures_of(SHOP), ax=ax),
        lambda ax: stage_times(measures_of(SHOP), ax=ax),
        lambda ax: rates_over_time(measures_of(SHOP), ax=ax),
        lambda ax: profit_by_channel(measures_of(SHOP), ax=ax),
        lambda ax: allocation_map(BATCH, ORDERS, WAREHOUSES, ax=ax),
    ],
)
def test_a_plot_refuses_an_ax_that_is_not_an_axes(plot: object) -> None:
    figure = Figure()
    with pytest.raises(ValidationError, match=r"the ax of \w+ must be an Axes, got <Figure"):
        plot(figure)  # type: ignore[operator]
    assert not figure.axes  # nothing drawn on it


def test_cycle_times_refuses_more_bins_than_it_can_show(shop: OrderMeasures, ax: Axes) -> None:
    for bins in (10_001, 10**12):  # a histogram of 10**12 bars would exhaust the memory
        with pytest.raises(
            ValidationError, match=f"bins must be a whole number from 1 to 10,000, got {bins}"
        ):
            cycle_times(shop, bins=bins, ax=ax)
    assert not ax.patches


@pytest.mark.parametrize("timezone", [None, "Asia/Jakarta", 7])
def test_rates_refuse_a_timezone_that_is_not_a_tzinfo(
    shop: OrderMeasures, ax: Axes, timezone: object
) -> None:
    # None would be the machine's own time zone: the weeks would move with the machine.
    with pytest.raises(ValidationError, match=rf"timezone must be a tzinfo, got {timezone!r}"):
        rates_by_period(SHOP, timezone=timezone)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="timezone must be a tzinfo"):
        rates_over_time(shop, timezone=timezone, ax=ax)  # type: ignore[arg-type]
    assert not ax.lines


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (None, "facts must be an iterable of OrderFacts, got None"),
        (SHOP[0], "facts must be an iterable of OrderFacts, got OrderFacts"),
        ("week", "facts must be an iterable of OrderFacts, got 'week'"),
        ([*SHOP, "X"], "each of facts must be an OrderFacts, got 'X'"),
    ],
)
def test_rates_by_period_refuse_what_is_not_facts(facts: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        rates_by_period(facts)  # type: ignore[arg-type]


def test_rates_by_period_refuse_a_naive_placement_time() -> None:
    # Read in the machine's local time, it would fall in another week on another machine.
    naive = fact("N", "web", dt.datetime(2026, 3, 1, 23), cycle=DAY)  # noqa: DTZ001
    with pytest.raises(
        ValidationError, match="the placement time of order 'N' must be timezone-aware"
    ):
        rates_by_period([*SHOP, naive], timezone=JAKARTA)


def test_profit_ticks_keep_the_decimals_a_three_digit_currency_needs() -> None:
    kwd = measures_of(
        [
            fact("A", "web", at(2), profit="0.125", currency="KWD"),
            fact("B", "web", at(3), profit="1.375", currency="KWD"),
        ]
    )
    axes = profit_by_channel(kwd)
    render(axes)
    ticks = [t.get_text() for t in axes.get_yticklabels()]
    assert len(set(ticks)) == len(ticks)  # no two ticks read the same (0, 0, 1, 1 before)
    assert "0.2" in ticks or "0.25" in ticks
    idr = profit_by_channel(measures_of(SHOP))
    render(idr)
    assert "100,000" in [t.get_text() for t in idr.get_yticklabels()]


@settings(max_examples=20, deadline=None)  # each example draws a figure
@given(
    amounts=st.lists(
        st.decimals(min_value=-(10**13), max_value=10**13, places=3), min_size=1, max_size=6
    )
)
def test_profit_ticks_are_distinct_for_any_amounts(amounts: list[object]) -> None:
    facts = [
        fact(f"O{i}", "web", at(2), profit=str(a), currency="KWD") for i, a in enumerate(amounts)
    ]
    axes = profit_by_channel(measures_of(facts))
    render(axes)
    ticks = [t.get_text() for t in axes.get_yticklabels()]
    assert len(set(ticks)) == len(ticks)


def test_user_text_is_drawn_as_written_not_as_math() -> None:
    # "$\frac$" is broken math: drawn as math, saving the figure fails.
    odd = measures_of([fact("A", "$\\frac$", at(2), profit="100"), *SHOP])
    axes = profit_by_channel(odd)
    render(axes)
    assert axes.get_xticklabels()[0].get_text() == "\\$\\frac\\$\n(1)"  # a literal $ each
    shops = [warehouse("W$1$", "-6.2", "106.8"), warehouse("SBY", "-7.3", "112.8")]
    batch = [Allocation(order_id="SO-2", strategy="test", picks=[pick("W$1$", 4)])]
    drawn = allocation_map(batch, ORDERS[1:2], shops)
    render(drawn)
    assert [t.get_text() for t in drawn.texts] == ["W\\$1\\$", "SBY"]


def test_an_empty_allocation_map_draws_an_empty_map() -> None:
    axes = allocation_map([], [], [])
    assert axes.get_title() == "Allocation: 0 orders, 0 parcels, planning cost 0"
    assert axes.get_legend() is None
    render(axes)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ((None, ORDERS, WAREHOUSES), "allocations must be an iterable of Allocation, got None"),
        ((["SO-1"], ORDERS, WAREHOUSES), "each of allocations must be an Allocation, got 'SO-1'"),
        ((BATCH, None, WAREHOUSES), "orders must be an iterable of OrderDemand, got None"),
        ((BATCH, ORDERS, "JKT"), "warehouses must be an iterable of Warehouse, got 'JKT'"),
        ((BATCH, ORDERS, ["JKT"]), "each of warehouses must be a Warehouse, got 'JKT'"),
    ],
)
def test_parcels_and_the_map_refuse_arguments_of_the_wrong_type(
    ax: Axes, arguments: tuple[object, object, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        parcels(*arguments)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=message):
        allocation_map(*arguments, ax=ax)  # type: ignore[arg-type]
    assert not ax.patches


@pytest.mark.parametrize("cost", ["lowest", 0, {}])
def test_parcels_and_the_map_refuse_a_cost_that_is_not_a_cost_model(ax: Axes, cost: object) -> None:
    with pytest.raises(ValidationError, match=rf"cost must be a CostModel, got {cost!r}"):
        parcels(BATCH, ORDERS, WAREHOUSES, cost=cost)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="cost must be a CostModel"):
        allocation_map(BATCH, ORDERS, WAREHOUSES, cost=cost, ax=ax)  # type: ignore[arg-type]
    assert not ax.patches


@pytest.mark.parametrize("colormap", [None, ["viridis"], 3])
def test_the_map_refuses_a_colormap_that_is_not_a_name(ax: Axes, colormap: object) -> None:
    with pytest.raises(ValidationError, match=r"colormap .* is not one of matplotlib's"):
        allocation_map(BATCH, ORDERS, WAREHOUSES, colormap=colormap, ax=ax)  # type: ignore[arg-type]
    assert not ax.patches


# -- the lifecycle as SVG --------------------------------------------------------------------


def test_the_lifecycle_svg_has_a_node_per_status_and_a_labelled_edge_per_move() -> None:
    text = lifecycle_svg()
    root = ElementTree.fromstring(text.encode())  # noqa: S314 - our own output
    nodes = root.findall(f".//{SVG}g[@data-status]")
    assert sorted(n.get("data-status") for n in nodes) == sorted(s.value for s in OrderStatus)
    assert all(n.find(f"{SVG}text").text == n.get("data-status") for n in nodes)
    edges = [
        (e.get("data-from"), e.get("data-to"))
        for e in root.iter(f"{SVG}path")
        if e.get("class") == "edge"
    ]
    labels = {
        (t.get("data-from"), t.get("data-to")): t.text
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "edge-label"
    }
    drawn = drawn_transitions()
    assert edges == [(a.value, b.value) for a, b, _ in drawn]
    assert len(labels) == len(drawn)
    assert labels["new", "confirmed"] == "confirm*"  # a guard: listed under the drawing
    assert labels["processing", "confirmed"] == "unreserve"
    assert labels["partly_shipped", "partly_shipped"] == "reserve / ship_part*"
    assert labels["on_hold", "processing"] == "release*"
    notes = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "note"]
    assert "confirm*: has lines, an address and a current price" in notes
    assert "release*: back to where it was held" in notes
    assert "<script" not in text
    assert "href" not in text.replace("url(#arrow)", "")  # nothing to fetch


def test_a_row_left_empty_by_the_lanes_takes_no_columns() -> None:
    # A table whose every status of a row is reached by moves that skip rows leaves that
    # row empty once those statuses move under the lanes; it used to divide by zero.
    rows = [[OrderStatus.NEW], [], [OrderStatus.CONFIRMED]]
    edges = [(OrderStatus.NEW, OrderStatus.CONFIRMED, (OrderAction.CONFIRM,))]
    assert _columns(rows, edges) == {OrderStatus.NEW: 0.0, OrderStatus.CONFIRMED: 0.0}


def test_the_svg_and_the_mermaid_text_draw_the_same_moves() -> None:
    lines = [line.strip() for line in mermaid().splitlines()[1:] if "[*]" not in line]
    root = ElementTree.fromstring(lifecycle_svg().encode())  # noqa: S314 - our own output
    svg = {
        (t.get("data-from"), t.get("data-to")): t.text.replace("*", "").split(" / ")
        for t in root.iter(f"{SVG}text")
        if t.get("class") == "edge-label"
    }
    text = {}
    for line in lines:
        edge, label = line.split(": ", 1)
        before, after = edge.split(" --> ")
        text[before, after] = [part.split(" [")[0] for part in label.split(" / ")]
    assert svg == text


def test_the_lifecycle_svg_is_the_same_in_every_process() -> None:
    code = (
        "import sys; from salesorder.plots import lifecycle_svg; sys.stdout.write(lifecycle_svg())"
    )
    runs = {
        subprocess.run(  # noqa: S603 - this interpreter, and code written here
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {lifecycle_svg()}


# -- without matplotlib ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "plot",
    [
        lambda: cycle_times(measures_of(SHOP)),
        lambda: stage_times(measures_of(SHOP)),
        lambda: rates_over_time(measures_of(SHOP)),
        lambda: profit_by_channel(measures_of(SHOP)),
        lambda: allocation_map(BATCH, ORDERS, WAREHOUSES),
    ],
)
def test_without_matplotlib_a_plot_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, plot: object
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now raises ImportError
    with pytest.raises(
        PlotsUnavailable, match=r"needs matplotlib: pip install 'salesorder\[plots\]'"
    ) as error:
        plot()  # type: ignore[operator]
    assert isinstance(error.value, ImportError)
    assert isinstance(error.value, SalesOrderError)
    assert lifecycle_svg().startswith("<?xml")  # the SVG needs no matplotlib


def test_importing_the_plots_does_not_import_matplotlib() -> None:
    code = "import sys, salesorder, salesorder.plots; print('matplotlib' in sys.modules)"
    out = subprocess.run(  # noqa: S603 - this interpreter, and code written here
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == "False\n"
