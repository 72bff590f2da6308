"""What a unit of work costs the database: the repositories it opens, the rows it writes.

A unit opens only the repositories a command uses, writes only the aggregates that changed,
and structures a document it has seen before from memory; none of that may change what is
stored or what a later unit reads (these tests count statements, they never time anything).
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text, update
from sqlalchemy.exc import OperationalError

from salesorder.adapters.sql import SqlStore, schema
from salesorder.domain.customers import Customer
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.invoicing import InvoiceSeries
from salesorder.exceptions import ConcurrencyConflict
from salesorder.ports.repositories import REPOSITORIES

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _reservation(key: str, quantity: int = 1) -> Reservation:
    return Reservation(key=key, order_id="ORD-1", line_id="1", quantity=quantity, created_at=AT)


@pytest.fixture
def store(sql_store: SqlStore) -> SqlStore:
    with sql_store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="JKT-1", sku="TEE", on_hand=5))
        uow.stock.add(StockItem(warehouse="JKT-1", sku="CAP", on_hand=5))
        uow.commit()
    return sql_store


def test_a_unit_opens_only_the_repositories_it_uses(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        assert uow.stock.get(("JKT-1", "TEE")).on_hand == 5
        assert list(uow._opened) == ["stock"]
        assert uow.orders.find("ORD-9") is None
        assert list(uow._opened) == ["stock", "orders"]
        # Every repository is still there for whoever asks, in the registry's write order.
        assert [repo.spec.name for repo in uow._repositories] == [s.name for s in REPOSITORIES]
        uow.commit()


def test_adding_a_key_found_missing_reads_it_once(store: SqlStore, statements: list[str]) -> None:
    # A race with another unit's add is refused at commit (UniquenessConflict, see
    # test_store.py), so the add does not read the key again.
    with store.unit_of_work() as uow:
        assert uow.customers.find("C9") is None
        uow.customers.add(Customer(id="C9", name="Budi"))
        assert statements == ["SELECT"]


def test_an_unknown_attribute_is_still_an_attribute_error(store: SqlStore) -> None:
    with store.unit_of_work() as uow, pytest.raises(AttributeError, match="stocks"):
        _ = uow.stocks  # type: ignore[attr-defined]


def test_an_aggregate_read_but_not_changed_is_not_written(
    store: SqlStore, statements: list[str]
) -> None:
    with store.unit_of_work() as uow:
        uow.stock.get(("JKT-1", "TEE"))
        uow.stock.get(("JKT-1", "CAP")).reserve(_reservation("R1"))
        uow.commit()
    # One write, of CAP's level and its reservation's row: an UPDATE and an INSERT, which
    # PostgreSQL runs as one statement (WITH ... UPDATE ... INSERT).
    assert statements[2:] in (["UPDATE", "INSERT"], ["WITH"])
    statements.clear()
    with store.unit_of_work() as uow:
        item = uow.stock.get(("JKT-1", "TEE"))
        item.reserve(_reservation("R2"))
        item.release("R2")  # changed and changed back: equal to what was read
        uow.commit()
    assert statements == ["SELECT"]


def test_a_working_copy_changed_after_commit_changes_nothing_stored(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        item = uow.stock.get(("JKT-1", "TEE"))
        item.reserve(_reservation("R1", 2))
        uow.commit()
    item.reserve(_reservation("R2", 3))  # the caller's object, no longer the unit's
    item.on_hand = 99
    with store.unit_of_work() as uow:
        again = uow.stock.get(("JKT-1", "TEE"))
        assert (again.on_hand, again.reserved, sorted(again.reservations)) == (5, 2, ["R1"])
        again.release("R1")  # a working copy of its own: the next unit still sees R1
    with store.unit_of_work() as uow:
        assert sorted(uow.stock.get(("JKT-1", "TEE")).reservations) == ["R1"]


def test_a_row_rewritten_behind_the_store_is_read_afresh(store: SqlStore) -> None:
    """A document that differs from the one last seen is structured again, whatever its version."""
    with store.unit_of_work() as uow:
        uow.stock.get(("JKT-1", "TEE"))  # seen once: remembered
    other = SqlStore(store.engine)
    with other.unit_of_work() as uow:
        uow.stock.get(("JKT-1", "TEE")).receive(7)
        uow.commit()
    table = schema.tables["stock"]
    with store.engine.begin() as conn:  # back to version 1, as a restore would
        conn.execute(update(table).where(table.c.sku == "TEE").values(version=1))
    with store.unit_of_work() as uow:
        assert uow.stock.get(("JKT-1", "TEE")).on_hand == 12


def test_the_version_check_still_refuses_a_stale_write(store: SqlStore) -> None:
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.stock.get(("JKT-1", "TEE")).reserve(_reservation("R1", 5))
        second.stock.get(("JKT-1", "TEE")).reserve(_reservation("R2", 5))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with store.unit_of_work() as uow:
        assert sorted(uow.stock.get(("JKT-1", "TEE")).reservations) == ["R1"]


def test_a_sqlite_file_keeps_a_write_ahead_log(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    SqlStore(url).dispose()
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def _state_of_other_sessions(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        states = conn.execute(
            text(
                "SELECT state FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalars()
        found = sorted(states)
    engine.dispose()
    return found


@pytest.mark.postgres
def test_postgres_reads_hold_no_transaction_until_a_locking_read(postgres_url: str) -> None:
    """Plain reads run outside a transaction; a numbering series is read FOR UPDATE in one."""
    store = SqlStore(postgres_url)
    try:
        with store.unit_of_work() as uow:
            uow.stock.add(StockItem(warehouse="JKT-1", sku="TEE", on_hand=5))
            uow.invoice_series.add(InvoiceSeries(code="INV"))
            uow.commit()
        with store.unit_of_work() as uow:
            uow.stock.get(("JKT-1", "TEE"))
            assert _state_of_other_sessions(postgres_url) == ["idle"]
            uow.invoice_series.get("INV").take()
            assert _state_of_other_sessions(postgres_url) == ["idle in transaction"]
            rival = store.engine.connect()
            with pytest.raises(OperationalError, match="could not obtain lock"):
                rival.execute(text("SELECT 1 FROM so_invoice_series FOR UPDATE NOWAIT"))
            rival.close()
            uow.stock.get(("JKT-1", "TEE")).reserve(_reservation("R1"))
            uow.commit()  # two rows in one transaction
        with store.unit_of_work() as uow:
            assert uow.invoice_series.get("INV").next_number == 2
            assert uow.stock.get(("JKT-1", "TEE")).reserved == 1
    finally:
        store.dispose()
