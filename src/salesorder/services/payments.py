"""Payments, refunds and customer credit, all in the order's currency, exact to the minor unit.

- a payment is applied to its order up to the balance due; the rest is kept as the
  customer's credit (:class:`~salesorder.domain.payments.CustomerCredit`);
- applied money is allocated to the order's receivable invoices, oldest first;
- a refund takes money back from a payment (released from its invoices, newest first).

The functions that take a :class:`~salesorder.services.app.Transaction`
(:func:`receive_payment`, :func:`refund`, :func:`refund_order`, :func:`credit_of`) do their
work inside the caller's unit of work: cancellations, amendments, returns and COD
remittances pay and refund through them.
"""

from __future__ import annotations

from decimal import Decimal

from salesorder.domain.events import PaymentRecorded, RefundSent
from salesorder.domain.orders import Order
from salesorder.domain.payments import CustomerCredit, Payment, PaymentMethod
from salesorder.exceptions import DuplicateError, MissingExchangeRate, PaymentError
from salesorder.money import Money, RoundingMode
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import ApplyCustomerCredit, RecordPayment, RefundPayment

__all__ = [
    "apply_customer_credit",
    "credit_of",
    "receive_payment",
    "record_payment",
    "refund",
    "refund_order",
    "refund_payment",
    "release_allocations",
]


def credit_of(uow: UnitOfWork, customer_id: str, currency: str) -> CustomerCredit:
    """The customer's credit in ``currency``, created (empty) on first use."""
    credit = uow.customer_credits.find((customer_id, currency))
    if credit is None:
        credit = CustomerCredit(customer_id=customer_id, currency=currency)
        uow.customer_credits.add(credit)
    return credit


def _allocate_payment(uow: UnitOfWork, order: Order, payment: Payment) -> None:
    for invoice_id in order.invoice_ids:
        invoice = uow.invoices.get(invoice_id)
        amount = min(payment.unallocated, invoice.open_balance)
        if amount.is_positive:
            payment.allocate(invoice.id, amount)
            invoice.allocate(amount)


def receive_payment(
    app: SalesApp,
    tx: Transaction,
    order: Order,
    amount: Money,
    *,
    method: PaymentMethod,
    reference: str,
    **extra: object,
) -> Payment:
    """Record ``amount`` received for ``order`` under a unique ``reference``, in ``tx``.

    The payment is allocated to the order's open invoices; what is beyond the balance due
    goes to the customer's credit.
    """
    uow = tx.uow
    existing = uow.payments.find_by_reference(reference)
    if existing is not None:
        raise DuplicateError(
            f"payment reference {reference!r} is already recorded "
            f"({existing.id} for order {existing.order_id!r})"
        )
    balance = order.balance_due if order.pricing is not None else Money.zero(order.currency)
    applied = min(amount, balance) if balance.is_positive else Money.zero(order.currency)
    payment = Payment(
        id=app.ids.next_id("payment"),
        order_id=order.id,
        customer_id=order.customer_id,
        method=method,
        amount=amount,
        applied=applied,
        to_credit=amount - applied,
        reference=reference,
        received_at=tx.now,
        **extra,  # type: ignore[arg-type]
    )
    if applied.is_positive:
        order.record_payment(applied, method)
    if payment.to_credit.is_positive:
        credit_of(uow, order.customer_id, order.currency).add(
            payment.to_credit, f"overpayment {reference}", tx.now
        )
    uow.payments.add(payment)
    _allocate_payment(uow, order, payment)
    tx.raise_event(
        PaymentRecorded(
            order_id=order.id,
            at=tx.now,
            payment_id=payment.id,
            amount=payment.amount,
            method=payment.method.value,
        )
    )
    return payment


def record_payment(app: SalesApp, command: RecordPayment) -> str:
    """Record money received for an order; the same reference is refused the second time.

    Up to the balance due is applied to the order (and allocated to its invoices); an
    overpayment is kept as the customer's credit. A payment in another currency needs
    ``exchange_rate``; it is converted and rounded half-up to the order currency's digits.
    """
    if command.amount.is_rounded():  # finer than ISO 4217: the payment's own PaymentError
        app.settings.money_policy(command.amount.currency).check(
            command.amount, what=f"payment {command.reference!r}"
        )
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        amount, rate = _convert(app, order, command)
        extra: dict[str, object] = {}
        if rate is not None:
            extra = {"received": command.amount, "exchange_rate": rate}
        payment = receive_payment(
            app, tx, order, amount, method=command.method, reference=command.reference, **extra
        )
        return payment.id


def _convert(app: SalesApp, order: Order, command: RecordPayment) -> tuple[Money, Decimal | None]:
    amount = command.amount
    if amount.currency == order.currency:
        return amount, None
    if command.exchange_rate is None:
        raise MissingExchangeRate(
            order.currency, amount.currency, f"payment {command.reference!r} of {amount}"
        )
    if command.exchange_rate <= 0:
        raise PaymentError(
            f"payment {command.reference!r}: exchange rate must be above 0, "
            f"got {command.exchange_rate}"
        )
    converted = Money.of(amount.amount * command.exchange_rate, order.currency)
    digits = app.settings.money_policy(order.currency).digits
    return converted.rounded(RoundingMode.HALF_UP, digits), command.exchange_rate


def release_allocations(tx: Transaction, payment: Payment) -> None:
    """Release what ``payment`` no longer covers from its invoices, newest allocation first.

    Called after part of a payment was refunded or moved to the customer's credit.
    """
    over = payment.allocated + payment.refunded - payment.applied
    for allocation in reversed(payment.allocations):
        if not over.is_positive:
            break
        part = min(allocation.amount, over)
        payment.deallocate(allocation.invoice_id, part)
        tx.uow.invoices.get(allocation.invoice_id).release(part)
        over = over - part


def refund(
    tx: Transaction, payment: Payment, amount: Money, reference: str, *, settles: bool = True
) -> None:
    """Give back ``amount`` of ``payment``, released from its invoices newest first.

    ``settles`` False keeps a returned order's status (a cancellation that refunds first).
    """
    uow = tx.uow
    order = uow.orders.get(payment.order_id)
    payment.refund(reference, amount, tx.now)
    release_allocations(tx, payment)
    order.record_refund(amount, tx.now if settles else None)
    tx.raise_event(RefundSent(order_id=order.id, at=tx.now, amount=amount, reference=reference))


def refund_order(
    tx: Transaction, order: Order, amount: Money, reference: str, *, settles: bool = True
) -> list[str]:
    """Give back ``amount`` of what ``order`` was paid, newest payment first.

    Refund references are ``reference-1``, ``reference-2``... per payment touched. Returns
    the ids of the payments refunded.
    """
    left, touched = amount, list[str]()
    for payment in reversed(tx.uow.payments.for_order(order.id)):
        part = min(payment.applied - payment.refunded, left)
        if not part.is_positive:
            continue
        refund(tx, payment, part, f"{reference}-{len(touched) + 1}", settles=settles)
        touched.append(payment.id)
        left = left - part
        if left.is_zero:
            break
    return touched


def refund_payment(app: SalesApp, command: RefundPayment) -> None:
    """Give back part or all of what a payment applied to its order.

    The refund is released from the payment's invoices, newest allocation first.
    """
    with app.transaction() as tx:
        refund(tx, tx.uow.payments.get(command.payment_id), command.amount, command.reference)


def apply_customer_credit(app: SalesApp, command: ApplyCustomerCredit) -> str:
    """Pay part of an order from its customer's credit (at most the balance due)."""
    with app.transaction() as tx:
        uow = tx.uow
        order = uow.orders.get(command.order_id)
        if command.amount > order.balance_due:
            raise PaymentError(
                f"{order.thing}: {command.amount} of credit is more than the balance due "
                f"{order.balance_due}"
            )
        credit = uow.customer_credits.find((order.customer_id, command.amount.currency))
        if credit is None:
            raise PaymentError(f"customer {order.customer_id!r} has no credit in {order.currency}")
        credit.use(command.amount, f"order {order.id}", tx.now)
        payment = receive_payment(
            app,
            tx,
            order,
            command.amount,
            method=PaymentMethod.CUSTOMER_CREDIT,
            reference=command.reference,
        )
        return payment.id
