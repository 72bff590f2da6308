"""Shipments handed to couriers: service, parcel, who pays the fee, cash on delivery.

The COD amount is what the courier collects in cash: the order's gross, plus the shipping fee
when the buyer pays it, rounded to the currency's cash step (IDR whole rupiah, MYR 5 sen)
with an explicit mode, because COD is cash.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from salesorder.domain.catalog import Dimensions
from salesorder.domain.common import aware_datetime, code, non_empty, non_negative_decimal
from salesorder.domain.customers import Address
from salesorder.exceptions import IllegalTransition
from salesorder.money import CashRounding, Money, RoundingMode, to_decimal

__all__ = [
    "CourierBooking",
    "FeePayer",
    "Quote",
    "ServiceLevel",
    "Shipment",
    "ShipmentRequest",
    "ShipmentStatus",
    "TrackingEvent",
    "TrackingStatus",
    "cod_amount",
]


class ServiceLevel(str, enum.Enum):
    """The courier service booked."""

    EXPRESS = "express"
    ECONOMY = "economy"


class FeePayer(str, enum.Enum):
    """Who pays the shipping fee."""

    SELLER = "seller"
    BUYER = "buyer"


class TrackingStatus(str, enum.Enum):
    """What a courier reports about a parcel."""

    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"
    FAILED_DELIVERY = "failed_delivery"
    DELIVERED = "delivered"
    RETURNED_TO_SENDER = "returned_to_sender"


class ShipmentStatus(str, enum.Enum):
    """Where a shipment is, as the seller sees it."""

    BOOKED = "booked"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"


_FROM_TRACKING = {
    TrackingStatus.PICKED_UP: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.IN_TRANSIT: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.DELAYED: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.FAILED_DELIVERY: ShipmentStatus.FAILED,
    TrackingStatus.DELIVERED: ShipmentStatus.DELIVERED,
    TrackingStatus.RETURNED_TO_SENDER: ShipmentStatus.RETURNED,
}


def _weight(value: object) -> Decimal:
    return to_decimal(value, what="weight_kg")


@attrs.frozen(kw_only=True)
class ShipmentRequest:
    """What a courier needs to book a parcel. ``reference`` makes the booking idempotent."""

    reference: str = attrs.field(validator=code)
    origin: Address
    destination: Address
    service: ServiceLevel
    weight_kg: Decimal = attrs.field(converter=_weight, validator=non_negative_decimal)
    fee_payer: FeePayer
    dimensions: Dimensions | None = None
    cod_amount: Money | None = None


@attrs.frozen(kw_only=True)
class Quote:
    """A courier's price for a request."""

    courier: str
    service: ServiceLevel
    fee: Money


@attrs.frozen(kw_only=True)
class CourierBooking:
    """A booked parcel: the courier's tracking number, label and fee."""

    courier: str
    tracking_number: str = attrs.field(validator=non_empty)
    label: str
    fee: Money


@attrs.frozen(kw_only=True)
class TrackingEvent:
    """A status update from a courier."""

    tracking_number: str
    status: TrackingStatus
    at: dt.datetime = attrs.field(validator=aware_datetime)
    note: str = ""


def cod_amount(
    goods: Money,
    shipping_fee: Money,
    fee_payer: FeePayer,
    *,
    mode: RoundingMode,
    cash: CashRounding,
    country: str | None = None,
) -> Money:
    """What the courier collects: goods, plus the fee when the buyer pays it, cash-rounded."""
    due = goods + shipping_fee if fee_payer is FeePayer.BUYER else goods
    return due.to_cash(mode, rules=cash, country=country)


@attrs.define(kw_only=True)
class Shipment:
    """A parcel of one order booked with a courier."""

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    courier: str = attrs.field(validator=code)
    service: ServiceLevel
    tracking_number: str
    label: str
    fee: Money
    fee_payer: FeePayer
    weight_kg: Decimal
    cod_amount: Money | None = None
    status: ShipmentStatus = ShipmentStatus.BOOKED
    events: list[TrackingEvent] = attrs.Factory(list)

    def track(self, event: TrackingEvent) -> bool:
        """Apply a courier update; False when it was seen already (idempotent).

        Raises:
            IllegalTransition: the update is for another tracking number, or the shipment
                was already delivered or returned.
        """
        if event.tracking_number != self.tracking_number:
            raise IllegalTransition(
                f"shipment {self.id!r}",
                self.status.value,
                "track",
                f"event is for {event.tracking_number!r}, not {self.tracking_number!r}",
            )
        if event in self.events:
            return False
        if self.status in (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED):
            raise IllegalTransition(f"shipment {self.id!r}", self.status.value, event.status.value)
        self.events.append(event)
        self.status = _FROM_TRACKING[event.status]
        return True
