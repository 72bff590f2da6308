"""The stock state machine: units of work and the stock repository against a simple model."""

# ruff: noqa: S101
# A test kit shipped in the package: assert is how it checks, as in tests/.

from __future__ import annotations

import copy
import itertools
from decimal import Decimal

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from salesorder.domain.inventory import (
    Reservation,
    StockItem,
    reservation_key,
)
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import (
    DuplicateError,
    InsufficientStock,
    NotFound,
)
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises
from salesorder.testing.contracts.persistence._cases import (
    UowFactory,
)


@attrs.define
class _ModelItem:
    on_hand: Quantity = 0
    reservations: dict[str, Quantity] = attrs.Factory(dict)

    @property
    def available(self) -> Quantity:
        return self.on_hand - sum(self.reservations.values())


def _quantities(most: int) -> st.SearchStrategy[Quantity]:
    """Whole units up to ``most``, and kilograms to the gram: adapters keep both exact."""
    grams = st.integers(1, most * 1000).map(lambda g: to_quantity(Decimal(g).scaleb(-3)))
    return st.integers(1, most) | grams


_runs = itertools.count(1)


def make_stock_state_machine(uow_factory: UowFactory) -> type[RuleBasedStateMachine]:
    """A state machine comparing units of work over ``uow_factory`` with a simple stock model.

    One unit of work stays open across steps; the rules receive, reserve, release and ship
    stock through it, then commit or roll back. After every step the open unit must show the
    model's pending state, and a fresh unit must show the model's committed state (changes
    are invisible until commit, rollback forgets). Run it with hypothesis::

        from hypothesis.stateful import run_state_machine_as_test

        def test_my_stock():
            run_state_machine_as_test(make_stock_state_machine(MyStore().unit_of_work))

    Every run of the machine uses its own warehouse and SKU codes, so one store can serve
    every example; the warehouses and products are added first, for adapters with foreign keys.
    Quantities are whole units and fractional ones (1.25 kg) alike: both must come back
    exactly.
    """

    class StockStateMachine(RuleBasedStateMachine):
        """Units of work and the stock repository against a dictionary model."""

        def __init__(self) -> None:
            super().__init__()
            run = next(_runs)
            self.warehouses = [f"SM{run}-W{n}" for n in (1, 2)]
            self.skus = [f"SM{run}-S{n}" for n in (1, 2)]
            self.keys = [(w, s) for w in self.warehouses for s in self.skus]
            with uow_factory() as setup:
                for code in self.warehouses:
                    setup.warehouses.add(sample.warehouse(code))
                for sku in self.skus:
                    setup.products.add(sample.product(sku))
                setup.commit()
            self.committed: dict[tuple[str, str], _ModelItem] = {}
            self.pending: dict[tuple[str, str], _ModelItem] = {}
            self.uow = uow_factory()
            self.uow.__enter__()

        def teardown(self) -> None:
            self.uow.__exit__(None, None, None)

        def _item(self, index: int) -> tuple[StockItem | None, _ModelItem | None]:
            key = self.keys[index]
            return self.uow.stock.find(key), self.pending.get(key)

        @rule(index=st.integers(0, 3), quantity=_quantities(20))
        def receive(self, index: int, quantity: Quantity) -> None:
            item, model = self._item(index)
            if item is None:
                assert model is None, f"{self.keys[index]} vanished from the open unit"
                item = StockItem(warehouse=self.keys[index][0], sku=self.keys[index][1])
                self.uow.stock.add(item)
                model = self.pending[self.keys[index]] = _ModelItem()
            assert model is not None, f"{self.keys[index]} appeared from nowhere"
            item.receive(quantity)
            model.on_hand += quantity

        @rule(index=st.integers(0, 3), order=st.integers(1, 6), quantity=_quantities(15))
        def reserve(self, index: int, order: int, quantity: Quantity) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                assert item is None, f"{self.keys[index]} is not in the model"
                assert model is None, f"{self.keys[index]} vanished from the open unit"
                return
            key = reservation_key(f"O{order}", "1")
            reservation = Reservation.for_line(f"O{order}", "1", quantity, T0)
            held = model.reservations.get(key)
            if held is not None and held != quantity:
                with raises(DuplicateError, "a reservation key held with another quantity"):
                    item.reserve(reservation)
            elif held is not None:
                assert item.reserve(reservation) is False, "repeating a reservation"
            elif quantity > model.available:
                with raises(InsufficientStock, f"reserving {quantity} of {model.available}"):
                    item.reserve(reservation)
            else:
                assert item.reserve(reservation) is True
                model.reservations[key] = quantity

        @rule(index=st.integers(0, 3), order=st.integers(1, 6))
        def release(self, index: int, order: int) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                return
            released = item.release(reservation_key(f"O{order}", "1"))
            expected = model.reservations.pop(reservation_key(f"O{order}", "1"), None)
            assert (released.quantity if released else None) == expected

        @rule(index=st.integers(0, 3), order=st.integers(1, 6))
        def ship(self, index: int, order: int) -> None:
            item, model = self._item(index)
            if item is None or model is None:
                return
            key = reservation_key(f"O{order}", "1")
            if key not in model.reservations:
                with raises(NotFound, "shipping a reservation that is not held"):
                    item.ship(key)
                return
            assert item.ship(key).quantity == model.reservations[key]
            model.on_hand -= model.reservations.pop(key)

        @rule()
        def commit(self) -> None:
            self.uow.commit()
            self.committed = copy.deepcopy(self.pending)
            self._check_fresh_unit()

        @rule()
        def rollback(self) -> None:
            self.uow.rollback()
            self.pending = copy.deepcopy(self.committed)
            self._check_fresh_unit()

        @precondition(lambda self: self.pending != self.committed)
        @rule()
        def other_units_see_only_committed(self) -> None:
            self._check_fresh_unit()

        def _check_fresh_unit(self) -> None:
            with uow_factory() as other:
                seen = {
                    item.key: item
                    for sku in self.skus
                    for item in other.stock.for_sku(sku)
                    if item.warehouse in self.warehouses
                }
                assert set(seen) == set(self.committed), "stock items seen by a fresh unit"
                for key, model in self.committed.items():
                    _same(other.stock.get(key), model)

        @invariant()
        def open_unit_matches_the_model(self) -> None:
            for key in self.keys:
                item = self.uow.stock.find(key)
                model = self.pending.get(key)
                assert (item is None) == (model is None), f"{key}: {item} vs {model}"
                if item is not None and model is not None:
                    _same(item, model)

    return StockStateMachine


def _same(item: StockItem, model: _ModelItem) -> None:
    quantities = {key: r.quantity for key, r in item.reservations.items()}
    assert quantities == model.reservations, f"{item.key}: reservations {quantities}"
    assert item.on_hand == model.on_hand, f"{item.key}: on hand {item.on_hand} != {model.on_hand}"
    assert item.reserved == sum(quantities.values())
    assert 0 <= item.reserved <= item.on_hand, f"{item.key}: reserved {item.reserved}"
    assert item.available >= 0
