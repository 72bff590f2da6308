"""The plots' argument checks: a wrong type or None is refused before anything is drawn.

Each check raises :class:`~salesorder.exceptions.ValidationError` naming the argument and
the value it got, as the plots' other refusals do, so a caller catches one error for any
bad input, and the Axes given is left as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from salesorder.domain.common import show
from salesorder.exceptions import ValidationError

__all__ = ["aware", "instance", "items", "plain"]

T = TypeVar("T")


def instance(value: object, kind: type[T], what: str) -> T:
    """``value``, if it is a ``kind``.

    Raises:
        ValidationError: it is not (None included).
    """
    if not isinstance(value, kind):
        name = kind.__name__
        article = "an" if name[0] in "AEIOU" else "a"
        raise ValidationError(f"{what} must be {article} {name}, got {show(value)}")
    return value


def items(values: object, kind: type[T], what: str) -> list[T]:
    """The items of ``values``, an iterable (not a string) of ``kind``, as a list.

    Raises:
        ValidationError: ``values`` is not such an iterable, or one item is not a ``kind``.
    """
    if not isinstance(values, Iterable) or isinstance(values, (str, bytes)):
        raise ValidationError(f"{what} must be an iterable of {kind.__name__}, got {show(values)}")
    found = list(values)
    for value in found:
        instance(value, kind, f"each of {what}")
    return found


def aware(when: dt.datetime, what: str) -> dt.datetime:
    """``when``, if it is a timezone-aware datetime.

    A naive time would be read in the machine's local time zone, so the same facts would
    fall in other periods on another machine.

    Raises:
        ValidationError: ``when`` is naive.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValidationError(f"{what} must be timezone-aware, got {show(when)}")
    return when


def plain(text: str) -> str:
    r"""``text`` to be drawn as written: a ``$`` would start matplotlib's math mode.

    A channel or warehouse named ``a$x^2$`` would be drawn as a formula, and one with
    unbalanced math (``$\frac$``) would fail only when the figure is saved.
    """
    return text.replace("$", r"\$")
