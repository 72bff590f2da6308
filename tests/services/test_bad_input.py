"""Bad input is refused with a specific error, and a refused command changes nothing.

Each test snapshots the store's committed state (every repository, the published events and
the marketplace cursors) before the bad command and compares it afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from salesorder import (
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    FloatMoneyError,
    IllegalTransition,
    InsufficientStock,
    InvalidAddress,
    InvalidQuantity,
    Money,
    NotFound,
    OrderStatus,
    PaymentError,
    PaymentMethod,
    Product,
    SalesApp,
    UnknownCurrency,
    UnknownSKU,
    ValidationError,
    commands,
)

Snapshot = Callable[[], dict[str, Any]]


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def place(
    app: SalesApp, *lines: tuple[str, int], method: PaymentMethod = PaymentMethod.BANK_TRANSFER
) -> str:
    return app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=method,
        )
    )


def confirmed(
    app: SalesApp, *lines: tuple[str, int], method: PaymentMethod = PaymentMethod.BANK_TRANSFER
) -> str:
    order_id = place(app, *lines, method=method)
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def shipped(app: SalesApp, method: PaymentMethod = PaymentMethod.ON_ACCOUNT) -> str:
    order_id = confirmed(app, ("TSHIRT-RED-M", 3), method=method)
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    return order_id


@pytest.mark.parametrize("quantity", [0, -1])
def test_zero_or_negative_quantity(app: SalesApp, snapshot: Snapshot, quantity: int) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(InvalidQuantity, match=f"got {quantity}"):
        app.execute(
            commands.PlaceOrder(
                customer_id="C1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=quantity),)
            )
        )
    with pytest.raises(InvalidQuantity):
        app.execute(commands.ChangeQuantity(order_id=order_id, line_id="1", quantity=quantity))
    with pytest.raises(InvalidQuantity):
        app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=quantity))
    assert snapshot() == before


def test_unknown_sku(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(UnknownSKU, match="SKU 'NO-SUCH-SKU' not found"):
        place(app, ("TSHIRT-RED-M", 1), ("NO-SUCH-SKU", 1))
    with pytest.raises(UnknownSKU, match="'NO-SUCH-SKU'"):
        app.execute(
            commands.AddLine(
                order_id=order_id, line=commands.NewLine(sku="NO-SUCH-SKU", quantity=1)
            )
        )
    assert snapshot() == before


def test_unknown_order_and_customer(app: SalesApp, snapshot: Snapshot) -> None:
    before = snapshot()
    with pytest.raises(NotFound, match="customer 'C9' not found"):
        app.execute(
            commands.PlaceOrder(
                customer_id="C9", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
            )
        )
    with pytest.raises(NotFound, match="order 'ORD-999999' not found"):
        app.execute(commands.ConfirmOrder(order_id="ORD-999999"))
    assert snapshot() == before


def test_unknown_currency(snapshot: Snapshot) -> None:
    before = snapshot()
    with pytest.raises(UnknownCurrency, match="'RPH'"):
        commands.NewLine(sku="TSHIRT-RED-M", quantity=1, unit_price=Money.of("1", "RPH"))
    assert snapshot() == before


def test_product_priced_in_another_currency_than_the_shop(
    app: SalesApp, snapshot: Snapshot
) -> None:
    before = snapshot()
    vietnamese = Product(
        sku="NON-LA",
        name="Non la",
        price=Money.of("120000", "VND"),
        unit_cost=Money.of("50000", "VND"),
        initial_stock=3,
    )
    with pytest.raises(ValidationError, match="priced in VND, the shop sells in IDR"):
        app.execute(commands.AddProduct(product=vietnamese, warehouse="JKT-1"))
    assert snapshot() == before


def test_mixed_currencies_in_an_order(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(CurrencyMismatch, match="VND"):
        app.execute(
            commands.PlaceOrder(
                customer_id="C1",
                lines=(
                    commands.NewLine(
                        sku="TSHIRT-RED-M", quantity=1, unit_price=Money.of("150000", "VND")
                    ),
                ),
            )
        )
    # A payment in another currency needs an exchange rate (issue 7).
    with pytest.raises(CurrencyMismatch, match="is in VND but the order is in IDR"):
        app.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=Money.of("150000", "VND"),
                method=PaymentMethod.BANK_TRANSFER,
                reference="VCB-1",
            )
        )
    assert snapshot() == before


def test_float_money(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(FloatMoneyError):
        app.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=Money.of(150000.0, "IDR"),  # type: ignore[arg-type]
                method=PaymentMethod.BANK_TRANSFER,
                reference="BCA-1",
            )
        )
    with pytest.raises(FloatMoneyError):
        commands.NewLine(sku="TSHIRT-RED-M", quantity=1, unit_price=Money.of(0.1, "IDR"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):  # FloatMoneyError is a TypeError too
        idr("1") * 0.5
    assert snapshot() == before


def test_payment_with_more_digits_than_the_currency(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(PaymentError, match="more digits than IDR allows"):
        app.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=idr("0.001"),
                method=PaymentMethod.BANK_TRANSFER,
                reference="BCA-1",
            )
        )
    assert snapshot() == before


def test_missing_address(app: SalesApp, snapshot: Snapshot) -> None:
    before = snapshot()
    with pytest.raises(InvalidAddress, match="customer 'C2' has no shipping address"):
        app.execute(
            commands.PlaceOrder(
                customer_id="C2", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
            )
        )
    assert snapshot() == before


def test_confirming_an_empty_order(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = place(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.RemoveLine(order_id=order_id, line_id="1"))
    before = snapshot()
    with pytest.raises(EmptyOrder, match=f"order {order_id!r} has no lines"):
        app.execute(commands.ConfirmOrder(order_id=order_id))
    assert snapshot() == before
    assert before["orders"][0].status is OrderStatus.NEW


def test_insufficient_stock_in_the_only_warehouse(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 11))
    before = snapshot()
    with pytest.raises(InsufficientStock) as info:
        app.execute(commands.ReserveStock(order_id=order_id))
    assert str(info.value) == "SKU 'TSHIRT-RED-M' has 10 available in 'JKT-1', 11 requested"
    assert snapshot() == before


def test_no_single_warehouse_has_everything_and_splitting_is_refused(
    app: SalesApp, snapshot: Snapshot
) -> None:
    # JKT-1 has the T-shirts but no caps; SBY-1 has the caps but no T-shirts.
    order_id = confirmed(app, ("TSHIRT-RED-M", 3), ("CAP-BLK", 1))
    before = snapshot()
    with pytest.raises(
        InsufficientStock, match="SKU 'CAP-BLK' has 0 available in 'JKT-1', 1 requested"
    ):
        app.execute(commands.ReserveStock(order_id=order_id, split=False))
    after = snapshot()
    assert after == before
    assert all(item.reserved == 0 for item in after["stock"])
    assert after["orders"][0].warehouse is None


def test_shipping_before_reserving(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(IllegalTransition, match=r"cannot ship .* in status 'confirmed'"):
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert snapshot() == before
    assert app.couriers["jnt"].bookings == {}  # type: ignore[attr-defined]


def test_reserving_twice(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ReserveStock(order_id=order_id))
    before = snapshot()
    with pytest.raises(IllegalTransition, match=r"cannot reserve .* in status 'processing'"):
        app.execute(commands.ReserveStock(order_id=order_id))
    assert snapshot() == before


def test_paying_more_than_due_keeps_the_excess_as_customer_credit(app: SalesApp) -> None:
    # Since issue 7 an overpayment is not refused: the excess is the customer's credit.
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(
        commands.RecordPayment(
            order_id=order_id, amount=idr("100000"), method=PaymentMethod.CARD, reference="CARD-1"
        )
    )
    app.execute(
        commands.RecordPayment(
            order_id=order_id, amount=idr("50000.01"), method=PaymentMethod.CARD, reference="CARD-2"
        )
    )
    with app.uow() as uow:
        assert uow.orders.get(order_id).balance_due.is_zero
        assert uow.customer_credits.get(("C1", "IDR")).balance == idr("0.01")


def test_a_negative_payment_is_refused(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    with pytest.raises(PaymentError, match=r"payment 'CARD-9' must be above zero"):
        app.execute(
            commands.RecordPayment(
                order_id=order_id, amount=idr("-1"), method=PaymentMethod.CARD, reference="CARD-9"
            )
        )
    assert snapshot() == before


def test_duplicate_payment_reference(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    pay = commands.RecordPayment(
        order_id=order_id, amount=idr("50000"), method=PaymentMethod.CARD, reference="CARD-1"
    )
    app.execute(pay)
    before = snapshot()
    with pytest.raises(DuplicateError, match="payment reference 'CARD-1' is already recorded"):
        app.execute(pay)
    assert snapshot() == before
    with app.uow() as uow:
        assert uow.orders.get(order_id).paid == idr("50000")


def test_cod_payment_before_delivery(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = shipped(app, method=PaymentMethod.COD)
    before = snapshot()
    with pytest.raises(
        PaymentError, match="COD cash is collected at delivery, status is 'shipped'"
    ):
        app.execute(
            commands.RecordPayment(
                order_id=order_id, amount=idr("461000"), method=PaymentMethod.COD, reference="COD-1"
            )
        )
    assert snapshot() == before


def test_completing_an_unpaid_order(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = shipped(app)
    app.execute(commands.MarkDelivered(order_id=order_id))
    before = snapshot()
    with pytest.raises(IllegalTransition, match=r"461000\.00 IDR is still due"):
        app.execute(commands.CompleteOrder(order_id=order_id))
    assert snapshot() == before


def test_cancelling_after_shipping(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = shipped(app)
    before = snapshot()
    with pytest.raises(IllegalTransition, match=r"cannot cancel .* in status 'shipped'"):
        app.execute(commands.CancelOrder(order_id=order_id))
    assert snapshot() == before


def test_editing_after_confirmation(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    before = snapshot()
    edits: list[commands.Command[object]] = [
        commands.AddLine(order_id=order_id, line=commands.NewLine(sku="CAP-BLK", quantity=1)),
        commands.RemoveLine(order_id=order_id, line_id="1"),
        commands.ChangeQuantity(order_id=order_id, line_id="1", quantity=2),
    ]
    for edit in edits:
        with pytest.raises(
            IllegalTransition, match=f"cannot edit order {order_id!r} in status 'confirmed'"
        ):
            app.execute(edit)
    assert snapshot() == before


def test_invoicing_twice(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = confirmed(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.IssueInvoice(order_id=order_id))
    before = snapshot()
    with pytest.raises(DuplicateError, match="already invoiced"):
        app.execute(commands.IssueInvoice(order_id=order_id))
    assert snapshot() == before


def test_a_failed_command_publishes_no_events(app: SalesApp) -> None:
    published = app.events.published  # type: ignore[attr-defined]
    order_id = confirmed(app, ("TSHIRT-RED-M", 11))
    count = len(published)
    with pytest.raises(InsufficientStock):
        app.execute(commands.ReserveStock(order_id=order_id))
    with pytest.raises(IllegalTransition):
        app.execute(commands.ConfirmOrder(order_id=order_id))
    assert len(published) == count
