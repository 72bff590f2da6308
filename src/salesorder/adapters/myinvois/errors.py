"""What a MyInvois call can fail with, sorted the way the outbox needs it.

A refusal no retry can cure (a 4xx answer: a malformed submission, a forbidden operation,
bad credentials) is a :class:`MyInvoisRefused`, which is also a
:class:`~salesorder.exceptions.ValidationError`: the outbox dead-letters it at once. A
failure a later attempt may cure (a timeout, a 5xx answer, HTTP 429 "too many requests", a
duplicate submission whose first copy is not yet searchable) is a
:class:`MyInvoisUnavailable`, which the outbox retries with its backoff.
"""

from __future__ import annotations

from salesorder.exceptions import SalesOrderError, ValidationError

__all__ = ["MyInvoisError", "MyInvoisRefused", "MyInvoisUnavailable"]


class MyInvoisError(SalesOrderError):
    """A MyInvois call failed.

    Attributes:
        status_code: the HTTP status of the answer (0 when no answer came).
        error_code: MyInvois' error code (``"DuplicateSubmission"``, ``"BadArgument"``...),
            or ``""``.
        correlation_id: the ``correlationId`` header MyInvois support asks for, or ``""``.
    """

    def __init__(
        self, message: str, *, status_code: int = 0, error_code: str = "", correlation_id: str = ""
    ) -> None:
        self.status_code = status_code
        self.error_code = error_code
        self.correlation_id = correlation_id
        super().__init__(message)


class MyInvoisRefused(MyInvoisError, ValidationError):
    """MyInvois refused the call (HTTP 4xx): sending it again unchanged cannot succeed."""


class MyInvoisUnavailable(MyInvoisError):
    """MyInvois could not answer now (timeout, HTTP 5xx or 429): try again later.

    Attributes:
        retry_after: the seconds MyInvois asked to wait (its ``Retry-After`` header), or
            None when it did not say.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 0,
        error_code: str = "",
        correlation_id: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            message,
            status_code=status_code,
            error_code=error_code,
            correlation_id=correlation_id,
        )
