"""Where an order is in its life: its status, how it got there, and why it is held or cancelled.

:class:`OrderProgress` is a value held by :class:`~salesorder.domain.orders.Order`: each
move returns new progress, and a move the transition table of
:mod:`salesorder.domain.lifecycle` does not allow raises
:class:`~salesorder.exceptions.IllegalTransition` before anything is replaced. Every move
is recorded in ``history``, moves that leave the status as it was included. Releasing a
hold returns the order to the status it was held in (``held_from``), as
:data:`~salesorder.domain.lifecycle.RETURNS_TO_HELD` says. Guards beyond the status (lines,
payments, units) are the order's own; it passes its name (``thing``) for the messages.
"""

from __future__ import annotations

import datetime as dt
import itertools

import attrs

from salesorder.domain.common import as_tuple
from salesorder.domain.lifecycle import (
    RETURNS_TO_HELD,
    OrderAction,
    OrderStatus,
    StatusChange,
    next_status,
)

__all__ = ["OrderProgress"]

_WAITING_FOR_STOCK = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.PARTLY_SHIPPED}
)
_REFUNDABLE = frozenset({OrderStatus.RETURNED, OrderStatus.RETURNED_TO_SENDER})


@attrs.frozen(kw_only=True)
class OrderProgress:
    """The status of one order and its story; see the module docstring.

    The field names are the keys an order's JSON document has always used for them
    (:mod:`salesorder.serialization` keeps them at the document's top level).
    """

    #: Where the order is now.
    status: OrderStatus = OrderStatus.NEW
    #: Every move, oldest first; the first entry is the placement.
    history: tuple[StatusChange, ...] = attrs.field(default=(), converter=as_tuple)
    #: Why the order was cancelled, when it was.
    cancel_reason: str = ""
    #: The status an order on hold returns to when it is released.
    held_from: OrderStatus | None = None
    #: Why the order is on hold.
    hold_reason: str = ""

    @property
    def waits_for_stock(self) -> bool:
        """True in the statuses where a backordered order waits for goods receipts.

        Confirmed, or partly reserved (processing or partly shipped, the rest waiting).
        """
        return self.status in _WAITING_FOR_STOCK

    @property
    def refunds_in_full(self) -> bool:
        """True when giving back everything paid makes the order refunded.

        A returned order, or one returned to sender: what was sold came back.
        """
        return self.status in _REFUNDABLE

    def started(self, at: dt.datetime) -> OrderProgress:
        """This progress, its history opened at ``at`` in the current status if it is empty."""
        if self.history:
            return self
        return attrs.evolve(self, history=(StatusChange(status=self.status, at=at),))

    def check(self, action: OrderAction, *, thing: str) -> None:
        """Raise IllegalTransition (naming ``thing``) unless the table allows ``action`` now."""
        next_status(thing, self.status, action)

    def moving(
        self, action: OrderAction, at: dt.datetime, note: str = "", *, thing: str
    ) -> OrderProgress:
        """The progress after ``action`` at ``at``, recorded with ``note``.

        Releasing a hold returns to the status held from and forgets the hold.

        Raises:
            IllegalTransition: the table does not allow ``action`` in the current status.
        """
        status = next_status(thing, self.status, action)
        held_from, hold_reason = self.held_from, self.hold_reason
        if (self.status, action) == RETURNS_TO_HELD:
            assert held_from is not None  # noqa: S101 - set by holding()
            status, held_from, hold_reason = held_from, None, ""
        change = StatusChange(status=status, at=at, action=action.value, note=note)
        return attrs.evolve(
            self,
            status=status,
            history=(*self.history, change),
            held_from=held_from,
            hold_reason=hold_reason,
        )

    def holding(self, at: dt.datetime, reason: str = "", *, thing: str) -> OrderProgress:
        """The progress put on hold for ``reason``; a release returns to the current status."""
        moved = self.moving(OrderAction.HOLD, at, reason, thing=thing)
        return attrs.evolve(moved, held_from=self.status, hold_reason=reason)

    def cancelling(self, at: dt.datetime, reason: str = "", *, thing: str) -> OrderProgress:
        """The progress cancelled for ``reason``."""
        moved = self.moving(OrderAction.CANCEL, at, thing=thing)
        return attrs.evolve(moved, cancel_reason=reason)

    def time_in_status(self) -> dict[OrderStatus, dt.timedelta]:
        """Time spent in each past status (the current one is still running)."""
        spent: dict[OrderStatus, dt.timedelta] = {}
        for entered, left in itertools.pairwise(self.history):
            spent[entered.status] = spent.get(entered.status, dt.timedelta()) + (
                left.at - entered.at
            )
        return spent
