"""The frames of orders, their lines, stock, the stock ledger, reservations and allocations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from salesorder.domain.allocation import Allocation, BatchAllocation
from salesorder.domain.channels import ChannelKind
from salesorder.domain.inventory import MovementKind, StockItem, StockMovement
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.tax import TaxMode
from salesorder.frames._frame import (
    Column,
    ColumnKind,
    Frame,
    category,
    money_columns,
    of_kind,
    put_money,
    text,
)
from salesorder.frames._sources import load
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp

__all__ = ["allocations", "ledger", "order_lines", "orders", "reservations", "stock"]

_QUANTITY = ColumnKind.QUANTITY

ORDERS: tuple[Column, ...] = (
    text("order_id"),
    text("channel"),
    category("channel_kind", ChannelKind),
    text("customer_id"),
    category("status", OrderStatus),
    Column(name="placed_at", kind=ColumnKind.DATETIME),
    category("payment_method", PaymentMethod),
    category("tax_mode", TaxMode),
    text("currency"),
    Column(name="lines", kind=ColumnKind.INTEGER),
    *money_columns("list_amount", "discount", "net", "tax", "gross", "shipping_charge"),
    *money_columns("amount_due", "paid", "refunded", "credited", "balance_due"),
    text("external_ref"),
    Column(name="requested_delivery_date", kind=ColumnKind.DATE),
    text("warehouse"),
)

ORDER_LINES: tuple[Column, ...] = (
    text("order_id"),
    text("line_id"),
    text("sku"),
    text("name"),
    category("status", OrderStatus),
    text("currency"),
    *of_kind(_QUANTITY, "quantity"),
    text("unit"),
    *money_columns("unit_price", "list_amount", "discount", "net", "tax", "gross", "cost"),
    text("tax_code"),
    Column(name="tax_rate", kind=ColumnKind.DECIMAL),
    *of_kind(_QUANTITY, "shipped", "returned"),
)

STOCK: tuple[Column, ...] = (
    text("warehouse"),
    text("sku"),
    *of_kind(_QUANTITY, "on_hand", "reserved", "available", "safety_stock"),
    *of_kind(_QUANTITY, "reorder_point", "reorder_quantity"),
    Column(name="movements", kind=ColumnKind.INTEGER),
    Column(name="last_movement_at", kind=ColumnKind.DATETIME),
)

LEDGER: tuple[Column, ...] = (
    text("warehouse"),
    text("sku"),
    Column(name="seq", kind=ColumnKind.INTEGER),
    category("kind", MovementKind),
    Column(name="at", kind=ColumnKind.DATETIME),
    *of_kind(_QUANTITY, "on_hand_change", "reserved_change"),
    text("document"),
    text("reason"),
)

RESERVATIONS: tuple[Column, ...] = (
    text("warehouse"),
    text("sku"),
    text("key"),
    text("order_id"),
    text("line_id"),
    *of_kind(_QUANTITY, "quantity"),
    *of_kind(ColumnKind.DATETIME, "created_at", "expires_at"),
)

#: What a row of the allocations frame is: units picked, or units backordered.
ALLOCATION_ROWS = ("pick", "backorder")

ALLOCATIONS: tuple[Column, ...] = (
    text("order_id"),
    text("strategy"),
    category("kind", ALLOCATION_ROWS),
    text("line_id"),
    text("sku"),
    text("warehouse"),
    *of_kind(_QUANTITY, "quantity"),
    text("reason"),
)


def _order_row(order: Order) -> dict[str, Any]:
    pricing = order.pricing
    row: dict[str, Any] = {
        "order_id": order.id,
        "channel": order.channel.code,
        "channel_kind": order.channel.kind.value,
        "customer_id": order.customer_id,
        "status": order.status.value,
        "placed_at": order.placed_at,
        "payment_method": order.payment_method.value,
        "tax_mode": order.tax_mode.value,
        "currency": order.currency,
        "lines": len(order.contents.lines),
    }
    for name in ("list_amount", "discount", "net", "tax", "gross"):
        put_money(row, name, None if pricing is None else getattr(pricing, name))
    put_money(row, "shipping_charge", order.shipping_charge)
    put_money(row, "amount_due", None if pricing is None else order.amount_due)
    put_money(row, "paid", order.paid)
    put_money(row, "refunded", order.refunded)
    put_money(row, "credited", order.credited)
    put_money(row, "balance_due", None if pricing is None else order.balance_due)
    row["external_ref"] = order.external_ref
    row["requested_delivery_date"] = order.requested_delivery_date
    row["warehouse"] = order.warehouse
    return row


def orders(source: SalesApp | UnitOfWork | Order | Iterable[Order]) -> Frame:
    """One row per order: who, where from, status, and its money (see ``docs/dataframes.md``).

    The pricing's amounts (``list_amount`` to ``gross``), ``amount_due`` and
    ``balance_due`` are None while the order is not priced.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or orders.
    """
    found = load(source, Order, lambda uow: uow.orders.list(), frame="orders")
    return Frame(name="orders", columns=ORDERS, rows=tuple(_order_row(o) for o in found))


def _line_rows(order: Order) -> list[dict[str, Any]]:
    pricing = order.pricing
    shipped, returned = order.shipped, order.returned
    rows = []
    for line in order.contents.lines:
        priced = None if pricing is None else pricing.line(line.line_id)
        row: dict[str, Any] = {
            "order_id": order.id,
            "line_id": line.line_id,
            "sku": line.sku,
            "name": line.name,
            "status": order.status.value,
            "currency": order.currency,
            "quantity": line.quantity,
            "unit": line.unit.code,
        }
        put_money(row, "unit_price", line.unit_price)
        for name in ("list_amount", "discount", "net", "tax", "gross", "cost"):
            put_money(row, name, None if priced is None else getattr(priced, name))
        row["tax_code"] = None if priced is None else priced.tax_code
        row["tax_rate"] = None if priced is None else priced.tax_rate
        row["shipped"] = shipped.get(line.line_id, 0)
        row["returned"] = returned.get(line.line_id, 0)
        rows.append(row)
    return rows


def order_lines(source: SalesApp | UnitOfWork | Order | Iterable[Order]) -> Frame:
    """One row per line of every order: SKU, exact quantity, unit price and priced amounts.

    The priced amounts, ``tax_code`` and ``tax_rate`` are None while the order is not
    priced; the lines of a priced order add up to its amounts exactly.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or orders.
    """
    found = load(source, Order, lambda uow: uow.orders.list(), frame="order_lines")
    rows = tuple(row for order in found for row in _line_rows(order))
    return Frame(name="order_lines", columns=ORDER_LINES, rows=rows)


def stock(source: SalesApp | UnitOfWork | StockItem | Iterable[StockItem]) -> Frame:
    """One row per stock item (warehouse, SKU): on hand, reserved, available and its policy.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or stock items.
    """
    items = load(source, StockItem, lambda uow: uow.stock.list(), frame="stock")
    rows = tuple(
        {
            "warehouse": item.warehouse,
            "sku": item.sku,
            "on_hand": item.on_hand,
            "reserved": item.reserved,
            "available": item.available,
            "safety_stock": item.safety_stock,
            "reorder_point": item.reorder_point,
            "reorder_quantity": item.reorder_quantity,
            "movements": item.movements,
            "last_movement_at": item.last_movement_at,
        }
        for item in items
    )
    return Frame(name="stock", columns=STOCK, rows=rows)


def _every_movement(uow: UnitOfWork) -> list[StockMovement]:
    book = uow.stock_ledger
    return [entry for item in uow.stock.list() for entry in book.for_item(*item.key)]


def ledger(source: SalesApp | UnitOfWork | StockMovement | Iterable[StockMovement]) -> Frame:
    """One row per stock ledger entry, with its signed on-hand and reserved changes.

    From an app or a unit of work: every item's entries, item by item (by warehouse and
    SKU), each item's by ``seq``. Summed per item, the changes give its on hand and reserved.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or ledger entries.
    """
    entries = load(source, StockMovement, _every_movement, frame="ledger")
    rows = tuple(
        {
            "warehouse": entry.warehouse,
            "sku": entry.sku,
            "seq": entry.seq,
            "kind": entry.kind.value,
            "at": entry.at,
            "on_hand_change": entry.on_hand_change,
            "reserved_change": entry.reserved_change,
            "document": entry.document,
            "reason": entry.reason,
        }
        for entry in entries
    )
    return Frame(name="ledger", columns=LEDGER, rows=rows)


def reservations(source: SalesApp | UnitOfWork | StockItem | Iterable[StockItem]) -> Frame:
    """One row per active reservation, with the stock item (warehouse, SKU) that holds it.

    Summed per item, the quantities give its ``reserved``.

    Raises:
        NotFrameable: ``source`` is not an app, a unit of work or stock items.
    """
    items = load(source, StockItem, lambda uow: uow.stock.list(), frame="reservations")
    rows = tuple(
        {
            "warehouse": item.warehouse,
            "sku": item.sku,
            "key": held.key,
            "order_id": held.order_id,
            "line_id": held.line_id,
            "quantity": held.quantity,
            "created_at": held.created_at,
            "expires_at": held.expires_at,
        }
        for item in items
        for held in item.reservations.values()
    )
    return Frame(name="reservations", columns=RESERVATIONS, rows=rows)


def allocations(source: BatchAllocation | Allocation | Iterable[Allocation]) -> Frame:
    """One row per pick and per backorder line of allocation results.

    ``kind`` says which; a backorder's ``warehouse`` is None. Summed, the picks' quantities
    give each allocation's ``units_allocated`` and the backorders' a batch's
    ``backordered_units``.

    Raises:
        NotFrameable: ``source`` is not a batch, an allocation or allocations.
    """
    found = (
        list(source.allocations)
        if isinstance(source, BatchAllocation)
        else load(source, Allocation, None, frame="allocations")
    )
    rows: list[dict[str, Any]] = []
    for allocation in found:
        rows.extend(
            {
                "order_id": allocation.order_id,
                "strategy": allocation.strategy,
                "kind": "pick",
                "line_id": pick.line_id,
                "sku": pick.sku,
                "warehouse": pick.warehouse,
                "quantity": pick.quantity,
                "reason": pick.reason,
            }
            for pick in allocation.picks
        )
        rows.extend(
            {
                "order_id": allocation.order_id,
                "strategy": allocation.strategy,
                "kind": "backorder",
                "line_id": back.line_id,
                "sku": back.sku,
                "warehouse": None,
                "quantity": back.quantity,
                "reason": back.reason,
            }
            for back in allocation.backorders
        )
    return Frame(name="allocations", columns=ALLOCATIONS, rows=tuple(rows))
