"""The notification sender kit: the in-memory outbox passes it, and broken senders fail it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.domain.notifications import Message
from salesorder.exceptions import NotificationFailed
from salesorder.testing.contracts import NotificationSenderContract


class TestInMemoryOutbox(NotificationSenderContract):
    def make_sender(self) -> InMemoryOutbox:
        return InMemoryOutbox()

    def sent(self, sender: InMemoryOutbox) -> Sequence[Message]:  # type: ignore[override]
        return list(sender.sent)

    def make_fail(self, sender: InMemoryOutbox) -> bool:  # type: ignore[override]
        sender.fail_next()
        return True


class _Repeating(InMemoryOutbox):
    """Delivers a repeated key again."""

    def send(self, message: Message) -> None:
        self.sent.append(message)


class _WrongError(InMemoryOutbox):
    """Fails with a builtin error, not NotificationFailed."""

    def send(self, message: Message) -> None:
        try:
            super().send(message)
        except NotificationFailed as error:
            raise ConnectionError(str(error)) from None


class _DeliversWhenFailing(InMemoryOutbox):
    """Raises NotificationFailed after delivering."""

    def send(self, message: Message) -> None:
        failing = self._failures > 0
        self._failures = 0
        super().send(message)
        if failing:
            raise NotificationFailed("gateway timed out")


class _Reordering(InMemoryOutbox):
    """Delivers the newest first."""

    def send(self, message: Message) -> None:
        super().send(message)
        self.sent.sort(key=lambda m: m.key, reverse=True)


def _kit(sender: type[InMemoryOutbox]) -> type[Any]:
    class Kit(TestInMemoryOutbox):
        def make_sender(self) -> InMemoryOutbox:
            return sender()

    Kit.__qualname__ = f"NotificationKit[{sender.__name__}]"
    return Kit


MUTANTS = [
    (_kit(_Repeating), "test_a_repeated_key_is_accepted_and_not_delivered_twice"),
    (_kit(_Repeating), "test_concurrent_sends_deliver_each_key_once"),
    (_kit(_WrongError), "test_a_failed_send_raises_notification_failed_and_a_retry_delivers"),
    (
        _kit(_DeliversWhenFailing),
        "test_a_failed_send_raises_notification_failed_and_a_retry_delivers",
    ),
    (_kit(_Reordering), "test_each_channel_delivers_what_was_sent_in_order"),
]


@pytest.mark.parametrize(
    ("kit", "method"), MUTANTS, ids=[f"{k.__qualname__}-{m}" for k, m in MUTANTS]
)
def test_kit_rejects_broken_sender(kit: type[Any], method: str) -> None:
    with pytest.raises((AssertionError, ConnectionError)):
        getattr(kit(), method)()


def test_a_sender_that_is_not_one_fails_the_first_check() -> None:
    class Kit(NotificationSenderContract):
        def make_sender(self) -> Any:
            return object()

    with pytest.raises(AssertionError):
        Kit().test_is_a_notification_sender()
