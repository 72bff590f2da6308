"""Invoices, e-invoices and payments."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from salesorder.domain.customers import CustomerKind
from salesorder.domain.events import InvoiceIssued, PaymentRecorded
from salesorder.domain.invoicing import EInvoiceState, Invoice, InvoiceSeries, Party
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.payments import Payment
from salesorder.exceptions import DuplicateError, IllegalTransition, NotFound
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.services.app import SalesApp
from salesorder.services.commands import (
    IssueInvoice,
    RecordPayment,
    RefreshEInvoice,
    SubmitEInvoice,
)

__all__ = ["issue_invoice", "record_payment", "refresh_einvoice", "submit_einvoice"]

_INVOICEABLE = frozenset(
    {
        OrderStatus.CONFIRMED,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    }
)


def issue_invoice(app: SalesApp, command: IssueInvoice) -> str:
    """Issue the invoice of a confirmed order with the next number of its series.

    The number is taken in the same unit of work that stores the invoice, so numbers have no
    gaps: a failed issue takes no number. The due date is ``settings.payment_days`` after issue.
    """
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if order.status not in _INVOICEABLE or order.pricing is None:
            raise IllegalTransition(order.thing, order.status.value, "invoice")
        if order.invoice_ids:
            raise DuplicateError(f"{order.thing} is already invoiced ({order.invoice_ids[0]})")
        customer = uow.customers.get(order.customer_id)
        buyer = Party(
            name=customer.company_name if customer.kind is CustomerKind.BUSINESS else customer.name,
            address=order.shipping_address,
            tax_id=customer.tax_id,
        )
        series = uow.invoice_series.find(command.series)
        if series is None:
            series = InvoiceSeries(code=command.series, prefix=f"{command.series}-")
            uow.invoice_series.add(series)
        invoice = Invoice.draft_from_order(
            id=app.ids.next_id("invoice"),
            order_id=order.id,
            pricing=order.pricing,
            descriptions={line.line_id: (line.sku, line.name or line.sku) for line in order.lines},
            kind=command.kind,
            series=series.code,
            seller=app.settings.seller,
            buyer=buyer,
        )
        number = series.take()
        invoice.issue(number, tx.now, tx.now.date() + relativedelta(days=app.settings.payment_days))
        uow.invoices.add(invoice)
        order.add_invoice(invoice.id)
        tx.raise_event(
            InvoiceIssued(
                order_id=order.id,
                at=tx.now,
                invoice_id=invoice.id,
                number=number,
                gross=invoice.gross,
            )
        )
        return invoice.id


def _provider(app: SalesApp) -> EInvoiceProvider:
    if app.einvoice is None:
        raise NotFound("e-invoice provider", None)
    return app.einvoice


def submit_einvoice(app: SalesApp, command: SubmitEInvoice) -> EInvoiceState:
    """Send an issued invoice to the provider; a retry never creates a second e-invoice."""
    provider = _provider(app)
    with app.transaction() as tx:
        invoice = tx.uow.invoices.get(command.invoice_id)
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
        return status.state


def record_payment(app: SalesApp, command: RecordPayment) -> str:
    """Record money received for an order; the same reference is refused the second time."""
    with app.transaction() as tx:
        uow = tx.uow
        existing = uow.payments.find_by_reference(command.reference)
        if existing is not None:
            raise DuplicateError(
                f"payment reference {command.reference!r} is already recorded "
                f"({existing.id} for order {existing.order_id!r})"
            )
        order = uow.orders.get(command.order_id)
        payment = Payment(
            id=app.ids.next_id("payment"),
            order_id=order.id,
            method=command.method,
            amount=command.amount,
            reference=command.reference,
            received_at=tx.now,
        )
        order.record_payment(command.amount, command.method)
        uow.payments.add(payment)
        tx.raise_event(
            PaymentRecorded(
                order_id=order.id,
                at=tx.now,
                payment_id=payment.id,
                amount=payment.amount,
                method=payment.method.value,
            )
        )
        return payment.id
