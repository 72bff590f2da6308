"""Stock per SKU and warehouse, with reservations that never take available below zero.

:class:`StockItem` is the aggregate for one (warehouse, SKU). Its invariants:
``reserved == sum of active reservations``, ``0 <= reserved <= on_hand``, and a reservation
is keyed so that repeating a request never reserves twice. A reservation that does not fit is
refused whole with :class:`~salesorder.exceptions.InsufficientStock`.
"""

from __future__ import annotations

import datetime as dt

import attrs

from salesorder.domain.common import aware_datetime, code, non_negative_int, positive_int
from salesorder.exceptions import DuplicateError, InsufficientStock, InvalidQuantity, NotFound

__all__ = ["Reservation", "StockItem", "reservation_key"]


def reservation_key(order_id: str, line_id: str) -> str:
    """The idempotency key of the reservation for one order line."""
    return f"{order_id}/{line_id}"


@attrs.frozen(kw_only=True)
class Reservation:
    """Units of a SKU held in a warehouse for one order line."""

    key: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    line_id: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    expires_at: dt.datetime | None = None

    @classmethod
    def for_line(
        cls,
        order_id: str,
        line_id: str,
        quantity: int,
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


@attrs.define(kw_only=True)
class StockItem:
    """On hand and reserved units of one SKU in one warehouse."""

    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    on_hand: int = attrs.field(default=0, validator=non_negative_int)
    safety_stock: int = attrs.field(default=0, validator=non_negative_int)
    reservations: dict[str, Reservation] = attrs.Factory(dict)

    @property
    def key(self) -> tuple[str, str]:
        """The identity of this aggregate, the pair (warehouse code, SKU)."""
        return (self.warehouse, self.sku)

    @property
    def reserved(self) -> int:
        """Units held by active reservations."""
        return sum(r.quantity for r in self.reservations.values())

    @property
    def available(self) -> int:
        """Units that may still be promised, on hand minus reserved minus safety stock."""
        return max(0, self.on_hand - self.reserved - self.safety_stock)

    def receive(self, quantity: int) -> None:
        """Goods arrive: on hand rises by ``quantity`` (above zero)."""
        if quantity <= 0:
            raise InvalidQuantity(
                f"receipt of SKU {self.sku!r} in {self.warehouse!r} must be > 0, got {quantity}"
            )
        self.on_hand += quantity

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
            raise NotFound(f"reservation of SKU {self.sku!r} in {self.warehouse!r}", key)
        del self.reservations[key]
        self.on_hand -= reservation.quantity
        return reservation

    def expired(self, now: dt.datetime) -> list[Reservation]:
        """Reservations whose expiry is at or before ``now``."""
        return [
            r
            for r in self.reservations.values()
            if r.expires_at is not None and r.expires_at <= now
        ]
