"""Refusals of :mod:`salesorder.domain.invoicing`, one test per guard that no other test
exercised.

Each test triggers one guard clause through the public API and checks the typed error and
that its message names the thing and the value refused. The invoice: two lines at 12% VAT,
tax excluded: L1 2 x 1,000 = 2,000 + 240 = 2,240 and L2 1 x 500 = 500 + 60 = 560, gross
2,800 IDR.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from salesorder import (
    Address,
    CreditLimitExceeded,
    CreditNote,
    CurrencyMismatch,
    DocumentType,
    EInvoiceState,
    EInvoiceStatus,
    IllegalTransition,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    LineToPrice,
    Money,
    Party,
    PaymentError,
    RoundingPolicy,
    TaxMode,
    TaxRate,
    ValidationError,
    price_order,
)

ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID", postal_code="40111")
SELLER = Party(name="PT Toko", address=ADDRESS, tax_id="01.300.066.6-091.000")
BUYER = Party(name="PT Maju", address=ADDRESS, tax_id="01.300.066.6-091.000")
VAT = TaxRate(code="VAT-12", name="VAT", rate="0.12")
ISSUED_AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


PRICING = price_order(
    [
        LineToPrice(line_id="L1", sku="TEA-1", quantity=2, unit_price=idr("1000"), tax_rate=VAT),
        LineToPrice(line_id="L2", sku="CUP-1", quantity=1, unit_price=idr("500"), tax_rate=VAT),
    ],
    currency="IDR",
    tax_mode=TaxMode.EXCLUDED,
    policy=RoundingPolicy(),
)


def draft(**options: Any) -> Invoice:
    settings: dict[str, Any] = {
        "id": "I1",
        "order_id": "SO-1",
        "pricing": PRICING,
        "descriptions": {"L1": ("TEA-1", "Tea"), "L2": ("CUP-1", "Cup")},
        "kind": InvoiceKind.VAT,
        "series": "INV",
        "seller": SELLER,
        "buyer": BUYER,
        **options,
    }
    return Invoice.draft_from_order(**settings)


def issued(**options: Any) -> Invoice:
    invoice = draft(**options)
    invoice.issue("INV-000001", ISSUED_AT)
    return invoice


def test_the_invoice_of_these_tests() -> None:
    invoice = issued()
    assert (invoice.net, invoice.tax, invoice.gross) == (idr("2500"), idr("300"), idr("2800"))


# -- corrections -----------------------------------------------------------------------------


@pytest.mark.parametrize("document", [DocumentType.INVOICE, DocumentType.PRO_FORMA])
def test_a_correction_is_an_adjustment_or_a_replacement(document: DocumentType) -> None:
    with pytest.raises(
        ValidationError, match="a correction is an adjustment or a replacement, not"
    ) as info:
        issued().correction(id="I2", document=document, series="INV")
    assert document.name in str(info.value) or document.value in str(info.value)


@pytest.mark.parametrize("lines", [None, []])
def test_an_adjustment_needs_the_lines_it_adjusts(lines: list[InvoiceLine] | None) -> None:
    with pytest.raises(
        ValidationError, match="an adjustment of invoice 'INV-000001' needs the lines it adjusts"
    ):
        issued().correction(id="I2", document=DocumentType.ADJUSTMENT, series="INV", lines=lines)


def test_a_replacement_may_leave_the_lines_as_they_were() -> None:
    replacement = issued().correction(id="I2", document=DocumentType.REPLACEMENT, series="INV")
    assert replacement.gross == idr("2800")


# -- credit notes ----------------------------------------------------------------------------

CREDITED_AT = dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)


def credit_note(invoice: Invoice, **options: Any) -> CreditNote:
    return CreditNote.for_invoice(
        invoice, id="C1", series="CN", number="CN-000001", at=CREDITED_AT, **options
    )


def test_a_draft_invoice_cannot_be_credited() -> None:
    with pytest.raises(IllegalTransition, match="cannot credit invoice 'I1' in status 'draft'"):
        credit_note(draft())


def test_a_credit_note_by_lines_needs_at_least_one_line() -> None:
    with pytest.raises(
        ValidationError, match="a credit note of invoice 'INV-000001' needs at least one line"
    ):
        credit_note(issued(), lines={})


def test_a_credit_note_amount_must_agree_with_its_lines() -> None:
    with pytest.raises(
        ValidationError,
        match="a credit note of 100 IDR on invoice 'INV-000001' names lines that add up to 200 IDR",
    ):
        credit_note(issued(), amount=idr("100"), lines={"L1": idr("200")})
    assert credit_note(issued(), amount=idr("200"), lines={"L1": idr("200")}).gross == idr("200")


def test_a_credit_note_by_units_needs_the_lines() -> None:
    with pytest.raises(
        ValidationError,
        match="a credit note of invoice 'INV-000001' by units needs the lines they are on",
    ):
        credit_note(issued(), units={"L1": 1})


# -- drafts ----------------------------------------------------------------------------------

NO_TAX_ID = Party(name="PT Kecil", address=ADDRESS)


def charge_line(line_id: str, currency: str = "IDR", *, charge: str = "FC") -> InvoiceLine:
    """A shipping charge of 10,000 (no tax) as an invoice line."""
    priced = price_order(
        [
            LineToPrice(
                line_id=line_id, sku="SHIP", quantity=1, unit_price=Money.of("10000", currency)
            )
        ],
        currency=currency,
        tax_mode=TaxMode.EXCLUDED,
        policy=RoundingPolicy(),
    )
    return InvoiceLine.from_priced(
        priced.line(line_id), sku="SHIP", description="Shipping", charge=charge
    )


def test_a_vat_invoice_needs_the_buyer_tax_id() -> None:
    with pytest.raises(
        ValidationError, match="a VAT invoice for order 'SO-1' needs the buyer's tax id"
    ):
        draft(buyer=NO_TAX_ID)
    assert draft(buyer=NO_TAX_ID, kind=InvoiceKind.SALES).buyer == NO_TAX_ID


def test_an_invoice_names_only_lines_of_its_order() -> None:
    with pytest.raises(ValidationError, match="order 'SO-1' has no line 'L9' to invoice"):
        draft(line_ids=["L1", "L9"])


def test_an_invoice_needs_at_least_one_line() -> None:
    with pytest.raises(
        ValidationError, match="an invoice for order 'SO-1' needs at least one line"
    ):
        draft(line_ids=[])
    # A charge alone is a line.
    assert draft(line_ids=[], charges=[charge_line("SHIP-1")]).gross == idr("10000")


@pytest.mark.parametrize(
    "options",
    [
        {"charges": [charge_line("SHIP-1", "USD")]},
        {"rounding": Money.of("0.01", "USD")},
    ],
    ids=["charge", "rounding"],
)
def test_an_invoice_charge_is_in_the_order_currency(options: dict[str, Any]) -> None:
    with pytest.raises(
        CurrencyMismatch, match=r"is in USD, but the pricing of order 'SO-1' is in IDR"
    ):
        draft(**options)


@pytest.mark.parametrize(
    "charge", [charge_line("SHIP-1", charge=""), charge_line("L1")], ids=["no code", "goods id"]
)
def test_a_charge_line_needs_a_code_and_its_own_id(charge: InvoiceLine) -> None:
    with pytest.raises(
        ValidationError,
        match=f"charge line '{charge.line_id}' of order 'SO-1' needs a charge code and an id "
        "no goods line has",
    ):
        draft(charges=[charge])


# -- crediting lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ask",
    [
        lambda invoice: invoice.line_creditable("L9"),
        lambda invoice: invoice.units_creditable("L9"),
        lambda invoice: invoice.credit_lines({"L9": idr("100")}),
        lambda invoice: invoice.credit_lines({"L9": idr("100")}, {"L9": 1}),
    ],
    ids=["line_creditable", "units_creditable", "credit_lines", "credit_units"],
)
def test_an_invoice_has_no_line_it_was_not_given(ask: Callable[[Invoice], object]) -> None:
    with pytest.raises(ValidationError, match="invoice 'INV-000001' has no line 'L9' to credit"):
        ask(issued())


@pytest.mark.parametrize("gross", ["0", "-100"])
def test_a_line_credit_must_be_positive(gross: str) -> None:
    with pytest.raises(
        ValidationError,
        match=f"a credit of line 'L1' of invoice 'INV-000001' must be positive, got {gross} IDR",
    ):
        issued().credit_lines({"L1": idr(gross)})


def test_a_credit_never_exceeds_what_the_invoice_has_left() -> None:
    """An invoice stored before per-line credit records were kept: 2,000 credited in all,
    none of it on a line. L1 still shows its 2,240 left, the invoice only 800."""
    invoice = attrs.evolve(issued(), credited=idr("2000"))
    with pytest.raises(
        CreditLimitExceeded,
        match=r"a credit note of 1000 IDR on invoice 'INV-000001' is more than is left to "
        r"credit \(800\.00 IDR of 2800\.00 IDR\)",
    ):
        invoice.credit_lines({"L1": idr("1000")})
    assert invoice.credit_lines({"L1": idr("800")})[0].gross == idr("800")


@pytest.mark.parametrize("amount", ["0", "-1", "2800.01"])
def test_a_spread_credit_is_positive_and_within_what_is_left(amount: str) -> None:
    with pytest.raises(
        CreditLimitExceeded,
        match=rf"a credit note of {amount} IDR on invoice 'INV-000001' .* \(2800\.00 IDR of "
        r"2800\.00 IDR\)",
    ):
        issued().spread_credit(idr(amount))


def test_editing_a_draft_into_a_vat_invoice_needs_the_buyer_tax_id() -> None:
    invoice = draft(kind=InvoiceKind.SALES, buyer=NO_TAX_ID)
    with pytest.raises(ValidationError, match="a VAT invoice 'I1' needs the buyer's tax id"):
        invoice.edit(kind=InvoiceKind.VAT)
    assert (invoice.kind, invoice.buyer) == (InvoiceKind.SALES, NO_TAX_ID)  # nothing changed
    invoice.edit(kind=InvoiceKind.VAT, buyer=BUYER)
    assert invoice.kind is InvoiceKind.VAT


# -- e-invoices, replacements, payments ------------------------------------------------------

ACCEPTED = EInvoiceStatus(provider="coretax", provider_ref="R1", state=EInvoiceState.ACCEPTED)


def test_a_draft_has_no_e_invoice_to_record() -> None:
    invoice = draft()
    with pytest.raises(
        IllegalTransition, match="cannot submit e-invoice invoice 'I1' in status 'draft'"
    ):
        invoice.record_einvoice(ACCEPTED)
    assert invoice.einvoice is None
    issued_invoice = issued()
    issued_invoice.record_einvoice(ACCEPTED)
    assert issued_invoice.einvoice == ACCEPTED


def test_only_an_issued_invoice_is_replaced() -> None:
    invoice = draft()
    with pytest.raises(IllegalTransition, match="cannot replace invoice 'I1' in status 'draft'"):
        invoice.mark_replaced("I2")
    assert invoice.replaced_by is None


def test_an_invoice_with_payments_allocated_is_not_replaced() -> None:
    invoice = issued()
    invoice.allocate(idr("100"))
    with pytest.raises(
        IllegalTransition,
        match="cannot replace invoice 'INV-000001' in status 'issued': 100 IDR is allocated",
    ):
        invoice.mark_replaced("I2")
    invoice.release(idr("100"))
    invoice.mark_replaced("I2")
    assert invoice.replaced_by == "I2"


@pytest.mark.parametrize("command", ["allocate", "release"])
def test_payments_are_in_the_invoice_currency(command: str) -> None:
    invoice = issued()
    with pytest.raises(
        CurrencyMismatch,
        match=f"the amount to {command} is in USD, but invoice 'INV-000001' is in IDR",
    ):
        getattr(invoice, command)(Money.of("0.00", "USD"))
    assert invoice.paid == idr("0")


@pytest.mark.parametrize(("amount", "open_balance"), [("2800.01", "2800.00"), ("-1", "2800.00")])
def test_an_allocation_fits_the_open_balance(amount: str, open_balance: str) -> None:
    invoice = issued()
    with pytest.raises(
        PaymentError,
        match=f"cannot allocate {amount} IDR to invoice 'INV-000001': {open_balance} IDR is open",
    ):
        invoice.allocate(idr(amount))
    assert invoice.paid == idr("0")
    invoice.allocate(idr("2800"))
    assert invoice.open_balance == idr("0")


def test_a_draft_takes_no_allocation() -> None:
    with pytest.raises(PaymentError, match="cannot allocate 1 IDR to invoice 'I1'"):
        draft().allocate(idr("1"))


@pytest.mark.parametrize("amount", ["100.01", "-1"])
def test_a_release_fits_what_is_paid(amount: str) -> None:
    invoice = issued()
    invoice.allocate(idr("100"))
    with pytest.raises(
        PaymentError,
        match=f"cannot release {amount} IDR from invoice 'INV-000001': 100 IDR is paid",
    ):
        invoice.release(idr(amount))
    assert invoice.paid == idr("100")


# -- recording credits -----------------------------------------------------------------------


def test_a_draft_records_no_credit() -> None:
    lines = credit_note(issued(), lines={"L1": idr("100")}).lines
    invoice = draft()
    with pytest.raises(IllegalTransition, match="cannot credit invoice 'I1' in status 'draft'"):
        invoice.record_credit(lines)
    assert invoice.credited == idr("0")


def test_a_recorded_credit_names_each_line_once() -> None:
    invoice = issued()
    lines = credit_note(invoice, lines={"L1": idr("100")}).lines
    with pytest.raises(ValidationError, match="a credit of invoice 'INV-000001' repeats line 'L1'"):
        invoice.record_credit([*lines, *lines])
    assert invoice.credited == idr("0")
    invoice.record_credit(lines)
    assert invoice.credited == idr("100")


def test_a_recorded_credit_needs_at_least_one_line() -> None:
    invoice = issued()
    free = attrs.evolve(charge_line("L1"), gross=idr("0"))  # a zero line counts nothing
    for lines in ([], [free]):
        with pytest.raises(
            ValidationError, match="a credit of invoice 'INV-000001' needs at least one line"
        ):
            invoice.record_credit(lines)
    assert invoice.credited == idr("0")
