"""A Coretax file (:class:`~salesorder.documents.coretax.model.CoretaxFile`) as XML.

The ``TaxInvoiceBulk`` XML Coretax imports.

Element names and their order are those of DJP's sample "Sample Faktur PK Template
v.1.4.xml" (shipped with DJP's Excel-to-XML converter v1.6); ``BuyerAdress`` is DJP's
spelling. The root names ``TaxInvoice.xsd`` as DJP's sample does; DJP publishes no such
schema. Numbers are plain decimals with a point and no trailing zeros (``405405.41``,
``150000``); an empty value is an empty element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal

from salesorder.documents.coretax.build import build_coretax
from salesorder.documents.coretax.model import CoretaxFile, CoretaxOptions, TaxInvoice
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.domain.units import Quantity
from salesorder.numbers import decimal_isolated

__all__ = ["GOOD_SERVICE_FIELDS", "TAX_INVOICE_FIELDS", "to_coretax", "write_coretax"]

_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"

#: The children of ``TaxInvoice``, in the template's order.
TAX_INVOICE_FIELDS = (
    "TaxInvoiceDate",
    "TaxInvoiceOpt",
    "TrxCode",
    "AddInfo",
    "CustomDoc",
    "CustomDocMonthYear",
    "RefDesc",
    "FacilityStamp",
    "SellerIDTKU",
    "BuyerTin",
    "BuyerDocument",
    "BuyerCountry",
    "BuyerDocumentNumber",
    "BuyerName",
    "BuyerAdress",
    "BuyerEmail",
    "BuyerIDTKU",
    "ListOfGoodService",
)

#: The children of ``GoodService``, in the template's order.
GOOD_SERVICE_FIELDS = (
    "Opt",
    "Code",
    "Name",
    "Unit",
    "Price",
    "Qty",
    "TotalDiscount",
    "TaxBase",
    "OtherTaxBase",
    "VATRate",
    "VAT",
    "STLGRate",
    "STLG",
)


def _number(value: Decimal | Quantity) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value.normalize() + 0:f}"  # "+ 0" turns -0 into 0


def _tax_invoice(parent: ET.Element, invoice: TaxInvoice) -> None:
    element = ET.SubElement(parent, "TaxInvoice")
    values = (
        invoice.date.isoformat(),
        invoice.option,
        invoice.trx_code.value,
        invoice.add_info,
        invoice.custom_doc,
        invoice.custom_doc_month_year,
        invoice.reference,
        invoice.facility_stamp,
        invoice.seller_id_tku,
        invoice.buyer_tin,
        invoice.buyer_document.value,
        invoice.buyer_country,
        invoice.buyer_document_number,
        invoice.buyer_name,
        invoice.buyer_address,
        invoice.buyer_email,
        invoice.buyer_id_tku,
    )
    for tag, text in zip(TAX_INVOICE_FIELDS, values, strict=False):
        ET.SubElement(element, tag).text = text or None
    goods = ET.SubElement(element, "ListOfGoodService")
    for line in invoice.lines:
        item = ET.SubElement(goods, "GoodService")
        texts = (
            line.opt,
            line.code,
            line.name,
            line.unit,
            *(
                _number(v)
                for v in (
                    line.price,
                    line.quantity,
                    line.discount,
                    line.tax_base,
                    line.other_tax_base,
                    line.vat_rate,
                    line.vat,
                    line.stlg_rate,
                    line.stlg,
                )
            ),
        )
        for tag, text in zip(GOOD_SERVICE_FIELDS, texts, strict=True):
            ET.SubElement(item, tag).text = text


@decimal_isolated
def write_coretax(file: CoretaxFile) -> bytes:
    """The XML of ``file`` (UTF-8 bytes, with the XML declaration, indented by tabs)."""
    root = ET.Element("TaxInvoiceBulk", {f"{_XSI}noNamespaceSchemaLocation": "TaxInvoice.xsd"})
    ET.SubElement(root, "TIN").text = file.tin
    listed = ET.SubElement(root, "ListOfTaxInvoice")
    for invoice in file.invoices:
        _tax_invoice(listed, invoice)
    ET.indent(root, space="\t")
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def to_coretax(
    documents: Invoice | CreditNote | Iterable[Invoice | CreditNote],
    *,
    seller_id_tku: str | None = None,
    options: CoretaxOptions | None = None,
) -> bytes:
    """The Coretax e-Faktur import XML (``TaxInvoiceBulk``) of issued invoices of one seller.

    Built by :func:`~salesorder.documents.coretax.build.build_coretax` (see it for the
    arguments and every refusal) and written by :func:`write_coretax`. Nothing is written
    unless every invoice can be: a refusal leaves no file and takes no number.

    Raises:
        IllegalTransition: a draft or a pro forma.
        DocumentRuleError: what the format cannot carry, naming the field (``rule``).
        InvalidTaxId: an NPWP, NIK or ID TKU that fails its format or check digits.
    """
    return write_coretax(build_coretax(documents, seller_id_tku=seller_id_tku, options=options))
