"""Validators and small values shared by the domain models (one place for each check)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar, overload

import attrs

from salesorder.exceptions import InvalidQuantity, QuantityOutOfRange, ValidationError
from salesorder.money import to_decimal

__all__ = [
    "MAX_QUANTITY",
    "Held",
    "as_tuple",
    "aware_datetime",
    "code",
    "non_empty",
    "non_negative_decimal",
    "non_negative_int",
    "not_empty",
    "positive_int",
    "whole_quantity",
]


#: The largest quantity salesorder carries (units ordered, stocked, reserved, counted):
#: 999,999,999. It fits a 32-bit integer column on every SQL backend, and times an amount
#: below ``salesorder.money.MAX_AMOUNT`` it is exact under the library's decimal context.
MAX_QUANTITY = 999_999_999


def _bounded(what: str, value: int) -> int:
    if not -MAX_QUANTITY <= value <= MAX_QUANTITY:
        raise QuantityOutOfRange(f"{what} must be at most {MAX_QUANTITY:,} units, got {value}")
    return value


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: any iterable to a tuple (frozen models hold tuples, never lists)."""
    return tuple(value)


def _name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a string with something in it besides white space."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{_name(instance, attribute)} must be a non-empty string, got {value!r}"
        )


def not_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a collection with at least one item."""
    if not value:
        raise ValidationError(f"{_name(instance, attribute)} needs at least one item, got none")


def code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an identifier-like code (SKU, warehouse code): non-empty, no white space."""
    non_empty(instance, attribute, value)
    assert isinstance(value, str)  # noqa: S101 - narrowed by non_empty
    if any(ch.isspace() for ch in value):
        raise ValidationError(
            f"{_name(instance, attribute)} must not contain spaces, got {value!r}"
        )


def whole_quantity(value: object) -> int:
    """Converter: a whole number of units (int, or a str/Decimal with no fraction)."""
    if isinstance(value, bool):
        raise InvalidQuantity(f"quantity must be a whole number, got {value!r}")
    if isinstance(value, int):
        return _bounded("quantity", value)
    number = to_decimal(value, what="quantity")
    if number.copy_abs() > MAX_QUANTITY:
        raise QuantityOutOfRange(f"quantity must be at most {MAX_QUANTITY:,} units, got {value}")
    if number != number.to_integral_value():
        raise InvalidQuantity(f"quantity must be a whole number, got {value!r}")
    return int(number)


def positive_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """Validator: an int above zero (quantities ordered, reserved, shipped)."""
    if value <= 0:
        raise InvalidQuantity(f"{_name(instance, attribute)} must be > 0, got {value}")
    _bounded(_name(instance, attribute), value)


def non_negative_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """Validator: an int of zero or more (stock levels)."""
    if value < 0:
        raise InvalidQuantity(f"{_name(instance, attribute)} must be >= 0, got {value}")
    _bounded(_name(instance, attribute), value)


def non_negative_decimal(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a Decimal of zero or more (weights, dimensions, rates)."""
    if to_decimal(value, what=attribute.name) < 0:
        raise ValidationError(f"{_name(instance, attribute)} must be >= 0, got {value}")


def aware_datetime(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a timezone-aware datetime (timestamps come from the clock port)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValidationError(
            f"{_name(instance, attribute)} must be a timezone-aware datetime, got {value!r}"
        )


T = TypeVar("T")


class Held(Generic[T]):
    """An aggregate's attribute read from a value the aggregate holds.

    In a class body, ``amount_paid = Held[Money]("balance", doc)`` makes
    ``order.amount_paid`` read ``order.balance.amount_paid``: the held value's field of the
    attribute's own name, or ``of``. It is passed through ``copy`` when given, so a list or
    dict read is the caller's own.
    """

    def __init__(
        self, part: str, doc: str, copy: Callable[[Any], T] | None = None, *, of: str = ""
    ) -> None:
        self.part, self.copy, self.__doc__, self.name = part, copy, doc, of

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = self.name or name

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Held[T]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T: ...
    def __get__(self, instance: object, owner: type[Any]) -> Held[T] | T:
        if instance is None:
            return self
        value = getattr(getattr(instance, self.part), self.name)
        return value if self.copy is None else self.copy(value)
