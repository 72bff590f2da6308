"""The contract of the persistence port: repositories and an atomic, optimistic unit of work.

Plug your adapter in by subclassing
:class:`~salesorder.testing.contracts.UnitOfWorkContract` in your own test suite and
returning a factory of units of work over a new, empty store::

    from salesorder.testing.contracts import UnitOfWorkContract

    class TestSqlUnitOfWork(UnitOfWorkContract):
        def make_uow_factory(self):
            store = SqlStore(create_engine("sqlite://"))   # fresh and empty per test
            return store.unit_of_work

pytest then runs every ``test_*`` method of the kit against your adapter. The kit adds the
parent rows it needs (warehouses, products, a customer, an order, a series) before it adds
rows that refer to them, so an adapter with foreign keys passes too. Tests that race threads
assume the factory's units may be used from several threads at once, as the port requires.

:func:`~salesorder.testing.contracts.make_stock_state_machine` gives the strongest check on
its own: a hypothesis ``RuleBasedStateMachine`` that compares your unit of work and stock
repository with a simple model through random receipts, reservations, releases, shipments,
commits and rollbacks.
"""

from salesorder.testing.contracts.persistence._contract import UnitOfWorkContract
from salesorder.testing.contracts.persistence._state_machine import make_stock_state_machine

__all__ = ["UnitOfWorkContract", "make_stock_state_machine"]
