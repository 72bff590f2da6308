"""COD remittance statements through the application: idempotent import, reconciliation, payments.

Figures: 2 x TSHIRT-RED-M at Rp150,000 (gross 300,000) shipped with the in-memory J&T
(Rp9,000 + Rp2,000 per started kg, 0.6 kg -> Rp11,000), the buyer paying the fee: the courier
collects Rp311,000.
"""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder import Money, OrderStatus, PaymentMethod, SalesApp, commands
from salesorder.adapters.memory import InMemoryCourier
from salesorder.domain.cod import CodDifferenceKind, RemittanceLine, RemittanceStatement
from salesorder.domain.shipping import TrackingStatus
from salesorder.exceptions import RemittanceConflict
from salesorder.services.couriers import cod_payment_reference

K = CodDifferenceKind


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def delivered_cod_order(app: SalesApp, deliver: bool = True) -> tuple[str, str]:
    """A COD order shipped (and delivered); returns (order id, tracking number)."""
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=2),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        tracking = uow.shipments.get(shipment_id).tracking_number
    if deliver:
        courier = app.couriers["jnt"]
        assert isinstance(courier, InMemoryCourier)
        courier.report(tracking, TrackingStatus.DELIVERED, app.clock.now())
        app.execute(commands.SyncTracking(shipment_id=shipment_id))
    return order_id, tracking


def line(
    tracking: str, collected: str, fee: str = "9330", remitted: str | None = None
) -> RemittanceLine:
    remitted = remitted or str(idr(collected).amount - idr(fee).amount)
    return RemittanceLine(
        tracking_number=tracking, collected=idr(collected), fee=idr(fee), remitted=idr(remitted)
    )


def statement(statement_id: str, *lines: RemittanceLine) -> RemittanceStatement:
    return RemittanceStatement(
        id=statement_id, courier="jnt", currency="IDR", paid_on=dt.date(2026, 1, 12), lines=lines
    )


def test_expected_cod_is_goods_plus_the_buyers_fee(app: SalesApp) -> None:
    order_id, _ = delivered_cod_order(app)
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        shipment = uow.shipments.get(order.shipment_ids[0])
    assert shipment.cod_amount == idr("311000")


def test_a_clean_statement_reconciles_and_records_the_cod_payment(app: SalesApp) -> None:
    order_id, tracking = delivered_cod_order(app)
    result = app.execute(
        commands.ImportRemittance(statement=statement("S-1", line(tracking, "311000")))
    )
    assert result.is_clean
    assert (result.expected, result.collected, result.fees, result.remitted) == (
        idr("311000"), idr("311000"), idr("9330"), idr("301670"),
    )  # fmt: skip
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        payment = uow.payments.find_by_reference(cod_payment_reference("jnt", tracking))
    assert payment is not None
    assert payment.method is PaymentMethod.COD
    assert payment.amount == idr("311000")
    assert order.balance_due.is_zero
    assert order.status is OrderStatus.DELIVERED


def test_a_shortfall_is_found_and_only_the_cash_collected_is_paid(app: SalesApp) -> None:
    order_id, tracking = delivered_cod_order(app)
    result = app.execute(
        commands.ImportRemittance(statement=statement("S-1", line(tracking, "300000")))
    )
    (shortfall,) = result.differences
    assert (shortfall.kind, shortfall.tracking_number, shortfall.amount) == (
        K.SHORTFALL, tracking, idr("11000"),
    )  # fmt: skip
    assert result.shortfall == idr("11000")
    assert result.expected == result.collected + result.shortfall
    with app.uow() as uow:
        assert uow.orders.get(order_id).balance_due == idr("11000")


def test_the_same_statement_twice_is_a_no_op_and_another_under_its_id_is_refused(
    app: SalesApp,
) -> None:
    _, tracking = delivered_cod_order(app)
    first = statement("S-1", line(tracking, "311000"))
    once = app.execute(commands.ImportRemittance(statement=first))
    twice = app.execute(commands.ImportRemittance(statement=first))
    assert once == twice
    with app.uow() as uow:
        assert len(uow.payments.list()) == 1
        assert len(uow.cod_statements.list()) == 1
    with pytest.raises(RemittanceConflict, match="'S-1'"):
        app.execute(commands.ImportRemittance(statement=statement("S-1", line(tracking, "1"))))
    with app.uow() as uow:
        assert uow.cod_statements.list() == [first]


def test_every_kind_of_difference_is_listed(app: SalesApp) -> None:
    _, paid = delivered_cod_order(app)
    _, missing = delivered_cod_order(app)
    _, on_the_way = delivered_cod_order(app, deliver=False)
    _, withheld = delivered_cod_order(app)
    foreign = RemittanceLine(
        tracking_number=paid,
        collected=Money.of("20", "USD"),
        fee=Money.of("1", "USD"),
        remitted=Money.of("19", "USD"),
    )
    app.execute(
        commands.ImportRemittance(
            statement=statement(
                "S-1",
                line(paid, "311000"),
                line("JNT0000009999", "50000"),
                line(withheld, "311000", remitted="300000"),
                foreign,
            )
        )
    )
    result = app.execute(
        commands.ImportRemittance(statement=statement("S-2", line(paid, "311000")))
    )
    kinds = {(d.kind, d.tracking_number, d.statement_id) for d in result.differences}
    assert kinds == {
        (K.UNKNOWN_SHIPMENT, "JNT0000009999", "S-1"),
        (K.OTHER_CURRENCY, paid, "S-1"),
        (K.WITHHELD, withheld, "S-1"),
        (K.DUPLICATE, paid, "S-2"),
        (K.MISSING, missing, ""),
    }
    assert on_the_way not in {s.tracking_number for s in result.shipments}  # not due yet
    (kept,) = result.of_kind(K.WITHHELD)
    assert kept.amount == idr("1670")
    assert result.collected == result.fees + result.remitted + result.withheld
    assert result.expected == result.collected + result.shortfall
    with app.uow() as uow:
        assert len(uow.payments.list()) == 2  # paid and withheld: the cash was collected
    assert app.execute(commands.ReconcileCod(courier="jnt")) == result
