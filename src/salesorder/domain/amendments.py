"""Amendments: versioned changes to a confirmed order, and partial cancellations.

:class:`Amendment` is what :meth:`~salesorder.domain.orders.Order.amend` records;
:func:`check_amendment` holds its rules on the lines and their new pricing, so the order
can refuse a change before it makes one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from salesorder.domain.common import as_tuple, aware_datetime, positive_int
from salesorder.domain.order_lines import OrderLine, check_line_currency
from salesorder.domain.pricing import PricedOrder
from salesorder.domain.units import Quantity
from salesorder.exceptions import AmendmentRefused, CurrencyMismatch, DuplicateError
from salesorder.money import Money

__all__ = ["Amendment", "check_amendment"]


@attrs.frozen(kw_only=True)
class Amendment:
    """A versioned change to a confirmed order, or a partial cancellation.

    ``changes`` say what changed, ``consequences`` what must now happen to shipments already
    made, invoices already issued and money already paid. ``key`` is the caller's
    idempotency key: the same key again is a no-op.
    """

    version: int = attrs.field(validator=positive_int)
    at: dt.datetime = attrs.field(validator=aware_datetime)
    key: str = ""
    reason: str = ""
    cancellation: bool = False
    changes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    consequences: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    gross_before: Money
    gross_after: Money


def check_amendment(
    thing: str,
    before: Sequence[OrderLine],
    after: Sequence[OrderLine],
    shipped: Mapping[str, Quantity],
    *,
    currency: str,
    priced: PricedOrder,
    cancellation: bool,
) -> None:
    """Refuse replacing the lines ``before`` by ``after`` when a rule forbids it.

    A line with units ``shipped`` stays as it is, except that a cancellation may lower its
    quantity down to what shipped; at least one line must be left, each line id once. The
    new lines and their pricing are in the order's ``currency``, and ``priced`` prices
    exactly the new lines. ``thing`` names the order in errors.

    Raises:
        AmendmentRefused: a shipped line would change, nothing would be left, or the
            pricing is for other lines.
        CurrencyMismatch: a line or the pricing is in another currency than the order.
        DuplicateError: ``after`` repeats a line id.
    """
    new = {line.line_id: line for line in after}
    for line in before:
        units = shipped.get(line.line_id, 0)
        changed = new.get(line.line_id)
        if not units or changed == line:
            continue
        kept = changed is not None and attrs.evolve(changed, quantity=line.quantity) == line
        if not (cancellation and kept and changed is not None and changed.quantity >= units):
            raise AmendmentRefused(
                thing, f"line {line.line_id!r} has {units} unit(s) shipped and cannot change"
            )
    if not after:
        raise AmendmentRefused(thing, "no line would be left; cancel the order instead")
    if len(new) != len(after):
        raise DuplicateError(f"{thing}: the amendment repeats a line id")
    for line in after:
        check_line_currency(currency, line)
    if priced.currency != currency:
        raise CurrencyMismatch(currency, priced.currency, "the amended pricing", against=thing)
    if [p.line_id for p in priced.lines] != [line.line_id for line in after]:
        raise AmendmentRefused(thing, "the pricing is for other lines")
