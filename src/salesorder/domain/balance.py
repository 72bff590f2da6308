"""What an order's money stands at: charged beyond its goods, paid, given back, credited.

:class:`OrderBalance` is a value held by :class:`~salesorder.domain.orders.Order`: each
change returns a new balance, and a change that breaks a rule raises before anything is
replaced. Every amount is in ``currency``. What the buyer owes in all is the goods' gross
plus ``shipping_charge``, the other ``charges``, ``cash_rounding`` and ``adjusted``, less
``credited``; ``shipping`` keeps how the shipping charge was priced (the fees and what
shipping promotions took off them);
``amount_paid`` is what was paid, net of what was refunded (``refunded`` keeps that total)
or moved to the customer's credit. Where a rule depends on the order's status, the order
passes it, with its name (``thing``) for the messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import attrs

from salesorder.domain.common import as_tuple
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.order_charges import OrderCharge, new_charge
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import PricedShipping
from salesorder.exceptions import (
    CurrencyMismatch,
    IllegalTransition,
    PaymentError,
    ValidationError,
)
from salesorder.money import Money, currency_info

__all__ = ["OrderBalance"]


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


def _zero(balance: OrderBalance) -> Money:
    return Money.zero(balance.currency)


class _HasCurrency(Protocol):
    """Anything with a currency (an order, when it makes its balance)."""

    @property
    def currency(self) -> str:
        """The ISO 4217 code."""
        ...


#: The amounts of an :class:`OrderBalance`, each in its currency.
_AMOUNTS = ("amount_paid", "shipping_charge", "cash_rounding", "credited", "adjusted", "refunded")


@attrs.frozen(kw_only=True)
class OrderBalance:
    """The money state of one order, in its currency; see the module docstring.

    The field names are the keys an order's JSON document has always used for them
    (:mod:`salesorder.serialization` keeps them at the document's top level).
    """

    currency: str = attrs.field(validator=_currency)
    #: What has been paid, net of refunds and of what was moved to the customer's credit.
    amount_paid: Money = attrs.Factory(_zero, takes_self=True)
    #: The shipping fees the buyer pays, added with each booking.
    shipping_charge: Money = attrs.Factory(_zero, takes_self=True)
    #: The adjustment that made a COD collection payable in cash.
    cash_rounding: Money = attrs.Factory(_zero, takes_self=True)
    #: What credit notes took back from the order's invoices; no longer due.
    credited: Money = attrs.Factory(_zero, takes_self=True)
    #: What upward adjustment invoices (Vietnam) added to what the buyer owes.
    adjusted: Money = attrs.Factory(_zero, takes_self=True)
    #: What was given back of what was paid, in all (``amount_paid`` is already net of it).
    refunded: Money = attrs.Factory(_zero, takes_self=True)
    #: The other charges the buyer pays (a COD fee, packaging...), one per code, in order.
    charges: tuple[OrderCharge, ...] = attrs.field(default=(), converter=as_tuple)
    #: How ``shipping_charge`` was priced: the fees, and what shipping promotions took off
    #: them and why (None until the buyer is charged shipping).
    shipping: PricedShipping | None = None

    def __attrs_post_init__(self) -> None:
        for name in _AMOUNTS:
            amount: Money = getattr(self, name)
            if amount.currency != self.currency:
                what = f"the balance's {name}"
                raise CurrencyMismatch(self.currency, amount.currency, what, against="the balance")
        for charge in self.charges:
            if charge.amount.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    charge.amount.currency,
                    f"charge {charge.code!r}",
                    against="the order balance",
                )
        if self.shipping is not None and self.shipping.fee.currency != self.currency:
            raise CurrencyMismatch(
                self.currency,
                self.shipping.fee.currency,
                "the shipping priced",
                against="the order balance",
            )

    @classmethod
    def of_order(cls, order: _HasCurrency) -> OrderBalance:
        """A new order's balance: nothing paid, charged or credited, in its currency."""
        return cls(currency=order.currency)

    @property
    def charged(self) -> Money:
        """The other charges (:attr:`charges`) in all."""
        return Money.sum((charge.amount for charge in self.charges), self.currency)

    @property
    def shipping_so_far(self) -> PricedShipping | None:
        """:attr:`shipping`; for a charge made before shipping was priced, that charge as is."""
        if self.shipping is not None or self.shipping_charge.is_zero:
            return self.shipping
        return PricedShipping(fee=self.shipping_charge)

    def due_at(self, gross: Money) -> Money:
        """What the buyer owes in all when the goods come to ``gross``."""
        return (
            gross
            + self.shipping_charge
            + self.charged
            + self.cash_rounding
            + self.adjusted
            - self.credited
        )

    def _same_currency(
        self, amount: Money | None, what: str, against: str = "the order balance"
    ) -> None:
        if amount is not None and amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, what, against=against)

    def receiving(
        self,
        amount: Money,
        method: PaymentMethod,
        *,
        thing: str,
        status: OrderStatus,
        due: Callable[[], Money],
    ) -> OrderBalance:
        """The balance once ``amount`` (above zero, at most the balance due) is paid.

        ``due`` gives the balance due; it is asked only once ``amount`` itself is valid (an
        order not priced has none). ``thing`` names the order in errors.

        Raises:
            CurrencyMismatch: ``amount`` is in another currency.
            PaymentError: ``amount`` is not above zero, or more than is due; or it is COD
                cash and the order (in ``status``) is not delivered.
        """
        self._same_currency(amount, "the payment", thing)
        if not amount.is_positive:
            raise PaymentError(f"{thing}: a payment must be above zero, got {amount}")
        balance_due = due()
        if amount > balance_due:
            raise PaymentError(
                f"{thing}: payment of {amount} exceeds the balance due {balance_due}"
            )
        if method is PaymentMethod.COD and status is not OrderStatus.DELIVERED:
            raise PaymentError(
                f"{thing}: COD cash is collected at delivery, status is {status.value!r}"
            )
        return attrs.evolve(self, amount_paid=self.amount_paid + amount)

    def taking_back(self, amount: Money, *, what: str, thing: str) -> OrderBalance:
        """The balance once ``amount`` (above zero, at most what was paid) leaves the payments.

        ``what`` names the move in errors ("refund", "move to credit").
        """
        self._same_currency(amount, f"the amount to {what}", thing)
        if not amount.is_positive or amount > self.amount_paid:
            raise PaymentError(f"{thing}: cannot {what} {amount}, {self.amount_paid} was paid")
        return attrs.evolve(self, amount_paid=self.amount_paid - amount)

    def refunding(self, amount: Money, *, thing: str) -> OrderBalance:
        """The balance once ``amount`` of what was paid is given back to the buyer."""
        taken = self.taking_back(amount, what="refund", thing=thing)
        return attrs.evolve(taken, refunded=self.refunded + amount)

    def crediting(self, amount: Money, *, thing: str, due: Callable[[], Money]) -> OrderBalance:
        """The balance once a credit note took back ``amount`` (at most the balance due)."""
        self._same_currency(amount, "the amount to credit", thing)
        if not amount.is_positive or amount > due():
            raise PaymentError(f"{thing}: cannot credit {amount}, the balance due is {due()}")
        return attrs.evolve(self, credited=self.credited + amount)

    def adjusting(self, amount: Money, *, thing: str, status: OrderStatus) -> OrderBalance:
        """The balance once an upward adjustment invoice added ``amount`` to what is owed.

        Raises:
            CurrencyMismatch: ``amount`` is in another currency.
            IllegalTransition: the order is cancelled.
            PaymentError: ``amount`` is not above zero.
        """
        self._same_currency(amount, "the upward adjustment", thing)
        if status is OrderStatus.CANCELLED:
            raise IllegalTransition(thing, status.value, "adjust the amount due of")
        if not amount.is_positive:
            raise PaymentError(f"{thing}: an upward adjustment must be above zero, got {amount}")
        return attrs.evolve(self, adjusted=self.adjusted + amount)

    def charging(
        self,
        shipping_charge: Money | None,
        cash_rounding: Money | None,
        *,
        what: str,
        shipping: PricedShipping | None = None,
    ) -> OrderBalance:
        """The balance once a shipping fee and a COD cash rounding (either may be None) apply.

        ``shipping``, when given, is the order's shipping priced with this charge (see
        :func:`~salesorder.domain.pricing.price_shipping`): it replaces :attr:`shipping`,
        and what it charges must be the shipping charged so far plus ``shipping_charge``.

        Raises:
            CurrencyMismatch: an amount is in another currency.
            ValidationError: ``shipping`` does not charge what the balance would.
        """
        self._same_currency(shipping_charge, "the shipping charge")
        self._same_currency(cash_rounding, "the cash rounding")
        zero = Money.zero(self.currency)
        charged = self.shipping_charge + (shipping_charge or zero)
        if shipping is not None:
            self._same_currency(shipping.fee, "the shipping priced")
            if shipping.charge != charged:
                raise ValidationError(
                    f"cannot {what}: the shipping priced charges {shipping.charge}, the "
                    f"order's shipping charge would be {charged}"
                )
        return attrs.evolve(
            self,
            shipping_charge=charged,
            cash_rounding=self.cash_rounding + (cash_rounding or zero),
            shipping=shipping or self.shipping,
        )

    def adding_charge(
        self,
        code: str,
        description: str,
        amount: Money,
        tax_category: str | None,
        *,
        thing: str,
        status: OrderStatus,
    ) -> OrderBalance:
        """The balance once the buyer is charged ``amount`` (tax included) under ``code``.

        Raises:
            IllegalTransition, CurrencyMismatch, ValidationError, TooManyDigits,
            DuplicateError: see :func:`~salesorder.domain.order_charges.new_charge`.
        """
        charge = new_charge(
            self.charges,
            code=code,
            description=description,
            amount=amount,
            tax_category=tax_category,
            currency=self.currency,
            thing=thing,
            status=status,
        )
        return attrs.evolve(self, charges=(*self.charges, charge))
