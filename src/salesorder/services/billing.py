"""Invoices, credit notes and corrections; e-invoices and payments live next door.

Every use case runs in one unit of work: a failed command takes no number and changes
nothing. Numbers come from the series aggregate (read ``FOR UPDATE`` by the SQL adapter,
version-checked by the in-memory one), so they have no gaps under concurrency.

Money flows, all in the order's currency and exact to the minor unit:

- a payment is applied to its order up to the balance due; the rest is kept as the
  customer's credit (:class:`~salesorder.domain.payments.CustomerCredit`);
- applied money is allocated to the order's receivable invoices, oldest first; an invoice
  issued later takes the order's unallocated payments, oldest first;
- a refund takes money back from a payment (released from its invoices, newest first);
- a credit note lowers what is due; what was paid beyond the new amount due moves from the
  order and its invoice to the customer's credit;
- goods returned before any invoice listed them were credited on the order itself: an
  invoice issued for their lines later comes with a credit note of them, so it never asks
  for more than the order owes.

Payments, refunds and customer credit are in :mod:`salesorder.services.payments`, e-invoices
in :mod:`salesorder.services.einvoices`; their names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Mapping

from salesorder.domain.customers import CustomerKind
from salesorder.domain.events import InvoiceIssued
from salesorder.domain.invoicing import (
    SHIPPING_LINE,
    CreditNote,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    InvoiceStatus,
    Party,
    PaymentMeans,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.pricing import LineToPrice, price_order
from salesorder.domain.returns import ReturnOutcome, ReturnStatus
from salesorder.domain.tax import TaxMode
from salesorder.domain.terms import PaymentTerms, TermsKind
from salesorder.domain.units import Quantity
from salesorder.exceptions import (
    DuplicateError,
    IllegalTransition,
    MissingExchangeRate,
    NotFound,
    ValidationError,
)
from salesorder.money import Money
from salesorder.ports.einvoice import DocumentCheck
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import (
    CorrectInvoice,
    DraftInvoice,
    EditInvoice,
    IssueCreditNote,
    IssueDraftInvoice,
    IssueInvoice,
)
from salesorder.services.einvoices import cancel_einvoice, refresh_einvoice, submit_einvoice
from salesorder.services.payments import (
    apply_customer_credit,
    credit_of,
    receive_payment,
    record_payment,
    refund,
    refund_order,
    refund_payment,
    release_allocations,
)

__all__ = [
    "apply_customer_credit",
    "cancel_einvoice",
    "correct_invoice",
    "credit_of",
    "draft_invoice",
    "edit_invoice",
    "invoiced_in_full",
    "issue_credit_note",
    "issue_draft_invoice",
    "issue_invoice",
    "receive_payment",
    "record_payment",
    "refresh_einvoice",
    "refund",
    "refund_order",
    "refund_payment",
    "release_allocations",
    "submit_einvoice",
]

_INVOICEABLE = frozenset(
    {
        OrderStatus.CONFIRMED,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
)


# -- helpers ------------------------------------------------------------------------------


def _series(uow: UnitOfWork, code: str) -> InvoiceSeries:
    series = uow.invoice_series.find(code)
    if series is None:
        series = InvoiceSeries(code=code, prefix=f"{code}-")
        uow.invoice_series.add(series)
    return series


def _terms(app: SalesApp, command: IssueInvoice) -> PaymentTerms:
    if command.instalment_days:
        return PaymentTerms.in_instalments((1, days) for days in command.instalment_days)
    if command.terms is None:
        default = app.settings.payment_terms
        return default if default is not None else PaymentTerms.net(app.settings.payment_days)
    if command.terms is TermsKind.INSTALMENTS:
        raise ValidationError("instalment terms need instalment_days")
    return PaymentTerms(kind=command.terms, days=command.terms_days)


#: Documents that invoice an order's lines: an invoice, and a Vietnamese replacement that
#: re-issues one (the invoice it replaced is no longer issued, its lines are the
#: replacement's).
_INVOICING = (DocumentType.INVOICE, DocumentType.REPLACEMENT)


def _invoiced_lines(uow: UnitOfWork, order: Order) -> set[str]:
    invoiced: set[str] = set()
    for invoice_id in order.invoice_ids:
        invoice = uow.invoices.get(invoice_id)
        if invoice.document in _INVOICING and invoice.status is InvoiceStatus.ISSUED:
            invoiced.update(line.line_id for line in invoice.lines)
    return invoiced


def _charge_line(
    app: SalesApp,
    order: Order,
    *,
    line_id: str,
    code: str,
    sku: str,
    description: str,
    amount: Money,
    category: str | None,
) -> InvoiceLine:
    """A charge of ``order`` as an invoice line (``charge`` = ``code``, UNCL 7161).

    ``amount`` is what the buyer pays, tax included; its tax is that of ``category`` (none
    when None) in the shop's table on the day the order was placed, as for its goods.
    """
    settings = app.settings
    taxes = (
        ()
        if category is None
        else settings.tax_table.rates_for(settings.jurisdiction, category, order.placed_at.date())
    )
    priced = price_order(
        [LineToPrice(line_id=line_id, quantity=1, unit_price=amount, taxes=taxes)],
        currency=order.currency,
        tax_mode=TaxMode.INCLUDED,
        policy=settings.rounding_for(order.currency),
        trace=False,
    )
    return InvoiceLine.from_priced(priced.lines[0], sku=sku, description=description, charge=code)


def _shipping_line(app: SalesApp, order: Order, amount: Money) -> InvoiceLine:
    """The shipping charge ``amount`` (what the buyer pays, tax included) as a charge line."""
    return _charge_line(
        app,
        order,
        line_id=SHIPPING_LINE,
        code="FC",
        sku="SHIPPING",
        description="Shipping",
        amount=amount,
        category=app.settings.shipping_tax_category,
    )


def _uninvoiced_charges(
    app: SalesApp, uow: UnitOfWork, order: Order
) -> tuple[list[InvoiceLine], Money]:
    """The order's charges and COD cash rounding that no issued invoice carries.

    An order charges shipping once (with the parcel that completes it), so the first
    invoice issued after that lists it; the cash rounding goes with it. Each other charge
    of the order (:attr:`~salesorder.domain.orders.Order.charges`) is a line of its own,
    ``"charge-<code>"``, on the first invoice issued after it was added.
    """
    shipping, rounding = order.shipping_charge, order.cash_rounding
    listed: set[str] = set()
    for invoice_id in order.invoice_ids:
        invoice = uow.invoices.get(invoice_id)
        if invoice.document not in _INVOICING or invoice.status is not InvoiceStatus.ISSUED:
            continue
        shipping = shipping - Money.sum(
            (line.gross for line in invoice.lines if line.line_id == SHIPPING_LINE),
            order.currency,
        )
        rounding = rounding - invoice.rounding
        listed.update(line.line_id for line in invoice.lines if line.charge)
    lines = [_shipping_line(app, order, shipping)] if shipping.is_positive else []
    lines.extend(
        _charge_line(
            app,
            order,
            line_id=charge.line_id,
            code=charge.code,
            sku=charge.code,
            description=charge.description,
            amount=charge.amount,
            category=charge.tax_category,
        )
        for charge in order.charges
        if charge.line_id not in listed
    )
    return lines, rounding


def invoiced_in_full(app: SalesApp, uow: UnitOfWork, order: Order) -> bool:
    """True when issued invoices list every goods line and every charge of ``order``."""
    if order.pricing is None:
        return False
    invoiced = _invoiced_lines(uow, order)
    charges, _ = _uninvoiced_charges(app, uow, order)
    return not charges and all(line.line_id in invoiced for line in order.pricing.lines)


def _draft(app: SalesApp, tx: Transaction, command: IssueInvoice) -> tuple[Order, Invoice]:
    uow = tx.uow
    order = uow.orders.get(command.order_id)
    if order.status not in _INVOICEABLE or order.pricing is None:
        raise IllegalTransition(order.thing, order.status.value, "invoice")
    if command.shipment_id is not None and command.shipment_id not in order.shipment_ids:
        raise NotFound(f"shipment of {order.thing}", command.shipment_id)
    customer = uow.customers.get(order.customer_id)
    business = customer.kind is CustomerKind.BUSINESS
    buyer = Party(
        name=customer.company_name if business else customer.name,
        address=order.shipping_address,
        tax_id=customer.tax_id,
        identifiers=customer.identifiers,
        email=customer.email,
        phone=customer.phone,
    )
    kind = command.kind
    if kind is None:
        wants = app.settings.invoice_rule.wants_vat(
            business=business, has_tax_id=bool(customer.tax_id), gross=order.pricing.gross
        )
        kind = InvoiceKind.VAT if wants else InvoiceKind.SALES
    line_ids = command.line_ids
    charges: list[InvoiceLine] = []
    rounding = None
    if command.document is DocumentType.INVOICE:
        charges, rounding = _uninvoiced_charges(app, uow, order)
        invoiced = _invoiced_lines(uow, order)
        if line_ids is None:
            line_ids = tuple(p.line_id for p in order.pricing.lines if p.line_id not in invoiced)
            if not line_ids and not charges:
                raise DuplicateError(f"{order.thing} is already invoiced in full")
        else:
            twice = sorted(set(line_ids) & invoiced)
            if twice:
                raise DuplicateError(f"{order.thing}: lines {twice} are already invoiced")
    invoice = Invoice.draft_from_order(
        id=app.ids.next_id("invoice"),
        order_id=order.id,
        pricing=order.pricing,
        descriptions={line.line_id: (line.sku, line.name or line.sku) for line in order.lines},
        units={line.line_id: line.unit for line in order.lines},
        kind=kind,
        series=command.series,
        seller=app.settings.seller,
        buyer=buyer,
        line_ids=line_ids,
        document=command.document,
        shipment_id=command.shipment_id,
        terms=_terms(app, command),
        charges=charges,
        payment_means=PaymentMeans.for_method(
            order.payment_method,
            account=app.settings.payment_account,
            account_name=app.settings.seller.name,
        ),
        rounding=rounding,
    )
    return order, invoice


def _allocate_open_payments(uow: UnitOfWork, invoice: Invoice) -> None:
    """An invoice just issued takes the order's unallocated payments, oldest first."""
    for payment in uow.payments.for_order(invoice.order_id):
        amount = min(payment.unallocated, invoice.open_balance)
        if amount.is_positive:
            payment.allocate(invoice.id, amount)
            invoice.allocate(amount)


def _returned_before(uow: UnitOfWork, invoice: Invoice) -> tuple[dict[str, Money], list[str]]:
    """What returns took off the order itself for ``invoice``'s lines (by line id), and which.

    A return resolved while no invoice listed a line credits that line's goods on the order
    (see :mod:`salesorder.services.returns`): they are the returned lines none of its credit
    notes credits. ``invoice`` is an invoice of lines no other issued invoice lists, so all
    that returns gave back of its lines was credited on the order this way.
    """
    listed = {line.line_id for line in invoice.lines}
    zero = Money.zero(invoice.currency)
    parts: dict[str, Money] = {}
    sources: list[str] = []
    for request in uow.returns.for_order(invoice.order_id):
        if request.status is not ReturnStatus.RESOLVED or request.outcome is ReturnOutcome.NONE:
            continue
        on_notes = {
            line.line_id
            for note_id in request.credit_note_ids
            for line in uow.credit_notes.get(note_id).lines
        }
        for line in request.lines:
            if line.line_id not in listed or line.line_id in on_notes:
                continue
            if line.amount is not None and line.amount.is_positive:
                parts[line.line_id] = parts.get(line.line_id, zero) + line.amount
                if request.id not in sources:
                    sources.append(request.id)
    return parts, sources


def _issue(app: SalesApp, tx: Transaction, order: Order, invoice: Invoice) -> str:
    """Number ``invoice``, then settle what it asks against what the order owes.

    An invoice of goods that returns already took off the order (they were returned before
    any invoice listed them) comes with a credit note of them, on their own lines, before
    it takes any payment: the order was credited then, so the note only aligns the invoice
    (it takes nothing off the order again), and the invoice never asks for goods the buyer
    no longer owes.
    """
    uow = tx.uow
    number = _series(uow, invoice.series).take()
    invoice.issue(number, tx.now, calendar=app.settings.calendar)
    if isinstance(app.einvoice, DocumentCheck) and invoice.document is not DocumentType.PRO_FORMA:
        # Refused here, the whole unit of work is undone: the number is not taken.
        app.einvoice.check(invoice)
    if invoice.document is DocumentType.INVOICE:
        returned, sources = _returned_before(uow, invoice)
        if returned:
            credit_invoice(
                app,
                tx,
                invoice,
                None,
                lines=returned,
                reason=f"returned before it was invoiced: {', '.join(sources)}",
                on_order=False,
            )
    if invoice.document is not DocumentType.PRO_FORMA:
        _allocate_open_payments(uow, invoice)
    tx.raise_event(
        InvoiceIssued(
            order_id=order.id,
            at=tx.now,
            invoice_id=invoice.id,
            number=number,
            gross=invoice.gross,
        )
    )
    return number


# -- invoices -----------------------------------------------------------------------------


def issue_invoice(app: SalesApp, command: IssueInvoice) -> str:
    """Issue an invoice of a confirmed order with the next number of its series.

    The number is taken in the same unit of work that stores the invoice, so numbers have no
    gaps: a failed issue (an invalid tax identifier, say) takes no number.
    """
    with app.transaction() as tx:
        order, invoice = _draft(app, tx, command)
        tx.uow.invoices.add(invoice)
        order.add_invoice(invoice.id)
        _issue(app, tx, order, invoice)
        return invoice.id


def draft_invoice(app: SalesApp, command: DraftInvoice) -> str:
    """Keep a draft invoice, with no number, to edit and issue later."""
    with app.transaction() as tx:
        order, invoice = _draft(app, tx, command)
        tx.uow.invoices.add(invoice)
        order.add_invoice(invoice.id)
        return invoice.id


def edit_invoice(app: SalesApp, command: EditInvoice) -> None:
    """Change a draft; an issued invoice is refused (it is corrected, never edited)."""
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        invoice.edit(buyer=command.buyer, kind=command.kind)


def issue_draft_invoice(app: SalesApp, command: IssueDraftInvoice) -> str:
    """Issue a draft with the next number of its series; returns the number."""
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        order = tx.uow.orders.get(invoice.order_id)
        if invoice.document is DocumentType.INVOICE and invoice.status is InvoiceStatus.DRAFT:
            twice = sorted(
                {line.line_id for line in invoice.lines} & _invoiced_lines(tx.uow, order)
            )
            if twice:
                raise DuplicateError(f"{order.thing}: lines {twice} are already invoiced")
        return _issue(app, tx, order, invoice)


def _move_to_credit(
    tx: Transaction, order: Order, invoice: Invoice, amount: Money, source: str
) -> None:
    """Move ``amount`` paid on ``invoice`` off the order to the customer's credit."""
    uow = tx.uow
    left = amount
    for payment in reversed(uow.payments.for_order(order.id)):
        allocated = next(
            (a.amount for a in payment.allocations if a.invoice_id == invoice.id), None
        )
        if allocated is None or not left.is_positive:
            continue
        part = min(allocated, left)
        payment.deallocate(invoice.id, part)
        payment.applied = payment.applied - part
        payment.to_credit = payment.to_credit + part
        left = left - part
    order.move_to_credit(amount)
    credit_of(uow, order.customer_id, order.currency).add(amount, source, tx.now)


def credit_invoice(
    app: SalesApp,
    tx: Transaction,
    invoice: Invoice,
    amount: Money | None,
    *,
    reason: str,
    series_code: str = "CN",
    on_order: bool = True,
    lines: Mapping[str, Money] | None = None,
    units: Mapping[str, Quantity] | None = None,
) -> CreditNote:
    """Issue a credit note for ``amount`` (all that is left when None) of ``invoice``.

    With ``lines`` (invoice line id -> gross), exactly those lines are credited (see
    :meth:`~salesorder.domain.invoicing.CreditNote.for_invoice`); otherwise ``amount`` is
    spread over the lines by what each has left to credit. What was paid beyond what
    remains due moves to the customer's credit. ``on_order`` False: the order was already
    priced down (a partial cancellation), so the note aligns the invoice without taking the
    amount off the order a second time.
    """
    uow = tx.uow
    order = uow.orders.get(invoice.order_id)
    series = _series(uow, series_code)
    note = CreditNote.for_invoice(
        invoice,
        id=app.ids.next_id("credit-note"),
        series=series.code,
        number=f"{series.prefix}{series.next_number:0{series.width}d}",
        at=tx.now,
        amount=amount,
        reason=reason,
        lines=lines,
        units=units,
    )
    series.take()
    payable = invoice.payable
    excess = invoice.record_credit(note.lines, note.units)
    if excess.is_positive:
        _move_to_credit(tx, order, invoice, excess, f"credit note {note.number}")
    # What the order no longer owes: the note's gross, and the invoice's cash rounding with
    # the last of it (a COD invoice's payable is gross + rounding).
    owed_less = payable - invoice.payable
    if on_order and owed_less.is_positive:
        order.record_credit(owed_less)
    uow.credit_notes.add(note)
    return note


def issue_credit_note(app: SalesApp, command: IssueCreditNote) -> str:
    """Credit all or part of an issued invoice; never more than is left to credit."""
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        lines = None
        units = None
        if command.lines is not None:
            lines = {part.line_id: part.amount for part in command.lines}
            units = {p.line_id: p.quantity for p in command.lines if p.quantity is not None}
            if len(lines) != len(command.lines):
                raise DuplicateError(
                    f"a credit note of {invoice.thing} repeats a line id: "
                    f"{[part.line_id for part in command.lines]}"
                )
        return credit_invoice(
            app,
            tx,
            invoice,
            command.amount,
            reason=command.reason,
            series_code=command.series,
            lines=lines,
            units=units,
        ).id


def correct_invoice(app: SalesApp, command: CorrectInvoice) -> str:
    """Issue Vietnam's replacement or adjustment invoice referencing an issued invoice.

    A downward adjustment (a negative ``amount``) takes that much off the original, like a
    credit note; an upward adjustment (a positive ``amount``) is a receivable of its own
    that adds to what the order owes.
    """
    with app.transaction() as tx:
        uow = tx.uow
        original = uow.invoices.get(command.invoice_id)
        order = uow.orders.get(original.order_id)
        lines = None
        change = None
        if command.document is DocumentType.ADJUSTMENT:
            change = _adjustment(original, command.amount)
            lines = original.split_lines(change)
        correction = original.correction(
            id=app.ids.next_id("invoice"),
            document=command.document,
            series=original.series,
            lines=lines,
            buyer=command.buyer,
        )
        if change is not None and change.is_positive:
            order.record_adjustment(change)
        uow.invoices.add(correction)
        order.add_invoice(correction.id)
        if command.document is DocumentType.REPLACEMENT:
            paid = original.paid
            if paid.is_positive:
                original.release(paid)
                for payment in uow.payments.for_order(order.id):
                    for allocation in payment.allocations:
                        if allocation.invoice_id == original.id:
                            payment.deallocate(original.id, allocation.amount)
            original.mark_replaced(correction.id)
        elif change is not None and change.is_negative:
            reduction = -change
            assert lines is not None  # noqa: S101 - set for every adjustment
            excess = original.record_credit(line.negated() for line in lines)
            if excess.is_positive:
                _move_to_credit(tx, order, original, excess, f"adjustment of {original.thing}")
            order.record_credit(reduction)
        _issue(app, tx, order, correction)
        return correction.id


def _adjustment(original: Invoice, amount: Money | None) -> Money:
    """The gross an adjustment adds to (positive) or takes off (negative) ``original``.

    Raises:
        ValidationError: no amount, or zero.
        MissingExchangeRate: the amount is in another currency than the original.
    """
    if amount is None or amount.is_zero:
        raise ValidationError(
            f"an adjustment of {original.thing} needs a non-zero amount: negative for what it "
            f"takes off, positive for what it adds; got {amount}"
        )
    if amount.currency != original.currency:
        raise MissingExchangeRate(original.currency, amount.currency, "the adjustment")
    return amount
