"""Capturing, editing, pricing, confirming, completing and cancelling orders.

Each handler opens one unit of work. :func:`place`, :func:`readdress` and :func:`cancel` do
the work of :func:`place_order`, :func:`change_address` and :func:`cancel_order` inside a
unit of work the caller holds (as :func:`~salesorder.services.pricing.reprice` does), so a
use case of several steps (a marketplace delivery) commits all of them or none.
"""

from __future__ import annotations

import attrs

from salesorder.domain.contacts import checked_address
from salesorder.domain.customers import Address
from salesorder.domain.events import (
    OrderAmended,
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderHeld,
    OrderPlaced,
    OrderReleased,
)
from salesorder.domain.invoicing import DocumentType, Invoice
from salesorder.domain.lifecycle import OrderAction, OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.pricing import PricedOrder
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import (
    AmendmentRefused,
    DuplicateError,
    IllegalTransition,
    InvalidAddress,
    TaxRateNotFound,
    UnknownSKU,
)
from salesorder.money import Money
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.billing import credit_invoice, invoiced_in_full, refund_order
from salesorder.services.commands import (
    AddLine,
    AddOrderCharge,
    AmendOrder,
    CancelLines,
    CancelOrder,
    ChangeAddress,
    ChangeQuantity,
    CompleteOrder,
    ConfirmOrder,
    HoldOrder,
    NewLine,
    PlaceOrder,
    ReleaseOrder,
    RemoveLine,
)
from salesorder.services.inventory import release_order, reserve_outstanding
from salesorder.services.pricing import price, release_vouchers, reprice

__all__ = [
    "add_line",
    "add_order_charge",
    "amend_order",
    "cancel",
    "cancel_lines",
    "cancel_order",
    "change_address",
    "change_quantity",
    "complete_order",
    "confirm_order",
    "hold_order",
    "place",
    "place_order",
    "readdress",
    "release_hold",
    "remove_line",
    "reprice",
]


def build_line(uow: UnitOfWork, line_id: str, new: NewLine) -> OrderLine:
    """An order line for ``new``: catalog name, unit, tax category and cost; price unless given.

    Raises:
        UnknownSKU: the catalog has no such product.
        TooManyDecimals: the quantity has more decimals than the product's unit allows.
    """
    product = uow.products.find(new.sku)
    if product is None:
        raise UnknownSKU(new.sku)
    return OrderLine(
        line_id=line_id,
        sku=new.sku,
        name=product.name,
        quantity=new.quantity,
        unit=product.unit,
        unit_price=new.unit_price if new.unit_price is not None else product.price,
        discount=new.discount,
        tax_category=product.tax_category,
        unit_cost=product.unit_cost,
        price_fixed=new.unit_price is not None,
    )


def _new_address(app: SalesApp, address: Address | None, field: str) -> Address | None:
    """A new address given to a command, checked when ``Settings.check_contacts`` is set.

    Marketplace imports (:func:`place`, :func:`readdress` called by the channel services)
    are not checked: a marketplace masks buyers' phones, and its data is what it is.
    """
    if address is None or not app.settings.check_contacts:
        return address
    return checked_address(address, field=field)


def place_order(app: SalesApp, command: PlaceOrder) -> str:
    """Capture an order; it is priced at once. Returns its id.

    With ``Settings.check_contacts``, a shipping address given with the command is checked
    and its phone stored in E.164 (:func:`~salesorder.domain.contacts.checked_address`).
    """
    address = _new_address(app, command.shipping_address, "PlaceOrder.shipping_address")
    if address is not command.shipping_address:
        command = attrs.evolve(command, shipping_address=address)
    with app.transaction() as tx:
        return place(app, tx, command)


def place(app: SalesApp, tx: Transaction, command: PlaceOrder) -> str:
    """Capture an order in ``tx`` (see :func:`place_order`); returns its id."""
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
    """Change where an order goes: an edit while new, an amendment once confirmed.

    With ``Settings.check_contacts`` the address is checked first, as by :func:`place_order`.
    """
    address = _new_address(app, command.address, "ChangeAddress.address")
    if address is not command.address and address is not None:
        command = attrs.evolve(command, address=address)
    with app.transaction() as tx:
        readdress(app, tx, command)


def readdress(app: SalesApp, tx: Transaction, command: ChangeAddress) -> None:
    """Change where an order goes, in ``tx`` (see :func:`change_address`)."""
    order = tx.uow.orders.get(command.order_id)
    if order.status is OrderStatus.NEW:
        order.set_shipping_address(command.address)
        return
    order.check(OrderAction.AMEND)
    if command.address == order.shipping_address:
        return
    _change(
        app,
        tx,
        order,
        list(order.lines),
        ["shipping address changed"],
        key="",
        reason="address changed",
        address=command.address,
    )


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


def add_order_charge(app: SalesApp, command: AddOrderCharge) -> None:
    """Charge the buyer for a COD fee, packaging, insurance...: the order owes it at once.

    A ``tax_category`` of None is the shop's ``shipping_tax_category``; the category must
    have a rate on the day the order was placed (the invoice taxes the charge as of then).

    Raises:
        TaxRateNotFound: the tax table has no rate for the category.
        IllegalTransition: the order is invoiced in full, cancelled or closed.
        CurrencyMismatch, ValidationError, TooManyDigits, DuplicateError: see
            :func:`~salesorder.domain.order_charges.new_charge`.
    """
    settings = app.settings
    category = command.tax_category
    if category is None:
        category = settings.shipping_tax_category
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        if category is not None:
            try:
                settings.tax_table.rates_for(
                    settings.jurisdiction, category, order.placed_at.date()
                )
            except TaxRateNotFound as error:
                raise TaxRateNotFound(f"{order.thing}, charge {command.code!r}: {error}") from None
        if invoiced_in_full(app, tx.uow, order):
            raise IllegalTransition(
                order.thing,
                order.status.value,
                f"add charge {command.code!r} of {command.amount} to",
                "it is invoiced in full",
            )
        order.add_charge(command.code, command.description, command.amount, category)


def _receivable(tx: Transaction, order: Order) -> list[Invoice]:
    invoices = [tx.uow.invoices.get(i) for i in order.invoice_ids]
    return [i for i in invoices if i.is_receivable and i.creditable.is_positive]


def _settle(app: SalesApp, tx: Transaction, order: Order, reference: str) -> None:
    """Refund everything paid, then credit every issued invoice in full (a cancellation).

    Money goes first: refunds release the invoices' payments, so the credit notes take back
    only what is not owed.
    """
    if order.paid.is_positive:
        refund_order(tx, order, order.paid, reference, settles=False)
    for invoice in reversed(_receivable(tx, order)):
        credit_invoice(
            app,
            tx,
            invoice,
            invoice.creditable,
            reason=f"{reference}: order {order.id} cancelled",
        )


def _price_drops(
    tx: Transaction, order: Order, priced: PricedOrder
) -> list[tuple[Invoice, dict[str, Money]]]:
    """What an amendment takes off each invoiced line, per issued invoice (line id -> gross).

    A line is credited what its price fell by (its gross before minus after; a line whose
    price rose is not charged more here). Each order line is on one issued invoice at most.

    Raises:
        AmendmentRefused: a line would come down by more than its invoice line has left to
            credit (a credit note already took it back): the amendment would credit it twice.
    """
    assert order.pricing is not None  # noqa: S101 - an order is priced before it is amended
    before = {line.line_id: line.gross for line in order.pricing.lines}
    after = {line.line_id: line.gross for line in priced.lines}
    zero = Money.zero(order.currency)
    drops: list[tuple[Invoice, dict[str, Money]]] = []
    for invoice_id in order.invoice_ids:
        invoice = tx.uow.invoices.get(invoice_id)
        # An invoice or the replacement of one lists the goods; an adjustment does not.
        if invoice.document is DocumentType.ADJUSTMENT or not invoice.is_receivable:
            continue
        lines: dict[str, Money] = {}
        for line in invoice.lines:
            drop = before.get(line.line_id, zero) - after.get(line.line_id, zero)
            if not drop.is_positive:
                continue
            left = invoice.line_creditable(line.line_id)
            if drop > left:
                raise AmendmentRefused(
                    order.thing,
                    f"line {line.line_id!r} would come down by {drop}, but {invoice.thing} has "
                    f"only {left} of it left to credit (a credit note took the rest back)",
                )
            lines[line.line_id] = drop
        if lines:
            drops.append((invoice, lines))
    return drops


def cancel_order(app: SalesApp, command: CancelOrder) -> None:
    """Cancel an order that has not shipped: release its stock and vouchers, settle its money.

    Payments are refunded and issued invoices credited in full, in the same unit of work.
    """
    with app.transaction() as tx:
        cancel(app, tx, command)


def cancel(app: SalesApp, tx: Transaction, command: CancelOrder) -> None:
    """Cancel an order in ``tx`` (see :func:`cancel_order`)."""
    order = tx.uow.orders.get(command.order_id)
    order.check(OrderAction.CANCEL)
    _settle(app, tx, order, f"{order.id}-cancel")
    order.cancel(tx.now, command.reason)
    release_order(tx, order, f"order cancelled: {command.reason}".rstrip(": "))
    release_vouchers(tx, order)
    tx.raise_event(OrderCancelled(order_id=order.id, at=tx.now, reason=command.reason))


def hold_order(app: SalesApp, command: HoldOrder) -> None:
    """Put an order on hold; its reservations stay."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.hold(tx.now, command.reason)
        tx.raise_event(OrderHeld(order_id=order.id, at=tx.now, reason=command.reason))


def release_hold(app: SalesApp, command: ReleaseOrder) -> None:
    """Release a hold: the order carries on from where it was held."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        order.release(tx.now)
        tx.raise_event(OrderReleased(order_id=order.id, at=tx.now))


def _next_number(order: Order, lines: dict[str, OrderLine]) -> int:
    ids = [*lines, *(line.line_id for line in order.lines)]
    return max((int(i) for i in ids if i.isdigit()), default=0)


def _amended(
    uow: UnitOfWork,
    order: Order,
    *,
    add: tuple[NewLine, ...] = (),
    remove: tuple[str, ...] = (),
    quantities: dict[str, Quantity],
) -> tuple[list[OrderLine], list[str]]:
    """The order's lines after the change, and what changed, in words."""
    lines = {line.line_id: line for line in order.lines}
    changes = []
    for line_id in remove:
        order.line(line_id)
        lines.pop(line_id, None)
        changes.append(f"line {line_id!r} removed")
    for line_id, quantity in quantities.items():
        line = order.line(line_id)
        if quantity == 0:
            lines.pop(line_id, None)
            changes.append(f"line {line_id!r} removed")
        elif quantity != line.quantity and line_id in lines:
            lines[line_id] = attrs.evolve(line, quantity=quantity)
            changes.append(f"line {line_id!r} quantity {line.quantity} -> {quantity}")
    number = _next_number(order, lines)
    for new in add:
        number += 1
        line = build_line(uow, str(number), new)
        lines[line.line_id] = line
        changes.append(f"line {line.line_id!r} added: {line.quantity} x {line.sku}")
    return list(lines.values()), changes


def _consequences(
    tx: Transaction,
    order: Order,
    gross_after: Money,
    drops: list[tuple[Invoice, dict[str, Money]]],
) -> list[str]:
    """What the amendment means for shipments made, invoices issued and money paid."""
    said = []
    difference = gross_after - order.total
    if order.shipment_ids:
        said.append(f"shipments {', '.join(order.shipment_ids)} already left and stay as they are")
    for invoice, credited in drops:
        total = Money.sum(credited.values(), order.currency)
        said.append(f"invoice {invoice.number}: credit {total} (credit note)")
    if difference.is_positive:
        for invoice in _receivable(tx, order):
            said.append(f"invoice {invoice.number}: invoice {difference} more")
            break
    due_after = order.amount_due_at(gross_after)
    if order.paid > due_after:
        said.append(f"{order.paid - due_after} of what was paid is refunded")
    elif order.paid.is_positive and due_after > order.paid:
        said.append(f"collect {due_after - order.paid} more from the buyer")
    return said


def _change(
    app: SalesApp,
    tx: Transaction,
    order: Order,
    lines: list[OrderLine],
    changes: list[str],
    *,
    key: str,
    reason: str,
    address: Address | None = None,
    cancellation: bool = False,
) -> int:
    """Carry out an amendment whole: release, re-price, amend, reserve again."""
    unpriced = attrs.evolve(order.contents, lines=lines, pricing=None)
    candidate = attrs.evolve(order, contents=unpriced)  # the held values are frozen
    priced, _ = price(app, tx, candidate)
    drops = _price_drops(tx, order, priced)  # refuses before anything changes
    consequences = _consequences(tx, order, priced.gross, drops)
    reference = f"{order.id}-A{len(order.amendments) + 1}"
    over = order.paid - order.amount_due_at(priced.gross)
    if over.is_positive:  # the order may never show more paid than due
        refund_order(tx, order, over, reference, settles=False)
    reserved = bool(order.picks)
    if reserved:
        release_order(tx, order, f"order amended: {reason}".rstrip(": "))
        order.drop_picks(tx.now)
    amendment = order.amend(
        tx.now,
        lines=lines,
        priced=priced,
        address=address,
        key=key,
        reason=reason,
        cancellation=cancellation,
        changes=changes,
        consequences=consequences,
    )
    if reserved and not order.fully_shipped:
        reserve_outstanding(app, tx, order)
    # The order is priced down already: the notes align its invoices, line by line.
    for invoice, credited in drops:
        credit_invoice(
            app,
            tx,
            invoice,
            None,
            lines=credited,
            reason=f"{reference}: {'; '.join(changes)}",
            on_order=False,
        )
    tx.raise_event(
        OrderAmended(
            order_id=order.id,
            at=tx.now,
            version=amendment.version,
            gross_before=amendment.gross_before,
            gross_after=amendment.gross_after,
            cancellation=cancellation,
        )
    )
    return amendment.version


def _to_amend(tx: Transaction, order_id: str, key: str) -> tuple[Order, int | None]:
    """The order to amend, and the version already made with ``key`` (a repeat), if any.

    Raises:
        IllegalTransition: the order's status allows no amendment (and it is no repeat).
    """
    order = tx.uow.orders.get(order_id)
    done = order.amendment(key)
    if done is None:
        order.check(OrderAction.AMEND)
    return order, done.version if done is not None else None


def amend_order(app: SalesApp, command: AmendOrder) -> int:
    """Amend a confirmed order whole, or refuse; returns the amendment version.

    With ``Settings.check_contacts`` an address is checked first, as by :func:`place_order`.
    """
    address = _new_address(app, command.address, "AmendOrder.address")
    if address is not command.address:
        command = attrs.evolve(command, address=address)
    with app.transaction() as tx:
        order, done = _to_amend(tx, command.order_id, command.key)
        if done is not None:
            return done
        lines, changes = _amended(
            tx.uow,
            order,
            add=command.add,
            remove=command.remove,
            quantities={q.line_id: q.quantity for q in command.quantities},
        )
        if command.address is not None and command.address != order.shipping_address:
            changes.append("shipping address changed")
        if not changes:
            raise AmendmentRefused(order.thing, "the amendment changes nothing")
        return _change(
            app,
            tx,
            order,
            lines,
            changes,
            key=command.key,
            reason=command.reason,
            address=command.address,
        )


def cancel_lines(app: SalesApp, command: CancelLines) -> int:
    """Cancel unshipped units of some lines; refund and credit the difference."""
    with app.transaction() as tx:
        order, done = _to_amend(tx, command.order_id, command.key)
        if done is not None:
            return done
        quantities = {}
        for part in command.lines:
            left = order.outstanding(part.line_id)
            if not 0 < part.quantity <= left:
                raise AmendmentRefused(
                    order.thing,
                    f"line {part.line_id!r} has {left} unit(s) not shipped, "
                    f"{part.quantity} to cancel",
                )
            line = order.line(part.line_id)
            what = f"cancel on {order.thing} line {line.line_id!r} (SKU {line.sku!r})"
            line.unit.check(part.quantity, what=what)
            quantities[part.line_id] = to_quantity(line.quantity - part.quantity)
        if all(q == 0 for q in quantities.values()) and len(quantities) == len(order.lines):
            raise AmendmentRefused(order.thing, "every unit would be cancelled; cancel the order")
        lines, changes = _amended(tx.uow, order, quantities=quantities)
        return _change(
            app,
            tx,
            order,
            lines,
            changes,
            key=command.key,
            reason=command.reason,
            cancellation=True,
        )
