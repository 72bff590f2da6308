"""Invoices and credit notes as EN 16931 UBL 2.1 XML (``urn:cen.eu:en16931:2017``).

This module only writes :class:`~salesorder.documents.en16931.EN16931Invoice` in UBL's
element order; what each business term holds, and which documents are refused, is decided
there (see :mod:`salesorder.documents.en16931`). UBL specifics: a credit note is a
``CreditNote`` document (type 381) with ``CreditedQuantity`` lines and its due date, having
none, left out; an invoice's due date (BT-9) is ``cbc:DueDate``; payment means' text
(BT-82) is the ``name`` attribute of ``cbc:PaymentMeansCode``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from salesorder.documents.en16931 import (
    CUSTOMIZATION_ID,
    EN16931Invoice,
    Line,
    TradeParty,
    VatCategory,
)
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.money import Money
from salesorder.numbers import decimal_isolated

__all__ = ["CUSTOMIZATION_ID", "to_ubl"]

_NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CAC = "{%s}" % _NS["cac"]  # noqa: UP031 - Clark notation prefix
_CBC = "{%s}" % _NS["cbc"]  # noqa: UP031


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    prefix = _CBC if tag.startswith("cbc:") else _CAC
    element = ET.SubElement(parent, prefix + tag[4:], attrib)
    if text is not None:
        element.text = text
    return element


def _amount(parent: ET.Element, tag: str, money: Money) -> None:
    _sub(parent, tag, f"{money.amount:f}", currencyID=money.currency)


def _number(value: Decimal | int) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _party(parent: ET.Element, tag: str, party: TradeParty) -> None:
    holder = _sub(_sub(parent, tag), "cac:Party")
    address = _sub(holder, "cac:PostalAddress")
    if party.street:
        _sub(address, "cbc:StreetName", party.street)
    if party.city:
        _sub(address, "cbc:CityName", party.city)
    if party.postal_code:
        _sub(address, "cbc:PostalZone", party.postal_code)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country)
    if party.vat_id:
        scheme = _sub(holder, "cac:PartyTaxScheme")
        _sub(scheme, "cbc:CompanyID", party.vat_id)
        _sub(_sub(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = _sub(holder, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", party.name)
    if party.legal_id:
        _sub(legal, "cbc:CompanyID", party.legal_id)


def _category(
    parent: ET.Element, tag: str, category: VatCategory, reason: str = "", code: str = ""
) -> None:
    element = _sub(parent, tag)
    _sub(element, "cbc:ID", category.code)
    if category.percent is not None:
        _sub(element, "cbc:Percent", _number(category.percent))
    if code:
        _sub(element, "cbc:TaxExemptionReasonCode", code)
    if reason:
        _sub(element, "cbc:TaxExemptionReason", reason)
    _sub(_sub(element, "cac:TaxScheme"), "cbc:ID", "VAT")


def _payment(root: ET.Element, model: EN16931Invoice) -> None:
    means = model.payment_means
    if means is not None:
        element = _sub(root, "cac:PaymentMeans")
        attrib = {"name": means.text} if means.text else {}
        _sub(element, "cbc:PaymentMeansCode", means.code, **attrib)
        _sub(element, "cbc:PaymentID", means.remittance)
        if means.account:
            account = _sub(element, "cac:PayeeFinancialAccount")
            _sub(account, "cbc:ID", means.account)
            if means.account_name:
                _sub(account, "cbc:Name", means.account_name)
    _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", model.terms)


def _charges(root: ET.Element, model: EN16931Invoice) -> None:
    for charge in model.charges:
        element = _sub(root, "cac:AllowanceCharge")
        _sub(element, "cbc:ChargeIndicator", "true")
        _sub(element, "cbc:AllowanceChargeReasonCode", charge.reason_code)
        _sub(element, "cbc:AllowanceChargeReason", charge.reason)
        _amount(element, "cbc:Amount", charge.amount)
        _category(element, "cac:TaxCategory", charge.category)


def _tax_total(root: ET.Element, model: EN16931Invoice) -> None:
    total = _sub(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", model.totals.tax)
    for row in model.breakdown:
        subtotal = _sub(total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", row.base)
        _amount(subtotal, "cbc:TaxAmount", row.tax)
        _category(
            subtotal, "cac:TaxCategory", row.category, row.exemption_reason, row.exemption_code
        )


def _totals(root: ET.Element, model: EN16931Invoice) -> None:
    totals = model.totals
    element = _sub(root, "cac:LegalMonetaryTotal")
    _amount(element, "cbc:LineExtensionAmount", totals.lines)
    _amount(element, "cbc:TaxExclusiveAmount", totals.tax_exclusive)
    _amount(element, "cbc:TaxInclusiveAmount", totals.tax_inclusive)
    if totals.charges is not None:
        _amount(element, "cbc:ChargeTotalAmount", totals.charges)
    if totals.prepaid is not None:
        _amount(element, "cbc:PrepaidAmount", totals.prepaid)
    if totals.rounding is not None:
        _amount(element, "cbc:PayableRoundingAmount", totals.rounding)
    _amount(element, "cbc:PayableAmount", totals.payable)


def _line(root: ET.Element, model: EN16931Invoice, line: Line) -> None:
    tag, quantity = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
        if model.credit_note
        else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    element = _sub(root, tag)
    _sub(element, "cbc:ID", line.id)
    _sub(element, quantity, str(line.quantity), unitCode=line.unit_code)
    _amount(element, "cbc:LineExtensionAmount", line.net)
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Name", line.name)
    if line.sku:
        _sub(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.sku)
    _category(item, "cac:ClassifiedTaxCategory", line.category)
    price = _sub(element, "cac:Price")
    _sub(price, "cbc:PriceAmount", _number(line.price), currencyID=line.net.currency)
    if line.base_quantity is not None:
        _sub(price, "cbc:BaseQuantity", str(line.base_quantity), unitCode=line.unit_code)


@decimal_isolated
def to_ubl(document: Invoice | CreditNote) -> bytes:
    """The EN 16931 UBL 2.1 XML of an issued invoice or a credit note (UTF-8 bytes).

    Raises:
        IllegalTransition: the invoice is a draft (no number) or a pro forma.
        DocumentRuleError: EN 16931 cannot express the document (see
            :meth:`~salesorder.documents.en16931.EN16931Invoice.of`).
    """
    model = EN16931Invoice.of(document)
    credit = model.credit_note
    namespace = _NS["cn" if credit else "inv"]
    ET.register_namespace("", namespace)
    ET.register_namespace("cac", _NS["cac"])
    ET.register_namespace("cbc", _NS["cbc"])
    root = ET.Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}")
    _sub(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    _sub(root, "cbc:ID", model.number)
    _sub(root, "cbc:IssueDate", model.issue_date.isoformat())
    if model.due_date is not None:
        _sub(root, "cbc:DueDate", model.due_date.isoformat())
    _sub(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", model.type_code)
    for note in model.notes:
        _sub(root, "cbc:Note", note)
    _sub(root, "cbc:DocumentCurrencyCode", model.currency)
    if model.preceding:
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", model.preceding)
    _party(root, "cac:AccountingSupplierParty", model.seller)
    _party(root, "cac:AccountingCustomerParty", model.buyer)
    _payment(root, model)
    _charges(root, model)
    _tax_total(root, model)
    _totals(root, model)
    for line in model.lines:
        _line(root, model, line)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
