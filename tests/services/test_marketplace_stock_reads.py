"""Stock sync reads the unreserved orders once per sync, through the status finder.

What a channel may sell is the stock available minus the units of orders whose lines are not
reserved yet (new, on hold, confirmed). The sync finds those orders with
``OrderRepository.with_status`` once for every channel and SKU, never by listing every order.
"""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

import attrs
import pytest

from salesorder import ChannelKind, Order, OrderStatus, SalesApp, StockPush, commands
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.ports.persistence import OrderRepository, UnitOfWork


class _CountedOrders:
    """The orders of a real unit of work, counting the reads that return many orders."""

    def __init__(self, orders: OrderRepository, reads: Counter[str]) -> None:
        self._orders, self._reads = orders, reads

    def __getattr__(self, name: str) -> Any:
        return getattr(self._orders, name)

    def list(self) -> list[Order]:
        self._reads["list"] += 1
        return self._orders.list()

    def with_status(self, statuses: Iterable[OrderStatus]) -> builtins.list[Order]:
        self._reads["with_status"] += 1
        return self._orders.with_status(statuses)


class _CountedUnit:
    """A real unit of work whose ``orders`` count their reads; everything else as it is."""

    def __init__(self, uow: UnitOfWork, reads: Counter[str]) -> None:
        self._uow, self._reads = uow, reads

    @property
    def orders(self) -> _CountedOrders:
        return _CountedOrders(self._uow.orders, self._reads)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def __enter__(self) -> _CountedUnit:
        self._uow.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._uow.__exit__(exc_type, exc, traceback)


def _counted(app: SalesApp, reads: Counter[str]) -> SalesApp:
    real: Callable[[], UnitOfWork] = app.uow
    return attrs.evolve(app, uow=lambda: _CountedUnit(real(), reads))


def _order(app: SalesApp, **units: int) -> str:
    lines = [commands.NewLine(sku=sku.replace("_", "-"), quantity=n) for sku, n in units.items()]
    return app.execute(commands.PlaceOrder(customer_id="C1", lines=tuple(lines)))


@pytest.fixture
def busy_shops(app: SalesApp) -> SalesApp:
    """Both SKUs on Shopee and Lazada, and orders in every kind of status that matters."""
    lazada = InMemoryMarketplace.of(ChannelKind.LAZADA)
    app = attrs.evolve(app, marketplaces={**app.marketplaces, "lazada": lazada})
    for channel, prefix in (("shopee", "SHP"), ("lazada", "LZ")):
        for sku in ("TSHIRT-RED-M", "CAP-BLK"):
            app.execute(
                commands.MapChannelSku(channel=channel, channel_sku=f"{prefix}-{sku}", sku=sku)
            )
    _order(app, TSHIRT_RED_M=2, CAP_BLK=1)  # new: waiting
    held = _order(app, CAP_BLK=1)
    app.execute(commands.HoldOrder(order_id=held, reason="payment check"))  # waiting
    confirmed = _order(app, CAP_BLK=2)
    app.execute(commands.ConfirmOrder(order_id=confirmed))  # waiting
    reserved = _order(app, TSHIRT_RED_M=3)
    app.execute(commands.ConfirmOrder(order_id=reserved))
    app.execute(commands.ReserveStock(order_id=reserved))  # counted by its reservation
    cancelled = _order(app, TSHIRT_RED_M=4)
    app.execute(commands.CancelOrder(order_id=cancelled))  # counts nowhere
    return app


def test_sync_finds_the_unreserved_orders_once_for_every_channel_and_sku(
    busy_shops: SalesApp,
) -> None:
    reads: Counter[str] = Counter()
    pushed = _counted(busy_shops, reads).execute(commands.SyncChannelStock())
    # T-shirts: 10 on hand, 3 reserved, 2 waiting. Caps: 5 on hand, 1 + 1 + 2 waiting.
    assert pushed == [
        StockPush(channel="lazada", channel_sku="LZ-CAP-BLK", quantity=1, previous=None),
        StockPush(channel="lazada", channel_sku="LZ-TSHIRT-RED-M", quantity=5, previous=None),
        StockPush(channel="shopee", channel_sku="SHP-CAP-BLK", quantity=1, previous=None),
        StockPush(channel="shopee", channel_sku="SHP-TSHIRT-RED-M", quantity=5, previous=None),
    ]
    assert reads == Counter(with_status=1)


def test_a_sync_of_one_channel_and_sku_reads_once_too(busy_shops: SalesApp) -> None:
    reads: Counter[str] = Counter()
    command = commands.SyncChannelStock(channel="shopee", skus=("CAP-BLK",))
    pushed = _counted(busy_shops, reads).execute(command)
    assert pushed == [
        StockPush(channel="shopee", channel_sku="SHP-CAP-BLK", quantity=1, previous=None)
    ]
    assert reads == Counter(with_status=1)


def test_the_drift_check_reads_the_unreserved_orders_once(busy_shops: SalesApp) -> None:
    reads: Counter[str] = Counter()
    corrections = _counted(busy_shops, reads).execute(commands.CheckChannelStock(channel="lazada"))
    assert [(c.channel_sku, c.quantity) for c in corrections] == [
        ("LZ-CAP-BLK", 1),
        ("LZ-TSHIRT-RED-M", 5),
    ]
    assert reads == Counter(with_status=1)
