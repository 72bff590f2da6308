"""Commands of marketplace channels: orders in, stock and listings out, settlements.

Handled in :mod:`salesorder.services.channels`; import them from
:mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import attrs

from salesorder.domain.channels import IngestResult, ListingReport, StockPush
from salesorder.domain.common import as_tuple, code, each, non_negative_int, optional_code, text
from salesorder.domain.fees import Reconciliation
from salesorder.domain.marketplaces import webhook_body
from salesorder.money import to_decimal
from salesorder.services.commands.base import Command

__all__ = [
    "CheckChannelStock",
    "ImportMarketplaceOrders",
    "ImportSettlements",
    "MapChannelSku",
    "PublishListing",
    "PullListings",
    "ReceiveWebhook",
    "ReleaseParkedOrders",
    "SetChannelStockRule",
    "SyncChannelStock",
]


def _share(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, what="share")


@attrs.frozen(kw_only=True)
class ImportMarketplaceOrders(Command["list[str]"]):
    """Fetch new orders from a marketplace and capture each once; returns the new order ids."""

    tag: ClassVar[str] = "import_marketplace_orders"
    channel: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class ReceiveWebhook(Command[IngestResult]):
    """A marketplace push: verified (HMAC of the raw body) before anything else, then ingested.

    ``body`` is the raw body as received (UTF-8 text), ``signature`` the marketplace's
    signature header. A delivery that fails verification or cannot be read is recorded in
    the channel's log of refusals (never on the channel account legitimate commands write)
    and refused (outcome ``rejected``), never applied.
    """

    tag: ClassVar[str] = "receive_webhook"
    channel: str = attrs.field(validator=code)
    #: At most ``MAX_WEBHOOK_BYTES`` (1 MiB) once encoded (see
    #: :func:`salesorder.domain.marketplaces.webhook_body`).
    body: str = attrs.field(validator=webhook_body)
    #: Any text; a signature that is not the body's is refused as such, whatever it holds.
    signature: str = attrs.field(validator=text)


@attrs.frozen(kw_only=True)
class MapChannelSku(Command[None]):
    """Sell catalog ``sku`` as ``channel_sku`` on ``channel``."""

    tag: ClassVar[str] = "map_channel_sku"
    channel: str = attrs.field(validator=code)
    channel_sku: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class ReleaseParkedOrders(Command[list[IngestResult]]):
    """Retry the parked marketplace orders of ``channel`` (every channel when None)."""

    tag: ClassVar[str] = "release_parked_orders"
    channel: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class SetChannelStockRule(Command[None]):
    """Hold back ``buffer`` units and offer ``share`` (0 to 1) of the rest on ``channel``."""

    tag: ClassVar[str] = "set_channel_stock_rule"
    channel: str = attrs.field(validator=code)
    buffer: int = attrs.field(default=0, validator=non_negative_int)
    share: Decimal = attrs.field(default=Decimal(1), converter=_share)


@attrs.frozen(kw_only=True)
class SyncChannelStock(Command[list[StockPush]]):
    """Push what each mapped channel SKU may sell, only where it changed since the last push.

    ``channel`` None syncs every marketplace; ``skus`` limits the sync to these catalog SKUs.
    Run it after a batch of stock changes: a burst of changes becomes one push per SKU.
    """

    tag: ClassVar[str] = "sync_channel_stock"
    channel: str | None = attrs.field(default=None, validator=optional_code)
    skus: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(code))


@attrs.frozen(kw_only=True)
class CheckChannelStock(Command[list[StockPush]]):
    """Compare what ``channel`` shows with what it should and push the corrections."""

    tag: ClassVar[str] = "check_channel_stock"
    channel: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class ImportSettlements(Command[list[Reconciliation]]):
    """Import new payout reports of ``channel`` (idempotent) and reconcile each."""

    tag: ClassVar[str] = "import_settlements"
    channel: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class PullListings(Command[ListingReport]):
    """Fetch ``channel``'s listings, map their SKUs to the catalog and report differences."""

    tag: ClassVar[str] = "pull_listings"
    channel: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class PublishListing(Command[str]):
    """Publish catalog ``skus`` as one listing (one variant each) on ``channel``.

    The listing is checked against the marketplace profile's limits before it is sent.
    ``name`` and ``images`` default to the first product's name and the products' images.
    """

    tag: ClassVar[str] = "publish_listing"
    channel: str = attrs.field(validator=code)
    item_id: str = attrs.field(validator=code)
    skus: tuple[str, ...] = attrs.field(converter=as_tuple, validator=each(code))
    category: str = attrs.field(default="", validator=text)
    name: str | None = attrs.field(default=None, validator=attrs.validators.optional(text))
    images: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(text))
