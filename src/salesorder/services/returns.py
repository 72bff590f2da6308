"""Returns (RMA): request, approve or reject, receive, inspect, resolve.

Every step runs in one unit of work, and a step that raises changes nothing:

- :func:`request_return` checks the units asked for against what was delivered and not yet
  returned or asked for by another open return
  (:class:`~salesorder.exceptions.ReturnExceedsDelivered`); the same idempotency key for
  the same order answers with the first return's id. Every count (asked for, received,
  inspected) is exact to the order line's unit: 0.1 kg of coffee may come back, half a
  T-shirt may not (:class:`~salesorder.domain.units.TooManyDecimals`).
- :func:`receive_return` records the units on the order (``Order.record_return``: partly
  returned or returned) and fixes what they are worth with
  :func:`~salesorder.domain.returns.return_value`;
  :class:`~salesorder.domain.events.ReturnReceived` is published.
- :func:`inspect_return` receives every unit into the warehouse the line shipped from (a
  ``RETURN`` in the stock ledger) and writes the damaged ones off (a ``WRITE_OFF``), so on
  hand stays the sum of the ledger.
- :func:`resolve_return` settles the money. The goods' value (plus the shipping charge, by
  policy) is no longer due. What was paid beyond the new amount due is moved off the
  payments first (refunded, or put on the customer's credit), taking first from payments
  allocated to the invoices to be credited; then credit notes take the goods' value off
  those invoices, each returned line on its own invoice line, so at that line's tax rate
  (nothing is then paid beyond what they still ask, so no money moves a second time);
  what no invoice listed (uninvoiced goods, shipping) is credited on the order itself (an
  invoice issued for those goods later comes with a credit note of them).
  So a settled order stays settled (its balance due stays zero), and nothing is refunded
  or credited twice. An exchange order is placed at the same unit
  prices and paid from the customer's credit that the return gave.
"""

from __future__ import annotations

from salesorder.domain.events import OrderPlaced, ReturnReceived
from salesorder.domain.inventory import MovementKind
from salesorder.domain.lifecycle import OrderAction
from salesorder.domain.orders import Order
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.domain.pricing import DiscountKind
from salesorder.domain.return_settlement import settle_return, shipping_to_give_back
from salesorder.domain.returns import (
    ReturnAction,
    ReturnLine,
    ReturnOutcome,
    ReturnRequest,
    return_value,
)
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import (
    DuplicateError,
    IllegalTransition,
    InvalidQuantity,
    ReturnExceedsDelivered,
)
from salesorder.money import Money
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.billing import (
    credit_invoice,
    credit_of,
    receive_payment,
    refund,
    release_allocations,
)
from salesorder.services.commands import (
    ApproveReturn,
    InspectReturn,
    NewLine,
    ReceiveReturn,
    RejectReturn,
    RequestReturn,
    ResolveReturn,
)
from salesorder.services.inventory import _take_out, receive
from salesorder.services.ordering import build_line
from salesorder.services.pricing import reprice

__all__ = [
    "approve_return",
    "inspect_return",
    "receive_return",
    "reject_return",
    "request_return",
    "resolve_return",
]


# -- request, approve, reject ---------------------------------------------------------------


def request_return(app: SalesApp, command: RequestReturn) -> str:
    """Open a return of delivered units; returns its id.

    See :class:`~salesorder.services.commands.RequestReturn`.
    """
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        others = uow.returns.for_order(order.id)
        if command.key:
            done = next((r for r in others if r.key == command.key), None)
            if done is not None:
                return done.id
        if not order.returned or any(order.returnable(line.line_id) for line in order.lines):
            # an order with every unit back answers with what is left to return: nothing
            order.check(OrderAction.RETURN_PART)
        ids = [part.line_id for part in command.lines]
        if len(set(ids)) != len(ids):
            raise DuplicateError(f"a return of {order.thing} repeats a line id: {ids}")
        lines = []
        for part in command.lines:
            line = order.line(part.line_id)
            if part.quantity <= 0:
                raise InvalidQuantity(
                    f"a return of {order.thing} line {part.line_id!r} needs units > 0, "
                    f"got {part.quantity}"
                )
            line.unit.check(part.quantity, what=_named("a return of", order, line.line_id))
            asked = sum(r.requested_units.get(part.line_id, 0) for r in others if r.is_open)
            available = order.returnable(part.line_id) - asked
            if part.quantity > available:
                raise ReturnExceedsDelivered(order.thing, part.line_id, part.quantity, available)
            lines.append(
                ReturnLine(
                    line_id=line.line_id,
                    sku=line.sku,
                    quantity=part.quantity,
                    reason=command.reason,
                )
            )
        request = ReturnRequest.request(
            id=app.ids.next_id("return"),
            order_id=order.id,
            currency=order.currency,
            at=tx.now,
            lines=lines,
            key=command.key,
            reason=command.reason,
        )
        uow.returns.add(request)
        return request.id


def approve_return(app: SalesApp, command: ApproveReturn) -> None:
    """Accept a requested return."""
    with app.transaction() as tx:
        tx.uow.returns.get(command.return_id).approve(tx.now, command.note)


def reject_return(app: SalesApp, command: RejectReturn) -> None:
    """Refuse a requested return; its units may be asked for again."""
    with app.transaction() as tx:
        tx.uow.returns.get(command.return_id).reject(tx.now, command.reason)


# -- receive and inspect --------------------------------------------------------------------


def receive_return(app: SalesApp, command: ReceiveReturn) -> None:
    """The parcel is back: record the units on the order and value them."""
    with app.transaction() as tx:
        uow = tx.uow
        request = uow.returns.get(command.return_id)
        request.check(ReturnAction.RECEIVE)
        order = uow.orders.get(request.order_id)
        units = (
            {part.line_id: part.quantity for part in command.lines}
            if command.lines
            else request.requested_units
        )
        if len(units) != len(command.lines or units):
            raise DuplicateError(f"{request.thing}: a line id is given twice")
        amounts = {}
        for line_id, quantity in units.items():
            request.line(line_id)
            unit = order.line(line_id).unit
            unit.check(quantity, what=_named(f"{request.thing}: units received on", order, line_id))
            if quantity and quantity <= request.line(line_id).quantity:
                amounts[line_id] = return_value(
                    _line_gross(order, line_id),
                    order.line(line_id).quantity,
                    order.returned.get(line_id, 0),
                    quantity,
                    unit=unit,
                )
        request.receive(units, amounts, tx.now)
        order.record_return(request.received_units, tx.now, f"return {request.id}")
        tx.raise_event(
            ReturnReceived(
                order_id=order.id,
                at=tx.now,
                return_id=request.id,
                units=to_quantity(sum(request.received_units.values())),
            )
        )


def _named(action: str, order: Order, line_id: str) -> str:
    """How a refused count names its line: ``"a return of order 'SO-1' line '1' (SKU 'X')"``."""
    return f"{action} {order.thing} line {line_id!r} (SKU {order.line(line_id).sku!r})"


def _line_gross(order: Order, line_id: str) -> Money:
    if order.pricing is None:  # pragma: no cover - a delivered order is priced
        raise IllegalTransition(order.thing, order.status.value, "return", "it is not priced")
    return next(p.gross for p in order.pricing.lines if p.line_id == line_id)


def _shipped_from(order: Order, line_id: str) -> str:
    """The warehouse line ``line_id`` shipped from (the first, for a split line)."""
    warehouse = next((p.warehouse for p in order.dispatched if p.line_id == line_id), None)
    warehouse = warehouse or order.warehouse
    if warehouse is None:  # pragma: no cover - a delivered line was dispatched
        raise IllegalTransition(order.thing, order.status.value, "restock", "nothing shipped")
    return warehouse


def inspect_return(app: SalesApp, command: InspectReturn) -> None:
    """Sellable units back to stock, damaged ones received and written off, in the ledger."""
    with app.transaction() as tx:
        uow = tx.uow
        request = uow.returns.get(command.return_id)
        request.check(ReturnAction.INSPECT)
        order = uow.orders.get(request.order_id)
        if command.lines:
            results: dict[str, tuple[Quantity, Quantity]] = {
                part.line_id: (part.sellable, part.damaged) for part in command.lines
            }
            if len(results) != len(command.lines):
                raise DuplicateError(f"{request.thing}: a line id is inspected twice")
            for line_id, counts in results.items():
                request.line(line_id)
                what = _named(f"{request.thing}: units inspected on", order, line_id)
                for count in counts:
                    order.line(line_id).unit.check(count, what=what)
        else:
            results = {line.line_id: (line.received, 0) for line in request.lines}
        warehouses = {
            line.line_id: command.warehouse or _shipped_from(order, line.line_id)
            for line in request.lines
            if line.received
        }
        request.inspect(results, warehouses, tx.now)
        for line in request.lines:
            if not line.received:
                continue
            assert line.warehouse is not None  # noqa: S101 - set for every received line
            item = receive(
                tx,
                line.warehouse,
                line.sku,
                line.received,
                kind=MovementKind.RETURN,
                document=request.id,
                reason=f"return {request.id}: {line.reason or 'customer return'}",
            )
            if line.damaged:
                _take_out(
                    tx,
                    item,
                    line.damaged,
                    MovementKind.WRITE_OFF,
                    document=request.id,
                    reason=f"return {request.id}: returned damaged",
                )


# -- resolve --------------------------------------------------------------------------------


def _to_customer_credit(
    tx: Transaction, order: Order, drawn: list[tuple[Payment, Money]], amount: Money, source: str
) -> None:
    """Move ``amount`` of what ``order`` was paid, ``drawn`` from its payments, to credit."""
    for payment, part in drawn:
        payment.applied = payment.applied - part
        payment.to_credit = payment.to_credit + part
        release_allocations(tx, payment)
    order.move_to_credit(amount)
    credit_of(tx.uow, order.customer_id, order.currency).add(amount, source, tx.now)


def _exchange(
    app: SalesApp, tx: Transaction, original: Order, request: ReturnRequest, credit: Money
) -> str:
    """Place the exchange order (same SKUs, units and unit prices) and pay it from ``credit``.

    A percentage line discount is kept; a fixed one (off the whole line) is not.
    """
    uow = tx.uow
    lines = []
    for number, returned in enumerate((x for x in request.lines if x.received), start=1):
        line = original.line(returned.line_id)
        discount = line.discount
        if discount is not None and discount.kind is not DiscountKind.PERCENT:
            discount = None
        new = NewLine(
            sku=line.sku, quantity=returned.received, unit_price=line.unit_price, discount=discount
        )
        lines.append(build_line(uow, str(number), new))
    order = Order.new(
        id=app.ids.next_id("order"),
        channel=original.channel,
        customer_id=original.customer_id,
        currency=original.currency,
        placed_at=tx.now,
        lines=lines,
        shipping_address=original.shipping_address,
        tax_mode=original.tax_mode,
        payment_method=original.payment_method,
        notes=f"exchange for return {request.id} of order {original.id}",
    )
    reprice(app, tx, order)
    uow.orders.add(order)
    tx.raise_event(OrderPlaced(order_id=order.id, at=tx.now, channel=order.channel.code))
    pay = min(credit, order.balance_due)
    if pay.is_positive:
        credit_of(uow, order.customer_id, order.currency).use(pay, f"order {order.id}", tx.now)
        receive_payment(
            app,
            tx,
            order,
            pay,
            method=PaymentMethod.CUSTOMER_CREDIT,
            reference=f"{request.id}-exchange",
        )
    return order.id


def resolve_return(app: SalesApp, command: ResolveReturn) -> str | None:
    """Settle an inspected return (see the module docstring); returns the exchange order id.

    The decision is :func:`~salesorder.domain.return_settlement.settle_return`'s.
    """
    with app.transaction() as tx:
        uow = tx.uow
        request = uow.returns.get(command.return_id)
        request.check(ReturnAction.RESOLVE)
        order = uow.orders.get(request.order_id)
        if command.outcome is ReturnOutcome.NONE:
            request.resolve(ReturnOutcome.NONE, tx.now)
            return None
        shipping = Money.zero(order.currency)
        if command.include_shipping:
            earlier = [r for r in uow.returns.for_order(order.id) if r.id != request.id]
            shipping = shipping_to_give_back(order.shipping_charge, earlier)
        invoices = {i: uow.invoices.get(i) for i in order.invoice_ids}
        payments = {p.id: p for p in uow.payments.for_order(order.id)}
        settled = settle_return(
            request,
            command.outcome,
            paid=order.paid,
            amount_due=order.amount_due,
            shipping=shipping,
            invoices=invoices.values(),
            payments=list(payments.values()),
        )
        drawn = [(payments[payment_id], part) for payment_id, part in settled.payments]
        if settled.over.is_positive and settled.refund:
            for payment, part in drawn:
                refund(tx, payment, part, f"{request.id}-{payment.id}")
        elif settled.over.is_positive:
            _to_customer_credit(tx, order, drawn, settled.over, f"return {request.id}")
        reason = f"return {request.id}: {request.reason or 'goods returned'}"
        notes = [
            credit_invoice(
                app,
                tx,
                invoices[c.invoice_id],
                None,
                lines=dict(c.lines),
                units=dict(c.units),
                reason=reason,
            ).id
            for c in settled.invoice_credits
        ]
        if settled.on_order.is_positive:
            order.record_credit(settled.on_order)
        exchange = None
        if command.outcome is ReturnOutcome.EXCHANGE:
            exchange = _exchange(app, tx, order, request, settled.to_credit)
        request.resolve(
            command.outcome,
            tx.now,
            refunded=settled.refunded,
            to_credit=settled.to_credit,
            credited=settled.value,
            shipping=shipping,
            credit_note_ids=notes,
            exchange_order_id=exchange,
        )
        return exchange
