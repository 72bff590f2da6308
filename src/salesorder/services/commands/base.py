"""The base of every command, and the values several contexts' commands share.

:class:`Command` is generic in what executing it returns (``Command[R]`` returns ``R``); its
:attr:`~Command.tag` names it in scenario files and JSON. Import these from
:mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.common import code, spelled
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import FeePayer, ServiceLevel
from salesorder.domain.units import Quantity, non_negative_quantity, quantity

__all__ = [
    "Command",
    "LineQuantity",
    "to_fee_payer",
    "to_payment_method",
    "to_service_level",
]

R = TypeVar("R")


@attrs.frozen(kw_only=True)
class Command(Generic[R]):
    """Base of all commands; ``R`` is what executing it returns."""

    #: The command's tag in scenario files and JSON (``"place_order"``).
    tag: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class LineQuantity:
    """A quantity of one order line (to set, to cancel or to return).

    ``quantity`` is exact (``int`` or ``Decimal``, see :mod:`salesorder.domain.units`);
    the handler checks it against the line's unit.
    """

    line_id: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=quantity, validator=non_negative_quantity)


# Converters of the enum fields several contexts' commands share: each takes the member or
# its value ("cod"); anything else passes to the field's member_of validator, which refuses
# it naming the field. (Named functions: mypy's attrs plugin types a converter by its own
# signature.)


def to_payment_method(value: PaymentMethod | str) -> PaymentMethod:
    """Converter: a :class:`~salesorder.domain.payments.PaymentMethod` or its value."""
    return spelled(PaymentMethod, value)


def to_service_level(value: ServiceLevel | str) -> ServiceLevel:
    """Converter: a :class:`~salesorder.domain.shipping.ServiceLevel` or its value."""
    return spelled(ServiceLevel, value)


def to_fee_payer(value: FeePayer | str) -> FeePayer:
    """Converter: a :class:`~salesorder.domain.shipping.FeePayer` or its value."""
    return spelled(FeePayer, value)
