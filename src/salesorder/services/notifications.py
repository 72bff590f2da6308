"""Telling customers what happens to their orders: domain events in, messages out.

:class:`Notifier` subscribes to the published domain events. For an event that notifies
(see :func:`salesorder.domain.notifications.kind_of`) it writes one message per channel the
customer can be reached on and has not opted out of, in the customer's locale (or the
shop's), and sends it through the :class:`~salesorder.ports.notifications.NotificationSender`.

- Idempotent: the outbox (the unit of work's ``outbox`` repository, shared with every other
  call to the outside world) keeps one item per (event identity, channel); the same event
  again, in any order, adds nothing.
- Never lost: a message is stored as pending before it is sent; one that fails (or was
  never confirmed sent) stays in the outbox, due again after the application's backoff, and
  is sent by :meth:`Notifier.retry` (the ``retry_notifications`` command) or by any
  :class:`~salesorder.services.commands.DispatchOutbox` run.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from salesorder import logs
from salesorder.domain.customers import Customer
from salesorder.domain.events import DomainEvent
from salesorder.domain.notifications import (
    Message,
    MessageTemplates,
    NotificationChannel,
    OutboxEntry,
    OutboxStatus,
    TemplateBook,
    event_key,
    event_values,
    kind_of,
)
from salesorder.domain.orders import Order
from salesorder.domain.outbox import Call, CallKind, OutboxItem, OutboxState, RetryPolicy
from salesorder.exceptions import NotFound, NotificationFailed, UniquenessConflict
from salesorder.money import format_money
from salesorder.ports.clock import Clock
from salesorder.ports.notifications import NotificationSender
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.commands import RetryNotifications

__all__ = [
    "DEFAULT_TRACKING_LINK",
    "Notifier",
    "entry_of",
    "message_call",
    "outbox_context",
    "retry_notifications",
    "send_message",
]

#: Where a tracking number can be followed; ``{courier}`` and ``{tracking_number}`` are filled.
DEFAULT_TRACKING_LINK = "https://track.example.com/{courier}/{tracking_number}"


def outbox_context(item: OutboxItem, error: BaseException | None = None) -> dict[str, Any]:
    """The ``extra`` of a record about outbox ``item`` (a call or a customer message).

    Its key, the attempt just made (None before the first), a message's order, and
    ``error``'s class name.
    """
    message = item.call.message
    return logs.context(
        order_id=message.order_id if message is not None else None,
        key=item.key,
        attempt=item.attempts or None,
        error=error,
    )


def message_call(message: Message) -> Call:
    """The outbox call that sends ``message``; its key is made of the message's key."""
    return Call(
        kind=CallKind.SEND_MESSAGE,
        target=message.channel.value,
        subject=message.key,
        message=message,
    )


def entry_of(item: OutboxItem) -> OutboxEntry:
    """A message's outbox item as the notification outbox shows it (status, attempts)."""
    message = item.call.message
    if message is None:
        raise NotFound("message of outbox item", item.key)
    if item.state is OutboxState.SENT:
        status = OutboxStatus.SENT
    elif item.state is OutboxState.PENDING and item.attempts == 0:
        status = OutboxStatus.PENDING
    else:
        status = OutboxStatus.FAILED
    return OutboxEntry(
        message=message,
        written_at=item.written_at,
        seq=item.seq,
        status=status,
        attempts=item.attempts,
        last_error=item.last_error,
        sent_at=item.sent_at,
    )


def _log() -> logging.Logger:
    return logs.logger(logs.NOTIFICATIONS)


def _recipient(channel: NotificationChannel, customer: Customer | None, order: Order) -> str:
    if channel is NotificationChannel.EMAIL:
        return customer.email if customer else ""
    phone = customer.phone if customer else ""
    if not phone and order.shipping_address is not None:
        phone = order.shipping_address.phone
    return phone


class Notifier:
    """Turns domain events into customer messages; see the module docstring.

    The outbox is the ``outbox`` repository of the unit of work: a message is stored as a
    pending item in its own unit of work before it is sent, then marked sent or failed
    (due again after ``policy``'s backoff, dead after its last attempt). So a message is
    written once per key even when two processes handle the same event (the second commit
    is refused as a duplicate), and one that was never confirmed as sent is sent again by
    :meth:`retry`.

    Args:
        uow: makes units of work to read orders and customers and to keep the outbox.
        sender: the channel adapter.
        clock: stamps sent messages.
        locale: the shop's locale, for customers without one.
        templates: the message templates (default:
            :meth:`~salesorder.domain.notifications.TemplateBook.default`); a shop's own
            Jinja2 templates are :class:`salesorder.documents.templating.JinjaTemplates`.
        channels: the channels the shop uses.
        tracking_link: the tracking page pattern (``{courier}``, ``{tracking_number}``).
        policy: backoff and dead-lettering of failed messages.
    """

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        sender: NotificationSender,
        clock: Clock,
        *,
        locale: str = "id_ID",
        templates: MessageTemplates | None = None,
        channels: Sequence[NotificationChannel] = tuple(NotificationChannel),
        tracking_link: str = DEFAULT_TRACKING_LINK,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.uow = uow
        self.sender = sender
        self.clock = clock
        self.locale = locale
        self.templates: MessageTemplates = (
            templates if templates is not None else TemplateBook.default()
        )
        self.channels = tuple(channels)
        self.tracking_link = tracking_link
        self.policy = policy or RetryPolicy()
        self._lock = threading.RLock()
        self._seq = itertools.count(1)
        #: Events whose messages could not be written (and why); :meth:`retry` tries again.
        self.unhandled: list[tuple[DomainEvent, str]] = []

    def _write(self, event: DomainEvent) -> list[OutboxItem]:
        """Store the new messages of ``event`` as pending; returns them."""
        kind = kind_of(event)
        if kind is None:
            return []
        base = event_key(event)
        with self.uow() as uow:
            wanted = [
                c
                for c in self.channels
                if uow.outbox.find(f"{CallKind.SEND_MESSAGE.value}|{c.value}|{base}|{c.value}")
                is None
            ]
            order = uow.orders.find(event.order_id) if wanted else None
            if order is None:
                return []
            customer = uow.customers.find(order.customer_id)
            locale = (customer.locale if customer else "") or self.locale
            values = event_values(
                event,
                locale=locale,
                customer_name=customer.name if customer else "",
                total=format_money(order.total, locale) if order.pricing else "",
                tracking_link=self.tracking_link,
            )
            text = self.templates.message(kind, locale, values)
            entries: list[OutboxItem] = []
            for channel in wanted:
                recipient = _recipient(channel, customer, order)
                if not recipient or (customer and channel.value in customer.opt_out):
                    continue
                message = Message(
                    key=f"{base}|{channel.value}",
                    channel=channel,
                    recipient=recipient,
                    order_id=order.id,
                    kind=kind,
                    locale=text.locale,
                    subject=text.subject if channel is NotificationChannel.EMAIL else "",
                    body=text.body,
                )
                entry = OutboxItem(
                    call=message_call(message), written_at=self.clock.now(), seq=next(self._seq)
                )
                uow.outbox.add(entry)
                entries.append(entry)
            try:
                uow.commit()
            except UniquenessConflict:  # another process wrote them first: it sends them
                if _log().isEnabledFor(logging.DEBUG):
                    _log().debug(
                        "messages of %s for order %s written by another process first",
                        type(event).__name__,
                        order.id,
                        extra=logs.context(order_id=order.id),
                    )
                return []
            if _log().isEnabledFor(logging.DEBUG):
                for entry in entries:
                    _log().debug("message %s written", entry.key, extra=outbox_context(entry))
            return entries

    def _send(self, entry: OutboxItem) -> None:
        message = entry.call.message
        if message is None:
            return
        failure: NotificationFailed | None = None
        try:
            self.sender.send(message)
        except NotificationFailed as error:
            outcome, note, failure = False, str(error), error
        else:
            outcome, note = True, ""
        with self.uow() as uow:
            stored = uow.outbox.get(entry.key)
            if outcome:
                stored.sent(self.clock.now())
            else:
                stored.failed(
                    self.clock.now(),
                    f"NotificationFailed: {note}",
                    self.policy,
                    random.random(),  # noqa: S311 - jitter, not a secret
                    final=False,
                )
            uow.commit()
        entry.state, entry.attempts = stored.state, stored.attempts
        log = _log()
        if failure is None:
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "message %s sent to %s (attempt %d)",
                    entry.key,
                    message.channel.value,
                    stored.attempts,
                    extra=outbox_context(stored),
                )
        elif log.isEnabledFor(logging.WARNING):
            log.warning(
                "message %s failed (attempt %d), kept for a retry: %s",
                entry.key,
                stored.attempts,
                note,
                extra=outbox_context(stored, failure),
            )

    def handle(self, event: DomainEvent) -> list[Message]:
        """Write and send the messages ``event`` gives; returns the new ones (none on repeat)."""
        with self._lock:
            entries = self._write(event)
            for entry in entries:
                self._send(entry)
            return [entry.call.message for entry in entries if entry.call.message]

    def publish(self, event: DomainEvent) -> None:
        """Subscriber entry point: :meth:`handle` ``event``, never raising.

        The command that raised the event has committed, so an error here (a template, a
        locale, the store) must not look like the command's: the event is kept in
        :attr:`unhandled` and handled again by :meth:`retry`.
        """
        try:
            self.handle(event)
        except Exception as error:  # a broad catch on purpose: see the docstring
            with self._lock:
                self.unhandled.append((event, f"{type(error).__name__}: {error}"))
            order_id = getattr(event, "order_id", None)
            _log().error(
                "%s of order %s not handled, kept for Notifier.retry: %s: %s",
                type(event).__name__,
                order_id,
                type(error).__name__,
                error,
                exc_info=error,
                extra=logs.context(
                    order_id=order_id if isinstance(order_id, str) else None, error=error
                ),
            )

    def retry(self) -> int:
        """Handle unhandled events again, then send every message not sent yet.

        Returns how many messages went out.
        """
        with self._lock:
            sent_before = len(self.messages(OutboxStatus.SENT))
            events, self.unhandled = self.unhandled, []
            for event, _ in events:
                self.publish(event)
            for item in self._items():
                if item.state in (OutboxState.PENDING, OutboxState.DEAD):
                    self._send(item)
            return len(self.messages(OutboxStatus.SENT)) - sent_before

    def _items(self) -> list[OutboxItem]:
        with self.uow() as uow:
            items = uow.outbox.in_states(OutboxState)
        return [item for item in items if item.call.kind is CallKind.SEND_MESSAGE]

    def entries(self) -> list[OutboxEntry]:
        """Every message of the outbox, in the order written."""
        return sorted((entry_of(item) for item in self._items()), key=lambda e: e.written)

    def messages(self, status: OutboxStatus | None = None) -> list[Message]:
        """Messages in the outbox (with ``status``, when given), in the order written."""
        return [e.message for e in self.entries() if status is None or e.status is status]


class _Notifying(Protocol):
    """What retrying needs of the application: a ``SalesApp`` is one.

    The application imports this module for :class:`Notifier`, so what it needs is named
    here instead of importing the application (no import circle).
    """

    @property
    def notifications(self) -> Notifier | None:
        """The application's notifier, if any."""
        ...


def retry_notifications(app: _Notifying, _command: RetryNotifications) -> int:
    """Retry the application's failed messages (none when it has no notifier)."""
    return app.notifications.retry() if app.notifications is not None else 0


def send_message(app: Any, call: Call) -> Any:
    """Outbox sender: hand the message to the application's notification sender."""
    from salesorder.services.outbox import Sent  # noqa: PLC0415 - outbox imports the app

    notifier: Notifier | None = app.notifications
    if notifier is None or call.message is None:
        raise NotFound("notification sender for message", call.subject)
    notifier.sender.send(call.message)
    return Sent(result="sent")
