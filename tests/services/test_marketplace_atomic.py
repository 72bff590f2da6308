"""A marketplace delivery is applied whole or not at all, whichever command brings it.

Ingest makes a buyer, places the order, changes its address, cancels it, keeps the record
and keeps the record: one unit of work. A failure in a later step (a cancellation the order
no longer allows) leaves nothing of the earlier steps committed. The acknowledgement to the
marketplace is written to the outbox in that unit of work and made after the commit.
"""

from __future__ import annotations

import datetime as dt

from tests.services.conftest import Snapshot
from tests.services.test_marketplace_ingest import DEPOK_BUYER, JAKARTA_BUYER, shopee

from salesorder import (
    IngestOutcome,
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    OrderStatus,
    SalesApp,
    commands,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.channels import MarketplaceRecord
from salesorder.domain.outbox import CallKind, OutboxState


class Unanswering(InMemoryMarketplace):
    """A Shopee shop whose acknowledgements fail while ``down`` is set."""

    down = True

    def acknowledge(self, external_id: str) -> None:
        if self.down:
            raise ConnectionError(f"{self.channel.name} did not answer for {external_id}")
        super().acknowledge(external_id)


def delivery(*skus: str, external_id: str = "SP-1") -> MarketplaceOrder:
    return MarketplaceOrder(
        external_id=external_id,
        revision=1,
        status="READY_TO_SHIP",
        buyer_name="Sari",
        buyer_phone="+62812000000",
        shipping_address=JAKARTA_BUYER,
        currency="IDR",
        lines=tuple(
            MarketplaceLine(channel_sku=sku, quantity=1, unit_price=Money.of("145000", "IDR"))
            for sku in skus
        ),
        created_at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc),
        cash_on_delivery=True,
    )


def unanswering(app: SalesApp) -> Unanswering:
    """Put a Shopee shop that does not answer acknowledgements in place of the app's."""
    shop = Unanswering()
    app.marketplaces = {**app.marketplaces, "shopee": shop}
    return shop


def records(app: SalesApp) -> list[MarketplaceRecord]:
    with app.uow() as uow:
        return uow.marketplace_orders.list()


def test_an_order_is_acknowledged_only_after_it_is_committed(app: SalesApp) -> None:
    """The acknowledgement is written to the outbox with the order and made after the commit:
    when the marketplace does not answer, the order stays, once, its acknowledgement waits in
    the outbox, and the next delivery of the order (a duplicate) acknowledges it."""
    shop = unanswering(app)
    shop.put_order(delivery("TSHIRT-RED-M"))
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    assert shop.acknowledged == set()
    with app.uow() as uow:
        (order,) = uow.orders.list()
        assert uow.customers.get("shopee-SP-1").name == "Sari"
        (ack,) = [i for i in uow.outbox.list() if i.call.kind is CallKind.ACKNOWLEDGE_ORDER]
    assert order.id == order_id
    assert (ack.state, ack.attempts) == (OutboxState.PENDING, 1)
    assert "did not answer for SP-1" in ack.last_error
    (record,) = records(app)
    assert record.order_id == order.id

    shop.down = False
    body, signature = shop.webhook(delivery("TSHIRT-RED-M"))
    again = app.execute(
        commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    )
    assert again.outcome is IngestOutcome.DUPLICATE
    assert shop.acknowledged == {"SP-1"}
    with app.uow() as uow:
        assert [o.id for o in uow.orders.list()] == [order.id]
        assert uow.outbox.get(ack.key).state is OutboxState.SENT


def test_a_cancellation_the_order_refuses_takes_its_address_change_back(
    app: SalesApp, snapshot: Snapshot
) -> None:
    """A revision that moves the address and cancels an order shipped in part is parked whole.

    The order may still be amended (its cap waits in SBY-1), so the address change alone
    would be made; an order shipped in part cannot be cancelled, so the revision cannot be
    applied, and the address stays Jakarta: no amendment, no event, the delivery parked.
    """
    shop = shopee(app)
    shop.put_order(delivery("TSHIRT-RED-M", "CAP-BLK"))
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="JKT-1"))
    revised = shop.revise("SP-1", shipping_address=DEPOK_BUYER, status="CANCELLED")
    body, signature = shop.webhook(revised)
    before = snapshot()

    result = app.execute(
        commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    )

    assert result.outcome is IngestOutcome.PARKED
    assert "revision 2 cannot be applied" in result.reason
    assert snapshot() == before
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.PARTLY_SHIPPED
    assert order.shipping_address == JAKARTA_BUYER
    assert order.amendments == []
    (record,) = records(app)
    assert record.is_parked
    assert record.revision == 2
