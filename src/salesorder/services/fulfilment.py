"""Reserving stock, shipping with a courier, tracking and delivery."""

from __future__ import annotations

from decimal import Decimal

import attrs

from salesorder.domain.events import OrderDelivered, OrderShipped
from salesorder.domain.inventory import MovementKind, reservation_key
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.shipping import (
    FeePayer,
    Shipment,
    ShipmentRequest,
    ShipmentStatus,
    cod_amount,
)
from salesorder.exceptions import IllegalTransition
from salesorder.money import Money
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import MarkDelivered, ShipOrder, SyncTracking
from salesorder.services.inventory import post, reserve_stock

__all__ = ["mark_delivered", "reserve_stock", "ship_order", "sync_tracking"]


def _weight(uow: UnitOfWork, order: Order, warehouse: str) -> Decimal:
    return sum(
        (
            uow.products.get(pick.sku).weight_kg * pick.quantity
            for pick in order.picks
            if pick.warehouse == warehouse
        ),
        Decimal(0),
    )


def ship_order(app: SalesApp, command: ShipOrder) -> str:
    """Book the courier for a reserved order, take the goods out of stock, mark it shipped.

    A split order gets one shipment per warehouse it was reserved in (all with the same
    courier and service); the shipping fee the buyer pays and the COD amount go with the
    last parcel. Returns the last shipment's id; ``order.shipment_ids`` lists them all.
    Booking references are derived from the order, so a retried command never books twice.
    For a COD order the courier collects goods plus the fees (when the buyer pays them),
    rounded to the currency's cash step; the rounding is kept on the order as an adjustment.
    """
    courier = app.courier(command.courier)
    settings = app.settings
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if order.status is not OrderStatus.PROCESSING or order.warehouse is None:
            raise IllegalTransition(order.thing, order.status.value, "ship")
        assert order.shipping_address is not None  # noqa: S101 - confirmed orders have one
        origins = order.pick_warehouses
        requests = []
        for number, code in enumerate(origins, start=len(order.shipment_ids) + 1):
            requests.append(
                ShipmentRequest(
                    reference=f"{order.id}-S{number}",
                    origin=uow.warehouses.get(code).address,
                    destination=order.shipping_address,
                    service=command.service,
                    weight_kg=_weight(uow, order, code),
                    fee_payer=command.fee_payer,
                )
            )
        fees = [courier.quote(request).fee for request in requests]
        fee = sum(fees[1:], fees[0])
        charge = fee if command.fee_payer is FeePayer.BUYER else None
        cod = rounding = None
        if order.is_cod:
            cod = cod_amount(
                order.amount_due,
                fee,
                command.fee_payer,
                mode=settings.rounding.mode,
                cash=settings.cash,
                country=order.shipping_address.country,
            )
            rounding = cod - order.amount_due - (charge or Money.zero(order.currency))
        shipment = None
        for index, (code, request) in enumerate(zip(origins, requests, strict=True)):
            last = index == len(origins) - 1
            booking = courier.book(attrs.evolve(request, cod_amount=cod if last else None))
            for pick in order.picks:
                if pick.warehouse != code:
                    continue
                item = uow.stock.get((code, pick.sku))
                item.ship(reservation_key(order.id, pick.line_id))
                post(
                    tx,
                    item,
                    MovementKind.SHIPMENT,
                    on_hand_change=-pick.quantity,
                    reserved_change=-pick.quantity,
                    document=request.reference,
                    reason=f"shipped with {courier.code} for order {order.id}",
                )
            shipment = Shipment(
                id=app.ids.next_id("shipment"),
                order_id=order.id,
                warehouse=code,
                courier=courier.code,
                service=command.service,
                tracking_number=booking.tracking_number,
                label=booking.label,
                fee=booking.fee,
                fee_payer=command.fee_payer,
                weight_kg=request.weight_kg,
                cod_amount=cod if last else None,
            )
            uow.shipments.add(shipment)
            if last:
                order.mark_shipped(
                    shipment.id, tx.now, shipping_charge=charge, cash_rounding=rounding
                )
            else:
                order.add_shipment(shipment.id)
            tx.raise_event(
                OrderShipped(
                    order_id=order.id,
                    at=tx.now,
                    shipment_id=shipment.id,
                    courier=courier.code,
                    tracking_number=booking.tracking_number,
                )
            )
        assert shipment is not None  # noqa: S101 - a reserved order has a warehouse
        return shipment.id


def _delivered(tx: Transaction, order: Order, shipment_id: str) -> None:
    order.mark_delivered(tx.now)
    tx.raise_event(OrderDelivered(order_id=order.id, at=tx.now, shipment_id=shipment_id))


def sync_tracking(app: SalesApp, command: SyncTracking) -> ShipmentStatus:
    """Apply the courier's new updates; the first delivery update marks the order delivered."""
    with app.transaction() as tx:
        shipment = tx.uow.shipments.get(command.shipment_id)
        updates = app.courier(shipment.courier).tracking(shipment.tracking_number)
        for event in updates:
            if event not in shipment.events:
                shipment.track(event)
        order = tx.uow.orders.get(shipment.order_id)
        if shipment.status is ShipmentStatus.DELIVERED and order.status is OrderStatus.SHIPPED:
            _delivered(tx, order, shipment.id)
        return shipment.status


def mark_delivered(app: SalesApp, command: MarkDelivered) -> None:
    """Record a delivery by hand."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        _delivered(tx, order, order.shipment_ids[-1] if order.shipment_ids else "")
