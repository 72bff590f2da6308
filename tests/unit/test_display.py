"""Objects show themselves to people: a short repr and well-formed, escaped notebook HTML.

One shop runs an order from capture to a credit note (the buyer's and the product's names
are hostile markup); every object a person looks at is then shown, and its HTML must parse
with balanced tags, carry its key figures formatted for the locale, and show the hostile
text as text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder import (
    Address,
    CostModel,
    Customer,
    DemandLine,
    GeoPoint,
    LowestCost,
    Money,
    OrderDemand,
    OrderStatus,
    PaymentMethod,
    Product,
    TrackingStatus,
    ValidationError,
    Warehouse,
    allocate_batch,
    commands,
    in_memory,
    measure_orders,
)
from salesorder.display import (
    DEFAULT_LOCALE,
    AllocationView,
    Ledger,
    allocation_view,
    current_locale,
    ledger,
    money_text,
    short_repr,
    shorten_numbers,
    show,
    to_html,
    use_locale,
)
from salesorder.display.orders import trace_rows
from salesorder.domain.allocation import allocation_cost
from salesorder.domain.optimize import ExactSolution, SolveStatus
from salesorder.domain.orders import Order
from salesorder.money import format_money
from salesorder.testing.strategies import orders, priced_orders

HOSTILE = "<script>alert('x')</script> & Co"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co"
#: Elements HTML closes itself; every other tag must be closed, in order.
_VOID = {"br", "meta", "hr", "img", "input", "link", "col", "wbr"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.errors.append("a script element")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def well_formed(fragment: str) -> str:
    """``fragment`` after checking that its tags balance and no script element is in it."""
    assert isinstance(fragment, str)
    parser = _Balance()
    parser.feed(fragment)
    parser.close()
    assert parser.errors == [], parser.errors
    assert parser.open == [], f"left open: {parser.open}"
    return fragment


def test_the_balance_check_catches_what_it_is_for() -> None:
    """The checker the other tests rely on refuses an unclosed tag, a crossed one, a script."""
    for bad in ("<div><p>x</div>", "<table><tr><td>x</tr></table>", "<b>x", "<script>x</script>"):
        with pytest.raises(AssertionError):
            well_formed(bad)
    well_formed("<p>a<br>b</p><table><tr><td>1</td></tr></table>")


# -- one shop, from capture to a credit note -------------------------------------------


@pytest.fixture(scope="module")
def shop() -> SimpleNamespace:
    app = in_memory()
    jakarta = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="Jakarta", address=jakarta))
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TSHIRT-RED-M",
                name=f"T-shirt {HOSTILE}",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg="0.3",
                initial_stock=10,
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="SITI", name=HOSTILE, email="siti@example.com", addresses=(jakarta,)
            )
        )
    )
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="SITI", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=3),)
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    with app.uow() as uow:
        reserved = uow.orders.get(order_id)  # confirmed, reserved, nothing paid yet
    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=Money.of("450000", "IDR"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="BCA-1",
        )
    )
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        tracking = uow.shipments.get(shipment_id).tracking_number
    courier = app.couriers["jnt"]
    courier.report(tracking, TrackingStatus.PICKED_UP, app.clock.now())
    courier.report(tracking, TrackingStatus.DELIVERED, app.clock.advance(days=2))
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    note_id = app.execute(
        commands.IssueCreditNote(
            invoice_id=invoice_id, amount=Money.of("150000", "IDR"), reason=HOSTILE
        )
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
        entries = uow.stock_ledger.for_item("JKT-1", "TSHIRT-RED-M")
        invoice = uow.invoices.get(invoice_id)
        note = uow.credit_notes.get(note_id)
        outbox = uow.outbox.list()
    return SimpleNamespace(
        app=app,
        order=order,
        reserved=reserved,
        shipment=shipment,
        item=item,
        entries=entries,
        invoice=invoice,
        note=note,
        outbox=outbox,
        notifications=app.notifications.entries() if app.notifications else [],
    )


def _batch() -> SimpleNamespace:
    """The worked example of docs/allocation.md: three orders, three warehouses."""

    def warehouse(code: str, lat: str, lon: str, priority: int) -> Warehouse:
        return Warehouse(
            code=code,
            name=code,
            address=Address(line1="Jl. Gudang 1", city=code, country="ID"),
            coordinates=GeoPoint(latitude=lat, longitude=lon),
            priority=priority,
        )

    def demand(order_id: str, lines: list[tuple[str, int]], lat: str, lon: str) -> OrderDemand:
        return OrderDemand(
            order_id=order_id,
            lines=[DemandLine(line_id=str(i), sku=s, quantity=q) for i, (s, q) in enumerate(lines)],
            destination=GeoPoint(latitude=lat, longitude=lon),
        )

    warehouses = [
        warehouse("JKT-1", "-6.2088", "106.8456", 0),
        warehouse("BDG-1", "-6.9175", "107.6191", 1),
        warehouse("SBY-1", "-7.2575", "112.7521", 2),
    ]
    available = {("JKT-1", "TSHIRT"): 10, ("BDG-1", "CAP"): 3, ("SBY-1", "CAP"): 5}
    demands = [
        demand("SO-1", [("TSHIRT", 3), ("CAP", 1)], "-6.9147", "107.6098"),
        demand("SO-2", [("CAP", 9)], "-7.2504", "112.7688"),
    ]
    cost = CostModel()
    batch = allocate_batch(demands, warehouses, available, LowestCost(cost=cost))
    return SimpleNamespace(batch=batch, orders=demands, warehouses=warehouses, cost=cost)


BATCH = _batch()
SOLUTION = ExactSolution(
    allocation=BATCH.batch, status=SolveStatus.STOPPED, cost=120.5, bound=100.25
)


def _objects(shop: SimpleNamespace) -> dict[str, tuple[Any, list[str]]]:
    """Each object shown, and what its HTML must show (figures in id_ID, ids, statuses)."""
    order, shipment, invoice, note = shop.order, shop.shipment, shop.invoice, shop.note
    return {
        "order": (
            order,
            [order.id, order.status.value, "Rp450.000,00", ESCAPED],
        ),
        "reserved order": (
            shop.reserved,
            ["processing", "Rp405.405,41", "Rp44.594,59", "Rp450.000,00", "balance due"],
        ),
        "priced order": (
            order.pricing,
            ["Rp405.405,41", "Rp44.594,59", "Rp450.000,00", "12%", "running total"],
        ),
        "trace": (order.pricing.trace, ["Rp450.000,00", "405405.405405 rounded to 405405.41"]),
        "invoice": (invoice, [invoice.number, "Rp461.000,00", ESCAPED, "issued"]),
        "credit note": (note, [note.number, invoice.number, "Rp150.000,00", ESCAPED]),
        "stock item": (shop.item, ["JKT-1", "TSHIRT-RED-M", "<td>7</td>", "0 reservations"]),
        "ledger entry": (shop.entries[0], ["receipt", "+10"]),
        "ledger": (ledger(shop.entries), ["receipt", "reservation", "shipment", "+10", "-3"]),
        "allocation": (BATCH.batch.for_order("SO-1"), ["SO-1", "JKT-1: 3"]),
        "batch": (BATCH.batch, ["SO-1", "SO-2", "JKT-1: 3", "<th>11</th><th>2</th>"]),
        "costed batch": (
            allocation_view(
                BATCH.batch, orders=BATCH.orders, warehouses=BATCH.warehouses, optimum=SOLUTION
            ),
            ["gap to the optimum", "planning cost", "120.50"],
        ),
        "exact solution": (SOLUTION, ["stopped", "120.50", "100.25", "16.80%"]),
        "shipment": (
            shipment,
            [shipment.id, shipment.tracking_number, "Rp11.000,00", "delivered", "picked_up"],
        ),
        "tracking event": (shipment.events[-1], [shipment.tracking_number, "delivered"]),
        "outbox item": (shop.outbox[0], [shop.outbox[0].call.kind.value, "sent"]),
        "outbox": (shop.outbox, ["book_courier", "send_message", "sent"]),
        "notification": (shop.notifications[0], ["siti@example.com", "email", order.id]),
        "notifications": (shop.notifications, ["siti@example.com", "order_confirmed"]),
        "summary": (shop.app.summary(), ["delivered", "money due", "TSHIRT-RED-M", "<td>7</td>"]),
        "measures": (
            measure_orders([order], shipments=[shipment]),
            ["Rp", "cycle time"],
        ),
    }


NAMES = [
    "order", "reserved order", "priced order", "trace", "invoice", "credit note", "stock item",
    "ledger entry", "ledger", "allocation", "batch", "costed batch", "exact solution",
    "shipment", "tracking event", "outbox item", "outbox", "notification", "notifications",
    "summary", "measures",
]  # fmt: skip


def test_the_names_cover_every_object(shop: SimpleNamespace) -> None:
    assert sorted(NAMES) == sorted(_objects(shop))


@pytest.mark.parametrize("name", NAMES)
def test_an_object_renders_well_formed_html_with_its_key_figures(
    shop: SimpleNamespace, name: str
) -> None:
    value, expected = _objects(shop)[name]
    page = well_formed(show(value, "id_ID")._repr_html_())
    missing = [text for text in expected if text not in page]
    assert missing == [], page
    if not isinstance(value, (list, tuple)) and hasattr(value, "_repr_html_"):
        assert well_formed(value._repr_html_()) == page  # the default locale is id_ID


def test_hostile_text_is_shown_as_text_wherever_it_appears(shop: SimpleNamespace) -> None:
    """The buyer's name on the documents, the product's on the order, the credit's reason."""
    for value in (shop.order, shop.invoice, shop.note):
        page = to_html(value)
        assert ESCAPED in page
        assert HOSTILE not in page


@pytest.mark.parametrize("name", NAMES)
def test_a_repr_is_one_short_line_that_names_the_object(shop: SimpleNamespace, name: str) -> None:
    value, _ = _objects(shop)[name]
    text = repr(show(value)) if isinstance(value, list) else repr(value)
    assert len(text) < 200, text
    assert "\n" not in text
    assert text.startswith("<")
    assert text.endswith(">")
    ids = {
        "order": shop.order.id,
        "invoice": shop.invoice.number,
        "credit note": shop.note.number,
        "stock item": "TSHIRT-RED-M",
        "shipment": shop.shipment.id,
        "allocation": "SO-1",
    }
    if name in ids:
        assert ids[name] in text


def test_an_order_repr_reads_like_the_brief(shop: SimpleNamespace) -> None:
    assert repr(shop.reserved) == "<Order ORD-000001 PROCESSING 1 line Rp450.000,00 (SITI)>"
    assert repr(shop.app) == "<SalesApp IDR id_ID: 1 order, 1 SKU>"


def test_a_repr_of_an_object_still_being_built_does_not_fail() -> None:
    """attrs and debuggers may print an instance whose fields are not all set yet."""
    assert repr(object.__new__(Order)) == "<Order ...>"


# -- long numbers and the trace --------------------------------------------------------


def test_numbers_finer_than_the_minor_unit_plus_four_places_are_cut() -> None:
    text = "405405.4054054054054054054054 rounded to 405405.41; 0.005, 1.234567, 1.2345675"
    assert shorten_numbers(text, "IDR") == (
        "405405.405405 rounded to 405405.41; 0.005, 1.234567, 1.234568"
    )
    assert shorten_numbers("1.123456789", "JPY") == "1.1235"  # 0 digits + 4
    assert shorten_numbers("2.0000000001", "IDR") == "2.00"  # trailing zeros kept to 2 places


def test_an_amount_finer_than_the_minor_unit_keeps_four_more_places_trimmed() -> None:
    assert money_text(Money.of("0.0045945945945945945945", "IDR"), "id_ID") == "Rp0,004595"
    assert money_text(Money.of("0.005", "IDR"), "id_ID") == "Rp0,005"
    assert money_text(Money.of("2950000", "IDR"), "id_ID") == "Rp2.950.000,00"


def test_the_trace_never_shows_a_28_digit_decimal(shop: SimpleNamespace) -> None:
    trace = shop.order.pricing.trace
    assert "405405.4054054054054054054054" in str(trace)  # the words the engine keeps
    page = to_html(trace)
    assert not re.search(r"\d[.,]\d{7,}", page), page


@settings(max_examples=40)
@given(priced_orders())
def test_the_running_total_ends_at_the_goods_as_priced(priced: Any) -> None:
    """Prices less discounts: the gross when prices include tax, else the net."""
    rows = to_html(priced.trace, "en_US")
    well_formed(rows)
    table = trace_rows(priced.trace, "en_US", priced.currency)
    last = table[-1][5] if table else money_text(Money.zero(priced.currency), "en_US")
    assert last == money_text(priced.list_amount - priced.discount, "en_US")


@settings(max_examples=40)
@given(orders(), st.sampled_from(["id_ID", "en_US", "vi_VN", "ms_MY"]))
def test_any_generated_order_renders_well_formed_html_and_a_short_repr(
    order: Order, locale: str
) -> None:
    well_formed(show(order, locale)._repr_html_())
    if order.pricing is not None:
        well_formed(to_html(order.pricing, locale))
    text = repr(order)
    assert len(text) < 200
    assert order.id in text


# -- the locale ------------------------------------------------------------------------


def test_the_locale_is_indonesian_until_another_is_chosen(shop: SimpleNamespace) -> None:
    assert current_locale() == DEFAULT_LOCALE == "id_ID"
    previous = use_locale("en_US")
    try:
        assert previous == "id_ID"
        assert current_locale() == "en_US"
        assert "IDR450,000.00" in to_html(shop.order).replace("\xa0", "")
        assert "Rp450.000,00" in to_html(shop.order, "id_ID")  # a given locale wins
    finally:
        use_locale(previous)
    assert "Rp450.000,00" in to_html(shop.order)


def test_a_summary_is_shown_in_its_shops_locale_unless_told(shop: SimpleNamespace) -> None:
    summary = attrs.evolve(shop.app.summary(), due=(Money.zero("IDR"),))
    previous = use_locale("en_US")
    try:
        assert "Rp0,00" in to_html(summary)
        assert "IDR0.00" in to_html(summary, "en_US").replace("\xa0", "")
    finally:
        use_locale(previous)


def test_an_unknown_locale_is_refused_and_nothing_changes(shop: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        use_locale("xx_NOPE")
    assert current_locale() == "id_ID"
    with pytest.raises(ValidationError, match="display locale 42 is not a locale"):
        use_locale(42)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        show(shop.order, "xx_NOPE")
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        to_html(shop.outbox, "xx_NOPE")


def test_what_cannot_be_shown_is_refused_by_name(shop: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="cannot show a dict"):
        show({"order": shop.order})
    with pytest.raises(ValidationError, match="item 1 of the list, a int"):
        show([shop.order, 3])
    with pytest.raises(ValidationError, match="cannot show a str"):
        to_html("<b>")
    assert short_repr(3) == "<int>"


def test_a_mixed_list_shows_each_object_in_turn(shop: SimpleNamespace) -> None:
    page = well_formed(to_html([shop.order, shop.invoice]))
    assert page.index(shop.order.id) < page.index(shop.invoice.number)
    assert repr(show([shop.order, shop.invoice])) == "<2 objects>"


# -- the ledger ------------------------------------------------------------------------


def test_the_ledger_adds_up_to_the_items_levels(shop: SimpleNamespace) -> None:
    rows = ledger(shop.entries).rows()
    on_hand, reserved = rows[-1][7], rows[-1][8]
    assert (on_hand, reserved) == (str(shop.item.on_hand), str(shop.item.reserved))
    assert repr(ledger(shop.entries)) == f"<Ledger {len(shop.entries)} entries, 1 item>"
    assert to_html(shop.entries) == ledger(shop.entries).html()


def test_a_ledger_refuses_what_is_not_a_ledger_entry(shop: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="entry 1 is a StockItem"):
        Ledger(entries=[shop.entries[0], shop.item])


# -- allocation costs and the gap -------------------------------------------------------


def test_the_costs_per_order_add_up_to_the_batchs_cost() -> None:
    view = allocation_view(BATCH.batch, orders=BATCH.orders, warehouses=BATCH.warehouses)
    whole = allocation_cost(BATCH.batch.allocations, BATCH.orders, BATCH.warehouses)
    assert view.cost == pytest.approx(whole)
    assert view.gap is None
    costed = allocation_view(
        BATCH.batch, orders=BATCH.orders, warehouses=BATCH.warehouses, optimum=whole / 2
    )
    assert costed.gap == pytest.approx(1.0)
    assert "100.00%" in costed.html()
    assert repr(costed) == f"<AllocationView 2 orders, cost {whole:.2f}, gap 100.00%>"


def test_an_allocation_view_refuses_costs_that_do_not_fit() -> None:
    with pytest.raises(ValidationError, match="3 costs for 2 allocations"):
        AllocationView(batch=BATCH.batch, costs=(1.0, 2.0, 3.0))
    with pytest.raises(ValidationError, match="optimum's cost must be >= 0, got -1"):
        AllocationView(batch=BATCH.batch, optimum=-1)
    with pytest.raises(ValidationError, match="must be a finite number, got nan"):
        AllocationView(batch=BATCH.batch, costs=(1.0, float("nan")))
    with pytest.raises(ValidationError, match="'SO-2' of the batch is not among the orders"):
        allocation_view(BATCH.batch, orders=BATCH.orders[:1], warehouses=BATCH.warehouses)


def test_a_free_optimum_gives_a_gap_only_to_a_free_plan() -> None:
    free = AllocationView(batch=BATCH.batch, costs=(0.0, 0.0), optimum=0.0)
    assert free.gap == 0.0
    dear = AllocationView(batch=BATCH.batch, costs=(0.0, 1.0), optimum=0.0)
    assert dear.gap == float("inf")


# -- measures and money ----------------------------------------------------------------


def test_measures_format_money_for_the_locale(shop: SimpleNamespace) -> None:
    measures = measure_orders([shop.order], shipments=[shop.shipment])
    profit = measures.profit[0]
    assert f"mean {format_money(profit.per_order, 'id_ID')}" in str(measures)
    assert f"mean {profit.per_order}" not in str(measures)  # never "405405.41 IDR"
    english = measures.text("en_US").replace("\xa0", "")
    assert "meanIDR" in english.replace(" ", "") or "mean IDR" in english
    assert format_money(profit.total, "en_US").replace("\xa0", "") in english
    assert format_money(profit.total, "vi_VN") in measures.html("vi_VN")
    assert repr(measures) == "<OrderMeasures over 1 order>"
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        measures.text("xx_NOPE")


def test_format_money_takes_the_places_to_show() -> None:
    amount = Money.of("0.0045945945", "IDR")
    assert format_money(amount, "id_ID", digits=4) == "Rp0,0046"
    assert format_money(amount, "id_ID") == "Rp0,00"
    for digits in (-1, 29, True, 2.0):
        with pytest.raises(ValidationError, match=f"digits must be 0 to 28, got {digits!r}"):
            format_money(amount, "id_ID", digits=digits)  # type: ignore[arg-type]


# -- the summary -----------------------------------------------------------------------


def test_the_summary_counts_what_the_store_holds(shop: SimpleNamespace) -> None:
    summary = shop.app.summary()
    assert dict(summary.orders) == {shop.order.status: 1}
    assert [(s.sku, s.on_hand, s.reserved, s.available) for s in summary.stock] == [
        ("TSHIRT-RED-M", 7, 0, 7)
    ]
    due = shop.order.balance_due
    assert summary.due == ((due,) if due.amount > 0 else ())
    assert summary.as_of == shop.app.clock.now()
    assert dict(summary.outbox)  # the courier booking and the messages were sent
    assert well_formed(shop.app._repr_html_()) == to_html(summary)


def test_the_summary_shows_money_due_on_open_orders_only() -> None:
    app = in_memory()
    jakarta = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="Jakarta", address=jakarta))
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="CAP",
                name="Cap",
                price=Money.of("50000", "IDR"),
                unit_cost=Money.of("20000", "IDR"),
                initial_stock=5,
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(jakarta,))))
    line = (commands.NewLine(sku="CAP", quantity=1),)
    app.execute(commands.PlaceOrder(customer_id="C1", lines=line))
    second = app.execute(commands.PlaceOrder(customer_id="C1", lines=line))
    app.execute(commands.CancelOrder(order_id=second))
    summary = app.summary()
    assert summary.due == (Money.of("50000", "IDR"),)
    assert summary.orders_due == 1
    assert summary.orders == ((OrderStatus.NEW, 1), (OrderStatus.CANCELLED, 1))
    assert repr(summary) == "<AppSummary 2 orders, Rp50.000,00 due on 1, 1 SKU>"


# -- hostile input to the public helpers ------------------------------------------------


def test_money_text_refuses_what_is_not_money_or_not_a_locale() -> None:
    with pytest.raises(ValidationError, match="formats Money, got int 3"):
        money_text(3, "id_ID")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        money_text(Money.of("1", "IDR"), "xx_NOPE")
    with pytest.raises(ValidationError, match="display locale None is not a locale"):
        money_text(Money.of("1", "IDR"), None)  # type: ignore[arg-type]


def test_money_text_keeps_each_currencys_own_places() -> None:
    """VND has no minor unit, KWD three: four more places past each, no more."""
    assert money_text(Money.of("12345", "VND"), "vi_VN") == "12.345\xa0₫"
    assert money_text(Money.of("0.12345678", "VND"), "en_US") == "₫0.1235"
    assert money_text(Money.of("1.5", "KWD"), "en_US") == "KWD1.500"
    assert money_text(Money.of("1.23456789", "KWD"), "en_US") == "KWD1.2345679"


def test_a_residue_too_small_to_show_reads_zero_without_a_sign() -> None:
    assert money_text(Money.of("-0.000000001", "IDR"), "en_US") == "IDR0.00"
    assert money_text(Money.of("-0.00000001", "KWD"), "en_US") == "KWD0.000"
    assert money_text(Money.of("-0.00004", "VND"), "en_US") == "₫0"
    assert shorten_numbers("-0.00000001 KWD", "KWD") == "0.000 KWD"
    assert money_text(Money.of("-0.0004", "VND"), "en_US") == "-₫0.0004"  # shown: signed


def test_shorten_numbers_refuses_what_is_not_text() -> None:
    with pytest.raises(ValidationError, match="takes text, got NoneType None"):
        shorten_numbers(None, "IDR")  # type: ignore[arg-type]


def test_a_number_longer_than_the_decimal_context_is_cut_not_refused() -> None:
    """40 integer digits and 13 places: more than the library's 28-digit context holds."""
    whole = "1" * 40
    assert shorten_numbers(f"{whole}.1234567891234 IDR", "IDR") == f"{whole}.123457 IDR"


def test_a_bad_locale_is_refused_even_when_nothing_would_use_it(shop: SimpleNamespace) -> None:
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        to_html([], "xx_NOPE")
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        to_html(shop.entries, "xx_NOPE")
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        short_repr(shop.order, "xx_NOPE")
    with pytest.raises(ValidationError, match="'xx_NOPE'"):
        short_repr(3, "xx_NOPE")


def test_an_allocation_view_refuses_what_is_not_a_batch() -> None:
    with pytest.raises(ValidationError, match="shows a BatchAllocation, got NoneType None"):
        allocation_view(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="shows a BatchAllocation, got str 'SO-1'"):
        allocation_view("SO-1", orders=BATCH.orders, warehouses=BATCH.warehouses)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="shows a BatchAllocation, got int 3"):
        AllocationView(batch=3)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="one number per allocation, got 3"):
        AllocationView(batch=BATCH.batch, costs=3)  # type: ignore[arg-type]


def test_a_summary_refuses_a_naive_time_no_locale_and_a_negative_count(
    shop: SimpleNamespace,
) -> None:
    summary = shop.app.summary()
    naive = summary.as_of.replace(tzinfo=None)
    with pytest.raises(ValidationError, match=r"AppSummary\.as_of must be a timezone-aware"):
        attrs.evolve(summary, as_of=naive)
    with pytest.raises(ValidationError, match=r"AppSummary\.locale must be a non-empty string"):
        attrs.evolve(summary, locale=" ")
    with pytest.raises(ValidationError, match=r"AppSummary\.orders_due must be >= 0, got -1"):
        attrs.evolve(summary, orders_due=-1)
