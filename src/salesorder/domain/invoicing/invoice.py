"""The invoice aggregate: drafted from a priced order, issued once, then credited and paid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.common import Shown, as_tuple, aware_datetime, code
from salesorder.domain.invoicing.corrections import check_correctable
from salesorder.domain.invoicing.lines import (
    InvoiceLine,
    _balanced_charges,
    _check_credit_units,
    _credited_line,
    _share,
    _summarise,
)
from salesorder.domain.invoicing.model import (
    DocumentType,
    EInvoiceStatus,
    InvoiceKind,
    InvoiceStatus,
    Party,
    PaymentMeans,
    PaymentState,
)
from salesorder.domain.pricing import PricedOrder, TaxSummary
from salesorder.domain.terms import InstalmentDue, PaymentTerms
from salesorder.domain.units import PIECE, Quantity, Unit, to_quantity
from salesorder.exceptions import (
    CreditLimitExceeded,
    CurrencyMismatch,
    DocumentRuleError,
    IllegalTransition,
    PaymentError,
    ValidationError,
)
from salesorder.money import Money, RoundingPlace, apportion

__all__ = ["Invoice"]


def _zero(document: Invoice) -> Money:
    return Money.zero(document.currency)


@attrs.define(kw_only=True, repr=False)
class Invoice(Shown):
    """An invoice for an order; see :mod:`salesorder.domain.invoicing`.

    ``paid`` is what payments allocated to it cover; ``credited`` what credit notes took
    back: ``credited`` stays between zero and the gross, ``paid`` between zero and
    :attr:`payable` (gross plus the cash ``rounding``, less what was credited).
    ``credited_lines`` is what was credited on each line (gross, by line id; lines never
    credited are absent): it sums to ``credited``, and no line's entry exceeds its gross.
    ``credited_units`` is the units credit notes took back per line (returns, credits by
    units); never more than the line's quantity. ``payment_means`` is how the buyer pays,
    as printed; ``rounding`` the cash rounding of a COD collection (the buyer pays
    ``gross + rounding``).
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
    credited_units: dict[str, Quantity] = attrs.Factory(dict)
    payment_means: PaymentMeans | None = None
    rounding: Money = attrs.Factory(_zero, takes_self=True)

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
        charges: Sequence[InvoiceLine] = (),
        payment_means: PaymentMeans | None = None,
        rounding: Money | None = None,
        units: Mapping[str, Unit] | None = None,
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
            charges: the order's charges to invoice too (shipping), as charge lines.
            payment_means: how the buyer pays, as printed.
            rounding: the cash rounding of a COD collection (zero when None).
            units: per line id, the unit its quantity counts (pieces when absent).
        """
        if kind is InvoiceKind.VAT and not buyer.tax_id:
            raise ValidationError(f"a VAT invoice for order {order_id!r} needs the buyer's tax id")
        wanted = None if line_ids is None else list(line_ids)
        known = {p.line_id for p in pricing.lines}
        for line_id in wanted or ():
            if line_id not in known:
                raise ValidationError(f"order {order_id!r} has no line {line_id!r} to invoice")
        priced = [p for p in pricing.lines if wanted is None or p.line_id in wanted]
        if not priced and not charges:
            raise ValidationError(f"an invoice for order {order_id!r} needs at least one line")
        amounts = [(f"charge line {c.line_id!r}", c.gross) for c in charges]
        for what, amount in [
            *amounts,
            *([("the rounding adjustment", rounding)] if rounding else []),
        ]:
            if amount.currency != pricing.currency:
                against = f"the pricing of order {order_id!r}"
                raise CurrencyMismatch(pricing.currency, amount.currency, what, against=against)
        for charge in charges:
            if not charge.charge or charge.line_id in known:
                raise ValidationError(
                    f"charge line {charge.line_id!r} of order {order_id!r} needs a charge "
                    "code and an id no goods line has"
                )
        goods = [
            InvoiceLine.from_priced(
                p, sku=descriptions[p.line_id][0], description=descriptions[p.line_id][1]
            )
            for p in priced
        ]
        if units:
            goods = [attrs.evolve(g, unit=units.get(g.line_id, PIECE)) for g in goods]
        if charges and pricing.policy.place is RoundingPlace.PER_DOCUMENT:
            charges = _balanced_charges(goods, charges, pricing.policy)
        lines = (*goods, *charges)
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
            payment_means=payment_means,
            rounding=rounding if rounding is not None else Money.zero(currency),
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
        check_correctable(self, document, lines)
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
            payment_means=self.payment_means,
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

    def units_creditable(self, line_id: str) -> Quantity:
        """The units of line ``line_id`` no credit note took back yet.

        Raises:
            ValidationError: this invoice has no such line.
        """
        return to_quantity(self._line(line_id).quantity - self.credited_units.get(line_id, 0))

    def credit_lines(
        self, parts: Mapping[str, Money], units: Mapping[str, Quantity] | None = None
    ) -> tuple[InvoiceLine, ...]:
        """The credit-note lines that credit ``parts`` (line id -> gross) of this invoice.

        ``units`` (line id -> units) says how many units a line's credit takes back (a
        return of 2 of 3, exact to the line's unit): the credit line states them as its
        quantity. A line credited
        without units states the line's quantity (an amount off every unit).

        Nothing changes here (:meth:`record_credit` counts the credit). Each line's gross
        is split into net and tax so that what was credited on the line so far is split
        exactly as :func:`~salesorder.money.apportion` splits it by the line's own net and
        tax: the first credit on a line is split by the line's net and tax, and the line's
        last credit takes exactly the net and tax it has left. So, summed over credit notes,
        no line's tax (nor net) is credited beyond what the invoice charged on it.

        Raises:
            ValidationError: an unknown line id, or an amount that is not positive.
            CurrencyMismatch: an amount in another currency.
            CreditLimitExceeded: an amount more than that line has left to credit, or more
                units than it has left.
            TooManyDecimals: units finer than the line's unit allows.
        """
        _check_credit_units(self.lines, self.credited_units, units or {}, parts, self.thing)
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
        counted = units or {}
        return tuple(
            attrs.evolve(
                _credited_line(line, parts[line.line_id], before=self.line_credited(line.line_id)),
                quantity=counted.get(line.line_id, line.quantity),
            )
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

    def issue(
        self,
        number: str,
        at: dt.datetime,
        due_date: dt.date | None = None,
        calendar: BusinessCalendar | None = None,
    ) -> None:
        """Give the draft its number and freeze it.

        The due dates come from the payment terms (``due_date`` overrides the last one),
        each moved off a closed day of ``calendar`` when one is given.

        Raises:
            IllegalTransition: the invoice is not a draft.
            InvalidTaxId: the seller's or buyer's tax identifier is invalid.
            DocumentRuleError: a VAT invoice whose seller has no tax id (EN 16931 BR-S-02:
                a VAT invoice names the seller's VAT registration).
        """
        self._draft_only("issue")
        aware_datetime(self, attrs.fields(Invoice).issued_at, at)
        if self.kind is InvoiceKind.VAT and not self.seller.tax_id:
            raise DocumentRuleError(
                self.thing,
                "BR-S-02",
                f"a VAT invoice needs the seller's tax id; seller {self.seller.name!r} has none",
            )
        self.check_parties()
        issued = at.date()
        schedule = (
            self.terms.schedule(self.gross, issued, calendar) if self.gross.is_positive else ()
        )
        self.number = number
        self.issued_at = at
        self.due_date = due_date or self.terms.due_date(issued, calendar)
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
    def prepaid(self) -> Money:
        """What the document states as paid already (EN 16931 BT-113), what payments cover."""
        return self.paid

    @property
    def withheld(self) -> Money:
        """What the buyer withholds for the state (withholding taxes, such as PPh 23)."""
        return Money.sum((line.withheld for line in self.lines), self.currency)

    @property
    def amount_due(self) -> Money:
        """What the document asks the buyer to pay (BT-115).

        The gross - prepaid + rounding, less what the buyer withholds for the state.
        """
        return self.gross - self.prepaid + self.rounding - self.withheld

    @property
    def payable(self) -> Money:
        """What the buyer pays for this invoice in all, less what credit notes took back.

        The gross plus the cash ``rounding``, minus what was credited and what the buyer
        withholds for the state; zero once the whole gross is credited (the rounding goes
        with the last of it), never below zero.
        """
        if self.credited == self.gross:
            return Money.zero(self.currency)
        # What the buyer still withholds: its share of what is left after the credits.
        withheld = _share(self.withheld, self.gross - self.credited, self.gross)
        left = self.gross + self.rounding - self.credited - withheld
        return left if left.is_positive else Money.zero(self.currency)

    @property
    def open_balance(self) -> Money:
        """:attr:`payable` minus paid, still to pay (zero when not receivable)."""
        if not self.is_receivable:
            return Money.zero(self.currency)
        return self.payable - self.paid

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
            what = f"the amount to {what}"  # "the amount to credit"
            raise CurrencyMismatch(self.currency, amount.currency, what, against=self.thing)

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

    def record_credit(
        self, lines: Iterable[InvoiceLine], units: Mapping[str, Quantity] | None = None
    ) -> Money:
        """Count a credit note's ``lines``; returns what was paid beyond the new balance.

        ``units`` are the units the note takes back per line (its ``units``).

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
        counted = dict(units or {})
        self.credit_lines(parts, counted)  # validates every part before anything changes
        amount = Money.sum(parts.values(), self.currency)
        credited = dict(self.credited_lines)
        for line_id, gross in parts.items():
            credited[line_id] = self.line_credited(line_id) + gross
        self.credited_lines = credited
        taken = dict(self.credited_units)
        for line_id, count in counted.items():
            taken[line_id] = to_quantity(taken.get(line_id, 0) + count)
        self.credited_units = taken
        self.credited = self.credited + amount
        excess = self.paid - self.payable
        if excess.is_positive:
            self.paid = self.paid - excess
            return excess
        return Money.zero(self.currency)
