"""Reserving stock, shipping with a courier, tracking and delivery."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import attrs

from salesorder.domain.allocation import choose_single_warehouse
from salesorder.domain.events import OrderDelivered, OrderShipped, StockReserved
from salesorder.domain.inventory import Reservation, StockItem, reservation_key
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
from salesorder.services.commands import MarkDelivered, ReserveStock, ShipOrder, SyncTracking

__all__ = ["mark_delivered", "reserve_stock", "ship_order", "sync_tracking"]


def reserve_stock(app: SalesApp, command: ReserveStock) -> str:
    """Reserve every line of a confirmed order in the first warehouse that has it all."""
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if order.status is not OrderStatus.CONFIRMED:
            raise IllegalTransition(order.thing, order.status.value, "reserve")
        demand = Counter[str]()
        for line in order.lines:
            demand[line.sku] += line.quantity
        warehouses = uow.warehouses.list()
        stock: dict[tuple[str, str], StockItem] = {}
        for sku in demand:
            for item in uow.stock.for_sku(sku):
                stock[item.key] = item
        warehouse = choose_single_warehouse(demand, warehouses, stock)
        for line in order.lines:
            stock[warehouse.code, line.sku].reserve(
                Reservation.for_line(order.id, line.line_id, line.quantity, tx.now)
            )
        order.mark_reserved(warehouse.code, tx.now)
        tx.raise_event(StockReserved(order_id=order.id, at=tx.now, warehouse=warehouse.code))
        return warehouse.code


def _weight(uow: UnitOfWork, order: Order) -> Decimal:
    return sum(
        (uow.products.get(line.sku).weight_kg * line.quantity for line in order.lines),
        Decimal(0),
    )


def ship_order(app: SalesApp, command: ShipOrder) -> str:
    """Book the courier for a reserved order, take the goods out of stock, mark it shipped.

    The booking reference is derived from the order, so a retried command never books twice.
    For a COD order the courier collects goods plus the fee (when the buyer pays it), rounded
    to the currency's cash step; the rounding is kept on the order as an adjustment.
    """
    courier = app.courier(command.courier)
    settings = app.settings
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if order.status is not OrderStatus.PROCESSING or order.warehouse is None:
            raise IllegalTransition(order.thing, order.status.value, "ship")
        warehouse = uow.warehouses.get(order.warehouse)
        assert order.shipping_address is not None  # noqa: S101 - confirmed orders have one
        request = ShipmentRequest(
            reference=f"{order.id}-S{len(order.shipment_ids) + 1}",
            origin=warehouse.address,
            destination=order.shipping_address,
            service=command.service,
            weight_kg=_weight(uow, order),
            fee_payer=command.fee_payer,
        )
        fee = courier.quote(request).fee
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
        booking = courier.book(attrs.evolve(request, cod_amount=cod))
        for line in order.lines:
            uow.stock.get((warehouse.code, line.sku)).ship(reservation_key(order.id, line.line_id))
        shipment = Shipment(
            id=app.ids.next_id("shipment"),
            order_id=order.id,
            warehouse=warehouse.code,
            courier=courier.code,
            service=command.service,
            tracking_number=booking.tracking_number,
            label=booking.label,
            fee=booking.fee,
            fee_payer=command.fee_payer,
            weight_kg=request.weight_kg,
            cod_amount=cod,
        )
        uow.shipments.add(shipment)
        order.mark_shipped(shipment.id, tx.now, shipping_charge=charge, cash_rounding=rounding)
        tx.raise_event(
            OrderShipped(
                order_id=order.id,
                at=tx.now,
                shipment_id=shipment.id,
                courier=courier.code,
                tracking_number=booking.tracking_number,
            )
        )
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
