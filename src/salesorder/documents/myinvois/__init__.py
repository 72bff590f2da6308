"""Malaysia's MyInvois e-invoice (LHDN): UBL 2.1 in XML and in LHDN's JSON form.

:func:`to_myinvois_xml` and :func:`to_myinvois_json` write an issued
:class:`~salesorder.domain.invoicing.Invoice`, a
:class:`~salesorder.domain.invoicing.CreditNote` or a :class:`ConsolidatedInvoice` (see
:func:`consolidate`) as the ``Invoice`` document of LHDN's Invoice v1.0 structure (v1.1
when ``options.signed``: a :class:`~salesorder.ports.signing.DocumentSigner` then signs
it). :func:`document_hash` is the hash the submission API takes beside the document.
Nothing here does I/O or reads a clock: the functions are pure, so a refused document
consumed no number and submitted nothing.

The mapping (docs page "E-invoices for Malaysia" has the table and the sources):

- type (``cbc:InvoiceTypeCode``): an invoice 01; a credit note 02 (04 refund note with
  ``options.refund``); Vietnam-style adjustments become a debit note 03 (up) or a credit
  note 02 (down, amounts negated); 11-14 with ``options.self_billed``. A replacement
  invoice has no MyInvois form and is refused. Notes reference the original e-invoice
  (``cac:BillingReference``: its number and MyInvois UUID, ``options.original``).
- parties: TIN, registration (BRN, NRIC, PASSPORT or ARMY), SST and, for the supplier,
  tourism tax registration ("NA" when none), the supplier's MSIC code and activity,
  address with the state code and the ISO alpha-3 country, telephone (required), e-mail.
- lines: classification (``options.classifications`` by SKU, ``022`` "Others" by
  default), description, quantity and unit, unit price, each tax as its own
  ``cac:TaxSubtotal`` (a line with sales and service tax has two), subtotal.
- tax types from the library's tax codes (``MY-SALES-*`` 01, ``MY-SERVICE-*`` 02,
  ``MY-EXEMPT`` E, taxes outside the scope 06; others by ``options.tax_types``).
- currency: MYR, or another with ``options.exchange_rate`` (``cac:TaxExchangeRate``).
"""

from __future__ import annotations

import hashlib

from salesorder.documents.myinvois.checks import validate_myinvois
from salesorder.documents.myinvois.codes import (
    FOREIGN_BUYER_TIN,
    GENERAL_PUBLIC_TIN,
    DocumentKind,
)
from salesorder.documents.myinvois.consolidated import (
    MALAYSIA_TIME,
    ConsolidatedInvoice,
    consolidate,
)
from salesorder.documents.myinvois.model import build
from salesorder.documents.myinvois.options import (
    DEFAULT_CLASSIFICATION,
    DEFAULT_TAX_TYPES,
    MyInvoisOptions,
    MyInvoisReference,
)
from salesorder.documents.myinvois.writer import write_json, write_xml
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.numbers import decimal_isolated

__all__ = [
    "DEFAULT_CLASSIFICATION",
    "DEFAULT_TAX_TYPES",
    "FOREIGN_BUYER_TIN",
    "GENERAL_PUBLIC_TIN",
    "MALAYSIA_TIME",
    "ConsolidatedInvoice",
    "DocumentKind",
    "MyInvoisOptions",
    "MyInvoisReference",
    "consolidate",
    "document_hash",
    "to_myinvois_json",
    "to_myinvois_xml",
    "validate_myinvois",
]

_DEFAULT = MyInvoisOptions()


def document_hash(payload: bytes) -> str:
    """The SHA-256 of the exact bytes submitted, as 64 lowercase hexadecimal digits.

    The submission API takes it as ``documentHash`` beside the base64 of the same bytes.
    LHDN's page names SHA-256 without the encoding; the implementations we read (open
    source MyInvois clients) send the hexadecimal digest, which is what this returns. The
    base64 digests of the signature (``DocDigest``, ``CertDigest``) are the signer's.
    """
    return hashlib.sha256(payload).hexdigest()


@decimal_isolated
def to_myinvois_xml(
    document: Invoice | CreditNote | ConsolidatedInvoice,
    *,
    options: MyInvoisOptions | None = None,
) -> bytes:
    """The MyInvois UBL 2.1 XML of ``document`` (UTF-8 bytes, unsigned).

    Raises:
        IllegalTransition: the invoice is a draft (no number) or a pro forma.
        InvalidTaxId: a Malaysian party's TIN fails LHDN's format.
        DocumentRuleError: MyInvois cannot state the document or a field rule fails
            (``rule`` names it: ``MY-TIN``, ``MY-EXCHANGE-RATE``, ``MY-ORIGINAL``...).
    """
    return write_xml(build(document, options or _DEFAULT))


@decimal_isolated
def to_myinvois_json(
    document: Invoice | CreditNote | ConsolidatedInvoice,
    *,
    options: MyInvoisOptions | None = None,
) -> bytes:
    """The MyInvois document of ``document`` in LHDN's JSON form (UTF-8 bytes, minified).

    The same content as :func:`to_myinvois_xml`, refused for the same reasons.
    """
    return write_json(build(document, options or _DEFAULT))
