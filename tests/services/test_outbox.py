"""Calls to the outside world go through the outbox: written with the change, made after it.

The races of issue 17 are staged deterministically: a unit of work whose commit lets
another command land first (so it meets a real concurrency conflict and the command is
re-run), and couriers and marketplaces that fail or change things while they are called.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from tests.services.conftest import BANDUNG, JAKARTA
from tests.services.test_marketplace_atomic import delivery
from tests.services.test_warehouse_flow import reserved

from salesorder import IngestOutcome, SalesApp, commands
from salesorder.adapters.memory import InMemoryCourier, InMemoryMarketplace, ManualClock
from salesorder.domain.events import OrderShipped
from salesorder.domain.outbox import CallKind, OutboxItem, OutboxState, RetryPolicy
from salesorder.domain.shipping import CourierBooking, ShipmentRequest, ShipmentStatus
from salesorder.exceptions import IllegalTransition, UniquenessConflict, ValidationError
from salesorder.services.commands import (
    DiscardOutbox,
    DispatchOutbox,
    ListOutbox,
    RetryOutbox,
)
from salesorder.services.commands.fulfilment import RebookShipment
from salesorder.services.couriers import cancel_live_booking


class Interrupted:
    """A unit-of-work factory whose next commit first lets ``act`` commit (once).

    The interrupted unit then commits against what ``act`` changed: a real conflict when
    both changed the same aggregate, and the application re-runs the command.
    """

    def __init__(self, uow: Callable[[], Any]) -> None:
        self.uow = uow
        self.act: Callable[[], object] | None = None

    def __call__(self) -> Any:
        unit = self.uow()
        commit = unit.commit

        def interrupted_commit() -> None:
            act, self.act = self.act, None
            if act is not None:
                act()
            commit()

        unit.commit = interrupted_commit
        return unit


def interruptible(app: SalesApp) -> tuple[SalesApp, Interrupted]:
    store = Interrupted(app.uow)
    return attrs.evolve(app, uow=store), store


def outbox(app: SalesApp, kind: CallKind | None = None) -> list[OutboxItem]:
    with app.uow() as uow:
        items = sorted(uow.outbox.list(), key=lambda i: i.order)
    return [i for i in items if kind is None or i.call.kind is kind]


def courier_of(app: SalesApp) -> InMemoryCourier:
    courier = app.couriers["jnt"]
    assert isinstance(courier, InMemoryCourier)
    return courier


def test_a_ship_re_run_after_cancel_lines_books_what_the_stored_shipment_says(
    app: SalesApp,
) -> None:
    """Issue 17, wrong cash on the label: a CancelLines of 2 of 3 units lands mid-ship.

    The ShipOrder commit conflicts and the command is re-run for the one unit left. The
    courier is called only for the committed shipment, once: the label asks for the COD
    amount the stored shipment (and the order) says, Rp150,000 plus the fee.
    """
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    app, store = interruptible(app)
    store.act = lambda: app.execute(
        commands.CancelLines(
            order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
        )
    )
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
        order = uow.orders.get(order_id)
    (booking,) = courier_of(app).bookings.values()
    assert shipment.cod_amount is not None
    assert shipment.cod_amount == order.total + order.balance.shipping_charge  # type: ignore[operator]
    assert f"COD {shipment.cod_amount}" in booking.label
    assert shipment.tracking_number == booking.tracking_number
    assert shipment.label == booking.label


def test_a_cancel_mid_ship_leaves_no_live_booking(app: SalesApp) -> None:
    """Issue 17, orphan bookings: CancelOrder lands mid-ship; ShipOrder fails on its re-run
    and nothing was ever booked (the booking was only to be written with the shipment)."""
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    app, store = interruptible(app)
    store.act = lambda: app.execute(commands.CancelOrder(order_id=order_id, reason="buyer"))
    with pytest.raises(IllegalTransition):
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert courier_of(app).bookings == {}
    assert outbox(app, CallKind.BOOK_COURIER) == []


def test_a_booking_waits_in_the_outbox_until_it_is_dispatched(app: SalesApp) -> None:
    app = attrs.evolve(app, dispatch_after_commit=False)
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
    assert (shipment.status, shipment.tracking_number) == (ShipmentStatus.REQUESTED, "")
    assert courier_of(app).bookings == {}
    assert not any(isinstance(e, OrderShipped) for e in app.events.published)  # type: ignore[attr-defined]
    (item,) = app.execute(ListOutbox())
    assert item.call.reference == shipment.booking_reference

    report = app.execute(DispatchOutbox())
    assert report.sent == (item.key,)
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
    (booking,) = courier_of(app).bookings.values()
    assert (shipment.status, shipment.tracking_number) == (
        ShipmentStatus.BOOKED,
        booking.tracking_number,
    )
    shipped = [e for e in app.events.published if isinstance(e, OrderShipped)]  # type: ignore[attr-defined]
    assert [e.tracking_number for e in shipped] == [booking.tracking_number]
    assert app.execute(DispatchOutbox()).sent == ()  # nothing left


class Flaky(InMemoryCourier):
    """A courier whose booking fails ``failures`` times first."""

    failures = 0

    def book(self, request: ShipmentRequest) -> CourierBooking:
        if self.failures:
            self.failures -= 1
            raise ConnectionError(f"courier timed out booking {request.reference}")
        return super().book(request)


def test_a_failed_call_backs_off_then_is_dead_lettered_and_an_operator_retries_it(
    app: SalesApp,
) -> None:
    """Attempts 1 and 2 fail and wait 30s then 60s (less up to half, the jitter; here the
    draw is 0, so the full wait); attempt 3 fails and the item is dead. RetryOutbox sends it
    again once the courier answers."""
    clock = app.clock
    assert isinstance(clock, ManualClock)
    flaky = Flaky("jnt")
    flaky.failures = 3
    policy = RetryPolicy(max_attempts=3, base=dt.timedelta(seconds=30))
    app = attrs.evolve(app, couriers={"jnt": flaky}, outbox_policy=policy, random=lambda: 0.0)
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    (item,) = outbox(app, CallKind.BOOK_COURIER)
    assert (item.state, item.attempts) == (OutboxState.PENDING, 1)
    assert item.next_attempt_at == clock.now() + dt.timedelta(seconds=30)
    assert "courier timed out" in item.last_error
    assert app.execute(DispatchOutbox()) == app.execute(DispatchOutbox())  # not due: nothing

    clock.advance(dt.timedelta(seconds=30))
    assert app.execute(DispatchOutbox()).failed == (item.key,)
    (item,) = outbox(app, CallKind.BOOK_COURIER)
    assert item.next_attempt_at == clock.now() + dt.timedelta(seconds=60)
    clock.advance(dt.timedelta(seconds=60))
    assert app.execute(DispatchOutbox()).dead == (item.key,)
    (dead,) = app.execute(ListOutbox(states=(OutboxState.DEAD,)))
    assert (dead.key, dead.attempts) == (item.key, 3)
    clock.advance(dt.timedelta(days=1))
    assert app.execute(DispatchOutbox()).sent == ()  # a dead item waits for an operator

    assert app.execute(RetryOutbox()).sent == (item.key,)
    assert len(flaky.bookings) == 1
    with pytest.raises(IllegalTransition, match="discard"):
        app.execute(DiscardOutbox(key=item.key, reason="too late"))


def test_an_operator_discards_a_call_and_it_is_never_made(app: SalesApp) -> None:
    app = attrs.evolve(app, dispatch_after_commit=False)
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    (item,) = app.execute(ListOutbox())
    app.execute(DiscardOutbox(key=item.key, reason="booked by phone"))
    assert app.execute(DispatchOutbox()).sent == ()
    assert courier_of(app).bookings == {}
    (discarded,) = app.execute(ListOutbox(states=(OutboxState.DISCARDED,)))
    assert discarded.last_error == "booked by phone"
    with pytest.raises(IllegalTransition, match="retry"):
        app.execute(RetryOutbox(keys=(item.key,)))


def test_a_changed_shipment_is_rebooked_and_its_old_booking_cancelled(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        old = uow.shipments.get(shipment_id)
    reference = app.execute(RebookShipment(shipment_id=shipment_id, destination=JAKARTA))
    assert reference != old.booking_reference
    with app.uow() as uow:
        new = uow.shipments.get(shipment_id)
    courier = courier_of(app)
    assert courier.cancelled == {old.tracking_number}
    assert new.tracking_number not in ("", old.tracking_number)
    assert JAKARTA.one_line() in new.label
    assert BANDUNG.one_line() in old.label
    # The same destination again is the same content: nothing new is booked or cancelled.
    assert app.execute(RebookShipment(shipment_id=shipment_id, destination=JAKARTA)) == reference
    assert len(courier.bookings) == 2


class ChangedWhileBooking(InMemoryCourier):
    """A courier during whose booking the shop sends the parcel elsewhere."""

    app: SalesApp | None = None

    def book(self, request: ShipmentRequest) -> CourierBooking:
        booking = super().book(request)
        app, self.app = self.app, None
        if app is not None:
            with app.uow() as uow:
                (shipment,) = uow.shipments.list()
            app.execute(RebookShipment(shipment_id=shipment.id, destination=JAKARTA))
        return booking


def test_a_booking_that_comes_back_for_a_changed_shipment_is_cancelled(app: SalesApp) -> None:
    """The shipment changed while the courier booked it: that booking is never recorded,
    it is cancelled, and the booking of the new address is the one the shipment keeps."""
    courier = ChangedWhileBooking("jnt")
    app = attrs.evolve(app, couriers={"jnt": courier})
    courier.app = app
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
    first, second = courier.bookings.values()
    assert courier.cancelled == {first.tracking_number}
    assert shipment.tracking_number == second.tracking_number
    assert JAKARTA.one_line() in shipment.label


def test_concurrent_deliveries_of_a_new_order_make_one_order_and_answer_duplicate(
    app: SalesApp,
) -> None:
    """Issue 17: the delivery that commits second answers "duplicate", never DuplicateError,
    even with no retry left; the order is acknowledged."""
    shop = InMemoryMarketplace()
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "shopee": shop}, retries=0)
    app, store = interruptible(app)
    body, signature = shop.webhook(delivery("TSHIRT-RED-M"))
    push = commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    first: list[Any] = []
    store.act = lambda: first.append(app.execute(push))
    second = app.execute(push)
    # The inner delivery committed first; the outer one, interrupted at its commit, lost.
    assert first[0].outcome is IngestOutcome.CREATED
    assert second.outcome is IngestOutcome.DUPLICATE
    with app.uow() as uow:
        assert len(uow.orders.list()) == 1
    assert shop.acknowledged == {"SP-1"}


def test_the_loser_of_a_delivery_race_is_a_duplicate_not_an_error(app: SalesApp) -> None:
    """The winner commits between the loser's reads and its commit (no retry left)."""
    shop = InMemoryMarketplace()
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "shopee": shop}, retries=0)
    body, signature = shop.webhook(delivery("TSHIRT-RED-M"))
    push = commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    winner = attrs.evolve(app)
    app, store = interruptible(app)
    outcomes: list[IngestOutcome] = []

    def win() -> None:
        outcomes.append(winner.execute(push).outcome)

    store.act = win
    try:
        loser = app.execute(push)
    except UniquenessConflict as error:  # pragma: no cover - the bug this test guards
        pytest.fail(f"the loser raised {error!r}")
    assert outcomes == [IngestOutcome.CREATED]
    assert loser.outcome is IngestOutcome.DUPLICATE


def test_every_delivery_is_acknowledged_again_duplicates_included(app: SalesApp) -> None:
    shop = InMemoryMarketplace()
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "shopee": shop})
    body, signature = shop.webhook(delivery("TSHIRT-RED-M"))
    push = commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    assert app.execute(push).outcome is IngestOutcome.CREATED
    shop.acknowledged.clear()  # the marketplace lost the acknowledgement and redelivers
    assert app.execute(push).outcome is IngestOutcome.DUPLICATE
    assert shop.acknowledged == {"SP-1"}
    (ack,) = outbox(app, CallKind.ACKNOWLEDGE_ORDER)
    assert (ack.state, ack.attempts) == (OutboxState.SENT, 1)


def test_the_backoff_doubles_up_to_its_cap_and_jitter_takes_off_at_most_its_share() -> None:
    policy = RetryPolicy(base=dt.timedelta(seconds=10), cap=dt.timedelta(seconds=60), jitter=0.5)
    assert [policy.delay(n, 0.0).total_seconds() for n in (1, 2, 3, 4, 5)] == [
        10,
        20,
        40,
        60,
        60,
    ]
    assert policy.delay(2, 0.999).total_seconds() == pytest.approx(10.01)
    assert policy.delay(10_000, 0.0) == dt.timedelta(seconds=60)  # no overflow
    with pytest.raises(ValidationError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValidationError, match="jitter"):
        RetryPolicy(jitter=2)
    with pytest.raises(ValidationError, match="failures"):
        policy.delay(0, 0.0)


def test_cancelling_a_shipment_cancels_its_live_booking_or_the_booking_to_come(
    app: SalesApp,
) -> None:
    """``cancel_live_booking``: a booked shipment's booking is cancelled with the courier; a
    shipment whose booking is still in the outbox is never booked."""
    booked_id = app.execute(
        commands.ShipOrder(order_id=reserved(app, ("TSHIRT-RED-M", 1)), courier="jnt")
    )
    waiting = attrs.evolve(app, dispatch_after_commit=False)
    waiting_id = waiting.execute(
        commands.ShipOrder(order_id=reserved(app, ("TSHIRT-RED-M", 1)), courier="jnt")
    )
    with app.transaction() as tx:
        for shipment_id in (booked_id, waiting_id):
            cancel_live_booking(tx, tx.uow.shipments.get(shipment_id))
    app.execute(DispatchOutbox())
    courier = courier_of(app)
    (booking,) = courier.bookings.values()
    assert courier.cancelled == {booking.tracking_number}
    with app.uow() as uow:
        statuses = {uow.shipments.get(i).status for i in (booked_id, waiting_id)}
    assert statuses == {ShipmentStatus.CANCELLED}
