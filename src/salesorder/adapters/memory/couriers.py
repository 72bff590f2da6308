"""An in-memory courier: fee table, idempotent bookings, scripted tracking updates."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import ROUND_CEILING, Decimal

from salesorder.domain.shipping import (
    CourierBooking,
    Quote,
    ServiceLevel,
    ShipmentRequest,
    TrackingEvent,
    TrackingStatus,
)
from salesorder.exceptions import NotFound
from salesorder.money import Money

__all__ = ["InMemoryCourier"]


class InMemoryCourier:
    """A courier whose fee is a base per parcel plus a rate per started kilogram.

    Express costs ``express_factor`` times economy. Bookings are idempotent by the request's
    reference; tracking numbers are ``<PREFIX><n>``. Tests move parcels with :meth:`report`.
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
    ) -> None:
        self._code = code
        self.base_fee = base_fee or Money.of(9000, currency)
        self.per_kg = per_kg or Money.of(2000, currency)
        self.express_factor = express_factor
        self.prefix = tracking_prefix or code.upper()
        self.bookings: dict[str, CourierBooking] = {}
        self._events: dict[str, list[TrackingEvent]] = {}
        self._lock = threading.Lock()

    @property
    def code(self) -> str:
        """The courier's code."""
        return self._code

    def quote(self, request: ShipmentRequest) -> Quote:
        """Base fee plus the rate per started kilogram; express costs more."""
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
            )
            booking = CourierBooking(
                courier=self._code,
                tracking_number=tracking,
                label=label,
                fee=self.quote(request).fee,
            )
            self.bookings[request.reference] = booking
            self._events[tracking] = []
            return booking

    def tracking(self, tracking_number: str) -> list[TrackingEvent]:
        """Every update reported for the parcel so far, oldest first."""
        with self._lock:
            if tracking_number not in self._events:
                raise NotFound("parcel", tracking_number)
            return list(self._events[tracking_number])

    def report(
        self, tracking_number: str, status: TrackingStatus, at: dt.datetime, note: str = ""
    ) -> TrackingEvent:
        """Script an update, as the courier's system would report it."""
        event = TrackingEvent(tracking_number=tracking_number, status=status, at=at, note=note)
        with self._lock:
            if tracking_number not in self._events:
                raise NotFound("parcel", tracking_number)
            self._events[tracking_number].append(event)
        return event
