"""The values allocation builds without the validating constructors, and when it may not.

A batch counts units and builds backorder lines and shortened demand lines tens of
thousands of times, so whole counts in range skip ``to_quantity``'s decimal context and the
attrs validators; anything else (a fraction, zero, too many units) must still go through
them: normalised, or refused as the constructors refuse it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from salesorder.domain.allocation import BackorderLine, DemandLine, OrderDemand
from salesorder.domain.allocation.model import _backorder, _fewer, _to_quantity
from salesorder.domain.common import MAX_QUANTITY
from salesorder.exceptions import InvalidQuantity, QuantityOutOfRange


def test_a_whole_count_in_range_comes_back_as_it_is() -> None:
    assert _to_quantity(7) == 7
    assert _to_quantity(-MAX_QUANTITY) == -MAX_QUANTITY


def test_order_units_past_the_largest_quantity_are_refused_as_before() -> None:
    """Two lines of 999,999,999 units: their sum is no quantity."""
    order = OrderDemand(
        order_id="O1",
        lines=[
            DemandLine(line_id="1", sku="A", quantity=MAX_QUANTITY),
            DemandLine(line_id="2", sku="B", quantity=MAX_QUANTITY),
        ],
    )
    with pytest.raises(QuantityOutOfRange):
        _ = order.units


def test_fractional_order_units_are_normalised() -> None:
    """1.25 + 1.75 kg is 3, an int; 0.50 + 1 is 1.5."""
    whole = OrderDemand(
        order_id="O1",
        lines=[
            DemandLine(line_id="1", sku="A", quantity=Decimal("1.25")),
            DemandLine(line_id="2", sku="B", quantity=Decimal("1.75")),
        ],
    )
    assert whole.units == 3
    assert type(whole.units) is int
    half = OrderDemand(
        order_id="O2",
        lines=[
            DemandLine(line_id="1", sku="A", quantity=Decimal("0.50")),
            DemandLine(line_id="2", sku="B", quantity=1),
        ],
    )
    assert str(half.units) == "1.5"


def test_a_quick_backorder_line_equals_the_checked_one() -> None:
    quick = _backorder(line_id="1", sku="A", quantity=2, reason="none left")
    assert quick == BackorderLine(line_id="1", sku="A", quantity=2, reason="none left")


def test_a_fractional_backorder_goes_through_the_constructor() -> None:
    line = _backorder(line_id="1", sku="A", quantity=Decimal("0.50"), reason="")
    assert str(line.quantity) == "0.5"


@pytest.mark.parametrize("quantity", [0, -1, MAX_QUANTITY + 1])
def test_a_backorder_of_no_units_or_too_many_is_refused(quantity: int) -> None:
    with pytest.raises(InvalidQuantity):
        _backorder(line_id="1", sku="A", quantity=quantity, reason="")


def test_a_shortened_demand_line_keeps_its_id_and_sku() -> None:
    line = DemandLine(line_id="7", sku="A", quantity=5)
    assert _fewer(line, 2) == DemandLine(line_id="7", sku="A", quantity=2)
    assert str(_fewer(line, Decimal("1.50")).quantity) == "1.5"


@pytest.mark.parametrize("quantity", [0, MAX_QUANTITY + 1])
def test_a_demand_line_shortened_to_no_units_or_too_many_is_refused(quantity: int) -> None:
    with pytest.raises(InvalidQuantity):
        _fewer(DemandLine(line_id="7", sku="A", quantity=5), quantity)
