"""The order's life through the services: holds, amendments, cancellations, partial shipping,
failed deliveries; each change whole or not at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salesorder import (
    AmendmentRefused,
    IllegalTransition,
    InsufficientStock,
    Money,
    OrderStatus,
    PaymentMethod,
    SalesApp,
    commands,
)
from salesorder.domain.lifecycle import drawn_transitions, mermaid
from salesorder.domain.orders import Order
from salesorder.domain.purchasing import ReceiptLine, Supplier, SupplierItem

Snapshot = Callable[[], dict[str, Any]]
DOCS = Path(__file__).parents[2] / "docs"


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def placed(app: SalesApp, *lines: tuple[str, int], method: PaymentMethod) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=method,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def reserved(
    app: SalesApp, *lines: tuple[str, int], method: PaymentMethod = PaymentMethod.ON_ACCOUNT
) -> str:
    order_id = placed(app, *lines, method=method)
    app.execute(commands.ReserveStock(order_id=order_id))
    return order_id


def pay(app: SalesApp, order_id: str, amount: str, reference: str) -> str:
    return app.execute(
        commands.RecordPayment(
            order_id=order_id,
            amount=idr(amount),
            method=PaymentMethod.BANK_TRANSFER,
            reference=reference,
        )
    )


def get(app: SalesApp, order_id: str) -> Order:
    with app.uow() as uow:
        return uow.orders.get(order_id)


def stock(app: SalesApp, warehouse: str, sku: str) -> tuple[int, int]:
    with app.uow() as uow:
        item = uow.stock.get((warehouse, sku))
        return item.on_hand, item.reserved


def test_the_docs_show_the_diagram_drawn_from_the_table_when_they_build() -> None:
    page = (DOCS / "lifecycle.md").read_text(encoding="utf-8")
    assert "```{image} _generated/lifecycle.svg\n" in page
    assert "plots.lifecycle_svg().encode()" in (DOCS / "conf.py").read_text(encoding="utf-8")


def test_mermaid_draws_every_move_of_the_table_with_its_guard() -> None:
    lines = mermaid().splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> new"]
    assert lines[-3:] == ["    completed --> [*]", "    cancelled --> [*]", "    refunded --> [*]"]
    assert len(lines) == 2 + len(drawn_transitions()) + 3
    assert "    new --> confirmed: confirm [has lines, an address and a current price]" in lines
    assert "    on_hold --> processing: release [back to where it was held]" in lines
    assert "    processing --> confirmed: unreserve" in lines


def test_a_hold_returns_the_order_to_where_it_was(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2))
    app.execute(commands.HoldOrder(order_id=order_id, reason="address check"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.ON_HOLD
    assert order.hold_reason == "address check"
    with pytest.raises(IllegalTransition, match=r"cannot ship .* in status 'on_hold'"):
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    app.execute(commands.ReleaseOrder(order_id=order_id))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.PROCESSING
    assert [(c.status, c.action) for c in order.history[-2:]] == [
        (OrderStatus.ON_HOLD, "hold"),
        (OrderStatus.PROCESSING, "release"),
    ]


def test_an_amendment_reprices_and_reserves_again(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    amend = commands.AmendOrder(
        order_id=order_id,
        quantities=(commands.LineQuantity(line_id="1", quantity=2),),
        add=(commands.NewLine(sku="CAP-BLK", quantity=1),),
        reason="buyer called",
        key="call-1",
    )
    assert app.execute(amend) == 1
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.PROCESSING
    assert [(line.sku, line.quantity) for line in order.lines] == [
        ("TSHIRT-RED-M", 2),
        ("CAP-BLK", 1),
    ]
    assert order.total == idr("349999.50")
    (amendment,) = order.amendments
    assert amendment.gross_before == idr("450000.00")
    assert amendment.gross_after == idr("349999.50")
    assert amendment.changes == (
        "line '1' quantity 3 -> 2",
        "line '2' added: 1 x CAP-BLK",
    )
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (10, 2)
    assert stock(app, "SBY-1", "CAP-BLK") == (5, 1)
    assert app.execute(amend) == 1  # the same key: nothing more happens
    with app.uow() as uow:
        assert len(uow.orders.get(order_id).amendments) == 1
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (10, 2)


def test_an_amendment_that_cannot_be_reserved_is_refused_whole(
    app: SalesApp, snapshot: Snapshot
) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    before = snapshot()
    with pytest.raises(InsufficientStock, match="'TSHIRT-RED-M' has 10 available in 'JKT-1'"):
        app.execute(
            commands.AmendOrder(
                order_id=order_id, quantities=(commands.LineQuantity(line_id="1", quantity=11),)
            )
        )
    assert snapshot() == before


def test_an_amendment_states_what_must_happen_to_the_invoice(app: SalesApp) -> None:
    order_id = placed(app, ("TSHIRT-RED-M", 3), method=PaymentMethod.ON_ACCOUNT)
    app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(
        commands.AmendOrder(
            order_id=order_id, quantities=(commands.LineQuantity(line_id="1", quantity=1),)
        )
    )
    with app.uow() as uow:
        (amendment,) = uow.orders.get(order_id).amendments
    assert amendment.consequences == ("invoice INV-000001: credit 300000.00 IDR (credit note)",)


def test_cancelling_a_paid_and_invoiced_order_refunds_and_credits(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3), method=PaymentMethod.BANK_TRANSFER)
    pay(app, order_id, "450000", "BCA-1")
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.CancelOrder(order_id=order_id, reason="buyer changed their mind"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
        (note,) = uow.credit_notes.list()
        (payment,) = uow.payments.for_order(order_id)
    assert order.status is OrderStatus.CANCELLED
    assert order.paid.is_zero
    assert order.refunded == idr("450000")
    assert payment.refunded == idr("450000")
    assert note.gross == idr("450000.00")
    assert invoice.creditable.is_zero
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (10, 0)
    names = [type(e).__name__ for e in app.events.published[-2:]]  # type: ignore[attr-defined]
    assert names == ["RefundSent", "OrderCancelled"]


def test_a_partial_cancellation_refunds_and_credits_the_difference(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3), method=PaymentMethod.BANK_TRANSFER)
    pay(app, order_id, "450000", "BCA-1")
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    version = app.execute(
        commands.CancelLines(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id="1", quantity=1),),
            reason="one size too small",
        )
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        invoice = uow.invoices.get(invoice_id)
        (note,) = uow.credit_notes.list()
    assert version == 1
    assert order.amendments[0].cancellation
    assert order.total == idr("300000.00")
    assert order.paid == idr("300000.00")
    assert order.refunded == idr("150000.00")
    assert order.balance_due.is_zero
    assert note.gross == idr("150000.00")
    assert invoice.creditable == idr("300000.00")
    assert order.status is OrderStatus.PROCESSING
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (10, 2)


def test_cancelling_more_than_is_left_is_refused(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    before = snapshot()
    with pytest.raises(AmendmentRefused, match=r"line '1' has 3 unit.* not shipped, 4 to cancel"):
        app.execute(
            commands.CancelLines(
                order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=4),)
            )
        )
    with pytest.raises(AmendmentRefused, match="every unit would be cancelled"):
        app.execute(
            commands.CancelLines(
                order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=3),)
            )
        )
    assert snapshot() == before


def test_a_split_order_ships_in_parts(app: SalesApp, snapshot: Snapshot) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2), ("CAP-BLK", 1))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="JKT-1"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.PARTLY_SHIPPED
    assert order.shipped == {"1": 2}
    assert [
        (f.line_id, f.ordered, f.reserved, f.shipped, f.waiting) for f in order.fulfilment()
    ] == [
        ("1", 2, 0, 2, 0),
        ("2", 1, 1, 0, 0),
    ]
    assert [p.warehouse for p in order.picks] == ["SBY-1"]
    before = snapshot()
    with pytest.raises(AmendmentRefused, match=r"line '1' has 2 unit.* shipped and cannot change"):
        app.execute(
            commands.AmendOrder(
                order_id=order_id, quantities=(commands.LineQuantity(line_id="1", quantity=1),)
            )
        )
    assert snapshot() == before
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.SHIPPED
    assert len(order.shipment_ids) == 2
    assert stock(app, "SBY-1", "CAP-BLK") == (4, 0)


def test_cancelling_the_rest_of_a_partly_shipped_order_ships_it(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2), ("CAP-BLK", 1))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="JKT-1"))
    app.execute(
        commands.CancelLines(
            order_id=order_id, lines=(commands.LineQuantity(line_id="2", quantity=1),)
        )
    )
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.status is OrderStatus.SHIPPED
    assert [line.sku for line in order.lines] == ["TSHIRT-RED-M"]
    assert stock(app, "SBY-1", "CAP-BLK") == (5, 0)


def test_a_failed_delivery_returned_to_sender_goes_back_to_stock(app: SalesApp) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 2), method=PaymentMethod.COD)
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (8, 0)
    app.execute(commands.FailDelivery(order_id=order_id, reason="buyer not at home"))
    app.execute(commands.ReattemptDelivery(order_id=order_id))
    app.execute(commands.FailDelivery(order_id=order_id, reason="refused"))
    app.execute(commands.ReturnToSender(order_id=order_id, reason="refused twice"))
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (10, 0)
    app.execute(commands.CancelOrder(order_id=order_id, reason="undeliverable"))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        movements = uow.stock_ledger.for_item("JKT-1", "TSHIRT-RED-M")
    assert order.status is OrderStatus.CANCELLED
    assert [c.action for c in order.history][-6:] == [
        "ship",
        "fail_delivery",
        "reattempt",
        "fail_delivery",
        "return_to_sender",
        "cancel",
    ]
    assert sum(m.on_hand_change for m in movements) == 10


def test_a_partial_reservation_ships_what_is_there_and_receipts_top_it_up(app: SalesApp) -> None:
    order_id = placed(app, ("TSHIRT-RED-M", 12), method=PaymentMethod.ON_ACCOUNT)
    assert app.execute(commands.ReserveStock(order_id=order_id, partial=True)) == "JKT-1"
    order = get(app, order_id)
    assert order.status is OrderStatus.PROCESSING
    assert order.backordered_since is not None
    assert [(f.reserved, f.waiting) for f in order.fulfilment()] == [(10, 2)]
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert get(app, order_id).status is OrderStatus.PARTLY_SHIPPED
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (0, 0)

    app.execute(
        commands.AddSupplier(
            supplier=Supplier(
                code="KONVEKSI",
                name="Konveksi Bandung",
                items=(SupplierItem(sku="TSHIRT-RED-M", unit_cost=idr("80000")),),
            )
        )
    )
    po = app.execute(
        commands.CreatePurchaseOrder(
            supplier="KONVEKSI",
            warehouse="JKT-1",
            lines=(commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=1),),
        )
    )
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po))
    receipt = (ReceiptLine(sku="TSHIRT-RED-M", quantity=1),)
    app.execute(commands.ReceiveGoods(purchase_order_id=po, lines=receipt))
    order = get(app, order_id)
    assert [(f.shipped, f.reserved, f.waiting) for f in order.fulfilment()] == [(10, 1, 1)]
    assert order.backordered_since is not None  # one unit still waits
    po2 = app.execute(
        commands.CreatePurchaseOrder(
            supplier="KONVEKSI",
            warehouse="JKT-1",
            lines=(commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=3),),
        )
    )
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po2))
    receipt = (ReceiptLine(sku="TSHIRT-RED-M", quantity=3),)
    app.execute(commands.ReceiveGoods(purchase_order_id=po2, lines=receipt))
    order = get(app, order_id)
    assert [(f.shipped, f.reserved, f.waiting) for f in order.fulfilment()] == [(10, 2, 0)]
    assert order.backordered_since is None
    assert stock(app, "JKT-1", "TSHIRT-RED-M") == (4, 2)  # one reservation, grown to 2
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert get(app, order_id).status is OrderStatus.SHIPPED
