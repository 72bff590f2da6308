"""Couriers: quotes, bookings (tracking number and label), tracking updates."""

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
        """The fee for ``request``, without booking. Contract: no side effects."""
        ...

    def book(self, request: ShipmentRequest) -> CourierBooking:
        """Book a pickup and return the tracking number and label.

        Contract: idempotent by ``request.reference``: a retry (after a timeout, say) returns
        the same booking and never books a second parcel.
        """
        ...

    def tracking(self, tracking_number: str) -> list[TrackingEvent]:
        """Every update for a parcel, oldest first.

        Raises:
            NotFound: the courier does not know ``tracking_number``.
        """
        ...
