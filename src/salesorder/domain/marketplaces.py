"""Marketplace profiles as data: status names, fee rules and listing limits per marketplace.

Each marketplace names its order statuses its own way; a profile maps them to
:class:`~salesorder.domain.lifecycle.OrderStatus`. The status names are meant to be those of
the marketplaces' order APIs (Shopee Open Platform ``order_status``, Lazada Open Platform
order ``statuses``, TikTok Shop Partner API ``order_status``), written from public
integrations rather than checked against each API version: check them against the version
you integrate. A status the profile does not know parks the order, so nothing is lost.

The fee rates and listing limits below are ILLUSTRATIVE example figures, of the order of
magnitude sellers report, not the marketplaces' current official rates: rates change by
country, category, seller programme and month. Build your own :class:`MarketplaceProfile`
(or ``attrs.evolve`` one of these) with the rates of your seller contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from salesorder.domain.channels import ChannelKind, Listing
from salesorder.domain.common import positive_int, read_json, show
from salesorder.domain.fees import FeeRule
from salesorder.domain.lifecycle import OrderStatus
from salesorder.exceptions import (
    ListingRejected,
    MalformedDocument,
    MalformedPayload,
    NotFound,
    ValidationError,
)

__all__ = [
    "LAZADA",
    "MAX_WEBHOOK_BYTES",
    "PROFILES",
    "SHOPEE",
    "TIKTOK_SHOP",
    "ListingLimits",
    "MarketplaceProfile",
    "profile_for",
    "read_webhook_body",
    "validate_listing",
    "webhook_body",
]


@attrs.frozen(kw_only=True)
class ListingLimits:
    """What a marketplace accepts in a listing."""

    max_name_length: int = attrs.field(validator=positive_int)
    min_images: int = 1
    max_images: int = attrs.field(validator=positive_int)
    max_variants: int = attrs.field(validator=positive_int)
    max_variant_attributes: int = attrs.field(default=3, validator=positive_int)


def _statuses(value: Mapping[str, OrderStatus]) -> Mapping[str, OrderStatus]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class MarketplaceProfile:
    """One marketplace: its status names, fee rule and listing limits."""

    kind: ChannelKind
    statuses: Mapping[str, OrderStatus] = attrs.field(converter=_statuses)
    fees: FeeRule
    limits: ListingLimits

    def status(self, name: str) -> OrderStatus:
        """Our status for the marketplace's status ``name``.

        Raises:
            ValidationError: the profile does not know ``name``.
        """
        try:
            return self.statuses[name]
        except KeyError:
            raise ValidationError(
                f"{self.kind.value} order status {name!r} is not in the profile's status map"
            ) from None


_S = OrderStatus

#: Shopee, with the status names of the Shopee Open Platform order API and illustrative
#: fees for a shop selling in IDR (the service fee cap of 10,000 is meant as rupiah).
SHOPEE = MarketplaceProfile(
    kind=ChannelKind.SHOPEE,
    statuses={
        "UNPAID": _S.NEW,
        "READY_TO_SHIP": _S.NEW,
        "PROCESSED": _S.PROCESSING,
        "RETRY_SHIP": _S.PROCESSING,
        "SHIPPED": _S.SHIPPED,
        "TO_CONFIRM_RECEIVE": _S.DELIVERED,
        "COMPLETED": _S.COMPLETED,
        "IN_CANCEL": _S.NEW,  # the buyer asked; the seller may still refuse
        "CANCELLED": _S.CANCELLED,
        "TO_RETURN": _S.RETURNED,
        "INVOICE_PENDING": _S.NEW,
    },
    fees=FeeRule(
        commission={"fashion": Decimal("0.08"), "electronics": Decimal("0.0575")},
        default_commission=Decimal("0.065"),
        transaction_fee=Decimal("0.04"),
        service_fee=Decimal("0.04"),
        service_fee_cap=Decimal(10000),
    ),
    limits=ListingLimits(
        max_name_length=120, max_images=9, max_variants=50, max_variant_attributes=2
    ),
)

#: Lazada, with the status names of the Lazada Open Platform order API and illustrative fees.
LAZADA = MarketplaceProfile(
    kind=ChannelKind.LAZADA,
    statuses={
        "unpaid": _S.NEW,
        "pending": _S.NEW,
        "topack": _S.CONFIRMED,
        "packed": _S.PACKED,
        "ready_to_ship": _S.PACKED,
        "shipped": _S.SHIPPED,
        "delivered": _S.DELIVERED,
        "failed_delivery": _S.FAILED_DELIVERY,
        "canceled": _S.CANCELLED,
        "returned": _S.RETURNED,
        "lost_by_3pl": _S.FAILED_DELIVERY,
        "damaged_by_3pl": _S.FAILED_DELIVERY,
    },
    fees=FeeRule(
        commission={"fashion": Decimal("0.07"), "electronics": Decimal("0.05")},
        default_commission=Decimal("0.06"),
        transaction_fee=Decimal("0.025"),
        service_fee=Decimal("0"),
    ),
    limits=ListingLimits(max_name_length=255, max_images=8, max_variants=100),
)

#: TikTok Shop, with the status names of the TikTok Shop Partner API and illustrative fees.
TIKTOK_SHOP = MarketplaceProfile(
    kind=ChannelKind.TIKTOK_SHOP,
    statuses={
        "UNPAID": _S.NEW,
        "ON_HOLD": _S.ON_HOLD,
        "AWAITING_SHIPMENT": _S.NEW,
        "AWAITING_COLLECTION": _S.PACKED,
        "PARTIALLY_SHIPPING": _S.PARTLY_SHIPPED,
        "IN_TRANSIT": _S.IN_TRANSIT,
        "DELIVERED": _S.DELIVERED,
        "COMPLETED": _S.COMPLETED,
        "CANCELLED": _S.CANCELLED,
    },
    fees=FeeRule(
        default_commission=Decimal("0.045"),
        transaction_fee=Decimal("0.03"),
        service_fee=Decimal("0.02"),
    ),
    limits=ListingLimits(max_name_length=255, max_images=9, max_variants=100),
)

#: The shipped profiles by channel kind.
PROFILES: Mapping[ChannelKind, MarketplaceProfile] = MappingProxyType(
    {p.kind: p for p in (SHOPEE, LAZADA, TIKTOK_SHOP)}
)


def profile_for(kind: ChannelKind) -> MarketplaceProfile:
    """The shipped profile of marketplace ``kind``.

    Raises:
        NotFound: ``kind`` is not a marketplace with a profile.
    """
    try:
        return PROFILES[kind]
    except KeyError:
        raise NotFound("marketplace profile", kind.value) from None


def listing_problems(listing: Listing, limits: ListingLimits) -> list[str]:
    """Every way ``listing`` breaks ``limits`` (empty when it fits)."""
    problems: list[str] = []
    if len(listing.name) > limits.max_name_length:
        problems.append(
            f"name has {len(listing.name)} characters, at most {limits.max_name_length}"
        )
    if not limits.min_images <= len(listing.images) <= limits.max_images:
        problems.append(
            f"{len(listing.images)} images, {limits.min_images} to {limits.max_images} allowed"
        )
    if len(listing.variants) > limits.max_variants:
        problems.append(f"{len(listing.variants)} variants, at most {limits.max_variants}")
    if not listing.category:
        problems.append("no category")
    names = {tuple(a.name for a in v.attributes) for v in listing.variants}
    if len(names) > 1:
        problems.append("variants do not share the same attribute names")
    seen: set[tuple[tuple[str, str], ...]] = set()
    for variant in listing.variants:
        if len(variant.attributes) > limits.max_variant_attributes:
            problems.append(
                f"variant {variant.channel_sku!r} has {len(variant.attributes)} attributes, "
                f"at most {limits.max_variant_attributes}"
            )
        combination = tuple((a.name, a.value) for a in variant.attributes)
        if combination in seen:
            problems.append(f"variant {variant.channel_sku!r} repeats attributes {combination}")
        seen.add(combination)
        if not variant.price.is_positive:
            problems.append(f"variant {variant.channel_sku!r} price must be > 0")
    return problems


def validate_listing(listing: Listing, profile: MarketplaceProfile) -> None:
    """Check ``listing`` against the profile's limits before it is sent.

    Raises:
        ListingRejected: listing every problem found.
    """
    problems = listing_problems(listing, profile.limits)
    if problems:
        raise ListingRejected(profile.kind.value, listing.item_id, problems)


# ---------------------------------------------------------------------------------------
# Webhook bodies
# ---------------------------------------------------------------------------------------

#: The largest webhook body read, 1 MiB of UTF-8 (a marketplace order is a few KiB).
MAX_WEBHOOK_BYTES = 1024 * 1024


def webhook_body(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a webhook body as received, text that UTF-8 can carry, at most 1 MiB.

    A lone surrogate cannot have come over the wire as UTF-8, so a body with one is refused
    here, before anything is verified or recorded.
    """
    where = f"{type(instance).__name__}.{attribute.name}"
    if not isinstance(value, str):
        raise ValidationError(f"{where} must be the body as text, got {show(value)}")
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise ValidationError(
            f"{where} must be text UTF-8 can carry, got a lone surrogate in {show(value)}"
        ) from None
    if size > MAX_WEBHOOK_BYTES:
        raise ValidationError(f"{where} has {size:,} bytes, at most {MAX_WEBHOOK_BYTES:,}")


def read_webhook_body(body: bytes, *, shop: str = "marketplace") -> Any:
    """The JSON value of a webhook body, read within limits (``common.read_json``).

    At most :data:`MAX_WEBHOOK_BYTES`, UTF-8, nested at most 64 deep, numbers of at most 40
    digits: a hostile body is refused with ``MalformedPayload`` (and recorded as refused by
    the caller), never with ``RecursionError`` or ``ValueError``.

    Raises:
        MalformedPayload: naming ``shop`` (``"Shopee"``) and the problem.
    """
    try:
        return read_json(body, what=f"{shop} push", max_bytes=MAX_WEBHOOK_BYTES)
    except MalformedDocument as exc:
        raise MalformedPayload(str(exc)) from None
