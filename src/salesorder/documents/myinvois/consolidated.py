"""The consolidated monthly e-invoice: a month's B2C sales in one MyInvois document.

A buyer who does not ask for an e-invoice gets a normal receipt; the seller then files, in
the first days of the next month, one consolidated e-invoice of those sales, to the
general public (TIN ``EI00000000010``), one line per receipt, classification ``004``
(LHDN e-Invoice Specific Guideline, "Consolidated e-Invoice"; from our knowledge of the
guideline). :func:`consolidate` builds it from the library's issued invoices; the
writers (:func:`~salesorder.documents.myinvois.to_myinvois_xml`) file it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesorder.domain.invoicing import DocumentType, Invoice, InvoiceLine, InvoiceStatus, Party
from salesorder.domain.pricing import LineTax
from salesorder.exceptions import DocumentRuleError
from salesorder.money import Money

__all__ = ["MALAYSIA_TIME", "ConsolidatedInvoice", "consolidate"]

#: Malaysia's time zone, eight hours ahead of UTC all year; a sale's month is its date there.
MALAYSIA_TIME = dt.timezone(dt.timedelta(hours=8), "MYT")


@attrs.frozen(kw_only=True)
class ConsolidatedInvoice:
    """One month's B2C invoices as one e-invoice to the general public.

    ``lines`` has one line per invoice (its number as the description, quantity 1, its net,
    tax and gross, its taxes summed per tax); ``sources`` the invoices' numbers in order;
    ``period`` the month's first and last day and ``"Monthly"``; ``rounding`` the sum of
    the invoices' cash rounding.
    """

    number: str
    issued_at: dt.datetime
    seller: Party
    currency: str
    lines: tuple[InvoiceLine, ...]
    sources: tuple[str, ...]
    period: tuple[dt.date, dt.date, str]
    rounding: Money

    @property
    def gross(self) -> Money:
        """What the buyers paid for the month's invoices, before cash rounding."""
        return Money.sum((line.gross for line in self.lines), self.currency)


def _refuse(number: str, detail: str) -> DocumentRuleError:
    return DocumentRuleError(f"consolidated invoice {number!r}", "MY-CONSOLIDATE", detail)


def _taxes(invoice: Invoice) -> tuple[LineTax, ...]:
    """The invoice's taxes summed per tax (code, rate, treatment): bases and amounts exact."""
    rows: dict[tuple[object, ...], list[LineTax]] = {}
    for line in invoice.lines:
        for record in line.tax_records:
            key = (record.tax_code, record.effective_rate, record.treatment, record.kind)
            rows.setdefault(key, []).append(record)
    currency = invoice.currency
    return tuple(
        attrs.evolve(
            members[0],
            base=Money.sum((m.base for m in members), currency),
            amount=Money.sum((m.amount for m in members), currency),
            legal_base=None,
        )
        for members in rows.values()
    )


def _line(index: int, invoice: Invoice) -> InvoiceLine:
    number = invoice.number or invoice.id
    taxes = _taxes(invoice)
    return InvoiceLine(
        line_id=str(index),
        sku="",
        description=number,
        quantity=1,
        unit_price=invoice.net,
        discount=Money.zero(invoice.currency),
        net=invoice.net,
        tax=invoice.tax,
        gross=invoice.gross,
        tax_code=taxes[0].tax_code if taxes else "",
        tax_rate=taxes[0].tax_rate if taxes else Decimal(0),
        taxes=taxes,
    )


def _check(invoice: Invoice, number: str, first: Invoice, start: dt.date, end: dt.date) -> None:
    name = invoice.thing
    if invoice.status is not InvoiceStatus.ISSUED or invoice.issued_at is None:
        raise _refuse(number, f"{name} is not issued ({invoice.status.value})")
    if invoice.document is not DocumentType.INVOICE:
        raise _refuse(number, f"{name} is a {invoice.document.value}, not a sales invoice")
    if invoice.buyer.tax_id:
        raise _refuse(
            number,
            f"{name} is for buyer {invoice.buyer.name!r}, who has a tax id: a buyer who "
            "gives one gets an e-invoice of their own",
        )
    if invoice.einvoice is not None:
        raise _refuse(number, f"{name} was already filed as an e-invoice of its own")
    day = invoice.issued_at.astimezone(MALAYSIA_TIME).date()
    if not start <= day <= end:
        raise _refuse(number, f"{name} was issued on {day.isoformat()}, outside {start:%Y-%m}")
    if invoice.currency != first.currency:
        raise _refuse(number, f"{name} is in {invoice.currency}, the others in {first.currency}")
    seller, expected = invoice.seller, first.seller
    if (seller.name, seller.tax_id) != (expected.name, expected.tax_id):
        raise _refuse(number, f"{name} is sold by {seller.name!r}, the others by {expected.name!r}")


def consolidate(
    invoices: Iterable[Invoice], *, month: dt.date, number: str, issued_at: dt.datetime
) -> ConsolidatedInvoice:
    """The consolidated e-invoice of ``invoices``, a month's B2C sales.

    Args:
        invoices: issued sales invoices of buyers without a tax id, of one seller and one
            currency, issued in ``month`` (their date in Malaysia time), never filed alone.
        month: any day of the month consolidated.
        number: the consolidated e-invoice's own number (the caller's series).
        issued_at: when it is issued: after the month's end (LHDN wants it within 7 days).

    Raises:
        DocumentRuleError: rule ``MY-CONSOLIDATE``: no invoices, one repeated, one that
            is not an issued sales invoice, has a buyer with a tax id, was filed alone, is
            of another month, seller or currency, or ``issued_at`` within the month.
    """
    chosen = list(invoices)
    start = month.replace(day=1)
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    if not chosen:
        raise _refuse(number, f"has no invoices of {start:%Y-%m} to consolidate")
    if issued_at.astimezone(MALAYSIA_TIME).date() <= end:
        raise _refuse(number, f"is issued before {start:%Y-%m} is over")
    seen: set[str] = set()
    for invoice in chosen:
        _check(invoice, number, chosen[0], start, end)
        key = invoice.number or invoice.id
        if key in seen:
            raise _refuse(number, f"{invoice.thing} is given twice")
        seen.add(key)
    currency = chosen[0].currency
    return ConsolidatedInvoice(
        number=number,
        issued_at=issued_at,
        seller=chosen[0].seller,
        currency=currency,
        lines=tuple(_line(i, invoice) for i, invoice in enumerate(chosen, start=1)),
        sources=tuple(invoice.number or invoice.id for invoice in chosen),
        period=(start, end, "Monthly"),
        rounding=Money.sum((invoice.rounding for invoice in chosen), currency),
    )
