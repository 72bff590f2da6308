"""Marketplace listings: pulling the channel's listings against the catalog, publishing new ones.

Pulling maps what matches and reports the rest (never overwriting the catalog); publishing
checks a listing against the marketplace's limits, then writes it to the outbox: the
dispatcher publishes it after the commit and records the channel SKUs it mapped and the
stock it showed.
"""

from __future__ import annotations

from salesorder.domain.channels import (
    ChannelAccount,
    Listing,
    ListingDifference,
    ListingReport,
    ListingVariant,
)
from salesorder.domain.inventory import available_to_sell
from salesorder.domain.marketplaces import validate_listing
from salesorder.domain.outbox import Call, CallKind
from salesorder.exceptions import ValidationError
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.channel_accounts import account, gateway, profile
from salesorder.services.channel_stock import targets
from salesorder.services.commands import PublishListing, PullListings
from salesorder.services.outbox import Sent, enqueue
from salesorder.services.views import Sellable

__all__ = ["publish", "publish_listing", "pull_listings"]


def _compare(
    variant: ListingVariant, sku: str, uow: UnitOfWork, target: int | None
) -> list[ListingDifference]:
    product = uow.products.get(sku)
    found: list[ListingDifference] = []

    def differ(field: str, channel_value: object, catalog_value: object) -> None:
        found.append(
            ListingDifference(
                channel_sku=variant.channel_sku,
                sku=sku,
                field=field,
                channel_value=str(channel_value),
                catalog_value=str(catalog_value),
            )
        )

    if variant.price != product.price:
        differ("price", variant.price, product.price)
    channel_attrs = {(a.name, a.value) for a in variant.attributes}
    catalog_attrs = {(a.name, a.value) for a in product.attributes}
    if channel_attrs != catalog_attrs:
        differ("variant", sorted(channel_attrs), sorted(catalog_attrs))
    if target is not None and variant.stock != target:
        differ("stock", variant.stock, target)
    return found


def pull_listings(app: SalesApp, command: PullListings) -> ListingReport:
    """Match the channel's listings to the catalog by SKU; report the rest, change nothing else.

    A variant whose channel SKU (or seller SKU) is a catalog SKU gets its mapping; a variant
    with no catalog product is offered as a new product; prices, variant attributes and
    stock that differ from the catalog are reported, never overwritten.
    """
    listings = gateway(app, command.channel).fetch_listings()
    matched: list[tuple[str, str]] = []
    new: list[ListingVariant] = []
    differences: list[ListingDifference] = []
    with app.transaction() as tx:
        mapped = account(tx.uow, command.channel)
        sellable = Sellable(tx.uow)  # mappings change below, the stock and orders do not
        for listing in listings:
            for variant in listing.variants:
                sku = mapped.sku_map.get(variant.channel_sku)
                if sku is None:
                    candidate = variant.seller_sku or variant.channel_sku
                    if tx.uow.products.find(candidate) is None:
                        new.append(variant)
                        continue
                    mapped.map_sku(variant.channel_sku, candidate)
                    matched.append((variant.channel_sku, candidate))
                    sku = candidate
                target = available_to_sell(sellable(sku), mapped.rule)
                differences.extend(_compare(variant, sku, tx.uow, target))
    return ListingReport(matched=matched, new=new, differences=differences)


def publish_listing(app: SalesApp, command: PublishListing) -> str:
    """Build a listing from catalog products, check it against the profile, then send it.

    Raises:
        ListingRejected: the listing breaks the marketplace's limits (nothing is sent).
    """
    shop = gateway(app, command.channel)
    with app.uow() as uow:
        products = [uow.products.get(sku) for sku in command.skus]
        known = uow.channel_accounts.find(command.channel) or ChannelAccount(
            channel=command.channel
        )
        reverse = {sku: channel_sku for channel_sku, sku in sorted(known.sku_map.items())}
        planned = ChannelAccount(
            channel=command.channel,
            sku_map={reverse.get(p.sku, p.sku): p.sku for p in products} | known.sku_map,
            stock_rule=known.stock_rule,
        )
        wanted = targets(planned, Sellable(uow), command.skus)
    if not products:
        raise ValidationError(f"listing {command.item_id!r} needs at least one SKU")
    images = command.images or tuple(dict.fromkeys(i for p in products for i in p.images))
    listing = Listing(
        item_id=command.item_id,
        name=command.name or products[0].name,
        category=command.category or products[0].category,
        images=images,
        variants=tuple(
            ListingVariant(
                channel_sku=reverse.get(p.sku, p.sku),
                price=p.price,
                attributes=p.attributes,
                stock=wanted.get(reverse.get(p.sku, p.sku), 0),
                seller_sku=p.sku,
            )
            for p in products
        ),
    )
    validate_listing(listing, profile(shop.channel))
    with app.transaction() as tx:
        enqueue(
            tx,
            Call(
                kind=CallKind.PUBLISH_LISTING,
                target=command.channel,
                subject=listing.item_id,
                listing=listing,
            ),
        )
    return listing.item_id


def publish(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: create or replace the listing; its SKUs are mapped, its stock recorded."""
    listing = call.listing
    if listing is None:
        raise ValidationError(f"outbox call {call.key!r} carries no listing")
    item_id = gateway(app, call.target).publish_listing(listing)

    def record(tx: Transaction) -> None:
        mapped = account(tx.uow, call.target)
        for variant in listing.variants:
            mapped.map_sku(variant.channel_sku, variant.seller_sku)
            mapped.record_push(variant.channel_sku, variant.stock)

    return Sent(result=item_id, record=record)
