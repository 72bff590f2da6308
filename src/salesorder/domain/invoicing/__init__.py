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

Import from this package; its modules are how it is built, one concern each: ``model`` the
kinds, statuses, parties and numbering series, ``lines`` the invoice line and the arithmetic
of its credits, ``invoice`` the invoice aggregate, ``credit_notes`` the credit note and
``ageing`` the receivables report.
"""

from salesorder.domain.invoicing.ageing import AgeingBucket, AgeingReport, ageing_report
from salesorder.domain.invoicing.credit_notes import CreditNote
from salesorder.domain.invoicing.invoice import Invoice
from salesorder.domain.invoicing.lines import SHIPPING_LINE, InvoiceLine
from salesorder.domain.invoicing.model import (
    DocumentType,
    EInvoiceState,
    EInvoiceStatus,
    InvoiceKind,
    InvoiceRule,
    InvoiceSeries,
    InvoiceStatus,
    Party,
    PaymentMeans,
    PaymentMeansCode,
    PaymentState,
)

__all__ = [
    "SHIPPING_LINE",
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
    "PaymentMeans",
    "PaymentMeansCode",
    "PaymentState",
    "ageing_report",
]
