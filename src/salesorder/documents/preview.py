"""A preview of an invoice or a credit note a person can open: HTML, localized with babel.

Amounts and dates are formatted with CLDR's patterns for the locale (``id_ID``, ``vi_VN``,
``ms_MY``, ``en_US``...); the labels are translated for those four. Everything printed is
HTML-escaped. The same facts as a PDF: :func:`salesorder.documents.pdf.render_pdf` (the
``pdf`` extra).
"""

from __future__ import annotations

import html

from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice, InvoiceLine, Party
from salesorder.domain.units import PIECE
from salesorder.money import Money, format_money

__all__ = ["LABELS", "heading", "legal_bases", "quantity_text", "render_html"]

_KEYS = (
    "invoice", "vat_invoice", "credit_note", "pro_forma", "adjustment", "replacement", "draft",
    "number", "date", "due", "seller", "buyer", "tax_id", "item", "qty", "unit_price", "net",
    "tax", "gross", "rate", "base", "corrects", "legal_base",
)  # fmt: skip

#: Labels per language (the locale's language part).
LABELS: dict[str, dict[str, str]] = {
    "en": dict(zip(_KEYS, (
        "Invoice", "VAT invoice", "Credit note", "Pro forma invoice", "Adjustment invoice",
        "Replacement invoice", "DRAFT", "Number", "Date", "Due date", "Seller", "Buyer",
        "Tax ID", "Item", "Qty", "Unit price", "Net", "Tax", "Total", "Rate", "Base",
        "Corrects invoice", "Legal base (DPP)",
    ), strict=True)),
    "id": dict(zip(_KEYS, (
        "Faktur", "Faktur pajak", "Nota kredit", "Faktur proforma", "Faktur penyesuaian",
        "Faktur pengganti", "DRAF", "Nomor", "Tanggal", "Jatuh tempo", "Penjual", "Pembeli",
        "NPWP", "Barang", "Jml", "Harga satuan", "DPP", "PPN", "Total", "Tarif", "Dasar",
        "Mengoreksi faktur", "DPP nilai lain",
    ), strict=True)),
    "vi": dict(zip(_KEYS, (
        "Hóa đơn", "Hóa đơn GTGT", "Giấy báo có", "Hóa đơn chiếu lệ", "Hóa đơn điều chỉnh",
        "Hóa đơn thay thế", "NHÁP", "Số", "Ngày", "Hạn thanh toán", "Người bán", "Người mua",
        "MST", "Hàng hóa", "SL", "Đơn giá", "Tiền hàng", "Thuế GTGT", "Tổng cộng", "Thuế suất",
        "Giá tính thuế", "Điều chỉnh cho hóa đơn", "Giá tính thuế theo luật (DPP)",
    ), strict=True)),
    "ms": dict(zip(_KEYS, (
        "Invois", "Invois cukai", "Nota kredit", "Invois proforma", "Invois pelarasan",
        "Invois gantian", "DRAF", "Nombor", "Tarikh", "Tarikh akhir", "Penjual", "Pembeli",
        "TIN", "Barang", "Kuantiti", "Harga seunit", "Bersih", "Cukai", "Jumlah", "Kadar",
        "Asas", "Membetulkan invois", "Asas sah (DPP)",
    ), strict=True)),
}  # fmt: skip


def _party(party: Party, label: str, tax_label: str) -> str:
    lines = [f"<strong>{html.escape(label)}</strong>", html.escape(party.name)]
    if party.address is not None:
        lines.append(html.escape(f"{party.address.line1}, {party.address.city}"))
    if party.tax_id:
        lines.append(f"{html.escape(tax_label)}: {html.escape(party.tax_id)}")
    return "<div class='party'>" + "<br>".join(lines) + "</div>"


def heading(document: Invoice | CreditNote, t: dict[str, str]) -> tuple[str, str | None]:
    """The document's title in the labels ``t``, and the number of the invoice it corrects."""
    if isinstance(document, CreditNote):
        return t["credit_note"], document.invoice_number
    title = {
        DocumentType.PRO_FORMA: t["pro_forma"],
        DocumentType.ADJUSTMENT: t["adjustment"],
        DocumentType.REPLACEMENT: t["replacement"],
    }.get(document.document, t["vat_invoice"] if document.kind.value == "vat" else t["invoice"])
    return title, document.corrects_number


def quantity_text(line: InvoiceLine) -> str:
    """A line's quantity as printed: exact, with its unit unless it counts pieces.

    ``"3"`` for three pieces, ``"0.25 kg"`` and ``"1.5 m"`` for a product sold by the
    kilogram or the metre: never rounded, never padded with zeros.
    """
    return str(line.quantity) if line.unit == PIECE else f"{line.quantity} {line.unit.code}"


def legal_bases(document: Invoice | CreditNote) -> list[Money | None] | None:
    """Per tax row, the legal base (Indonesia's DPP nilai lain) when the row has one.

    None when no row has one: the previews then leave the column out.
    """
    bases = [part.legal_base for part in document.tax_summary]
    return bases if any(base is not None for base in bases) else None


def render_html(document: Invoice | CreditNote, locale: str = "en_US") -> str:
    """A standalone HTML page showing ``document`` in ``locale``."""
    from babel.dates import format_date  # noqa: PLC0415 - babel data loads on first use
    from babel.numbers import format_percent  # noqa: PLC0415

    language = locale.split("_", maxsplit=1)[0]
    t = LABELS.get(language, LABELS["en"])
    title, corrects = heading(document, t)
    number = document.number or t["draft"]

    def money(amount: Money) -> str:
        return html.escape(format_money(amount, locale))

    head = [f"<h1>{html.escape(title)} {html.escape(number)}</h1>", "<p>"]
    if document.issued_at is not None:
        head.append(f"{t['date']}: {format_date(document.issued_at.date(), locale=locale)}<br>")
    if isinstance(document, Invoice) and document.due_date is not None:
        head.append(f"{t['due']}: {format_date(document.due_date, locale=locale)}<br>")
    if corrects:
        head.append(f"{t['corrects']}: {html.escape(corrects)}")
    head.append("</p>")
    rows = "".join(
        f"<tr><td>{html.escape(line.description)}</td><td>{html.escape(quantity_text(line))}</td>"
        f"<td>{money(line.unit_price)}</td><td>{money(line.net)}</td>"
        f"<td>{money(line.tax)}</td><td>{money(line.gross)}</td></tr>"
        for line in document.lines
    )
    legal = legal_bases(document)
    taxes = "".join(
        f"<tr><td>{format_percent(part.tax_rate, locale=locale, decimal_quantization=False)}"
        f"</td><td>{money(part.base)}</td>"
        + ("" if legal is None else f"<td>{money(base) if base is not None else ''}</td>")
        + f"<td>{money(part.tax)}</td></tr>"
        for part, base in zip(
            document.tax_summary, legal or [None] * len(document.tax_summary), strict=True
        )
    )
    legal_head = "" if legal is None else f"<th>{t['legal_base']}</th>"
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)} {html.escape(number)}</title></head><body>"
        + "".join(head)
        + _party(document.seller, t["seller"], t["tax_id"])
        + _party(document.buyer, t["buyer"], t["tax_id"])
        + f"<table class='lines'><tr><th>{t['item']}</th><th>{t['qty']}</th>"
        f"<th>{t['unit_price']}</th><th>{t['net']}</th><th>{t['tax']}</th>"
        f"<th>{t['gross']}</th></tr>{rows}</table>"
        + f"<table class='taxes'><tr><th>{t['rate']}</th><th>{t['base']}</th>{legal_head}"
        f"<th>{t['tax']}</th></tr>{taxes}</table>"
        + f"<p class='totals'>{t['net']}: {money(document.net)}<br>{t['tax']}: "
        f"{money(document.tax)}<br><strong>{t['gross']}: {money(document.gross)}</strong></p>"
        + "</body></html>"
    )
