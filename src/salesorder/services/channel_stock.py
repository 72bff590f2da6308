"""Marketplace stock: each channel's rule, pushing what it may sell, and the drift check.

What a channel may sell is read with :class:`~salesorder.services.views.Sellable` (stock
free to sell, less the units of orders not reserved yet) under the channel's rule. A push
goes to the marketplace first and is then recorded on the channel account, in its own unit
of work: a push cannot be taken back, so it is never part of a unit of work that could
still fail. Ingest calls :func:`sync_stock` after the orders it changed are committed.
"""

from __future__ import annotations

from collections.abc import Iterable

from salesorder.domain.channels import ChannelAccount, StockPush
from salesorder.domain.inventory import available_to_sell
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.services.app import SalesApp
from salesorder.services.channel_accounts import account, gateway
from salesorder.services.commands import CheckChannelStock, SetChannelStockRule, SyncChannelStock
from salesorder.services.views import Sellable

__all__ = [
    "check_channel_stock",
    "set_channel_stock_rule",
    "sync_channel_stock",
    "sync_stock",
    "targets",
]


def set_channel_stock_rule(app: SalesApp, command: SetChannelStockRule) -> None:
    """Set the channel's buffer and share of available stock."""
    gateway(app, command.channel)
    with app.transaction() as tx:
        account(tx.uow, command.channel).set_stock_rule(command.buffer, command.share)


def targets(
    channel_account: ChannelAccount, sellable: Sellable, skus: Iterable[str] = ()
) -> dict[str, int]:
    """What each mapped channel SKU should show (only those of catalog ``skus`` if given)."""
    only = set(skus)
    return {
        channel_sku: available_to_sell(sellable(sku), channel_account.rule)
        for channel_sku, sku in sorted(channel_account.sku_map.items())
        if not only or sku in only
    }


def _push(
    app: SalesApp, shop: MarketplaceGateway, changes: dict[str, tuple[int, int | None]]
) -> list[StockPush]:
    code = shop.channel.code
    pushes: list[StockPush] = []
    for channel_sku, (quantity, previous) in changes.items():
        shop.push_stock(channel_sku, quantity)
        pushes.append(
            StockPush(channel=code, channel_sku=channel_sku, quantity=quantity, previous=previous)
        )
    if pushes:
        with app.transaction() as tx:
            pushed = account(tx.uow, code)
            for push in pushes:
                pushed.record_push(push.channel_sku, push.quantity)
    return pushes


def sync_stock(
    app: SalesApp, *, skus: Iterable[str] = (), channel: str | None = None
) -> list[StockPush]:
    """Push what each channel (or ``channel``) may sell of ``skus`` (all when empty).

    Only what changed since the last push is pushed. An order on one channel lowers what
    every channel may sell (its lines count against stock until they are reserved, then the
    reservation does: see :class:`~salesorder.services.views.Sellable`). Every channel's
    targets are computed in one unit of work, reading the unreserved orders once, before
    any push.
    """
    codes = [channel] if channel is not None else sorted(app.marketplaces)
    shops = {code: gateway(app, code) for code in codes}
    only = tuple(skus)
    planned: list[tuple[MarketplaceGateway, ChannelAccount, dict[str, int]]] = []
    with app.uow() as uow:
        sellable = Sellable(uow)  # shared: each SKU read once for every channel
        for code, shop in shops.items():
            known = uow.channel_accounts.find(code) or ChannelAccount(channel=code)
            planned.append((shop, known, targets(known, sellable, only)))
    pushes: list[StockPush] = []
    for shop, known, wanted in planned:
        changes = {
            channel_sku: (quantity, known.pushed_stock.get(channel_sku))
            for channel_sku, quantity in wanted.items()
            if known.pushed_stock.get(channel_sku) != quantity
        }
        pushes.extend(_push(app, shop, changes))
    return pushes


def sync_channel_stock(app: SalesApp, command: SyncChannelStock) -> list[StockPush]:
    """Push what each channel may sell where it changed since the last push (:func:`sync_stock`)."""
    return sync_stock(app, skus=command.skus, channel=command.channel)


def check_channel_stock(app: SalesApp, command: CheckChannelStock) -> list[StockPush]:
    """The drift check: what the channel shows against what it should; corrections pushed.

    ``previous`` of each push is what the channel showed (None: it did not list the SKU).
    """
    shop = gateway(app, command.channel)
    with app.uow() as uow:
        known = uow.channel_accounts.find(command.channel) or ChannelAccount(
            channel=command.channel
        )
        wanted = targets(known, Sellable(uow))
    shown = shop.fetch_stock(list(wanted))
    changes = {
        channel_sku: (quantity, shown.get(channel_sku))
        for channel_sku, quantity in wanted.items()
        if shown.get(channel_sku) != quantity
    }
    return _push(app, shop, changes)
