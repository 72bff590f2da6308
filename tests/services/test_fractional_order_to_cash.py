"""0.25 kg of coffee and 1.5 m of fabric from order to invoice, on memory and on SQLite.

The shop of conftest.py (IDR, PPN 12% on 11/12 = 11% effective, prices include tax) also
sells COFFEE at Rp120,000 per kilogram and FABRIC at Rp45,000 per metre. Worked figures:

- 0.25 kg x 120,000 = 30,000.00 gross; net 30,000 / 1.11 = 27,027.03; tax 2,972.97.
- 1.5 m x 45,000 = 67,500.00 gross; net 67,500 / 1.11 = 60,810.81; tax 6,689.19.
- A credit of 0.1 kg of the coffee for 12,000.00 (0.1 / 0.25 of its gross) leaves 0.15 kg
  to credit.
- A return of 0.1 kg of the delivered 0.25 kg is worth 12,000.00: the line's 30,000.00 split
  over its 250 grams is 120.00 a gram.

Whole-unit shops see no change: a T-shirt line still writes no unit and says ``C62``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from tests.services.conftest import BANDUNG, committed_state, stock_shop
from tests.services.test_order_to_cash import deliver

from salesorder import (
    Customer,
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    PaymentMethod,
    Product,
    SalesApp,
    Settings,
    commands,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.adapters.sql import SqlStore
from salesorder.bootstrap import build
from salesorder.documents import render_html, to_cii, to_ubl
from salesorder.documents.validation import validate_cii, validate_ubl
from salesorder.domain.customers import CustomerKind
from salesorder.domain.invoicing import Party
from salesorder.domain.returns import ReturnOutcome
from salesorder.domain.units import KILOGRAM, METRE, PIECE, TooManyDecimals
from salesorder.exceptions import AmendmentRefused
from salesorder.serialization import unstructure
from salesorder.services.channels import parked_orders

NPWP = "01.300.066.6-091.000"
SELLER = Party(name="PT Toko Contoh", address=BANDUNG, tax_id=NPWP)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SalesApp]:
    """The conftest shop, with coffee by the kilogram and fabric by the metre."""
    url = None if request.param == "memory" else f"sqlite:///{tmp_path / 'shop.db'}"
    app = stock_shop(build(Settings(seller=SELLER), database_url=url))
    for product in (
        Product(
            sku="COFFEE",
            name="Coffee beans",
            price=idr("120000"),
            unit_cost=idr("70000"),
            unit=KILOGRAM,
            initial_stock="5.5",
        ),
        Product(
            sku="FABRIC",
            name="Batik fabric",
            price=idr("45000"),
            unit_cost=idr("20000"),
            unit=METRE,
            initial_stock="20",
        ),
    ):
        app.execute(commands.AddProduct(product=product, warehouse="JKT-1"))
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="B1",
                name="Sari",
                kind=CustomerKind.BUSINESS,
                company_name="PT Maju Jaya",
                tax_id=NPWP,
                addresses=(BANDUNG,),
            )
        )
    )
    yield app
    if isinstance(app.uow, SqlStore):
        app.uow.dispose()


def place(app: SalesApp, *lines: tuple[str, object], customer: str = "B1") -> str:
    return app.execute(
        commands.PlaceOrder(
            customer_id=customer,
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),  # type: ignore[arg-type]
        )
    )


def quantities(xml: bytes, tag: bytes) -> list[tuple[bytes, bytes]]:
    return re.findall(rb"<%s unitCode=\"(\w+)\">([^<]*)<" % tag, xml)


def test_coffee_and_fabric_from_order_to_invoice_and_credit(shop: SalesApp) -> None:
    order_id = place(shop, ("COFFEE", "0.25"), ("FABRIC", "1.5"))
    with shop.uow() as uow:
        order = uow.orders.get(order_id)
    coffee, fabric = order.lines
    assert (coffee.quantity, coffee.unit, fabric.quantity, fabric.unit) == (
        Decimal("0.25"),
        KILOGRAM,
        Decimal("1.5"),
        METRE,
    )
    assert order.pricing is not None
    assert [(p.net, p.tax, p.gross) for p in order.pricing.lines] == [
        (idr("27027.03"), idr("2972.97"), idr("30000.00")),
        (idr("60810.81"), idr("6689.19"), idr("67500.00")),
    ]
    details = [step.detail for step in order.pricing.trace.steps]
    assert any(d.startswith("0.25 x 120000") for d in details)
    assert any(d.startswith("1.5 x 45000") for d in details)
    stored = unstructure(order)["lines"]
    assert (stored[0]["quantity"], stored[0]["unit"]["un_code"]) == ("0.25", "KGM")
    assert (stored[1]["quantity"], stored[1]["unit"]["un_code"]) == ("1.5", "MTR")

    shop.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    with shop.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    assert [(line.quantity, line.unit, line.gross) for line in invoice.lines] == [
        (Decimal("0.25"), KILOGRAM, idr("30000.00")),
        (Decimal("1.5"), METRE, idr("67500.00")),
    ]
    assert invoice.gross == idr("97500.00")
    ubl, cii = to_ubl(invoice), to_cii(invoice)
    assert quantities(ubl, b"cbc:InvoicedQuantity") == [(b"KGM", b"0.25"), (b"MTR", b"1.5")]
    assert quantities(cii, b"ram:BilledQuantity") == [(b"KGM", b"0.25"), (b"MTR", b"1.5")]
    assert b'unitCode="C62"' not in ubl + cii
    assert validate_ubl(ubl) == []
    assert validate_cii(cii) == []
    page = render_html(invoice)
    assert "<td>0.25 kg</td>" in page
    assert "<td>1.5 m</td>" in page

    note_id = shop.execute(
        commands.IssueCreditNote(
            invoice_id=invoice_id,
            lines=(commands.CreditLine(line_id="1", amount=idr("12000"), quantity="0.1"),),  # type: ignore[arg-type]
        )
    )
    with shop.uow() as uow:
        note = uow.credit_notes.get(note_id)
        invoice = uow.invoices.get(invoice_id)
    assert note.units == {"1": Decimal("0.1")}
    assert (note.lines[0].quantity, note.lines[0].unit) == (Decimal("0.1"), KILOGRAM)
    assert invoice.units_creditable("1") == Decimal("0.15")
    xml = to_ubl(note)
    assert quantities(xml, b"cbc:CreditedQuantity") == [(b"KGM", b"0.1")]
    assert validate_ubl(xml) == []
    assert validate_cii(to_cii(note)) == []


def test_a_tenth_of_a_kilogram_comes_back_and_is_credited(shop: SalesApp) -> None:
    order_id = place(shop, ("COFFEE", "0.25"), customer="C1")
    shop.execute(commands.ConfirmOrder(order_id=order_id))
    shop.execute(commands.ReserveStock(order_id=order_id))
    shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("30000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="P1",
        )
    )
    shipment_id = shop.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with shop.uow() as uow:
        due = uow.orders.get(order_id).balance_due
    shop.execute(
        commands.RecordPayment(
            order_id=order_id, amount=due, method=PaymentMethod.BANK_TRANSFER, reference="P2"
        )
    )
    deliver(shop, shipment_id)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    return_id = shop.execute(
        commands.RequestReturn(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id="1", quantity="0.1"),),  # type: ignore[arg-type]
        )
    )
    for step in (
        commands.ApproveReturn(return_id=return_id),
        commands.ReceiveReturn(return_id=return_id),
        commands.InspectReturn(
            return_id=return_id,
            lines=(commands.InspectedLine(line_id="1", sellable="0.06", damaged="0.04"),),  # type: ignore[arg-type]
        ),
        commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND),
    ):
        shop.execute(step)
    with shop.uow() as uow:
        request = uow.returns.get(return_id)
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
        (note_id,) = request.credit_note_ids
        note = uow.credit_notes.get(note_id)
        ledger = uow.stock_ledger.for_item("JKT-1", "COFFEE")
    assert (request.lines[0].sellable, request.lines[0].damaged) == (
        Decimal("0.06"),
        Decimal("0.04"),
    )
    assert [m.on_hand_change for m in ledger][-2:] == [Decimal("0.1"), Decimal("-0.04")]
    assert request.lines[0].amount == idr("12000.00")
    assert request.refunded == idr("12000.00")
    assert order.returned == {"1": Decimal("0.1")}
    assert order.returnable("1") == Decimal("0.15")
    assert note.units == {"1": Decimal("0.1")}
    assert invoice.credited_units == {"1": Decimal("0.1")}
    assert validate_ubl(to_ubl(note)) == []


def test_pieces_are_written_as_they_always_were(shop: SalesApp) -> None:
    order_id = place(shop, ("TSHIRT-RED-M", 3))
    shop.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    with shop.uow() as uow:
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
    assert order.lines[0].unit == PIECE
    assert "unit" not in unstructure(order)["lines"][0]
    assert unstructure(order)["lines"][0]["quantity"] == 3
    assert "unit" not in unstructure(invoice)["lines"][0]
    assert quantities(to_ubl(invoice), b"cbc:InvoicedQuantity") == [(b"C62", b"3")]
    assert quantities(to_cii(invoice), b"ram:BilledQuantity") == [(b"C62", b"3")]


# -- refusals: each names the line (or SKU) and the unit, and changes nothing ---------------


def test_placing_a_quantity_finer_than_the_unit_is_refused(shop: SalesApp) -> None:
    before = committed_state(shop)
    with pytest.raises(TooManyDecimals, match=r"SKU 'COFFEE'\): 0\.2505 kg has 4 decimals"):
        place(shop, ("COFFEE", "0.2505"))
    with pytest.raises(TooManyDecimals, match=r"SKU 'TSHIRT-RED-M'\): 1\.5 pcs"):
        place(shop, ("TSHIRT-RED-M", "1.5"))
    assert committed_state(shop) == before


def test_edits_finer_than_the_unit_are_refused(shop: SalesApp) -> None:
    order_id = place(shop, ("COFFEE", "0.25"))
    before = committed_state(shop)
    with pytest.raises(TooManyDecimals, match=r"line '1' \(SKU 'COFFEE'\): 0\.1234 kg"):
        shop.execute(commands.ChangeQuantity(order_id=order_id, line_id="1", quantity="0.1234"))  # type: ignore[arg-type]
    with pytest.raises(TooManyDecimals, match=r"SKU 'FABRIC'\): 1\.255 m has 3 decimals"):
        shop.execute(
            commands.AddLine(
                order_id=order_id, line=commands.NewLine(sku="FABRIC", quantity="1.255")
            )  # type: ignore[arg-type]
        )
    assert committed_state(shop) == before
    shop.execute(commands.ChangeQuantity(order_id=order_id, line_id="1", quantity="0.125"))  # type: ignore[arg-type]
    with shop.uow() as uow:
        assert uow.orders.get(order_id).line("1").quantity == Decimal("0.125")


def test_amendments_and_cancellations_finer_than_the_unit_are_refused(shop: SalesApp) -> None:
    order_id = place(shop, ("COFFEE", "1.5"), ("FABRIC", "2"))
    shop.execute(commands.ConfirmOrder(order_id=order_id))
    before = committed_state(shop)
    with pytest.raises(TooManyDecimals, match=r"line '1' \(SKU 'COFFEE'\): 1\.0005 kg"):
        shop.execute(
            commands.AmendOrder(
                order_id=order_id,
                quantities=(commands.LineQuantity(line_id="1", quantity="1.0005"),),  # type: ignore[arg-type]
            )
        )
    with pytest.raises(TooManyDecimals, match=r"cancel on order .* line '2' \(SKU 'FABRIC'\)"):
        shop.execute(
            commands.CancelLines(
                order_id=order_id,
                lines=(commands.LineQuantity(line_id="2", quantity="0.005"),),  # type: ignore[arg-type]
            )
        )
    with pytest.raises(AmendmentRefused, match=r"has 1\.5 unit"):
        shop.execute(
            commands.CancelLines(
                order_id=order_id,
                lines=(commands.LineQuantity(line_id="1", quantity="1.6"),),  # type: ignore[arg-type]
            )
        )
    assert committed_state(shop) == before
    shop.execute(
        commands.CancelLines(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id="1", quantity="0.5"),),  # type: ignore[arg-type]
        )
    )
    with shop.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.line("1").quantity == 1
    assert order.pricing is not None
    assert order.pricing.lines[0].gross == idr("120000.00")


def test_a_return_finer_than_the_unit_is_refused(shop: SalesApp) -> None:
    order_id = place(shop, ("TSHIRT-RED-M", 2), customer="C1")
    shop.execute(commands.ConfirmOrder(order_id=order_id))
    shop.execute(commands.ReserveStock(order_id=order_id))
    with shop.uow() as uow:
        due = uow.orders.get(order_id).balance_due
    shop.execute(
        commands.RecordPayment(
            order_id=order_id, amount=due, method=PaymentMethod.BANK_TRANSFER, reference="P1"
        )
    )
    shipment_id = shop.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    deliver(shop, shipment_id)
    before = committed_state(shop)
    with pytest.raises(
        TooManyDecimals, match=r"a return of order .* line '1' \(SKU 'TSHIRT-RED-M'\): 0\.5 pcs"
    ):
        shop.execute(
            commands.RequestReturn(
                order_id=order_id,
                lines=(commands.LineQuantity(line_id="1", quantity="0.5"),),  # type: ignore[arg-type]
            )
        )
    assert committed_state(shop) == before
    return_id = shop.execute(
        commands.RequestReturn(
            order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
        )
    )
    shop.execute(commands.ApproveReturn(return_id=return_id))
    before = committed_state(shop)
    with pytest.raises(TooManyDecimals, match=r"units received on order .* 1\.5 pcs"):
        shop.execute(
            commands.ReceiveReturn(
                return_id=return_id,
                lines=(commands.LineQuantity(line_id="1", quantity="1.5"),),  # type: ignore[arg-type]
            )
        )
    assert committed_state(shop) == before
    shop.execute(commands.ReceiveReturn(return_id=return_id))
    before = committed_state(shop)
    with pytest.raises(TooManyDecimals, match=r"units inspected on order .* 1\.5 pcs"):
        shop.execute(
            commands.InspectReturn(
                return_id=return_id,
                lines=(commands.InspectedLine(line_id="1", sellable="1.5", damaged="0.5"),),  # type: ignore[arg-type]
            )
        )
    assert committed_state(shop) == before


def test_a_marketplace_line_finer_than_the_unit_is_parked(shop: SalesApp) -> None:
    marketplace = shop.marketplaces["shopee"]
    assert isinstance(marketplace, InMemoryMarketplace)
    for external_id, sku, quantity in (("A1", "COFFEE", "0.25"), ("A2", "TSHIRT-RED-M", "1.5")):
        marketplace.put_order(
            MarketplaceOrder(
                external_id=external_id,
                revision=1,
                status="READY_TO_SHIP",
                buyer_name="Sari",
                buyer_phone="+62812000000",
                shipping_address=BANDUNG,
                currency="IDR",
                lines=(
                    MarketplaceLine(channel_sku=sku, quantity=quantity, unit_price=idr("145000")),  # type: ignore[arg-type]
                ),
                created_at=shop.clock.now(),
            )
        )
    (created,) = shop.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    with shop.uow() as uow:
        assert uow.orders.get(created).lines[0].quantity == Decimal("0.25")
    (parked,) = parked_orders(shop)
    assert parked.external_id == "A2"
    assert "shopee SKU 'TSHIRT-RED-M': 1.5 pcs has 1 decimals" in parked.parked_reason
