"""Payments received for orders, their allocation to invoices, refunds and customer credit.

A :class:`Payment` is money received once (its ``reference`` is unique). Of its amount,
``applied`` went to its order and ``to_credit`` (an overpayment) to the customer's
:class:`CustomerCredit`; ``applied`` is allocated to the order's invoices as they are issued
(``allocations``). Refunds give back applied money: ``refunded <= applied`` always, and the
allocations never exceed what is applied and not refunded.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import as_tuple, aware_datetime, code, non_empty
from salesorder.exceptions import CurrencyMismatch, PaymentError
from salesorder.money import Money

__all__ = [
    "CreditEntry",
    "CustomerCredit",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
    "Refund",
]


class PaymentMethod(str, enum.Enum):
    """How the buyer pays. COD is cash collected by the courier at delivery."""

    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    E_WALLET = "e_wallet"
    COD = "cod"
    #: The customer's credit from an earlier overpayment or credit note.
    CUSTOMER_CREDIT = "customer_credit"
    #: Paid against an invoice on payment terms (business buyers); ships before payment.
    ON_ACCOUNT = "on_account"

    @property
    def is_prepaid(self) -> bool:
        """True when the goods are paid before they ship (not COD, not on account)."""
        return self not in (PaymentMethod.COD, PaymentMethod.ON_ACCOUNT)


@attrs.frozen(kw_only=True)
class PaymentAllocation:
    """``amount`` of a payment counted against invoice ``invoice_id``."""

    invoice_id: str
    amount: Money


@attrs.frozen(kw_only=True)
class Refund:
    """Money given back from a payment; ``reference`` is the refund's own (unique per payment)."""

    reference: str = attrs.field(validator=non_empty)
    amount: Money
    at: dt.datetime = attrs.field(validator=aware_datetime)


def _zero(payment: Payment) -> Money:
    return Money.zero(payment.amount.currency)


@attrs.define(kw_only=True)
class Payment:
    """Money received for an order. ``reference`` is unique: the same payment is recorded once.

    When the buyer paid in another currency, ``received`` and ``exchange_rate`` keep what came
    in and the rate used; ``amount`` is always in the order's currency.
    """

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    method: PaymentMethod
    amount: Money
    reference: str = attrs.field(validator=non_empty)
    received_at: dt.datetime = attrs.field(validator=aware_datetime)
    customer_id: str = ""
    applied: Money = attrs.Factory(lambda self: self.amount, takes_self=True)
    to_credit: Money = attrs.Factory(_zero, takes_self=True)
    allocations: tuple[PaymentAllocation, ...] = attrs.field(default=(), converter=as_tuple)
    refunds: tuple[Refund, ...] = attrs.field(default=(), converter=as_tuple)
    received: Money | None = None
    exchange_rate: Decimal | None = None

    def __attrs_post_init__(self) -> None:
        if not self.amount.is_positive:
            raise PaymentError(f"payment {self.reference!r} must be above zero, got {self.amount}")
        if not self.amount.is_rounded():
            raise PaymentError(
                f"payment {self.reference!r} of {self.amount} has more digits than "
                f"{self.amount.currency} allows"
            )
        if self.applied + self.to_credit != self.amount or self.to_credit.is_negative:
            raise PaymentError(
                f"payment {self.reference!r}: applied {self.applied} and credit "
                f"{self.to_credit} must add up to {self.amount}"
            )

    @property
    def currency(self) -> str:
        """The currency of the payment's amount (the order's)."""
        return self.amount.currency

    @property
    def refunded(self) -> Money:
        """The sum of the refunds."""
        return Money.sum((r.amount for r in self.refunds), self.currency)

    @property
    def allocated(self) -> Money:
        """The sum of the allocations to invoices."""
        return Money.sum((a.amount for a in self.allocations), self.currency)

    @property
    def unallocated(self) -> Money:
        """Applied, not refunded, not yet counted against an invoice."""
        return self.applied - self.refunded - self.allocated

    def allocate(self, invoice_id: str, amount: Money) -> None:
        """Count ``amount`` against ``invoice_id`` (merged with an earlier allocation to it)."""
        if amount.currency != self.currency:
            raise CurrencyMismatch(
                self.currency,
                amount.currency,
                f"the amount to allocate to {invoice_id!r}",
                against=f"payment {self.reference!r}",
            )
        if amount.is_negative or amount > self.unallocated:
            raise PaymentError(
                f"payment {self.reference!r}: cannot allocate {amount}, "
                f"{self.unallocated} is unallocated"
            )
        if amount.is_zero:
            return
        others = [a for a in self.allocations if a.invoice_id != invoice_id]
        before = sum(
            (a.amount for a in self.allocations if a.invoice_id == invoice_id),
            Money.zero(self.currency),
        )
        self.allocations = (
            *others,
            PaymentAllocation(invoice_id=invoice_id, amount=before + amount),
        )

    def deallocate(self, invoice_id: str, amount: Money) -> None:
        """Take ``amount`` back from the allocation to ``invoice_id``."""
        current = next((a for a in self.allocations if a.invoice_id == invoice_id), None)
        if current is None or amount > current.amount:
            raise PaymentError(
                f"payment {self.reference!r} has less than {amount} allocated to {invoice_id!r}"
            )
        others = [a for a in self.allocations if a.invoice_id != invoice_id]
        left = current.amount - amount
        self.allocations = (
            (*others, PaymentAllocation(invoice_id=invoice_id, amount=left))
            if not left.is_zero
            else tuple(others)
        )

    def refund(self, reference: str, amount: Money, at: dt.datetime) -> None:
        """Give back ``amount`` of what was applied to the order.

        Raises:
            PaymentError: not positive, more than applied and not yet refunded, or the
                refund's reference was used on this payment already.
            CurrencyMismatch: another currency than the payment's.
        """
        if amount.currency != self.currency:
            raise CurrencyMismatch(
                self.currency,
                amount.currency,
                f"refund {reference!r}",
                against=f"payment {self.reference!r}",
            )
        refundable = self.applied - self.refunded
        if not amount.is_positive or amount > refundable:
            raise PaymentError(
                f"payment {self.reference!r}: a refund of {amount} is more than the "
                f"{refundable} that can be refunded"
            )
        if any(r.reference == reference for r in self.refunds):
            raise PaymentError(f"payment {self.reference!r} already has refund {reference!r}")
        self.refunds = (*self.refunds, Refund(reference=reference, amount=amount, at=at))


@attrs.frozen(kw_only=True)
class CreditEntry:
    """A movement of a customer's credit: positive in, negative out; ``source`` says why."""

    source: str
    amount: Money
    at: dt.datetime = attrs.field(validator=aware_datetime)


@attrs.define(kw_only=True)
class CustomerCredit:
    """Money a customer has with the shop (overpayments, credited paid invoices).

    One per customer and currency (``key``); the balance is the exact sum of the entries and
    never goes below zero.
    """

    customer_id: str = attrs.field(validator=code)
    currency: str
    entries: tuple[CreditEntry, ...] = attrs.field(default=(), converter=as_tuple)

    @property
    def key(self) -> tuple[str, str]:
        """(customer id, currency)."""
        return (self.customer_id, self.currency)

    @property
    def balance(self) -> Money:
        """What the customer may still use."""
        return Money.sum((e.amount for e in self.entries), self.currency)

    def add(self, amount: Money, source: str, at: dt.datetime) -> None:
        """Keep ``amount`` (above zero) for the customer."""
        if amount.currency != self.currency:
            raise CurrencyMismatch(
                self.currency,
                amount.currency,
                f"the credit from {source!r}",
                against=f"the credit of customer {self.customer_id!r}",
            )
        if not amount.is_positive:
            raise PaymentError(f"customer credit of {amount} from {source!r} must be above zero")
        self.entries = (*self.entries, CreditEntry(source=source, amount=amount, at=at))

    def use(self, amount: Money, source: str, at: dt.datetime) -> None:
        """Spend ``amount`` of the balance (on an order, or as a refund).

        Raises:
            PaymentError: more than the balance, or not positive.
        """
        if amount.currency != self.currency:
            raise CurrencyMismatch(
                self.currency,
                amount.currency,
                "the credit to use",
                against=f"the credit of customer {self.customer_id!r}",
            )
        if not amount.is_positive or amount > self.balance:
            raise PaymentError(
                f"customer {self.customer_id!r} has {self.balance} of credit, "
                f"{amount} requested for {source!r}"
            )
        self.entries = (*self.entries, CreditEntry(source=source, amount=-amount, at=at))
