"""Marketplaces: ingest (polled and pushed), SKU mapping and the exceptions queue.

Ingest is one path for polled orders and webhook pushes (:func:`ingest`). Each delivery is
keyed by (channel, external order id) and its revision, against the order's
:class:`~salesorder.domain.channels.MarketplaceRecord`:

- the same revision again is a no-op (``duplicate``), an older one is ignored (``stale``),
  the same revision with other content raises
  :class:`~salesorder.exceptions.RevisionConflict`;
- a first delivery creates the order (and its buyer); a newer revision updates it: a new
  shipping address as ``salesorder.services.ordering.change_address`` makes it, a buyer
  cancellation as ``salesorder.services.ordering.cancel_order`` does (address first,
  so the result is the same whatever revisions came before);
- a delivery that cannot be applied (a channel SKU with no catalog SKU, a status the
  profile does not know, changed lines, a change the order no longer allows) is parked:
  its record keeps the payload and the reason, and
  :class:`~salesorder.services.commands.ReleaseParkedOrders` retries it.

A delivery is applied in one unit of work: the buyer, the order, the address change, the
cancellation, the record and the order's acknowledgement (written to the outbox) take effect
together or not at all, so a failure part-way leaves nothing to cure; the delivery is simply
applied again when it comes again. The acknowledgement is made after that commit, never
before (an order acknowledged but not committed would be lost), and retried until the
marketplace takes it. Every later delivery of an order, a duplicate included, asks for the
acknowledgement again (acknowledging is idempotent), so a marketplace that redelivers
because it never heard back hears back. Two deliveries of a new order at once make one
order: the one that commits second finds the first's record and answers ``duplicate``.
The marketplace's other statuses are kept on the record (``payload.status``); they do not
move the order, whose fulfilment is the shop's own.

A delivery that is refused (its signature does not match, its body is not an order, it
conflicts with an earlier delivery) is logged in the channel's bounded log of refusals
(:class:`~salesorder.domain.channels.RefusalSlot`, repository ``refused_deliveries``),
which no legitimate command writes, so a flood of forged calls slows none of them.

Stock sync, listings and settlements are in :mod:`salesorder.services.channel_stock`,
:mod:`salesorder.services.listings` and :mod:`salesorder.services.settlements`, the reads in
:mod:`salesorder.services.views`; their names are importable from here too.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable

from salesorder.domain.channels import (
    REFUSAL_SLOTS,
    Channel,
    IngestOutcome,
    IngestResult,
    MarketplaceOrder,
    MarketplaceRecord,
    RefusalLog,
    RefusalSlot,
    RejectedDelivery,
)
from salesorder.domain.customers import Customer
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.outbox import Call, CallKind
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.units import Quantity, TooManyDecimals
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    IllegalTransition,
    MalformedPayload,
    RevisionConflict,
    ValidationError,
)
from salesorder.money import Money
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.channel_accounts import account, catalog_sku, gateway, profile
from salesorder.services.channel_stock import (
    check_channel_stock,
    set_channel_stock_rule,
    sync_channel_stock,
    sync_stock,
)
from salesorder.services.commands import (
    CancelOrder,
    ChangeAddress,
    ImportMarketplaceOrders,
    MapChannelSku,
    NewLine,
    PlaceOrder,
    ReceiveWebhook,
    ReleaseParkedOrders,
)
from salesorder.services.listings import publish_listing, pull_listings
from salesorder.services.ordering import cancel, place, readdress
from salesorder.services.outbox import Sent, set_value
from salesorder.services.settlements import import_settlements
from salesorder.services.views import (
    expected_payout_of,
    parked_orders,
    profit_of,
    reconcile_settlement,
)

__all__ = [
    "acknowledge_order",
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
    "push_tracking",
    "receive_webhook",
    "reconcile_settlement",
    "refusals",
    "release_parked_orders",
    "set_channel_stock_rule",
    "sync_channel_stock",
]


def _plan(
    uow: UnitOfWork, channel: Channel, incoming: MarketplaceOrder, currency: str
) -> tuple[OrderStatus, list[NewLine]] | str:
    """Our status and order lines for ``incoming``, or why it must be parked."""
    problems: list[str] = []
    if incoming.currency != currency:
        problems.append(f"order is in {incoming.currency}, the shop sells in {currency}")
    status = OrderStatus.NEW
    try:
        status = profile(channel).status(incoming.status)
    except ValidationError as exc:
        problems.append(str(exc))
    if not incoming.lines:
        problems.append("the order has no lines")
    known = uow.channel_accounts.find(channel.code)
    lines: list[NewLine] = []
    for line in incoming.lines:
        sku = catalog_sku(uow, known, line.channel_sku)
        if sku is None:
            problems.append(f"{channel.code} SKU {line.channel_sku!r} is mapped to no catalog SKU")
            continue
        product = uow.products.find(sku)
        try:  # a quantity finer than the product's unit (1.5 of a piece) is parked
            if product is not None:
                product.unit.check(line.quantity, what=f"{channel.code} SKU {line.channel_sku!r}")
        except TooManyDecimals as exc:
            problems.append(str(exc))
            continue
        lines.append(NewLine(sku=sku, quantity=line.quantity, unit_price=line.unit_price))
    return "; ".join(problems) if problems else (status, lines)


def _record(
    tx: Transaction,
    channel: str,
    incoming: MarketplaceOrder,
    *,
    order_id: str | None = None,
    reason: str = "",
) -> None:
    """Keep ``incoming`` on its record: applied to ``order_id``, or parked for ``reason``."""
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
    app: SalesApp,
    tx: Transaction,
    channel: Channel,
    incoming: MarketplaceOrder,
    lines: list[NewLine],
) -> str:
    """The buyer (once) and the order of a first delivery, in ``tx``; returns the order id."""
    buyer = f"{channel.code}-{incoming.external_id}"
    if tx.uow.customers.find(buyer) is None:
        tx.uow.customers.add(
            Customer(
                id=buyer,
                name=incoming.buyer_name,
                phone=incoming.buyer_phone,
                addresses=(incoming.shipping_address,),
            )
        )
    return place(
        app,
        tx,
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
    tx: Transaction,
    channel: Channel,
    incoming: MarketplaceOrder,
    plan: tuple[OrderStatus, list[NewLine]],
    *,
    known: Order | None,
) -> str:
    """Create or update the order for ``incoming`` in ``tx``; returns its id."""
    status, lines = plan
    if known is None:
        order_id = _create(app, tx, channel, incoming, lines)
    else:
        order_id = known.id
        if (
            known.shipping_address != incoming.shipping_address
            and known.status is not OrderStatus.CANCELLED
        ):
            readdress(app, tx, ChangeAddress(order_id=order_id, address=incoming.shipping_address))
    if status is OrderStatus.CANCELLED and (
        tx.uow.orders.get(order_id).status is not OrderStatus.CANCELLED
    ):
        cancel(
            app,
            tx,
            CancelOrder(order_id=order_id, reason=f"cancelled by the buyer on {channel.name}"),
        )
    return order_id


def _lines_of(lines: Iterable[NewLine | OrderLine]) -> list[tuple[str, Quantity, Money | None]]:
    return sorted(
        ((line.sku, line.quantity, line.unit_price) for line in lines),
        key=lambda t: (t[0], t[1], str(t[2])),
    )


def _parked(incoming: MarketplaceOrder, order_id: str | None, reason: str) -> IngestResult:
    return IngestResult(
        outcome=IngestOutcome.PARKED,
        external_id=incoming.external_id,
        order_id=order_id,
        reason=reason,
    )


def _process(
    app: SalesApp, shop: MarketplaceGateway, incoming: MarketplaceOrder, *, release: bool = False
) -> IngestResult:
    """Apply a delivery known to be newer than what the record holds, in one unit of work.

    ``release``: the delivery is a parked record's own payload, applied again on purpose
    (:func:`release_parked_orders`), not a delivery that may have come twice.

    A change the order no longer allows (:class:`~salesorder.exceptions.IllegalTransition`)
    undoes the whole delivery; then the delivery is parked, in a unit of work of its own.
    """
    channel = shop.channel
    existing: str | None = None
    try:
        with app.transaction() as tx:
            known = tx.uow.orders.find_by_external_ref(channel.code, incoming.external_id)
            # Checked again in the unit of work that applies it: a delivery of the same
            # order may have committed since _known looked (concurrent duplicates). Read
            # after the order: its record commits with it, so an order seen has its record
            # seen too, even where the reads of a unit of work are not one snapshot.
            record = tx.uow.marketplace_orders.find((channel.code, incoming.external_id))
            outcome = None if record is None or release else record.classify(incoming)
            if record is not None and outcome is not None:
                if record.order_id is not None:
                    _acknowledge(tx, channel.code, incoming.external_id)
                return IngestResult(
                    outcome=outcome, external_id=incoming.external_id, order_id=record.order_id
                )
            plan = _plan(tx.uow, channel, incoming, app.settings.currency)
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
                _record(tx, channel.code, incoming, order_id=existing, reason=plan)
                if existing is not None:
                    _acknowledge(tx, channel.code, incoming.external_id)
                return _parked(incoming, existing, plan)
            order_id = _apply(app, tx, channel, incoming, plan, known=known)
            _record(tx, channel.code, incoming, order_id=order_id)
            _acknowledge(tx, channel.code, incoming.external_id)
    except IllegalTransition as exc:
        reason = f"revision {incoming.revision} cannot be applied: {exc}"
        with app.transaction() as tx:
            _record(tx, channel.code, incoming, order_id=existing, reason=reason)
            if existing is not None:
                _acknowledge(tx, channel.code, incoming.external_id)
        return _parked(incoming, existing, reason)
    return IngestResult(
        outcome=IngestOutcome.CREATED if known is None else IngestOutcome.UPDATED,
        external_id=incoming.external_id,
        order_id=order_id,
    )


def _acknowledge(tx: Transaction, channel: str, external_id: str) -> None:
    """Ask in ``tx`` for the order to be acknowledged (again, when it was before)."""
    call = Call(kind=CallKind.ACKNOWLEDGE_ORDER, target=channel, subject=external_id)
    set_value(tx, call, force=True)


def _known(
    app: SalesApp, gateway: MarketplaceGateway, incoming: MarketplaceOrder
) -> IngestResult | None:
    """The answer for a delivery the record already holds (acknowledged again), or None."""
    channel = gateway.channel.code
    with app.uow() as uow:
        record = uow.marketplace_orders.find((channel, incoming.external_id))
    if record is None:
        return None
    outcome = record.classify(incoming)
    if outcome is None:
        return None
    if record.order_id is not None:
        with app.transaction() as tx:
            _acknowledge(tx, channel, incoming.external_id)
    return IngestResult(outcome=outcome, external_id=incoming.external_id, order_id=record.order_id)


def ingest(app: SalesApp, gateway: MarketplaceGateway, incoming: MarketplaceOrder) -> IngestResult:
    """Ingest one delivery of a marketplace order (polled or pushed); see the module docstring.

    Raises:
        RevisionConflict: the same revision was delivered before with other content.
    """
    known = _known(app, gateway, incoming)
    if known is not None:
        return known
    try:
        return _process(app, gateway, incoming)
    except DuplicateError:
        # A delivery of the same order committed first (its record, buyer or channel
        # reference is taken now): answer as if this one had come second.
        known = _known(app, gateway, incoming)
        if known is None:
            raise
        return known


def _resync(app: SalesApp, results: Iterable[IngestResult]) -> None:
    """Push the stock of the SKUs of orders just created or changed, to every marketplace.

    Called once per page or push, after its orders are committed, so a burst of orders
    becomes one push per changed SKU. A conflict with another sync is retried here, never by
    re-running the ingest.
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
    # Its own retries: a conflict here must not re-run the ingest, whose orders are
    # committed and whose answer stands. A push that keeps meeting other syncs is left to
    # them and to the next sync.
    for attempt in range(app.retries + 1):
        try:
            sync_stock(app, skus=skus)
        except ConcurrencyConflict:  # noqa: PERF203 - a retry loop is the point
            app.backoff(attempt + 1)
        else:
            return


def import_marketplace_orders(app: SalesApp, command: ImportMarketplaceOrders) -> list[str]:
    """Fetch orders since the last cursor and ingest each delivery; returns new order ids.

    Each delivery is applied in its own unit of work (see the module docstring). The cursor
    moves on only when the whole page is done, so a failure re-reads the page, which ingest
    makes harmless. A delivery that conflicts with an earlier one (the same revision with
    other content) is recorded on the channel account as rejected. Then the stock of the
    SKUs the page changed is pushed to every marketplace (an order on one channel lowers
    what the others may sell).
    """
    shop = gateway(app, command.channel)
    channel = shop.channel
    page = shop.fetch_orders(app.marketplace_cursors.get(channel.code))
    results: list[IngestResult] = []
    for incoming in page.orders:
        try:
            results.append(ingest(app, shop, incoming))
        except RevisionConflict as exc:  # noqa: PERF203 - one delivery's fate, not a retry
            # Raising would stop the feed at this page forever: record it and go on.
            _reject(app, channel.code, repr(incoming).encode(), str(exc))
    app.marketplace_cursors[channel.code] = page.cursor
    _resync(app, results)
    return [
        r.order_id for r in results if r.outcome is IngestOutcome.CREATED and r.order_id is not None
    ]


def _reject(app: SalesApp, channel: str, body: bytes, reason: str) -> IngestResult:
    """Log a refused delivery in a random slot of the channel's log of refusals."""
    with app.transaction() as tx:
        delivery = RejectedDelivery(
            at=tx.now,
            reason=reason,
            body_sha256=hashlib.sha256(body).hexdigest(),
            excerpt=body[:200].decode("utf-8", errors="replace"),
        )
        slot = random.randrange(REFUSAL_SLOTS)  # noqa: S311 - spreads writers, not a secret
        found = tx.uow.refused_deliveries.find((channel, slot))
        if found is None:
            tx.uow.refused_deliveries.add(RefusalSlot(channel=channel, slot=slot, latest=delivery))
        else:
            found.add(delivery)
    return IngestResult(outcome=IngestOutcome.REJECTED, reason=reason)


def refusals(app: SalesApp, channel: str) -> RefusalLog:
    """The channel's log of refused deliveries: the count of all, the recent ones kept."""
    with app.uow() as uow:
        return RefusalLog.of(channel, uow.refused_deliveries.list())


def receive_webhook(app: SalesApp, command: ReceiveWebhook) -> IngestResult:
    """Verify a push, then ingest it (and push the stock it changed, as an import does).

    A push that fails verification or cannot be read is recorded and refused.

    Raises:
        UnknownShop: no marketplace is registered for ``command.channel``.
    """
    shop = gateway(app, command.channel)
    body = command.body.encode("utf-8")
    if not shop.verify_webhook(body, command.signature):
        return _reject(app, command.channel, body, "signature does not match the body")
    try:
        incoming = shop.parse_webhook(body)
    except MalformedPayload as exc:
        return _reject(app, command.channel, body, str(exc))
    result = ingest(app, shop, incoming)
    _resync(app, [result])
    return result


def map_channel_sku(app: SalesApp, command: MapChannelSku) -> None:
    """Record that catalog ``sku`` is sold as ``channel_sku`` (the SKU must exist)."""
    gateway(app, command.channel)
    with app.transaction() as tx:
        tx.uow.products.get(command.sku)
        account(tx.uow, command.channel).map_sku(command.channel_sku, command.sku)


def release_parked_orders(app: SalesApp, command: ReleaseParkedOrders) -> list[IngestResult]:
    """Apply parked orders again (after their SKUs were mapped); some may park again.

    Each parked delivery is applied in its own unit of work, as a new delivery is.
    """
    results = [
        _process(app, gateway(app, record.channel), record.payload, release=True)
        for record in parked_orders(app, command.channel)
    ]
    _resync(app, results)
    return results


def acknowledge_order(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: tell the marketplace ``call.target`` the order was accepted."""
    gateway(app, call.target).acknowledge(call.subject)
    return Sent(result="acknowledged")


def push_tracking(app: SalesApp, call: Call) -> Sent:
    """Outbox sender: give the marketplace the courier and tracking number of an order."""
    gateway(app, call.target).push_tracking(call.subject, call.courier, call.reference)
    return Sent(result=call.reference)
