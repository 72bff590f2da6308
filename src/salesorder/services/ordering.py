"""Capturing, editing, pricing, confirming, completing and cancelling orders."""

from __future__ import annotations

from salesorder.domain.events import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPlaced,
)
from salesorder.domain.orders import Order, OrderLine
from salesorder.exceptions import DuplicateError, InvalidAddress, UnknownSKU
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp
from salesorder.services.commands import (
    AddLine,
    CancelOrder,
    ChangeAddress,
    ChangeQuantity,
    CompleteOrder,
    ConfirmOrder,
    NewLine,
    PlaceOrder,
    RemoveLine,
)
from salesorder.services.inventory import release_order
from salesorder.services.pricing import release_vouchers, reprice

__all__ = [
    "add_line",
    "cancel_order",
    "change_address",
    "change_quantity",
    "complete_order",
    "confirm_order",
    "place_order",
    "remove_line",
    "reprice",
]


def build_line(uow: UnitOfWork, line_id: str, new: NewLine) -> OrderLine:
    """An order line for ``new``: catalog name, tax category and cost; price unless given."""
    product = uow.products.find(new.sku)
    if product is None:
        raise UnknownSKU(new.sku)
    return OrderLine(
        line_id=line_id,
        sku=new.sku,
        name=product.name,
        quantity=new.quantity,
        unit_price=new.unit_price if new.unit_price is not None else product.price,
        discount=new.discount,
        tax_category=product.tax_category,
        unit_cost=product.unit_cost,
        price_fixed=new.unit_price is not None,
    )


def place_order(app: SalesApp, command: PlaceOrder) -> str:
    """Capture an order; it is priced at once. Returns its id."""
    with app.transaction() as tx:
        uow = tx.uow
        customer = uow.customers.get(command.customer_id)
        if command.external_ref and uow.orders.find_by_external_ref(
            command.channel.code, command.external_ref
        ):
            raise DuplicateError(
                f"channel {command.channel.code!r} order {command.external_ref!r} exists already"
            )
        address = command.shipping_address or customer.default_address
        if address is None:
            raise InvalidAddress(
                f"order for customer {customer.id!r} has no shipping address and the customer "
                "has none on file"
            )
        order = Order.new(
            id=app.ids.next_id("order"),
            channel=command.channel,
            customer_id=customer.id,
            currency=app.settings.currency,
            placed_at=tx.now,
            lines=[build_line(uow, str(n), new) for n, new in enumerate(command.lines, 1)],
            shipping_address=address,
            tax_mode=app.settings.tax_mode,
            payment_method=command.payment_method,
            external_ref=command.external_ref,
            requested_delivery_date=command.requested_delivery_date,
            notes=command.notes,
            voucher_codes=command.vouchers,
        )
        reprice(app, tx, order)
        uow.orders.add(order)
        tx.raise_event(
            OrderPlaced(
                order_id=order.id,
                at=tx.now,
                channel=command.channel.code,
                external_ref=command.external_ref,
            )
        )
        return order.id


def add_line(app: SalesApp, command: AddLine) -> str:
    """Add a line to a new order and price it again; returns the line id."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        line = build_line(tx.uow, order.next_line_id(), command.line)
        order.add_line(line)
        reprice(app, tx, order)
        return line.line_id


def remove_line(app: SalesApp, command: RemoveLine) -> None:
    """Remove a line from a new order and price it again."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.remove_line(command.line_id)
        reprice(app, tx, order)


def change_quantity(app: SalesApp, command: ChangeQuantity) -> None:
    """Change a line's quantity on a new order and price it again."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.change_quantity(command.line_id, command.quantity)
        reprice(app, tx, order)


def change_address(app: SalesApp, command: ChangeAddress) -> None:
    """Change where a new order goes."""
    with app.transaction() as tx:
        tx.uow.orders.get(command.order_id).set_shipping_address(command.address)


def confirm_order(app: SalesApp, command: ConfirmOrder) -> None:
    """Confirm a verified order."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.confirm(tx.now)
        tx.raise_event(OrderConfirmed(order_id=order.id, at=tx.now))


def complete_order(app: SalesApp, command: CompleteOrder) -> None:
    """Close a delivered and fully paid order."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.complete(tx.now)
        tx.raise_event(OrderCompleted(order_id=order.id, at=tx.now))


def cancel_order(app: SalesApp, command: CancelOrder) -> None:
    """Cancel an order that has not shipped and release its reservations."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.cancel(tx.now, command.reason)
        release_order(tx, order, f"order cancelled: {command.reason}".rstrip(": "))
        release_vouchers(tx, order)
        tx.raise_event(OrderCancelled(order_id=order.id, at=tx.now, reason=command.reason))
