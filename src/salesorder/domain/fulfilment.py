"""Where an order's units are: reserved, handed to couriers, waiting for stock, sent back.

:class:`FulfilmentRecord` is a value held by :class:`~salesorder.domain.orders.Order`: each
change returns a new record. Its methods take what they need of the order as plain values,
``ordered`` being the units ordered per line id (in line order). Per line it keeps
``reserved + shipped <= ordered`` and ``returned <= shipped``: a change that would break
that, or that the order's status does not allow, raises before a new record is made (the
order passes its name, ``thing``, and its status for the messages).
:class:`LineFulfilment` is the per-line view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.common import as_tuple
from salesorder.domain.lifecycle import IN_WAREHOUSE, OrderStatus
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import IllegalTransition, NotFound, ReturnExceedsDelivered

__all__ = ["FulfilmentRecord", "LineFulfilment"]


@attrs.frozen(kw_only=True)
class LineFulfilment:
    """Where the units of one order line are: the per-line state the order's status rolls up.

    ``ordered == reserved + shipped + waiting`` and ``returned <= shipped``.
    """

    line_id: str
    ordered: Quantity
    reserved: Quantity
    shipped: Quantity
    returned: Quantity

    @property
    def waiting(self) -> Quantity:
        """Units neither reserved nor shipped (a backorder, or not yet allocated)."""
        return to_quantity(self.ordered - self.reserved - self.shipped)


def _units(picks: Iterable[Pick]) -> dict[str, Quantity]:
    units: dict[str, Quantity] = {}
    for pick in picks:
        units[pick.line_id] = to_quantity(units.get(pick.line_id, 0) + pick.quantity)
    return units


def _known(ordered: Mapping[str, Quantity], line_id: str, thing: str) -> None:
    if line_id not in ordered:
        raise NotFound(f"line of {thing}", line_id)


def _in_warehouse(status: OrderStatus, thing: str, action: str) -> None:
    if status not in IN_WAREHOUSE:
        raise IllegalTransition(thing, status.value, action)


@attrs.frozen(kw_only=True)
class FulfilmentRecord:
    """The units of one order in the warehouses and beyond; see the module docstring.

    The field names are the keys an order's JSON document has always used for them
    (:mod:`salesorder.serialization` keeps them at the document's top level). ``returned``
    is never changed in place: every change makes a new record.
    """

    #: The first (or only) warehouse the order was reserved in.
    warehouse: str | None = None
    #: Where each reserved unit comes from, and why (one shipment per warehouse).
    picks: tuple[Pick, ...] = attrs.field(default=(), converter=as_tuple)
    #: When the order started waiting for stock (a backorder), or None.
    backordered_since: dt.datetime | None = None
    #: The picks that have left with a courier (where each unit shipped from).
    dispatched: tuple[Pick, ...] = attrs.field(default=(), converter=as_tuple)
    #: Units the buyer sent back and the seller received, per line id.
    returned: dict[str, Quantity] = attrs.Factory(dict)

    # -- facts ----------------------------------------------------------------------------

    @property
    def reserved(self) -> dict[str, Quantity]:
        """Units reserved and not yet shipped, per line id."""
        return _units(self.picks)

    @property
    def shipped(self) -> dict[str, Quantity]:
        """Units handed to couriers, per line id."""
        return _units(self.dispatched)

    @property
    def pick_warehouses(self) -> list[str]:
        """The warehouses the reserved units come from (one shipment each)."""
        if not self.picks:
            return [] if self.warehouse is None else [self.warehouse]
        return list(dict.fromkeys(p.warehouse for p in self.picks))

    def reserved_in(self, line_id: str, warehouse: str) -> Quantity:
        """Units of ``line_id`` reserved in ``warehouse``."""
        return to_quantity(
            sum(p.quantity for p in self.picks if (p.line_id, p.warehouse) == (line_id, warehouse))
        )

    def outstanding(self, ordered: Mapping[str, Quantity], line_id: str) -> Quantity:
        """Units of line ``line_id`` not yet handed to a courier."""
        return to_quantity(ordered[line_id] - self.shipped.get(line_id, 0))

    def unreserved(self, ordered: Mapping[str, Quantity], line_id: str) -> Quantity:
        """Units of line ``line_id`` still to ship and not reserved (a backorder)."""
        return to_quantity(self.outstanding(ordered, line_id) - self.reserved.get(line_id, 0))

    def returnable(self, line_id: str) -> Quantity:
        """Units of ``line_id`` shipped and not yet returned."""
        return to_quantity(self.shipped.get(line_id, 0) - self.returned.get(line_id, 0))

    def completes(self, ordered: Mapping[str, Quantity], warehouses: Iterable[str] | None) -> bool:
        """True when shipping the picks from ``warehouses`` (None: all) leaves nothing to ship."""
        chosen = None if warehouses is None else set(warehouses)
        leaving = _units(p for p in self.picks if chosen is None or p.warehouse in chosen)
        return not any(
            self.outstanding(ordered, line_id) - leaving.get(line_id, 0) for line_id in ordered
        )

    def lines(self, ordered: Mapping[str, Quantity]) -> list[LineFulfilment]:
        """Per line: units ordered, reserved (not shipped), shipped and returned."""
        reserved, shipped = self.reserved, self.shipped
        return [
            LineFulfilment(
                line_id=line_id,
                ordered=quantity,
                reserved=reserved.get(line_id, 0),
                shipped=shipped.get(line_id, 0),
                returned=self.returned.get(line_id, 0),
            )
            for line_id, quantity in ordered.items()
        ]

    # -- changes ---------------------------------------------------------------------------

    def reserving(
        self,
        ordered: Mapping[str, Quantity],
        warehouse: str,
        picks: Sequence[Pick],
        at: dt.datetime,
        *,
        partial: bool,
        thing: str,
        status: OrderStatus,
    ) -> tuple[FulfilmentRecord, bool]:
        """``picks`` are reserved, from ``warehouse`` first; and whether some units wait.

        The picks cover every unit still to ship, or (``partial``) at most that: the rest
        then waits for stock, since ``at`` unless it waited already.

        Raises:
            IllegalTransition: a line has more picked than is left to ship, or (not
                ``partial``) fewer.
        """
        short = False
        for line_id in ordered:
            got = to_quantity(sum(p.quantity for p in picks if p.line_id == line_id))
            left = self.outstanding(ordered, line_id)
            if got > left or (got < left and not partial):
                raise IllegalTransition(
                    thing, status.value, "reserve", f"line {line_id!r} has {got} of {left} picked"
                )
            short = short or got < left
        since = (self.backordered_since or at) if short else None
        record = attrs.evolve(self, warehouse=warehouse, picks=picks, backordered_since=since)
        return record, short

    def waiting(self, at: dt.datetime) -> FulfilmentRecord:
        """The order waits for stock, since ``at`` unless it waited already."""
        return attrs.evolve(self, backordered_since=self.backordered_since or at)

    def short_picked(
        self,
        line_id: str,
        warehouse: str,
        short: Quantity,
        at: dt.datetime,
        *,
        thing: str,
        status: OrderStatus,
    ) -> FulfilmentRecord:
        """``short`` reserved units of ``line_id`` in ``warehouse`` leave the picks, newest first.

        They wait as a backorder (``backordered_since``) unless re-reserved elsewhere.

        Raises:
            IllegalTransition: the order's units are not in the warehouse, or fewer than
                ``short`` are picked there.
        """
        _in_warehouse(status, thing, "short-pick")
        held = self.reserved_in(line_id, warehouse)
        if not 0 < short <= held:
            raise IllegalTransition(
                thing,
                status.value,
                "short-pick",
                f"line {line_id!r} has {held} picked in {warehouse!r}, {short} short",
            )
        picks = list(self.picks)
        for index in range(len(picks) - 1, -1, -1):
            pick = picks[index]
            if short == 0:
                break
            if pick.line_id != line_id or pick.warehouse != warehouse:
                continue
            taken = min(short, pick.quantity)
            short -= taken
            if taken == pick.quantity:
                del picks[index]
            else:
                picks[index] = attrs.evolve(pick, quantity=pick.quantity - taken)
        return attrs.evolve(self, picks=picks).waiting(at)

    def adding(
        self, pick: Pick, ordered: Mapping[str, Quantity], *, thing: str, status: OrderStatus
    ) -> FulfilmentRecord:
        """``pick`` re-reserves units elsewhere; the wait ends once nothing is unreserved.

        Raises:
            IllegalTransition: the order's units are not in the warehouse, or the pick is
                of more units than are unreserved.
            NotFound: the order has no line ``pick.line_id``.
        """
        _in_warehouse(status, thing, "add a pick to")
        _known(ordered, pick.line_id, thing)
        unreserved = self.unreserved(ordered, pick.line_id)
        if pick.quantity > unreserved:
            raise IllegalTransition(
                thing,
                status.value,
                "add a pick to",
                f"line {pick.line_id!r} has {unreserved} unreserved, {pick.quantity} picked",
            )
        record = attrs.evolve(self, picks=(*self.picks, pick))
        if all(record.unreserved(ordered, line_id) == 0 for line_id in ordered):
            record = attrs.evolve(record, backordered_since=None)
        return record

    def releasing(self, *, keep_warehouse: bool = False) -> FulfilmentRecord:
        """Every reservation is released (the first warehouse too, unless ``keep_warehouse``)."""
        return attrs.evolve(self, picks=(), warehouse=self.warehouse if keep_warehouse else None)

    def dispatching(
        self, warehouse: str | None, *, thing: str, status: OrderStatus, action: str
    ) -> FulfilmentRecord:
        """The record once the picks from ``warehouse`` (None: all) left with a courier.

        Raises:
            IllegalTransition: nothing is reserved in ``warehouse``; ``action`` names the
                shipping in the message.
        """
        leaving = [p for p in self.picks if warehouse is None or p.warehouse == warehouse]
        if not leaving:
            raise IllegalTransition(
                thing, status.value, action, f"nothing is reserved in {warehouse!r}"
            )
        return attrs.evolve(
            self,
            picks=[p for p in self.picks if p not in leaving],
            dispatched=(*self.dispatched, *leaving),
        )

    def check_return(
        self, ordered: Mapping[str, Quantity], line_id: str, quantity: Quantity, *, thing: str
    ) -> None:
        """Refuse a return of ``quantity`` units of ``line_id`` beyond what can come back.

        Raises:
            NotFound: the order has no line ``line_id``.
            ReturnExceedsDelivered: more units than were shipped and not yet returned.
        """
        _known(ordered, line_id, thing)
        if quantity > self.returnable(line_id):
            raise ReturnExceedsDelivered(thing, line_id, quantity, self.returnable(line_id))

    def receiving_back(self, units: Mapping[str, Quantity]) -> FulfilmentRecord:
        """The buyer's returned ``units`` (per line id) arrived back at the seller."""
        returned = dict(self.returned)
        for line_id, quantity in units.items():
            returned[line_id] = to_quantity(returned.get(line_id, 0) + quantity)
        return attrs.evolve(self, returned=returned)
