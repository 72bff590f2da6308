"""The sample month (salesorder.testing.sample): reproducible, and a shop whose books hold.

Each test builds a short month (40 to 60 orders over 10 days) so the file runs in seconds;
the notebook (tests/unit/test_notebook.py) runs the full 300-order month.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder import Money, OrderStatus, PaymentMethod
from salesorder.domain.cod import CodDifferenceKind
from salesorder.exceptions import NotFound, ValidationError
from salesorder.services.views import cod_reconciliation
from salesorder.testing.generate import COURIER_DELAYS, generate_month
from salesorder.testing.sample import CHANNEL_MIX, SampleMonth, month_of_orders


def snapshot(month: SampleMonth) -> tuple[object, ...]:
    """Everything a run stores, as comparable values."""
    with month.app.uow() as uow:
        return (
            month.order_ids,
            uow.orders.list(),
            uow.stock.list(),
            uow.shipments.list(),
            uow.invoices.list(),
            uow.payments.list(),
            uow.returns.list(),
            uow.cod_statements.list(),
            uow.marketplace_orders.list(),
        )


def check_books(month: SampleMonth) -> None:
    """Stock, reservations, invoices and COD cash hold together exactly."""
    with month.app.uow() as uow:
        for item in uow.stock.list():
            assert item.on_hand >= 0, item
            assert item.available >= 0, item
            assert item.reserved == sum(r.quantity for r in item.reservations.values()), item
        for invoice in uow.invoices.list():
            currency = invoice.currency
            assert Money.sum([line.net for line in invoice.lines], currency) == invoice.net
            assert Money.sum([t.tax for t in invoice.tax_summary], currency) == invoice.tax
            assert invoice.net + invoice.tax == invoice.gross
        for order in uow.orders.list():
            if order.status is OrderStatus.COMPLETED:
                assert order.balance_due.is_zero, order.id
    for courier in COURIER_DELAYS:
        cod = cod_reconciliation(month.app, courier)
        assert cod.expected == cod.collected + cod.shortfall
        assert cod.collected == cod.fees + cod.remitted + cod.withheld
        assert not cod.of_kind(CodDifferenceKind.UNKNOWN_SHIPMENT)
        assert not cod.of_kind(CodDifferenceKind.DUPLICATE)


@pytest.fixture(scope="module")
def month() -> SampleMonth:
    return month_of_orders(seed=7, orders=60, days=10)


def test_the_same_seed_gives_the_same_month(month: SampleMonth) -> None:
    again = month_of_orders(seed=7, orders=60, days=10)
    assert snapshot(again) == snapshot(month)
    other = month_of_orders(seed=8, orders=60, days=10)
    assert snapshot(other) != snapshot(month)


def test_the_books_hold_after_the_month(month: SampleMonth) -> None:
    check_books(month)


def test_every_channel_sells_and_orders_go_the_whole_way(month: SampleMonth) -> None:
    orders = month.orders()
    assert len(orders) == 60
    assert {o.channel.code for o in orders} == {code for code, _ in CHANNEL_MIX}
    statuses = Counter(o.status for o in orders)
    assert statuses[OrderStatus.COMPLETED] > 30
    with month.app.uow() as uow:
        shipped = [o for o in orders if o.shipment_ids]
        # Every shipped order was invoiced when it shipped.
        assert all(o.invoice_ids for o in shipped)
        # Marketplace orders came in through the marketplaces, each recorded once.
        marketplace = [o for o in orders if o.channel.kind.is_marketplace]
        assert len(uow.marketplace_orders.list()) == len(marketplace)
    # The weekly COD statements paid the delivered COD orders.
    assert month.statements
    cod_orders = [o for o in orders if o.payment_method is PaymentMethod.COD]
    assert any(o.status is OrderStatus.COMPLETED for o in cod_orders)


def test_the_demands_carry_the_orders_lines_and_their_customers_place(
    month: SampleMonth,
) -> None:
    orders = {o.id: o for o in month.orders()}
    demands = month.demands()
    assert [d.order_id for d in demands] == list(month.order_ids)
    for demand in demands:
        order = orders[demand.order_id]
        assert [(line.sku, line.quantity) for line in demand.lines] == [
            (line.sku, line.quantity) for line in order.lines
        ]
        assert order.shipping_address is not None
        assert demand.zone == order.shipping_address.postal_code
        assert demand.destination == month.destinations[demand.zone]
    assert [d.order_id for d in month.demands(month.order_ids[:3])] == list(month.order_ids[:3])


def test_the_clock_stands_at_the_end_and_the_month_starts_when_asked() -> None:
    start = dt.datetime(2026, 5, 4, tzinfo=dt.timezone.utc)
    month = month_of_orders(seed=1, orders=5, start=start, days=3, settle_days=2)
    assert month.start == start
    assert month.month_end == start + dt.timedelta(days=3)
    assert month.end == month.app.clock.now() == start + dt.timedelta(days=5)
    assert all(start <= o.placed_at < month.month_end for o in month.orders())


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"orders": -1}, "got -1, 30, 7, 80"),
        ({"days": 0}, "got 300, 0, 7, 80"),
        ({"settle_days": -1}, "got 300, 30, -1, 80"),
        ({"customers": 0}, "got 300, 30, 7, 0"),
    ],
)
def test_a_count_out_of_range_is_refused(options: dict[str, int], shown: str) -> None:
    with pytest.raises(ValidationError, match=shown):
        month_of_orders(**options)


@pytest.mark.parametrize(
    ("options", "shown"),
    [
        ({"orders": "3"}, "orders must be a whole number, got '3'"),
        ({"orders": 2.5}, "orders must be a whole number, got 2.5"),
        ({"days": None}, "days must be a whole number, got None"),
        ({"settle_days": True}, "settle_days must be a whole number, got True"),
        ({"customers": 8.0}, "customers must be a whole number, got 8.0"),
        # None would seed from the system: a different month on every run.
        ({"seed": None}, "seed must be a whole number, got None"),
        ({"seed": "7"}, "seed must be a whole number, got '7'"),
        (
            {"start": dt.datetime(2026, 3, 2)},  # noqa: DTZ001
            r"start must be a timezone-aware datetime, got datetime.datetime\(2026, 3, 2, 0, 0\)",
        ),
        (
            {"start": dt.date(2026, 3, 2)},
            r"start must be a timezone-aware datetime, got datetime.date\(2026, 3, 2\)",
        ),
        ({"start": "2026-03-02"}, "start must be a timezone-aware datetime, got '2026-03-02'"),
    ],
)
@pytest.mark.parametrize("build", [month_of_orders, generate_month], ids=lambda f: f.__name__)
def test_an_argument_of_the_wrong_type_is_refused(
    build: Callable[..., object], options: dict[str, object], shown: str
) -> None:
    with pytest.raises(ValidationError, match=f"{build.__name__}: {shown}"):
        build(**options)


def test_demands_refuse_one_string_for_the_order_ids(month: SampleMonth) -> None:
    first = month.order_ids[0]
    with pytest.raises(ValidationError, match=f"order_ids must be a list or tuple .* {first!r}"):
        month.demands(first)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="order 'nope' not found"):
        month.demands(["nope"])


@settings(max_examples=4)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_the_books_hold_for_any_seed(seed: int) -> None:
    check_books(month_of_orders(seed=seed, orders=40, days=10))
