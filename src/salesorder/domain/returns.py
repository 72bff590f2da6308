"""Returns (RMA): a buyer's request to send delivered goods back, and what came of it.

A :class:`ReturnRequest` moves through its own small transition table
(:data:`RETURN_TRANSITIONS`): requested, then approved or rejected; an approved return is
received (the parcel is back), then inspected (each unit sellable or damaged), then resolved
with an outcome (a refund, an exchange order, a credit note, or nothing). A wrong move raises
:class:`~salesorder.exceptions.IllegalTransition` naming the return, its status and the move.

Per line the quantities keep ``sellable + damaged == received <= requested`` (the sum holds
once the return is inspected; before, both are zero); they are exact, in the order line's
unit (0.1 kg of coffee comes back as ``Decimal("0.1")``). What the received units are worth
is fixed at receipt by :func:`return_value`: a share of the line's gross, exact to the minor
unit, such that returning every unit of a line, in any number of returns, gives back
exactly the line's gross.

The rules that involve other aggregates (no more than was delivered, stock, money) are the
service's (:mod:`salesorder.services.returns`); a method that raises has changed nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from salesorder.domain.common import aware_datetime, code
from salesorder.domain.units import (
    PIECE,
    Quantity,
    TooManyDecimals,
    Unit,
    non_negative_quantity,
    positive_quantity,
)
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import (
    AllocationError,
    CurrencyMismatch,
    DuplicateError,
    IllegalTransition,
    InvalidQuantity,
    NotFound,
    ValidationError,
)
from salesorder.money import Money, currency_info

__all__ = [
    "RETURN_TRANSITIONS",
    "ReturnAction",
    "ReturnLine",
    "ReturnOutcome",
    "ReturnRequest",
    "ReturnStatus",
    "ReturnStep",
    "return_value",
]


class ReturnStatus(str, enum.Enum):
    """Where a return is in its life."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    #: The parcel is back at the seller; the goods wait for inspection.
    RECEIVED = "received"
    #: Every unit received was found sellable (back to stock) or damaged (written off).
    INSPECTED = "inspected"
    RESOLVED = "resolved"


class ReturnAction(str, enum.Enum):
    """The moves of a return."""

    APPROVE = "approve"
    REJECT = "reject"
    RECEIVE = "receive"
    INSPECT = "inspect"
    RESOLVE = "resolve"


class ReturnOutcome(str, enum.Enum):
    """What the buyer gets for the goods sent back."""

    #: Money back (the goods' share of what was paid; shipping by policy).
    REFUND = "refund"
    #: A new order for the same SKUs and quantities at the same prices, paid by the return.
    EXCHANGE = "exchange"
    #: The invoices are credited; what was paid goes to the customer's credit.
    CREDIT_NOTE = "credit_note"
    #: Nothing (the goods came back, the money stays).
    NONE = "none"


_S, _A = ReturnStatus, ReturnAction

#: (status, action) -> status after the action. Anything absent is illegal.
RETURN_TRANSITIONS = MappingProxyType(
    {
        (_S.REQUESTED, _A.APPROVE): _S.APPROVED,
        (_S.REQUESTED, _A.REJECT): _S.REJECTED,
        (_S.APPROVED, _A.RECEIVE): _S.RECEIVED,
        (_S.RECEIVED, _A.INSPECT): _S.INSPECTED,
        (_S.INSPECTED, _A.RESOLVE): _S.RESOLVED,
    }
)

#: Statuses whose requested units are not yet recorded on the order as returned.
OPEN = frozenset({_S.REQUESTED, _S.APPROVED})


def return_value(
    line_gross: Money,
    ordered: Quantity,
    returned_before: Quantity,
    units: Quantity,
    *,
    unit: Unit = PIECE,
) -> Money:
    """What ``units`` returned units of a line are worth, after ``returned_before`` others.

    The line's gross is split over its ``ordered`` units, counted in the smallest step of
    the line's ``unit`` (a piece; a gram of a product sold by the kilogram), as
    :func:`~salesorder.money.apportion` splits it over equal weights (largest remainder,
    exact to the minor unit, the earlier steps first to take a unit left over); the units
    returned take the next steps in order. So the values of all the returns of a line add
    up to exactly its gross once every unit is back, whatever the split into returns.

    Raises:
        InvalidQuantity: more units than ordered, or a negative count.
        TooManyDecimals: a count finer than ``unit`` allows.
        AllocationError: ``line_gross`` is not a whole number of its currency's minor unit.
    """
    if min(returned_before, units) < 0 or returned_before + units > ordered or ordered <= 0:
        raise InvalidQuantity(
            f"cannot value {units} returned unit(s) after {returned_before} of {ordered} ordered"
        )
    if units == 0 or line_gross.is_zero:
        return Money.zero(line_gross.currency)
    scale = 10**unit.decimals
    steps = [value * scale for value in (ordered, returned_before, units)]
    if any(step != int(step) for step in steps):
        raise TooManyDecimals(
            f"cannot value {units} {unit.code} returned after {returned_before} of {ordered}: "
            f"{unit.code} allows {unit.decimals} decimals"
        )
    whole, before, count = (int(step) for step in steps)
    quantum = line_gross.info.quantum
    minor = line_gross.amount / quantum
    if minor != minor.to_integral_value():
        raise AllocationError(f"cannot split {line_gross}: it is not a whole number of {quantum}")
    # Equal weights under the largest remainder method: every step gets the floor share and
    # the first ``left`` steps one minor unit more (ties go to the earlier part).
    share, left = divmod(abs(int(minor)), whole)

    def first(steps: int) -> int:
        return steps * share + min(steps, left)

    value = first(before + count) - first(before)
    return Money.of(
        -value * quantum if line_gross.is_negative else value * quantum, line_gross.currency
    )


@attrs.frozen(kw_only=True)
class ReturnStep:
    """An entry of a return's history: at ``at``, ``action`` left it in ``status``."""

    status: ReturnStatus
    at: dt.datetime = attrs.field(validator=aware_datetime)
    action: str = ""
    note: str = ""


@attrs.frozen(kw_only=True)
class ReturnLine:
    """One order line sent back: ``quantity`` units requested, and what became of them.

    ``received``, ``sellable`` and ``damaged`` are filled in as the return moves on;
    ``amount`` is the value of the received units (see :func:`return_value`), set at
    receipt; ``warehouse`` is where the inspected units went.
    """

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    reason: str = ""
    received: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    sellable: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    damaged: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    amount: Money | None = None
    warehouse: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.received > self.quantity:
            raise InvalidQuantity(
                f"return line {self.line_id!r}: {self.received} received, {self.quantity} requested"
            )
        if self.sellable + self.damaged > self.received:
            raise InvalidQuantity(
                f"return line {self.line_id!r}: {self.sellable} sellable and {self.damaged} "
                f"damaged, {self.received} received"
            )


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


def _zero(request: ReturnRequest) -> Money:
    return Money.zero(request.currency)


#: The amounts a return is resolved with, as :meth:`ReturnRequest.resolve` takes them.
_RESOLVED = ("refunded", "to_credit", "credited", "shipping")


@attrs.define(kw_only=True)
class ReturnRequest:
    """A return of delivered goods of one order; see the module docstring.

    Build a new one with :meth:`request`. ``key`` is the caller's idempotency key (the same
    key for the same order asks for no second return). Once resolved, ``refunded`` is the
    money given back, ``to_credit`` what went to the customer's credit, ``credited`` what is
    no longer due on the order (credit notes and the rest), ``shipping`` the part of it that
    was the shipping charge, ``credit_note_ids`` the notes issued and ``exchange_order_id``
    the exchange order.
    """

    id: str = attrs.field(validator=code)
    order_id: str = attrs.field(validator=code)
    currency: str = attrs.field(validator=_currency)
    requested_at: dt.datetime = attrs.field(validator=aware_datetime)
    lines: list[ReturnLine] = attrs.Factory(list)
    key: str = ""
    reason: str = ""
    status: ReturnStatus = ReturnStatus.REQUESTED
    history: list[ReturnStep] = attrs.Factory(list)
    outcome: ReturnOutcome | None = None
    refunded: Money = attrs.Factory(_zero, takes_self=True)
    to_credit: Money = attrs.Factory(_zero, takes_self=True)
    credited: Money = attrs.Factory(_zero, takes_self=True)
    shipping: Money = attrs.Factory(_zero, takes_self=True)
    credit_note_ids: list[str] = attrs.Factory(list)
    exchange_order_id: str | None = None

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise ValidationError(f"{self.thing} needs at least one line")
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise DuplicateError(f"{self.thing} repeats a line id: {ids}")
        for name, amount in (
            ("refunded", self.refunded),
            ("to_credit", self.to_credit),
            ("credited", self.credited),
            ("shipping", self.shipping),
        ):
            if amount.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency, amount.currency, f"the {name} amount", against=self.thing
                )
        for line in self.lines:
            if line.amount is not None and line.amount.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    line.amount.currency,
                    f"the amount of line {line.line_id!r}",
                    against=self.thing,
                )
        if not self.history:
            self.history.append(ReturnStep(status=self.status, at=self.requested_at))

    @classmethod
    def request(
        cls,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        order_id: str,
        currency: str,
        at: dt.datetime,
        lines: Sequence[ReturnLine],
        key: str = "",
        reason: str = "",
    ) -> ReturnRequest:
        """A new return in status REQUESTED."""
        return cls(
            id=id,
            order_id=order_id,
            currency=currency,
            requested_at=at,
            lines=list(lines),
            key=key,
            reason=reason,
        )

    # -- facts --------------------------------------------------------------------------

    @property
    def thing(self) -> str:
        """How errors name this return."""
        return f"return {self.id!r}"

    def line(self, line_id: str) -> ReturnLine:
        """The return line of order line ``line_id``.

        Raises:
            NotFound: the return has no such line.
        """
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound(f"line of {self.thing}", line_id)

    @property
    def requested_units(self) -> dict[str, Quantity]:
        """Units requested, per order line id."""
        return {line.line_id: line.quantity for line in self.lines}

    @property
    def received_units(self) -> dict[str, Quantity]:
        """Units received, per order line id (lines with none left out)."""
        return {line.line_id: line.received for line in self.lines if line.received}

    @property
    def goods_amount(self) -> Money:
        """What the received goods are worth (zero before receipt)."""
        return Money.sum(
            (line.amount for line in self.lines if line.amount is not None), self.currency
        )

    @property
    def is_open(self) -> bool:
        """True while the requested units are not yet recorded on the order as returned."""
        return self.status in OPEN

    def check(self, action: ReturnAction) -> None:
        """Raise IllegalTransition unless the transition table allows ``action`` now."""
        if (self.status, action) not in RETURN_TRANSITIONS:
            raise IllegalTransition(self.thing, self.status.value, action.value)

    # -- moves --------------------------------------------------------------------------

    def _move(self, action: ReturnAction, at: dt.datetime, note: str = "") -> None:
        self.check(action)
        self.status = RETURN_TRANSITIONS[self.status, action]
        self.history.append(ReturnStep(status=self.status, at=at, action=action.value, note=note))

    def approve(self, at: dt.datetime, note: str = "") -> None:
        """The seller accepts the return: the buyer may send the goods."""
        self._move(ReturnAction.APPROVE, at, note)

    def reject(self, at: dt.datetime, reason: str = "") -> None:
        """The seller refuses the return; nothing more happens to it."""
        self._move(ReturnAction.REJECT, at, reason)

    def receive(
        self, units: Mapping[str, Quantity], amounts: Mapping[str, Money], at: dt.datetime
    ) -> None:
        """The parcel is back with ``units`` per line id, worth ``amounts`` per line id.

        Lines not in ``units`` received nothing.

        Raises:
            IllegalTransition: the return is not approved.
            NotFound: a line id the return does not have.
            InvalidQuantity: more than requested, a negative count, or nothing at all.
        """
        self.check(ReturnAction.RECEIVE)
        for line_id in units:
            self.line(line_id)
        if not any(units.values()):
            raise InvalidQuantity(f"{self.thing}: no unit was received")
        lines = []
        for line in self.lines:
            received = units.get(line.line_id, 0)
            amount = amounts.get(line.line_id, Money.zero(self.currency))
            if amount.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    amount.currency,
                    f"the amount received for line {line.line_id!r}",
                    against=self.thing,
                )
            lines.append(attrs.evolve(line, received=received, amount=amount))
        self.lines = lines
        self._move(ReturnAction.RECEIVE, at)

    def inspect(
        self,
        results: Mapping[str, tuple[Quantity, Quantity]],
        warehouses: Mapping[str, str],
        at: dt.datetime,
    ) -> None:
        """Each received line was found ``(sellable, damaged)``, its units put in a warehouse.

        Raises:
            IllegalTransition: the return was not received.
            NotFound: a line id the return does not have.
            InvalidQuantity: a line's sellable and damaged units do not add up to what was
                received, or a received line was not inspected.
        """
        self.check(ReturnAction.INSPECT)
        for line_id in results:
            self.line(line_id)
        lines = []
        for line in self.lines:
            sellable, damaged = results.get(line.line_id, (0, 0))
            if sellable + damaged != line.received:
                raise InvalidQuantity(
                    f"{self.thing} line {line.line_id!r}: {sellable} sellable + {damaged} "
                    f"damaged must be the {line.received} received"
                )
            lines.append(
                attrs.evolve(
                    line,
                    sellable=sellable,
                    damaged=damaged,
                    warehouse=warehouses.get(line.line_id),
                )
            )
        self.lines = lines
        self._move(ReturnAction.INSPECT, at)

    def resolve(
        self,
        outcome: ReturnOutcome,
        at: dt.datetime,
        *,
        refunded: Money | None = None,
        to_credit: Money | None = None,
        credited: Money | None = None,
        shipping: Money | None = None,
        credit_note_ids: Sequence[str] = (),
        exchange_order_id: str | None = None,
    ) -> None:
        """Close the inspected return with ``outcome`` and what was done for it."""
        self.check(ReturnAction.RESOLVE)
        zero = Money.zero(self.currency)
        amounts = [a if a is not None else zero for a in (refunded, to_credit, credited, shipping)]
        for name, amount in zip(_RESOLVED, amounts, strict=True):
            if amount.currency != self.currency:
                what = f"the {name} amount to resolve it with"
                raise CurrencyMismatch(self.currency, amount.currency, what, against=self.thing)
            if amount.is_negative:
                raise ValidationError(f"{self.thing}: amounts must be >= 0, got {amount}")
        self.refunded, self.to_credit, self.credited, self.shipping = amounts
        self.outcome = outcome
        self.credit_note_ids = list(credit_note_ids)
        self.exchange_order_id = exchange_order_id
        self._move(ReturnAction.RESOLVE, at, outcome.value)
