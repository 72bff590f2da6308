"""The measures: worked examples on hand-built orders, properties, the CLI and the generator.

The worked example is seven orders placed at T0 (2026-03-02 09:00 UTC), each of one line of
2 units at Rp100,000 (tax excluded, no tax) costing Rp60,000 each, so a line's profit is
Rp80,000. Hours after T0:

- A: confirmed 1, reserved 3, shipped 5, delivered 29, completed 53; asked for 2026-03-03.
- B: confirmed 2, reserved 4, shipped 10, delivered 58, 1 unit returned 70; asked for
  2026-03-03 (late).
- C: confirmed 1, cancelled 2.
- D: never confirmed.
- E: confirmed 1, reserved 2, shipped 4, failed 30, reattempted 44, delivered 50; the seller
  paid Rp12,000 shipping; no date asked.
- F: confirmed 1, reserved 2, shipped 3, failed 20, returned to sender 40.
- G: confirmed 1, reserved 2, not shipped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import salesorder
from salesorder.cli import main
from salesorder.domain.allocation import Pick
from salesorder.domain.channels import Channel
from salesorder.domain.customers import Address
from salesorder.domain.inventory import MovementKind, StockMovement
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures import (
    Durations,
    OrderMeasures,
    Rate,
    inventory_turnover,
    measure_orders,
    nearest_rank,
)
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import Discount, LineToPrice, TaxMode, price_lines
from salesorder.domain.shipping import FeePayer, ServiceLevel, Shipment
from salesorder.exceptions import ValidationError
from salesorder.money import Money, RoundingPolicy
from salesorder.services.measures import measure
from salesorder.testing.generate import generate_month

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")
H = dt.timedelta(hours=1)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def at(hours: float) -> dt.datetime:
    return T0 + hours * H


def new_order(
    order_id: str,
    *,
    quantity: int = 2,
    price: str = "100000",
    cost: str = "60000",
    requested: dt.date | None = None,
    discount: Discount | None = None,
) -> Order:
    order = Order.new(
        id=order_id,
        channel=Channel.web(),
        customer_id="C1",
        currency="IDR",
        placed_at=T0,
        lines=[
            OrderLine(
                line_id="1",
                sku="X",
                quantity=quantity,
                unit_price=idr(price),
                unit_cost=idr(cost),
                discount=discount,
            )
        ],
        shipping_address=ADDRESS,
        tax_mode=TaxMode.EXCLUDED,
        payment_method=PaymentMethod.ON_ACCOUNT,
        requested_delivery_date=requested,
    )
    order.apply_pricing(
        price_lines(
            [
                LineToPrice(
                    line_id=line.line_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    unit_cost=line.unit_cost,
                    discount=line.discount,
                )
                for line in order.lines
            ],
            currency="IDR",
            tax_mode=TaxMode.EXCLUDED,
            policy=RoundingPolicy(),
        )
    )
    return order


def shipped(order: Order, *, confirmed: float, reserved: float, ship: float) -> Order:
    order.confirm(at(confirmed))
    order.mark_reserved("JKT-1", at(reserved))
    order.mark_shipped(f"SHP-{order.id}", at(ship))
    return order


def complete(order: Order, hours: float) -> None:
    order.record_payment(order.balance_due, PaymentMethod.BANK_TRANSFER)
    order.complete(at(hours))


def seller_shipment(order_id: str, fee: str) -> Shipment:
    return Shipment(
        id=f"SHP-{order_id}",
        order_id=order_id,
        warehouse="JKT-1",
        courier="jnt",
        service=ServiceLevel.ECONOMY,
        tracking_number="JNT1",
        label="",
        fee=idr(fee),
        fee_payer=FeePayer.SELLER,
        weight_kg=Decimal(1),
    )


def example_orders() -> list[Order]:
    march_3 = dt.date(2026, 3, 3)
    a = shipped(new_order("A", requested=march_3), confirmed=1, reserved=3, ship=5)
    a.mark_delivered(at(29))
    complete(a, 53)
    b = shipped(new_order("B", requested=march_3), confirmed=2, reserved=4, ship=10)
    b.mark_delivered(at(58))
    b.record_return({"1": 1}, at(70))
    c = new_order("C")
    c.confirm(at(1))
    c.cancel(at(2))
    d = new_order("D")
    e = shipped(new_order("E"), confirmed=1, reserved=2, ship=4)
    e.fail_delivery(at(30))
    e.reattempt_delivery(at(44))
    e.mark_delivered(at(50))
    f = shipped(new_order("F"), confirmed=1, reserved=2, ship=3)
    f.fail_delivery(at(20))
    f.return_to_sender(at(40))
    g = new_order("G")
    g.confirm(at(1))
    g.mark_reserved("JKT-1", at(2))
    return [a, b, c, d, e, f, g]


@pytest.fixture
def measures() -> OrderMeasures:
    return measure_orders(example_orders(), shipments=[seller_shipment("E", "12000")])


# -- percentiles and medians -------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        (list(range(1, 11)), 90, 9),
        (list(range(1, 12)), 90, 10),
        ([7], 90, 7),
        ([3, 1, 2], 90, 3),
        ([3, 1, 2], 50, 2),
        ([5, 1, 4, 2], 50, 2),
        (list(range(1, 101)), 90, 90),
        ([1, 2], 100, 2),
        ([1, 2], 1, 1),
    ],
)
def test_nearest_rank_examples(values: list[int], percent: int, expected: int) -> None:
    assert nearest_rank(values, percent) == expected


def test_nearest_rank_refuses_no_values_and_bad_percents() -> None:
    with pytest.raises(ValidationError, match="at least one value"):
        nearest_rank([], 90)
    with pytest.raises(ValidationError, match="between 1 and 100, got 0"):
        nearest_rank([1], 0)
    with pytest.raises(ValidationError, match="got 101"):
        nearest_rank([1], 101)


@given(st.lists(st.integers(-1000, 1000), min_size=1), st.integers(1, 100))
def test_nearest_rank_is_the_smallest_value_with_enough_at_or_below(
    values: list[int], percent: int
) -> None:
    result = nearest_rank(values, percent)
    needed = -(-percent * len(values) // 100)
    assert result in values
    assert sum(v <= result for v in values) >= needed
    assert sum(v < result for v in values) < needed


def test_durations_median_of_an_even_count_is_the_mean_of_the_middle_two() -> None:
    spans = Durations.of([4 * H, H, 2 * H, 8 * H])
    assert spans == Durations(count=4, median=3 * H, p90=8 * H)
    odd = Durations.of([dt.timedelta(microseconds=1), dt.timedelta(microseconds=2)])
    # 1.5 microseconds rounds half-even to 2.
    assert odd.median == dt.timedelta(microseconds=2)
    assert Durations.of([]) == Durations(count=0, median=None, p90=None)


def test_rates_are_fractions_and_refuse_impossible_counts() -> None:
    assert Rate(numerator=1, denominator=4).value == Decimal("0.25")
    assert str(Rate(numerator=1, denominator=8)) == "12.5% (1/8)"
    assert Rate(numerator=0, denominator=0).value is None
    assert str(Rate(numerator=0, denominator=0)) == "n/a"
    with pytest.raises(ValidationError, match="3/2"):
        Rate(numerator=3, denominator=2)


# -- the worked example ----------------------------------------------------------------


def test_cycle_time_runs_from_placement_to_the_first_delivery(measures: OrderMeasures) -> None:
    # A 29h, B 58h, E 50h (delivered after a failed attempt): median 50h, p90 rank 3 = 58h.
    assert measures.cycle_time == Durations(count=3, median=50 * H, p90=58 * H)
    completed = measure_orders(example_orders(), cycle_end=OrderStatus.COMPLETED)
    assert completed.cycle_time == Durations(count=1, median=53 * H, p90=53 * H)


def test_time_in_each_stage_counts_finished_visits(measures: OrderMeasures) -> None:
    stages = {stage.status: stage.durations for stage in measures.stages}
    assert stages == {
        # A 1, B 2, C 1, E 1, F 1, G 1 (D is still new): median 1h, p90 rank 6 = 2h.
        OrderStatus.NEW: Durations(count=6, median=H, p90=2 * H),
        # A 2, B 2, C 1, E 1, F 1, G 1.
        OrderStatus.CONFIRMED: Durations(count=6, median=H, p90=2 * H),
        # A 2, B 6, E 2, F 1 (G is still processing).
        OrderStatus.PROCESSING: Durations(count=4, median=2 * H, p90=6 * H),
        # A 24, B 48, E 26, F 17: median (24 + 26) / 2.
        OrderStatus.SHIPPED: Durations(count=4, median=25 * H, p90=48 * H),
        OrderStatus.IN_TRANSIT: Durations(count=1, median=6 * H, p90=6 * H),
        # E 14, F 20.
        OrderStatus.FAILED_DELIVERY: Durations(count=2, median=17 * H, p90=20 * H),
        # A 24 (then completed), B 12 (then partly returned); E is still delivered.
        OrderStatus.DELIVERED: Durations(count=2, median=18 * H, p90=24 * H),
    }
    assert [stage.status for stage in measures.stages] == list(stages)


def test_entries_that_keep_the_status_do_not_end_a_visit() -> None:
    # 3 units from three warehouses: the first two parcels leave at 5h and 8h (partly shipped
    # twice in the history), the last one at 12h (shipped).
    def split_order(order_id: str) -> Order:
        order = new_order(order_id, quantity=3)
        order.confirm(at(1))
        picks = [Pick(line_id="1", sku="X", warehouse=w, quantity=1) for w in ("W1", "W2", "W3")]
        order.mark_reserved("W1", at(2), picks=picks)
        order.mark_shipped("S1", at(5), warehouse="W1")
        order.mark_shipped("S2", at(8), warehouse="W2")
        return order

    waiting, done = split_order("A"), split_order("B")
    done.mark_shipped("S3", at(12), warehouse="W3")
    assert [entry.status for entry in waiting.history][-2:] == [OrderStatus.PARTLY_SHIPPED] * 2
    # A is still partly shipped: its visit is not finished and does not count.
    result = measure_orders([waiting, done])
    stages = {stage.status: stage.durations for stage in result.stages}
    assert stages[OrderStatus.PARTLY_SHIPPED] == Durations(count=1, median=7 * H, p90=7 * H)
    assert OrderStatus.PARTLY_SHIPPED not in result.facts[0].stage_times


def test_the_rates(measures: OrderMeasures) -> None:
    # Confirmed and not cancelled: A, B, E, F, G; all but G reached shipped.
    assert measures.fulfilment == Rate(numerator=4, denominator=5)
    # Delivered with a requested date: A on time (2026-03-03 14:00), B late (03-04 19:00).
    assert measures.on_time == Rate(numerator=1, denominator=2)
    # Delivered: A, B, E; B sent a unit back. F came back undelivered: not a return.
    assert measures.returns == Rate(numerator=1, denominator=3)
    assert measures.cancellations == Rate(numerator=1, denominator=7)


def test_a_promised_lead_time_gives_orders_without_a_date_a_deadline() -> None:
    # E, delivered 50h after placement, with no date asked for.
    on_time = measure_orders(example_orders(), promised_lead_time=72 * H).on_time
    late = measure_orders(example_orders(), promised_lead_time=48 * H).on_time
    assert on_time == Rate(numerator=2, denominator=3)
    assert late == Rate(numerator=1, denominator=3)


def test_a_requested_date_is_a_day_in_the_given_timezone() -> None:
    order = shipped(new_order("A", requested=dt.date(2026, 3, 3)), confirmed=1, reserved=3, ship=5)
    order.mark_delivered(dt.datetime(2026, 3, 3, 20, 0, tzinfo=dt.timezone.utc))
    assert measure_orders([order]).on_time == Rate(numerator=1, denominator=1)
    # 20:00 UTC is already 4 March in Jakarta (UTC+7): late there.
    jakarta = dt.timezone(dt.timedelta(hours=7))
    assert measure_orders([order], timezone=jakarta).on_time == Rate(numerator=0, denominator=1)


def test_profit_per_order(measures: OrderMeasures) -> None:
    # A 80,000; B keeps 1 of 2 units: 40,000; E 80,000 - 12,000 seller-paid shipping;
    # F came back to sender: 0. G shipped nothing and is left out.
    (profit,) = measures.profit
    assert profit.currency == "IDR"
    assert profit.orders == 4
    assert profit.total == idr("188000")
    assert profit.per_order == idr("47000")
    assert profit.median == idr("54000")  # (40,000 + 68,000) / 2
    # Revenue kept: A 200,000, B 100,000, E 200,000, F 0.
    assert profit.revenue == idr("500000")
    assert profit.margin == Decimal("0.376")
    facts = {fact.order_id: fact for fact in measures.facts}
    assert facts["E"].seller_shipping == idr("12000")
    assert facts["F"].profit == idr("0")
    assert facts["G"].profit is None


def test_the_profit_of_returned_units_is_split_exactly() -> None:
    # 3 units at Rp100,000 less Rp0.01 off the line, no cost: profit Rp299,999.99. One unit
    # back: the kept 2/3 is 19,999,999.33 cents, the returned third 9,999,999.67; the
    # leftover cent goes to the larger remainder (the returned part), so 199,999.99 is kept.
    order = new_order("A", quantity=3, cost="0", discount=Discount.of_amount(idr("0.01")))
    shipped(order, confirmed=1, reserved=2, ship=3)
    order.mark_delivered(at(10))
    order.record_return({"1": 1}, at(20))
    assert order.pricing is not None
    assert order.pricing.profit == idr("299999.99")
    assert measure_orders([order]).facts[0].profit == idr("199999.99")


def test_a_loss_making_line_keeps_its_loss() -> None:
    order = shipped(new_order("A", price="50000", cost="60000"), confirmed=1, reserved=2, ship=3)
    order.mark_delivered(at(10))
    order.record_return({"1": 1}, at(20))
    assert measure_orders([order]).facts[0].profit == idr("-10000")


def test_no_orders_gives_empty_measures() -> None:
    result = measure_orders([])
    assert result.orders == 0
    assert result.cycle_time == Durations(count=0, median=None, p90=None)
    assert result.fulfilment.value is None
    assert result.profit == ()
    assert result.turnover == ()
    assert "n/a" in str(result)


# -- inventory turnover ------------------------------------------------------------------


def movement(seq: int, kind: MovementKind, when: dt.datetime, change: int) -> StockMovement:
    return StockMovement(
        warehouse="JKT-1", sku="X", seq=seq, kind=kind, at=when, on_hand_change=change
    )


DAY = dt.timedelta(days=1)


def test_inventory_turnover_over_a_time_weighted_average() -> None:
    ledger = [
        movement(1, MovementKind.RECEIPT, T0 - DAY, 10),  # before the period: opening stock
        movement(2, MovementKind.RESERVATION, T0 + DAY / 2, 0),
        movement(3, MovementKind.SHIPMENT, T0 + DAY, -4),
        movement(4, MovementKind.RECEIPT, T0 + 2 * DAY, 6),
        movement(5, MovementKind.SHIPMENT, T0 + 3 * DAY, -3),
        movement(6, MovementKind.RETURN, T0 + 3 * DAY, 1),
        movement(7, MovementKind.SHIPMENT, T0 + 5 * DAY, -5),  # after the period
    ]
    (turnover,) = inventory_turnover(
        reversed(ledger), {"X": idr("10000"), "Y": idr("1")}, T0, T0 + 4 * DAY
    )
    # On hand 10, 6, 12, 10 for a day each: 9.5 units on average, Rp95,000.
    # Out: 4 + 3 - 1 returned = 6 units, Rp60,000.
    assert turnover.cost_of_goods == idr("60000")
    assert turnover.average_inventory == idr("95000")
    assert turnover.turnover == Decimal(60000) / Decimal(95000)


def test_inventory_turnover_without_stock_or_with_an_empty_period() -> None:
    ledger = [movement(1, MovementKind.RECEIPT, T0, 5), movement(2, MovementKind.SHIPMENT, T0, -5)]
    (turnover,) = inventory_turnover(ledger, {"X": idr("10000")}, T0, T0 + DAY)
    assert turnover.average_inventory == idr("0")
    assert turnover.turnover is None
    assert inventory_turnover(ledger, {}, T0, T0 + DAY) == ()
    with pytest.raises(ValidationError, match="must end after it starts"):
        inventory_turnover(ledger, {"X": idr("1")}, T0, T0)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([MovementKind.RECEIPT, MovementKind.SHIPMENT, MovementKind.RETURN]),
            st.integers(1, 20),
            st.integers(-48, 144),
        ),
        max_size=15,
    )
)
def test_turnover_bounds_over_random_ledgers(moves: list[tuple[MovementKind, int, int]]) -> None:
    # The opening receipt keeps on hand above zero; times are hours from T0, the period is
    # T0 to T0 + 96h.
    ledger = [movement(1, MovementKind.RECEIPT, T0 - 72 * H, 400)]
    for seq, (kind, units, hours) in enumerate(moves, start=2):
        change = -units if kind is MovementKind.SHIPMENT else units
        ledger.append(movement(seq, kind, at(hours), change))
    start, end = T0, at(96)
    (turnover,) = inventory_turnover(ledger, {"X": idr("1000")}, start, end)
    ordered = sorted(ledger, key=lambda m: m.at)
    levels, on_hand = [], 0
    for entry in ordered:
        on_hand += entry.on_hand_change
        if entry.at <= start:
            levels = [on_hand]
        elif entry.at < end:
            levels.append(on_hand)
    out = sum(
        -m.on_hand_change
        for m in ledger
        if start <= m.at < end and m.kind in (MovementKind.SHIPMENT, MovementKind.RETURN)
    )
    assert turnover.cost_of_goods == idr("1000") * out
    # The time-weighted average lies between the lowest and highest level in the period
    # (one minor unit of rounding either way).
    cent = idr("0.01")
    assert idr("1000") * min(levels) - cent <= turnover.average_inventory
    assert turnover.average_inventory <= idr("1000") * max(levels) + cent


def test_measure_orders_takes_the_turnover_period_from_the_orders() -> None:
    ledger = [movement(1, MovementKind.RECEIPT, T0 - DAY, 10)]
    result = measure_orders(example_orders(), movements=ledger, unit_costs={"X": idr("10000")})
    (turnover,) = result.turnover
    assert (turnover.start, turnover.end) == (T0, at(70))
    assert turnover.average_inventory == idr("100000")


# -- records and tables ------------------------------------------------------------------


def test_records_one_dict_per_figure_with_the_same_keys(measures: OrderMeasures) -> None:
    rows = measures.records()
    keys = {"measure", "scope", "statistic", "value", "unit", "count", "matching"}
    assert all(set(row) == keys for row in rows)
    assert len(rows) == 2 * (1 + len(measures.stages)) + 4 + 5
    cycle = [row for row in rows if row["measure"] == "cycle time"]
    assert [(row["statistic"], row["value"], row["count"]) for row in cycle] == [
        ("median", 50 * H, 3),
        ("p90", 58 * H, 3),
    ]
    (fulfilment,) = [row for row in rows if row["measure"] == "fulfilment rate"]
    assert (fulfilment["value"], fulfilment["matching"], fulfilment["count"]) == (
        Decimal("0.8"),
        4,
        5,
    )
    per_order = [row for row in rows if row["statistic"] == "per_order"]
    assert per_order == [
        {
            "measure": "profit",
            "scope": "shipped orders",
            "statistic": "per_order",
            "value": Decimal("47000.00"),
            "unit": "IDR",
            "count": 4,
            "matching": None,
        }
    ]


def test_order_records_one_flat_dict_per_order(measures: OrderMeasures) -> None:
    rows = measures.order_records()
    assert [row["order_id"] for row in rows] == list("ABCDEFG")
    assert len({frozenset(row) for row in rows}) == 1
    b = rows[1]
    assert b["status"] == "partly_returned"
    assert b["cycle_time"] == 58 * H
    assert b["time_shipped"] == 48 * H
    assert b["time_on_hold"] is None
    assert (b["on_time"], b["returned"], b["profit"]) == (False, True, Decimal("40000.00"))


def test_text_and_html_tables(measures: OrderMeasures) -> None:
    text = str(measures)
    assert "cycle time" in text
    assert "median 2d 2h, p90 2d 10h" in text
    assert "80.0% (4/5)" in text
    page = measures._repr_html_()
    assert page.startswith("<table><caption>Measures over 7 orders</caption>")
    assert "<td>80.0% (4/5)</td>" in page
    assert page.count("<tr>") == len(str(measures).splitlines()) - 1


def test_the_html_table_is_well_formed_and_holds_the_text_table(measures: OrderMeasures) -> None:
    table = ElementTree.fromstring(measures._repr_html_())  # noqa: S314 - our own output
    rows = [[cell.text for cell in row] for row in table.iter("tr")]
    text = str(measures).splitlines()
    assert rows[0] == ["measure", "scope", "value", "over"]
    assert len(rows) == len(text) - 1  # the text table has a rule under its header
    assert all(len(row) == 4 for row in rows)
    assert [" ".join(row[0].split()) for row in rows[1:]] == [
        " ".join(line.split("  ")[0].split()) for line in text[2:]
    ]


# -- properties over random lifecycles ---------------------------------------------------


def _walk(order: Order, choices: list[int], gaps: list[int]) -> Order:
    """Move ``order`` through legal steps picked by ``choices``, ``gaps`` hours apart."""
    hours = 0.0
    for choice, gap in zip(choices, gaps, strict=False):
        hours += gap
        when = at(hours)
        status = order.status
        steps = {
            OrderStatus.NEW: [order.confirm, order.cancel],
            OrderStatus.CONFIRMED: [lambda w: order.mark_reserved("JKT-1", w), order.cancel],
            OrderStatus.PROCESSING: [lambda w: order.mark_shipped("S", w), order.cancel],
            OrderStatus.SHIPPED: [order.mark_delivered, order.fail_delivery, order.mark_in_transit],
            OrderStatus.IN_TRANSIT: [order.mark_delivered, order.fail_delivery],
            OrderStatus.FAILED_DELIVERY: [
                order.reattempt_delivery,
                order.return_to_sender,
                order.mark_delivered,
            ],
            OrderStatus.DELIVERED: [
                lambda w: complete_at(order, w),
                lambda w: order.record_return({"1": 1}, w),
            ],
            OrderStatus.PARTLY_RETURNED: [
                lambda w: order.record_return({"1": order.returnable("1")}, w),
            ],
        }.get(status)
        if not steps:
            break
        steps[choice % len(steps)](when)
    return order


def complete_at(order: Order, when: dt.datetime) -> None:
    if order.balance_due.is_positive:
        order.record_payment(order.balance_due, PaymentMethod.BANK_TRANSFER)
    order.complete(when)


lifecycles = st.lists(
    st.tuples(
        st.lists(st.integers(0, 5), max_size=8),
        st.lists(st.integers(0, 72), min_size=8, max_size=8),
        st.sampled_from([None, dt.date(2026, 3, 3), dt.date(2026, 3, 5)]),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(lifecycles, st.sampled_from([None, 48 * H]))
def test_measures_over_random_lifecycles(
    plans: list[tuple[list[int], list[int], dt.date | None]], promise: dt.timedelta | None
) -> None:
    orders = [
        _walk(new_order(f"O{n}", requested=requested), choices, gaps)
        for n, (choices, gaps, requested) in enumerate(plans)
    ]
    result = measure_orders(orders, promised_lead_time=promise)
    for rate in (result.fulfilment, result.on_time, result.returns, result.cancellations):
        assert 0 <= rate.numerator <= rate.denominator <= len(orders)
        assert rate.value is None or Decimal(0) <= rate.value <= Decimal(1)
    for spans in [result.cycle_time, *(stage.durations for stage in result.stages)]:
        assert 0 < spans.count <= len(orders) or spans is result.cycle_time
        if spans.count:
            assert spans.median is not None
            assert spans.p90 is not None
            assert dt.timedelta(0) <= spans.median <= spans.p90
    assert len(result.order_records()) == len(orders) == result.orders
    assert len(result.records()) == 2 * (1 + len(result.stages)) + 4 + 5 * len(result.profit)
    for profit in result.profit:
        assert profit.total == Money.sum(
            (f.profit for f in result.facts if f.profit is not None), "IDR"
        )
        # No order keeps more than its whole line's profit (Rp80,000), nor earns more than
        # the revenue it keeps.
        assert profit.total <= idr("80000") * profit.orders
        assert profit.total <= profit.revenue <= idr("200000") * profit.orders


# -- through the application: the CLI and the generated month -----------------------------


def test_cli_run_prints_the_measures(capsys: pytest.CaptureFixture[str]) -> None:
    demo = Path(salesorder.__file__).parent / "data" / "demo.json"
    assert main(["run", str(demo), "--measures"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["measure", "scope", "value", "over"]
    assert "cancellation rate" in out
    assert "inventory turnover" in out


def test_a_generated_month_is_repeatable_and_measured_from_real_histories() -> None:
    month = generate_month(seed=3, orders=60, days=10)
    again = generate_month(seed=3, orders=60, days=10)
    first, second = measure(month.app), measure(again.app)
    assert first.order_records() == second.order_records()
    assert first.orders == len(month.order_ids) == 60
    with month.app.uow() as uow:
        orders = uow.orders.list()
    for order in orders:
        assert month.start <= order.placed_at < month.start + dt.timedelta(days=10)
        times = [entry.at for entry in order.history]
        assert times == sorted(times)
        assert times[-1] <= month.end
    statuses = {order.status for order in orders}
    assert OrderStatus.CANCELLED in statuses
    assert OrderStatus.COMPLETED in statuses
    assert first.fulfilment.denominator > 0
    assert first.returns.numerator > 0  # buyers sent goods back through the returns service
    (turnover,) = first.turnover
    assert turnover.cost_of_goods.is_positive
    different = measure(generate_month(seed=4, orders=60, days=10).app)
    assert different.order_records() != first.order_records()
    # A period measures only the orders placed in it, and the turnover over it.
    window = (month.start, month.start + dt.timedelta(days=3))
    early = measure(month.app, period=window)
    assert early.orders == sum(window[0] <= o.placed_at < window[1] for o in orders) > 0
    assert early.orders < first.orders
    assert (early.turnover[0].start, early.turnover[0].end) == window
