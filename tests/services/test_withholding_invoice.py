"""A service whose buyer withholds PPh 23: the invoice, its e-invoices, payments and credits.

Figures, worked by hand: a setup fee of Rp1.000.000 (tax excluded) with PPN 12% on the DPP
11/12 (DPP 916,666.67, PPN 110,000.00) and PPh 23 at 2% of the net, 20,000.00, which the
buyer withholds and pays to the state. The invoice's gross is 1,110,000.00; the buyer pays
1,090,000.00.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from salesorder import (
    Address,
    Customer,
    CustomerKind,
    DocumentRuleError,
    Money,
    PaymentMethod,
    Product,
    SalesApp,
    Settings,
    TaxMode,
    TaxRate,
    TaxRule,
    Warehouse,
    commands,
    default_tax_table,
    in_memory,
    to_cii,
    to_ubl,
    validate_cii,
    validate_ubl,
)
from salesorder.domain.invoicing import Invoice
from salesorder.domain.tax import TaxKind

JAKARTA = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
START = dt.date(2025, 1, 1)
PPN = TaxRate(
    code="ID-PPN-12-DPP", name="PPN 12% (DPP 11/12)", rate="0.12", base_factor=Fraction(11, 12)
)
PPH23 = TaxRate.withholding("ID-PPH-23", "PPh 23 2%", "0.02")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def _shop(*extra: TaxRate) -> SalesApp:
    rules = [
        TaxRule(jurisdiction="ID", category="jasa", rate=PPN, valid_from=START),
        TaxRule(
            jurisdiction="ID", category="jasa", rate=PPH23, valid_from=START, tax="pph", order=1
        ),
    ]
    rules += [
        TaxRule(jurisdiction="ID", category="jasa", rate=rate, valid_from=START, tax=rate.code)
        for rate in extra
    ]
    settings = Settings(
        tax_mode=TaxMode.EXCLUDED,
        tax_table=default_tax_table().extended(rules),
        shipping_tax_category=None,
    )
    app = in_memory(settings)
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="JKT", name="J", address=JAKARTA)))
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="SETUP",
                name="Installation service",
                price=idr("1000000"),
                unit_cost=idr("400000"),
                tax_category="jasa",
                initial_stock=10,
            ),
            warehouse="JKT",
        )
    )
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="B1",
                name="Budi",
                kind=CustomerKind.BUSINESS,
                company_name="PT Maju Jaya",
                tax_id="01.300.066.6-091.000",
                addresses=(JAKARTA,),
            )
        )
    )
    return app


def _invoice(app: SalesApp) -> Invoice:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="B1",
            lines=(commands.NewLine(sku="SETUP", quantity=1),),
            payment_method=PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    with app.uow() as uow:
        return uow.invoices.get(invoice_id)


def test_the_buyer_withholds_pph_23_and_pays_the_rest() -> None:
    invoice = _invoice(_shop())
    assert (invoice.net, invoice.tax, invoice.gross) == (
        idr("1000000.00"),
        idr("110000.00"),
        idr("1110000.00"),
    )
    assert invoice.withheld == idr("20000.00")
    assert invoice.amount_due == idr("1090000.00")
    assert invoice.payable == idr("1090000.00")
    rows = {row.tax_code: row for row in invoice.tax_summary}
    assert rows["ID-PPH-23"].kind is TaxKind.WITHHOLDING
    assert rows["ID-PPH-23"].tax == idr("-20000.00")
    assert rows["ID-PPN-12-DPP"].legal_base == idr("916666.67")


def test_the_e_invoices_state_the_withholding_as_prepaid_and_stay_valid() -> None:
    invoice = _invoice(_shop())
    ubl, cii = to_ubl(invoice), to_cii(invoice)
    validate_ubl(ubl)
    validate_cii(cii)
    text = ubl.decode()
    assert '<cbc:PrepaidAmount currencyID="IDR">20000.00</cbc:PrepaidAmount>' in text
    assert '<cbc:PayableAmount currencyID="IDR">1090000.00</cbc:PayableAmount>' in text
    assert "ID-PPH-23: 20000.00 IDR withheld by the buyer" in text


def test_a_partial_credit_takes_back_its_share_of_the_withholding() -> None:
    app = _shop()
    invoice = _invoice(app)
    credit_id = app.execute(
        commands.IssueCreditNote(
            invoice_id=invoice.id, amount=idr("555000.00"), reason="half the service"
        )
    )
    with app.uow() as uow:
        credit = uow.credit_notes.get(credit_id)
        after = uow.invoices.get(invoice.id)
    # Half the gross: half the net (500,000.00), half the PPN and half the withholding.
    assert credit.gross == idr("555000.00")
    assert credit.tax == idr("55000.00")
    withheld = [
        t.amount for line in credit.lines for t in line.taxes if t.kind is TaxKind.WITHHOLDING
    ]
    assert withheld == [idr("-10000.00")]
    assert after.payable == idr("545000.00")  # 555,000 left, of which 10,000 withheld


def test_a_fixed_tax_is_refused_by_en_16931_naming_the_line() -> None:
    stamp = TaxRate.fixed("ID-METERAI", "Bea meterai", idr("10000"), per_unit=False)
    invoice = _invoice(_shop(stamp))
    assert invoice.tax == idr("120000.00")  # PPN 110,000 + the stamp duty 10,000
    with pytest.raises(DocumentRuleError, match=r"fixed tax 'ID-METERAI'.*\(BG-30\)"):
        to_ubl(invoice)
