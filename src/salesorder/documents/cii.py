"""Invoices and credit notes as EN 16931 CII: UN/CEFACT Cross Industry Invoice D16B.

This module only writes :class:`~salesorder.documents.en16931.EN16931Invoice` in CII's
element order (CEN's EN 16931 CII binding); what each business term holds, and which
documents are refused, is decided there (see :mod:`salesorder.documents.en16931`), so a
document's UBL and CII state the same facts. The guideline (BT-24) is
``urn:cen.eu:en16931:2017``, the core specification.

CII specifics: invoices (380, 384) and credit notes (381) are one ``CrossIndustryInvoice``
with positive amounts on a credit note; dates are ``format="102"`` (``YYYYMMDD``); amounts
carry no currency except the VAT total (BT-110); the VAT identifier is a tax registration
with ``schemeID="VA"`` and a legal registration identifier a ``SpecifiedLegalOrganization``;
the due date (BT-9) and the terms' text (BT-20) share ``SpecifiedTradePaymentTerms``; the
account (BT-84) is an ``IBANID`` when it is an IBAN, else a ``ProprietaryID``.

Checking a CII document: :func:`salesorder.documents.validation.validate_cii`.
"""

from __future__ import annotations

import datetime as dt
import re
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

__all__ = ["to_cii"]

_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    prefix, name = tag.split(":")
    element = ET.SubElement(parent, f"{{{_NS[prefix]}}}{name}", attrib)
    if text is not None:
        element.text = text
    return element


def _amount(parent: ET.Element, tag: str, money: Money, *, currency: bool = False) -> None:
    attrib = {"currencyID": money.currency} if currency else {}
    _sub(parent, tag, f"{money.amount:f}", **attrib)


def _date(parent: ET.Element, tag: str, day: dt.date) -> None:
    _sub(_sub(parent, tag), "udt:DateTimeString", day.strftime("%Y%m%d"), format="102")


def _number(value: Decimal) -> str:
    return f"{value:f}"


def _party(parent: ET.Element, tag: str, party: TradeParty) -> None:
    element = _sub(parent, tag)
    _sub(element, "ram:Name", party.name)
    if party.legal_id:
        _sub(_sub(element, "ram:SpecifiedLegalOrganization"), "ram:ID", party.legal_id)
    address = _sub(element, "ram:PostalTradeAddress")
    if party.postal_code:
        _sub(address, "ram:PostcodeCode", party.postal_code)
    if party.street:
        _sub(address, "ram:LineOne", party.street)
    if party.city:
        _sub(address, "ram:CityName", party.city)
    _sub(address, "ram:CountryID", party.country)
    if party.vat_id:
        _sub(_sub(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")


def _category(parent: ET.Element, tag: str, category: VatCategory) -> None:
    element = _sub(parent, tag)
    _sub(element, "ram:TypeCode", "VAT")
    _sub(element, "ram:CategoryCode", category.code)
    if category.percent is not None:
        _sub(element, "ram:RateApplicablePercent", _number(category.percent))


def _line(transaction: ET.Element, line: Line) -> None:
    item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _sub(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.id)
    product = _sub(item, "ram:SpecifiedTradeProduct")
    if line.sku:
        _sub(product, "ram:SellerAssignedID", line.sku)
    _sub(product, "ram:Name", line.name)
    price = _sub(_sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _sub(price, "ram:ChargeAmount", _number(line.price))
    if line.base_quantity is not None:
        _sub(price, "ram:BasisQuantity", str(line.base_quantity), unitCode=line.unit_code)
    delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
    _sub(delivery, "ram:BilledQuantity", str(line.quantity), unitCode=line.unit_code)
    settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
    _category(settlement, "ram:ApplicableTradeTax", line.category)
    summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
    _amount(summation, "ram:LineTotalAmount", line.net)


def _payment_means(settlement: ET.Element, model: EN16931Invoice) -> None:
    means = model.payment_means
    if means is None:
        return
    element = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    _sub(element, "ram:TypeCode", means.code)
    if means.text:
        _sub(element, "ram:Information", means.text)
    if means.account:
        account = _sub(element, "ram:PayeePartyCreditorFinancialAccount")
        iban = _IBAN.fullmatch(means.account.replace(" ", "").upper())
        if iban:
            _sub(account, "ram:IBANID", iban.group())
        if means.account_name:
            _sub(account, "ram:AccountName", means.account_name)
        if not iban:
            _sub(account, "ram:ProprietaryID", means.account)


def _breakdown(settlement: ET.Element, model: EN16931Invoice) -> None:
    for row in model.breakdown:
        tax = _sub(settlement, "ram:ApplicableTradeTax")
        _amount(tax, "ram:CalculatedAmount", row.tax)
        _sub(tax, "ram:TypeCode", "VAT")
        if row.exemption_reason:
            _sub(tax, "ram:ExemptionReason", row.exemption_reason)
        _amount(tax, "ram:BasisAmount", row.base)
        _sub(tax, "ram:CategoryCode", row.category.code)
        if row.exemption_code:
            _sub(tax, "ram:ExemptionReasonCode", row.exemption_code)
        if row.category.percent is not None:
            _sub(tax, "ram:RateApplicablePercent", _number(row.category.percent))


def _charges(settlement: ET.Element, model: EN16931Invoice) -> None:
    for charge in model.charges:
        element = _sub(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _sub(_sub(element, "ram:ChargeIndicator"), "udt:Indicator", "true")
        _amount(element, "ram:ActualAmount", charge.amount)
        _sub(element, "ram:ReasonCode", charge.reason_code)
        _sub(element, "ram:Reason", charge.reason)
        _category(element, "ram:CategoryTradeTax", charge.category)


def _totals(settlement: ET.Element, model: EN16931Invoice) -> None:
    totals = model.totals
    element = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _amount(element, "ram:LineTotalAmount", totals.lines)
    if totals.charges is not None:
        _amount(element, "ram:ChargeTotalAmount", totals.charges)
    _amount(element, "ram:TaxBasisTotalAmount", totals.tax_exclusive)
    _amount(element, "ram:TaxTotalAmount", totals.tax, currency=True)
    if totals.rounding is not None:
        _amount(element, "ram:RoundingAmount", totals.rounding)
    _amount(element, "ram:GrandTotalAmount", totals.tax_inclusive)
    if totals.prepaid is not None:
        _amount(element, "ram:TotalPrepaidAmount", totals.prepaid)
    _amount(element, "ram:DuePayableAmount", totals.payable)


def _settlement(transaction: ET.Element, model: EN16931Invoice) -> None:
    settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
    if model.payment_means is not None:
        _sub(settlement, "ram:PaymentReference", model.payment_means.remittance)
    _sub(settlement, "ram:InvoiceCurrencyCode", model.currency)
    _payment_means(settlement, model)
    _breakdown(settlement, model)
    _charges(settlement, model)
    terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
    _sub(terms, "ram:Description", model.terms)
    if model.due_date is not None:
        _date(terms, "ram:DueDateDateTime", model.due_date)
    _totals(settlement, model)
    if model.preceding:
        reference = _sub(settlement, "ram:InvoiceReferencedDocument")
        _sub(reference, "ram:IssuerAssignedID", model.preceding)


@decimal_isolated
def to_cii(document: Invoice | CreditNote) -> bytes:
    """The EN 16931 CII (D16B) XML of an issued invoice or a credit note (UTF-8 bytes).

    Raises:
        IllegalTransition: the invoice is a draft (no number) or a pro forma.
        DocumentRuleError: EN 16931 cannot express the document (see
            :meth:`~salesorder.documents.en16931.EN16931Invoice.of`).
    """
    model = EN16931Invoice.of(document)
    for prefix, uri in _NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.Element(f"{{{_NS['rsm']}}}CrossIndustryInvoice")
    context = _sub(root, "rsm:ExchangedDocumentContext")
    _sub(
        _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", CUSTOMIZATION_ID
    )
    header = _sub(root, "rsm:ExchangedDocument")
    _sub(header, "ram:ID", model.number)
    _sub(header, "ram:TypeCode", model.type_code)
    _date(header, "ram:IssueDateTime", model.issue_date)
    for note in model.notes:
        _sub(_sub(header, "ram:IncludedNote"), "ram:Content", note)
    transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
    for line in model.lines:
        _line(transaction, line)
    agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
    _party(agreement, "ram:SellerTradeParty", model.seller)
    _party(agreement, "ram:BuyerTradeParty", model.buyer)
    _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
    _settlement(transaction, model)
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
