"""Adapters to the real world's clock and random ids."""

from __future__ import annotations

import datetime as dt
import uuid

__all__ = ["SystemClock", "UuidIds"]


class SystemClock:
    """The computer's clock, in UTC."""

    def now(self) -> dt.datetime:
        """The current time in UTC."""
        return dt.datetime.now(dt.timezone.utc)


class UuidIds:
    """Random ids: ``order-<32 hex digits>``."""

    def next_id(self, kind: str) -> str:
        """A new random id of ``kind``."""
        return f"{kind.replace(' ', '-')}-{uuid.uuid4().hex}"
