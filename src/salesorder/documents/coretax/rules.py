"""The published field rules of the Coretax import, as checks of a written file.

DJP publishes no XML Schema for the ``TaxInvoiceBulk`` file (its sample names
``TaxInvoice.xsd``, which is not published). What it publishes is the sample XML (element
names and order) and the Excel template's field notes and reference lists; the checks here
are those rules, each with its own test, plus the arithmetic the template states (PPN =
rate x DPP nilai lain, DPP = price x quantity - discount). Each problem is reported as
``"<field>: <what is wrong>"``, prefixed by the tax invoice and line it is in.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from salesorder.documents.coretax.model import BuyerDocument, TransactionCode
from salesorder.documents.coretax.writer import GOOD_SERVICE_FIELDS, TAX_INVOICE_FIELDS
from salesorder.documents.safexml import parse_xml
from salesorder.numbers import decimal_isolated

__all__ = ["validate_coretax"]

_DIGITS = {16: re.compile(r"^\d{16}$"), 22: re.compile(r"^\d{22}$")}
_CODE = re.compile(r"^\d{6}$")
_UNIT = re.compile(r"^UM\.00(0[1-9]|[12]\d|3[0-9])$")
_ADD_INFO = re.compile(r"^TD\.005\d{2}$")
_STAMP = re.compile(r"^TD\.011\d{2}$")
_MONTH_YEAR = re.compile(r"^(0[1-9]|1[0-2])\d{4}$")
_COUNTRY = re.compile(r"^[A-Z]{3}$")
_AMOUNTS = ("Price", "TotalDiscount", "TaxBase", "OtherTaxBase", "VAT", "STLG")
_FACILITY_CODES = {TransactionCode.NOT_COLLECTED.value, TransactionCode.EXEMPT.value}
_FULL_BASE = {"01", "02", "03"}


def _text(element: ET.Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


def _order(element: ET.Element, expected: tuple[str, ...], where: str) -> list[str]:
    tags = tuple(child.tag for child in element)
    if tags != expected:
        return [f"{where}: {element.tag} has {', '.join(tags)}; expected {', '.join(expected)}"]
    return []


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@decimal_isolated
def validate_coretax(data: bytes | str) -> list[str]:
    """The rules ``data`` (a ``TaxInvoiceBulk`` file) breaks; empty when it keeps them all.

    Raises:
        UnsafeXml: ``data`` is not well-formed XML or declares a DTD.
    """
    root = parse_xml(data)
    if root.tag != "TaxInvoiceBulk":
        return [f"TaxInvoiceBulk: the root is {root.tag}"]
    problems = _order(root, ("TIN", "ListOfTaxInvoice"), "file")
    tin = _text(root, "TIN")
    if not _DIGITS[16].match(tin):
        problems.append(f"file: TIN: {tin!r} is not a 16-digit NPWP")
    listed = root.find("ListOfTaxInvoice")
    invoices = list(listed) if listed is not None else []
    if not invoices:
        problems.append("file: ListOfTaxInvoice: no TaxInvoice")
    for number, invoice in enumerate(invoices, 1):
        problems.extend(_tax_invoice(invoice, tin, f"TaxInvoice {number}"))
    return problems


def _tax_invoice(invoice: ET.Element, tin: str, where: str) -> list[str]:
    problems = _order(invoice, TAX_INVOICE_FIELDS, where)
    if problems:
        return problems

    def value(tag: str) -> str:
        return _text(invoice, tag)

    def bad(tag: str, why: str) -> None:
        problems.append(f"{where}: {tag}: {value(tag)!r} {why}")

    _header(value, bad, tin)
    _buyer(value, bad)
    goods = invoice.find("ListOfGoodService")
    lines = list(goods) if goods is not None else []
    if not lines:
        problems.append(f"{where}: ListOfGoodService: no GoodService")
    for number, line in enumerate(lines, 1):
        problems.extend(_good_service(line, value("TrxCode"), f"{where} GoodService {number}"))
    return problems


def _header(value: Callable[[str], str], bad: Callable[[str, str], None], tin: str) -> None:
    """Date, option, transaction code and its facility, seller's ID TKU."""
    try:
        dt.date.fromisoformat(value("TaxInvoiceDate"))
    except ValueError:
        bad("TaxInvoiceDate", "is not a date (YYYY-MM-DD)")
    if value("TaxInvoiceOpt") != "Normal":
        bad("TaxInvoiceOpt", "is not 'Normal'")
    code = value("TrxCode")
    if code not in {c.value for c in TransactionCode}:
        bad("TrxCode", "is not a transaction code (01 to 10)")
    if code in _FACILITY_CODES:
        if not _ADD_INFO.match(value("AddInfo")):
            bad("AddInfo", f"is not an additional-info code (TD.005xx), required by code {code}")
        if not _STAMP.match(value("FacilityStamp")):
            bad("FacilityStamp", f"is not a facility stamp (TD.011xx), required by code {code}")
    elif value("AddInfo") or value("FacilityStamp"):
        bad("FacilityStamp", f"is given on code {code}, which has no facility")
    if value("CustomDocMonthYear") and not _MONTH_YEAR.match(value("CustomDocMonthYear")):
        bad("CustomDocMonthYear", "is not MMYYYY")
    seller = value("SellerIDTKU")
    if not _DIGITS[22].match(seller) or not seller.startswith(tin):
        bad("SellerIDTKU", f"is not 22 digits beginning with the TIN {tin}")
    if not value("BuyerName"):
        bad("BuyerName", "is empty")


def _buyer(value: Callable[[str], str], bad: Callable[[str, str], None]) -> None:
    """BuyerTin, BuyerDocument, BuyerDocumentNumber, BuyerIDTKU and BuyerCountry agree."""
    document, buyer_tin = value("BuyerDocument"), value("BuyerTin")
    if document not in {d.value for d in BuyerDocument}:
        bad("BuyerDocument", "is not TIN, National ID, Passport or Other ID")
    if document == BuyerDocument.TIN.value:
        if not _DIGITS[16].match(buyer_tin) or buyer_tin == "0" * 16:
            bad("BuyerTin", "is not a 16-digit NPWP")
        tku = value("BuyerIDTKU")
        if not _DIGITS[22].match(tku) or not tku.startswith(buyer_tin):
            bad("BuyerIDTKU", "is not 22 digits beginning with BuyerTin")
    else:
        if buyer_tin != "0" * 16:
            bad("BuyerTin", "is not sixteen zeros, as for a buyer without NPWP")
        number = value("BuyerDocumentNumber")
        if not number:
            bad("BuyerDocumentNumber", f"is empty for a buyer identified by {document}")
        elif document == BuyerDocument.NATIONAL_ID.value and not _DIGITS[16].match(number):
            bad("BuyerDocumentNumber", "is not a 16-digit NIK")
    if not _COUNTRY.match(value("BuyerCountry")):
        bad("BuyerCountry", "is not an ISO 3166 alpha-3 code")


def _good_service(line: ET.Element, code: str, where: str) -> list[str]:
    problems = _order(line, GOOD_SERVICE_FIELDS, where)
    if problems:
        return problems

    def bad(tag: str, why: str) -> None:
        problems.append(f"{where}: {tag}: {_text(line, tag)!r} {why}")

    if _text(line, "Opt") not in ("A", "B"):
        bad("Opt", "is not A (goods) or B (services)")
    if not _CODE.match(_text(line, "Code")):
        bad("Code", "is not a 6-digit goods/service code")
    if not _text(line, "Name"):
        bad("Name", "is empty")
    unit = _text(line, "Unit")
    if not _UNIT.match(unit) or unit > "UM.0039":
        bad("Unit", "is not a unit code UM.0001 to UM.0039")
    numbers = _numbers(line, bad)
    if numbers is not None:
        _arithmetic(numbers, code, bad)
    return problems


def _numbers(line: ET.Element, bad: Callable[[str, str], None]) -> dict[str, Decimal] | None:
    """The line's numbers, or None when one is not a number of zero or more (reported)."""
    numbers: dict[str, Decimal] = {}
    for tag in (*_AMOUNTS, "Qty", "VATRate", "STLGRate"):
        number = _decimal(_text(line, tag))
        if number is None or number < 0:
            bad(tag, "is not a number of zero or more")
        elif tag in _AMOUNTS and -int(number.as_tuple().exponent) > 2:
            bad(tag, "has more than two decimals")
        else:
            numbers[tag] = number
    return numbers if len(numbers) == len(_AMOUNTS) + 3 else None


def _arithmetic(numbers: dict[str, Decimal], code: str, bad: Callable[[str, str], None]) -> None:
    """DPP = price x quantity - discount; DPP nilai lain; PPN and PPnBM = rate x base."""
    price, qty, discount = numbers["Price"], numbers["Qty"], numbers["TotalDiscount"]
    base, other, rate = numbers["TaxBase"], numbers["OtherTaxBase"], numbers["VATRate"]
    if abs(price * qty - discount - base) > Decimal("0.01"):
        bad("TaxBase", f"is not Price x Qty - TotalDiscount ({price * qty - discount:f})")
    if code == TransactionCode.OTHER_BASE.value and abs(other - base * 11 / 12) > 1:
        bad("OtherTaxBase", "is not 11/12 of TaxBase (DPP nilai lain, code 04)")
    if code in _FULL_BASE and other != base:
        bad("OtherTaxBase", f"differs from TaxBase on code {code}")
    if rate not in (11, 12):
        bad("VATRate", "is not 12 or 11 (percent)")
    if abs(numbers["VAT"] - other * rate / 100) > 1:
        bad("VAT", f"is not VATRate x OtherTaxBase ({other * rate / 100:f}) to the rupiah")
    if abs(numbers["STLG"] - other * numbers["STLGRate"] / 100) > 1:
        bad("STLG", "is not STLGRate x OtherTaxBase to the rupiah")
