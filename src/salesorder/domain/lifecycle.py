"""The order state machine: one explicit transition table, with its guards, as data.

Every change of an order's status goes through :func:`next_status`, which raises
:class:`~salesorder.exceptions.IllegalTransition` naming the status and the command when the
table does not allow it. Guards that depend on more than the status (a prepaid order ships
only when paid, a COD order completes only when the cash is collected) are enforced by
:class:`~salesorder.domain.orders.Order` and described in :data:`GUARDS`, so the diagram
shows them.

Releasing a hold returns the order to the status it was held in: that one transition is not a
fixed target, and :data:`RETURNS_TO_HELD` names it.

The moves a diagram shows are :func:`drawn_transitions`: the docs draw them as SVG when they
build (:func:`salesorder.plots.lifecycle_svg`), and :func:`mermaid` gives them as Mermaid
text. The seed CRM's simple view (New, Processing, Completed) is :func:`simple_status`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from types import MappingProxyType

import attrs

from salesorder.domain.common import aware_datetime
from salesorder.exceptions import IllegalTransition

__all__ = [
    "GUARDS",
    "HOLDABLE",
    "IN_WAREHOUSE",
    "RELEASE_NOTE",
    "RETURNS_TO_HELD",
    "TERMINAL",
    "TRANSITIONS",
    "OrderAction",
    "OrderStatus",
    "StatusChange",
    "drawn_transitions",
    "mermaid",
    "next_status",
    "replay",
    "simple_status",
]


class OrderStatus(str, enum.Enum):
    """Where an order is in its life."""

    NEW = "new"
    ON_HOLD = "on_hold"
    CONFIRMED = "confirmed"
    #: Stock is reserved (allocated) for every line still to ship.
    PROCESSING = "processing"
    PICKING = "picking"
    PACKED = "packed"
    #: Some parcels have left, others wait (a split or partial shipment).
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    #: The courier could not deliver; next a reattempt or a return to sender.
    FAILED_DELIVERY = "failed_delivery"
    #: The courier brought the parcel back undelivered.
    RETURNED_TO_SENDER = "returned_to_sender"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PARTLY_RETURNED = "partly_returned"
    RETURNED = "returned"
    REFUNDED = "refunded"


class OrderAction(str, enum.Enum):
    """The commands that move an order (or are checked against its status)."""

    EDIT = "edit"
    CONFIRM = "confirm"
    HOLD = "hold"
    RELEASE = "release"
    AMEND = "amend"
    RESERVE = "reserve"
    UNRESERVE = "unreserve"
    PICK = "pick"
    PACK = "pack"
    SHIP_PART = "ship_part"
    SHIP = "ship"
    TRANSIT = "transit"
    DELIVER = "deliver"
    FAIL_DELIVERY = "fail_delivery"
    REATTEMPT = "reattempt"
    RETURN_TO_SENDER = "return_to_sender"
    PAY = "pay"
    COMPLETE = "complete"
    CANCEL = "cancel"
    RETURN_PART = "return_part"
    RETURN_ALL = "return_all"
    REFUND = "refund"


_S, _A = OrderStatus, OrderAction

#: Statuses an order can be put on hold from (and is released back to).
HOLDABLE = frozenset({_S.NEW, _S.CONFIRMED, _S.PROCESSING})

#: Statuses in which reserved units wait in the warehouse to be picked, packed and shipped.
IN_WAREHOUSE = frozenset({_S.PROCESSING, _S.PICKING, _S.PACKED, _S.PARTLY_SHIPPED})

#: Statuses nothing moves out of.
TERMINAL = frozenset({_S.CANCELLED, _S.REFUNDED})

#: Statuses where money may still arrive (payments are recorded, the status stays).
_PAYABLE = (
    _S.NEW,
    _S.ON_HOLD,
    _S.CONFIRMED,
    _S.PROCESSING,
    _S.PICKING,
    _S.PACKED,
    _S.PARTLY_SHIPPED,
    _S.SHIPPED,
    _S.IN_TRANSIT,
    _S.DELIVERED,
    _S.FAILED_DELIVERY,
)

_MOVES: dict[tuple[OrderStatus, OrderAction], OrderStatus] = {
    (_S.NEW, _A.EDIT): _S.NEW,
    (_S.NEW, _A.CONFIRM): _S.CONFIRMED,
    (_S.NEW, _A.CANCEL): _S.CANCELLED,
    (_S.ON_HOLD, _A.CANCEL): _S.CANCELLED,
    (_S.CONFIRMED, _A.AMEND): _S.CONFIRMED,
    (_S.CONFIRMED, _A.RESERVE): _S.PROCESSING,
    (_S.CONFIRMED, _A.CANCEL): _S.CANCELLED,
    (_S.PROCESSING, _A.AMEND): _S.PROCESSING,
    (_S.PROCESSING, _A.RESERVE): _S.PROCESSING,
    (_S.PROCESSING, _A.UNRESERVE): _S.CONFIRMED,
    (_S.PROCESSING, _A.PICK): _S.PICKING,
    (_S.PROCESSING, _A.PACK): _S.PACKED,
    (_S.PROCESSING, _A.SHIP_PART): _S.PARTLY_SHIPPED,
    (_S.PROCESSING, _A.SHIP): _S.SHIPPED,
    (_S.PROCESSING, _A.CANCEL): _S.CANCELLED,
    (_S.PICKING, _A.PACK): _S.PACKED,
    (_S.PICKING, _A.SHIP_PART): _S.PARTLY_SHIPPED,
    (_S.PICKING, _A.SHIP): _S.SHIPPED,
    (_S.PICKING, _A.CANCEL): _S.CANCELLED,
    (_S.PACKED, _A.SHIP_PART): _S.PARTLY_SHIPPED,
    (_S.PACKED, _A.SHIP): _S.SHIPPED,
    (_S.PACKED, _A.CANCEL): _S.CANCELLED,
    (_S.PARTLY_SHIPPED, _A.AMEND): _S.PARTLY_SHIPPED,
    (_S.PARTLY_SHIPPED, _A.RESERVE): _S.PARTLY_SHIPPED,
    (_S.PARTLY_SHIPPED, _A.SHIP_PART): _S.PARTLY_SHIPPED,
    (_S.PARTLY_SHIPPED, _A.SHIP): _S.SHIPPED,
    (_S.SHIPPED, _A.TRANSIT): _S.IN_TRANSIT,
    (_S.SHIPPED, _A.DELIVER): _S.DELIVERED,
    (_S.SHIPPED, _A.FAIL_DELIVERY): _S.FAILED_DELIVERY,
    (_S.IN_TRANSIT, _A.DELIVER): _S.DELIVERED,
    (_S.IN_TRANSIT, _A.FAIL_DELIVERY): _S.FAILED_DELIVERY,
    (_S.FAILED_DELIVERY, _A.REATTEMPT): _S.IN_TRANSIT,
    (_S.FAILED_DELIVERY, _A.DELIVER): _S.DELIVERED,
    (_S.FAILED_DELIVERY, _A.RETURN_TO_SENDER): _S.RETURNED_TO_SENDER,
    (_S.RETURNED_TO_SENDER, _A.REFUND): _S.REFUNDED,
    (_S.RETURNED_TO_SENDER, _A.CANCEL): _S.CANCELLED,
    (_S.DELIVERED, _A.COMPLETE): _S.COMPLETED,
    (_S.DELIVERED, _A.RETURN_PART): _S.PARTLY_RETURNED,
    (_S.DELIVERED, _A.RETURN_ALL): _S.RETURNED,
    (_S.COMPLETED, _A.RETURN_PART): _S.PARTLY_RETURNED,
    (_S.COMPLETED, _A.RETURN_ALL): _S.RETURNED,
    (_S.PARTLY_RETURNED, _A.RETURN_PART): _S.PARTLY_RETURNED,
    (_S.PARTLY_RETURNED, _A.RETURN_ALL): _S.RETURNED,
    (_S.PARTLY_RETURNED, _A.COMPLETE): _S.COMPLETED,
    (_S.RETURNED, _A.REFUND): _S.REFUNDED,
    (_S.RETURNED, _A.COMPLETE): _S.COMPLETED,
}
_MOVES.update({(status, _A.HOLD): _S.ON_HOLD for status in HOLDABLE})
_MOVES.update({(status, _A.PAY): status for status in _PAYABLE})

#: (status, action) -> status after the action. Anything absent is illegal, except releasing
#: a hold, whose target is the status held in (see :data:`RETURNS_TO_HELD`).
TRANSITIONS = MappingProxyType(_MOVES)

#: The one move whose target is not fixed; release returns to the status held from.
RETURNS_TO_HELD = (_S.ON_HOLD, _A.RELEASE)

#: Conditions beyond the status, enforced by :class:`~salesorder.domain.orders.Order`.
GUARDS = MappingProxyType(
    {
        _A.CONFIRM: "has lines, an address and a current price",
        _A.SHIP_PART: "paid, unless COD, on account or via a marketplace",
        _A.SHIP: "paid, unless COD, on account or via a marketplace",
        _A.COMPLETE: "nothing left to pay (COD cash collected)",
        _A.CANCEL: "nothing paid is kept: payments are refunded first",
        _A.REFUND: "everything paid is given back",
        _A.RETURN_PART: "no more than was delivered",
        _A.RETURN_ALL: "every delivered unit is back",
    }
)

_SIMPLE = {
    _S.NEW: "New",
    _S.ON_HOLD: "New",
    _S.COMPLETED: "Completed",
    _S.CANCELLED: "Cancelled",
    _S.RETURNED: "Returned",
    _S.PARTLY_RETURNED: "Completed",
    _S.REFUNDED: "Returned",
    _S.RETURNED_TO_SENDER: "Returned",
}


def next_status(thing: str, status: OrderStatus, action: OrderAction) -> OrderStatus:
    """The status after ``action``, or IllegalTransition naming ``thing``, status and action.

    For a release from hold this returns ``ON_HOLD``'s own value; the order knows the status
    it was held in (see :data:`RETURNS_TO_HELD`).
    """
    if (status, action) == RETURNS_TO_HELD:
        return status
    try:
        return TRANSITIONS[status, action]
    except KeyError:
        raise IllegalTransition(thing, status.value, action.value) from None


def replay(steps: Iterable[tuple[OrderStatus, str]]) -> OrderStatus:
    """The status reached by replaying a history's ``(status, action)`` entries.

    The first entry is the starting status (its action is ignored); each later action is
    carried out through the table, and the status it reaches must be the one recorded.

    Raises:
        IllegalTransition: an action the table does not allow, or a recorded status that is
            not the one the table gives.
    """
    entries = iter(steps)
    status, _ = next(entries)
    held: OrderStatus | None = None
    for recorded, name in entries:
        action = OrderAction(name)
        if (status, action) == RETURNS_TO_HELD and held is not None:
            status, held = held, None
        else:
            if action is OrderAction.HOLD:
                held = status
            status = next_status("the history", status, action)
        if status is not recorded:
            raise IllegalTransition(
                "the history", status.value, name, f"it records {recorded.value!r} instead"
            )
    return status


def simple_status(status: OrderStatus) -> str:
    """The seed CRM's three-state view: New, Processing, Completed (and Cancelled, Returned).

    On hold counts as New (nothing started); every status between confirmation and delivery
    is Processing; a partly returned order is still Completed in that view.
    """
    return _SIMPLE.get(status, "Processing")


#: What a diagram says of a release from hold, whose target is not fixed.
RELEASE_NOTE = "back to where it was held"


def drawn_transitions() -> list[tuple[OrderStatus, OrderStatus, tuple[OrderAction, ...]]]:
    """The moves the lifecycle diagrams draw: ``(from, to, actions)``, in status order.

    Payments and edits, which never change the status, are left out to keep the drawing
    readable (:data:`TRANSITIONS` lists them), and so are amendments that keep it. A release
    from hold is drawn to each status an order can be held in (:data:`RETURNS_TO_HELD`).
    Refunds are money movements allowed whenever something was paid; the one that gives
    everything back after a return is drawn.
    """
    quiet = {_A.PAY, _A.EDIT}
    edges: dict[tuple[OrderStatus, OrderStatus], list[OrderAction]] = {}
    for (before, action), after in TRANSITIONS.items():
        if action in quiet or (action is _A.AMEND and before is after):
            continue
        edges.setdefault((before, after), []).append(action)
    for status in sorted(HOLDABLE, key=list(OrderStatus).index):
        edges.setdefault((_S.ON_HOLD, status), []).append(_A.RELEASE)
    order = list(OrderStatus)
    return [
        (before, after, tuple(edges[before, after]))
        for before, after in sorted(edges, key=lambda e: (order.index(e[0]), order.index(e[1])))
    ]


def mermaid() -> str:
    """The transition table as a Mermaid ``stateDiagram-v2``, guards in the edge labels.

    The edges are :func:`drawn_transitions`; completed and the terminal statuses end the
    diagram.
    """
    lines = ["stateDiagram-v2", f"    [*] --> {_S.NEW.value}"]
    for before, after, actions in drawn_transitions():
        labels = [
            f"{action.value} [{RELEASE_NOTE if action is _A.RELEASE else GUARDS[action]}]"
            if action in GUARDS or action is _A.RELEASE
            else action.value
            for action in actions
        ]
        lines.append(f"    {before.value} --> {after.value}: {' / '.join(labels)}")
    order = list(OrderStatus)
    lines.extend(
        f"    {status.value} --> [*]"
        for status in sorted(TERMINAL | {_S.COMPLETED}, key=order.index)
    )
    return "\n".join(lines) + "\n"


@attrs.frozen(kw_only=True)
class StatusChange:
    """An entry of an order's history: at ``at``, ``action`` left it in ``status``.

    ``action`` is the :class:`~salesorder.domain.lifecycle.OrderAction` value that was carried
    out (empty for the placement that opens the history); entries are also kept for actions
    that leave the status as it was (an amendment, a payment), so the history is the order's
    whole story. ``note`` says more where there is more to say.
    """

    status: OrderStatus
    at: dt.datetime = attrs.field(validator=aware_datetime)
    action: str = ""
    note: str = ""
