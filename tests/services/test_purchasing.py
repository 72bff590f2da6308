"""Purchasing, goods receipts, backorders, counts and returns through the application."""

from __future__ import annotations

import pytest
from conftest import BANDUNG, Snapshot

from salesorder import Money, SalesApp, commands
from salesorder.domain.purchasing import ReceiptLine, Supplier, SupplierItem
from salesorder.exceptions import IllegalTransition, OverReceipt, ReservationNotFound
from salesorder.services.inventory import ledger


def _supplier(app: SalesApp) -> None:
    item = SupplierItem(sku="TSHIRT-RED-M", unit_cost=Money.of("80000", "IDR"), lead_time_days=4)
    app.execute(
        commands.AddSupplier(supplier=Supplier(code="SUP-1", name="Konveksi", items=[item]))
    )


def _confirmed(app: SalesApp, quantity: int) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=quantity),),
            shipping_address=BANDUNG,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def test_purchase_order_lifecycle_with_a_partial_receipt_and_discrepancy(app: SalesApp) -> None:
    _supplier(app)
    po = app.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP-1",
            warehouse="JKT-1",
            lines=[commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=10)],
        )
    )
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po))
    first = app.execute(
        commands.ReceiveGoods(
            purchase_order_id=po,
            lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=6, rejected=1, note="torn")],
        )
    )
    with app.uow() as uow:
        order = uow.purchase_orders.get(po)
        assert order.status.value == "partly_received"
        assert order.receipts[0].discrepancies == ("TSHIRT-RED-M: 1 rejected torn",)
        assert uow.stock.get(("JKT-1", "TSHIRT-RED-M")).on_hand == 16
    assert ledger(app, "JKT-1", "TSHIRT-RED-M")[-1].document == first
    app.execute(
        commands.ReceiveGoods(
            purchase_order_id=po, lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=4)]
        )
    )
    app.execute(commands.ClosePurchaseOrder(purchase_order_id=po))
    with app.uow() as uow:
        assert uow.purchase_orders.get(po).status.value == "closed"


def test_receiving_more_than_ordered_is_refused_unless_accepted(
    app: SalesApp, snapshot: Snapshot
) -> None:
    _supplier(app)
    po = app.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP-1",
            warehouse="JKT-1",
            lines=[commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=2)],
        )
    )
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po))
    before = snapshot()
    with pytest.raises(OverReceipt, match="3 of SKU 'TSHIRT-RED-M' received, 2 outstanding"):
        app.execute(
            commands.ReceiveGoods(
                purchase_order_id=po, lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=3)]
            )
        )
    assert snapshot() == before
    app.execute(
        commands.ReceiveGoods(
            purchase_order_id=po,
            lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=3)],
            accept_over=True,
        )
    )


def test_receipts_serve_waiting_backorders_oldest_first(app: SalesApp) -> None:
    _supplier(app)
    first = _confirmed(app, 8)
    app.execute(commands.ReserveStock(order_id=first))  # 2 left in JKT-1
    waiting_a = _confirmed(app, 5)
    waiting_b = _confirmed(app, 3)
    assert app.execute(commands.ReserveStock(order_id=waiting_a, backorder=True)) == ""
    assert app.execute(commands.ReserveStock(order_id=waiting_b, backorder=True)) == ""
    app.execute(
        commands.SetStockPolicy(
            warehouse="JKT-1", sku="TSHIRT-RED-M", reorder_point=2, reorder_quantity=6
        )
    )
    (po,) = app.execute(commands.ProposePurchaseOrders())
    assert app.execute(commands.ProposePurchaseOrders()) == []  # the draft counts as on order
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po))
    assert app.execute(commands.ProposePurchaseOrders()) == []  # now it is incoming
    app.execute(
        commands.ReceiveGoods(
            purchase_order_id=po, lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=6)]
        )
    )
    with app.uow() as uow:
        # 8 available: the older backorder (5) is served, then the younger (3).
        assert uow.orders.get(waiting_a).status.value == "processing"
        assert uow.orders.get(waiting_b).status.value == "processing"
        assert uow.stock.get(("JKT-1", "TSHIRT-RED-M")).available == 0


def test_a_younger_backorder_does_not_jump_the_queue_it_cannot_fill(app: SalesApp) -> None:
    _supplier(app)
    app.execute(commands.ReserveStock(order_id=_confirmed(app, 10)))
    older = _confirmed(app, 5)
    younger = _confirmed(app, 1)
    app.execute(commands.ReserveStock(order_id=older, backorder=True))
    app.execute(commands.ReserveStock(order_id=younger, backorder=True))
    po = app.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP-1",
            warehouse="JKT-1",
            lines=[commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=5)],
        )
    )
    app.execute(commands.SendPurchaseOrder(purchase_order_id=po))
    app.execute(
        commands.ReceiveGoods(
            purchase_order_id=po, lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=5)]
        )
    )
    with app.uow() as uow:
        assert uow.orders.get(older).status.value == "processing"
        assert uow.orders.get(younger).status.value == "confirmed"


def test_receiving_on_a_draft_is_refused(app: SalesApp) -> None:
    _supplier(app)
    po = app.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP-1",
            warehouse="JKT-1",
            lines=[commands.PurchaseLineRequest(sku="TSHIRT-RED-M", quantity=1)],
        )
    )
    with pytest.raises(IllegalTransition, match="cannot receive purchase order"):
        app.execute(
            commands.ReceiveGoods(
                purchase_order_id=po, lines=[ReceiptLine(sku="TSHIRT-RED-M", quantity=1)]
            )
        )


def test_count_return_and_write_off_post_to_the_ledger(app: SalesApp) -> None:
    now = app.clock.now()
    assert (
        app.execute(
            commands.CountStock(
                warehouse="JKT-1", sku="TSHIRT-RED-M", counted=8, counted_at=now, reason="Q1"
            )
        )
        == -2
    )
    app.execute(commands.ReturnStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=1))
    app.execute(
        commands.ReturnStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=1, sellable=False)
    )
    app.execute(
        commands.TransferStock(
            from_warehouse="JKT-1", to_warehouse="SBY-1", sku="TSHIRT-RED-M", quantity=4
        )
    )
    kinds = [m.kind.value for m in ledger(app, "JKT-1", "TSHIRT-RED-M")]
    assert kinds == [
        "receipt",
        "count_adjustment",
        "return",
        "return",
        "write_off",
        "transfer_out",
    ]
    with app.uow() as uow:
        assert uow.stock.get(("JKT-1", "TSHIRT-RED-M")).on_hand == 5
        assert uow.stock.get(("SBY-1", "TSHIRT-RED-M")).on_hand == 4


def test_shipping_a_reservation_that_does_not_exist_is_a_specific_error() -> None:
    from salesorder.domain.inventory import StockItem

    item = StockItem(warehouse="JKT-1", sku="A", on_hand=1)
    with pytest.raises(ReservationNotFound, match="reservation of SKU 'A' in 'JKT-1'"):
        item.ship("O1/1")
