"""Stock sync: what each channel may sell is pushed when it changes, and drift is corrected."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from tests.services.conftest import JAKARTA

from salesorder import (
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    SalesApp,
    StockPush,
    ValidationError,
    commands,
)
from salesorder.adapters.memory import InMemoryMarketplace


@pytest.fixture
def two_shops(app: SalesApp) -> SalesApp:
    """The shop on Shopee and Lazada, selling TSHIRT-RED-M as SHP-1 and LZ-1."""
    lazada = InMemoryMarketplace.of(ChannelKind.LAZADA)
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "lazada": lazada})
    app.execute(commands.MapChannelSku(channel="shopee", channel_sku="SHP-1", sku="TSHIRT-RED-M"))
    app.execute(commands.MapChannelSku(channel="lazada", channel_sku="LZ-1", sku="TSHIRT-RED-M"))
    return app


def shop(app: SalesApp, code: str) -> InMemoryMarketplace:
    marketplace = app.marketplaces[code]
    assert isinstance(marketplace, InMemoryMarketplace)
    return marketplace


def test_sync_pushes_each_channel_once_and_then_only_changes(two_shops: SalesApp) -> None:
    app = two_shops
    app.execute(commands.SetChannelStockRule(channel="lazada", buffer=2, share="0.5"))
    pushed = app.execute(commands.SyncChannelStock())
    assert pushed == [
        StockPush(channel="lazada", channel_sku="LZ-1", quantity=4, previous=None),
        StockPush(channel="shopee", channel_sku="SHP-1", quantity=10, previous=None),
    ]
    assert app.execute(commands.SyncChannelStock()) == []  # nothing changed, nothing pushed
    # A burst of stock changes is pushed once, at the next sync.
    for _ in range(3):
        app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=2))
    pushed = app.execute(commands.SyncChannelStock(channel="shopee"))
    assert pushed == [StockPush(channel="shopee", channel_sku="SHP-1", quantity=16, previous=10)]
    assert shop(app, "shopee").stock == {"SHP-1": 16}


def test_an_order_on_one_channel_lowers_what_the_others_may_sell(two_shops: SalesApp) -> None:
    app = two_shops
    app.execute(commands.SyncChannelStock())
    shop(app, "shopee").put_order(
        MarketplaceOrder(
            external_id="SP-1",
            revision=1,
            status="READY_TO_SHIP",
            buyer_name="Sari",
            shipping_address=JAKARTA,
            currency="IDR",
            lines=(
                MarketplaceLine(
                    channel_sku="SHP-1", quantity=3, unit_price=Money.of("150000", "IDR")
                ),
            ),
            created_at=dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc),
        )
    )
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    app.execute(commands.SyncChannelStock())
    assert shop(app, "lazada").stock == {"LZ-1": 7}
    assert shop(app, "shopee").stock == {"SHP-1": 7}
    # Reserving the order moves the demand into the reservation: still 7, nothing pushed.
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    assert app.execute(commands.SyncChannelStock()) == []


def test_the_drift_check_corrects_what_a_channel_shows(two_shops: SalesApp) -> None:
    app = two_shops
    app.execute(commands.SyncChannelStock())
    shop(app, "lazada").stock["LZ-1"] = 25  # changed in the seller centre by hand
    corrections = app.execute(commands.CheckChannelStock(channel="lazada"))
    assert corrections == [
        StockPush(channel="lazada", channel_sku="LZ-1", quantity=10, previous=25)
    ]
    assert shop(app, "lazada").stock == {"LZ-1": 10}
    assert app.execute(commands.CheckChannelStock(channel="lazada")) == []


def test_a_share_outside_0_to_1_is_refused_and_nothing_changes(two_shops: SalesApp) -> None:
    with pytest.raises(ValidationError, match="share of stock must be within 0 and 1"):
        two_shops.execute(commands.SetChannelStockRule(channel="lazada", share="1.5"))
    with two_shops.uow() as uow:
        assert uow.channel_accounts.get("lazada").stock_rule is None
