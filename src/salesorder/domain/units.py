"""Quantities and units of measure: whole pieces, 0.25 kg of coffee, 1.5 m of fabric.

A quantity is exact. Whole quantities are ``int`` (a shop that sells pieces sees the same
ints as ever, in memory, in JSON and in SQL); a quantity with a fraction is a
:class:`~decimal.Decimal` with at most :data:`MAX_QUANTITY_DECIMALS` places. Every
constructor that takes a quantity normalises it with :func:`to_quantity`: ``Decimal("2")``
and ``"2.000"`` become ``2``, ``"0.250"`` becomes ``Decimal("0.25")``; a float, a bool,
more than six decimals or more than :data:`~salesorder.domain.common.MAX_QUANTITY` units
are refused.

A :class:`Unit` says how a product is counted and how finely: a piece has 0 decimals, a
kilogram 3, a metre 2. It carries the UN/ECE Recommendation 20 code that e-invoices write
(``C62`` one, for pieces, ``KGM`` kilogram, ``MTR`` metre). A :class:`UnitConversion` turns a
purchase unit into the unit a product is stocked and sold in (a box of 12 pieces); a
conversion that does not come out exact is refused, never rounded.

>>> to_quantity("0.250")
Decimal('0.25')
>>> to_quantity(Decimal("3.000"))
3
>>> KILOGRAM.check(Decimal("0.25"), what="line 1")
Decimal('0.25')
>>> UnitConversion(unit="box", un_code="XBX", factor=12).to_base(3)
36
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs

from salesorder.domain.common import MAX_QUANTITY, int_between, show, text
from salesorder.domain.common import code as _code
from salesorder.exceptions import InvalidQuantity, QuantityOutOfRange, ValidationError
from salesorder.numbers import decimal_isolated, to_decimal

__all__ = [
    "GRAM",
    "KILOGRAM",
    "LITRE",
    "MAX_QUANTITY_DECIMALS",
    "METRE",
    "PIECE",
    "UNITS",
    "InexactConversion",
    "Quantity",
    "TooManyDecimals",
    "Unit",
    "UnitConversion",
    "decimals_of",
    "non_negative_quantity",
    "positive_quantity",
    "quantity",
    "to_quantity",
    "unit_named",
]

#: An exact quantity, an ``int`` when whole and a ``Decimal`` when it has a fraction.
Quantity: TypeAlias = int | Decimal

#: The most decimals any quantity may have (a milligram of a product sold by the kilogram).
MAX_QUANTITY_DECIMALS = 6

_SMALLEST = Decimal(1).scaleb(-MAX_QUANTITY_DECIMALS)


class TooManyDecimals(InvalidQuantity):
    """A quantity with more decimals than its unit (or the library) allows."""


class InexactConversion(InvalidQuantity):
    """A conversion between units that does not come out as an exact quantity."""


@decimal_isolated
def to_quantity(value: object, *, what: str = "quantity") -> Quantity:
    """``value`` as an exact quantity: an ``int`` when whole, else a normalised ``Decimal``.

    Raises:
        FloatMoneyError: a float or a bool.
        ValidationError: not a finite decimal number.
        QuantityOutOfRange: more than ``MAX_QUANTITY`` units either way.
        TooManyDecimals: more than :data:`MAX_QUANTITY_DECIMALS` decimals.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) > MAX_QUANTITY:
            raise QuantityOutOfRange(
                f"{what} must be at most {MAX_QUANTITY:,} units, got {show(value)}"
            )
        return value
    number = to_decimal(value, what=what)
    if number.copy_abs() > MAX_QUANTITY:
        raise QuantityOutOfRange(
            f"{what} must be at most {MAX_QUANTITY:,} units, got {show(value)}"
        )
    if number == number.to_integral_value():
        return int(number)
    if number.quantize(_SMALLEST) != number:
        raise TooManyDecimals(
            f"{what} has more than {MAX_QUANTITY_DECIMALS} decimals, got {show(value)}"
        )
    return number.normalize()


def quantity(value: object) -> Quantity:
    """Converter for attrs fields: :func:`to_quantity` of ``value``."""
    return to_quantity(value)


@decimal_isolated
def decimals_of(value: Quantity) -> int:
    """How many decimals ``value`` has (0 for a whole quantity)."""
    if isinstance(value, int):
        return 0
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _field_name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _checked(instance: object, attribute: attrs.Attribute[Any], value: object) -> Quantity:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise InvalidQuantity(
            f"{_field_name(instance, attribute)} must be a quantity (int or Decimal), "
            f"got {show(value)}"
        )
    return to_quantity(value, what=_field_name(instance, attribute))


def positive_quantity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an exact quantity above zero (see :func:`to_quantity`)."""
    if _checked(instance, attribute, value) <= 0:
        raise InvalidQuantity(f"{_field_name(instance, attribute)} must be > 0, got {show(value)}")


def non_negative_quantity(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an exact quantity of zero or more (stock levels)."""
    if _checked(instance, attribute, value) < 0:
        raise InvalidQuantity(f"{_field_name(instance, attribute)} must be >= 0, got {show(value)}")


@attrs.frozen(kw_only=True)
class Unit:
    """A unit of measure: how a product is counted and how finely.

    ``code`` is the shop's own short name (``"pcs"``, ``"kg"``); ``un_code`` the UN/ECE
    Recommendation 20 code e-invoices write (``"C62"``, ``"KGM"``); ``decimals`` the most
    decimals a quantity of it may have (0 to :data:`MAX_QUANTITY_DECIMALS`).
    """

    code: str = attrs.field(validator=_code)
    un_code: str = attrs.field(validator=_code)
    decimals: int = attrs.field(default=0, validator=int_between(0, MAX_QUANTITY_DECIMALS))
    name: str = attrs.field(default="", validator=text)

    def check(self, value: object, *, what: str = "quantity") -> Quantity:
        """``value`` as a quantity of this unit.

        Raises:
            TooManyDecimals: ``value`` has more decimals than the unit allows, naming
                ``what``, the value and the unit.
        """
        number = to_quantity(value, what=what)
        places = decimals_of(number)
        if places > self.decimals:
            allowed = "whole units" if not self.decimals else f"{self.decimals} decimals"
            raise TooManyDecimals(
                f"{what}: {number} {self.code} has {places} decimals, {self.code} allows {allowed}"
            )
        return number


PIECE = Unit(code="pcs", un_code="C62", decimals=0, name="piece")
KILOGRAM = Unit(code="kg", un_code="KGM", decimals=3, name="kilogram")
GRAM = Unit(code="g", un_code="GRM", decimals=0, name="gram")
METRE = Unit(code="m", un_code="MTR", decimals=2, name="metre")
LITRE = Unit(code="l", un_code="LTR", decimals=3, name="litre")

#: The units the library knows by code; a shop's own unit is a :class:`Unit` it builds.
UNITS: Mapping[str, Unit] = MappingProxyType(
    {unit.code: unit for unit in (PIECE, KILOGRAM, GRAM, METRE, LITRE)}
)


def unit_named(name: str) -> Unit:
    """The shipped unit called ``name`` (``"pcs"``, ``"kg"``, ``"g"``, ``"m"``, ``"l"``).

    Raises:
        ValidationError: no shipped unit has that code.
    """
    try:
        return UNITS[name]
    except (KeyError, TypeError):
        known = ", ".join(UNITS)
        raise ValidationError(f"unknown unit {show(name)}; known: {known}") from None


@attrs.frozen(kw_only=True)
class UnitConversion:
    """A purchase (or packing) unit worth ``factor`` of a product's own unit.

    ``UnitConversion(unit="box", un_code="XBX", factor=12)``: a box of 12 pieces.
    """

    unit: str = attrs.field(validator=_code)
    un_code: str = attrs.field(validator=_code)
    factor: Quantity = attrs.field(converter=quantity, validator=positive_quantity)
    name: str = attrs.field(default="", validator=text)

    @decimal_isolated
    def to_base(self, value: object, *, what: str = "quantity") -> Quantity:
        """``value`` of this unit in the product's own unit (3 boxes -> 36 pieces)."""
        return to_quantity(to_quantity(value, what=what) * self.factor, what=what)

    @decimal_isolated
    def from_base(self, value: object, *, what: str = "quantity") -> Quantity:
        """``value`` of the product's own unit in this unit (36 pieces -> 3 boxes).

        Raises:
            InexactConversion: the result is not exact to :data:`MAX_QUANTITY_DECIMALS`.
        """
        number = to_quantity(value, what=what)
        result = Decimal(number) / Decimal(self.factor)
        if result.quantize(_SMALLEST) * Decimal(self.factor) != number:
            raise InexactConversion(
                f"{what}: {number} does not convert exactly into {self.unit} of {self.factor}"
            )
        return to_quantity(result.quantize(_SMALLEST), what=what)
