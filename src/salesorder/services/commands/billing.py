"""Commands of billing: invoices, credit notes, e-invoices, payments and refunds.

Handled in :mod:`salesorder.services.billing`; import them from
:mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

import attrs

from salesorder.domain.common import (
    MAX_DAYS,
    as_tuple,
    code,
    each,
    instance_of,
    int_between,
    member_of,
    money,
    rate,
    reference,
    spelled,
)
from salesorder.domain.common import reason as reason_text
from salesorder.domain.invoicing import DocumentType, EInvoiceState, InvoiceKind, Party
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.terms import TermsKind
from salesorder.domain.units import Quantity, positive_quantity, quantity
from salesorder.money import Money
from salesorder.services.commands.base import Command, to_payment_method

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


def _invoice_kind(value: InvoiceKind | str) -> InvoiceKind:
    return spelled(InvoiceKind, value)


def _document(value: DocumentType | str) -> DocumentType:
    return spelled(DocumentType, value)


def _terms(value: TermsKind | str) -> TermsKind:
    return spelled(TermsKind, value)


_optional_reference = attrs.validators.optional(reference)
# Typed Any: mypy reads the field's type from its default (a member), not its annotation.
_optional_kind: Any = attrs.validators.optional(member_of(InvoiceKind))
_optional_money = attrs.validators.optional(money)


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
    order_id: str = attrs.field(validator=reference)
    kind: InvoiceKind | None = attrs.field(
        default=InvoiceKind.SALES,
        converter=attrs.converters.optional(_invoice_kind),
        validator=_optional_kind,
    )
    series: str = attrs.field(default="INV", validator=code)
    line_ids: tuple[str, ...] | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(as_tuple),
        validator=attrs.validators.optional(each(reference)),
    )
    shipment_id: str | None = attrs.field(default=None, validator=_optional_reference)
    document: DocumentType = attrs.field(
        default=DocumentType.INVOICE, converter=_document, validator=member_of(DocumentType)
    )
    terms: TermsKind | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_terms),
        validator=attrs.validators.optional(member_of(TermsKind)),
    )
    #: From 0 to ``MAX_DAYS`` (3,660, about ten years), as is each of ``instalment_days``.
    terms_days: int = attrs.field(default=0, validator=int_between(0, MAX_DAYS))
    instalment_days: tuple[int, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(int_between(0, MAX_DAYS))
    )


@attrs.frozen(kw_only=True)
class DraftInvoice(IssueInvoice):
    """Like :class:`IssueInvoice`, but keep a draft with no number; returns its id."""

    tag: ClassVar[str] = "draft_invoice"


@attrs.frozen(kw_only=True)
class EditInvoice(Command[None]):
    """Change a draft's buyer or template (an issued invoice is never edited)."""

    tag: ClassVar[str] = "edit_invoice"
    invoice_id: str = attrs.field(validator=reference)
    buyer: Party | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Party))
    )
    kind: InvoiceKind | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_invoice_kind),
        validator=_optional_kind,
    )


@attrs.frozen(kw_only=True)
class IssueDraftInvoice(Command[str]):
    """Issue a draft with the next number of its series; returns the number."""

    tag: ClassVar[str] = "issue_draft_invoice"
    invoice_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class CreditLine:
    """The gross to credit on one invoice line (a credit note of some lines).

    ``quantity`` is the units the credit takes back (a return of 2 of 3, or 0.1 of 0.5 kg),
    exact to the invoice line's unit; the credit note states it. None: an amount off the
    line's every unit.
    """

    line_id: str = attrs.field(validator=code)
    amount: Money = attrs.field(validator=money)
    quantity: Quantity | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(quantity),
        validator=attrs.validators.optional(positive_quantity),
    )


@attrs.frozen(kw_only=True)
class IssueCreditNote(Command[str]):
    """Credit ``amount`` (gross) of an issued invoice, all that is left when None.

    With ``lines``, exactly those invoice lines are credited, each by its ``amount``
    (``amount`` may then be left out, or must equal their sum); without, ``amount`` is
    spread over the invoice's lines by what each has left to credit. Returns the credit
    note's id. What was paid beyond what remains due goes to the customer's credit.
    """

    tag: ClassVar[str] = "issue_credit_note"
    invoice_id: str = attrs.field(validator=reference)
    amount: Money | None = attrs.field(default=None, validator=_optional_money)
    reason: str = attrs.field(default="", validator=reason_text)
    series: str = attrs.field(default="CN", validator=code)
    lines: tuple[CreditLine, ...] | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(as_tuple),
        validator=attrs.validators.optional(each(instance_of(CreditLine))),
    )


@attrs.frozen(kw_only=True)
class CorrectInvoice(Command[str]):
    """Vietnam's correction of an issued invoice; returns the new invoice's id.

    A replacement re-issues the document (with ``buyer`` corrected when given) and
    supersedes the original; an adjustment (``amount``, gross, positive or negative, spread
    over the original's lines) references it and changes what is due.
    """

    tag: ClassVar[str] = "correct_invoice"
    invoice_id: str = attrs.field(validator=reference)
    document: DocumentType = attrs.field(
        default=DocumentType.REPLACEMENT, converter=_document, validator=member_of(DocumentType)
    )
    buyer: Party | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Party))
    )
    amount: Money | None = attrs.field(default=None, validator=_optional_money)
    reason: str = attrs.field(default="", validator=reason_text)


# -- e-invoices -------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SubmitEInvoice(Command[EInvoiceState]):
    """Submit an issued invoice to the e-invoice provider (idempotent)."""

    tag: ClassVar[str] = "submit_einvoice"
    invoice_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class RefreshEInvoice(Command[EInvoiceState]):
    """Poll the provider for the tax authority's answer."""

    tag: ClassVar[str] = "refresh_einvoice"
    invoice_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class CancelEInvoice(Command[EInvoiceState]):
    """Cancel a submitted e-invoice through the provider (before the authority's answer)."""

    tag: ClassVar[str] = "cancel_einvoice"
    invoice_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


# -- payments ---------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RecordPayment(Command[str]):
    """Record money received; ``reference`` is unique. Returns the payment id."""

    tag: ClassVar[str] = "record_payment"
    order_id: str = attrs.field(validator=reference)
    amount: Money = attrs.field(validator=money)
    method: PaymentMethod = attrs.field(
        converter=to_payment_method, validator=member_of(PaymentMethod)
    )
    reference: str = attrs.field(validator=reference)
    #: Order currency per unit of ``amount``'s currency, when the buyer paid in another one:
    #: from ``MIN_RATE`` to ``MAX_RATE`` (10**-9 to 10**9), at most 28 significant digits.
    exchange_rate: Decimal | None = attrs.field(
        default=None, converter=attrs.converters.optional(rate)
    )


@attrs.frozen(kw_only=True)
class RefundPayment(Command[None]):
    """Give back ``amount`` of a payment; ``reference`` names the refund."""

    tag: ClassVar[str] = "refund_payment"
    payment_id: str = attrs.field(validator=reference)
    amount: Money = attrs.field(validator=money)
    reference: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class ApplyCustomerCredit(Command[str]):
    """Pay ``amount`` of an order from its customer's credit; returns the payment id."""

    tag: ClassVar[str] = "apply_customer_credit"
    order_id: str = attrs.field(validator=reference)
    amount: Money = attrs.field(validator=money)
    reference: str = attrs.field(validator=reference)
