"""Issued invoices as a Coretax file: every figure from the invoice, every refusal named.

:func:`build_coretax` reads issued :class:`~salesorder.domain.invoicing.Invoice` objects and
decides everything the file states; :func:`~salesorder.documents.coretax.writer.to_coretax` only
writes it. What the format cannot say is refused here, before anything is written, with
:class:`~salesorder.exceptions.DocumentRuleError` (``rule`` is ``"coretax.<field>"``, the
field at fault) or :class:`~salesorder.exceptions.InvalidTaxId` (an NPWP, NIK or ID TKU
that fails its format), so a refused batch writes nothing and consumes no number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs

from salesorder.documents.coretax.countries import alpha3
from salesorder.documents.coretax.model import (
    BuyerDocument,
    CoretaxFile,
    CoretaxItem,
    CoretaxOptions,
    Facility,
    GoodService,
    TaxInvoice,
    TransactionCode,
)
from salesorder.documents.en16931 import _identity
from salesorder.documents.notes import _percent
from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice, InvoiceLine, Party
from salesorder.domain.pricing import LineTax
from salesorder.domain.tax import TaxKind, TaxTreatment
from salesorder.exceptions import DocumentRuleError, InvalidTaxId, ValidationError
from salesorder.numbers import decimal_isolated

__all__ = ["HEAD_OFFICE", "NO_TIN", "build_coretax"]

#: The place-of-business number of a head office (an ID TKU is the NPWP and this).
HEAD_OFFICE = "000000"
#: ``BuyerTin`` of a buyer identified by another document than an NPWP.
NO_TIN = "0" * 16
#: The DPP nilai lain of PMK 131/2024: 11/12 of the price, taxed at 12%.
_OTHER_BASE = Fraction(11, 12)
_PPN_12 = Decimal("0.12")
_STATUTORY = (Decimal(12), Decimal(11))
_CENT = Decimal("0.01")
_SEPARATORS = re.compile(r"[\s.\-]")


@attrs.frozen(kw_only=True)
class _Buyer:
    tin: str
    document: BuyerDocument
    country: str
    number: str
    id_tku: str


@decimal_isolated
def build_coretax(
    documents: Invoice | CreditNote | Iterable[Invoice | CreditNote],
    *,
    seller_id_tku: str | None = None,
    options: CoretaxOptions | None = None,
) -> CoretaxFile:
    """The Coretax file of issued ``documents`` (one invoice or many, of one seller).

    Args:
        documents: issued invoices of one seller (one NPWP: the file's ``TIN``).
        seller_id_tku: the seller's 22-digit ID TKU (its 16-digit NPWP and the 6-digit
            place-of-business number, ``000000`` for the head office); when None, the
            seller's ``"ID-TKU"`` identifier.
        options: codes the invoices do not carry (see
            :class:`~salesorder.documents.coretax.model.CoretaxOptions`).

    Raises:
        IllegalTransition: a draft or a pro forma.
        DocumentRuleError: what the format cannot carry, naming the field: a credit note
            (or one without its original), an adjustment or a replacement invoice, a
            currency other than IDR, a seller without NPWP or ID TKU, two sellers, a
            buyer without NPWP, NIK or passport, a tax or a rate no transaction code
            expresses, an exempt supply without its facility, a unit without a Coretax
            code, a VAT that is not its rate of its base.
        InvalidTaxId: an NPWP, NIK or ID TKU that fails its format or check digits.
    """
    if isinstance(documents, (Invoice, CreditNote)):
        documents = [documents]
    chosen = list(documents)
    if not chosen:
        raise ValidationError("a Coretax file needs at least one invoice")
    options = options or CoretaxOptions()
    tin = ""
    invoices: list[TaxInvoice] = []
    for document in chosen:
        invoice, name = _invoice(document)
        npwp = _seller_tin(invoice.seller, name)
        if tin and npwp != tin:
            raise DocumentRuleError(
                name,
                "coretax.TIN",
                f"the seller's NPWP {npwp} differs from {tin}: a file holds one seller's "
                "tax invoices (TIN)",
            )
        tin = npwp
        invoices.extend(_tax_invoices(invoice, name, npwp, seller_id_tku, options))
    return CoretaxFile(tin=tin, invoices=tuple(invoices))


# -- the document -----------------------------------------------------------------------------


def _invoice(document: Invoice | CreditNote) -> tuple[Invoice, str]:
    if isinstance(document, CreditNote):
        name = f"credit note {document.number!r}"
        if not document.invoice_number:
            raise DocumentRuleError(
                name,
                "coretax.RefDesc",
                "names no original invoice: a credit note corrects an invoice it references",
            )
        raise DocumentRuleError(
            name,
            "coretax.TaxInvoice",
            f"credits invoice {document.invoice_number!r}: the Coretax import carries output "
            "tax invoices only; a return is the buyer's return note (nota retur) in Coretax, "
            "a correction a replacement tax invoice made from the original there",
        )
    _number, _date, name = _identity(document)
    if document.document in (DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT):
        raise DocumentRuleError(
            name,
            "coretax.TaxInvoiceOpt",
            f"is a {document.document.value} of invoice {document.corrects_number!r}: the "
            "import's TaxInvoiceOpt is always 'Normal' and it has no field for the original "
            "tax invoice; Coretax makes a replacement tax invoice (faktur pengganti) from "
            "the approved original in its own screens",
        )
    if document.currency != "IDR":
        raise DocumentRuleError(
            name,
            "coretax.IDR",
            f"is in {document.currency}: Coretax states every amount (Price, TaxBase, VAT, "
            "STLG) in rupiah and this library does not convert; an exchange rate (the "
            "Minister of Finance's rate of the tax point) is required",
        )
    return document, name


def _npwp(value: str, field: str, whose: str) -> str:
    """``value`` as a 16-digit NPWP: a 15-digit NPWP takes a leading 0 (PMK 112/2022)."""
    from stdnum.exceptions import ValidationError as StdnumError  # noqa: PLC0415 - lazy
    from stdnum.id import npwp  # noqa: PLC0415

    try:
        compact = str(npwp.validate(value))
    except StdnumError as error:
        raise InvalidTaxId(f"{field} {value!r} of {whose} is not a valid NPWP: {error}") from None
    return compact if len(compact) == 16 else "0" + compact


def _id_tku(value: str, npwp: str, field: str, whose: str) -> str:
    digits = _SEPARATORS.sub("", value)
    if len(digits) != 22 or not digits.isdigit():
        raise InvalidTaxId(
            f"{field} {value!r} of {whose} is not an ID TKU: 22 digits expected, the 16-digit "
            f"NPWP and a 6-digit place-of-business number ({HEAD_OFFICE} for the head office)"
        )
    if digits[:16] != npwp:
        raise InvalidTaxId(
            f"{field} {value!r} of {whose} does not begin with its NPWP {npwp}: an ID TKU is "
            "the NPWP and a place-of-business number"
        )
    return digits


def _seller_tin(seller: Party, name: str) -> str:
    if not seller.tax_id:
        raise DocumentRuleError(
            name,
            "coretax.TIN",
            f"the seller {seller.name!r} has no NPWP (tax id): the file's TIN and every "
            "SellerIDTKU are the seller's NPWP",
        )
    return _npwp(seller.tax_id, "TIN", f"seller {seller.name!r}")


def _seller_id_tku(seller: Party, given: str | None, npwp: str, name: str) -> str:
    if given is None:
        found = seller.identifier("ID-TKU")
        given = found.value if found is not None else ""
    if not given:
        raise DocumentRuleError(
            name,
            "coretax.SellerIDTKU",
            f"the seller {seller.name!r} has no ID TKU: give seller_id_tku or the seller's "
            f"'ID-TKU' identifier (its NPWP and {HEAD_OFFICE} for the head office)",
        )
    return _id_tku(given, npwp, "SellerIDTKU", f"seller {seller.name!r}")


def _buyer(buyer: Party, name: str) -> _Buyer:
    """The buyer's identity: NPWP (TIN), else NIK (National ID), else passport."""
    whose = f"buyer {buyer.name!r}"
    if buyer.tax_id:
        npwp = _npwp(buyer.tax_id, "BuyerTin", whose)
        found = buyer.identifier("ID-TKU")
        id_tku = _id_tku(found.value, npwp, "BuyerIDTKU", whose) if found else npwp + HEAD_OFFICE
        country = alpha3(buyer.country or "ID") or "IDN"
        return _Buyer(
            tin=npwp, document=BuyerDocument.TIN, country=country, number="", id_tku=id_tku
        )
    nik = buyer.identifier("NIK")
    if nik is not None:
        return _Buyer(
            tin=NO_TIN,
            document=BuyerDocument.NATIONAL_ID,
            country="IDN",
            number=_nik(nik.value, whose),
            id_tku=HEAD_OFFICE,
        )
    passport = buyer.identifier("PASSPORT")
    if passport is not None:
        code3 = alpha3(buyer.country) if buyer.country else None
        if code3 is None:
            raise DocumentRuleError(
                name,
                "coretax.BuyerCountry",
                f"the {whose} is identified by passport but has no country (the address's) "
                "to state as BuyerCountry",
            )
        return _Buyer(
            tin=NO_TIN,
            document=BuyerDocument.PASSPORT,
            country=code3,
            number=passport.value,
            id_tku=HEAD_OFFICE,
        )
    raise DocumentRuleError(
        name,
        "coretax.BuyerTin",
        f"the {whose} has no NPWP (tax id), NIK or passport: a tax invoice names its buyer "
        "by one (BuyerTin, or BuyerDocument and BuyerDocumentNumber)",
    )


def _nik(value: str, whose: str) -> str:
    from stdnum.exceptions import ValidationError as StdnumError  # noqa: PLC0415 - lazy
    from stdnum.id import nik  # noqa: PLC0415

    try:
        return str(nik.validate(value))
    except StdnumError as error:
        raise InvalidTaxId(
            f"BuyerDocumentNumber {value!r} of {whose} is not a valid NIK: {error}"
        ) from None


def _tax_invoices(
    invoice: Invoice, name: str, npwp: str, seller_id_tku: str | None, options: CoretaxOptions
) -> list[TaxInvoice]:
    """One tax invoice per transaction code of ``invoice``'s lines (TrxCode is a header)."""
    seller_tku = _seller_id_tku(invoice.seller, seller_id_tku, npwp, name)
    buyer = _buyer(invoice.buyer, name)
    groups: dict[tuple[TransactionCode, Facility | None], list[GoodService]] = {}
    for line in invoice.lines:
        code, facility, good = _good_service(name, line, options)
        groups.setdefault((code, facility), []).append(good)
    issued = invoice.issued_at
    assert issued is not None  # _identity refused a draft  # noqa: S101
    address = invoice.buyer.address
    return [
        TaxInvoice(
            date=issued.date(),
            trx_code=code,
            reference=invoice.number or "",
            seller_id_tku=seller_tku,
            buyer_tin=buyer.tin,
            buyer_document=buyer.document,
            buyer_country=buyer.country,
            buyer_document_number=buyer.number,
            buyer_name=invoice.buyer.name,
            buyer_address=address.one_line() if address is not None else "",
            buyer_email=invoice.buyer.email,
            buyer_id_tku=buyer.id_tku,
            lines=tuple(goods),
            add_info=facility.add_info if facility else "",
            custom_doc=facility.document if facility else "",
            custom_doc_month_year=facility.document_period if facility else "",
            facility_stamp=facility.stamp if facility else "",
        )
        for (code, facility), goods in groups.items()
    ]


# -- the lines ----------------------------------------------------------------------------------


def _rounded(value: Decimal, like: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` rounded to the decimal places of ``like`` (an amount of the invoice)."""
    exponent = min(int(like.as_tuple().exponent), 0)
    return value.quantize(Decimal(1).scaleb(exponent), rounding=rounding)


def _taxes(name: str, line: InvoiceLine, options: CoretaxOptions) -> tuple[LineTax, LineTax | None]:
    """The line's PPN and its PPnBM (luxury-goods tax), if any; withholding taxes aside."""
    records = [r for r in line.tax_records if r.kind is not TaxKind.WITHHOLDING]
    luxury = [r for r in records if r.tax_code in options.luxury_tax_codes]
    ppn = [r for r in records if r.tax_code not in options.luxury_tax_codes]
    if len(ppn) != 1 or len(luxury) > 1 or ppn[0].kind is not TaxKind.PERCENT:
        shown = ", ".join(f"{r.tax_code} {_percent(r.tax_rate):f}%" for r in records) or "none"
        raise DocumentRuleError(
            name,
            "coretax.VATRate",
            f"carries taxes ({shown}) Coretax cannot state: a line has one PPN at a rate "
            "(VATRate) and at most one luxury-goods tax (STLGRate)",
            line=line.line_id,
        )
    return ppn[0], luxury[0] if luxury else None


def _ppn(
    name: str, line: InvoiceLine, record: LineTax, options: CoretaxOptions
) -> tuple[TransactionCode, Facility | None, Decimal, Decimal, Decimal]:
    """(code, facility, VATRate, OtherTaxBase, VAT) of the line's PPN."""
    net = line.net.amount
    treatment = record.treatment
    if treatment is TaxTreatment.TAXABLE and record.tax_rate:
        percent = _percent(record.tax_rate)
        if record.effective_rate == record.tax_rate and percent in _STATUTORY:
            code, other = options.full_base_code, record.base.amount
        elif record.tax_rate == _PPN_12 and record.effective_rate * 12 == record.tax_rate * 11:
            code = TransactionCode.OTHER_BASE
            legal = record.legal_base
            other = legal.amount if legal is not None else _rounded(net * 11 / 12, net)
        else:
            raise DocumentRuleError(
                name,
                "coretax.VATRate",
                f"is taxed {record.tax_code} at {percent:f}% (effective "
                f"{_percent(record.effective_rate):f}%): Coretax states PPN at 12% or 11% on "
                "the price (01) or at 12% on 11/12 of it (04)",
                line=line.line_id,
            )
        vat = record.amount.amount
        if abs(vat - other * percent / 100) > 1:
            raise DocumentRuleError(
                name,
                "coretax.VAT",
                f"has PPN {vat:f} on a base of {other:f} at {percent:f}%: Coretax wants the "
                "VAT within one rupiah of VATRate x OtherTaxBase",
                line=line.line_id,
            )
        return code, None, percent, other, vat
    if treatment in (TaxTreatment.EXEMPT, TaxTreatment.ZERO_RATED, TaxTreatment.TAXABLE):
        code = (
            TransactionCode.EXEMPT
            if treatment is TaxTreatment.EXEMPT
            else TransactionCode.NOT_COLLECTED
        )
        facility = options.facilities.get(record.tax_code)
        if facility is None:
            raise DocumentRuleError(
                name,
                "coretax.FacilityStamp",
                f"is {treatment.value} ({record.tax_code}), transaction code {code.value}, "
                "which needs its facility (AddInfo and FacilityStamp): give it in "
                "CoretaxOptions.facilities",
                line=line.line_id,
            )
        # The PPN the facility frees, as for a standard supply: 12% of 11/12 of the price
        # (as Odoo's Coretax module writes codes 07 and 08), rounded half up.
        other = _rounded(net * _OTHER_BASE.numerator / _OTHER_BASE.denominator, net)
        return code, facility, Decimal(12), other, _rounded(other * _PPN_12, net)
    raise DocumentRuleError(
        name,
        "coretax.TrxCode",
        f"is {treatment.value} ({record.tax_code}): no transaction code of a tax invoice "
        "carries a supply outside PPN or a reverse charge",
        line=line.line_id,
    )


def _price(line: InvoiceLine) -> tuple[Decimal, Decimal]:
    """``Price`` and ``TotalDiscount`` without tax: ``Price x Qty - TotalDiscount == TaxBase``.

    The line's list amount (unit price x quantity) is taken as it is when the price
    excludes tax (the list amount less the discount is the net), and out of tax by the
    line's own net and gross when it includes tax (it is then the gross). The price is
    that amount per unit, rounded up to the sen (Coretax takes two decimals); the discount
    is what the price leaves over the net: the line's own discount, plus a sen or two of
    rounding when a price including tax is taken out of it.
    """
    net = line.net.amount
    quantity = Decimal(line.quantity)
    if not quantity:
        return net, Decimal(0)
    listed = line.unit_price.amount * quantity
    after = listed - line.discount.amount
    gross = line.gross.amount
    if gross and abs(after - gross) < abs(after - net):
        listed = listed * net / gross
    price = (max(listed, net) / quantity).quantize(_CENT, rounding=ROUND_CEILING)
    return price, (price * quantity - net).quantize(_CENT, rounding=ROUND_HALF_UP)


def _good_service(
    name: str, line: InvoiceLine, options: CoretaxOptions
) -> tuple[TransactionCode, Facility | None, GoodService]:
    if line.net.is_negative:
        raise DocumentRuleError(
            name,
            "coretax.TaxBase",
            f"has a negative net {line.net}: a tax invoice states supplies, never credits",
            line=line.line_id,
        )
    record, luxury = _taxes(name, line, options)
    code, facility, percent, other, vat = _ppn(name, line, record, options)
    item: CoretaxItem = (
        options.charge_item if line.charge else options.items.get(line.sku, options.default_item)
    )
    unit = item.unit or options.unit_code(line.unit.un_code)
    if unit is None:
        raise DocumentRuleError(
            name,
            "coretax.Unit",
            f"counts {line.unit.name or line.unit.code} (UN/ECE {line.unit.un_code}), which "
            "has no Coretax unit code: map it in CoretaxOptions.units or the item's unit",
            line=line.line_id,
        )
    price, discount = _price(line)
    return (
        code,
        facility,
        GoodService(
            line_id=line.line_id,
            opt="B" if item.service else "A",
            code=item.code,
            name=line.description or line.sku or line.line_id,
            unit=unit,
            price=price,
            quantity=line.quantity,
            discount=discount,
            tax_base=line.net.amount,
            other_tax_base=other,
            vat_rate=percent,
            vat=vat,
            stlg_rate=_percent(luxury.tax_rate) if luxury else Decimal(0),
            stlg=luxury.amount.amount if luxury else Decimal(0),
        ),
    )
