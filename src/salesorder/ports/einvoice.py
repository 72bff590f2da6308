"""E-invoice providers (Viettel S-Invoice, MISA, Peppol access points, MyInvois...)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.invoicing import EInvoiceStatus, Invoice

__all__ = ["EInvoiceProvider"]


@runtime_checkable
class EInvoiceProvider(Protocol):
    """Submits issued invoices to the tax authority through a provider."""

    @property
    def code(self) -> str:
        """The provider's code, such as ``"viettel"``."""
        ...

    def submit(self, invoice: Invoice) -> EInvoiceStatus:
        """Submit an issued invoice.

        Contract: idempotent by ``invoice.id``: a retry after a timeout returns the status of
        the first submission and never creates a second e-invoice.

        Raises:
            IllegalTransition: the invoice is not issued (drafts have no number).
        """
        ...

    def status(self, provider_ref: str) -> EInvoiceStatus:
        """The current status: pending, accepted (with the authority's code) or rejected.

        Raises:
            NotFound: the provider does not know ``provider_ref``.
        """
        ...
