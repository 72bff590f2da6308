"""Marketplaces (Shopee, Lazada, TikTok Shop): orders in, stock and tracking out."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.channels import Channel, MarketplacePage

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

    def acknowledge(self, external_id: str) -> None:
        """Tell the marketplace the order was accepted. Idempotent."""
        ...

    def push_stock(self, channel_sku: str, quantity: int) -> None:
        """Set the quantity the marketplace may sell of ``channel_sku`` (>= 0)."""
        ...

    def push_tracking(self, external_id: str, courier: str, tracking_number: str) -> None:
        """Give the marketplace the tracking number of an order. Idempotent."""
        ...
