"""Domain events: facts that happened, published after the unit of work commits."""

from __future__ import annotations

import datetime as dt

import attrs

from salesorder.domain.common import aware_datetime
from salesorder.domain.units import Quantity
from salesorder.money import Money

__all__ = [
    "DeliveryFailed",
    "DeliveryReattempted",
    "DomainEvent",
    "InvoiceIssued",
    "OrderAmended",
    "OrderCancelled",
    "OrderCompleted",
    "OrderConfirmed",
    "OrderDelivered",
    "OrderHeld",
    "OrderInTransit",
    "OrderPlaced",
    "OrderPriced",
    "OrderReleased",
    "OrderShipped",
    "PaymentRecorded",
    "RefundSent",
    "ReturnReceived",
    "ReturnedToSender",
    "ShipmentDelayed",
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


@attrs.frozen(kw_only=True)
class OrderHeld(DomainEvent):
    """An order was put on hold."""

    reason: str = ""


@attrs.frozen(kw_only=True)
class OrderReleased(DomainEvent):
    """A hold was released; the order carries on."""


@attrs.frozen(kw_only=True)
class OrderAmended(DomainEvent):
    """A confirmed order was amended (or partly cancelled) as ``version``."""

    version: int
    gross_before: Money
    gross_after: Money
    cancellation: bool = False


@attrs.frozen(kw_only=True)
class OrderInTransit(DomainEvent):
    """The courier reports the order's parcel on its way."""

    shipment_id: str = ""


@attrs.frozen(kw_only=True)
class ShipmentDelayed(DomainEvent):
    """The courier reports a delay (the parcel is still on its way)."""

    shipment_id: str = ""
    reason: str = ""


@attrs.frozen(kw_only=True)
class DeliveryFailed(DomainEvent):
    """The courier could not deliver."""

    shipment_id: str = ""
    reason: str = ""


@attrs.frozen(kw_only=True)
class DeliveryReattempted(DomainEvent):
    """The courier tries again after a failed delivery."""

    shipment_id: str = ""


@attrs.frozen(kw_only=True)
class ReturnedToSender(DomainEvent):
    """The courier brought the goods back undelivered; they are back in stock."""

    reason: str = ""


@attrs.frozen(kw_only=True)
class ReturnReceived(DomainEvent):
    """Goods the buyer returned arrived back (``return_id``; ``units``, all lines together).

    ``units`` is exact: a ``Decimal`` when a line counts in a unit with decimals (0.1 kg).
    """

    return_id: str = ""
    units: Quantity = 0


@attrs.frozen(kw_only=True)
class RefundSent(DomainEvent):
    """Money was given back to the buyer."""

    amount: Money
    reference: str = ""
