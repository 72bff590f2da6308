"""Payments received for orders."""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from salesorder.domain.common import aware_datetime, code, non_empty
from salesorder.exceptions import PaymentError
from salesorder.money import Money

__all__ = ["Payment", "PaymentMethod"]


class PaymentMethod(str, enum.Enum):
    """How the buyer pays. COD is cash collected by the courier at delivery."""

    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    E_WALLET = "e_wallet"
    COD = "cod"


@attrs.frozen(kw_only=True)
class Payment:
    """Money received for an order. ``reference`` is unique: the same payment is recorded once."""

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    method: PaymentMethod
    amount: Money
    reference: str = attrs.field(validator=non_empty)
    received_at: dt.datetime = attrs.field(validator=aware_datetime)

    def __attrs_post_init__(self) -> None:
        if not self.amount.is_positive:
            raise PaymentError(f"payment {self.reference!r} must be above zero, got {self.amount}")
        if not self.amount.is_rounded():
            raise PaymentError(
                f"payment {self.reference!r} of {self.amount} has more digits than "
                f"{self.amount.currency} allows"
            )
