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

The tax authorities' own formats of South-East Asia: Indonesia's Coretax e-Faktur import
(:func:`~salesorder.documents.coretax.writer.to_coretax`), Vietnam's e-invoice XML
(:func:`~salesorder.documents.vietnam.xml.to_vn_einvoice`, the ``vietnam`` extra for the
total in words) and Malaysia's MyInvois in XML or JSON
(:func:`~salesorder.documents.myinvois.to_myinvois_xml`), each with its rule checks.
"""

from __future__ import annotations

from salesorder.documents.cii import to_cii
from salesorder.documents.coretax import CoretaxOptions, to_coretax, validate_coretax
from salesorder.documents.en16931 import EN16931Invoice
from salesorder.documents.myinvois import (
    MyInvoisOptions,
    to_myinvois_json,
    to_myinvois_xml,
    validate_myinvois,
)
from salesorder.documents.pdf import render_pdf
from salesorder.documents.preview import render_html
from salesorder.documents.safexml import parse_xml
from salesorder.documents.ubl import to_ubl
from salesorder.documents.validation import validate_cii, validate_ubl
from salesorder.documents.vietnam import (
    VnInvoiceOptions,
    read_authority_code,
    to_vn_einvoice,
    validate_vn_einvoice,
)

__all__ = [
    "CoretaxOptions",
    "EN16931Invoice",
    "MyInvoisOptions",
    "VnInvoiceOptions",
    "parse_xml",
    "read_authority_code",
    "render_html",
    "render_pdf",
    "to_cii",
    "to_coretax",
    "to_myinvois_json",
    "to_myinvois_xml",
    "to_ubl",
    "to_vn_einvoice",
    "validate_cii",
    "validate_coretax",
    "validate_myinvois",
    "validate_ubl",
    "validate_vn_einvoice",
]
