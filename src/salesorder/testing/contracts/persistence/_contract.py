"""The persistence kit as one class, made of its parts."""

from __future__ import annotations

import abc
from typing import ClassVar

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test

from salesorder.testing.contracts.persistence._cases import UowFactory
from salesorder.testing.contracts.persistence._lookups import LookupChecks
from salesorder.testing.contracts.persistence._repositories import RepositoryChecks
from salesorder.testing.contracts.persistence._state_machine import make_stock_state_machine
from salesorder.testing.contracts.persistence._units import UnitChecks


class UnitOfWorkContract(RepositoryChecks, UnitChecks, LookupChecks):
    """The persistence port's contract (see :mod:`salesorder.ports.persistence`).

    Subclass it as ``Test...`` and implement :meth:`make_uow_factory`; see
    :mod:`salesorder.testing.contracts.persistence`. Tune :attr:`race_threads` and
    :attr:`state_machine_settings` if your store is slow.
    """

    #: Threads racing for the last units of a SKU (more threads than units).
    race_threads: ClassVar[int] = 8
    #: Units in stock when they race.
    race_units: ClassVar[int] = 5
    #: Attempts per thread before it gives up on ConcurrencyConflict.
    race_attempts: ClassVar[int] = 500
    #: How long the racing threads wait for each other between read and commit, once.
    race_overlap_seconds: ClassVar[float] = 0.5
    #: How hard the stock state machine is run.
    state_machine_settings: ClassVar[settings] = settings(
        max_examples=30, stateful_step_count=30, deadline=None, report_multiple_bugs=False
    )

    @abc.abstractmethod
    def make_uow_factory(self) -> UowFactory:
        """A callable returning a new unit of work over a store made new and empty for this call."""

    # -- the model-based check ------------------------------------------------------------

    def test_stock_state_machine(self) -> None:
        machine = make_stock_state_machine(self.make_uow_factory())
        run_state_machine_as_test(machine, settings=self.state_machine_settings)
