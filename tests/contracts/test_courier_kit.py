"""The courier kit against the in-memory courier of every shipped profile, and bugs it catches."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import pytest

from salesorder.adapters.memory import InMemoryCourier
from salesorder.adapters.memory.couriers import JOURNEYS, Journey
from salesorder.domain.couriers import PROFILES, CourierProfile
from salesorder.domain.shipping import (
    CourierBooking,
    Label,
    LabelFormat,
    Quote,
    ShipmentRequest,
    TrackingStatus,
)
from salesorder.testing.contracts import CourierGatewayContract


class _ProfileKit(CourierGatewayContract):
    profile: ClassVar[CourierProfile]

    def make_courier(self) -> InMemoryCourier:
        return InMemoryCourier.from_profile(self.profile)

    def report(
        self, courier: Any, tracking_number: str, status: TrackingStatus, at: dt.datetime
    ) -> None:
        courier.report(tracking_number, status, at)

    def booked_references(self, courier: Any) -> list[str]:
        return list(courier.bookings)


def _kit(profile: CourierProfile) -> type[_ProfileKit]:
    return type(
        f"Test{profile.code.title()}Courier",
        (_ProfileKit,),
        {"profile": profile, "currency": profile.currency},
    )


for _profile in PROFILES.values():
    globals()[f"Test{_profile.code.title()}Courier"] = _kit(_profile)


# -- the kit catches bugs --------------------------------------------------------------


class _CancelForgets(InMemoryCourier):
    """Cancelling drops the booking, so a retried booking books a second parcel."""

    def cancel(self, tracking_number: str) -> None:
        super().cancel(tracking_number)
        for reference, booking in list(self.bookings.items()):
            if booking.tracking_number == tracking_number:
                del self.bookings[reference]
                self.bookings[f"forgotten {reference}"] = booking  # numbers keep counting


class _BulkyDiscount(InMemoryCourier):
    """Gives boxes with dimensions a discount: size lowers the price."""

    def quote(self, request: ShipmentRequest) -> Quote:
        quote = super().quote(request)
        if request.dimensions is not None:
            return Quote(courier=quote.courier, service=quote.service, fee=quote.fee / 2)
        return quote


class _EmptyLabel(InMemoryCourier):
    def book(self, request: ShipmentRequest) -> CourierBooking:
        booking = super().book(request)
        return CourierBooking(
            courier=booking.courier,
            tracking_number=booking.tracking_number,
            label=booking.label,
            fee=booking.fee,
            label_document=Label(format=LabelFormat.PDF, content=b""),
        )


@pytest.mark.parametrize(
    ("courier", "test"),
    [
        (_CancelForgets, "test_cancel_is_idempotent_and_refused_once_the_courier_has_the_parcel"),
        (_BulkyDiscount, "test_a_bigger_box_or_more_weight_never_costs_less"),
        (_EmptyLabel, "test_booking_returns_a_label_file_in_a_declared_format"),
    ],
)
def test_the_kit_catches(courier: type[InMemoryCourier], test: str) -> None:
    class Kit(CourierGatewayContract):
        def make_courier(self) -> InMemoryCourier:
            return courier("jnt")

        def report(
            self, courier: Any, tracking_number: str, status: TrackingStatus, at: dt.datetime
        ) -> None:
            courier.report(tracking_number, status, at)

    with pytest.raises(AssertionError):
        getattr(Kit(), test)()
    good = type("Good", (Kit,), {"make_courier": lambda self: InMemoryCourier("jnt")})
    getattr(good(), test)()


def test_the_in_memory_courier_scripts_journeys_out_of_order_and_repeated() -> None:
    courier = InMemoryCourier("jnt")
    kit = _kit(PROFILES["jnt"])()
    parcel = courier.book(kit.make_request("SHP-1"))
    start = dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)
    clean = courier.script(parcel.tracking_number, Journey.RETURNED, start)
    assert [e.status for e in clean] == list(JOURNEYS[Journey.RETURNED])
    other = courier.book(kit.make_request("SHP-2"))
    sent = courier.script(
        other.tracking_number, Journey.DELAYED, start, shuffle_seed=3, repeat=True
    )
    reported = courier.tracking(other.tracking_number)
    assert len(reported) == 2 * len(sent)
    assert {e.event_id for e in reported} == {e.event_id for e in sent}
    assert [e.at for e in reported] != sorted(e.at for e in reported)  # out of order
    again = courier.redeliver(other.tracking_number, 0)
    assert courier.tracking(other.tracking_number)[-1] == again == reported[0]
