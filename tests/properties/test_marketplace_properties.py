"""Marketplace properties: deliveries in any order, any number of times, give one order book;
stock pushed to a channel never exceeds what is available."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesorder import (
    Address,
    ChannelAccount,
    ChannelKind,
    Listing,
    ListingVariant,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplaceRecord,
    Money,
    Product,
    SalesApp,
    SalesOrderError,
    SettlementLine,
    SettlementReport,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.channels import RejectedDelivery
from salesorder.serialization import structure, unstructure
from salesorder.services.channels import ingest
from salesorder.testing import strategies as sst

T0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)
ADDRESSES = tuple(
    Address(line1=f"Jl. Contoh {n}", city=city, country="ID", recipient="Sari")
    for n, city in enumerate(("Jakarta", "Depok", "Bogor"), 1)
)
SKUS = ("KAOS-M", "KAOS-L")
CHANNELS = {
    "shopee": ChannelKind.SHOPEE,
    "lazada": ChannelKind.LAZADA,
    "tiktok_shop": ChannelKind.TIKTOK_SHOP,
}
CANCELLED = {"shopee": "CANCELLED", "lazada": "canceled", "tiktok_shop": "CANCELLED"}
OPEN = {"shopee": "READY_TO_SHIP", "lazada": "pending", "tiktok_shop": "AWAITING_SHIPMENT"}


def shop(on_hand: dict[str, int] | None = None) -> SalesApp:
    app = in_memory()
    app = attrs.evolve(
        app, marketplaces={code: InMemoryMarketplace.of(kind) for code, kind in CHANNELS.items()}
    )
    app.execute(
        commands.AddWarehouse(
            warehouse=Warehouse(code="JKT-1", name="Jakarta", address=ADDRESSES[0])
        )
    )
    for sku in SKUS:
        app.execute(
            commands.AddProduct(
                product=Product(
                    sku=sku,
                    name=f"Kaos {sku}",
                    price=Money.of("75000", "IDR"),
                    unit_cost=Money.of("40000", "IDR"),
                    initial_stock=(on_hand or {}).get(sku, 0),
                ),
                warehouse="JKT-1",
            )
        )
    return app


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, MarketplaceOrder]]:
    """Revisions of a few orders on the three channels: address changes, maybe a cancellation
    as the last revision. Each entry is (channel, revision)."""
    revisions: list[tuple[str, MarketplaceOrder]] = []
    for n in range(draw(st.integers(1, 4))):
        channel = draw(st.sampled_from(sorted(CHANNELS)))
        count = draw(st.integers(1, 4))
        cancelled = draw(st.booleans())
        sku = draw(st.sampled_from(SKUS))
        for revision in range(1, count + 1):
            last = revision == count
            revisions.append(
                (
                    channel,
                    MarketplaceOrder(
                        external_id=f"EXT-{n}",
                        revision=revision,
                        status=CANCELLED[channel] if cancelled and last else OPEN[channel],
                        buyer_name="Sari",
                        shipping_address=draw(st.sampled_from(ADDRESSES)),
                        currency="IDR",
                        lines=(
                            MarketplaceLine(
                                channel_sku=sku,
                                quantity=1 + n,
                                unit_price=Money.of("70000", "IDR"),
                            ),
                        ),
                        created_at=T0,
                        cash_on_delivery=True,
                    ),
                )
            )
    return revisions


def order_book(app: SalesApp) -> dict[tuple[str, str], Any]:
    with app.uow() as uow:
        return {
            (o.channel.code, o.external_ref): (
                o.status,
                o.shipping_address,
                [(line.sku, line.quantity, line.unit_price) for line in o.lines],
                o.payment_method,
                o.total,
            )
            for o in uow.orders.list()
        }


def deliver(app: SalesApp, channel: str, order: MarketplaceOrder, *, webhook: bool) -> None:
    gateway = app.marketplaces[channel]
    assert isinstance(gateway, InMemoryMarketplace)
    if webhook:
        body, signature = gateway.webhook(order)
        app.execute(
            commands.ReceiveWebhook(channel=channel, body=body.decode(), signature=signature)
        )
    else:
        gateway.put_order(order)
        ingest(app, gateway, order)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), history=histories())
def test_any_interleaving_gives_the_order_book_of_the_latest_revisions(
    data: st.DataObject, history: list[tuple[str, MarketplaceOrder]]
) -> None:
    deliveries = data.draw(st.permutations(history))
    repeats = data.draw(st.lists(st.sampled_from(history), max_size=6))
    for repeat in repeats:
        deliveries.insert(data.draw(st.integers(0, len(deliveries))), repeat)
    messy = shop()
    for channel, order in deliveries:
        deliver(messy, channel, order, webhook=data.draw(st.booleans()))

    latest: dict[tuple[str, str], tuple[str, MarketplaceOrder]] = {}
    for channel, order in history:
        key = (channel, order.external_id)
        if key not in latest or latest[key][1].revision < order.revision:
            latest[key] = (channel, order)
    clean = shop()
    for channel, order in latest.values():
        deliver(clean, channel, order, webhook=False)

    assert order_book(messy) == order_book(clean)
    assert len(order_book(messy)) == len(latest)  # no order created twice


STOCK_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.sampled_from(SKUS), st.integers(1, 20)),
        st.tuples(
            st.just("order"),
            st.sampled_from(sorted(CHANNELS)),
            st.sampled_from(SKUS),
            st.integers(1, 5),
        ),
        st.tuples(st.just("reserve"), st.integers(0, 3)),
        st.tuples(st.just("cancel"), st.integers(0, 3)),
        st.tuples(st.just("sync")),
    ),
    max_size=25,
)


def _marketplace_order(app: SalesApp, channel: str, number: int, sku: str, quantity: int) -> str:
    gateway = app.marketplaces[channel]
    assert isinstance(gateway, InMemoryMarketplace)
    gateway.put_order(
        MarketplaceOrder(
            external_id=f"O-{number}",
            revision=1,
            status=OPEN[channel],
            buyer_name="Sari",
            shipping_address=ADDRESSES[0],
            currency="IDR",
            lines=(
                MarketplaceLine(
                    channel_sku=f"{channel}-{sku}",
                    quantity=quantity,
                    unit_price=Money.of("70000", "IDR"),
                ),
            ),
            created_at=T0,
            cash_on_delivery=True,
        )
    )
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel=channel))
    return order_id


def _take(app: SalesApp, step: tuple[Any, ...], number: int, order_ids: list[str]) -> None:
    kind = step[0]
    if kind == "receive":
        app.execute(commands.ReceiveStock(warehouse="JKT-1", sku=step[1], quantity=step[2]))
    elif kind == "order":
        order_ids.append(_marketplace_order(app, step[1], number, step[2], step[3]))
    elif kind == "sync":
        app.execute(commands.SyncChannelStock())
    elif step[1] < len(order_ids):
        order_id = order_ids[step[1]]
        try:
            if kind == "reserve":
                app.execute(commands.ConfirmOrder(order_id=order_id))
                app.execute(commands.ReserveStock(order_id=order_id))
            else:
                app.execute(commands.CancelOrder(order_id=order_id))
        except SalesOrderError:
            pass  # refused (no stock, wrong status): part of the walk


def _check_pushed(app: SalesApp) -> None:
    with app.uow() as uow:
        available = {sku: sum(item.available for item in uow.stock.for_sku(sku)) for sku in SKUS}
    for code in CHANNELS:
        gateway = app.marketplaces[code]
        assert isinstance(gateway, InMemoryMarketplace)
        for channel_sku, quantity in gateway.stock.items():
            sku = channel_sku.removeprefix(f"{code}-")
            assert 0 <= quantity <= available[sku], (code, channel_sku, quantity, available)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    on_hand=st.fixed_dictionaries({sku: st.integers(0, 15) for sku in SKUS}),
    rules=st.fixed_dictionaries(
        {
            code: st.tuples(
                st.integers(0, 2), st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("0.33")])
            )
            for code in sorted(CHANNELS)
        }
    ),
    steps=STOCK_STEPS,
)
def test_stock_pushed_to_a_channel_never_exceeds_what_is_available(
    on_hand: dict[str, int], rules: dict[str, tuple[int, Decimal]], steps: list[tuple[Any, ...]]
) -> None:
    app = shop(on_hand)
    for code, (buffer, share) in rules.items():
        app.execute(commands.SetChannelStockRule(channel=code, buffer=buffer, share=share))
        for sku in SKUS:
            app.execute(commands.MapChannelSku(channel=code, channel_sku=f"{code}-{sku}", sku=sku))
    order_ids: list[str] = []
    for number, step in enumerate(steps):
        _take(app, step, number, order_ids)
        # Orders count against stock before they are reserved, so what was pushed stays
        # within what is available after any step, not only right after a sync.
        _check_pushed(app)
    app.execute(commands.SyncChannelStock())
    _check_pushed(app)


# -- round trips ---------------------------------------------------------------------------


@st.composite
def settlement_reports(draw: st.DrawFn) -> SettlementReport:
    def amount() -> st.SearchStrategy[Money]:
        return sst.money("IDR", max_value=1_000_000)

    line = st.builds(
        SettlementLine,
        external_id=sst.codes(),
        revenue=amount(),
        commission=amount(),
        transaction_fee=amount(),
        service_fee=amount(),
        shipping_subsidy=amount(),
        payout=amount(),
        adjustment=st.none() | amount(),
    )
    return SettlementReport(
        report_id=draw(sst.codes()),
        currency="IDR",
        paid_at=draw(sst.timestamps()),
        lines=draw(st.lists(line, max_size=3)),
    )


@st.composite
def channel_accounts(draw: st.DrawFn) -> ChannelAccount:
    account = ChannelAccount(
        channel=draw(sst.codes()),
        sku_map=draw(st.dictionaries(sst.codes(), sst.codes(), max_size=3)),
        pushed_stock=draw(st.dictionaries(sst.codes(), st.integers(0, 99), max_size=3)),
        settlements=draw(st.lists(settlement_reports(), max_size=2)),
    )
    if draw(st.booleans()):
        account.set_stock_rule(draw(st.integers(0, 5)), draw(st.sampled_from(["0.5", "1"])))
    for reason in draw(st.lists(sst.texts(), max_size=2)):
        if reason.strip():
            account.reject(
                RejectedDelivery(
                    at=draw(sst.timestamps()), reason=reason, body_sha256="ab" * 32, excerpt="{"
                )
            )
    return account


@st.composite
def records(draw: st.DrawFn) -> MarketplaceRecord:
    payload = draw(sst.marketplace_orders())
    record = MarketplaceRecord(channel="shopee", external_id=payload.external_id, payload=payload)
    if draw(st.booleans()):
        record.applied(draw(sst.codes()))
    if draw(st.booleans()):
        record.park("shopee SKU 'X' is mapped to no catalog SKU")
    return record


listings = st.builds(
    Listing,
    item_id=sst.codes(),
    name=sst.texts().filter(str.strip),
    category=sst.codes(),
    images=st.lists(sst.codes(), max_size=3),
    variants=st.lists(
        st.builds(
            ListingVariant,
            channel_sku=sst.codes(),
            price=sst.money("IDR", max_value=1_000_000),
            stock=st.integers(0, 50),
        ),
        min_size=1,
        max_size=3,
    ),
)


@settings(deadline=None)  # the first call builds the converter
@given(
    st.one_of(
        channel_accounts(), records(), settlement_reports(), listings, sst.marketplace_orders()
    )
)
def test_marketplace_models_round_trip(value: object) -> None:
    assert structure(unstructure(value), type(value)) == value
