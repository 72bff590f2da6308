"""``clone``: the deep copy every unit of work makes, sharing what never changes in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from salesorder.adapters.tracking import clone
from salesorder.domain.inventory import Reservation

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


@attrs.define
class _Box:
    """A mutable aggregate part."""

    items: list[int]


def _reservation(n: int) -> Reservation:
    return Reservation(key=f"k{n}", order_id="o", line_id=str(n), quantity=1, created_at=AT)


_leaves = st.one_of(
    st.integers(), st.text(max_size=3), st.integers(0, 9).map(_reservation), st.none()
)
_values = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=2), inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.lists(st.integers(), max_size=3).map(_Box),
    ),
    max_leaves=12,
)


def _mutables(value: Any) -> list[Any]:
    """Every list, dict and mutable attrs object inside ``value``."""
    found = []
    if isinstance(value, (list, dict, _Box)):
        found.append(value)
    children = (
        value.values()
        if isinstance(value, dict)
        else value
        if isinstance(value, (list, tuple))
        else [value.items]
        if isinstance(value, _Box)
        else []
    )
    for child in children:
        found += _mutables(child)
    return found


@given(_values)
def test_a_clone_is_equal_and_shares_no_mutable_part(value: Any) -> None:
    copied = clone(value)
    assert copied == value
    originals = {id(part) for part in _mutables(value)}
    assert not originals & {id(part) for part in _mutables(copied)}


def test_a_dict_of_frozen_values_is_copied_and_its_values_shared() -> None:
    held = {f"k{n}": _reservation(n) for n in range(3)}
    copied = clone(held)
    assert copied == held
    assert copied is not held
    assert all(copied[key] is held[key] for key in held)


def test_a_dict_holding_a_mutable_value_among_frozen_ones_copies_that_value() -> None:
    box = _Box([1])
    copied = clone({"a": _reservation(1), "b": box})
    copied["b"].items.append(2)
    assert box.items == [1]
