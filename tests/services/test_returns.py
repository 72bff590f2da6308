"""Returns (RMA) through ``SalesApp.execute``: stock, ledger, money and invoices together.

The shop is the one of conftest (IDR, prices include tax). The delivered order: 3 x
TSHIRT-RED-M at Rp150,000 from JKT-1 (gross 450,000.00), paid by bank transfer before it
ships (PAY-000001, 450,000), the Rp11,000 shipping charge paid after (PAY-000002); one
invoice of 450,000.00 issued after delivery, which takes the first payment.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from salesorder import (
    IllegalTransition,
    InvalidQuantity,
    Money,
    OrderStatus,
    PaymentMethod,
    ReturnExceedsDelivered,
    SalesApp,
    commands,
)
from salesorder.domain.events import RefundSent, ReturnReceived
from salesorder.domain.inventory import MovementKind
from salesorder.domain.returns import ReturnOutcome, ReturnRequest, ReturnStatus
from salesorder.domain.shipping import ShipmentStatus, TrackingStatus

Snapshot = Callable[[], dict[str, Any]]


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def deliver(app: SalesApp, shipment_id: str) -> None:
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
    courier: Any = app.couriers[shipment.courier]
    courier.report(shipment.tracking_number, TrackingStatus.DELIVERED, app.clock.now())
    assert app.execute(commands.SyncTracking(shipment_id=shipment_id)) is ShipmentStatus.DELIVERED


def delivered_order(
    app: SalesApp,
    quantity: int = 3,
    *,
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
    invoice: bool = True,
    **line: Any,
) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=quantity, **line),),
            payment_method=method,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    with app.uow() as uow:
        goods = uow.orders.get(order_id).total
    if method.is_prepaid:
        app.execute(
            commands.RecordPayment(
                order_id=order_id, amount=goods, method=method, reference=f"{order_id}-goods"
            )
        )
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    if method.is_prepaid:
        app.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=idr("11000"),
                method=method,
                reference=f"{order_id}-shipping",
            )
        )
    deliver(app, shipment_id)
    if invoice:
        app.execute(commands.IssueInvoice(order_id=order_id))
    return order_id


def request(app: SalesApp, order_id: str, quantity: int, key: str = "") -> str:
    return app.execute(
        commands.RequestReturn(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id="1", quantity=quantity),),
            reason="wrong size",
            key=key,
        )
    )


def received(app: SalesApp, order_id: str, quantity: int, *, sellable: int | None = None) -> str:
    """Request, approve, receive and inspect ``quantity`` units (sellable unless told)."""
    return_id = request(app, order_id, quantity)
    app.execute(commands.ApproveReturn(return_id=return_id))
    app.execute(commands.ReceiveReturn(return_id=return_id))
    good = quantity if sellable is None else sellable
    app.execute(
        commands.InspectReturn(
            return_id=return_id,
            lines=(commands.InspectedLine(line_id="1", sellable=good, damaged=quantity - good),),
        )
    )
    return return_id


def state(app: SalesApp, order_id: str, return_id: str) -> tuple[Any, ReturnRequest, Any]:
    with app.uow() as uow:
        return (
            uow.orders.get(order_id),
            uow.returns.get(return_id),
            uow.stock.get(("JKT-1", "TSHIRT-RED-M")),
        )


def ledger_sum(app: SalesApp) -> int:
    with app.uow() as uow:
        return sum(m.on_hand_change for m in uow.stock_ledger.for_item("JKT-1", "TSHIRT-RED-M"))


def test_full_flow_one_sellable_one_damaged_refunded(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = request(app, order_id, 2, key="rma-1")
    assert return_id == "RETURN-000001"
    app.execute(commands.ApproveReturn(return_id=return_id))
    app.execute(commands.ReceiveReturn(return_id=return_id))

    order, rma, item = state(app, order_id, return_id)
    assert order.status is OrderStatus.PARTLY_RETURNED
    assert order.returned == {"1": 2}
    assert rma.status is ReturnStatus.RECEIVED
    assert rma.goods_amount == idr("300000.00")
    assert item.on_hand == 7  # waiting for inspection: not back in stock yet

    app.execute(
        commands.InspectReturn(
            return_id=return_id,
            lines=(commands.InspectedLine(line_id="1", sellable=1, damaged=1),),
        )
    )
    order, rma, item = state(app, order_id, return_id)
    assert (rma.lines[0].sellable, rma.lines[0].damaged, rma.lines[0].warehouse) == (1, 1, "JKT-1")
    assert (item.on_hand, item.reserved) == (8, 0)  # 10 - 3 shipped + 2 back - 1 written off
    with app.uow() as uow:
        moves = uow.stock_ledger.for_item("JKT-1", "TSHIRT-RED-M")
    assert [(m.kind, m.on_hand_change, m.document) for m in moves[-2:]] == [
        (MovementKind.RETURN, 2, return_id),
        (MovementKind.WRITE_OFF, -1, return_id),
    ]
    assert ledger_sum(app) == item.on_hand

    assert (
        app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
        is None
    )
    order, rma, item = state(app, order_id, return_id)
    with app.uow() as uow:
        payments = uow.payments.for_order(order_id)
        invoice = uow.invoices.get(order.invoice_ids[0])
        notes = [uow.credit_notes.get(n) for n in rma.credit_note_ids]
        customer_credits = uow.customer_credits.list()
    assert rma.status is ReturnStatus.RESOLVED
    assert rma.outcome is ReturnOutcome.REFUND
    assert (rma.refunded, rma.credited, rma.shipping) == (idr("300000"), idr("300000"), idr("0"))
    # the refund comes from the payments allocated to the invoice (which lists the shipping
    # too, so both are), newest first: the invoice's paid part and its credit note add up
    # to its gross and nothing lands on the customer's credit
    assert [p.refunded for p in payments] == [idr("289000"), idr("11000")]
    assert [n.gross for n in notes] == [idr("300000.00")]
    assert (invoice.paid, invoice.credited, invoice.open_balance) == (
        idr("161000"),
        idr("300000"),
        idr("0"),
    )
    assert customer_credits == []
    assert order.paid == idr("461000") - idr("300000")
    assert order.refunded == idr("300000")
    assert order.credited == idr("300000")
    assert order.amount_due == idr("161000.00")
    assert order.balance_due.is_zero
    assert order.status is OrderStatus.PARTLY_RETURNED
    events = app.events.published  # type: ignore[attr-defined]
    assert [e for e in events if isinstance(e, ReturnReceived)] == [
        ReturnReceived(order_id=order_id, at=events[-1].at, return_id=return_id, units=2)
    ]
    assert [e.amount for e in events if isinstance(e, RefundSent)] == [
        idr("11000"),
        idr("289000"),
    ]


def test_returning_everything_with_shipping_refunds_all_that_was_paid(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = received(app, order_id, 3)
    app.execute(
        commands.ResolveReturn(
            return_id=return_id, outcome=ReturnOutcome.REFUND, include_shipping=True
        )
    )
    order, rma, item = state(app, order_id, return_id)
    with app.uow() as uow:
        invoice = uow.invoices.get(order.invoice_ids[0])
    assert rma.refunded == idr("461000")
    assert rma.shipping == idr("11000")
    assert invoice.credited == invoice.gross == idr("461000.00")  # goods and shipping
    assert invoice.paid.is_zero
    assert order.paid.is_zero
    assert order.refunded == idr("461000")
    assert order.balance_due.is_zero
    assert order.status is OrderStatus.REFUNDED
    assert item.on_hand == 10
    assert ledger_sum(app) == 10


def test_returning_everything_without_shipping_keeps_the_shipping_paid(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = received(app, order_id, 3)
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    order, rma, _ = state(app, order_id, return_id)
    assert rma.refunded == idr("450000")
    assert order.paid == idr("11000")
    assert order.balance_due.is_zero
    assert order.status is OrderStatus.RETURNED


def test_shipping_is_given_back_once_per_order(app: SalesApp) -> None:
    order_id = delivered_order(app)
    first = received(app, order_id, 1)
    app.execute(
        commands.ResolveReturn(return_id=first, outcome=ReturnOutcome.REFUND, include_shipping=True)
    )
    second = received(app, order_id, 2)
    app.execute(
        commands.ResolveReturn(
            return_id=second, outcome=ReturnOutcome.REFUND, include_shipping=True
        )
    )
    order, rma, _ = state(app, order_id, second)
    assert rma.shipping.is_zero
    assert rma.refunded == idr("300000")
    assert order.refunded == idr("461000")
    assert order.paid.is_zero
    assert order.status is OrderStatus.REFUNDED


def test_uneven_line_is_given_back_exactly_over_several_returns(app: SalesApp) -> None:
    # 3 x Rp100,000.01 = 300,000.03: the shares are .01 apart, and the three returns of one
    # unit each give back exactly the line's gross, with no invoice to credit.
    order_id = delivered_order(app, unit_price=idr("100000.01"), invoice=False)
    with app.uow() as uow:
        gross = uow.orders.get(order_id).total
    assert gross == idr("300000.03")
    amounts = []
    for _ in range(3):
        return_id = received(app, order_id, 1)
        app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
        amounts.append(state(app, order_id, return_id)[1].refunded)
    assert amounts == [idr("100000.01")] * 3
    assert sum(amounts[1:], amounts[0]) == gross
    order = state(app, order_id, return_id)[0]
    assert order.paid == idr("11000")
    assert order.balance_due.is_zero


def test_invoice_issued_after_a_return_credits_the_returned_goods_at_once(
    app: SalesApp,
) -> None:
    # Delivered and paid (450,000 goods + 11,000 shipping) with no invoice; one T-shirt comes
    # back and is refunded. No invoice listed it, so the return took its 150,000 off the
    # order itself: 311,000 is due, all paid. The invoice issued afterwards lists the line
    # as priced (3 units, 450,000) and the shipping (11,000), and a credit note of 150,000 on
    # that line comes with it, so the invoice asks for 311,000, which the two payments
    # cover. Before, the invoice asked for 450,000 and took both payments.
    order_id = delivered_order(app, invoice=False)
    return_id = received(app, order_id, 1)
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    app.execute(commands.CompleteOrder(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
        notes = uow.credit_notes.list()
        payments = uow.payments.for_order(order_id)
    assert (order.amount_due, order.balance_due) == (idr("311000.00"), idr("0"))
    assert [(line.quantity, line.gross) for line in invoice.lines] == [
        (3, idr("450000.00")),
        (1, idr("11000.00")),
    ]
    assert (invoice.credited, invoice.creditable) == (idr("150000.00"), idr("311000.00"))
    assert (invoice.paid, invoice.open_balance) == (idr("311000.00"), idr("0"))
    assert [p.allocated for p in payments] == [idr("311000.00"), idr("0")]
    (note,) = notes
    assert (note.invoice_id, [(x.line_id, x.gross) for x in note.lines]) == (
        invoice_id,
        [("1", idr("150000.00"))],
    )
    assert note.net + note.tax == note.gross


def test_credit_note_outcome_puts_the_money_on_the_customers_credit(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = received(app, order_id, 1)
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.CREDIT_NOTE))
    order, rma, _ = state(app, order_id, return_id)
    with app.uow() as uow:
        credit = uow.customer_credits.get(("C1", "IDR"))
        invoice = uow.invoices.get(order.invoice_ids[0])
    assert (rma.refunded, rma.to_credit) == (idr("0"), idr("150000"))
    assert credit.balance == idr("150000")
    assert invoice.credited == idr("150000")
    assert invoice.open_balance.is_zero
    assert order.balance_due.is_zero
    assert not [e for e in app.events.published if isinstance(e, RefundSent)]  # type: ignore[attr-defined]


def test_exchange_places_a_new_order_paid_by_the_return(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = received(app, order_id, 1)
    exchange_id = app.execute(
        commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.EXCHANGE)
    )
    assert exchange_id is not None
    order, rma, _ = state(app, order_id, return_id)
    with app.uow() as uow:
        exchange = uow.orders.get(exchange_id)
        credit = uow.customer_credits.get(("C1", "IDR"))
    assert rma.exchange_order_id == exchange_id
    assert [(line.sku, line.quantity, line.unit_price) for line in exchange.lines] == [
        ("TSHIRT-RED-M", 1, idr("150000"))
    ]
    assert exchange.total == idr("150000.00")
    assert exchange.paid == idr("150000")
    assert credit.balance.is_zero
    assert order.balance_due.is_zero
    assert return_id in exchange.notes
    # paid in full by the return, the prepaid exchange order may ship
    app.execute(commands.ConfirmOrder(order_id=exchange_id))
    app.execute(commands.ReserveStock(order_id=exchange_id))
    app.execute(commands.ShipOrder(order_id=exchange_id, courier="jnt"))


def test_unpaid_on_account_order_is_credited_not_refunded(app: SalesApp) -> None:
    order_id = delivered_order(app, method=PaymentMethod.ON_ACCOUNT)
    return_id = received(app, order_id, 1)
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    order, rma, _ = state(app, order_id, return_id)
    assert rma.refunded.is_zero
    assert rma.credited == idr("150000")
    assert order.balance_due == idr("311000.00")  # 450,000 + 11,000 - 150,000


def test_returning_more_than_was_delivered_is_refused_and_changes_nothing(
    app: SalesApp, snapshot: Snapshot
) -> None:
    order_id = delivered_order(app)
    before = snapshot()
    with pytest.raises(ReturnExceedsDelivered, match=r"line '1': 4 unit\(s\) to return, 3"):
        request(app, order_id, 4)
    assert snapshot() == before

    request(app, order_id, 2)
    before = snapshot()
    # two are asked for by an open return: one is left
    with pytest.raises(ReturnExceedsDelivered, match=r"2 unit\(s\) to return, 1 delivered"):
        request(app, order_id, 2)
    assert snapshot() == before


def test_units_of_a_rejected_return_may_be_asked_for_again(app: SalesApp) -> None:
    order_id = delivered_order(app)
    first = request(app, order_id, 3)
    app.execute(commands.RejectReturn(return_id=first, reason="outside the return window"))
    second = request(app, order_id, 3)
    assert second != first
    with pytest.raises(IllegalTransition, match="cannot approve return 'RETURN-000001'"):
        app.execute(commands.ApproveReturn(return_id=first))


def test_same_key_is_a_no_op(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = delivered_order(app)
    return_id = request(app, order_id, 1, key="rma-1")
    before = snapshot()
    assert request(app, order_id, 1, key="rma-1") == return_id
    assert request(app, order_id, 2, key="rma-1") == return_id
    assert snapshot() == before
    assert request(app, order_id, 1, key="rma-2") != return_id


def test_return_of_an_order_not_delivered_is_refused(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
        )
    )
    before = snapshot()
    with pytest.raises(IllegalTransition, match="return_part"):
        request(app, order_id, 1)
    assert snapshot() == before


def test_wrong_moves_are_refused(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = delivered_order(app)
    return_id = request(app, order_id, 2)
    before = snapshot()
    with pytest.raises(IllegalTransition, match=r"cannot receive return .* 'requested'"):
        app.execute(commands.ReceiveReturn(return_id=return_id))
    with pytest.raises(IllegalTransition, match="cannot resolve"):
        app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    assert snapshot() == before
    app.execute(commands.ApproveReturn(return_id=return_id))
    app.execute(commands.ReceiveReturn(return_id=return_id))
    before = snapshot()
    with pytest.raises(InvalidQuantity, match=r"1 sellable \+ 0 damaged must be the 2 received"):
        app.execute(
            commands.InspectReturn(
                return_id=return_id, lines=(commands.InspectedLine(line_id="1", sellable=1),)
            )
        )
    with pytest.raises(IllegalTransition, match="cannot resolve"):
        app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    assert snapshot() == before


def test_receiving_more_than_requested_is_refused(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = delivered_order(app)
    return_id = request(app, order_id, 1)
    app.execute(commands.ApproveReturn(return_id=return_id))
    before = snapshot()
    with pytest.raises(InvalidQuantity, match="2 received, 1 requested"):
        app.execute(
            commands.ReceiveReturn(
                return_id=return_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
            )
        )
    assert snapshot() == before


def test_partial_receipt_values_only_what_came(app: SalesApp) -> None:
    order_id = delivered_order(app)
    return_id = request(app, order_id, 3)
    app.execute(commands.ApproveReturn(return_id=return_id))
    app.execute(
        commands.ReceiveReturn(
            return_id=return_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
        )
    )
    app.execute(commands.InspectReturn(return_id=return_id))
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.NONE))
    order, rma, item = state(app, order_id, return_id)
    assert rma.received_units == {"1": 2}
    assert rma.goods_amount == idr("300000")
    assert rma.outcome is ReturnOutcome.NONE
    assert rma.refunded.is_zero
    assert order.returned == {"1": 2}
    assert order.paid == idr("461000")
    assert item.on_hand == 9


def test_returns_through_a_scenario_file() -> None:
    from salesorder.scenario import load_scenario, run_scenario

    address = {"line1": "Jl. Asia Afrika 8", "city": "Bandung", "country": "ID"}
    steps: list[dict[str, Any]] = [
        {
            "type": "place_order",
            "as": "o1",
            "customer_id": "C1",
            "lines": [{"sku": "TSHIRT-RED-M", "quantity": 3}],
            "payment_method": "cod",
        },
        {"type": "confirm_order", "order_id": "$o1"},
        {"type": "reserve_stock", "order_id": "$o1"},
        {"type": "ship_order", "order_id": "$o1", "courier": "jnt"},
        {"type": "mark_delivered", "order_id": "$o1"},
        {
            "type": "record_payment",
            "order_id": "$o1",
            "amount": {"amount": "461000", "currency": "IDR"},
            "method": "cod",
            "reference": "COD-1",
        },
        {
            "type": "request_return",
            "as": "r1",
            "order_id": "$o1",
            "lines": [{"line_id": "1", "quantity": 1}],
            "key": "rma-1",
        },
        {"type": "approve_return", "return_id": "$r1"},
        {"type": "receive_return", "return_id": "$r1"},
        {"type": "inspect_return", "return_id": "$r1", "lines": [{"line_id": "1", "damaged": 1}]},
        {"type": "resolve_return", "return_id": "$r1", "outcome": "refund"},
    ]
    result = run_scenario(
        load_scenario(
            {
                "format": "salesorder/scenario",
                "version": 1,
                "start": "2026-01-05T09:00:00+07:00",
                "warehouses": [{"code": "JKT-1", "name": "Jakarta", "address": address}],
                "products": [
                    {
                        "sku": "TSHIRT-RED-M",
                        "name": "T-shirt red M",
                        "price": {"amount": "150000", "currency": "IDR"},
                        "unit_cost": {"amount": "80000", "currency": "IDR"},
                        "weight_kg": "0.3",
                        "initial_stock": 10,
                        "warehouse": "JKT-1",
                    }
                ],
                "customers": [{"id": "C1", "name": "Budi", "addresses": [address]}],
                "commands": steps,
            }
        )
    )
    (returned,) = result["returns"]
    assert returned["id"] == result["names"]["r1"] == "RETURN-000001"
    assert returned["status"] == "resolved"
    assert returned["refunded"] == {"amount": "150000.00", "currency": "IDR"}
    assert returned["lines"][0]["damaged"] == 1
    (order,) = result["orders"]
    assert order["status"] == "partly_returned"
    assert order["amount_paid"] == {"amount": "311000.00", "currency": "IDR"}
    kinds = [(m["kind"], m.get("on_hand_change")) for m in result["stock_ledger"]]
    assert kinds[-2:] == [("return", 1), ("write_off", -1)]
