"""The exact allocation optimizer (``pip install 'salesorder[optimize]'``).

:class:`ExactOptimizer` allocates a batch of orders at the lowest cost under the same
:class:`~salesorder.domain.allocation.CostModel` as the heuristics, as a mixed-integer
program solved by scipy's MILP; by default it keeps the priority rule
(:func:`~salesorder.domain.allocation.units_in_turn`), so it is the optimum
:class:`~salesorder.domain.allocation.LowestCost` is measured against. scipy is imported only
when a batch is solved, so importing salesorder never needs it.

The optimizer lives in ``salesorder.domain.allocation.optimize``, beside the strategies whose
distances and costs it shares; this module is its public name.
"""

from salesorder.domain.allocation.optimize import ExactOptimizer

__all__ = ["ExactOptimizer"]
