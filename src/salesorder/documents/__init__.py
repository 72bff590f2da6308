"""Documents for outside readers: EN 16931 e-invoices, HTML and PDF previews, safe XML parsing.

E-invoices come in both EN 16931 syntaxes, UBL 2.1
(:func:`~salesorder.documents.ubl.to_ubl`) and CII D16B
(:func:`~salesorder.documents.cii.to_cii`), serialised from one syntax-neutral model of the
business terms (:mod:`salesorder.documents.en16931`). Generation needs nothing beyond the
standard library; checking a document against the official schemas and rules
(:func:`~salesorder.documents.validation.validate_ubl`,
:func:`~salesorder.documents.validation.validate_cii`) needs the ``einvoice`` extra (lxml,
saxonche, factur-x), imported only when called. The PDF preview
(:func:`~salesorder.documents.pdf.render_pdf`) needs the ``pdf`` extra (fpdf2), likewise
imported only when called.
"""

from __future__ import annotations

from salesorder.documents.cii import to_cii
from salesorder.documents.en16931 import EN16931Invoice
from salesorder.documents.pdf import render_pdf
from salesorder.documents.preview import render_html
from salesorder.documents.safexml import parse_xml
from salesorder.documents.ubl import to_ubl
from salesorder.documents.validation import validate_cii, validate_ubl

__all__ = [
    "EN16931Invoice",
    "parse_xml",
    "render_html",
    "render_pdf",
    "to_cii",
    "to_ubl",
    "validate_cii",
    "validate_ubl",
]
