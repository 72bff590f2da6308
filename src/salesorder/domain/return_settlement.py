"""Settling a return's money: what is credited where, and what goes back to the buyer.

:func:`settle_return` decides, from plain values, what an inspected return credits on each
issued invoice (per line, so at that line's tax rate), what it credits on the order itself
(goods no invoice lists, shipping), how much of what was paid leaves the payments (refunded
or moved to the customer's credit) and from which payments. The rules are those of
:mod:`salesorder.services.returns`, which carries the decision out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from salesorder.domain.invoicing import SHIPPING_LINE, DocumentType, Invoice
from salesorder.domain.payments import Payment
from salesorder.domain.returns import ReturnOutcome, ReturnRequest
from salesorder.domain.units import Quantity
from salesorder.money import Money

__all__ = ["InvoiceCredit", "ReturnSettlement", "settle_return", "shipping_to_give_back"]


@attrs.frozen(kw_only=True)
class InvoiceCredit:
    """What a credit note takes off one invoice: the value and units per invoice line id.

    ``units`` are the units received back per line, as far as the line has units left to
    credit.
    """

    invoice_id: str
    lines: Mapping[str, Money]
    units: Mapping[str, Quantity] = attrs.Factory(dict)


@attrs.frozen(kw_only=True)
class ReturnSettlement:
    """The money decision of a return; every amount is in the order's currency.

    ``value`` (the goods and the shipping given back) is no longer due: ``invoice_credits``
    take part of it off issued invoices and ``on_order`` is the rest, credited on the order.
    ``over`` is what was paid beyond the new amount due; it leaves the ``payments``
    ((payment id, amount) pairs, in the order they are drawn on) and is refunded, or moved
    to the customer's credit, as ``refund`` says.
    """

    value: Money
    shipping: Money
    invoice_credits: tuple[InvoiceCredit, ...]
    on_order: Money
    over: Money
    refund: bool
    payments: tuple[tuple[str, Money], ...]

    @property
    def refunded(self) -> Money:
        """What is refunded (zero when it goes to the customer's credit)."""
        return self.over if self.refund else Money.zero(self.over.currency)

    @property
    def to_credit(self) -> Money:
        """What is moved to the customer's credit (zero when it is refunded)."""
        return Money.zero(self.over.currency) if self.refund else self.over


def shipping_to_give_back(charge: Money, earlier: Iterable[ReturnRequest]) -> Money:
    """The order's shipping ``charge`` less what ``earlier`` returns of it gave back."""
    left = charge - Money.sum((r.shipping for r in earlier), charge.currency)
    return left if left.is_positive else Money.zero(charge.currency)


def _invoice_credits(
    request: ReturnRequest, invoices: Iterable[Invoice], currency: str, shipping: Money
) -> tuple[list[InvoiceCredit], Money]:
    """What a return credits on each issued invoice, per line, and the value no invoice lists.

    Each returned line is credited on its own invoice line (so at that line's tax rate), at
    most what that line has left to credit: what a credit note already took back is not
    credited a second time. The ``shipping`` given back is credited on the invoice's
    shipping line, as far as it has anything left (the rest on the order).
    """
    parts: list[InvoiceCredit] = []
    invoiced: set[str] = set()
    shipping_left = shipping
    for invoice in invoices:
        # An invoice or the replacement of one lists the goods; an adjustment does not.
        if invoice.document is DocumentType.ADJUSTMENT or not invoice.is_receivable:
            continue
        listed = {line.line_id for line in invoice.lines}
        lines: dict[str, Money] = {}
        units: dict[str, Quantity] = {}
        for returned in request.lines:
            if returned.amount is None or returned.line_id not in listed:
                continue
            invoiced.add(returned.line_id)
            part = min(returned.amount, invoice.line_creditable(returned.line_id))
            if part.is_positive:
                lines[returned.line_id] = part
                count = min(returned.received, invoice.units_creditable(returned.line_id))
                if count > 0:
                    units[returned.line_id] = count
        if shipping_left.is_positive and SHIPPING_LINE in listed:
            part = min(shipping_left, invoice.line_creditable(SHIPPING_LINE))
            if part.is_positive:
                lines[SHIPPING_LINE] = part
                shipping_left = shipping_left - part
        if lines:
            parts.append(InvoiceCredit(invoice_id=invoice.id, lines=lines, units=units))
    uninvoiced = Money.sum(
        (
            line.amount
            for line in request.lines
            if line.amount is not None and line.line_id not in invoiced
        ),
        currency,
    )
    return parts, uninvoiced


def _drawn_on(
    payments: Sequence[Payment], parts: Iterable[InvoiceCredit], amount: Money
) -> tuple[tuple[str, Money], ...]:
    """Which payments ``amount`` leaves, and how much of each.

    Payments allocated to the credited invoices first, newest first within; each gives at
    most what it has applied and not refunded.
    """
    ids = {part.invoice_id for part in parts}
    newest_first = list(reversed(payments))
    ordered = sorted(
        newest_first, key=lambda p: not any(a.invoice_id in ids for a in p.allocations)
    )
    drawn: list[tuple[str, Money]] = []
    left = amount
    for payment in ordered:
        part = min(payment.applied - payment.refunded, left)
        if part.is_positive:
            drawn.append((payment.id, part))
            left = left - part
    return tuple(drawn)


def settle_return(
    request: ReturnRequest,
    outcome: ReturnOutcome,
    *,
    paid: Money,
    amount_due: Money,
    shipping: Money,
    invoices: Iterable[Invoice],
    payments: Sequence[Payment],
) -> ReturnSettlement:
    """The money decision of resolving ``request`` with ``outcome`` (not NONE).

    ``paid`` and ``amount_due`` are the order's now; ``shipping`` is the shipping charge
    given back (zero unless the policy includes it); ``invoices`` are the order's invoices
    and ``payments`` its payments, oldest first. The goods' value (the received lines'
    ``amount``) plus ``shipping`` is no longer due; what was paid beyond the new amount due
    (never more than was paid) is refunded for a REFUND, else moved to the customer's credit.
    """
    currency = paid.currency
    zero = Money.zero(currency)
    parts, uninvoiced = _invoice_credits(request, invoices, currency, shipping)
    on_invoices = Money.sum((a for part in parts for a in part.lines.values()), currency)
    goods = on_invoices - Money.sum(
        (part.lines.get(SHIPPING_LINE, zero) for part in parts), currency
    )
    value = goods + uninvoiced + shipping
    over = max(zero, min(paid - (amount_due - value), paid))
    return ReturnSettlement(
        value=value,
        shipping=shipping,
        invoice_credits=tuple(parts),
        on_order=value - on_invoices,
        over=over,
        refund=outcome is ReturnOutcome.REFUND,
        payments=_drawn_on(payments, parts, over) if over.is_positive else (),
    )
