"""The frames API's types, checked by ``mypy --strict`` and run by pytest."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from salesorder import frames
from salesorder.domain.inventory import StockItem
from salesorder.domain.orders import Order

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    # typing.assert_type is 3.11+; at run time the check is mypy's (see test_public_api).
    _T = TypeVar("_T")

    def assert_type(value: _T, _type: object) -> _T:
        return value


def test_frames_api_types() -> None:
    orders: list[Order] = []
    frame = frames.orders(orders)
    assert_type(frame, frames.Frame)
    assert_type(frame.records(), list[dict[str, Any]])
    assert_type(frame.column_names, tuple[str, ...])
    items: tuple[StockItem, ...] = ()
    assert_type(frames.reservations(items), frames.Frame)
    assert frame.records() == []
    # An order is not a stock item: the type checker says so before the run does.
    with pytest.raises(TypeError):
        frames.stock(42)  # type: ignore[arg-type]
