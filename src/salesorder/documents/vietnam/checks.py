"""The published field rules of the Vietnamese e-invoice XML, checked on a written document.

No official XML Schema of the General Department of Taxation's standard (Decision
1450/QD-TCT) was found to ship and validate against, so :func:`validate_vn_einvoice` checks
the rules its field tables and the law state, each with its id (the ids
:class:`~salesorder.exceptions.DocumentRuleError` uses when the writer refuses a document):

- VN-KHMSHDon: the form symbol is one digit, 1 to 6 (Circular 78/2021 art. 4(1)(a)).
- VN-KHHDon: the series symbol is C or K, two digits of the year, one of T D L M N B G H,
  two capital letters (art. 4(1)(b)); the year is the invoice date's.
- VN-SHDon: the number is 1 to 8 digits (Decree 123/2020 art. 10(3)).
- VN-NLap: the date is an ISO date (YYYY-MM-DD).
- VN-DVTTe / VN-TGia: a three-letter currency; an exchange rate above 0 unless it is VND.
- VN-NBan-MST: the seller's MST is a valid tax code; VN-NMua-MST: the buyer's, when given.
- VN-Required: the elements the standard marks required are present (PBan, THDon,
  KHMSHDon, KHHDon, SHDon, NLap, DVTTe, HTTToan; Ten, MST and DChi of the seller; Ten of
  the buyer; TChat and THHDVu of each line, and ThTien but on a note; TgTTTBSo and
  TgTTTBChu).
- VN-TChat: a line's nature is 1 to 4. VN-TSuat: a rate is 10%, 8%, 5%, 0%, KCT or KKKNT.
- VN-THTTLTSuat: per rate, ThTien and TThue are the sums of the lines of that rate.
- VN-TgTCThue / VN-TgTThue: the totals before VAT and of VAT are the sums of the rows.
- VN-TgTTTBSo: the total to pay is TgTCThue + TgTThue (no trade discount, no fees).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal, InvalidOperation

from salesorder.documents.safexml import parse_xml
from salesorder.exceptions import InvalidTaxId

__all__ = ["validate_vn_einvoice"]

_SERIES = re.compile(r"^[CK](\d{2})[TDLMNBGH][A-Z]{2}$")
_RATES = frozenset({"10%", "8%", "5%", "0%", "KCT", "KKKNT"})
_REQUIRED = (
    "DLHDon/TTChung/PBan",
    "DLHDon/TTChung/THDon",
    "DLHDon/TTChung/KHMSHDon",
    "DLHDon/TTChung/KHHDon",
    "DLHDon/TTChung/SHDon",
    "DLHDon/TTChung/NLap",
    "DLHDon/TTChung/DVTTe",
    "DLHDon/TTChung/HTTToan",
    "DLHDon/NDHDon/NBan/Ten",
    "DLHDon/NDHDon/NBan/MST",
    "DLHDon/NDHDon/NBan/DChi",
    "DLHDon/NDHDon/NMua/Ten",
    "DLHDon/NDHDon/TToan/TgTTTBSo",
    "DLHDon/NDHDon/TToan/TgTTTBChu",
)


def _text(root: ET.Element, path: str) -> str:
    return (root.findtext(path) or "").strip()


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value else None
    except InvalidOperation:
        return None


def _mst(value: str, whose: str, rule: str, problems: list[str]) -> None:
    from salesorder.domain.taxids import validate_tax_id  # noqa: PLC0415 - stdnum on use

    try:
        validate_tax_id(value, "VN", whose=whose)
    except InvalidTaxId as error:
        problems.append(f"{rule}: {error}")


def _general(root: ET.Element, problems: list[str]) -> None:
    general = "DLHDon/TTChung/"
    if _text(root, general + "KHMSHDon") not in {"1", "2", "3", "4", "5", "6"}:
        problems.append(f"VN-KHMSHDon: {_text(root, general + 'KHMSHDon')!r} is not 1 to 6")
    date: dt.date | None = None
    try:
        date = dt.date.fromisoformat(_text(root, general + "NLap"))
    except ValueError:
        problems.append(f"VN-NLap: {_text(root, general + 'NLap')!r} is not a date")
    series = _text(root, general + "KHHDon")
    found = _SERIES.match(series)
    if found is None:
        problems.append(f"VN-KHHDon: {series!r} is not a series symbol such as 'C26TAA'")
    elif date is not None and int(found.group(1)) != date.year % 100:
        problems.append(f"VN-KHHDon: {series!r} is not of the year {date.year}")
    if not re.fullmatch(r"[1-9]\d{0,7}", _text(root, general + "SHDon")):
        problems.append(f"VN-SHDon: {_text(root, general + 'SHDon')!r} is not 1 to 8 digits")
    currency = _text(root, general + "DVTTe")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        problems.append(f"VN-DVTTe: {currency!r} is not an ISO 4217 code")
    rate = _decimal(_text(root, general + "TGia"))
    if currency != "VND" and (rate is None or rate <= 0):
        problems.append(f"VN-TGia: an invoice in {currency} needs its exchange rate to VND")


def _lines(root: ET.Element, problems: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for index, line in enumerate(root.iterfind("DLHDon/NDHDon/DSHHDVu/HHDVu"), start=1):
        nature = _text(line, "TChat")
        if nature not in {"1", "2", "3", "4"}:
            problems.append(f"VN-TChat: line {index} has nature {nature!r}, not 1 to 4")
        if not _text(line, "THHDVu"):
            problems.append(f"VN-Required: line {index} has no name (THHDVu)")
        if nature == "4":
            continue
        amount = _decimal(_text(line, "ThTien"))
        if amount is None:
            problems.append(f"VN-Required: line {index} has no amount (ThTien)")
            continue
        rate = _text(line, "TSuat")
        if not rate:
            continue
        if rate not in _RATES:
            problems.append(f"VN-TSuat: line {index} has rate {rate!r}")
        tax = _decimal(_text(line, "TTKhac/TTin[TTruong='TThue']/DLieu")) or Decimal(0)
        base, taxed = sums.get(rate, (Decimal(0), Decimal(0)))
        sign = -1 if nature == "3" else 1  # a trade discount line lowers its rate's base
        sums[rate] = (base + sign * amount, taxed + sign * tax)
    return sums


def _totals(
    root: ET.Element, sums: dict[str, tuple[Decimal, Decimal]], problems: list[str]
) -> None:
    totals = root.find("DLHDon/NDHDon/TToan")
    if totals is None:
        return
    base_sum, tax_sum = Decimal(0), Decimal(0)
    for row in totals.iterfind("THTTLTSuat/LTSuat"):
        rate = _text(row, "TSuat")
        base, tax = _decimal(_text(row, "ThTien")), _decimal(_text(row, "TThue"))
        if base is None or tax is None:
            problems.append(f"VN-THTTLTSuat: the row of {rate!r} has no ThTien or TThue")
            continue
        if (base, tax) != sums.pop(rate, (Decimal(0), Decimal(0))):
            problems.append(
                f"VN-THTTLTSuat: the row of {rate!r} ({base}, {tax}) is not the sum of its lines"
            )
        base_sum, tax_sum = base_sum + base, tax_sum + tax
    problems.extend(f"VN-THTTLTSuat: lines of {rate!r} have no row" for rate in sums)
    net, tax = _decimal(_text(totals, "TgTCThue")), _decimal(_text(totals, "TgTThue"))
    if net is not None and net != base_sum:
        problems.append(f"VN-TgTCThue: {net} is not the rows' sum {base_sum}")
    if tax is not None and tax != tax_sum:
        problems.append(f"VN-TgTThue: {tax} is not the rows' sum {tax_sum}")
    total = _decimal(_text(totals, "TgTTTBSo"))
    if net is not None and tax is not None and total != net + tax:
        problems.append(f"VN-TgTTTBSo: {total} is not TgTCThue + TgTThue = {net + tax}")


def validate_vn_einvoice(document: bytes | str) -> list[str]:
    """The rules of the module docstring that ``document`` (an ``HDon``) breaks; empty if none.

    Each problem reads ``"<rule id>: <what is wrong>"``.

    Raises:
        UnsafeXml: the XML declares a DTD or entities, or is not well-formed.
        MalformedDocument: it is not bytes or text, or cannot be decoded.
    """
    root = parse_xml(document)
    if root.tag != "HDon":
        return [f"VN-Required: the root is {root.tag!r}, not HDon"]
    problems = [
        f"VN-Required: {path.rsplit('/', 1)[-1]} ({path}) is missing or empty"
        for path in _REQUIRED
        if not _text(root, path)
    ]
    _general(root, problems)
    seller = _text(root, "DLHDon/NDHDon/NBan/MST")
    if seller:
        _mst(seller, "the seller (NBan)", "VN-NBan-MST", problems)
    buyer = _text(root, "DLHDon/NDHDon/NMua/MST")
    if buyer:
        _mst(buyer, "the buyer (NMua)", "VN-NMua-MST", problems)
    _totals(root, _lines(root, problems), problems)
    return problems
