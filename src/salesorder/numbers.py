"""Exact decimals: what the library turns into a Decimal, its decimal context, its limits.

:func:`~salesorder.money.to_decimal` refuses floats and non-finite values;
:data:`DECIMAL_CONTEXT` is the context every computation of salesorder runs under
(:func:`~salesorder.money.decimal_isolated`), whatever the caller's global ``decimal``
settings; :data:`MAX_AMOUNT` and :data:`MAX_DIGITS` state once what an amount may be.
Everything here is re-exported by :mod:`salesorder.money`.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import ParamSpec, TypeVar

from salesorder.exceptions import AmountOutOfRange, FloatMoneyError, ValidationError

__all__ = [
    "DECIMAL_CONTEXT",
    "MAX_AMOUNT",
    "MAX_DIGITS",
    "DecimalLike",
    "check_amount",
    "decimal_isolated",
    "to_decimal",
]

#: What may be turned into an exact Decimal: never a float.
DecimalLike = Decimal | int | str

#: The decimal context every computation of salesorder runs under, whatever the caller's:
#: 28 significant digits (Python's default, so results match a default caller's to the
#: last digit), half-even where a result must be cut to 28 digits (explicit rounding always
#: names its own mode), and traps only on invalid operations, division by zero and
#: overflow. The library works on a private copy: changing this one changes nothing.
DECIMAL_CONTEXT = decimal.Context(
    prec=28,
    rounding=decimal.ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
_CTX = DECIMAL_CONTEXT.copy()

#: Every amount constructed is below this in absolute value, 10**14 (100 trillion rupiah,
#: dong or dollars), and has at most 28 significant digits. Bounded so, an amount times a
#: quantity up to :data:`~salesorder.domain.common.MAX_QUANTITY` is exact under
#: :data:`DECIMAL_CONTEXT`, and every stored amount fits a 64-bit integer at four decimal
#: places on SQLite and PostgreSQL alike.
MAX_AMOUNT = Decimal(10) ** 14

#: The most significant digits an amount may have (the precision of DECIMAL_CONTEXT).
MAX_DIGITS = 28

P = ParamSpec("P")
R = TypeVar("R")


def decimal_isolated(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` under :data:`~salesorder.numbers.DECIMAL_CONTEXT`, whatever the caller's.

    The caller's context is restored on return, flags included.
    """

    @functools.wraps(function)
    def isolated(*args: P.args, **kwargs: P.kwargs) -> R:
        with decimal.localcontext(_CTX):
            return function(*args, **kwargs)

    return isolated


def check_amount(value: Decimal, *, what: str = "amount") -> Decimal:
    """Return ``value`` if salesorder can carry it exactly (see :data:`MAX_AMOUNT`).

    Raises:
        AmountOutOfRange: ``value`` is 10**14 or more in absolute value, or has more than
            28 significant digits.
    """
    if value.copy_abs() >= MAX_AMOUNT or len(value.as_tuple().digits) > MAX_DIGITS:
        raise AmountOutOfRange(what, value)
    return value


def _shown(value: object) -> str:
    """``repr(value)`` for a message, cut short; safe for any value (a nested list, a huge int)."""
    try:
        shown = repr(value)
    except Exception:  # a hostile or too deeply nested value must not hide the real error
        shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= 60 else f"{shown[:55]}...{shown[-2:]}"


def to_decimal(value: object, *, what: str = "amount") -> Decimal:
    """Turn ``value`` into a finite ``Decimal``, refusing floats.

    Args:
        value: a ``Decimal``, an ``int`` or a decimal string such as ``"12.50"``.
        what: the name used in error messages.

    Raises:
        FloatMoneyError: ``value`` is a float (or a bool, which is almost always a bug).
        ValidationError: ``value`` is not a finite decimal number.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, (bool, float)):
        raise FloatMoneyError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {_shown(value)}"
        )
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except decimal.InvalidOperation:
            raise ValidationError(f"{what} {_shown(value)} is not a decimal number") from None
    else:
        raise FloatMoneyError(
            f"{what} must be a Decimal, int or str, not {type(value).__name__} {_shown(value)}"
        )
    if not result.is_finite():
        raise ValidationError(f"{what} must be finite, got {_shown(value)}")
    return result
