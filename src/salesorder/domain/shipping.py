"""Shipments handed to couriers: service, parcels, who pays the fee, cash on delivery, tracking.

The COD amount is what the courier collects in cash: the order's gross, plus the shipping fee
when the buyer pays it, rounded to the currency's cash step (IDR whole rupiah, MYR 5 sen)
with an explicit mode, because COD is cash.

Tracking: a courier's updates arrive late, twice, or out of order. A shipment keeps every
update once (by its ``event_id``), replays them in event-time order
(:func:`replay`) and moves only forward (:func:`progress`): an update that would put the
parcel back where it was before is kept but changes nothing. A failed delivery starts a new
attempt, so "out for delivery" after "failed delivery" is progress (the reattempt), not a
step back. Delivered and returned to sender are final.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
from collections.abc import Iterable
from decimal import ROUND_CEILING, Decimal

import attrs

from salesorder.domain.catalog import Dimensions
from salesorder.domain.common import (
    Shown,
    as_tuple,
    aware_datetime,
    code,
    member_of,
    non_empty,
    non_negative_decimal,
    non_negative_int,
    reference,
    spelled,
    text,
)
from salesorder.domain.customers import Address
from salesorder.exceptions import CurrencyMismatch, IllegalTransition, ValidationError
from salesorder.money import CashRounding, Money, RoundingMode, to_decimal

__all__ = [
    "CUSTOMER_STATUS",
    "FINAL_TRACKING",
    "TRACKING_RANK",
    "CourierBooking",
    "FeePayer",
    "Label",
    "LabelFormat",
    "Package",
    "Quote",
    "ServiceLevel",
    "Shipment",
    "ShipmentRequest",
    "ShipmentStatus",
    "TrackingEvent",
    "TrackingState",
    "TrackingStatus",
    "TrackingUpdate",
    "chargeable_weight",
    "cod_amount",
    "progress",
    "replay",
    "volumetric_weight",
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
    OUT_FOR_DELIVERY = "out_for_delivery"
    FAILED_DELIVERY = "failed_delivery"
    DELIVERED = "delivered"
    RETURNED_TO_SENDER = "returned_to_sender"


#: How far along one delivery attempt each update is. A delay is as far as "in transit" (the
#: parcel is still on its way); a failed delivery ends an attempt and starts the next one, so
#: within an attempt it ranks lowest (see :func:`progress`).
TRACKING_RANK = {
    TrackingStatus.FAILED_DELIVERY: 0,
    TrackingStatus.PICKED_UP: 1,
    TrackingStatus.IN_TRANSIT: 2,
    TrackingStatus.DELAYED: 2,
    TrackingStatus.OUT_FOR_DELIVERY: 3,
    TrackingStatus.DELIVERED: 4,
    TrackingStatus.RETURNED_TO_SENDER: 4,
}

#: Updates after which nothing moves a parcel any more.
FINAL_TRACKING = frozenset({TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER})

#: What the buyer is told for each update (the customer-facing status).
CUSTOMER_STATUS = {
    None: "Waiting for the courier",
    TrackingStatus.PICKED_UP: "Handed to the courier",
    TrackingStatus.IN_TRANSIT: "On its way",
    TrackingStatus.DELAYED: "On its way, delayed",
    TrackingStatus.OUT_FOR_DELIVERY: "Out for delivery today",
    TrackingStatus.FAILED_DELIVERY: "Delivery attempt failed; the courier will try again",
    TrackingStatus.DELIVERED: "Delivered",
    TrackingStatus.RETURNED_TO_SENDER: "Returned to the seller",
}


class ShipmentStatus(str, enum.Enum):
    """Where a shipment is, as the seller sees it.

    ``REQUESTED``: the booking is in the outbox and the courier has not answered yet (no
    tracking number, no label).
    """

    REQUESTED = "requested"
    BOOKED = "booked"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    FAILED = "failed"
    RETURNED = "returned"
    CANCELLED = "cancelled"


class LabelFormat(str, enum.Enum):
    """The file format of a shipping label, as the courier returns it."""

    PDF = "pdf"
    ZPL = "zpl"
    PNG = "png"
    TEXT = "text"


_FROM_TRACKING = {
    TrackingStatus.PICKED_UP: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.IN_TRANSIT: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.DELAYED: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY: ShipmentStatus.IN_TRANSIT,
    TrackingStatus.FAILED_DELIVERY: ShipmentStatus.FAILED,
    TrackingStatus.DELIVERED: ShipmentStatus.DELIVERED,
    TrackingStatus.RETURNED_TO_SENDER: ShipmentStatus.RETURNED,
}


def _weight(value: object) -> Decimal:
    return to_decimal(value, what="weight_kg")


def volumetric_weight(dimensions: Dimensions, divisor: int) -> Decimal:
    """Length x width x height (cm) / ``divisor``, in kilograms, unrounded.

    Couriers publish the divisor (cm3 per kg): 6000 and 5000 are common. Rounding the result
    up to the courier's weight step is the courier's rule, applied by whoever prices.
    """
    if divisor <= 0:
        raise ValidationError(f"volumetric divisor must be above 0, got {divisor}")
    return dimensions.volume_cm3 / Decimal(divisor)


@attrs.frozen(kw_only=True)
class Package:
    """One box of a shipment: its actual weight and, when measured, its dimensions."""

    weight_kg: Decimal = attrs.field(converter=_weight, validator=non_negative_decimal)
    dimensions: Dimensions | None = None

    def chargeable_kg(self, divisor: int) -> Decimal:
        """The greater of the actual and the volumetric weight (unrounded)."""
        if self.dimensions is None:
            return self.weight_kg
        return max(self.weight_kg, volumetric_weight(self.dimensions, divisor))


def _parcels(value: Iterable[Package]) -> tuple[Package, ...]:
    return as_tuple(value)


@attrs.frozen(kw_only=True)
class ShipmentRequest:
    """What a courier needs to quote or book a shipment. ``reference`` makes booking idempotent.

    ``weight_kg`` and ``dimensions`` describe a single-box shipment; ``parcels`` lists the
    boxes of a multi-box one (when given, they are what is weighed). ``warehouse`` is the
    sending warehouse's code, ``declared_value`` the goods' value to insure (None: not
    insured), ``notes`` what the driver should read.
    """

    reference: str = attrs.field(validator=code)
    origin: Address
    destination: Address
    service: ServiceLevel
    weight_kg: Decimal = attrs.field(converter=_weight, validator=non_negative_decimal)
    fee_payer: FeePayer
    dimensions: Dimensions | None = None
    cod_amount: Money | None = None
    parcels: tuple[Package, ...] = attrs.field(default=(), converter=_parcels)
    warehouse: str = ""
    declared_value: Money | None = None
    notes: str = ""

    @property
    def boxes(self) -> tuple[Package, ...]:
        """The parcels, or the one box ``weight_kg`` and ``dimensions`` describe."""
        return self.parcels or (Package(weight_kg=self.weight_kg, dimensions=self.dimensions),)


def chargeable_weight(request: ShipmentRequest, divisor: int, *, step: Decimal) -> Decimal:
    """Sum over the boxes of max(actual, volumetric), each rounded up to ``step`` kg."""
    if step <= 0:
        raise ValidationError(f"weight step must be above 0, got {step}")
    return sum(
        (
            (box.chargeable_kg(divisor) / step).to_integral_value(rounding=ROUND_CEILING) * step
            for box in request.boxes
        ),
        Decimal(0),
    )


def _zero_like(quote: Quote) -> Money:
    return Money.zero(quote.fee.currency)


@attrs.frozen(kw_only=True)
class Quote:
    """A courier's price for a request: ``fee`` in all, and what it is made of.

    ``fee`` = ``shipping_fee`` + ``cod_fee`` + ``insurance_fee`` when the parts are given.
    """

    courier: str
    service: ServiceLevel
    fee: Money
    #: The weight the courier charges for (kg), when it says.
    chargeable_kg: Decimal | None = None
    shipping_fee: Money | None = None
    cod_fee: Money = attrs.Factory(_zero_like, takes_self=True)
    insurance_fee: Money = attrs.Factory(_zero_like, takes_self=True)

    def __attrs_post_init__(self) -> None:
        for name in ("shipping_fee", "cod_fee", "insurance_fee"):
            part: Money | None = getattr(self, name)
            if part is not None and part.currency != self.fee.currency:
                what = f"the {name} of {self.courier!r}'s quote"
                raise CurrencyMismatch(self.fee.currency, part.currency, what, against="its fee")
        if self.shipping_fee is not None and (
            self.shipping_fee + self.cod_fee + self.insurance_fee != self.fee
        ):
            raise ValidationError(
                f"quote of {self.courier!r}: parts {self.shipping_fee} + {self.cod_fee} + "
                f"{self.insurance_fee} do not add up to {self.fee}"
            )


@attrs.frozen(kw_only=True)
class Label:
    """A shipping label as the courier returns it: the file's bytes and their format."""

    format: LabelFormat
    content: bytes = attrs.field(repr=lambda b: f"<{len(b)} bytes>")


def _text_label(booking: CourierBooking) -> Label:
    return Label(format=LabelFormat.TEXT, content=booking.label.encode("utf-8"))


@attrs.frozen(kw_only=True)
class CourierBooking:
    """A booked shipment: the courier's tracking number, label and fee.

    ``label`` is the label's text (what is printed on it, for people and logs);
    ``label_document`` the file to print, in the courier's declared format.
    """

    courier: str
    tracking_number: str = attrs.field(validator=non_empty)
    label: str
    fee: Money
    label_document: Label = attrs.Factory(_text_label, takes_self=True)


def _tracking_status(value: TrackingStatus | str) -> TrackingStatus:
    return spelled(TrackingStatus, value)


def _event_id(event: TrackingEvent) -> str:
    if not (
        isinstance(event.tracking_number, str)
        and isinstance(event.status, TrackingStatus)
        and isinstance(event.at, dt.datetime)
    ):
        return ""  # the fields' own validators refuse them, naming them
    return f"{event.tracking_number}/{event.status.value}/{event.at.isoformat()}"


@attrs.frozen(kw_only=True, repr=False)
class TrackingEvent(Shown):
    """A status update from a courier.

    ``event_id`` is the courier's id for the update; a redelivered update carries the same
    id and is applied once. Without one, the id is made of the tracking number, the status
    and the time.
    """

    tracking_number: str = attrs.field(validator=[non_empty, reference])
    status: TrackingStatus = attrs.field(
        converter=_tracking_status, validator=member_of(TrackingStatus)
    )
    at: dt.datetime = attrs.field(validator=aware_datetime)
    note: str = attrs.field(default="", validator=text)
    event_id: str = attrs.field(
        default=attrs.Factory(_event_id, takes_self=True), validator=[non_empty, text]
    )


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


@attrs.frozen(kw_only=True)
class TrackingState:
    """Where a parcel is: the last update that counted, and how many attempts failed."""

    status: TrackingStatus | None = None
    failed_attempts: int = attrs.field(default=0, validator=non_negative_int)


def _order_key(event: TrackingEvent) -> tuple[dt.datetime, int, str]:
    return (event.at, TRACKING_RANK[event.status], event.event_id)


def replay(events: Iterable[TrackingEvent]) -> TrackingState:
    """Where ``events`` put a parcel when applied in event-time order, each id once.

    Ties in time go by rank (so "delivered" follows "out for delivery" stamped the same
    second), then by event id. Within one attempt a lower-ranked update is ignored; a failed
    delivery ends the attempt; any update after it is the reattempt; a final update
    (delivered, returned to sender) ends the journey.
    """
    unique = {event.event_id: event for event in events}
    status: TrackingStatus | None = None
    failed = 0
    for event in sorted(unique.values(), key=_order_key):
        if status in FINAL_TRACKING:
            break
        if event.status is TrackingStatus.FAILED_DELIVERY:
            status, failed = event.status, failed + 1
        elif (
            status is None
            or status is TrackingStatus.FAILED_DELIVERY
            or TRACKING_RANK[event.status] >= TRACKING_RANK[status]
        ):
            status = event.status
    return TrackingState(status=status, failed_attempts=failed)


def progress(state: TrackingState) -> tuple[int, int, int]:
    """An ordering key for :class:`TrackingState`: the status never moves to a lower key.

    Final states come last; before them, later attempts; within an attempt, the rank.
    """
    if state.status is None:
        return (0, 0, 0)
    if state.status in FINAL_TRACKING:
        return (2, 0, 0)
    return (1, state.failed_attempts, TRACKING_RANK[state.status])


@attrs.frozen(kw_only=True)
class TrackingUpdate:
    """What :meth:`Shipment.record` did: the new updates, and the state before and after."""

    new_events: tuple[TrackingEvent, ...]
    before: TrackingState
    after: TrackingState

    @property
    def moved(self) -> bool:
        """True when the parcel's state changed."""
        return self.before != self.after


@attrs.define(kw_only=True, repr=False)
class Shipment(Shown):
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
    #: Every update received, each event id once, in event-time order.
    events: list[TrackingEvent] = attrs.Factory(list)
    #: The courier's last update that counted (None before the first).
    tracking: TrackingStatus | None = None
    #: Delivery attempts that failed so far.
    failed_attempts: int = 0
    #: The label file the courier returned at booking, to print again.
    label_document: Label | None = None
    #: Where the parcel leaves from and goes to, as booked (None for a shipment stored
    #: before bookings went through the outbox).
    origin: Address | None = None
    destination: Address | None = None
    #: The courier reference of the booking the shipment wants now, the parcel's reference
    #: and a digest of what is booked, so a changed shipment asks for a new booking.
    booking_reference: str = ""
    #: The reference the tracking number and label belong to ("" before the courier answered).
    booked_reference: str = ""

    @property
    def booking_base(self) -> str:
        """The parcel's reference the booking references are made from."""
        return self.booking_reference.rsplit("-", 1)[0] if self.booking_reference else self.id

    @property
    def is_booked(self) -> bool:
        """True when the courier's booking of what the shipment says now is recorded."""
        return bool(self.tracking_number) and self.booked_reference in ("", self.booking_reference)

    def request(self) -> ShipmentRequest:
        """What the courier is asked to book: exactly what the shipment says.

        Raises:
            IllegalTransition: the shipment has no addresses (stored before the outbox).
        """
        if self.origin is None or self.destination is None:
            raise IllegalTransition(
                f"shipment {self.id!r}", self.status.value, "book", "it has no addresses"
            )
        return ShipmentRequest(
            reference=self.booking_reference or self.id,
            origin=self.origin,
            destination=self.destination,
            service=self.service,
            weight_kg=self.weight_kg,
            fee_payer=self.fee_payer,
            cod_amount=self.cod_amount,
            warehouse=self.warehouse,
        )

    def request_booking(self, base: str) -> str | None:
        """Ask for a booking of what the shipment says now, under ``base`` and a digest.

        The same content gives the same reference (a repeat changes nothing); changed
        content gives a new one, and the booking recorded for the old content is dropped
        from the shipment. Returns the tracking number of that dropped booking, which the
        caller cancels with the courier (None when there is none).

        Raises:
            IllegalTransition: the courier has the parcel, or the shipment was cancelled.
        """
        if self.events or self.status not in (ShipmentStatus.REQUESTED, ShipmentStatus.BOOKED):
            raise IllegalTransition(
                f"shipment {self.id!r}", self.status.value, "book", "the courier has it"
            )
        content = repr(attrs.evolve(self.request(), reference=base))
        reference = f"{base}-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:10]}"
        if reference == self.booking_reference:
            return None
        dropped = self.tracking_number or None
        self.booking_reference = reference
        self.status = ShipmentStatus.REQUESTED
        self.tracking_number = self.label = self.booked_reference = ""
        self.label_document = None
        return dropped

    def booked(self, reference: str, booking: CourierBooking) -> bool:
        """Record the courier's booking made under ``reference``.

        Returns False, recording nothing, when the shipment no longer wants that booking
        (it was cancelled or changed meanwhile): the caller cancels it with the courier.
        """
        if self.status is not ShipmentStatus.REQUESTED or reference != self.booking_reference:
            return False
        self.tracking_number = booking.tracking_number
        self.label = booking.label
        self.label_document = booking.label_document
        self.fee = booking.fee
        self.booked_reference = reference
        self.status = ShipmentStatus.BOOKED
        return True

    @property
    def state(self) -> TrackingState:
        """Where the parcel is, as tracking last moved it."""
        return TrackingState(status=self.tracking, failed_attempts=self.failed_attempts)

    @property
    def customer_status(self) -> str:
        """What the buyer is told about the parcel (:data:`CUSTOMER_STATUS`)."""
        if self.status is ShipmentStatus.CANCELLED:
            return "Cancelled"
        return CUSTOMER_STATUS[self.tracking]

    @property
    def is_final(self) -> bool:
        """True when delivered, returned to sender or cancelled, so nothing moves it any more."""
        return self.tracking in FINAL_TRACKING or self.status is ShipmentStatus.CANCELLED

    def record(self, events: Iterable[TrackingEvent]) -> TrackingUpdate:
        """Add the courier's updates; the parcel moves only forward.

        Updates already seen (by event id) are ignored. The rest are kept, all updates are
        replayed in event-time order (:func:`replay`), and the result is taken when it is
        ahead of the current state (:func:`progress`); otherwise the state stays, so a late
        or repeated update never moves a parcel back.

        Raises:
            IllegalTransition: an update is for another tracking number, or the shipment
                was cancelled. Nothing is recorded then.
        """
        events = list(events)
        for event in events:
            if event.tracking_number != self.tracking_number:
                raise IllegalTransition(
                    f"shipment {self.id!r}",
                    self.status.value,
                    "track",
                    f"event is for {event.tracking_number!r}, not {self.tracking_number!r}",
                )
        seen = {event.event_id for event in self.events}
        new: list[TrackingEvent] = []
        for event in events:
            if event.event_id not in seen:
                seen.add(event.event_id)
                new.append(event)
        before = self.state
        if not new:
            return TrackingUpdate(new_events=(), before=before, after=before)
        if self.status is ShipmentStatus.CANCELLED:
            raise IllegalTransition(f"shipment {self.id!r}", self.status.value, "track")
        self.events = sorted([*self.events, *new], key=_order_key)
        replayed = replay(self.events)
        ahead = progress(replayed) > progress(before)
        # Equal progress: a delay after "in transit", or failures learnt after the end.
        sideways = (
            progress(replayed) == progress(before)
            and replayed != before
            and (before.status not in FINAL_TRACKING or replayed.status is before.status)
        )
        if ahead or sideways:
            self.tracking, self.failed_attempts = replayed.status, replayed.failed_attempts
            assert replayed.status is not None  # noqa: S101 - there is an event
            self.status = _FROM_TRACKING[replayed.status]
        return TrackingUpdate(new_events=tuple(new), before=before, after=self.state)

    def track(self, event: TrackingEvent) -> bool:
        """Record one update (see :meth:`record`); False when it was seen already."""
        return bool(self.record([event]).new_events)

    def cancel(self) -> str | None:
        """Cancel the shipment before the courier picks the parcel up.

        Returns the tracking number of its booking, which the caller cancels with the
        courier (None when the courier has not answered yet: a booking it makes later is
        refused by :meth:`booked` and cancelled then).

        Raises:
            IllegalTransition: the courier has already reported on the parcel.
        """
        if self.events or self.status not in (ShipmentStatus.REQUESTED, ShipmentStatus.BOOKED):
            raise IllegalTransition(
                f"shipment {self.id!r}", self.status.value, "cancel", "the courier has it"
            )
        self.status = ShipmentStatus.CANCELLED
        return self.tracking_number or None
