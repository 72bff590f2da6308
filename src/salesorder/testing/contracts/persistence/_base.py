"""What every part of the persistence kit shares: the adapter's factory, seeded per test."""

from __future__ import annotations

import abc
from typing import ClassVar

from hypothesis import settings

from salesorder.testing.contracts.persistence._cases import UowFactory, seed


class KitBase(abc.ABC):
    """The hooks and settings :class:`UnitOfWorkContract` gives its parts."""

    race_threads: ClassVar[int]
    race_units: ClassVar[int]
    race_attempts: ClassVar[int]
    race_overlap_seconds: ClassVar[float]
    state_machine_settings: ClassVar[settings]

    @abc.abstractmethod
    def make_uow_factory(self) -> UowFactory:
        """A callable returning a new unit of work over a store made new and empty for this call."""

    def _factory(self) -> UowFactory:
        factory = self.make_uow_factory()
        with factory() as uow:
            seed(uow)
            uow.commit()
        return factory
