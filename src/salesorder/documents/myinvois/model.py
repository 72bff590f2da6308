"""What a MyInvois document states, decided once for the XML and the JSON form.

:func:`build` reads an issued invoice, a credit note or a consolidated invoice and checks
every field rule of LHDN's Invoice v1.0/v1.1 structure that the library's data can break;
a document that would break one is refused here with
:class:`~salesorder.exceptions.DocumentRuleError` (``rule`` is one of the ``MY-*`` ids the
docs page lists), never written wrong. The writers (:mod:`.writer`) only serialise it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesorder.documents.en16931 import unit_price
from salesorder.documents.myinvois.codes import (
    CONSOLIDATED_CLASSIFICATION,
    FOREIGN_BUYER_TIN,
    GENERAL_PUBLIC_TIN,
    DocumentKind,
    alpha3,
    state_code,
)
from salesorder.documents.myinvois.consolidated import ConsolidatedInvoice
from salesorder.documents.myinvois.options import MyInvoisOptions, MyInvoisReference
from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice, InvoiceLine, Party
from salesorder.domain.pricing import LineTax
from salesorder.domain.tax import TaxKind, TaxTreatment
from salesorder.domain.taxids import validate_tax_id
from salesorder.domain.units import Quantity
from salesorder.exceptions import DocumentRuleError, IllegalTransition
from salesorder.money import Money

__all__ = ["MyAddress", "MyDocument", "MyLine", "MyParty", "MyTax", "build"]

MYR = "MYR"
_HUNDRED = Decimal(100)
#: The registration schemes LHDN accepts, with the longest value each may have.
_REGISTRATION = {"BRN": 20, "NRIC": 12, "PASSPORT": 12, "ARMY": 12}
_PHONE = re.compile(r"^\+?\d{6,19}$")
_SST = re.compile(r"^[A-Za-z0-9-]+(;[A-Za-z0-9-]+)?$")
_MSIC = re.compile(r"^\d{5}$")
_PAYMENT_MODES = {"10": "01", "30": "03", "68": "06"}
_NA = "NA"


@attrs.frozen(kw_only=True)
class MyAddress:
    """A postal address as MyInvois writes it: lines, city, postcode, state, ISO alpha-3."""

    lines: tuple[str, ...]
    city: str
    postal_code: str
    state: str
    country: str


@attrs.frozen(kw_only=True)
class MyParty:
    """Supplier or buyer: name, identifications (scheme, value), industry, contact, address.

    ``msic`` is the supplier's (code, business activity), None for a buyer.
    """

    name: str
    identifications: tuple[tuple[str, str], ...]
    msic: tuple[str, str] | None
    email: str
    phone: str
    address: MyAddress


@attrs.frozen(kw_only=True)
class MyTax:
    """One tax of a line, or one row of the document's tax total, by tax type and rate."""

    type_code: str
    percent: Decimal
    base: Money
    amount: Money
    exemption_reason: str = ""


@attrs.frozen(kw_only=True)
class MyLine:
    """A line: ``price`` x ``quantity`` / ``base_quantity`` == ``net`` (the line's total)."""

    id: str
    description: str
    quantity: Quantity
    unit_code: str
    price: Decimal
    base_quantity: Quantity | None
    net: Money
    tax: Money
    taxes: tuple[MyTax, ...]
    classification: str


@attrs.frozen(kw_only=True)
class MyDocument:
    """Everything a MyInvois document states; build with :func:`build`."""

    kind: DocumentKind
    version: str
    number: str
    issued: dt.datetime
    currency: str
    exchange_rate: Decimal | None
    period: tuple[dt.date, dt.date, str] | None
    original: MyInvoisReference | None
    supplier: MyParty
    buyer: MyParty
    payment_mode: str
    payment_account: str
    terms: str
    lines: tuple[MyLine, ...]
    tax_rows: tuple[MyTax, ...]
    line_total: Money
    tax_total: Money
    inclusive: Money
    rounding: Money
    payable: Money


Source = Invoice | CreditNote | ConsolidatedInvoice


def build(document: Source, options: MyInvoisOptions) -> MyDocument:
    """The MyInvois content of ``document``, every field rule checked.

    Raises:
        IllegalTransition: a draft (no number) or a pro forma.
        InvalidTaxId: a Malaysian party's TIN fails LHDN's format.
        DocumentRuleError: a field rule of MyInvois the document breaks (see the docs
            page's table of ``MY-*`` rules).
    """
    name = _name(document)
    kind, lines, original = _kind(name, document, options)
    currency = document.currency
    if currency != MYR and options.exchange_rate is None:
        raise DocumentRuleError(
            name,
            "MY-EXCHANGE-RATE",
            f"is in {currency}: MyInvois requires the exchange rate to MYR "
            "(cac:TaxExchangeRate/cbc:CalculationRate); give MyInvoisOptions.exchange_rate",
        )
    consolidated = isinstance(document, ConsolidatedInvoice)
    my_lines = tuple(_line(name, line, options, consolidated=consolidated) for line in lines)
    types = {tax.type_code for line in my_lines for tax in line.taxes}
    supplier = _supplier(name, document.seller, options, charges_sst=bool(types & {"01", "02"}))
    buyer = (
        _general_public()
        if isinstance(document, ConsolidatedInvoice)
        else _buyer(name, document.buyer)
    )
    zero = Money.zero(currency)
    line_total = Money.sum((line.net for line in my_lines), currency)
    tax_total = Money.sum((line.tax for line in my_lines), currency)
    inclusive = line_total + tax_total
    gross = Money.sum((line.gross for line in lines), currency)
    rounding = gross - inclusive
    if isinstance(document, Invoice | ConsolidatedInvoice):
        rounding = rounding + (document.rounding if kind is not DocumentKind.CREDIT_NOTE else zero)
    means = document.payment_means if isinstance(document, Invoice) else None
    return MyDocument(
        kind=kind.self_billed if options.self_billed else kind,
        version=options.version,
        number=_number(document),
        issued=_issued(document).astimezone(dt.timezone.utc),
        currency=currency,
        exchange_rate=options.exchange_rate if currency != MYR else None,
        period=document.period if isinstance(document, ConsolidatedInvoice) else None,
        original=original,
        supplier=supplier,
        buyer=buyer,
        payment_mode="" if means is None else _PAYMENT_MODES.get(means.code.value, "08"),
        payment_account="" if means is None else means.account,
        terms=_terms(document),
        lines=my_lines,
        tax_rows=_rows(my_lines),
        line_total=line_total,
        tax_total=tax_total,
        inclusive=inclusive,
        rounding=rounding,
        payable=inclusive + rounding,
    )


# -- identity and kind -----------------------------------------------------------------


def _name(document: Source) -> str:
    if isinstance(document, CreditNote):
        return f"credit note {document.number!r}"
    if isinstance(document, ConsolidatedInvoice):
        return f"consolidated invoice {document.number!r}"
    if document.number is None or document.issued_at is None:
        raise IllegalTransition(f"invoice {document.id!r}", document.status.value, "export")
    if document.document is DocumentType.PRO_FORMA:
        raise IllegalTransition(
            document.thing, document.status.value, "export", "a pro forma is not an invoice"
        )
    return document.thing


def _number(document: Source) -> str:
    number = document.number
    assert number is not None  # noqa: S101 - _name refused drafts
    return number


def _issued(document: Source) -> dt.datetime:
    issued = document.issued_at
    assert issued is not None  # noqa: S101 - _name refused drafts
    return issued


def _terms(document: Source) -> str:
    if isinstance(document, CreditNote):
        return f"Credited against invoice {document.invoice_number}"
    return ""


def _kind(
    name: str, document: Source, options: MyInvoisOptions
) -> tuple[DocumentKind, tuple[InvoiceLine, ...], MyInvoisReference | None]:
    """The e-invoice type, the lines as the type states them, and the original referenced."""
    if isinstance(document, ConsolidatedInvoice):
        return DocumentKind.INVOICE, document.lines, None
    if isinstance(document, CreditNote):
        kind = DocumentKind.REFUND_NOTE if options.refund else DocumentKind.CREDIT_NOTE
        return kind, document.lines, _original(name, options, document.invoice_number)
    if document.document is DocumentType.REPLACEMENT:
        raise DocumentRuleError(
            name,
            "MY-KIND",
            "is a replacement invoice; MyInvois has none (cancel the e-invoice within 72 "
            "hours and issue a new one, or correct it with a credit or debit note)",
        )
    if document.document is not DocumentType.ADJUSTMENT:
        return DocumentKind.INVOICE, document.lines, None
    signs = {line.gross.is_negative for line in document.lines if not line.gross.is_zero}
    if len(signs) != 1:
        raise DocumentRuleError(
            name,
            "MY-KIND",
            "adjusts some lines up and others down; MyInvois corrects with a debit note "
            "(up) or a credit note (down): issue one adjustment of each",
        )
    original = _original(name, options, document.corrects_number or "")
    if signs == {True}:
        credited = tuple(line.negated() for line in document.lines)
        return DocumentKind.CREDIT_NOTE, credited, original
    return DocumentKind.DEBIT_NOTE, document.lines, original


def _original(name: str, options: MyInvoisOptions, number: str) -> MyInvoisReference:
    original = options.original
    if original is None:
        raise DocumentRuleError(
            name,
            "MY-ORIGINAL",
            f"corrects invoice {number!r} but its MyInvois UUID is not given "
            "(cac:BillingReference/cac:InvoiceDocumentReference/cbc:UUID); give "
            "MyInvoisOptions.original",
        )
    if original.number != number:
        raise DocumentRuleError(
            name,
            "MY-ORIGINAL",
            f"corrects invoice {number!r} but MyInvoisOptions.original is e-invoice "
            f"{original.number!r}",
        )
    return original


# -- parties ---------------------------------------------------------------------------


def _general_public() -> MyParty:
    """The buyer of a consolidated e-invoice: the general public, every field "NA"."""
    return MyParty(
        name="General Public",
        identifications=(("TIN", GENERAL_PUBLIC_TIN), ("BRN", _NA), ("SST", _NA)),
        msic=None,
        email="",
        phone=_NA,
        address=MyAddress(lines=(_NA,), city=_NA, postal_code="", state="17", country="MYS"),
    )


def _supplier(name: str, party: Party, options: MyInvoisOptions, *, charges_sst: bool) -> MyParty:
    if not party.tax_id:
        raise DocumentRuleError(
            name, "MY-TIN", f"the supplier {party.name!r} has no TIN (Supplier's TIN)"
        )
    tin = validate_tax_id(party.tax_id, "MY", whose=f"supplier {party.name!r}").compact
    sst = _sst(name, party, required=charges_sst)
    ttx = party.identifier("TTX")
    found = party.identifier("MSIC")
    code = options.msic or (found.value if found is not None else "")
    activity = options.activity or (found.description if found is not None else "")
    if not _MSIC.match(code) or not activity:
        raise DocumentRuleError(
            name,
            "MY-MSIC",
            f"the supplier {party.name!r} needs its 5-digit MSIC code and business activity "
            f"description (cbc:IndustryClassificationCode), got {code!r} and {activity!r}",
        )
    return MyParty(
        name=party.name,
        identifications=(
            ("TIN", tin),
            _registration(name, party, "supplier"),
            ("SST", sst),
            ("TTX", ttx.value if ttx is not None else _NA),
        ),
        msic=(code, activity),
        email=party.email,
        phone=_phone(name, party, "supplier"),
        address=_address(name, party, "supplier"),
    )


def _buyer(name: str, party: Party) -> MyParty:
    country = (party.country or "").upper()
    if party.tax_id and country in ("MY", ""):
        tin = validate_tax_id(party.tax_id, "MY", whose=f"buyer {party.name!r}").compact
    elif party.tax_id and party.tax_id.upper().startswith("EI"):
        tin = party.tax_id.upper()
    else:
        # LHDN's TINs for buyers who have none (e-Invoice Specific Guideline): a Malaysian
        # individual's is the general public's, a foreign buyer's is EI00000000020.
        tin = GENERAL_PUBLIC_TIN if country == "MY" else FOREIGN_BUYER_TIN
    return MyParty(
        name=party.name,
        identifications=(
            ("TIN", tin),
            _registration(name, party, "buyer"),
            ("SST", _sst(name, party, required=False)),
        ),
        msic=None,
        email=party.email,
        phone=_phone(name, party, "buyer"),
        address=_address(name, party, "buyer"),
    )


def _registration(name: str, party: Party, role: str) -> tuple[str, str]:
    for scheme, longest in _REGISTRATION.items():
        found = party.identifier(scheme)
        if found is None:
            continue
        if len(found.value) > longest:
            raise DocumentRuleError(
                name,
                "MY-REGISTRATION",
                f"the {role} {party.name!r} has {scheme} {found.value!r}: at most {longest} "
                "characters",
            )
        return scheme, found.value
    raise DocumentRuleError(
        name,
        "MY-REGISTRATION",
        f"the {role} {party.name!r} has no registration or identification number "
        "(cac:PartyIdentification of scheme BRN, NRIC, PASSPORT or ARMY)",
    )


def _sst(name: str, party: Party, *, required: bool) -> str:
    found = party.identifier("SST")
    if found is None:
        if required:
            raise DocumentRuleError(
                name,
                "MY-SST",
                f"charges sales or service tax but the supplier {party.name!r} has no SST "
                "registration number (cac:PartyIdentification of scheme SST)",
            )
        return _NA
    if len(found.value) > 35 or not _SST.match(found.value):
        raise DocumentRuleError(
            name,
            "MY-SST",
            f"SST registration {found.value!r} of {party.name!r}: at most two numbers of "
            "letters, digits and dashes, separated by ';', 35 characters in all",
        )
    return found.value


def _phone(name: str, party: Party, role: str) -> str:
    raw = party.phone or (party.address.phone if party.address is not None else "")
    phone = re.sub(r"[\s().-]", "", raw)
    if not _PHONE.match(phone):
        raise DocumentRuleError(
            name,
            "MY-CONTACT",
            f"the {role} {party.name!r} needs a telephone number in E.164 form "
            f"(cac:Contact/cbc:Telephone, such as +60123456789), got {raw!r}",
        )
    return phone


def _address(name: str, party: Party, role: str) -> MyAddress:
    address = party.address
    if address is None:
        raise DocumentRuleError(
            name, "MY-ADDRESS", f"the {role} {party.name!r} has no address (cac:PostalAddress)"
        )
    country = alpha3(address.country)
    if country is None:
        raise DocumentRuleError(
            name,
            "MY-COUNTRY",
            f"the {role} {party.name!r} is in {address.country!r}, which has no ISO 3166-1 "
            "alpha-3 code",
        )
    if country == "MYS":
        state = state_code(address.region, address.city)
        if state is None:
            raise DocumentRuleError(
                name,
                "MY-STATE",
                f"the {role} {party.name!r} has no Malaysian state LHDN knows in its "
                f"address (region {address.region!r}, city {address.city!r}; "
                "cbc:CountrySubentityCode 01 to 16)",
            )
    else:
        state = address.region or "17"
    return MyAddress(
        lines=tuple(line for line in (address.line1, address.line2) if line),
        city=address.city,
        postal_code=address.postal_code,
        state=state,
        country=country,
    )


# -- lines and taxes -------------------------------------------------------------------


def _percent(rate: Decimal) -> Decimal:
    return (rate * _HUNDRED).normalize() + 0  # "+ 0" turns -0 and 0E+2 into 0


def _tax(name: str, line: InvoiceLine, record: LineTax, options: MyInvoisOptions) -> MyTax:
    if record.kind is not TaxKind.PERCENT:
        raise DocumentRuleError(
            name,
            "MY-TAX-TYPE",
            f"carries {record.kind.value} tax {record.tax_code!r}; MyInvois states "
            "percentage taxes here (fixed-rate and withholding taxes are not written)",
            line=line.line_id,
        )
    tax_type = options.tax_type(record.tax_code)
    if record.treatment is TaxTreatment.NOT_SUBJECT:
        tax_type = "06"
    expected = {TaxTreatment.EXEMPT: "E", TaxTreatment.NOT_SUBJECT: "06"}
    fits = record.treatment is not TaxTreatment.TAXABLE or tax_type not in ("E", "06")
    if (
        tax_type is None
        or record.treatment in (TaxTreatment.ZERO_RATED, TaxTreatment.REVERSE_CHARGE)
        or expected.get(record.treatment, tax_type) != tax_type
        or not fits
    ):
        raise DocumentRuleError(
            name,
            "MY-TAX-TYPE",
            f"carries tax {record.tax_code!r} ({record.treatment.value}), which has no "
            "MyInvois tax type (01 sales, 02 service, 03 tourism, 04 high-value goods, 05 "
            "low value goods, 06 not applicable, E exempt); map it in "
            "MyInvoisOptions.tax_types",
            line=line.line_id,
        )
    reason = record.exemption_reason if tax_type == "E" else ""
    if tax_type == "E" and not reason:
        raise DocumentRuleError(
            name,
            "MY-EXEMPTION",
            f"is exempt from {record.tax_code!r} without a reason (cbc:TaxExemptionReason)",
            line=line.line_id,
        )
    percent = _percent(record.effective_rate) if tax_type not in ("E", "06") else Decimal(0)
    return MyTax(
        type_code=tax_type,
        percent=percent,
        base=record.base,
        amount=record.amount,
        exemption_reason=reason,
    )


def _line(name: str, line: InvoiceLine, options: MyInvoisOptions, *, consolidated: bool) -> MyLine:
    records = line.tax_records
    taxes = tuple(_tax(name, line, record, options) for record in records) or (
        MyTax(
            type_code="06", percent=Decimal(0), base=line.net, amount=Money.zero(line.net.currency)
        ),
    )
    price, base = unit_price(line.net.amount, line.quantity)
    classification = (
        CONSOLIDATED_CLASSIFICATION if consolidated else options.classification(line.sku)
    )
    return MyLine(
        id=line.line_id,
        description=line.description or line.sku,
        quantity=line.quantity,
        unit_code=line.unit.un_code,
        price=price,
        base_quantity=base,
        net=line.net,
        tax=line.tax,
        taxes=taxes,
        classification=classification,
    )


def _rows(lines: Iterable[MyLine]) -> tuple[MyTax, ...]:
    """The document's tax total: one row per (tax type, rate), exact sums of the lines'."""
    rows: dict[tuple[str, Decimal], list[MyTax]] = {}
    for line in lines:
        for tax in line.taxes:
            rows.setdefault((tax.type_code, tax.percent), []).append(tax)
    result = []
    for (type_code, percent), members in rows.items():
        currency = members[0].base.currency
        reasons = dict.fromkeys(t.exemption_reason for t in members if t.exemption_reason)
        result.append(
            MyTax(
                type_code=type_code,
                percent=percent,
                base=Money.sum((t.base for t in members), currency),
                amount=Money.sum((t.amount for t in members), currency),
                exemption_reason="; ".join(reasons),
            )
        )
    return tuple(result)
