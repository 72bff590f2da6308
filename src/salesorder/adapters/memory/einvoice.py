"""An in-memory e-invoice provider following the Vietnamese flow of the sources.

The provider signs the submitted invoice (state PENDING); on the next status poll the tax
authority has answered: ACCEPTED with its code, or REJECTED with reasons when a rejection was
scripted with :meth:`InMemoryEInvoiceProvider.reject`. Accepted invoices are then sent to the
buyer (:attr:`sent_to_buyer`). Submission is idempotent by invoice id.
"""

from __future__ import annotations

import threading

from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus, Invoice, InvoiceStatus
from salesorder.exceptions import IllegalTransition, NotFound

__all__ = ["InMemoryEInvoiceProvider"]


class InMemoryEInvoiceProvider:
    """See the module docstring."""

    def __init__(self, code: str = "viettel", *, authority_prefix: str = "M1-26-") -> None:
        self._code = code
        self.authority_prefix = authority_prefix
        self.submissions: dict[str, EInvoiceStatus] = {}  # by provider_ref
        self._by_invoice: dict[str, str] = {}
        self._invoice_of: dict[str, str] = {}
        self._rejections: dict[str, tuple[str, ...]] = {}
        self.sent_to_buyer: list[str] = []
        self._lock = threading.Lock()

    @property
    def code(self) -> str:
        """The provider's code."""
        return self._code

    def reject(self, invoice_id: str, *reasons: str) -> None:
        """Script the authority to reject ``invoice_id`` with ``reasons``."""
        self._rejections[invoice_id] = reasons or ("rejected by the tax authority",)

    def submit(self, invoice: Invoice) -> EInvoiceStatus:
        """Sign and send to the authority; a retry returns the first submission's status."""
        if invoice.status is not InvoiceStatus.ISSUED or invoice.number is None:
            raise IllegalTransition(f"invoice {invoice.id!r}", invoice.status.value, "submit")
        with self._lock:
            ref = self._by_invoice.get(invoice.id)
            if ref is not None:
                return self.submissions[ref]
            ref = f"{self._code}-{len(self._by_invoice) + 1:08d}"
            self._by_invoice[invoice.id] = ref
            status = EInvoiceStatus(
                provider=self._code, provider_ref=ref, state=EInvoiceState.PENDING
            )
            self.submissions[ref] = status
            self._invoice_of[ref] = invoice.id
            return status

    def status(self, provider_ref: str) -> EInvoiceStatus:
        """The authority answers on the first poll after submission."""
        with self._lock:
            current = self.submissions.get(provider_ref)
            if current is None:
                raise NotFound("e-invoice", provider_ref)
            if current.state is not EInvoiceState.PENDING:
                return current
            invoice_id = self._invoice_of[provider_ref]
            reasons = self._rejections.get(invoice_id)
            if reasons:
                answer = EInvoiceStatus(
                    provider=self._code,
                    provider_ref=provider_ref,
                    state=EInvoiceState.REJECTED,
                    reasons=reasons,
                )
            else:
                serial = len([s for s in self.submissions.values() if s.authority_code]) + 1
                answer = EInvoiceStatus(
                    provider=self._code,
                    provider_ref=provider_ref,
                    state=EInvoiceState.ACCEPTED,
                    authority_code=f"{self.authority_prefix}{serial:08d}",
                )
                self.sent_to_buyer.append(invoice_id)
            self.submissions[provider_ref] = answer
            return answer
