"""An in-memory courier: fee table or profile, idempotent bookings, scripted journeys."""

from __future__ import annotations

import datetime as dt
import enum
import random
import threading
from decimal import ROUND_CEILING, Decimal

from salesorder.domain.couriers import CourierProfile
from salesorder.domain.shipping import (
    CourierBooking,
    Label,
    LabelFormat,
    Quote,
    ServiceLevel,
    ShipmentRequest,
    TrackingEvent,
    TrackingStatus,
)
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.money import Money

__all__ = ["JOURNEYS", "InMemoryCourier", "Journey"]


class Journey(str, enum.Enum):
    """A parcel's scripted way from pickup to its end (see :data:`JOURNEYS`)."""

    DELIVERED = "delivered"
    DELAYED = "delayed"
    FAILED_THEN_DELIVERED = "failed_then_delivered"
    RETURNED = "returned"


_T = TrackingStatus

#: The updates of each journey, in the order they happen.
JOURNEYS: dict[Journey, tuple[TrackingStatus, ...]] = {
    Journey.DELIVERED: (_T.PICKED_UP, _T.IN_TRANSIT, _T.OUT_FOR_DELIVERY, _T.DELIVERED),
    Journey.DELAYED: (_T.PICKED_UP, _T.IN_TRANSIT, _T.DELAYED, _T.OUT_FOR_DELIVERY, _T.DELIVERED),
    Journey.FAILED_THEN_DELIVERED: (
        _T.PICKED_UP,
        _T.IN_TRANSIT,
        _T.OUT_FOR_DELIVERY,
        _T.FAILED_DELIVERY,
        _T.OUT_FOR_DELIVERY,
        _T.DELIVERED,
    ),
    Journey.RETURNED: (
        _T.PICKED_UP,
        _T.IN_TRANSIT,
        _T.OUT_FOR_DELIVERY,
        _T.FAILED_DELIVERY,
        _T.OUT_FOR_DELIVERY,
        _T.FAILED_DELIVERY,
        _T.RETURNED_TO_SENDER,
    ),
}


def _label_bytes(fmt: LabelFormat, text: str) -> bytes:
    """A stand-in label file in ``fmt`` carrying ``text`` (not a printable PDF or PNG)."""
    if fmt is LabelFormat.ZPL:
        return f"^XA^FO40,40^A0N,28,28^FD{text}^FS^XZ".encode()
    if fmt is LabelFormat.PDF:
        return b"%PDF-1.4\n% salesorder in-memory label\n" + text.encode()
    if fmt is LabelFormat.PNG:
        return b"\x89PNG\r\n\x1a\n" + text.encode()
    return text.encode()


class InMemoryCourier:
    """A courier priced by a :class:`~salesorder.domain.couriers.CourierProfile`, or a fee table.

    Without a profile the fee is a base per parcel plus a rate per started kilogram of actual
    weight, express costing ``express_factor`` times economy, with no COD or insurance fee.
    Bookings are idempotent by the request's reference; tracking numbers are
    ``<PREFIX><n>``. Tests move parcels with :meth:`report`, :meth:`redeliver` (a repeated
    update) and :meth:`script` (a whole journey, possibly shuffled and repeated).
    """

    def __init__(
        self,
        code: str = "jnt",
        *,
        currency: str = "IDR",
        base_fee: Money | None = None,
        per_kg: Money | None = None,
        express_factor: Decimal = Decimal(2),
        tracking_prefix: str | None = None,
        profile: CourierProfile | None = None,
    ) -> None:
        self._code = code
        self.profile = profile
        self.base_fee = base_fee or Money.of(9000, currency)
        self.per_kg = per_kg or Money.of(2000, currency)
        self.express_factor = express_factor
        self.prefix = (
            tracking_prefix or (profile.tracking_prefix if profile else "") or code.upper()
        )
        self.label_format = profile.label_format if profile else LabelFormat.TEXT
        self.bookings: dict[str, CourierBooking] = {}
        self.cancelled: set[str] = set()
        self._events: dict[str, list[TrackingEvent]] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_profile(cls, profile: CourierProfile) -> InMemoryCourier:
        """A courier that prices, numbers and labels as ``profile`` says."""
        return cls(profile.code, currency=profile.currency, profile=profile)

    @property
    def code(self) -> str:
        """The courier's code."""
        return self._code

    def quote(self, request: ShipmentRequest) -> Quote:
        """The profile's price; without one, base fee plus rate per started kilogram."""
        if self.profile is not None:
            return self.profile.quote(request)
        kilograms = request.weight_kg.to_integral_value(rounding=ROUND_CEILING)
        fee = self.base_fee + self.per_kg * kilograms
        if request.service is ServiceLevel.EXPRESS:
            fee = fee * self.express_factor
        return Quote(courier=self._code, service=request.service, fee=fee)

    def book(self, request: ShipmentRequest) -> CourierBooking:
        """Book once per reference; a retry returns the first booking."""
        with self._lock:
            existing = self.bookings.get(request.reference)
            if existing is not None:
                return existing
            tracking = f"{self.prefix}{len(self.bookings) + 1:010d}"
            label = (
                f"{self._code.upper()} {request.service.value.upper()} | {tracking} | "
                f"to {request.destination.recipient or '-'}, {request.destination.one_line()}"
                + (f" | COD {request.cod_amount}" if request.cod_amount else "")
                + (f" | {request.notes}" if request.notes else "")
            )
            booking = CourierBooking(
                courier=self._code,
                tracking_number=tracking,
                label=label,
                fee=self.quote(request).fee,
                label_document=Label(
                    format=self.label_format, content=_label_bytes(self.label_format, label)
                ),
            )
            self.bookings[request.reference] = booking
            self._events[tracking] = []
            return booking

    def cancel(self, tracking_number: str) -> None:
        """Cancel a parcel not picked up yet; cancelling again does nothing."""
        with self._lock:
            events = self._parcel(tracking_number)
            if tracking_number in self.cancelled:
                return
            if events:
                raise IllegalTransition(
                    f"parcel {tracking_number!r}",
                    events[-1].status.value,
                    "cancel",
                    "the courier already has it",
                )
            self.cancelled.add(tracking_number)

    def tracking(self, tracking_number: str) -> list[TrackingEvent]:
        """Every update reported for the parcel so far, in the order reported."""
        with self._lock:
            return list(self._parcel(tracking_number))

    def _parcel(self, tracking_number: str) -> list[TrackingEvent]:
        try:
            return self._events[tracking_number]
        except KeyError:
            raise NotFound("parcel", tracking_number) from None

    def report_event(self, event: TrackingEvent) -> TrackingEvent:
        """Script an update as given (any time, any id: late, early or repeated)."""
        with self._lock:
            events = self._parcel(event.tracking_number)
            if event.tracking_number in self.cancelled:
                raise IllegalTransition(
                    f"parcel {event.tracking_number!r}", "cancelled", event.status.value
                )
            events.append(event)
        return event

    def report(
        self,
        tracking_number: str,
        status: TrackingStatus,
        at: dt.datetime,
        note: str = "",
        *,
        event_id: str | None = None,
    ) -> TrackingEvent:
        """Script an update, as the courier's system would report it."""
        if event_id is None:
            event = TrackingEvent(tracking_number=tracking_number, status=status, at=at, note=note)
        else:
            event = TrackingEvent(
                tracking_number=tracking_number, status=status, at=at, note=note, event_id=event_id
            )
        return self.report_event(event)

    def redeliver(self, tracking_number: str, index: int = -1) -> TrackingEvent:
        """Report the parcel's ``index``-th update again (same id), as couriers' retries do."""
        with self._lock:
            event = self._parcel(tracking_number)[index]
        return self.report_event(event)

    def script(
        self,
        tracking_number: str,
        journey: Journey,
        start: dt.datetime,
        *,
        every: dt.timedelta = dt.timedelta(hours=6),
        shuffle_seed: int | None = None,
        repeat: bool = False,
    ) -> list[TrackingEvent]:
        """Report a whole journey, one update every ``every`` from ``start``.

        ``shuffle_seed`` reports the updates out of order (a seeded shuffle); ``repeat``
        reports each update twice. Event ids are ``<tracking number>-<n>``.
        """
        events = [
            TrackingEvent(
                tracking_number=tracking_number,
                status=status,
                at=start + every * n,
                event_id=f"{tracking_number}-{n + 1}",
            )
            for n, status in enumerate(JOURNEYS[journey])
        ]
        sent = list(events)
        if shuffle_seed is not None:
            random.Random(shuffle_seed).shuffle(sent)  # noqa: S311 - a test script, not crypto
        if repeat:
            sent = [event for event in sent for _ in range(2)]
        for event in sent:
            self.report_event(event)
        return events
