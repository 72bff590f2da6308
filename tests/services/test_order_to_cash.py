"""The whole story through ``salesorder.in_memory()`` and ``salesorder.commands``.

Figures, computed by hand (Indonesia, PPN 12% on 11/12 of the price = 11% effective, prices
include tax, half-up per line; the in-memory courier charges Rp9,000 + Rp2,000 per started kg):

- 3 x TSHIRT-RED-M at Rp150,000: gross 450,000.00; net 450,000 / 1.11 = 405,405.41;
  tax 44,594.59. Weight 0.9 kg -> 1 kg -> fee 11,000.00.
- 1 x CAP-BLK at Rp49,999.50: gross 49,999.50; net 45,044.59; tax 4,954.91.
  Weight 0.2 kg -> 1 kg -> fee 11,000.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from salesorder import (
    Address,
    Customer,
    EInvoiceState,
    FeePayer,
    IllegalTransition,
    Money,
    OrderStatus,
    PaymentMethod,
    Product,
    RoundingMode,
    SalesApp,
    Settings,
    TaxMode,
    TaxRate,
    TaxRule,
    TaxTable,
    TrackingStatus,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.adapters.memory import InMemoryCourier
from salesorder.domain.invoicing import InvoiceStatus, Party
from salesorder.domain.shipping import ShipmentStatus


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def place(app: SalesApp, *lines: tuple[str, int], **kwargs: object) -> str:
    return app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            **kwargs,  # type: ignore[arg-type]
        )
    )


def deliver(app: SalesApp, shipment_id: str) -> None:
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
    courier: InMemoryCourier = app.couriers[shipment.courier]  # type: ignore[assignment]
    courier.report(shipment.tracking_number, TrackingStatus.PICKED_UP, app.clock.now())
    courier.report(
        shipment.tracking_number,
        TrackingStatus.DELIVERED,
        app.clock.advance(days=2),  # type: ignore[attr-defined]
    )
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.DELIVERED


def test_bank_transfer_from_order_to_cash(app: SalesApp) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 3))
    assert order_id == "ORD-000001"
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.NEW
    assert order.pricing is not None
    assert order.pricing.gross == idr("450000.00")
    assert order.pricing.net == idr("405405.41")
    assert order.pricing.tax == idr("44594.59")
    assert order.pricing.tax_summary[0].tax_code == "ID-PPN-12-DPP"
    assert order.shipping_address is not None
    assert order.shipping_address.city == "Bandung"  # the customer's address on file

    app.execute(commands.ConfirmOrder(order_id=order_id))
    assert app.execute(commands.ReserveStock(order_id=order_id)) == "JKT-1"
    with app.uow() as uow:
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
    assert (item.on_hand, item.reserved, item.available) == (10, 3, 7)

    with pytest.raises(IllegalTransition, match=r"450000.00 IDR of its goods is not paid"):
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    payment_id = app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("450000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="BCA-20260105-001",
        )
    )
    assert payment_id == "PAY-000001"
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
    assert shipment.fee == idr("11000")
    assert shipment.cod_amount is None  # paid by transfer: nothing to collect
    assert shipment.tracking_number == "JNT0000000001"
    assert order.status is OrderStatus.SHIPPED
    assert order.shipping_charge == idr("11000")
    assert order.amount_due == idr("461000.00")
    assert (item.on_hand, item.reserved) == (7, 0)

    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("11000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="BCA-20260105-002",
        )
    )
    deliver(app, shipment_id)
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.CompleteOrder(order_id=order_id))

    with app.uow() as uow:
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
    assert order.status is OrderStatus.COMPLETED
    assert order.balance_due.is_zero
    assert order.invoice_ids == [invoice_id]
    assert invoice.number == "INV-000001"
    assert invoice.status is InvoiceStatus.ISSUED
    # the goods (405,405.41 + 44,594.59) and the Rp11,000 shipping (9,909.91 + 1,090.09)
    assert (invoice.net, invoice.tax, invoice.gross) == (
        idr("415315.32"),
        idr("45684.68"),
        idr("461000.00"),
    )
    assert order.time_in_status()[OrderStatus.SHIPPED] == dt.timedelta(days=2)


def test_cash_on_delivery_collects_goods_plus_fee_rounded_to_whole_rupiah(app: SalesApp) -> None:
    # goods 49,999.50 + fee 11,000.00 = 60,999.50; IDR cash has no sen, half up -> 61,000;
    # the 0.50 adjustment is kept on the order so the buyer owes exactly what is collected.
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="CAP-BLK", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    assert app.execute(commands.ReserveStock(order_id=order_id)) == "SBY-1"
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
    assert order.total == idr("49999.50")
    assert shipment.fee == idr("11000")
    assert shipment.cod_amount == idr("61000")
    assert order.shipping_charge == idr("11000")
    assert order.cash_rounding == idr("0.50")
    assert order.amount_due == idr("61000.00")
    assert "COD 61000 IDR" in shipment.label

    deliver(app, shipment_id)
    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=shipment.cod_amount,
            method=PaymentMethod.COD,
            reference="JNT-REMIT-1",
        )
    )
    app.execute(commands.CompleteOrder(order_id=order_id))
    with app.uow() as uow:
        assert uow.orders.get(order_id).status is OrderStatus.COMPLETED


def test_cod_with_the_fee_paid_by_the_seller_collects_the_goods_only(app: SalesApp) -> None:
    # goods 49,999.50 -> cash 50,000 (half up); no shipping charge for the buyer.
    order_id = place(app, ("CAP-BLK", 1), payment_method=PaymentMethod.COD)
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(
        commands.ShipOrder(order_id=order_id, courier="jnt", fee_payer=FeePayer.SELLER)
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
    assert shipment.cod_amount == idr("50000")
    assert shipment.fee == idr("11000")
    assert order.shipping_charge == idr("0")
    assert order.amount_due == idr("50000.00")


def test_cod_in_malaysia_rounds_to_five_sen() -> None:
    # Sales tax 10% added to the price (tax excluded): 19.90 + 1.99 = 21.89;
    # courier fee RM8.00 + RM1.50 x 1 kg = 9.50; due 31.39 -> nearest 5 sen -> 31.40.
    kuala_lumpur = Address(line1="Jalan Ampang 1", city="Kuala Lumpur", country="MY")
    sales_tax = TaxRate(code="MY-ST-10", name="Sales tax 10%", rate=Decimal("0.10"))
    settings = Settings(
        currency="MYR",
        jurisdiction="MY",
        tax_mode=TaxMode.EXCLUDED,
        tax_table=TaxTable(
            rules=(
                TaxRule(
                    jurisdiction="MY",
                    category="standard",
                    rate=sales_tax,
                    valid_from=dt.date(2018, 9, 1),
                ),
            )
        ),
        locale="ms_MY",
        seller=Party(name="Kedai Contoh", address=kuala_lumpur),
    )
    app = in_memory(settings)
    app = attrs.evolve(
        app,
        couriers={
            "jnt": InMemoryCourier(
                "jnt",
                currency="MYR",
                base_fee=Money.of("8.00", "MYR"),
                per_kg=Money.of("1.50", "MYR"),
            )
        },
    )
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="KUL-1", name="KL", address=kuala_lumpur))
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="MUG-1",
                name="Mug",
                price=Money.of("19.90", "MYR"),
                unit_cost=Money.of("7.00", "MYR"),
                weight_kg="0.4",
                initial_stock=2,
            ),
            warehouse="KUL-1",
        )
    )
    app.execute(
        commands.AddCustomer(customer=Customer(id="M1", name="Aisyah", addresses=(kuala_lumpur,)))
    )
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="M1",
            lines=(commands.NewLine(sku="MUG-1", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
    assert order.total == Money.of("21.89", "MYR")
    assert shipment.fee == Money.of("9.50", "MYR")
    assert shipment.cod_amount == Money.of("31.40", "MYR")
    assert order.cash_rounding == Money.of("0.01", "MYR")
    assert order.amount_due == Money.of("31.40", "MYR")
    # Half up on the 5-sen step: 31.39 is nearer 31.40 than 31.35.
    assert Money.of("31.39", "MYR").to_cash(RoundingMode.HALF_UP) == shipment.cod_amount


def test_invoice_numbers_have_no_gaps_over_several_orders(app: SalesApp) -> None:
    numbers = []
    for _ in range(3):
        order_id = place(app, ("TSHIRT-RED-M", 1))
        # An order not yet confirmed cannot be invoiced, and the failure takes no number.
        with pytest.raises(IllegalTransition, match="cannot invoice"):
            app.execute(commands.IssueInvoice(order_id=order_id))
        app.execute(commands.ConfirmOrder(order_id=order_id))
        invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
        with app.uow() as uow:
            numbers.append(uow.invoices.get(invoice_id).number)
    assert numbers == ["INV-000001", "INV-000002", "INV-000003"]
    with app.uow() as uow:
        (series,) = uow.invoice_series.list()
    assert series.next_number == 4


def test_a_separate_series_counts_on_its_own(app: SalesApp) -> None:
    first = place(app, ("TSHIRT-RED-M", 1))
    second = place(app, ("TSHIRT-RED-M", 1))
    for order_id in (first, second):
        app.execute(commands.ConfirmOrder(order_id=order_id))
    inv = app.execute(commands.IssueInvoice(order_id=first))
    vat = app.execute(commands.IssueInvoice(order_id=second, series="VAT"))
    with app.uow() as uow:
        assert uow.invoices.get(inv).number == "INV-000001"
        assert uow.invoices.get(vat).number == "VAT-000001"


def test_einvoice_submission_is_idempotent_and_accepted(app: SalesApp) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    first = app.execute(commands.SubmitEInvoice(invoice_id=invoice_id))
    again = app.execute(commands.SubmitEInvoice(invoice_id=invoice_id))
    assert first is again is EInvoiceState.PENDING
    assert app.einvoice is not None
    assert len(app.einvoice.submissions) == 1  # type: ignore[attr-defined]
    assert app.execute(commands.RefreshEInvoice(invoice_id=invoice_id)) is EInvoiceState.ACCEPTED
    # A retry after acceptance still creates nothing new.
    assert app.execute(commands.SubmitEInvoice(invoice_id=invoice_id)) is EInvoiceState.ACCEPTED
    with app.uow() as uow:
        einvoice = uow.invoices.get(invoice_id).einvoice
    assert einvoice is not None
    assert einvoice.authority_code == "M1-26-00000001"
    assert app.einvoice.sent_to_buyer == [invoice_id]  # type: ignore[attr-defined]


def test_einvoice_rejected_by_the_authority_keeps_the_reasons(app: SalesApp) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.einvoice.reject(invoice_id, "buyer tax code is invalid")  # type: ignore[union-attr]
    assert app.execute(commands.SubmitEInvoice(invoice_id=invoice_id)) is EInvoiceState.PENDING
    assert app.execute(commands.RefreshEInvoice(invoice_id=invoice_id)) is EInvoiceState.REJECTED
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    assert invoice.einvoice is not None
    assert invoice.einvoice.state is EInvoiceState.REJECTED
    assert invoice.einvoice.reasons == ("buyer tax code is invalid",)
    assert invoice.einvoice.authority_code == ""
    assert app.einvoice.sent_to_buyer == []  # type: ignore[union-attr]
    # The issued invoice itself is untouched: number and amounts stay.
    assert invoice.number == "INV-000001"
    assert invoice.status is InvoiceStatus.ISSUED


def test_events_are_published_in_order(app: SalesApp) -> None:
    published = app.events.published  # type: ignore[attr-defined]
    start = len(published)
    order_id = place(app, ("TSHIRT-RED-M", 3))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("450000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="BCA-1",
        )
    )
    shipment_id = app.execute(
        commands.ShipOrder(order_id=order_id, courier="jnt", fee_payer=FeePayer.SELLER)
    )
    deliver(app, shipment_id)
    app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.CompleteOrder(order_id=order_id))
    events = published[start:]
    assert [type(e).__name__ for e in events] == [
        "OrderPriced",
        "OrderPlaced",
        "OrderConfirmed",
        "StockReserved",
        "PaymentRecorded",
        "OrderShipped",
        "OrderDelivered",
        "InvoiceIssued",
        "OrderCompleted",
    ]
    assert {e.order_id for e in events} == {order_id}
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert events[0].gross == idr("450000.00")


def test_cancelling_releases_the_reservations(app: SalesApp) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 4))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    with app.uow() as uow:
        assert uow.stock.get(("JKT-1", "TSHIRT-RED-M")).available == 6
    app.execute(commands.CancelOrder(order_id=order_id, reason="out of budget"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        item = uow.stock.get(("JKT-1", "TSHIRT-RED-M"))
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == "out of budget"
    assert (item.on_hand, item.reserved, item.available) == (10, 0, 10)
    assert type(app.events.published[-1]).__name__ == "OrderCancelled"  # type: ignore[attr-defined]


def test_editing_before_confirmation_reprices(app: SalesApp) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    line_id = app.execute(
        commands.AddLine(order_id=order_id, line=commands.NewLine(sku="CAP-BLK", quantity=2))
    )
    assert line_id == "2"
    app.execute(commands.ChangeQuantity(order_id=order_id, line_id="1", quantity=2))
    new_address = Address(line1="Jl. Braga 5", city="Bandung", country="ID")
    app.execute(commands.ChangeAddress(order_id=order_id, address=new_address))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    # 2 x 150,000.00 + 2 x 49,999.50 = 399,999.00
    assert order.total == idr("399999.00")
    assert order.shipping_address == new_address


def test_receiving_stock_raises_on_hand(app: SalesApp) -> None:
    assert (
        app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=5)) == 15
    )
    assert (
        app.execute(commands.ReceiveStock(warehouse="SBY-1", sku="TSHIRT-RED-M", quantity=2)) == 2
    )
