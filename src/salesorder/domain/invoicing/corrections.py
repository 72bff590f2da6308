"""What an invoice must be for a correction (an adjustment or a replacement) to be made of it.

Private to :mod:`salesorder.domain.invoicing`: :meth:`Invoice.correction
<salesorder.domain.invoicing.Invoice.correction>` calls it before it drafts anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from salesorder.domain.invoicing.lines import InvoiceLine
from salesorder.domain.invoicing.model import (
    DocumentType,
    EInvoiceState,
    EInvoiceStatus,
    InvoiceStatus,
)
from salesorder.exceptions import IllegalTransition, ValidationError

__all__ = ["check_correctable"]


class _Corrected(Protocol):
    """What the check reads of the invoice to correct (an :class:`Invoice`)."""

    @property
    def thing(self) -> str: ...

    @property
    def status(self) -> InvoiceStatus: ...

    @property
    def document(self) -> DocumentType: ...

    @property
    def einvoice(self) -> EInvoiceStatus | None: ...


def check_correctable(
    invoice: _Corrected, document: DocumentType, lines: Sequence[InvoiceLine] | None
) -> None:
    """Refuse a correction of ``invoice`` that cannot be made.

    Raises:
        ValidationError: ``document`` is not an adjustment or a replacement, or an
            adjustment comes without the lines it adjusts.
        IllegalTransition: the invoice is not issued (a draft, replaced), is a pro forma,
            or its e-invoice was cancelled.
    """
    if document not in (DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT):
        raise ValidationError(f"a correction is an adjustment or a replacement, not {document}")
    if invoice.status is not InvoiceStatus.ISSUED or invoice.document is DocumentType.PRO_FORMA:
        raise IllegalTransition(invoice.thing, invoice.status.value, f"issue a {document.value} of")
    if invoice.einvoice is not None and invoice.einvoice.state is EInvoiceState.CANCELLED:
        raise IllegalTransition(
            invoice.thing,
            invoice.status.value,
            f"issue a {document.value} of",
            "its e-invoice was cancelled",
        )
    if document is DocumentType.ADJUSTMENT and not lines:
        raise ValidationError(f"an adjustment of {invoice.thing} needs the lines it adjusts")
