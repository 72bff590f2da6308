"""The outbox: every call to the outside world, written with the change that wants it.

A command never calls a courier, a marketplace, an e-invoice provider or a customer channel
inside its unit of work (a call cannot be taken back when the commit then fails, and a
retried command would call again). It writes a :class:`Call` into the outbox, as an
:class:`OutboxItem`, in the same unit of work as the state change; a dispatcher makes the
call after the commit (``salesorder.services.outbox``).

- **Idempotent by key.** An item's key is the call's kind, target and subject and a digest
  of everything it sends (:attr:`Call.key`): the same call twice is one item, and a call
  whose content changed is a new item. Stock pushes set a value, so they are kept as one
  item per (channel, channel SKU) holding the latest value (:attr:`Call.slot`); a customer
  message is one item per message key (its event and channel).
- **Retried with backoff.** A failed call is tried again after an exponentially growing,
  jittered delay (:class:`RetryPolicy`); after ``max_attempts`` it is dead-lettered
  (``OutboxState.DEAD``) and waits for an operator to retry or discard it.
- **Leased while in flight.** A dispatcher takes an item (:meth:`OutboxItem.take`) in a unit
  of work of its own before calling, so two dispatchers do not make the same call at once;
  a lease that runs out (a dispatcher that died) makes the item due again.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from typing import Any

import attrs

from salesorder.domain.channels import Listing
from salesorder.domain.common import Shown, aware_datetime, non_empty
from salesorder.domain.notifications import Message
from salesorder.domain.units import Quantity
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import IllegalTransition, ValidationError

__all__ = [
    "Call",
    "CallKind",
    "DispatchReport",
    "OutboxItem",
    "OutboxState",
    "RetryPolicy",
]


class CallKind(str, enum.Enum):
    """What a call to the outside world does."""

    BOOK_COURIER = "book_courier"
    CANCEL_BOOKING = "cancel_booking"
    ACKNOWLEDGE_ORDER = "acknowledge_order"
    PUSH_TRACKING = "push_tracking"
    PUSH_STOCK = "push_stock"
    PUBLISH_LISTING = "publish_listing"
    SUBMIT_EINVOICE = "submit_einvoice"
    CANCEL_EINVOICE = "cancel_einvoice"
    SEND_MESSAGE = "send_message"


#: Calls kept as one outbox item per slot: stock pushes set a value (the item holds the
#: latest), and a message's key already names its event and channel (one message each).
_BY_SLOT = frozenset({CallKind.PUSH_STOCK, CallKind.SEND_MESSAGE})


@attrs.frozen(kw_only=True)
class Call:
    """One call to make: its kind, whom it goes to, what it is about, and what it sends.

    ``target`` is the courier code, the marketplace channel code, ``"einvoice"`` or the
    notification channel; ``subject`` the shipment id (courier calls), the marketplace's
    order id, the channel SKU, the listing's item id, the invoice id or the message key.
    The other fields are what the kind sends: the courier booking reference or the tracking
    number (``reference``), the courier of a tracking push, the quantity of a stock push (an
    exact quantity, see :mod:`salesorder.domain.units`), the reason of an e-invoice
    cancellation, the listing to publish, the message to send.
    """

    kind: CallKind
    target: str = attrs.field(validator=non_empty)
    subject: str = attrs.field(validator=non_empty)
    reference: str = ""
    courier: str = ""
    quantity: Quantity | None = attrs.field(
        default=None, converter=attrs.converters.optional(as_quantity)
    )
    reason: str = ""
    listing: Listing | None = None
    message: Message | None = None

    @property
    def digest(self) -> str:
        """A digest of everything the call sends; another content gives another digest."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()[:16]

    @property
    def slot(self) -> str:
        """What the call is about, its kind, target and subject."""
        return f"{self.kind.value}|{self.target}|{self.subject}"

    @property
    def key(self) -> str:
        """The outbox key, the slot and the content's digest (the slot alone, by kind).

        Stock pushes and customer messages are keyed by their slot alone.
        """
        return self.slot if self.kind in _BY_SLOT else f"{self.slot}|{self.digest}"


class OutboxState(str, enum.Enum):
    """Where an outbox item is.

    Pending (to be sent, possibly after a failure, at ``next_attempt_at``), sent, dead
    (failed ``max_attempts`` times, or refused for good: an operator retries or discards
    it), or discarded (never to be sent: superseded, or discarded by an operator).
    """

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    DISCARDED = "discarded"


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise ValidationError(f"RetryPolicy.{attribute.name} must be above zero, got {value!r}")


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter, and the number of attempts before dead-lettering.

    The wait before retry ``n`` (after the ``n``-th failure) is ``base * 2**(n-1)``, capped
    at ``cap``, of which a random part up to ``jitter`` (a fraction) is taken off, so
    dispatchers that failed together do not retry in step. ``random`` is a number in
    [0, 1) the caller draws: the policy itself is pure.
    """

    max_attempts: int = 8
    base: dt.timedelta = attrs.field(default=dt.timedelta(seconds=30), validator=_positive)
    cap: dt.timedelta = attrs.field(default=dt.timedelta(hours=1), validator=_positive)
    jitter: float = 0.5
    #: How long a dispatcher holds an item it is calling.
    lease: dt.timedelta = attrs.field(default=dt.timedelta(minutes=5), validator=_positive)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise ValidationError(
                f"RetryPolicy.max_attempts must be an int, got {self.max_attempts!r}"
            )
        if not 1 <= self.max_attempts <= 1000:
            raise ValidationError(
                f"RetryPolicy.max_attempts must be from 1 to 1000, got {self.max_attempts}"
            )
        if not 0 <= self.jitter <= 1:
            raise ValidationError(f"RetryPolicy.jitter must be from 0 to 1, got {self.jitter}")

    def delay(self, failures: int, random: float) -> dt.timedelta:
        """The wait after the ``failures``-th failure (1, 2, ...), ``random`` in [0, 1)."""
        if failures < 1:
            raise ValidationError(f"failures must be at least 1, got {failures}")
        # 2**60 seconds is far beyond any cap: stop doubling there, never overflow.
        full = min(self.cap, self.base * (1 << min(failures - 1, 40)))
        return full - full * (self.jitter * min(max(random, 0.0), 1.0))


def _optional_at(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        aware_datetime(instance, attribute, value)


@attrs.define(kw_only=True, repr=False)
class OutboxItem(Shown):
    """A call waiting to be made, being made, made, or given up; see the module docstring."""

    call: Call
    written_at: dt.datetime = attrs.field(validator=aware_datetime)
    #: Its number among the items written in the same unit of work (order of the outbox).
    seq: int = 0
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    #: When it is due (None for at once).
    next_attempt_at: dt.datetime | None = attrs.field(default=None, validator=_optional_at)
    #: Until when a dispatcher holds it (None when nobody does).
    leased_until: dt.datetime | None = attrs.field(default=None, validator=_optional_at)
    last_error: str = ""
    sent_at: dt.datetime | None = attrs.field(default=None, validator=_optional_at)
    #: What the call returned, for people (a tracking number, an e-invoice reference).
    result: str = ""
    #: The key, kept as stored (the call's key when it was written).
    key: str = attrs.field(default=attrs.Factory(lambda self: self.call.key, takes_self=True))

    @property
    def order(self) -> tuple[str, int, str]:
        """A sort key that puts the oldest written first."""
        return (self.written_at.isoformat(), self.seq, self.key)

    def due(self, now: dt.datetime) -> bool:
        """True when pending, its wait is over and no dispatcher holds it."""
        return (
            self.state is OutboxState.PENDING
            and (self.next_attempt_at is None or self.next_attempt_at <= now)
            and (self.leased_until is None or self.leased_until <= now)
        )

    def take(self, now: dt.datetime, lease: dt.timedelta) -> None:
        """A dispatcher holds the item until ``now + lease`` while it calls.

        Raises:
            IllegalTransition: the item is not due.
        """
        if not self.due(now):
            raise IllegalTransition(f"outbox item {self.key!r}", self.state.value, "take")
        self.leased_until = now + lease

    def sent(self, at: dt.datetime, result: str = "") -> None:
        """The call was made."""
        self.attempts += 1
        self.state = OutboxState.SENT
        self.sent_at = at
        self.leased_until = self.next_attempt_at = None
        self.last_error = ""
        self.result = result

    def failed(
        self, at: dt.datetime, error: str, policy: RetryPolicy, random: float, *, final: bool
    ) -> None:
        """The call failed: due again after the policy's delay, or dead after the last try.

        ``final`` dead-letters at once (a refusal that no retry can cure).
        """
        self.attempts += 1
        self.last_error = error[:2000]
        self.leased_until = None
        if final or self.attempts >= policy.max_attempts:
            self.state = OutboxState.DEAD
            self.next_attempt_at = None
        else:
            self.next_attempt_at = at + policy.delay(self.attempts, random)

    def retry(self) -> None:
        """An operator sends a dead (or waiting) item again now, with a fresh count.

        Raises:
            IllegalTransition: it was sent or discarded.
        """
        if self.state not in (OutboxState.PENDING, OutboxState.DEAD):
            raise IllegalTransition(f"outbox item {self.key!r}", self.state.value, "retry")
        self.state = OutboxState.PENDING
        self.attempts = 0
        self.next_attempt_at = self.leased_until = None

    def discard(self, reason: str) -> None:
        """Never send it (an operator gave it up, or a newer call superseded it).

        Raises:
            IllegalTransition: it was sent already.
        """
        if self.state is OutboxState.SENT:
            raise IllegalTransition(f"outbox item {self.key!r}", self.state.value, "discard")
        self.state = OutboxState.DISCARDED
        self.last_error = reason or "discarded"
        self.next_attempt_at = self.leased_until = None

    def replace(self, call: Call, at: dt.datetime, *, force: bool = False) -> bool:
        """A setter's slot gets a new value: pending again unless it holds that value already.

        ``force`` sends it again even when the value was sent (the far side drifted).
        Returns True when the item changed.
        """
        if call.slot != self.call.slot:
            raise ValidationError(f"call {call.key!r} does not belong in slot {self.key!r}")
        if (
            not force
            and call == self.call
            and self.state in (OutboxState.PENDING, OutboxState.SENT)
        ):
            return False
        self.call = call
        self.written_at = at
        self.state = OutboxState.PENDING
        self.attempts = 0
        self.next_attempt_at = self.leased_until = self.sent_at = None
        self.last_error = self.result = ""
        return True


@attrs.frozen(kw_only=True)
class DispatchReport:
    """The keys a dispatch sent, left failed (due again later), dead-lettered or skipped."""

    sent: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    dead: tuple[str, ...] = ()
    #: Items another dispatcher held, or that were no longer due when taken.
    skipped: tuple[str, ...] = ()
