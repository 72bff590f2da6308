"""Stock: exact quantities, reservations and stock items that keep their invariants.

Quantities are whole by default (``decimals=0``: ints, as in a shop that sells pieces); with
``decimals=3`` they are exact quantities of a unit such as the kilogram: an ``int`` when
whole, else a ``Decimal`` of up to 3 places (see :mod:`salesorder.domain.units`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.units import MAX_QUANTITY_DECIMALS, Quantity, to_quantity
from salesorder.testing.strategies.basics import Spec, _spec, codes, timestamps

__all__ = ["reservations", "stock_items", "stock_quantities"]


def _in_steps(decimals: int, low: int, high: int) -> st.SearchStrategy[Quantity]:
    """Quantities of ``low`` to ``high`` steps of ``10**-decimals``."""
    if not 0 <= decimals <= MAX_QUANTITY_DECIMALS:
        raise ValueError(f"decimals must be from 0 to {MAX_QUANTITY_DECIMALS}, got {decimals}")
    if not decimals:
        return st.integers(low, high)
    return st.integers(low, high).map(lambda n: to_quantity(Decimal(n).scaleb(-decimals)))


def _steps(value: Quantity, decimals: int) -> int:
    """How many steps of ``10**-decimals`` ``value`` is (it has at most that many places)."""
    return int(value * 10**decimals)


def stock_quantities(
    *, decimals: int = 0, min_value: int = 0, max_value: int = 1000
) -> st.SearchStrategy[Quantity]:
    """Exact quantities from ``min_value`` to ``max_value`` with at most ``decimals`` places.

    Drawn as whole numbers of the smallest step (0.001 for 3 decimals), so they shrink to
    small, readable values; whole ones are ints.
    """
    step = 10**decimals
    return _in_steps(decimals, min_value * step, max_value * step)


@st.composite
def _reservations(draw: st.DrawFn, max_quantity: int, decimals: int) -> Reservation:
    created = draw(timestamps())
    expires = draw(st.none() | st.integers(1, 72).map(lambda h: created + dt.timedelta(hours=h)))
    return Reservation.for_line(
        draw(codes()),
        draw(codes(max_size=4)),
        draw(_in_steps(decimals, 1, max_quantity * 10**decimals)),
        created,
        expires,
    )


def reservations(*, max_quantity: int = 50, decimals: int = 0) -> st.SearchStrategy[Reservation]:
    """Reservations for one order line, keyed by its order and line.

    Quantities have at most ``decimals`` places (whole by default).
    """
    return _reservations(max_quantity, decimals)


@st.composite
def _stock_items(draw: st.DrawFn, warehouse: Spec[str], sku: Spec[str], decimals: int) -> StockItem:
    held = draw(st.lists(reservations(decimals=decimals), max_size=4, unique_by=lambda r: r.key))
    reserved = to_quantity(sum(r.quantity for r in held))
    on_hand = to_quantity(reserved + draw(stock_quantities(decimals=decimals)))
    free = _steps(to_quantity(on_hand - reserved), decimals)
    return StockItem(
        warehouse=draw(_spec(warehouse, codes())),
        sku=draw(_spec(sku, codes())),
        on_hand=on_hand,
        safety_stock=draw(_in_steps(decimals, 0, free)),
        reservations={r.key: r for r in held},
    )


def stock_items(
    *, warehouse: Spec[str] = None, sku: Spec[str] = None, decimals: int = 0
) -> st.SearchStrategy[StockItem]:
    """Stock items that keep their invariants.

    ``reserved`` is the sum of the reservations, ``0 <= reserved <= on_hand``, and reserved
    plus safety stock is never above on hand. Quantities have at most ``decimals`` places
    (whole by default).
    """
    return _stock_items(warehouse, sku, decimals)
