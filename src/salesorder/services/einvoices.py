"""E-invoices: submitting issued invoices to the provider, its answers, cancellations.

Submitting and cancelling are calls to the outside world: each is written to the outbox in
the command's unit of work and made after the commit, and the provider's answer is recorded
on the invoice when it comes (:func:`submit` and :func:`cancel`, the senders). The command
returns the e-invoice's state as the invoice then holds it: the provider's answer when the
application dispatches after commit and the provider answered, else ``pending`` (or the
state before a cancellation). A retry never creates a second e-invoice: the provider is
idempotent by invoice id, and the outbox by key.
"""

from __future__ import annotations

from salesorder.domain.invoicing import (
    DocumentType,
    EInvoiceState,
    EInvoiceStatus,
    Invoice,
    InvoiceStatus,
)
from salesorder.domain.outbox import Call, CallKind
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import CancelEInvoice, RefreshEInvoice, SubmitEInvoice
from salesorder.services.outbox import Sent, enqueue

__all__ = ["cancel", "cancel_einvoice", "refresh_einvoice", "submit", "submit_einvoice"]

#: The outbox target of e-invoice calls.
PROVIDER = "einvoice"


def _provider(app: SalesApp) -> EInvoiceProvider:
    if app.einvoice is None:
        raise NotFound("e-invoice provider", None)
    return app.einvoice


def _state(app: SalesApp, invoice_id: str) -> EInvoiceState:
    with app.uow() as uow:
        einvoice = uow.invoices.get(invoice_id).einvoice
    return einvoice.state if einvoice is not None else EInvoiceState.PENDING


def submit_einvoice(app: SalesApp, command: SubmitEInvoice) -> EInvoiceState:
    """Send an issued invoice to the provider; a retry never creates a second e-invoice.

    A replacement invoice is sent as the replacement of its original's e-invoice.

    Raises:
        IllegalTransition: the invoice is a draft.
    """
    _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        if invoice.status is InvoiceStatus.DRAFT:
            raise IllegalTransition(invoice.thing, invoice.status.value, "submit e-invoice")
        enqueue(tx, Call(kind=CallKind.SUBMIT_EINVOICE, target=PROVIDER, subject=invoice.id))
    return _state(app, command.invoice_id)


def _original(uow: UnitOfWork, invoice: Invoice) -> Invoice | None:
    if invoice.document is DocumentType.REPLACEMENT and invoice.corrects:
        return uow.invoices.get(invoice.corrects)
    return None


def submit(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: submit the stored invoice (or its replacement) and record the answer."""
    provider = _provider(app)
    with app.uow() as uow:
        invoice = uow.invoices.get(call.subject)
        original = _original(uow, invoice)
    status: EInvoiceStatus
    if original is not None and original.einvoice is not None:
        status = provider.replace(original.einvoice.provider_ref, invoice)
    else:
        status = provider.submit(invoice)

    def record(tx: Transaction) -> None:
        tx.uow.invoices.get(call.subject).record_einvoice(status)

    return Sent(result=status.provider_ref, record=record)


def refresh_einvoice(app: SalesApp, command: RefreshEInvoice) -> EInvoiceState:
    """Ask the provider for the tax authority's answer (a read: made at once)."""
    provider = _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        if invoice.einvoice is None:
            raise IllegalTransition(
                f"invoice {invoice.id!r}",
                invoice.status.value,
                "refresh e-invoice",
                "it was never submitted",
            )
        status = provider.status(invoice.einvoice.provider_ref)
        invoice.record_einvoice(status)
        if invoice.corrects and status.state is EInvoiceState.ACCEPTED:
            original = tx.uow.invoices.get(invoice.corrects)
            if original.einvoice is not None:
                original.record_einvoice(provider.status(original.einvoice.provider_ref))
        return status.state


def cancel_einvoice(app: SalesApp, command: CancelEInvoice) -> EInvoiceState:
    """Cancel a submitted e-invoice through the provider.

    Raises:
        IllegalTransition: it was never submitted, or the authority accepted it (an
            accepted e-invoice is corrected by a replacement, never cancelled).
    """
    _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        if invoice.einvoice is None:
            raise IllegalTransition(
                invoice.thing, invoice.status.value, "cancel e-invoice", "it was never submitted"
            )
        if invoice.einvoice.state is EInvoiceState.ACCEPTED:
            raise IllegalTransition(
                invoice.thing,
                invoice.status.value,
                "cancel e-invoice",
                "the authority accepted it: correct it with a replacement invoice",
            )
        enqueue(
            tx,
            Call(
                kind=CallKind.CANCEL_EINVOICE,
                target=PROVIDER,
                subject=invoice.id,
                reference=invoice.einvoice.provider_ref,
                reason=command.reason,
            ),
        )
    return _state(app, command.invoice_id)


def cancel(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: cancel the e-invoice ``call.reference`` and record the answer."""
    status = _provider(app).cancel(call.reference, call.reason)

    def record(tx: Transaction) -> None:
        tx.uow.invoices.get(call.subject).record_einvoice(status)

    return Sent(result=status.state.value, record=record)
