"""JSON shapes of salesorder's models: the one package that knows them.

:func:`make_converter` builds a :class:`cattrs.Converter` that turns every public model
(money, catalog, customers, orders, stock, shipments, invoices, payments, settings, commands
and domain events) into JSON-ready data and back:

- ``Decimal`` is a string (``"12.50"``); on input a string or an int, never a float
  (:class:`~salesorder.exceptions.FloatMoneyError`), because a float cannot hold most
  decimal amounts exactly.
- ``Fraction`` is a string such as ``"11/12"``.
- Dates and datetimes are ISO 8601 strings; datetimes must carry a UTC offset.
- ``bytes`` (a courier's label file) is a base64 string.
- Enums are their values (``"bank_transfer"``); tuples and lists are JSON arrays.
- :class:`~salesorder.money.Money` is ``{"amount": "12.50", "currency": "IDR"}``.
- Commands are tagged by their class's ``tag`` (``{"type": "place_order", ...}``);
  domain events by their class name (``{"type": "OrderPlaced", ...}``).
- Input is strict: unknown keys, a string where a number is expected and a number where a
  string is expected are refused. The models' own validators run, so invalid data cannot
  produce an invalid object.

Every structuring error surfaces as one :class:`~salesorder.exceptions.ScenarioError` whose
``path`` points at the bad field (``commands[2].lines[0].quantity``) and whose message is
the library's own (``NewLine.quantity must be > 0, got 0``).

>>> from salesorder.money import Money
>>> unstructure(Money.of("12.50", "IDR"))
{'amount': '12.50', 'currency': 'IDR'}
>>> structure({"amount": "12.50", "currency": "IDR"}, Money)
Money.of('12.50', 'IDR')
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import functools
import typing
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.cols import (
    homogenous_tuple_structure_factory,
    list_structure_factory,
    mapping_structure_factory,
)
from cattrs.errors import ForbiddenExtraKeysError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from salesorder.domain import events as _events
from salesorder.exceptions import FloatMoneyError, SalesOrderError, ScenarioError
from salesorder.serialization._errors import ROOT as ROOT
from salesorder.serialization._errors import InvalidField, error_messages
from salesorder.serialization._orders import register_order
from salesorder.services import commands as _commands

__all__ = [
    "InvalidField",
    "command_types",
    "converter",
    "error_messages",
    "event_types",
    "make_converter",
    "register_tagged_union",
    "structure",
    "unstructure",
]

T = TypeVar("T")


def _kind(value: object) -> str:
    """How error messages name the JSON type of ``value``."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float, Decimal)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, Mapping):
        return "an object"
    return "an array" if isinstance(value, (list, tuple)) else f"a {type(value).__name__}"


# ---------------------------------------------------------------------------------------
# Scalars
# ---------------------------------------------------------------------------------------


def _structure_decimal(value: object, _type: object) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        raise FloatMoneyError(
            f'expected a decimal string such as "12.50", got the float {value!r} '
            "(floats cannot hold decimal amounts exactly)"
        )
    elif isinstance(value, int) and not isinstance(value, bool):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidField(f"{value!r} is not a decimal number") from None
    else:
        raise InvalidField(f'expected a decimal string such as "12.50", got {_kind(value)}')
    if not result.is_finite():
        raise InvalidField(f"expected a finite decimal number, got {value!r}")
    return result


def _structure_quantity(value: object, _type: object) -> int | Decimal:
    # A quantity (``int | Decimal``): a JSON integer stays an int, a decimal string is a
    # Decimal; the model's converter normalises it (whole -> int) and checks its limits.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return _structure_decimal(value, Decimal)


def _is_quantity(type_: object) -> bool:
    return set(typing.get_args(type_)) == {int, Decimal}


def _structure_fraction(value: object, _type: object) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise FloatMoneyError(
            f'expected an exact fraction such as "11/12", got the float {value!r}'
        )
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            pass
    raise InvalidField(f'expected a fraction such as "11/12", got {_kind(value)}')


def _enum_member(value: object, cls: type[enum.Enum]) -> enum.Enum:
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        raise InvalidField(f"expected one of {allowed}, got {_kind(value)}") from None


def _structure_str(value: object, cls: type[Any]) -> Any:
    # Every enum of salesorder is a (str, Enum): cattrs dispatches them here with str.
    if issubclass(cls, enum.Enum):
        return _enum_member(value, cls)
    if not isinstance(value, str):
        raise InvalidField(f"expected a string, got {_kind(value)}")
    return value


def _structure_int(value: object, cls: type[Any]) -> Any:
    if issubclass(cls, enum.Enum):
        return _enum_member(value, cls)
    if isinstance(value, float):
        raise FloatMoneyError(f"expected a whole number, got the float {value!r}")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidField(f"expected a whole number, got {_kind(value)}")
    return value


def _structure_bool(value: object, _type: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(f"expected true or false, got {_kind(value)}")
    return value


def _structure_datetime(value: object, _type: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, str):
        text = value.strip()
        # Python 3.10's fromisoformat does not read the "Z" suffix.
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            result = dt.datetime.fromisoformat(text)
        except ValueError:
            raise InvalidField(
                f'expected an ISO 8601 date and time such as "2026-01-05T09:00:00+07:00", '
                f"got {value!r}"
            ) from None
    else:
        raise InvalidField(f"expected an ISO 8601 date and time string, got {_kind(value)}")
    if result.tzinfo is None or result.utcoffset() is None:
        raise InvalidField(
            f'a date and time must be timezone-aware (add an offset such as "+07:00" or '
            f'"Z"), got {value!r}'
        )
    return result


def _structure_date(value: object, _type: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise InvalidField(f'expected an ISO 8601 date such as "2026-01-05", got {value!r}')
    raise InvalidField(f"expected an ISO 8601 date string, got {_kind(value)}")


def _structure_bytes(value: object, _type: object) -> bytes:
    if not isinstance(value, str):
        raise InvalidField(f"expected base64 text, got {_kind(value)}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidField(f"expected base64 text, got {value[:40]!r}") from None


def _unstructure_str(value: str) -> str:
    # (str, Enum) members would otherwise pass through as enum members.
    return str(value.value) if isinstance(value, enum.Enum) else value


def _unstructure_enum(value: enum.Enum) -> Any:
    return value.value


# ---------------------------------------------------------------------------------------
# Containers and attrs classes: refuse the wrong JSON type before cattrs iterates it
# ---------------------------------------------------------------------------------------


def _is_list_like(type_: Any) -> bool:
    origin = typing.get_origin(type_)
    args = typing.get_args(type_)
    return origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis)


def _is_dict(type_: Any) -> bool:
    return typing.get_origin(type_) is dict


def _list_like_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = (
        list_structure_factory(type_, conv)
        if typing.get_origin(type_) is list
        else homogenous_tuple_structure_factory(type_, conv)
    )

    def structure(value: Any, cls: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise InvalidField(f"expected an array, got {_kind(value)}")
        return inner(value, cls)

    return structure


def _dict_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = mapping_structure_factory(type_, conv)

    def structure(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidField(f"expected an object, got {_kind(value)}")
        return inner(value, cls)

    return structure


def _code_only(type_: Any) -> dict[str, Any]:
    """Overrides that leave out the fields marked ``metadata={"json": False}``.

    Such a field holds code, not data (``Settings.templates``, a shop's template renderer):
    it is never written, and a document that names it is refused as having an unknown key.
    """
    return {
        field.name: override(omit=True)
        for field in attrs.fields(type_)
        if field.metadata.get("json", True) is False
    }


def _attrs_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = make_dict_structure_fn(type_, conv, **_code_only(type_))
    name = getattr(type_, "__name__", repr(type_))

    def structure(value: Any, cls: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidField(f"expected an object ({name}), got {_kind(value)}")
        return inner(value, cls)

    return structure


# ---------------------------------------------------------------------------------------
# Tagged unions
# ---------------------------------------------------------------------------------------


def register_tagged_union(
    conv: cattrs.Converter,
    target: Any,
    classes: Iterable[type[Any]],
    *,
    tag: Callable[[type[Any]], str],
    tag_name: str = "type",
    what: str = "type",
) -> None:
    """Teach ``conv`` a family of attrs classes told apart by a tag key.

    Each class unstructures as a dict with ``tag_name`` first (``{"type": "place_order",
    ...}``); structuring ``target`` (a base class or a ``Union``) reads the tag and structures
    the rest of the dict as that class. Structuring one of the classes itself accepts the
    dict with its own tag, or without a tag.

    Args:
        conv: the converter to register the hooks on.
        target: the type that stands for "any of ``classes``" in annotations and calls.
        classes: the concrete classes, each with a distinct tag.
        tag: gives a class's tag, such as ``lambda cls: cls.tag``.
        tag_name: the key holding the tag.
        what: how error messages name the tag (``"command type"``).

    Raises:
        ValueError: two classes have the same tag.
    """
    by_tag: dict[str, type[Any]] = {}
    for cls in classes:
        name = tag(cls)
        if name in by_tag:
            raise ValueError(f"{cls.__name__} and {by_tag[name].__name__} share the tag {name!r}")
        by_tag[name] = cls
        _register_tagged_class(conv, cls, name, tag_name)
    expected = ", ".join(repr(t) for t in by_tag)

    def structure(value: Any, _type: Any) -> Any:
        if not isinstance(value, Mapping):
            raise InvalidField(f"expected an object with a {tag_name!r} key, got {_kind(value)}")
        if tag_name not in value:
            raise InvalidField(f"required field missing; expected one of {expected}", tag_name)
        name = value[tag_name]
        cls = by_tag.get(name) if isinstance(name, str) else None
        if cls is None:
            raise InvalidField(f"unknown {what} {name!r}; expected one of {expected}", tag_name)
        return conv.structure({k: v for k, v in value.items() if k != tag_name}, cls)

    conv.register_structure_hook_func(lambda t: t == target, structure)


def _register_tagged_class(conv: cattrs.Converter, cls: type[Any], name: str, key: str) -> None:
    """``cls`` unstructures with its tag, and structures with or without it."""
    fields_out = make_dict_unstructure_fn(cls, conv)
    fields_in = _attrs_factory(cls, conv)

    def unstructure(obj: Any) -> dict[str, Any]:
        return {key: name, **fields_out(obj)}

    def structure(value: Any, _type: Any) -> Any:
        if isinstance(value, Mapping) and key in value:
            if value[key] != name:
                raise InvalidField(f"expected {name!r} here, got {value[key]!r}", key)
            value = {k: v for k, v in value.items() if k != key}
        return fields_in(value, cls)

    conv.register_unstructure_hook(cls, unstructure)
    conv.register_structure_hook(cls, structure)


def command_types() -> tuple[type[_commands.Command[Any]], ...]:
    """Every concrete command class, in the order of :mod:`salesorder.services.commands`."""
    found = (getattr(_commands, name) for name in _commands.__all__)
    return tuple(
        cls
        for cls in found
        if isinstance(cls, type) and issubclass(cls, _commands.Command) and cls.tag
    )


def event_types() -> tuple[type[_events.DomainEvent], ...]:
    """Every concrete domain event class, in the order of :mod:`salesorder.domain.events`."""
    found = (getattr(_events, name) for name in _events.__all__)
    return tuple(
        cls
        for cls in found
        if isinstance(cls, type)
        and issubclass(cls, _events.DomainEvent)
        and cls is not _events.DomainEvent
    )


# ---------------------------------------------------------------------------------------
# The converter
# ---------------------------------------------------------------------------------------


def make_converter() -> cattrs.Converter:
    """A new converter with salesorder's JSON shapes; see the module docstring.

    Each call builds a fresh converter, so callers may register more hooks on theirs (as
    :mod:`salesorder.scenario` does) without changing anyone else's.
    """
    conv = cattrs.Converter(forbid_extra_keys=True)

    conv.register_structure_hook_factory(attrs.has, lambda t: _attrs_factory(t, conv))
    conv.register_structure_hook_factory(_is_list_like, lambda t: _list_like_factory(t, conv))
    conv.register_structure_hook_factory(_is_dict, lambda t: _dict_factory(t, conv))
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_member
    )

    conv.register_structure_hook_func(_is_quantity, _structure_quantity)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_structure_hook(Fraction, _structure_fraction)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook(bytes, _structure_bytes)

    conv.register_unstructure_hook(str, _unstructure_str)
    conv.register_unstructure_hook(enum.Enum, _unstructure_enum)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_unstructure_hook(Fraction, str)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_unstructure_hook(bytes, lambda b: base64.b64encode(b).decode("ascii"))

    register_tagged_union(
        conv, _commands.Command, command_types(), tag=lambda cls: cls.tag, what="command type"
    )
    register_tagged_union(
        conv, _events.DomainEvent, event_types(), tag=lambda cls: cls.__name__, what="event type"
    )
    register_order(conv, _attrs_factory)
    _register_quiet_defaults(conv)
    conv.register_unstructure_hook_factory(
        lambda t: attrs.has(t) and bool(_code_only(t)),
        lambda t: make_dict_unstructure_fn(t, conv, **_code_only(t)),
    )
    return conv


def _quiet_fields() -> dict[type[Any], tuple[str, ...]]:
    """Fields added after documents were stored, written only when not at their default.

    A document written before them reads and writes back the same, and a shop that uses
    none of them sees the JSON it always had.
    """
    from salesorder.domain.catalog import Product  # noqa: PLC0415 - the models load late
    from salesorder.domain.customers import Customer  # noqa: PLC0415
    from salesorder.domain.invoicing import Party  # noqa: PLC0415
    from salesorder.domain.pricing import LineTax, PricedLine, PricedOrder, TaxSummary  # noqa: PLC0415
    from salesorder.domain.tax import TaxRate  # noqa: PLC0415
    from salesorder.money import RoundingPolicy  # noqa: PLC0415

    return {
        TaxRate: ("kind", "amount", "per_unit", "affects", "included"),
        LineTax: ("kind",),
        TaxSummary: ("kind",),
        PricedLine: ("withheld",),
        PricedOrder: ("withheld",),
        RoundingPolicy: ("included", "tax_split", "discount"),
        Party: ("identifiers", "email", "phone"),
        Customer: ("identifiers",),
        Product: ("unit", "purchase_units"),
    }


def _register_quiet_defaults(conv: cattrs.Converter) -> None:
    for cls, names in _quiet_fields().items():
        quiet = {name: override(omit_if_default=True) for name in names}
        # The overrides are keyed by field name; mypy cannot tell them from the named flags.
        hook = make_dict_unstructure_fn(cls, conv, **quiet)  # type: ignore[arg-type]
        conv.register_unstructure_hook(cls, hook)


@functools.lru_cache(maxsize=1)
def converter() -> cattrs.Converter:
    """The shared converter, built on first use (nothing is built at import time)."""
    return make_converter()


def unstructure(obj: Any, *, using: cattrs.Converter | None = None) -> Any:
    """``obj`` as JSON-ready data: dicts, lists, strings, ints, booleans and None.

    Args:
        obj: a model, a command, an event, or a container of them.
        using: the converter to use (default: :func:`converter`).
    """
    return (using or converter()).unstructure(obj)


def structure(data: Any, cls: type[T], *, using: cattrs.Converter | None = None) -> T:
    """Build a ``cls`` from JSON-ready ``data``, validating everything.

    Args:
        data: what :func:`unstructure` (or ``json.load``) gives.
        cls: the model to build, such as ``Order``, or ``Command`` for any command.
        using: the converter to use (default: :func:`converter`).

    Raises:
        ScenarioError: the data does not describe a valid ``cls``; ``path`` points at the
            first bad field and the message says what is wrong with it.
    """
    try:
        return (using or converter()).structure(data, cls)
    except (cattrs.BaseValidationError, ForbiddenExtraKeysError, SalesOrderError,
            ValueError, TypeError, LookupError) as exc:  # fmt: skip
        path, message = error_messages(exc, cls)[0]
        raise ScenarioError(path, message) from exc
