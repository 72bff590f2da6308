"""Generated UBL passes the official UBL 2.1 XSD and CEN's EN 16931 rules, offline.

The validators run for real (the ``einvoice`` extra is part of the ``test`` extra); the
deliberately broken documents show they fail when a rule is broken.
"""

from __future__ import annotations

import re

import pytest
from tests.services.test_invoicing import confirmed, get_invoice, idr, shop  # noqa: F401

from salesorder import commands
from salesorder.documents import parse_xml, render_html, to_cii, to_ubl
from salesorder.documents.validation import validate_cii, validate_ubl
from salesorder.domain.invoicing import DocumentType, InvoiceKind
from salesorder.exceptions import IllegalTransition, UnsafeXml


@pytest.fixture
def vat_invoice(shop):  # type: ignore[no-untyped-def]  # noqa: F811
    order_id = confirmed(shop, customer="B1")
    invoice_id = shop.execute(commands.IssueInvoice(order_id=order_id, kind=InvoiceKind.VAT))
    return shop, get_invoice(shop, invoice_id)


def test_invoice_credit_note_and_corrections_are_valid(vat_invoice) -> None:  # type: ignore[no-untyped-def]
    app, invoice = vat_invoice
    assert validate_ubl(to_ubl(invoice)) == []
    note_id = app.execute(commands.IssueCreditNote(invoice_id=invoice.id, amount=idr("100000")))
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
    xml = to_ubl(note)
    assert b"<CreditNote" in xml
    assert b"<cbc:ID>INV-000001</cbc:ID>" in xml
    assert validate_ubl(xml) == []
    adjustment_id = app.execute(
        commands.CorrectInvoice(
            invoice_id=invoice.id, document=DocumentType.ADJUSTMENT, amount=idr("-45000")
        )
    )
    adjustment = to_ubl(get_invoice(app, adjustment_id))
    assert b"<cbc:InvoiceTypeCode>384</cbc:InvoiceTypeCode>" in adjustment
    assert validate_ubl(adjustment) == []


def test_upward_adjustment_is_a_valid_invoice_referencing_the_original(vat_invoice) -> None:  # type: ignore[no-untyped-def]
    app, invoice = vat_invoice
    adjustment_id = app.execute(
        commands.CorrectInvoice(
            invoice_id=invoice.id, document=DocumentType.ADJUSTMENT, amount=idr("30000")
        )
    )
    xml = to_ubl(get_invoice(app, adjustment_id))
    assert b"<Invoice" in xml
    assert b"<cbc:ID>INV-000002</cbc:ID>" in xml
    assert b"<cbc:InvoiceTypeCode>384</cbc:InvoiceTypeCode>" in xml
    reference = re.search(rb"<cac:BillingReference>.*?</cac:BillingReference>", xml, re.S)
    assert reference is not None
    assert b"<cbc:ID>INV-000001</cbc:ID>" in reference.group()
    assert b'<cbc:PayableAmount currencyID="IDR">30000.00</cbc:PayableAmount>' in xml
    assert validate_ubl(xml) == []


def test_indonesian_reduced_base_is_the_effective_rate_with_the_legal_base_in_a_note(
    vat_invoice,  # type: ignore[no-untyped-def]
) -> None:
    _, invoice = vat_invoice
    xml = to_ubl(invoice).decode()
    assert "<cbc:Percent>11</cbc:Percent>" in xml
    assert "12% on a reduced base of 371621.63 IDR = 44594.59" in xml


def _break(xml: bytes, pattern: str, replacement: str) -> bytes:
    broken, count = re.subn(pattern, replacement, xml.decode(), count=1)
    assert count == 1
    return broken.encode()


def test_a_broken_sum_fails_br_co_10(vat_invoice) -> None:  # type: ignore[no-untyped-def]
    _, invoice = vat_invoice
    broken = _break(
        to_ubl(invoice),
        r'(<cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="IDR">)405405.41',
        r"\g<1>405405.42",
    )
    problems = validate_ubl(broken)
    assert any(p.startswith("BR-CO-10") for p in problems), problems


def test_a_broken_tax_total_fails_br_co_14_and_15(vat_invoice) -> None:  # type: ignore[no-untyped-def]
    _, invoice = vat_invoice
    broken = _break(
        to_ubl(invoice),
        r'(<cac:TaxTotal><cbc:TaxAmount currencyID="IDR">)44594.59',
        r"\g<1>44594.60",
    )
    ids = {p.split(":")[0] for p in validate_ubl(broken)}
    assert {"BR-CO-14", "BR-CO-15"} <= ids


def test_the_schema_catches_elements_out_of_order(vat_invoice) -> None:  # type: ignore[no-untyped-def]
    _, invoice = vat_invoice
    broken = _break(
        to_ubl(invoice),
        r"(<cbc:DocumentCurrencyCode>IDR</cbc:DocumentCurrencyCode>)",
        r"\1<cbc:Bogus>1</cbc:Bogus>",
    )
    assert any(p.startswith("XSD:") for p in validate_ubl(broken))


@pytest.mark.parametrize("write", [to_ubl, to_cii], ids=["ubl", "cii"])
def test_drafts_and_pro_formas_are_not_exported(shop, write) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    order_id = confirmed(shop)
    draft = get_invoice(shop, shop.execute(commands.DraftInvoice(order_id=order_id)))
    with pytest.raises(IllegalTransition, match="cannot export invoice"):
        write(draft)
    pro_forma = get_invoice(
        shop,
        shop.execute(
            commands.IssueInvoice(order_id=order_id, document=DocumentType.PRO_FORMA, series="PF")
        ),
    )
    with pytest.raises(IllegalTransition, match="a pro forma is not an invoice"):
        write(pro_forma)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice>&lol2;</Invoice>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["entity-bomb", "xxe"])
def test_xml_from_outside_with_a_dtd_is_refused(document: bytes) -> None:
    with pytest.raises(UnsafeXml, match="DTD"):
        parse_xml(document)
    for validate in (validate_ubl, validate_cii):
        with pytest.raises(UnsafeXml):
            validate(document)


def test_plain_xml_from_outside_is_parsed() -> None:
    assert parse_xml(b"<status state='accepted'>M1-26-1</status>").get("state") == "accepted"
    with pytest.raises(UnsafeXml, match="not well-formed"):
        parse_xml(b"<unclosed>")


@pytest.mark.parametrize(
    ("locale", "title", "total"),
    [
        ("id_ID", "Faktur pajak INV-000001", "Rp\xa0450.000,00"),
        ("vi_VN", "Hóa đơn GTGT INV-000001", "450.000,00\xa0IDR"),
        ("ms_MY", "Invois cukai INV-000001", "IDR\xa0450,000.00"),
        ("en_US", "VAT invoice INV-000001", "IDR\xa0450,000.00"),
    ],
)
def test_html_preview_is_localized(vat_invoice, locale: str, title: str, total: str) -> None:  # type: ignore[no-untyped-def]
    _, invoice = vat_invoice
    page = render_html(invoice, locale)
    assert f"<h1>{title}</h1>" in page
    assert total.replace("\xa0", "") in page.replace("\xa0", "").replace("\u202f", "")
