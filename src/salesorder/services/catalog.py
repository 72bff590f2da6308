"""Catalog, customers, warehouses and goods receipts."""

from __future__ import annotations

from salesorder.domain.contacts import checked_customer
from salesorder.domain.inventory import StockItem
from salesorder.domain.purchasing import in_stock_unit
from salesorder.domain.units import Quantity
from salesorder.exceptions import UnknownSKU, ValidationError
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import AddCustomer, AddProduct, AddWarehouse, ReceiveStock
from salesorder.services.inventory import receive

__all__ = ["add_customer", "add_product", "add_warehouse", "receive_stock"]


def add_warehouse(app: SalesApp, command: AddWarehouse) -> None:
    """Register a warehouse (its code must be new)."""
    with app.transaction() as tx:
        tx.uow.warehouses.add(command.warehouse)


def add_customer(app: SalesApp, command: AddCustomer) -> None:
    """Register a customer (its id must be new).

    With ``Settings.check_contacts``, its addresses, phones and e-mail are checked and
    normalised first (:func:`~salesorder.domain.contacts.checked_customer`): phones are
    stored in E.164.

    Raises:
        InvalidAddress: an address's country or subdivision code is unknown.
        InvalidPhone: a phone number does not parse.
        InvalidEmail: the e-mail address's syntax is wrong.
    """
    customer = command.customer
    if app.settings.check_contacts:
        customer = checked_customer(customer, region=app.settings.jurisdiction)
    with app.transaction() as tx:
        tx.uow.customers.add(customer)


def _receive(
    tx: Transaction, warehouse: str, sku: str, quantity: Quantity, reason: str = "goods receipt"
) -> StockItem:
    return receive(tx, warehouse, sku, quantity, document="", reason=reason)


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


def receive_stock(app: SalesApp, command: ReceiveStock) -> Quantity:
    """A goods receipt: stock of a known SKU rises in a known warehouse; returns on hand.

    A quantity in one of the product's purchase units (``unit="box"``) is received in the
    product's own unit, converted exactly (the ledger says what was given).

    Raises:
        TooManyDecimals: more decimals than the product's unit allows.
        InexactConversion: the purchase unit does not convert exactly.
    """
    with app.transaction() as tx:
        reason = "goods receipt"
        quantity = command.quantity
        if command.unit is not None:
            tx.uow.warehouses.get(command.warehouse)
            product = tx.uow.products.find(command.sku)
            if product is None:
                raise UnknownSKU(command.sku)
            what = f"receipt of SKU {command.sku!r} in {command.warehouse!r}"
            quantity = in_stock_unit(product, quantity, command.unit, what=what)
            reason = f"goods receipt of {command.quantity} {command.unit}"
        item = _receive(tx, command.warehouse, command.sku, quantity, reason)
        return item.on_hand
