"""Contract of the courier gateway port.

A courier's tracking updates come from the courier's side, so the kit needs a way to make
your courier report one: implement :meth:`CourierGatewayContract.report`. Against a sandbox
API that is usually a call to the sandbox's "simulate status" endpoint::

    class TestGhnSandbox(CourierGatewayContract):
        currency = "VND"

        def make_courier(self):
            return GhnCourier(sandbox_token)

        def report(self, courier, tracking_number, status, at):
            ghn_sandbox.simulate(tracking_number, GHN_STATUS[status], at)

Override :meth:`make_request` when your courier needs other addresses or weights.
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import ClassVar

import attrs

from salesorder.domain.catalog import Dimensions
from salesorder.domain.customers import Address
from salesorder.domain.shipping import (
    FeePayer,
    LabelFormat,
    ServiceLevel,
    ShipmentRequest,
    TrackingStatus,
)
from salesorder.exceptions import IllegalTransition, NotFound
from salesorder.money import Money
from salesorder.ports.couriers import CourierGateway
from salesorder.testing.contracts._support import ADDRESS, T0, raises, run_threads

__all__ = ["CourierGatewayContract"]

_DESTINATION = Address(
    line1="Jl. Malioboro 52",
    city="Yogyakarta",
    country="ID",
    postal_code="55271",
    recipient="Budi",
    phone="081234567890",
)


class CourierGatewayContract(abc.ABC):
    """Quotes change nothing and price size, bookings are idempotent, cancels stop a parcel.

    Tracking comes back as reported: every update, oldest first when reported in order.
    """

    #: The currency fees must be in, or None for any.
    currency: ClassVar[str | None] = "IDR"
    threads: ClassVar[int] = 8

    @abc.abstractmethod
    def make_courier(self) -> CourierGateway:
        """A new courier with no bookings."""

    @abc.abstractmethod
    def report(
        self, courier: CourierGateway, tracking_number: str, status: TrackingStatus, at: dt.datetime
    ) -> None:
        """Make ``courier`` report ``status`` at ``at`` for a booked parcel."""

    def booked_references(self, courier: CourierGateway) -> Collection[str] | None:
        """The references ``courier`` has booked, if the adapter can tell (None: skip)."""
        del courier  # the default cannot tell
        return None

    def make_request(self, reference: str) -> ShipmentRequest:
        """A request to book: a 1.2 kg economy parcel in Java, COD, buyer pays the fee."""
        return ShipmentRequest(
            reference=reference,
            origin=ADDRESS,
            destination=_DESTINATION,
            service=ServiceLevel.ECONOMY,
            weight_kg=Decimal("1.2"),
            fee_payer=FeePayer.BUYER,
            cod_amount=Money.of("161000", self.currency or "IDR"),
        )

    # -- tests ----------------------------------------------------------------------------

    def test_is_a_courier_gateway_with_a_code(self) -> None:
        courier = self.make_courier()
        assert isinstance(courier, CourierGateway)
        assert courier.code
        assert not any(ch.isspace() for ch in courier.code)

    def test_quote_is_repeatable_and_describes_the_request(self) -> None:
        courier = self.make_courier()
        for service in ServiceLevel:
            request = attrs.evolve(self.make_request("Q-1"), service=service)
            quote = courier.quote(request)
            assert courier.quote(request) == quote, "two quotes of one request differ"
            assert quote.courier == courier.code
            assert quote.service is service
            assert not quote.fee.is_negative, f"negative fee {quote.fee}"
            if self.currency is not None:
                assert quote.fee.currency == self.currency

    def test_quote_has_no_side_effects(self) -> None:
        courier = self.make_courier()
        request = self.make_request("Q-1")
        first = courier.quote(request)
        for _ in range(3):
            courier.quote(request)
            courier.quote(self.make_request("Q-2"))
        booked = self.booked_references(courier)
        if booked is not None:
            assert not booked, f"quoting booked {sorted(booked)}"
        booking = courier.book(request)
        assert courier.book(request) == booking
        assert courier.quote(request) == first, "a booking changed the quote"
        booked = self.booked_references(courier)
        if booked is not None:
            assert set(booked) == {"Q-1"}, f"booked {sorted(booked)}"

    def test_book_is_idempotent_by_reference(self) -> None:
        courier = self.make_courier()
        request = self.make_request("SHP-1")
        booking = courier.book(request)
        assert booking.courier == courier.code
        assert booking.tracking_number
        assert courier.book(request) == booking, "a retry booked a second parcel"
        assert courier.book(attrs.evolve(request)) == booking
        other = courier.book(self.make_request("SHP-2"))
        assert other.tracking_number != booking.tracking_number
        assert courier.book(request) == booking

    def test_concurrent_retries_book_one_parcel(self) -> None:
        courier = self.make_courier()
        request = self.make_request("SHP-RACE")
        bookings = run_threads(self.threads, lambda _i: courier.book(request))
        assert all(b == bookings[0] for b in bookings), "retries from threads booked twice"
        booked = self.booked_references(courier)
        if booked is not None:
            assert list(booked).count("SHP-RACE") == 1

    def test_tracking_of_an_unknown_parcel_raises_not_found(self) -> None:
        courier = self.make_courier()
        with raises(NotFound, "tracking a parcel the courier never booked"):
            courier.tracking("NO-SUCH-PARCEL-0000")

    def test_tracking_events_come_oldest_first(self) -> None:
        courier = self.make_courier()
        parcel = courier.book(self.make_request("SHP-1")).tracking_number
        other = courier.book(self.make_request("SHP-2")).tracking_number
        assert list(courier.tracking(parcel)) == [], "a new booking already has events"
        statuses = [
            TrackingStatus.PICKED_UP,
            TrackingStatus.IN_TRANSIT,
            TrackingStatus.DELAYED,
            TrackingStatus.DELIVERED,
        ]
        for hours, status in enumerate(statuses):
            self.report(courier, parcel, status, T0 + dt.timedelta(hours=hours))
        self.report(courier, other, TrackingStatus.PICKED_UP, T0)
        events = courier.tracking(parcel)
        assert [e.status for e in events] == statuses
        assert all(e.tracking_number == parcel for e in events)
        times = [e.at for e in events]
        assert times == sorted(times), "events are not oldest first"
        assert [e.status for e in courier.tracking(other)] == [TrackingStatus.PICKED_UP]
        assert courier.tracking(parcel) == events, "reading tracking changed it"

    def test_booking_returns_a_label_file_in_a_declared_format(self) -> None:
        courier = self.make_courier()
        booking = courier.book(self.make_request("SHP-1"))
        document = booking.label_document
        assert isinstance(document.format, LabelFormat)
        assert isinstance(document.content, bytes)
        assert document.content, "the label file is empty"
        assert courier.book(self.make_request("SHP-1")).label_document == document

    def test_a_bigger_box_or_more_weight_never_costs_less(self) -> None:
        courier = self.make_courier()
        for service in ServiceLevel:
            small = attrs.evolve(self.make_request("Q-1"), service=service, dimensions=None)
            heavier = attrs.evolve(small, weight_kg=small.weight_kg * 4)
            bulky = attrs.evolve(
                small,
                dimensions=Dimensions(length_cm=60, width_cm=50, height_cm=40),
            )
            fee = courier.quote(small).fee
            assert courier.quote(heavier).fee >= fee, "more weight made the parcel cheaper"
            assert courier.quote(bulky).fee >= fee, "a bigger box made the parcel cheaper"

    def test_cod_and_insurance_never_lower_the_fee(self) -> None:
        courier = self.make_courier()
        request = self.make_request("Q-1")
        bare = attrs.evolve(request, cod_amount=None)
        insured = attrs.evolve(request, declared_value=request.cod_amount)
        assert courier.quote(request).fee >= courier.quote(bare).fee
        assert courier.quote(insured).fee >= courier.quote(request).fee

    def test_cancel_is_idempotent_and_refused_once_the_courier_has_the_parcel(self) -> None:
        courier = self.make_courier()
        booking = courier.book(self.make_request("SHP-1"))
        courier.cancel(booking.tracking_number)
        courier.cancel(booking.tracking_number)
        assert courier.book(self.make_request("SHP-1")) == booking, "a cancelled reference rebooked"
        with raises(NotFound, "cancelling a parcel the courier never booked"):
            courier.cancel("NO-SUCH-PARCEL-0000")
        picked = courier.book(self.make_request("SHP-2")).tracking_number
        self.report(courier, picked, TrackingStatus.PICKED_UP, T0)
        with raises(IllegalTransition, "cancelling a parcel already picked up"):
            courier.cancel(picked)
