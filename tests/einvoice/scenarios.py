"""Issued invoices and credit notes built straight from the domain's values, figures by hand.

Each builder gives a document as the domain stores it once issued, so the e-invoice tests
can state one case per EN 16931 rule without going through a whole shop. The amounts are
worked out in the docstrings; every breakdown passes BR-CO-17 unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from salesorder import Address, Money
from salesorder.domain.invoicing import (
    CreditNote,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Party,
)
from salesorder.domain.invoicing.model import PaymentMeans, PaymentMeansCode
from salesorder.domain.pricing import LineTax, TaxSummary
from salesorder.domain.tax import TaxTreatment
from salesorder.domain.terms import InstalmentDue, PaymentTerms

ISSUED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
NPWP = "01.300.066.6-091.000"
ID_SELLER = Party(
    name="PT Toko Contoh",
    address=Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID"),
    tax_id=NPWP,
)
ID_BUYER = Party(
    name="PT Maju Jaya",
    address=Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID"),
    tax_id=NPWP,
)
VN_SELLER = Party(
    name="Cong ty TNHH Dai Phat",
    address=Address(line1="1 Le Loi", city="Ho Chi Minh", country="VN"),
    tax_id="0312345678",
)
VN_BUYER = Party(
    name="Cong ty CP Minh Anh",
    address=Address(line1="5 Trang Tien", city="Ha Noi", country="VN"),
    tax_id="0101234567",
)
GREEK_BUYER = Party(
    name="Emporiki AE",
    address=Address(line1="Ermou 10", city="Athina", country="GR"),
    tax_id="EL 094259216",
)


def money(amount: str, currency: str = "IDR") -> Money:
    return Money.of(amount, currency)


def tax(
    code: str,
    rate: str,
    base: Money,
    amount: Money,
    *,
    treatment: TaxTreatment = TaxTreatment.TAXABLE,
    effective: str | None = None,
    legal_base: Money | None = None,
    reason: str = "",
    reason_code: str = "",
) -> LineTax:
    """One tax of a line; ``effective`` defaults to ``rate``."""
    return LineTax(
        tax_code=code,
        tax_rate=Decimal(rate),
        effective_rate=Decimal(effective or rate),
        base=base,
        amount=amount,
        treatment=treatment,
        legal_base=legal_base,
        exemption_reason=reason,
        exemption_code=reason_code,
    )


def line(
    line_id: str,
    quantity: int,
    net: Money,
    taxes: Sequence[LineTax],
    *,
    charge: str = "",
    description: str = "",
) -> InvoiceLine:
    """A line of ``quantity`` units at ``net`` whose tax is the sum of ``taxes``."""
    amount = Money.sum((t.amount for t in taxes), net.currency)
    first = taxes[0] if taxes else None
    return InvoiceLine(
        line_id=line_id,
        sku="" if charge else f"SKU-{line_id}",
        description=description or f"Item {line_id}",
        quantity=quantity,
        unit_price=net / quantity if quantity else net,
        discount=Money.zero(net.currency),
        net=net,
        tax=amount,
        gross=net + amount,
        tax_code=first.tax_code if first else "",
        tax_rate=first.tax_rate if first else Decimal(0),
        taxes=tuple(taxes),
        charge=charge,
    )


def summary(lines: Sequence[InvoiceLine], currency: str) -> tuple[TaxSummary, ...]:
    """Per (tax code, rate): sums of the lines' bases, taxes and legal bases."""
    rows: dict[tuple[str, Decimal], list[LineTax]] = {}
    for item in lines:
        for t in item.tax_records:
            rows.setdefault((t.tax_code, t.tax_rate), []).append(t)
    out = []
    for (code, rate), taxes in rows.items():
        legal = [t.legal_base for t in taxes if t.legal_base is not None]
        out.append(
            TaxSummary(
                tax_code=code,
                tax_rate=rate,
                effective_rate=taxes[0].effective_rate,
                base=Money.sum((t.base for t in taxes), currency),
                tax=Money.sum((t.amount for t in taxes), currency),
                treatment=taxes[0].treatment,
                legal_base=Money.sum(legal, currency) if legal else None,
                exemption_reason=taxes[0].exemption_reason,
                exemption_code=taxes[0].exemption_code,
            )
        )
    return tuple(out)


def invoice(
    lines: Sequence[InvoiceLine],
    *,
    seller: Party = ID_SELLER,
    buyer: Party = ID_BUYER,
    number: str = "INV-000001",
    document: DocumentType = DocumentType.INVOICE,
    corrects_number: str | None = None,
    terms: PaymentTerms | None = None,
    schedule: Sequence[InstalmentDue] = (),
    paid: Money | None = None,
    rounding: Money | None = None,
    payment_means: PaymentMeans | None = None,
) -> Invoice:
    """An issued invoice of ``lines`` (in their currency), issued on 5 January 2026."""
    currency = lines[0].net.currency
    gross = Money.sum((item.gross for item in lines), currency)
    terms = terms or PaymentTerms.immediate()
    return Invoice(
        id="I-" + number,
        order_id="O1",
        kind=InvoiceKind.VAT,
        series="INV",
        seller=seller,
        buyer=buyer,
        currency=currency,
        lines=tuple(lines),
        tax_summary=summary(lines, currency),
        net=Money.sum((item.net for item in lines), currency),
        tax=Money.sum((item.tax for item in lines), currency),
        gross=gross,
        status=InvoiceStatus.ISSUED,
        number=number,
        issued_at=ISSUED,
        due_date=terms.due_date(ISSUED.date()),
        document=document,
        corrects="I-X" if corrects_number else None,
        corrects_number=corrects_number,
        terms=terms,
        schedule=tuple(schedule) or terms.schedule(gross, ISSUED.date()),
        paid=paid or Money.zero(currency),
        rounding=rounding or Money.zero(currency),
        payment_means=payment_means,
    )


def credit_note(original: Invoice, lines: Sequence[InvoiceLine], reason: str) -> CreditNote:
    """A credit note of ``lines`` against ``original``, numbered CN-000001."""
    currency = original.currency
    net = Money.sum((item.net for item in lines), currency)
    amount = Money.sum((item.tax for item in lines), currency)
    assert original.number is not None
    return CreditNote(
        id="CN1",
        invoice_id=original.id,
        invoice_number=original.number,
        order_id=original.order_id,
        series="CN",
        number="CN-000001",
        issued_at=ISSUED + dt.timedelta(days=3),
        seller=original.seller,
        buyer=original.buyer,
        currency=currency,
        lines=tuple(lines),
        tax_summary=summary(lines, currency),
        net=net,
        tax=amount,
        gross=net + amount,
        reason=reason,
    )


# -- the cases -------------------------------------------------------------------------------


def ppn(line_id: str, quantity: int, net: str, vat: str) -> InvoiceLine:
    """PPN 12% on an IDR net: ``vat`` is the caller's net x 12% rounded."""
    base = money(net)
    return line(line_id, quantity, base, [tax("ID-PPN-12", "0.12", base, money(vat))])


def plain() -> Invoice:
    """2 x Rp50,000.00 at PPN 12%: net 100,000.00, tax 12,000.00, paid by transfer."""
    means = PaymentMeans(
        code=PaymentMeansCode.CREDIT_TRANSFER,
        name="Bank transfer",
        account="1234567890",
        account_name="PT Toko Contoh",
    )
    return invoice([ppn("L1", 2, "100000.00", "12000.00")], payment_means=means)


def exempt_zero_and_standard() -> Invoice:
    """PPN 12% on 100,000.00 (12,000.00), an exempt book (50,000.00), an export (80,000.00)."""
    book, export = money("50000.00"), money("80000.00")
    zero = money("0")
    return invoice(
        [
            ppn("L1", 1, "100000.00", "12000.00"),
            line(
                "L2",
                1,
                book,
                [
                    tax(
                        "ID-PPN-EXEMPT",
                        "0",
                        book,
                        zero,
                        treatment=TaxTreatment.EXEMPT,
                        reason="PPN dibebaskan (PP 49/2022)",
                    )
                ],
            ),
            line(
                "L3",
                1,
                export,
                [tax("ID-PPN-EXPORT", "0", export, zero, treatment=TaxTreatment.ZERO_RATED)],
            ),
        ]
    )


def not_subject() -> Invoice:
    """One line outside VAT (Vietnam): 2,000,000 VND, no tax; tax ids go as legal ids."""
    net = money("2000000", "VND")
    return invoice(
        [
            line(
                "L1",
                4,
                net,
                [
                    tax(
                        "VN-VAT-NS",
                        "0",
                        net,
                        money("0", "VND"),
                        treatment=TaxTreatment.NOT_SUBJECT,
                        reason="Khong chiu thue GTGT",
                    )
                ],
            )
        ],
        seller=VN_SELLER,
        buyer=VN_BUYER,
    )


def vnd(line_id: str, quantity: int, net: str, rate: str, vat: str) -> InvoiceLine:
    base = money(net, "VND")
    return line(line_id, quantity, base, [tax(f"VN-VAT-{rate}", rate, base, money(vat, "VND"))])


def vietnam_rates() -> Invoice:
    """VAT 10% on 1,000,000 (100,000), 8% on 500,000 (40,000), 5% on 200,000 (10,000)."""
    return invoice(
        [
            vnd("L1", 10, "1000000", "0.10", "100000"),
            vnd("L2", 5, "500000", "0.08", "40000"),
            vnd("L3", 2, "200000", "0.05", "10000"),
        ],
        seller=VN_SELLER,
        buyer=VN_BUYER,
    )


def dpp(legal_base: str = "371621.63") -> Invoice:
    """3 T-shirts, net 405,405.41: PPN 12% on the DPP 11/12 x 405,405.41 = 371,621.63
    is 44,594.59, written as 11% of 405,405.41 (= 44,594.5951 -> 44,594.59)."""
    net = money("405405.41")
    record = tax(
        "ID-PPN-DPP",
        "0.12",
        net,
        money("44594.59"),
        effective="0.11",
        legal_base=money(legal_base),
    )
    return invoice([line("L1", 3, net, [record])])


def with_shipping() -> Invoice:
    """Goods 1,000,000 VND at 10% (100,000) and freight 30,000 at 10% (3,000): BT-109
    1,030,000, VAT 103,000, total 1,133,000."""
    freight = money("30000", "VND")
    return invoice(
        [
            vnd("L1", 2, "1000000", "0.10", "100000"),
            line(
                "SHIP",
                1,
                freight,
                [tax("VN-VAT-0.10", "0.10", freight, money("3000", "VND"))],
                charge="FC",
                description="Freight",
            ),
        ],
        seller=VN_SELLER,
        buyer=VN_BUYER,
    )


def prepaid() -> Invoice:
    """The plain invoice (112,000.00) paid in full: prepaid 112,000.00, payable 0."""
    return invoice([ppn("L1", 2, "100000.00", "12000.00")], paid=money("112000.00"))


def cod_rounded() -> Invoice:
    """Net 100,045.00 + PPN 12% 12,005.40 = 112,050.40 collected as 112,100: rounding +49.60."""
    means = PaymentMeans(code=PaymentMeansCode.CASH, name="Cash on delivery")
    return invoice(
        [ppn("L1", 1, "100045.00", "12005.40")],
        rounding=money("49.60"),
        payment_means=means,
    )


def instalments() -> Invoice:
    """Net 300,000.00 + 36,000.00 = 336,000.00 in two instalments of 168,000.00 (day 0
    and day 30); the first is paid, so BT-9 is the second's date, 4 February 2026."""
    return invoice(
        [ppn("L1", 3, "300000.00", "36000.00")],
        terms=PaymentTerms.in_instalments([(1, 0), (1, 30)]),
        paid=money("168000.00"),
    )


def partial_credit() -> CreditNote:
    """1 of 3 units credited: net 100,000.00 + 12,000.00."""
    original = invoice([ppn("L1", 3, "300000.00", "36000.00")])
    return credit_note(original, [ppn("L1", 1, "100000.00", "12000.00")], "1 unit returned")


def vietnam_adjustment() -> Invoice:
    """A downward adjustment (384) of 3 units by -100,000 VND net, -10,000 VAT: the unit
    price 33,333.33... recurs, so 100,000 is the price of a base quantity of 3."""
    return invoice(
        [vnd("L1", 3, "-100000", "0.10", "-10000")],
        seller=VN_SELLER,
        buyer=VN_BUYER,
        number="INV-000002",
        document=DocumentType.ADJUSTMENT,
        corrects_number="INV-000001",
    )


def vietnam_replacement() -> Invoice:
    """A replacement (384) of INV-000001: 3 units, 1,000,000 VND at 10%."""
    return invoice(
        [vnd("L1", 3, "1000000", "0.10", "100000")],
        seller=VN_SELLER,
        buyer=VN_BUYER,
        number="INV-000003",
        document=DocumentType.REPLACEMENT,
        corrects_number="INV-000001",
    )


def greek_buyer() -> Invoice:
    """The plain invoice for a Greek business whose VAT id is given as "EL 094259216"."""
    return invoice([ppn("L1", 2, "100000.00", "12000.00")], buyer=GREEK_BUYER)


#: Every case both syntaxes must write as a valid document, by name.
VALID = {
    "plain": plain,
    "exempt-zero-standard": exempt_zero_and_standard,
    "not-subject": not_subject,
    "vnd-10-8-5": vietnam_rates,
    "idr-ppn-dpp": dpp,
    "shipping-charge": with_shipping,
    "prepaid": prepaid,
    "cod-rounding": cod_rounded,
    "instalments": instalments,
    "partial-credit-note": partial_credit,
    "vn-adjustment": vietnam_adjustment,
    "vn-replacement": vietnam_replacement,
    "greek-buyer": greek_buyer,
}
