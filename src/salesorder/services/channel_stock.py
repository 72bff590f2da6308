"""Marketplace stock: each channel's rule, pushing what it may sell, and the drift check.

What a channel may sell is read with :class:`~salesorder.services.views.Sellable` (stock
free to sell, less the units of orders not reserved yet) under the channel's rule. A push is
written to the outbox, in the unit of work that computed it, as the value its channel SKU
should show (one outbox item per channel SKU, holding the latest value); the dispatcher
pushes it after the commit and records it on the channel account
(``ChannelAccount.pushed_stock``). Ingest calls :func:`sync_stock` after the orders it
changed are committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from salesorder.domain.channels import ChannelAccount, StockPush
from salesorder.domain.inventory import available_to_sell
from salesorder.domain.outbox import Call, CallKind
from salesorder.domain.units import Quantity
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.channel_accounts import account, gateway
from salesorder.services.commands import CheckChannelStock, SetChannelStockRule, SyncChannelStock
from salesorder.services.outbox import Sent, set_value
from salesorder.services.views import Sellable

__all__ = [
    "check_channel_stock",
    "push_stock",
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
    tx: Transaction,
    channel: str,
    changes: Mapping[str, tuple[Quantity, Quantity | None]],
    *,
    force: bool = False,
) -> list[StockPush]:
    """Write the pushes of ``changes`` to the outbox in ``tx``; those it did not hold yet."""
    pushes: list[StockPush] = []
    for channel_sku, (quantity, previous) in changes.items():
        call = Call(
            kind=CallKind.PUSH_STOCK, target=channel, subject=channel_sku, quantity=quantity
        )
        if set_value(tx, call, force=force):
            pushes.append(
                StockPush(
                    channel=channel, channel_sku=channel_sku, quantity=quantity, previous=previous
                )
            )
    return pushes


def sync_stock(
    app: SalesApp, *, skus: Iterable[str] = (), channel: str | None = None
) -> list[StockPush]:
    """Push what each channel (or ``channel``) may sell of ``skus`` (all when empty).

    Only what changed since the last push is pushed. An order on one channel lowers what
    every channel may sell (its lines count against stock until they are reserved, then the
    reservation does: see :class:`~salesorder.services.views.Sellable`). Every channel's
    targets are computed in one unit of work, reading the unreserved orders once, and the
    pushes are written to the outbox in it.
    """
    codes = [channel] if channel is not None else sorted(app.marketplaces)
    for code in codes:
        gateway(app, code)
    only = tuple(skus)
    pushes: list[StockPush] = []
    with app.transaction() as tx:
        sellable = Sellable(tx.uow)  # shared: each SKU read once for every channel
        for code in codes:
            known = tx.uow.channel_accounts.find(code) or ChannelAccount(channel=code)
            wanted = targets(known, sellable, only)
            changes = {
                channel_sku: (quantity, known.pushed_stock.get(channel_sku))
                for channel_sku, quantity in wanted.items()
                if known.pushed_stock.get(channel_sku) != quantity
                or tx.uow.outbox.find(f"{CallKind.PUSH_STOCK.value}|{code}|{channel_sku}")
                is not None
            }
            pushes.extend(_push(tx, code, changes))
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
    with app.transaction() as tx:
        return _push(tx, command.channel, changes, force=True)


def push_stock(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: set what the marketplace shows of a channel SKU; recorded as pushed."""
    quantity = call.quantity if call.quantity is not None else 0
    gateway(app, call.target).push_stock(call.subject, quantity)

    def record(tx: Transaction) -> None:
        account(tx.uow, call.target).record_push(call.subject, quantity)

    return Sent(result=str(quantity), record=record)
