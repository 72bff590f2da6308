"""The Vietnamese e-invoice XML (Decree 123/2020, Circular 78/2021, GDT Decision 1450).

:func:`to_vn_einvoice` writes :class:`~salesorder.documents.vietnam.model.VnInvoice` in the
element order of the data standard, unsigned: the seller's provider signs it (DSCKS) and
sends it to the General Department of Taxation, which returns it with its code (MCCQT)
beside the invoice data; :func:`read_authority_code` reads that code back.

The tree written::

    HDon
      DLHDon Id="DLHDon"
        TTChung     PBan THDon KHMSHDon KHHDon SHDon NLap DVTTe TGia HTTToan MSTTCGP
                    TTHDLQuan (TCHDon LHDCLQuan KHMSHDCLQuan KHHDCLQuan SHDCLQuan
                    NLHDCLQuan GChu)
        NDHDon
          NBan      Ten MST DChi SDThoai DCTDTu STKNHang
          NMua      Ten MST DChi SDThoai DCTDTu
          DSHHDVu
            HHDVu   TChat STT MHHDVu THHDVu DVTinh SLuong DGia STCKhau ThTien TSuat
                    TTKhac/TTin (TTruong "TThue": the line's VAT)
          TToan     THTTLTSuat/LTSuat (TSuat ThTien TThue) TgTCThue TgTThue TgTTTBSo
                    TgTTTBChu
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from salesorder.documents.safexml import parse_xml
from salesorder.documents.vietnam.fields import (
    VnInvoiceOptions,
    VnLine,
    VnLineKind,
    VnParty,
    VnTemplate,
)
from salesorder.documents.vietnam.model import VnInvoice
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.exceptions import MalformedDocument
from salesorder.money import Money

__all__ = ["AUTHORITY_CODE_LENGTH", "read_authority_code", "to_vn_einvoice"]

#: The length of the authority's code (MCCQT). Decree 123/2020/ND-CP art. 3(2)(a) says what
#: it is made of (a transaction number and a string the authority encrypts); its length,
#: 34 characters, is from the GDT's returned documents (34 hex digits), not from a text.
AUTHORITY_CODE_LENGTH = 34


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _amount(money: Money) -> str:
    return f"{money.amount:f}"


def _number(value: Decimal | int) -> str:
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


def _party(parent: ET.Element, tag: str, party: VnParty) -> None:
    element = _sub(parent, tag)
    _sub(element, "Ten", party.name)
    if party.tax_code:
        _sub(element, "MST", party.tax_code)
    if party.address:
        _sub(element, "DChi", party.address)
    if party.phone:
        _sub(element, "SDThoai", party.phone)
    if party.email:
        _sub(element, "DCTDTu", party.email)
    if party.account:
        _sub(element, "STKNHang", party.account)


def _general(parent: ET.Element, invoice: VnInvoice) -> None:
    general = _sub(parent, "TTChung")
    _sub(general, "PBan", invoice.version)
    _sub(general, "THDon", invoice.template.name_vi)
    _sub(general, "KHMSHDon", invoice.template.value)
    _sub(general, "KHHDon", invoice.series)
    _sub(general, "SHDon", str(invoice.number))
    _sub(general, "NLap", invoice.date.isoformat() if invoice.date else "")
    _sub(general, "DVTTe", invoice.currency)
    if invoice.exchange_rate is not None:
        _sub(general, "TGia", _number(invoice.exchange_rate))
    _sub(general, "HTTToan", invoice.payment_method)
    if invoice.provider_tax_id:
        _sub(general, "MSTTCGP", invoice.provider_tax_id)
    reference = invoice.reference
    if reference is not None:
        related = _sub(general, "TTHDLQuan")
        _sub(related, "TCHDon", str(reference.nature))
        _sub(related, "LHDCLQuan", "1")  # an e-invoice under Decree 123/2020
        _sub(related, "KHMSHDCLQuan", reference.template.value)
        _sub(related, "KHHDCLQuan", reference.series)
        _sub(related, "SHDCLQuan", str(reference.number))
        _sub(related, "NLHDCLQuan", reference.date.isoformat())
        if reference.note:
            _sub(related, "GChu", reference.note)


def _line(parent: ET.Element, line: VnLine, template: VnTemplate) -> None:
    element = _sub(parent, "HHDVu")
    _sub(element, "TChat", str(line.kind.value))
    _sub(element, "STT", str(line.index))
    if line.code:
        _sub(element, "MHHDVu", line.code)
    _sub(element, "THHDVu", line.name)
    if line.unit:
        _sub(element, "DVTinh", line.unit)
    if line.quantity is not None:
        _sub(element, "SLuong", _number(line.quantity))
    if line.price is not None:
        _sub(element, "DGia", _number(line.price))
    if line.discount is not None:
        _sub(element, "STCKhau", _amount(line.discount))
    if line.kind is VnLineKind.NOTE:  # a note has no amount (ThTien is required on the others)
        return
    _sub(element, "ThTien", _amount(line.amount))
    if line.rate is not None:
        _sub(element, "TSuat", line.rate.value)
    if template is VnTemplate.VAT:
        # The line's VAT has no element of its own in the standard; providers carry it
        # in the line's "other information" (TTKhac), as the GDT's own samples show.
        info = _sub(_sub(element, "TTKhac"), "TTin")
        _sub(info, "TTruong", "TThue")
        _sub(info, "KDLieu", "numeric")
        _sub(info, "DLieu", _amount(line.tax))


def _totals(parent: ET.Element, invoice: VnInvoice) -> None:
    totals = _sub(parent, "TToan")
    if invoice.template is VnTemplate.VAT:
        rows = _sub(totals, "THTTLTSuat")
        for row in invoice.rates:
            element = _sub(rows, "LTSuat")
            _sub(element, "TSuat", row.rate.value)
            _sub(element, "ThTien", _amount(row.base))
            _sub(element, "TThue", _amount(row.tax))
        _sub(totals, "TgTCThue", _amount(invoice.net))
        _sub(totals, "TgTThue", _amount(invoice.tax))
    _sub(totals, "TgTTTBSo", _amount(invoice.total))
    _sub(totals, "TgTTTBChu", invoice.total_in_words)


def to_vn_einvoice(
    document: Invoice | CreditNote,
    *,
    series: str,
    template: VnTemplate | str | None = None,
    options: VnInvoiceOptions | None = None,
    original: Invoice | None = None,
) -> bytes:
    """The unsigned Vietnamese e-invoice XML (UTF-8) of an issued invoice or credit note.

    A credit note is written as an adjustment invoice (điều chỉnh giảm: Vietnam has no
    credit note), its amounts negative; corrections and credit notes need their
    ``original``. The arguments are :meth:`VnInvoice.of
    <salesorder.documents.vietnam.model.VnInvoice.of>`'s, and so are the refusals.

    Raises:
        IllegalTransition: the invoice is a draft or a pro forma.
        DocumentRuleError: the format cannot carry the document.
        InvalidTaxId: an MST fails its check digits.
    """
    invoice = VnInvoice.of(
        document, series=series, template=template, options=options, original=original
    )
    root = ET.Element("HDon")
    data = _sub(root, "DLHDon")
    data.set("Id", "DLHDon")
    _general(data, invoice)
    content = _sub(data, "NDHDon")
    _party(content, "NBan", invoice.seller)
    _party(content, "NMua", invoice.buyer)
    lines = _sub(content, "DSHHDVu")
    for line in invoice.lines:
        _line(lines, line, invoice.template)
    _totals(content, invoice)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_authority_code(xml: bytes | str) -> str:
    """The tax authority's code (MCCQT) of a signed e-invoice it returned.

    ``xml`` is the invoice (``HDon``) or the authority's message that carries it
    (``TDiep``/``DLieu``/``HDon``); namespaces are ignored. The code is the text of the
    ``MCCQT`` child of ``HDon``: 34 letters and digits.

    Raises:
        UnsafeXml: the XML declares a DTD or entities, or is not well-formed.
        MalformedDocument: there is no invoice, no code (an invoice the authority has not
            coded yet), or a code that is not 34 letters and digits.
    """
    root = parse_xml(xml)
    invoice = root if _local(root.tag) == "HDon" else None
    if invoice is None:
        invoice = next((e for e in root.iter() if _local(e.tag) == "HDon"), None)
    if invoice is None:
        raise MalformedDocument("Vietnamese e-invoice", "no invoice (HDon) in the XML")
    code = next((e for e in invoice if _local(e.tag) == "MCCQT"), None)
    if code is None or not (code.text or "").strip():
        raise MalformedDocument(
            "Vietnamese e-invoice", "no authority code (MCCQT): the GDT has not coded it"
        )
    value = (code.text or "").strip()
    if len(value) != AUTHORITY_CODE_LENGTH or not value.isalnum() or not value.isascii():
        raise MalformedDocument(
            "Vietnamese e-invoice",
            f"authority code (MCCQT) {value[:40]!r} is not {AUTHORITY_CODE_LENGTH} letters "
            "and digits",
        )
    return value
