"""The line of an order: a SKU, an exact quantity in the product's unit, a unit price.

Kept apart from :mod:`salesorder.domain.orders` (which re-exports it) so the modules the
order delegates to, such as :mod:`salesorder.domain.amendments`, read lines without
importing the order.
"""

from __future__ import annotations

import attrs

from salesorder.domain.common import code
from salesorder.domain.pricing import Discount
from salesorder.domain.units import PIECE, Quantity, Unit, positive_quantity, quantity
from salesorder.exceptions import CurrencyMismatch, PaymentError
from salesorder.money import Money

__all__ = ["OrderLine", "check_line_currency"]


@attrs.frozen(kw_only=True)
class OrderLine:
    """One line of an order: a SKU, a quantity above zero in ``unit``, a unit price.

    ``quantity`` is exact (see :mod:`salesorder.domain.units`): an ``int`` for whole units,
    a ``Decimal`` for 0.25 kg, with no more decimals than ``unit`` allows (a piece: none),
    else :class:`~salesorder.domain.units.TooManyDecimals` names the line, its SKU and
    the unit. ``unit`` is the product's, copied from the catalog when the line is made.
    ``unit_price`` is per unit, tax included or excluded as the order's ``tax_mode`` says.
    ``unit_cost`` (optional) lets pricing report margin and profit.
    """

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=quantity, validator=positive_quantity)
    unit_price: Money
    name: str = ""
    discount: Discount | None = None
    tax_category: str = attrs.field(default="standard", validator=code)
    unit_cost: Money | None = None
    #: True when the price was given on the order or by a marketplace; price lists keep off it.
    price_fixed: bool = False
    #: The unit the quantity counts (the product's); pieces unless the catalog says otherwise.
    unit: Unit = attrs.field(default=PIECE, validator=attrs.validators.instance_of(Unit))

    def __attrs_post_init__(self) -> None:
        self.unit.check(self.quantity, what=f"line {self.line_id!r} (SKU {self.sku!r})")
        if self.unit_price.is_negative:
            raise PaymentError(f"line {self.line_id!r} has a negative unit price {self.unit_price}")
        if self.unit_cost is not None and self.unit_cost.currency != self.unit_price.currency:
            raise CurrencyMismatch(
                self.unit_price.currency,
                self.unit_cost.currency,
                f"line {self.line_id!r} unit cost",
                against="its unit price",
            )


def check_line_currency(currency: str, line: OrderLine) -> None:
    """Refuse ``line`` on an order in ``currency`` when its price or discount is in another.

    Raises:
        CurrencyMismatch: the unit price or a fixed discount is not in ``currency``.
    """
    if line.unit_price.currency != currency:
        raise CurrencyMismatch(
            currency,
            line.unit_price.currency,
            f"line {line.line_id!r} unit price",
            against="the order",
        )
    discount = line.discount.amount if line.discount is not None else None
    if discount is not None and discount.currency != currency:
        raise CurrencyMismatch(
            currency, discount.currency, f"line {line.line_id!r} discount", against="the order"
        )
