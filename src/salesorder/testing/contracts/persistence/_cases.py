"""The persistence kit's data: seed rows, sample aggregates, and one case per repository."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import attrs

from salesorder.domain.channels import (
    Channel,
    ChannelAccount,
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplaceRecord,
    RefusalSlot,
    RejectedDelivery,
)
from salesorder.domain.cod import RemittanceLine, RemittanceStatement
from salesorder.domain.inventory import (
    StockItem,
)
from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus
from salesorder.domain.notifications import (
    Message,
    NotificationChannel,
    NotificationKind,
)
from salesorder.domain.outbox import Call, CallKind, OutboxItem, RetryPolicy
from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import PurchaseLine, PurchaseOrder, Supplier, SupplierItem
from salesorder.domain.returns import ReturnLine, ReturnRequest
from salesorder.domain.shipping import TrackingEvent, TrackingStatus
from salesorder.domain.warehouse import (
    BinLocation,
    Manifest,
    ManifestEntry,
    Parcel,
    ParcelItem,
    PickRequest,
    WarehouseLayout,
    plan_wave,
)
from salesorder.money import Money
from salesorder.ports.persistence import UnitOfWork
from salesorder.ports.repositories import REPOSITORIES, repository
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises

UowFactory = Callable[[], UnitOfWork]

# Parents every test can refer to, added and committed before the test's own rows.
SEED_WAREHOUSES = tuple(f"SEED-WH-{n}" for n in range(1, 6))
SEED_SKUS = ("SEED-SKU-1", "SEED-SKU-2")
SEED_CUSTOMER = "SEED-C"
SEED_ORDER = "SEED-ORD"
SEED_SERIES = "SEED-SERIES"
SHOPEE = Channel(code="shopee-id", kind=ChannelKind.SHOPEE, name="Shopee Indonesia")


def seed_order() -> Any:
    return sample.order(SEED_ORDER, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)


def seed(uow: UnitOfWork) -> None:
    for code in SEED_WAREHOUSES:
        uow.warehouses.add(sample.warehouse(code))
    for sku in SEED_SKUS:
        uow.products.add(sample.product(sku))
    uow.customers.add(sample.customer(SEED_CUSTOMER))
    uow.orders.add(seed_order())
    uow.invoice_series.add(sample.invoice_series(SEED_SERIES))


def _change_shipment(item: Any) -> None:
    item.track(
        TrackingEvent(tracking_number=item.tracking_number, status=TrackingStatus.PICKED_UP, at=T0)
    )


def _issue(item: Any) -> None:
    item.issue("INV-000001", T0, T0.date())


@attrs.frozen
class Case:
    """How to exercise one repository: make item ``n``, a variant of it, change it.

    The key of an item comes from the repository's entry in
    :data:`~salesorder.ports.repositories.REPOSITORIES`.
    """

    name: str
    make: Callable[[int], Any]
    variant: Callable[[int], Any]
    change: Callable[[Any], None] | None = None

    def key(self, item: Any) -> Hashable:
        return repository(self.name).key(item)

    def repo(self, uow: UnitOfWork) -> Any:
        return getattr(uow, self.name)


_TABLE: tuple[Case, ...] = (
    Case(
        "products",
        lambda n: sample.product(f"SKU-{n}"),
        lambda n: sample.product(f"SKU-{n}", name="Other name", price="99000"),
    ),
    Case(
        "customers",
        lambda n: sample.customer(f"C-{n}"),
        lambda n: sample.customer(f"C-{n}", name="Other name"),
    ),
    Case(
        "warehouses",
        lambda n: sample.warehouse(f"WH-{n}"),
        lambda n: sample.warehouse(f"WH-{n}", name="Other name"),
    ),
    Case(
        "orders",
        lambda n: sample.order(f"ORD-{n}", customer_id=SEED_CUSTOMER, skus=SEED_SKUS[:1]),
        lambda n: sample.order(f"ORD-{n}", customer_id=SEED_CUSTOMER, skus=SEED_SKUS),
        lambda o: o.set_notes("leave at the gate"),
    ),
    Case(
        "stock",
        lambda n: StockItem(warehouse=SEED_WAREHOUSES[n - 1], sku=SEED_SKUS[0], on_hand=10),
        lambda n: StockItem(warehouse=SEED_WAREHOUSES[n - 1], sku=SEED_SKUS[0], on_hand=99),
        lambda s: s.receive(5),
    ),
    Case(
        "shipments",
        lambda n: sample.shipment(f"SHP-{n}", order_id=SEED_ORDER, warehouse_code="SEED-WH-1"),
        lambda n: sample.shipment(
            f"SHP-{n}", order_id=SEED_ORDER, warehouse_code="SEED-WH-1", label="other"
        ),
        _change_shipment,
    ),
    Case(
        "invoices",
        lambda n: sample.invoice(f"INV-{n}", of=seed_order(), series=SEED_SERIES),
        lambda n: attrs.evolve(
            sample.invoice(f"INV-{n}", of=seed_order(), series=SEED_SERIES),
            due_date=T0.date(),
        ),
        _issue,
    ),
    Case(
        "invoice_series",
        lambda n: sample.invoice_series(f"S-{n}"),
        lambda n: sample.invoice_series(f"S-{n}", prefix="OTHER-"),
        lambda s: s.take(),
    ),
    Case(
        "payments",
        lambda n: sample.payment(f"PAY-{n}", order_id=SEED_ORDER, reference=f"REF-{n}"),
        lambda n: sample.payment(
            f"PAY-{n}", order_id=SEED_ORDER, reference=f"REF-{n}-B", amount="2000"
        ),
    ),
    Case(
        "credit_notes",
        lambda n: sample.credit_note(
            f"CN-{n}", of=seed_order(), series=SEED_SERIES, number=f"N{n}"
        ),
        lambda n: sample.credit_note(
            f"CN-{n}", of=seed_order(), series=SEED_SERIES, number=f"N{n}", amount="2000"
        ),
        lambda c: c.record_einvoice(
            EInvoiceStatus(provider="viettel", provider_ref="R1", state=EInvoiceState.PENDING)
        ),
    ),
    Case(
        "customer_credits",
        lambda n: sample.customer_credit(f"C-{n}"),
        lambda n: sample.customer_credit(f"C-{n}", amount="7000"),
        lambda c: c.use(Money.of("1000", "IDR"), "order ORD-1", T0),
    ),
)


def _price_list(code: str, price: str = "90000") -> PriceList:
    return PriceList(
        code=code,
        name=f"List {code}",
        currency="IDR",
        entries=[PriceEntry(sku=SEED_SKUS[0], unit_price=Money.of(price, "IDR"))],
    )


def make_voucher(code: str, limit: int = 1) -> Voucher:
    return Voucher(
        code=code, promotion=Promotion.percent_off(f"P-{code}", "10", automatic=False),
        usage_limit=limit,
    )  # fmt: skip


_TABLE = (
    *_TABLE,
    Case(
        "price_lists",
        lambda n: _price_list(f"PL-{n}"),
        lambda n: _price_list(f"PL-{n}", "80000"),
    ),
    Case(
        "promotions",
        lambda n: Promotion.percent_off(f"PROMO-{n}", "10"),
        lambda n: Promotion.percent_off(f"PROMO-{n}", "20"),
    ),
    Case(
        "vouchers",
        lambda n: make_voucher(f"V-{n}", 5),
        lambda n: make_voucher(f"V-{n}", 9),
        lambda v: v.redeem(order_id=SEED_ORDER, customer_id=SEED_CUSTOMER, on=T0.date()),
    ),
)


def _supplier(code: str, cost: str = "80000") -> Supplier:
    item = SupplierItem(sku=SEED_SKUS[0], unit_cost=Money.of(cost, "IDR"), lead_time_days=3)
    return Supplier(code=code, name=f"Supplier {code}", items=[item])


def _purchase_order(po_id: str, quantity: int = 10) -> PurchaseOrder:
    line = PurchaseLine(sku=SEED_SKUS[0], quantity=quantity, unit_cost=Money.of("80000", "IDR"))
    return PurchaseOrder(
        id=po_id, supplier="SUP-1", warehouse=SEED_WAREHOUSES[0], created_at=T0, lines=[line]
    )


_TABLE = (
    *_TABLE,
    Case(
        "suppliers",
        lambda n: _supplier(f"SUP-{n}"),
        lambda n: _supplier(f"SUP-{n}", "75000"),
    ),
    Case(
        "purchase_orders",
        lambda n: _purchase_order(f"PO-{n}"),
        lambda n: _purchase_order(f"PO-{n}", 20),
        lambda p: p.send(),
    ),
)


def _channel_account(channel: str, sku: str = SEED_SKUS[0]) -> ChannelAccount:
    return ChannelAccount(channel=channel, sku_map={"CH-SKU-1": sku})


def _marketplace_record(external_id: str, revision: int = 1) -> MarketplaceRecord:
    line = MarketplaceLine(channel_sku="CH-SKU-1", quantity=2, unit_price=Money.of("75000", "IDR"))
    payload = MarketplaceOrder(
        external_id=external_id, revision=revision, status="READY_TO_SHIP", buyer_name="Budi",
        shipping_address=sample.ADDRESS, currency="IDR", lines=(line,), created_at=T0,
    )  # fmt: skip
    return MarketplaceRecord(channel="shopee", external_id=external_id, payload=payload)


_TABLE = (
    *_TABLE,
    Case(
        "channel_accounts",
        lambda n: _channel_account(f"CH-{n}"),
        lambda n: _channel_account(f"CH-{n}", SEED_SKUS[1]),
        lambda a: a.record_push("CH-SKU-1", 3),
    ),
    Case(
        "marketplace_orders",
        lambda n: _marketplace_record(f"EXT-{n}"),
        lambda n: _marketplace_record(f"EXT-{n}", 2),
        lambda r: r.park("channel SKU 'CH-SKU-1' is not mapped"),
    ),
)


def _layout(warehouse: str, aisle: int = 1) -> WarehouseLayout:
    return WarehouseLayout(
        warehouse=warehouse, bins={SEED_SKUS[0]: BinLocation(aisle=aisle, position=4)}
    )


def _wave(wave_id: str, quantity: int = 2) -> Any:
    request = PickRequest(order_id=SEED_ORDER, line_id="1", sku=SEED_SKUS[0], quantity=quantity)
    return plan_wave(wave_id, _layout(SEED_WAREHOUSES[0]), [request], T0)


def _parcel(parcel_id: str, quantity: int = 1) -> Parcel:
    item = ParcelItem(line_id="1", sku=SEED_SKUS[0], quantity=quantity)
    return Parcel(
        id=parcel_id, order_id=SEED_ORDER, warehouse=SEED_WAREHOUSES[0], packed_at=T0,
        items=(item,), weight_kg="1.5", volume_cm3="6000",
    )  # fmt: skip


def outbox_item(subject: str, body: str = "Order confirmed") -> OutboxItem:
    """A customer message waiting in the outbox (its key is the slot: ``subject``)."""
    message = Message(
        key=subject, channel=NotificationChannel.EMAIL, recipient="budi@example.com",
        order_id=SEED_ORDER, kind=NotificationKind.ORDER_CONFIRMED, locale="id_ID",
        subject="Confirmed", body=body,
    )  # fmt: skip
    call = Call(kind=CallKind.SEND_MESSAGE, target="email", subject=subject, message=message)
    return OutboxItem(call=call, written_at=T0)


def _refusal(channel: str, slot: int = 0, reason: str = "signature does not match") -> RefusalSlot:
    delivery = RejectedDelivery(at=T0, reason=reason, body_sha256="0" * 64, excerpt="{}")
    return RefusalSlot(channel=channel, slot=slot, latest=delivery)


def _manifest(manifest_id: str, tracking: str = "TRK-1") -> Manifest:
    entry = ManifestEntry(
        parcel_id="PCL-1", order_id=SEED_ORDER, shipment_id="SHP-1", tracking_number=tracking,
        weight_kg="1.5",
    )  # fmt: skip
    return Manifest(
        id=manifest_id, courier="jnt", warehouse=SEED_WAREHOUSES[0], created_at=T0,
        entries=(entry,),
    )  # fmt: skip


_TABLE = (
    *_TABLE,
    Case(
        "bin_layouts",
        lambda n: _layout(SEED_WAREHOUSES[n - 1]),
        lambda n: _layout(SEED_WAREHOUSES[n - 1], aisle=7),
        lambda b: b.assign({SEED_SKUS[1]: BinLocation(aisle=2, position=9)}),
    ),
    Case(
        "waves",
        lambda n: _wave(f"WAVE-{n}"),
        lambda n: _wave(f"WAVE-{n}", 3),
        lambda w: w.confirm(SEED_SKUS[0], 1),
    ),
    Case(
        "parcels",
        lambda n: _parcel(f"PCL-{n}"),
        lambda n: _parcel(f"PCL-{n}", 2),
        lambda p: p.hand_over("MAN-1", "SHP-1", "TRK-1"),
    ),
    Case(
        "manifests",
        lambda n: _manifest(f"MAN-{n}"),
        lambda n: _manifest(f"MAN-{n}", "TRK-2"),
    ),
)


def return_request(return_id: str, quantity: int = 1, key: str = "") -> ReturnRequest:
    line = ReturnLine(line_id="1", sku=SEED_SKUS[0], quantity=quantity, reason="too small")
    return ReturnRequest.request(
        id=return_id, order_id=SEED_ORDER, currency="IDR", at=T0, lines=[line], key=key
    )


_TABLE = (
    *_TABLE,
    Case(
        "returns",
        lambda n: return_request(f"RET-{n}"),
        lambda n: return_request(f"RET-{n}", 2),
        lambda r: r.approve(T0),
    ),
)


def _cod_statement(statement_id: str, collected: str = "161000") -> RemittanceStatement:
    line = RemittanceLine(
        tracking_number="JNT0000000001", collected=Money.of(collected, "IDR"),
        fee=Money.of("4830", "IDR"), remitted=Money.of(collected, "IDR") - Money.of("4830", "IDR"),
    )  # fmt: skip
    return RemittanceStatement(
        id=statement_id, courier="jnt", currency="IDR", paid_on=T0.date(), lines=(line,)
    )


_TABLE = (
    *_TABLE,
    Case(
        "cod_statements",
        lambda n: _cod_statement(f"STMT-{n}"),
        lambda n: _cod_statement(f"STMT-{n}", "150000"),
    ),
    Case(
        "outbox",
        lambda n: outbox_item(f"OrderConfirmed|{SEED_ORDER}|{n}|email"),
        lambda n: outbox_item(f"OrderConfirmed|{SEED_ORDER}|{n}|email", "Other body"),
        lambda i: i.failed(T0, "mail server down", RetryPolicy(), 0.5, final=False),
    ),
    Case(
        "refused_deliveries",
        lambda n: _refusal("shopee", n),
        lambda n: _refusal("shopee", n, "not JSON"),
        lambda r: r.add(r.latest),
    ),
)


#: One case per repository, in the registry's order; a repository without a case fails here.
CASES: tuple[Case, ...] = tuple(
    {case.name: case for case in _TABLE}[spec.name] for spec in REPOSITORIES
)
BY_NAME = {case.name: case for case in CASES}


def stored_keys(case: Case, uow: UnitOfWork) -> list[Any]:
    return [case.key(item) for item in case.repo(uow).list()]


def fails_at_add_or_commit(
    uow: UnitOfWork, add: Callable[[], None], error: type[Exception], what: str
) -> None:
    """``add()`` then commit: one of the two must raise ``error``."""
    with raises(error, what):
        add()
        uow.commit()
