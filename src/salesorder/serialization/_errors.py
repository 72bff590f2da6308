"""Structuring errors: the refusal a hook raises, and cattrs' exception groups as paths.

Part of :mod:`salesorder.serialization` (which re-exports :class:`InvalidField` and
:func:`error_messages`), kept in a module of its own: how a failed structuring is told to
people, a field path and the library's own message, not how documents are shaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from salesorder.exceptions import SalesOrderError, UnknownCurrency, ValidationError
from salesorder.serialization._orders import FLATTENED, flat_keys

__all__ = ["ROOT", "InvalidField", "error_messages"]

#: How the root of a document is named in error paths.
ROOT = "$"


class InvalidField(ValidationError):
    """Raise from a structure hook: ``reason`` is what is wrong, ``at`` where.

    ``at`` is a path relative to the value the hook was given (``"warehouse"``,
    ``"lines[0]"``); empty for the value itself. :func:`error_messages` joins it to the
    path of that value.
    """

    def __init__(self, reason: str, at: str = "") -> None:
        self.reason = reason
        self.at = at
        super().__init__(f"{at}: {reason}" if at else reason)


def _join(path: str, child: str) -> str:
    if not child:
        return path
    if child.startswith("["):
        return f"{path}{child}"
    return f"{path}.{child}" if path else child


def _index(path: str, index: int | str) -> str:
    return f"{path}[{index!r}]" if isinstance(index, str) else f"{path}[{index}]"


_FIELD_IN_MESSAGE = re.compile(r"^(\w+)\.(\w+)\b")


def _has_field(type_: Any, name: str) -> bool:
    return (
        isinstance(type_, type)
        and attrs.has(type_)
        and any(field.name == name for field in attrs.fields(type_))
    )


def _field_named(exc: BaseException, type_: Any) -> str:
    """The field an attrs validator's message names (``"NewLine.quantity must be..."``)."""
    if not (isinstance(type_, type) and attrs.has(type_)):
        return ""
    match = _FIELD_IN_MESSAGE.match(str(exc))
    if match is None or match.group(1) != type_.__name__:
        return ""
    names = {field.name for field in attrs.fields(type_)}
    return match.group(2) if match.group(2) in names else ""


def _walk(exc: BaseException, path: str, type_: Any) -> Iterator[tuple[str, str]]:
    if isinstance(exc, IterableValidationError):
        noted, plain = exc.group_exceptions()
        for sub, note in noted:
            yield from _walk(sub, _index(path, note.index), note.type)
        for sub in plain:
            yield from _walk(sub, path, type_)
    elif isinstance(exc, ClassValidationError):
        attr_noted, attr_plain = exc.group_exceptions()
        for sub, attr_note in attr_noted:
            # a flattened value's fields are the document's own: no step in the path
            flat = (exc.cl, attr_note.name) in FLATTENED
            yield from _walk(sub, path if flat else _join(path, attr_note.name), attr_note.type)
        for sub in attr_plain:
            yield from _walk(sub, path, exc.cl)
    elif isinstance(exc, ForbiddenExtraKeysError):
        known = ", ".join(repr(key) for key in flat_keys(exc.cl))
        for key in sorted(exc.extra_fields):
            yield _join(path, key), f"unknown key {key!r} in {exc.cl.__name__}; known keys: {known}"
    elif isinstance(exc, InvalidField):
        yield _join(path, exc.at), exc.reason
    elif isinstance(exc, KeyError) and not isinstance(exc, SalesOrderError):
        yield path, "required field missing"
    elif isinstance(exc, UnknownCurrency) and _has_field(type_, "currency"):
        yield _join(path, "currency"), str(exc)
    else:
        yield _join(path, _field_named(exc, type_)), str(exc)


def error_messages(exc: BaseException, cls: Any = None) -> list[tuple[str, str]]:
    """Every (path, message) pair in a structuring error, in document order.

    Paths look like ``commands[2].lines[0].quantity``; the document itself is ``$``.

    Args:
        exc: what ``Converter.structure`` raised.
        cls: the type that was being structured (lets a validator's message point at its
            field when the failing object is the document itself).
    """
    found = [(path or ROOT, message) for path, message in _walk(exc, "", cls)]
    return found or [(ROOT, str(exc))]
