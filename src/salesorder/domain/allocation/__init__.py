"""Choosing where an order's stock comes from: strategies behind one protocol.

An :class:`OrderDemand` (lines, destination, priority, date) is allocated over warehouses and
what each has available into an :class:`Allocation`: picks (line, warehouse, units), backorder
lines for what no warehouse has, and a reason for each, so every allocation explains itself.

Strategies (all :class:`AllocationStrategy`):

- :class:`ByPriority`: whole order from the first warehouse by priority that has it all,
  else fill lines from warehouses in priority order.
- :class:`Nearest`: the same, warehouses ranked by distance to the customer (coordinates, or a
  :class:`ZoneTable` of distances per delivery zone).
- :class:`FewestShipments`: one warehouse when one can serve it, else a greedy set cover.
- :class:`LowestCost`: the default. Cheapest shipments under a :class:`CostModel` (fixed cost
  per parcel plus cost per unit and per unit-kilometre): the cheapest single warehouse, or a
  greedy split by cost per unit covered, improved by moving units to cheaper open parcels.
  For a batch it plans the orders with the most to lose first, then exchanges units between
  orders while that lowers the batch's cost, and searches a small batch wider by
  re-planning groups of orders together (see :meth:`LowestCost.allocate_batch`).
- :class:`~salesorder.domain.optimize.ExactOptimizer` (``salesorder[optimize]``, scipy's
  MILP) solves a whole batch exactly where it fits.

:func:`allocate_batch` allocates many orders under the priority rule: served in turn, by
order priority (lower first), then order date, then id, each order's lines get what is left
of their SKUs (:func:`units_in_turn`), so stock goes to the orders that should have it first,
and no order is ever given more than is available or more than it ordered. A strategy that
plans a whole batch (a :class:`BatchStrategy`, as every built-in strategy is) is given the
batch; any other is asked for one order at a time.

Costs are planning scores in the cost model's units (floats for speed), never amounts charged;
the courier's quote is what an order is billed.

The modules: ``model`` (the values), ``costs`` (distances, :class:`CostModel`), ``protocols``,
``priority`` (the priority rule), ``strategies`` and ``lowest_cost`` (the strategies),
``exchange`` (lowering a batch's cost), ``search`` (re-planning groups of orders of a small
batch), ``batch`` (:func:`allocate_batch`) and ``optimize`` (the exact optimizer). Names with
a leading underscore are shared between these modules and are not part of the API;
everything public is re-exported here.
"""

from salesorder.domain.allocation.batch import allocate_batch
from salesorder.domain.allocation.costs import (
    CostModel,
    GreatCircle,
    Planar,
    allocation_cost,
    haversine_km,
)
from salesorder.domain.allocation.lowest_cost import LowestCost
from salesorder.domain.allocation.model import (
    Allocation,
    BackorderLine,
    BatchAllocation,
    DemandLine,
    OrderDemand,
    Pick,
    ZoneTable,
)
from salesorder.domain.allocation.model import Available as Available
from salesorder.domain.allocation.priority import batch_order, units_in_turn
from salesorder.domain.allocation.protocols import AllocationStrategy, BatchStrategy
from salesorder.domain.allocation.strategies import (
    BaseStrategy,
    ByPriority,
    FewestShipments,
    GreedyNearestPerLine,
    Nearest,
    choose_single_warehouse,
)

__all__ = [
    "Allocation",
    "AllocationStrategy",
    "BackorderLine",
    "BaseStrategy",
    "BatchAllocation",
    "BatchStrategy",
    "ByPriority",
    "CostModel",
    "DemandLine",
    "FewestShipments",
    "GreatCircle",
    "GreedyNearestPerLine",
    "LowestCost",
    "Nearest",
    "OrderDemand",
    "Pick",
    "Planar",
    "ZoneTable",
    "allocate_batch",
    "allocation_cost",
    "batch_order",
    "choose_single_warehouse",
    "haversine_km",
    "units_in_turn",
]
