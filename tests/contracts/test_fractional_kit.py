"""The persistence kit bites on stores that lose the fraction of a quantity.

Two mutants of the in-memory store commit like it, then round what they keep to whole
units, as an INTEGER column would: one the stock ledger's changes, one the stock levels.
The kit's fractional checks must object to both, and pass on the store itself.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from salesorder.adapters.memory import InMemoryStore
from salesorder.adapters.memory.persistence import InMemoryUnitOfWork
from salesorder.testing.contracts import UnitOfWorkContract


class _RoundingStore(InMemoryStore):
    """Rounds the ledger's changes (``ledger``) or the stock levels (``levels``) at commit."""

    def __init__(self, *, ledger: bool = False, levels: bool = False) -> None:
        super().__init__()
        self.round_ledger, self.round_levels = ledger, levels

    def unit_of_work(self) -> InMemoryUnitOfWork:
        uow = super().unit_of_work()
        commit = uow.commit

        def commit_and_round() -> None:
            commit()
            with self.lock:
                self._round()

        uow.commit = commit_and_round  # type: ignore[method-assign]
        return uow

    __call__ = unit_of_work

    def _round(self) -> None:
        if self.round_ledger:
            for key, entries in self.stock_ledger.items():
                self.stock_ledger[key] = [
                    attrs.evolve(
                        e,
                        on_hand_change=round(e.on_hand_change),
                        reserved_change=round(e.reserved_change),
                    )
                    for e in entries
                ]
        if self.round_levels:
            rows = self.tables["stock"].rows
            for key, (version, item) in rows.items():
                rows[key] = (version, attrs.evolve(item, on_hand=round(item.on_hand)))


def _kit(**rounding: bool) -> type[UnitOfWorkContract]:
    class Kit(UnitOfWorkContract):
        def make_uow_factory(self) -> Any:
            return _RoundingStore(**rounding)

    return Kit


@pytest.mark.parametrize(
    ("rounding", "method"),
    [
        ({"ledger": True}, "test_fractional_stock_and_ledger_are_stored_exactly"),
        ({"levels": True}, "test_fractional_stock_and_ledger_are_stored_exactly"),
        ({"levels": True}, "test_stock_state_machine"),
    ],
)
def test_the_kit_rejects_a_store_that_rounds(rounding: dict[str, bool], method: str) -> None:
    with pytest.raises(AssertionError):
        getattr(_kit(**rounding)(), method)()


@pytest.mark.parametrize(
    "method", ["test_fractional_stock_and_ledger_are_stored_exactly", "test_stock_state_machine"]
)
def test_the_store_that_does_not_round_passes(method: str) -> None:
    getattr(_kit()(), method)()
