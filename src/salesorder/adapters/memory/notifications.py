"""An in-memory notification sender: keeps what was sent, and can be told to fail."""

from __future__ import annotations

import threading

from salesorder.domain.notifications import Message
from salesorder.exceptions import NotificationFailed

__all__ = ["InMemoryOutbox"]


class InMemoryOutbox:
    """Records every message it accepts in ``sent``, in order; repeats of a key are dropped.

    :meth:`fail_next` makes the next sends fail, to test retries.
    """

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self._keys: set[str] = set()
        self._failures = 0
        self._lock = threading.Lock()

    def fail_next(self, count: int = 1) -> None:
        """The next ``count`` sends raise NotificationFailed."""
        with self._lock:
            self._failures += count

    def send(self, message: Message) -> None:
        """Accept ``message``, or fail when told to."""
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                raise NotificationFailed(
                    f"{message.channel.value} to {message.recipient!r} failed "
                    f"(message {message.key!r})"
                )
            if message.key not in self._keys:
                self._keys.add(message.key)
                self.sent.append(message)

    def to(self, recipient: str) -> list[Message]:
        """The messages sent to ``recipient``."""
        return [m for m in self.sent if m.recipient == recipient]
