"""What every marketplace use case looks up: the gateway, its profile and the channel account.

Shared by ingest (:mod:`salesorder.services.channels`), stock sync
(:mod:`salesorder.services.channel_stock`), listings (:mod:`salesorder.services.listings`),
settlements (:mod:`salesorder.services.settlements`) and the reads of
:mod:`salesorder.services.views`.
"""

from __future__ import annotations

from salesorder.domain.channels import Channel, ChannelAccount
from salesorder.domain.marketplaces import MarketplaceProfile, profile_for
from salesorder.exceptions import UnknownShop
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp

__all__ = ["account", "catalog_sku", "gateway", "profile"]


def gateway(app: SalesApp, channel: str) -> MarketplaceGateway:
    """The marketplace adapter registered for ``channel``.

    Raises:
        UnknownShop: no marketplace is registered for ``channel``.
    """
    try:
        return app.marketplaces[channel]
    except KeyError:
        raise UnknownShop(channel) from None


def profile(channel: Channel) -> MarketplaceProfile:
    """The marketplace profile (statuses, limits, fees) of ``channel``'s kind."""
    return profile_for(channel.kind)


def account(uow: UnitOfWork, channel: str) -> ChannelAccount:
    """The channel's account in this unit of work, added when it has none yet."""
    found = uow.channel_accounts.find(channel)
    if found is None:
        found = ChannelAccount(channel=channel)
        uow.channel_accounts.add(found)
    return found


def catalog_sku(uow: UnitOfWork, known: ChannelAccount | None, channel_sku: str) -> str | None:
    """The catalog SKU sold as ``channel_sku``: the mapping, else the same SKU in the catalog."""
    if known is not None and channel_sku in known.sku_map:
        return known.sku_map[channel_sku]
    return channel_sku if uow.products.find(channel_sku) is not None else None
