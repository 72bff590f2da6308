"""Couriers: quotes, bookings (tracking number and label), cancellation, tracking updates."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.shipping import CourierBooking, Quote, ShipmentRequest, TrackingEvent

__all__ = ["CourierGateway"]


@runtime_checkable
class CourierGateway(Protocol):
    """One courier company's API."""

    @property
    def code(self) -> str:
        """The courier's code, such as ``"jnt"`` or ``"ghn"``."""
        ...

    def quote(self, request: ShipmentRequest) -> Quote:
        """The fee for ``request``, without booking. Contract: no side effects.

        The quote prices the request's service level, the chargeable weight (the greater of
        actual and volumetric weight, with the courier's divisor), the COD fee when
        ``request.cod_amount`` is set and insurance when ``request.declared_value`` is.
        """
        ...

    def book(self, request: ShipmentRequest) -> CourierBooking:
        """Create the shipment and return its tracking number and label.

        Contract: idempotent by ``request.reference``: a retry (after a timeout, say) returns
        the same booking and never books a second parcel.
        """
        ...

    def cancel(self, tracking_number: str) -> None:
        """Cancel a booking before the courier picks the parcel up.

        Contract: idempotent (cancelling twice is fine); a cancelled parcel gets no more
        tracking updates, and booking its reference again returns the cancelled booking.

        Raises:
            NotFound: the courier does not know ``tracking_number``.
            IllegalTransition: the courier already has the parcel.
        """
        ...

    def tracking(self, tracking_number: str) -> list[TrackingEvent]:
        """Every update for a parcel, in the order the courier received them.

        Updates may repeat (same ``event_id``) and may come out of event-time order; the
        caller deduplicates and orders them (:meth:`~salesorder.domain.shipping.Shipment.record`).

        Raises:
            NotFound: the courier does not know ``tracking_number``.
        """
        ...
