"""Tracking through the application: journeys, late and repeated updates, the order following.

The shop is the one of ``conftest.py``; orders are paid cash on delivery so they ship at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from salesorder import OrderStatus, PaymentMethod, SalesApp, commands
from salesorder.adapters.memory import InMemoryCourier
from salesorder.adapters.memory.couriers import Journey
from salesorder.domain.events import (
    DeliveryFailed,
    DeliveryReattempted,
    OrderDelivered,
    OrderInTransit,
    ReturnedToSender,
    ShipmentDelayed,
)
from salesorder.domain.shipping import Shipment, ShipmentStatus, TrackingEvent, TrackingStatus
from salesorder.exceptions import UnknownShipment

T = TrackingStatus


def shipped_cod_order(app: SalesApp, *lines: tuple[str, int]) -> tuple[str, str]:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(
                commands.NewLine(sku=s, quantity=q) for s, q in lines or [("TSHIRT-RED-M", 2)]
            ),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    return order_id, shipment_id


def courier(app: SalesApp) -> InMemoryCourier:
    found = app.couriers["jnt"]
    assert isinstance(found, InMemoryCourier)
    return found


def load(app: SalesApp, order_id: str, shipment_id: str) -> tuple[Any, Shipment]:
    with app.uow() as uow:
        return uow.orders.get(order_id), uow.shipments.get(shipment_id)


def events_of(app: SalesApp, *kinds: type) -> list[Any]:
    published = app.events.published  # type: ignore[attr-defined]
    return [e for e in published if isinstance(e, kinds)]


def on_hand(app: SalesApp, sku: str = "TSHIRT-RED-M", warehouse: str = "JKT-1") -> int:
    with app.uow() as uow:
        return uow.stock.get((warehouse, sku)).on_hand


def test_a_clean_journey_moves_the_order_in_transit_then_delivered(app: SalesApp) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    now = app.clock.now()
    courier(app).report(shipment.tracking_number, T.PICKED_UP, now)
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.IN_TRANSIT
    order, shipment = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.IN_TRANSIT
    assert shipment.tracking is T.PICKED_UP
    assert [type(e) for e in events_of(app, OrderInTransit)] == [OrderInTransit]

    courier(app).report(shipment.tracking_number, T.DELAYED, now + dt.timedelta(hours=5), "flood")
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    (delayed,) = events_of(app, ShipmentDelayed)
    assert (delayed.shipment_id, delayed.reason) == (shipment_id, "flood")

    courier(app).report(shipment.tracking_number, T.DELIVERED, now + dt.timedelta(days=1))
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.DELIVERED
    order, _ = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.DELIVERED
    assert len(events_of(app, OrderDelivered)) == 1
    # Pulling again with nothing new changes nothing and raises nothing.
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    assert len(events_of(app, OrderDelivered)) == 1
    assert len(events_of(app, OrderInTransit)) == 1


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_and_repeated_journey_ends_where_the_clean_one_does(
    app: SalesApp, seed: int
) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    courier(app).script(
        shipment.tracking_number,
        Journey.FAILED_THEN_DELIVERED,
        app.clock.now(),
        shuffle_seed=seed,
        repeat=True,
    )
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.DELIVERED
    order, shipment = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.DELIVERED
    assert (shipment.tracking, shipment.failed_attempts) == (T.DELIVERED, 1)
    assert len(shipment.events) == 6  # each event id once
    times = [e.at for e in shipment.events]
    assert times == sorted(times)


def test_updates_arriving_one_by_one_out_of_order_never_move_back(app: SalesApp) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    t0 = app.clock.now()
    tn = shipment.tracking_number
    c = courier(app)
    seen = []
    for hours, status in ((3, T.OUT_FOR_DELIVERY), (1, T.IN_TRANSIT), (0, T.PICKED_UP)):
        c.report(tn, status, t0 + dt.timedelta(hours=hours))
        app.execute(commands.SyncTracking(shipment_id=shipment_id))
        seen.append(load(app, order_id, shipment_id)[1].tracking)
    assert seen == [T.OUT_FOR_DELIVERY] * 3
    c.report(tn, T.DELIVERED, t0 + dt.timedelta(hours=4))
    c.report(tn, T.IN_TRANSIT, t0 + dt.timedelta(hours=5), "scan after delivery")
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, shipment = load(app, order_id, shipment_id)
    assert shipment.tracking is T.DELIVERED
    assert order.status is OrderStatus.DELIVERED


def test_failed_delivery_then_reattempt_then_delivered(app: SalesApp) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    t0, tn, c = app.clock.now(), shipment.tracking_number, courier(app)
    c.report(tn, T.OUT_FOR_DELIVERY, t0)
    c.report(tn, T.FAILED_DELIVERY, t0 + dt.timedelta(hours=2), "nobody home")
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, _ = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.FAILED_DELIVERY
    (failed,) = events_of(app, DeliveryFailed)
    assert failed.reason == "nobody home"

    c.report(tn, T.OUT_FOR_DELIVERY, t0 + dt.timedelta(days=1))
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, _ = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.IN_TRANSIT
    assert len(events_of(app, DeliveryReattempted)) == 1

    c.report(tn, T.DELIVERED, t0 + dt.timedelta(days=1, hours=1))
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, _ = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.DELIVERED
    assert [s.status for s in order.history][-4:] == [
        OrderStatus.SHIPPED,  # picked up and failed in one pull: straight to failed
        OrderStatus.FAILED_DELIVERY,
        OrderStatus.IN_TRANSIT,
        OrderStatus.DELIVERED,
    ]


def test_a_failure_learnt_late_still_passes_the_order_through_failed_and_reattempt(
    app: SalesApp,
) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    t0, tn, c = app.clock.now(), shipment.tracking_number, courier(app)
    c.report(tn, T.OUT_FOR_DELIVERY, t0 + dt.timedelta(hours=5))
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    c.report(tn, T.FAILED_DELIVERY, t0 + dt.timedelta(hours=2))  # late report of attempt 1
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, shipment = load(app, order_id, shipment_id)
    assert (shipment.tracking, shipment.failed_attempts) == (T.OUT_FOR_DELIVERY, 1)
    assert order.status is OrderStatus.IN_TRANSIT
    assert len(events_of(app, DeliveryFailed)) == 1
    assert len(events_of(app, DeliveryReattempted)) == 1


def test_returned_to_sender_puts_the_goods_back_once(app: SalesApp) -> None:
    before = on_hand(app)
    order_id, shipment_id = shipped_cod_order(app)
    assert on_hand(app) == before - 2
    _, shipment = load(app, order_id, shipment_id)
    courier(app).script(shipment.tracking_number, Journey.RETURNED, app.clock.now(), repeat=True)
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.RETURNED
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, shipment = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.RETURNED_TO_SENDER
    assert shipment.failed_attempts == 2
    assert on_hand(app) == before
    assert len(events_of(app, ReturnedToSender)) == 1
    assert len(events_of(app, DeliveryFailed)) == 2
    assert len(events_of(app, DeliveryReattempted)) == 1


def test_pushed_updates_for_an_unknown_parcel_are_refused_and_nothing_applies(
    app: SalesApp,
) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    now = app.clock.now()
    good = TrackingEvent(tracking_number=shipment.tracking_number, status=T.PICKED_UP, at=now)
    bad = TrackingEvent(tracking_number="JNT9999999999", status=T.DELIVERED, at=now)
    with pytest.raises(UnknownShipment, match="JNT9999999999"):
        app.execute(commands.RecordTracking(courier="jnt", events=(good, bad)))
    order, shipment = load(app, order_id, shipment_id)
    assert shipment.events == []
    assert order.status is OrderStatus.SHIPPED

    assert app.execute(commands.RecordTracking(courier="jnt", events=(good, good))) == [shipment_id]
    assert app.execute(commands.RecordTracking(courier="jnt", events=(good,))) == []
    order, shipment = load(app, order_id, shipment_id)
    assert order.status is OrderStatus.IN_TRANSIT
    assert len(shipment.events) == 1
    with pytest.raises(UnknownShipment):  # right number, wrong courier
        app.execute(commands.RecordTracking(courier="jne", events=(good,)))


def test_a_split_order_is_delivered_only_when_every_parcel_is(app: SalesApp) -> None:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(
                commands.NewLine(sku="TSHIRT-RED-M", quantity=1),
                commands.NewLine(sku="CAP-BLK", quantity=1),
            ),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipments = [uow.shipments.get(i) for i in order.shipment_ids]
    assert len(shipments) == 2
    now = app.clock.now()
    courier(app).report(shipments[0].tracking_number, T.DELIVERED, now)
    app.execute(commands.SyncTracking(shipment_id=shipments[0].id))
    with app.uow() as uow:
        assert uow.orders.get(order_id).status is not OrderStatus.DELIVERED
    courier(app).report(shipments[1].tracking_number, T.DELIVERED, now)
    app.execute(commands.SyncTracking(shipment_id=shipments[1].id))
    with app.uow() as uow:
        assert uow.orders.get(order_id).status is OrderStatus.DELIVERED


def test_a_courier_return_after_a_return_by_hand_puts_nothing_back_twice(app: SalesApp) -> None:
    before = on_hand(app)
    order_id, shipment_id = shipped_cod_order(app)
    app.execute(commands.FailDelivery(order_id=order_id, reason="refused"))
    app.execute(commands.ReturnToSender(order_id=order_id, reason="refused"))
    assert on_hand(app) == before
    _, shipment = load(app, order_id, shipment_id)
    courier(app).script(shipment.tracking_number, Journey.RETURNED, app.clock.now())
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    order, shipment = load(app, order_id, shipment_id)
    assert shipment.tracking is T.RETURNED_TO_SENDER
    assert shipment.customer_status == "Returned to the seller"
    assert order.status is OrderStatus.RETURNED_TO_SENDER
    assert on_hand(app) == before


def test_the_customer_facing_status_follows_the_parcel(app: SalesApp) -> None:
    order_id, shipment_id = shipped_cod_order(app)
    _, shipment = load(app, order_id, shipment_id)
    assert shipment.customer_status == "Waiting for the courier"
    courier(app).report(shipment.tracking_number, T.FAILED_DELIVERY, app.clock.now())
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    _, shipment = load(app, order_id, shipment_id)
    assert shipment.customer_status.startswith("Delivery attempt failed")
