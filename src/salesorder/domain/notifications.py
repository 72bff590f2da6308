"""Customer notifications: which events notify, message templates per locale, the outbox.

A :class:`Template` is checked when it is made: every ``{field}`` it uses must be one its
kind of event provides (:data:`FIELDS`), else :class:`~salesorder.exceptions.TemplateError`
names the field. :meth:`TemplateBook.default` holds the shipped templates in Indonesian,
Vietnamese, Malay and English, worded by the Babel message catalogs of
:mod:`salesorder.translations`; amounts and dates are formatted with babel for the locale
(babel is imported when a message is rendered, never at import time). Templates a shop
writes in Jinja2, sandboxed, are
:class:`salesorder.documents.templating.JinjaTemplates`; both are :class:`MessageTemplates`.

One event gives at most one message per channel: a message's ``key`` is the event's identity
and the channel, and the outbox keeps one :class:`OutboxEntry` per key with its status.
"""

from __future__ import annotations

import datetime as dt
import enum
import string
from collections.abc import Mapping
from typing import Protocol

import attrs

from salesorder.domain.common import Shown, aware_datetime, non_empty
from salesorder.domain.events import (
    DeliveryFailed,
    DomainEvent,
    OrderConfirmed,
    OrderDelivered,
    OrderShipped,
    RefundSent,
    ReturnReceived,
    ShipmentDelayed,
)
from salesorder.exceptions import TemplateError
from salesorder.money import format_money
from salesorder.translations import format_placeholders, translations

__all__ = [
    "FIELDS",
    "LOCALES",
    "MESSAGES",
    "Message",
    "MessageTemplates",
    "MessageText",
    "NotificationChannel",
    "NotificationKind",
    "OutboxEntry",
    "OutboxStatus",
    "Template",
    "TemplateBook",
    "event_key",
    "event_values",
    "kind_of",
]


class NotificationChannel(str, enum.Enum):
    """How a message reaches the customer."""

    EMAIL = "email"
    SMS = "sms"
    CHAT = "chat"


class NotificationKind(str, enum.Enum):
    """The events a customer is told about."""

    ORDER_CONFIRMED = "order_confirmed"
    ORDER_SHIPPED = "order_shipped"
    SHIPMENT_DELAYED = "shipment_delayed"
    DELIVERY_FAILED = "delivery_failed"
    ORDER_DELIVERED = "order_delivered"
    RETURN_RECEIVED = "return_received"
    REFUND_SENT = "refund_sent"


_EVENTS: dict[type[DomainEvent], NotificationKind] = {
    OrderConfirmed: NotificationKind.ORDER_CONFIRMED,
    OrderShipped: NotificationKind.ORDER_SHIPPED,
    ShipmentDelayed: NotificationKind.SHIPMENT_DELAYED,
    DeliveryFailed: NotificationKind.DELIVERY_FAILED,
    OrderDelivered: NotificationKind.ORDER_DELIVERED,
    ReturnReceived: NotificationKind.RETURN_RECEIVED,
    RefundSent: NotificationKind.REFUND_SENT,
}

_COMMON = frozenset({"order_id", "customer_name", "date", "total"})

#: The fields each kind of message may use.
FIELDS: Mapping[NotificationKind, frozenset[str]] = {
    NotificationKind.ORDER_CONFIRMED: _COMMON,
    NotificationKind.ORDER_SHIPPED: _COMMON | {"courier", "tracking_number", "tracking_link"},
    NotificationKind.SHIPMENT_DELAYED: _COMMON | {"reason"},
    NotificationKind.DELIVERY_FAILED: _COMMON | {"reason"},
    NotificationKind.ORDER_DELIVERED: _COMMON,
    NotificationKind.RETURN_RECEIVED: _COMMON | {"units"},
    NotificationKind.REFUND_SENT: _COMMON | {"amount"},
}

#: The locales the shipped templates are written in.
LOCALES = ("id_ID", "vi_VN", "ms_MY", "en_US")


def kind_of(event: DomainEvent) -> NotificationKind | None:
    """The kind of message ``event`` gives, or None when it notifies nobody."""
    return _EVENTS.get(type(event))


def event_key(event: DomainEvent) -> str:
    """The event's identity: its type and every field, so a repeat has the same key."""
    values = attrs.astuple(event, recurse=False)
    return type(event).__name__ + "|" + "|".join(str(value) for value in values)


def _fields(text: str, where: str) -> set[str]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise TemplateError(f"{where} cannot be read: {error}") from None
    found = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise TemplateError(f"{where} uses {{{name}}}: only plain {{field}} names are allowed")
        found.add(name)
    return found


@attrs.frozen(kw_only=True)
class Template:
    """The subject (email only) and body of one kind of message in one locale.

    Raises:
        TemplateError: a ``{field}`` the kind does not provide, or text that is not a template.
    """

    kind: NotificationKind
    locale: str = attrs.field(validator=non_empty)
    subject: str
    body: str = attrs.field(validator=non_empty)

    def __attrs_post_init__(self) -> None:
        where = f"template {self.kind.value!r} ({self.locale})"
        used = _fields(self.subject, where) | _fields(self.body, where)
        unknown = sorted(used - FIELDS[self.kind])
        if unknown:
            raise TemplateError(
                f"{where} uses {unknown}, which a {self.kind.value} event does not provide "
                f"(it provides {sorted(FIELDS[self.kind])})"
            )

    @property
    def fields(self) -> set[str]:
        """The fields the template uses."""
        where = f"template {self.kind.value!r}"
        return _fields(self.subject, where) | _fields(self.body, where)

    def render(self, values: Mapping[str, str]) -> tuple[str, str]:
        """(subject, body) with ``values`` filled in.

        Raises:
            TemplateError: a field the template uses has no value.
        """
        missing = sorted(self.fields - set(values))
        if missing:
            raise TemplateError(f"template {self.kind.value!r} ({self.locale}) lacks {missing}")
        return self.subject.format_map(values), self.body.format_map(values)


_K = NotificationKind
#: The shipped wording of each kind as (subject, body), in English. They are the messages
#: of the catalogs (``salesorder/locale``) whose translations :meth:`TemplateBook.default`
#: reads. The shipped Jinja2 templates (``salesorder/templates/notifications``) say the same.
MESSAGES: Mapping[NotificationKind, tuple[str, str]] = {
    _K.ORDER_CONFIRMED: (
        "Order %(order_id)s confirmed",
        "Hi %(customer_name)s, your order %(order_id)s of %(total)s is confirmed (%(date)s).",
    ),
    _K.ORDER_SHIPPED: (
        "Order %(order_id)s is on its way",
        "Hi %(customer_name)s, order %(order_id)s left with %(courier)s on %(date)s. "
        "Tracking number %(tracking_number)s: %(tracking_link)s",
    ),
    _K.SHIPMENT_DELAYED: (
        "Order %(order_id)s is delayed",
        "Hi %(customer_name)s, the delivery of order %(order_id)s is delayed: %(reason)s.",
    ),
    _K.DELIVERY_FAILED: (
        "We could not deliver order %(order_id)s",
        "Hi %(customer_name)s, the courier could not deliver order %(order_id)s on %(date)s: "
        "%(reason)s.",
    ),
    _K.ORDER_DELIVERED: (
        "Order %(order_id)s delivered",
        "Hi %(customer_name)s, order %(order_id)s was delivered on %(date)s. Thank you!",
    ),
    _K.RETURN_RECEIVED: (
        "Return for order %(order_id)s received",
        "Hi %(customer_name)s, we received %(units)s returned item(s) of order %(order_id)s.",
    ),
    _K.REFUND_SENT: (
        "Refund for order %(order_id)s",
        "Hi %(customer_name)s, we refunded %(amount)s for order %(order_id)s on %(date)s.",
    ),
}


@attrs.frozen(kw_only=True)
class MessageText:
    """A rendered message: its subject (used for email only), body and the locale it is in.

    ``locale`` is the one whose wording was used, which is the fallback locale when the
    customer's has none.
    """

    locale: str
    subject: str
    body: str


class MessageTemplates(Protocol):
    """What the :class:`~salesorder.services.notifications.Notifier` renders messages with.

    :class:`TemplateBook` (``str.format`` templates, no extra needed) and
    :class:`salesorder.documents.templating.JinjaTemplates` (Jinja2, the ``templates``
    extra) are two.
    """

    def message(
        self, kind: NotificationKind, locale: str, values: Mapping[str, str]
    ) -> MessageText:
        """The message of ``kind`` in ``locale`` (or a fallback) with ``values`` filled in.

        Raises:
            TemplateError: no template for ``kind``, or the template cannot be rendered.
        """
        ...


@attrs.define
class TemplateBook:
    """Templates by (kind, locale); a locale without a template falls back to ``fallback``."""

    templates: dict[tuple[NotificationKind, str], Template] = attrs.Factory(dict)
    fallback: str = "en_US"

    @classmethod
    def default(cls) -> TemplateBook:
        """The shipped templates for every kind in id_ID, vi_VN, ms_MY and en_US.

        Their wording is :data:`MESSAGES` translated by the shipped catalogs
        (:func:`salesorder.translations.translations`), read on the first call.
        """
        book = cls()
        for locale in LOCALES:
            catalog = translations(locale)
            for kind, (subject, body) in MESSAGES.items():
                book.register(
                    Template(
                        kind=kind,
                        locale=locale,
                        subject=format_placeholders(catalog.gettext(subject)),
                        body=format_placeholders(catalog.gettext(body)),
                    )
                )
        return book

    def register(self, template: Template) -> None:
        """Add or replace the template of its (kind, locale)."""
        self.templates[template.kind, template.locale] = template

    def get(self, kind: NotificationKind, locale: str) -> Template:
        """The template for ``kind`` in ``locale`` (or the fallback locale).

        Raises:
            TemplateError: neither has one.
        """
        found = self.templates.get((kind, locale)) or self.templates.get((kind, self.fallback))
        if found is None:
            raise TemplateError(f"no template for {kind.value!r} in {locale} or {self.fallback}")
        return found

    def message(
        self, kind: NotificationKind, locale: str, values: Mapping[str, str]
    ) -> MessageText:
        """The template of ``kind`` in ``locale`` (or the fallback) rendered with ``values``.

        Raises:
            TemplateError: neither locale has a template, or a value is missing.
        """
        template = self.get(kind, locale)
        subject, body = template.render(values)
        return MessageText(locale=template.locale, subject=subject, body=body)


def event_values(
    event: DomainEvent,
    *,
    locale: str,
    customer_name: str,
    total: str = "",
    tracking_link: str = "",
) -> dict[str, str]:
    """The values a message about ``event`` may use, formatted for ``locale`` by babel."""
    from babel.dates import format_date  # noqa: PLC0415 - babel data loads on first use

    values = {
        "order_id": event.order_id,
        "customer_name": customer_name,
        "date": str(format_date(event.at.date(), format="long", locale=locale)),
        "total": total,
    }
    if isinstance(event, OrderShipped):
        values |= {
            "courier": event.courier,
            "tracking_number": event.tracking_number,
            "tracking_link": tracking_link.format(
                courier=event.courier, tracking_number=event.tracking_number
            ),
        }
    elif isinstance(event, (ShipmentDelayed, DeliveryFailed)):
        values["reason"] = event.reason or "-"
    elif isinstance(event, ReturnReceived):
        values["units"] = str(event.units)
    elif isinstance(event, RefundSent):
        values["amount"] = format_money(event.amount, locale)
    return values


@attrs.frozen(kw_only=True)
class Message:
    """One message to one customer on one channel. ``key`` is unique per event and channel."""

    key: str
    channel: NotificationChannel
    recipient: str
    order_id: str
    kind: NotificationKind
    locale: str
    subject: str
    body: str


class OutboxStatus(str, enum.Enum):
    """Waiting to be sent, sent, or failed (it is retried)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@attrs.define(kw_only=True, repr=False)
class OutboxEntry(Shown):
    """A message and what became of it; failed entries are kept and retried."""

    message: Message
    #: When the message was written; with ``seq`` (its number among those written then)
    #: it gives the order of the outbox.
    written_at: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(aware_datetime)
    )
    seq: int = 0
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    sent_at: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(aware_datetime)
    )

    @property
    def key(self) -> str:
        """The message's key, made of the event's identity and the channel."""
        return self.message.key

    @property
    def written(self) -> tuple[str, int, str]:
        """A sort key that puts the oldest written first."""
        at = self.written_at.isoformat() if self.written_at else ""
        return (at, self.seq, self.key)

    def sent(self, at: dt.datetime) -> None:
        """The channel took the message."""
        self.attempts += 1
        self.status = OutboxStatus.SENT
        self.sent_at = at
        self.last_error = ""

    def failed(self, error: str) -> None:
        """The channel refused it; it will be tried again."""
        self.attempts += 1
        self.status = OutboxStatus.FAILED
        self.last_error = error
