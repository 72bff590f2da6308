"""A map of an allocation: warehouses, customers, and an arc for every parcel, by cost."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from salesorder.domain.allocation import (
    Allocation,
    BatchAllocation,
    CostModel,
    OrderDemand,
    Planar,
    allocation_cost,
)
from salesorder.domain.common import show
from salesorder.domain.customers import Warehouse
from salesorder.domain.units import Quantity
from salesorder.exceptions import ValidationError
from salesorder.plots._args import instance, items, plain
from salesorder.plots._matplotlib import _axes, _require

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["Parcel", "allocation_map", "parcels"]

#: A point on the map: (longitude, latitude) in degrees, or (x, y) in km on a Planar map.
_Point = tuple[float, float]


@attrs.frozen(kw_only=True)
class Parcel:
    """One arc of the map: ``units`` of an order shipped from a warehouse, and its cost.

    ``cost`` is the cost model's planning score of that one parcel
    (:func:`~salesorder.domain.allocation.allocation_cost`), not an amount charged.
    """

    order_id: str
    warehouse: str
    units: Quantity
    cost: float


def parcels(
    allocations: BatchAllocation | Iterable[Allocation],
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    *,
    cost: CostModel | None = None,
) -> list[Parcel]:
    """One :class:`Parcel` per order and warehouse its picks come from, in pick order.

    The parcels' costs add up to :func:`~salesorder.domain.allocation.allocation_cost` of
    the allocations (one parcel per order and warehouse, as there).

    Raises:
        ValidationError: an argument of the wrong type, an allocation's order is not among
            ``orders``, or a pick's warehouse is not among ``warehouses``.
    """
    batch, demands, depots, model = _arguments(allocations, orders, warehouses, cost)
    return _parcels(batch, demands, depots, model)


def _parcels(
    batch: list[Allocation],
    orders: list[OrderDemand],
    warehouses: list[Warehouse],
    model: CostModel,
) -> list[Parcel]:
    by_id = {order.order_id: order for order in orders}
    known = {w.code for w in warehouses}
    found = []
    for allocation in batch:
        order = by_id.get(allocation.order_id)
        if order is None:
            raise ValidationError(
                f"order {allocation.order_id!r} is allocated but not among the orders given"
            )
        picks: dict[str, list[object]] = {}
        for pick in allocation.picks:
            if pick.warehouse not in known:
                raise ValidationError(
                    f"order {allocation.order_id!r} picks from warehouse {pick.warehouse!r}, "
                    f"which is not among the warehouses given"
                )
            picks.setdefault(pick.warehouse, []).append(pick)
        for code, group in picks.items():
            one = Allocation(order_id=order.order_id, strategy=allocation.strategy, picks=group)
            found.append(
                Parcel(
                    order_id=order.order_id,
                    warehouse=code,
                    units=one.units_allocated,
                    cost=allocation_cost([one], [order], warehouses, cost=model),
                )
            )
    return found


def _arguments(
    allocations: object, orders: object, warehouses: object, cost: object
) -> tuple[list[Allocation], list[OrderDemand], list[Warehouse], CostModel]:
    """The arguments of :func:`parcels` and :func:`allocation_map`, checked, as lists.

    Raises:
        ValidationError: one is not of the type its function names.
    """
    batch = (
        list(allocations.allocations)
        if isinstance(allocations, BatchAllocation)
        else items(allocations, Allocation, "allocations")
    )
    model = CostModel() if cost is None else instance(cost, CostModel, "cost")
    return (
        batch,
        items(orders, OrderDemand, "orders"),
        items(warehouses, Warehouse, "warehouses"),
        model,
    )


def _places(
    orders: Sequence[OrderDemand], warehouses: Sequence[Warehouse], model: CostModel
) -> tuple[dict[str, _Point], dict[str, _Point]]:
    """Where each warehouse and each order's customer is on the map.

    Coordinates (longitude, latitude), or the positions of a :class:`Planar` cost model
    (a customer is at its zone's position).

    Raises:
        ValidationError: a warehouse or a customer that has no place on the map.
    """
    depots: dict[str, _Point] = {}
    customers: dict[str, _Point] = {}
    if isinstance(model.distance, Planar):
        positions = model.distance.positions
        for w in warehouses:
            if w.code not in positions:
                raise ValidationError(f"warehouse {w.code!r} has no position on the planar map")
            depots[w.code] = _floats(positions[w.code])
        for o in orders:
            if o.zone not in positions:
                raise ValidationError(
                    f"the zone {o.zone!r} of order {o.order_id!r} has no position on the planar map"
                )
            customers[o.order_id] = _floats(positions[o.zone])
        return depots, customers
    for w in warehouses:
        if w.coordinates is None:
            raise ValidationError(f"warehouse {w.code!r} has no coordinates to map")
        depots[w.code] = _floats((w.coordinates.longitude, w.coordinates.latitude))
    for o in orders:
        if o.destination is None:
            raise ValidationError(f"order {o.order_id!r} has no destination to map")
        customers[o.order_id] = _floats((o.destination.longitude, o.destination.latitude))
    return depots, customers


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _floats(point: tuple[Decimal, Decimal]) -> _Point:
    return (float(point[0]), float(point[1]))


def allocation_map(
    allocations: BatchAllocation | Iterable[Allocation],
    orders: Iterable[OrderDemand],
    warehouses: Sequence[Warehouse],
    *,
    cost: CostModel | None = None,
    colormap: str = "viridis",
    ax: Axes | None = None,
) -> Axes:
    """Warehouses (squares), customers (dots) and one arc per parcel, coloured by its cost.

    A parcel is what one order gets from one warehouse (:func:`parcels`); its arc runs from
    the warehouse to the customer, bent so that two parcels on one road stay apart, and its
    colour is the cost model's planning cost of that parcel (the colour bar). A customer with
    units backordered is a cross. Customers and warehouses are placed by their coordinates
    (longitude, latitude, the latitude stretched as on a Mercator map at their middle), or
    by the positions of a :class:`~salesorder.domain.allocation.Planar` cost model.

    Args:
        allocations: a batch, or the allocations of some orders.
        orders: the orders allocated (their customers' places); other orders are drawn too.
        warehouses: every warehouse the picks come from.
        cost: the cost model the allocation was planned with (default ``CostModel()``).
        colormap: the name of a matplotlib colormap for the costs.
        ax: the Axes to draw on; none: a new figure.

    Raises:
        ValidationError: an argument of the wrong type, an order or warehouse without a
            place on the map, an allocated order or a picked warehouse that was not given,
            or an unknown colormap (nothing is drawn).
        PlotsUnavailable: matplotlib is not installed.
    """
    batch, demands, stores, model = _arguments(allocations, orders, warehouses, cost)
    matplotlib = _require("allocation_map")
    if not isinstance(colormap, str) or colormap not in matplotlib.colormaps:
        raise ValidationError(f"colormap {show(colormap)} is not one of matplotlib's colormaps")
    depots, customers = _places(demands, stores, model)
    shipped = _parcels(batch, demands, stores, model)
    backordered = {a.order_id for a in batch if a.backorders}
    ax = _axes(ax, "allocation_map", size=(7.0, 5.0))
    cmap = matplotlib.colormaps[colormap]
    costs = [p.cost for p in shipped]
    norm = matplotlib.colors.Normalize(min(costs, default=0.0), max(costs, default=1.0))
    for parcel in shipped:
        ax.add_patch(
            matplotlib.patches.FancyArrowPatch(
                depots[parcel.warehouse],
                customers[parcel.order_id],
                connectionstyle="arc3,rad=0.2",
                arrowstyle="-|>",
                mutation_scale=8,
                linewidth=1.2,
                color=cmap(norm(parcel.cost)),
                zorder=1,
            )
        )
    served = [customers[o.order_id] for o in demands if o.order_id not in backordered]
    short = [customers[o.order_id] for o in demands if o.order_id in backordered]
    for points, size, marker, colour, name in (
        (served, 12, "o", "0.35", "customer"),
        (short, 30, "x", "C3", "backordered"),
        (list(depots.values()), 70, "s", "black", "warehouse"),
    ):
        if points:
            xs, ys = [x for x, _ in points], [y for _, y in points]
            ax.scatter(xs, ys, s=size, marker=marker, color=colour, zorder=2, label=name)
    for code, point in depots.items():
        ax.annotate(plain(code), point, xytext=(5, 5), textcoords="offset points", fontsize=9)
    if shipped:
        mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        ax.figure.colorbar(mappable, ax=ax, shrink=0.8, label="planning cost per parcel")
    planar = isinstance(model.distance, Planar)
    if planar:
        ax.set_aspect("equal")
    elif depots or customers:
        latitudes = [lat for _, lat in [*depots.values(), *customers.values()]]
        ax.set_aspect(1 / math.cos(math.radians(sum(latitudes) / len(latitudes))))
    ax.set_xlabel("x (km)" if planar else "longitude")
    ax.set_ylabel("y (km)" if planar else "latitude")
    ax.set_title(
        f"Allocation: {_count(len(batch), 'order')}, {_count(len(shipped), 'parcel')}, "
        f"planning cost {sum(costs):,.0f}"
    )
    if ax.collections:  # an empty map has nothing to name
        ax.legend(loc="best", fontsize=8)
    return ax
