"""The persistence kit's checks of secondary uniqueness, finders and the stock ledger."""

# ruff: noqa: S101
# A test kit shipped in the package: assert is how it checks, as in tests/.

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from salesorder.domain.channels import (
    Channel,
)
from salesorder.domain.inventory import (
    MovementKind,
    Reservation,
    StockItem,
    StockMovement,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.exceptions import (
    DuplicateError,
    UniquenessConflict,
)
from salesorder.ports.persistence import UnitOfWork
from salesorder.testing.contracts import _support as sample
from salesorder.testing.contracts._support import T0, raises
from salesorder.testing.contracts.persistence._base import KitBase
from salesorder.testing.contracts.persistence._cases import (
    SEED_CUSTOMER,
    SEED_ORDER,
    SEED_SKUS,
    SEED_WAREHOUSES,
    SHOPEE,
    fails_at_add_or_commit,
    return_request,
)


class LookupChecks(KitBase):
    """Uniqueness beyond identities, the repositories' finders, the ledger."""

    # -- secondary uniqueness and lookups -------------------------------------------------

    def test_payment_reference_is_unique(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.payments.add(sample.payment("PAY-1", order_id=SEED_ORDER, reference="REF-1"))
            uow.commit()
        with factory() as uow:
            fails_at_add_or_commit(
                uow,
                lambda: uow.payments.add(
                    sample.payment("PAY-2", order_id=SEED_ORDER, reference="REF-1")
                ),
                DuplicateError,
                "a second payment with a recorded reference",
            )
        with factory() as uow:
            uow.payments.add(sample.payment("PAY-3", order_id=SEED_ORDER, reference="REF-3"))
            fails_at_add_or_commit(
                uow,
                lambda: uow.payments.add(
                    sample.payment("PAY-4", order_id=SEED_ORDER, reference="REF-3")
                ),
                DuplicateError,
                "two payments with one reference in one unit",
            )
        first, second = factory(), factory()
        with first, second:
            first.payments.add(sample.payment("PAY-5", order_id=SEED_ORDER, reference="REF-5"))
            second.payments.add(sample.payment("PAY-6", order_id=SEED_ORDER, reference="REF-5"))
            first.commit()
            with raises(DuplicateError, "two units recording one payment reference"):
                second.commit()
        with factory() as uow:
            assert uow.payments.find("PAY-2") is None
            assert uow.payments.find("PAY-6") is None
            references = [p.reference for p in uow.payments.list()]
            assert sorted(references) == sorted(set(references)), references
            assert {"REF-1", "REF-5"} <= set(references)

    def test_order_external_ref_is_unique_per_channel(self) -> None:
        factory = self._factory()

        def marketplace_order(order_id: str, ref: str, channel: Channel = SHOPEE) -> Any:
            return sample.order(
                order_id, customer_id=SEED_CUSTOMER, skus=SEED_SKUS[:1], channel=channel,
                external_ref=ref,
            )  # fmt: skip

        with factory() as uow:
            uow.orders.add(marketplace_order("ORD-1", "SP-1"))
            uow.orders.add(marketplace_order("ORD-2", "SP-1", Channel.web()))  # other channel
            uow.orders.add(marketplace_order("ORD-3", ""))  # no ref: never unique
            uow.orders.add(marketplace_order("ORD-4", ""))
            uow.commit()
        with factory() as uow:
            fails_at_add_or_commit(
                uow,
                lambda: uow.orders.add(marketplace_order("ORD-5", "SP-1")),
                DuplicateError,
                "a second order with a stored (channel, external_ref)",
            )
        first, second = factory(), factory()
        with first, second:
            first.orders.add(marketplace_order("ORD-6", "SP-6"))
            second.orders.add(marketplace_order("ORD-7", "SP-6"))
            first.commit()
            with raises(DuplicateError, "two units importing one marketplace order"):
                second.commit()
        with factory() as uow:
            assert uow.orders.find("ORD-5") is None
            assert uow.orders.find("ORD-7") is None
            for order_id in ("ORD-1", "ORD-2", "ORD-3", "ORD-4", "ORD-6"):
                assert uow.orders.find(order_id) is not None, order_id

    def test_find_by_external_ref(self) -> None:
        factory = self._factory()
        order = sample.order(
            "ORD-1", customer_id=SEED_CUSTOMER, skus=SEED_SKUS, channel=SHOPEE, external_ref="SP-1"
        )
        with factory() as uow:
            uow.orders.add(order)
            uow.commit()
        with factory() as uow:
            assert uow.orders.find_by_external_ref(SHOPEE.code, "SP-1") == order
            assert uow.orders.find_by_external_ref("web", "SP-1") is None
            assert uow.orders.find_by_external_ref(SHOPEE.code, "SP-2") is None

    def test_orders_waiting_for_stock(self) -> None:
        factory = self._factory()
        orders = {
            name: sample.order(name, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)
            for name in ("ORD-LATE", "ORD-EARLY", "ORD-NEW", "ORD-CONFIRMED", "ORD-LATER")
        }
        for name, order in orders.items():
            if name != "ORD-NEW":
                order.confirm(T0)
        orders["ORD-LATE"].wait_for_stock(T0 + dt.timedelta(minutes=5))
        orders["ORD-EARLY"].wait_for_stock(T0 + dt.timedelta(minutes=1))
        with factory() as uow:
            assert uow.orders.waiting_for_stock() == []  # only the seed order is stored
            for order in orders.values():
                uow.orders.add(order)
            # Working copies count as they are now, before the commit too.
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-EARLY", "ORD-LATE"]
            uow.commit()
        with factory() as uow:
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-EARLY", "ORD-LATE"]
            uow.orders.get("ORD-LATER").wait_for_stock(T0 + dt.timedelta(minutes=9))
            uow.orders.get("ORD-EARLY").cancel(T0 + dt.timedelta(minutes=10))
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-LATE", "ORD-LATER"]
            uow.commit()
        with factory() as uow:
            # A cancelled order no longer waits, though it was backordered.
            assert [o.id for o in uow.orders.waiting_for_stock()] == ["ORD-LATE", "ORD-LATER"]

    def test_orders_with_status(self) -> None:
        factory = self._factory()
        new, held, confirmed, cancelled = (
            sample.order(name, customer_id=SEED_CUSTOMER, skus=SEED_SKUS)
            for name in ("ORD-NEW", "ORD-HELD", "ORD-CONFIRMED", "ORD-CANCELLED")
        )
        held.hold(T0, "payment check")
        confirmed.confirm(T0)
        cancelled.cancel(T0)
        unreserved = (OrderStatus.NEW, OrderStatus.ON_HOLD, OrderStatus.CONFIRMED)

        def ids(uow: UnitOfWork, *statuses: OrderStatus) -> list[str]:
            return [o.id for o in uow.orders.with_status(statuses)]

        with factory() as uow:
            assert ids(uow, OrderStatus.CONFIRMED) == []  # only the seed order (NEW) is stored
            for order in (new, held, confirmed, cancelled):
                uow.orders.add(order)
            # Working copies count as they are now, before the commit too; by id.
            assert ids(uow, *unreserved) == ["ORD-CONFIRMED", "ORD-HELD", "ORD-NEW", SEED_ORDER]
            uow.commit()
        with factory() as uow:
            assert ids(uow, *unreserved) == ["ORD-CONFIRMED", "ORD-HELD", "ORD-NEW", SEED_ORDER]
            assert uow.orders.with_status([OrderStatus.CONFIRMED]) == [confirmed]
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED"]
            assert ids(uow, OrderStatus.SHIPPED) == []
            assert ids(uow) == []
            assert [o.id for o in uow.orders.with_status(iter([OrderStatus.ON_HOLD]))] == [
                "ORD-HELD"
            ]
            # Read your writes: a status changed in this unit is found under the new status
            # only, as the very working copy the unit holds.
            uow.orders.get("ORD-NEW").cancel(T0 + dt.timedelta(minutes=1))
            uow.orders.get("ORD-HELD").release(T0 + dt.timedelta(minutes=2))
            assert ids(uow, OrderStatus.NEW) == ["ORD-HELD", SEED_ORDER]
            assert ids(uow, OrderStatus.ON_HOLD) == []
            cancelled_now = uow.orders.with_status([OrderStatus.CANCELLED])
            assert [o.id for o in cancelled_now] == ["ORD-CANCELLED", "ORD-NEW"]
            assert cancelled_now[1] is uow.orders.get("ORD-NEW")
            uow.commit()
        with factory() as uow:
            # The committed status changes are what every later unit finds.
            assert ids(uow, OrderStatus.NEW) == ["ORD-HELD", SEED_ORDER]
            assert ids(uow, OrderStatus.ON_HOLD) == []
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED", "ORD-NEW"]
            uow.orders.get("ORD-CONFIRMED").cancel(T0 + dt.timedelta(minutes=3))
            uow.rollback()
            assert ids(uow, OrderStatus.CONFIRMED) == ["ORD-CONFIRMED"]
        with factory() as uow:
            # A change rolled back is found nowhere.
            assert ids(uow, OrderStatus.CONFIRMED) == ["ORD-CONFIRMED"]
            assert ids(uow, OrderStatus.CANCELLED) == ["ORD-CANCELLED", "ORD-NEW"]

    def test_stock_for_sku(self) -> None:
        factory = self._factory()
        items = [
            StockItem(warehouse=SEED_WAREHOUSES[0], sku=SEED_SKUS[0], on_hand=1),
            StockItem(warehouse=SEED_WAREHOUSES[1], sku=SEED_SKUS[0], on_hand=2),
            StockItem(warehouse=SEED_WAREHOUSES[0], sku=SEED_SKUS[1], on_hand=3),
        ]
        with factory() as uow:
            for item in items:
                uow.stock.add(item)
            uow.commit()
        with factory() as uow:
            found = sorted(uow.stock.for_sku(SEED_SKUS[0]), key=lambda s: s.key)
            assert found == items[:2]
            assert uow.stock.for_sku(SEED_SKUS[1]) == items[2:]
            assert uow.stock.for_sku("NO-SUCH-SKU") == []

    def test_find_payment_by_reference(self) -> None:
        factory = self._factory()
        paid = sample.payment("PAY-1", order_id=SEED_ORDER, reference="BCA-778899")
        with factory() as uow:
            uow.payments.add(paid)
            uow.commit()
        with factory() as uow:
            assert uow.payments.find_by_reference("BCA-778899") == paid
            assert uow.payments.find_by_reference("BCA-000000") is None

    def test_return_key_is_unique_per_order(self) -> None:
        factory = self._factory()
        with factory() as uow:
            uow.returns.add(return_request("RET-K1", key="rma-1"))
            uow.returns.add(return_request("RET-K0"))
            uow.commit()
        with factory() as uow:
            uow.returns.add(return_request("RET-K2"))  # no key: never a duplicate
            uow.commit()
        with factory() as uow:
            assert [r.id for r in uow.returns.for_order(SEED_ORDER)] == [
                "RET-K0",
                "RET-K1",
                "RET-K2",
            ]
            assert uow.returns.for_order("NO-SUCH-ORDER") == []
            fails_at_add_or_commit(
                uow,
                lambda: uow.returns.add(return_request("RET-K3", key="rma-1")),
                DuplicateError,
                "a second return with the key of a stored one",
            )
        with factory() as uow:
            assert uow.returns.find("RET-K3") is None

    # -- the stock ledger ------------------------------------------------------------------

    def test_stock_ledger_entries_are_stored_with_the_commit(self) -> None:
        factory = self._factory()
        key = (SEED_WAREHOUSES[0], SEED_SKUS[0])

        def entry(seq: int, change: int) -> StockMovement:
            return StockMovement(
                warehouse=key[0],
                sku=key[1],
                seq=seq,
                kind=MovementKind.RECEIPT,
                at=T0,
                on_hand_change=change,
                document="PO-1",
                reason="goods receipt",
            )

        with factory() as uow:
            uow.stock_ledger.append(entry(2, 5))
            uow.stock_ledger.append(entry(1, 3))
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]
            uow.rollback()
            assert uow.stock_ledger.for_item(*key) == [], "rollback drops appended entries"
        with factory() as uow:
            uow.stock_ledger.append(entry(1, 3))
            uow.stock_ledger.append(entry(2, 5))
            uow.commit()
        with factory() as uow:
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]
            assert uow.stock_ledger.for_item(key[0], "NO-SUCH-SKU") == []
        with factory() as uow:
            uow.stock.add(StockItem(warehouse=SEED_WAREHOUSES[1], sku=SEED_SKUS[0], on_hand=1))
            uow.stock_ledger.append(entry(2, 7))  # seq 2 is taken: the whole unit fails
            with raises(UniquenessConflict, "stock ledger: a taken (warehouse, SKU, seq)"):
                uow.commit()
        with factory() as uow:
            assert uow.stock.find((SEED_WAREHOUSES[1], SEED_SKUS[0])) is None, "atomic"
            assert uow.stock_ledger.for_item(*key) == [entry(1, 3), entry(2, 5)]

    def test_fractional_stock_and_ledger_are_stored_exactly(self) -> None:
        """Quantities with a fraction (1.25 kg) come back as they went in, whole ones as ints.

        The extremes are included: the most decimals (six) at the largest quantity, whose
        fifteen significant digits no float-backed column may round.
        """
        factory = self._factory()
        key = (SEED_WAREHOUSES[1], SEED_SKUS[1])
        changes: list[tuple[int | Decimal, int | Decimal]] = [
            (Decimal("999999998.999999"), 0),
            (Decimal("-0.000001"), Decimal("0.125")),
            (Decimal("-123456789.000001"), Decimal("-0.125")),
            (7, 0),
            (Decimal("-876543210.499997"), Decimal("5.5")),
        ]
        entries = [
            StockMovement(
                warehouse=key[0],
                sku=key[1],
                seq=seq,
                kind=MovementKind.COUNT_ADJUSTMENT,
                at=T0,
                on_hand_change=on_hand,
                reserved_change=reserved,
            )
            for seq, (on_hand, reserved) in enumerate(changes, 1)
        ]
        on_hand = sum(change for change, _ in changes)
        assert on_hand == Decimal("6.5"), "the kit's own figures"
        item = StockItem(
            warehouse=key[0],
            sku=key[1],
            on_hand=on_hand,
            safety_stock=Decimal("0.001"),
            reservations={
                "O-1/1": Reservation.for_line("O-1", "1", Decimal("2.5"), T0),
                "O-2/1": Reservation.for_line("O-2", "1", 3, T0),
            },
        )
        with factory() as uow:
            uow.stock.add(item)
            for entry in entries:
                uow.stock_ledger.append(entry)
            uow.commit()
        with factory() as uow:
            stored = uow.stock.get(key)
            assert stored == item, f"stock item {stored} != {item}"
            assert (stored.on_hand, stored.reserved, stored.available) == (
                Decimal("6.5"),
                Decimal("5.5"),
                Decimal("0.999"),
            )
            assert type(stored.reservations["O-2/1"].quantity) is int, "a whole quantity"
            ledger = uow.stock_ledger.for_item(*key)
            assert ledger == entries, f"ledger {ledger} != {entries}"
            assert [type(e.on_hand_change) for e in ledger] == [
                type(e.on_hand_change) for e in entries
            ], "whole changes come back as ints, fractional ones as Decimals"
            assert sum(e.on_hand_change for e in ledger) == stored.on_hand
            assert sum(e.reserved_change for e in ledger) == stored.reserved
