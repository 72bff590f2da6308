"""Warehouse work: bin locations, waves and their pick lists, parcels and courier manifests.

A warehouse's :class:`WarehouseLayout` says in which bin each SKU lives. A bin is an
``(aisle, position)`` pair: aisles are parallel, numbered from 1, ``aisle_spacing_m`` metres
apart; positions run from the front cross aisle (position 0, where the depot is, at aisle 1)
to the back cross aisle, one metre apart.

A :class:`Wave` batches the reserved units of several orders in one warehouse into one pick
list: units of the same SKU are picked together, and the list runs in serpentine order (the
first aisle visited is walked front to back, the next back to front, and so on), so a picker
walks each aisle once. A wave of one order is single-order picking, for urgent orders.

Confirming a pick may find fewer units than were reserved (a short pick); the shortfall is
recorded on the wave's items, first on the orders listed last (the wave lists orders in the
order they were given, urgent ones first), and the services correct the stock and re-allocate
or backorder the line.

A :class:`Parcel` holds picked units of one order; it never holds more than was picked.
A :class:`Manifest` lists the parcels handed to a courier at one pickup, with their tracking
numbers; only parcels on a manifest are shipped.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesorder.domain.catalog import Dimensions
from salesorder.domain.common import (
    as_tuple,
    aware_datetime,
    code,
    non_negative_decimal,
    positive_int,
)
from salesorder.domain.units import Quantity, non_negative_quantity, positive_quantity, to_quantity
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import (
    IllegalTransition,
    InvalidQuantity,
    NotOnPickList,
    PackExceedsPicked,
    ValidationError,
)
from salesorder.money import decimal_isolated, to_decimal

__all__ = [
    "DEFAULT_VOLUMETRIC_DIVISOR",
    "BinLocation",
    "Manifest",
    "ManifestEntry",
    "Parcel",
    "ParcelItem",
    "ParcelStatus",
    "PickListLine",
    "PickRequest",
    "WarehouseLayout",
    "Wave",
    "WaveItem",
    "WaveStatus",
    "packable",
    "plan_wave",
    "serpentine",
]

#: The courier divisor most used in Southeast Asia, in cm3 per kg of volumetric weight.
DEFAULT_VOLUMETRIC_DIVISOR = 6000


def _decimal(value: object) -> Decimal:
    return to_decimal(value, what="weight")


@attrs.frozen(kw_only=True, order=True)
class BinLocation:
    """Where a SKU lives: ``aisle`` (from 1) and ``position`` along it (from 1, in metres)."""

    aisle: int = attrs.field(validator=positive_int)
    position: int = attrs.field(validator=positive_int)

    @property
    def label(self) -> str:
        """How pickers read it, such as ``A03-012``."""
        return f"A{self.aisle:02d}-{self.position:03d}"


def serpentine(bins: Iterable[BinLocation]) -> list[BinLocation]:
    """``bins`` (without repeats) in the order a picker walks them, each aisle once.

    Aisles are visited in ascending order; the first visited aisle is walked front to back,
    the second back to front, and so on.
    """
    unique = set(bins)
    rank = {aisle: index for index, aisle in enumerate(sorted({b.aisle for b in unique}))}
    return sorted(
        unique, key=lambda b: (b.aisle, b.position if rank[b.aisle] % 2 == 0 else -b.position)
    )


@attrs.define(kw_only=True)
class WarehouseLayout:
    """The bins of one warehouse: which SKU is where, and how far apart aisles are."""

    warehouse: str = attrs.field(validator=code)
    bins: dict[str, BinLocation] = attrs.Factory(dict)
    aisle_spacing_m: int = attrs.field(default=3, validator=positive_int)

    def bin_of(self, sku: str) -> BinLocation | None:
        """The bin of ``sku``, or None when it has none."""
        return self.bins.get(sku)

    def assign(self, bins: Mapping[str, BinLocation]) -> None:
        """Put each SKU in ``bins`` in its bin (replacing where it was)."""
        for sku in bins:
            code(self, attrs.fields(WarehouseLayout).warehouse, sku)
        self.bins.update(bins)

    @property
    def back(self) -> int:
        """The back cross aisle's position (one past the deepest bin)."""
        return max((b.position for b in self.bins.values()), default=0) + 1

    def _step(self, here: BinLocation | None, there: BinLocation | None) -> int:
        # None is the depot: the front of aisle 1.
        a1, p1 = (1, 0) if here is None else (here.aisle, here.position)
        a2, p2 = (1, 0) if there is None else (there.aisle, there.position)
        if a1 == a2:
            return abs(p1 - p2)
        across = abs(a1 - a2) * self.aisle_spacing_m
        back = self.back
        return across + min(p1 + p2, (back - p1) + (back - p2))

    def route_m(self, stops: Sequence[BinLocation]) -> int:
        """Metres walked from the depot through ``stops`` in that order and back."""
        total, here = 0, None
        for stop in stops:
            total += self._step(here, stop)
            here = stop
        return total + self._step(here, None)

    def walk_m(self, bins: Iterable[BinLocation]) -> int:
        """Metres walked to visit ``bins`` in serpentine order, from the depot and back."""
        return self.route_m(serpentine(bins))


@attrs.frozen(kw_only=True)
class PickRequest:
    """Reserved units of one order line in a warehouse, to be picked."""

    order_id: str = attrs.field(validator=code)
    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)


@attrs.frozen(kw_only=True)
class WaveItem:
    """One order line's share of a pick list line: ``quantity`` reserved, ``picked`` found.

    ``picked`` is None until the pick is confirmed; ``short`` is what was not found.
    """

    order_id: str = attrs.field(validator=code)
    line_id: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    picked: Quantity | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(as_quantity),
        validator=attrs.validators.optional(non_negative_quantity),
    )

    def __attrs_post_init__(self) -> None:
        if self.picked is not None and self.picked > self.quantity:
            raise InvalidQuantity(
                f"order {self.order_id!r} line {self.line_id!r}: picked {self.picked}, "
                f"only {self.quantity} reserved"
            )

    @property
    @decimal_isolated
    def short(self) -> Quantity:
        """Units reserved but not found (0 until confirmed)."""
        return 0 if self.picked is None else to_quantity(self.quantity - self.picked)


@attrs.frozen(kw_only=True)
class PickListLine:
    """All units of one SKU a wave picks, from one bin (None when the SKU has no bin)."""

    sku: str = attrs.field(validator=code)
    bin: BinLocation | None = None
    items: tuple[WaveItem, ...] = attrs.field(converter=as_tuple)

    @property
    @decimal_isolated
    def quantity(self) -> Quantity:
        """Units to pick."""
        return to_quantity(sum(item.quantity for item in self.items))

    @property
    def confirmed(self) -> bool:
        """True once the picker said how many were found."""
        return all(item.picked is not None for item in self.items)

    @property
    @decimal_isolated
    def picked(self) -> Quantity:
        """Units found (0 until confirmed)."""
        return to_quantity(sum(item.picked or 0 for item in self.items))

    @property
    @decimal_isolated
    def short(self) -> Quantity:
        """Units not found."""
        return to_quantity(sum(item.short for item in self.items))


class WaveStatus(str, enum.Enum):
    """A wave is open until every line of its pick list is confirmed."""

    OPEN = "open"
    PICKED = "picked"


@attrs.define(kw_only=True)
class Wave:
    """A batch of orders picked together in one warehouse, with its pick list.

    ``lines`` are in walking order. ``urgent`` marks single-order picking.
    """

    id: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    lines: list[PickListLine] = attrs.Factory(list)
    urgent: bool = False
    status: WaveStatus = WaveStatus.OPEN

    @property
    def thing(self) -> str:
        """How errors name this wave."""
        return f"wave {self.id!r}"

    @property
    def order_ids(self) -> list[str]:
        """The orders on the wave, in the order they were given."""
        return list(dict.fromkeys(i.order_id for line in self.lines for i in line.items))

    def line(self, sku: str) -> PickListLine:
        """The pick list line of ``sku``.

        Raises:
            NotOnPickList: the SKU is not on this wave's pick list.
        """
        for line in self.lines:
            if line.sku == sku:
                return line
        raise NotOnPickList(self.id, f"SKU {sku!r}")

    def entries(self) -> list[tuple[str, WaveItem]]:
        """Every (SKU, item) on the pick list."""
        return [(line.sku, item) for line in self.lines for item in line.items]

    @decimal_isolated
    def reserved(self) -> dict[tuple[str, str], Quantity]:
        """Units on the list per (order id, line id)."""
        units: dict[tuple[str, str], Quantity] = {}
        for _, item in self.entries():
            key = (item.order_id, item.line_id)
            units[key] = to_quantity(units.get(key, 0) + item.quantity)
        return units

    @decimal_isolated
    def picked(self, order_id: str) -> dict[str, Quantity]:
        """Units of ``order_id`` found, per line id (confirmed lines only)."""
        units: dict[str, Quantity] = {}
        for _, item in self.entries():
            if item.order_id == order_id and item.picked:
                units[item.line_id] = to_quantity(units.get(item.line_id, 0) + item.picked)
        return units

    @decimal_isolated
    def confirm(self, sku: str, picked: Quantity) -> list[WaveItem]:
        """The picker found ``picked`` units of ``sku``; returns the items left short.

        The units found go to the items in list order (urgent and earlier orders first);
        the items after them are short.

        Raises:
            NotOnPickList: ``sku`` is not on the list.
            IllegalTransition: the line was confirmed already.
            InvalidQuantity: ``picked`` is negative or more than the line asks for.
        """
        line = self.line(sku)
        picked = to_quantity(picked, what=f"{self.thing} SKU {sku!r} picked")
        if line.confirmed:
            raise IllegalTransition(
                self.thing, self.status.value, f"confirm the pick of SKU {sku!r}", "it is done"
            )
        if not 0 <= picked <= line.quantity:
            raise InvalidQuantity(
                f"{self.thing} SKU {sku!r}: picked {picked}, the list asks for {line.quantity}"
            )
        left, items = picked, []
        for item in line.items:
            found = min(item.quantity, left)
            left -= found
            items.append(attrs.evolve(item, picked=found))
        self.lines[self.lines.index(line)] = attrs.evolve(line, items=tuple(items))
        if all(line.confirmed for line in self.lines):
            self.status = WaveStatus.PICKED
        return [item for item in items if item.short]

    def pick_list(self) -> str:
        """The pick list as text, in walking order."""
        head = f"Pick list {self.id} - warehouse {self.warehouse}"
        if self.urgent:
            head += " - URGENT"
        rows = [head, f"Orders: {', '.join(self.order_ids)}"]
        for line in self.lines:
            where = line.bin.label if line.bin else "no bin"
            shares = ", ".join(f"{i.order_id}/{i.line_id} x{i.quantity}" for i in line.items)
            rows.append(f"{where:<9} {line.sku:<16} {line.quantity:>5}  ({shares})")
        return "\n".join(rows)


def plan_wave(
    wave_id: str,
    layout: WarehouseLayout,
    requests: Sequence[PickRequest],
    created_at: dt.datetime,
    *,
    urgent: bool = False,
) -> Wave:
    """A wave picking ``requests`` (in priority order) in ``layout``'s warehouse.

    Units of a SKU form one pick list line; lines run in serpentine bin order, SKUs without
    a bin last (by SKU).

    Raises:
        ValidationError: no requests, or one order line is requested twice.
    """
    if not requests:
        raise ValidationError(f"wave {wave_id!r} in {layout.warehouse!r} has nothing to pick")
    seen: set[tuple[str, str]] = set()
    by_sku: dict[str, list[WaveItem]] = {}
    for request in requests:
        key = (request.order_id, request.line_id)
        if key in seen:
            raise ValidationError(
                f"wave {wave_id!r}: order {request.order_id!r} line {request.line_id!r} twice"
            )
        seen.add(key)
        by_sku.setdefault(request.sku, []).append(
            WaveItem(order_id=request.order_id, line_id=request.line_id, quantity=request.quantity)
        )
    walk = {
        b: index for index, b in enumerate(serpentine(filter(None, map(layout.bin_of, by_sku))))
    }
    lines = [
        PickListLine(sku=sku, bin=layout.bin_of(sku), items=tuple(items))
        for sku, items in by_sku.items()
    ]
    lines.sort(key=lambda line: (walk[line.bin], "") if line.bin else (len(walk), line.sku))
    return Wave(
        id=wave_id, warehouse=layout.warehouse, created_at=created_at, lines=lines, urgent=urgent
    )


@attrs.frozen(kw_only=True)
class ParcelItem:
    """Units of one order line in a parcel."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)


@decimal_isolated
def packable(
    order_id: str,
    picked: Mapping[str, Quantity],
    packed: Mapping[str, Quantity],
    items: Sequence[ParcelItem],
) -> None:
    """Check that ``items`` fit in what was ``picked`` and not yet ``packed`` (per line id).

    Raises:
        PackExceedsPicked: a line would have more packed than picked.
    """
    wanted: dict[str, Quantity] = {}
    for item in items:
        wanted[item.line_id] = to_quantity(wanted.get(item.line_id, 0) + item.quantity)
    for line_id, units in wanted.items():
        left = to_quantity(picked.get(line_id, 0) - packed.get(line_id, 0))
        if units > left:
            raise PackExceedsPicked(order_id, line_id, units, left)


class ParcelStatus(str, enum.Enum):
    """Packed and waiting for the courier, or handed over on a manifest."""

    PACKED = "packed"
    SHIPPED = "shipped"


@attrs.define(kw_only=True)
class Parcel:
    """A box of one order's picked units, packed in ``warehouse``.

    ``weight_kg`` is the actual weight; ``volume_cm3`` is the box's volume (its
    ``dimensions`` when measured, else the products' volumes added up). The volumetric weight
    depends on the courier's divisor (cm3 per kg), so it is computed, not stored.
    """

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    packed_at: dt.datetime = attrs.field(validator=aware_datetime)
    items: tuple[ParcelItem, ...] = attrs.field(converter=as_tuple)
    weight_kg: Decimal = attrs.field(converter=_decimal, validator=non_negative_decimal)
    volume_cm3: Decimal = attrs.field(converter=_decimal, validator=non_negative_decimal)
    dimensions: Dimensions | None = None
    status: ParcelStatus = ParcelStatus.PACKED
    manifest_id: str = ""
    shipment_id: str = ""
    tracking_number: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise ValidationError(f"parcel {self.id!r} of order {self.order_id!r} is empty")

    @decimal_isolated
    def volumetric_weight_kg(self, divisor: int = DEFAULT_VOLUMETRIC_DIVISOR) -> Decimal:
        """Volume / ``divisor`` (the courier's cm3 per kg), to 3 decimals, rounded up."""
        if divisor <= 0:
            raise ValidationError(f"volumetric divisor must be above zero, got {divisor}")
        return (self.volume_cm3 / Decimal(divisor)).quantize(Decimal("0.001"), "ROUND_CEILING")

    def chargeable_weight_kg(self, divisor: int = DEFAULT_VOLUMETRIC_DIVISOR) -> Decimal:
        """What couriers charge for: the larger of actual and volumetric weight."""
        return max(self.weight_kg, self.volumetric_weight_kg(divisor))

    @decimal_isolated
    def units(self) -> dict[str, Quantity]:
        """Units per line id."""
        units: dict[str, Quantity] = {}
        for item in self.items:
            units[item.line_id] = to_quantity(units.get(item.line_id, 0) + item.quantity)
        return units

    def hand_over(self, manifest_id: str, shipment_id: str, tracking_number: str) -> None:
        """The courier took the parcel on ``manifest_id``.

        Raises:
            IllegalTransition: it was handed over already.
        """
        if self.status is not ParcelStatus.PACKED:
            raise IllegalTransition(
                f"parcel {self.id!r}", self.status.value, "hand over", f"on {self.manifest_id!r}"
            )
        self.status = ParcelStatus.SHIPPED
        self.manifest_id = manifest_id
        self.shipment_id = shipment_id
        self.tracking_number = tracking_number

    def packing_slip(self, names: Mapping[str, str] | None = None) -> str:
        """The slip that goes in the box: order, parcel and what is in it.

        ``names`` maps SKUs to product names to print next to them.
        """
        names = names or {}
        rows = [
            f"Packing slip - order {self.order_id} - parcel {self.id}",
            f"From warehouse {self.warehouse}, packed {self.packed_at.date().isoformat()}",
        ]
        for item in self.items:
            name = names.get(item.sku, "")
            rows.append(f"  line {item.line_id:<4} {item.sku:<16} x{item.quantity:<4} {name}")
        rows.append(f"Weight {self.weight_kg} kg")
        return "\n".join(row.rstrip() for row in rows)


@attrs.frozen(kw_only=True)
class ManifestEntry:
    """A parcel handed over, with the courier's tracking number."""

    parcel_id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    shipment_id: str
    tracking_number: str
    weight_kg: Decimal = attrs.field(converter=_decimal)


@attrs.frozen(kw_only=True)
class Manifest:
    """What a courier took at one pickup from one warehouse."""

    id: str = attrs.field(validator=code)
    courier: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    entries: tuple[ManifestEntry, ...] = attrs.field(converter=as_tuple)

    def __attrs_post_init__(self) -> None:
        if not self.entries:
            raise ValidationError(f"manifest {self.id!r} lists no parcel")

    @property
    def parcel_ids(self) -> list[str]:
        """The parcels handed over."""
        return [entry.parcel_id for entry in self.entries]

    def text(self) -> str:
        """The manifest as the courier signs it."""
        rows = [
            f"Manifest {self.id} - {self.courier} pickup at {self.warehouse}, "
            f"{self.created_at.isoformat()}",
        ]
        rows.extend(
            f"  {e.parcel_id:<10} order {e.order_id:<10} {e.tracking_number:<20} {e.weight_kg} kg"
            for e in self.entries
        )
        rows.append(f"{len(self.entries)} parcel(s)")
        return "\n".join(row.rstrip() for row in rows)
