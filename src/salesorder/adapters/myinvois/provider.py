"""The e-invoice provider port over LHDN's MyInvois API (Malaysia).

MyInvois is both the provider and the tax authority: a submitted document is *Submitted*
(PENDING) until LHDN's validation makes it *Valid* (ACCEPTED; the authority's code is the
document's ``longId``, the key of its public validation link) or *Invalid* (REJECTED, with
the validation errors as reasons). The provider's reference is the document's MyInvois
UUID.

Cancelling follows the port: a pending e-invoice is cancelled; a validated one is not
(:meth:`MyInvoisProvider.cancel` raises IllegalTransition). LHDN lets the issuer cancel a
validated e-invoice for 72 hours after validation, which is what
:meth:`MyInvoisProvider.replace` does before it submits the replacement, and what
:meth:`MyInvoisProvider.cancel_validated` does on its own; after the 72 hours both refuse
with IllegalTransition (LHDN's correction is then a credit note).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

import httpx

from salesorder.adapters.myinvois.config import (
    PREPROD,
    DocumentFormat,
    MyInvoisCredentials,
    MyInvoisEnvironment,
)
from salesorder.adapters.myinvois.errors import MyInvoisRefused, MyInvoisUnavailable
from salesorder.adapters.myinvois.session import MyInvoisSession, error_code, error_messages
from salesorder.documents.myinvois import (
    MyInvoisOptions,
    document_hash,
    to_myinvois_json,
    to_myinvois_xml,
)
from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus, Invoice, InvoiceStatus
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.ports.clock import Clock

__all__ = ["CANCELLATION_WINDOW", "MyInvoisProvider"]

#: How long after validation LHDN lets the issuer cancel an e-invoice (SDK, "Cancel Document").
CANCELLATION_WINDOW = dt.timedelta(hours=72)
#: LHDN's limit on a cancellation reason (SDK, "Cancel Document": 300 characters).
REASON_LIMIT = 300
#: How far back a duplicate submission's first copy is searched for (LHDN detects
#: identical submissions within 10 minutes; the search takes at most 31 days).
SEARCH_BACK = dt.timedelta(days=1)

_STATES = {
    "submitted": EInvoiceState.PENDING,
    "valid": EInvoiceState.ACCEPTED,
    "invalid": EInvoiceState.REJECTED,
    "cancelled": EInvoiceState.CANCELLED,
}


def _parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _validation_reasons(details: Mapping[str, Any]) -> tuple[str, ...]:
    """The errors of every failed validation step of a document's details."""
    results = details.get("validationResults") or {}
    reasons: list[str] = []
    for step in results.get("validationSteps") or ():
        if str(step.get("status", "")).lower() == "invalid":
            messages = error_messages(step.get("error"))
            name = step.get("name") or "validation"
            reasons.extend(f"{name}: {message}" for message in messages or ["invalid"])
    return tuple(reasons) or ("LHDN found the document invalid (no detail given)",)


class MyInvoisProvider:
    """Submits issued invoices to MyInvois (see the module docstring).

    Args:
        client: the ``httpx.Client`` to call through (its timeouts apply; tests pass one
            with an ``httpx.MockTransport``).
        credentials: the ERP system's client id and secret.
        clock: tells the time for the token's expiry, the 429 pause and the 72-hour window.
        environment: :data:`~salesorder.adapters.myinvois.config.PREPROD` (the default) or
            :data:`~salesorder.adapters.myinvois.config.PRODUCTION`.
        options: the seller's MyInvois settings handed to the document writer.
        document_format: JSON (the default) or XML.
        writer: renders an invoice as the bytes to submit; by default
            :func:`~salesorder.documents.myinvois.to_myinvois_json` (or ``_xml``) with
            ``options``. It runs before any call: a document it refuses submits nothing.
        references: where the invoice id -> MyInvois UUID mapping is kept; pass a
            persistent mapping so that a retry from another process finds the first
            submission (a dict by default).
        code: the provider code recorded on statuses.
    """

    def __init__(
        self,
        *,
        client: httpx.Client,
        credentials: MyInvoisCredentials,
        clock: Clock,
        environment: MyInvoisEnvironment = PREPROD,
        options: MyInvoisOptions | None = None,
        document_format: DocumentFormat = DocumentFormat.JSON,
        writer: Callable[[Invoice], bytes] | None = None,
        references: MutableMapping[str, str] | None = None,
        code: str = "myinvois",
    ) -> None:
        self._session = MyInvoisSession(
            client=client, credentials=credentials, environment=environment, clock=clock
        )
        self._clock = clock
        self._environment = environment
        self._format = DocumentFormat(document_format)
        self._writer = writer or self._default_writer(options)
        self._references: MutableMapping[str, str] = {} if references is None else references
        self._code = code
        self._known: dict[str, EInvoiceStatus] = {}  # last status by UUID
        self._submissions: dict[str, str] = {}  # UUID -> submission UID
        self._validated: dict[str, dt.datetime] = {}  # UUID -> when LHDN validated it
        self._replaced_by: dict[str, str] = {}  # original UUID -> replacement UUID
        self._replaces: dict[str, str] = {}  # replacement UUID -> original UUID
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _default_writer(self, options: MyInvoisOptions | None) -> Callable[[Invoice], bytes]:
        render = to_myinvois_xml if self._format is DocumentFormat.XML else to_myinvois_json

        def write(invoice: Invoice) -> bytes:
            return render(invoice, options=options)

        return write

    def check(self, invoice: Invoice) -> None:
        """Write ``invoice`` as it would be submitted, sending nothing (the app's issue check).

        Raises:
            DocumentRuleError: MyInvois cannot carry it (see the MyInvois writer).
        """
        self._writer(invoice)

    @property
    def code(self) -> str:
        """The provider's code, ``"myinvois"`` unless set."""
        return self._code

    @property
    def session(self) -> MyInvoisSession:
        """The authenticated session the provider calls through."""
        return self._session

    def validation_url(self, status: EInvoiceStatus) -> str:
        """The public validation link of an accepted e-invoice (what its QR code holds).

        Raises:
            IllegalTransition: the e-invoice has no ``longId`` (it is not validated).
        """
        if not status.authority_code:
            raise IllegalTransition(
                f"e-invoice {status.provider_ref!r}",
                status.state.value,
                "link",
                "LHDN gives the validation link's longId only to a validated document",
            )
        portal = self._environment.portal_url
        return f"{portal}/{status.provider_ref}/share/{status.authority_code}"

    # -- the port ------------------------------------------------------------------------

    def submit(self, invoice: Invoice) -> EInvoiceStatus:
        """Submit an issued invoice; a retry returns the first submission's status.

        Raises:
            IllegalTransition: the invoice is a draft (nothing is sent).
            MyInvoisRefused: LHDN refused the document or the submission (nothing was
                accepted; correct it and submit again).
            MyInvoisUnavailable: no answer, or one a later retry may improve.
        """
        return self._submit(invoice, replaces="")

    def status(self, provider_ref: str) -> EInvoiceStatus:
        """The document's state at LHDN (validation errors as reasons when Invalid).

        Raises:
            NotFound: MyInvois knows no document ``provider_ref``.
        """
        summary = self._summary(provider_ref)
        state = _STATES.get(str(summary.get("status", "")).lower())
        if state is None:
            raise MyInvoisUnavailable(
                f"MyInvois gave document {provider_ref!r} the unknown status "
                f"{summary.get('status')!r}"
            )
        validated = _parse_time(summary.get("dateTimeValidated"))
        if validated is not None:
            self._validated[provider_ref] = validated
        reasons: tuple[str, ...] = ()
        authority_code = str(summary.get("longId") or "")
        if state is EInvoiceState.REJECTED:
            details = summary if "validationResults" in summary else self._details(provider_ref)
            reasons = _validation_reasons(details)
        elif state is EInvoiceState.CANCELLED:
            reason = str(summary.get("documentStatusReason") or "")
            reasons = (reason,) if reason else ()
            previous = self._known.get(provider_ref)
            authority_code = previous.authority_code if previous else ""
            if self._replacement_accepted(provider_ref):
                state, reasons = EInvoiceState.REPLACED, ()
        elif state is EInvoiceState.ACCEPTED and summary.get("rejectRequestDateTime"):
            why = summary.get("documentStatusReason") or "no reason given"
            reasons = (f"the buyer asked LHDN to reject it: {why}",)
        status = EInvoiceStatus(
            provider=self._code,
            provider_ref=provider_ref,
            state=state,
            authority_code=authority_code if state is not EInvoiceState.REJECTED else "",
            reasons=reasons,
            replaces=self._replaces.get(provider_ref, ""),
        )
        self._known[provider_ref] = status
        return status

    def cancel(self, provider_ref: str, reason: str) -> EInvoiceStatus:
        """Cancel a pending e-invoice (idempotent).

        Raises:
            NotFound: MyInvois knows no document ``provider_ref``.
            IllegalTransition: LHDN validated it (correct it by :meth:`replace` within 72
                hours of validation, by a credit note after), or found it invalid.
        """
        with self._lock_of(provider_ref):
            current = self.status(provider_ref)
            if current.state is EInvoiceState.CANCELLED:
                return current
            if current.state is not EInvoiceState.PENDING:
                raise self._not_cancellable(current)
            return self._cancel(provider_ref, reason)

    def cancel_validated(self, provider_ref: str, reason: str) -> EInvoiceStatus:
        """Cancel a pending or validated e-invoice, which LHDN allows for 72 hours.

        Not part of the port (which corrects an accepted e-invoice by a replacement): it
        is MyInvois' own cancellation, for a sale that is undone rather than corrected.

        Raises:
            NotFound: MyInvois knows no document ``provider_ref``.
            IllegalTransition: the 72 hours since validation have passed, or it is invalid
                or replaced.
        """
        with self._lock_of(provider_ref):
            current = self.status(provider_ref)
            if current.state is EInvoiceState.CANCELLED:
                return current
            if current.state is EInvoiceState.ACCEPTED:
                self._check_window(current)
            elif current.state is not EInvoiceState.PENDING:
                raise self._not_cancellable(current)
            return self._cancel(provider_ref, reason)

    def replace(self, provider_ref: str, replacement: Invoice) -> EInvoiceStatus:
        """Cancel the e-invoice ``provider_ref`` and submit ``replacement`` in its place.

        Idempotent by ``replacement.id``. The replacement's document is written first, so
        a refused one leaves the original as it was. An original LHDN found invalid (or
        already cancelled) is not cancelled again.

        Raises:
            NotFound: MyInvois knows no document ``provider_ref``.
            IllegalTransition: the replacement is a draft; or the original was validated
                more than 72 hours ago (correct it by a credit note), or was replaced.
        """
        self._check_issued(replacement)
        known = self._references.get(replacement.id)
        if known is not None:
            return self._known.get(known) or self.status(known)
        document = self._writer(replacement)  # refused here: nothing changed
        with self._lock_of(provider_ref):
            original = self.status(provider_ref)
            if original.state is EInvoiceState.ACCEPTED:
                self._check_window(original)
                self._cancel(provider_ref, f"replaced by invoice {replacement.number}")
            elif original.state is EInvoiceState.PENDING:
                self._cancel(provider_ref, f"replaced by invoice {replacement.number}")
            elif original.state is EInvoiceState.REPLACED:
                raise self._not_cancellable(original)
        return self._submit(replacement, replaces=provider_ref, document=document)

    # -- submitting ----------------------------------------------------------------------

    @staticmethod
    def _check_issued(invoice: Invoice) -> None:
        if invoice.status is InvoiceStatus.DRAFT or invoice.number is None:
            raise IllegalTransition(
                f"invoice {invoice.id!r}",
                invoice.status.value,
                "submit",
                "a draft has no number: issue it first",
            )

    def _submit(
        self, invoice: Invoice, *, replaces: str, document: bytes | None = None
    ) -> EInvoiceStatus:
        self._check_issued(invoice)
        with self._lock_of(f"invoice:{invoice.id}"):
            known = self._references.get(invoice.id)
            if known is not None:
                return self._known.get(known) or self.status(known)
            if document is None:
                document = self._writer(invoice)  # refused here: nothing is sent
            assert invoice.number is not None  # noqa: S101 - _check_issued made sure
            uuid = self._send(invoice.number, document)
            self._references[invoice.id] = uuid
            if replaces:
                self._replaces[uuid] = replaces
                self._replaced_by[replaces] = uuid
            status = EInvoiceStatus(
                provider=self._code,
                provider_ref=uuid,
                state=EInvoiceState.PENDING,
                replaces=replaces,
            )
            self._known[uuid] = status
            return status

    def _send(self, number: str, document: bytes) -> str:
        """Submit one document; its MyInvois UUID (a duplicate's first copy's)."""
        body = {
            "documents": [
                {
                    "format": self._format.value,
                    "documentHash": document_hash(document),
                    "codeNumber": number,
                    "document": base64.b64encode(document).decode("ascii"),
                }
            ]
        }
        response = self._session.call(
            "POST", "/api/v1.0/documentsubmissions/", json=body, handled=(422,)
        )
        answer = response.json()
        if response.status_code == 422:
            if error_code(answer) != "DuplicateSubmission":
                raise self._session.error(response, f"the submission of {number!r}")
            return self._find_duplicate(number, response)
        submission = str(answer.get("submissionUid") or answer.get("submissionUID") or "")
        for accepted in answer.get("acceptedDocuments") or ():
            if accepted.get("invoiceCodeNumber") == number:
                uuid = str(accepted["uuid"])
                self._submissions[uuid] = submission
                return uuid
        reasons = [
            message
            for rejected in answer.get("rejectedDocuments") or ()
            if rejected.get("invoiceCodeNumber") == number
            for message in error_messages(rejected.get("error"))
        ]
        raise MyInvoisRefused(
            f"MyInvois did not accept invoice {number!r}: "
            + ("; ".join(reasons) or "it is neither accepted nor rejected in the answer"),
            status_code=response.status_code,
            error_code="RejectedDocument",
        )

    def _find_duplicate(self, number: str, response: httpx.Response) -> str:
        """The UUID of the identical submission LHDN already has (HTTP 422 DuplicateSubmission).

        The first copy's answer was lost (a timeout): it is found by its number among the
        documents sent lately, newest first.
        """
        now = self._clock.now()
        params = {
            "submissionDateFrom": (now - SEARCH_BACK).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "submissionDateTo": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "invoiceDirection": "Sent",
            "searchQuery": number,
            "pageSize": "100",
        }
        found = self._session.call("GET", "/api/v1.0/documents/search", params=params).json()
        for document in found.get("result") or ():
            if document.get("internalId") == number:
                uuid = str(document["uuid"])
                self._submissions[uuid] = str(document.get("submissionUid") or "")
                return uuid
        failure = self._session.error(response, f"the submission of {number!r}")
        raise MyInvoisUnavailable(
            f"{failure}; its first copy is not found yet: retry later",
            status_code=422,
            error_code="DuplicateSubmission",
            retry_after=self._session.retry_after(response),
        )

    # -- reading -------------------------------------------------------------------------

    def _summary(self, uuid: str) -> Mapping[str, Any]:
        """The document's summary from its submission (LHDN's polling API), else its details."""
        submission = self._submissions.get(uuid)
        if submission:
            response = self._session.call(
                "GET",
                f"/api/v1.0/documentsubmissions/{submission}",
                params={"pageSize": "100"},
                handled=(404,),
            )
            if response.status_code != 404:
                for summary in response.json().get("documentSummary") or ():
                    if summary.get("uuid") == uuid:
                        return dict(summary)
        return self._details(uuid)

    def _details(self, uuid: str) -> Mapping[str, Any]:
        response = self._session.call(
            "GET", f"/api/v1.0/documents/{uuid}/details", handled=(404, 400)
        )
        if response.status_code in (400, 404):  # MyInvois answers 400 to a malformed UUID
            raise NotFound("e-invoice", uuid)
        details: Mapping[str, Any] = response.json()
        return details

    def _replacement_accepted(self, original: str) -> bool:
        replacement = self._replaced_by.get(original)
        if replacement is None:
            return False
        known = self._known.get(replacement)
        if known is None or known.state is EInvoiceState.PENDING:
            known = self.status(replacement)
        return known.state is EInvoiceState.ACCEPTED

    # -- cancelling ----------------------------------------------------------------------

    def _check_window(self, current: EInvoiceStatus) -> None:
        validated = self._validated.get(current.provider_ref)
        if validated is None:
            return  # LHDN did not say when: let it decide (OperationPeriodOver below)
        closes = validated + CANCELLATION_WINDOW
        if self._clock.now() > closes:
            raise IllegalTransition(
                f"e-invoice {current.provider_ref!r}",
                current.state.value,
                "cancel",
                f"LHDN validated it at {validated.isoformat()}; cancelling closed 72 hours "
                f"later, at {closes.isoformat()}: correct it with a credit note",
            )

    @staticmethod
    def _not_cancellable(current: EInvoiceStatus) -> IllegalTransition:
        why = {
            EInvoiceState.ACCEPTED: "LHDN validated it: replace it (within 72 hours of "
            "validation) or issue a credit note",
            EInvoiceState.REJECTED: "LHDN found it invalid: it is no e-invoice to cancel",
            EInvoiceState.REPLACED: "it was cancelled and replaced already",
        }
        return IllegalTransition(
            f"e-invoice {current.provider_ref!r}",
            current.state.value,
            "cancel",
            why.get(current.state, ""),
        )

    def _cancel(self, uuid: str, reason: str) -> EInvoiceStatus:
        reason = (reason.strip() or "cancelled by the issuer")[:REASON_LIMIT]
        response = self._session.call(
            "PUT",
            f"/api/v1.0/documents/state/{uuid}/state",
            json={"status": "cancelled", "reason": reason},
            handled=(400,),
        )
        if response.status_code == 400:
            code = error_code(response.json())
            if code in ("OperationPeriodOver", "IncorrectState", "ActiveReferencingDocuments"):
                failure = self._session.error(response, f"the cancellation of {uuid!r}")
                raise IllegalTransition(f"e-invoice {uuid!r}", code, "cancel", str(failure))
            raise self._session.error(response, f"the cancellation of {uuid!r}")
        previous = self._known.get(uuid)
        status = EInvoiceStatus(
            provider=self._code,
            provider_ref=uuid,
            state=EInvoiceState.CANCELLED,
            authority_code=previous.authority_code if previous else "",
            reasons=(reason,),
            replaces=self._replaces.get(uuid, ""),
        )
        self._known[uuid] = status
        return status

    @contextlib.contextmanager
    def _lock_of(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield
