"""Stock movements through the ledger: reservations, expiry, counts, returns, transfers.

Every change of a stock item's on hand or reserved units made here is posted to the stock
ledger in the same unit of work (:func:`post`), so for every item ``on_hand`` equals the sum
of its ledger's ``on_hand_change`` and ``reserved`` the sum of its ``reserved_change``.
Quantities are exact, in the product's unit: before anything changes, each is checked against
the unit's decimals (:class:`~salesorder.domain.units.TooManyDecimals` names the SKU, the
warehouse or order line, and the unit).

The reads of stock (the ledger, what is sellable, what each channel may offer) are in
:mod:`salesorder.services.views`; their names are importable from here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from salesorder.domain.allocation import Allocation, DemandLine, OrderDemand
from salesorder.domain.customers import Warehouse
from salesorder.domain.events import StockReserved
from salesorder.domain.inventory import (
    MovementKind,
    Reservation,
    StockItem,
    StockMovement,
    reservation_key,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import IllegalTransition, InsufficientStock, UnknownSKU, ValidationError
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import (
    ChannelAvailability,
    CountStock,
    ReleaseExpiredReservations,
    ReserveStock,
    ReturnStock,
    SetStockPolicy,
    TransferStock,
    WriteOffStock,
)
from salesorder.services.views import (
    UNRESERVED,
    Sellable,
    available_on_channel,
    channel_availability,
    ledger,
)

__all__ = [
    "UNRESERVED",
    "Sellable",
    "channel_availability",
    "count_stock",
    "ledger",
    "post",
    "query_channel_availability",
    "release_expired_reservations",
    "release_order",
    "reserve_stock",
    "return_stock",
    "set_stock_policy",
    "transfer_stock",
    "write_off_stock",
]


def post(
    tx: Transaction,
    item: StockItem,
    kind: MovementKind,
    *,
    on_hand_change: Quantity = 0,
    reserved_change: Quantity = 0,
    document: str = "",
    reason: str = "",
) -> StockMovement:
    """Append the ledger entry for a change just made to ``item``."""
    movement = item.movement(
        kind,
        tx.now,
        on_hand_change=on_hand_change,
        reserved_change=reserved_change,
        document=document,
        reason=reason,
    )
    tx.uow.stock_ledger.append(movement)
    return movement


def _item(
    uow: UnitOfWork,
    warehouse: str,
    sku: str,
    *,
    create: bool = False,
    checked: Iterable[tuple[str, Quantity]] = (),
) -> StockItem:
    """The stock item of ``sku`` in ``warehouse`` (created when ``create`` and missing).

    Each ``(what, quantity)`` of ``checked`` is checked against the product's unit first.
    """
    uow.warehouses.get(warehouse)
    product = uow.products.find(sku)
    if product is None:
        raise UnknownSKU(sku)
    for what, quantity in checked:
        product.unit.check(quantity, what=what)
    item = uow.stock.find((warehouse, sku))
    if item is None:
        if not create:
            raise ValidationError(f"SKU {sku!r} has no stock in {warehouse!r}")
        item = StockItem(warehouse=warehouse, sku=sku)
        uow.stock.add(item)
    return item


def receive(
    tx: Transaction,
    warehouse: str,
    sku: str,
    quantity: Quantity,
    *,
    kind: MovementKind = MovementKind.RECEIPT,
    document: str = "",
    reason: str = "",
) -> StockItem:
    """Units arrive in ``warehouse``: on hand rises, and the ledger says why.

    Raises:
        TooManyDecimals: ``quantity`` has more decimals than the product's unit allows.
    """
    what = f"{kind.value.replace('_', ' ')} of SKU {sku!r} in {warehouse!r}"
    item = _item(tx.uow, warehouse, sku, create=True, checked=[(what, quantity)])
    item.receive(quantity)
    post(tx, item, kind, on_hand_change=quantity, document=document, reason=reason)
    return item


# ---------------------------------------------------------------------------------------
# Reservations
# ---------------------------------------------------------------------------------------


def _demand(order: Order, warehouses: list[Warehouse]) -> OrderDemand:
    del warehouses  # the customer's location comes from the address, when it has one
    return OrderDemand(
        order_id=order.id,
        lines=[
            DemandLine(line_id=line.line_id, sku=line.sku, quantity=left)
            for line in order.lines
            if (left := order.unreserved(line.line_id))
        ],
        zone=order.shipping_address.postal_code if order.shipping_address else "",
        placed_at=order.placed_at,
    )


def _refuse(
    allocation: Allocation, stock: dict[tuple[str, str], StockItem], warehouses: list[Warehouse]
) -> None:
    """InsufficientStock for the first backordered line, naming what was there.

    One warehouse with stock of the SKU (or none: the first by priority) is named with what
    it has; several are named together with what they have in all.
    """
    short = allocation.backorders[0]
    having = {w: i.available for (w, sku), i in stock.items() if sku == short.sku and i.available}
    requested = to_quantity(
        short.quantity + sum(p.quantity for p in allocation.picks if p.line_id == short.line_id)
    )
    available: Quantity
    if not having:
        first = min(warehouses, key=lambda w: (w.priority, w.code))
        warehouse, available = first.code, 0
    elif len(having) == 1:
        ((warehouse, available),) = having.items()
    else:
        warehouse = ", ".join(sorted(having)) or "any warehouse"
        available = to_quantity(sum(having.values()))
    raise InsufficientStock(short.sku, warehouse, available, requested)


def _load_stock(uow: UnitOfWork, order: Order) -> dict[tuple[str, str], StockItem]:
    stock: dict[tuple[str, str], StockItem] = {}
    for sku in {line.sku for line in order.lines}:
        for item in uow.stock.for_sku(sku):
            stock[item.key] = item
    return stock


def _allocate(
    app: SalesApp, uow: UnitOfWork, order: Order, warehouses: list[Warehouse]
) -> tuple[Allocation, dict[tuple[str, str], StockItem]]:
    """The application's strategy allocates ``order``'s unreserved units from what is free."""
    stock = _load_stock(uow, order)
    available = {key: item.available for key, item in stock.items()}
    return app.allocation.allocate(_demand(order, warehouses), warehouses, available), stock


def _reserve(
    tx: Transaction,
    order: Order,
    allocation: Allocation,
    stock: dict[tuple[str, str], StockItem],
    hold_minutes: int | None = None,
    *,
    partial: bool = False,
) -> str:
    """Reserve an allocation's picks (all of the order, or part of it when ``partial``).

    Raises:
        TooManyDecimals: a pick has more decimals than its product's unit allows now (the
            catalog changed since the order was placed); nothing is reserved.
    """
    _check_units(tx.uow, order, allocation)
    expires = None
    if hold_minutes is not None:
        expires = tx.now + dt.timedelta(minutes=hold_minutes)
    held = {(p.warehouse, p.line_id): p for p in order.picks}
    for pick in allocation.picks:
        item = stock[pick.warehouse, pick.sku]
        before = held.get((pick.warehouse, pick.line_id))
        quantity = to_quantity(pick.quantity + (before.quantity if before is not None else 0))
        if before is not None:  # a top-up: one reservation per line and warehouse, grown
            item.release(reservation_key(order.id, pick.line_id))
        item.reserve(Reservation.for_line(order.id, pick.line_id, quantity, tx.now, expires))
        held[pick.warehouse, pick.line_id] = attrs.evolve(pick, quantity=quantity)
        post(
            tx,
            item,
            MovementKind.RESERVATION,
            reserved_change=pick.quantity,
            document=order.id,
            reason=pick.reason,
        )
    order.mark_reserved(
        allocation.warehouses[0], tx.now, picks=list(held.values()), partial=partial
    )
    for warehouse in allocation.warehouses:
        tx.raise_event(StockReserved(order_id=order.id, at=tx.now, warehouse=warehouse))
    return allocation.warehouses[0]


def _check_units(uow: UnitOfWork, order: Order, allocation: Allocation) -> None:
    """Every fractional pick of ``allocation`` fits its product's unit (a whole one always does)."""
    for pick in allocation.picks:
        if not isinstance(pick.quantity, int):
            what = f"{order.thing} line {pick.line_id!r} (SKU {pick.sku!r}) in {pick.warehouse!r}"
            uow.products.get(pick.sku).unit.check(pick.quantity, what=what)


def reserve_stock(app: SalesApp, command: ReserveStock) -> str:
    """Reserve every line of a confirmed order, split over warehouses when it must be.

    The application's allocation strategy (``SalesApp.allocation``) chooses; with
    ``split=False`` one warehouse must serve the whole order. Either every line is reserved
    or nothing is (:class:`~salesorder.exceptions.InsufficientStock`), unless
    ``backorder=True``: then a short order waits (returns ``""``) and goods receipts reserve
    waiting orders in turn; or ``partial=True``: what is there is reserved and the rest
    waits. Returns the first warehouse; the order's ``picks`` say where
    every unit comes from, and why.
    """
    from salesorder.domain.allocation import ByPriority, choose_single_warehouse  # noqa: PLC0415

    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if order.status is not OrderStatus.CONFIRMED:
            raise IllegalTransition(order.thing, order.status.value, "reserve")
        warehouses = uow.warehouses.list()
        stock = _load_stock(uow, order)
        available = {key: item.available for key, item in stock.items()}
        if command.split:
            allocation = app.allocation.allocate(_demand(order, warehouses), warehouses, available)
        else:
            demand: dict[str, Quantity] = {}
            for line in order.lines:
                demand[line.sku] = to_quantity(demand.get(line.sku, 0) + line.quantity)
            try:
                chosen = [choose_single_warehouse(demand, warehouses, stock)]
            except InsufficientStock:
                if not command.backorder:
                    raise
                chosen = warehouses[:1]
            allocation = ByPriority().allocate(_demand(order, warehouses), chosen, available)
        if allocation.backorders:
            if command.partial and allocation.picks:
                return _reserve(tx, order, allocation, stock, command.hold_minutes, partial=True)
            if command.backorder or command.partial:
                order.wait_for_stock(tx.now)
                return ""
            _refuse(allocation, stock, warehouses)
        return _reserve(tx, order, allocation, stock, command.hold_minutes)


def reserve_outstanding(app: SalesApp, tx: Transaction, order: Order) -> None:
    """Reserve every unit of ``order`` still to ship, split as the strategy says, or refuse.

    Used after an amendment released the order's reservations: either everything left is
    reserved again or :class:`~salesorder.exceptions.InsufficientStock` undoes the command.
    """
    warehouses = tx.uow.warehouses.list()
    allocation, stock = _allocate(app, tx.uow, order, warehouses)
    if allocation.backorders:
        _refuse(allocation, stock, warehouses)
    _reserve(tx, order, allocation, stock)


def reserve_waiting(app: SalesApp, tx: Transaction) -> list[str]:
    """Reserve backordered orders that the stock now covers, oldest wait first.

    A confirmed order that still cannot be served whole keeps waiting (and keeps its
    place); a partly reserved one is topped up with what there is. Returns the ids of the
    orders that got stock.
    """
    waiting = tx.uow.orders.waiting_for_stock()
    warehouses = tx.uow.warehouses.list()
    reserved = []
    for order in waiting:
        allocation, stock = _allocate(app, tx.uow, order, warehouses)
        partial = order.status is not OrderStatus.CONFIRMED
        if not allocation.backorders or (partial and allocation.picks):
            _reserve(tx, order, allocation, stock, partial=partial)
            reserved.append(order.id)
    return reserved


def release_order(tx: Transaction, order: Order, reason: str) -> None:
    """Give back every reservation an order holds (cancellation, expiry), in the ledger."""
    for pick in order.picks:
        item = tx.uow.stock.get((pick.warehouse, pick.sku))
        released = item.release(reservation_key(order.id, pick.line_id))
        if released is not None:
            post(
                tx,
                item,
                MovementKind.RELEASE,
                reserved_change=-released.quantity,
                document=order.id,
                reason=reason,
            )


def release_expired_reservations(app: SalesApp, command: ReleaseExpiredReservations) -> list[str]:
    """Release every order's reservations once one has expired; returns those order ids.

    The orders go back to confirmed, to be reserved again (or cancelled).
    """
    del command
    with app.transaction() as tx:
        expired: set[str] = set()
        for item in tx.uow.stock.list():
            expired.update(r.order_id for r in item.expired(tx.now))
        for order_id in sorted(expired):
            order = tx.uow.orders.get(order_id)
            release_order(tx, order, "reservation expired")
            order.unreserve(tx.now)
        return sorted(expired)


# ---------------------------------------------------------------------------------------
# Counts, returns, write-offs, transfers and the reorder policy
# ---------------------------------------------------------------------------------------


def count_stock(app: SalesApp, command: CountStock) -> Quantity:
    """Post a stock count: the variance becomes a count adjustment. Returns the variance."""
    with app.transaction() as tx:
        what = f"count of SKU {command.sku!r} in {command.warehouse!r}"
        item = _item(
            tx.uow, command.warehouse, command.sku, create=True, checked=[(what, command.counted)]
        )
        variance = item.count(command.counted, command.counted_at)
        if variance:
            post(
                tx,
                item,
                MovementKind.COUNT_ADJUSTMENT,
                on_hand_change=variance,
                document=command.document,
                reason=command.reason or f"count of {command.counted} on {command.counted_at}",
            )
        return variance


def return_stock(app: SalesApp, command: ReturnStock) -> Quantity:
    """Returned goods: back to stock when sellable, else received and written off.

    Returns the new quantity on hand.
    """
    with app.transaction() as tx:
        item = receive(
            tx,
            command.warehouse,
            command.sku,
            command.quantity,
            kind=MovementKind.RETURN,
            document=command.document,
            reason=command.reason or "customer return",
        )
        if not command.sellable:
            _take_out(
                tx,
                item,
                command.quantity,
                MovementKind.WRITE_OFF,
                document=command.document,
                reason=command.reason or "returned damaged",
            )
        return item.on_hand


def _take_out(
    tx: Transaction,
    item: StockItem,
    quantity: Quantity,
    kind: MovementKind,
    *,
    document: str,
    reason: str,
) -> None:
    """Units leave ``item`` (unreserved ones only) and the ledger says why."""
    item.take_out(quantity)
    post(tx, item, kind, on_hand_change=-quantity, document=document, reason=reason)


def write_off_stock(app: SalesApp, command: WriteOffStock) -> Quantity:
    """Damaged or lost units leave the books; returns the new quantity on hand."""
    with app.transaction() as tx:
        what = f"write-off of SKU {command.sku!r} in {command.warehouse!r}"
        item = _item(tx.uow, command.warehouse, command.sku, checked=[(what, command.quantity)])
        _take_out(
            tx,
            item,
            command.quantity,
            MovementKind.WRITE_OFF,
            document=command.document,
            reason=command.reason,
        )
        return item.on_hand


def transfer_stock(app: SalesApp, command: TransferStock) -> None:
    """Move unreserved units from one warehouse to another (both ledgers say so)."""
    if command.from_warehouse == command.to_warehouse:
        raise ValidationError(f"a transfer needs two warehouses, got {command.from_warehouse!r}")
    with app.transaction() as tx:
        what = (
            f"transfer of SKU {command.sku!r} from {command.from_warehouse!r} "
            f"to {command.to_warehouse!r}"
        )
        _take_out(
            tx,
            _item(tx.uow, command.from_warehouse, command.sku, checked=[(what, command.quantity)]),
            command.quantity,
            MovementKind.TRANSFER_OUT,
            document=command.document,
            reason=f"to {command.to_warehouse}",
        )
        receive(
            tx,
            command.to_warehouse,
            command.sku,
            command.quantity,
            kind=MovementKind.TRANSFER_IN,
            document=command.document,
            reason=f"from {command.from_warehouse}",
        )


def set_stock_policy(app: SalesApp, command: SetStockPolicy) -> None:
    """Set an item's safety stock and reorder point and quantity."""
    with app.transaction() as tx:
        where = f"SKU {command.sku!r} in {command.warehouse!r}"
        item = _item(
            tx.uow,
            command.warehouse,
            command.sku,
            create=True,
            checked=[
                (f"safety stock of {where}", command.safety_stock),
                (f"reorder point of {where}", command.reorder_point),
                (f"reorder quantity of {where}", command.reorder_quantity),
            ],
        )
        item.set_policy(
            safety_stock=command.safety_stock,
            reorder_point=command.reorder_point,
            reorder_quantity=command.reorder_quantity,
        )


def query_channel_availability(app: SalesApp, command: ChannelAvailability) -> dict[str, Quantity]:
    """Units of each SKU the channel may offer under its stock rule, by SKU.

    A query kept as a command; the answer is :func:`salesorder.services.views.available_on_channel`.

    Raises:
        UnknownSKU: one of ``command.skus`` is not in the catalog (checked first).
    """
    return available_on_channel(app, command.channel, command.skus)
