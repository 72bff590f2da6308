"""Returns over random orders and random partial returns, on the in-memory adapters.

After every step: no line has more units returned than were delivered; what was refunded
never exceeds what was paid; the order stays settled (balance due zero); on hand is the sum
of the ledger and equals what came in minus what left. Once every unit is back, what was
refunded is exactly the goods' gross, plus the shipping charge when the policy gives it back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder import (
    Address,
    Customer,
    Money,
    PaymentMethod,
    Product,
    ReturnExceedsDelivered,
    SalesApp,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.domain.pricing import Discount
from salesorder.domain.returns import ReturnOutcome, return_value
from salesorder.domain.shipping import TrackingStatus

STOCK = 50
SKUS = ("SKU-A", "SKU-B")


def shop() -> SalesApp:
    app = in_memory()
    address = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="Jakarta", address=address))
    )
    for sku in SKUS:
        product = Product(
            sku=sku,
            name=sku,
            price=Money.of("1000", "IDR"),
            unit_cost=Money.of("500", "IDR"),
            weight_kg="0.5",
            initial_stock=STOCK,
        )
        app.execute(commands.AddProduct(product=product, warehouse="JKT-1"))
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(address,))))
    return app


def delivered(app: SalesApp, lines: list[commands.NewLine], invoice: bool) -> str:
    order_id = app.execute(commands.PlaceOrder(customer_id="C1", lines=tuple(lines)))
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    with app.uow() as uow:
        goods = uow.orders.get(order_id).total
    app.execute(
        commands.RecordPayment(
            order_id=order_id, amount=goods, method=PaymentMethod.BANK_TRANSFER, reference="P1"
        )
    )
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(shipment_id)
    app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=order.balance_due,
            method=PaymentMethod.BANK_TRANSFER,
            reference="P2",
        )
    )
    courier: Any = app.couriers["jnt"]
    courier.report(shipment.tracking_number, TrackingStatus.DELIVERED, app.clock.now())
    app.execute(commands.SyncTracking(shipment_id=shipment_id))
    if invoice:
        app.execute(commands.IssueInvoice(order_id=order_id))
    return order_id


def give_back(app: SalesApp, order_id: str, units: dict[str, int], data: st.DataObject) -> None:
    """Request, approve, receive (maybe fewer), inspect (some damaged) and refund ``units``."""
    return_id = app.execute(
        commands.RequestReturn(
            order_id=order_id,
            lines=tuple(commands.LineQuantity(line_id=k, quantity=v) for k, v in units.items()),
        )
    )
    app.execute(commands.ApproveReturn(return_id=return_id))
    came = {k: data.draw(st.integers(1, v), label=f"received {k}") for k, v in units.items()}
    app.execute(
        commands.ReceiveReturn(
            return_id=return_id,
            lines=tuple(commands.LineQuantity(line_id=k, quantity=v) for k, v in came.items()),
        )
    )
    inspected = []
    for line_id, quantity in came.items():
        damaged = data.draw(st.integers(0, quantity), label=f"damaged {line_id}")
        inspected.append(
            commands.InspectedLine(line_id=line_id, sellable=quantity - damaged, damaged=damaged)
        )
    app.execute(commands.InspectReturn(return_id=return_id, lines=tuple(inspected)))
    include_shipping = data.draw(st.booleans(), label="include shipping")
    app.execute(
        commands.ResolveReturn(
            return_id=return_id, outcome=ReturnOutcome.REFUND, include_shipping=include_shipping
        )
    )


def check(app: SalesApp, order_id: str, paid: Money) -> None:
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        returns = uow.returns.for_order(order_id)
        items = {sku: uow.stock.get(("JKT-1", sku)) for sku in SKUS}
        ledgers = {sku: uow.stock_ledger.for_item("JKT-1", sku) for sku in SKUS}
        payments = uow.payments.for_order(order_id)
        invoices = [uow.invoices.get(i) for i in order.invoice_ids]
    for line in order.lines:
        assert 0 <= order.returned.get(line.line_id, 0) <= order.shipped[line.line_id]
    refunded = Money.sum((r.refunded for r in returns), order.currency)
    assert refunded == order.refunded
    assert refunded <= paid
    assert order.paid == paid - refunded
    assert order.balance_due.is_zero
    assert order.paid == Money.sum((p.applied - p.refunded for p in payments), "IDR")
    assert order.refunded == Money.sum((p.refunded for p in payments), "IDR")
    for invoice in invoices:  # refunded before credited: never paid beyond what is asked
        assert invoice.paid + invoice.credited <= invoice.gross
        assert sum((p.allocated for p in payments), Money.zero("IDR")) == invoice.paid
    for sku, item in items.items():
        assert item.on_hand == sum(m.on_hand_change for m in ledgers[sku])
        shipped = sum(line.quantity for line in order.lines if line.sku == sku)
        back = sum(
            line.sellable for r in returns for line in r.lines if line.sku == sku
        )  # damaged units came in and were written off
        assert item.on_hand == STOCK - shipped + back


lines_strategy = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.integers(1, 10_000_000).map(lambda cents: Money.of(Decimal(cents) / 100, "IDR")),
        st.none() | st.integers(1, 40).map(Discount.of_percent),
    ),
    min_size=1,
    max_size=2,
)


@settings(max_examples=25, deadline=None)
@given(lines=lines_strategy, invoice=st.booleans(), data=st.data())
def test_random_partial_returns_stay_exact(
    lines: list[tuple[int, Money, Discount | None]], invoice: bool, data: st.DataObject
) -> None:
    app = shop()
    order_id = delivered(
        app,
        [
            commands.NewLine(sku=SKUS[n], quantity=q, unit_price=price, discount=discount)
            for n, (q, price, discount) in enumerate(lines)
        ],
        invoice,
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    paid, goods, shipping = order.paid, order.total, order.shipping_charge
    left = {line.line_id: line.quantity for line in order.lines}
    for _ in range(data.draw(st.integers(0, 3), label="partial returns")):
        line_id = data.draw(st.sampled_from(sorted(left)), label="line")
        quantity = data.draw(st.integers(1, 7), label="units")
        if quantity > left[line_id]:
            with app.uow() as uow:
                before = uow.orders.get(order_id)
            try:
                give_back(app, order_id, {line_id: quantity}, data)
            except ReturnExceedsDelivered:
                pass
            else:
                raise AssertionError(f"returning {quantity} of {left[line_id]} was accepted")
            with app.uow() as uow:
                assert uow.orders.get(order_id) == before
        else:
            give_back(app, order_id, {line_id: quantity}, data)
            with app.uow() as uow:
                left[line_id] = uow.orders.get(order_id).returnable(line_id)
        check(app, order_id, paid)
    # now send back every unit still out, then the last units a partial receipt left out
    while any(left.values()):
        give_back(app, order_id, {k: v for k, v in left.items() if v}, data)
        with app.uow() as uow:
            order = uow.orders.get(order_id)
        left = {line_id: order.returnable(line_id) for line_id in left}
        check(app, order_id, paid)
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        returns = uow.returns.for_order(order_id)
    refunded = Money.sum((r.refunded for r in returns), order.currency)
    gave_shipping = Money.sum((r.shipping for r in returns), order.currency)
    assert gave_shipping in (shipping, Money.zero(order.currency))
    assert refunded == goods + gave_shipping
    assert order.paid == shipping - gave_shipping


@given(
    gross=st.integers(0, 10**9).map(lambda cents: Money.of(Decimal(cents) / 100, "IDR")),
    ordered=st.integers(1, 12),
    data=st.data(),
)
def test_values_of_any_split_into_returns_add_up_to_the_line_gross(
    gross: Money, ordered: int, data: st.DataObject
) -> None:
    values, before = [], 0
    while before < ordered:
        units = data.draw(st.integers(1, ordered - before))
        value = return_value(gross, ordered, before, units)
        exact = gross.amount * units / ordered
        assert abs(value.amount - exact) <= units * Decimal("0.01")
        values.append(value)
        before += units
    assert Money.sum(values, "IDR") == gross
