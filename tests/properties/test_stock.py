"""StockItem: reservations never oversell, and a refused command changes nothing."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesorder.domain.inventory import Reservation, StockItem, reservation_key
from salesorder.exceptions import DuplicateError, InsufficientStock, InvalidQuantity, NotFound
from salesorder.testing import strategies as sst

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
ORDERS = st.sampled_from(["O1", "O2", "O3", "O4", "O5"])

COMMANDS = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), st.integers(-2, 30)),
        st.tuples(st.just("reserve"), ORDERS, st.integers(1, 40)),
        st.tuples(st.just("release"), ORDERS),
        st.tuples(st.just("ship"), ORDERS),
    ),
    max_size=40,
)


def _check(item: StockItem) -> None:
    assert item.reserved == sum(r.quantity for r in item.reservations.values())
    assert 0 <= item.reserved <= item.on_hand, item
    assert item.available >= 0
    assert all(key == r.key for key, r in item.reservations.items())


@given(sst.stock_items(), COMMANDS)
def test_random_commands_keep_the_invariants(item: StockItem, commands: list[tuple]) -> None:  # type: ignore[type-arg]
    _check(item)
    shipped = 0
    received = 0
    start = item.on_hand
    for command in commands:
        before = copy.deepcopy(item)
        name = command[0]
        try:
            if name == "receive":
                item.receive(command[1])
                received += command[1]
            elif name == "reserve":
                reservation = Reservation.for_line(command[1], "1", command[2], T0)
                available = item.available
                held = item.reservations.get(reservation.key)
                new = item.reserve(reservation)
                assert new == (held is None)
                assert held is not None or command[2] <= available
            elif name == "release":
                released = item.release(reservation_key(command[1], "1"))
                assert released == before.reservations.get(reservation_key(command[1], "1"))
            else:
                shipped += item.ship(reservation_key(command[1], "1")).quantity
        except (InsufficientStock, DuplicateError, InvalidQuantity, NotFound):
            assert item == before, f"a refused {name} changed the item"
        _check(item)
    assert item.on_hand == start + received - shipped


@given(sst.stock_items(), st.integers(1, 2000))
def test_a_reservation_beyond_available_is_refused_whole(item: StockItem, quantity: int) -> None:
    before = copy.deepcopy(item)
    reservation = Reservation.for_line("NEW-ORDER", "1", quantity, T0)
    if quantity > item.available:
        with pytest.raises(InsufficientStock) as refused:
            item.reserve(reservation)
        assert refused.value.available == before.available
        assert refused.value.requested == quantity
        assert item == before
    else:
        assert item.reserve(reservation) is True
        assert item.reserved == before.reserved + quantity
        assert item.available == before.available - quantity


@given(sst.stock_items())
def test_releasing_everything_frees_everything(item: StockItem) -> None:
    on_hand = item.on_hand
    for key in list(item.reservations):
        assert item.release(key) is not None
        assert item.release(key) is None  # idempotent
    assert item.reserved == 0
    assert item.on_hand == on_hand
    assert item.available == max(0, on_hand - item.safety_stock)
