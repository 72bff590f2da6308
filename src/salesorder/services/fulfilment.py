"""Reserving stock, shipping with a courier, tracking and delivery."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.customers import Address
from salesorder.domain.dispatch import PlannedParcel, plan_shipment
from salesorder.domain.events import (
    DeliveryFailed,
    DeliveryReattempted,
    OrderDelivered,
    OrderInTransit,
    ReturnedToSender,
    ShipmentDelayed,
)
from salesorder.domain.inventory import MovementKind, reservation_key
from salesorder.domain.lifecycle import IN_WAREHOUSE, OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.shipping import (
    FeePayer,
    Shipment,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
    TrackingUpdate,
)
from salesorder.exceptions import (
    IllegalTransition,
    ReservationNotFound,
    UnknownShipment,
    ValidationError,
)
from salesorder.money import Money
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import (
    FailDelivery,
    MarkDelivered,
    ReattemptDelivery,
    RecordTracking,
    ReturnToSender,
    ShipOrder,
    SyncTracking,
)
from salesorder.services.commands.fulfilment import RebookShipment
from salesorder.services.couriers import request_booking
from salesorder.services.inventory import post, reserve_stock
from salesorder.services.pricing import price_shipping_of

__all__ = [
    "fail_delivery",
    "mark_delivered",
    "reattempt_delivery",
    "rebook_shipment",
    "record_tracking",
    "reserve_stock",
    "return_to_sender",
    "ship_order",
    "sync_tracking",
]


def _weight(uow: UnitOfWork, picks: Iterable[Pick]) -> Decimal:
    return sum((uow.products.get(p.sku).weight_kg * p.quantity for p in picks), Decimal(0))


def _take_out(tx: Transaction, order: Order, parcel: PlannedParcel, courier: str) -> None:
    """The parcel's units leave the warehouse's stock and their reservations."""
    for pick in parcel.picks:
        item = tx.uow.stock.get((parcel.warehouse, pick.sku))
        item.ship(reservation_key(order.id, pick.line_id))
        post(
            tx,
            item,
            MovementKind.SHIPMENT,
            on_hand_change=-pick.quantity,
            reserved_change=-pick.quantity,
            document=parcel.reference,
            reason=f"shipped with {courier} for order {order.id}",
        )


def ship_order(app: SalesApp, command: ShipOrder) -> str:
    """Take a reserved order's goods out of stock, mark it shipped, and ask for the booking.

    A split order gets one shipment per warehouse it was reserved in (all with the same
    courier and service); ``command.warehouse`` ships only that warehouse's parcel, and the
    order is partly shipped until the rest follows. The shipping fee the buyer pays goes on
    the order with each shipment (as the courier quotes it); the COD amount goes with the
    parcel that completes the order. Returns the last shipment's id; ``order.shipment_ids``
    lists them all.

    The courier is not called in this unit of work: each shipment is committed as booking
    requested and its booking written to the outbox with it
    (:func:`~salesorder.services.couriers.request_booking`); the dispatcher books what the
    stored shipment says, records the tracking number and label, raises ``OrderShipped`` and
    pushes the tracking number to the marketplace of a marketplace order. So a command that
    is re-run after a conflict books only what was committed, once. For a COD order the
    courier collects what is due plus the fees (when the buyer pays them), rounded to the
    currency's cash step; the rounding is kept on the order as an adjustment. The decisions
    are :func:`~salesorder.domain.dispatch.plan_shipment`'s. When the buyer pays the fees,
    the shop's shipping promotions that apply to the order take their discount off them
    (:func:`~salesorder.services.pricing.price_shipping_of`): the order's shipping charge,
    the COD amount and the invoice's shipping line are what is left, and
    ``order.shipping`` keeps the fees, the discount and its trace.
    """
    courier = app.courier(command.courier)
    try:
        return _ship(app, command, courier)
    except ReservationNotFound as exc:
        # The reads of one unit of work are not one snapshot (PostgreSQL at read committed):
        # an order cancelled meanwhile can look reserved while its stock is released. Say
        # what happened to the order, not to its reservation.
        with app.uow() as uow:
            order = uow.orders.get(command.order_id)
        if order.status in IN_WAREHOUSE:
            raise
        raise IllegalTransition(order.thing, order.status.value, "ship") from exc


def _ship(app: SalesApp, command: ShipOrder, courier: CourierGateway) -> str:
    """:func:`ship_order`'s unit of work."""
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        plan = plan_shipment(order, command.warehouse)
        requests = [
            ShipmentRequest(
                reference=parcel.reference,
                origin=uow.warehouses.get(parcel.warehouse).address,
                destination=plan.destination,
                service=command.service,
                weight_kg=_weight(uow, parcel.picks),
                fee_payer=command.fee_payer,
            )
            for parcel in plan.parcels
        ]
        fees = [courier.quote(request).fee for request in requests]
        shipping = None
        if command.fee_payer is FeePayer.BUYER:
            fee = Money.sum(fees, order.currency)
            shipping = price_shipping_of(app, tx, order, fee)
        charges = plan.charges(
            fees,
            command.fee_payer,
            mode=app.settings.rounding.mode,
            cash=app.settings.cash,
            shipping=shipping,
        )
        for index, (parcel, request) in enumerate(zip(plan.parcels, requests, strict=True)):
            last = index == len(requests) - 1
            booked = attrs.evolve(request, cod_amount=charges.cod if last else None)
            _take_out(tx, order, parcel, courier.code)
            shipment = Shipment(
                id=app.ids.next_id("shipment"),
                order_id=order.id,
                warehouse=parcel.warehouse,
                courier=courier.code,
                service=command.service,
                tracking_number="",
                label="",
                fee=courier.quote(booked).fee,
                fee_payer=command.fee_payer,
                weight_kg=request.weight_kg,
                cod_amount=booked.cod_amount,
                status=ShipmentStatus.REQUESTED,
                origin=request.origin,
                destination=request.destination,
            )
            request_booking(tx, shipment, parcel.reference)
            uow.shipments.add(shipment)
            order.mark_shipped(
                shipment.id,
                tx.now,
                warehouse=parcel.warehouse,
                shipping_charge=charges.charge if last else None,
                cash_rounding=charges.rounding if last else None,
                shipping=charges.shipping if last else None,
            )
    return shipment.id


def rebook_shipment(app: SalesApp, command: RebookShipment) -> str:
    """Send a parcel the courier has not picked up to ``command.destination``.

    The shipment changes, so it asks for a new booking (a new reference) and the booking
    made for the old address is cancelled with the courier, both through the outbox.
    Returns the new booking reference.

    Raises:
        IllegalTransition: the courier has the parcel, or the shipment was cancelled.
    """
    with app.transaction() as tx:
        shipment = tx.uow.shipments.get(command.shipment_id)
        if not isinstance(command.destination, Address):
            raise ValidationError(
                f"RebookShipment.destination must be an Address, got {command.destination!r}"
            )
        shipment.destination = command.destination
        request_booking(tx, shipment, shipment.booking_base)
        return shipment.booking_reference


def _delivered(tx: Transaction, order: Order, shipment_id: str) -> None:
    order.mark_delivered(tx.now)
    tx.raise_event(OrderDelivered(order_id=order.id, at=tx.now, shipment_id=shipment_id))


_ON_THE_WAY = frozenset(
    {
        TrackingStatus.PICKED_UP,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.DELAYED,
        TrackingStatus.OUT_FOR_DELIVERY,
    }
)
_OUT = frozenset({OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT})


def _note(update: TrackingUpdate, status: TrackingStatus) -> str:
    notes = [e.note for e in update.new_events if e.status is status and e.note]
    return notes[-1] if notes else ""


def _all_delivered(uow: UnitOfWork, order: Order, shipment: Shipment) -> bool:
    others = (uow.shipments.get(i) for i in order.shipment_ids if i != shipment.id)
    return order.fully_shipped and all(
        s.tracking is TrackingStatus.DELIVERED or s.status is ShipmentStatus.CANCELLED
        for s in others
    )


def _fail(tx: Transaction, order: Order, shipment: Shipment, reason: str) -> None:
    if order.status in _OUT:
        order.fail_delivery(tx.now, reason)
    tx.raise_event(
        DeliveryFailed(order_id=order.id, at=tx.now, shipment_id=shipment.id, reason=reason)
    )


def _reattempt(tx: Transaction, order: Order, shipment: Shipment) -> None:
    if order.status is OrderStatus.FAILED_DELIVERY:
        order.reattempt_delivery(tx.now)
    tx.raise_event(DeliveryReattempted(order_id=order.id, at=tx.now, shipment_id=shipment.id))


def _returned(tx: Transaction, order: Order, shipment: Shipment, reason: str) -> None:
    """The courier brought ``shipment`` back: its goods return to the warehouse it left.

    Unless the order was already returned to sender by hand (``ReturnToSender``), which put
    the goods back then.
    """
    if order.status not in (*_OUT, OrderStatus.FAILED_DELIVERY, OrderStatus.PARTLY_SHIPPED):
        return
    if order.status in _OUT:
        _fail(tx, order, shipment, reason or "returned to sender")
    if order.status is OrderStatus.FAILED_DELIVERY:
        order.return_to_sender(tx.now, reason)
    picks = [pick for pick in order.dispatched if pick.warehouse == shipment.warehouse]
    _back_to_stock(tx, picks, shipment.id, reason)
    tx.raise_event(ReturnedToSender(order_id=order.id, at=tx.now, reason=reason))


def _back_to_stock(tx: Transaction, picks: list[Pick], document: str, reason: str) -> None:
    """Goods a courier brought back undelivered return to the warehouses they left."""
    for pick in picks:
        item = tx.uow.stock.get((pick.warehouse, pick.sku))
        item.receive(pick.quantity)
        post(
            tx,
            item,
            MovementKind.RETURN,
            on_hand_change=pick.quantity,
            document=document,
            reason=f"returned to sender: {reason or 'undelivered'}",
        )


def _follow(tx: Transaction, shipment: Shipment, update: TrackingUpdate) -> None:
    """Move the order after its shipment, raising the events of what happened.

    Events about the parcel (delayed, failed, reattempted, returned) are raised whatever the
    order's status; the order itself moves only where the lifecycle allows it (a partly
    shipped order waits for its other parcels).
    """
    if not update.moved:
        return
    order = tx.uow.orders.get(shipment.order_id)
    before, after = update.before, update.after
    status = after.status
    # A late "delivered" stamped before known failures replays with fewer failures: none new.
    failures = max(after.failed_attempts - before.failed_attempts, 0)
    for number in range(failures):
        _fail(tx, order, shipment, _note(update, TrackingStatus.FAILED_DELIVERY))
        last = number == failures - 1
        if not last or status in _ON_THE_WAY:
            _reattempt(tx, order, shipment)
    if failures == 0 and before.status is TrackingStatus.FAILED_DELIVERY and status in _ON_THE_WAY:
        _reattempt(tx, order, shipment)
    if status in _ON_THE_WAY:
        if order.status is OrderStatus.SHIPPED:
            order.mark_in_transit(tx.now)
            tx.raise_event(OrderInTransit(order_id=order.id, at=tx.now, shipment_id=shipment.id))
        if status is TrackingStatus.DELAYED:
            tx.raise_event(
                ShipmentDelayed(
                    order_id=order.id,
                    at=tx.now,
                    shipment_id=shipment.id,
                    reason=_note(update, TrackingStatus.DELAYED),
                )
            )
    elif status is TrackingStatus.DELIVERED:
        if order.status in (*_OUT, OrderStatus.FAILED_DELIVERY) and _all_delivered(
            tx.uow, order, shipment
        ):
            _delivered(tx, order, shipment.id)
    elif status is TrackingStatus.RETURNED_TO_SENDER:
        _returned(tx, order, shipment, _note(update, TrackingStatus.RETURNED_TO_SENDER))


def sync_tracking(app: SalesApp, command: SyncTracking) -> ShipmentStatus:
    """Pull the courier's updates for a shipment and let the order follow.

    Updates are deduplicated by event id and replayed in event-time order; the shipment never
    moves back (:meth:`~salesorder.domain.shipping.Shipment.record`). The order follows: in
    transit, failed delivery, reattempt, returned to sender (the goods go back to stock), and
    delivered once every shipment of a fully shipped order is delivered. Pulling again with
    nothing new changes nothing.
    """
    with app.transaction() as tx:
        shipment = tx.uow.shipments.get(command.shipment_id)
        if not shipment.tracking_number:
            return shipment.status  # the courier has not booked it yet: nothing to track
        updates = app.courier(shipment.courier).tracking(shipment.tracking_number)
        _follow(tx, shipment, shipment.record(updates))
        return shipment.status


def record_tracking(app: SalesApp, command: RecordTracking) -> list[str]:
    """Apply updates a courier pushed (a webhook); returns the ids of the shipments they moved.

    Each update is matched to the courier's shipment by tracking number. Raises before
    anything changes when one is for a parcel the seller never shipped with that courier.

    Raises:
        UnknownShipment: no shipment of ``command.courier`` has the update's tracking number.
    """
    with app.transaction() as tx:
        shipments = {
            s.tracking_number: s
            for s in tx.uow.shipments.list()
            if s.courier == command.courier and s.tracking_number
        }
        by_shipment: dict[str, list[TrackingEvent]] = {}
        for event in command.events:
            if event.tracking_number not in shipments:
                raise UnknownShipment(command.courier, event.tracking_number)
            by_shipment.setdefault(event.tracking_number, []).append(event)
        moved = []
        for tracking_number, events in by_shipment.items():
            shipment = shipments[tracking_number]
            update = shipment.record(events)
            _follow(tx, shipment, update)
            if update.moved:
                moved.append(shipment.id)
        return moved


def mark_delivered(app: SalesApp, command: MarkDelivered) -> None:
    """Record a delivery by hand."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        _delivered(tx, order, order.shipment_ids[-1] if order.shipment_ids else "")


def fail_delivery(app: SalesApp, command: FailDelivery) -> None:
    """The courier could not deliver; a reattempt or a return to sender comes next."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.fail_delivery(tx.now, command.reason)
        tx.raise_event(
            DeliveryFailed(
                order_id=order.id,
                at=tx.now,
                shipment_id=order.shipment_ids[-1] if order.shipment_ids else "",
                reason=command.reason,
            )
        )


def reattempt_delivery(app: SalesApp, command: ReattemptDelivery) -> None:
    """The courier tries again."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.reattempt_delivery(tx.now)
        tx.raise_event(
            DeliveryReattempted(
                order_id=order.id,
                at=tx.now,
                shipment_id=order.shipment_ids[-1] if order.shipment_ids else "",
            )
        )


def return_to_sender(app: SalesApp, command: ReturnToSender) -> None:
    """The goods come back undelivered: into the warehouses they left, in the ledger."""
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        order.return_to_sender(tx.now, command.reason)
        _back_to_stock(tx, order.dispatched, order.id, command.reason)
        tx.raise_event(ReturnedToSender(order_id=order.id, at=tx.now, reason=command.reason))
