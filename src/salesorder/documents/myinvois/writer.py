"""MyInvois documents as UBL 2.1 XML and as LHDN's JSON form of the same tree.

Only serialisation lives here: :func:`~salesorder.documents.myinvois.model.build` decides
and checks the content. Elements follow the UBL 2.1 schema's order (the suite validates the
XML against ``UBL-Invoice-2.1.xsd``). The JSON form is LHDN's mapping of the same tree: the
namespaces as ``_D``, ``_A`` and ``_B``, every element a list of objects, a value under
``"_"`` beside its attributes, amounts, quantities, rates and percentages as JSON numbers
written with their exact decimal digits.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from salesorder.documents.myinvois.model import MyDocument, MyLine, MyParty, MyTax
from salesorder.documents.ubl import _sub  # the same UBL 2.1 namespaces
from salesorder.money import Money

__all__ = ["NAMESPACES", "write_json", "write_xml"]

#: The UBL 2.1 namespaces a MyInvois document uses.
NAMESPACES = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
# Elements whose value is a number in LHDN's JSON form (amounts, quantities, rates).
_NUMBERS = frozenset(
    [
        "Amount",
        "BaseQuantity",
        "CalculationRate",
        "InvoicedQuantity",
        "LineExtensionAmount",
        "PayableAmount",
        "PayableRoundingAmount",
        "Percent",
        "PriceAmount",
        "TaxAmount",
        "TaxExclusiveAmount",
        "TaxInclusiveAmount",
        "TaxableAmount",
    ]
)
_TAX_SCHEME = {"schemeID": "UN/ECE 5153", "schemeAgencyID": "6"}


def _amount(parent: ET.Element, tag: str, money: Money) -> None:
    # A zero built as Money.zero or from "0" is written with the currency's minor units.
    value = money.amount if money.amount else money.amount.quantize(money.info.quantum)
    _sub(parent, tag, f"{value:f}", currencyID=money.currency)


def _number(value: Decimal | int) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _party(root: ET.Element, tag: str, party: MyParty) -> None:
    holder = _sub(_sub(root, tag), "cac:Party")
    if party.msic is not None:
        code, activity = party.msic
        _sub(holder, "cbc:IndustryClassificationCode", code, name=activity)
    for scheme, value in party.identifications:
        _sub(_sub(holder, "cac:PartyIdentification"), "cbc:ID", value, schemeID=scheme)
    address = party.address
    postal = _sub(holder, "cac:PostalAddress")
    _sub(postal, "cbc:CityName", address.city)
    if address.postal_code:
        _sub(postal, "cbc:PostalZone", address.postal_code)
    _sub(postal, "cbc:CountrySubentityCode", address.state)
    for line in address.lines:
        _sub(_sub(postal, "cac:AddressLine"), "cbc:Line", line)
    country = _sub(postal, "cac:Country")
    _sub(country, "cbc:IdentificationCode", address.country, listID="ISO3166-1", listAgencyID="6")
    _sub(_sub(holder, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)
    contact = _sub(holder, "cac:Contact")
    _sub(contact, "cbc:Telephone", party.phone)
    if party.email:
        _sub(contact, "cbc:ElectronicMail", party.email)


def _subtotal(total: ET.Element, tax: MyTax) -> None:
    subtotal = _sub(total, "cac:TaxSubtotal")
    _amount(subtotal, "cbc:TaxableAmount", tax.base)
    _amount(subtotal, "cbc:TaxAmount", tax.amount)
    _sub(subtotal, "cbc:Percent", _number(tax.percent))
    category = _sub(subtotal, "cac:TaxCategory")
    _sub(category, "cbc:ID", tax.type_code)
    if tax.exemption_reason:
        _sub(category, "cbc:TaxExemptionReason", tax.exemption_reason)
    _sub(_sub(category, "cac:TaxScheme"), "cbc:ID", "OTH", **_TAX_SCHEME)


def _line(root: ET.Element, line: MyLine) -> None:
    element = _sub(root, "cac:InvoiceLine")
    _sub(element, "cbc:ID", line.id)
    _sub(element, "cbc:InvoicedQuantity", _number(line.quantity), unitCode=line.unit_code)
    _amount(element, "cbc:LineExtensionAmount", line.net)
    total = _sub(element, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", line.tax)
    for tax in line.taxes:
        _subtotal(total, tax)
    item = _sub(element, "cac:Item")
    _sub(item, "cbc:Description", line.description)
    classification = _sub(item, "cac:CommodityClassification")
    _sub(classification, "cbc:ItemClassificationCode", line.classification, listID="CLASS")
    price = _sub(element, "cac:Price")
    _sub(price, "cbc:PriceAmount", _number(line.price), currencyID=line.net.currency)
    if line.base_quantity is not None:
        _sub(price, "cbc:BaseQuantity", _number(line.base_quantity), unitCode=line.unit_code)
    _amount(_sub(element, "cac:ItemPriceExtension"), "cbc:Amount", line.net)


def _header(root: ET.Element, model: MyDocument) -> None:
    _sub(root, "cbc:ID", model.number)
    _sub(root, "cbc:IssueDate", model.issued.date().isoformat())
    _sub(root, "cbc:IssueTime", model.issued.strftime("%H:%M:%SZ"))
    _sub(root, "cbc:InvoiceTypeCode", model.kind.value, listVersionID=model.version)
    _sub(root, "cbc:DocumentCurrencyCode", model.currency)
    if model.period is not None:
        start, end, frequency = model.period
        period = _sub(root, "cac:InvoicePeriod")
        _sub(period, "cbc:StartDate", start.isoformat())
        _sub(period, "cbc:EndDate", end.isoformat())
        _sub(period, "cbc:Description", frequency)
    if model.original is not None:
        reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(reference, "cbc:ID", model.original.number)
        _sub(reference, "cbc:UUID", model.original.uuid)


def tree(model: MyDocument) -> ET.Element:
    """The ``Invoice`` element of ``model``, without signature (a signer adds it)."""
    root = ET.Element("{%s}Invoice" % NAMESPACES["inv"])  # noqa: UP031
    _header(root, model)
    _party(root, "cac:AccountingSupplierParty", model.supplier)
    _party(root, "cac:AccountingCustomerParty", model.buyer)
    if model.payment_mode:
        means = _sub(root, "cac:PaymentMeans")
        _sub(means, "cbc:PaymentMeansCode", model.payment_mode)
        if model.payment_account:
            _sub(_sub(means, "cac:PayeeFinancialAccount"), "cbc:ID", model.payment_account)
    if model.terms:
        _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", model.terms)
    if model.exchange_rate is not None:
        rate = _sub(root, "cac:TaxExchangeRate")
        _sub(rate, "cbc:SourceCurrencyCode", model.currency)
        _sub(rate, "cbc:TargetCurrencyCode", "MYR")
        _sub(rate, "cbc:CalculationRate", _number(model.exchange_rate))
    total = _sub(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", model.tax_total)
    for row in model.tax_rows:
        _subtotal(total, row)
    totals = _sub(root, "cac:LegalMonetaryTotal")
    _amount(totals, "cbc:LineExtensionAmount", model.line_total)
    _amount(totals, "cbc:TaxExclusiveAmount", model.line_total)
    _amount(totals, "cbc:TaxInclusiveAmount", model.inclusive)
    if not model.rounding.is_zero:
        _amount(totals, "cbc:PayableRoundingAmount", model.rounding)
    _amount(totals, "cbc:PayableAmount", model.payable)
    for line in model.lines:
        _line(root, line)
    return root


def write_xml(model: MyDocument) -> bytes:
    """``model`` as UTF-8 XML bytes, with the XML declaration, without white space."""
    ET.register_namespace("", NAMESPACES["inv"])
    ET.register_namespace("cac", NAMESPACES["cac"])
    ET.register_namespace("cbc", NAMESPACES["cbc"])
    return bytes(ET.tostring(tree(model), encoding="utf-8", xml_declaration=True))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _json_value(element: ET.Element) -> str:
    """One element in LHDN's JSON form, as JSON text (numbers keep their exact digits)."""
    children = list(element)
    if children:
        groups: dict[str, list[str]] = {}
        for child in children:
            groups.setdefault(_local(child.tag), []).append(_json_value(child))
        members = (f"{json.dumps(name)}:[{','.join(items)}]" for name, items in groups.items())
        return "{" + ",".join(members) + "}"
    text = element.text or ""
    value = text if _local(element.tag) in _NUMBERS else json.dumps(text, ensure_ascii=False)
    attributes = (
        f"{json.dumps(k)}:{json.dumps(v, ensure_ascii=False)}" for k, v in element.attrib.items()
    )
    return "{" + ",".join([f'"_":{value}', *attributes]) + "}"


def write_json(model: MyDocument) -> bytes:
    """``model`` in LHDN's JSON form, minified, as UTF-8 bytes."""
    root = tree(model)
    head = (
        f'"_D":{json.dumps(NAMESPACES["inv"])},"_A":{json.dumps(NAMESPACES["cac"])},'
        f'"_B":{json.dumps(NAMESPACES["cbc"])}'
    )
    return ("{" + head + ',"Invoice":[' + _json_value(root) + "]}").encode("utf-8")
