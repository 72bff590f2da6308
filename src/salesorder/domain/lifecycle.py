"""The order state machine: one explicit transition table.

Every change of an order's status goes through :func:`next_status`, which raises
:class:`~salesorder.exceptions.IllegalTransition` naming the status and the command when the
table does not allow it. Guards that depend on more than the status (an order completes only
when paid) live on :class:`~salesorder.domain.orders.Order`.

The seed CRM's simple view (New, Processing, Completed) is :func:`simple_status`.
"""

from __future__ import annotations

import enum
from types import MappingProxyType

from salesorder.exceptions import IllegalTransition

__all__ = ["TRANSITIONS", "OrderAction", "OrderStatus", "next_status", "simple_status"]


class OrderStatus(str, enum.Enum):
    """Where an order is in its life."""

    NEW = "new"
    CONFIRMED = "confirmed"
    PROCESSING = "processing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderAction(str, enum.Enum):
    """The commands that move an order (or are checked against its status)."""

    EDIT = "edit"
    CONFIRM = "confirm"
    RESERVE = "reserve"
    UNRESERVE = "unreserve"
    SHIP = "ship"
    DELIVER = "deliver"
    PAY = "pay"
    COMPLETE = "complete"
    CANCEL = "cancel"


_S, _A = OrderStatus, OrderAction

#: (status, action) -> status after the action. Anything absent is illegal.
TRANSITIONS = MappingProxyType(
    {
        (_S.NEW, _A.EDIT): _S.NEW,
        (_S.NEW, _A.CONFIRM): _S.CONFIRMED,
        (_S.NEW, _A.CANCEL): _S.CANCELLED,
        (_S.CONFIRMED, _A.RESERVE): _S.PROCESSING,
        (_S.CONFIRMED, _A.PAY): _S.CONFIRMED,
        (_S.CONFIRMED, _A.CANCEL): _S.CANCELLED,
        (_S.PROCESSING, _A.SHIP): _S.SHIPPED,
        (_S.PROCESSING, _A.UNRESERVE): _S.CONFIRMED,
        (_S.PROCESSING, _A.PAY): _S.PROCESSING,
        (_S.PROCESSING, _A.CANCEL): _S.CANCELLED,
        (_S.SHIPPED, _A.DELIVER): _S.DELIVERED,
        (_S.SHIPPED, _A.PAY): _S.SHIPPED,
        (_S.DELIVERED, _A.PAY): _S.DELIVERED,
        (_S.DELIVERED, _A.COMPLETE): _S.COMPLETED,
    }
)

_SIMPLE = {
    _S.NEW: "New",
    _S.CONFIRMED: "Processing",
    _S.PROCESSING: "Processing",
    _S.SHIPPED: "Processing",
    _S.DELIVERED: "Processing",
    _S.COMPLETED: "Completed",
    _S.CANCELLED: "Cancelled",
}


def next_status(thing: str, status: OrderStatus, action: OrderAction) -> OrderStatus:
    """The status after ``action``, or IllegalTransition naming ``thing``, status and action."""
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        raise IllegalTransition(thing, status.value, action.value) from None


def simple_status(status: OrderStatus) -> str:
    """The seed CRM's three-state view: New, Processing, Completed (and Cancelled)."""
    return _SIMPLE[status]
