"""Products: what is sold, what it costs, how heavy and large it is.

A product carries what the order, pricing, shipping and later the marketplace listing need:
SKU, names, up to three variant attributes, unit cost and selling price (one currency),
tax category, weight in kilograms and dimensions in centimetres.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from salesorder.domain.common import (
    as_tuple,
    code,
    each,
    instance_of,
    money,
    non_empty,
    non_negative_decimal,
    text,
)
from salesorder.domain.units import (
    PIECE,
    Quantity,
    Unit,
    UnitConversion,
    non_negative_quantity,
    quantity,
)
from salesorder.exceptions import CurrencyMismatch, ValidationError
from salesorder.money import Money, to_decimal

__all__ = ["MAX_VARIANT_ATTRIBUTES", "Dimensions", "Product", "VariantAttribute"]

#: Marketplaces (Shopee, Lazada, TikTok Shop) accept at most three variation attributes.
MAX_VARIANT_ATTRIBUTES = 3


def _decimal(value: object) -> Decimal:
    return to_decimal(value, what="measure")


@attrs.frozen(kw_only=True)
class Dimensions:
    """Package dimensions in centimetres (length x width x height)."""

    length_cm: Decimal = attrs.field(converter=_decimal, validator=non_negative_decimal)
    width_cm: Decimal = attrs.field(converter=_decimal, validator=non_negative_decimal)
    height_cm: Decimal = attrs.field(converter=_decimal, validator=non_negative_decimal)

    @property
    def volume_cm3(self) -> Decimal:
        """Volume in cubic centimetres."""
        return self.length_cm * self.width_cm * self.height_cm


@attrs.frozen(kw_only=True)
class VariantAttribute:
    """One variant attribute, such as ``colour=red`` or ``size=M``."""

    name: str = attrs.field(validator=non_empty)
    value: str = attrs.field(validator=non_empty)


def _check_attributes(
    instance: Product, _attribute: object, value: tuple[VariantAttribute, ...]
) -> None:
    if len(value) > MAX_VARIANT_ATTRIBUTES:
        raise ValidationError(
            f"product {instance.sku!r} has {len(value)} variant attributes, "
            f"at most {MAX_VARIANT_ATTRIBUTES} allowed"
        )
    names = [a.name for a in value]
    if len(set(names)) != len(names):
        raise ValidationError(f"product {instance.sku!r} repeats a variant attribute: {names}")


@attrs.frozen(kw_only=True)
class Product:
    """A sellable item (one variant is one product with its own SKU).

    ``price`` is the selling price per unit before discounts; whether it includes tax is a
    pricing setting, not a property of the product. ``unit_cost`` is in the same currency.
    ``initial_stock`` is placed in a warehouse when the product is first loaded
    (see :class:`salesorder.services.commands.AddProduct`).
    """

    sku: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    price: Money = attrs.field(validator=money)
    unit_cost: Money = attrs.field(validator=money)
    tax_category: str = attrs.field(default="standard", validator=code)
    category: str = attrs.field(default="", validator=text)
    brand: str = attrs.field(default="", validator=text)
    description: str = attrs.field(default="", validator=text)
    images: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(text))
    attributes: tuple[VariantAttribute, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_check_attributes
    )
    weight_kg: Decimal = attrs.field(
        default=Decimal(0), converter=_decimal, validator=non_negative_decimal
    )
    dimensions: Dimensions | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Dimensions))
    )
    initial_stock: Quantity = attrs.field(
        default=0, converter=quantity, validator=non_negative_quantity
    )
    unit: Unit = attrs.field(default=PIECE, validator=instance_of(Unit))
    purchase_units: tuple[UnitConversion, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(UnitConversion))
    )

    def __attrs_post_init__(self) -> None:
        self.unit.check(self.initial_stock, what=f"product {self.sku!r} initial_stock")
        if self.price.currency != self.unit_cost.currency:
            raise CurrencyMismatch(
                self.price.currency,
                self.unit_cost.currency,
                f"product {self.sku!r} unit cost",
                against="its price",
            )
        if self.price.is_negative or self.unit_cost.is_negative:
            raise ValidationError(
                f"product {self.sku!r} has a negative price ({self.price}) "
                f"or cost ({self.unit_cost})"
            )

    def purchase_unit(self, name: str) -> UnitConversion:
        """The purchase unit called ``name`` (``"box"``), or the product's own unit as 1:1.

        Raises:
            ValidationError: the product has no purchase unit of that name.
        """
        if name == self.unit.code:
            return UnitConversion(unit=name, un_code=self.unit.un_code, factor=1)
        for conversion in self.purchase_units:
            if conversion.unit == name:
                return conversion
        known = ", ".join([self.unit.code, *(c.unit for c in self.purchase_units)])
        raise ValidationError(f"product {self.sku!r} has no unit {name!r}; it has: {known}")

    @property
    def profit_per_unit(self) -> Money:
        """Selling price minus unit cost (before tax, discounts and fees)."""
        return self.price - self.unit_cost
