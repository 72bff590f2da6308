"""A clock that moves only when told, and ids that count up: repeatable runs, no sleeping."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

from salesorder.exceptions import ValidationError

__all__ = ["ManualClock", "SequentialIds"]


class ManualClock:
    """A clock that stands still until :meth:`advance` or :meth:`set` moves it forward."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        start = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
        if start.tzinfo is None:
            raise ValidationError(f"the clock needs a timezone-aware start, got {start!r}")
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        """The current (manual) time."""
        with self._lock:
            return self._now

    def advance(self, delta: dt.timedelta | None = None, **kwargs: float) -> dt.datetime:
        """Move forward by ``delta`` or by ``timedelta(**kwargs)``; returns the new time."""
        step = delta if delta is not None else dt.timedelta(**kwargs)
        if step < dt.timedelta(0):
            raise ValidationError(f"the clock never goes backwards, got {step}")
        with self._lock:
            self._now += step
            return self._now

    def set(self, when: dt.datetime) -> None:
        """Jump to ``when`` (not earlier than now)."""
        with self._lock:
            if when < self._now:
                raise ValidationError(f"the clock never goes backwards: {when} < {self._now}")
            self._now = when


class SequentialIds:
    """Ids ``ORD-000001``, ``SHP-000001``...: a counter per kind. Thread-safe."""

    PREFIXES: ClassVar[Mapping[str, str]] = MappingProxyType(
        {"order": "ORD", "shipment": "SHP", "invoice": "INV", "payment": "PAY"}
    )

    def __init__(self) -> None:
        self._counters: defaultdict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def next_id(self, kind: str) -> str:
        """The next id of ``kind``."""
        with self._lock:
            self._counters[kind] += 1
            number = self._counters[kind]
        prefix = self.PREFIXES.get(kind, kind.upper().replace(" ", "-"))
        return f"{prefix}-{number:06d}"
