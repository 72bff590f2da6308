"""Marketplace ingest: an order delivered again and again becomes exactly one order."""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder import (
    Address,
    DuplicateError,
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    NotFound,
    OrderStatus,
    PaymentMethod,
    SalesApp,
    commands,
)
from salesorder.adapters.memory import InMemoryMarketplace

JAKARTA_BUYER = Address(line1="Jl. Kemang Raya 3", city="Jakarta", country="ID", recipient="Sari")


def shopee_order(
    external_id: str = "240105ABCD", *, cod: bool = True, revision: int = 1
) -> MarketplaceOrder:
    return MarketplaceOrder(
        external_id=external_id,
        revision=revision,
        status="READY_TO_SHIP",
        buyer_name="Sari",
        buyer_phone="+62812000000",
        shipping_address=JAKARTA_BUYER,
        currency="IDR",
        lines=(
            MarketplaceLine(
                channel_sku="TSHIRT-RED-M", quantity=2, unit_price=Money.of("145000", "IDR")
            ),
        ),
        created_at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc),
        cash_on_delivery=cod,
    )


def shopee(app: SalesApp) -> InMemoryMarketplace:
    marketplace = app.marketplaces["shopee"]
    assert isinstance(marketplace, InMemoryMarketplace)
    return marketplace


def test_importing_twice_creates_one_order(app: SalesApp) -> None:
    shopee(app).put_order(shopee_order())
    first = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    second = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    assert first == ["ORD-000001"]
    assert second == []
    with app.uow() as uow:
        (order,) = uow.orders.list()
        buyer = uow.customers.get("shopee-240105ABCD")
    assert order.channel.code == "shopee"
    assert order.external_ref == "240105ABCD"
    assert order.payment_method is PaymentMethod.COD
    assert order.status is OrderStatus.NEW
    # The marketplace's own price wins over the catalog's: 2 x 145,000.00.
    assert order.total == Money.of("290000.00", "IDR")
    assert order.shipping_address == JAKARTA_BUYER
    assert buyer.name == "Sari"
    assert shopee(app).acknowledged == {"240105ABCD"}


def test_a_redelivered_order_and_an_old_cursor_create_nothing_new(app: SalesApp) -> None:
    marketplace = shopee(app)
    marketplace.put_order(shopee_order())
    marketplace.put_order(shopee_order())  # the same order delivered twice in one page
    marketplace.put_order(shopee_order(revision=2))  # and a newer revision of it
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == ["ORD-000001"]
    app.marketplace_cursors.clear()  # a restarted poller reads the feed from the start
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == []
    with app.uow() as uow:
        assert len(uow.orders.list()) == 1
        assert len(uow.customers.list()) == 3  # C1, C2 and the Shopee buyer


def test_new_orders_in_later_pages_are_imported(app: SalesApp) -> None:
    marketplace = shopee(app)
    marketplace.put_order(shopee_order("A1"))
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == ["ORD-000001"]
    marketplace.put_order(shopee_order("A2", cod=False))
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == ["ORD-000002"]
    with app.uow() as uow:
        assert uow.orders.get("ORD-000002").payment_method is PaymentMethod.E_WALLET


def test_placing_the_same_channel_reference_by_hand_is_refused(app: SalesApp) -> None:
    shopee(app).put_order(shopee_order())
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    with pytest.raises(DuplicateError, match="'240105ABCD' exists already"):
        app.execute(
            commands.PlaceOrder(
                customer_id="C1",
                channel=shopee(app).channel,
                external_ref="240105ABCD",
                lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),),
            )
        )


def test_an_unknown_channel_is_not_found(app: SalesApp) -> None:
    with pytest.raises(NotFound, match="marketplace channel 'blibli'"):
        app.execute(commands.ImportMarketplaceOrders(channel="blibli"))


def test_shipping_a_marketplace_order_pushes_its_tracking_number(app: SalesApp) -> None:
    shopee(app).put_order(shopee_order())
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        tracking = uow.shipments.get(shipment_id).tracking_number
    assert shopee(app).tracking == {"240105ABCD": ("jnt", tracking)}


def test_a_prepaid_marketplace_order_ships_before_the_settlement_pays_it(app: SalesApp) -> None:
    # The buyer paid the marketplace, which pays the seller later in its settlement.
    shopee(app).put_order(shopee_order(cod=False))
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.payment_method is PaymentMethod.E_WALLET
    assert order.paid.is_zero
    assert order.status is OrderStatus.SHIPPED
