"""Validators and small values shared by the domain models (one place for each check).

The limits below are the library's, the same for every backend: a value one store would
refuse (PostgreSQL's column lengths and integer widths, its refusal of NUL characters, a
lone surrogate no UTF-8 store can encode) is refused by the domain at construction, with a
:class:`~salesorder.exceptions.ValidationError` naming the field and the value, whatever
the store. See "Limits" in ``docs/concepts.md``.
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

import attrs

from salesorder.exceptions import (
    FloatMoneyError,
    InvalidQuantity,
    MalformedDocument,
    QuantityOutOfRange,
    ValidationError,
)
from salesorder.money import Money, to_decimal
from salesorder.numbers import MAX_AMOUNT, MAX_DIGITS

__all__ = [
    "DISPLAY",
    "MAX_CODE_LENGTH",
    "MAX_DAYS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_NUMBER_DIGITS",
    "MAX_MINUTES",
    "MAX_QUANTITY",
    "MAX_RATE",
    "MAX_REASON_LENGTH",
    "MAX_REVISION",
    "MAX_TEXT_LENGTH",
    "MIN_RATE",
    "Held",
    "Shown",
    "as_tuple",
    "aware_datetime",
    "boolean",
    "code",
    "date",
    "display",
    "each",
    "instance_of",
    "int_between",
    "member_of",
    "money",
    "non_empty",
    "non_negative_decimal",
    "non_negative_int",
    "not_empty",
    "optional_code",
    "positive_int",
    "rate",
    "read_json",
    "reason",
    "reference",
    "show",
    "spelled",
    "text",
    "whole_quantity",
]


#: The largest quantity salesorder carries (units ordered, stocked, reserved, counted):
#: 999,999,999. It fits a 32-bit integer column on every SQL backend, and times an amount
#: below ``salesorder.money.MAX_AMOUNT`` it is exact under the library's decimal context.
MAX_QUANTITY = 999_999_999

#: The longest code, id or reference (SKU, warehouse, order id, payment reference, voucher
#: code, external id): 120 characters, the width of every key column in SQL.
MAX_CODE_LENGTH = 120
#: The longest reason or note that the stock ledger may keep (a write-off's reason, a short
#: pick's note, a return's reason): 250 characters. The ledger's reason column holds 400,
#: which leaves room for the prefix the library adds (``"return R-000001: "``).
MAX_REASON_LENGTH = 250
#: The longest other free text (names, descriptions, address lines, order notes).
MAX_TEXT_LENGTH = 2000
#: The longest duration in days (payment terms, instalments): 3,660, about ten years.
MAX_DAYS = 3660
#: The longest duration in minutes (a reservation's hold): :data:`MAX_DAYS` in minutes.
MAX_MINUTES = MAX_DAYS * 24 * 60
#: The largest marketplace order revision: 2**63 - 1, a signed 64-bit integer (an update
#: time in epoch milliseconds fits for the next 290 million years).
MAX_REVISION = 2**63 - 1
#: Exchange rates (order currency per unit of another) lie in [MIN_RATE, MAX_RATE]:
#: 10**-9 to 10**9, wider than any rate between two ISO 4217 currencies.
MIN_RATE = Decimal("1e-9")
MAX_RATE = Decimal("1e9")

#: The deepest nesting of arrays and objects :func:`read_json` reads: 64 levels.
MAX_JSON_DEPTH = 64
#: The most digits a JSON number may have for :func:`read_json`: 40 (a revision of 2**63
#: has 19; Python refuses to read an integer of more than 4,300).
MAX_JSON_NUMBER_DIGITS = 40

# NUL (PostgreSQL refuses it in text and JSON) and lone surrogates (no UTF-8 store can
# encode them) are refused in every string the domain keeps.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: White space as ``str.isspace`` tells it (the same Unicode table), found by one search.
_SPACE = re.compile(r"\s")
E = TypeVar("E", bound=enum.Enum)


def show(value: object, limit: int = 60) -> str:
    """``repr(value)`` for an error message, cut to about ``limit`` characters.

    Safe for any value: an integer too long to print in decimal (Python refuses above 4,300
    digits) is shown by its size.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"an integer of {value.bit_length()} bits"
    try:
        shown = repr(value)
    except Exception:  # a hostile __repr__ must not hide the error being reported
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= limit else f"{shown[: limit - 5]}...{shown[-2:]}"


def _bounded(what: str, value: int) -> int:
    if not -MAX_QUANTITY <= value <= MAX_QUANTITY:
        raise QuantityOutOfRange(
            f"{what} must be at most {MAX_QUANTITY:,} units, got {show(value)}"
        )
    return value


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Converter: a list, tuple or other iterable to a tuple (frozen models hold tuples).

    A string or bytes is refused rather than split into its characters.
    """
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        raise ValidationError(f"expected a list of items, got {show(value)}")
    return tuple(value)


def _name(instance: object, attribute: attrs.Attribute[Any]) -> str:
    return f"{type(instance).__name__}.{attribute.name}"


def _string(instance: object, attribute: attrs.Attribute[Any], value: object, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"{_name(instance, attribute)} must be a string, got {show(value)}")
    if len(value) > limit:
        raise ValidationError(
            f"{_name(instance, attribute)} must be at most {limit} characters, "
            f"got {len(value)}: {show(value)}"
        )
    if _UNSTORABLE.search(value):
        raise ValidationError(
            f"{_name(instance, attribute)} must not contain NUL characters or lone "
            f"surrogates, got {show(value)}"
        )
    return value


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: free text, possibly empty, of at most ``MAX_TEXT_LENGTH`` characters.

    Every string the domain keeps is also refused with a NUL character or a lone surrogate.
    """
    _string(instance, attribute, value, MAX_TEXT_LENGTH)


def reason(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a reason or note, possibly empty, of at most ``MAX_REASON_LENGTH`` characters."""
    _string(instance, attribute, value, MAX_REASON_LENGTH)


def reference(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an id or reference, possibly empty, of at most ``MAX_CODE_LENGTH`` characters.

    For the ids a command names (an order id, a payment reference): no control characters
    either. An empty or unknown id is then refused by the lookup (``NotFound``).
    """
    _string(instance, attribute, value, MAX_CODE_LENGTH)
    assert isinstance(value, str)  # noqa: S101 - narrowed by _string
    if not value.isprintable():
        raise ValidationError(
            f"{_name(instance, attribute)} must not contain control characters, got {show(value)}"
        )


def non_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a string with something in it besides white space (``MAX_TEXT_LENGTH``)."""
    _string(instance, attribute, value, MAX_TEXT_LENGTH)
    assert isinstance(value, str)  # noqa: S101 - narrowed by _string
    if not value.strip():
        raise ValidationError(
            f"{_name(instance, attribute)} must be a non-empty string, got {show(value)}"
        )


def not_empty(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a collection with at least one item."""
    if not value:
        raise ValidationError(f"{_name(instance, attribute)} needs at least one item, got none")


def code(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: an identifier-like code (SKU, warehouse code): non-empty, no white space.

    At most ``MAX_CODE_LENGTH`` (120) characters, all printable.
    """
    non_empty(instance, attribute, value)
    assert isinstance(value, str)  # noqa: S101 - narrowed by non_empty
    if _SPACE.search(value):
        raise ValidationError(
            f"{_name(instance, attribute)} must not contain spaces, got {show(value)}"
        )
    if len(value) > MAX_CODE_LENGTH:
        raise ValidationError(
            f"{_name(instance, attribute)} must be at most {MAX_CODE_LENGTH} characters, "
            f"got {len(value)}: {show(value)}"
        )
    if not value.isprintable():
        raise ValidationError(
            f"{_name(instance, attribute)} must not contain control characters, got {show(value)}"
        )


#: Validator: None, or a :func:`code` (for a class that also has a field named ``code``).
optional_code = attrs.validators.optional(code)


def whole_quantity(value: object) -> int:
    """Converter: a whole number of units (int, or a str/Decimal with no fraction)."""
    if isinstance(value, bool):
        raise InvalidQuantity(f"quantity must be a whole number, got {value!r}")
    if isinstance(value, int):
        return _bounded("quantity", value)
    number = to_decimal(value, what="quantity")
    if number.copy_abs() > MAX_QUANTITY:
        raise QuantityOutOfRange(
            f"quantity must be at most {MAX_QUANTITY:,} units, got {show(value)}"
        )
    if number != number.to_integral_value():
        raise InvalidQuantity(f"quantity must be a whole number, got {show(value)}")
    return int(number)


def _integer(instance: object, attribute: attrs.Attribute[Any], value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQuantity(
            f"{_name(instance, attribute)} must be a whole number, got {show(value)}"
        )
    return value


def positive_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """Validator: an int above zero, at most ``MAX_QUANTITY`` (quantities, counts, sizes)."""
    if _integer(instance, attribute, value) <= 0:
        raise InvalidQuantity(f"{_name(instance, attribute)} must be > 0, got {show(value)}")
    _bounded(_name(instance, attribute), value)


def non_negative_int(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
    """Validator: an int of zero or more, at most ``MAX_QUANTITY`` (stock levels)."""
    if _integer(instance, attribute, value) < 0:
        raise InvalidQuantity(f"{_name(instance, attribute)} must be >= 0, got {show(value)}")
    _bounded(_name(instance, attribute), value)


def int_between(low: int, high: int) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validator factory: an int (not a bool) from ``low`` to ``high`` inclusive.

    For durations (``MAX_DAYS``, ``MAX_MINUTES``), revisions (``MAX_REVISION``) and other
    counts that are not quantities.
    """

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        number = _integer(instance, attribute, value)
        if not low <= number <= high:
            raise ValidationError(
                f"{_name(instance, attribute)} must be from {low:,} to {high:,}, got {show(value)}"
            )

    return check


def boolean(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: ``True`` or ``False`` (not a truthy string or number)."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{_name(instance, attribute)} must be true or false, got {show(value)}"
        )


def money(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a :class:`~salesorder.money.Money` (a float is a ``FloatMoneyError``)."""
    if isinstance(value, Money):
        return
    if isinstance(value, float):
        raise FloatMoneyError(
            f"{_name(instance, attribute)} must be Money (Money.of(amount, currency)), "
            f"not the float {show(value)}"
        )
    raise ValidationError(
        f"{_name(instance, attribute)} must be Money (Money.of(amount, currency)), "
        f"got {show(value)}"
    )


def instance_of(*types: type[Any]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validator factory: an instance of one of ``types`` (a model where a model belongs)."""
    expected = " or ".join(t.__name__ for t in types)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, types):
            raise ValidationError(
                f"{_name(instance, attribute)} must be a {expected}, got {show(value)}"
            )

    return check


def date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a calendar date (``datetime.date``, not a datetime or a string)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ValidationError(f"{_name(instance, attribute)} must be a date, got {show(value)}")


def each(
    validator: Callable[[object, attrs.Attribute[Any], Any], None],
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validator factory: ``validator`` applied to every item of a tuple field."""

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(f"{_name(instance, attribute)} must be a list, got {show(value)}")
        for item in value:
            validator(instance, attribute, item)

    return check


def spelled(cls: type[E], value: object) -> E:
    """A member of enum ``cls`` given as itself or as its value (``"cod"``).

    The body of an enum field's converter. Anything else is returned unchanged, for the
    field's :func:`member_of` validator to refuse with the field's name.
    """
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        for member in cls:
            if member.value == value:
                return member
    return value  # type: ignore[return-value]  # refused by member_of, naming the field


def member_of(cls: type[enum.Enum]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """Validator factory: a member of enum ``cls`` (after :func:`spelled` converted it)."""
    allowed = ", ".join(repr(member.value) for member in cls)

    def check(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, cls):
            raise ValidationError(
                f"{_name(instance, attribute)} must be one of {allowed}, got {show(value)}"
            )

    return check


def rate(value: object) -> Decimal:
    """Converter: an exchange rate from ``MIN_RATE`` to ``MAX_RATE`` (10**-9 to 10**9).

    With at most 28 significant digits, so that converting an amount with it is exact to
    the library's precision.
    """
    number = to_decimal(value, what="exchange rate")
    if not MIN_RATE <= number <= MAX_RATE or len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValidationError(
            "exchange rate must be from 10**-9 to 10**9 with at most 28 significant digits, "
            f"got {show(value)}"
        )
    return number


def non_negative_decimal(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a Decimal of zero or more (weights, dimensions, rates, percentages).

    Below 10**14 with at most 28 significant digits, as amounts are, so that arithmetic on
    it stays exact under the library's decimal context.
    """
    number = to_decimal(value, what=_name(instance, attribute))
    if number < 0:
        raise ValidationError(f"{_name(instance, attribute)} must be >= 0, got {show(value)}")
    if number >= MAX_AMOUNT or len(number.as_tuple().digits) > MAX_DIGITS:
        raise ValidationError(
            f"{_name(instance, attribute)} must be below 10**14 with at most 28 significant "
            f"digits, got {show(value)}"
        )


def aware_datetime(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validator: a timezone-aware datetime (timestamps come from the clock port)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise ValidationError(
            f"{_name(instance, attribute)} must be a timezone-aware datetime, got {show(value)}"
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


#: The package that shows domain objects to people. It depends on the domain, so the domain
#: names it and imports it on first use (as ``services.app`` finds its handlers): nothing
#: here depends on its code, and ``import salesorder`` does not load it.
DISPLAY = "salesorder.display"


def display(name: str) -> Callable[..., Any]:
    """The function ``name`` of ``DISPLAY``'s package (``short_repr``, ``to_html``...)."""
    found: Callable[..., Any] = getattr(importlib.import_module(DISPLAY), name)
    return found


class Shown:
    """Mixin: a short ``repr`` and a notebook rendering, both by :mod:`salesorder.display`.

    A class that mixes it in tells attrs ``repr=False``; it has no fields, so equality,
    hashing and serialization are unchanged.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return str(display("short_repr")(self))

    def _repr_html_(self) -> str:
        return str(display("to_html")(self))


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _json_depth(source: str) -> int:
    """The deepest nesting of arrays and objects in ``source`` (strings skipped)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", source)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def read_json(source: str | bytes, *, what: str, max_bytes: int) -> Any:
    """The JSON value in ``source``, read within the library's limits.

    Bytes must be UTF-8. Refused: more than ``max_bytes`` bytes, nesting deeper than
    :data:`MAX_JSON_DEPTH`, a number of more than :data:`MAX_JSON_NUMBER_DIGITS` digits,
    ``NaN`` and ``Infinity``, lone surrogates, and anything that is not JSON. So no input
    raises ``RecursionError``, ``ValueError`` or ``UnicodeError`` from here.

    Args:
        source: the document, as text or as the raw bytes received.
        what: names the document in errors (``"scenario"``, ``"Shopee push"``).
        max_bytes: the largest document accepted, in bytes of UTF-8.

    Raises:
        MalformedDocument: naming ``what`` and the problem.
    """
    if isinstance(source, (bytes, bytearray)):
        if len(source) > max_bytes:
            raise MalformedDocument(what, f"{len(source):,} bytes, at most {max_bytes:,}")
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedDocument(what, f"not UTF-8 text: {exc.reason} at {exc.start}") from None
    elif not isinstance(source, str):
        raise MalformedDocument(what, f"expected JSON text, got {show(source)}")
    elif len(source) > max_bytes or len(source.encode("utf-8", "surrogatepass")) > max_bytes:
        raise MalformedDocument(what, f"more than {max_bytes:,} bytes")
    if _SURROGATE.search(source):
        raise MalformedDocument(what, "contains a lone surrogate, which is not text")
    if _json_depth(source) > MAX_JSON_DEPTH:
        raise MalformedDocument(what, f"nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(source, parse_int=_json_int, parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            what, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:  # _json_int's and _json_constant's refusals
        raise MalformedDocument(what, str(exc)) from None


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_NUMBER_DIGITS:
        raise ValueError(
            f"a number of {len(digits.lstrip('-'))} digits, at most {MAX_JSON_NUMBER_DIGITS}"
        )
    return int(digits)


def _json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
