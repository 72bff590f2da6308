"""Contract of the notification sender port.

What reached the customer is on the channel's side, so the kit asks two optional hooks:
:meth:`NotificationSenderContract.sent` (the messages the channel accepted; None when your
adapter cannot tell) and :meth:`NotificationSenderContract.make_fail` (make the next send
fail; False when it cannot). Against a sandbox SMS gateway::

    class TestAcmeSms(NotificationSenderContract):
        channels = (NotificationChannel.SMS,)

        def make_sender(self):
            return AcmeSms(sandbox_key)

        def sent(self, sender):
            return [decode(m) for m in acme_sandbox.outbox(sandbox_key)]

Override :meth:`make_message` when your channel needs other recipients.
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

from salesorder.domain.notifications import Message, NotificationChannel, NotificationKind
from salesorder.exceptions import NotificationFailed
from salesorder.ports.notifications import NotificationSender
from salesorder.testing.contracts._support import raises, run_threads

__all__ = ["NotificationSenderContract"]

_RECIPIENTS = {
    NotificationChannel.EMAIL: "budi@example.co.id",
    NotificationChannel.SMS: "+6281234567890",
    NotificationChannel.CHAT: "+6281234567890",
}


class NotificationSenderContract(abc.ABC):
    """Accepted messages are delivered once each, in order; a failure raises NotificationFailed."""

    #: The channels the sender delivers on.
    channels: ClassVar[tuple[NotificationChannel, ...]] = tuple(NotificationChannel)
    #: Whether the sender drops a repeat of a key it delivered (the port says it should when
    #: it can); False lets a repeat through.
    drops_repeats: ClassVar[bool] = True
    threads: ClassVar[int] = 8

    @abc.abstractmethod
    def make_sender(self) -> NotificationSender:
        """A new sender that has sent nothing."""

    def sent(self, sender: NotificationSender) -> Sequence[Message] | None:
        """The messages the channel accepted from ``sender``, in order (None: cannot tell)."""
        del sender  # the default cannot tell
        return None

    def make_fail(self, sender: NotificationSender) -> bool:
        """Make the next send of ``sender`` fail; False when the adapter cannot."""
        del sender  # the default cannot
        return False

    def make_message(
        self, key: str, channel: NotificationChannel | None = None, *, body: str = ""
    ) -> Message:
        """An order-shipped message in Indonesian, on ``channel`` (default: the first)."""
        channel = channel or self.channels[0]
        return Message(
            key=key,
            channel=channel,
            recipient=_RECIPIENTS[channel],
            order_id="ORD-1",
            kind=NotificationKind.ORDER_SHIPPED,
            locale="id_ID",
            subject="Pesanan ORD-1 dikirim",
            body=body or f"Halo Budi, pesanan ORD-1 sudah dikirim ({key}).",
        )

    # -- tests ----------------------------------------------------------------------------

    def test_is_a_notification_sender(self) -> None:
        sender = self.make_sender()
        assert isinstance(sender, NotificationSender)
        assert self.channels, "the kit needs at least one channel"

    def test_each_channel_delivers_what_was_sent_in_order(self) -> None:
        sender = self.make_sender()
        messages = [
            self.make_message(f"K-{number}-{channel.value}", channel)
            for number in range(3)
            for channel in self.channels
        ]
        for message in messages:
            sender.send(message)
        delivered = self.sent(sender)
        if delivered is not None:
            assert list(delivered) == messages, "delivered messages differ from those sent"

    def test_a_repeated_key_is_accepted_and_not_delivered_twice(self) -> None:
        sender = self.make_sender()
        first = self.make_message("K-REPEAT")
        sender.send(first)
        sender.send(first)  # a retry after a send that was in fact delivered
        delivered = self.sent(sender)
        if delivered is not None and self.drops_repeats:
            keys = [m.key for m in delivered]
            assert keys == ["K-REPEAT"], f"delivered {keys}"

    def test_a_failed_send_raises_notification_failed_and_a_retry_delivers(self) -> None:
        sender = self.make_sender()
        if not self.make_fail(sender):
            return
        message = self.make_message("K-FAIL")
        with raises(NotificationFailed, "a send the channel did not accept"):
            sender.send(message)
        delivered = self.sent(sender)
        if delivered is not None:
            assert message not in delivered, "a failed send was delivered"
        sender.send(message)
        delivered = self.sent(sender)
        if delivered is not None:
            assert [m.key for m in delivered] == ["K-FAIL"], "the retry was not delivered once"

    def test_concurrent_sends_deliver_each_key_once(self) -> None:
        sender = self.make_sender()
        shared = self.make_message("K-SHARED")

        def send(index: int) -> None:
            sender.send(self.make_message(f"K-T{index}"))
            sender.send(shared)

        run_threads(self.threads, send)
        delivered = self.sent(sender)
        if delivered is not None:
            keys = sorted(m.key for m in delivered)
            expected = sorted([*(f"K-T{i}" for i in range(self.threads)), "K-SHARED"])
            if self.drops_repeats:
                assert keys == expected, f"delivered {keys}"
            else:
                assert set(keys) == set(expected), f"delivered {keys}"
