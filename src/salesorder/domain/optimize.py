"""The exact allocation optimizer (``pip install 'salesorder[optimize]'``).

:class:`ExactOptimizer` allocates a batch of orders at the lowest cost under the same
:class:`~salesorder.domain.allocation.CostModel` as the heuristics, as a mixed-integer
program solved by scipy's MILP; by default it keeps the priority rule
(:func:`~salesorder.domain.allocation.units_in_turn`), so it is the optimum
:class:`~salesorder.domain.allocation.LowestCost` is measured against. scipy is imported only
when a batch is solved, so importing salesorder never needs it.
:meth:`ExactOptimizer.solve` returns an :class:`ExactSolution`: the plan, its cost, the
proven lower bound and a :class:`SolveStatus` that says ``OPTIMAL`` only when it is proven.

The optimizer lives in ``salesorder.domain.allocation.optimize``, beside the strategies whose
distances and costs it shares; this module is its public name.
"""

from salesorder.domain.allocation.optimize import ExactOptimizer, ExactSolution, SolveStatus

__all__ = ["ExactOptimizer", "ExactSolution", "SolveStatus"]
