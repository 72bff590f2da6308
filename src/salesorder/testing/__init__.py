"""Test helpers shipped for users: hypothesis strategies and per-port contract test kits.

- :mod:`salesorder.testing.strategies`: hypothesis strategies for money, catalog, customers,
  orders, stock and documents, so you can property-test your own code on salesorder values.
- :mod:`salesorder.testing.contracts`: pytest-style test classes to subclass, one per port,
  that check your adapter keeps the port's contract (the in-memory adapters pass them all).

This package needs ``hypothesis`` (install ``salesorder[test]``); importing ``salesorder``
itself never imports it.
"""

__all__: list[str] = []
