"""A constraint the database enforces is translated by its kind, on SQLite and PostgreSQL.

A broken uniqueness rule is a race lost to another unit of work: ``UniquenessConflict``, a
``ConcurrencyConflict`` that the application re-runs. A CHECK, NOT NULL or foreign key
violation is no race (the same command would write the same rows again):
``IntegrityViolation``, a ``PersistenceError`` that names the constraint and is not retried.
Either way nothing of the unit is written.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest
from sqlalchemy import text

from salesorder.adapters.memory import InMemoryEventBus, ManualClock
from salesorder.adapters.sql import SqlStore
from salesorder.adapters.sql.store import _integrity
from salesorder.adapters.system import UuidIds
from salesorder.domain.catalog import Product
from salesorder.domain.inventory import StockItem
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.exceptions import (
    ConcurrencyConflict,
    IntegrityViolation,
    PersistenceError,
    UniquenessConflict,
)
from salesorder.money import Money
from salesorder.services.app import SalesApp
from salesorder.services.commands import Command


def _product(sku: str) -> Product:
    return Product(
        sku=sku, name=sku, price=Money.of("10000", "IDR"), unit_cost=Money.of("6000", "IDR")
    )


def _voucher_used_once(store: SqlStore) -> None:
    """Store voucher 'ONCE': usage limit 1, used by order 'O1' (the table's CHECK holds)."""
    promotion = Promotion.order_amount_off("ONCE", Money.of("1000", "IDR"), automatic=False)
    with store.unit_of_work() as uow:
        uow.vouchers.add(
            Voucher(code="ONCE", promotion=promotion, usage_limit=1, redemptions={"O1": "C1"})
        )
        uow.commit()


def _overuse_and_add(store: SqlStore, sku: str) -> None:
    """A unit whose buggy writer counts a second use past the limit, beside a new product.

    ``redemptions`` is changed behind ``Voucher.redeem``'s back, so only the database's
    CHECK (``uses <= usage_limit``) stands in the way, at commit.
    """
    with store.unit_of_work() as uow:
        uow.vouchers.get("ONCE").redemptions["O2"] = "C2"
        uow.products.add(_product(sku))
        uow.commit()


def test_a_check_violation_at_commit_is_an_integrity_violation_and_writes_nothing(
    sql_store: SqlStore,
) -> None:
    _voucher_used_once(sql_store)
    with pytest.raises(IntegrityViolation) as raised:
        _overuse_and_add(sql_store, "NEW")
    error = raised.value
    assert (error.rule, error.constraint) == ("CHECK", "ck_so_vouchers_uses")
    assert error.table in {"so_vouchers", None}  # SQLite does not say which table
    assert "CHECK constraint 'ck_so_vouchers_uses'" in str(error)
    assert "nothing was written" in str(error)
    assert isinstance(error, PersistenceError)
    assert not isinstance(error, ConcurrencyConflict)
    with sql_store.unit_of_work() as uow:
        assert uow.products.find("NEW") is None
        assert uow.vouchers.get("ONCE").redemptions == {"O1": "C1"}


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ("update so_stock_items set reserved = 2 where sku = 'A'", "CHECK"),
        ("update so_stock_items set doc = NULL where sku = 'A'", "NOT NULL"),
        (
            "insert into so_stock_reservations (warehouse, sku, key, order_id, line_id,"
            " quantity, created_at, since) values ('WH', 'NONE', 'K', 'O1', '1', 1, 't', 1)",
            "FOREIGN KEY",
        ),
    ],
)
def test_each_kind_of_rule_a_raw_statement_breaks_is_named(
    sql_store: SqlStore, statement: str, rule: str
) -> None:
    with sql_store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=1))
        uow.commit()
    with sql_store.unit_of_work() as uow, pytest.raises(IntegrityViolation) as raised:
        uow.execute(lambda conn: conn.execute(text(statement)))
    assert raised.value.rule == rule
    assert raised.value.table in {"so_stock_items", "so_stock_reservations", None}
    with sql_store.unit_of_work() as uow:
        item = uow.stock.get(("WH", "A"))
        assert (item.on_hand, item.reserved, item.reservations) == (1, 0, {})


def test_a_broken_uniqueness_rule_is_still_a_uniqueness_conflict(sql_store: SqlStore) -> None:
    with sql_store() as first, sql_store() as second:
        assert second.products.find("TEE") is None
        first.products.add(_product("TEE"))
        first.commit()
        second.products.add(_product("CAP"))
        second.products.add(_product("TEE"))  # no read: the unit saw it missing
        with pytest.raises(UniquenessConflict, match="uniqueness rule was broken") as raised:
            second.commit()
    assert not isinstance(raised.value, IntegrityViolation)
    with sql_store() as uow:
        assert uow.products.find("CAP") is None


@attrs.frozen(kw_only=True)
class Write(Command[None]):
    """A command of these tests: its handler writes product ``sku`` (see ``_app``)."""

    sku: str
    duplicate: bool
    tag: ClassVar[str] = ""


def _app(store: SqlStore, runs: list[str], waits: list[int]) -> SalesApp:
    def handle(_app: SalesApp, command: Write) -> None:
        runs.append(command.sku)
        if command.duplicate:  # every run loses a race for a product of its own
            sku = f"{command.sku}-{len(runs)}"
            with store.unit_of_work() as mine, store.unit_of_work() as other:
                assert mine.products.find(sku) is None
                other.products.add(_product(sku))
                other.commit()
                mine.products.add(_product(sku))
                mine.commit()
        else:
            _overuse_and_add(store, command.sku)

    app = SalesApp(
        uow=store,
        clock=ManualClock(),
        ids=UuidIds(),
        events=InMemoryEventBus(),
        retries=2,
        backoff=waits.append,
    )
    return attrs.evolve(app, handlers={**app.handlers, Write: handle})


def test_the_application_retries_a_uniqueness_conflict_but_not_an_integrity_violation(
    sql_store: SqlStore,
) -> None:
    _voucher_used_once(sql_store)
    runs: list[str] = []
    waits: list[int] = []
    app = _app(sql_store, runs, waits)
    with pytest.raises(IntegrityViolation):
        app.execute(Write(sku="NEW", duplicate=False))
    assert (runs, waits) == (["NEW"], [])
    with pytest.raises(UniquenessConflict):
        app.execute(Write(sku="TEE", duplicate=True))
    assert (runs[1:], waits) == (["TEE"] * 3, [1, 2])


class _DriverError(Exception):
    """An integrity error of a driver that gives no SQLSTATE (MySQL's, say)."""


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Duplicate entry 'TEE' for key 'PRIMARY'", UniquenessConflict),
        ("Cannot add or update a child row: a foreign key constraint fails", IntegrityViolation),
    ],
)
def test_a_driver_without_sqlstate_is_a_uniqueness_conflict_only_when_it_says_so(
    message: str, expected: type[Exception]
) -> None:
    error = _integrity(_DriverError(message), None)
    assert type(error) is expected
    assert message in str(error)
