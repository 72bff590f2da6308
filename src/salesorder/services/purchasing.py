"""Suppliers, purchase orders and goods receipts; receipts raise stock and serve backorders.

Lines and receipts may count in one of a product's purchase units (a box of 12): they are
converted to the product's own unit exactly (:func:`~salesorder.domain.purchasing.in_stock_unit`)
before anything changes, and the purchase order and the stock ledger keep the product's unit.
"""

from __future__ import annotations

import attrs

from salesorder.domain.inventory import MovementKind
from salesorder.domain.purchasing import (
    PurchaseLine,
    PurchaseOrder,
    ReceiptLine,
    in_stock_unit,
    propose_reorders,
)
from salesorder.exceptions import UnknownSKU, ValidationError
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp
from salesorder.services.commands import (
    AddSupplier,
    ClosePurchaseOrder,
    CreatePurchaseOrder,
    ProposePurchaseOrders,
    ReceiveGoods,
    SendPurchaseOrder,
)
from salesorder.services.inventory import receive, reserve_waiting
from salesorder.services.views import incoming

__all__ = [
    "add_supplier",
    "close_purchase_order",
    "create_purchase_order",
    "incoming",
    "propose_purchase_orders",
    "receive_goods",
    "send_purchase_order",
]


def add_supplier(app: SalesApp, command: AddSupplier) -> None:
    """Register a supplier (its code must be new; its SKUs must be in the catalog)."""
    with app.transaction() as tx:
        for item in command.supplier.items:
            if tx.uow.products.find(item.sku) is None:
                raise UnknownSKU(item.sku)
        tx.uow.suppliers.add(command.supplier)


def create_purchase_order(app: SalesApp, command: CreatePurchaseOrder) -> str:
    """Draft a purchase order; a line without a cost takes the supplier's."""
    with app.transaction() as tx:
        supplier = tx.uow.suppliers.get(command.supplier)
        tx.uow.warehouses.get(command.warehouse)
        lines = []
        for number, line in enumerate(command.lines, 1):
            offer = supplier.item_for(line.sku)
            cost = line.unit_cost or (offer.unit_cost if offer else None)
            if cost is None:
                raise ValidationError(
                    f"supplier {supplier.code!r} does not sell SKU {line.sku!r}; give a unit_cost"
                )
            product = tx.uow.products.find(line.sku)
            if product is None:
                raise UnknownSKU(line.sku)
            what = f"purchase order line {number} (SKU {line.sku!r})"
            quantity = in_stock_unit(product, line.quantity, line.unit, what=what)
            lines.append(PurchaseLine(sku=line.sku, quantity=quantity, unit_cost=cost))
        po = PurchaseOrder(
            id=app.ids.next_id("purchase order"),
            supplier=supplier.code,
            warehouse=command.warehouse,
            created_at=tx.now,
            lines=lines,
            expected_on=command.expected_on,
        )
        tx.uow.purchase_orders.add(po)
        return po.id


def propose_purchase_orders(app: SalesApp, command: ProposePurchaseOrders) -> list[str]:
    """Draft one purchase order per (supplier, warehouse) from the reorder proposals.

    Units on drafts not yet sent count as incoming here, so proposing twice drafts nothing
    new.
    """
    del command
    with app.transaction() as tx:
        proposals = propose_reorders(
            tx.uow.stock.list(), incoming(tx.uow, drafts=True), tx.uow.suppliers.list()
        )
        grouped: dict[tuple[str, str], list[PurchaseLine]] = {}
        notes: dict[tuple[str, str], list[str]] = {}
        for p in proposals:
            key = (p.supplier, p.warehouse)
            grouped.setdefault(key, []).append(
                PurchaseLine(sku=p.sku, quantity=p.quantity, unit_cost=p.unit_cost)
            )
            notes.setdefault(key, []).append(f"{p.sku}: {p.reason}")
        ids = []
        for (supplier, warehouse), lines in sorted(grouped.items()):
            po = PurchaseOrder(
                id=app.ids.next_id("purchase order"),
                supplier=supplier,
                warehouse=warehouse,
                created_at=tx.now,
                lines=lines,
                note="; ".join(notes[supplier, warehouse]),
            )
            tx.uow.purchase_orders.add(po)
            ids.append(po.id)
        return ids


def send_purchase_order(app: SalesApp, command: SendPurchaseOrder) -> None:
    """Send a draft purchase order."""
    with app.transaction() as tx:
        tx.uow.purchase_orders.get(command.purchase_order_id).send()


def _in_stock_units(
    uow: UnitOfWork, po: PurchaseOrder, lines: tuple[ReceiptLine, ...]
) -> list[ReceiptLine]:
    """The receipt's lines in their products' own units (converted from purchase units)."""
    converted = []
    for number, line in enumerate(lines, 1):
        product = uow.products.find(line.sku)
        if product is None:
            raise UnknownSKU(line.sku)
        what = f"receipt line {number} (SKU {line.sku!r}) for {po.thing}"
        converted.append(
            attrs.evolve(
                line,
                quantity=in_stock_unit(product, line.quantity, line.unit, what=what),
                rejected=in_stock_unit(product, line.rejected, line.unit, what=f"{what} rejected"),
                unit=None,
            )
        )
    return converted


def _given(line: ReceiptLine) -> str:
    return f" ({line.quantity} {line.unit})" if line.unit is not None else ""


def receive_goods(app: SalesApp, command: ReceiveGoods) -> str:
    """Record a goods receipt, raise stock by the accepted units, serve waiting backorders."""
    with app.transaction() as tx:
        po = tx.uow.purchase_orders.get(command.purchase_order_id)
        lines = _in_stock_units(tx.uow, po, command.lines)
        receipt = po.receive(
            app.ids.next_id("goods receipt"),
            lines,
            tx.now,
            accept_over=command.accept_over,
        )
        for line, given in zip(receipt.lines, command.lines, strict=True):
            if line.quantity:
                receive(
                    tx,
                    po.warehouse,
                    line.sku,
                    line.quantity,
                    kind=MovementKind.RECEIPT,
                    document=receipt.id,
                    reason=f"goods receipt for {po.id} from {po.supplier}{_given(given)}",
                )
        reserve_waiting(app, tx)
        return receipt.id


def close_purchase_order(app: SalesApp, command: ClosePurchaseOrder) -> None:
    """Close a purchase order: nothing more is expected on it."""
    with app.transaction() as tx:
        tx.uow.purchase_orders.get(command.purchase_order_id).close()
