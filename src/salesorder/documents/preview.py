"""A preview of an invoice or a credit note a person can open: HTML, localized with babel.

Amounts and dates are formatted with CLDR's patterns for the locale (``id_ID``, ``vi_VN``,
``ms_MY``, ``en_US``...); the labels are translated for those four. Everything printed is
HTML-escaped. The same facts as a PDF: :func:`salesorder.documents.pdf.render_pdf` (the
``pdf`` extra).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

from salesorder.documents.templating import INVOICE_PREVIEW, JinjaTemplates
from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice, InvoiceLine, Party
from salesorder.domain.units import PIECE
from salesorder.money import Money, format_money
from salesorder.translations import CATALOG_LANGUAGES, language_of, translations

__all__ = [
    "LABELS",
    "heading",
    "legal_bases",
    "preview_values",
    "quantity_text",
    "render_body",
    "render_html",
]

_KEYS = (
    "invoice", "vat_invoice", "credit_note", "pro_forma", "adjustment", "replacement", "draft",
    "number", "date", "due", "seller", "buyer", "tax_id", "item", "qty", "unit_price", "net",
    "tax", "gross", "rate", "base", "corrects", "legal_base",
)  # fmt: skip


class _Labels(Mapping[str, dict[str, str]]):
    """The preview's labels of each catalog language, read from the catalogs on first use."""

    def __getitem__(self, language: str) -> dict[str, str]:
        if language not in CATALOG_LANGUAGES:
            raise KeyError(language)
        catalog = translations(language)
        return {key: catalog.pgettext("invoice", text) for key, text in _ENGLISH.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(CATALOG_LANGUAGES)

    def __len__(self) -> int:
        return len(CATALOG_LANGUAGES)


_ENGLISH = dict(zip(_KEYS, (
    "Invoice", "VAT invoice", "Credit note", "Pro forma invoice", "Adjustment invoice",
    "Replacement invoice", "DRAFT", "Number", "Date", "Due date", "Seller", "Buyer",
    "Tax ID", "Item", "Qty", "Unit price", "Net", "Tax", "Total", "Rate", "Base",
    "Corrects invoice", "Legal base (DPP)",
), strict=True))  # fmt: skip

#: Labels per language (the locale's language part), read from the catalogs. They are the
#: English messages of context ``invoice``, translated by
#: :func:`salesorder.translations.translations`.
LABELS: Mapping[str, dict[str, str]] = _Labels()


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


def _party_values(party: Party) -> dict[str, str]:
    address = party.address
    return {
        "name": party.name,
        "address": f"{address.line1}, {address.city}" if address is not None else "",
        "tax_id": party.tax_id,
    }


def preview_values(document: Invoice | CreditNote, locale: str) -> dict[str, Any]:
    """What the preview's Jinja2 template is given, by name.

    The names are :data:`~salesorder.documents.templating.PREVIEW_FIELDS`. Every amount,
    date and rate is a string formatted for ``locale`` by babel; the title and the draft
    number are translated. Plain values only: a template sees no domain object, so
    it cannot call one's methods.
    """
    from babel.dates import format_date  # noqa: PLC0415 - babel data loads on first use
    from babel.numbers import format_percent  # noqa: PLC0415

    t = LABELS.get(language_of(locale), LABELS["en"])
    title, corrects = heading(document, t)
    due = document.due_date if isinstance(document, Invoice) else None
    legal = legal_bases(document)
    rows = zip(document.tax_summary, legal or [None] * len(document.tax_summary), strict=True)
    return {
        "title": title,
        "number": document.number or t["draft"],
        "issued": ""
        if document.issued_at is None
        else format_date(document.issued_at.date(), locale=locale),
        "due": "" if due is None else format_date(due, locale=locale),
        "corrects": corrects or "",
        "seller": _party_values(document.seller),
        "buyer": _party_values(document.buyer),
        "lines": [
            {
                "description": line.description,
                "quantity": quantity_text(line),
                "unit_price": format_money(line.unit_price, locale),
                "net": format_money(line.net, locale),
                "tax": format_money(line.tax, locale),
                "gross": format_money(line.gross, locale),
            }
            for line in document.lines
        ],
        "taxes": [
            {
                "rate": format_percent(part.tax_rate, locale=locale, decimal_quantization=False),
                "base": format_money(part.base, locale),
                "legal_base": "" if base is None else format_money(base, locale),
                "tax": format_money(part.tax, locale),
            }
            for part, base in rows
        ],
        "show_legal_base": legal is not None,
        "net": format_money(document.net, locale),
        "tax": format_money(document.tax, locale),
        "gross": format_money(document.gross, locale),
    }


def render_html(
    document: Invoice | CreditNote,
    locale: str = "en_US",
    *,
    templates: JinjaTemplates | None = None,
) -> str:
    """A standalone HTML page showing ``document`` in ``locale``.

    With ``templates``, the page is their ``invoice/preview.html`` (a shop's override or
    the shipped one) rendered with :func:`preview_values`, sandboxed and autoescaped; without,
    the same page is built in Python (no extra needed).

    Raises:
        TemplateError: the shop's template fails (see
            :class:`~salesorder.documents.templating.JinjaTemplates`).
    """
    if templates is not None:
        return templates.render(INVOICE_PREVIEW, locale, preview_values(document, locale))
    language = locale.split("_", maxsplit=1)[0]
    t = LABELS.get(language, LABELS["en"])
    title = html.escape(f"{heading(document, t)[0]} {document.number or t['draft']}")
    return (
        f"<!DOCTYPE html><html lang='{language}'><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>{render_body(document, locale)}</body></html>"
    )


def render_body(document: Invoice | CreditNote, locale: str = "en_US") -> str:
    """What :func:`render_html`'s page shows, as an HTML fragment to embed (a notebook's)."""
    from babel.dates import format_date  # noqa: PLC0415 - babel data loads on first use
    from babel.numbers import format_percent  # noqa: PLC0415

    t = LABELS.get(locale.split("_", maxsplit=1)[0], LABELS["en"])
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
        "".join(head)
        + _party(document.seller, t["seller"], t["tax_id"])
        + _party(document.buyer, t["buyer"], t["tax_id"])
        + f"<table class='lines'><tr><th>{t['item']}</th><th>{t['qty']}</th>"
        f"<th>{t['unit_price']}</th><th>{t['net']}</th><th>{t['tax']}</th>"
        f"<th>{t['gross']}</th></tr>{rows}</table>"
        + f"<table class='taxes'><tr><th>{t['rate']}</th><th>{t['base']}</th>{legal_head}"
        f"<th>{t['tax']}</th></tr>{taxes}</table>"
        + f"<p class='totals'>{t['net']}: {money(document.net)}<br>{t['tax']}: "
        f"{money(document.tax)}<br><strong>{t['gross']}: {money(document.gross)}</strong></p>"
    )
