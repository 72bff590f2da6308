"""Warehouse work: bins, waves and pick lists, short picks, packing and courier handover.

The order moves through the lifecycle as the goods do: on a pick list it is picking
(:meth:`~salesorder.domain.orders.Order.start_picking`), once every reserved unit is in a
parcel it is packed (:meth:`~salesorder.domain.orders.Order.mark_packed`), and a manifest
ships it through :func:`salesorder.services.fulfilment.ship_order` (one courier booking per
order and warehouse). Every command checks its input before changing anything.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.events import StockReserved
from salesorder.domain.inventory import MovementKind, Reservation, reservation_key
from salesorder.domain.lifecycle import IN_WAREHOUSE, OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.packing import measure, packed_units, packs_the_order, parcel_items
from salesorder.domain.units import Quantity, to_quantity
from salesorder.domain.warehouse import (
    Manifest,
    ManifestEntry,
    Parcel,
    ParcelStatus,
    PickRequest,
    WarehouseLayout,
    Wave,
    plan_wave,
)
from salesorder.exceptions import (
    DuplicateError,
    IllegalTransition,
    ReservationNotFound,
    UnknownParcel,
    UnknownSKU,
    ValidationError,
)
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import (
    ConfirmPick,
    CreateManifest,
    CreateWave,
    PackParcel,
    SetBins,
    ShipOrder,
    ShortPickReason,
)
from salesorder.services.inventory import post
from salesorder.services.views import packing_slip, pick_list

__all__ = [
    "confirm_pick",
    "create_manifest",
    "create_wave",
    "pack_parcel",
    "packing_slip",
    "pick_list",
    "set_bins",
]


def set_bins(app: SalesApp, command: SetBins) -> None:
    """Record where SKUs live in a warehouse (creating its layout on first use)."""
    with app.transaction() as tx:
        uow = tx.uow
        uow.warehouses.get(command.warehouse)
        for entry in command.bins:
            if uow.products.find(entry.sku) is None:
                raise UnknownSKU(entry.sku)
        layout = uow.bin_layouts.find(command.warehouse)
        if layout is None:
            layout = WarehouseLayout(warehouse=command.warehouse)
            uow.bin_layouts.add(layout)
        if command.aisle_spacing_m is not None:
            layout.aisle_spacing_m = command.aisle_spacing_m
        layout.assign({entry.sku: entry.bin for entry in command.bins})


def _sum(units: dict[str, Quantity], more: Iterable[tuple[str, Quantity]]) -> dict[str, Quantity]:
    for key, quantity in more:
        units[key] = to_quantity(units.get(key, 0) + quantity)
    return units


def _waves_of(uow: UnitOfWork, warehouse: str) -> list[Wave]:
    return [wave for wave in uow.waves.list() if wave.warehouse == warehouse]


def _to_pick(order: Order, warehouse: str, waves: list[Wave]) -> list[PickRequest]:
    """The order's reserved units in ``warehouse`` that are on no pick list yet."""
    reserved = _sum({}, ((p.line_id, p.quantity) for p in order.picks if p.warehouse == warehouse))
    listed: dict[str, Quantity] = {}
    for wave in waves:
        for _, item in wave.entries():
            if item.order_id == order.id:
                units = item.quantity if item.picked is None else item.picked
                listed[item.line_id] = to_quantity(listed.get(item.line_id, 0) + units)
    left = _sum(
        listed, ((p.line_id, -p.quantity) for p in order.dispatched if p.warehouse == warehouse)
    )
    requests = []
    for line_id, quantity in reserved.items():
        todo = to_quantity(quantity - max(0, left.get(line_id, 0)))
        if todo > 0:
            sku = order.line(line_id).sku
            requests.append(PickRequest(order_id=order.id, line_id=line_id, sku=sku, quantity=todo))
    return requests


def create_wave(app: SalesApp, command: CreateWave) -> str:
    """Put reserved orders on one pick list in a warehouse; returns the wave id.

    See :class:`~salesorder.services.commands.CreateWave` for which orders are taken.

    Orders on the list move to picking. Raises ValidationError when nothing is left to pick,
    IllegalTransition when a named order is not reserved or has nothing left to pick there.
    """
    with app.transaction() as tx:
        uow = tx.uow
        uow.warehouses.get(command.warehouse)
        layout = uow.bin_layouts.find(command.warehouse) or WarehouseLayout(
            warehouse=command.warehouse
        )
        waves = _waves_of(uow, command.warehouse)
        if command.urgent and len(command.order_ids) != 1:
            raise ValidationError(
                f"an urgent wave picks one order, {len(command.order_ids)} order ids given"
            )
        if len(set(command.order_ids)) != len(command.order_ids):
            raise DuplicateError(f"wave order ids repeat: {list(command.order_ids)}")
        requests: list[PickRequest] = []
        chosen: list[Order] = []
        if command.order_ids:
            for order_id in command.order_ids:
                order = uow.orders.get(order_id)
                found = _to_pick(order, command.warehouse, waves)
                if order.status not in IN_WAREHOUSE or not found:
                    raise IllegalTransition(
                        order.thing,
                        order.status.value,
                        "pick",
                        f"nothing reserved in {command.warehouse!r} is left to pick",
                    )
                chosen.append(order)
                requests.extend(found)
        else:
            candidates = uow.orders.with_status(IN_WAREHOUSE)
            candidates.sort(key=lambda o: (o.placed_at, o.id))
            for order in candidates:
                if command.max_orders is not None and len(chosen) >= command.max_orders:
                    break
                found = _to_pick(order, command.warehouse, waves)
                if found:
                    chosen.append(order)
                    requests.extend(found)
        if not requests:
            raise ValidationError(f"no reserved order has units to pick in {command.warehouse!r}")
        wave = plan_wave(app.ids.next_id("wave"), layout, requests, tx.now, urgent=command.urgent)
        for order in chosen:
            if order.status is OrderStatus.PROCESSING:
                order.start_picking(tx.now)
        uow.waves.add(wave)
        return wave.id


def _reallocate(
    tx: Transaction, order: Order, line_id: str, *, sku: str, short: Quantity, wave: Wave
) -> str:
    """Reserve ``short`` units of the line in another warehouse; "" when none has them."""
    uow = tx.uow
    key = reservation_key(order.id, line_id)
    candidates = [
        item
        for item in uow.stock.for_sku(sku)
        if item.warehouse != wave.warehouse
        and key not in item.reservations
        and item.available >= short
    ]
    if not candidates:
        return ""
    priority = {w.code: w.priority for w in uow.warehouses.list()}
    item = min(candidates, key=lambda i: (priority.get(i.warehouse, 0), i.warehouse))
    item.reserve(Reservation.for_line(order.id, line_id, short, tx.now))
    reason = f"re-allocated after a short pick in {wave.id}"
    post(
        tx, item, MovementKind.RESERVATION, reserved_change=short, document=order.id, reason=reason
    )
    order.add_pick(
        Pick(line_id=line_id, sku=sku, warehouse=item.warehouse, quantity=short, reason=reason)
    )
    tx.raise_event(StockReserved(order_id=order.id, at=tx.now, warehouse=item.warehouse))
    return item.warehouse


def _short_pick(
    tx: Transaction,
    order: Order,
    wave: Wave,
    *,
    sku: str,
    line_id: str,
    short: Quantity,
    command: ConfirmPick,
) -> None:
    """Correct the stock for ``short`` missing units and re-allocate or backorder them.

    An order that left the pickable statuses meanwhile (cancelled: its reservations are
    released) only has the stock corrected.
    """
    item = tx.uow.stock.get((wave.warehouse, sku))
    key = reservation_key(order.id, line_id)
    held = item.reservations.get(key)
    active = order.status in IN_WAREHOUSE
    if active:
        if held is None or held.quantity < short:
            raise ReservationNotFound(key, sku, wave.warehouse)
        item.release(key)
        post(
            tx,
            item,
            MovementKind.RELEASE,
            reserved_change=-short,
            document=wave.id,
            reason=f"short pick of order {order.id} line {line_id}",
        )
    item.take_out(short)
    if active and held is not None and held.quantity > short:
        # The rest stays held under the same key, without a new availability check: the
        # units were promised to this line already.
        item.hold_again(attrs.evolve(held, quantity=held.quantity - short))
    kind, why = (
        (MovementKind.WRITE_OFF, "damaged")
        if command.reason is ShortPickReason.DAMAGED
        else (MovementKind.COUNT_ADJUSTMENT, "not found")
    )
    note = f": {command.note}" if command.note else ""
    post(
        tx,
        item,
        kind,
        on_hand_change=-short,
        document=wave.id,
        reason=f"short pick: {short} {why} in {wave.id}{note}",
    )
    if not active:
        return
    order.short_picked(line_id, wave.warehouse, short, tx.now)
    _reallocate(tx, order, line_id, sku=sku, short=short, wave=wave)


def confirm_pick(app: SalesApp, command: ConfirmPick) -> Quantity:
    """Record what the picker found for one pick list line; returns the units short.

    Each short order line loses the missing units from its reservation and from the stock
    (a count adjustment, or a write-off for damaged goods, both in the ledger) and is
    re-allocated from another warehouse with enough available, or backordered
    (``order.backordered_since`` is set).

    Raises:
        TooManyDecimals: ``picked`` has more decimals than the product's unit allows.
    """
    with app.transaction() as tx:
        uow = tx.uow
        wave = uow.waves.get(command.wave_id)
        line = wave.line(command.sku)
        what = f"pick of SKU {command.sku!r} on {wave.thing} in {wave.warehouse!r}"
        uow.products.get(command.sku).unit.check(command.picked, what=what)
        shorts = wave.confirm(command.sku, command.picked)
        for item in shorts:
            order = uow.orders.get(item.order_id)
            _short_pick(
                tx,
                order,
                wave,
                sku=line.sku,
                line_id=item.line_id,
                short=item.short,
                command=command,
            )
        return to_quantity(sum(item.short for item in shorts))


def _picked(uow: UnitOfWork, order_id: str, warehouse: str) -> dict[str, Quantity]:
    units: dict[str, Quantity] = {}
    for wave in _waves_of(uow, warehouse):
        _sum(units, wave.picked(order_id).items())
    return units


def _parcels_of(uow: UnitOfWork, order_id: str, warehouse: str | None = None) -> list[Parcel]:
    return [
        p
        for p in uow.parcels.list()
        if p.order_id == order_id and (warehouse is None or p.warehouse == warehouse)
    ]


def pack_parcel(app: SalesApp, command: PackParcel) -> str:
    """Pack picked units of an order into a new parcel; returns its id.

    Weight and volume come from the products unless given. Once every reserved unit of the
    order is in a parcel, the order is packed. The decisions are
    :mod:`salesorder.domain.packing`'s.

    Raises:
        PackExceedsPicked: a line would have more packed than was picked.
        NotFound: the order or a line does not exist.
    """
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        uow.warehouses.get(command.warehouse)
        parcels = _parcels_of(uow, order.id)
        items = parcel_items(
            order,
            command.warehouse,
            [(line.line_id, line.quantity) for line in command.lines],
            picked=_picked(uow, order.id, command.warehouse),
            packed=packed_units(p for p in parcels if p.warehouse == command.warehouse),
        )
        products = {item.sku: uow.products.get(item.sku) for item in items}
        size = measure(items, products, weight_kg=command.weight_kg, dimensions=command.dimensions)
        parcel = Parcel(
            id=app.ids.next_id("parcel"),
            order_id=order.id,
            warehouse=command.warehouse,
            packed_at=tx.now,
            items=tuple(items),
            weight_kg=size.weight_kg,
            volume_cm3=size.volume_cm3,
            dimensions=command.dimensions,
        )
        uow.parcels.add(parcel)
        if packs_the_order(order, [*parcels, parcel]):
            order.mark_packed(tx.now)
        return parcel.id


def _check_handover(uow: UnitOfWork, command: CreateManifest) -> dict[str, list[Parcel]]:
    """The manifest's parcels by order, after checking that every order can ship."""
    if len(set(command.parcel_ids)) != len(command.parcel_ids):
        raise DuplicateError(f"manifest parcel ids repeat: {list(command.parcel_ids)}")
    by_order: dict[str, list[Parcel]] = {}
    for parcel_id in command.parcel_ids:
        parcel = uow.parcels.find(parcel_id)
        if parcel is None:
            raise UnknownParcel(parcel_id)
        if parcel.warehouse != command.warehouse:
            raise ValidationError(
                f"parcel {parcel_id!r} is in {parcel.warehouse!r}, "
                f"the pickup is at {command.warehouse!r}"
            )
        if parcel.status is not ParcelStatus.PACKED:
            raise IllegalTransition(
                f"parcel {parcel_id!r}", parcel.status.value, "hand over", "it left already"
            )
        by_order.setdefault(parcel.order_id, []).append(parcel)
    for order_id, parcels in by_order.items():
        order = uow.orders.get(order_id)
        waiting = [
            p
            for p in _parcels_of(uow, order_id, command.warehouse)
            if p.status is ParcelStatus.PACKED
        ]
        missing = sorted({p.id for p in waiting} - {p.id for p in parcels})
        if missing:
            raise ValidationError(
                f"{order.thing}: parcel(s) {missing} packed in {command.warehouse!r} are not on "
                "the manifest; an order's parcels from one warehouse are handed over together"
            )
        reserved = _sum(
            {}, ((p.line_id, p.quantity) for p in order.picks if p.warehouse == command.warehouse)
        )
        packed = packed_units(parcels)
        if not reserved or any(packed.get(k, 0) < v for k, v in reserved.items()):
            raise IllegalTransition(
                order.thing,
                order.status.value,
                "hand over",
                f"its reserved units in {command.warehouse!r} are not all packed",
            )
        if order.must_be_paid_to_ship and order.pricing and order.paid < order.total:
            raise IllegalTransition(
                order.thing,
                order.status.value,
                "hand over",
                f"it is paid by {order.payment_method.value} and not fully paid",
            )
    return by_order


def create_manifest(app: SalesApp, command: CreateManifest) -> str:
    """Hand parcels to a courier: ship their orders, mark the parcels, keep the manifest.

    Everything is checked first (parcels known, packed, from this warehouse, each order's
    parcels all present, prepaid orders paid); then each order is shipped for its units in
    the warehouse (:class:`~salesorder.services.commands.ShipOrder`, one booking each), and
    the manifest lists every parcel with its tracking number. Parcels not on a manifest stay
    packed. Returns the manifest id.

    The bookings are made one order at a time; when the courier refuses one, the orders
    booked before it are shipped and a manifest of their parcels is kept, the error is
    raised, and the other parcels stay packed for another manifest.
    """
    app.courier(command.courier)
    with app.transaction() as tx:
        by_order = _check_handover(tx.uow, command)
    shipments: dict[str, str] = {}
    try:
        for order_id in by_order:
            shipments[order_id] = app.execute(
                ShipOrder(
                    order_id=order_id,
                    courier=command.courier,
                    service=command.service,
                    fee_payer=command.fee_payer,
                    warehouse=command.warehouse,
                )
            )
    except BaseException:
        # A booking that fails half-way (the courier refuses) still leaves a manifest of the
        # parcels that did ship, so a shipped parcel is never missing from every manifest.
        if shipments:
            _record_manifest(app, command, shipments)
        raise
    return _record_manifest(app, command, shipments)


def _record_manifest(app: SalesApp, command: CreateManifest, shipments: dict[str, str]) -> str:
    """Mark the parcels of the shipped orders handed over and store their manifest."""
    with app.transaction() as tx:
        manifest_id = app.ids.next_id("manifest")
        entries = []
        for parcel_id in command.parcel_ids:
            parcel = tx.uow.parcels.get(parcel_id)
            if parcel.order_id not in shipments:
                continue
            shipment = tx.uow.shipments.get(shipments[parcel.order_id])
            parcel.hand_over(manifest_id, shipment.id, shipment.tracking_number)
            entries.append(
                ManifestEntry(
                    parcel_id=parcel.id,
                    order_id=parcel.order_id,
                    shipment_id=shipment.id,
                    tracking_number=shipment.tracking_number,
                    weight_kg=parcel.weight_kg,
                )
            )
        tx.uow.manifests.add(
            Manifest(
                id=manifest_id,
                courier=command.courier,
                warehouse=command.warehouse,
                created_at=tx.now,
                entries=tuple(entries),
            )
        )
        return manifest_id
