"""Acme SMS, a notification sender written against the port alone."""

from __future__ import annotations

import threading

from salesorder.domain.notifications import Message, NotificationChannel
from salesorder.exceptions import NotificationFailed


class AcmeSms:
    """Sends SMS through Acme's gateway (here: keeps them in :attr:`delivered`).

    The class itself is the factory: ``AcmeSms(sender_id="TOKO")``.
    """

    def __init__(self, *, sender_id: str = "ACME") -> None:
        self.sender_id = sender_id
        #: What the gateway accepted, in order.
        self.delivered: list[Message] = []
        self._keys: set[str] = set()
        self._down = 0
        self._lock = threading.Lock()

    def go_down(self, sends: int = 1) -> None:
        """The gateway refuses the next ``sends`` messages (a sandbox switch)."""
        with self._lock:
            self._down += sends

    def send(self, message: Message) -> None:
        """Deliver ``message`` by SMS, once per key; NotificationFailed when the gateway fails."""
        if message.channel is not NotificationChannel.SMS:
            raise NotificationFailed(f"Acme SMS cannot send {message.channel.value} messages")
        with self._lock:
            if self._down:
                self._down -= 1
                raise NotificationFailed(f"Acme SMS gateway down (message {message.key!r})")
            if message.key not in self._keys:
                self._keys.add(message.key)
                self.delivered.append(message)
