"""Domain events: facts that happened, published after the unit of work commits."""

from __future__ import annotations

import datetime as dt

import attrs

from salesorder.domain.common import aware_datetime
from salesorder.money import Money

__all__ = [
    "DomainEvent",
    "InvoiceIssued",
    "OrderCancelled",
    "OrderCompleted",
    "OrderConfirmed",
    "OrderDelivered",
    "OrderPlaced",
    "OrderPriced",
    "OrderShipped",
    "PaymentRecorded",
    "StockReserved",
]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Base of all events: which order, and when."""

    order_id: str
    at: dt.datetime = attrs.field(validator=aware_datetime)


@attrs.frozen(kw_only=True)
class OrderPlaced(DomainEvent):
    """An order was captured from a channel."""

    channel: str
    external_ref: str = ""


@attrs.frozen(kw_only=True)
class OrderPriced(DomainEvent):
    """An order was priced; ``gross`` is what the buyer pays."""

    gross: Money


@attrs.frozen(kw_only=True)
class OrderConfirmed(DomainEvent):
    """An order was verified and confirmed."""


@attrs.frozen(kw_only=True)
class StockReserved(DomainEvent):
    """All lines of an order were reserved in ``warehouse``."""

    warehouse: str


@attrs.frozen(kw_only=True)
class OrderShipped(DomainEvent):
    """An order was handed to a courier."""

    shipment_id: str
    courier: str
    tracking_number: str


@attrs.frozen(kw_only=True)
class OrderDelivered(DomainEvent):
    """The courier delivered an order."""

    shipment_id: str


@attrs.frozen(kw_only=True)
class InvoiceIssued(DomainEvent):
    """An invoice was issued with its number."""

    invoice_id: str
    number: str
    gross: Money


@attrs.frozen(kw_only=True)
class PaymentRecorded(DomainEvent):
    """A payment was recorded against an order."""

    payment_id: str
    amount: Money
    method: str


@attrs.frozen(kw_only=True)
class OrderCompleted(DomainEvent):
    """An order was delivered and paid, and closed."""


@attrs.frozen(kw_only=True)
class OrderCancelled(DomainEvent):
    """An order was cancelled; its reservations were released."""

    reason: str = ""
