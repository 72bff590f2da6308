"""Contract of the e-invoice provider port.

The tax authority's answer comes from outside, so the kit needs hooks to script it:
:meth:`EInvoiceProviderContract.make_accepted` and :meth:`~EInvoiceProviderContract.make_rejected`
are called right after an invoice is submitted and before its status is first polled. The
kit then polls :meth:`~salesorder.ports.einvoice.EInvoiceProvider.status` until the state
leaves PENDING (at most :attr:`~EInvoiceProviderContract.max_polls` times)::

    class TestMisaSandbox(EInvoiceProviderContract):
        def make_provider(self):
            return MisaProvider(sandbox_credentials)

        def make_accepted(self, provider, invoice):
            pass  # the sandbox accepts whatever is valid

        def make_rejected(self, provider, invoice, reasons):
            misa_sandbox.force_rejection(invoice.number, reasons)
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus, Invoice
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises, run_threads

__all__ = ["EInvoiceProviderContract"]


class EInvoiceProviderContract(abc.ABC):
    """Submission is idempotent, drafts are refused, answers move PENDING to a final state."""

    max_polls: ClassVar[int] = 10
    threads: ClassVar[int] = 8

    @abc.abstractmethod
    def make_provider(self) -> EInvoiceProvider:
        """A new provider with no submissions."""

    @abc.abstractmethod
    def make_accepted(self, provider: EInvoiceProvider, invoice: Invoice) -> None:
        """Make the authority accept ``invoice`` (called after submit, before polling)."""

    @abc.abstractmethod
    def make_rejected(
        self, provider: EInvoiceProvider, invoice: Invoice, reasons: Sequence[str]
    ) -> None:
        """Make the authority reject ``invoice`` with ``reasons`` (after submit, before polling)."""

    def make_invoice(self, invoice_id: str, *, issued: bool = True) -> Invoice:
        """An invoice for a two-line IDR order, issued with number ``<invoice_id>-NO``."""
        order = sample.order(f"ORD-{invoice_id}", customer_id="C-1", skus=["SKU-1", "SKU-2"])
        invoice = sample.invoice(invoice_id, of=order, series="S1")
        if issued:
            invoice.issue(f"{invoice_id}-NO", T0, T0.date() + dt.timedelta(days=30))
        return invoice

    def _settle(self, provider: EInvoiceProvider, provider_ref: str) -> EInvoiceStatus:
        status = provider.status(provider_ref)
        for _ in range(self.max_polls):
            if status.state is not EInvoiceState.PENDING:
                return status
            status = provider.status(provider_ref)
        raise AssertionError(f"{provider_ref} still pending after {self.max_polls} polls")

    # -- tests ----------------------------------------------------------------------------

    def test_is_an_einvoice_provider_with_a_code(self) -> None:
        provider = self.make_provider()
        assert isinstance(provider, EInvoiceProvider)
        assert provider.code

    def test_submit_returns_a_pending_status_with_a_reference(self) -> None:
        provider = self.make_provider()
        status = provider.submit(self.make_invoice("INV-1"))
        assert status.state is EInvoiceState.PENDING
        assert status.provider == provider.code
        assert status.provider_ref

    def test_submit_is_idempotent_by_invoice_id(self) -> None:
        provider = self.make_provider()
        invoice = self.make_invoice("INV-1")
        first = provider.submit(invoice)
        assert provider.submit(invoice) == first, "a retry created a second e-invoice"
        assert provider.submit(self.make_invoice("INV-1")) == first
        other = provider.submit(self.make_invoice("INV-2"))
        assert other.provider_ref != first.provider_ref

    def test_concurrent_retries_submit_once(self) -> None:
        provider = self.make_provider()
        invoice = self.make_invoice("INV-RACE")
        answers = run_threads(self.threads, lambda _i: provider.submit(invoice))
        assert {a.provider_ref for a in answers} == {answers[0].provider_ref}

    def test_drafts_are_refused(self) -> None:
        provider = self.make_provider()
        draft = self.make_invoice("INV-1", issued=False)
        with raises(IllegalTransition, "submitting a draft invoice"):
            provider.submit(draft)
        status = provider.submit(self.make_invoice("INV-1"))
        assert status.state is EInvoiceState.PENDING, "the refused draft left a submission"

    def test_status_of_an_unknown_reference_raises_not_found(self) -> None:
        provider = self.make_provider()
        with raises(NotFound, "the status of a reference the provider never gave"):
            provider.status("NO-SUCH-REF-0000")

    def test_pending_then_accepted_with_the_authority_code(self) -> None:
        provider = self.make_provider()
        invoice = self.make_invoice("INV-1")
        submitted = provider.submit(invoice)
        self.make_accepted(provider, invoice)
        final = self._settle(provider, submitted.provider_ref)
        assert final.state is EInvoiceState.ACCEPTED
        assert final.authority_code, "an accepted e-invoice carries the authority's code"
        assert final.provider_ref == submitted.provider_ref
        assert provider.status(submitted.provider_ref) == final, "a final answer changed"
        assert provider.submit(invoice).provider_ref == submitted.provider_ref

    def test_pending_then_rejected_with_reasons(self) -> None:
        provider = self.make_provider()
        invoice = self.make_invoice("INV-1")
        submitted = provider.submit(invoice)
        self.make_rejected(provider, invoice, ["buyer tax code does not exist"])
        final = self._settle(provider, submitted.provider_ref)
        assert final.state is EInvoiceState.REJECTED
        assert final.reasons, "a rejection says why"
        assert not final.authority_code
        assert provider.status(submitted.provider_ref) == final, "a final answer changed"
        assert provider.submit(invoice).provider_ref == submitted.provider_ref

    def test_answers_are_per_invoice(self) -> None:
        provider = self.make_provider()
        good, bad = self.make_invoice("INV-1"), self.make_invoice("INV-2")
        good_ref = provider.submit(good).provider_ref
        bad_ref = provider.submit(bad).provider_ref
        self.make_accepted(provider, good)
        self.make_rejected(provider, bad, ["wrong VAT rate"])
        assert self._settle(provider, bad_ref).state is EInvoiceState.REJECTED
        assert self._settle(provider, good_ref).state is EInvoiceState.ACCEPTED

    def test_cancel_a_pending_einvoice_is_idempotent(self) -> None:
        provider = self.make_provider()
        submitted = provider.submit(self.make_invoice("INV-1"))
        cancelled = provider.cancel(submitted.provider_ref, "wrong buyer")
        assert cancelled.state is EInvoiceState.CANCELLED
        assert provider.cancel(submitted.provider_ref, "wrong buyer") == cancelled
        assert provider.status(submitted.provider_ref).state is EInvoiceState.CANCELLED
        with raises(NotFound, "cancelling a reference the provider never gave"):
            provider.cancel("NO-SUCH-REF-0000", "typo")

    def test_an_accepted_einvoice_is_replaced_not_cancelled(self) -> None:
        provider = self.make_provider()
        original = self.make_invoice("INV-1")
        ref = provider.submit(original).provider_ref
        self.make_accepted(provider, original)
        assert self._settle(provider, ref).state is EInvoiceState.ACCEPTED
        with raises(IllegalTransition, "cancelling an accepted e-invoice"):
            provider.cancel(ref, "too late")
        replacement = self.make_invoice("INV-2")
        first = provider.replace(ref, replacement)
        assert provider.replace(ref, replacement) == first, "a retry created a second e-invoice"
        assert first.replaces == ref
        self.make_accepted(provider, replacement)
        assert self._settle(provider, first.provider_ref).state is EInvoiceState.ACCEPTED
        assert provider.status(ref).state is EInvoiceState.REPLACED
