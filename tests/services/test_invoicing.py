"""Invoicing and payments through the public API, with worked figures.

The shop of conftest.py: 3 x TSHIRT-RED-M at Rp150,000 (tax included, PPN 12% on 11/12):
gross 450,000.00 = net 405,405.41 + tax 44,594.59.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from tests.services.conftest import BANDUNG, committed_state, stock_shop

from salesorder import Address, Customer, Money, PaymentMethod, SalesApp, commands, in_memory
from salesorder.domain.customers import CustomerKind
from salesorder.domain.invoicing import (
    DocumentType,
    EInvoiceState,
    InvoiceKind,
    InvoiceRule,
    InvoiceStatus,
    Party,
    PaymentState,
    ageing_report,
)
from salesorder.domain.terms import TermsKind
from salesorder.exceptions import (
    CreditLimitExceeded,
    CurrencyMismatch,
    IllegalTransition,
    InvalidTaxId,
    MissingExchangeRate,
    PaymentError,
    ValidationError,
)
from salesorder.services.app import Settings

NPWP = "01.300.066.6-091.000"
SELLER = Party(
    name="PT Toko Contoh",
    address=Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID"),
    tax_id=NPWP,
)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


@pytest.fixture
def shop() -> SalesApp:
    app = stock_shop(in_memory(Settings(seller=SELLER)))
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
    return app


def confirmed(app: SalesApp, customer: str = "C1", quantity: int = 3) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id=customer,
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=quantity),),
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def get_invoice(app: SalesApp, invoice_id: str):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return uow.invoices.get(invoice_id)


def test_invoice_then_partial_payment_then_overpayment_kept_as_credit(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(
        commands.IssueInvoice(order_id=order_id, terms=TermsKind.NET, terms_days=30)
    )
    invoice = get_invoice(shop, invoice_id)
    assert invoice.number == "INV-000001"
    assert (invoice.net, invoice.tax, invoice.gross) == (
        idr("405405.41"),
        idr("44594.59"),
        idr("450000.00"),
    )
    assert invoice.due_date == dt.date(2026, 2, 4)
    assert invoice.payment_state(dt.date(2026, 1, 6)) is PaymentState.UNPAID
    shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("200000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="TRF-1",
        )
    )
    assert get_invoice(shop, invoice_id).payment_state(dt.date(2026, 1, 6)) is (
        PaymentState.PARTLY_PAID
    )
    assert get_invoice(shop, invoice_id).payment_state(dt.date(2026, 2, 5)) is (
        PaymentState.OVERDUE
    )
    payment_id = shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("300000"),
            method=PaymentMethod.E_WALLET,
            reference="OVO-1",
        )
    )
    with shop.uow() as uow:
        payment = uow.payments.get(payment_id)
        credit = uow.customer_credits.get(("C1", "IDR"))
        order = uow.orders.get(order_id)
    assert payment.applied == idr("250000.00")
    assert payment.to_credit == idr("50000.00")
    assert credit.balance == idr("50000.00")
    assert order.balance_due.is_zero
    assert get_invoice(shop, invoice_id).payment_state(dt.date(2026, 3, 1)) is PaymentState.PAID


def test_instalments_add_up_and_fall_due_in_turn(shop: SalesApp) -> None:
    order_id = confirmed(shop, quantity=1)  # Rp150,000.00
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id, instalment_days=(0, 30, 60)))
    invoice = get_invoice(shop, invoice_id)
    assert [part.amount for part in invoice.schedule] == [idr("50000.00")] * 3
    assert [part.due_date for part in invoice.schedule] == [
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 4),
        dt.date(2026, 3, 6),
    ]


def test_vat_invoice_by_the_sellers_rule_for_business_buyers(shop: SalesApp) -> None:
    order_id = confirmed(shop, customer="B1")
    invoice = get_invoice(shop, shop.execute(commands.IssueInvoice(order_id=order_id, kind=None)))
    assert invoice.kind is InvoiceKind.VAT
    assert invoice.buyer.name == "PT Maju Jaya"
    other = confirmed(shop)
    assert (
        get_invoice(shop, shop.execute(commands.IssueInvoice(order_id=other, kind=None))).kind
        is InvoiceKind.SALES
    )
    assert InvoiceRule(above=idr("100")).wants_vat(
        business=False, has_tax_id=True, gross=idr("100")
    )


def test_drafts_have_no_number_until_issued_and_issued_invoices_are_never_edited(
    shop: SalesApp,
) -> None:
    order_id = confirmed(shop)
    draft_id = shop.execute(commands.DraftInvoice(order_id=order_id))
    assert get_invoice(shop, draft_id).number is None
    shop.execute(commands.EditInvoice(invoice_id=draft_id, buyer=SELLER))
    assert shop.execute(commands.IssueDraftInvoice(invoice_id=draft_id)) == "INV-000001"
    before = committed_state(shop)
    with pytest.raises(IllegalTransition, match=r"cannot edit invoice 'INV-000001'.*never edited"):
        shop.execute(commands.EditInvoice(invoice_id=draft_id, buyer=SELLER))
    assert committed_state(shop) == before


def test_invalid_tax_id_is_refused_and_takes_no_number(shop: SalesApp) -> None:
    bad = attrs.evolve(SELLER, tax_id="01.300.066.6-091.00")  # a digit short
    broken = stock_shop(in_memory(Settings(seller=bad)))
    order_id = confirmed(broken)
    before = committed_state(broken)
    with pytest.raises(InvalidTaxId, match=r"NPWP '01.300.066.6-091.00' of seller 'PT Toko"):
        broken.execute(commands.IssueInvoice(order_id=order_id))
    assert committed_state(broken) == before


def test_credit_notes_never_exceed_what_was_invoiced(
    shop: SalesApp,
) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    note_id = shop.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("100000")))
    with shop.uow() as uow:
        note = uow.credit_notes.get(note_id)
    assert note.number == "CN-000001"
    assert note.net + note.tax == note.gross == idr("100000")
    before = committed_state(shop)
    with pytest.raises(CreditLimitExceeded, match=r"350,000\.00|350000"):
        shop.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("350000.01")))
    assert committed_state(shop) == before
    shop.execute(commands.IssueCreditNote(invoice_id=invoice_id))
    assert get_invoice(shop, invoice_id).payment_state(dt.date(2026, 1, 6)) is (
        PaymentState.CREDITED
    )


def test_credit_note_on_a_paid_invoice_moves_the_excess_to_customer_credit(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    payment_id = shop.execute(
        commands.RecordPayment(
            order_id=order_id, amount=idr("450000"), method=PaymentMethod.CARD, reference="CARD-1"
        )
    )
    shop.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("50000")))
    with shop.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
        payment = uow.payments.get(payment_id)
        order = uow.orders.get(order_id)
        credit = uow.customer_credits.get(("C1", "IDR"))
    assert invoice.paid == idr("400000.00")
    assert payment.allocated == idr("400000.00")
    assert credit.balance == idr("50000.00")
    assert order.balance_due.is_zero


def test_refund_releases_the_invoice(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    payment_id = shop.execute(
        commands.RecordPayment(
            order_id=order_id, amount=idr("450000"), method=PaymentMethod.CARD, reference="CARD-1"
        )
    )
    shop.execute(
        commands.RefundPayment(payment_id=payment_id, amount=idr("150000"), reference="RF-1")
    )
    with shop.uow() as uow:
        payment = uow.payments.get(payment_id)
        order = uow.orders.get(order_id)
    assert payment.refunded == idr("150000")
    assert get_invoice(shop, invoice_id).paid == idr("300000.00")
    assert order.paid == idr("300000.00")


def test_payment_in_another_currency_needs_a_rate(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    before = committed_state(shop)
    with pytest.raises(MissingExchangeRate, match=r"is in USD but the order is in IDR"):
        shop.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=Money.of("10", "USD"),
                method=PaymentMethod.CARD,
                reference="USD-1",
            )
        )
    assert committed_state(shop) == before
    payment_id = shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=Money.of("10", "USD"),
            method=PaymentMethod.CARD,
            reference="USD-1",
            exchange_rate=Decimal("16000.123"),
        )
    )
    with shop.uow() as uow:
        assert uow.payments.get(payment_id).amount == idr("160001.23")


def test_per_shipment_and_pro_forma(shop: SalesApp) -> None:
    order_id = shop.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(
                commands.NewLine(sku="TSHIRT-RED-M", quantity=1),
                commands.NewLine(sku="CAP-BLK", quantity=1),
            ),
        )
    )
    shop.execute(commands.ConfirmOrder(order_id=order_id))
    proforma = shop.execute(
        commands.IssueInvoice(order_id=order_id, document=DocumentType.PRO_FORMA, series="PF")
    )
    assert get_invoice(shop, proforma).open_balance.is_zero
    first = get_invoice(
        shop, shop.execute(commands.IssueInvoice(order_id=order_id, line_ids=("1",)))
    )
    second = get_invoice(shop, shop.execute(commands.IssueInvoice(order_id=order_id)))
    assert [line.line_id for line in second.lines] == ["2"]
    assert first.gross + second.gross == idr("199999.50")


def test_replacement_invoice_through_the_vietnamese_flow(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    assert shop.execute(commands.SubmitEInvoice(invoice_id=invoice_id)) is EInvoiceState.PENDING
    assert shop.execute(commands.RefreshEInvoice(invoice_id=invoice_id)) is EInvoiceState.ACCEPTED
    with pytest.raises(IllegalTransition, match="replacement"):
        shop.execute(commands.CancelEInvoice(invoice_id=invoice_id))
    new_buyer = Party(name="Budi Santoso", address=BANDUNG)
    replacement_id = shop.execute(commands.CorrectInvoice(invoice_id=invoice_id, buyer=new_buyer))
    replacement = get_invoice(shop, replacement_id)
    assert replacement.corrects_number == "INV-000001"
    assert replacement.number == "INV-000002"
    assert get_invoice(shop, invoice_id).status is InvoiceStatus.REPLACED
    shop.execute(commands.SubmitEInvoice(invoice_id=replacement_id))
    shop.execute(commands.RefreshEInvoice(invoice_id=replacement_id))
    assert get_invoice(shop, invoice_id).einvoice.state is EInvoiceState.REPLACED  # type: ignore[union-attr]


def test_downward_adjustment_invoice(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    adjustment = get_invoice(
        shop,
        shop.execute(
            commands.CorrectInvoice(
                invoice_id=invoice_id, document=DocumentType.ADJUSTMENT, amount=idr("-45000")
            )
        ),
    )
    assert adjustment.gross == idr("-45000")
    assert adjustment.net + adjustment.tax == adjustment.gross
    assert get_invoice(shop, invoice_id).open_balance == idr("405000.00")


def _adjust(app: SalesApp, invoice_id: str, amount: Money) -> str:
    return app.execute(
        commands.CorrectInvoice(
            invoice_id=invoice_id, document=DocumentType.ADJUSTMENT, amount=amount
        )
    )


def order_of(app: SalesApp, order_id: str):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return uow.orders.get(order_id)


def test_upward_adjustment_invoice_adds_to_what_is_owed(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("450000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="TRF-UP-1",
        )
    )
    assert order_of(shop, order_id).balance_due.is_zero
    adjustment = get_invoice(shop, _adjust(shop, invoice_id, idr("30000")))
    assert adjustment.document is DocumentType.ADJUSTMENT
    assert adjustment.number == "INV-000002"
    assert (adjustment.corrects, adjustment.corrects_number) == (invoice_id, "INV-000001")
    assert adjustment.gross == idr("30000.00")
    assert adjustment.net + adjustment.tax == adjustment.gross
    assert adjustment.net.is_positive
    assert adjustment.tax.is_positive
    assert adjustment.open_balance == idr("30000.00")
    assert adjustment.payment_state(adjustment.due_date) is PaymentState.UNPAID
    original = get_invoice(shop, invoice_id)
    assert original.status is InvoiceStatus.ISSUED
    assert original.open_balance.is_zero
    order = order_of(shop, order_id)
    assert order.adjusted == idr("30000.00")
    assert order.amount_due == idr("480000.00")
    assert order.balance_due == idr("30000.00")
    assert adjustment.id in order.invoice_ids
    shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("30000"),
            method=PaymentMethod.E_WALLET,
            reference="OVO-UP-1",
        )
    )
    assert order_of(shop, order_id).balance_due.is_zero
    assert get_invoice(shop, adjustment.id).payment_state(dt.date(2026, 1, 6)) is (
        PaymentState.PAID
    )


def test_upward_adjustment_takes_a_payment_waiting_on_the_order(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    adjustment_id = _adjust(shop, invoice_id, idr("50000"))
    shop.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr("500000"),
            method=PaymentMethod.BANK_TRANSFER,
            reference="TRF-UP-2",
        )
    )
    assert get_invoice(shop, invoice_id).open_balance.is_zero
    assert get_invoice(shop, adjustment_id).open_balance.is_zero
    assert order_of(shop, order_id).balance_due.is_zero


def test_upward_adjustment_bad_input_changes_nothing(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    before = committed_state(shop)
    with pytest.raises(ValidationError, match="non-zero amount"):
        _adjust(shop, invoice_id, idr("0"))
    with pytest.raises(ValidationError, match="non-zero amount"):
        shop.execute(
            commands.CorrectInvoice(invoice_id=invoice_id, document=DocumentType.ADJUSTMENT)
        )
    with pytest.raises(MissingExchangeRate):
        _adjust(shop, invoice_id, Money.of("10", "USD"))
    assert committed_state(shop) == before

    replaced = shop.execute(commands.IssueInvoice(order_id=confirmed(shop)))
    shop.execute(commands.CorrectInvoice(invoice_id=replaced))
    before = committed_state(shop)
    with pytest.raises(IllegalTransition, match="replaced"):
        _adjust(shop, replaced, idr("10000"))
    assert committed_state(shop) == before

    cancelled = shop.execute(commands.IssueInvoice(order_id=confirmed(shop)))
    shop.execute(commands.SubmitEInvoice(invoice_id=cancelled))
    shop.execute(commands.CancelEInvoice(invoice_id=cancelled, reason="typo"))
    before = committed_state(shop)
    with pytest.raises(IllegalTransition, match="e-invoice was cancelled"):
        _adjust(shop, cancelled, idr("10000"))
    with pytest.raises(IllegalTransition, match="e-invoice was cancelled"):
        _adjust(shop, cancelled, idr("-10000"))
    assert committed_state(shop) == before


def test_order_record_adjustment_keeps_its_invariants(shop: SalesApp) -> None:
    order = order_of(shop, confirmed(shop))
    due = order.amount_due
    with pytest.raises(CurrencyMismatch):
        order.record_adjustment(Money.of("1", "USD"))
    with pytest.raises(PaymentError, match="above zero"):
        order.record_adjustment(idr("0"))
    with pytest.raises(PaymentError, match="above zero"):
        order.record_adjustment(idr("-1"))
    assert order.amount_due == due
    order.record_adjustment(idr("1000"))
    assert order.amount_due == due + idr("1000")
    assert order.balance_due == due + idr("1000")
    cancelled_id = confirmed(shop)
    shop.execute(commands.CancelOrder(order_id=cancelled_id))
    cancelled = order_of(shop, cancelled_id)
    with pytest.raises(IllegalTransition, match="adjust"):
        cancelled.record_adjustment(idr("1000"))
    assert cancelled.adjusted.is_zero


def test_ageing_report_buckets_add_up(shop: SalesApp) -> None:
    ids = [
        shop.execute(commands.IssueInvoice(order_id=confirmed(shop, quantity=1))) for _ in range(2)
    ]
    invoices = [get_invoice(shop, i) for i in ids]
    report = ageing_report(invoices, dt.date(2026, 2, 20), "IDR")
    assert report.total == idr("300000.00")
    assert [b.label for b in report.buckets if not b.amount.is_zero] == ["31-60"]


def test_cancel_a_pending_einvoice(shop: SalesApp) -> None:
    order_id = confirmed(shop)
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id))
    shop.execute(commands.SubmitEInvoice(invoice_id=invoice_id))
    assert shop.execute(commands.CancelEInvoice(invoice_id=invoice_id, reason="typo")) is (
        EInvoiceState.CANCELLED
    )
