"""Stock: reservations and stock items that keep their invariants."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from salesorder.domain.inventory import Reservation, StockItem
from salesorder.testing.strategies.basics import Spec, _spec, codes, timestamps

__all__ = ["reservations", "stock_items"]


@st.composite
def _reservations(draw: st.DrawFn, max_quantity: int) -> Reservation:
    created = draw(timestamps())
    expires = draw(st.none() | st.integers(1, 72).map(lambda h: created + dt.timedelta(hours=h)))
    return Reservation.for_line(
        draw(codes()),
        draw(codes(max_size=4)),
        draw(st.integers(1, max_quantity)),
        created,
        expires,
    )


def reservations(*, max_quantity: int = 50) -> st.SearchStrategy[Reservation]:
    """Reservations for one order line, keyed by its order and line."""
    return _reservations(max_quantity)


@st.composite
def _stock_items(draw: st.DrawFn, warehouse: Spec[str], sku: Spec[str]) -> StockItem:
    held = draw(st.lists(reservations(), max_size=4, unique_by=lambda r: r.key))
    reserved = sum(r.quantity for r in held)
    on_hand = reserved + draw(st.integers(0, 1000))
    return StockItem(
        warehouse=draw(_spec(warehouse, codes())),
        sku=draw(_spec(sku, codes())),
        on_hand=on_hand,
        safety_stock=draw(st.integers(0, on_hand - reserved)),
        reservations={r.key: r for r in held},
    )


def stock_items(
    *, warehouse: Spec[str] = None, sku: Spec[str] = None
) -> st.SearchStrategy[StockItem]:
    """Stock items that keep their invariants.

    ``reserved`` is the sum of the reservations, ``0 <= reserved <= on_hand``, and reserved
    plus safety stock is never above on hand.
    """
    return _stock_items(warehouse, sku)
