"""An in-memory e-invoice provider following the Vietnamese flow of the sources.

The provider signs the submitted invoice (state PENDING); on the next status poll the tax
authority has answered: ACCEPTED with its code, or REJECTED with reasons when a rejection was
scripted with :meth:`InMemoryEInvoiceProvider.reject`. Accepted invoices are then sent to the
buyer (:attr:`sent_to_buyer`). Submission is idempotent by invoice id.

A pending e-invoice can be cancelled; an accepted one is corrected by a replacement
(:meth:`InMemoryEInvoiceProvider.replace`), after whose acceptance the original is REPLACED.
Each submission keeps the XML the provider would sign (:attr:`documents`, UBL 2.1).
"""

from __future__ import annotations

import threading

import attrs

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
        self.documents: dict[str, bytes] = {}  # by provider_ref
        self._replaces: dict[str, str] = {}  # replacement ref -> original ref
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
        return self._submit(invoice, replaces="")

    def _submit(self, invoice: Invoice, replaces: str) -> EInvoiceStatus:
        if invoice.status is InvoiceStatus.DRAFT or invoice.number is None:
            raise IllegalTransition(f"invoice {invoice.id!r}", invoice.status.value, "submit")
        from salesorder.documents.ubl import to_ubl  # noqa: PLC0415 - a provider's detail

        with self._lock:
            ref = self._by_invoice.get(invoice.id)
            if ref is not None:
                return self.submissions[ref]
            ref = f"{self._code}-{len(self._by_invoice) + 1:08d}"
            self._by_invoice[invoice.id] = ref
            status = EInvoiceStatus(
                provider=self._code,
                provider_ref=ref,
                state=EInvoiceState.PENDING,
                replaces=replaces,
            )
            self.submissions[ref] = status
            self._invoice_of[ref] = invoice.id
            self.documents[ref] = to_ubl(invoice)
            if replaces:
                self._replaces[ref] = replaces
            return status

    def cancel(self, provider_ref: str, reason: str) -> EInvoiceStatus:
        """Cancel a pending or rejected e-invoice (idempotent)."""
        with self._lock:
            current = self.submissions.get(provider_ref)
            if current is None:
                raise NotFound("e-invoice", provider_ref)
            if current.state is EInvoiceState.CANCELLED:
                return current
            if current.state in (EInvoiceState.ACCEPTED, EInvoiceState.REPLACED):
                raise IllegalTransition(
                    f"e-invoice {provider_ref!r}",
                    current.state.value,
                    "cancel",
                    "the tax authority accepted it; issue a replacement instead",
                )
            cancelled = attrs.evolve(
                current, state=EInvoiceState.CANCELLED, reasons=(reason or "cancelled",)
            )
            self.submissions[provider_ref] = cancelled
            return cancelled

    def replace(self, provider_ref: str, replacement: Invoice) -> EInvoiceStatus:
        """Submit ``replacement`` for the e-invoice ``provider_ref`` (idempotent)."""
        with self._lock:
            if provider_ref not in self.submissions:
                raise NotFound("e-invoice", provider_ref)
        return self._submit(replacement, replaces=provider_ref)

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
                    replaces=current.replaces,
                    state=EInvoiceState.REJECTED,
                    reasons=reasons,
                )
            else:
                serial = len([s for s in self.submissions.values() if s.authority_code]) + 1
                answer = EInvoiceStatus(
                    provider=self._code,
                    provider_ref=provider_ref,
                    replaces=current.replaces,
                    state=EInvoiceState.ACCEPTED,
                    authority_code=f"{self.authority_prefix}{serial:08d}",
                )
                self.sent_to_buyer.append(invoice_id)
                original = self._replaces.get(provider_ref)
                if original is not None:
                    self.submissions[original] = attrs.evolve(
                        self.submissions[original], state=EInvoiceState.REPLACED
                    )
            self.submissions[provider_ref] = answer
            return answer
