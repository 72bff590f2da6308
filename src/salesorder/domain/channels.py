"""Sales channels: the own web shop, manual entry, marketplaces and user-defined ones.

Besides the channel itself, this module holds what a marketplace sends and what the shop
keeps about it: orders as delivered (:class:`MarketplaceOrder`), listings, settlement
reports, the shop's account on a channel (:class:`ChannelAccount`: SKU mapping, stock
pushed, rejected webhook deliveries, settlements imported) and the ingest record of each
marketplace order (:class:`MarketplaceRecord`, which is also the exceptions queue).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac

import attrs

from salesorder.domain.catalog import VariantAttribute
from salesorder.domain.common import (
    MAX_REVISION,
    as_tuple,
    aware_datetime,
    boolean,
    code,
    each,
    instance_of,
    int_between,
    member_of,
    money,
    non_empty,
    non_negative_int,
    reference,
    spelled,
    text,
)
from salesorder.domain.customers import Address
from salesorder.domain.inventory import ChannelStockRule
from salesorder.domain.units import Quantity, positive_quantity, quantity
from salesorder.exceptions import CurrencyMismatch, RevisionConflict, ValidationError
from salesorder.money import Money

__all__ = [
    "Channel",
    "ChannelAccount",
    "ChannelKind",
    "IngestOutcome",
    "IngestResult",
    "Listing",
    "ListingDifference",
    "ListingReport",
    "ListingVariant",
    "MarketplaceLine",
    "MarketplaceOrder",
    "MarketplacePage",
    "MarketplaceRecord",
    "RefusalLog",
    "RefusalSlot",
    "RejectedDelivery",
    "SettlementLine",
    "SettlementReport",
    "StockPush",
    "sign_webhook",
    "verify_webhook",
]


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


def _kind(value: ChannelKind | str) -> ChannelKind:
    return spelled(ChannelKind, value)


@attrs.frozen(kw_only=True)
class Channel:
    """A channel the shop sells on. ``code`` is unique per shop (``"shopee-id"``, ``"web"``)."""

    code: str = attrs.field(validator=code)
    kind: ChannelKind = attrs.field(converter=_kind, validator=member_of(ChannelKind))
    name: str = attrs.field(validator=non_empty)

    @classmethod
    def web(cls) -> Channel:
        """The shop's own web shop."""
        return cls(code="web", kind=ChannelKind.WEB, name="Web shop")

    @classmethod
    def manual(cls) -> Channel:
        """Orders typed in by staff (phone, chat, social media)."""
        return cls(code="manual", kind=ChannelKind.MANUAL, name="Manual")


_optional_money = attrs.validators.optional(money)


@attrs.frozen(kw_only=True)
class MarketplaceLine:
    """A line as the marketplace sends it: its own SKU, quantity and unit price.

    ``quantity`` is exact (``int``, or a ``Decimal`` for 1.5 kg); the import checks it
    against the catalog product's unit.
    """

    channel_sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=quantity, validator=positive_quantity)
    unit_price: Money = attrs.field(validator=money)
    #: The marketplace's category of the item; commission rates depend on it.
    category: str = attrs.field(default="", validator=text)


@attrs.frozen(kw_only=True)
class MarketplaceOrder:
    """An order as a marketplace delivers it (polled or pushed).

    ``revision`` grows each time the marketplace changes the order; ingest uses
    (channel, ``external_id``, ``revision``) so that the same delivery twice changes nothing.
    A marketplace that only gives an update time is adapted by using that time (in epoch
    milliseconds) as the revision. ``status`` is the marketplace's own status name (see
    :mod:`salesorder.domain.marketplaces` for each profile's mapping).

    Amounts as the marketplace states them (tax included where prices include tax):
    ``seller_discount`` is the seller-funded voucher, ``platform_discount`` the
    platform-funded one (the buyer pays less, the seller's revenue is unchanged),
    ``shipping_fee`` what the buyer paid for shipping and ``shipping_subsidy`` the part of
    shipping the seller pays for.
    """

    external_id: str = attrs.field(validator=code)
    #: From 0 to ``MAX_REVISION`` (2**63 - 1).
    revision: int = attrs.field(validator=int_between(0, MAX_REVISION))
    status: str = attrs.field(validator=reference)
    buyer_name: str = attrs.field(validator=non_empty)
    shipping_address: Address = attrs.field(validator=instance_of(Address))
    currency: str = attrs.field(validator=code)
    lines: tuple[MarketplaceLine, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(MarketplaceLine))
    )
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    cash_on_delivery: bool = attrs.field(default=False, validator=boolean)
    buyer_phone: str = attrs.field(default="", validator=text)
    seller_discount: Money | None = attrs.field(default=None, validator=_optional_money)
    platform_discount: Money | None = attrs.field(default=None, validator=_optional_money)
    shipping_fee: Money | None = attrs.field(default=None, validator=_optional_money)
    shipping_subsidy: Money | None = attrs.field(default=None, validator=_optional_money)

    def __attrs_post_init__(self) -> None:
        if self.revision < 0:
            raise ValidationError(
                f"marketplace order {self.external_id!r} revision must be >= 0, got {self.revision}"
            )
        amounts = [line.unit_price for line in self.lines] + [
            m
            for m in (
                self.seller_discount,
                self.platform_discount,
                self.shipping_fee,
                self.shipping_subsidy,
            )
            if m is not None
        ]
        thing = f"marketplace order {self.external_id!r}"
        for amount in amounts:
            if amount.currency != self.currency:
                what = f"the amount {amount}"
                raise CurrencyMismatch(self.currency, amount.currency, what, against=thing)
            if amount.is_negative:
                raise ValidationError(
                    f"marketplace order {self.external_id!r} has a negative amount {amount}"
                )
        # What the buyer paid must be an amount too (each line's total, and their sum), so
        # an order that cannot be booked is refused as delivered, before anything is stored.
        _ = self.buyer_paid, self.seller_revenue

    @property
    def goods(self) -> Money:
        """Unit price times quantity over the lines, before vouchers."""
        return Money.sum((line.unit_price * line.quantity for line in self.lines), self.currency)

    def _or_zero(self, amount: Money | None) -> Money:
        return amount if amount is not None else Money.zero(self.currency)

    @property
    def seller_revenue(self) -> Money:
        """The goods less the seller-funded voucher (what the seller sells them for)."""
        return self.goods - self._or_zero(self.seller_discount)

    @property
    def buyer_paid(self) -> Money:
        """Revenue less the platform-funded voucher, plus shipping (what the buyer pays)."""
        return (
            self.seller_revenue
            - self._or_zero(self.platform_discount)
            + self._or_zero(self.shipping_fee)
        )


@attrs.frozen(kw_only=True)
class MarketplacePage:
    """One page of orders fetched since a cursor, and the cursor to ask from next time."""

    orders: tuple[MarketplaceOrder, ...] = attrs.field(converter=as_tuple)
    cursor: str


# ---------------------------------------------------------------------------------------
# Webhooks
# ---------------------------------------------------------------------------------------


def sign_webhook(secret: bytes, body: bytes) -> str:
    """The signature a marketplace puts on a push: hex HMAC-SHA256 of the raw body."""
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def verify_webhook(secret: bytes, body: bytes, signature: str) -> bool:
    """True when ``signature`` is the body's HMAC-SHA256 under ``secret``.

    Compared in constant time (``hmac.compare_digest``), so a forger learns nothing
    from how long a wrong guess takes. A signature of any other characters (or not a
    string) is simply not a match.
    """
    if not isinstance(signature, str):
        return False
    # Compared as bytes: compare_digest refuses str with characters beyond ASCII, and a
    # signature of any characters must simply not match.
    given = signature.strip().lower().encode("utf-8", "backslashreplace")
    return hmac.compare_digest(sign_webhook(secret, body).encode("ascii"), given)


@attrs.frozen(kw_only=True)
class RejectedDelivery:
    """A webhook delivery that was refused (bad signature, malformed body); never applied.

    ``body_sha256`` identifies the body; ``excerpt`` keeps its start for whoever looks into it.
    """

    at: dt.datetime = attrs.field(validator=aware_datetime)
    reason: str = attrs.field(validator=non_empty)
    body_sha256: str
    excerpt: str = ""


#: How many slots a channel's log of refused deliveries has (see :class:`RefusalSlot`).
REFUSAL_SLOTS = 100


@attrs.define(kw_only=True)
class RefusalSlot:
    """One slot of a channel's bounded log of refused webhook deliveries.

    Refused deliveries (a forged signature, a body that is not an order, a revision that
    conflicts with an earlier one) are logged apart from everything legitimate commands
    write, so a flood of them never makes a legitimate command wait or retry. A channel's
    log has at most ``REFUSAL_SLOTS`` slots, keyed by (channel, slot): each refusal
    lands in one (chosen at random by the caller, so concurrent refusals seldom meet on a
    row), replaces the delivery the slot kept and adds one to its ``count``. So the log
    stays bounded, keeps a recent sample of what was refused, and the sum of the counts is
    the number of refusals.
    """

    channel: str = attrs.field(validator=code)
    slot: int = attrs.field(validator=non_negative_int)
    latest: RejectedDelivery
    count: int = attrs.field(default=1, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if self.slot >= REFUSAL_SLOTS:
            raise ValidationError(
                f"refusal slot of {self.channel!r} must be below {REFUSAL_SLOTS}, got {self.slot}"
            )

    def add(self, delivery: RejectedDelivery) -> None:
        """Log ``delivery`` in this slot: it is kept (when newest) and counted."""
        self.count += 1
        if delivery.at >= self.latest.at:
            self.latest = delivery


@attrs.frozen(kw_only=True)
class RefusalLog:
    """What a channel's log of refusals holds: how many in all, and the ones it kept.

    ``recent`` is newest first, at most ``REFUSAL_SLOTS`` of them.
    """

    channel: str
    total: int
    recent: tuple[RejectedDelivery, ...]

    @classmethod
    def of(cls, channel: str, slots: list[RefusalSlot]) -> RefusalLog:
        """The log of ``channel`` made of its slots."""
        mine = [slot for slot in slots if slot.channel == channel]
        recent = sorted((slot.latest for slot in mine), key=lambda d: d.at, reverse=True)
        return cls(channel=channel, total=sum(slot.count for slot in mine), recent=tuple(recent))


# ---------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------


class IngestOutcome(str, enum.Enum):
    """What ingesting one delivery did."""

    CREATED = "created"
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    STALE = "stale"
    PARKED = "parked"
    REJECTED = "rejected"


@attrs.frozen(kw_only=True)
class IngestResult:
    """The outcome of one delivery, the order it concerns (if any) and why, when it matters."""

    outcome: IngestOutcome
    external_id: str = ""
    order_id: str | None = None
    reason: str = ""


@attrs.define(kw_only=True)
class MarketplaceRecord:
    """What the shop knows of one marketplace order: the latest delivery and what became of it.

    Keyed by (channel, external id). ``payload`` is the latest revision received;
    ``applied_revision`` the one the order reflects. A record with a ``parked_reason`` is in
    the exceptions queue: its latest revision is not applied (an unknown channel SKU, an
    unknown status, a change the order no longer allows) and waits to be released.
    """

    channel: str = attrs.field(validator=code)
    external_id: str = attrs.field(validator=code)
    payload: MarketplaceOrder
    order_id: str | None = None
    applied_revision: int | None = None
    parked_reason: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """(channel, external id)."""
        return (self.channel, self.external_id)

    @property
    def revision(self) -> int:
        """The latest revision received."""
        return self.payload.revision

    @property
    def is_parked(self) -> bool:
        """True while the latest revision waits in the exceptions queue."""
        return bool(self.parked_reason)

    def classify(self, incoming: MarketplaceOrder) -> IngestOutcome | None:
        """DUPLICATE or STALE for a delivery that changes nothing, None for a newer revision.

        Raises:
            RevisionConflict: the same revision with different content.
        """
        if incoming.revision < self.revision:
            return IngestOutcome.STALE
        if incoming.revision == self.revision:
            if incoming != self.payload:
                raise RevisionConflict(
                    f"{self.channel} order {self.external_id!r} revision {incoming.revision} "
                    "was delivered before with different content"
                )
            return IngestOutcome.DUPLICATE
        return None

    def receive(self, incoming: MarketplaceOrder) -> None:
        """Keep ``incoming`` as the latest revision (not applied yet)."""
        self.payload = incoming

    def park(self, reason: str) -> None:
        """Put the latest revision in the exceptions queue with ``reason``."""
        if not reason.strip():
            raise ValidationError("a parked marketplace order needs a reason")
        self.parked_reason = reason

    def applied(self, order_id: str) -> None:
        """The order ``order_id`` now reflects the latest revision."""
        self.order_id = order_id
        self.applied_revision = self.payload.revision
        self.parked_reason = ""


# ---------------------------------------------------------------------------------------
# Listings and settlements
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ListingVariant:
    """One variant of a listing: the channel's SKU, its attributes, price and stock shown."""

    channel_sku: str = attrs.field(validator=code)
    price: Money = attrs.field(validator=money)
    attributes: tuple[VariantAttribute, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(VariantAttribute))
    )
    stock: int = attrs.field(default=0, validator=non_negative_int)
    #: The seller's SKU the marketplace holds for the variant ("" when none was given).
    seller_sku: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class Listing:
    """A product as a marketplace shows it: name, category, images and variants."""

    item_id: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    category: str = attrs.field(default="", validator=text)
    images: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(text))
    variants: tuple[ListingVariant, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(ListingVariant))
    )

    def __attrs_post_init__(self) -> None:
        if not self.variants:
            raise ValidationError(f"listing {self.item_id!r} has no variants")


@attrs.frozen(kw_only=True)
class SettlementLine:
    """What a marketplace paid out for one order, and the fees it kept.

    ``revenue`` is the seller's revenue the marketplace credited; ``payout`` what it pays.
    ``adjustment`` is anything else (compensation, a correction), signed.
    """

    external_id: str = attrs.field(validator=code)
    revenue: Money = attrs.field(validator=money)
    commission: Money = attrs.field(validator=money)
    transaction_fee: Money = attrs.field(validator=money)
    service_fee: Money = attrs.field(validator=money)
    shipping_subsidy: Money = attrs.field(validator=money)
    payout: Money = attrs.field(validator=money)
    adjustment: Money | None = attrs.field(default=None, validator=_optional_money)


@attrs.frozen(kw_only=True)
class SettlementReport:
    """A payout report: one line per order paid out. ``report_id`` is unique per channel."""

    report_id: str = attrs.field(validator=code)
    currency: str = attrs.field(validator=code)
    paid_at: dt.datetime = attrs.field(validator=aware_datetime)
    lines: tuple[SettlementLine, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(SettlementLine))
    )

    def __attrs_post_init__(self) -> None:
        for line in self.lines:
            for amount in (line.revenue, line.commission, line.payout):
                if amount.currency != self.currency:
                    what, thing = f"the amount {amount}", f"settlement report {self.report_id!r}"
                    raise CurrencyMismatch(self.currency, amount.currency, what, against=thing)

    @property
    def total(self) -> Money:
        """The payout of the whole report."""
        return Money.sum((line.payout for line in self.lines), self.currency)


@attrs.frozen(kw_only=True)
class ListingDifference:
    """A field where a listing differs from the catalog; reported, never overwritten."""

    channel_sku: str
    sku: str
    field: str
    channel_value: str
    catalog_value: str


@attrs.frozen(kw_only=True)
class ListingReport:
    """What pulling listings found.

    ``matched``: (channel SKU, catalog SKU) pairs matched by SKU and now mapped; ``new``:
    variants with no catalog product (offered as new products); ``differences``: fields
    where a mapped variant differs from the catalog.
    """

    matched: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=as_tuple)
    new: tuple[ListingVariant, ...] = attrs.field(default=(), converter=as_tuple)
    differences: tuple[ListingDifference, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class StockPush:
    """A quantity pushed to a channel, and what the channel had (last pushed or shown)."""

    channel: str
    channel_sku: str
    quantity: Quantity
    previous: Quantity | None


# ---------------------------------------------------------------------------------------
# The shop's account on a channel
# ---------------------------------------------------------------------------------------


#: How many refused webhook deliveries an account of an earlier version kept. Refusals now
#: go to their own log (:class:`RefusalSlot`); the fields stay so stored accounts still load.
REJECTED_KEPT = 100


@attrs.define(kw_only=True)
class ChannelAccount:
    """What the shop keeps per channel: SKU mapping, stock rule and pushes, rejects, payouts.

    ``sku_map`` maps the channel's SKU to the catalog's SKU (one catalog SKU may be sold
    under several channel SKUs). ``pushed_stock`` is the last quantity pushed per channel
    SKU, as the marketplace last took it. ``rejected`` and ``rejected_total`` are what an
    earlier version kept of refused deliveries; refusals are now logged apart
    (:class:`RefusalSlot`), never on the account every legitimate command writes.
    """

    channel: str = attrs.field(validator=code)
    sku_map: dict[str, str] = attrs.Factory(dict)
    stock_rule: ChannelStockRule | None = None
    pushed_stock: dict[str, Quantity] = attrs.Factory(dict)
    rejected: list[RejectedDelivery] = attrs.Factory(list)
    rejected_total: int = 0
    settlements: list[SettlementReport] = attrs.Factory(list)

    @property
    def rule(self) -> ChannelStockRule:
        """The stock rule of the channel (all available stock when none was set)."""
        return self.stock_rule or ChannelStockRule(channel=self.channel)

    def map_sku(self, channel_sku: str, sku: str) -> None:
        """Sell catalog ``sku`` as ``channel_sku`` on this channel."""
        if not channel_sku.strip() or not sku.strip():
            raise ValidationError(
                f"SKU mapping on {self.channel!r} needs both SKUs, got {channel_sku!r} -> {sku!r}"
            )
        self.sku_map[channel_sku] = sku

    def set_stock_rule(self, buffer: Quantity, share: object) -> None:
        """Hold back ``buffer`` units and offer ``share`` of the rest on this channel."""
        self.stock_rule = ChannelStockRule(channel=self.channel, buffer=buffer, share=share)

    def record_push(self, channel_sku: str, quantity: Quantity) -> None:
        """Remember that ``quantity`` of ``channel_sku`` was pushed."""
        self.pushed_stock[channel_sku] = quantity

    def reject(self, delivery: RejectedDelivery) -> None:
        """Record a refused webhook delivery (the oldest kept one goes past the limit)."""
        self.rejected.append(delivery)
        # An account stored before the count existed starts from what it kept.
        self.rejected_total = max(self.rejected_total, len(self.rejected) - 1) + 1
        del self.rejected[:-REJECTED_KEPT]

    def settlement(self, report_id: str) -> SettlementReport | None:
        """The imported report ``report_id``, or None."""
        return next((r for r in self.settlements if r.report_id == report_id), None)

    def add_settlement(self, report: SettlementReport) -> bool:
        """Keep ``report``; False (and nothing kept) when it was imported before.

        Raises:
            RevisionConflict: a report with the same id but other content was imported.
        """
        known = self.settlement(report.report_id)
        if known is not None:
            if known != report:
                raise RevisionConflict(
                    f"settlement report {report.report_id!r} of {self.channel!r} was imported "
                    "before with different content"
                )
            return False
        self.settlements.append(report)
        return True
