"""Invoices: drafts built from a priced order, issued with the next gapless number of a series.

An issued invoice is frozen: its lines and amounts never change (corrections come as credit
notes and adjustment invoices in the invoicing issue). Amounts are copied from the order's
pricing, so invoice totals add up exactly as the order's do.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import as_tuple, aware_datetime, code, non_empty
from salesorder.domain.customers import Address
from salesorder.domain.pricing import PricedOrder, TaxSummary
from salesorder.exceptions import IllegalTransition, ValidationError
from salesorder.money import Money

__all__ = [
    "EInvoiceState",
    "EInvoiceStatus",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceSeries",
    "InvoiceStatus",
    "Party",
]


class InvoiceKind(str, enum.Enum):
    """A plain sales invoice, or a VAT invoice for business buyers (via an e-invoice provider)."""

    SALES = "sales"
    VAT = "vat"


class InvoiceStatus(str, enum.Enum):
    """A draft has no number; an issued invoice is a frozen legal document."""

    DRAFT = "draft"
    ISSUED = "issued"


class EInvoiceState(str, enum.Enum):
    """Where an e-invoice is at its provider and the tax authority."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@attrs.frozen(kw_only=True)
class EInvoiceStatus:
    """The provider's answer: its reference, the state, the authority's code or the reasons."""

    provider: str
    provider_ref: str
    state: EInvoiceState
    authority_code: str = ""
    reasons: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class Party:
    """Seller or buyer as printed on an invoice."""

    name: str = attrs.field(validator=non_empty)
    address: Address | None = None
    tax_id: str = ""


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """An invoice line copied from a priced order line."""

    line_id: str
    sku: str
    description: str
    quantity: int
    unit_price: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal


@attrs.define(kw_only=True)
class InvoiceSeries:
    """A numbering series: numbers are handed out one by one, without gaps.

    ``prefix`` is printed before a zero-padded number (``"INV-2026-"`` + ``"000001"``).
    Taking a number and issuing the invoice happen in one unit of work, so a failed issue
    leaves no gap.
    """

    code: str = attrs.field(validator=code)
    prefix: str = ""
    next_number: int = 1
    width: int = 6

    def take(self) -> str:
        """The next number, formatted; the series moves on by one."""
        number = f"{self.prefix}{self.next_number:0{self.width}d}"
        self.next_number += 1
        return number


@attrs.define(kw_only=True)
class Invoice:
    """An invoice for an order; see the module docstring."""

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    kind: InvoiceKind
    series: str = attrs.field(validator=code)
    seller: Party
    buyer: Party
    currency: str
    lines: tuple[InvoiceLine, ...]
    tax_summary: tuple[TaxSummary, ...]
    net: Money
    tax: Money
    gross: Money
    status: InvoiceStatus = InvoiceStatus.DRAFT
    number: str | None = None
    issued_at: dt.datetime | None = None
    due_date: dt.date | None = None
    einvoice: EInvoiceStatus | None = None

    @classmethod
    def draft_from_order(
        cls,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        order_id: str,
        pricing: PricedOrder,
        descriptions: dict[str, tuple[str, str]],
        kind: InvoiceKind,
        series: str,
        seller: Party,
        buyer: Party,
    ) -> Invoice:
        """A draft invoice with the order's priced lines.

        Args:
            id: the new invoice's id.
            order_id: the order invoiced.
            pricing: the order's pricing; lines and totals are copied from it.
            descriptions: per line id, (SKU, description) to print.
            kind: a plain sales invoice or a VAT invoice (which needs the buyer's tax id).
            series: the numbering series the number will come from.
            seller: the seller as printed.
            buyer: the buyer as printed.
        """
        if kind is InvoiceKind.VAT and not buyer.tax_id:
            raise ValidationError(f"a VAT invoice for order {order_id!r} needs the buyer's tax id")
        lines = tuple(
            InvoiceLine(
                line_id=p.line_id,
                sku=descriptions[p.line_id][0],
                description=descriptions[p.line_id][1],
                quantity=p.quantity,
                unit_price=p.unit_price,
                discount=p.discount,
                net=p.net,
                tax=p.tax,
                gross=p.gross,
                tax_code=p.tax_code,
                tax_rate=p.tax_rate,
            )
            for p in pricing.lines
        )
        return cls(
            id=id,
            order_id=order_id,
            kind=kind,
            series=series,
            seller=seller,
            buyer=buyer,
            currency=pricing.currency,
            lines=lines,
            tax_summary=pricing.tax_summary,
            net=pricing.net,
            tax=pricing.tax,
            gross=pricing.gross,
        )

    def issue(self, number: str, at: dt.datetime, due_date: dt.date) -> None:
        """Give the draft its number and freeze it."""
        if self.status is not InvoiceStatus.DRAFT:
            raise IllegalTransition(f"invoice {self.id!r}", self.status.value, "issue")
        aware_datetime(self, attrs.fields(Invoice).issued_at, at)
        self.number = number
        self.issued_at = at
        self.due_date = due_date
        self.status = InvoiceStatus.ISSUED

    def record_einvoice(self, status: EInvoiceStatus) -> None:
        """Keep the provider's latest answer (only for an issued invoice)."""
        if self.status is not InvoiceStatus.ISSUED:
            raise IllegalTransition(f"invoice {self.id!r}", self.status.value, "submit e-invoice")
        self.einvoice = status
