"""Marketplace ingest: every marketplace order becomes exactly one order."""

from __future__ import annotations

from salesorder.domain.channels import MarketplaceOrder
from salesorder.domain.customers import Customer
from salesorder.domain.payments import PaymentMethod
from salesorder.services.app import SalesApp
from salesorder.services.commands import ImportMarketplaceOrders, NewLine, PlaceOrder
from salesorder.services.ordering import place_order

__all__ = ["import_marketplace_orders"]


def _buyer_id(channel: str, order: MarketplaceOrder) -> str:
    return f"{channel}-{order.external_id}"


def import_marketplace_orders(app: SalesApp, command: ImportMarketplaceOrders) -> list[str]:
    """Fetch orders since the last cursor and capture the ones not seen before.

    Idempotent by (channel, external id): an order delivered twice is captured once. Each
    order is captured in its own unit of work and acknowledged after it commits; the cursor
    moves on only when the whole page is done. Revisions of known orders (address changes,
    cancellations) are handled by the channels issue; here they are left as they are.
    """
    gateway = app.marketplace(command.channel)
    channel = gateway.channel
    page = gateway.fetch_orders(app.marketplace_cursors.get(channel.code))
    created: list[str] = []
    for incoming in page.orders:
        with app.transaction() as tx:
            known = tx.uow.orders.find_by_external_ref(channel.code, incoming.external_id)
            buyer = _buyer_id(channel.code, incoming)
            if known is None and tx.uow.customers.find(buyer) is None:
                tx.uow.customers.add(
                    Customer(
                        id=buyer,
                        name=incoming.buyer_name,
                        phone=incoming.buyer_phone,
                        addresses=(incoming.shipping_address,),
                    )
                )
        if known is not None:
            continue
        created.append(
            place_order(
                app,
                PlaceOrder(
                    customer_id=buyer,
                    channel=channel,
                    external_ref=incoming.external_id,
                    shipping_address=incoming.shipping_address,
                    payment_method=(
                        PaymentMethod.COD if incoming.cash_on_delivery else PaymentMethod.E_WALLET
                    ),
                    lines=tuple(
                        NewLine(
                            sku=line.channel_sku, quantity=line.quantity, unit_price=line.unit_price
                        )
                        for line in incoming.lines
                    ),
                ),
            )
        )
        gateway.acknowledge(incoming.external_id)
    app.marketplace_cursors[channel.code] = page.cursor
    return created
