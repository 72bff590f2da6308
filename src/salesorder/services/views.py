"""Every read: functions of the application (or of a unit of work) that return values.

Commands change things through a unit of work and return ids; the questions asked of the
shop are answered here, each in one unit of work that is never committed, so a read never
changes anything (cosmicpython's ``views.py``). The functions that take a
:class:`~salesorder.ports.persistence.UnitOfWork` (:class:`Sellable`, :func:`incoming`,
:func:`cod_reconciliation_of`, :func:`expected_payouts`) read inside a command's own unit of
work, so what the command decides on is what it reads.

The query commands (:class:`~salesorder.services.commands.ChannelAvailability`,
:class:`~salesorder.services.commands.ReconcileCod`) stay commands, for scenarios and
callers that only speak commands; their handlers answer with the functions here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from salesorder.domain.channels import MarketplaceRecord
from salesorder.domain.cod import CodExpectation, CodReconciliation
from salesorder.domain.cod import reconcile_cod as _reconcile_cod
from salesorder.domain.fees import Payout, Profit, Reconciliation, expected_payout, order_profit
from salesorder.domain.fees import reconcile as _reconcile_settlement
from salesorder.domain.inventory import ChannelStockRule, StockMovement, available_to_sell
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.marketplaces import MarketplaceProfile
from salesorder.domain.measures import OrderMeasures, measure_orders
from salesorder.domain.purchasing import PurchaseOrderStatus
from salesorder.domain.shipping import Shipment, ShipmentStatus, TrackingStatus
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import NotFound, UnknownSKU
from salesorder.money import Money, check_locale
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp
from salesorder.services.channel_accounts import gateway, profile

__all__ = [
    "UNRESERVED",
    "Sellable",
    "available_on_channel",
    "channel_availability",
    "cod_reconciliation",
    "cod_reconciliation_of",
    "expected_payout_of",
    "expected_payouts",
    "incoming",
    "invoice_preview",
    "ledger",
    "measure",
    "packing_slip",
    "parked_orders",
    "pick_list",
    "profit_of",
    "reconcile_settlement",
]


# ---------------------------------------------------------------------------------------
# Stock
# ---------------------------------------------------------------------------------------


def ledger(app: SalesApp, warehouse: str, sku: str) -> list[StockMovement]:
    """The ledger of one item, oldest first."""
    with app.uow() as uow:
        return uow.stock_ledger.for_item(warehouse, sku)


#: Statuses whose lines are not reserved yet, so their units still count against stock.
UNRESERVED = frozenset({OrderStatus.NEW, OrderStatus.ON_HOLD, OrderStatus.CONFIRMED})


class Sellable:
    """Units of each SKU free to sell, as one unit of work sees them: ``sellable(sku)``.

    What every warehouse has available (on hand minus reserved minus safety stock) minus
    the units of orders whose lines are not reserved yet (:data:`UNRESERVED`), never below
    0: an order lowers what every channel may sell from the moment it is placed, and once
    reserved its reservation does. Channel stock rules apply on top
    (:func:`~salesorder.domain.inventory.available_to_sell`). The unreserved orders are
    read once (``OrderRepository.with_status``), each SKU's stock once.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._waiting: dict[str, Quantity] | None = None
        self._units: dict[str, Quantity] = {}

    def __call__(self, sku: str) -> Quantity:
        """The units of ``sku`` free to sell (0 for a SKU without stock)."""
        units = self._units.get(sku)
        if units is None:
            available = sum(item.available for item in self._uow.stock.for_sku(sku))
            units = self._units[sku] = self._less_waiting(sku, available)
        return units

    def every_sku(self) -> dict[str, Quantity]:
        """Every SKU with stock: its units free to sell, by SKU, from one read of the stock."""
        available: dict[str, Quantity] = {}
        for item in self._uow.stock.list():
            available[item.sku] = available.get(item.sku, 0) + item.available
        for sku, units in available.items():
            self._units[sku] = self._less_waiting(sku, units)
        return {sku: self._units[sku] for sku in sorted(available)}

    def _less_waiting(self, sku: str, available: Quantity) -> Quantity:
        if self._waiting is None:
            waiting: dict[str, Quantity] = {}
            for order in self._uow.orders.with_status(UNRESERVED):
                for line in order.lines:
                    waiting[line.sku] = waiting.get(line.sku, 0) + line.quantity
            self._waiting = waiting
        return to_quantity(max(0, available - self._waiting.get(sku, 0)))


def channel_availability(
    app: SalesApp, sku: str, rules: Iterable[ChannelStockRule]
) -> dict[str, Quantity]:
    """Units of ``sku`` each channel may offer (see :class:`Sellable`), by channel."""
    with app.uow() as uow:
        units = Sellable(uow)(sku)
    return {rule.channel: available_to_sell(units, rule) for rule in rules}


def available_on_channel(
    app: SalesApp, channel: str, skus: Iterable[str] = ()
) -> dict[str, Quantity]:
    """Units of each SKU ``channel`` may offer under its stock rule, by SKU.

    With no ``skus``: every SKU with stock. This answers
    :class:`~salesorder.services.commands.ChannelAvailability`.

    Raises:
        UnknownSKU: one of ``skus`` is not in the catalog (checked first).
    """
    wanted = tuple(skus)
    with app.uow() as uow:
        for sku in wanted:
            if uow.products.find(sku) is None:
                raise UnknownSKU(sku)
        account = uow.channel_accounts.find(channel)
        rule = ChannelStockRule(channel=channel) if account is None else account.rule
        sellable = Sellable(uow)
        if wanted:
            units = {sku: sellable(sku) for sku in sorted(set(wanted))}
        else:
            units = sellable.every_sku()
    return {sku: available_to_sell(count, rule) for sku, count in units.items()}


def incoming(uow: UnitOfWork, *, drafts: bool = False) -> dict[tuple[str, str], Quantity]:
    """Units outstanding on open purchase orders (and drafts, if asked), per (warehouse, SKU)."""
    result: dict[tuple[str, str], Quantity] = {}
    for po in uow.purchase_orders.list():
        draft = drafts and po.status is PurchaseOrderStatus.DRAFT
        for line in po.lines:
            units = line.quantity if draft else po.outstanding(line.sku)
            if units:
                key = (po.warehouse, line.sku)
                result[key] = result.get(key, 0) + units
    return result


# ---------------------------------------------------------------------------------------
# Warehouse papers
# ---------------------------------------------------------------------------------------


def pick_list(app: SalesApp, wave_id: str) -> str:
    """The printable pick list of a wave."""
    with app.uow() as uow:
        return uow.waves.get(wave_id).pick_list()


def packing_slip(app: SalesApp, parcel_id: str) -> str:
    """The printable packing slip of a parcel, with product names."""
    with app.uow() as uow:
        parcel = uow.parcels.get(parcel_id)
        names = {item.sku: uow.products.get(item.sku).name for item in parcel.items}
        return parcel.packing_slip(names)


def invoice_preview(app: SalesApp, document_id: str, locale: str | None = None) -> str:
    """The HTML preview of invoice or credit note ``document_id`` in ``locale``.

    ``locale`` defaults to the shop's (``Settings.locale``). The page is the shop's
    ``invoice/preview.html`` when ``Settings.templates`` is set, else the built-in one
    (:func:`~salesorder.documents.preview.render_html`).

    Raises:
        ValidationError: ``locale`` is not a locale babel knows.
        NotFound: no invoice or credit note has that id.
        TemplateError: the shop's template fails.
    """
    # The documents package loads on first use, not with the application.
    from salesorder.documents.preview import preview_values, render_html  # noqa: PLC0415
    from salesorder.documents.templating import INVOICE_PREVIEW  # noqa: PLC0415

    used = check_locale(
        locale if locale is not None else app.settings.locale, "invoice preview locale"
    )
    if not isinstance(document_id, str):
        raise NotFound("invoice or credit note", document_id)
    with app.uow() as uow:
        document = uow.invoices.find(document_id) or uow.credit_notes.find(document_id)
    if document is None:
        raise NotFound("invoice or credit note", document_id)
    templates = app.settings.templates
    if templates is None:
        return render_html(document, used)
    return templates.render(INVOICE_PREVIEW, used, preview_values(document, used))


# ---------------------------------------------------------------------------------------
# Cash on delivery
# ---------------------------------------------------------------------------------------


def _expectation(shipment: Shipment) -> CodExpectation:
    assert shipment.cod_amount is not None  # noqa: S101 - only COD shipments are expected
    # A parcel that came back (or never left) brings no cash: anything listed is an overpayment.
    back = shipment.status in (ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED)
    return CodExpectation(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        tracking_number=shipment.tracking_number,
        expected=Money.zero(shipment.cod_amount.currency) if back else shipment.cod_amount,
        delivered=shipment.tracking is TrackingStatus.DELIVERED
        or shipment.status is ShipmentStatus.DELIVERED,
    )


def cod_reconciliation_of(uow: UnitOfWork, courier: str, currency: str) -> CodReconciliation:
    """Every stored statement of ``courier`` against its COD shipments, as ``uow`` sees them."""
    shipments = [
        s for s in uow.shipments.list() if s.courier == courier and s.cod_amount is not None
    ]
    statements = [s for s in uow.cod_statements.list() if s.courier == courier]
    statements.sort(key=lambda s: (s.paid_on, s.id))
    return _reconcile_cod(courier, currency, [_expectation(s) for s in shipments], statements)


def cod_reconciliation(app: SalesApp, courier: str) -> CodReconciliation:
    """Every imported statement of the courier against its COD shipments, in the shop currency.

    This answers :class:`~salesorder.services.commands.ReconcileCod`.
    """
    with app.uow() as uow:
        return cod_reconciliation_of(uow, courier, app.settings.currency)


# ---------------------------------------------------------------------------------------
# Marketplaces
# ---------------------------------------------------------------------------------------


def parked_orders(app: SalesApp, channel: str | None = None) -> list[MarketplaceRecord]:
    """The exceptions queue: parked marketplace orders (of ``channel``), with their reasons."""
    with app.uow() as uow:
        return [
            record
            for record in uow.marketplace_orders.list()
            if record.is_parked and (channel is None or record.channel == channel)
        ]


def expected_payout_of(app: SalesApp, channel: str, external_id: str) -> Payout:
    """The expected payout of one marketplace order under its channel's fee rule."""
    shop = gateway(app, channel)
    with app.uow() as uow:
        record = uow.marketplace_orders.get((channel, external_id))
    return expected_payout(record.payload, profile(shop.channel).fees)


def expected_payouts(
    uow: UnitOfWork, shop: MarketplaceProfile, channel: str, ids: Iterable[str]
) -> dict[str, Payout]:
    """The expected payout of each of the orders ``ids`` of ``channel`` that is recorded."""
    expected: dict[str, Payout] = {}
    for external_id in ids:
        record = uow.marketplace_orders.find((channel, external_id))
        if record is not None:
            expected[external_id] = expected_payout(record.payload, shop.fees)
    return expected


def reconcile_settlement(app: SalesApp, channel: str, report_id: str) -> Reconciliation:
    """Reconcile an imported report again (against the orders as they are now)."""
    shop = gateway(app, channel)
    with app.uow() as uow:
        account = uow.channel_accounts.get(channel)
        before: set[str] = set()
        for report in account.settlements:
            if report.report_id == report_id:
                expected = expected_payouts(
                    uow,
                    profile(shop.channel),
                    channel,
                    (line.external_id for line in report.lines),
                )
                return _reconcile_settlement(report, expected, settled_before=frozenset(before))
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
    shop = gateway(app, order.channel.code)
    payout = expected_payout(record.payload, profile(shop.channel).fees)
    cost = order.pricing.cost if order.pricing is not None else Money.zero(order.currency)
    return order_profit(payout, cost, shipping=shipping, packaging=packaging, returns=returns)


# ---------------------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------------------


def measure(
    app: SalesApp,
    *,
    period: tuple[dt.datetime, dt.datetime] | None = None,
    promised_lead_time: dt.timedelta | None = None,
    timezone: dt.tzinfo = dt.timezone.utc,
    cycle_end: OrderStatus = OrderStatus.DELIVERED,
) -> OrderMeasures:
    """The measures over the orders of ``app``, loaded in one unit of work.

    Reads the orders, shipments, stock ledger and product costs and hands them to the pure
    :func:`~salesorder.domain.measures.measure_orders`, whose options these are. With a
    ``period``, only the orders placed in it are measured, and the inventory turnover covers
    it (by default: from the first placement to the last change of any order).
    """
    with app.uow() as uow:
        orders = uow.orders.list()
        shipments = uow.shipments.list()
        stock_ledger = uow.stock_ledger
        movements = [
            entry
            for item in uow.stock.list()
            for entry in stock_ledger.for_item(item.warehouse, item.sku)
        ]
        unit_costs = {product.sku: product.unit_cost for product in uow.products.list()}
    if period is not None:
        orders = [o for o in orders if period[0] <= o.placed_at < period[1]]
    return measure_orders(
        orders,
        shipments=shipments,
        movements=movements,
        unit_costs=unit_costs,
        period=period,
        promised_lead_time=promised_lead_time,
        timezone=timezone,
        cycle_end=cycle_end,
    )
