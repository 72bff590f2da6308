"""Invoices and credit notes as EN 16931 UBL 2.1 XML (``urn:cen.eu:en16931:2017``).

The mapping, by EN 16931 business term:

- BT-1 number, BT-2 issue date, BT-9 due date (credit notes: the payment means' due date),
  BT-3 type code (380 invoice, 384 corrected invoice for Vietnam's adjustment and
  replacement invoices, 381 credit note), BT-5 currency, BT-25 the corrected invoice;
- seller and buyer: name (BT-27/44), address with country (BG-5/BG-8) and the tax
  identifier as a VAT identifier (BT-31/48) with its ISO 3166 country prefix (BR-CO-09);
- one line per invoice line: quantity (unit code C62, "one"), net amount (BT-131), item name
  and SKU, tax category and rate, and the net unit price (BT-146 = net / quantity, so line
  discounts are already in it);
- the VAT breakdown per rate (BG-23) copied from the invoice's tax summary, whose bases and
  taxes are exact sums of the lines, so the sum rules BR-CO-10 to BR-CO-16 hold exactly.

Indonesia's PPN at 12% on a base of 11/12 of the price ("DPP nilai lain") does not fit
BR-S-08/BR-S-09 as such (the taxable amount times the rate must give the tax). It is
written as its **effective rate of 11%** on the full net amount, which yields the same tax to
the rupiah, and the legal base is stated in a document note (BT-22), e.g.
``"PPN 12% on DPP nilai lain 11/12 of 405405.41 = 371621.63; shown as the effective 11%"``.
Rates of zero are category Z, others S. CEN's rule BR-CO-17 rounds the rate to a whole
percent, so a rate below 0.5% (no VAT has one) cannot be carried with a non-zero tax.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from salesorder.domain.invoicing import (
    CreditNote,
    DocumentType,
    Invoice,
    InvoiceLine,
    Party,
)
from salesorder.domain.pricing import TaxSummary
from salesorder.exceptions import IllegalTransition
from salesorder.money import Money

__all__ = ["CUSTOMIZATION_ID", "to_ubl"]

#: EN 16931 core specification identifier (BT-24).
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017"

_NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CAC = "{%s}" % _NS["cac"]  # noqa: UP031 - Clark notation prefix
_CBC = "{%s}" % _NS["cbc"]  # noqa: UP031
_HUNDRED = Decimal(100)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    prefix = _CBC if tag.startswith("cbc:") else _CAC
    element = ET.SubElement(parent, prefix + tag[4:], attrib)
    if text is not None:
        element.text = text
    return element


def _amount(parent: ET.Element, tag: str, money: Money) -> None:
    _sub(parent, tag, f"{money.amount:f}", currencyID=money.currency)


def _percent(rate: Decimal) -> str:
    value = (rate * _HUNDRED).normalize()
    return f"{value:f}"


def _category(rate: Decimal) -> str:
    return "S" if rate > 0 else "Z"


def _vat_id(party: Party) -> str:
    tax_id = "".join(ch for ch in party.tax_id if ch.isalnum()).upper()
    country = (party.country or "").upper()
    if country and not tax_id.startswith(country):
        return country + tax_id
    return tax_id


def _party(parent: ET.Element, tag: str, party: Party) -> None:
    holder = _sub(_sub(parent, tag), "cac:Party")
    address = _sub(holder, "cac:PostalAddress")
    if party.address is not None:
        _sub(address, "cbc:StreetName", party.address.line1)
        _sub(address, "cbc:CityName", party.address.city)
        if party.address.postal_code:
            _sub(address, "cbc:PostalZone", party.address.postal_code)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country or "ZZ")
    if party.tax_id:
        scheme = _sub(holder, "cac:PartyTaxScheme")
        _sub(scheme, "cbc:CompanyID", _vat_id(party))
        _sub(_sub(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    _sub(_sub(holder, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)


def _tax_category(parent: ET.Element, tag: str, rate: Decimal) -> None:
    category = _sub(parent, tag)
    _sub(category, "cbc:ID", _category(rate))
    _sub(category, "cbc:Percent", _percent(rate))
    _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def _tax_total(root: ET.Element, tax: Money, summary: tuple[TaxSummary, ...]) -> None:
    total = _sub(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", tax)
    # EN 16931 breaks VAT down by category and rate (BR-S-08): two tax codes with the same
    # effective rate (say, two 11% rules) share one subtotal, their exact sums added.
    by_rate: dict[Decimal, tuple[Money, Money]] = {}
    for part in summary:
        base, amount = by_rate.get(part.effective_rate, (part.base * 0, part.tax * 0))
        by_rate[part.effective_rate] = (base + part.base, amount + part.tax)
    for rate, (base, amount) in by_rate.items():
        subtotal = _sub(total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", base)
        _amount(subtotal, "cbc:TaxAmount", amount)
        _tax_category(subtotal, "cac:TaxCategory", rate)


def _notes(root: ET.Element, summary: tuple[TaxSummary, ...], extra: str) -> None:
    if extra:
        _sub(root, "cbc:Note", extra)
    for part in summary:
        if part.effective_rate != part.tax_rate:
            legal_base = (part.base.amount * part.effective_rate / part.tax_rate).quantize(
                part.base.info.quantum
            )
            _sub(
                root,
                "cbc:Note",
                f"{part.tax_code}: {_percent(part.tax_rate)}% on a reduced base of "
                f"{legal_base:f} {part.base.currency} = {part.tax.amount:f}; shown as the "
                f"effective {_percent(part.effective_rate)}% of {part.base.amount:f}",
            )


def _line(
    root: ET.Element, tags: tuple[str, str], index: int, line: InvoiceLine, rate: Decimal
) -> None:
    tag, qty_tag = tags
    element = _sub(root, tag)
    _sub(element, "cbc:ID", str(index))
    quantity = line.quantity if not line.net.is_negative else -line.quantity
    _sub(element, qty_tag, str(quantity), unitCode="C62")
    _amount(element, "cbc:LineExtensionAmount", line.net)
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Name", line.description or line.sku)
    _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.sku)
    _tax_category(item, "cac:ClassifiedTaxCategory", rate)
    price = (abs(line.net.amount) / line.quantity).quantize(Decimal("0.0001")).normalize()
    price_element = _sub(element, "cac:Price")
    _sub(price_element, "cbc:PriceAmount", f"{price:f}", currencyID=line.net.currency)


def _totals(root: ET.Element, net: Money, gross: Money) -> None:
    totals = _sub(root, "cac:LegalMonetaryTotal")
    _amount(totals, "cbc:LineExtensionAmount", net)
    _amount(totals, "cbc:TaxExclusiveAmount", net)
    _amount(totals, "cbc:TaxInclusiveAmount", gross)
    _amount(totals, "cbc:PayableAmount", gross)


def to_ubl(document: Invoice | CreditNote) -> bytes:
    """The EN 16931 UBL 2.1 XML of an issued invoice or a credit note (UTF-8 bytes).

    Raises:
        IllegalTransition: the invoice is a draft (no number) or a pro forma.
    """
    credit = isinstance(document, CreditNote)
    if isinstance(document, Invoice) and (document.number is None or document.issued_at is None):
        raise IllegalTransition(f"invoice {document.id!r}", document.status.value, "export")
    if isinstance(document, Invoice) and document.document is DocumentType.PRO_FORMA:
        raise IllegalTransition(
            document.thing, document.status.value, "export", "a pro forma is not an invoice"
        )
    ET.register_namespace("", _NS["cn" if credit else "inv"])
    ET.register_namespace("cac", _NS["cac"])
    ET.register_namespace("cbc", _NS["cbc"])
    namespace = _NS["cn" if credit else "inv"]
    root = ET.Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}")
    _sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _sub(root, "cbc:ID", document.number)
    issued = document.issued_at
    assert issued is not None  # noqa: S101 - checked above
    _sub(root, "cbc:IssueDate", issued.date().isoformat())
    due = None if isinstance(document, CreditNote) else document.due_date
    if due is not None:
        _sub(root, "cbc:DueDate", due.isoformat())
    if isinstance(document, CreditNote):
        _sub(root, "cbc:CreditNoteTypeCode", "381")
        _notes(root, document.tax_summary, document.reason)
        reference: str | None = document.invoice_number
        reference_date: str | None = None
    else:
        corrects = document.document in (DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT)
        _sub(root, "cbc:InvoiceTypeCode", "384" if corrects else "380")
        _notes(root, document.tax_summary, "")
        reference = document.corrects_number if corrects else None
        reference_date = None
    _sub(root, "cbc:DocumentCurrencyCode", document.currency)
    if reference:
        ref = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(ref, "cbc:ID", reference)
        if reference_date is not None:  # pragma: no cover - dates of originals are optional
            _sub(ref, "cbc:IssueDate", reference_date)
    _party(root, "cac:AccountingSupplierParty", document.seller)
    _party(root, "cac:AccountingCustomerParty", document.buyer)
    if isinstance(document, CreditNote):
        _sub(
            _sub(root, "cac:PaymentTerms"),
            "cbc:Note",
            f"Credited against invoice {document.invoice_number}",
        )
    _tax_total(root, document.tax, document.tax_summary)
    _totals(root, document.net, document.gross)
    line_tag, qty_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if credit
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    rates = {t.tax_code: t.effective_rate for t in document.tax_summary}
    for index, line in enumerate(document.lines, 1):
        _line(root, (line_tag, qty_tag), index, line, rates.get(line.tax_code, line.tax_rate))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
