"""One order's plan is the same whichever way the planner reads the stock.

``LowestCost._plan`` reads which warehouses have a whole order straight off a batch's stock
index (one row per SKU, in the batch's warehouse order) when it can, and otherwise from the
units each warehouse could give each line (``_line_availability``), the only way for a
plain mapping of stock, an index of other warehouses, or an order with a SKU on several
lines (those lines share the SKU's stock). Both must give the same allocation, pick for
pick and reason for reason, for any stock, cost model and order.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.properties.test_allocation_exchange_bound import (
    SKUS,
    WAREHOUSES,
    ZONES,
    costs,
    places,
    stock,
)
from tests.properties.test_allocation_priority import points

from salesorder.domain.allocation import CostModel, DemandLine, LowestCost, OrderDemand
from salesorder.domain.allocation.costs import _Context
from salesorder.domain.allocation.priority import _StockIndex
from salesorder.domain.customers import Address, GeoPoint, Warehouse

HERE = Address(line1="Jl. 1", city="Jakarta", country="ID")

# Lines may repeat a SKU, unlike the lines _plan_merged gives _plan.
orders = st.builds(
    OrderDemand,
    order_id=st.just("O1"),
    lines=st.lists(
        st.tuples(st.sampled_from(SKUS[:3]), st.integers(1, 4)), min_size=1, max_size=4
    ).map(
        lambda ls: [
            DemandLine(line_id=str(i), sku=sku, quantity=q) for i, (sku, q) in enumerate(ls)
        ]
    ),
    destination=st.none() | points,
    zone=st.sampled_from(("", *ZONES)),
)


@settings(max_examples=300, deadline=None)
@given(order=orders, available=stock, where=places, cost=costs)
def test_the_stock_index_and_a_plain_mapping_give_the_same_plan(
    order: OrderDemand,
    available: dict[tuple[str, str], int],
    where: list[GeoPoint | None],
    cost: CostModel,
) -> None:
    whs = [
        Warehouse(code=code, name=code, address=HERE, coordinates=point, priority=i)
        for i, (code, point) in enumerate(zip(WAREHOUSES, where, strict=True))
    ]
    strategy = LowestCost(cost=cost)
    ctx = _Context(whs, None, cost)
    from_index = strategy._plan(order, ctx, _StockIndex(ctx.codes, available))
    from_mapping = strategy._plan(order, ctx, available)
    assert from_index == from_mapping
    # An index of another batch's warehouses (here in another order) is only a mapping.
    other = _StockIndex(list(reversed(ctx.codes)), available)
    assert strategy._plan(order, ctx, other) == from_mapping
