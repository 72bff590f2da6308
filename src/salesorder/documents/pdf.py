"""A PDF preview of an invoice or a credit note: the facts of the HTML preview, as a PDF.

Needs the ``pdf`` extra (fpdf2, pure Python), imported only when :func:`render_pdf` runs.

Fonts: PDF's built-in fonts only cover Latin-1, and no TrueType font ships with a package
salesorder depends on. So :func:`render_pdf` uses a Unicode TrueType font when it finds one
(the ``font`` argument, the ``SALESORDER_PDF_FONT`` environment variable, or DejaVu Sans in
the usual system places, see :data:`FONT_CANDIDATES`) and prints every character as is.
Without one it falls back to Helvetica and transliterates what Latin-1 lacks: accents
outside Latin-1 are dropped (``Hóa đơn`` prints as ``Hóa don``), ``₫`` prints as ``VND``,
anything else unknown as ``?``. It never fails on the text of a document.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from salesorder.documents.preview import LABELS, heading, legal_bases, quantity_text
from salesorder.domain.invoicing import CreditNote, Invoice, Party
from salesorder.money import Money, format_money

if TYPE_CHECKING:
    from fpdf import FPDF

__all__ = ["FONT_CANDIDATES", "find_unicode_font", "render_pdf", "to_latin1"]

#: Where :func:`find_unicode_font` looks for DejaVu Sans, in order.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
    "C:/Windows/Fonts/DejaVuSans.ttf",
)

_REPLACEMENTS = {
    "₫": "VND",
    "€": "EUR",
    "đ": "d",
    "Đ": "D",
    "\u202f": " ",  # narrow no-break space (CLDR puts it in some amounts and dates)
    "\u2009": " ",
    "\u2212": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
}


def to_latin1(text: str) -> str:
    """``text`` with every character Latin-1 lacks transliterated (never fails)."""
    out: list[str] = []
    for char in text:
        if ord(char) < 256:
            out.append(char)
            continue
        if char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
            continue
        base = "".join(
            c
            for c in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(c) and ord(c) < 256
        )
        out.append(base or "?")
    return "".join(out)


def find_unicode_font() -> Path | None:
    """A Unicode TrueType font: ``SALESORDER_PDF_FONT`` or the first of :data:`FONT_CANDIDATES`."""
    configured = os.environ.get("SALESORDER_PDF_FONT")
    for candidate in (configured, *FONT_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


class _Writer:
    """Writes text in the chosen font, transliterating for the built-in one."""

    def __init__(self, pdf: FPDF, font: Path | None) -> None:
        self.pdf = pdf
        self.family = "Helvetica"
        self.bold = True
        self.unicode = font is not None
        if font is not None:
            self.family = "SalesorderSans"
            pdf.add_font(self.family, "", str(font))
            bold = font.with_name(font.stem + "-Bold" + font.suffix)
            self.bold = bold.is_file()
            if self.bold:
                pdf.add_font(self.family, "B", str(bold))

    def text(self, value: str) -> str:
        return value if self.unicode else to_latin1(value)

    def font(self, size: float, *, bold: bool = False) -> None:
        self.pdf.set_font(self.family, "B" if bold and self.bold else "", size)

    def line(self, value: str, *, size: float = 10, bold: bool = False, height: float = 5) -> None:
        self.font(size, bold=bold)
        self.pdf.multi_cell(0, height, self.text(value), new_x="LMARGIN", new_y="NEXT")

    def table(self, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
        self.font(8)
        aligns = ("LEFT", *(("RIGHT",) * (len(widths) - 1)))
        with self.pdf.table(
            col_widths=widths,
            text_align=aligns,
            width=sum(widths),
            align="LEFT",
            line_height=5,
            first_row_as_headings=True,
        ) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(self.text(cell))
        self.pdf.ln(3)


def _party(writer: _Writer, party: Party, label: str, tax_label: str) -> None:
    writer.line(label, bold=True)
    writer.line(party.name)
    if party.address is not None:
        writer.line(f"{party.address.line1}, {party.address.city}")
    if party.tax_id:
        writer.line(f"{tax_label}: {party.tax_id}")
    writer.pdf.ln(2)


def render_pdf(
    document: Invoice | CreditNote,
    locale: str = "en_US",
    *,
    font: str | os.PathLike[str] | None = None,
    compress: bool = True,
) -> bytes:
    """A PDF (bytes) showing ``document`` in ``locale``: the facts of the HTML preview.

    Args:
        document: the invoice or credit note (a draft prints as a draft).
        locale: a CLDR locale (``id_ID``, ``vi_VN``, ``ms_MY``, ``en_US``...) for labels,
            amounts and dates.
        font: a Unicode TrueType font file; found with :func:`find_unicode_font` when
            None. Without one, text Latin-1 lacks is transliterated (see the module).
        compress: compress the page content (False leaves the text readable in the bytes).

    Raises:
        ImportError: the ``pdf`` extra (fpdf2) is not installed.
    """
    from babel.dates import format_date  # noqa: PLC0415 - babel data loads on first use
    from babel.numbers import format_percent  # noqa: PLC0415
    from fpdf import FPDF  # noqa: PLC0415 - the optional ``pdf`` extra

    language = locale.split("_", maxsplit=1)[0]
    t = LABELS.get(language, LABELS["en"])
    title, corrects = heading(document, t)
    number = document.number or t["draft"]

    def money(amount: Money) -> str:
        return format_money(amount, locale)

    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    if document.issued_at is not None:
        pdf.set_creation_date(document.issued_at)
    pdf.set_title(f"{title} {number}")
    pdf.set_lang(language)
    pdf.add_page()
    writer = _Writer(pdf, Path(font) if font is not None else find_unicode_font())

    writer.line(f"{title} {number}", size=16, bold=True, height=8)
    if document.issued_at is not None:
        writer.line(f"{t['date']}: {format_date(document.issued_at.date(), locale=locale)}")
    if isinstance(document, Invoice) and document.due_date is not None:
        writer.line(f"{t['due']}: {format_date(document.due_date, locale=locale)}")
    if corrects:
        writer.line(f"{t['corrects']}: {corrects}")
    pdf.ln(3)
    _party(writer, document.seller, t["seller"], t["tax_id"])
    _party(writer, document.buyer, t["buyer"], t["tax_id"])
    writer.table(
        [t["item"], t["qty"], t["unit_price"], t["net"], t["tax"], t["gross"]],
        [
            [
                line.description,
                quantity_text(line),
                money(line.unit_price),
                money(line.net),
                money(line.tax),
                money(line.gross),
            ]
            for line in document.lines
        ],
        (60, 14, 29, 29, 29, 29),
    )
    legal = legal_bases(document)
    rows = [
        [
            format_percent(part.tax_rate, locale=locale, decimal_quantization=False),
            money(part.base),
            money(part.tax),
        ]
        for part in document.tax_summary
    ]
    if legal is None:
        writer.table([t["rate"], t["base"], t["tax"]], rows, (30, 40, 40))
    else:  # Indonesia's DPP nilai lain: the base the law taxes, beside the price
        for row, base in zip(rows, legal, strict=True):
            row.insert(2, money(base) if base is not None else "")
        writer.table([t["rate"], t["base"], t["legal_base"], t["tax"]], rows, (30, 40, 40, 40))
    writer.line(f"{t['net']}: {money(document.net)}")
    writer.line(f"{t['tax']}: {money(document.tax)}")
    writer.line(f"{t['gross']}: {money(document.gross)}", size=12, bold=True, height=7)
    return bytes(pdf.output())
