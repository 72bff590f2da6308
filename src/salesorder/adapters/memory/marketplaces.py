"""An in-memory marketplace shop: scripted orders, revisions, settlements and listings."""

from __future__ import annotations

import json
import threading
from collections.abc import Collection
from typing import Any

import attrs

from salesorder import serialization
from salesorder.domain.channels import (
    Channel,
    ChannelKind,
    Listing,
    MarketplaceOrder,
    MarketplacePage,
    SettlementReport,
    sign_webhook,
    verify_webhook,
)
from salesorder.domain.customers import Address
from salesorder.domain.marketplaces import read_webhook_body
from salesorder.domain.units import Quantity
from salesorder.exceptions import (
    InvalidQuantity,
    MalformedPayload,
    NotFound,
    ScenarioError,
    ValidationError,
)

__all__ = ["InMemoryMarketplace"]

_NAMES = {
    ChannelKind.SHOPEE: "Shopee",
    ChannelKind.LAZADA: "Lazada",
    ChannelKind.TIKTOK_SHOP: "TikTok Shop",
}


class InMemoryMarketplace:
    """A marketplace shop that tests and demos script.

    :meth:`put_order` adds an order or a newer revision of it (:meth:`cancel` and
    :meth:`change_address` script the buyer's changes as new revisions); :meth:`fetch_orders`
    returns every delivery after a cursor (the cursor counts deliveries), so re-fetching from
    an old cursor repeats orders, as real marketplaces do. :meth:`webhook` gives the body and
    signature of a push, signed with ``secret``. Stock and tracking pushed by the seller are
    kept in ``stock`` and ``tracking``; :meth:`put_settlement` and :meth:`put_listing` script
    payout reports and listings made on the marketplace's side.
    """

    def __init__(self, channel: Channel | None = None, *, secret: bytes = b"test-secret") -> None:
        self._channel = channel or Channel(code="shopee", kind=ChannelKind.SHOPEE, name="Shopee")
        self._secret = secret
        self._feed: list[MarketplaceOrder] = []
        self.acknowledged: set[str] = set()
        self.stock: dict[str, Quantity] = {}
        self.tracking: dict[str, tuple[str, str]] = {}
        self.settlements: list[SettlementReport] = []
        self.listings: dict[str, Listing] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(
        cls, kind: ChannelKind, code: str | None = None, *, secret: bytes = b"test-secret"
    ) -> InMemoryMarketplace:
        """A shop on marketplace ``kind`` (channel code defaults to the kind's value)."""
        name = _NAMES.get(kind, kind.value)
        return cls(Channel(code=code or kind.value, kind=kind, name=name), secret=secret)

    @property
    def channel(self) -> Channel:
        """The channel this shop's orders are booked under."""
        return self._channel

    # -- scripting ----------------------------------------------------------------------

    def put_order(self, order: MarketplaceOrder) -> None:
        """Script a new order or a new revision of one (appended to the feed)."""
        with self._lock:
            self._feed.append(order)

    def _latest(self, external_id: str) -> MarketplaceOrder:
        revisions = [o for o in self._feed if o.external_id == external_id]
        if not revisions:
            raise NotFound(f"{self._channel.name} order", external_id)
        return max(revisions, key=lambda o: o.revision)

    def revise(self, external_id: str, **changes: Any) -> MarketplaceOrder:
        """Script a new revision of an order with ``changes``; returns it."""
        with self._lock:
            latest = self._latest(external_id)
            revised = attrs.evolve(latest, revision=latest.revision + 1, **changes)
            self._feed.append(revised)
            return revised

    def cancel(self, external_id: str, status: str = "CANCELLED") -> MarketplaceOrder:
        """Script the buyer cancelling (``status`` is the marketplace's own name for it)."""
        return self.revise(external_id, status=status)

    def change_address(self, external_id: str, address: Address) -> MarketplaceOrder:
        """Script the buyer changing the shipping address."""
        return self.revise(external_id, shipping_address=address)

    def put_settlement(self, report: SettlementReport) -> None:
        """Script a payout report (a report with the same id replaces the earlier one)."""
        with self._lock:
            self.settlements = [r for r in self.settlements if r.report_id != report.report_id]
            self.settlements.append(report)

    def put_listing(self, listing: Listing) -> None:
        """Script a listing made on the marketplace's side (by hand in its seller centre)."""
        with self._lock:
            self.listings[listing.item_id] = listing
            for variant in listing.variants:
                self.stock[variant.channel_sku] = variant.stock

    def webhook(self, order: MarketplaceOrder) -> tuple[bytes, str]:
        """The raw body and signature of a push carrying ``order`` (also put in the feed)."""
        self.put_order(order)
        body = json.dumps(serialization.unstructure(order), sort_keys=True).encode()
        return body, sign_webhook(self._secret, body)

    # -- the port -----------------------------------------------------------------------

    def fetch_orders(self, cursor: str | None = None) -> MarketplacePage:
        """Deliveries after ``cursor`` (a position in the feed), oldest first."""
        with self._lock:
            start = 0 if cursor is None else self._position(cursor)
            return MarketplacePage(orders=tuple(self._feed[start:]), cursor=str(len(self._feed)))

    def _position(self, cursor: str) -> int:
        if not cursor.isdigit() or int(cursor) > len(self._feed):
            raise ValidationError(f"unknown marketplace cursor {cursor!r}")
        return int(cursor)

    def fetch_order(self, external_id: str) -> MarketplaceOrder:
        """The latest revision of one order."""
        with self._lock:
            return self._latest(external_id)

    def _known(self, external_id: str) -> None:
        if not any(o.external_id == external_id for o in self._feed):
            raise NotFound(f"{self._channel.name} order", external_id)

    def acknowledge(self, external_id: str) -> None:
        """Mark the order accepted by the seller."""
        with self._lock:
            self._known(external_id)
            self.acknowledged.add(external_id)

    def push_stock(self, channel_sku: str, quantity: Quantity) -> None:
        """Record the sellable quantity of ``channel_sku``."""
        if quantity < 0:
            raise InvalidQuantity(f"stock pushed for {channel_sku!r} must be >= 0, got {quantity}")
        with self._lock:
            self.stock[channel_sku] = quantity

    def fetch_stock(self, channel_skus: Collection[str]) -> dict[str, Quantity]:
        """The quantity shown for each of ``channel_skus`` that has stock or a listing."""
        with self._lock:
            return {sku: self.stock[sku] for sku in channel_skus if sku in self.stock}

    def push_tracking(self, external_id: str, courier: str, tracking_number: str) -> None:
        """Record the courier and tracking number of an order."""
        with self._lock:
            self._known(external_id)
            self.tracking[external_id] = (courier, tracking_number)

    def fetch_settlements(self) -> list[SettlementReport]:
        """The scripted payout reports, oldest first."""
        with self._lock:
            return list(self.settlements)

    def fetch_listings(self) -> list[Listing]:
        """The listings, by item id."""
        with self._lock:
            return [self.listings[item] for item in sorted(self.listings)]

    def publish_listing(self, listing: Listing) -> str:
        """Create or replace a listing; the stock of its variants is shown as given."""
        self.put_listing(listing)
        return listing.item_id

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        """HMAC-SHA256 of the body with the shop's secret, compared in constant time."""
        return verify_webhook(self._secret, body, signature)

    def parse_webhook(self, body: bytes) -> MarketplaceOrder:
        """The order in a push body (the JSON shape of :mod:`salesorder.serialization`)."""
        data = read_webhook_body(body, shop=self._channel.name)  # size, depth, digits
        try:
            return serialization.structure(data, MarketplaceOrder)
        except ScenarioError as exc:
            raise MalformedPayload(f"{self._channel.name} push is not an order: {exc}") from None
