"""The base of every command, and the values several contexts' commands share.

:class:`Command` is generic in what executing it returns (``Command[R]`` returns ``R``); its
:attr:`~Command.tag` names it in scenario files and JSON. Import these from
:mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.common import code, non_negative_int, whole_quantity

__all__ = [
    "Command",
    "LineQuantity",
]

R = TypeVar("R")


@attrs.frozen(kw_only=True)
class Command(Generic[R]):
    """Base of all commands; ``R`` is what executing it returns."""

    #: The command's tag in scenario files and JSON (``"place_order"``).
    tag: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class LineQuantity:
    """A quantity of one order line (to set, to cancel or to return)."""

    line_id: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=non_negative_int)
