"""salesorder.frames: records and DataFrames whose money columns add up to the library's totals.

The acceptance test is exactness: summed, a money column of a frame is the library's own
total of the same figure, to the minor unit, in pandas and in polars; summed, the ledger's
changes are each item's on hand and reserved units; the lines of an order or a document add
up to it. The rest pins the dtypes of ``docs/dataframes.md`` (whose column table is checked
against the frames here), the refusals of what a frame cannot read, and the error that names
the extra when pandas or polars is missing.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder import Money, RoundingPolicy, frames
from salesorder.domain.allocation import DemandLine, OrderDemand, allocate_batch
from salesorder.domain.channels import Channel
from salesorder.domain.customers import Address, Warehouse
from salesorder.domain.inventory import MovementKind, Reservation, StockItem, StockMovement
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.pricing import LineToPrice, price_lines
from salesorder.domain.tax import TaxMode
from salesorder.domain.units import KILOGRAM
from salesorder.exceptions import SalesOrderError
from salesorder.frames import Column, ColumnKind, Frame, FramesUnavailable, NotFrameable
from salesorder.services.app import SalesApp
from salesorder.testing import strategies as sst
from salesorder.testing.generate import GeneratedMonth, generate_month

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "dataframes.md"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
WIB = dt.timezone(dt.timedelta(hours=7))

#: Every frame, as made from no objects at all (the columns are the same either way).
EMPTY: dict[str, Frame] = {
    "orders": frames.orders([]),
    "order_lines": frames.order_lines([]),
    "stock": frames.stock([]),
    "ledger": frames.ledger([]),
    "reservations": frames.reservations([]),
    "invoices": frames.invoices([]),
    "credit_notes": frames.credit_notes([]),
    "invoice_lines": frames.invoice_lines([]),
    "payments": frames.payments([]),
    "allocations": frames.allocations([]),
}

#: The frames read from an app, by name.
FROM_APP: dict[str, Callable[[Any], Frame]] = {
    "orders": frames.orders,
    "order_lines": frames.order_lines,
    "stock": frames.stock,
    "ledger": frames.ledger,
    "reservations": frames.reservations,
    "invoices": frames.invoices,
    "credit_notes": frames.credit_notes,
    "invoice_lines": frames.invoice_lines,
    "payments": frames.payments,
    "measures": frames.measures,
    "order_facts": frames.order_facts,
}


@pytest.fixture(scope="module")
def month() -> GeneratedMonth:
    """A month that stops with units still reserved, and two invoices, one partly credited."""
    generated = generate_month(seed=3, orders=25, settle_days=0)
    app = generated.app
    from salesorder import commands

    issued = []
    for order_id in generated.order_ids:
        with app.uow() as uow:
            status = uow.orders.get(order_id).status
        if status is OrderStatus.COMPLETED:
            issued.append(app.execute(commands.IssueInvoice(order_id=order_id)))
        if len(issued) == 2:
            break
    app.execute(
        commands.IssueCreditNote(
            invoice_id=issued[0], amount=Money.of("12345.67", "IDR"), reason="goodwill"
        )
    )
    return generated


def _order(
    *,
    lines: list[OrderLine],
    currency: str = "IDR",
    placed_at: dt.datetime = T0,
    priced: bool = True,
) -> Order:
    order = Order.new(
        id="ORD-1",
        channel=Channel.web(),
        customer_id="C1",
        currency=currency,
        placed_at=placed_at,
        lines=lines,
        requested_delivery_date=dt.date(2026, 3, 9),
    )
    if priced:
        order.apply_pricing(
            price_lines(
                [
                    LineToPrice(
                        line_id=line.line_id, quantity=line.quantity, unit_price=line.unit_price
                    )
                    for line in lines
                ],
                currency=currency,
                tax_mode=TaxMode.INCLUDED,
                policy=RoundingPolicy(),
            )
        )
    return order


# -- the columns: records, pandas and the docs agree ------------------------------------------


def _documented() -> dict[str, list[tuple[str, str]]]:
    """(column, type) per frame, from the table in docs/dataframes.md, money's minor expanded."""
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("<!-- columns:", 1)[1].split("<!-- end of columns -->", 1)[0]
    found: dict[str, list[tuple[str, str]]] = {}
    for row in table.splitlines()[1:]:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in {"frame", ""} or set(cells[0]) <= {"-"}:
            continue
        frame, names, kind = cells[0], re.findall(r"`(\w+)`", cells[1]), cells[2]
        columns = found.setdefault(frame, [])
        if "..." in cells[1]:  # a run of columns: `first` ... `last`
            columns.append((f"{names[0]}...{names[1]}", kind))
            continue
        for name in names:
            columns.append((name, kind))
            if kind == "money":
                columns.append((f"{name}_minor", "minor"))
    return found


def _actual(frame: Frame) -> list[tuple[str, str]]:
    return [(column.name, column.kind.value) for column in frame.columns]


def test_the_docs_table_lists_every_column_of_every_frame_with_its_type(
    month: GeneratedMonth,
) -> None:
    documented = _documented()
    actual = {name: _actual(frame) for name, frame in EMPTY.items()}
    actual["measures"] = _actual(frames.measures(month.app))
    facts = _actual(frames.order_facts(month.app))
    times = [column for column in facts if column[0].startswith("time_")]
    actual["order_facts"] = [
        *[column for column in facts if not column[0].startswith("time_")],
        (f"{times[0][0]}...{times[-1][0]}", "duration"),
    ]
    assert {kind for _, kind in times} == {"duration"}
    assert documented == actual


@pytest.mark.parametrize("name", sorted(FROM_APP))
def test_records_have_the_columns_in_order_and_pandas_the_same_columns(
    month: GeneratedMonth, name: str
) -> None:
    frame = FROM_APP[name](month.app)
    assert len(frame) > 0, f"the generated month should give {name} rows"
    records = frame.records()
    assert all(list(record) == list(frame.column_names) for record in records)
    table = frame.to_pandas()
    assert list(table.columns) == list(frame.column_names)
    assert len(table) == len(records)
    assert list(frame.to_polars().columns) == list(frame.column_names)


def test_an_app_a_unit_of_work_and_the_objects_give_the_same_rows(month: GeneratedMonth) -> None:
    app = month.app
    with app.uow() as uow:
        orders = uow.orders.list()
        in_unit = frames.orders(uow).records()
    assert frames.orders(app).records() == in_unit == frames.orders(orders).records()
    assert frames.orders(orders[0]).records() == in_unit[:1]


def test_records_are_copies(month: GeneratedMonth) -> None:
    frame = frames.orders(month.app)
    frame.records()[0]["gross"] = Decimal(0)
    assert frame.records()[0]["gross"] != Decimal(0)


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_an_empty_frame_keeps_its_columns_and_dtypes(name: str) -> None:
    frame = EMPTY[name]
    table = frame.to_pandas()
    assert list(table.columns) == list(frame.column_names)
    for column in frame.columns:
        dtype = table[column.name].dtype
        if column.kind is ColumnKind.CATEGORY:
            assert list(dtype.categories) == list(column.categories)
        elif column.kind is ColumnKind.DATETIME:
            assert str(dtype) == "datetime64[ns, UTC]"
        elif column.kind in (ColumnKind.MINOR, ColumnKind.INTEGER):
            assert str(dtype) == "Int64"


# -- exactness: sums are the library's totals --------------------------------------------------

_ORDER_AMOUNTS: dict[str, Callable[[Order], Money]] = {
    "gross": lambda order: order.total,
    "net": lambda order: order.pricing.net if order.pricing else order.total,
    "tax": lambda order: order.pricing.tax if order.pricing else order.total,
    "paid": lambda order: order.paid,
    "amount_due": lambda order: order.amount_due,
    "balance_due": lambda order: order.balance_due,
}


# Each example draws whole orders, priced and moved through their lives: slow to make.
@settings(max_examples=30)
@given(st.lists(sst.orders(status=None), min_size=1, max_size=6))
def test_order_money_columns_sum_to_the_library_totals_per_currency(orders: list[Order]) -> None:
    table = frames.orders(orders).to_pandas()
    polars_table = frames.orders(orders).to_polars()
    for currency in {order.currency for order in orders}:
        mine = [order for order in orders if order.currency == currency]
        rows = table[table["currency"] == currency]
        polars_rows = polars_table.filter(pl.col("currency") == currency)
        for column, figure in _ORDER_AMOUNTS.items():
            total = Money.sum((figure(order) for order in mine), currency)
            assert rows[column].sum() == total.amount, column
            assert rows[f"{column}_minor"].sum() == total.minor_units, column
            assert polars_rows[column].sum() == total.amount, column


# Each example draws whole orders, priced and moved through their lives: slow to make.
@settings(max_examples=50)
@given(sst.orders(status=None, max_lines=6))
def test_an_orders_lines_add_up_to_its_pricing(order: Order) -> None:
    assert order.pricing is not None
    lines = frames.order_lines(order).to_pandas()
    for column in ("list_amount", "discount", "net", "tax", "gross", "cost"):
        total: Money = getattr(order.pricing, column)
        assert lines[column].sum() == total.amount, column
        assert lines[f"{column}_minor"].sum() == total.minor_units, column
    assert lines["quantity"].sum() == sum(line.quantity for line in order.lines)


@st.composite
def _invoices_and_notes(draw: st.DrawFn) -> tuple[Invoice, CreditNote | None]:
    invoice = draw(sst.invoices(issued=True))
    if not invoice.is_receivable:
        return invoice, None
    unit = Money.from_minor(1, invoice.currency)
    parts = draw(st.integers(1, invoice.creditable.minor_units))
    note = CreditNote.for_invoice(
        invoice,
        id="CN-1",
        series="CN",
        number="CN-000001",
        at=invoice.issued_at or T0,
        amount=unit * parts,
    )
    return invoice, note


# Each example draws whole orders, priced and moved through their lives: slow to make.
@settings(max_examples=30)
@given(_invoices_and_notes())
def test_a_documents_lines_add_up_to_its_net_tax_and_gross(
    found: tuple[Invoice, CreditNote | None],
) -> None:
    invoice, note = found
    documents: list[Invoice | CreditNote] = [invoice] if note is None else [invoice, note]
    lines = frames.invoice_lines(documents).to_pandas()
    headers = frames.invoices(invoice).to_pandas()
    for document in documents:
        mine = lines[lines["document_id"] == document.id]
        for column in ("net", "tax", "gross"):
            total: Money = getattr(document, column)
            assert mine[column].sum() == total.amount
            assert mine[f"{column}_minor"].sum() == total.minor_units
    for column in ("net", "tax", "gross", "credited"):
        assert headers.loc[0, f"{column}_minor"] == getattr(invoice, column).minor_units
    if note is not None:
        notes = frames.credit_notes(note).to_pandas()
        assert notes.loc[0, "gross"] == note.gross.amount
        assert set(lines[lines["document"] == "credit_note"]["invoice_id"]) == {invoice.id}


@given(st.lists(sst.payments(currency="IDR"), max_size=6))
def test_payment_columns_sum_to_the_payments(payments: list[Any]) -> None:
    table = frames.payments(payments).to_pandas()
    for column in ("amount", "applied", "to_credit", "unallocated"):
        total = Money.sum((getattr(payment, column) for payment in payments), "IDR")
        assert table[f"{column}_minor"].sum() == total.minor_units
        assert table[column].sum() == total.amount


_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["receive", "reserve", "ship", "release", "write_off"]),
        sst.stock_quantities(decimals=3, min_value=0, max_value=20),
    ),
    max_size=25,
)


def _posted(steps: list[tuple[str, Any]]) -> tuple[StockItem, list[StockMovement]]:
    """The item after ``steps`` and its ledger, as the stock services post them.

    A step that does not fit (nothing to ship, too little available) is skipped.
    """
    item = StockItem(warehouse="JKT-1", sku="COFFEE")
    entries: list[StockMovement] = []
    for number, (step, quantity) in enumerate(steps):
        at = T0 + dt.timedelta(minutes=number)
        held = next(iter(item.reservations.values()), None)
        if step == "receive" and quantity > 0:
            item.receive(quantity)
            entries.append(item.movement(MovementKind.RECEIPT, at, on_hand_change=quantity))
        elif step == "reserve" and 0 < quantity <= item.available:
            item.reserve(Reservation.for_line(f"O{number}", "1", quantity, at))
            entries.append(item.movement(MovementKind.RESERVATION, at, reserved_change=quantity))
        elif step == "ship" and held is not None:
            item.ship(held.key)
            change = -held.quantity
            entries.append(
                item.movement(
                    MovementKind.SHIPMENT, at, on_hand_change=change, reserved_change=change
                )
            )
        elif step == "release" and held is not None:
            item.release(held.key)
            entries.append(item.movement(MovementKind.RELEASE, at, reserved_change=-held.quantity))
        elif step == "write_off" and 0 < quantity <= item.on_hand - item.reserved:
            item.take_out(quantity)
            entries.append(item.movement(MovementKind.WRITE_OFF, at, on_hand_change=-quantity))
    return item, entries


@given(_STEPS)
def test_ledger_changes_sum_to_on_hand_and_reserved_exactly(steps: list[tuple[str, Any]]) -> None:
    item, entries = _posted(steps)
    ledger = frames.ledger(entries)
    table = ledger.to_pandas()
    assert table["on_hand_change"].sum() == item.on_hand
    assert table["reserved_change"].sum() == item.reserved
    assert sum(row["on_hand_change"] for row in ledger.records()) == item.on_hand
    assert frames.ledger(entries).to_polars()["on_hand_change"].sum() == item.on_hand


def test_the_ledger_of_an_app_sums_to_its_stock(month: GeneratedMonth) -> None:
    entries = frames.ledger(month.app).to_pandas()
    stock = frames.stock(month.app).to_pandas().set_index(["warehouse", "sku"])
    sums = entries.groupby(["warehouse", "sku"])[["on_hand_change", "reserved_change"]].sum()
    assert (sums["on_hand_change"] == stock["on_hand"]).all()
    assert (sums["reserved_change"] == stock["reserved"]).all()
    assert len(sums) == len(stock)


@given(st.lists(sst.stock_items(decimals=3), max_size=4))
def test_reservations_sum_to_each_items_reserved(items: list[StockItem]) -> None:
    for item in items:
        table = frames.reservations(item).to_pandas()
        assert table["quantity"].sum() == item.reserved
    assert len(frames.reservations(items)) == sum(len(item.reservations) for item in items)


_WAREHOUSES = [
    Warehouse(code=code, name=code, address=Address(line1="Jl. Gudang 1", city=code, country="ID"))
    for code in ("JKT-1", "SBY-1")
]


@given(
    st.lists(st.integers(1, 9), min_size=1, max_size=5),
    st.integers(0, 12),
    st.integers(0, 12),
)
def test_allocation_rows_sum_to_units_allocated_and_backordered(
    wanted: list[int], in_jakarta: int, in_surabaya: int
) -> None:
    demands = [
        OrderDemand(order_id=f"O{n}", lines=[DemandLine(line_id="1", sku="TEE", quantity=units)])
        for n, units in enumerate(wanted)
    ]
    available = {("JKT-1", "TEE"): in_jakarta, ("SBY-1", "TEE"): in_surabaya}
    batch = allocate_batch(demands, _WAREHOUSES, available)
    table = frames.allocations(batch).to_pandas()
    picks = table[table["kind"] == "pick"]
    for allocation in batch.allocations:
        mine = picks[picks["order_id"] == allocation.order_id]
        assert mine["quantity"].sum() == allocation.units_allocated
    assert table[table["kind"] == "backorder"]["quantity"].sum() == batch.backordered_units
    assert table[table["kind"] == "backorder"]["warehouse"].isna().all()
    assert frames.allocations(batch.allocations).records() == frames.allocations(batch).records()


def test_measures_are_the_measures_records_and_facts_sum_to_the_profit(
    month: GeneratedMonth,
) -> None:
    from salesorder.services.views import measure

    measured = measure(month.app)
    assert frames.measures(measured).records() == measured.records()
    assert frames.measures(month.app).records() == measured.records()
    facts = frames.order_facts(measured).to_pandas()
    (profit,) = measured.profit
    assert facts["profit"].sum() == profit.total.amount
    assert facts["profit_minor"].sum() == profit.total.minor_units
    assert facts["revenue"].sum() == profit.revenue.amount


# -- dtypes ------------------------------------------------------------------------------------


def test_statuses_are_categories_with_every_status() -> None:
    order = _order(
        lines=[OrderLine(line_id="1", sku="TEE", quantity=2, unit_price=Money.of("50000", "IDR"))]
    )
    table = frames.orders(order).to_pandas()
    assert list(table["status"].cat.categories) == [status.value for status in OrderStatus]
    assert table["status"].value_counts()["delivered"] == 0
    assert frames.orders(order).records()[0]["status"] == "new"


def test_times_are_the_same_instant_in_utc_and_records_keep_the_orders_zone() -> None:
    placed = dt.datetime(2026, 3, 2, 8, 30, tzinfo=WIB)
    order = _order(
        lines=[OrderLine(line_id="1", sku="TEE", quantity=1, unit_price=Money.of("1", "IDR"))],
        placed_at=placed,
    )
    frame = frames.orders(order)
    table = frame.to_pandas()
    assert str(table["placed_at"].dtype) == "datetime64[ns, UTC]"
    assert table.loc[0, "placed_at"] == pd.Timestamp("2026-03-02 01:30", tz="UTC")
    assert frame.records()[0]["placed_at"].utcoffset() == dt.timedelta(hours=7)
    assert table.loc[0, "requested_delivery_date"] == dt.date(2026, 3, 9)
    assert frame.to_polars()["placed_at"][0] == placed


def test_an_unpriced_order_has_no_amounts() -> None:
    order = _order(
        lines=[OrderLine(line_id="1", sku="TEE", quantity=1, unit_price=Money.of("1", "IDR"))],
        priced=False,
    )
    record = frames.orders(order).records()[0]
    assert (record["gross"], record["gross_minor"]) == (None, None)
    assert (record["paid"], record["paid_minor"]) == (Decimal(0), 0)
    table = frames.orders(order).to_pandas()
    assert pd.isna(table.loc[0, "gross_minor"])
    assert str(table["gross_minor"].dtype) == "Int64"
    line = frames.order_lines(order).records()[0]
    assert (line["net"], line["tax_rate"]) == (None, None)


def test_an_amount_below_the_minor_unit_has_no_minor_units() -> None:
    order = _order(
        lines=[
            OrderLine(line_id="1", sku="TEE", quantity=8, unit_price=Money.of("0.125", "USD")),
            OrderLine(line_id="2", sku="CAP", quantity=1, unit_price=Money.of("2.50", "USD")),
        ],
        currency="USD",
    )
    rows = frames.order_lines(order).records()
    assert (rows[0]["unit_price"], rows[0]["unit_price_minor"]) == (Decimal("0.125"), None)
    assert rows[1]["unit_price_minor"] == 250
    assert rows[0]["gross_minor"] == 100


def test_quantities_stay_exact_whole_as_int64_fractional_as_decimal() -> None:
    coffee = OrderLine(
        line_id="1",
        sku="COFFEE",
        quantity=Decimal("0.25"),
        unit_price=Money.of("200000", "IDR"),
        unit=KILOGRAM,
    )
    tee = OrderLine(line_id="2", sku="TEE", quantity=3, unit_price=Money.of("50000", "IDR"))
    mixed = frames.order_lines(_order(lines=[coffee, tee])).to_pandas()
    assert mixed["quantity"].dtype == object
    assert list(mixed["quantity"]) == [Decimal("0.25"), Decimal(3)]
    assert mixed["quantity"].sum() == Decimal("3.25")
    assert list(mixed["unit"]) == ["kg", "pcs"]
    whole = frames.order_lines(_order(lines=[tee])).to_pandas()
    assert str(whole["quantity"].dtype) == "Int64"
    exact = frames.order_lines(_order(lines=[coffee, tee])).to_polars()["quantity"]
    assert exact.sum() == Decimal("3.25")


def test_durations_and_booleans_have_their_pandas_dtypes(month: GeneratedMonth) -> None:
    facts = frames.order_facts(month.app).to_pandas()
    assert str(facts["cycle_time"].dtype) == "timedelta64[ns]"
    assert str(facts["on_time"].dtype) == "boolean"
    assert str(facts["time_new"].dtype) == "timedelta64[ns]"


def test_polars_keeps_numbers_too_wide_for_its_decimal_as_python_decimals() -> None:
    wide = [Decimal("99999999999999"), Decimal("0.0000000000000000000000000001")]
    frame = Frame(
        name="wide",
        columns=(Column(name="amount", kind=ColumnKind.MONEY),),
        rows=tuple({"amount": value} for value in wide),
    )
    table = frame.to_polars()
    assert table["amount"].dtype == pl.Object
    assert list(table["amount"]) == wide
    narrow = Frame(name="narrow", columns=frame.columns, rows=frame.rows[:1]).to_polars()
    assert narrow["amount"].dtype == pl.Decimal(38, 0)


# -- refusals ----------------------------------------------------------------------------------


def test_a_source_that_is_not_an_app_a_unit_or_objects_is_refused() -> None:
    with pytest.raises(NotFrameable, match=r"frames\.orders\(\) takes an app, .*got int 42"):
        frames.orders(42)  # type: ignore[arg-type]


def test_a_string_is_refused_not_read_letter_by_letter() -> None:
    with pytest.raises(NotFrameable, match=r"got str 'ORD-1'"):
        frames.orders("ORD-1")  # type: ignore[arg-type]


def test_an_item_of_another_kind_is_refused_with_its_position(month: GeneratedMonth) -> None:
    with month.app.uow() as uow:
        order = uow.orders.list()[0]
        payment = uow.payments.list()[0]
    with pytest.raises(NotFrameable, match=r"frames\.orders\(\) .* item 1 is a Payment"):
        frames.orders([order, payment])  # type: ignore[list-item]
    with pytest.raises(TypeError):
        frames.invoice_lines([order])  # type: ignore[list-item]


def test_allocations_and_measures_are_not_read_from_what_does_not_hold_them(
    month: GeneratedMonth,
) -> None:
    with pytest.raises(NotFrameable, match=r"frames\.allocations\(\) takes Allocation .*SalesApp"):
        frames.allocations(month.app)  # type: ignore[arg-type]
    with pytest.raises(NotFrameable, match=r"frames\.measures\(\) takes OrderMeasures"):
        frames.measures([])  # type: ignore[arg-type]
    with pytest.raises(NotFrameable, match=r"frames\.order_facts\(\) takes OrderMeasures"):
        frames.order_facts(month.app.uow())  # type: ignore[arg-type]


# -- pandas and polars are optional ------------------------------------------------------------


@pytest.mark.parametrize(
    ("package", "convert", "extra"),
    [("pandas", "to_pandas", "frames"), ("polars", "to_polars", "polars")],
)
def test_without_the_package_the_error_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, package: str, convert: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)
    order = _order(
        lines=[OrderLine(line_id="1", sku="TEE", quantity=1, unit_price=Money.of("1", "IDR"))]
    )
    frame = frames.orders(order)
    assert frame.records()[0]["gross"] == Decimal(1)
    with pytest.raises(
        FramesUnavailable, match=re.escape(f"pip install 'salesorder[{extra}]'")
    ) as caught:
        getattr(frame, convert)()
    assert isinstance(caught.value, ImportError)
    assert isinstance(caught.value, SalesOrderError)
    assert package in str(caught.value)


def test_importing_frames_imports_neither_pandas_nor_polars() -> None:
    code = (
        "import sys, salesorder.frames\n"
        "heavy = {'pandas', 'polars', 'numpy'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own interpreter
    assert isinstance(frames.orders([]), Frame)
    assert SalesApp.__name__ == "SalesApp"


def test_a_time_or_duration_pandas_cannot_hold_is_refused_naming_the_column() -> None:
    """pandas keeps nanoseconds (years 1677-2262); the domain takes any aware datetime."""
    late = T0.replace(year=9000)
    times = Frame(
        name="orders",
        columns=(Column(name="placed_at", kind=ColumnKind.DATETIME),),
        rows=({"placed_at": late},),
    )
    with pytest.raises(SalesOrderError, match=r"'orders', column 'placed_at'.*9000-03-02"):
        times.to_pandas()
    assert times.to_polars()["placed_at"][0] == late  # polars holds it
    long = Frame(
        name="order_facts",
        columns=(Column(name="cycle_time", kind=ColumnKind.DURATION),),
        rows=({"cycle_time": dt.timedelta(days=999_999)},),
    )
    with pytest.raises(SalesOrderError, match="'order_facts', column 'cycle_time': value 999999 d"):
        long.to_pandas()
