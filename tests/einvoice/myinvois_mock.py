"""A stateful MyInvois server for ``httpx.MockTransport``, built from LHDN's API description.

Sources (sdk.myinvois.hasil.gov.my, mirrored in github.com/deadboy18/myinvois-docs):
"Login as Taxpayer System" (form-encoded client credentials, ``expires_in``), "Submit
Documents" (202 with ``submissionUid``, ``acceptedDocuments``, ``rejectedDocuments``; 422
``DuplicateSubmission`` with ``Retry-After`` for an identical payload within 10 minutes),
"Get Submission", "Get Document Details", "Search Documents", "Cancel Document" (Submitted
or Valid, within 72 hours of validation; 400 ``OperationPeriodOver`` / ``IncorrectState``)
and the standard error response (``{"error": {"errorCode", "error", "innerError"}}``; 429
with ``Retry-After``).

Validation is asynchronous, as at LHDN: a document stays Submitted until it is read
``validation_delay`` after it was received (or at once when scripted by :meth:`accept` or
:meth:`reject`), then it is Valid (with a ``longId``) or Invalid (with the scripted errors).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import threading
from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx

from salesorder.adapters.memory import ManualClock

CLIENT_ID = "erp-client"
CLIENT_SECRET = "erp-secret"  # noqa: S105 - a test credential
API = "https://preprod-api.myinvois.hasil.gov.my"
WINDOW = dt.timedelta(hours=72)
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


def _iso(when: dt.datetime | None) -> str | None:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ") if when else None


@attrs.define
class _Document:
    uuid: str
    submission: str
    number: str
    received: dt.datetime
    status: str = "Submitted"
    validated: dt.datetime | None = None
    long_id: str = ""
    reason: str = ""
    cancelled: dt.datetime | None = None
    errors: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "submissionUid": self.submission,
            "longId": self.long_id,
            "internalId": self.number,
            "typeName": "invoice",
            "typeVersionName": "1.0",
            "dateTimeReceived": _iso(self.received),
            "dateTimeValidated": _iso(self.validated),
            "status": self.status,
            "cancelDateTime": _iso(self.cancelled),
            "documentStatusReason": self.reason or None,
        }

    def details(self) -> dict[str, Any]:
        steps: list[dict[str, Any]] = [
            {"name": "Step01-Structure Validator", "status": "Valid", "error": None}
        ]
        if self.status == "Invalid":
            steps.append(
                {
                    "name": "Step03-Core Fields Validator",
                    "status": "Invalid",
                    "error": {
                        "errorCode": "Error02",
                        "error": "Validation failed",
                        "innerError": [
                            {"errorCode": "CF321", "error": text, "innerError": None}
                            for text in self.errors
                        ],
                    },
                }
            )
        status = "Invalid" if self.status == "Invalid" else "Valid"
        if self.status == "Submitted":
            status = "Submitted"
        return self.summary() | {"validationResults": {"status": status, "validationSteps": steps}}


class MyInvoisMock:
    """The server: call it with an ``httpx.Request`` (``httpx.MockTransport(mock)``)."""

    def __init__(self, clock: ManualClock, *, token_lifetime: int = 3600) -> None:
        self.clock = clock
        self.token_lifetime = token_lifetime
        self.validation_delay = dt.timedelta(seconds=3)
        self.tokens: dict[str, dt.datetime] = {}
        self.documents: dict[str, _Document] = {}
        self.submissions: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str]] = []
        self.logins = 0
        self._payloads: list[tuple[str, dt.datetime]] = []
        self._outcomes: dict[str, tuple[str, ...]] = {}  # number -> errors (() = valid)
        self._faults: list[tuple[str, httpx.Response | Exception]] = []
        self._serial = 0
        self._lock = threading.Lock()

    # -- scripting -----------------------------------------------------------------------

    def accept(self, number: str) -> None:
        """LHDN validates the document ``number`` at its next read."""
        self._outcomes[number] = ()

    def reject(self, number: str, *errors: str) -> None:
        """LHDN finds the document ``number`` invalid with ``errors`` at its next read."""
        self._outcomes[number] = errors or ("invalid",)

    def fail_next(self, route: str, answer: httpx.Response | Exception) -> None:
        """Answer the next request whose ``METHOD path`` starts with ``route`` with ``answer``.

        A ``httpx.TimeoutException`` given as answer is raised *after* the request is
        processed: the server did the work, the caller never heard back.
        """
        self._faults.append((route, answer))

    def revoke_tokens(self) -> None:
        """Every token issued so far stops working (a key rotation at LHDN)."""
        self.tokens.clear()

    def calls(self, route: str) -> int:
        """How many requests matched ``METHOD path`` prefix ``route``."""
        return sum(1 for method, path in self.requests if f"{method} {path}".startswith(route))

    # -- the server ----------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            route = f"{request.method} {request.url.path}"
            self.requests.append((request.method, request.url.path))
            fault = self._take_fault(route)
            if isinstance(fault, httpx.Response):
                return fault
            answer = self._answer(request)
            if isinstance(fault, Exception):
                raise fault
            return answer

    def _take_fault(self, route: str) -> httpx.Response | Exception | None:
        for index, (prefix, answer) in enumerate(self._faults):
            if route.startswith(prefix):
                del self._faults[index]
                return answer
        return None

    def _answer(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 - a router
        path = request.url.path
        if request.method == "POST" and path == "/connect/token":
            return self._login(request)
        if not self._authorised(request):
            return httpx.Response(401)
        if request.method == "POST" and path.rstrip("/") == "/api/v1.0/documentsubmissions":
            return self._submit(request)
        if match := re.fullmatch(r"/api/v1\.0/documentsubmissions/(\w+)", path):
            return self._submission(match[1])
        if request.method == "GET" and path == "/api/v1.0/documents/search":
            return self._search(request)
        if match := re.fullmatch(r"/api/v1\.0/documents/(\w+)/details", path):
            document = self.documents.get(match[1])
            if document is None:
                return _error(404, "NotFound", f"document {match[1]} not found")
            self._validate(document)
            return httpx.Response(200, json=document.details())
        if match := re.fullmatch(r"/api/v1\.0/documents/state/(\w+)/state", path):
            return self._change_state(match[1], json.loads(request.content))
        return _error(404, "NotFound", f"no route {request.method} {path}")

    def _login(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("grant_type") != "client_credentials":
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return httpx.Response(400, json={"error": "invalid_client"})
        self.logins += 1
        token = f"token-{self.logins}"
        self.tokens[token] = self.clock.now() + dt.timedelta(seconds=self.token_lifetime)
        return httpx.Response(
            200,
            json={
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.token_lifetime,
                "scope": form.get("scope", "InvoicingAPI"),
            },
        )

    def _authorised(self, request: httpx.Request) -> bool:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expires = self.tokens.get(token)
        return expires is not None and self.clock.now() < expires

    def _submit(self, request: httpx.Request) -> httpx.Response:
        now = self.clock.now()
        digest = hashlib.sha256(request.content).hexdigest()
        self._payloads = [(d, at) for d, at in self._payloads if now - at < DUPLICATE_WINDOW]
        for seen, at in self._payloads:
            if seen == digest:
                wait = int((at + DUPLICATE_WINDOW - now).total_seconds())
                return _error(
                    422,
                    "DuplicateSubmission",
                    "an identical submission was received in the last 10 minutes",
                    headers={"Retry-After": str(wait)},
                )
        body = json.loads(request.content)
        documents = body.get("documents") or []
        if not documents:
            return _error(400, "BadStructure", "the submission has no documents")
        self._payloads.append((digest, now))
        self._serial += 1
        submission = f"SUB{self._serial:023d}"
        accepted, rejected = [], []
        for item in documents:
            number = item.get("codeNumber", "")
            try:
                content = base64.b64decode(item["document"], validate=True)
            except (KeyError, ValueError):
                content = None
            if content is None or hashlib.sha256(content).hexdigest() != item.get("documentHash"):
                rejected.append(
                    {
                        "invoiceCodeNumber": number,
                        "error": {
                            "errorCode": "CF001",
                            "error": "documentHash does not match the document",
                        },
                    }
                )
                continue
            self._serial += 1
            uuid = f"DOC{self._serial:023d}"
            self.documents[uuid] = _Document(uuid, submission, number, now)
            self.submissions.setdefault(submission, []).append(uuid)
            accepted.append({"uuid": uuid, "invoiceCodeNumber": number})
        return httpx.Response(
            202,
            json={
                "submissionUid": submission,
                "acceptedDocuments": accepted,
                "rejectedDocuments": rejected,
            },
        )

    def _validate(self, document: _Document) -> None:
        if document.status != "Submitted":
            return
        now = self.clock.now()
        scripted = document.number in self._outcomes
        if not scripted and now < document.received + self.validation_delay:
            return
        errors = self._outcomes.get(document.number, ())
        if errors:
            document.status, document.errors = "Invalid", errors
        else:
            document.status, document.validated = "Valid", now
            document.long_id = f"LONG{document.uuid[-8:]}{int(now.timestamp())}"

    def _submission(self, submission: str) -> httpx.Response:
        uuids = self.submissions.get(submission)
        if uuids is None:
            return _error(404, "NotFound", f"submission {submission} not found")
        documents = [self.documents[uuid] for uuid in uuids]
        for document in documents:
            self._validate(document)
        statuses = {d.status for d in documents}
        overall = "in progress" if "Submitted" in statuses else "valid"
        if "Invalid" in statuses:
            overall = "invalid" if statuses == {"Invalid"} else "partially valid"
        return httpx.Response(
            200,
            json={
                "submissionUid": submission,
                "documentCount": len(documents),
                "overallStatus": overall,
                "documentSummary": [d.summary() for d in documents],
            },
        )

    def _search(self, request: httpx.Request) -> httpx.Response:
        query = request.url.params
        start = dt.datetime.fromisoformat(query["submissionDateFrom"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(query["submissionDateTo"].replace("Z", "+00:00"))
        if end - start > dt.timedelta(days=31):
            return _error(400, "BadArgument", "the date range exceeds 31 days")
        text = query.get("searchQuery", "")
        found = [
            d.summary()
            for d in reversed(self.documents.values())
            if start <= d.received <= end and (not text or text in (d.uuid, d.number))
        ]
        return httpx.Response(
            200, json={"result": found, "metadata": {"totalPages": 1, "totalCount": len(found)}}
        )

    def _change_state(self, uuid: str, body: dict[str, Any]) -> httpx.Response:
        document = self.documents.get(uuid)
        if document is None:
            return _error(404, "NotFound", f"document {uuid} not found")
        self._validate(document)
        if body.get("status") != "cancelled" or not body.get("reason"):
            return _error(400, "BadArgument", "status must be 'cancelled', with a reason")
        if document.status not in ("Submitted", "Valid"):
            return _error(400, "IncorrectState", f"the document is {document.status}")
        now = self.clock.now()
        if document.validated is not None and now > document.validated + WINDOW:
            return _error(400, "OperationPeriodOver", "the time for cancelling has passed")
        document.status, document.reason, document.cancelled = "Cancelled", body["reason"], now
        return httpx.Response(200, json={"uuid": uuid, "status": "Cancelled"})


def _error(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None
) -> httpx.Response:
    return httpx.Response(
        status,
        json={"error": {"errorCode": code, "error": message, "innerError": None}},
        headers={"correlationId": f"corr-{code}", **(headers or {})},
    )
