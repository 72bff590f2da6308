"""Marketplaces (Shopee, Lazada, TikTok Shop): orders in, stock and tracking out.

Webhook payloads and polled orders reach the application through the same ingest path
(:mod:`salesorder.services.channels`); the gateway only fetches, verifies and translates.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol, runtime_checkable

from salesorder.domain.channels import (
    Channel,
    Listing,
    MarketplaceOrder,
    MarketplacePage,
    SettlementReport,
)
from salesorder.domain.units import Quantity

__all__ = ["MarketplaceGateway"]


@runtime_checkable
class MarketplaceGateway(Protocol):
    """One shop on one marketplace."""

    @property
    def channel(self) -> Channel:
        """The channel this shop's orders are booked under."""
        ...

    def fetch_orders(self, cursor: str | None = None) -> MarketplacePage:
        """Orders created or updated after ``cursor`` (all when None), oldest first.

        Contract: an order may come again (with the same or a newer revision); callers must
        ingest idempotently. The returned cursor, passed back, never repeats a page forever.
        """
        ...

    def fetch_order(self, external_id: str) -> MarketplaceOrder:
        """The latest revision of one order.

        Raises:
            NotFound: the marketplace has no such order.
        """
        ...

    def acknowledge(self, external_id: str) -> None:
        """Tell the marketplace the order was accepted. Idempotent."""
        ...

    def push_stock(self, channel_sku: str, quantity: Quantity) -> None:
        """Set the quantity the marketplace may sell of ``channel_sku`` (>= 0, exact)."""
        ...

    def fetch_stock(self, channel_skus: Collection[str]) -> dict[str, Quantity]:
        """The quantity the marketplace now shows for each of ``channel_skus`` it lists.

        A SKU the marketplace does not list is left out of the result.
        """
        ...

    def push_tracking(self, external_id: str, courier: str, tracking_number: str) -> None:
        """Give the marketplace the tracking number of an order. Idempotent."""
        ...

    def fetch_settlements(self) -> list[SettlementReport]:
        """Every payout report the marketplace has issued, oldest first.

        Contract: a report keeps its ``report_id`` and content; callers import idempotently.
        """
        ...

    def fetch_listings(self) -> list[Listing]:
        """The shop's listings as the marketplace shows them, by item id."""
        ...

    def publish_listing(self, listing: Listing) -> str:
        """Create or replace the listing ``listing.item_id``; returns the item id.

        Idempotent: publishing the same listing twice leaves one listing.
        """
        ...

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        """True when ``signature`` is the marketplace's signature of the raw ``body``.

        Implementations compare in constant time (``hmac.compare_digest``).
        """
        ...

    def parse_webhook(self, body: bytes) -> MarketplaceOrder:
        """The order a verified push carries.

        Raises:
            MalformedPayload: the body is not an order this marketplace would send.
        """
        ...
