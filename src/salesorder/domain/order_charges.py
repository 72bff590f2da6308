"""Charges of an order beyond its goods and shipping: a COD fee, packaging, insurance.

An :class:`OrderCharge` is what the buyer pays for one of them, tax included, in the
order's currency, under a UNCL 7161 reason code (``"ABL"`` packaging, ``"ABK"``
miscellaneous, ``"IN"`` insurance...) or a shop's own; an order charges each code once. The
order's balance owes it (:meth:`~salesorder.domain.balance.OrderBalance.due_at`) and the
next invoice lists it as a charge line of its own, taxed in its ``tax_category``
(:data:`CHARGE_LINE_PREFIX` and the code make the line's id). :func:`new_charge` is the
rule an order applies before it adds one: every refusal names the order and the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from salesorder.domain.common import code, non_empty
from salesorder.domain.lifecycle import OrderStatus
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    IllegalTransition,
    TooManyDigits,
    ValidationError,
)
from salesorder.money import Money, currency_info

__all__ = ["CHARGE_LINE_PREFIX", "CLOSED", "OrderCharge", "new_charge"]

#: An invoice line of a charge has the id ``"charge-<code>"``.
CHARGE_LINE_PREFIX = "charge-"

#: The statuses of an order that takes no new charge (cancelled, or closed).
CLOSED = frozenset({OrderStatus.CANCELLED, OrderStatus.COMPLETED, OrderStatus.REFUNDED})


def _optional_code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        code(instance, attribute, value)


def _positive(instance: OrderCharge, _attribute: object, value: Money) -> None:
    if not value.is_positive:
        raise ValidationError(f"charge {instance.code!r} must be above zero, got {value}")


@attrs.frozen(kw_only=True)
class OrderCharge:
    """One charge of an order; see the module docstring.

    Attributes:
        code: the UNCL 7161 reason code (or the shop's own); the charge's identity.
        description: what the buyer reads on the invoice.
        amount: what the buyer pays for it, tax included, above zero.
        tax_category: its category in the shop's tax table (None: outside tax).
    """

    code: str = attrs.field(validator=code)
    description: str = attrs.field(validator=non_empty)
    amount: Money = attrs.field(validator=_positive)
    tax_category: str | None = attrs.field(default=None, validator=_optional_code)

    @property
    def line_id(self) -> str:
        """The id of its invoice line (``"charge-<code>"``)."""
        return f"{CHARGE_LINE_PREFIX}{self.code}"


def new_charge(
    charges: Sequence[OrderCharge],
    *,
    code: str,
    description: str,
    amount: Money,
    tax_category: str | None,
    currency: str,
    thing: str,
    status: OrderStatus,
) -> OrderCharge:
    """The charge an order (``thing``, in ``status``, with ``charges``) may add.

    Raises:
        IllegalTransition: the order is cancelled or closed (:data:`CLOSED`).
        CurrencyMismatch: ``amount`` is in another currency than the order's.
        ValidationError: ``amount`` is not above zero.
        TooManyDigits: ``amount`` has more decimal places than the currency's minor units
            (an invoice could not charge it exactly).
        DuplicateError: the order already has a charge with ``code``.
    """
    what = f"charge {code!r} of {amount}"
    if status in CLOSED:
        raise IllegalTransition(thing, status.value, f"add {what} to")
    if amount.currency != currency:
        raise CurrencyMismatch(currency, amount.currency, what, against=thing)
    if not amount.is_positive:
        raise ValidationError(f"{thing}: {what} must be above zero")
    digits = currency_info(currency).digits
    if not amount.is_rounded(digits):
        raise TooManyDigits(amount, digits, what=f"{thing} charge {code!r}")
    for charge in charges:
        if charge.code == code:
            raise DuplicateError(f"{thing} already has a charge {code!r} of {charge.amount}")
    return OrderCharge(code=code, description=description, amount=amount, tax_category=tax_category)
