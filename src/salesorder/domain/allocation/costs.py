"""Distances and the planning cost of shipments.

Every distance in allocation comes from :class:`_Context`, for the strategies, the batch
planner and the exact optimizer alike, by the cost model's ``distance``:

- :class:`GreatCircle` (the default): the haversine formula on the mean Earth radius
  (:func:`_great_circle_km`; callers have it as :func:`haversine_km`);
- :class:`Planar`: straight lines between x/y positions in km on a flat map;
- :class:`~salesorder.domain.allocation.ZoneTable`: km looked up per (zone, warehouse).

Costs are planning scores in the cost model's units (floats for speed), never amounts
charged; the courier's quote is what an order is billed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

import attrs

from salesorder.domain.allocation.model import Allocation, OrderDemand, ZoneTable
from salesorder.domain.common import non_negative_decimal
from salesorder.domain.customers import GeoPoint, Warehouse
from salesorder.domain.units import Quantity
from salesorder.exceptions import ValidationError
from salesorder.money import to_decimal

__all__ = ["CostModel", "GreatCircle", "Planar", "allocation_cost", "haversine_km"]

_EARTH_RADIUS_KM = 6371.0088
_DIAMETER_KM = 2 * _EARTH_RADIUS_KM

#: A point prepared once for many distances: latitude and longitude in radians, and the
#: cosine of the latitude.
_Point = tuple[float, float, float]


def _great_circle_km(dlat: float, dlon: float, cos_a: float, cos_b: float) -> float:
    """Great-circle km between points ``a`` and ``b`` (haversine formula, mean Earth radius).

    Args:
        dlat: ``b``'s latitude less ``a``'s, in radians.
        dlon: ``b``'s longitude less ``a``'s, in radians.
        cos_a: the cosine of ``a``'s latitude.
        cos_b: the cosine of ``b``'s latitude.
    """
    h = math.sin(dlat / 2) ** 2 + cos_a * cos_b * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _point(point: GeoPoint) -> _Point:
    lat = math.radians(float(point.latitude))
    return (lat, math.radians(float(point.longitude)), math.cos(lat))


def haversine_km(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance in kilometres between two points (mean Earth radius)."""
    # The longitude difference is taken in degrees, then converted, as this function always
    # has; the planner subtracts points converted once (_Context.distances). Both are kept so
    # that every result stays what it was to the last bit.
    lat_a, lat_b = math.radians(float(a.latitude)), math.radians(float(b.latitude))
    dlon = math.radians(float(b.longitude) - float(a.longitude))
    return _great_circle_km(lat_b - lat_a, dlon, math.cos(lat_a), math.cos(lat_b))


@attrs.frozen(kw_only=True)
class GreatCircle:
    """Km along the Earth's surface between coordinates (haversine, mean Earth radius).

    The default distance; a warehouse or customer without coordinates is ``unknown_km``
    away.
    """


def _positions(
    value: Mapping[str, tuple[object, object]],
) -> dict[str, tuple[Decimal, Decimal]]:
    """Positions as Decimal km; refuses what no position can be.

    Raises:
        ValidationError: a key that is not non-empty text, or a position that is not a
            pair of finite numbers.
    """
    result = {}
    for place, position in value.items():
        if not isinstance(place, str) or not place:
            raise ValidationError(f"planar positions are keyed by non-empty text, got {place!r}")
        if not isinstance(position, tuple) or len(position) != 2:
            raise ValidationError(
                f"the position of {place!r} must be an (x, y) pair of km, got {position!r}"
            )
        x, y = (to_decimal(v, what=f"the position of {place!r}") for v in position)
        result[place] = (x, y)
    return result


@attrs.frozen(kw_only=True)
class Planar:
    """Straight-line km between x/y positions on a flat map (a city grid, a site plan).

    ``positions`` maps a warehouse code, or a customer's zone (``OrderDemand.zone``; a zone
    may be as small as one address), to its ``(x, y)`` in km. A warehouse or customer
    without a position is the cost model's ``unknown_km`` away.

    Raises:
        ValidationError: a key that is not non-empty text, or a position that is not a pair
            of finite numbers (Decimal, int or str; a float is refused, as for amounts).
    """

    positions: Mapping[str, tuple[Decimal, Decimal]] = attrs.field(converter=_positions)


def _distance(value: object) -> GreatCircle | Planar | ZoneTable:
    if not isinstance(value, (GreatCircle, Planar, ZoneTable)):
        raise ValidationError(
            f"CostModel.distance must be GreatCircle(), Planar(...) or ZoneTable(...), "
            f"got {value!r}"
        )
    return value


@attrs.frozen(kw_only=True)
class CostModel:
    """The planning cost of a shipment: ``per_parcel + units * (per_unit + per_unit_km * km)``.

    ``distance`` says how km are measured: :class:`GreatCircle` between coordinates (the
    default), :class:`Planar` between x/y positions in km, or a
    :class:`~salesorder.domain.allocation.ZoneTable` of km per (zone, warehouse). Unknown
    distances (no coordinates, no position, no table entry) count as ``unknown_km``.

    Raises:
        ValidationError: a negative cost, or a ``distance`` that is none of those.
    """

    per_parcel: Decimal = attrs.field(
        default=Decimal(10), converter=to_decimal, validator=non_negative_decimal
    )
    per_unit: Decimal = attrs.field(
        default=Decimal(1), converter=to_decimal, validator=non_negative_decimal
    )
    per_unit_km: Decimal = attrs.field(
        default=Decimal("0.01"), converter=to_decimal, validator=non_negative_decimal
    )
    unknown_km: Decimal = attrs.field(
        default=Decimal(0), converter=to_decimal, validator=non_negative_decimal
    )
    distance: GreatCircle | Planar | ZoneTable = attrs.field(
        factory=GreatCircle, converter=_distance
    )


class _Context:
    """Warehouses prepared once per batch: ranked by priority, coordinates as floats."""

    def __init__(
        self, warehouses: Sequence[Warehouse], zones: ZoneTable | None, cost: CostModel
    ) -> None:
        if not warehouses:
            raise ValidationError("there are no warehouses to allocate from")
        self.warehouses = sorted(warehouses, key=lambda w: (w.priority, w.code))
        self.codes = [w.code for w in self.warehouses]
        self.prepared = [
            None if w.coordinates is None else _point(w.coordinates) for w in self.warehouses
        ]
        # The same, when every warehouse has coordinates (the usual case, and the fast one).
        self.all_prepared: list[_Point] | None = [p for p in self.prepared if p is not None]
        if len(self.all_prepared) < len(self.prepared):
            self.all_prepared = None
        table = zones
        if table is None and isinstance(cost.distance, ZoneTable):
            table = cost.distance
        self.zones = {} if table is None else {k: float(v) for k, v in table.distances.items()}
        # Planar positions in km (x, y) of the warehouses, in rank order, and of the zones.
        self.planar: dict[str, tuple[float, float]] | None = None
        self.placed: list[tuple[float, float] | None] = []
        if isinstance(cost.distance, Planar):
            self.planar = {k: (float(x), float(y)) for k, (x, y) in cost.distance.positions.items()}
            self.placed = [self.planar.get(code_) for code_ in self.codes]
        self.parcel = float(cost.per_parcel)
        self.unit = float(cost.per_unit)
        self.unit_km = float(cost.per_unit_km)
        self.unknown = float(cost.unknown_km)
        # Distances a batch already computed, by id() of orders it keeps alive.
        self.known: dict[int, list[float]] = {}

    def distances(self, order: OrderDemand) -> list[float]:
        """Km from each warehouse (in rank order) to the order's customer.

        The zone table's distance where it has the pair, else the great-circle distance,
        else (no coordinates) the cost model's ``unknown_km``.
        """
        known = self.known.get(id(order))
        if known is not None:
            return known
        if self.planar is not None:
            return self._planar(order, self.planar)
        dest = order.destination
        point = None if dest is None else _point(dest)
        zones = self.zones if order.zone else None
        if point is not None and not zones and self.all_prepared is not None:
            # The usual case, with _great_circle_km written out: a batch computes a distance
            # per order and warehouse, and the calls were a tenth of its time. ``h if h < 1.0
            # else 1.0`` is min(1.0, h), NaN included, without the call.
            lat_b, lon_b, cos_b = point
            sin, asin, sqrt, diameter = math.sin, math.asin, math.sqrt, _DIAMETER_KM
            result = []
            for lat, lon, cos in self.all_prepared:
                h = sqrt(sin((lat_b - lat) / 2) ** 2 + cos * cos_b * sin((lon_b - lon) / 2) ** 2)
                result.append(diameter * asin(h if h < 1.0 else 1.0))
            return result
        result = []
        for code_, prepared in zip(self.codes, self.prepared, strict=True):
            km = zones.get((order.zone, code_)) if zones else None
            if km is None:
                if point is None or prepared is None:
                    km = self.unknown
                else:
                    lat, lon, cos = prepared
                    km = _great_circle_km(point[0] - lat, point[1] - lon, cos, point[2])
            result.append(km)
        return result

    def _planar(self, order: OrderDemand, planar: dict[str, tuple[float, float]]) -> list[float]:
        """Straight-line km from each warehouse to the position of the order's zone."""
        at = planar.get(order.zone) if order.zone else None
        if at is None:
            return [self.unknown] * len(self.codes)
        x, y = at
        return [
            self.unknown if where is None else math.hypot(where[0] - x, where[1] - y)
            for where in self.placed
        ]

    def spread(self) -> list[list[float]] | None:
        """Km between each two warehouses (rank order) when they bound every order's distances.

        For any order, ``distances(order)[t] - distances(order)[s] <= spread[s][t]`` (the
        triangle inequality, up to rounding): true of great-circle and planar km, where a
        warehouse without coordinates (or position) is ``inf`` from every other, since an
        order with them has it at ``unknown_km``, and an order without has every warehouse
        there. ``None`` with zone distances, which obey no such rule.
        """
        if self.planar is not None:
            return [
                [
                    math.inf if a is None or b is None else math.hypot(a[0] - b[0], a[1] - b[1])
                    for b in self.placed
                ]
                for a in self.placed
            ]
        if self.zones:
            return None
        return [
            [
                math.inf
                if a is None or b is None
                else _great_circle_km(b[0] - a[0], b[1] - a[1], a[2], b[2])
                for b in self.prepared
            ]
            for a in self.prepared
        ]

    def shipment_cost(self, units: Quantity, km: float) -> float:
        """The cost model's cost of one parcel of ``units`` shipped ``km``."""
        return self.parcel + float(units) * (self.unit + self.unit_km * km)


def allocation_cost(
    allocations: Iterable[Allocation],
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    *,
    cost: CostModel | None = None,
    zones: ZoneTable | None = None,
) -> float:
    """The planning cost of ``allocations`` under ``cost`` (one parcel per order and warehouse)."""
    ctx = _Context(warehouses, zones, cost or CostModel())
    index = {c: i for i, c in enumerate(ctx.codes)}
    by_id = {order.order_id: order for order in orders}
    total = 0.0
    for allocation in allocations:
        km = ctx.distances(by_id[allocation.order_id])
        units: dict[str, Quantity] = {}
        for pick in allocation.picks:
            units[pick.warehouse] = units.get(pick.warehouse, 0) + pick.quantity
        total += sum(ctx.shipment_cost(u, km[index[w]]) for w, u in units.items())
    return total
