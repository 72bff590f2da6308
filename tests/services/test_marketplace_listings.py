"""Product sync both ways: listings pulled and matched, catalog products published."""

from __future__ import annotations

import pytest

from salesorder import (
    ChannelKind,
    Listing,
    ListingRejected,
    ListingVariant,
    Money,
    Product,
    SalesApp,
    VariantAttribute,
    commands,
    profile_for,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.marketplaces import validate_listing


def shopee(app: SalesApp) -> InMemoryMarketplace:
    marketplace = app.marketplaces["shopee"]
    assert isinstance(marketplace, InMemoryMarketplace)
    return marketplace


def variant(
    channel_sku: str, price: str, *, seller_sku: str = "", stock: int = 0
) -> ListingVariant:
    return ListingVariant(
        channel_sku=channel_sku,
        price=Money.of(price, "IDR"),
        seller_sku=seller_sku,
        stock=stock,
    )


def test_pulled_listings_are_matched_by_sku_and_differences_reported(app: SalesApp) -> None:
    shopee(app).put_listing(
        Listing(
            item_id="ITEM-7",
            name="Kaos merah",
            category="fashion",
            images=("https://img.example/1.jpg",),
            variants=(
                variant("SHP-77", "139000", seller_sku="TSHIRT-RED-M", stock=10),
                variant("SHP-78", "99000", seller_sku="MUG-WHITE"),
            ),
        )
    )
    report = app.execute(commands.PullListings(channel="shopee"))
    assert report.matched == (("SHP-77", "TSHIRT-RED-M"),)
    assert [v.channel_sku for v in report.new] == ["SHP-78"]  # offered as a new product
    assert [
        (d.channel_sku, d.field, d.channel_value, d.catalog_value) for d in report.differences
    ] == [
        ("SHP-77", "price", "139000 IDR", "150000 IDR"),
    ]
    with app.uow() as uow:
        account = uow.channel_accounts.get("shopee")
        catalog = uow.products.get("TSHIRT-RED-M")
    assert account.sku_map == {"SHP-77": "TSHIRT-RED-M"}
    assert catalog.price == Money.of("150000", "IDR")  # reported, not overwritten
    # Pulling again matches nothing new.
    assert app.execute(commands.PullListings(channel="shopee")).matched == ()


def test_a_product_is_published_as_a_listing_with_its_stock(app: SalesApp) -> None:
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TSHIRT-RED-L",
                name="T-shirt red L",
                price=Money.of("155000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                category="fashion",
                images=("https://img.example/red.jpg",),
                attributes=(
                    VariantAttribute(name="colour", value="red"),
                    VariantAttribute(name="size", value="L"),
                ),
                initial_stock=4,
            ),
            warehouse="JKT-1",
        )
    )
    item = app.execute(
        commands.PublishListing(channel="shopee", item_id="KAOS-RED", skus=("TSHIRT-RED-L",))
    )
    listing = shopee(app).listings[item]
    assert listing.name == "T-shirt red L"
    assert listing.category == "fashion"
    (only,) = listing.variants
    assert (only.channel_sku, only.stock, only.price) == (
        "TSHIRT-RED-L",
        4,
        Money.of("155000", "IDR"),
    )
    with app.uow() as uow:
        assert uow.channel_accounts.get("shopee").sku_map == {"TSHIRT-RED-L": "TSHIRT-RED-L"}
    assert app.execute(commands.SyncChannelStock(channel="shopee")) == []  # already pushed


def test_a_listing_beyond_the_profile_limits_is_refused_before_sending(app: SalesApp) -> None:
    with pytest.raises(ListingRejected) as refused:
        app.execute(
            commands.PublishListing(
                channel="shopee",
                item_id="KAOS",
                skus=("TSHIRT-RED-M",),
                name="K" * 121,
                images=tuple(f"https://img.example/{n}.jpg" for n in range(10)),
            )
        )
    assert refused.value.problems == [
        "name has 121 characters, at most 120",
        "10 images, 1 to 9 allowed",
        "no category",
    ]
    assert shopee(app).listings == {}
    with app.uow() as uow:
        assert uow.channel_accounts.find("shopee") is None


def test_each_profile_checks_its_own_variant_limits() -> None:
    three = (
        VariantAttribute(name="colour", value="red"),
        VariantAttribute(name="size", value="M"),
        VariantAttribute(name="fit", value="slim"),
    )
    listing = Listing(
        item_id="KAOS",
        name="Kaos",
        category="fashion",
        images=("https://img.example/1.jpg",),
        variants=(
            ListingVariant(channel_sku="K-1", price=Money.of("1", "IDR"), attributes=three),
            ListingVariant(channel_sku="K-2", price=Money.of("1", "IDR"), attributes=three),
            ListingVariant(channel_sku="K-3", price=Money.of("0", "IDR"), attributes=three[:2]),
        ),
    )
    with pytest.raises(ListingRejected) as shopee:
        validate_listing(listing, profile_for(ChannelKind.SHOPEE))
    assert shopee.value.problems == [
        "variants do not share the same attribute names",
        "variant 'K-1' has 3 attributes, at most 2",
        "variant 'K-2' has 3 attributes, at most 2",
        "variant 'K-2' repeats attributes (('colour', 'red'), ('size', 'M'), ('fit', 'slim'))",
        "variant 'K-3' price must be > 0",
    ]
    with pytest.raises(ListingRejected) as lazada:
        validate_listing(listing, profile_for(ChannelKind.LAZADA))
    assert "variant 'K-1' has 3 attributes, at most 3" not in lazada.value.problems
    assert len(lazada.value.problems) == 3
