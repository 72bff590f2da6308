"""Sending messages to customers: email, SMS and chat apps (WhatsApp, Zalo, LINE...)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.notifications import Message

__all__ = ["NotificationSender"]


@runtime_checkable
class NotificationSender(Protocol):
    """Hands a message to the channel it names (``message.channel``).

    Contract: ``send`` returns once the channel accepted the message, or raises
    :class:`~salesorder.exceptions.NotificationFailed` when it did not (the caller keeps the
    message and sends it again later). The same ``message.key`` may be sent again after a
    failure that was in fact delivered; an adapter that can should drop such a repeat.
    """

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise NotificationFailed."""
        ...
