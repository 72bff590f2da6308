"""Fractional stock through the commands: kilograms to the gram, purchase units, refusals.

The shop of ``conftest`` (pieces only) gets two more products: COFFEE, sold and stocked by
the kilogram (3 decimals), bought in bags of 0.25 kg, with 10.5 kg in JKT-1; and CUP, by the
piece, bought in boxes of 12, with 24 in JKT-1. A supplier SUP sells both.

Every refusal names the SKU, where it happened and the unit, and leaves everything as it was
(the committed state, the stock ledger and the purchase orders).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from tests.services.conftest import committed_state

from salesorder import Money, Product, SalesApp, commands
from salesorder.domain.inventory import MovementKind, StockItem
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.purchasing import ReceiptLine, Supplier, SupplierItem
from salesorder.domain.units import (
    KILOGRAM,
    PIECE,
    InexactConversion,
    TooManyDecimals,
    UnitConversion,
)
from salesorder.exceptions import ValidationError
from salesorder.serialization import structure, unstructure
from salesorder.services.inventory import ledger

D = Decimal


def _idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


@pytest.fixture
def shop(app: SalesApp) -> SalesApp:
    """The conftest shop with COFFEE (kg) and CUP (pieces, boxes of 12), and supplier SUP."""
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="COFFEE",
                name="Coffee beans",
                price=_idr("200000"),
                unit_cost=_idr("120000"),
                weight_kg="1",
                unit=KILOGRAM,
                purchase_units=(UnitConversion(unit="bag", un_code="XBG", factor=D("0.25")),),
                initial_stock=D("10.5"),
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="CUP",
                name="Cup",
                price=_idr("30000"),
                unit_cost=_idr("12000"),
                weight_kg="0.25",
                purchase_units=(UnitConversion(unit="box", un_code="XBX", factor=12),),
                initial_stock=24,
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(
        commands.AddSupplier(
            supplier=Supplier(
                code="SUP",
                name="Supplier",
                items=(
                    SupplierItem(sku="COFFEE", unit_cost=_idr("110000")),
                    SupplierItem(sku="CUP", unit_cost=_idr("11000")),
                ),
            )
        )
    )
    return app


def everything(app: SalesApp) -> dict[str, Any]:
    """The committed state, with every stock ledger and every purchase order."""
    state = committed_state(app)
    with app.uow() as uow:
        state["ledger"] = {
            item.key: uow.stock_ledger.for_item(*item.key) for item in uow.stock.list()
        }
        state["purchase_orders"] = uow.purchase_orders.list()
    return state


def item(app: SalesApp, warehouse: str, sku: str) -> StockItem:
    with app.uow() as uow:
        return uow.stock.get((warehouse, sku))


def assert_ledger_adds_up(app: SalesApp) -> None:
    with app.uow() as uow:
        for stock in uow.stock.list():
            entries = uow.stock_ledger.for_item(*stock.key)
            assert sum(e.on_hand_change for e in entries) == stock.on_hand, stock.key
            assert sum(e.reserved_change for e in entries) == stock.reserved, stock.key


def place(app: SalesApp, quantity: Decimal | int, sku: str = "COFFEE") -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku=sku, quantity=quantity),),
            payment_method=PaymentMethod.ON_ACCOUNT,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


# -- what goes through -----------------------------------------------------------------------


def test_kilograms_go_from_receipt_to_order_to_shipment_exactly(shop: SalesApp) -> None:
    """10.5 kg + 0.125 kg received, 1.25 kg ordered, reserved and shipped: 9.375 kg left.

    By hand: 10.5 + 0.125 = 10.625 on hand; reserving 1.25 leaves 9.375 available; shipping
    takes the 1.25 out of on hand and reserved alike: 9.375 on hand, 0 reserved.
    """
    assert shop.execute(
        commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.125"))
    ) == D("10.625")
    order_id = place(shop, D("1.25"))
    assert shop.execute(commands.ReserveStock(order_id=order_id)) == "JKT-1"
    reserved = item(shop, "JKT-1", "COFFEE")
    assert (reserved.reserved, reserved.available) == (D("1.25"), D("9.375"))
    shop.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    shipped = item(shop, "JKT-1", "COFFEE")
    assert (shipped.on_hand, shipped.reserved) == (D("9.375"), 0)
    moves = ledger(shop, "JKT-1", "COFFEE")
    assert [(m.kind, m.on_hand_change, m.reserved_change) for m in moves] == [
        (MovementKind.RECEIPT, D("10.5"), 0),
        (MovementKind.RECEIPT, D("0.125"), 0),
        (MovementKind.RESERVATION, 0, D("1.25")),
        (MovementKind.SHIPMENT, D("-1.25"), D("-1.25")),
    ]
    assert_ledger_adds_up(shop)
    assert structure(unstructure(shipped), StockItem) == shipped


def test_counts_write_offs_transfers_and_returns_of_kilograms_stay_exact(shop: SalesApp) -> None:
    """10.5 kg: count 10.4 (-0.1), write off 0.25, send 2.125 to SBY-1, 0.375 comes back.

    JKT-1: 10.5 - 0.1 - 0.25 - 2.125 + 0.375 = 8.4 kg; SBY-1: 2.125 kg.
    """
    variance = shop.execute(
        commands.CountStock(
            warehouse="JKT-1",
            sku="COFFEE",
            counted=D("10.4"),
            counted_at=shop.clock.now(),
        )
    )
    assert variance == D("-0.1")
    shop.execute(
        commands.WriteOffStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.25"), reason="wet")
    )
    shop.execute(
        commands.TransferStock(
            from_warehouse="JKT-1", to_warehouse="SBY-1", sku="COFFEE", quantity=D("2.125")
        )
    )
    shop.execute(commands.ReturnStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.375")))
    assert item(shop, "JKT-1", "COFFEE").on_hand == D("8.4")
    assert item(shop, "SBY-1", "COFFEE").on_hand == D("2.125")
    assert_ledger_adds_up(shop)


def test_whole_quantities_stay_ints(shop: SalesApp) -> None:
    """Pieces, and kilograms that add up to whole ones (0.5 + 0.5 = 1), are ints."""
    shop.execute(commands.ReceiveStock(warehouse="SBY-1", sku="COFFEE", quantity=D("0.5")))
    on_hand = shop.execute(commands.ReceiveStock(warehouse="SBY-1", sku="COFFEE", quantity="0.5"))
    assert on_hand == 1
    assert type(on_hand) is int
    assert type(item(shop, "SBY-1", "COFFEE").on_hand) is int
    cups = shop.execute(commands.ReceiveStock(warehouse="JKT-1", sku="CUP", quantity=3))
    assert type(cups) is int
    for sku in ("CUP", "TSHIRT-RED-M"):
        assert type(item(shop, "JKT-1", sku).on_hand) is int
        assert all(type(m.on_hand_change) is int for m in ledger(shop, "JKT-1", sku))


def test_receiving_in_a_purchase_unit_converts_to_the_products_unit(shop: SalesApp) -> None:
    """3 bags of 0.25 kg are 0.75 kg; 2 boxes of 12 cups are 24 cups."""
    assert shop.execute(
        commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=3, unit="bag")
    ) == D("11.25")
    assert (
        shop.execute(commands.ReceiveStock(warehouse="JKT-1", sku="CUP", quantity=2, unit="box"))
        == 48
    )
    last = ledger(shop, "JKT-1", "COFFEE")[-1]
    assert (last.on_hand_change, last.reason) == (D("0.75"), "goods receipt of 3 bag")


def test_a_purchase_order_in_boxes_is_ordered_and_received_in_pieces(shop: SalesApp) -> None:
    """2 boxes of 12 ordered (24 cups); 1.5 boxes (18 cups) and then 6 cups received."""
    po_id = shop.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP",
            warehouse="JKT-1",
            lines=(
                commands.PurchaseLineRequest(sku="CUP", quantity=2, unit="box"),
                commands.PurchaseLineRequest(sku="COFFEE", quantity=D("2.5")),
            ),
        )
    )
    shop.execute(commands.SendPurchaseOrder(purchase_order_id=po_id))
    with shop.uow() as uow:
        assert [(line.sku, line.quantity) for line in uow.purchase_orders.get(po_id).lines] == [
            ("CUP", 24),
            ("COFFEE", D("2.5")),
        ]
    shop.execute(
        commands.ReceiveGoods(
            purchase_order_id=po_id,
            lines=(
                ReceiptLine(sku="CUP", quantity=D("1.5"), unit="box"),
                ReceiptLine(sku="COFFEE", quantity=6, unit="bag", rejected=4),
            ),
        )
    )
    with shop.uow() as uow:
        po = uow.purchase_orders.get(po_id)
        assert [(line.sku, line.received, line.outstanding) for line in po.lines] == [
            ("CUP", 18, 6),
            ("COFFEE", D("1.5"), 1),
        ]
        (receipt,) = po.receipts
        assert [(r.quantity, r.rejected, r.unit) for r in receipt.lines] == [
            (18, 0, None),
            (D("1.5"), 1, None),
        ]
    assert item(shop, "JKT-1", "CUP").on_hand == 42
    assert item(shop, "JKT-1", "COFFEE").on_hand == 12
    reason = ledger(shop, "JKT-1", "CUP")[-1].reason
    assert reason == f"goods receipt for {po_id} from SUP (1.5 box)"
    assert_ledger_adds_up(shop)


# -- refusals: each names what and where, and changes nothing --------------------------------


def test_a_receipt_with_more_decimals_than_the_unit_is_refused(shop: SalesApp) -> None:
    before = everything(shop)
    with pytest.raises(
        TooManyDecimals,
        match=r"receipt of SKU 'COFFEE' in 'JKT-1': 0\.1234 kg has 4 decimals, "
        r"kg allows 3 decimals",
    ):
        shop.execute(commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity="0.1234"))
    with pytest.raises(
        TooManyDecimals,
        match=r"receipt of SKU 'CUP' in 'SBY-1': 0\.5 pcs has 1 decimals, pcs allows whole units",
    ):
        shop.execute(commands.ReceiveStock(warehouse="SBY-1", sku="CUP", quantity=D("0.5")))
    assert everything(shop) == before


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            commands.ReturnStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.0005")),
            r"return of SKU 'COFFEE' in 'JKT-1': 0\.0005 kg has 4 decimals",
        ),
        (
            commands.WriteOffStock(
                warehouse="JKT-1", sku="COFFEE", quantity=D("1.0005"), reason="spilt"
            ),
            r"write-off of SKU 'COFFEE' in 'JKT-1': 1\.0005 kg has 4 decimals",
        ),
        (
            commands.WriteOffStock(warehouse="JKT-1", sku="CUP", quantity=D("1.5"), reason="x"),
            r"write-off of SKU 'CUP' in 'JKT-1': 1\.5 pcs has 1 decimals, pcs allows whole",
        ),
        (
            commands.TransferStock(
                from_warehouse="JKT-1", to_warehouse="SBY-1", sku="COFFEE", quantity=D("0.0001")
            ),
            r"transfer of SKU 'COFFEE' from 'JKT-1' to 'SBY-1': 0\.0001 kg has 4 decimals",
        ),
        (
            commands.SetStockPolicy(warehouse="JKT-1", sku="CUP", safety_stock=D("0.5")),
            r"safety stock of SKU 'CUP' in 'JKT-1': 0\.5 pcs has 1 decimals",
        ),
        (
            commands.SetStockPolicy(warehouse="JKT-1", sku="COFFEE", reorder_point=D("0.0001")),
            r"reorder point of SKU 'COFFEE' in 'JKT-1': 0\.0001 kg has 4 decimals",
        ),
        (
            commands.SetStockPolicy(warehouse="JKT-1", sku="COFFEE", reorder_quantity=D("5.5555")),
            r"reorder quantity of SKU 'COFFEE' in 'JKT-1': 5\.5555 kg has 4 decimals",
        ),
    ],
    ids=[
        "return",
        "write-off",
        "write-off-of-pieces",
        "transfer",
        "safety-stock",
        "reorder-point",
        "reorder-quantity",
    ],
)
def test_adjustments_with_more_decimals_than_the_unit_are_refused(
    shop: SalesApp, command: commands.Command[Any], message: str
) -> None:
    before = everything(shop)
    with pytest.raises(TooManyDecimals, match=message):
        shop.execute(command)
    assert everything(shop) == before


def test_a_count_with_more_decimals_than_the_unit_is_refused(shop: SalesApp) -> None:
    before = everything(shop)
    with pytest.raises(
        TooManyDecimals, match=r"count of SKU 'COFFEE' in 'SBY-1': 2\.0001 kg has 4 decimals"
    ):
        shop.execute(
            commands.CountStock(
                warehouse="SBY-1", sku="COFFEE", counted=D("2.0001"), counted_at=shop.clock.now()
            )
        )
    assert everything(shop) == before


def test_a_pick_with_more_decimals_than_the_unit_is_refused(shop: SalesApp) -> None:
    order_id = place(shop, D("1.25"))
    shop.execute(commands.ReserveStock(order_id=order_id))
    wave_id = shop.execute(commands.CreateWave(warehouse="JKT-1"))
    before = everything(shop)
    with pytest.raises(
        TooManyDecimals,
        match=rf"pick of SKU 'COFFEE' on wave '{wave_id}' in 'JKT-1': 1\.2495 kg has 4 decimals",
    ):
        shop.execute(commands.ConfirmPick(wave_id=wave_id, sku="COFFEE", picked=D("1.2495")))
    assert everything(shop) == before
    # 1.249 kg found of 1.25: 0.001 kg short, out of the stock and the reservation.
    assert shop.execute(
        commands.ConfirmPick(wave_id=wave_id, sku="COFFEE", picked=D("1.249"))
    ) == D("0.001")
    assert item(shop, "JKT-1", "COFFEE").on_hand == D("10.499")
    assert_ledger_adds_up(shop)


def test_a_reservation_finer_than_the_catalogs_unit_now_is_refused(shop: SalesApp) -> None:
    """An order of 1.25 kg of a product the catalog has since switched to pieces.

    (Another process rewrote the catalog row; the order still says 1.25.) Reserving it
    would hold a quarter of a piece, so it is refused, naming the order line.
    """
    order_id = place(shop, D("1.25"))
    table = shop.uow.tables["products"]  # type: ignore[attr-defined]
    version, product = table.rows["COFFEE"]
    pieces = attrs.evolve(product, unit=PIECE, purchase_units=(), initial_stock=0)
    table.rows["COFFEE"] = (version + 1, pieces)
    before = everything(shop)
    with pytest.raises(
        TooManyDecimals,
        match=rf"order '{order_id}' line '1' \(SKU 'COFFEE'\) in 'JKT-1': 1\.25 pcs has 2 "
        "decimals, pcs allows whole units",
    ):
        shop.execute(commands.ReserveStock(order_id=order_id))
    assert everything(shop) == before


def test_purchase_lines_that_do_not_convert_exactly_are_refused(shop: SalesApp) -> None:
    before = everything(shop)
    with pytest.raises(
        InexactConversion,
        match=r"purchase order line 2 \(SKU 'CUP'\): 0\.1 box of 12 pcs is 1\.2 pcs, "
        "pcs allows whole units",
    ):
        shop.execute(
            commands.CreatePurchaseOrder(
                supplier="SUP",
                warehouse="JKT-1",
                lines=(
                    commands.PurchaseLineRequest(sku="COFFEE", quantity=1),
                    commands.PurchaseLineRequest(sku="CUP", quantity=D("0.1"), unit="box"),
                ),
            )
        )
    with pytest.raises(
        TooManyDecimals,
        match=r"purchase order line 1 \(SKU 'COFFEE'\): 0\.0001 kg has 4 decimals",
    ):
        shop.execute(
            commands.CreatePurchaseOrder(
                supplier="SUP",
                warehouse="JKT-1",
                lines=(commands.PurchaseLineRequest(sku="COFFEE", quantity=D("0.0001")),),
            )
        )
    with pytest.raises(ValidationError, match="product 'CUP' has no unit 'crate'"):
        shop.execute(
            commands.CreatePurchaseOrder(
                supplier="SUP",
                warehouse="JKT-1",
                lines=(commands.PurchaseLineRequest(sku="CUP", quantity=1, unit="crate"),),
            )
        )
    assert everything(shop) == before


def test_receipts_that_do_not_convert_exactly_are_refused(shop: SalesApp) -> None:
    po_id = shop.execute(
        commands.CreatePurchaseOrder(
            supplier="SUP",
            warehouse="JKT-1",
            lines=(
                commands.PurchaseLineRequest(sku="COFFEE", quantity=5),
                commands.PurchaseLineRequest(sku="CUP", quantity=24),
            ),
        )
    )
    shop.execute(commands.SendPurchaseOrder(purchase_order_id=po_id))
    before = everything(shop)
    # 0.002 bags of 0.25 kg are 0.0005 kg: four decimals, the kilogram allows three.
    with pytest.raises(
        InexactConversion,
        match=rf"receipt line 2 \(SKU 'COFFEE'\) for purchase order '{po_id}': 0\.002 bag "
        r"of 0\.25 kg is 0\.0005 kg, kg allows 3 decimals",
    ):
        shop.execute(
            commands.ReceiveGoods(
                purchase_order_id=po_id,
                lines=(
                    ReceiptLine(sku="CUP", quantity=1, unit="box"),
                    ReceiptLine(sku="COFFEE", quantity=D("0.002"), unit="bag"),
                ),
            )
        )
    with pytest.raises(
        InexactConversion,
        match=r"line 1 \(SKU 'CUP'\) .* rejected: 0\.1 box of 12 pcs is 1\.2 pcs, pcs allows whole",
    ):
        shop.execute(
            commands.ReceiveGoods(
                purchase_order_id=po_id,
                lines=(ReceiptLine(sku="CUP", quantity=1, rejected=D("0.1"), unit="box"),),
            )
        )
    with pytest.raises(TooManyDecimals, match=r"\(SKU 'CUP'\) .*: 1\.5 pcs has 1 decimals"):
        shop.execute(
            commands.ReceiveGoods(
                purchase_order_id=po_id, lines=(ReceiptLine(sku="CUP", quantity=D("1.5")),)
            )
        )
    with pytest.raises(
        InexactConversion, match=r"0\.001 bag of 0\.25 kg is 0\.00025 kg, kg allows 3 decimals"
    ):
        shop.execute(
            commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.001"), unit="bag")
        )
    assert everything(shop) == before
