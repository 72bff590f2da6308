"""Stock per SKU and warehouse, with reservations that never take available below zero.

:class:`StockItem` is the aggregate for one (warehouse, SKU). Its invariants:
``reserved == sum of active reservations``, ``0 <= reserved <= on_hand``, and a reservation
is keyed so that repeating a request never reserves twice. A reservation that does not fit is
refused whole with :class:`~salesorder.exceptions.InsufficientStock`.

Every movement of stock is also written to the stock ledger as a :class:`StockMovement`
(receipt, reservation, release, shipment, return, write-off, count adjustment, transfer),
with its reason and source document. The ledger is append-only and kept *outside* the
aggregate (its own repository), so a unit of work never copies the whole history; the item
only counts its movements (``movements``), which numbers the ledger's entries without gaps.
The services keep ``on_hand == sum of the ledger's on-hand changes`` and ``reserved == sum of
its reserved changes`` for every item.

:func:`available_to_sell` gives what a sales channel may offer (a buffer or a share of what
is available), for the marketplace stock sync.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from decimal import ROUND_FLOOR, Decimal
from operator import attrgetter
from typing import Protocol, overload

import attrs

from salesorder.domain.common import (
    MAX_CODE_LENGTH,
    MAX_QUANTITY,
    Shown,
    aware_datetime,
    code,
    non_negative_int,
    positive_int,
)
from salesorder.domain.units import (
    MAX_QUANTITY_DECIMALS,
    Quantity,
    non_negative_quantity,
    positive_quantity,
    to_quantity,
)
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import (
    DuplicateError,
    InsufficientStock,
    InvalidQuantity,
    ReservationNotFound,
    StaleCount,
    ValidationError,
)
from salesorder.money import decimal_isolated, to_decimal

__all__ = [
    "ChannelStockRule",
    "MovementKind",
    "Reservation",
    "StockItem",
    "StockMovement",
    "WaitsForStock",
    "available_to_sell",
    "reservation_key",
    "waiting_since",
]


#: A reservation's quantity (summed without a Python step per reservation held).
_QUANTITY = attrgetter("quantity")


def reservation_key(order_id: str, line_id: str) -> str:
    """The idempotency key of the reservation for one order line."""
    return f"{order_id}/{line_id}"


@attrs.frozen(kw_only=True)
class Reservation:
    """Units of a SKU held in a warehouse for one order line (an exact quantity)."""

    key: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    line_id: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    expires_at: dt.datetime | None = None

    @classmethod
    def for_line(
        cls,
        order_id: str,
        line_id: str,
        quantity: Quantity,
        created_at: dt.datetime,
        expires_at: dt.datetime | None = None,
    ) -> Reservation:
        """The reservation for one order line, keyed by :func:`reservation_key`."""
        return cls(
            key=reservation_key(order_id, line_id),
            order_id=order_id,
            line_id=line_id,
            quantity=quantity,
            created_at=created_at,
            expires_at=expires_at,
        )

    @classmethod
    def from_stored(
        cls,
        *,
        key: str,
        order_id: str,
        line_id: str,
        quantity: Quantity,
        created_at: dt.datetime,
        expires_at: dt.datetime | None = None,
    ) -> Reservation:
        """The reservation a store read back, equal to what ``Reservation(...)`` makes of it.

        A row the library wrote may still have been edited since, so every part is checked,
        by cheap exact tests that imply the validators' (codes as the ``code`` validator
        takes them, a whole quantity above zero and in range, an aware ``created_at``).
        When they all pass, the reservation is built without running the validators again:
        a busy level is read with the reservations other processes made since it was last
        seen, and the validators were most of what building each one cost. Anything else (a
        fraction of a unit, a code the tests cannot vouch for, a subclass) goes through the
        validating constructor, which normalises it or refuses it with its usual error.
        """
        if (
            cls is not Reservation
            or type(quantity) is not int
            or not 0 < quantity <= MAX_QUANTITY
            or type(created_at) is not dt.datetime
            or created_at.tzinfo is None
            or not _plainly_code(key)
            or not _plainly_code(order_id)
            or not _plainly_code(line_id)
        ):
            return cls(
                key=key,
                order_id=order_id,
                line_id=line_id,
                quantity=quantity,
                created_at=created_at,
                expires_at=expires_at,
            )
        reservation = _new(Reservation)
        set_ = object.__setattr__  # the class is frozen: set its slots as attrs' __init__ does
        set_(reservation, "key", key)
        set_(reservation, "order_id", order_id)
        set_(reservation, "line_id", line_id)
        set_(reservation, "quantity", quantity)
        set_(reservation, "created_at", created_at)
        set_(reservation, "expires_at", expires_at)
        return reservation


_new = object.__new__


def _plainly_code(value: object) -> bool:
    """Whether ``value`` is a string the :func:`~salesorder.domain.common.code` validator passes.

    Exact, and cheaper than the validator: 1 to ``MAX_CODE_LENGTH`` printable characters and
    no space. Every white space character but the space is unprintable, as are NUL and the
    lone surrogates, so this leaves out all the validator refuses. False only says "ask
    the validator" (a ``str`` subclass, say).
    """
    return (
        type(value) is str
        and 0 < len(value) <= MAX_CODE_LENGTH
        and value.isprintable()
        and " " not in value
    )


class MovementKind(str, enum.Enum):
    """Why stock moved; each kind changes on hand or reserved units (or both) one way."""

    RECEIPT = "receipt"
    RESERVATION = "reservation"
    RELEASE = "release"
    SHIPMENT = "shipment"
    RETURN = "return"
    WRITE_OFF = "write_off"
    COUNT_ADJUSTMENT = "count_adjustment"
    TRANSFER_IN = "transfer_in"
    TRANSFER_OUT = "transfer_out"


@attrs.frozen(kw_only=True, repr=False)
class StockMovement(Shown):
    """One entry of the stock ledger of (``warehouse``, ``sku``), numbered by ``seq`` from 1.

    ``on_hand_change`` and ``reserved_change`` are signed exact quantities (in the product's
    unit); summed over an item's ledger they give its ``on_hand`` and ``reserved``, exactly.
    ``document`` names the source (an order, a purchase order, a receipt, a count, a
    transfer) and ``reason`` says why in words.
    """

    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    seq: int = attrs.field(validator=positive_int)
    kind: MovementKind
    at: dt.datetime = attrs.field(validator=aware_datetime)
    on_hand_change: Quantity = attrs.field(default=0, converter=as_quantity)
    reserved_change: Quantity = attrs.field(default=0, converter=as_quantity)
    document: str = ""
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, int]:
        """The identity of the entry, (warehouse code, SKU, seq)."""
        return (self.warehouse, self.sku, self.seq)


@attrs.define(kw_only=True, repr=False)
class StockItem(Shown):
    """On hand and reserved units of one SKU in one warehouse.

    Every level is an exact quantity in the product's unit (an ``int`` for whole units, a
    ``Decimal`` for 1.25 kg); the services check it against the unit's decimals.
    ``reorder_point`` and ``reorder_quantity`` drive purchase proposals (zero quantity: never
    reorder). ``movements`` counts the ledger entries posted for this item and
    ``last_movement_at`` is the time of the latest one (a count taken earlier is stale).
    """

    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    on_hand: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    safety_stock: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    reservations: dict[str, Reservation] = attrs.Factory(dict)
    reorder_point: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    reorder_quantity: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    movements: int = attrs.field(default=0, validator=non_negative_int)
    last_movement_at: dt.datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        """The identity of this aggregate, the pair (warehouse code, SKU)."""
        return (self.warehouse, self.sku)

    @property
    @decimal_isolated
    def reserved(self) -> Quantity:
        """Units held by active reservations."""
        return to_quantity(sum(map(_QUANTITY, self.reservations.values())))

    @property
    @decimal_isolated
    def available(self) -> Quantity:
        """Units that may still be promised, on hand minus reserved minus safety stock."""
        return to_quantity(max(0, self.on_hand - self.reserved - self.safety_stock))

    @decimal_isolated
    def receive(self, quantity: Quantity) -> None:
        """Goods arrive: on hand rises by ``quantity`` (above zero)."""
        quantity = to_quantity(quantity, what=f"receipt of SKU {self.sku!r} in {self.warehouse!r}")
        if quantity <= 0:
            raise InvalidQuantity(
                f"receipt of SKU {self.sku!r} in {self.warehouse!r} must be > 0, got {quantity}"
            )
        self.on_hand += quantity

    @decimal_isolated
    def reserve(self, reservation: Reservation) -> bool:
        """Hold units for an order line; True if new, False if it was already held.

        Raises:
            InsufficientStock: fewer units are available than requested (nothing reserved).
            DuplicateError: the same key is already held with another quantity.
        """
        existing = self.reservations.get(reservation.key)
        if existing is not None:
            if existing.quantity != reservation.quantity:
                raise DuplicateError(
                    f"reservation {reservation.key!r} of SKU {self.sku!r} in {self.warehouse!r} "
                    f"holds {existing.quantity}, {reservation.quantity} requested"
                )
            return False
        if reservation.quantity > self.available:
            raise InsufficientStock(self.sku, self.warehouse, self.available, reservation.quantity)
        self.reservations[reservation.key] = reservation
        return True

    @decimal_isolated
    def hold_again(self, reservation: Reservation) -> None:
        """Hold ``reservation`` again after its key was released, for at most what it held.

        For a reservation that shrank (a short pick): the units were promised to the line
        already, so no availability check applies, but on hand must still cover them.

        Raises:
            InsufficientStock: on hand cannot cover what is reserved with it.
        """
        if self.reserved + reservation.quantity > self.on_hand:
            raise InsufficientStock(
                self.sku,
                self.warehouse,
                to_quantity(self.on_hand - self.reserved),
                reservation.quantity,
            )
        self.reservations[reservation.key] = reservation

    def release(self, key: str) -> Reservation | None:
        """Give back the units held under ``key``; None if nothing was held (idempotent)."""
        return self.reservations.pop(key, None)

    def ship(self, key: str) -> Reservation:
        """The reserved units leave the warehouse: on hand and reserved both fall.

        Raises:
            NotFound: nothing is reserved under ``key``.
        """
        reservation = self.reservations.get(key)
        if reservation is None:
            raise ReservationNotFound(key, self.sku, self.warehouse)
        del self.reservations[key]
        self.on_hand -= reservation.quantity
        return reservation

    @decimal_isolated
    def take_out(self, quantity: Quantity) -> None:
        """Units leave without an order (write-off, transfer out): only unreserved ones.

        Raises:
            InvalidQuantity: ``quantity`` is not above zero.
            InsufficientStock: fewer unreserved units are on hand (nothing changes).
        """
        what = f"removal of SKU {self.sku!r} from {self.warehouse!r}"
        quantity = to_quantity(quantity, what=what)
        if quantity <= 0:
            raise InvalidQuantity(f"{what} must be > 0, got {quantity}")
        free = to_quantity(self.on_hand - self.reserved)
        if quantity > free:
            raise InsufficientStock(self.sku, self.warehouse, free, quantity)
        self.on_hand -= quantity

    @decimal_isolated
    def count(self, counted: Quantity, counted_at: dt.datetime) -> Quantity:
        """A stock count found ``counted`` units; on hand becomes it. Returns the variance.

        Raises:
            InvalidQuantity: ``counted`` is negative, or below what is reserved (release or
                ship those reservations first).
            StaleCount: movements were posted after ``counted_at``.
        """
        counted = to_quantity(counted, what=f"count of SKU {self.sku!r} in {self.warehouse!r}")
        if counted < 0:
            raise InvalidQuantity(
                f"count of SKU {self.sku!r} in {self.warehouse!r} must be >= 0, got {counted}"
            )
        if self.last_movement_at is not None and self.last_movement_at > counted_at:
            raise StaleCount(
                f"count of SKU {self.sku!r} in {self.warehouse!r} at {counted_at.isoformat()} "
                f"is older than its last movement at {self.last_movement_at.isoformat()}"
            )
        if counted < self.reserved:
            raise InvalidQuantity(
                f"count of SKU {self.sku!r} in {self.warehouse!r} found {counted}, "
                f"below the {self.reserved} reserved"
            )
        variance = to_quantity(counted - self.on_hand)
        self.on_hand = counted
        return variance

    def set_policy(
        self, *, safety_stock: Quantity, reorder_point: Quantity, reorder_quantity: Quantity
    ) -> None:
        """Set the safety stock and the reorder point and quantity (each >= 0)."""
        for name, value in (
            ("safety_stock", safety_stock),
            ("reorder_point", reorder_point),
            ("reorder_quantity", reorder_quantity),
        ):
            if to_quantity(value, what=name) < 0:
                raise InvalidQuantity(
                    f"{name} of SKU {self.sku!r} in {self.warehouse!r} must be >= 0, got {value}"
                )
        self.safety_stock = safety_stock
        self.reorder_point = reorder_point
        self.reorder_quantity = reorder_quantity

    def movement(
        self,
        kind: MovementKind,
        at: dt.datetime,
        *,
        on_hand_change: Quantity = 0,
        reserved_change: Quantity = 0,
        document: str = "",
        reason: str = "",
    ) -> StockMovement:
        """The next ledger entry of this item, numbered after the last one.

        Call it right after the change it records; the caller appends the entry to the
        ledger in the same unit of work.
        """
        self.movements += 1
        if self.last_movement_at is None or at > self.last_movement_at:
            self.last_movement_at = at
        return StockMovement(
            warehouse=self.warehouse,
            sku=self.sku,
            seq=self.movements,
            kind=kind,
            at=at,
            on_hand_change=on_hand_change,
            reserved_change=reserved_change,
            document=document,
            reason=reason,
        )

    def expired(self, now: dt.datetime) -> list[Reservation]:
        """Reservations whose expiry is at or before ``now``."""
        return [
            r
            for r in self.reservations.values()
            if r.expires_at is not None and r.expires_at <= now
        ]


def _decimal(value: object) -> Decimal:
    return to_decimal(value, what="share")


def _share(_instance: object, _attribute: object, value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValidationError(f"a channel's share of stock must be within 0 and 1, got {value}")


@attrs.frozen(kw_only=True)
class ChannelStockRule:
    """How much of what is available a channel may sell.

    ``buffer`` units are held back first, then the channel gets ``share`` (0 to 1) of the rest,
    rounded down (to whole units, or to the decimals :func:`available_to_sell` is given), so
    several channels sharing one stock never offer more than there is when their shares add
    up to at most 1.
    """

    channel: str = attrs.field(validator=code)
    buffer: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    share: Decimal = attrs.field(default=Decimal(1), converter=_decimal, validator=_share)


@overload
def available_to_sell(available: Quantity, rule: ChannelStockRule) -> int: ...


@overload
def available_to_sell(
    available: Quantity, rule: ChannelStockRule, *, decimals: int
) -> Quantity: ...


@decimal_isolated
def available_to_sell(
    available: Quantity, rule: ChannelStockRule, *, decimals: int = 0
) -> Quantity:
    """Units ``rule.channel`` may offer out of ``available`` (never below zero).

    Rounded down to ``decimals`` places: whole units by default (what marketplaces list),
    the unit's decimals for a channel that sells 1.5 kg.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValidationError(f"decimals must be a whole number >= 0, got {decimals!r}")
    decimals = min(decimals, MAX_QUANTITY_DECIMALS)
    rest = max(0, available - rule.buffer)
    if not decimals:
        return math.floor(rest * rule.share)
    step = Decimal(1).scaleb(-decimals)
    return to_quantity((Decimal(rest) * rule.share).quantize(step, rounding=ROUND_FLOOR))


class WaitsForStock(Protocol):
    """What :func:`waiting_since` reads: an order (:class:`~salesorder.domain.orders.Order`).

    A protocol rather than the order class itself, so this module does not import the
    orders module (which imports allocation, which imports this module).
    """

    @property
    def waiting_since(self) -> dt.datetime | None:
        """When the order began to wait for stock, or None."""
        ...  # pragma: no cover - a protocol


def waiting_since(order: WaitsForStock) -> dt.datetime | None:
    """When ``order`` began to wait for stock, or None when it is not waiting.

    The rule is :attr:`Order.waiting_since <salesorder.domain.orders.Order.waiting_since>`;
    this function stays for the persistence adapters, which index orders by it.
    """
    return order.waiting_since
