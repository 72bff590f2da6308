"""The persistence kit's checks of units of work: visibility, rollback, atomicity, races."""

# ruff: noqa: S101
# A test kit shipped in the package: assert is how it checks, as in tests/.

from __future__ import annotations

import contextlib
import threading
import time

from salesorder.domain.inventory import (
    Reservation,
    StockItem,
    reservation_key,
)
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    InsufficientStock,
    VoucherUsedUp,
)
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises, run_threads
from salesorder.testing.contracts.persistence._base import KitBase
from salesorder.testing.contracts.persistence._cases import (
    CASES,
    SEED_ORDER,
    SEED_SKUS,
    SEED_WAREHOUSES,
    make_voucher,
    seed_order,
)


class UnitChecks(KitBase):
    """What a unit of work promises whatever it holds."""

    # -- visibility, rollback, atomicity ---------------------------------------------------

    def test_changes_are_invisible_to_other_units_until_commit(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=10))
            uow.commit()
        writer, reader = factory(), factory()
        with writer, reader:
            writer.stock.get(key).receive(5)
            writer.products.add(sample.product("SKU-NEW"))
            assert reader.stock.get(key).on_hand == 10
            assert reader.products.find("SKU-NEW") is None
            with factory() as other:
                assert other.stock.get(key).on_hand == 10
                assert other.products.find("SKU-NEW") is None
            writer.commit()
        with factory() as uow:
            assert uow.stock.get(key).on_hand == 15
            assert uow.products.get("SKU-NEW") == sample.product("SKU-NEW")

    def test_rollback_forgets_every_change(self) -> None:
        factory = self._factory()
        with factory() as uow:
            for case in CASES:
                case.repo(uow).add(case.make(1))
            uow.orders.get(SEED_ORDER).set_notes("changed")
            uow.rollback()
            for case in CASES:
                assert case.repo(uow).find(case.key(case.make(1))) is None, case.name
            assert uow.orders.get(SEED_ORDER) == seed_order()
            uow.commit()  # nothing left to store
        with factory() as uow:
            for case in CASES:
                assert case.repo(uow).find(case.key(case.make(1))) is None, case.name
            assert uow.orders.get(SEED_ORDER) == seed_order()

    def test_leaving_the_block_without_commit_forgets(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.orders.get(SEED_ORDER).set_notes("changed")
        with factory() as uow:
            assert uow.products.find("SKU-1") is None
            assert uow.orders.get(SEED_ORDER) == seed_order()

    def test_an_exception_in_the_block_rolls_back_and_propagates(self) -> None:
        class Boom(Exception):
            pass

        factory = self._factory()
        with raises(Boom, "an exception inside the with block"), factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.orders.get(SEED_ORDER).set_notes("changed")
            raise Boom
        with factory() as uow:
            assert uow.products.find("SKU-1") is None
            assert uow.orders.get(SEED_ORDER) == seed_order()

    def test_a_unit_commits_again_after_a_commit(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.products.add(sample.product("SKU-1"))
            uow.commit()
            uow.products.add(sample.product("SKU-2"))
            uow.commit()
            uow.products.add(sample.product("SKU-3"))
        with factory() as uow:
            assert uow.products.find("SKU-1") is not None
            assert uow.products.find("SKU-2") is not None
            assert uow.products.find("SKU-3") is None

    def test_commit_is_atomic_when_an_identity_is_taken(self) -> None:
        factory = self._factory()
        first, second = factory(), factory()
        with first, second:
            first.warehouses.add(sample.warehouse("WH-9"))
            for case in CASES:
                case.repo(second).add(case.make(2))
            second.warehouses.add(sample.warehouse("WH-9", name="Other"))
            first.commit()
            with raises(DuplicateError, "a unit adding a warehouse another unit committed"):
                second.commit()
        with factory() as uow:
            for case in CASES:
                assert case.repo(uow).find(case.key(case.make(2))) is None, (
                    f"{case.name}: a refused commit must store nothing"
                )
            assert uow.warehouses.get("WH-9") == sample.warehouse("WH-9")

    def test_commit_is_atomic_on_a_concurrency_conflict(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=10))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.stock.get(key).receive(1)
            second.stock.get(key).receive(2)
            second.orders.get(SEED_ORDER).set_notes("changed")
            for case in CASES:
                case.repo(second).add(case.make(2))
            first.commit()
            with raises(ConcurrencyConflict, "a unit changing a stock item changed meanwhile"):
                second.commit()
        with factory() as uow:
            assert uow.stock.get(key).on_hand == 11
            assert uow.orders.get(SEED_ORDER) == seed_order()
            for case in CASES:
                assert case.repo(uow).find(case.key(case.make(2))) is None, (
                    f"{case.name}: a conflicting commit must store nothing"
                )

    # -- optimistic concurrency -----------------------------------------------------------

    def test_two_units_reserving_the_same_stock_item_conflict(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=3))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.stock.get(key).reserve(Reservation.for_line("ORD-A", "1", 2, T0))
            second.stock.get(key).reserve(Reservation.for_line("ORD-B", "1", 2, T0))
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units reserving the same item"):
                second.commit()
        with factory() as uow:
            item = uow.stock.get(key)
            assert set(item.reservations) == {reservation_key("ORD-A", "1")}
            assert item.reserved == 2
            assert item.on_hand == 3
            with raises(InsufficientStock, "retrying the second reservation"):
                item.reserve(Reservation.for_line("ORD-B", "1", 2, T0))

    def test_two_units_changing_the_same_order_conflict(self) -> None:
        factory = self._factory()
        first, second = factory(), factory()
        with first, second:
            first.orders.get(SEED_ORDER).set_notes("first")
            second.orders.get(SEED_ORDER).set_notes("second")
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units changing one order"):
                second.commit()
        with factory() as uow:
            assert uow.orders.get(SEED_ORDER).notes == "first"

    def test_two_units_redeeming_the_last_voucher_use_conflict(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.vouchers.add(make_voucher("LAST-ONE", 1))
            uow.commit()
        first, second = factory(), factory()
        with first, second:
            first.vouchers.get("LAST-ONE").redeem(order_id="ORD-A", customer_id="C", on=T0.date())
            second.vouchers.get("LAST-ONE").redeem(order_id="ORD-B", customer_id="C", on=T0.date())
            first.commit()
            with raises(ConcurrencyConflict, "the second of two units taking the last use"):
                second.commit()
        with factory() as uow:
            voucher = uow.vouchers.get("LAST-ONE")
            assert voucher.redemptions == {"ORD-A": "C"}
            with raises(VoucherUsedUp, "a use beyond the limit after the race"):
                voucher.redeem(order_id="ORD-B", customer_id="C", on=T0.date())

    def test_threads_race_for_the_last_units(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])
        units, threads = self.race_units, max(self.race_threads, self.race_units + 1)
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=key[0], sku=key[1], on_hand=units))
            uow.commit()

        # On the first attempt every thread has read the item before any commits, so a
        # store that lets the last writer win is caught every time, not only when the
        # scheduler happens to interleave. A store that blocks readers breaks the barrier
        # after a moment and the race goes on unsynchronised.
        overlap = threading.Barrier(threads)

        def reserve_one(index: int) -> str:
            for attempt in range(self.race_attempts):
                try:
                    with factory() as uow:
                        uow.stock.get(key).reserve(
                            Reservation.for_line(f"RACE-{index}", "1", 1, T0)
                        )
                        if attempt == 0:
                            with contextlib.suppress(threading.BrokenBarrierError):
                                overlap.wait(self.race_overlap_seconds)
                        time.sleep(0)  # let another thread in between read and commit
                        uow.commit()
                except ConcurrencyConflict:
                    continue
                except InsufficientStock:
                    return "short"
                return "reserved"
            return "gave up"

        outcomes = run_threads(threads, reserve_one)
        assert "gave up" not in outcomes, f"a thread kept conflicting: {outcomes}"
        winners = {
            reservation_key(f"RACE-{i}", "1") for i, o in enumerate(outcomes) if o == "reserved"
        }
        assert len(winners) == units, f"{units} units, outcomes {outcomes}"
        with factory() as uow:
            item = uow.stock.get(key)
            assert set(item.reservations) == winners
            assert item.reserved == sum(r.quantity for r in item.reservations.values()) == units
            assert item.on_hand == units
            assert item.available == 0
