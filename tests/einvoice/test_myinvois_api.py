"""The MyInvois adapter against a mock MyInvois server built from LHDN's API description."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

import attrs
import httpx
import pytest
from tests.einvoice.myinvois_mock import CLIENT_ID, CLIENT_SECRET, MyInvoisMock
from tests.einvoice.test_myinvois import fan_invoice

from salesorder.adapters.memory import ManualClock
from salesorder.adapters.myinvois import (
    MyInvoisCredentials,
    MyInvoisProvider,
    MyInvoisRefused,
    MyInvoisUnavailable,
)
from salesorder.documents.myinvois import document_hash, to_myinvois_json
from salesorder.domain.invoicing import EInvoiceState, Invoice, InvoiceStatus
from salesorder.exceptions import (
    DocumentRuleError,
    IllegalTransition,
    NotFound,
    ValidationError,
)
from salesorder.services.outbox import _FINAL
from salesorder.testing.contracts import EInvoiceProviderContract

CREDENTIALS = MyInvoisCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
SUBMIT = "POST /api/v1.0/documentsubmissions"


def write(invoice: Invoice) -> bytes:
    """A stand-in document: what is submitted does not matter to the HTTP side."""
    return json.dumps({"id": invoice.number, "total": str(invoice.gross)}).encode()


def make(
    clock: ManualClock | None = None, **kwargs: object
) -> tuple[MyInvoisProvider, MyInvoisMock, ManualClock]:
    clock = clock or ManualClock()
    server = MyInvoisMock(clock)
    client = httpx.Client(transport=httpx.MockTransport(server))
    provider = MyInvoisProvider(
        client=client,
        credentials=CREDENTIALS,
        clock=clock,
        writer=kwargs.pop("writer", write),  # type: ignore[arg-type]
        **kwargs,  # type: ignore[arg-type]
    )
    return provider, server, clock


def issued(invoice_id: str) -> Invoice:
    return EInvoiceProviderContract.make_invoice(None, invoice_id)  # type: ignore[arg-type]


class TestMyInvoisContract(EInvoiceProviderContract):
    """The port's contract kit, unchanged, against the mock transport."""

    def make_provider(self) -> MyInvoisProvider:
        provider, server, _ = make()
        provider.mock = server  # type: ignore[attr-defined]
        return provider

    def make_accepted(self, provider: MyInvoisProvider, invoice: Invoice) -> None:  # type: ignore[override]
        assert invoice.number is not None
        provider.mock.accept(invoice.number)  # type: ignore[attr-defined]

    def make_rejected(  # type: ignore[override]
        self, provider: MyInvoisProvider, invoice: Invoice, reasons: Sequence[str]
    ) -> None:
        assert invoice.number is not None
        provider.mock.reject(invoice.number, *reasons)  # type: ignore[attr-defined]


def test_validated_einvoice_carries_long_id_and_validation_link() -> None:
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    assert provider.status(ref).state is EInvoiceState.PENDING  # validation takes seconds
    clock.advance(seconds=5)
    accepted = provider.status(ref)
    assert accepted.state is EInvoiceState.ACCEPTED
    assert accepted.authority_code == server.documents[ref].long_id
    assert provider.validation_url(accepted) == (
        f"https://preprod.myinvois.hasil.gov.my/{ref}/share/{accepted.authority_code}"
    )
    # polled through Get Submission, as LHDN asks, not Get Document Details
    assert server.calls("GET /api/v1.0/documents/") == 0


def test_rejection_reasons_are_lhdn_validation_errors() -> None:
    provider, server, _ = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.reject("INV-1-NO", "Buyer TIN C000 is not registered")
    rejected = provider.status(ref)
    assert rejected.state is EInvoiceState.REJECTED
    assert any("Buyer TIN C000 is not registered" in reason for reason in rejected.reasons)
    with pytest.raises(IllegalTransition, match="invalid"):
        provider.cancel(ref, "typo")


def test_token_is_cached_then_renewed_when_it_expires() -> None:
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    provider.status(ref)
    assert server.logins == 1, "a login for every call"
    clock.advance(seconds=3600)
    provider.status(ref)
    assert server.logins == 2, "the expired token was used"
    assert server.calls("GET") == 2  # renewed before the call: no 401 round trip


def test_a_revoked_token_is_renewed_once_on_401() -> None:
    provider, server, _ = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.revoke_tokens()
    assert provider.status(ref).state is EInvoiceState.PENDING
    assert server.logins == 2


def test_bad_credentials_are_refused_for_good() -> None:
    clock = ManualClock()
    server = MyInvoisMock(clock)
    provider = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(server)),
        credentials=MyInvoisCredentials(client_id=CLIENT_ID, client_secret="wrong"),  # noqa: S106
        clock=clock,
        writer=write,
    )
    with pytest.raises(MyInvoisRefused, match="invalid_client"):
        provider.submit(issued("INV-1"))
    assert server.calls(SUBMIT) == 0


def test_429_is_retryable_and_honours_retry_after() -> None:
    provider, server, clock = make()
    server.fail_next(
        SUBMIT,
        httpx.Response(
            429,
            headers={"Retry-After": "30"},
            json={"error": {"errorCode": "TooManyRequests", "error": "throttled"}},
        ),
    )
    invoice = issued("INV-1")
    with pytest.raises(MyInvoisUnavailable) as caught:
        provider.submit(invoice)
    assert caught.value.retry_after == 30
    assert not isinstance(caught.value, _FINAL), "the outbox would give up on a 429"
    with pytest.raises(MyInvoisUnavailable, match="wait 30"):
        provider.submit(invoice)  # too early: not even sent
    assert server.calls(SUBMIT) == 1
    clock.advance(seconds=30)
    assert provider.submit(invoice).state is EInvoiceState.PENDING
    assert server.calls(SUBMIT) == 2


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retryable(status: int) -> None:
    provider, server, _ = make()
    server.fail_next(SUBMIT, httpx.Response(status))
    invoice = issued("INV-1")
    with pytest.raises(MyInvoisUnavailable) as caught:
        provider.submit(invoice)
    assert caught.value.status_code == status
    assert not isinstance(caught.value, _FINAL)
    first = provider.submit(invoice)
    assert provider.submit(invoice) == first
    assert len(server.documents) == 1


def test_4xx_is_refused_permanently() -> None:
    provider, server, _ = make()
    server.fail_next(
        SUBMIT,
        httpx.Response(
            403, json={"error": {"errorCode": "IncorrectSubmitter", "error": "not yours"}}
        ),
    )
    with pytest.raises(MyInvoisRefused, match="IncorrectSubmitter") as caught:
        provider.submit(issued("INV-1"))
    assert isinstance(caught.value, _FINAL), "the outbox would retry a refusal forever"
    assert isinstance(caught.value, ValidationError)


def test_a_timeout_then_a_duplicate_422_finds_the_first_submission() -> None:
    """The server took the first submission but its answer was lost; the retry's identical
    payload is answered 422 DuplicateSubmission, and the adapter adopts the first copy."""
    provider, server, clock = make()
    server.fail_next(SUBMIT, httpx.ReadTimeout("no answer"))
    invoice = issued("INV-1")
    with pytest.raises(MyInvoisUnavailable, match="ReadTimeout"):
        provider.submit(invoice)
    assert len(server.documents) == 1  # LHDN has it
    clock.advance(seconds=60)
    status = provider.submit(invoice)
    assert server.calls(SUBMIT) == 2
    assert server.calls("GET /api/v1.0/documents/search") == 1
    assert list(server.documents) == [status.provider_ref], "a second e-invoice was created"
    assert provider.submit(invoice) == status


def test_a_duplicate_not_yet_searchable_is_retryable() -> None:
    provider, server, _ = make()
    server.fail_next(
        SUBMIT,
        httpx.Response(
            422,
            headers={"Retry-After": "600"},
            json={"error": {"errorCode": "DuplicateSubmission", "error": "duplicate"}},
        ),
    )
    with pytest.raises(MyInvoisUnavailable, match="not found yet") as caught:
        provider.submit(issued("INV-1"))
    assert caught.value.retry_after == 600


def test_another_422_is_a_refusal() -> None:
    provider, server, _ = make()
    server.fail_next(
        SUBMIT, httpx.Response(422, json={"error": {"errorCode": "Other", "error": "no"}})
    )
    with pytest.raises(MyInvoisRefused, match="Other"):
        provider.submit(issued("INV-1"))


def test_a_document_lhdn_rejects_at_once_is_refused_and_not_remembered() -> None:
    provider, server, _ = make()
    server.fail_next(
        SUBMIT,
        httpx.Response(
            202,
            json={
                "submissionUid": "S1",
                "acceptedDocuments": [],
                "rejectedDocuments": [
                    {
                        "invoiceCodeNumber": "INV-1-NO",
                        "error": {"errorCode": "BadStructure", "error": "no lines"},
                    }
                ],
            },
        ),
    )
    invoice = issued("INV-1")
    with pytest.raises(MyInvoisRefused, match="no lines"):
        provider.submit(invoice)
    assert provider.submit(invoice).state is EInvoiceState.PENDING  # corrected: sent anew


def test_a_refused_document_submits_nothing() -> None:
    def refuse(invoice: Invoice) -> bytes:
        raise ValidationError(f"invoice {invoice.id!r}: the buyer has no TIN")

    provider, server, _ = make(writer=refuse)
    with pytest.raises(ValidationError, match="no TIN"):
        provider.submit(issued("INV-1"))
    assert server.requests == [], "something was sent for a refused document"


def test_the_default_writer_is_the_myinvois_document_and_its_refusal_sends_nothing() -> None:
    """The kit's invoice is in IDR with Indonesian VAT: LHDN's document cannot state it."""
    clock = ManualClock()
    server = MyInvoisMock(clock)
    provider = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(server)),
        credentials=CREDENTIALS,
        clock=clock,
    )
    with pytest.raises(DocumentRuleError, match="MY-EXCHANGE-RATE"):
        provider.submit(issued("INV-1"))
    assert server.requests == []


def test_a_draft_submits_nothing() -> None:
    provider, server, _ = make()
    with pytest.raises(IllegalTransition):
        provider.submit(EInvoiceProviderContract.make_invoice(None, "D", issued=False))  # type: ignore[arg-type]
    assert server.requests == []


def test_cancel_validated_within_72_hours() -> None:
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.accept("INV-1-NO")
    assert provider.status(ref).state is EInvoiceState.ACCEPTED
    clock.advance(hours=71)
    cancelled = provider.cancel_validated(ref, "order cancelled")
    assert cancelled.state is EInvoiceState.CANCELLED
    assert server.documents[ref].status == "Cancelled"
    assert provider.cancel_validated(ref, "order cancelled") == cancelled


def test_cancel_after_72_hours_is_refused_without_a_call() -> None:
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.accept("INV-1-NO")
    provider.status(ref)
    clock.advance(hours=72, seconds=1)
    with pytest.raises(IllegalTransition, match="credit note"):
        provider.cancel_validated(ref, "too late")
    with pytest.raises(IllegalTransition, match="credit note"):
        provider.replace(ref, issued("INV-2"))
    assert server.calls("PUT") == 0
    assert server.documents[ref].status == "Valid"
    assert len(server.documents) == 1, "the replacement was submitted"


def test_lhdn_refusing_a_late_cancellation_is_an_illegal_transition() -> None:
    """Our clock says 71 hours; LHDN's says the window closed (clock skew): LHDN decides."""
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.accept("INV-1-NO")
    provider.status(ref)
    clock.advance(hours=71)
    server.fail_next(
        "PUT",
        httpx.Response(
            400, json={"error": {"errorCode": "OperationPeriodOver", "error": "time is over"}}
        ),
    )
    with pytest.raises(IllegalTransition, match="OperationPeriodOver"):
        provider.cancel_validated(ref, "too late")
    assert server.documents[ref].status == "Valid"


def test_replace_cancels_the_original_at_lhdn_then_submits() -> None:
    provider, server, clock = make()
    ref = provider.submit(issued("INV-1")).provider_ref
    server.accept("INV-1-NO")
    provider.status(ref)
    clock.advance(hours=10)
    replacement = provider.replace(ref, issued("INV-2"))
    assert server.documents[ref].status == "Cancelled"
    assert "INV-2-NO" in server.documents[ref].reason
    assert replacement.replaces == ref
    clock.advance(seconds=5)
    assert provider.status(replacement.provider_ref).state is EInvoiceState.ACCEPTED
    assert provider.status(ref).state is EInvoiceState.REPLACED


def test_a_refused_replacement_leaves_the_original_valid() -> None:
    def refuse(invoice: Invoice) -> bytes:
        if invoice.id == "INV-2":
            raise ValidationError("the replacement has no lines")
        return write(invoice)

    provider, server, _ = make(writer=refuse)
    ref = provider.submit(issued("INV-1")).provider_ref
    server.accept("INV-1-NO")
    provider.status(ref)
    with pytest.raises(ValidationError):
        provider.replace(ref, issued("INV-2"))
    assert server.documents[ref].status == "Valid"


def test_unknown_reference_is_not_found_everywhere() -> None:
    provider, _, _ = make()
    with pytest.raises(NotFound):
        provider.status("NOSUCHDOC")
    with pytest.raises(NotFound):
        provider.cancel("NOSUCHDOC", "x")
    with pytest.raises(NotFound):
        provider.cancel_validated("NOSUCHDOC", "x")
    with pytest.raises(NotFound):
        provider.replace("NOSUCHDOC", issued("INV-2"))


def test_a_persistent_mapping_finds_the_first_submission_from_another_process() -> None:
    references: dict[str, str] = {}
    first, server, clock = make(references=references)
    ref = first.submit(issued("INV-1")).provider_ref
    again = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(server)),
        credentials=CREDENTIALS,
        clock=clock,
        writer=write,
        references=references,
    )
    assert again.submit(issued("INV-1")).provider_ref == ref
    assert server.calls(SUBMIT) == 1


def test_intermediary_logs_in_on_behalf_of_the_taxpayer() -> None:
    clock = ManualClock()
    server = MyInvoisMock(clock)
    seen: list[str] = []

    def spy(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/connect/token":
            seen.append(request.headers.get("onbehalfof", ""))
        return server(request)

    provider = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(spy)),
        credentials=MyInvoisCredentials(
            client_id=CLIENT_ID, client_secret=CLIENT_SECRET, on_behalf_of="C25845632020"
        ),
        clock=clock,
        writer=write,
    )
    provider.submit(issued("INV-1"))
    assert seen == ["C25845632020"]


def test_the_secret_is_not_in_the_repr() -> None:
    assert CLIENT_SECRET not in repr(CREDENTIALS)


def test_constructing_the_provider_calls_nothing() -> None:
    _, server, _ = make()
    assert server.requests == []


class TestMyInvoisContractWithTheRealDocument(TestMyInvoisContract):
    """The kit again, submitting the real MyInvois document of a Malaysian invoice.

    The kit's own invoice is in rupiah with Indonesian PPN, which a MyInvois document cannot
    state; here each invoice is RM300.00 with sales tax 10% and service tax 8% (the
    document tests' invoice), numbered as the kit numbers its own, and the provider writes
    it with its default writer.
    """

    def make_provider(self) -> MyInvoisProvider:
        clock = ManualClock()
        server = MyInvoisMock(clock)
        provider = MyInvoisProvider(
            client=httpx.Client(transport=httpx.MockTransport(server)),
            credentials=CREDENTIALS,
            clock=clock,
        )
        provider.mock = server  # type: ignore[attr-defined]
        return provider

    def make_invoice(self, invoice_id: str, *, issued: bool = True) -> Invoice:
        document = attrs.evolve(fan_invoice(), id=invoice_id, number=f"{invoice_id}-NO")
        if issued:
            return document
        return attrs.evolve(document, status=InvoiceStatus.DRAFT, number=None, issued_at=None)


def test_the_real_document_is_what_is_submitted() -> None:
    clock = ManualClock()
    server = MyInvoisMock(clock)
    bodies: list[bytes] = []

    def record(request: httpx.Request) -> httpx.Response:
        if request.url.path.rstrip("/").endswith("/documentsubmissions"):
            bodies.append(request.content)
        return server(request)

    provider = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(record)),
        credentials=CREDENTIALS,
        clock=clock,
    )
    invoice = TestMyInvoisContractWithTheRealDocument().make_invoice("INV-9")
    provider.submit(invoice)
    (body,) = bodies
    (sent,) = json.loads(body)["documents"]
    document = base64.b64decode(sent["document"])
    assert sent["format"] == "JSON"
    assert sent["documentHash"] == document_hash(document)
    assert document == to_myinvois_json(invoice)
