"""The SQL store's own promises: schema versions, atomic commits, typed database errors."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, event, text, update

from salesorder.adapters.memory import InMemoryStore
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, metadata
from salesorder.adapters.sql.schema import schema_info
from salesorder.adapters.sql.store import SqlUnitOfWork
from salesorder.domain.catalog import Product
from salesorder.domain.customers import Customer
from salesorder.domain.inventory import StockItem
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    PersistenceError,
    SchemaVersionError,
    UniquenessConflict,
)
from salesorder.money import Money

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _product(sku: str) -> Product:
    return Product(
        sku=sku, name=sku, price=Money.of("10000", "IDR"), unit_cost=Money.of("6000", "IDR")
    )


def _payment(payment_id: str, reference: str) -> Payment:
    return Payment(
        id=payment_id,
        order_id="ORD-1",
        method=PaymentMethod.BANK_TRANSFER,
        amount=Money.of("5000", "IDR"),
        reference=reference,
        received_at=AT,
    )


def test_a_database_at_another_schema_version_is_refused(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    SqlStore(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(schema_info).values(version=SCHEMA_VERSION - 1))
    engine.dispose()
    with pytest.raises(SchemaVersionError, match=rf"is at {SCHEMA_VERSION - 1}.*needs version"):
        SqlStore(url)


def test_an_empty_database_is_refused_without_create(tmp_path) -> None:
    with pytest.raises(SchemaVersionError, match="has no salesorder schema version"):
        SqlStore(f"sqlite:///{tmp_path / 'empty.db'}", create=False)


def test_a_unit_with_a_duplicate_writes_nothing(sql_store: SqlStore) -> None:
    with sql_store.unit_of_work() as uow:
        uow.payments.add(_payment("PAY-1", "BCA-0001"))
        uow.commit()
    with sql_store.unit_of_work() as uow:
        uow.products.add(_product("NEW-SKU"))
        uow.payments.add(_payment("PAY-2", "BCA-0001"))
        with pytest.raises(UniquenessConflict, match=r"BCA-0001|reference") as raised:
            uow.commit()
    assert isinstance(raised.value, DuplicateError)
    assert isinstance(raised.value, ConcurrencyConflict)
    with sql_store.unit_of_work() as uow:
        assert uow.products.find("NEW-SKU") is None
        assert [p.id for p in uow.payments.list()] == ["PAY-1"]


def test_check_constraints_refuse_stock_that_a_buggy_writer_oversold(sql_store: SqlStore) -> None:
    with sql_store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=1))
        uow.commit()
    with sql_store.engine.begin() as conn, pytest.raises(Exception, match=r"(?i)check"):
        conn.execute(text("update so_stock_items set reserved = 2 where sku = 'A'"))


@pytest.mark.postgres
def test_a_lost_connection_mid_unit_is_a_persistence_error_and_writes_nothing(
    postgres_url: str,
) -> None:
    store = SqlStore(postgres_url)
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=5))
        uow.commit()
    with store.unit_of_work() as uow:
        item = uow.stock.get(("WH", "A"))
        item.receive(3)
        uow.products.add(_product("B"))
        pid = uow.execute(lambda conn: conn.exec_driver_sql("select pg_backend_pid()").scalar())
        killer = create_engine(postgres_url)
        with killer.begin() as conn:
            conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        with pytest.raises(PersistenceError, match="nothing was written"):
            uow.commit()
    with store.unit_of_work() as uow:
        assert uow.stock.get(("WH", "A")).on_hand == 5
        assert uow.products.find("B") is None
    store.dispose()


def _close_driver_connection(uow: SqlUnitOfWork) -> None:
    uow.execute(lambda conn: conn.connection.dbapi_connection.close())


@pytest.mark.postgres
def test_a_unit_whose_connection_closed_under_it_ends_cleanly_and_refuses_typed(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The driver's connection of a unit is gone: what the unit does next fails typed.

    Beginning a transaction is a PersistenceError and ending the unit raises nothing,
    whether or not a statement ran before; the driver's own error never reaches the caller,
    the unit discards the dead connection itself (the pool would log an error resetting
    it), and ending a unit whose connection SQLAlchemy already dropped opens no new one.
    """
    store = SqlStore(postgres_url)
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=5))
        uow.stock.add(StockItem(warehouse="WH", sku="B", on_hand=5))
        uow.commit()
    with store.unit_of_work() as uow:  # nothing ran on the connection yet
        _close_driver_connection(uow)
        with pytest.raises(PersistenceError, match="nothing was written"):
            uow.transactional()
    with store.unit_of_work() as uow:
        _close_driver_connection(uow)  # ended by __exit__
    connects: list[object] = []
    with store.unit_of_work() as uow:
        uow.stock.get(("WH", "A")).receive(1)
        uow.stock.get(("WH", "B")).receive(1)
        _close_driver_connection(uow)
        event.listen(store.engine, "connect", lambda *_: connects.append(_))
        with pytest.raises(PersistenceError, match="nothing was written"):
            uow.commit()
    assert connects == []
    with store.unit_of_work() as uow:
        assert [item.on_hand for item in uow.stock.list()] == [5, 5]
    store.dispose()
    assert not [r for r in caplog.records if r.name.startswith("sqlalchemy.pool")]


@pytest.mark.postgres
def test_a_unit_hands_its_connection_back_as_the_pool_gave_it(postgres_url: str) -> None:
    """Units read outside a transaction; the engine's other users still get transactions."""
    store = SqlStore(postgres_url)
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=5))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.stock.get(("WH", "A"))
        assert uow.execute(lambda conn: conn.connection.dbapi_connection.autocommit)
    with store.engine.connect() as conn:  # the same pooled connection
        assert conn.connection.dbapi_connection.autocommit is False
    store.dispose()


def test_schema_is_created_from_the_metadata_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    SqlStore(url).dispose()
    SqlStore(url).dispose()  # a second start finds the schema and leaves it
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from so_schema")).scalar() == 1
        tables = conn.exec_driver_sql("select name from sqlite_master where type='table'")
        assert set(metadata.tables) <= set(tables.scalars())
    engine.dispose()


@pytest.mark.parametrize("store", ["memory", "sql"])
def test_a_key_found_missing_and_taken_since_is_a_conflict_the_command_retries(
    store: str, sql_store: SqlStore
) -> None:
    """This unit found the key missing; another unit added it since; this unit adds it too.

    The key is not read a second time at the add: the commit refuses the unit as
    UniquenessConflict (a ConcurrencyConflict, which the application re-runs), writing nothing.
    """
    factory = InMemoryStore() if store == "memory" else sql_store
    with factory() as first, factory() as second:
        assert second.products.find("TEE") is None
        first.products.add(_product("TEE"))
        first.commit()
        second.customers.add(Customer(id="C1", name="Budi"))
        second.products.add(_product("TEE"))  # no read: the unit saw it missing
        with pytest.raises(UniquenessConflict, match=r"TEE|products|sku"):
            second.commit()
    with factory() as uow:
        assert uow.customers.find("C1") is None
