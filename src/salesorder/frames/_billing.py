"""The frames of invoices, credit notes, their lines, and payments."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salesorder.domain.invoicing import (
    CreditNote,
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
)
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.frames._frame import (
    Column,
    ColumnKind,
    Frame,
    category,
    money_columns,
    of_kind,
    put_money,
    text,
)
from salesorder.frames._sources import load
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp

__all__ = ["credit_notes", "invoice_lines", "invoices", "payments"]

#: What the document of an invoice line is: an invoice's
#: :class:`~salesorder.domain.invoicing.DocumentType`, or a credit note.
LINE_DOCUMENTS = (*(member.value for member in DocumentType), "credit_note")

INVOICES: tuple[Column, ...] = (
    text("invoice_id"),
    text("number"),
    text("order_id"),
    category("kind", InvoiceKind),
    category("document", DocumentType),
    category("status", InvoiceStatus),
    Column(name="issued_at", kind=ColumnKind.DATETIME),
    Column(name="due_date", kind=ColumnKind.DATE),
    text("shipment_id"),
    text("corrects"),
    text("currency"),
    *money_columns("net", "tax", "gross", "rounding", "paid", "credited", "open_balance"),
)

CREDIT_NOTES: tuple[Column, ...] = (
    text("credit_note_id"),
    text("number"),
    text("invoice_id"),
    text("invoice_number"),
    text("order_id"),
    Column(name="issued_at", kind=ColumnKind.DATETIME),
    text("reason"),
    text("currency"),
    *money_columns("net", "tax", "gross"),
)

INVOICE_LINES: tuple[Column, ...] = (
    text("document_id"),
    category("document", LINE_DOCUMENTS),
    text("invoice_id"),
    text("order_id"),
    text("line_id"),
    text("sku"),
    text("description"),
    text("charge"),
    text("currency"),
    *of_kind(ColumnKind.QUANTITY, "quantity"),
    text("unit"),
    *money_columns("unit_price", "discount", "net", "tax", "gross"),
    text("tax_code"),
    Column(name="tax_rate", kind=ColumnKind.DECIMAL),
)

PAYMENTS: tuple[Column, ...] = (
    text("payment_id"),
    text("order_id"),
    text("customer_id"),
    category("method", PaymentMethod),
    text("reference"),
    Column(name="received_at", kind=ColumnKind.DATETIME),
    text("currency"),
    *money_columns("amount", "applied", "to_credit", "refunded", "allocated", "unallocated"),
)


def _invoice_row(invoice: Invoice) -> dict[str, Any]:
    row: dict[str, Any] = {
        "invoice_id": invoice.id,
        "number": invoice.number,
        "order_id": invoice.order_id,
        "kind": invoice.kind.value,
        "document": invoice.document.value,
        "status": invoice.status.value,
        "issued_at": invoice.issued_at,
        "due_date": invoice.due_date,
        "shipment_id": invoice.shipment_id,
        "corrects": invoice.corrects,
        "currency": invoice.currency,
    }
    for name in ("net", "tax", "gross", "rounding", "paid", "credited", "open_balance"):
        put_money(row, name, getattr(invoice, name))
    return row


def invoices(source: SalesApp | UnitOfWork | Invoice | Iterable[Invoice]) -> Frame:
    """One row per invoice (drafts, pro formas and corrections too): status, dates, money.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or invoices.
    """
    found = load(source, Invoice, lambda uow: uow.invoices.list(), frame="invoices")
    return Frame(name="invoices", columns=INVOICES, rows=tuple(_invoice_row(i) for i in found))


def credit_notes(source: SalesApp | UnitOfWork | CreditNote | Iterable[CreditNote]) -> Frame:
    """One row per credit note: the invoice it credits and what it takes back (positive).

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or credit notes.
    """
    found = load(source, CreditNote, lambda uow: uow.credit_notes.list(), frame="credit_notes")
    rows = []
    for note in found:
        row: dict[str, Any] = {
            "credit_note_id": note.id,
            "number": note.number,
            "invoice_id": note.invoice_id,
            "invoice_number": note.invoice_number,
            "order_id": note.order_id,
            "issued_at": note.issued_at,
            "reason": note.reason,
            "currency": note.currency,
        }
        for name in ("net", "tax", "gross"):
            put_money(row, name, getattr(note, name))
        rows.append(row)
    return Frame(name="credit_notes", columns=CREDIT_NOTES, rows=tuple(rows))


def _line_row(document: Invoice | CreditNote, line: InvoiceLine) -> dict[str, Any]:
    if isinstance(document, CreditNote):
        kind, invoice_id = "credit_note", document.invoice_id
    else:
        kind, invoice_id = document.document.value, document.id
    row: dict[str, Any] = {
        "document_id": document.id,
        "document": kind,
        "invoice_id": invoice_id,
        "order_id": document.order_id,
        "line_id": line.line_id,
        "sku": line.sku,
        "description": line.description,
        "charge": line.charge,
        "currency": document.currency,
        "quantity": line.quantity,
        "unit": line.unit.code,
    }
    for name in ("unit_price", "discount", "net", "tax", "gross"):
        put_money(row, name, getattr(line, name))
    row["tax_code"] = line.tax_code
    row["tax_rate"] = line.tax_rate
    return row


def _documents(uow: UnitOfWork) -> list[Invoice | CreditNote]:
    return [*uow.invoices.list(), *uow.credit_notes.list()]


def invoice_lines(
    source: SalesApp | UnitOfWork | Invoice | CreditNote | Iterable[Invoice | CreditNote],
) -> Frame:
    """One row per line of invoices and credit notes (from an app: invoices, then notes).

    ``document`` says what the line is on: an invoice's document type, or
    ``"credit_note"``, whose amounts are what it takes back (positive). ``invoice_id`` is
    the invoice itself, or the one the credit note credits. A document's lines add up to
    its ``net``, ``tax`` and ``gross`` exactly.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work, invoices or credit notes.
    """
    found = load(source, (Invoice, CreditNote), _documents, frame="invoice_lines")
    rows = tuple(_line_row(document, line) for document in found for line in document.lines)
    return Frame(name="invoice_lines", columns=INVOICE_LINES, rows=rows)


def _payment_row(payment: Payment) -> dict[str, Any]:
    row: dict[str, Any] = {
        "payment_id": payment.id,
        "order_id": payment.order_id,
        "customer_id": payment.customer_id,
        "method": payment.method.value,
        "reference": payment.reference,
        "received_at": payment.received_at,
        "currency": payment.currency,
    }
    for name in ("amount", "applied", "to_credit", "refunded", "allocated", "unallocated"):
        put_money(row, name, getattr(payment, name))
    return row


def payments(source: SalesApp | UnitOfWork | Payment | Iterable[Payment]) -> Frame:
    """One row per payment: how much came in, went to the order or to credit, came back.

    ``applied + to_credit == amount`` on every row; ``unallocated`` is applied, not
    refunded and not yet counted against an invoice.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or payments.
    """
    found = load(source, Payment, lambda uow: uow.payments.list(), frame="payments")
    return Frame(name="payments", columns=PAYMENTS, rows=tuple(_payment_row(p) for p in found))
