"""The EN 16931 business terms of an invoice or a credit note, computed once for every syntax.

:meth:`EN16931Invoice.of` reads an issued :class:`~salesorder.domain.invoicing.Invoice` or a
:class:`~salesorder.domain.invoicing.CreditNote` and decides everything both syntaxes write
(UBL 2.1 in :mod:`~salesorder.documents.ubl`, CII D16B in :mod:`~salesorder.documents.cii`);
they only serialise it. A document EN 16931 cannot express is refused here with
:class:`~salesorder.exceptions.DocumentRuleError`, never written wrong.

The mapping, by business term:

- BT-1 number, BT-2 issue date, BT-3 type (380 invoice, 384 corrected invoice for Vietnam's
  adjustment and replacement invoices, 381 credit note), BT-5 currency, BT-25 the invoice
  corrected or credited, BT-22 notes (the credit note's reason, the legal base of a reduced
  base, see below).
- BG-4/BG-7 seller and buyer: name, address, country. The tax id is the VAT identifier
  (BT-31/BT-48) with the prefix of the country's VAT scheme (BR-CO-09): the ISO 3166 code,
  except Greece's ``EL``; a prefix already in the id (``GR``/``EL`` for Greece) is replaced,
  never doubled. A document of category O may carry no VAT identifier (BR-O-02): the tax
  ids are then the legal registration identifiers (BT-30/BT-47).
- BG-25 a line per goods line: the units (BT-129, the credited units on a credit note,
  negative on a downward adjustment; exact, 0.25 for a quarter kilogram) and their unit of
  measure (BT-130, the line's UN/ECE Rec 20 code: ``C62`` for pieces, ``KGM``, ``MTR``;
  also the base quantity's), the net (BT-131), the item, its one VAT category and
  rate (BG-30), and the net unit price (BT-146) with, when needed, a base quantity
  (BT-149): see :func:`unit_price`. A line with two taxes (Malaysia's sales tax and service
  tax together) has no EN 16931 form and is refused.
- BG-21 a document-level charge per charge line (shipping, a COD fee): its UNCL 7161
  reason code and text, amount, VAT category and rate. A document of charges alone (the
  shipping invoiced after the goods, a credit of the shipping) lists them as lines: EN
  16931 wants at least one line (BR-16).
- BG-23 the VAT breakdown per (category, rate), from the lines' and charges' own taxes: the
  category is the tax's treatment (S, Z, E, O, AE; a taxable rate of 0 is Z). E, O and AE
  rows carry the exemption reason (BT-120, the tax's own, else "Exempt from VAT", "Not
  subject to VAT", "Reverse charge") and its VATEX code (BT-121) when known; two different
  reasons of one category are joined with "; " (EN 16931 has one row per category and
  rate), a code only when they agree. Every row passes BR-CO-17 as CEN's schematron
  computes it (:func:`br_co_17_holds`) or the document is refused.
- BG-22 totals: lines (BT-106), charges (BT-108), without VAT (BT-109 = lines + charges),
  VAT (BT-110), with VAT (BT-112), prepaid (BT-113 = :attr:`Invoice.prepaid
  <salesorder.domain.invoicing.Invoice.prepaid>`, when positive), rounding (BT-114, when not
  zero: a COD invoice's cash rounding, plus what a tax-included price whose tax comes from
  the net leaves of the gross, ``IncludedTax.FROM_NET``) and payable (BT-115 = BT-112 -
  BT-113 + BT-114, BR-CO-16; an invoice's :attr:`amount_due
  <salesorder.domain.invoicing.Invoice.amount_due>`).
- BG-16 payment means (invoices with ``payment_means``): UNTDID 4461 code and text, the
  account paid into (BT-84) and the remittance reference (BT-83, the invoice number when
  none is given). BT-20 the terms in words; with instalments, each instalment's amount and
  due date. BT-9, EN 16931's single due date, is the due date of the **first instalment
  payments do not yet cover** (what the buyer must pay next), else the invoice's last due
  date. Credit notes have no due date; their terms say what they credit.

Indonesia's PPN at 12% on a base of 11/12 of the price ("DPP nilai lain") does not fit
BR-S-08/BR-CO-17 as such (the taxable amount times the rate must give the tax). It is
written as its **effective rate of 11%** on the full net amount, which yields the same tax
to the rupiah, and the legal base is stated in a note (BT-22) from the tax summary's
``legal_base`` (computed as base x effective / legal rate for documents stored without it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction

import attrs

from salesorder.documents.notes import _percent, tax_notes
from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice, InvoiceLine, Party
from salesorder.domain.pricing import LineTax
from salesorder.domain.tax import TaxKind
from salesorder.domain.terms import InstalmentDue, PaymentTerms, TermsKind
from salesorder.domain.units import PIECE, Quantity
from salesorder.exceptions import DocumentRuleError, IllegalTransition
from salesorder.money import Money
from salesorder.numbers import decimal_isolated

__all__ = [
    "CUSTOMIZATION_ID",
    "Charge",
    "EN16931Invoice",
    "Line",
    "PaymentInstructions",
    "Totals",
    "TradeParty",
    "VatBreakdown",
    "VatCategory",
    "br_co_17_holds",
    "unit_price",
    "vat_identifier",
]

#: EN 16931 core specification identifier (BT-24), for both syntaxes.
CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017"

_HUNDRED = Decimal(100)
_HALF = Decimal("0.5")
#: Total digits every XML Schema processor must support for xs:decimal (XSD 1.0, 3.2.3).
_XSD_DIGITS = 18
#: VAT scheme prefixes that are not the ISO 3166 code (BR-CO-09 allows Greece's EL).
_VAT_PREFIX = {"GR": "EL"}
_FALLBACK_REASON = {"E": "Exempt from VAT", "O": "Not subject to VAT", "AE": "Reverse charge"}


@attrs.frozen(kw_only=True)
class VatCategory:
    """A VAT category code (UNTDID 5305: S, Z, E, O, AE) and its rate in percent.

    ``percent`` is None for O, which carries no rate (BR-O-05); 0 for Z, E and AE.
    """

    code: str
    percent: Decimal | None


@attrs.frozen(kw_only=True)
class TradeParty:
    """Seller (BG-4) or buyer (BG-7): name, address, and the identifier each may carry."""

    name: str
    street: str
    city: str
    postal_code: str
    country: str
    vat_id: str = ""
    legal_id: str = ""


@attrs.frozen(kw_only=True)
class Line:
    """An invoice line (BG-25): ``price`` x ``quantity`` / ``base_quantity`` == ``net``.

    ``unit_code`` is the UN/ECE Recommendation 20 code of the unit both quantities count
    (BT-130).
    """

    id: str
    sku: str
    name: str
    quantity: Quantity
    net: Money
    price: Decimal
    base_quantity: Quantity | None
    category: VatCategory
    unit_code: str = PIECE.un_code


@attrs.frozen(kw_only=True)
class Charge:
    """A document-level charge (BG-21): UNCL 7161 ``reason_code``, ``reason`` text, amount."""

    reason_code: str
    reason: str
    amount: Money
    category: VatCategory


@attrs.frozen(kw_only=True)
class VatBreakdown:
    """One row of the VAT breakdown (BG-23): taxable amount, tax, exemption reason."""

    category: VatCategory
    base: Money
    tax: Money
    exemption_reason: str = ""
    exemption_code: str = ""


@attrs.frozen(kw_only=True)
class Totals:
    """Document totals (BG-22); ``prepaid`` and ``rounding`` are None when not written."""

    lines: Money
    charges: Money | None
    tax_exclusive: Money
    tax: Money
    tax_inclusive: Money
    prepaid: Money | None
    rounding: Money | None
    payable: Money


@attrs.frozen(kw_only=True)
class PaymentInstructions:
    """Payment means (BG-16): UNTDID 4461 code, its text, account (BT-84), remittance."""

    code: str
    text: str
    account: str
    account_name: str
    remittance: str


@attrs.frozen(kw_only=True)
class EN16931Invoice:
    """Everything an EN 16931 document states; build with :meth:`of`."""

    credit_note: bool
    number: str
    issue_date: dt.date
    type_code: str
    currency: str
    notes: tuple[str, ...]
    preceding: str | None
    seller: TradeParty
    buyer: TradeParty
    lines: tuple[Line, ...]
    charges: tuple[Charge, ...]
    breakdown: tuple[VatBreakdown, ...]
    totals: Totals
    due_date: dt.date | None
    payment_means: PaymentInstructions | None
    terms: str

    @classmethod
    @decimal_isolated
    def of(cls, document: Invoice | CreditNote) -> EN16931Invoice:
        """The business terms of an issued invoice or a credit note.

        Raises:
            IllegalTransition: the invoice is a draft (no number) or a pro forma.
            DocumentRuleError: EN 16931 cannot express the document (a line with two taxes,
                category O beside others, a VAT category without the seller's tax id, a
                breakdown row failing BR-CO-17, totals that do not add up).
        """
        number, issued, name = _identity(document)
        goods: list[InvoiceLine] = []
        charges: list[InvoiceLine] = []
        for line in document.lines:
            (charges if line.charge else goods).append(line)
        if not goods:
            # EN 16931 wants at least one line (BR-16): a document of charges alone (the
            # shipping invoiced after the goods, a credit of the shipping) lists them as lines.
            goods, charges = charges, []
        as_charge = {id(line) for line in charges}
        categorised = [(line, _category(name, line)) for line in document.lines]
        breakdown = _breakdown(name, categorised)
        codes = {row.category.code for row in breakdown}
        _check_parties(name, document, categorised, codes)
        only_o = codes == {"O"}
        lines = tuple(
            _line(line, category) for line, category in categorised if id(line) not in as_charge
        )
        charge_terms = tuple(
            Charge(
                reason_code=line.charge,
                reason=line.description or line.charge,
                amount=line.net,
                category=category,
            )
            for line, (category, _) in categorised
            if id(line) in as_charge
        )
        totals = _totals(document, goods, charges, breakdown)
        preceding: str | None
        if isinstance(document, CreditNote):
            type_code, preceding = "381", document.invoice_number
            notes = (document.reason,) if document.reason else ()
            terms = f"Credited against invoice {document.invoice_number}"
            due, means = None, None
        else:
            corrects = document.document in (DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT)
            type_code = "384" if corrects else "380"
            preceding = document.corrects_number if corrects else None
            notes = ()
            terms = _terms_text(document.terms, document.schedule)
            due = _due_date(document)
            means = _means(document, number)
        return cls(
            credit_note=isinstance(document, CreditNote),
            number=number,
            issue_date=issued,
            type_code=type_code,
            currency=document.currency,
            notes=(
                *notes,
                *tax_notes(document.tax_summary),
            ),
            preceding=preceding,
            seller=_party(document.seller, vat=not only_o),
            buyer=_party(document.buyer, vat=not only_o),
            lines=lines,
            charges=charge_terms,
            breakdown=breakdown,
            totals=totals,
            due_date=due,
            payment_means=means,
            terms=terms,
        )


# -- identifiers ---------------------------------------------------------------------------


def vat_identifier(tax_id: str, country: str | None) -> str:
    """``tax_id`` as a VAT identifier with its scheme's country prefix (BR-CO-09).

    Separators are dropped; the prefix is the ISO 3166 code, ``EL`` for Greece (``GR``). A
    prefix already present (the ISO code or the scheme's) is replaced, so ``GR094259216``,
    ``EL094259216`` and ``094259216`` of a Greek party all give ``EL094259216``.
    """
    compact = "".join(ch for ch in tax_id if ch.isalnum()).upper()
    if not country:
        return compact
    country = country.upper()
    prefix = _VAT_PREFIX.get(country, country)
    for known in (prefix, country):
        if compact.startswith(known):
            compact = compact[len(known) :]
            break
    return prefix + compact


def _identity(document: Invoice | CreditNote) -> tuple[str, dt.date, str]:
    if isinstance(document, CreditNote):
        return document.number, document.issued_at.date(), f"credit note {document.number!r}"
    if document.number is None or document.issued_at is None:
        raise IllegalTransition(f"invoice {document.id!r}", document.status.value, "export")
    if document.document is DocumentType.PRO_FORMA:
        raise IllegalTransition(
            document.thing, document.status.value, "export", "a pro forma is not an invoice"
        )
    return document.number, document.issued_at.date(), document.thing


def _party(party: Party, *, vat: bool) -> TradeParty:
    address = party.address
    tax_id = vat_identifier(party.tax_id, party.country) if party.tax_id else ""
    return TradeParty(
        name=party.name,
        street=address.line1 if address is not None else "",
        city=address.city if address is not None else "",
        postal_code=(address.postal_code or "") if address is not None else "",
        country=(party.country or "ZZ").upper(),
        vat_id=tax_id if vat else "",
        legal_id="" if vat else party.tax_id,
    )


# -- VAT -------------------------------------------------------------------------------------


def _category(document: str, line: InvoiceLine) -> tuple[VatCategory, LineTax | None]:
    """The line's one VAT category; a line with no tax at all is O (outside the tax)."""
    # A withholding tax is no VAT: the buyer's share for the state is stated as prepaid.
    records = tuple(r for r in line.tax_records if r.kind is not TaxKind.WITHHOLDING)
    fixed = [r.tax_code for r in records if r.kind is TaxKind.FIXED]
    if fixed:
        raise DocumentRuleError(
            document,
            "BG-30",
            f"carries the fixed tax {fixed[0]!r}; EN 16931 has VAT categories only",
            line=line.line_id,
        )
    if len(records) > 1:
        taxes = ", ".join(f"{t.tax_code} {_percent(t.tax_rate):f}%" for t in records)
        raise DocumentRuleError(
            document,
            "BG-30",
            f"carries {len(records)} taxes ({taxes}); EN 16931 gives a line exactly one VAT "
            "category and rate",
            line=line.line_id,
        )
    if not records:
        return VatCategory(code="O", percent=None), None
    record = records[0]
    code = record.treatment.category
    percent = _percent(record.effective_rate)
    if code == "S" and not percent:
        code = "Z"  # a taxable rate of 0 is zero rated (BR-S-05 wants S above 0)
    if code == "O":
        return VatCategory(code=code, percent=None), record
    return VatCategory(code=code, percent=percent if code == "S" else Decimal(0)), record


def _xpath_round(value: Decimal) -> Decimal:
    """XPath's ``round``: half towards positive infinity."""
    return (value + _HALF).to_integral_value(rounding=ROUND_FLOOR)


@decimal_isolated
def br_co_17_holds(base: Decimal, tax: Decimal, percent: Decimal | None) -> bool:
    """BR-CO-17 exactly as CEN's schematron computes it (UBL flavour, the stricter one).

    The tax must lie less than one currency unit from ``round(|base| x percent) / 100``
    (XPath rounding, to two decimals, whatever the currency's minor units); a rate that
    rounds to a whole 0% (and no rate) needs a tax that rounds to 0.
    """
    if percent is None or _xpath_round(percent) == 0:
        return _xpath_round(tax) == 0
    with localcontext() as context:
        context.prec = 60
        expected = _xpath_round(abs(base) * percent) / _HUNDRED
        return abs(tax) - 1 < expected < abs(tax) + 1


def _breakdown(
    document: str, categorised: list[tuple[InvoiceLine, tuple[VatCategory, LineTax | None]]]
) -> tuple[VatBreakdown, ...]:
    rows: dict[VatCategory, list[tuple[InvoiceLine, LineTax | None]]] = {}
    for line, (category, record) in categorised:
        rows.setdefault(category, []).append((line, record))
    breakdown = []
    for category, members in rows.items():
        currency = members[0][0].net.currency
        base = Money.sum((line.net for line, _ in members), currency)
        tax = Money.sum((line.tax for line, _ in members), currency)
        reason, code = _exemption(category.code, [r for _, r in members if r is not None])
        if not br_co_17_holds(base.amount, tax.amount, category.percent):
            raise DocumentRuleError(
                document,
                "BR-CO-17",
                f"the VAT of category {category.code} at {category.percent or 0:f}% is "
                f"{tax.amount:f} on {base.amount:f} {currency}, not within one unit of the "
                "base times the rate (the lines' taxes were rounded one by one)",
            )
        breakdown.append(
            VatBreakdown(
                category=category, base=base, tax=tax, exemption_reason=reason, exemption_code=code
            )
        )
    return tuple(breakdown)


def _exemption(code: str, records: list[LineTax]) -> tuple[str, str]:
    """BT-120 and BT-121 of a row: only E, O and AE carry them (BR-S-10, BR-Z-10)."""
    if code not in _FALLBACK_REASON:
        return "", ""
    reasons = dict.fromkeys(r.exemption_reason for r in records if r.exemption_reason)
    codes = {r.exemption_code for r in records}
    text = "; ".join(reasons) or _FALLBACK_REASON[code]
    return text, codes.pop() if len(codes) == 1 else ""


def _check_parties(
    document: str,
    invoice: Invoice | CreditNote,
    categorised: list[tuple[InvoiceLine, tuple[VatCategory, LineTax | None]]],
    codes: set[str],
) -> None:
    """The identifiers EN 16931 wants for the categories present (BR-x-02, BR-O-11, BR-CO-26)."""
    if "O" in codes and len(codes) > 1:
        others = ", ".join(sorted(codes - {"O"}))
        raise DocumentRuleError(
            document,
            "BR-O-11",
            f"mixes lines not subject to VAT (O) with lines of category {others}; EN 16931 "
            "wants such lines on a document of their own",
        )
    for line, (category, _) in categorised:
        if category.code != "O" and not invoice.seller.tax_id:
            raise DocumentRuleError(
                document,
                f"BR-{category.code}-02",
                f"is of VAT category {category.code} but the seller {invoice.seller.name!r} "
                "has no tax id (the seller's VAT identifier is required)",
                line=line.line_id,
            )
        if category.code == "AE" and not invoice.buyer.tax_id:
            raise DocumentRuleError(
                document,
                "BR-AE-02",
                f"is reverse charged but the buyer {invoice.buyer.name!r} has no tax id",
                line=line.line_id,
            )
    if codes == {"O"} and not invoice.seller.tax_id:
        raise DocumentRuleError(
            document,
            "BR-CO-26",
            f"the seller {invoice.seller.name!r} has no identifier to print (no tax id)",
        )


# -- lines, totals, payment ----------------------------------------------------------------


@decimal_isolated
def unit_price(net: Decimal, quantity: Quantity) -> tuple[Decimal, Quantity | None]:
    """The net unit price (BT-146) and base quantity (BT-149) of ``quantity`` units at ``net``.

    ``|net| / quantity`` when that decimal terminates within the 18 digits every XML Schema
    processor supports (then no base quantity); otherwise the smallest base quantity ``b``
    (the factor of the quantity that makes the division recur) with the price of ``b``
    units, so ``price x quantity / b == |net|`` exactly: 100.00 for 3 units is 100.00 per
    3, not 33.3333; 0.25 kg for 30,000 is 120,000 per kg. A quantity of 0 (nothing counted)
    takes the net as the price.
    """
    amount = abs(net)
    if quantity == 0:
        return amount, None
    count: Quantity = -quantity if quantity < 0 else quantity
    share = Fraction(amount) / Fraction(count)
    recurring = share.denominator
    for factor in (2, 5):
        while recurring % factor == 0:
            recurring //= factor
    base = None if recurring == 1 else recurring
    exact = share * recurring
    with localcontext() as context:
        context.prec = 60
        price = (Decimal(exact.numerator) / Decimal(exact.denominator)).normalize() + 0
    if len(price.as_tuple().digits) > _XSD_DIGITS:
        return amount, count
    return price, base


def _line(line: InvoiceLine, category: tuple[VatCategory, LineTax | None]) -> Line:
    price, base = unit_price(line.net.amount, line.quantity)
    return Line(
        id=line.line_id,
        sku=line.sku,
        name=line.description or line.sku,
        quantity=-line.quantity if line.net.is_negative else line.quantity,
        net=line.net,
        price=price,
        base_quantity=base,
        category=category[0],
        unit_code=line.unit.un_code,
    )


def _totals(
    invoice: Invoice | CreditNote,
    goods: list[InvoiceLine],
    charges: list[InvoiceLine],
    breakdown: tuple[VatBreakdown, ...],
) -> Totals:
    currency = invoice.currency
    lines = Money.sum((line.net for line in goods), currency)
    charged = Money.sum((line.net for line in charges), currency)
    tax = Money.sum((row.tax for row in breakdown), currency)
    inclusive = lines + charged + tax
    # What the lines' net and VAT leave of the gross: a tax-included price whose tax is
    # computed from the net (IncludedTax.FROM_NET) leaves a rounding difference the buyer
    # still pays. EN 16931 has one place for it: the rounding amount (BT-114), with the
    # cash rounding of a COD invoice.
    difference = invoice.gross - inclusive
    zero = Money.zero(currency)
    # What the buyer withholds for the state is settled like a payment: EN 16931 has no
    # withholding total, so it is stated with the prepaid amount (and in a note, BT-22).
    paid = invoice.prepaid + invoice.withheld if isinstance(invoice, Invoice) else zero
    rounding = difference + (invoice.rounding if isinstance(invoice, Invoice) else zero)
    return Totals(
        lines=lines,
        charges=charged if charges else None,
        tax_exclusive=lines + charged,
        tax=tax,
        tax_inclusive=inclusive,
        prepaid=paid if paid.is_positive else None,
        rounding=None if rounding.is_zero else rounding,
        payable=inclusive - paid + rounding,
    )


def _terms_text(terms: PaymentTerms, schedule: Iterable[InstalmentDue]) -> str:
    if terms.kind is TermsKind.IMMEDIATE:
        return "Payable on receipt"
    if terms.kind is TermsKind.NET:
        return f"Net {terms.days} days"
    if terms.kind is TermsKind.END_OF_MONTH:
        return f"End of month + {terms.days} days" if terms.days else "End of month"
    parts = [
        f"{part.amount.amount:f} {part.amount.currency} due {part.due_date.isoformat()}"
        for part in schedule
    ]
    return f"In {len(parts)} instalments: " + "; ".join(parts)


def _due_date(invoice: Invoice) -> dt.date | None:
    """The first instalment payments do not cover yet (in order), else the last due date."""
    left = invoice.paid
    for part in invoice.schedule:
        if left < part.amount:
            return part.due_date
        left = left - part.amount
    return invoice.due_date


def _means(invoice: Invoice, number: str) -> PaymentInstructions | None:
    means = invoice.payment_means
    if means is None:
        return None
    return PaymentInstructions(
        code=means.code.value,
        text=means.name,
        account=means.account,
        account_name=means.account_name,
        remittance=means.reference or number,
    )
