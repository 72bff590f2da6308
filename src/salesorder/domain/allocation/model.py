"""The values of allocation: what an order needs, where its units come from, and why.

An :class:`OrderDemand` goes in; an :class:`Allocation` (picks, backorder lines, a reason for
each) comes out, one per order, and a batch's allocations come as a :class:`BatchAllocation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from salesorder.domain.common import MAX_QUANTITY, Shown, as_tuple, code
from salesorder.domain.customers import GeoPoint
from salesorder.domain.units import Quantity, to_quantity
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import InvalidQuantity, UnknownKey, ValidationError
from salesorder.money import to_decimal

__all__ = [
    "Allocation",
    "Available",
    "BackorderLine",
    "BatchAllocation",
    "DemandLine",
    "OrderDemand",
    "Pick",
    "ZoneTable",
]


def _to_quantity(value: Quantity) -> Quantity:
    """:func:`to_quantity` of a sum of quantities; a whole number in range is returned as is.

    As ``to_quantity`` would return it, without entering its decimal context: allocation
    counts units per order and parcel tens of thousands of times a batch.
    """
    if type(value) is int and -MAX_QUANTITY <= value <= MAX_QUANTITY:
        return value
    return to_quantity(value)


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Quantity) -> None:
    # After the ``quantity`` converter, which made ``value`` an exact quantity: only the sign
    # is left to check (allocation builds many picks, so the check is kept to that).
    if value <= 0:
        raise InvalidQuantity(
            f"{type(instance).__name__}.{attribute.name} must be > 0, got {value!r}"
        )


#: Units available to allocate (exact quantities), by (warehouse code, SKU); a missing pair
#: has none.
Available = Mapping[tuple[str, str], Quantity]


@attrs.frozen(kw_only=True)
class DemandLine:
    """Units of one SKU wanted by one order line (an exact quantity: 3, or 1.25 kg)."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=_positive)


@attrs.frozen(kw_only=True)
class OrderDemand:
    """What an order needs and where it goes.

    ``priority``: lower is served first in a batch (then ``placed_at``, then ``order_id``).
    ``destination`` and ``zone`` locate the customer for distance-based strategies.
    """

    order_id: str = attrs.field(validator=code)
    lines: tuple[DemandLine, ...] = attrs.field(converter=as_tuple)
    destination: GeoPoint | None = None
    zone: str = ""
    priority: int = 0
    placed_at: dt.datetime | None = None

    @property
    def units(self) -> Quantity:
        """Units ordered over all lines."""
        return _to_quantity(sum(line.quantity for line in self.lines))


@attrs.frozen(kw_only=True)
class Pick:
    """``quantity`` units of an order line taken from ``warehouse``, and why."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=_positive)
    reason: str = ""


def _pick(*, line_id: str, sku: str, warehouse: str, quantity: Quantity, reason: str) -> Pick:
    """A pick built by a strategy from checked parts, without checking them again.

    ``line_id`` and ``sku`` come from a :class:`DemandLine` and ``warehouse`` from a
    warehouse's code, all validated when those were made; a batch builds tens of thousands
    of picks, and the validators were a fifth of its time. A quantity that is not a whole
    number of units in range goes through the validating constructor, which normalises it
    or refuses it.
    """
    if type(quantity) is not int or not 0 < quantity <= MAX_QUANTITY:
        return Pick(line_id=line_id, sku=sku, warehouse=warehouse, quantity=quantity, reason=reason)
    pick = object.__new__(Pick)
    set_ = object.__setattr__  # the class is frozen: set its slots as attrs' __init__ does
    set_(pick, "line_id", line_id)
    set_(pick, "sku", sku)
    set_(pick, "warehouse", warehouse)
    set_(pick, "quantity", quantity)
    set_(pick, "reason", reason)
    return pick


@attrs.frozen(kw_only=True)
class BackorderLine:
    """Units of an order line no warehouse could serve, and why."""

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=_positive)
    reason: str = ""


def _backorder(*, line_id: str, sku: str, quantity: Quantity, reason: str) -> BackorderLine:
    """A backorder line built by a strategy from checked parts, as :func:`_pick` builds picks."""
    if type(quantity) is not int or not 0 < quantity <= MAX_QUANTITY:
        return BackorderLine(line_id=line_id, sku=sku, quantity=quantity, reason=reason)
    line = object.__new__(BackorderLine)
    set_ = object.__setattr__  # frozen, as in _pick
    set_(line, "line_id", line_id)
    set_(line, "sku", sku)
    set_(line, "quantity", quantity)
    set_(line, "reason", reason)
    return line


def _fewer(line: DemandLine, quantity: Quantity) -> DemandLine:
    """``line`` wanting ``quantity`` units instead (what a batch gives a short order's line).

    As ``attrs.evolve`` would make it, without checking ``line``'s codes again.
    """
    if type(quantity) is not int or not 0 < quantity <= MAX_QUANTITY:
        return attrs.evolve(line, quantity=quantity)
    fewer = object.__new__(DemandLine)
    set_ = object.__setattr__  # frozen, as in _pick
    set_(fewer, "line_id", line.line_id)
    set_(fewer, "sku", line.sku)
    set_(fewer, "quantity", quantity)
    return fewer


@attrs.frozen(kw_only=True, repr=False)
class Allocation(Shown):
    """Where one order's units come from: picks, backorders and the strategy's reasons."""

    order_id: str
    strategy: str
    picks: tuple[Pick, ...] = attrs.field(default=(), converter=as_tuple)
    backorders: tuple[BackorderLine, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def warehouses(self) -> tuple[str, ...]:
        """The warehouses shipping, in the order of the picks (one shipment each)."""
        return tuple(dict.fromkeys(pick.warehouse for pick in self.picks))

    @property
    def is_complete(self) -> bool:
        """True when nothing is backordered."""
        return not self.backorders

    @property
    def units_allocated(self) -> Quantity:
        """Units picked over all lines."""
        return to_quantity(sum(pick.quantity for pick in self.picks))

    def explain(self) -> list[str]:
        """One sentence per pick and backorder line: what went where, and why."""
        text = [
            f"line {p.line_id} ({p.sku}): {p.quantity} from {p.warehouse}: {p.reason}"
            for p in self.picks
        ]
        text += [
            f"line {b.line_id} ({b.sku}): {b.quantity} backordered: {b.reason}"
            for b in self.backorders
        ]
        return text


def _allocation(
    order_id: str,
    strategy: str,
    picks: list[Pick] | tuple[Pick, ...],
    backorders: list[BackorderLine] | tuple[BackorderLine, ...] = (),
) -> Allocation:
    """An allocation built by a strategy from checked parts, as :func:`_pick` builds picks.

    As ``Allocation(...)`` makes it (its converters make tuples of the lists), without the
    converters' checks that ``picks`` and ``backorders`` are lists and not text: a batch
    builds an allocation per order.
    """
    allocation = object.__new__(Allocation)
    set_ = object.__setattr__  # frozen, as in _pick
    set_(allocation, "order_id", order_id)
    set_(allocation, "strategy", strategy)
    set_(allocation, "picks", tuple(picks))
    set_(allocation, "backorders", tuple(backorders))
    return allocation


@attrs.frozen(kw_only=True, repr=False)
class BatchAllocation(Shown):
    """The allocations of a batch, in the order of service (priority, date, id)."""

    allocations: tuple[Allocation, ...] = attrs.field(converter=as_tuple)

    def for_order(self, order_id: str) -> Allocation:
        """The allocation of ``order_id``.

        Raises:
            UnknownKey: the order was not in the batch (also a ``KeyError``).
        """
        for allocation in self.allocations:
            if allocation.order_id == order_id:
                return allocation
        raise UnknownKey("order", order_id, f"order {order_id!r} is not in the batch")

    @property
    def backordered_units(self) -> Quantity:
        """Units no warehouse could serve, over the batch."""
        return to_quantity(sum(b.quantity for a in self.allocations for b in a.backorders))


def _km_table(value: Mapping[tuple[str, str], object]) -> dict[tuple[str, str], Decimal]:
    """The table with its distances as Decimals; refuses what no distance can be.

    Raises:
        ValidationError: a key that is not a (zone, warehouse) pair of non-empty strings, or
            a distance that is not a finite number of km of zero or more.
    """
    table = {}
    for key, km in value.items():
        if not (
            isinstance(key, tuple)
            and len(key) == 2
            and all(isinstance(part, str) and part for part in key)
        ):
            raise ValidationError(
                f"a distance table is keyed by (zone, warehouse) pairs of non-empty text, "
                f"got {key!r}"
            )
        distance = to_decimal(km, what=f"the distance from {key[1]!r} to zone {key[0]!r}")
        if distance < 0:
            raise ValidationError(
                f"the distance from {key[1]!r} to zone {key[0]!r} must be >= 0 km, got {km!r}"
            )
        table[key] = distance
    return table


@attrs.frozen(kw_only=True)
class ZoneTable:
    """Distances in km from each warehouse to each delivery zone: ``{(zone, warehouse): km}``.

    Used where customers have a zone (a postcode area, a city) instead of coordinates; a
    pair that is missing falls back to coordinates (great-circle), then to the cost model's
    ``unknown_km``. Give it to a strategy (``zones=``) or make it the cost model's distance
    (``CostModel(distance=ZoneTable(...))``).

    Raises:
        ValidationError: a key that is not a (zone, warehouse) pair of non-empty strings, or
            a distance that is negative or not a finite number.
    """

    distances: Mapping[tuple[str, str], Decimal] = attrs.field(converter=_km_table)
