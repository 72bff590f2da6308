"""A sample month across channels, for notebooks, docs and tests: :func:`month_of_orders`.

It builds on :mod:`salesorder.testing.generate` (the same timeline of real commands on a
manual clock, the same couriers and delays, cancellations, failed deliveries and returns)
and adds what an analyst of a multi-channel shop looks at:

- orders from five channels: the web shop and manual (phone) orders placed directly, and
  Shopee, Lazada and TikTok Shop orders delivered by the in-memory marketplaces and
  imported, some with a seller- or platform-funded voucher;
- three warehouses with coordinates and different assortments, and the application's
  allocation (:class:`~salesorder.domain.allocation.LowestCost`) priced on a
  :class:`~salesorder.domain.allocation.ZoneTable` of km from each customer's postal code,
  so orders are split where that is cheaper; stock is topped up to its par level weekly;
- an invoice for every order when it ships;
- cash on delivery settled by the couriers' weekly remittance statements
  (:class:`~salesorder.services.commands.ImportRemittance`), with the odd parcel collected
  short or a fee withheld, so the reconciliation has something to find.

A ``random.Random(seed)`` decides everything: the same seed gives the same month.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

import attrs

from salesorder.adapters.memory import InMemoryCourier, InMemoryMarketplace
from salesorder.bootstrap import in_memory
from salesorder.domain.allocation import (
    CostModel,
    DemandLine,
    LowestCost,
    OrderDemand,
    ZoneTable,
    haversine_km,
)
from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel, MarketplaceLine, MarketplaceOrder
from salesorder.domain.cod import RemittanceLine, RemittanceStatement
from salesorder.domain.common import show
from salesorder.domain.customers import Address, Customer, GeoPoint, Warehouse
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import ShipmentStatus, TrackingStatus
from salesorder.exceptions import InsufficientStock, ValidationError
from salesorder.money import Money
from salesorder.services import commands as c
from salesorder.services.app import SalesApp
from salesorder.testing.generate import COURIER_DELAYS, _check_month, _hours, _Month

__all__ = [
    "CATALOG",
    "CHANNEL_MIX",
    "CITIES",
    "COD_FEE_RATE",
    "WAREHOUSES",
    "SampleMonth",
    "month_of_orders",
]

#: Where customers live, as (city, street, postal code, latitude, longitude).
CITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Jakarta", "Jl. Thamrin", "10110", "-6.2088", "106.8456"),
    ("Bandung", "Jl. Braga", "40111", "-6.9175", "107.6191"),
    ("Semarang", "Jl. Pandanaran", "50132", "-6.9667", "110.4167"),
    ("Yogyakarta", "Jl. Malioboro", "55271", "-7.7956", "110.3695"),
    ("Surabaya", "Jl. Pemuda", "60271", "-7.2575", "112.7521"),
    ("Denpasar", "Jl. Gajah Mada", "80111", "-8.6705", "115.2126"),
    ("Medan", "Jl. Gatot Subroto", "20111", "3.5952", "98.6722"),
    ("Makassar", "Jl. Somba Opu", "90111", "-5.1477", "119.4327"),
)

#: Code, city, latitude, longitude, priority, par level per SKU as a share of the month's
#: orders (None: the warehouse does not carry the SKU), in :data:`CATALOG` order.
WAREHOUSES: tuple[tuple[str, str, str, str, int, tuple[Decimal | None, ...]], ...] = (
    (
        "JKT-1", "Jakarta", "-6.2088", "106.8456", 0,
        tuple(Decimal(s) for s in ("0.15", "0.15", "0.12", "0.20", "0.12", "0.12")),
    ),
    (
        "SBY-1", "Surabaya", "-7.2575", "112.7521", 1,
        (Decimal("0.08"), Decimal("0.08"), Decimal("0.06"), None, Decimal("0.06"), None),
    ),
    (
        "MDN-1", "Medan", "3.5952", "98.6722", 2,
        (Decimal("0.04"), None, Decimal("0.04"), None, None, Decimal("0.04")),
    ),
)  # fmt: skip

#: SKU, name, price, unit cost, weight (kg), category.
CATALOG: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("TSHIRT-RED-M", "T-shirt red M", "150000", "80000", "0.3", "fashion"),
    ("TSHIRT-BLU-L", "T-shirt blue L", "155000", "82000", "0.3", "fashion"),
    ("CAP-BLK", "Cap black", "49999.50", "20000", "0.2", "fashion"),
    ("HOODIE-GRY-M", "Hoodie grey M", "325000", "190000", "0.7", "fashion"),
    ("TOTE-NAT", "Tote bag natural", "85000", "30000", "0.15", "home"),
    ("SOCKS-3P", "Socks, 3 pairs", "60000", "25000", "0.1", "fashion"),
)

#: Channel code and its share of the orders.
CHANNEL_MIX: tuple[tuple[str, int], ...] = (
    ("web", 35),
    ("shopee", 25),
    ("lazada", 12),
    ("tiktok_shop", 18),
    ("manual", 10),
)

#: What the couriers keep of the COD cash they collect (illustrative), per parcel, rounded
#: half-up to the whole rupiah.
COD_FEE_RATE = Decimal("0.025")

#: The status each marketplace sends a new, paid order in (each maps to ``new``).
_NEW_STATUS = {"shopee": "READY_TO_SHIP", "lazada": "pending", "tiktok_shop": "AWAITING_SHIPMENT"}
_PREFIX = {"shopee": "SP", "lazada": "LZ", "tiktok_shop": "TT"}
_RUPIAH = Decimal(1)
#: Shipment statuses a parcel does not move on from.
_DONE = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.CANCELLED})
#: The planning cost of a parcel: Rp per parcel, per unit and per unit-km (see CostModel).
_COST = {"per_parcel": "9000", "per_unit": "2000", "per_unit_km": "2"}


@attrs.frozen(kw_only=True)
class SampleMonth:
    """The shop after the sample month, and what was generated.

    Attributes:
        app: the application, its clock at ``end``.
        start: the first moment of the month; ``month_end`` the end of the days orders are
            placed in.
        end: when the simulation stopped (after the settle days).
        order_ids: the orders placed, in order.
        warehouses: the shop's warehouses, with coordinates.
        par: the par level of every (warehouse, SKU) the shop carries: its stock at the
            start and what each weekly top-up restores.
        cost: the cost model the application allocates with (km from the customer's
            postal code to each warehouse, as a zone table).
        destinations: the coordinates of each postal code customers live at.
        statements: the COD remittance statements imported, in order.
    """

    app: SalesApp
    start: dt.datetime
    month_end: dt.datetime
    end: dt.datetime
    order_ids: tuple[str, ...]
    warehouses: tuple[Warehouse, ...]
    par: Mapping[tuple[str, str], int]
    cost: CostModel
    destinations: Mapping[str, GeoPoint]
    statements: tuple[RemittanceStatement, ...]

    def orders(self) -> list[Order]:
        """Every order placed, in the order placed."""
        with self.app.uow() as uow:
            return [uow.orders.get(order_id) for order_id in self.order_ids]

    def demands(self, order_ids: tuple[str, ...] | list[str] | None = None) -> list[OrderDemand]:
        """The orders (all by default) as allocation demands: every line, whole.

        Each demand has its customer's postal code as ``zone`` (what :attr:`cost` measures
        by) and its coordinates as ``destination``.

        Raises:
            ValidationError: ``order_ids`` is one string (its letters would be read as ids).
            NotFound: an id is not an order of the month's shop.
        """
        if isinstance(order_ids, str):
            raise ValidationError(
                f"order_ids must be a list or tuple of order ids, got the string {show(order_ids)}"
            )
        with self.app.uow() as uow:
            orders = [
                uow.orders.get(o) for o in (self.order_ids if order_ids is None else order_ids)
            ]
        demands = []
        for order in orders:
            zone = order.shipping_address.postal_code if order.shipping_address else ""
            demands.append(
                OrderDemand(
                    order_id=order.id,
                    lines=[
                        DemandLine(line_id=line.line_id, sku=line.sku, quantity=line.quantity)
                        for line in order.lines
                    ],
                    zone=zone,
                    destination=self.destinations.get(zone),
                    placed_at=order.placed_at,
                )
            )
        return demands


def _point(lat: str, lon: str) -> GeoPoint:
    return GeoPoint(latitude=Decimal(lat), longitude=Decimal(lon))


def _zone_table(warehouses: tuple[Warehouse, ...]) -> tuple[ZoneTable, dict[str, GeoPoint]]:
    """Km from each city's postal code to each warehouse, along the Earth's surface."""
    destinations = {postal: _point(lat, lon) for _, _, postal, lat, lon in CITIES}
    distances: dict[tuple[str, str], Decimal] = {}
    for postal, point in destinations.items():
        for warehouse in warehouses:
            assert warehouse.coordinates is not None  # noqa: S101 - built with coordinates
            km = haversine_km(point, warehouse.coordinates)
            distances[(postal, warehouse.code)] = Decimal(f"{km:.1f}")
    return ZoneTable(distances=distances), destinations


def _shop(
    app: SalesApp, rng: random.Random, customers: int, orders: int
) -> dict[tuple[str, str], int]:
    """Warehouses, products, customers and opening stock; returns the par levels."""
    par: dict[tuple[str, str], int] = {}
    for code, city, lat, lon, priority, levels in WAREHOUSES:
        app.execute(
            c.AddWarehouse(
                warehouse=Warehouse(
                    code=code,
                    name=city,
                    address=Address(line1="Jl. Gudang 1", city=city, country="ID"),
                    coordinates=_point(lat, lon),
                    priority=priority,
                )
            )
        )
        for (sku, *_), level in zip(CATALOG, levels, strict=True):
            if level is not None:
                par[(code, sku)] = max(10, int(level * orders))
    for sku, name, price, cost, weight, category in CATALOG:
        app.execute(
            c.AddProduct(
                product=Product(
                    sku=sku,
                    name=name,
                    price=Money.of(price, "IDR"),
                    unit_cost=Money.of(cost, "IDR"),
                    weight_kg=Decimal(weight),
                    category=category,
                )
            )
        )
    for (warehouse, sku), units in par.items():
        app.execute(c.ReceiveStock(warehouse=warehouse, sku=sku, quantity=units))
    for number in range(1, customers + 1):
        city, street, postal, _, _ = rng.choice(CITIES)
        address = Address(line1=f"{street} {number}", city=city, country="ID", postal_code=postal)
        app.execute(
            c.AddCustomer(
                customer=Customer(
                    id=f"C{number:03d}", name=f"Customer {number}", addresses=(address,)
                )
            )
        )
    return par


class _Channels(_Month):
    """The generator's timeline, with channels, invoices, top-ups and COD remittances."""

    def __init__(
        self, app: SalesApp, rng: random.Random, stop: dt.datetime, par: dict[tuple[str, str], int]
    ) -> None:
        super().__init__(app, rng, stop)
        self.par = par
        self.external = 0
        self.awaiting_cash: dict[str, list[str]] = {code: [] for code in sorted(COURIER_DELAYS)}
        self.statements: list[RemittanceStatement] = []

    # -- placing: five channels -------------------------------------------------------------

    def place(self, customers: int) -> None:
        rng = self.rng
        channel = rng.choices([c for c, _ in CHANNEL_MIX], weights=[w for _, w in CHANNEL_MIX])[0]
        customer_id = f"C{rng.randint(1, customers):03d}"
        skus = rng.sample([row[0] for row in CATALOG], k=rng.choice((1, 1, 1, 2, 2, 3)))
        quantities = [rng.choice((1, 1, 2, 3)) for _ in skus]
        if channel in _NEW_STATUS:
            order_id = self.import_order(channel, customer_id, skus, quantities)
        else:
            method = (
                PaymentMethod.BANK_TRANSFER
                if channel == "manual"
                else rng.choices(
                    (PaymentMethod.BANK_TRANSFER, PaymentMethod.E_WALLET, PaymentMethod.COD),
                    weights=(40, 30, 30),
                )[0]
            )
            order_id = self.app.execute(
                c.PlaceOrder(
                    customer_id=customer_id,
                    channel=Channel.web() if channel == "web" else Channel.manual(),
                    lines=tuple(
                        c.NewLine(sku=sku, quantity=q)
                        for sku, q in zip(skus, quantities, strict=True)
                    ),
                    payment_method=method,
                )
            )
        self.order_ids.append(order_id)
        if rng.random() < 0.03:  # the buyer changes their mind at once
            self.at(self.now + _hours(rng, 1), lambda: self.cancel(order_id, "buyer changed mind"))
            return
        self.at(self.now + _hours(rng, 2), lambda: self.confirm(order_id))

    def import_order(
        self, channel: str, customer_id: str, skus: list[str], quantities: list[int]
    ) -> str:
        """The marketplace sends an order (a voucher on some) and the shop imports it."""
        rng = self.rng
        with self.app.uow() as uow:
            customer = uow.customers.get(customer_id)
        prices = {row[0]: (Money.of(row[2], "IDR"), row[5]) for row in CATALOG}
        lines = tuple(
            MarketplaceLine(
                channel_sku=sku, quantity=q, unit_price=prices[sku][0], category=prices[sku][1]
            )
            for sku, q in zip(skus, quantities, strict=True)
        )
        goods = Money.sum((line.unit_price * line.quantity for line in lines), "IDR")
        # A voucher of 5 to 15 % on a third of the orders, rounded down to Rp1,000.
        voucher = Money.of((goods.amount * Decimal(rng.randint(5, 15)) / 100 // 1000) * 1000, "IDR")
        roll = rng.random()
        self.external += 1
        incoming = MarketplaceOrder(
            external_id=f"{_PREFIX[channel]}-{self.external:05d}",
            revision=1,
            status=_NEW_STATUS[channel],
            buyer_name=customer.name,
            shipping_address=customer.addresses[0],
            currency="IDR",
            lines=lines,
            created_at=self.now,
            cash_on_delivery=rng.random() < 0.3,
            seller_discount=voucher if roll < 0.15 else None,
            platform_discount=voucher if 0.15 <= roll < 0.35 else None,
            shipping_fee=Money.of(rng.choice(("0", "9000", "12000")), "IDR"),
        )
        shop = self.app.marketplaces[channel]
        assert isinstance(shop, InMemoryMarketplace)  # noqa: S101 - in_memory() builds them
        shop.put_order(incoming)
        (order_id,) = self.app.execute(c.ImportMarketplaceOrders(channel=channel))
        return order_id

    # -- stock: a warehouse short of a SKU waits for the weekly top-up ------------------------

    def reserve(self, order_id: str) -> None:
        try:
            super().reserve(order_id)
        except InsufficientStock:
            self.at(self.now + dt.timedelta(hours=24), lambda: self.reserve(order_id))

    def top_up(self) -> None:
        """Receive what brings every (warehouse, SKU) back to its par level."""
        with self.app.uow() as uow:
            on_hand = {(i.warehouse, i.sku): i.on_hand for i in uow.stock.list()}
        for (warehouse, sku), level in self.par.items():
            missing = level - int(on_hand.get((warehouse, sku), 0))
            if missing > 0:
                self.app.execute(c.ReceiveStock(warehouse=warehouse, sku=sku, quantity=missing))
        self.at(self.now + dt.timedelta(days=7), self.top_up)

    # -- invoices and cash on delivery --------------------------------------------------------

    def ship(self, order_id: str) -> None:
        super().ship(order_id)
        self.app.execute(c.IssueInvoice(order_id=order_id))

    def deliver(self, order_id: str, shipment_id: str) -> None:
        """Every parcel of the order arrives (a split order's together); COD waits for cash."""
        with self.app.uow() as uow:
            order = uow.orders.get(order_id)
            parcels = [uow.shipments.get(s) for s in order.shipment_ids]
        for parcel in parcels:
            if parcel.id != shipment_id and parcel.status not in _DONE:
                self.arrived(parcel.id)
        if order.payment_method is not PaymentMethod.COD:
            super().deliver(order_id, shipment_id)
            return
        # The cash comes with the courier's next statement; the order is closed (or sent
        # back) once it has.
        courier = self.arrived(shipment_id)
        self.awaiting_cash[courier].append(shipment_id)

    def arrived(self, shipment_id: str) -> str:
        """The courier reports the parcel delivered and the shop syncs; returns the courier."""
        with self.app.uow() as uow:
            shipment = uow.shipments.get(shipment_id)
        gateway = self.app.courier(shipment.courier)
        assert isinstance(gateway, InMemoryCourier)  # noqa: S101 - in_memory() registers them
        gateway.report(shipment.tracking_number, TrackingStatus.DELIVERED, self.now)
        self.app.execute(c.SyncTracking(shipment_id=shipment_id))
        return shipment.courier

    def remit(self, courier: str) -> None:
        """The courier's weekly COD statement: every delivered parcel not yet remitted."""
        rng = self.rng
        lines = []
        with self.app.uow() as uow:
            shipments = [uow.shipments.get(s) for s in self.awaiting_cash[courier]]
        self.awaiting_cash[courier] = []
        for shipment in shipments:
            if shipment.cod_amount is None or shipment.status is ShipmentStatus.RETURNED:
                continue
            collected = shipment.cod_amount
            if rng.random() < 0.06:  # the buyer was let off with less
                collected = collected - Money.of("10000", "IDR")
            fee = Money.of(
                (collected.amount * COD_FEE_RATE).quantize(_RUPIAH, ROUND_HALF_UP), "IDR"
            )
            remitted = collected - fee
            if rng.random() < 0.05:  # the courier keeps a second fee by mistake
                remitted = remitted - fee
            lines.append(
                RemittanceLine(
                    tracking_number=shipment.tracking_number,
                    collected=collected,
                    fee=fee,
                    remitted=remitted,
                )
            )
        if lines:
            statement = RemittanceStatement(
                id=f"{courier.upper()}-{self.now:%Y%m%d}",
                courier=courier,
                currency="IDR",
                paid_on=self.now.date(),
                lines=lines,
            )
            self.app.execute(c.ImportRemittance(statement=statement))
            self.statements.append(statement)
            for shipment in shipments:
                self.after_cash(shipment.order_id)
        self.at(self.now + dt.timedelta(days=7), lambda: self.remit(courier))

    def after_cash(self, order_id: str) -> None:
        """A COD order paid by its remittance: returned by some buyers, else closed."""
        with self.app.uow() as uow:
            order = uow.orders.get(order_id)
        if order.status is not OrderStatus.DELIVERED or not order.balance_due.is_zero:
            return  # collected short: it stays open, as the reconciliation says
        if self.rng.random() < 0.08:
            self.at(self.now + _hours(self.rng, 24), lambda: self.request_return(order_id))
        else:
            self.at(self.now + _hours(self.rng, 12), lambda: self.complete(order_id))


def month_of_orders(
    *,
    seed: int = 0,
    orders: int = 300,
    start: dt.datetime | None = None,
    days: int = 30,
    settle_days: int = 7,
    customers: int = 80,
) -> SampleMonth:
    """A multi-channel shop (in memory) with ``orders`` orders placed over ``days`` days.

    Args:
        seed: seeds the ``random.Random`` that decides every step (same seed, same month).
        orders: how many orders are placed, at random times over the month.
        start: the first moment of the month (default 2026-03-02 00:00 UTC, a Monday).
        days: the length of the month.
        settle_days: days the shop keeps working after the month (no new orders); the
            couriers remit COD cash weekly, so a week lets the last deliveries be paid.
        customers: how many customers buy.

    Raises:
        ValidationError: an argument is not a whole number, a count or a length is out of
            range, or ``start`` is not timezone-aware (nothing is built).
    """
    _check_month(
        "month_of_orders",
        seed=seed,
        orders=orders,
        start=start,
        days=days,
        settle_days=settle_days,
        customers=customers,
    )
    start = start or dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)
    rng = random.Random(seed)  # noqa: S311 - a reproducible simulation, not cryptography
    app = in_memory(start=start, couriers=tuple(sorted(COURIER_DELAYS)))
    par = _shop(app, rng, customers, orders)
    with app.uow() as uow:
        warehouses = tuple(sorted(uow.warehouses.list(), key=lambda w: (w.priority, w.code)))
    zones, destinations = _zone_table(warehouses)
    cost = CostModel(**_COST, distance=zones)
    app.allocation = LowestCost(cost=cost)
    month_end = start + dt.timedelta(days=days)
    stop = month_end + dt.timedelta(days=settle_days)
    month = _Channels(app, rng, stop, par)
    month.place_orders(start, month_end, orders, customers)
    month.at(start + dt.timedelta(days=7), month.top_up)
    for courier in sorted(COURIER_DELAYS):
        month.at(start + dt.timedelta(days=7, hours=10), functools.partial(month.remit, courier))
    month.run()
    return SampleMonth(
        app=app,
        start=start,
        month_end=month_end,
        end=stop,
        order_ids=tuple(month.order_ids),
        warehouses=warehouses,
        par=par,
        cost=cost,
        destinations=destinations,
        statements=tuple(month.statements),
    )
