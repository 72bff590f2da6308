"""Invoices that are the whole truth: shipping, cash rounding, payments and units on them.

Figures: the shop of ``conftest.py`` (IDR, prices include PPN). J&T charges Rp9,000 +
Rp2,000 per started kg; the buyer pays it when ``fee_payer`` is the buyer (the default).
"""

from __future__ import annotations

import attrs
import pytest
from tests.services.conftest import BANDUNG, stock_shop
from tests.services.test_returns import deliver, delivered_order, received

from salesorder import (
    Address,
    Customer,
    Discount,
    LineToPrice,
    Money,
    PaymentMethod,
    PricedOrder,
    Product,
    RoundingPlace,
    RoundingPolicy,
    SalesApp,
    Settings,
    TaxMode,
    TaxRate,
    Warehouse,
    commands,
    in_memory,
    price_order,
    to_cii,
    to_ubl,
    validate_cii,
    validate_ubl,
)
from salesorder.domain.customers import CustomerKind
from salesorder.domain.invoicing import (
    SHIPPING_LINE,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    PaymentMeans,
    PaymentMeansCode,
)
from salesorder.domain.returns import ReturnOutcome
from salesorder.domain.shipping import FeePayer
from salesorder.exceptions import (
    CreditLimitExceeded,
    CurrencyMismatch,
    DocumentRuleError,
    ValidationError,
)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def _order(app: SalesApp, method: PaymentMethod, *lines: tuple[str, int]) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=method,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def _shipped(app: SalesApp, method: PaymentMethod, *lines: tuple[str, int]) -> str:
    order_id = _order(app, method, *lines)
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    return order_id


def _invoice(app: SalesApp, order_id: str) -> Invoice:
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    with app.uow() as uow:
        return uow.invoices.get(invoice_id)


def test_a_cod_invoice_lists_the_shipping_and_its_gross_plus_rounding_is_the_cash(
    app: SalesApp,
) -> None:
    # Rp49,999.50 + Rp11,000 shipping (0.2 kg) = Rp60,999.50; the courier collects cash.
    order_id = _shipped(app, PaymentMethod.COD, ("CAP-BLK", 1))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        collected = uow.shipments.get(order.shipment_ids[-1]).cod_amount
    invoice = _invoice(app, order_id)
    shipping = next(line for line in invoice.lines if line.line_id == SHIPPING_LINE)
    assert shipping.charge == "FC"
    assert shipping.gross == idr("11000")
    # PPN 12% on DPP 11/12 (effective 11%) is in the shipping charge as in the goods.
    assert shipping.tax == shipping.gross - shipping.net
    assert shipping.tax.is_positive
    assert invoice.gross == idr("60999.50")
    assert collected is not None
    assert invoice.rounding == collected - invoice.gross
    assert invoice.gross + invoice.rounding == collected
    assert invoice.payment_means == PaymentMeans(
        code=PaymentMeansCode.CASH, name="Cash on delivery"
    )
    assert invoice.amount_due == collected


def test_the_shipping_is_invoiced_once(app: SalesApp) -> None:
    order_id = _shipped(app, PaymentMethod.COD, ("CAP-BLK", 1), ("TSHIRT-RED-M", 1))
    with app.uow() as uow:
        pricing = uow.orders.get(order_id).pricing
    assert pricing is not None
    goods = [line.line_id for line in pricing.lines]
    first = app.execute(commands.IssueInvoice(order_id=order_id, line_ids=goods[:1]))
    second = app.execute(commands.IssueInvoice(order_id=order_id))
    with app.uow() as uow:
        lines = [
            line.line_id
            for invoice_id in (first, second)
            for line in uow.invoices.get(invoice_id).lines
        ]
    assert lines.count(SHIPPING_LINE) == 1
    with pytest.raises(Exception, match="already invoiced in full"):
        app.execute(commands.IssueInvoice(order_id=order_id))


def test_a_shipping_charge_after_the_goods_were_invoiced_gets_an_invoice_of_its_own(
    app: SalesApp,
) -> None:
    order_id = _order(app, PaymentMethod.COD, ("TSHIRT-RED-M", 1))
    goods = _invoice(app, order_id)
    assert [line.line_id for line in goods.lines] != [SHIPPING_LINE]
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    charge = _invoice(app, order_id)
    assert [line.line_id for line in charge.lines] == [SHIPPING_LINE]
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert goods.gross + charge.gross + charge.rounding == order.amount_due


def test_a_prepaid_invoice_is_due_nothing(app: SalesApp) -> None:
    order_id = _order(app, PaymentMethod.BANK_TRANSFER, ("TSHIRT-RED-M", 2))
    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("300000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="transfer-1",
        )
    )
    invoice = _invoice(app, order_id)
    assert invoice.prepaid == invoice.gross == idr("300000")
    assert invoice.amount_due == idr("0")
    # No account in the settings: a bank transfer's means is "not defined" (BR-61).
    assert invoice.payment_means is not None
    assert invoice.payment_means.code is PaymentMeansCode.NOT_DEFINED


def test_the_shops_account_makes_the_means_a_credit_transfer() -> None:
    app = stock_shop(in_memory(settings=Settings(payment_account="BCA 1234567890")))
    invoice = _invoice(app, _order(app, PaymentMethod.BANK_TRANSFER, ("TSHIRT-RED-M", 1)))
    assert invoice.payment_means == PaymentMeans(
        code=PaymentMeansCode.CREDIT_TRANSFER,
        name="Bank transfer",
        account="BCA 1234567890",
        account_name=Settings().seller.name,
    )
    assert invoice.amount_due == invoice.gross


def test_a_credit_transfer_without_an_account_is_refused() -> None:
    with pytest.raises(ValidationError, match="account"):
        PaymentMeans(code=PaymentMeansCode.CREDIT_TRANSFER)


def _business_order(settings: Settings) -> tuple[SalesApp, str]:
    """A confirmed order of a business buyer with an NPWP, in a shop with ``settings``."""
    app = stock_shop(in_memory(settings=settings))
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="B1",
                name="Sari",
                kind=CustomerKind.BUSINESS,
                company_name="PT Pembeli",
                tax_id="01.300.066.6-091.000",
                addresses=(BANDUNG,),
            )
        )
    )
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="B1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return app, order_id


def test_a_vat_invoice_without_the_sellers_tax_id_is_refused_and_takes_no_number() -> None:
    app, order_id = _business_order(Settings(seller=Party(name="Toko Tanpa NPWP")))
    with pytest.raises(DocumentRuleError, match="BR-S-02") as refused:
        app.execute(commands.IssueInvoice(order_id=order_id, kind=InvoiceKind.VAT))
    assert refused.value.rule == "BR-S-02"
    assert "Toko Tanpa NPWP" in str(refused.value)
    with app.uow() as uow:
        assert uow.invoices.list() == []
        assert uow.invoice_series.find("INV") is None
    # A plain sales invoice needs no seller tax id.
    assert _invoice(app, order_id).number == "INV-000001"


def test_the_default_seller_can_issue_vat_invoices() -> None:
    app, order_id = _business_order(Settings())
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id, kind=InvoiceKind.VAT))
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    assert (invoice.kind, invoice.number) == (InvoiceKind.VAT, "INV-000001")
    assert validate_ubl(to_ubl(invoice)) == []


def test_a_return_of_two_of_three_credits_two_units(app: SalesApp) -> None:
    order_id = delivered_order(app, 3)
    with app.uow() as uow:
        (invoice_id,) = uow.orders.get(order_id).invoice_ids
        invoice = uow.invoices.get(invoice_id)
    line = invoice.lines[0]
    note_id = app.execute(
        commands.IssueCreditNote(
            invoice_id=invoice.id,
            lines=(commands.CreditLine(line_id=line.line_id, amount=idr("300000"), quantity=2),),
        )
    )
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
        after = uow.invoices.get(invoice.id)
    assert [credited.quantity for credited in note.lines] == [2]
    assert note.units == {line.line_id: 2}
    assert after.credited_units == {line.line_id: 2}
    assert after.units_creditable(line.line_id) == 1
    with pytest.raises(CreditLimitExceeded, match="2 units"):
        app.execute(
            commands.IssueCreditNote(
                invoice_id=invoice.id,
                lines=(commands.CreditLine(line_id=line.line_id, amount=idr("100"), quantity=2),),
            )
        )


@pytest.mark.parametrize("units", [0, -1, True])
def test_a_credit_of_no_units_is_refused(app: SalesApp, units: int) -> None:
    order_id = delivered_order(app, 3)
    with app.uow() as uow:
        (invoice_id,) = uow.orders.get(order_id).invoice_ids
        invoice = uow.invoices.get(invoice_id)
    with pytest.raises(ValidationError, match="positive whole number of units"):
        invoice.credit_lines(
            {invoice.lines[0].line_id: idr("100")}, {invoice.lines[0].line_id: units}
        )


def test_units_for_a_line_not_credited_are_refused(app: SalesApp) -> None:
    order_id = delivered_order(app, 3)
    with app.uow() as uow:
        (invoice_id,) = uow.orders.get(order_id).invoice_ids
        invoice = uow.invoices.get(invoice_id)
    goods = invoice.lines[0].line_id
    with pytest.raises(ValidationError, match="no amount"):
        invoice.credit_lines({goods: idr("100")}, {SHIPPING_LINE: 1})


def test_an_amount_credit_states_every_unit(app: SalesApp) -> None:
    order_id = delivered_order(app, 3)
    with app.uow() as uow:
        (invoice_id,) = uow.orders.get(order_id).invoice_ids
        invoice = uow.invoices.get(invoice_id)
    note_id = app.execute(commands.IssueCreditNote(invoice_id=invoice.id, amount=idr("1000")))
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
    assert note.units == {}
    goods = next(line for line in note.lines if line.line_id == invoice.lines[0].line_id)
    assert goods.quantity == 3


def test_a_return_credits_the_units_received_and_the_shipping_on_the_invoice(
    app: SalesApp,
) -> None:
    order_id = delivered_order(app, 3)
    with app.uow() as uow:
        (invoice_id,) = uow.orders.get(order_id).invoice_ids
        invoice = uow.invoices.get(invoice_id)
    shipping = next(line.gross for line in invoice.lines if line.line_id == SHIPPING_LINE)
    return_id = received(app, order_id, 2)
    app.execute(
        commands.ResolveReturn(
            return_id=return_id, outcome=ReturnOutcome.CREDIT_NOTE, include_shipping=True
        )
    )
    with app.uow() as uow:
        after = uow.invoices.get(invoice_id)
        notes = [n for n in uow.credit_notes.list() if n.invoice_id == invoice_id]
    assert after.credited_units == {"1": 2}
    assert after.line_credited(SHIPPING_LINE) == shipping
    (note,) = notes
    assert {line.line_id: line.quantity for line in note.lines} == {"1": 2, SHIPPING_LINE: 1}


def test_a_charge_in_another_currency_is_refused(app: SalesApp) -> None:
    order_id = _shipped(app, PaymentMethod.COD, ("TSHIRT-RED-M", 1))
    invoice = _invoice(app, order_id)
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.pricing is not None
    usd = attrs.evolve(
        next(line for line in invoice.lines if line.charge),
        line_id="other",
        gross=Money.of("1", "USD"),
    )
    with pytest.raises(CurrencyMismatch):
        Invoice.draft_from_order(
            id="INV-X",
            order_id=order_id,
            pricing=order.pricing,
            descriptions={line.line_id: (line.sku, line.sku) for line in order.lines},
            kind=invoice.kind,
            series="INV",
            seller=invoice.seller,
            buyer=invoice.buyer,
            charges=(usd,),
        )


def _whole_rupiah_invoice(policy: RoundingPolicy) -> Invoice:
    """Rp1,014 of goods and an Rp11,276 shipping charge at PPN 11%, in whole rupiah."""
    ppn = TaxRate(code="ID-PPN-11", name="PPN 11%", rate="0.11")

    def priced(line_id: str, amount: str) -> PricedOrder:
        line = LineToPrice(line_id=line_id, quantity=1, unit_price=idr(amount), tax_rate=ppn)
        return price_order([line], currency="IDR", tax_mode=TaxMode.INCLUDED, policy=policy)

    shipping = InvoiceLine.from_priced(
        priced(SHIPPING_LINE, "11276").lines[0], sku="SHIPPING", description="Shipping", charge="FC"
    )
    seller = Party(name="Toko", tax_id="01.300.066.6-091.000")
    return Invoice.draft_from_order(
        id="INV-1",
        order_id="ORD-1",
        pricing=priced("1", "1014"),
        descriptions={"1": ("SOAP", "Soap")},
        kind=InvoiceKind.SALES,
        series="INV",
        seller=seller,
        buyer=Party(name="Budi"),
        charges=(shipping,),
    )


def test_a_charge_is_split_so_that_its_tax_row_holds_on_the_document() -> None:
    # Apart, the goods are 914 + 100 and the shipping 10,159 + 1,117: 1,217 of PPN on
    # 11,073, 1.03 below 11% of it (EN 16931 allows less than one unit, BR-CO-17). Per
    # document, the shipping is split against the goods' row: net round((100 + 11,276 -
    # 0.11 x 914) / 1.11) = 10,158, PPN 1,118; the row is 1,218 on 11,072 (0.08 off).
    invoice = _whole_rupiah_invoice(RoundingPolicy(digits=0))
    shipping = next(line for line in invoice.lines if line.charge)
    assert (shipping.net, shipping.tax, shipping.gross) == (idr("10158"), idr("1118"), idr("11276"))
    (row,) = invoice.tax_summary
    assert (row.base, row.tax) == (idr("11072"), idr("1218"))
    assert invoice.gross == idr("12290")
    # per line, each line keeps its own split
    per_line = _whole_rupiah_invoice(RoundingPolicy(place=RoundingPlace.PER_LINE, digits=0))
    assert next(line for line in per_line.lines if line.charge).net == idr("10159")


def test_an_invoice_of_the_shipping_alone_is_a_valid_document(app: SalesApp) -> None:
    order_id = _order(app, PaymentMethod.COD, ("TSHIRT-RED-M", 1))
    _invoice(app, order_id)
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    charge = _invoice(app, order_id)
    assert [line.line_id for line in charge.lines] == [SHIPPING_LINE]
    # EN 16931 wants a line (BR-16): the charge is written as one, not as a document charge
    assert validate_ubl(to_ubl(charge)) == []
    assert validate_cii(to_cii(charge)) == []


def test_a_whole_credit_of_an_invoice_with_a_free_line_takes_back_the_paid_units(
    app: SalesApp,
) -> None:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(
                commands.NewLine(sku="CAP-BLK", quantity=1, discount=Discount.of_percent(100)),
                commands.NewLine(sku="TSHIRT-RED-M", quantity=2),
            ),
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    invoice = _invoice(app, order_id)
    note_id = app.execute(commands.IssueCreditNote(invoice_id=invoice.id))
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
        after = uow.invoices.get(invoice.id)
    assert note.gross == after.gross == idr("300000")
    assert note.units == {"2": 2}  # the free cap has no amount to credit
    assert after.credited_units == {"2": 2}


def _malaysian_cod_invoice() -> tuple[SalesApp, Invoice]:
    """MYR 10.20 + 10% sales tax = 11.22, collected as 11.20 in cash (rounding -0.02)."""
    kl = Address(line1="Jalan Ampang 1", city="Kuala Lumpur", country="MY")
    settings = Settings(
        currency="MYR",
        jurisdiction="MY",
        tax_mode=TaxMode.EXCLUDED,
        seller=Party(name="Kedai", address=kl, tax_id="C2584563202"),
    )
    app = in_memory(settings)
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="KL", name="KL", address=kl)))
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="FAN",
                name="Fan",
                price=Money.of("10.20", "MYR"),
                unit_cost=Money.of("5", "MYR"),
                tax_category="sales-10",
                initial_stock=5,
            ),
            warehouse="KL",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C", name="Ali", addresses=(kl,))))
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C",
            lines=(commands.NewLine(sku="FAN", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", fee_payer=FeePayer.SELLER))
    return app, _invoice(app, order_id)


def test_a_cod_invoice_rounded_down_can_be_credited_in_full() -> None:
    app, invoice = _malaysian_cod_invoice()
    assert (invoice.gross, invoice.rounding) == (Money.of("11.22", "MYR"), Money.of("-0.02", "MYR"))
    assert invoice.payable == invoice.amount_due == Money.of("11.20", "MYR")
    app.execute(commands.IssueCreditNote(invoice_id=invoice.id))
    with app.uow() as uow:
        order = uow.orders.get(invoice.order_id)
        after = uow.invoices.get(invoice.id)
    assert after.credited == after.gross
    assert after.payable.is_zero
    # the order owed the cash amount, and owes nothing now: the rounding went with it
    assert order.amount_due.is_zero


def test_a_cod_invoice_rounded_down_and_paid_can_be_credited_in_half() -> None:
    app, invoice = _malaysian_cod_invoice()
    with app.uow() as uow:
        deliver(app, uow.orders.get(invoice.order_id).shipment_ids[-1])
    app.execute(
        commands.RecordPayment(
            order_id=invoice.order_id,
            amount=Money.of("11.20", "MYR"),
            method=PaymentMethod.COD,
            reference="cod-1",
        )
    )
    app.execute(commands.IssueCreditNote(invoice_id=invoice.id, amount=Money.of("5.61", "MYR")))
    with app.uow() as uow:
        order = uow.orders.get(invoice.order_id)
        after = uow.invoices.get(invoice.id)
        (credit,) = uow.customer_credits.list()
    # 11.22 - 5.61 - 0.02 = 5.59 left to pay for; 11.20 was paid: 5.61 goes to credit
    assert after.payable == after.paid == Money.of("5.59", "MYR")
    assert order.amount_due == order.paid == Money.of("5.59", "MYR")
    assert credit.balance == Money.of("5.61", "MYR")
