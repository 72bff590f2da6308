"""The SQL adapter's records (``salesorder.sql``): a stale write, a broken rule, a refusal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine, update

from salesorder import logs
from salesorder.adapters.sql import SqlStore
from salesorder.adapters.sql.schema import SCHEMA_VERSION, schema_info
from salesorder.domain.inventory import StockItem
from salesorder.exceptions import ConcurrencyConflict, SchemaVersionError, UniquenessConflict


@pytest.fixture
def store(tmp_path: Path) -> SqlStore:
    store = SqlStore(f"sqlite:///{tmp_path / 'shop.db'}")
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="JKT-1", sku="TEE", on_hand=5))
        uow.commit()
    return store


def field(record: logging.LogRecord, name: str) -> object:
    """An ``extra`` field of ``record`` (set by the library, unknown to type checkers)."""
    return getattr(record, name)


def sql_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logs.SQL]


def test_a_stale_write_is_logged_at_debug_naming_the_row_and_version(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    """DEBUG only: the application warns when it retries the command."""
    caplog.set_level(logging.DEBUG, logger=logs.SQL)
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.stock.get(("JKT-1", "TEE")).receive(1)
        second.stock.get(("JKT-1", "TEE")).receive(2)
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    (record,) = sql_records(caplog)
    assert record.levelno == logging.DEBUG
    assert record.getMessage() == "stock ('JKT-1', 'TEE'): version 1 is no longer the stored one"
    assert field(record, "error") == "ConcurrencyConflict"
    store.dispose()


def test_a_broken_uniqueness_rule_is_logged_at_debug_as_the_error_raised(
    store: SqlStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=logs.SQL)
    first, second = store.unit_of_work(), store.unit_of_work()
    with first, second:
        first.stock.add(StockItem(warehouse="JKT-1", sku="CAP", on_hand=1))
        second.stock.add(StockItem(warehouse="JKT-1", sku="CAP", on_hand=2))
        first.commit()
        with pytest.raises(UniquenessConflict):
            second.commit()
    (record,) = sql_records(caplog)
    assert record.levelno == logging.DEBUG
    assert record.getMessage().endswith("raised as UniquenessConflict")
    assert field(record, "error") == "UniquenessConflict"
    store.dispose()


def test_a_database_at_another_schema_version_is_an_error_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    SqlStore(url).dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(schema_info).values(version=SCHEMA_VERSION - 1))
    engine.dispose()
    with pytest.raises(SchemaVersionError):
        SqlStore(url)
    (record,) = sql_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.getMessage().startswith(f"database {url} refused: database schema is at ")
    assert field(record, "error") == "SchemaVersionError"
