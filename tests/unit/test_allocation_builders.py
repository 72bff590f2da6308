"""The allocation a strategy builds from checked parts is the one the public constructor makes."""

from __future__ import annotations

from decimal import Decimal

from salesorder.domain.allocation import Allocation, BackorderLine, Pick
from salesorder.domain.allocation.model import _allocation


def test_a_built_allocation_equals_the_constructed_one_and_holds_tuples() -> None:
    picks = [
        Pick(line_id="1", sku="A", warehouse="W1", quantity=2, reason="nearest"),
        Pick(line_id="2", sku="B", warehouse="W2", quantity=Decimal("1.5"), reason="split"),
    ]
    backorders = [BackorderLine(line_id="2", sku="B", quantity=1, reason="none left")]
    built = _allocation("O1", "lowest cost", picks, backorders)
    assert built == Allocation(
        order_id="O1", strategy="lowest cost", picks=picks, backorders=backorders
    )
    assert type(built.picks) is tuple
    assert type(built.backorders) is tuple
    assert _allocation("O2", "lowest cost", tuple(picks)) == Allocation(
        order_id="O2", strategy="lowest cost", picks=picks
    )
    assert _allocation("O2", "lowest cost", picks).backorders == ()
