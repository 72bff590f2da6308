"""Catalog, customers, warehouses and goods receipts."""

from __future__ import annotations

from salesorder.domain.inventory import StockItem
from salesorder.exceptions import ValidationError
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import AddCustomer, AddProduct, AddWarehouse, ReceiveStock
from salesorder.services.inventory import receive

__all__ = ["add_customer", "add_product", "add_warehouse", "receive_stock"]


def add_warehouse(app: SalesApp, command: AddWarehouse) -> None:
    """Register a warehouse (its code must be new)."""
    with app.transaction() as tx:
        tx.uow.warehouses.add(command.warehouse)


def add_customer(app: SalesApp, command: AddCustomer) -> None:
    """Register a customer (its id must be new)."""
    with app.transaction() as tx:
        tx.uow.customers.add(command.customer)


def _receive(tx: Transaction, warehouse: str, sku: str, quantity: int) -> StockItem:
    return receive(tx, warehouse, sku, quantity, document="", reason="goods receipt")


def add_product(app: SalesApp, command: AddProduct) -> None:
    """Add a product; its initial stock is received into ``command.warehouse``."""
    product = command.product
    if product.price.currency != app.settings.currency:
        raise ValidationError(
            f"product {product.sku!r} is priced in {product.price.currency}, "
            f"the shop sells in {app.settings.currency}"
        )
    if product.initial_stock and command.warehouse is None:
        raise ValidationError(
            f"product {product.sku!r} has initial stock {product.initial_stock} but no warehouse"
        )
    with app.transaction() as tx:
        tx.uow.products.add(product)
        if product.initial_stock and command.warehouse is not None:
            _receive(tx, command.warehouse, product.sku, product.initial_stock)


def receive_stock(app: SalesApp, command: ReceiveStock) -> int:
    """A goods receipt: stock of a known SKU rises in a known warehouse."""
    with app.transaction() as tx:
        item = _receive(tx, command.warehouse, command.sku, command.quantity)
        return item.on_hand
