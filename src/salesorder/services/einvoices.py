"""E-invoices: submitting issued invoices to the provider, its answers, cancellations.

Each use case asks the :class:`~salesorder.ports.einvoice.EInvoiceProvider` and records its
answer on the invoice in the same unit of work; a retry never creates a second e-invoice.
"""

from __future__ import annotations

from salesorder.domain.invoicing import DocumentType, EInvoiceState, EInvoiceStatus
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.services.app import SalesApp
from salesorder.services.commands import CancelEInvoice, RefreshEInvoice, SubmitEInvoice

__all__ = ["cancel_einvoice", "refresh_einvoice", "submit_einvoice"]


def _provider(app: SalesApp) -> EInvoiceProvider:
    if app.einvoice is None:
        raise NotFound("e-invoice provider", None)
    return app.einvoice


def submit_einvoice(app: SalesApp, command: SubmitEInvoice) -> EInvoiceState:
    """Send an issued invoice to the provider; a retry never creates a second e-invoice.

    A replacement invoice is sent as the replacement of its original's e-invoice.
    """
    provider = _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        original = (
            tx.uow.invoices.get(invoice.corrects)
            if invoice.document is DocumentType.REPLACEMENT and invoice.corrects
            else None
        )
        status: EInvoiceStatus
        if original is not None and original.einvoice is not None:
            status = provider.replace(original.einvoice.provider_ref, invoice)
        else:
            status = provider.submit(invoice)
        invoice.record_einvoice(status)
        return status.state


def refresh_einvoice(app: SalesApp, command: RefreshEInvoice) -> EInvoiceState:
    """Ask the provider for the tax authority's answer."""
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
    """Cancel a submitted e-invoice through the provider."""
    provider = _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
        if invoice.einvoice is None:
            raise IllegalTransition(
                invoice.thing, invoice.status.value, "cancel e-invoice", "it was never submitted"
            )
        status = provider.cancel(invoice.einvoice.provider_ref, command.reason)
        invoice.record_einvoice(status)
        return status.state
