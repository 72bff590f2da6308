"""What an order is for: its lines, the buyer's voucher codes, their pricing, its amendments.

:class:`OrderContents` is a value held by :class:`~salesorder.domain.orders.Order`: each
change returns new contents, and a change that breaks a rule raises before anything is
replaced. Line ids are unique and every line is in the order's currency; editing the lines
or the vouchers drops the pricing (the order must be priced again), and a pricing is
attached only when it prices exactly the current lines. An amendment replaces the lines
and their pricing together and is kept, versioned, in ``amendments``. The order checks
its status itself and passes its name (``thing``) and currency for the messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from salesorder.domain.amendments import Amendment
from salesorder.domain.common import as_tuple
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.order_lines import OrderLine, check_line_currency
from salesorder.domain.pricing import PricedOrder
from salesorder.domain.units import Quantity
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    IllegalTransition,
    InvalidQuantity,
    NotFound,
)

__all__ = ["OrderContents"]


@attrs.frozen(kw_only=True)
class OrderContents:
    """The lines of one order, its voucher codes and pricing; see the module docstring.

    The field names are the keys an order's JSON document has always used for them
    (:mod:`salesorder.serialization` keeps them at the document's top level).
    """

    #: The lines, in the order they were added.
    lines: tuple[OrderLine, ...] = attrs.field(default=(), converter=as_tuple)
    #: The result of pricing the current lines, or None after an edit.
    pricing: PricedOrder | None = None
    #: Voucher codes the buyer gave; pricing applies them (see salesorder.domain.promotions).
    voucher_codes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    #: Versioned changes after confirmation, and partial cancellations, oldest first.
    amendments: tuple[Amendment, ...] = attrs.field(default=(), converter=as_tuple)

    # -- facts ----------------------------------------------------------------------------

    def check(self, currency: str, *, thing: str) -> None:
        """Raise unless the line ids are unique and every line is in ``currency``.

        Raises:
            DuplicateError: a line id is repeated.
            CurrencyMismatch: a line's price or discount is in another currency.
        """
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise DuplicateError(f"{thing} repeats a line id: {ids}")
        for line in self.lines:
            check_line_currency(currency, line)

    @property
    def ordered(self) -> dict[str, Quantity]:
        """Units ordered, per line id, in line order."""
        return {line.line_id: line.quantity for line in self.lines}

    def check_units(
        self, units: Mapping[str, Quantity], *, thing: str, action: str = "return"
    ) -> None:
        """Raise unless each of ``units`` (line id -> units) is above zero and exact to its line.

        ``thing`` names the order and ``action`` what the units are for, in the messages
        (``"return of order 'SO-1' line '1' (SKU 'COFFEE'): ..."``).

        Raises:
            NotFound: a line id the contents do not have.
            InvalidQuantity: a count that is not a quantity above zero.
            TooManyDecimals: a count with more decimals than its line's unit allows.
        """
        for line_id, count in units.items():
            line = self.line(line_id, thing=thing)
            what = f"{action} of {thing} line {line_id!r} (SKU {line.sku!r})"
            if isinstance(count, bool) or not isinstance(count, (int, Decimal)) or count <= 0:
                raise InvalidQuantity(f"{what} needs units > 0, got {count!r}")
            line.unit.check(count, what=what)

    def line(self, line_id: str, *, thing: str) -> OrderLine:
        """The line with ``line_id``.

        Raises:
            NotFound: no such line (``thing`` names the order).
        """
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound(f"line of {thing}", line_id)

    def next_line_id(self) -> str:
        """A line id not used yet ("1", "2", ...)."""
        used = {line.line_id for line in self.lines}
        number = len(self.lines) + 1
        while str(number) in used:
            number += 1
        return str(number)

    def amendment(self, key: str) -> Amendment | None:
        """The amendment made with idempotency ``key``, or None."""
        return next((a for a in self.amendments if key and a.key == key), None)

    # -- changes --------------------------------------------------------------------------

    def adding(self, line: OrderLine, *, currency: str, thing: str) -> OrderContents:
        """The contents with ``line`` added (its id new, its amounts in ``currency``), unpriced."""
        check_line_currency(currency, line)
        if any(existing.line_id == line.line_id for existing in self.lines):
            raise DuplicateError(f"{thing} already has a line {line.line_id!r}")
        return attrs.evolve(self, lines=(*self.lines, line), pricing=None)

    def removing(self, line_id: str, *, thing: str) -> OrderContents:
        """The contents without line ``line_id``, unpriced."""
        self.line(line_id, thing=thing)
        lines = (line for line in self.lines if line.line_id != line_id)
        return attrs.evolve(self, lines=lines, pricing=None)

    def changing(self, line_id: str, quantity: Quantity, *, thing: str) -> OrderContents:
        """The contents with line ``line_id`` at ``quantity`` (above zero), unpriced.

        Raises:
            InvalidQuantity: ``quantity`` is not above zero.
            TooManyDecimals: it has more decimals than the line's unit allows.
        """
        updated = attrs.evolve(self.line(line_id, thing=thing), quantity=quantity)
        lines = (updated if line.line_id == line_id else line for line in self.lines)
        return attrs.evolve(self, lines=lines, pricing=None)

    def with_vouchers(self, codes: Iterable[str]) -> OrderContents:
        """The contents with the voucher ``codes`` (each once, first place kept), unpriced."""
        return attrs.evolve(self, voucher_codes=dict.fromkeys(codes), pricing=None)

    def priced(
        self, priced: PricedOrder, *, currency: str, thing: str, status: OrderStatus
    ) -> OrderContents:
        """The contents with ``priced`` attached; it must price exactly these lines.

        Raises:
            CurrencyMismatch: ``priced`` is not in ``currency``.
            IllegalTransition: ``priced`` is for other lines.
        """
        if priced.currency != currency:
            raise CurrencyMismatch(currency, priced.currency, "the pricing", against=thing)
        if [p.line_id for p in priced.lines] != [line.line_id for line in self.lines]:
            raise IllegalTransition(
                thing, status.value, "apply pricing", "the pricing is for other lines"
            )
        return attrs.evolve(self, pricing=priced)

    def amended(
        self, lines: Iterable[OrderLine], priced: PricedOrder, amendment: Amendment
    ) -> OrderContents:
        """The contents with ``lines`` priced as ``priced``, ``amendment`` recorded.

        The order checks the change first, with
        :func:`~salesorder.domain.amendments.check_amendment`.
        """
        amendments = (*self.amendments, amendment)
        return attrs.evolve(self, lines=lines, pricing=priced, amendments=amendments)
