"""Sales channels: the own web shop, manual entry, marketplaces and user-defined ones."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from salesorder.domain.common import as_tuple, aware_datetime, code, non_empty
from salesorder.domain.customers import Address
from salesorder.money import Money

__all__ = ["Channel", "ChannelKind", "MarketplaceLine", "MarketplaceOrder", "MarketplacePage"]


class ChannelKind(str, enum.Enum):
    """Where an order came from."""

    WEB = "web"
    MANUAL = "manual"
    SHOPEE = "shopee"
    LAZADA = "lazada"
    TIKTOK_SHOP = "tiktok_shop"
    CUSTOM = "custom"

    @property
    def is_marketplace(self) -> bool:
        """True for Shopee, Lazada and TikTok Shop."""
        return self in _MARKETPLACES


_MARKETPLACES = frozenset({ChannelKind.SHOPEE, ChannelKind.LAZADA, ChannelKind.TIKTOK_SHOP})


@attrs.frozen(kw_only=True)
class Channel:
    """A channel the shop sells on. ``code`` is unique per shop (``"shopee-id"``, ``"web"``)."""

    code: str = attrs.field(validator=code)
    kind: ChannelKind
    name: str = attrs.field(validator=non_empty)

    @classmethod
    def web(cls) -> Channel:
        """The shop's own web shop."""
        return cls(code="web", kind=ChannelKind.WEB, name="Web shop")

    @classmethod
    def manual(cls) -> Channel:
        """Orders typed in by staff (phone, chat, social media)."""
        return cls(code="manual", kind=ChannelKind.MANUAL, name="Manual")


@attrs.frozen(kw_only=True)
class MarketplaceLine:
    """A line as the marketplace sends it: its own SKU, quantity and unit price."""

    channel_sku: str = attrs.field(validator=code)
    quantity: int
    unit_price: Money


@attrs.frozen(kw_only=True)
class MarketplaceOrder:
    """An order as a marketplace delivers it (polled or pushed).

    ``revision`` grows each time the marketplace changes the order; ingest uses
    (channel, ``external_id``, ``revision``) so that the same delivery twice changes nothing.
    """

    external_id: str = attrs.field(validator=code)
    revision: int
    status: str
    buyer_name: str = attrs.field(validator=non_empty)
    shipping_address: Address
    currency: str
    lines: tuple[MarketplaceLine, ...] = attrs.field(converter=as_tuple)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    cash_on_delivery: bool = False
    buyer_phone: str = ""


@attrs.frozen(kw_only=True)
class MarketplacePage:
    """One page of orders fetched since a cursor, and the cursor to ask from next time."""

    orders: tuple[MarketplaceOrder, ...] = attrs.field(converter=as_tuple)
    cursor: str
