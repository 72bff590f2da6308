"""What a Vietnamese e-invoice states, decided once from an invoice, a correction or a credit note.

:meth:`VnInvoice.of` reads an issued :class:`~salesorder.domain.invoicing.Invoice` (an
invoice, an adjustment or a replacement) or a
:class:`~salesorder.domain.invoicing.CreditNote` and decides every figure and code the XML
writes (:mod:`salesorder.documents.vietnam.xml` only serialises it). A document the format
cannot carry is refused here with :class:`~salesorder.exceptions.DocumentRuleError` whose
``rule`` names the field (``"VN-TSuat"``, ``"VN-KHHDon"``...), before anything is written;
nothing here consumes a number or submits anything. The rules, their sources and the
mapping are listed on the documentation page "Vietnam: the e-invoice XML".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from types import MappingProxyType

import attrs

from salesorder.documents.vietnam.fields import (
    VnExchangeRateMissing,
    VnInvoiceOptions,
    VnLine,
    VnLineKind,
    VnParty,
    VnRateTotal,
    VnReference,
    VnTemplate,
    VnVatRate,
)
from salesorder.domain.invoicing import (
    CreditNote,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Party,
    PaymentMeansCode,
)
from salesorder.domain.tax import TaxKind, TaxTreatment
from salesorder.domain.taxids import validate_tax_id
from salesorder.domain.units import Quantity
from salesorder.exceptions import DocumentRuleError, IllegalTransition
from salesorder.money import Money
from salesorder.numbers import decimal_isolated

__all__ = ["VN_TIMEZONE", "VnInvoice"]

#: Vietnam's time zone, UTC+7 with no daylight saving; the invoice date (NLap) is the issue
#: time's date there.
VN_TIMEZONE = dt.timezone(dt.timedelta(hours=7), "ICT")

#: The invoice series symbol (KHHDon), Circular 78/2021/TT-BTC art. 4(1)(b): C (with the
#: authority's code) or K (without), the year's last two digits, the kind of seller (T, D,
#: L, M, N, B, G, H) and two letters the seller chooses.
_SERIES = re.compile(r"^[CK](\d{2})[TDLMNBGH][A-Z]{2}$")
_NUMBER = re.compile(r"(\d+)$")
_MAX_NUMBER = 99_999_999  # SHDon: at most 8 digits (Decree 123/2020 art. 10(3))
_PRICE_DIGITS = 6  # DGia is written with at most 6 decimals (as providers write it)
_UNITS = MappingProxyType({"pcs": "cái", "kg": "kg", "g": "g", "m": "m", "l": "lít"})

_PERCENT_RATES = {
    Decimal(10): VnVatRate.TEN,
    Decimal(8): VnVatRate.EIGHT,
    Decimal(5): VnVatRate.FIVE,
    Decimal(0): VnVatRate.ZERO,
}
_TREATMENT_RATES = {
    TaxTreatment.ZERO_RATED: VnVatRate.ZERO,
    TaxTreatment.EXEMPT: VnVatRate.KCT,
    TaxTreatment.NOT_SUBJECT: VnVatRate.KKKNT,
}
_PAYMENT = {
    PaymentMeansCode.CASH: "TM",
    PaymentMeansCode.CREDIT_TRANSFER: "CK",
    PaymentMeansCode.NOT_DEFINED: "TM/CK",
    PaymentMeansCode.BANK_CARD: "Thẻ",
    PaymentMeansCode.ONLINE_SERVICE: "Ví điện tử",
    PaymentMeansCode.CLEARING: "Bù trừ công nợ",
}


@attrs.frozen(kw_only=True)
class VnInvoice:
    """Everything a Vietnamese e-invoice states; build with :meth:`of`."""

    version: str
    template: VnTemplate
    series: str
    number: int | None
    date: dt.date | None
    currency: str
    exchange_rate: Decimal | None
    payment_method: str
    provider_tax_id: str
    reference: VnReference | None
    seller: VnParty
    buyer: VnParty
    lines: tuple[VnLine, ...]
    rates: tuple[VnRateTotal, ...]
    net: Money
    tax: Money
    total: Money
    total_in_words: str

    @classmethod
    def of(
        cls,
        document: Invoice | CreditNote,
        *,
        series: str,
        template: VnTemplate | str | None = None,
        options: VnInvoiceOptions | None = None,
        original: Invoice | None = None,
    ) -> VnInvoice:
        """The e-invoice of an issued invoice, correction or credit note.

        Args:
            document: the invoice (an adjustment or a replacement too) or credit note.
            series: the series symbol (KHHDon), such as ``"C26TAA"``.
            template: the form symbol (KHMSHDon); from the invoice's kind when None (a VAT
                invoice 1, a sales invoice 2).
            options: see :class:`~salesorder.documents.vietnam.fields.VnInvoiceOptions`.
            original: the invoice an adjustment, a replacement or a credit note corrects.

        Raises:
            IllegalTransition: the invoice is a draft or a pro forma.
            DocumentRuleError: the format cannot carry the document (see the rules on the
                documentation page); a missing exchange rate is a
                :class:`~salesorder.documents.vietnam.fields.VnExchangeRateMissing`.
            InvalidTaxId: the seller's or the buyer's MST fails its check digits.
        """
        return _build(
            document, series, template, options or VnInvoiceOptions(), original, issued=True
        )

    @classmethod
    def check(
        cls,
        document: Invoice | CreditNote,
        *,
        series: str,
        template: VnTemplate | str | None = None,
        options: VnInvoiceOptions | None = None,
        original: Invoice | None = None,
    ) -> None:
        """Run every rule of :meth:`of` on ``document``, a draft too, before it takes a number.

        A draft has no number and no date yet: those two checks wait for :meth:`of`.

        Raises:
            DocumentRuleError: as :meth:`of`.
            InvalidTaxId: as :meth:`of`.
        """
        _build(document, series, template, options or VnInvoiceOptions(), original, issued=False)


def _thing(document: Invoice | CreditNote) -> str:
    if isinstance(document, CreditNote):
        return f"credit note {document.number!r}"
    return document.thing


def _vn_date(at: dt.datetime) -> dt.date:
    return at.astimezone(VN_TIMEZONE).date()


def _number(thing: str, number: str) -> int:
    found = _NUMBER.search(number)
    value = int(found.group(1)) if found else 0
    if not 1 <= value <= _MAX_NUMBER:
        raise DocumentRuleError(
            thing,
            "VN-SHDon",
            f"number {number!r} gives no invoice number SHDon from 1 to 99999999 (its "
            "trailing digits are the number in the series)",
        )
    return value


def _kind(document: Invoice | CreditNote) -> InvoiceKind:
    return document.kind if isinstance(document, Invoice) else InvoiceKind.VAT


def _template(thing: str, document: Invoice | CreditNote, given: object) -> VnTemplate:
    if given is None:
        return VnTemplate.VAT if _kind(document) is InvoiceKind.VAT else VnTemplate.SALES
    try:
        return VnTemplate(given)
    except ValueError:
        raise DocumentRuleError(
            thing,
            "VN-KHMSHDon",
            f"form symbol KHMSHDon {given!r} is not one this library writes: 1 (VAT "
            "invoice) or 2 (sales invoice)",
        ) from None


def _series(thing: str, series: str, date: dt.date | None, field: str = "KHHDon") -> str:
    found = _SERIES.match(series)
    if found is None:
        raise DocumentRuleError(
            thing,
            "VN-KHHDon",
            f"series symbol {field} {series!r} is not C or K, two digits of the year, one "
            "of T D L M N B G H and two capital letters (such as 'C26TAA')",
        )
    if date is not None and int(found.group(1)) != date.year % 100:
        raise DocumentRuleError(
            thing,
            "VN-KHHDon",
            f"series symbol {field} {series!r} is for 20{found.group(1)}, the invoice is "
            f"dated {date.isoformat()}",
        )
    return series


def _address(party: Party) -> str:
    """The address on one line; the country only when it is not Vietnam."""
    address = party.address
    if address is None:
        return ""
    parts = [address.line1, address.line2, address.city, address.region, address.postal_code]
    if address.country != "VN":
        parts.append(address.country)
    return ", ".join(part for part in parts if part)


def _seller(thing: str, party: Party, account: str) -> VnParty:
    if party.country != "VN" or not party.tax_id:
        raise DocumentRuleError(
            thing,
            "VN-NBan-MST",
            f"the seller {party.name!r} needs a Vietnamese tax code (MST) and a Vietnamese "
            f"address, got tax id {party.tax_id!r} in {party.country or 'no country'}",
        )
    code = validate_tax_id(party.tax_id, "VN", whose=f"seller {party.name!r}").formatted
    if party.address is None:
        raise DocumentRuleError(
            thing, "VN-NBan-DChi", f"the seller {party.name!r} has no address (DChi)"
        )
    return VnParty(
        name=party.name,
        tax_code=code,
        address=_address(party),
        phone=party.phone,
        email=party.email,
        account=account,
    )


def _buyer(thing: str, party: Party, template: VnTemplate, kind: InvoiceKind) -> VnParty:
    code = ""
    if party.tax_id and party.country == "VN":
        code = validate_tax_id(party.tax_id, "VN", whose=f"buyer {party.name!r}").formatted
    elif template is VnTemplate.VAT and kind is InvoiceKind.VAT:
        raise DocumentRuleError(
            thing,
            "VN-NMua-MST",
            f"a VAT invoice for a business names its buyer's tax code (MST); buyer "
            f"{party.name!r} has {'a foreign tax id' if party.tax_id else 'none'}: issue it "
            "as a sales invoice to a consumer or give a Vietnamese MST",
        )
    return VnParty(
        name=party.name,
        tax_code=code,
        address=_address(party),
        phone=party.phone,
        email=party.email,
    )


def _line_rate(
    thing: str, line: InvoiceLine, template: VnTemplate, rates: Mapping[str, VnVatRate]
) -> VnVatRate | None:
    records = line.tax_records
    if template is VnTemplate.SALES:
        if not line.tax.is_zero:
            raise DocumentRuleError(
                thing,
                "VN-KHMSHDon",
                f"carries VAT of {line.tax}; a sales invoice (form 2) carries none",
                line=line.line_id,
            )
        return None
    if len(records) != 1:
        raise DocumentRuleError(
            thing,
            "VN-TSuat",
            f"has {len(records)} taxes; a line carries exactly one VAT rate (TSuat)",
            line=line.line_id,
        )
    (record,) = records
    if record.tax_code in rates:
        return rates[record.tax_code]
    if record.kind is not TaxKind.PERCENT or record.treatment is TaxTreatment.REVERSE_CHARGE:
        what = "reverse charged" if record.kind is TaxKind.PERCENT else record.kind.value
        raise DocumentRuleError(
            thing,
            "VN-TSuat",
            f"tax {record.tax_code!r} is {what}; TSuat has no such rate (10%, 8%, 5%, 0%, "
            "KCT, KKKNT)",
            line=line.line_id,
        )
    if record.treatment in _TREATMENT_RATES:
        return _TREATMENT_RATES[record.treatment]
    percent = record.tax_rate * 100
    found = _PERCENT_RATES.get(percent)
    if found is None or record.effective_rate != record.tax_rate:
        raise DocumentRuleError(
            thing,
            "VN-TSuat",
            f"tax {record.tax_code!r} is {percent.normalize():f}% on "
            f"{record.effective_rate / record.tax_rate if record.tax_rate else 1} of the "
            "price; TSuat carries 10%, 8%, 5% or 0% of the whole price, KCT or KKKNT",
            line=line.line_id,
        )
    return found


@decimal_isolated
def _price(line: InvoiceLine, quantity: Quantity) -> tuple[Decimal, Money | None]:
    """DGia and STCKhau: the list price and discount when they give the net, else net/qty."""
    net = abs(line.net)
    discount = abs(line.discount)
    price = abs(line.unit_price.amount)
    if not discount.is_zero and price * quantity - discount.amount == net.amount:
        return price, discount
    if discount.is_zero and price * quantity == net.amount:
        return price, None
    exact = Fraction(net.amount) / Fraction(quantity)
    value = Decimal(exact.numerator) / Decimal(exact.denominator)
    return value.quantize(Decimal(1).scaleb(-_PRICE_DIGITS), ROUND_HALF_UP).normalize(), None


def _lines(
    thing: str,
    document: Invoice | CreditNote,
    template: VnTemplate,
    options: VnInvoiceOptions,
) -> tuple[VnLine, ...]:
    credit = isinstance(document, CreditNote)
    correction = isinstance(document, CreditNote) or document.document is DocumentType.ADJUSTMENT
    units = document.units if isinstance(document, CreditNote) else {}
    sign = -1 if credit else 1
    result: list[VnLine] = []
    for index, line in enumerate(document.lines, start=1):
        rate = _line_rate(thing, line, template, options.rates)
        counted = not correction or line.line_id in units
        quantity: Quantity | None = (
            units.get(line.line_id, line.quantity) if counted and line.quantity else None
        )
        price, discount = _price(line, quantity) if quantity else (None, None)
        free = not correction and line.gross.is_zero and line.quantity
        result.append(
            VnLine(
                kind=VnLineKind.PROMOTION if free else VnLineKind.GOODS,
                index=index,
                code=line.sku,
                name=line.description or line.sku,
                unit=_UNITS.get(line.unit.code, line.unit.code),
                quantity=quantity,
                price=price,
                discount=discount if discount is None else discount * sign,
                amount=line.net * sign,
                rate=rate,
                tax=line.tax * sign,
            )
        )
    zero = Money.zero(document.currency)
    for note in options.notes:
        result.append(
            VnLine(
                kind=VnLineKind.NOTE,
                index=len(result) + 1,
                code="",
                name=note,
                unit="",
                quantity=None,
                price=None,
                discount=None,
                amount=zero,
                rate=None,
                tax=zero,
            )
        )
    return tuple(result)


def _rate_totals(lines: tuple[VnLine, ...], currency: str) -> tuple[VnRateTotal, ...]:
    rows: dict[VnVatRate, tuple[Money, Money]] = {}
    zero = Money.zero(currency)
    for line in lines:
        if line.rate is None or line.kind is VnLineKind.NOTE:
            continue
        base, tax = rows.get(line.rate, (zero, zero))
        rows[line.rate] = (base + line.amount, tax + line.tax)
    return tuple(VnRateTotal(rate=r, base=b, tax=t) for r, (b, t) in rows.items())


def _reference(
    thing: str,
    document: Invoice | CreditNote,
    series: str,
    options: VnInvoiceOptions,
    original: Invoice | None,
) -> VnReference | None:
    if isinstance(document, CreditNote):
        nature, wanted = 2, document.invoice_number
    elif document.document is DocumentType.ADJUSTMENT:
        nature, wanted = 2, document.corrects_number or ""
    elif document.document is DocumentType.REPLACEMENT:
        nature, wanted = 1, document.corrects_number or ""
    else:
        return None
    what = "credit note" if isinstance(document, CreditNote) else document.document.value
    if original is None or original.number != wanted or original.issued_at is None:
        got = "none" if original is None else f"{original.number or original.id!r}"
        raise DocumentRuleError(
            thing,
            "VN-TTHDLQuan",
            f"a {what} names the invoice it corrects (TTHDLQuan: KHHDCLQuan, SHDCLQuan, "
            f"NLHDCLQuan); give original=, the issued invoice {wanted!r} (got {got})",
        )
    date = _vn_date(original.issued_at)
    original_series = _series(thing, options.original_series or series, date, "KHHDCLQuan")
    if isinstance(document, CreditNote) and original_series == series:
        raise DocumentRuleError(
            thing,
            "VN-SHDon",
            f"a credit note is numbered in its own series, so it is written as an adjustment "
            f"invoice in a series symbol of its own: {series!r} is the original invoice's "
            "(give original_series= and a separate series=)",
        )
    note = options.reason or (document.reason if isinstance(document, CreditNote) else "")
    return VnReference(
        nature=nature,
        template=_template(thing, original, None),
        series=original_series,
        number=_number(thing, wanted),
        date=date,
        note=note,
    )


def _build(
    document: Invoice | CreditNote,
    series: str,
    template_given: VnTemplate | str | None,
    options: VnInvoiceOptions,
    original: Invoice | None,
    *,
    issued: bool,
) -> VnInvoice:
    from salesorder.documents.vietnam.words import amount_in_words  # noqa: PLC0415

    thing = _thing(document)
    if isinstance(document, Invoice):
        if document.document is DocumentType.PRO_FORMA:
            raise IllegalTransition(
                thing, document.status.value, "write", "a pro forma is not an invoice"
            )
        if issued and (document.number is None or document.issued_at is None):
            raise IllegalTransition(thing, document.status.value, "write as an e-invoice")
    at = document.issued_at
    date = _vn_date(at) if at is not None else None
    number = _number(thing, document.number) if document.number else None
    # a credit note has no kind of its own: it takes its original's (a VAT invoice's when
    # the original is missing, which _reference refuses below)
    source = document if isinstance(document, Invoice) or original is None else original
    template = _template(thing, source, template_given)
    _series(thing, series, date)
    currency = document.currency
    if currency != "VND" and options.exchange_rate is None:
        raise VnExchangeRateMissing(thing, currency)
    means = document.payment_means if isinstance(document, Invoice) else None
    seller = _seller(thing, document.seller, means.account if means is not None else "")
    buyer = _buyer(thing, document.buyer, template, _kind(source))
    if options.provider_tax_id:
        validate_tax_id(options.provider_tax_id, "VN", whose="the e-invoice provider (MSTTCGP)")
    reference = _reference(thing, document, series, options, original)
    lines = _lines(thing, document, template, options)
    rounding = document.rounding if isinstance(document, Invoice) else Money.zero(currency)
    if document.gross != document.net + document.tax or not rounding.is_zero:
        raise DocumentRuleError(
            thing,
            "VN-TgTTTBSo",
            f"the total {document.gross} (+ rounding {rounding}) is not net {document.net} + "
            f"VAT {document.tax}; the format has no rounding amount (TgTTTBSo = TgTCThue + "
            "TgTThue)",
        )
    net = Money.sum((line.amount for line in lines), currency)
    tax = Money.sum((line.tax for line in lines), currency)
    total = net + tax
    method = "TM/CK" if means is None else _PAYMENT.get(means.code, "TM/CK")
    if (
        means is not None
        and means.code is PaymentMeansCode.NOT_DEFINED
        and "transfer" in means.name
    ):
        method = "CK"  # a bank transfer whose account is not printed is still a transfer
    return VnInvoice(
        version=options.version,
        template=template,
        series=series,
        number=number,
        date=date,
        currency=currency,
        exchange_rate=None if currency == "VND" else options.exchange_rate,
        payment_method=options.payment_method or method,
        provider_tax_id=options.provider_tax_id,
        reference=reference,
        seller=seller,
        buyer=buyer,
        lines=lines,
        rates=_rate_totals(lines, currency),
        net=net,
        tax=tax,
        total=total,
        total_in_words=amount_in_words(total),
    )
