"""E-invoice providers (Viettel S-Invoice, MISA, Peppol access points, MyInvois...)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.invoicing import EInvoiceStatus, Invoice

__all__ = ["DocumentCheck", "EInvoiceProvider"]


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

    def cancel(self, provider_ref: str, reason: str) -> EInvoiceStatus:
        """Cancel a submitted e-invoice; returns its status, now CANCELLED.

        Contract: idempotent (cancelling twice returns the same status). An e-invoice the
        authority accepted cannot be cancelled: it is corrected by a replacement.

        Raises:
            NotFound: the provider does not know ``provider_ref``.
            IllegalTransition: the e-invoice was accepted.
        """
        ...

    def replace(self, provider_ref: str, replacement: Invoice) -> EInvoiceStatus:
        """Submit ``replacement`` as the replacement of the e-invoice ``provider_ref``.

        Contract: idempotent by ``replacement.id``, like :meth:`submit`; the original's
        status becomes REPLACED once the replacement is accepted.

        Raises:
            NotFound: the provider does not know ``provider_ref``.
            IllegalTransition: the replacement is not issued.
        """
        ...


@runtime_checkable
class DocumentCheck(Protocol):
    """A provider that can tell whether its format carries an invoice, before it is submitted.

    Optional beside :class:`EInvoiceProvider`: when the app's provider has it, issuing an
    invoice calls :meth:`check` on the numbered invoice inside the issue's unit of work, so
    an invoice the format would refuse is refused at issue and takes no number.
    """

    def check(self, invoice: Invoice) -> None:
        """Refuse ``invoice`` if the provider's format cannot carry it; nothing is sent.

        Raises:
            DocumentRuleError: a rule of the format, naming the field.
            InvalidTaxId: a party's tax identifier is invalid for the format.
        """
        ...
