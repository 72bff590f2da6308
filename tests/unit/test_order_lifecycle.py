"""The order state machine: the transition table, guards, and the errors that name them."""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder.domain.channels import Channel
from salesorder.domain.customers import Address
from salesorder.domain.lifecycle import (
    TRANSITIONS,
    OrderAction,
    OrderStatus,
    next_status,
    simple_status,
)
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import LineToPrice, TaxMode, price_lines
from salesorder.domain.tax import TaxRate
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    IllegalTransition,
    InvalidAddress,
    PaymentError,
)
from salesorder.money import Money, RoundingPolicy

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")
VAT = TaxRate(code="ID-PPN-11", name="PPN 11%", rate="0.11")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def priced(order: Order) -> Order:
    order.apply_pricing(
        price_lines(
            [
                LineToPrice(
                    line_id=line.line_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=VAT,
                )
                for line in order.lines
            ],
            currency=order.currency,
            tax_mode=order.tax_mode,
            policy=RoundingPolicy(),
        )
    )
    return order


def new_order(*, payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER) -> Order:
    return priced(
        Order.new(
            id="ORD-1",
            channel=Channel.web(),
            customer_id="C1",
            currency="IDR",
            placed_at=T0,
            lines=[OrderLine(line_id="1", sku="X", quantity=3, unit_price=idr("150000"))],
            shipping_address=ADDRESS,
            tax_mode=TaxMode.INCLUDED,
            payment_method=payment_method,
        )
    )


def delivered(payment_method: PaymentMethod = PaymentMethod.ON_ACCOUNT) -> Order:
    order = new_order(payment_method=payment_method)
    order.confirm(at(1))
    order.mark_reserved("JKT-1", at(2))
    order.mark_shipped("SHP-1", at(3))
    order.mark_delivered(at(27))
    return order


def test_the_happy_path_and_time_in_each_status() -> None:
    order = delivered()
    order.record_payment(idr("450000"), PaymentMethod.ON_ACCOUNT)
    order.complete(at(28))
    assert order.status is OrderStatus.COMPLETED
    assert [change.status for change in order.history] == [
        OrderStatus.NEW,
        OrderStatus.CONFIRMED,
        OrderStatus.PROCESSING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
    ]
    spent = order.time_in_status()
    assert spent[OrderStatus.SHIPPED] == dt.timedelta(hours=24)
    assert spent[OrderStatus.NEW] == dt.timedelta(hours=1)
    assert OrderStatus.COMPLETED not in spent  # still running


def test_a_prepaid_order_ships_only_when_its_goods_are_paid() -> None:
    order = new_order(payment_method=PaymentMethod.BANK_TRANSFER)
    order.confirm(at(1))
    order.mark_reserved("JKT-1", at(2))
    with pytest.raises(IllegalTransition, match=r"bank_transfer and 450000.00 IDR"):
        order.mark_shipped("SHP-1", at(3))
    assert order.status is OrderStatus.PROCESSING
    assert not order.shipment_ids
    order.record_payment(idr("450000"), PaymentMethod.BANK_TRANSFER)
    order.mark_shipped("SHP-1", at(3))
    assert order.status is OrderStatus.SHIPPED


def test_the_transition_table_has_no_way_out_of_cancelled_or_refunded() -> None:
    for status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        assert not [key for key in TRANSITIONS if key[0] is status]
    after_completion = {action for status, action in TRANSITIONS if status is OrderStatus.COMPLETED}
    assert after_completion == {OrderAction.RETURN_PART, OrderAction.RETURN_ALL}
    assert TRANSITIONS[OrderStatus.NEW, OrderAction.CONFIRM] is OrderStatus.CONFIRMED
    assert (OrderStatus.SHIPPED, OrderAction.CANCEL) not in TRANSITIONS


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (OrderStatus.NEW, OrderAction.SHIP),
        (OrderStatus.NEW, OrderAction.DELIVER),
        (OrderStatus.CONFIRMED, OrderAction.EDIT),
        (OrderStatus.SHIPPED, OrderAction.CANCEL),
        (OrderStatus.COMPLETED, OrderAction.CANCEL),
        (OrderStatus.CANCELLED, OrderAction.CONFIRM),
    ],
)
def test_illegal_transitions_name_the_status_and_the_command(
    status: OrderStatus, action: OrderAction
) -> None:
    with pytest.raises(IllegalTransition) as info:
        next_status("order 'ORD-1'", status, action)
    assert str(info.value) == f"cannot {action.value} order 'ORD-1' in status {status.value!r}"
    assert (info.value.status, info.value.command) == (status.value, action.value)


def test_editing_a_confirmed_order_is_refused_and_changes_nothing() -> None:
    order = new_order()
    order.confirm(at(1))
    line = OrderLine(line_id="2", sku="Y", quantity=1, unit_price=idr("1000"))
    with pytest.raises(IllegalTransition, match="cannot edit order 'ORD-1' in status 'confirmed'"):
        order.add_line(line)
    with pytest.raises(IllegalTransition, match="cannot edit"):
        order.change_quantity("1", 5)
    with pytest.raises(IllegalTransition, match="cannot edit"):
        order.set_shipping_address(ADDRESS)
    assert [each.line_id for each in order.lines] == ["1"]
    assert order.lines[0].quantity == 3
    assert order.pricing is not None


def test_an_edit_drops_the_price_and_confirming_needs_a_new_one() -> None:
    order = new_order()
    order.change_quantity("1", 4)
    assert order.pricing is None
    with pytest.raises(IllegalTransition, match="it is not priced"):
        order.confirm(at(1))
    priced(order).confirm(at(1))
    assert order.total == idr("600000.00")


def test_confirming_an_empty_order_is_refused() -> None:
    order = new_order()
    order.remove_line("1")
    priced(order)
    with pytest.raises(EmptyOrder, match="order 'ORD-1' has no lines"):
        order.confirm(at(1))
    assert order.status is OrderStatus.NEW


def test_confirming_without_an_address_is_refused() -> None:
    order = new_order()
    order.shipping_address = None
    with pytest.raises(InvalidAddress, match="no shipping address"):
        order.confirm(at(1))


def test_a_line_in_another_currency_or_a_repeated_line_id_is_refused() -> None:
    order = new_order()
    with pytest.raises(CurrencyMismatch):
        order.add_line(OrderLine(line_id="2", sku="Y", quantity=1, unit_price=Money.of("1", "VND")))
    with pytest.raises(DuplicateError, match="already has a line '1'"):
        order.add_line(OrderLine(line_id="1", sku="Y", quantity=1, unit_price=idr("1")))
    assert len(order.lines) == 1


def test_paying_more_than_due_is_refused() -> None:
    order = new_order()
    order.confirm(at(1))
    with pytest.raises(PaymentError, match=r"exceeds the balance due 450000\.00 IDR"):
        order.record_payment(idr("450000.01"), PaymentMethod.BANK_TRANSFER)
    order.record_payment(idr("450000"), PaymentMethod.BANK_TRANSFER)
    assert order.balance_due.is_zero


def test_cod_cash_arrives_only_at_delivery() -> None:
    order = new_order(payment_method=PaymentMethod.COD)
    order.confirm(at(1))
    with pytest.raises(PaymentError, match="COD cash is collected at delivery"):
        order.record_payment(idr("450000"), PaymentMethod.COD)
    assert order.paid.is_zero


def test_an_unpaid_order_cannot_complete() -> None:
    order = delivered()
    with pytest.raises(IllegalTransition, match=r"cannot complete .* 450000.00 IDR is still due"):
        order.complete(at(28))
    assert order.status is OrderStatus.DELIVERED


def test_a_paid_order_must_be_refunded_before_cancelling() -> None:
    order = new_order()
    order.confirm(at(1))
    order.record_payment(idr("1000"), PaymentMethod.BANK_TRANSFER)
    with pytest.raises(IllegalTransition, match="refund first"):
        order.cancel(at(2))
    assert order.status is OrderStatus.CONFIRMED


def test_cancel_before_shipping_keeps_the_reason() -> None:
    order = new_order()
    order.cancel(at(1), "buyer changed their mind")
    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == "buyer changed their mind"
    with pytest.raises(
        IllegalTransition, match="cannot confirm order 'ORD-1' in status 'cancelled'"
    ):
        order.confirm(at(2))


def test_the_seed_crm_view() -> None:
    assert simple_status(OrderStatus.NEW) == "New"
    assert simple_status(OrderStatus.SHIPPED) == "Processing"
    assert simple_status(OrderStatus.COMPLETED) == "Completed"
