"""Authenticated calls to MyInvois: the token, the rate-limit pause and the error classes.

The login is OAuth 2.0 client credentials (``POST /connect/token``); the token is kept
until shortly before its ``expires_in`` runs out (LHDN asks ERP systems not to log in for
every call: the login allows 12 requests a minute) and renewed once when a call answers
401. After an HTTP 429 the session makes no call until the ``Retry-After`` seconds have
passed on the clock, so a dispatcher retrying early is answered without a request.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
from collections.abc import Collection, Mapping
from typing import Any

import httpx

from salesorder.adapters.myinvois.config import MyInvoisCredentials, MyInvoisEnvironment
from salesorder.adapters.myinvois.errors import (
    MyInvoisError,
    MyInvoisRefused,
    MyInvoisUnavailable,
)
from salesorder.ports.clock import Clock

__all__ = ["MyInvoisSession", "error_code", "error_messages"]

#: A token is renewed this long before MyInvois says it expires (clock skew, slow calls).
TOKEN_MARGIN = dt.timedelta(seconds=60)


def error_code(body: object) -> str:
    """MyInvois' error code in an error body (``{"error": {"errorCode": ...}}``), or ``""``."""
    if not isinstance(body, Mapping):
        return ""
    error = body.get("error")
    if isinstance(error, Mapping):
        return str(error.get("errorCode") or error.get("code") or "")
    return str(error or "")


def error_messages(error: object) -> list[str]:
    """The messages of an error structure and of its ``innerError`` list, outermost first."""
    if not isinstance(error, Mapping):
        return [str(error)] if error else []
    found: list[str] = []
    text = error.get("error") or error.get("message") or error.get("error_description")
    if isinstance(text, str) and text:
        code = error.get("errorCode") or error.get("code")
        found.append(f"{code}: {text}" if code else text)
    elif isinstance(text, Mapping):
        found.extend(error_messages(text))
    for inner in error.get("innerError") or ():
        found.extend(error_messages(inner))
    return found


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _retry_after(response: httpx.Response, now: dt.datetime) -> float | None:
    """Seconds from a ``Retry-After`` header: a number, or an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


class MyInvoisSession:
    """Calls MyInvois with a valid token; raises MyInvoisRefused or MyInvoisUnavailable.

    Thread-safe: one login at a time, the token shared by every thread.
    """

    def __init__(
        self,
        *,
        client: httpx.Client,
        credentials: MyInvoisCredentials,
        environment: MyInvoisEnvironment,
        clock: Clock,
    ) -> None:
        self._client = client
        self._credentials = credentials
        self._environment = environment
        self._clock = clock
        self._token = ""
        self._expires = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        self._paused_until = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
        self._lock = threading.Lock()
        #: How many times the session logged in (for operators and tests).
        self.logins = 0

    def call(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: Mapping[str, str] | None = None,
        handled: Collection[int] = (),
    ) -> httpx.Response:
        """Make an authenticated call to ``{api_url}{path}``; the answer if 2xx or ``handled``.

        Raises:
            MyInvoisRefused: a 4xx answer not in ``handled`` (401 after a fresh login too).
            MyInvoisUnavailable: no answer, a 5xx or a 429 answer, or the pause a 429 asked
                for has not passed.
        """
        self._check_pause()
        response = self._send(method, path, json=json, params=params, token=self._valid_token())
        if response.status_code == 401:  # the token expired early or was revoked
            self._forget(self._token_of(response))
            response = self._send(method, path, json=json, params=params, token=self._valid_token())
        if response.is_success or response.status_code in handled:
            return response
        raise self.error(response, f"{method} {path}")

    def retry_after(self, response: httpx.Response) -> float | None:
        """The seconds the answer's ``Retry-After`` header asks to wait, or None."""
        return _retry_after(response, self._clock.now())

    def error(self, response: httpx.Response, what: str) -> MyInvoisError:
        """The typed error of a failed answer (and the pause after a 429)."""
        body = _json(response)
        code = error_code(body)
        messages = error_messages(body.get("error") if isinstance(body, Mapping) else None)
        detail = "; ".join(messages) or response.reason_phrase or "no detail"
        message = f"MyInvois answered {response.status_code} to {what}: {detail}"
        correlation = response.headers.get("correlationId", "")
        status = response.status_code
        if status == 429 or status >= 500:
            now = self._clock.now()
            wait = _retry_after(response, now)
            if status == 429 and wait:
                with self._lock:
                    self._paused_until = max(self._paused_until, now + dt.timedelta(seconds=wait))
            return MyInvoisUnavailable(
                message,
                status_code=status,
                error_code=code,
                correlation_id=correlation,
                retry_after=wait,
            )
        return MyInvoisRefused(
            message, status_code=status, error_code=code, correlation_id=correlation
        )

    # -- token ---------------------------------------------------------------------------

    def _valid_token(self) -> str:
        with self._lock:
            if self._token and self._clock.now() < self._expires:
                return self._token
            self._token, self._expires = self._login()
            return self._token

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token == token:  # another thread may have renewed it already
                self._token = ""

    @staticmethod
    def _token_of(response: httpx.Response) -> str:
        header: str = response.request.headers.get("Authorization", "")
        return header.removeprefix("Bearer ")

    def _login(self) -> tuple[str, dt.datetime]:
        """Log in (called with the lock held): the token and when to renew it."""
        credentials = self._credentials
        headers = {"Accept": "application/json"}
        if credentials.on_behalf_of:
            headers["onbehalfof"] = credentials.on_behalf_of
        url = f"{self._environment.identity_url}/connect/token"
        try:
            response = self._client.post(
                url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": credentials.client_id,
                    "client_secret": credentials.client_secret,
                    "scope": credentials.scope,
                },
                headers=headers,
            )
        except httpx.TransportError as error:
            raise MyInvoisUnavailable(f"MyInvois login did not answer: {error}") from error
        if not response.is_success:
            raise self.error(response, "the login")
        body = _json(response)
        token = body.get("access_token") if isinstance(body, Mapping) else None
        if not isinstance(token, str) or not token:
            raise MyInvoisUnavailable("MyInvois login answered without an access_token")
        lifetime = body.get("expires_in", 3600)
        seconds = lifetime if isinstance(lifetime, (int, float)) else 3600
        self.logins += 1
        return str(token), self._clock.now() + dt.timedelta(seconds=seconds) - TOKEN_MARGIN

    # -- calls ---------------------------------------------------------------------------

    def _check_pause(self) -> None:
        now = self._clock.now()
        with self._lock:
            paused_until = self._paused_until
        if now < paused_until:
            wait = (paused_until - now).total_seconds()
            raise MyInvoisUnavailable(
                f"MyInvois asked to wait {wait:g} more second(s) after HTTP 429; not called",
                status_code=429,
                error_code="TooManyRequests",
                retry_after=wait,
            )

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: object,
        params: Mapping[str, str] | None,
        token: str,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        try:
            return self._client.request(
                method,
                f"{self._environment.api_url}{path}",
                json=json,
                params=params,
                headers=headers,
            )
        except httpx.TransportError as error:  # timeouts, refused connections, resets
            raise MyInvoisUnavailable(
                f"MyInvois did not answer {method} {path}: {type(error).__name__}: {error}"
            ) from error
