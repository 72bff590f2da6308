"""Commands of billing: invoices, credit notes, e-invoices, payments and refunds.

Handled in :mod:`salesorder.services.billing`; import them from
:mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import attrs

from salesorder.domain.common import as_tuple, code
from salesorder.domain.invoicing import DocumentType, EInvoiceState, InvoiceKind, Party
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.terms import TermsKind
from salesorder.money import Money
from salesorder.services.commands.base import Command

__all__ = [
    "ApplyCustomerCredit",
    "CancelEInvoice",
    "CorrectInvoice",
    "CreditLine",
    "DraftInvoice",
    "EditInvoice",
    "IssueCreditNote",
    "IssueDraftInvoice",
    "IssueInvoice",
    "RecordPayment",
    "RefreshEInvoice",
    "RefundPayment",
    "SubmitEInvoice",
]


# -- invoices and credit notes ----------------------------------------------------------------


@attrs.frozen(kw_only=True)
class IssueInvoice(Command[str]):
    """Issue an invoice with the next number of its series; returns the invoice id.

    All the order's lines not yet invoiced, or ``line_ids`` (one shipment's, named by
    ``shipment_id``). ``kind`` None lets the seller's rule pick the template
    (``Settings.invoice_rule``); terms None takes ``Settings.payment_terms``. The terms are
    ``terms`` with ``terms_days`` (net N, end of month + N), or instalments of equal shares
    due ``instalment_days`` after issue.
    """

    tag: ClassVar[str] = "issue_invoice"
    order_id: str
    kind: InvoiceKind | None = InvoiceKind.SALES
    series: str = "INV"
    line_ids: tuple[str, ...] | None = None
    shipment_id: str | None = None
    document: DocumentType = DocumentType.INVOICE
    terms: TermsKind | None = None
    terms_days: int = 0
    instalment_days: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class DraftInvoice(IssueInvoice):
    """Like :class:`IssueInvoice`, but keep a draft with no number; returns its id."""

    tag: ClassVar[str] = "draft_invoice"


@attrs.frozen(kw_only=True)
class EditInvoice(Command[None]):
    """Change a draft's buyer or template (an issued invoice is never edited)."""

    tag: ClassVar[str] = "edit_invoice"
    invoice_id: str
    buyer: Party | None = None
    kind: InvoiceKind | None = None


@attrs.frozen(kw_only=True)
class IssueDraftInvoice(Command[str]):
    """Issue a draft with the next number of its series; returns the number."""

    tag: ClassVar[str] = "issue_draft_invoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class CreditLine:
    """The gross to credit on one invoice line (a credit note of some lines).

    ``quantity`` is the units the credit takes back (a return of 2 of 3); the credit note
    states it. None: an amount off the line's every unit.
    """

    line_id: str = attrs.field(validator=code)
    amount: Money
    quantity: int | None = None


@attrs.frozen(kw_only=True)
class IssueCreditNote(Command[str]):
    """Credit ``amount`` (gross) of an issued invoice, all that is left when None.

    With ``lines``, exactly those invoice lines are credited, each by its ``amount``
    (``amount`` may then be left out, or must equal their sum); without, ``amount`` is
    spread over the invoice's lines by what each has left to credit. Returns the credit
    note's id. What was paid beyond what remains due goes to the customer's credit.
    """

    tag: ClassVar[str] = "issue_credit_note"
    invoice_id: str
    amount: Money | None = None
    reason: str = ""
    series: str = "CN"
    lines: tuple[CreditLine, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(as_tuple)
    )


@attrs.frozen(kw_only=True)
class CorrectInvoice(Command[str]):
    """Vietnam's correction of an issued invoice; returns the new invoice's id.

    A replacement re-issues the document (with ``buyer`` corrected when given) and
    supersedes the original; an adjustment (``amount``, gross, positive or negative, spread
    over the original's lines) references it and changes what is due.
    """

    tag: ClassVar[str] = "correct_invoice"
    invoice_id: str
    document: DocumentType = DocumentType.REPLACEMENT
    buyer: Party | None = None
    amount: Money | None = None
    reason: str = ""


# -- e-invoices -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SubmitEInvoice(Command[EInvoiceState]):
    """Submit an issued invoice to the e-invoice provider (idempotent)."""

    tag: ClassVar[str] = "submit_einvoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class RefreshEInvoice(Command[EInvoiceState]):
    """Poll the provider for the tax authority's answer."""

    tag: ClassVar[str] = "refresh_einvoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class CancelEInvoice(Command[EInvoiceState]):
    """Cancel a submitted e-invoice through the provider (before the authority's answer)."""

    tag: ClassVar[str] = "cancel_einvoice"
    invoice_id: str
    reason: str = ""


# -- payments ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RecordPayment(Command[str]):
    """Record money received; ``reference`` is unique. Returns the payment id."""

    tag: ClassVar[str] = "record_payment"
    order_id: str
    amount: Money
    method: PaymentMethod
    reference: str
    #: Order currency per unit of ``amount``'s currency, when the buyer paid in another one.
    exchange_rate: Decimal | None = None


@attrs.frozen(kw_only=True)
class RefundPayment(Command[None]):
    """Give back ``amount`` of a payment; ``reference`` names the refund."""

    tag: ClassVar[str] = "refund_payment"
    payment_id: str
    amount: Money
    reference: str


@attrs.frozen(kw_only=True)
class ApplyCustomerCredit(Command[str]):
    """Pay ``amount`` of an order from its customer's credit; returns the payment id."""

    tag: ClassVar[str] = "apply_customer_credit"
    order_id: str
    amount: Money
    reference: str
