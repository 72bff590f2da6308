"""Marketplace ingest: revisions, cancellations, address changes, parking and webhooks."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from salesorder import (
    Address,
    IngestOutcome,
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    OrderStatus,
    RevisionConflict,
    SalesApp,
    UnknownShop,
    commands,
    sign_webhook,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.channels import REFUSAL_SLOTS, ChannelKind
from salesorder.services.channels import parked_orders, refusals

JAKARTA_BUYER = Address(line1="Jl. Kemang Raya 3", city="Jakarta", country="ID", recipient="Sari")
DEPOK_BUYER = Address(line1="Jl. Margonda 100", city="Depok", country="ID", recipient="Sari")


def order(
    external_id: str = "240105ABCD",
    *,
    revision: int = 1,
    status: str = "READY_TO_SHIP",
    channel_sku: str = "TSHIRT-RED-M",
    address: Address = JAKARTA_BUYER,
) -> MarketplaceOrder:
    return MarketplaceOrder(
        external_id=external_id,
        revision=revision,
        status=status,
        buyer_name="Sari",
        shipping_address=address,
        currency="IDR",
        lines=(
            MarketplaceLine(
                channel_sku=channel_sku, quantity=2, unit_price=Money.of("145000", "IDR")
            ),
        ),
        created_at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc),
        cash_on_delivery=True,
    )


def shopee(app: SalesApp) -> InMemoryMarketplace:
    marketplace = app.marketplaces["shopee"]
    assert isinstance(marketplace, InMemoryMarketplace)
    return marketplace


def push(app: SalesApp, delivered: MarketplaceOrder) -> commands.ReceiveWebhook:
    body, signature = shopee(app).webhook(delivered)
    return commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)


def the_order(app: SalesApp, external_id: str = "240105ABCD"):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        found = uow.orders.find_by_external_ref("shopee", external_id)
    assert found is not None
    return found


def test_a_newer_revision_changes_the_address(app: SalesApp) -> None:
    shopee(app).put_order(order())
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    shopee(app).change_address("240105ABCD", DEPOK_BUYER)
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == []
    assert the_order(app).shipping_address == DEPOK_BUYER


def test_a_buyer_cancellation_cancels_the_order_once(app: SalesApp) -> None:
    shopee(app).put_order(order())
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    cancelled = shopee(app).cancel("240105ABCD")
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    placed = the_order(app)
    assert placed.status is OrderStatus.CANCELLED
    assert "Shopee" in placed.cancel_reason
    again = app.execute(push(app, cancelled))
    assert again.outcome is IngestOutcome.DUPLICATE
    assert again.order_id == placed.id


def test_stale_and_duplicate_deliveries_change_nothing(app: SalesApp) -> None:
    newer = order(revision=2, address=DEPOK_BUYER)
    assert app.execute(push(app, newer)).outcome is IngestOutcome.CREATED
    assert app.execute(push(app, newer)).outcome is IngestOutcome.DUPLICATE
    assert app.execute(push(app, order(revision=1))).outcome is IngestOutcome.STALE
    assert the_order(app).shipping_address == DEPOK_BUYER
    with app.uow() as uow:
        assert len(uow.orders.list()) == 1


def test_the_same_revision_with_other_content_is_refused(app: SalesApp) -> None:
    app.execute(push(app, order()))
    with pytest.raises(RevisionConflict, match="'240105ABCD' revision 1 was delivered before"):
        app.execute(push(app, order(address=DEPOK_BUYER)))
    assert the_order(app).shipping_address == JAKARTA_BUYER


def test_an_unknown_channel_sku_parks_the_order_until_it_is_mapped(app: SalesApp) -> None:
    result = app.execute(push(app, order(channel_sku="SHP-88123")))
    assert result.outcome is IngestOutcome.PARKED
    assert "'SHP-88123' is mapped to no catalog SKU" in result.reason
    (parked,) = parked_orders(app)
    assert parked.external_id == "240105ABCD"
    assert parked.order_id is None
    with app.uow() as uow:
        assert uow.orders.list() == []
    # Delivering it again does not unpark it nor create anything.
    assert app.execute(push(app, order(channel_sku="SHP-88123"))).outcome is (
        IngestOutcome.DUPLICATE
    )
    app.execute(
        commands.MapChannelSku(channel="shopee", channel_sku="SHP-88123", sku="TSHIRT-RED-M")
    )
    (released,) = app.execute(commands.ReleaseParkedOrders())
    assert released.outcome is IngestOutcome.CREATED
    assert parked_orders(app) == []
    assert [line.sku for line in the_order(app).lines] == ["TSHIRT-RED-M"]
    assert shopee(app).acknowledged == {"240105ABCD"}


def test_an_unknown_status_is_parked_with_its_reason(app: SalesApp) -> None:
    result = app.execute(push(app, order(status="TELEPORTED")))
    assert result.outcome is IngestOutcome.PARKED
    assert "'TELEPORTED' is not in the profile's status map" in result.reason


def test_a_change_the_order_no_longer_allows_is_parked(app: SalesApp) -> None:
    app.execute(push(app, order()))
    placed = the_order(app)
    app.execute(commands.ConfirmOrder(order_id=placed.id))
    app.execute(commands.ReserveStock(order_id=placed.id))
    app.execute(commands.ShipOrder(order_id=placed.id, courier="jnt"))
    result = app.execute(push(app, order(revision=2, status="CANCELLED")))
    assert result.outcome is IngestOutcome.PARKED
    assert "revision 2 cannot be applied" in result.reason
    assert the_order(app).status is not OrderStatus.CANCELLED
    (parked,) = parked_orders(app, "shopee")
    assert parked.order_id == placed.id
    assert parked.applied_revision == 1
    assert parked.revision == 2


def test_a_forged_webhook_is_recorded_and_never_applied(app: SalesApp) -> None:
    body, _ = shopee(app).webhook(order())
    forged = sign_webhook(b"not-the-shop-secret", body)
    result = app.execute(
        commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=forged)
    )
    assert result.outcome is IngestOutcome.REJECTED
    assert result.reason == "signature does not match the body"
    with app.uow() as uow:
        assert uow.orders.list() == []
        # Refusals have a log of their own: the account legitimate commands write is untouched.
        assert uow.channel_accounts.find("shopee") is None
    log = refusals(app, "shopee")
    (rejected,) = log.recent
    assert log.total == 1
    assert rejected.reason == "signature does not match the body"
    assert rejected.excerpt.startswith("{")


def test_a_malformed_but_signed_payload_is_rejected_with_its_reason(app: SalesApp) -> None:
    body = b'{"external_id": "X1", "revision": "two"}'
    signature = sign_webhook(b"test-secret", body)
    result = app.execute(
        commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    )
    assert result.outcome is IngestOutcome.REJECTED
    assert "push is not an order" in result.reason
    assert len(refusals(app, "shopee").recent) == 1


def test_a_payload_for_an_unknown_shop_is_refused(app: SalesApp) -> None:
    with pytest.raises(UnknownShop, match="marketplace channel 'lazada-my' not found"):
        app.execute(commands.ReceiveWebhook(channel="lazada-my", body="{}", signature="00"))


def test_lazada_names_its_statuses_its_own_way(app: SalesApp) -> None:
    lazada = InMemoryMarketplace.of(ChannelKind.LAZADA)
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "lazada": lazada})
    lazada.put_order(attrs.evolve(order("LZ-1"), status="pending"))
    assert len(app.execute(commands.ImportMarketplaceOrders(channel="lazada"))) == 1
    lazada.cancel("LZ-1", status="canceled")
    app.execute(commands.ImportMarketplaceOrders(channel="lazada"))
    with app.uow() as uow:
        placed = uow.orders.find_by_external_ref("lazada", "LZ-1")
    assert placed is not None
    assert placed.status is OrderStatus.CANCELLED
    # Shopee's name for it means nothing to Lazada.
    lazada.put_order(attrs.evolve(order("LZ-2"), status="CANCELLED"))
    app.execute(commands.ImportMarketplaceOrders(channel="lazada"))
    assert [r.external_id for r in parked_orders(app, "lazada")] == ["LZ-2"]


def test_an_order_in_another_currency_is_parked(app: SalesApp) -> None:
    ringgit = attrs.evolve(
        order("MY-1"),
        currency="MYR",
        lines=(
            MarketplaceLine(
                channel_sku="TSHIRT-RED-M", quantity=1, unit_price=Money.of("45", "MYR")
            ),
        ),
    )
    result = app.execute(push(app, ringgit))
    assert result.outcome is IngestOutcome.PARKED
    assert result.reason == "order is in MYR, the shop sells in IDR"
    with app.uow() as uow:
        assert uow.orders.list() == []


def test_a_revision_that_changes_the_lines_is_parked_not_applied(app: SalesApp) -> None:
    app.execute(push(app, order()))
    more = attrs.evolve(
        order(revision=2, address=DEPOK_BUYER),
        lines=(
            MarketplaceLine(
                channel_sku="TSHIRT-RED-M", quantity=5, unit_price=Money.of("145000", "IDR")
            ),
        ),
    )
    result = app.execute(push(app, more))
    assert result.outcome is IngestOutcome.PARKED
    assert "revision 2 changes the lines of order 'ORD-000001'" in result.reason
    placed = the_order(app)
    assert [line.quantity for line in placed.lines] == [2]
    assert placed.shipping_address == JAKARTA_BUYER
    # The buyer's cancellation still goes through.
    cancelled = attrs.evolve(more, revision=3, status="CANCELLED")
    assert app.execute(push(app, cancelled)).outcome is IngestOutcome.UPDATED
    assert the_order(app).status is OrderStatus.CANCELLED


def test_a_polled_revision_conflict_is_recorded_and_the_feed_goes_on(app: SalesApp) -> None:
    shopee(app).put_order(order())
    shopee(app).put_order(order(address=DEPOK_BUYER))  # revision 1 again, other content
    shopee(app).put_order(order("240105EFGH"))
    created = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    assert len(created) == 2
    (rejected,) = refusals(app, "shopee").recent
    assert "revision 1 was delivered before with different content" in rejected.reason
    assert the_order(app).shipping_address == JAKARTA_BUYER
    assert app.execute(commands.ImportMarketplaceOrders(channel="shopee")) == []


def test_a_flood_of_forged_webhooks_is_bounded_and_counted(app: SalesApp) -> None:
    """A flood fills at most REFUSAL_SLOTS rows of the log and counts every refusal."""
    body, _ = shopee(app).webhook(order())
    forged = sign_webhook(b"not-the-shop-secret", body)
    for _ in range(REFUSAL_SLOTS * 3):
        app.execute(commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=forged))
    with app.uow() as uow:
        slots = uow.refused_deliveries.list()
        assert uow.channel_accounts.find("shopee") is None
    assert len(slots) <= REFUSAL_SLOTS
    log = refusals(app, "shopee")
    assert log.total == REFUSAL_SLOTS * 3
    assert len(log.recent) == len(slots)
