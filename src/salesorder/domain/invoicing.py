"""Invoices and credit notes: legal documents that add up, numbered without gaps.

A draft invoice is built from a priced order (all its lines, or the lines of one shipment)
and carries no number; issuing takes the next number of its series and freezes it: its
lines, parties and amounts never change again. Corrections are separate documents that
reference the original: a :class:`CreditNote` (full or partial, never more than is left to
credit), or Vietnam's adjustment and replacement invoices (:class:`DocumentType`).

Amounts are copied from the order's pricing, so invoice totals add up exactly as the
order's do; a partial credit is split over lines and rates with
:func:`salesorder.money.apportion`, so a credit note adds up too.

An invoice keeps what was credited on each of its lines (``Invoice.credited_lines``): a
credit note either names the lines it credits and how much of each (a return of some
lines), or spreads an amount over the lines by what each has left to credit. Either way
no line is ever credited beyond its gross, and within a line the tax credited never goes
beyond the line's tax (see :meth:`Invoice.credit_lines`).

What can still change on an issued invoice is bookkeeping, not the document: the amount
paid (allocations of payments), the amount credited, and the e-invoice provider's answer.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesorder.domain.common import as_tuple, aware_datetime, code, non_empty
from salesorder.domain.customers import Address
from salesorder.domain.pricing import PricedOrder, TaxSummary
from salesorder.domain.taxids import validate_tax_id
from salesorder.domain.terms import InstalmentDue, PaymentTerms
from salesorder.exceptions import (
    CreditLimitExceeded,
    CurrencyMismatch,
    IllegalTransition,
    PaymentError,
    ValidationError,
)
from salesorder.money import Money, apportion

__all__ = [
    "AgeingBucket",
    "AgeingReport",
    "CreditNote",
    "DocumentType",
    "EInvoiceState",
    "EInvoiceStatus",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceRule",
    "InvoiceSeries",
    "InvoiceStatus",
    "Party",
    "PaymentState",
    "ageing_report",
]


class InvoiceKind(str, enum.Enum):
    """A plain sales invoice, or a VAT invoice for business buyers (via an e-invoice provider)."""

    SALES = "sales"
    VAT = "vat"


class InvoiceStatus(str, enum.Enum):
    """A draft has no number; an issued invoice is a frozen legal document."""

    DRAFT = "draft"
    ISSUED = "issued"
    #: Superseded by a replacement invoice (Vietnam); it stays on record, but nothing is due.
    REPLACED = "replaced"


class DocumentType(str, enum.Enum):
    """What the document is: an invoice, a pro forma, or a correction of an issued invoice.

    A pro forma is a quotation in the shape of an invoice: it is numbered in its own series
    and nothing is due on it. Adjustment and replacement invoices are Vietnam's corrections
    (Decree 123/2020): both reference the original; a replacement supersedes it.
    """

    INVOICE = "invoice"
    PRO_FORMA = "pro_forma"
    ADJUSTMENT = "adjustment"
    REPLACEMENT = "replacement"


class PaymentState(str, enum.Enum):
    """Where an issued invoice stands with the buyer's money on a given day."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"


class EInvoiceState(str, enum.Enum):
    """Where an e-invoice is at its provider and the tax authority."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


@attrs.frozen(kw_only=True)
class EInvoiceStatus:
    """The provider's answer: its reference, the state, the authority's code or the reasons."""

    provider: str
    provider_ref: str
    state: EInvoiceState
    authority_code: str = ""
    reasons: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    #: The provider's reference of the e-invoice this one replaces.
    replaces: str = ""


@attrs.frozen(kw_only=True)
class Party:
    """Seller or buyer as printed on an invoice."""

    name: str = attrs.field(validator=non_empty)
    address: Address | None = None
    tax_id: str = ""

    @property
    def country(self) -> str | None:
        """The country of the party's address, which picks the tax identifier's scheme."""
        return self.address.country if self.address is not None else None

    def check_tax_id(self, role: str) -> None:
        """Validate a non-empty tax identifier (see :mod:`salesorder.domain.taxids`).

        Raises:
            InvalidTaxId: it fails its scheme's format or check digits.
        """
        if self.tax_id:
            validate_tax_id(self.tax_id, self.country, whose=f"{role} {self.name!r}")


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """An invoice line copied from a priced order line."""

    line_id: str
    sku: str
    description: str
    quantity: int
    unit_price: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal

    def negated(self) -> InvoiceLine:
        """This line with net, tax and gross negated (a credit as an adjustment's line)."""
        return attrs.evolve(self, net=-self.net, tax=-self.tax, gross=-self.gross)


@attrs.define(kw_only=True)
class InvoiceSeries:
    """A numbering series: numbers are handed out one by one, without gaps.

    ``prefix`` is printed before a zero-padded number (``"INV-2026-"`` + ``"000001"``).
    Taking a number and issuing the invoice happen in one unit of work, so a failed issue
    leaves no gap.
    """

    code: str = attrs.field(validator=code)
    prefix: str = ""
    next_number: int = 1
    width: int = 6

    def take(self) -> str:
        """The next number, formatted; the series moves on by one."""
        number = f"{self.prefix}{self.next_number:0{self.width}d}"
        self.next_number += 1
        return number


@attrs.frozen(kw_only=True)
class InvoiceRule:
    """The seller's rule for a VAT invoice without the buyer asking for one.

    A VAT invoice is issued for business buyers (``business_buyers``), and for any buyer with
    a tax identifier when the order's gross is at least ``above`` (when set).
    """

    business_buyers: bool = True
    above: Money | None = None

    def wants_vat(self, *, business: bool, has_tax_id: bool, gross: Money) -> bool:
        """True when the order gets a VAT invoice."""
        if self.business_buyers and business and has_tax_id:
            return True
        return (
            self.above is not None
            and has_tax_id
            and gross.currency == self.above.currency
            and gross >= self.above
        )


def _zero(document: Invoice | CreditNote) -> Money:
    return Money.zero(document.currency)


def _summarise(
    lines: Sequence[InvoiceLine], rates: dict[str, Decimal], currency: str
) -> tuple[TaxSummary, ...]:
    """Tax per rate of ``lines``: bases and taxes are exact sums of the lines."""
    by_code: dict[str, list[InvoiceLine]] = {}
    for line in lines:
        by_code.setdefault(line.tax_code, []).append(line)
    return tuple(
        TaxSummary(
            tax_code=tax_code,
            tax_rate=group[0].tax_rate,
            effective_rate=rates.get(tax_code, group[0].tax_rate),
            base=Money.sum((line.net for line in group), currency),
            tax=Money.sum((line.tax for line in group), currency),
        )
        for tax_code, group in by_code.items()
    )


@attrs.define(kw_only=True)
class Invoice:
    """An invoice for an order; see the module docstring.

    ``paid`` is what payments allocated to it cover; ``credited`` what credit notes took
    back. Both stay between zero and the gross, and ``paid + credited <= gross``.
    ``credited_lines`` is what was credited on each line (gross, by line id; lines never
    credited are absent): it sums to ``credited``, and no line's entry exceeds its gross.
    """

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    kind: InvoiceKind
    series: str = attrs.field(validator=code)
    seller: Party
    buyer: Party
    currency: str
    lines: tuple[InvoiceLine, ...]
    tax_summary: tuple[TaxSummary, ...]
    net: Money
    tax: Money
    gross: Money
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    issued_at: dt.datetime | None = None
    due_date: dt.date | None = None
    einvoice: EInvoiceStatus | None = None
    document: DocumentType = DocumentType.INVOICE
    corrects: str | None = None
    corrects_number: str | None = None
    replaced_by: str | None = None
    shipment_id: str | None = None
    terms: PaymentTerms = attrs.Factory(PaymentTerms)
    schedule: tuple[InstalmentDue, ...] = attrs.field(default=(), converter=as_tuple)
    paid: Money = attrs.Factory(_zero, takes_self=True)
    credited: Money = attrs.Factory(_zero, takes_self=True)
    credited_lines: dict[str, Money] = attrs.Factory(dict)

    @property
    def thing(self) -> str:
        """How errors name this invoice."""
        return f"invoice {self.number or self.id!r}" if self.number else f"invoice {self.id!r}"

    @classmethod
    def draft_from_order(
        cls,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        order_id: str,
        pricing: PricedOrder,
        descriptions: dict[str, tuple[str, str]],
        kind: InvoiceKind,
        series: str,
        seller: Party,
        buyer: Party,
        line_ids: Iterable[str] | None = None,
        document: DocumentType = DocumentType.INVOICE,
        shipment_id: str | None = None,
        terms: PaymentTerms | None = None,
    ) -> Invoice:
        """A draft invoice with the order's priced lines (all, or those in ``line_ids``).

        Args:
            id: the new invoice's id.
            order_id: the order invoiced.
            pricing: the order's pricing; lines and amounts are copied from it.
            descriptions: per line id, (SKU, description) to print.
            kind: a plain sales invoice or a VAT invoice (which needs the buyer's tax id).
            series: the numbering series the number will come from.
            seller: the seller as printed.
            buyer: the buyer as printed.
            line_ids: the lines to invoice (one shipment's); all lines when None.
            document: an invoice, or a pro forma.
            shipment_id: the shipment invoiced, when invoicing per shipment.
            terms: payment terms; immediate when None.
        """
        if kind is InvoiceKind.VAT and not buyer.tax_id:
            raise ValidationError(f"a VAT invoice for order {order_id!r} needs the buyer's tax id")
        wanted = None if line_ids is None else list(line_ids)
        known = {p.line_id for p in pricing.lines}
        for line_id in wanted or ():
            if line_id not in known:
                raise ValidationError(f"order {order_id!r} has no line {line_id!r} to invoice")
        priced = [p for p in pricing.lines if wanted is None or p.line_id in wanted]
        if not priced:
            raise ValidationError(f"an invoice for order {order_id!r} needs at least one line")
        lines = tuple(
            InvoiceLine(
                line_id=p.line_id,
                sku=descriptions[p.line_id][0],
                description=descriptions[p.line_id][1],
                quantity=p.quantity,
                unit_price=p.unit_price,
                discount=p.discount,
                net=p.net,
                tax=p.tax,
                gross=p.gross,
                tax_code=p.tax_code,
                tax_rate=p.tax_rate,
            )
            for p in priced
        )
        currency = pricing.currency
        rates = {t.tax_code: t.effective_rate for t in pricing.tax_summary}
        return cls(
            id=id,
            order_id=order_id,
            kind=kind,
            series=series,
            seller=seller,
            buyer=buyer,
            currency=currency,
            lines=lines,
            tax_summary=_summarise(lines, rates, currency),
            net=Money.sum((line.net for line in lines), currency),
            tax=Money.sum((line.tax for line in lines), currency),
            gross=Money.sum((line.gross for line in lines), currency),
            document=document,
            shipment_id=shipment_id,
            terms=terms or PaymentTerms(),
        )

    def correction(
        self,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        document: DocumentType,
        series: str,
        lines: Sequence[InvoiceLine] | None = None,
        buyer: Party | None = None,
    ) -> Invoice:
        """A draft adjustment or replacement of this issued invoice (Vietnam's corrections).

        A replacement carries the corrected document in full (``lines`` and ``buyer`` default
        to the original's); an adjustment carries only the difference (``lines`` required,
        negative for a downward adjustment, positive for an upward one).

        Raises:
            IllegalTransition: this invoice is not issued (a draft, replaced), is a pro forma,
                or its e-invoice was cancelled.
        """
        if document not in (DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT):
            raise ValidationError(f"a correction is an adjustment or a replacement, not {document}")
        if self.status is not InvoiceStatus.ISSUED or self.document is DocumentType.PRO_FORMA:
            raise IllegalTransition(self.thing, self.status.value, f"issue a {document.value} of")
        if self.einvoice is not None and self.einvoice.state is EInvoiceState.CANCELLED:
            raise IllegalTransition(
                self.thing,
                self.status.value,
                f"issue a {document.value} of",
                "its e-invoice was cancelled",
            )
        if document is DocumentType.ADJUSTMENT and not lines:
            raise ValidationError(f"an adjustment of {self.thing} needs the lines it adjusts")
        chosen = tuple(lines) if lines else self.lines
        rates = {t.tax_code: t.effective_rate for t in self.tax_summary}
        return Invoice(
            id=id,
            order_id=self.order_id,
            kind=self.kind,
            series=series,
            seller=self.seller,
            buyer=buyer or self.buyer,
            currency=self.currency,
            lines=chosen,
            tax_summary=_summarise(chosen, rates, self.currency),
            net=Money.sum((line.net for line in chosen), self.currency),
            tax=Money.sum((line.tax for line in chosen), self.currency),
            gross=Money.sum((line.gross for line in chosen), self.currency),
            document=document,
            corrects=self.id,
            corrects_number=self.number,
            shipment_id=self.shipment_id,
            terms=self.terms,
        )

    def split_lines(self, amount: Money) -> tuple[InvoiceLine, ...]:
        """``amount`` (gross, either sign) spread over this invoice's lines.

        A positive amount (an upward adjustment) is spread by the lines' gross. A negative
        one takes something off: it is spread by what each line has left to credit (see
        :meth:`spread_credit`) and comes back negated, so no line is ever taken below zero.
        Within a line, net and tax are split by the line's own net and tax; every part
        comes from :func:`~salesorder.money.apportion`, so the lines add up to ``amount``.

        Raises:
            CreditLimitExceeded: a negative ``amount`` is more than is left to credit.
        """
        self._same_currency(amount, "split")
        if amount.is_negative:
            return tuple(line.negated() for line in self.spread_credit(-amount))
        parts = apportion(amount, [line.gross.amount for line in self.lines])
        split = (_credited_line(line, part) for line, part in zip(self.lines, parts, strict=True))
        return tuple(line for line in split if not line.gross.is_zero)

    # -- what is left to credit, per line ----------------------------------------------

    def _line(self, line_id: str) -> InvoiceLine:
        line = next((line for line in self.lines if line.line_id == line_id), None)
        if line is None:
            raise ValidationError(f"{self.thing} has no line {line_id!r} to credit")
        return line

    def line_credited(self, line_id: str) -> Money:
        """The gross credited so far on line ``line_id`` (zero when never credited)."""
        return self.credited_lines.get(line_id, Money.zero(self.currency))

    def line_creditable(self, line_id: str) -> Money:
        """What line ``line_id`` has left to credit: its gross minus what was credited on it.

        Raises:
            ValidationError: this invoice has no such line.
        """
        return self._line(line_id).gross - self.line_credited(line_id)

    def credit_lines(self, parts: Mapping[str, Money]) -> tuple[InvoiceLine, ...]:
        """The credit-note lines that credit ``parts`` (line id -> gross) of this invoice.

        Nothing changes here (:meth:`record_credit` counts the credit). Each line's gross
        is split into net and tax so that what was credited on the line so far is split
        exactly as :func:`~salesorder.money.apportion` splits it by the line's own net and
        tax: the first credit on a line is split by the line's net and tax, and the line's
        last credit takes exactly the net and tax it has left. So, summed over credit notes,
        no line's tax (nor net) is credited beyond what the invoice charged on it.

        Raises:
            ValidationError: an unknown line id, or an amount that is not positive.
            CurrencyMismatch: an amount in another currency.
            CreditLimitExceeded: an amount more than that line has left to credit.
        """
        for line_id, gross in parts.items():
            self._same_currency(gross, "credit")
            line = self._line(line_id)
            if not gross.is_positive:
                raise ValidationError(
                    f"a credit of line {line_id!r} of {self.thing} must be positive, got {gross}"
                )
            left = self.line_creditable(line_id)
            if gross > left:
                raise CreditLimitExceeded(
                    f"a credit of {gross} on line {line_id!r} of {self.thing} is more than "
                    f"the line has left to credit ({left} of {line.gross})"
                )
        total = Money.sum(parts.values(), self.currency)
        if total > self.creditable:  # lines credited before per-line records were kept
            raise CreditLimitExceeded(
                f"a credit note of {total} on {self.thing} is more than is left to credit "
                f"({self.creditable} of {self.gross})"
            )
        return tuple(
            _credited_line(line, parts[line.line_id], before=self.line_credited(line.line_id))
            for line in self.lines
            if line.line_id in parts
        )

    def spread_credit(self, amount: Money) -> tuple[InvoiceLine, ...]:
        """The credit-note lines that credit ``amount`` (gross) spread over the lines.

        The weights are what each line has left to credit (not its original gross), so no
        line is credited beyond its gross; lines that get nothing are left out. Within a
        line, net and tax are split as :meth:`credit_lines` does.

        Raises:
            CreditLimitExceeded: ``amount`` is not positive or more than is left to credit.
        """
        self._same_currency(amount, "credit")
        if not amount.is_positive or amount > self.creditable:
            raise CreditLimitExceeded(
                f"a credit note of {amount} on {self.thing} is more than is left to credit "
                f"({self.creditable} of {self.gross})"
            )
        left = [self.line_creditable(line.line_id) for line in self.lines]
        shares = apportion(amount, [part.amount for part in left])
        return self.credit_lines(
            {
                line.line_id: share
                for line, share in zip(self.lines, shares, strict=True)
                if share.is_positive
            }
        )

    # -- drafts -------------------------------------------------------------------------

    def _draft_only(self, action: str) -> None:
        if self.status is not InvoiceStatus.DRAFT:
            raise IllegalTransition(
                self.thing,
                self.status.value,
                action,
                "an issued invoice is never edited; correct it with a credit note, an "
                "adjustment or a replacement invoice",
            )

    def edit(
        self,
        *,
        buyer: Party | None = None,
        kind: InvoiceKind | None = None,
        terms: PaymentTerms | None = None,
    ) -> None:
        """Change a draft's buyer, template or payment terms.

        Raises:
            IllegalTransition: the invoice is issued.
        """
        self._draft_only("edit")
        new_buyer = buyer or self.buyer
        new_kind = kind or self.kind
        if new_kind is InvoiceKind.VAT and not new_buyer.tax_id:
            raise ValidationError(f"a VAT {self.thing} needs the buyer's tax id")
        self.buyer = new_buyer
        self.kind = new_kind
        self.terms = terms or self.terms

    def check_parties(self) -> None:
        """Validate the seller's and the buyer's tax identifiers.

        Raises:
            InvalidTaxId: one of them is invalid.
        """
        self.seller.check_tax_id("seller")
        self.buyer.check_tax_id("buyer")

    def issue(self, number: str, at: dt.datetime, due_date: dt.date | None = None) -> None:
        """Give the draft its number and freeze it.

        The due dates come from the payment terms (``due_date`` overrides the last one).

        Raises:
            IllegalTransition: the invoice is not a draft.
            InvalidTaxId: the seller's or buyer's tax identifier is invalid.
        """
        self._draft_only("issue")
        aware_datetime(self, attrs.fields(Invoice).issued_at, at)
        self.check_parties()
        schedule = self.terms.schedule(self.gross, at.date()) if self.gross.is_positive else ()
        self.number = number
        self.issued_at = at
        self.due_date = due_date or self.terms.due_date(at.date())
        self.schedule = schedule
        self.status = InvoiceStatus.ISSUED

    def record_einvoice(self, status: EInvoiceStatus) -> None:
        """Keep the provider's latest answer (only for an issued invoice)."""
        if self.status is InvoiceStatus.DRAFT:
            raise IllegalTransition(f"invoice {self.id!r}", self.status.value, "submit e-invoice")
        self.einvoice = status

    def mark_replaced(self, replacement_id: str) -> None:
        """Superseded by ``replacement_id``: nothing is due on this invoice any more."""
        if self.status is not InvoiceStatus.ISSUED:
            raise IllegalTransition(self.thing, self.status.value, "replace")
        if not self.paid.is_zero:
            raise IllegalTransition(
                self.thing, self.status.value, "replace", f"{self.paid} is allocated to it"
            )
        self.replaced_by = replacement_id
        self.status = InvoiceStatus.REPLACED

    # -- money ---------------------------------------------------------------------------

    @property
    def is_receivable(self) -> bool:
        """True for an issued invoice on which money can be due."""
        return (
            self.status is InvoiceStatus.ISSUED
            and self.document is not DocumentType.PRO_FORMA
            and self.gross.is_positive
        )

    @property
    def creditable(self) -> Money:
        """The gross minus what was credited (what a credit note may still take back).

        It is the sum over the lines of what each has left (:meth:`line_creditable`).
        """
        return self.gross - self.credited

    @property
    def open_balance(self) -> Money:
        """Gross minus paid minus credited, still to pay (zero when not receivable)."""
        if not self.is_receivable:
            return Money.zero(self.currency)
        return self.gross - self.paid - self.credited

    def payment_state(self, on: dt.date) -> PaymentState:
        """Unpaid, partly paid, paid, overdue (open after the due date) or credited in full."""
        if self.is_receivable and self.credited == self.gross:
            return PaymentState.CREDITED
        if self.open_balance.is_zero:
            return PaymentState.PAID
        if self.due_date is not None and on > self.due_date:
            return PaymentState.OVERDUE
        return PaymentState.PARTLY_PAID if self.paid.is_positive else PaymentState.UNPAID

    def _same_currency(self, amount: Money, what: str) -> None:
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, what)

    def allocate(self, amount: Money) -> None:
        """Count ``amount`` of a payment against this invoice (at most the open balance)."""
        self._same_currency(amount, "allocate")
        if not self.is_receivable or amount.is_negative or amount > self.open_balance:
            raise PaymentError(
                f"cannot allocate {amount} to {self.thing}: {self.open_balance} is open"
            )
        self.paid = self.paid + amount

    def release(self, amount: Money) -> None:
        """Take back ``amount`` of what was allocated (a refund, a credit note)."""
        self._same_currency(amount, "release")
        if amount.is_negative or amount > self.paid:
            raise PaymentError(f"cannot release {amount} from {self.thing}: {self.paid} is paid")
        self.paid = self.paid - amount

    def record_credit(self, lines: Iterable[InvoiceLine]) -> Money:
        """Count a credit note's ``lines``; returns what was paid beyond the new balance.

        Each line's gross is credited on the invoice line with the same id (a credit note's
        lines, or a downward adjustment's lines negated); a line of zero (a free line in a
        full credit) counts nothing. What was paid beyond the invoice's remaining amount is
        released from the invoice: the caller moves it to the customer's credit (or refunds
        it). A refused credit changes nothing.

        Raises:
            IllegalTransition: the invoice is not receivable.
            ValidationError: a line id the invoice does not have, a line repeated, or a
                line amount that is not positive.
            CreditLimitExceeded: a line's amount is more than that line has left to credit.
        """
        if not self.is_receivable:
            raise IllegalTransition(self.thing, self.status.value, "credit")
        parts: dict[str, Money] = {}
        seen: set[str] = set()
        for line in lines:
            if line.line_id in seen:
                raise ValidationError(f"a credit of {self.thing} repeats line {line.line_id!r}")
            seen.add(line.line_id)
            self._line(line.line_id)
            if line.gross.is_zero:
                continue  # a free line, copied whole into a full credit: nothing to count
            parts[line.line_id] = line.gross
        if not parts:
            raise ValidationError(f"a credit of {self.thing} needs at least one line")
        self.credit_lines(parts)  # validates every part before anything changes
        amount = Money.sum(parts.values(), self.currency)
        credited = dict(self.credited_lines)
        for line_id, gross in parts.items():
            credited[line_id] = self.line_credited(line_id) + gross
        self.credited_lines = credited
        self.credited = self.credited + amount
        excess = self.paid + self.credited - self.gross
        if excess.is_positive:
            self.paid = self.paid - excess
            return excess
        return Money.zero(self.currency)


@attrs.define(kw_only=True)
class CreditNote:
    """A credit note: takes back all or part of an issued invoice, which it references.

    Its lines mirror the invoice's with positive amounts (what is credited). A credit of
    some lines (``lines``: a return) credits exactly those lines; a credit of an amount is
    spread over the invoice's lines by what each has left to credit. Within a line, net and
    tax are split by the line's own net and tax, all with :func:`~salesorder.money.apportion`
    (see :meth:`Invoice.credit_lines`). So ``net + tax == gross`` on every line, the totals
    are exact sums, and the tax summary has the tax credited per rate.
    """

    id: str = attrs.field(validator=code)
    invoice_id: str = attrs.field(validator=code)
    invoice_number: str
    order_id: str = attrs.field(validator=code)
    series: str = attrs.field(validator=code)
    number: str
    issued_at: dt.datetime = attrs.field(validator=aware_datetime)
    seller: Party
    buyer: Party
    currency: str
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=as_tuple)
    tax_summary: tuple[TaxSummary, ...] = attrs.field(converter=as_tuple)
    net: Money
    tax: Money
    gross: Money
    reason: str = ""
    einvoice: EInvoiceStatus | None = None

    @classmethod
    def for_invoice(
        cls,
        invoice: Invoice,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        series: str,
        number: str,
        at: dt.datetime,
        amount: Money | None = None,
        reason: str = "",
        lines: Mapping[str, Money] | None = None,
    ) -> CreditNote:
        """A credit note for ``amount`` (gross) of ``invoice``, or for the given ``lines``.

        With ``lines`` (line id -> gross to credit on that line), exactly those lines are
        credited; ``amount`` may then be left out, or must equal their sum. Without
        ``lines``, ``amount`` (all that is left when None) is spread over the lines by what
        each has left to credit (:meth:`Invoice.spread_credit`).

        Raises:
            IllegalTransition: the invoice is not issued and receivable.
            ValidationError: an unknown line, a line amount that is not positive, empty
                ``lines``, or an ``amount`` that differs from the sum of ``lines``.
            CreditLimitExceeded: ``amount`` is more than is left to credit, or a line's
                amount more than that line has left (nothing changes: the invoice is
                updated by :meth:`Invoice.record_credit`, by the caller).
        """
        if not invoice.is_receivable or invoice.number is None:
            raise IllegalTransition(invoice.thing, invoice.status.value, "credit")
        if lines is not None:
            if not lines:
                raise ValidationError(f"a credit note of {invoice.thing} needs at least one line")
            for part in lines.values():
                invoice._same_currency(part, "credit")
            total = Money.sum(lines.values(), invoice.currency)
            if amount is not None and amount != total:
                raise ValidationError(
                    f"a credit note of {amount} on {invoice.thing} names lines that add up to "
                    f"{total}: give the amount or the lines, or make them agree"
                )
            amount = total
            credited = invoice.credit_lines(lines)
        else:
            amount = invoice.creditable if amount is None else amount
            whole = amount == invoice.gross and invoice.credited.is_zero  # a copy of the lines
            credited = invoice.lines if whole else invoice.spread_credit(amount)
        rates = {t.tax_code: t.effective_rate for t in invoice.tax_summary}
        currency = invoice.currency
        return cls(
            id=id,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            order_id=invoice.order_id,
            series=series,
            number=number,
            issued_at=at,
            seller=invoice.seller,
            buyer=invoice.buyer,
            currency=currency,
            lines=credited,
            tax_summary=_summarise(credited, rates, currency),
            net=Money.sum((line.net for line in credited), currency),
            tax=Money.sum((line.tax for line in credited), currency),
            gross=amount,
            reason=reason,
        )

    def record_einvoice(self, status: EInvoiceStatus) -> None:
        """Keep the provider's latest answer."""
        self.einvoice = status


def _tax_and_net(line: InvoiceLine, gross: Money) -> tuple[Money, Money]:
    """``gross`` of ``line`` split into (tax, net) by the line's own tax and net."""
    if gross.is_zero or not (line.net.is_positive or line.tax.is_positive):
        return Money.zero(gross.currency), gross
    tax, net = apportion(gross, [line.tax.amount, line.net.amount])
    return tax, net


def _credited_line(line: InvoiceLine, gross: Money, *, before: Money | None = None) -> InvoiceLine:
    """A credit-note line crediting ``gross`` of ``line``, after ``before`` was credited on it.

    The tax is the tax share of everything credited on the line (``before + gross``) minus
    the tax share of ``before``: the shares grow with what is credited, so every credit's
    net and tax are non-negative and, once the whole gross is credited, they add up to the
    line's net and tax exactly. With nothing credited before, this is the plain split of
    ``gross`` by the line's net and tax.
    """
    zero = Money.zero(gross.currency)
    if gross.is_zero:
        return attrs.evolve(line, net=gross, tax=gross, gross=gross, discount=gross)
    if line.gross.is_zero:  # pragma: no cover - a zero line gets a zero share
        return line
    before = zero if before is None else before
    tax_after, _ = _tax_and_net(line, before + gross)
    tax_before, _ = _tax_and_net(line, before)
    tax = tax_after - tax_before
    return attrs.evolve(line, net=gross - tax, tax=tax, gross=gross, discount=zero)


@attrs.frozen(kw_only=True)
class AgeingBucket:
    """Open amounts by days past due: not yet due, 1-30, 31-60, 61-90 and over 90 days."""

    label: str
    amount: Money
    invoices: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class AgeingReport:
    """Receivables on a day, per bucket; ``total`` is the exact sum of the buckets."""

    on: dt.date
    currency: str
    buckets: tuple[AgeingBucket, ...]
    total: Money


_BUCKETS = (("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90), ("90+", None))


def ageing_report(invoices: Iterable[Invoice], on: dt.date, currency: str) -> AgeingReport:
    """Open balances of ``invoices`` in ``currency`` on day ``on``, by days past due."""
    sums: dict[str, list[Money]] = {label: [] for label, _ in _BUCKETS}
    ids: dict[str, list[str]] = {label: [] for label, _ in _BUCKETS}
    for invoice in invoices:
        if invoice.currency != currency or invoice.open_balance.is_zero:
            continue
        late = (on - (invoice.due_date or on)).days
        for label, limit in _BUCKETS:
            if limit is None or late <= limit:
                sums[label].append(invoice.open_balance)
                ids[label].append(invoice.number or invoice.id)
                break
    buckets = tuple(
        AgeingBucket(label=label, amount=Money.sum(sums[label], currency), invoices=ids[label])
        for label, _ in _BUCKETS
    )
    return AgeingReport(
        on=on,
        currency=currency,
        buckets=buckets,
        total=Money.sum((b.amount for b in buckets), currency),
    )
