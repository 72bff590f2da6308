"""Invoices and credit notes: the invoice preview's body, and a one-line repr."""

from __future__ import annotations

from salesorder.display._format import clip, money_text
from salesorder.display._html import Html, block, facts
from salesorder.domain.invoicing import CreditNote, Invoice

__all__ = ["credit_note_html", "credit_note_repr", "invoice_html", "invoice_repr"]


def invoice_repr(invoice: Invoice, locale: str) -> str:
    """``<Invoice VAT-000001 issued Rp2.950.000,00 (ORD-000001)>`` (a draft shows its id)."""
    return (
        f"<Invoice {clip(invoice.number or invoice.id)} {invoice.status.value} "
        f"{money_text(invoice.gross, locale)} ({clip(invoice.order_id)})>"
    )


def invoice_html(invoice: Invoice, locale: str) -> Html:
    """What the preview shows, then where the invoice stands.

    The preview is :func:`~salesorder.documents.preview.render_body`; below it, the status,
    what is paid and credited, and what is still open.
    """
    from salesorder.documents.preview import render_body  # noqa: PLC0415 - documents are heavy

    state = facts(
        (
            ("status", invoice.status.value),
            ("order", invoice.order_id),
            ("paid", money_text(invoice.paid, locale)),
            ("credited", money_text(invoice.credited, locale)),
            ("open", money_text(invoice.open_balance, locale)),
        )
    )
    return block(
        "invoice",
        f"Invoice {invoice.number or invoice.id}",
        Html(render_body(invoice, locale)),
        state,
    )


def credit_note_repr(note: CreditNote, locale: str) -> str:
    """``<CreditNote CN-000001 of INV-000001 Rp150.000,00 (ORD-000002)>``."""
    invoice = clip(note.invoice_number or note.invoice_id)
    return (
        f"<CreditNote {clip(note.number or note.id)} of {invoice} "
        f"{money_text(note.gross, locale)} ({clip(note.order_id)})>"
    )


def credit_note_html(note: CreditNote, locale: str) -> Html:
    """What the preview shows (:func:`~salesorder.documents.preview.render_body`)."""
    from salesorder.documents.preview import render_body  # noqa: PLC0415 - documents are heavy

    return block(
        "credit-note",
        f"Credit note {note.number or note.id}",
        Html(render_body(note, locale)),
        facts((("order", note.order_id), ("reason", note.reason))),
    )
