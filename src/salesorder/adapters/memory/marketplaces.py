"""An in-memory marketplace shop: scripted orders and revisions, recorded stock and tracking."""

from __future__ import annotations

import threading

from salesorder.domain.channels import Channel, ChannelKind, MarketplaceOrder, MarketplacePage
from salesorder.exceptions import InvalidQuantity, NotFound, ValidationError

__all__ = ["InMemoryMarketplace"]


class InMemoryMarketplace:
    """A marketplace shop that tests and demos script.

    :meth:`put_order` adds an order or a newer revision of it; :meth:`fetch_orders` returns
    every delivery after a cursor (the cursor counts deliveries), so re-fetching from an old
    cursor repeats orders, as real marketplaces do. Stock and tracking pushed by the seller are
    kept in ``stock`` and ``tracking``.
    """

    def __init__(self, channel: Channel | None = None) -> None:
        self._channel = channel or Channel(code="shopee", kind=ChannelKind.SHOPEE, name="Shopee")
        self._feed: list[MarketplaceOrder] = []
        self.acknowledged: set[str] = set()
        self.stock: dict[str, int] = {}
        self.tracking: dict[str, tuple[str, str]] = {}
        self._lock = threading.Lock()

    @property
    def channel(self) -> Channel:
        """The channel this shop's orders are booked under."""
        return self._channel

    def put_order(self, order: MarketplaceOrder) -> None:
        """Script a new order or a new revision of one (appended to the feed)."""
        with self._lock:
            self._feed.append(order)

    def fetch_orders(self, cursor: str | None = None) -> MarketplacePage:
        """Deliveries after ``cursor`` (a position in the feed), oldest first."""
        with self._lock:
            start = 0 if cursor is None else self._position(cursor)
            return MarketplacePage(orders=tuple(self._feed[start:]), cursor=str(len(self._feed)))

    def _position(self, cursor: str) -> int:
        if not cursor.isdigit() or int(cursor) > len(self._feed):
            raise ValidationError(f"unknown marketplace cursor {cursor!r}")
        return int(cursor)

    def _known(self, external_id: str) -> None:
        if not any(o.external_id == external_id for o in self._feed):
            raise NotFound(f"{self._channel.name} order", external_id)

    def acknowledge(self, external_id: str) -> None:
        """Mark the order accepted by the seller."""
        with self._lock:
            self._known(external_id)
            self.acknowledged.add(external_id)

    def push_stock(self, channel_sku: str, quantity: int) -> None:
        """Record the sellable quantity of ``channel_sku``."""
        if quantity < 0:
            raise InvalidQuantity(f"stock pushed for {channel_sku!r} must be >= 0, got {quantity}")
        with self._lock:
            self.stock[channel_sku] = quantity

    def push_tracking(self, external_id: str, courier: str, tracking_number: str) -> None:
        """Record the courier and tracking number of an order."""
        with self._lock:
            self._known(external_id)
            self.tracking[external_id] = (courier, tracking_number)
