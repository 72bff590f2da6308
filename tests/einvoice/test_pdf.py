"""The PDF preview (the ``pdf`` extra): the facts of the HTML preview, Unicode or not."""

from __future__ import annotations

import io

import attrs
import pytest
from pypdf import PdfReader
from tests.services.test_invoicing import confirmed, get_invoice, idr, shop  # noqa: F401

from salesorder import commands
from salesorder.documents import pdf, render_pdf
from salesorder.domain.invoicing import DocumentType, Party
from salesorder.money import format_money


def text_of(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\xa0", " ")


@pytest.fixture
def invoice(shop):  # type: ignore[no-untyped-def]  # noqa: F811
    invoice_id = shop.execute(commands.IssueInvoice(order_id=confirmed(shop)))
    return get_invoice(shop, invoice_id)


@pytest.fixture
def no_unicode_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    monkeypatch.delenv("SALESORDER_PDF_FONT", raising=False)


def test_pdf_shows_the_number_parties_and_totals(invoice) -> None:  # type: ignore[no-untyped-def]
    data = render_pdf(invoice, "id_ID")
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    assert "Faktur INV-000001" in text
    assert "PT Toko Contoh" in text
    assert "NPWP: 01.300.066.6-091.000" in text
    assert format_money(invoice.gross, "id_ID").replace("\xa0", " ") in text
    assert "Total: Rp450.000,00" in text
    assert "DPP: Rp405.405,41" in text
    # PPN 12% on the DPP nilai lain 11/12 x 405,405.41 = 371,621.63: the row shows both
    assert "DPP nilai lain" in text
    assert "12% Rp405.405,41 Rp371.621,63 Rp44.594,59" in text


def test_uncompressed_pdf_carries_the_text_in_the_bytes(invoice, no_unicode_font) -> None:  # type: ignore[no-untyped-def]
    data = render_pdf(invoice, "en_US", compress=False)
    assert data.startswith(b"%PDF-")
    assert b"Invoice INV-000001" in data
    assert b"Total: IDR450,000.00" in data


@pytest.mark.parametrize("unicode_font", [True, False])
def test_vietnamese_text_never_fails(invoice, monkeypatch, unicode_font) -> None:  # type: ignore[no-untyped-def]
    if not unicode_font:
        monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
        monkeypatch.delenv("SALESORDER_PDF_FONT", raising=False)
    elif pdf.find_unicode_font() is None:
        pytest.skip("no DejaVu Sans on this system; the fallback case runs regardless")
    buyer = Party(name="Công ty TNHH Đại Phát \u2013 Hà Nội", tax_id="")
    document = attrs.evolve(invoice, buyer=buyer)
    text = text_of(render_pdf(document, "vi_VN"))
    assert "INV-000001" in text
    if unicode_font:
        assert "Công ty TNHH Đại Phát \u2013 Hà Nội" in text
        assert "Hóa đơn" in text
    else:
        assert "Công ty TNHH Dai Phát - Hà Noi" in text
        assert "Hóa don" in text


def test_transliteration_is_safe() -> None:
    assert pdf.to_latin1("450.000\xa0₫") == "450.000\xa0VND"
    assert pdf.to_latin1("Đơn giá ạ 😀") == "Don giá a ?"


def test_adjustment_pdf_names_the_corrected_invoice(shop, invoice) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    adjustment_id = shop.execute(
        commands.CorrectInvoice(
            invoice_id=invoice.id,
            document=DocumentType.ADJUSTMENT,
            amount=idr("30000"),
        )
    )
    text = text_of(render_pdf(get_invoice(shop, adjustment_id), "en_US"))
    assert "Adjustment invoice INV-000002" in text
    assert "Corrects invoice: INV-000001" in text
