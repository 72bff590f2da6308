"""Time and identity: reached through ports so tests never sleep and runs are repeatable."""

from __future__ import annotations

import datetime as dt
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "IdGenerator"]


@runtime_checkable
class Clock(Protocol):
    """Tells the time."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware. Successive calls never go backwards."""
        ...


@runtime_checkable
class IdGenerator(Protocol):
    """Hands out identities for new aggregates."""

    def next_id(self, kind: str) -> str:
        """A new id for an aggregate of ``kind`` (``"order"``, ``"shipment"``...).

        Contract: never the same id twice for the same kind, from any thread; the id has no
        white space (it is used in keys and file names).
        """
        ...
