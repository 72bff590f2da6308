"""Marketplaces: ingest (polled and pushed), SKU mapping, stock sync, listings, settlements.

Ingest is one path for polled orders and webhook pushes (:func:`ingest`). Each delivery is
keyed by (channel, external order id) and its revision, against the order's
:class:`~salesorder.domain.channels.MarketplaceRecord`:

- the same revision again is a no-op (``duplicate``), an older one is ignored (``stale``),
  the same revision with other content raises
  :class:`~salesorder.exceptions.RevisionConflict`;
- a first delivery creates the order (and its buyer); a newer revision updates it: a new
  shipping address through ``salesorder.services.ordering.change_address``, a buyer
  cancellation through ``salesorder.services.ordering.cancel_order`` (address first,
  so the result is the same whatever revisions came before);
- a delivery that cannot be applied (a channel SKU with no catalog SKU, a status the
  profile does not know, changed lines, a change the order no longer allows) is parked:
  its record keeps the payload and the reason, and
  :class:`~salesorder.services.commands.ReleaseParkedOrders` retries it.

Steps are idempotent, so a failure between them is cured by delivering again: the order
is found by its channel reference, and an address already set or a cancellation already
made is not made twice. The marketplace's other statuses are kept on the record
(``payload.status``); they do not move the order, whose fulfilment is the shop's own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from salesorder.domain.channels import (
    Channel,
    ChannelAccount,
    IngestOutcome,
    IngestResult,
    Listing,
    ListingDifference,
    ListingReport,
    ListingVariant,
    MarketplaceOrder,
    MarketplaceRecord,
    RejectedDelivery,
    StockPush,
)
from salesorder.domain.customers import Customer
from salesorder.domain.fees import (
    Payout,
    Profit,
    Reconciliation,
    expected_payout,
    order_profit,
    reconcile,
)
from salesorder.domain.inventory import available_to_sell
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.marketplaces import MarketplaceProfile, profile_for, validate_listing
from salesorder.domain.orders import OrderLine
from salesorder.domain.payments import PaymentMethod
from salesorder.exceptions import (
    IllegalTransition,
    MalformedPayload,
    NotFound,
    RevisionConflict,
    UnknownShop,
    ValidationError,
)
from salesorder.money import Money
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp
from salesorder.services.commands import (
    CancelOrder,
    ChangeAddress,
    CheckChannelStock,
    ImportMarketplaceOrders,
    ImportSettlements,
    MapChannelSku,
    NewLine,
    PlaceOrder,
    PublishListing,
    PullListings,
    ReceiveWebhook,
    ReleaseParkedOrders,
    SetChannelStockRule,
    SyncChannelStock,
)
from salesorder.services.inventory import Sellable
from salesorder.services.ordering import cancel_order, change_address, place_order

__all__ = [
    "check_channel_stock",
    "expected_payout_of",
    "import_marketplace_orders",
    "import_settlements",
    "ingest",
    "map_channel_sku",
    "parked_orders",
    "profit_of",
    "publish_listing",
    "pull_listings",
    "receive_webhook",
    "reconcile_settlement",
    "release_parked_orders",
    "set_channel_stock_rule",
    "sync_channel_stock",
]


def _gateway(app: SalesApp, channel: str) -> MarketplaceGateway:
    try:
        return app.marketplaces[channel]
    except KeyError:
        raise UnknownShop(channel) from None


def _profile(channel: Channel) -> MarketplaceProfile:
    return profile_for(channel.kind)


def _account(uow: UnitOfWork, channel: str) -> ChannelAccount:
    """The channel's account in this unit of work, added when it has none yet."""
    account = uow.channel_accounts.find(channel)
    if account is None:
        account = ChannelAccount(channel=channel)
        uow.channel_accounts.add(account)
    return account


def _catalog_sku(uow: UnitOfWork, account: ChannelAccount | None, channel_sku: str) -> str | None:
    """The catalog SKU sold as ``channel_sku``: the mapping, else the same SKU in the catalog."""
    if account is not None and channel_sku in account.sku_map:
        return account.sku_map[channel_sku]
    return channel_sku if uow.products.find(channel_sku) is not None else None


# ---------------------------------------------------------------------------------------
# Ingest
# ---------------------------------------------------------------------------------------


def _plan(
    uow: UnitOfWork, channel: Channel, incoming: MarketplaceOrder, currency: str
) -> tuple[OrderStatus, list[NewLine]] | str:
    """Our status and order lines for ``incoming``, or why it must be parked."""
    problems: list[str] = []
    if incoming.currency != currency:
        problems.append(f"order is in {incoming.currency}, the shop sells in {currency}")
    status = OrderStatus.NEW
    try:
        status = _profile(channel).status(incoming.status)
    except ValidationError as exc:
        problems.append(str(exc))
    if not incoming.lines:
        problems.append("the order has no lines")
    account = uow.channel_accounts.find(channel.code)
    lines: list[NewLine] = []
    for line in incoming.lines:
        sku = _catalog_sku(uow, account, line.channel_sku)
        if sku is None:
            problems.append(f"{channel.code} SKU {line.channel_sku!r} is mapped to no catalog SKU")
            continue
        lines.append(NewLine(sku=sku, quantity=line.quantity, unit_price=line.unit_price))
    return "; ".join(problems) if problems else (status, lines)


def _save_record(
    app: SalesApp,
    channel: str,
    incoming: MarketplaceOrder,
    *,
    order_id: str | None = None,
    reason: str = "",
) -> None:
    with app.transaction() as tx:
        record = tx.uow.marketplace_orders.find((channel, incoming.external_id))
        if record is None:
            record = MarketplaceRecord(
                channel=channel, external_id=incoming.external_id, payload=incoming
            )
            tx.uow.marketplace_orders.add(record)
        elif record.revision > incoming.revision:
            return  # a newer revision was recorded meanwhile; it wins
        record.receive(incoming)
        if reason:
            if order_id is not None:
                record.order_id = order_id
            record.park(reason)
        elif order_id is not None:
            record.applied(order_id)


def _create(
    app: SalesApp, channel: Channel, incoming: MarketplaceOrder, lines: list[NewLine]
) -> str:
    buyer = f"{channel.code}-{incoming.external_id}"
    with app.transaction() as tx:
        if tx.uow.customers.find(buyer) is None:
            tx.uow.customers.add(
                Customer(
                    id=buyer,
                    name=incoming.buyer_name,
                    phone=incoming.buyer_phone,
                    addresses=(incoming.shipping_address,),
                )
            )
    return place_order(
        app,
        PlaceOrder(
            customer_id=buyer,
            channel=channel,
            external_ref=incoming.external_id,
            shipping_address=incoming.shipping_address,
            payment_method=(
                PaymentMethod.COD if incoming.cash_on_delivery else PaymentMethod.E_WALLET
            ),
            lines=tuple(lines),
        ),
    )


def _apply(
    app: SalesApp,
    channel: Channel,
    incoming: MarketplaceOrder,
    plan: tuple[OrderStatus, list[NewLine]],
) -> tuple[str, bool]:
    """Create or update the order for ``incoming``; (order id, True when created)."""
    status, lines = plan
    with app.uow() as uow:
        order = uow.orders.find_by_external_ref(channel.code, incoming.external_id)
    created = order is None
    if order is None:
        order_id = _create(app, channel, incoming, lines)
    else:
        order_id = order.id
        if (
            order.shipping_address != incoming.shipping_address
            and order.status is not OrderStatus.CANCELLED
        ):
            change_address(app, ChangeAddress(order_id=order_id, address=incoming.shipping_address))
    if status is OrderStatus.CANCELLED:
        with app.uow() as uow:
            current = uow.orders.get(order_id).status
        if current is not OrderStatus.CANCELLED:
            cancel_order(
                app,
                CancelOrder(order_id=order_id, reason=f"cancelled by the buyer on {channel.name}"),
            )
    return order_id, created


def _lines_of(lines: Iterable[NewLine | OrderLine]) -> list[tuple[str, int, Money | None]]:
    return sorted(
        ((line.sku, line.quantity, line.unit_price) for line in lines),
        key=lambda t: (t[0], t[1], str(t[2])),
    )


def _process(
    app: SalesApp, gateway: MarketplaceGateway, incoming: MarketplaceOrder
) -> IngestResult:
    """Apply a delivery known to be newer than what the record holds."""
    channel = gateway.channel
    with app.uow() as uow:
        plan = _plan(uow, channel, incoming, app.settings.currency)
        known = uow.orders.find_by_external_ref(channel.code, incoming.external_id)
    existing = known.id if known is not None else None
    if (
        not isinstance(plan, str)
        and known is not None
        and plan[0] is not OrderStatus.CANCELLED
        and _lines_of(plan[1]) != _lines_of(known.lines)
    ):
        plan = (
            f"revision {incoming.revision} changes the lines of {known.thing}; "
            "lines are never changed from a marketplace delivery"
        )
    if isinstance(plan, str):
        _save_record(app, channel.code, incoming, order_id=existing, reason=plan)
        return IngestResult(
            outcome=IngestOutcome.PARKED,
            external_id=incoming.external_id,
            order_id=existing,
            reason=plan,
        )
    try:
        order_id, created = _apply(app, channel, incoming, plan)
    except IllegalTransition as exc:
        reason = f"revision {incoming.revision} cannot be applied: {exc}"
        _save_record(app, channel.code, incoming, order_id=existing, reason=reason)
        return IngestResult(
            outcome=IngestOutcome.PARKED,
            external_id=incoming.external_id,
            order_id=existing,
            reason=reason,
        )
    _save_record(app, channel.code, incoming, order_id=order_id)
    if created:
        gateway.acknowledge(incoming.external_id)
    return IngestResult(
        outcome=IngestOutcome.CREATED if created else IngestOutcome.UPDATED,
        external_id=incoming.external_id,
        order_id=order_id,
    )


def ingest(app: SalesApp, gateway: MarketplaceGateway, incoming: MarketplaceOrder) -> IngestResult:
    """Ingest one delivery of a marketplace order (polled or pushed); see the module docstring.

    Raises:
        RevisionConflict: the same revision was delivered before with other content.
    """
    with app.uow() as uow:
        record = uow.marketplace_orders.find((gateway.channel.code, incoming.external_id))
    if record is not None:
        outcome = record.classify(incoming)
        if outcome is not None:
            return IngestResult(
                outcome=outcome, external_id=incoming.external_id, order_id=record.order_id
            )
    return _process(app, gateway, incoming)


def _resync(app: SalesApp, results: Iterable[IngestResult]) -> None:
    """Push the stock of the SKUs of orders just created or changed, to every marketplace.

    Called once per page or push, so a burst of orders becomes one push per changed SKU.
    """
    order_ids = [
        r.order_id
        for r in results
        if r.order_id is not None and r.outcome in (IngestOutcome.CREATED, IngestOutcome.UPDATED)
    ]
    if not order_ids:
        return
    with app.uow() as uow:
        skus = sorted({line.sku for i in order_ids for line in uow.orders.get(i).lines})
    sync_channel_stock(app, SyncChannelStock(skus=tuple(skus)))


def import_marketplace_orders(app: SalesApp, command: ImportMarketplaceOrders) -> list[str]:
    """Fetch orders since the last cursor and ingest each delivery; returns new order ids.

    The cursor moves on only when the whole page is done, so a failure re-reads the page,
    which ingest makes harmless. A delivery that conflicts with an earlier one (the same
    revision with other content) is recorded on the channel account as rejected. Then the
    stock of the SKUs the page changed is pushed to every marketplace (an order on one
    channel lowers what the others may sell).
    """
    gateway = _gateway(app, command.channel)
    channel = gateway.channel
    page = gateway.fetch_orders(app.marketplace_cursors.get(channel.code))
    results: list[IngestResult] = []
    for incoming in page.orders:
        try:
            results.append(ingest(app, gateway, incoming))
        except RevisionConflict as exc:  # noqa: PERF203 - one delivery's fate, not a retry
            # Raising would stop the feed at this page forever: record it and go on.
            _reject(app, channel.code, repr(incoming).encode(), str(exc))
    app.marketplace_cursors[channel.code] = page.cursor
    _resync(app, results)
    return [
        r.order_id for r in results if r.outcome is IngestOutcome.CREATED and r.order_id is not None
    ]


def _reject(app: SalesApp, channel: str, body: bytes, reason: str) -> IngestResult:
    with app.transaction() as tx:
        _account(tx.uow, channel).reject(
            RejectedDelivery(
                at=tx.now,
                reason=reason,
                body_sha256=hashlib.sha256(body).hexdigest(),
                excerpt=body[:200].decode("utf-8", errors="replace"),
            )
        )
    return IngestResult(outcome=IngestOutcome.REJECTED, reason=reason)


def receive_webhook(app: SalesApp, command: ReceiveWebhook) -> IngestResult:
    """Verify a push, then ingest it (and push the stock it changed, as an import does).

    A push that fails verification or cannot be read is recorded and refused.

    Raises:
        UnknownShop: no marketplace is registered for ``command.channel``.
    """
    gateway = _gateway(app, command.channel)
    body = command.body.encode("utf-8")
    if not gateway.verify_webhook(body, command.signature):
        return _reject(app, command.channel, body, "signature does not match the body")
    try:
        incoming = gateway.parse_webhook(body)
    except MalformedPayload as exc:
        return _reject(app, command.channel, body, str(exc))
    result = ingest(app, gateway, incoming)
    _resync(app, [result])
    return result


def map_channel_sku(app: SalesApp, command: MapChannelSku) -> None:
    """Record that catalog ``sku`` is sold as ``channel_sku`` (the SKU must exist)."""
    _gateway(app, command.channel)
    with app.transaction() as tx:
        tx.uow.products.get(command.sku)
        _account(tx.uow, command.channel).map_sku(command.channel_sku, command.sku)


def parked_orders(app: SalesApp, channel: str | None = None) -> list[MarketplaceRecord]:
    """The exceptions queue: parked marketplace orders (of ``channel``), with their reasons."""
    with app.uow() as uow:
        return [
            record
            for record in uow.marketplace_orders.list()
            if record.is_parked and (channel is None or record.channel == channel)
        ]


def release_parked_orders(app: SalesApp, command: ReleaseParkedOrders) -> list[IngestResult]:
    """Apply parked orders again (after their SKUs were mapped); some may park again."""
    results = [
        _process(app, _gateway(app, record.channel), record.payload)
        for record in parked_orders(app, command.channel)
    ]
    _resync(app, results)
    return results


# ---------------------------------------------------------------------------------------
# Stock sync
# ---------------------------------------------------------------------------------------


def set_channel_stock_rule(app: SalesApp, command: SetChannelStockRule) -> None:
    """Set the channel's buffer and share of available stock."""
    _gateway(app, command.channel)
    with app.transaction() as tx:
        _account(tx.uow, command.channel).set_stock_rule(command.buffer, command.share)


def _targets(
    account: ChannelAccount, sellable: Sellable, skus: Iterable[str] = ()
) -> dict[str, int]:
    """What each mapped channel SKU should show (only those of catalog ``skus`` if given)."""
    only = set(skus)
    return {
        channel_sku: available_to_sell(sellable(sku), account.rule)
        for channel_sku, sku in sorted(account.sku_map.items())
        if not only or sku in only
    }


def _push(
    app: SalesApp, gateway: MarketplaceGateway, changes: dict[str, tuple[int, int | None]]
) -> list[StockPush]:
    code = gateway.channel.code
    pushes: list[StockPush] = []
    for channel_sku, (quantity, previous) in changes.items():
        gateway.push_stock(channel_sku, quantity)
        pushes.append(
            StockPush(channel=code, channel_sku=channel_sku, quantity=quantity, previous=previous)
        )
    if pushes:
        with app.transaction() as tx:
            account = _account(tx.uow, code)
            for push in pushes:
                account.record_push(push.channel_sku, push.quantity)
    return pushes


def sync_channel_stock(app: SalesApp, command: SyncChannelStock) -> list[StockPush]:
    """Push what each channel may sell where it changed since the last push.

    An order on one channel lowers what every channel may sell (its lines count against
    stock until they are reserved, then the reservation does: see
    :class:`~salesorder.services.inventory.Sellable`). Every channel's targets are computed
    in one unit of work, reading the unreserved orders once, before any push.
    """
    codes = [command.channel] if command.channel is not None else sorted(app.marketplaces)
    gateways = {code: _gateway(app, code) for code in codes}
    planned: list[tuple[MarketplaceGateway, ChannelAccount, dict[str, int]]] = []
    with app.uow() as uow:
        sellable = Sellable(uow)  # shared: each SKU read once for every channel
        for code, gateway in gateways.items():
            account = uow.channel_accounts.find(code) or ChannelAccount(channel=code)
            planned.append((gateway, account, _targets(account, sellable, command.skus)))
    pushes: list[StockPush] = []
    for gateway, account, targets in planned:
        changes = {
            channel_sku: (quantity, account.pushed_stock.get(channel_sku))
            for channel_sku, quantity in targets.items()
            if account.pushed_stock.get(channel_sku) != quantity
        }
        pushes.extend(_push(app, gateway, changes))
    return pushes


def check_channel_stock(app: SalesApp, command: CheckChannelStock) -> list[StockPush]:
    """The drift check: what the channel shows against what it should; corrections pushed.

    ``previous`` of each push is what the channel showed (None: it did not list the SKU).
    """
    gateway = _gateway(app, command.channel)
    with app.uow() as uow:
        account = uow.channel_accounts.find(command.channel) or ChannelAccount(
            channel=command.channel
        )
        targets = _targets(account, Sellable(uow))
    shown = gateway.fetch_stock(list(targets))
    changes = {
        channel_sku: (quantity, shown.get(channel_sku))
        for channel_sku, quantity in targets.items()
        if shown.get(channel_sku) != quantity
    }
    return _push(app, gateway, changes)


# ---------------------------------------------------------------------------------------
# Listings
# ---------------------------------------------------------------------------------------


def _compare(
    variant: ListingVariant, sku: str, uow: UnitOfWork, target: int | None
) -> list[ListingDifference]:
    product = uow.products.get(sku)
    found: list[ListingDifference] = []

    def differ(field: str, channel_value: object, catalog_value: object) -> None:
        found.append(
            ListingDifference(
                channel_sku=variant.channel_sku,
                sku=sku,
                field=field,
                channel_value=str(channel_value),
                catalog_value=str(catalog_value),
            )
        )

    if variant.price != product.price:
        differ("price", variant.price, product.price)
    channel_attrs = {(a.name, a.value) for a in variant.attributes}
    catalog_attrs = {(a.name, a.value) for a in product.attributes}
    if channel_attrs != catalog_attrs:
        differ("variant", sorted(channel_attrs), sorted(catalog_attrs))
    if target is not None and variant.stock != target:
        differ("stock", variant.stock, target)
    return found


def pull_listings(app: SalesApp, command: PullListings) -> ListingReport:
    """Match the channel's listings to the catalog by SKU; report the rest, change nothing else.

    A variant whose channel SKU (or seller SKU) is a catalog SKU gets its mapping; a variant
    with no catalog product is offered as a new product; prices, variant attributes and
    stock that differ from the catalog are reported, never overwritten.
    """
    gateway = _gateway(app, command.channel)
    listings = gateway.fetch_listings()
    matched: list[tuple[str, str]] = []
    new: list[ListingVariant] = []
    differences: list[ListingDifference] = []
    with app.transaction() as tx:
        account = _account(tx.uow, command.channel)
        sellable = Sellable(tx.uow)  # mappings change below, the stock and orders do not
        for listing in listings:
            for variant in listing.variants:
                sku = account.sku_map.get(variant.channel_sku)
                if sku is None:
                    candidate = variant.seller_sku or variant.channel_sku
                    if tx.uow.products.find(candidate) is None:
                        new.append(variant)
                        continue
                    account.map_sku(variant.channel_sku, candidate)
                    matched.append((variant.channel_sku, candidate))
                    sku = candidate
                target = available_to_sell(sellable(sku), account.rule)
                differences.extend(_compare(variant, sku, tx.uow, target))
    return ListingReport(matched=matched, new=new, differences=differences)


def publish_listing(app: SalesApp, command: PublishListing) -> str:
    """Build a listing from catalog products, check it against the profile, then send it.

    Raises:
        ListingRejected: the listing breaks the marketplace's limits (nothing is sent).
    """
    gateway = _gateway(app, command.channel)
    with app.uow() as uow:
        products = [uow.products.get(sku) for sku in command.skus]
        account = uow.channel_accounts.find(command.channel) or ChannelAccount(
            channel=command.channel
        )
        reverse = {sku: channel_sku for channel_sku, sku in sorted(account.sku_map.items())}
        planned = ChannelAccount(
            channel=command.channel,
            sku_map={reverse.get(p.sku, p.sku): p.sku for p in products} | account.sku_map,
            stock_rule=account.stock_rule,
        )
        targets = _targets(planned, Sellable(uow), command.skus)
    if not products:
        raise ValidationError(f"listing {command.item_id!r} needs at least one SKU")
    images = command.images or tuple(dict.fromkeys(i for p in products for i in p.images))
    listing = Listing(
        item_id=command.item_id,
        name=command.name or products[0].name,
        category=command.category or products[0].category,
        images=images,
        variants=tuple(
            ListingVariant(
                channel_sku=reverse.get(p.sku, p.sku),
                price=p.price,
                attributes=p.attributes,
                stock=targets.get(reverse.get(p.sku, p.sku), 0),
                seller_sku=p.sku,
            )
            for p in products
        ),
    )
    validate_listing(listing, _profile(gateway.channel))
    item_id = gateway.publish_listing(listing)
    with app.transaction() as tx:
        account = _account(tx.uow, command.channel)
        for variant in listing.variants:
            account.map_sku(variant.channel_sku, variant.seller_sku)
            account.record_push(variant.channel_sku, variant.stock)
    return item_id


# ---------------------------------------------------------------------------------------
# Fees, settlements and profit
# ---------------------------------------------------------------------------------------


def expected_payout_of(app: SalesApp, channel: str, external_id: str) -> Payout:
    """The expected payout of one marketplace order under its channel's fee rule."""
    gateway = _gateway(app, channel)
    with app.uow() as uow:
        record = uow.marketplace_orders.get((channel, external_id))
    return expected_payout(record.payload, _profile(gateway.channel).fees)


def _expected(
    uow: UnitOfWork, profile: MarketplaceProfile, channel: str, ids: Iterable[str]
) -> dict[str, Payout]:
    expected: dict[str, Payout] = {}
    for external_id in ids:
        record = uow.marketplace_orders.find((channel, external_id))
        if record is not None:
            expected[external_id] = expected_payout(record.payload, profile.fees)
    return expected


def import_settlements(app: SalesApp, command: ImportSettlements) -> list[Reconciliation]:
    """Import the channel's new payout reports and reconcile each against expected payouts.

    A report imported before is skipped (the same id with other content raises
    :class:`~salesorder.exceptions.RevisionConflict`). Returns the reconciliations of the
    reports imported now.
    """
    gateway = _gateway(app, command.channel)
    profile = _profile(gateway.channel)
    results: list[Reconciliation] = []
    for report in gateway.fetch_settlements():
        with app.transaction() as tx:
            account = _account(tx.uow, command.channel)
            before = frozenset(
                line.external_id for known in account.settlements for line in known.lines
            )
            if not account.add_settlement(report):
                continue
            expected = _expected(
                tx.uow, profile, command.channel, (line.external_id for line in report.lines)
            )
        results.append(reconcile(report, expected, settled_before=before))
    return results


def reconcile_settlement(app: SalesApp, channel: str, report_id: str) -> Reconciliation:
    """Reconcile an imported report again (against the orders as they are now)."""
    gateway = _gateway(app, channel)
    with app.uow() as uow:
        account = uow.channel_accounts.get(channel)
        before: set[str] = set()
        for report in account.settlements:
            if report.report_id == report_id:
                expected = _expected(
                    uow,
                    _profile(gateway.channel),
                    channel,
                    (line.external_id for line in report.lines),
                )
                return reconcile(report, expected, settled_before=frozenset(before))
            before.update(line.external_id for line in report.lines)
    raise NotFound(f"{channel} settlement report", report_id)


def profit_of(
    app: SalesApp,
    order_id: str,
    *,
    shipping: Money | None = None,
    packaging: Money | None = None,
    returns: Money | None = None,
) -> Profit:
    """Profit of a marketplace order, every cost shown.

    Revenue and fees come from the expected payout, the cost of goods from the order's
    pricing (``order.pricing.cost``), the other costs from the arguments.
    """
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        record = uow.marketplace_orders.find((order.channel.code, order.external_ref))
    if record is None:
        raise NotFound("marketplace order of", order_id)
    gateway = _gateway(app, order.channel.code)
    payout = expected_payout(record.payload, _profile(gateway.channel).fees)
    cost = order.pricing.cost if order.pricing is not None else Money.zero(order.currency)
    return order_profit(payout, cost, shipping=shipping, packaging=packaging, returns=returns)
