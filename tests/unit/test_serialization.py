"""JSON shapes: round trips of every public model, strict input, and error paths."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from salesorder import (
    Address,
    Customer,
    CustomerKind,
    Dimensions,
    Discount,
    FloatMoneyError,
    GeoPoint,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    MarketplaceOrder,
    Money,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    Product,
    Reservation,
    ScenarioError,
    Settings,
    Shipment,
    StockItem,
    TaxRate,
    TaxTable,
    TrackingStatus,
    VariantAttribute,
    Warehouse,
    default_tax_table,
    in_memory,
)
from salesorder import commands as c
from salesorder.domain import events as ev
from salesorder.domain.cod import RemittanceLine, RemittanceStatement
from salesorder.domain.invoicing import DocumentType, Party
from salesorder.domain.outbox import OutboxState
from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import ReceiptLine, Supplier, SupplierItem
from salesorder.domain.returns import ReturnOutcome
from salesorder.domain.shipping import TrackingEvent
from salesorder.serialization import (
    command_types,
    converter,
    event_types,
    make_converter,
    structure,
    unstructure,
)

AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID", postal_code="40111")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def round_trip(obj: Any, cls: Any = None) -> Any:
    """Unstructure, go through real JSON text, structure back."""
    data = json.loads(json.dumps(unstructure(obj)))
    return structure(data, cls or type(obj))


# -- concrete examples of each model ---------------------------------------------------------

PRODUCT = Product(
    sku="TSHIRT-RED-M",
    name="T-shirt red M",
    price=idr("150000"),
    unit_cost=idr("80000.50"),
    attributes=(VariantAttribute(name="colour", value="red"),),
    images=("https://example.com/a.png",),
    weight_kg=Decimal("0.3"),
    dimensions=Dimensions(length_cm=30, width_cm=20, height_cm="2.5"),
    initial_stock=4,
)
CUSTOMER = Customer(
    id="C-MAJU",
    name="Rudi",
    kind=CustomerKind.BUSINESS,
    company_name="PT Maju Jaya",
    tax_id="01.300.066.6-091.000",
    addresses=(ADDRESS,),
)
WAREHOUSE = Warehouse(
    code="JKT-1",
    name="Jakarta",
    address=ADDRESS,
    coordinates=GeoPoint(latitude="-6.2", longitude="106.8"),
    priority=2,
)
STOCK = StockItem(
    warehouse="JKT-1",
    sku="TSHIRT-RED-M",
    on_hand=10,
    reservations={"ORD-1/1": Reservation.for_line("ORD-1", "1", 3, AT, AT + dt.timedelta(hours=1))},
)
PAYMENT = Payment(
    id="PAY-1",
    order_id="ORD-1",
    method=PaymentMethod.COD,
    amount=idr("461000"),
    reference="COD-1",
    received_at=AT,
)
TAX_RATE = TaxRate(code="ID-PPN-12-DPP", name="PPN", rate="0.12", base_factor=Fraction(11, 12))
MARKETPLACE_ORDER = MarketplaceOrder(
    external_id="260105ABC",
    revision=1,
    status="READY_TO_SHIP",
    buyer_name="Siti",
    shipping_address=ADDRESS,
    currency="IDR",
    lines=(),
    created_at=AT,
    cash_on_delivery=True,
)

VALUES = [
    idr("12.50"),
    Money.of("0.125", "KWD"),
    ADDRESS,
    PRODUCT,
    CUSTOMER,
    WAREHOUSE,
    STOCK,
    PAYMENT,
    TAX_RATE,
    default_tax_table(),
    Settings(),
    InvoiceSeries(code="VAT", prefix="VAT-", next_number=7),
    Discount.of_percent("12.5"),
    Discount.of_amount(idr("5000")),
    MARKETPLACE_ORDER,
    TrackingEvent(tracking_number="JNT1", status=TrackingStatus.DELIVERED, at=AT, note="ok"),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_round_trip_of_values(value: Any) -> None:
    assert round_trip(value) == value


def test_stock_item_keeps_its_reservations() -> None:
    back = round_trip(STOCK)
    assert back.reservations == STOCK.reservations
    assert back.reserved == 3
    assert back.available == 7


@pytest.fixture(scope="module")
def story() -> Any:
    """A real order-to-cash run: every aggregate has history, pricing, tracking, e-invoice."""
    app = in_memory(start=AT)
    app.execute(c.AddWarehouse(warehouse=WAREHOUSE))
    app.execute(c.AddProduct(product=PRODUCT, warehouse="JKT-1"))
    app.execute(c.AddCustomer(customer=CUSTOMER))
    order_id = app.execute(
        c.PlaceOrder(
            customer_id="C-MAJU",
            lines=(c.NewLine(sku="TSHIRT-RED-M", quantity=3, discount=Discount.of_percent(10)),),
            payment_method=PaymentMethod.COD,
            requested_delivery_date=dt.date(2026, 1, 9),
        )
    )
    app.execute(c.ConfirmOrder(order_id=order_id))
    app.execute(c.ReserveStock(order_id=order_id))
    shipment_id = app.execute(c.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        tracking = uow.shipments.get(shipment_id).tracking_number
    app.couriers["jnt"].report(tracking, TrackingStatus.DELIVERED, app.clock.advance(days=1))  # type: ignore[attr-defined]
    app.execute(c.SyncTracking(shipment_id=shipment_id))
    invoice_id = app.execute(c.IssueInvoice(order_id=order_id, kind=InvoiceKind.VAT))
    app.execute(c.SubmitEInvoice(invoice_id=invoice_id))
    app.execute(c.RefreshEInvoice(invoice_id=invoice_id))
    return app


@pytest.mark.parametrize("kind", [Order, StockItem, Shipment, Invoice, InvoiceSeries, Product])
def test_round_trip_of_aggregates_from_a_real_run(story: Any, kind: type) -> None:
    repository = {
        Order: "orders",
        StockItem: "stock",
        Shipment: "shipments",
        Invoice: "invoices",
        InvoiceSeries: "invoice_series",
        Product: "products",
    }[kind]
    with story.uow() as uow:
        items = getattr(uow, repository).list()
    assert items
    for item in items:
        assert round_trip(item) == item


def test_a_round_tripped_order_keeps_its_facts(story: Any) -> None:
    with story.uow() as uow:
        (order,) = uow.orders.list()
    back = round_trip(order)
    assert back.status is OrderStatus.DELIVERED
    assert [h.status for h in back.history] == [h.status for h in order.history]
    assert back.pricing == order.pricing
    assert back.time_in_status() == order.time_in_status()
    assert back.amount_due == order.amount_due


def test_every_command_round_trips_with_its_tag() -> None:
    examples: list[c.Command[Any]] = [
        c.AddWarehouse(warehouse=WAREHOUSE),
        c.AddProduct(product=PRODUCT, warehouse="JKT-1"),
        c.AddCustomer(customer=CUSTOMER),
        c.ReceiveStock(warehouse="JKT-1", sku="A", quantity=2),
        c.PlaceOrder(
            customer_id="C1",
            lines=(c.NewLine(sku="A", quantity=1, unit_price=idr("10")),),
            shipping_address=ADDRESS,
            requested_delivery_date=dt.date(2026, 2, 1),
        ),
        c.AddLine(order_id="O1", line=c.NewLine(sku="A", quantity=2)),
        c.RemoveLine(order_id="O1", line_id="1"),
        c.ChangeQuantity(order_id="O1", line_id="1", quantity=5),
        c.ChangeAddress(order_id="O1", address=ADDRESS),
        c.ConfirmOrder(order_id="O1"),
        c.HoldOrder(order_id="O1", reason="address check"),
        c.ReleaseOrder(order_id="O1"),
        c.AmendOrder(
            order_id="O1",
            add=(c.NewLine(sku="A", quantity=1),),
            remove=("2",),
            quantities=(c.LineQuantity(line_id="1", quantity=2),),
            address=ADDRESS,
            reason="buyer called",
            key="k1",
        ),
        c.CancelLines(order_id="O1", lines=(c.LineQuantity(line_id="1", quantity=1),), key="k2"),
        c.ReserveStock(order_id="O1"),
        c.ShipOrder(order_id="O1", courier="jnt", warehouse="JKT-1"),
        c.FailDelivery(order_id="O1", reason="not at home"),
        c.ReattemptDelivery(order_id="O1"),
        c.ReturnToSender(order_id="O1", reason="refused"),
        c.SyncTracking(shipment_id="S1"),
        c.MarkDelivered(order_id="O1"),
        c.IssueInvoice(order_id="O1", kind=InvoiceKind.VAT, series="VAT"),
        c.SubmitEInvoice(invoice_id="I1"),
        c.RefreshEInvoice(invoice_id="I1"),
        c.RecordPayment(order_id="O1", amount=idr("1"), method=PaymentMethod.CARD, reference="r"),
        c.RecordPayment(
            order_id="O1",
            amount=Money.of("1", "USD"),
            method=PaymentMethod.CARD,
            reference="r",
            exchange_rate=Decimal("16000.5"),
        ),
        c.DraftInvoice(order_id="O1", line_ids=("1",), shipment_id="S1"),
        c.EditInvoice(invoice_id="I1", buyer=Party(name="PT Maju"), kind=InvoiceKind.VAT),
        c.IssueDraftInvoice(invoice_id="I1"),
        c.IssueCreditNote(invoice_id="I1", amount=idr("5"), reason="damaged"),
        c.IssueCreditNote(
            invoice_id="I1", lines=(c.CreditLine(line_id="1", amount=idr("5")),), reason="return"
        ),
        c.CorrectInvoice(invoice_id="I1", document=DocumentType.ADJUSTMENT, amount=idr("-5")),
        c.CancelEInvoice(invoice_id="I1", reason="typo"),
        c.RefundPayment(payment_id="P1", amount=idr("1"), reference="rf"),
        c.ApplyCustomerCredit(order_id="O1", amount=idr("1"), reference="cr"),
        c.CompleteOrder(order_id="O1"),
        c.CancelOrder(order_id="O1", reason="changed mind"),
        c.AddOrderCharge(order_id="O1", code="ABL", description="Box", amount=idr("5000")),
        c.ImportMarketplaceOrders(channel="shopee"),
        c.ReceiveWebhook(channel="shopee", body="{}", signature="00ff"),
        c.MapChannelSku(channel="shopee", channel_sku="SHP-1", sku="A"),
        c.ReleaseParkedOrders(channel="shopee"),
        c.SetChannelStockRule(channel="lazada", buffer=2, share=Decimal("0.5")),
        c.SyncChannelStock(skus=("A",)),
        c.CheckChannelStock(channel="shopee"),
        c.ImportSettlements(channel="shopee"),
        c.PullListings(channel="shopee"),
        c.PublishListing(channel="shopee", item_id="IT-1", skus=("A",), images=("a.jpg",)),
        c.ReserveStock(order_id="O1", split=False, hold_minutes=30),
        c.ReleaseExpiredReservations(),
        c.CountStock(
            warehouse="JKT-1",
            sku="A",
            counted=4,
            counted_at=dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc),
        ),
        c.ReturnStock(warehouse="JKT-1", sku="A", quantity=1, sellable=False),
        c.WriteOffStock(warehouse="JKT-1", sku="A", quantity=1, reason="broken"),
        c.TransferStock(from_warehouse="JKT-1", to_warehouse="SBY-1", sku="A", quantity=2),
        c.ChannelAvailability(channel="shopee", skus=("A",)),
        c.RecordTracking(
            courier="jnt",
            events=(
                TrackingEvent(
                    tracking_number="JNT1", status=TrackingStatus.DELIVERED, at=AT, event_id="E1"
                ),
            ),
        ),
        c.ImportRemittance(
            statement=RemittanceStatement(
                id="RS-1",
                courier="jnt",
                currency="IDR",
                paid_on=dt.date(2026, 1, 9),
                lines=(
                    RemittanceLine(
                        tracking_number="JNT0000000001",
                        collected=idr("461000"),
                        fee=idr("4610"),
                        remitted=idr("456390"),
                    ),
                ),
            )
        ),
        c.ReconcileCod(courier="jnt"),
        c.RebookShipment(shipment_id="SHP-1", destination=ADDRESS),
        c.DispatchOutbox(limit=10),
        c.ListOutbox(states=(OutboxState.DEAD,)),
        c.RetryOutbox(keys=("book_courier|jnt|SHP-1|ab12",), send=False),
        c.DiscardOutbox(key="book_courier|jnt|SHP-1|ab12", reason="sent by hand"),
        c.SetStockPolicy(warehouse="JKT-1", sku="A", reorder_point=3, reorder_quantity=10),
        c.AddSupplier(
            supplier=Supplier(
                code="SUP",
                name="Supplier",
                items=[SupplierItem(sku="A", unit_cost=idr("100"), lead_time_days=2)],
            )
        ),
        c.CreatePurchaseOrder(
            supplier="SUP",
            warehouse="JKT-1",
            lines=[c.PurchaseLineRequest(sku="A", quantity=5)],
            expected_on=dt.date(2026, 1, 9),
        ),
        c.ProposePurchaseOrders(),
        c.SendPurchaseOrder(purchase_order_id="PO1"),
        c.ReceiveGoods(
            purchase_order_id="PO1",
            lines=[ReceiptLine(sku="A", quantity=4, rejected=1, note="crushed box")],
        ),
        c.ClosePurchaseOrder(purchase_order_id="PO1"),
        c.AddPriceList(
            price_list=PriceList(
                code="WEB",
                name="Web",
                currency="IDR",
                entries=[PriceEntry(sku="A", unit_price=idr("9"), min_quantity=2)],
            )
        ),
        c.AddPromotion(promotion=Promotion.percent_off("P10", "10", skus=("A",))),
        c.AddVoucher(
            voucher=Voucher(
                code="HEMAT",
                promotion=Promotion.order_amount_off("O5", idr("5"), automatic=False),
                usage_limit=10,
            )
        ),
        c.SetVouchers(order_id="O1", vouchers=("HEMAT",)),
        c.SetBins(
            warehouse="JKT-1",
            bins=(c.BinAssignment(sku="A", aisle=2, position=7),),
            aisle_spacing_m=4,
        ),
        c.CreateWave(warehouse="JKT-1", order_ids=("O1",), urgent=True),
        c.ConfirmPick(wave_id="W1", sku="A", picked=1, reason=c.ShortPickReason.DAMAGED),
        c.PackParcel(
            order_id="O1",
            warehouse="JKT-1",
            lines=(c.LineQuantity(line_id="1", quantity=1),),
            weight_kg=Decimal("1.25"),
            dimensions=Dimensions(length_cm=10, width_cm=10, height_cm=5),
        ),
        c.CreateManifest(courier="jnt", warehouse="JKT-1", parcel_ids=("P1", "P2")),
        c.RetryNotifications(),
        c.RequestReturn(
            order_id="O1",
            lines=(c.LineQuantity(line_id="1", quantity=2),),
            reason="wrong size",
            key="rma-1",
        ),
        c.ApproveReturn(return_id="RETURN-000001"),
        c.RejectReturn(return_id="RETURN-000001", reason="outside the return window"),
        c.ReceiveReturn(return_id="RETURN-000001"),
        c.InspectReturn(
            return_id="RETURN-000001",
            lines=(c.InspectedLine(line_id="1", sellable=1, damaged=1),),
            warehouse="JKT-1",
        ),
        c.ResolveReturn(
            return_id="RETURN-000001", outcome=ReturnOutcome.REFUND, include_shipping=True
        ),
    ]
    assert {type(e) for e in examples} == set(command_types())
    for command in examples:
        data = unstructure(command)
        assert data["type"] == command.tag
        assert structure(data, c.Command) == command
        assert structure(data, type(command)) == command
        assert structure({k: v for k, v in data.items() if k != "type"}, type(command)) == command


def test_every_event_round_trips_tagged_by_class_name() -> None:
    gross = idr("450000.00")
    examples: list[ev.DomainEvent] = [
        ev.OrderPlaced(order_id="O1", at=AT, channel="web", external_ref="x"),
        ev.OrderPriced(order_id="O1", at=AT, gross=gross),
        ev.OrderConfirmed(order_id="O1", at=AT),
        ev.StockReserved(order_id="O1", at=AT, warehouse="JKT-1"),
        ev.OrderShipped(order_id="O1", at=AT, shipment_id="S1", courier="jnt", tracking_number="T"),
        ev.OrderDelivered(order_id="O1", at=AT, shipment_id="S1"),
        ev.InvoiceIssued(order_id="O1", at=AT, invoice_id="I1", number="INV-1", gross=gross),
        ev.PaymentRecorded(order_id="O1", at=AT, payment_id="P1", amount=gross, method="cod"),
        ev.OrderCompleted(order_id="O1", at=AT),
        ev.OrderCancelled(order_id="O1", at=AT, reason="r"),
        ev.OrderHeld(order_id="O1", at=AT, reason="check"),
        ev.OrderReleased(order_id="O1", at=AT),
        ev.OrderAmended(
            order_id="O1",
            at=AT,
            version=1,
            gross_before=gross,
            gross_after=gross,
            cancellation=True,
        ),
        ev.OrderInTransit(order_id="O1", at=AT, shipment_id="S1"),
        ev.ShipmentDelayed(order_id="O1", at=AT, shipment_id="S1", reason="weather"),
        ev.DeliveryFailed(order_id="O1", at=AT, shipment_id="S1", reason="not at home"),
        ev.DeliveryReattempted(order_id="O1", at=AT, shipment_id="S1"),
        ev.ReturnedToSender(order_id="O1", at=AT, reason="refused"),
        ev.ReturnReceived(order_id="O1", at=AT, return_id="RETURN-000001", units=2),
        ev.RefundSent(order_id="O1", at=AT, amount=gross, reference="R-1"),
    ]
    assert {type(e) for e in examples} == set(event_types())
    for event in examples:
        data = unstructure(event)
        assert data["type"] == type(event).__name__
        assert structure(json.loads(json.dumps(data)), ev.DomainEvent) == event


def test_events_of_a_real_run_round_trip(story: Any) -> None:
    published = story.events.published
    assert {type(e).__name__ for e in published} >= {"OrderPlaced", "OrderShipped", "InvoiceIssued"}
    data = json.loads(json.dumps(unstructure(published)))
    assert [structure(item, ev.DomainEvent) for item in data] == published


# -- shapes -------------------------------------------------------------------------------------


def test_money_is_an_object_with_a_decimal_string() -> None:
    assert unstructure(idr("12.50")) == {"amount": "12.50", "currency": "IDR"}


def test_scalars_have_json_shapes() -> None:
    data = unstructure(TAX_RATE)
    assert data == {
        "code": "ID-PPN-12-DPP",
        "name": "PPN",
        "rate": "0.12",
        "base_factor": "11/12",
        "compound": False,
        "treatment": "taxable",
        "exemption_reason": "",
        "exemption_code": "",
        "reduced_base": "rounded_base",
        "included_tax": "balances_gross",
    }
    assert unstructure(PAYMENT)["received_at"] == "2026-01-05T09:00:00+07:00"
    assert unstructure(PAYMENT)["method"] == "cod"
    assert type(unstructure(PAYMENT)["method"]) is str
    assert unstructure(CUSTOMER)["addresses"] == [unstructure(ADDRESS)]
    assert (
        unstructure(
            c.PlaceOrder(customer_id="C", lines=(), requested_delivery_date=dt.date(2026, 2, 1))
        )["requested_delivery_date"]
        == "2026-02-01"
    )


def test_decimal_from_int_or_string() -> None:
    assert structure({"amount": 12, "currency": "IDR"}, Money) == idr("12")
    assert structure({"amount": " 12.50 ", "currency": "IDR"}, Money) == idr("12.50")


def test_float_money_is_refused() -> None:
    with pytest.raises(ScenarioError) as info:
        structure({"amount": 12.5, "currency": "IDR"}, Money)
    assert info.value.path == "amount"
    assert "float" in str(info.value)
    assert isinstance(info.value.__cause__.exceptions[0], FloatMoneyError)  # type: ignore[union-attr]
    with pytest.raises(ScenarioError, match="float"):
        structure(1.5, Decimal)


def test_strict_scalars() -> None:
    with pytest.raises(ScenarioError, match="expected a whole number, got the string '3'"):
        structure(
            {
                "warehouse": "W",
                "bins": [{"sku": "A", "aisle": "3", "position": 1}],
                "type": "set_bins",
            },
            c.Command,
        )
    # A quantity may be a decimal string ("0.25" kg): "3" is 3, a word is refused.
    received = structure(
        {"warehouse": "W", "sku": "A", "quantity": "3", "type": "receive_stock"}, c.Command
    )
    assert isinstance(received, c.ReceiveStock)
    assert received.quantity == 3
    with pytest.raises(ScenarioError, match="'three' is not a decimal number"):
        structure(
            {"warehouse": "W", "sku": "A", "quantity": "three", "type": "receive_stock"},
            c.Command,
        )
    with pytest.raises(ScenarioError, match="expected a string, got the number 5"):
        structure({"line1": 5, "city": "x", "country": "ID"}, Address)
    with pytest.raises(ScenarioError, match="expected true or false"):
        structure({**unstructure(MARKETPLACE_ORDER), "cash_on_delivery": "yes"}, MarketplaceOrder)
    with pytest.raises(ScenarioError, match="expected an array"):
        structure({**unstructure(CUSTOMER), "addresses": "Jl. Asia Afrika"}, Customer)


def test_naive_datetimes_are_refused_and_z_is_utc() -> None:
    data = unstructure(PAYMENT)
    with pytest.raises(ScenarioError, match="timezone-aware") as info:
        structure({**data, "received_at": "2026-01-05T09:00:00"}, Payment)
    assert info.value.path == "received_at"
    back = structure({**data, "received_at": "2026-01-05T02:00:00Z"}, Payment)
    assert back.received_at == AT


def test_extra_keys_are_refused_with_their_path() -> None:
    data = unstructure(CUSTOMER)
    data["addresses"][0]["street"] = "x"
    with pytest.raises(ScenarioError) as info:
        structure(data, Customer)
    assert info.value.path == "addresses[0].street"
    assert "unknown key 'street' in Address" in str(info.value)


def test_validator_errors_point_at_the_field() -> None:
    data = {"type": "place_order", "customer_id": "C1", "lines": [{"sku": "A", "quantity": 1}]}
    data["lines"].append({"sku": "B", "quantity": 0})  # type: ignore[attr-defined]
    with pytest.raises(ScenarioError) as info:
        structure(data, c.Command)
    assert info.value.path == "lines[1].quantity"
    assert str(info.value) == "lines[1].quantity: NewLine.quantity must be > 0, got 0"


def test_a_concrete_command_refuses_another_tag() -> None:
    with pytest.raises(ScenarioError) as info:
        structure({"type": "cancel_order", "order_id": "O1"}, c.ConfirmOrder)
    assert info.value.path == "type"
    assert "expected 'confirm_order' here, got 'cancel_order'" in str(info.value)


def test_other_error_paths() -> None:
    cases: list[tuple[Any, Any, str, str]] = [
        ({"type": "teleport"}, c.Command, "type", "unknown command type 'teleport'"),
        ({"order_id": "O1"}, c.Command, "type", "required field missing"),
        ({"type": "confirm_order"}, c.Command, "order_id", "required field missing"),
        ({"amount": "1", "currency": "XYZ"}, Money, "currency", "unknown currency code 'XYZ'"),
        ({"amount": "abc", "currency": "IDR"}, Money, "amount", "'abc' is not a decimal number"),
        (
            {**unstructure(PAYMENT), "method": "cash"},
            Payment,
            "method",
            "expected one of 'bank_transfer', 'card', 'e_wallet', 'cod', "
            "'customer_credit', 'on_account', got the string 'cash'",
        ),
        (
            {"rules": [{**unstructure(default_tax_table().rules[0]), "valid_from": "2026-02-30"}]},
            TaxTable,
            "rules[0].valid_from",
            "expected an ISO 8601 date",
        ),
        (
            {**unstructure(STOCK), "on_hand": -1},
            StockItem,
            "on_hand",
            "StockItem.on_hand must be >= 0, got -1",
        ),
        (
            {**unstructure(TAX_RATE), "base_factor": "11/0"},
            TaxRate,
            "base_factor",
            "expected a fraction",
        ),
        ([1, 2], Money, "$", "expected an object (Money), got an array"),
        (
            {**unstructure(CUSTOMER), "company_name": ""},
            Customer,
            "$",
            "business customer 'C-MAJU' needs a company_name",
        ),
    ]
    for data, cls, path, message in cases:
        with pytest.raises(ScenarioError) as info:
            structure(data, cls)
        assert (info.value.path, message in str(info.value)) == (path, True), str(info.value)


def test_converters_are_fresh_and_shared_one_is_cached() -> None:
    assert make_converter() is not make_converter()
    assert converter() is converter()
