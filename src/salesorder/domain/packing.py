"""Packing an order's picked units into parcels: what goes in, what it weighs, when it is done.

:func:`parcel_items` decides what a new parcel holds, :func:`measure` its weight and volume,
and :func:`packs_the_order` whether, with it, every reserved unit is packed (the order is
then packed). Loading the picks and parcels and saving the new parcel are the service's
(:func:`salesorder.services.warehouse.pack_parcel`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesorder.domain.catalog import Dimensions, Product
from salesorder.domain.lifecycle import IN_WAREHOUSE, OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.units import Quantity, to_quantity
from salesorder.domain.warehouse import Parcel, ParcelItem, ParcelStatus, packable
from salesorder.exceptions import IllegalTransition, InvalidQuantity, ValidationError

__all__ = ["Measurement", "measure", "packed_units", "packs_the_order", "parcel_items"]


def packed_units(
    parcels: Iterable[Parcel], status: ParcelStatus | None = None
) -> dict[str, Quantity]:
    """Units in ``parcels`` (those in ``status``, when given), per order line id."""
    units: dict[str, Quantity] = {}
    for parcel in parcels:
        if status is None or parcel.status is status:
            for line_id, quantity in parcel.units().items():
                units[line_id] = to_quantity(units.get(line_id, 0) + quantity)
    return units


def parcel_items(
    order: Order,
    warehouse: str,
    requested: Sequence[tuple[str, Quantity]],
    picked: Mapping[str, Quantity],
    packed: Mapping[str, Quantity],
) -> list[ParcelItem]:
    """What a new parcel of ``order`` from ``warehouse`` holds.

    ``requested`` is (line id, units) pairs; none packs every unit ``picked`` there and not
    yet ``packed`` (both per line id).

    Raises:
        IllegalTransition: the order's units are not in the warehouse.
        InvalidQuantity: a requested line has no units (zero or less).
        NotFound: a requested line is not on the order.
        ValidationError: nothing is requested and nothing is left to pack.
        PackExceedsPicked: a line would have more packed than was picked.
    """
    if order.status not in IN_WAREHOUSE:
        raise IllegalTransition(order.thing, order.status.value, "pack")
    items = []
    for line_id, quantity in requested:
        if quantity <= 0:
            raise InvalidQuantity(
                f"{order.thing} line {line_id!r}: a parcel holds more than 0 units, got {quantity}"
            )
        items.append(ParcelItem(line_id=line_id, sku=order.line(line_id).sku, quantity=quantity))
    if not requested:
        items = [
            ParcelItem(line_id=line.line_id, sku=line.sku, quantity=left)
            for line in order.lines
            if (left := picked.get(line.line_id, 0) - packed.get(line.line_id, 0)) > 0
        ]
        if not items:
            raise ValidationError(f"{order.thing} has nothing picked in {warehouse!r} left to pack")
    packable(order.id, picked, packed, items)
    return items


@attrs.frozen(kw_only=True)
class Measurement:
    """A parcel's actual weight (kg) and volume (cm3)."""

    weight_kg: Decimal
    volume_cm3: Decimal


def measure(
    items: Iterable[ParcelItem],
    products: Mapping[str, Product],
    *,
    weight_kg: Decimal | None = None,
    dimensions: Dimensions | None = None,
) -> Measurement:
    """The parcel's weight and volume: as weighed and measured, else the products' added up.

    ``products`` holds the product of every item's SKU; a product without dimensions adds
    no volume.
    """
    items = list(items)
    if weight_kg is None:
        weight_kg = sum((products[i.sku].weight_kg * i.quantity for i in items), Decimal(0))
    if dimensions is not None:
        volume = dimensions.volume_cm3
    else:
        volume = sum(
            (
                dims.volume_cm3 * i.quantity
                for i in items
                if (dims := products[i.sku].dimensions) is not None
            ),
            Decimal(0),
        )
    return Measurement(weight_kg=weight_kg, volume_cm3=volume)


def packs_the_order(order: Order, parcels: Iterable[Parcel]) -> bool:
    """True when, with ``parcels`` (the order's, the new one among them), the order is packed.

    That is when it is processing or picking and every reserved unit still to ship is in a
    parcel waiting for the courier, in the warehouse it is reserved in.
    """
    if order.status not in (OrderStatus.PROCESSING, OrderStatus.PICKING) or not order.picks:
        return False
    parcels = list(parcels)
    for warehouse in {p.warehouse for p in order.picks}:
        waiting = packed_units(
            (p for p in parcels if p.warehouse == warehouse), ParcelStatus.PACKED
        )
        reserved: dict[str, Quantity] = {}
        for pick in order.picks:
            if pick.warehouse == warehouse:
                reserved[pick.line_id] = to_quantity(reserved.get(pick.line_id, 0) + pick.quantity)
        if any(waiting.get(line_id, 0) < quantity for line_id, quantity in reserved.items()):
            return False
    return True
