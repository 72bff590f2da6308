"""Statements past SQLAlchemy (``salesorder.adapters.sql.driver``): the same rows, values, errors.

On PostgreSQL a repository's read, insert and update go through psycopg as SQL compiled once,
with SQLAlchemy's bind processors applied (a document as JSONB); whatever goes that way must
read back the same through SQLAlchemy, and the reverse.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, event, update

from salesorder.adapters.sql import SqlStore, driver, schema
from salesorder.domain.customers import Address, Customer
from salesorder.domain.inventory import StockItem
from salesorder.domain.invoicing import InvoiceSeries
from salesorder.exceptions import ConcurrencyConflict

pytestmark = pytest.mark.postgres

ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")
CUSTOMER = Customer(id="C1", name="Budi", addresses=(ADDRESS,), email="budi@example.com")


@pytest.fixture
def store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url)
    yield store
    store.dispose()


def _driven() -> int:
    """Statements run so far through the driver itself (compiled once, then from its cache)."""
    info = driver._compiled.cache_info()
    return info.hits + info.misses


def _watched(store: SqlStore) -> list[str]:
    """Put a listener on the store's engine (so every statement goes through SQLAlchemy)."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]).split()[0].upper())

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


def test_a_repository_reads_and_writes_through_the_driver_what_sqlalchemy_reads_back(
    store: SqlStore, postgres_url: str
) -> None:
    before = _driven()
    with store.unit_of_work() as uow:
        uow.invoice_series.add(InvoiceSeries(code="INV", prefix="INV/"))  # a read, an insert
        uow.customers.add(CUSTOMER)  # a read, an insert
        uow.commit()
    with store.unit_of_work() as uow:
        uow.invoice_series.get("INV").next_number = 7  # a locking read, an update
        uow.commit()
    assert _driven() - before == 6
    watching = SqlStore(postgres_url, create=False)
    seen = _watched(watching)
    with watching.unit_of_work() as uow:
        assert uow.invoice_series.get("INV") == InvoiceSeries(
            code="INV", prefix="INV/", next_number=7
        )
        assert uow.customers.get("C1") == CUSTOMER
        uow.invoice_series.add(InvoiceSeries(code="CN", prefix="CN/", next_number=3))
        uow.commit()
    watching.dispose()
    assert seen == ["SELECT", "SELECT", "SELECT", "INSERT"]
    with store.unit_of_work() as uow:  # written through SQLAlchemy, read past it
        assert uow.invoice_series.get("CN") == InvoiceSeries(code="CN", prefix="CN/", next_number=3)


def test_an_update_past_sqlalchemy_that_finds_another_version_is_a_conflict(
    store: SqlStore,
) -> None:
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="JKT-1", sku="TEE", on_hand=5))
        uow.commit()
    with store.unit_of_work() as uow:
        uow.stock.get(("JKT-1", "TEE")).receive(4)  # the level is written whole
        with store.engine.begin() as conn:  # another writer, between the read and the commit
            table = schema.tables["stock"]
            conn.execute(update(table).values(version=table.c.version + 1))
        before = _driven()
        with pytest.raises(ConcurrencyConflict, match="JKT-1"):
            uow.commit()
        assert _driven() - before == 1
    with store.unit_of_work() as uow:
        assert uow.stock.get(("JKT-1", "TEE")).on_hand == 5


def test_rows_of_a_statement_that_returns_none_are_none(store: SqlStore) -> None:
    table = schema.tables["customers"]
    statement = update(table).where(table.c.id == "nobody").values(version=1)
    with store.unit_of_work() as uow:
        before = _driven()
        assert uow.execute(lambda conn: driver.rows(conn, statement, {})) == ()
        assert uow.execute(lambda conn: driver.rowcount(conn, statement, {})) == 0
        assert _driven() - before == 2


def test_a_compiler_without_bind_names_leaves_the_statement_to_sqlalchemy(
    store: SqlStore,
) -> None:
    """Without the names of its parameters, which ones a caller must give is unknown."""

    class Compiled:
        params: dict[str, Any] = {}  # noqa: RUF012 - a stand-in for SQLAlchemy's compiled form
        _bind_processors: dict[str, Any] = {}  # noqa: RUF012

        def __str__(self) -> str:
            return "SELECT 1"

    class Statement:
        def compile(self, dialect: object) -> Compiled:
            return Compiled()

    assert driver._compiled.__wrapped__(Statement(), store.engine.dialect) is None


def test_a_compiler_without_bind_processors_leaves_the_statement_to_sqlalchemy(
    store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a SQLAlchemy release drop the private attribute, statements are not sent raw."""

    class Compiled:
        params: dict[str, Any] = {}  # noqa: RUF012 - a stand-in for SQLAlchemy's compiled form

        def __str__(self) -> str:
            return "SELECT 1"

    class Statement:
        def compile(self, dialect: object) -> Compiled:
            return Compiled()

    assert driver._compiled.__wrapped__(Statement(), store.engine.dialect) is None
    # Without them, a unit's statements go through Connection.execute, and still work.
    through: list[object] = []
    execute = Connection.execute

    def spy(self: Connection, statement: Any, *args: Any, **kwargs: Any) -> Any:
        through.append(statement)
        return execute(self, statement, *args, **kwargs)

    monkeypatch.setattr(driver, "_compiled", lambda *_: None)
    monkeypatch.setattr(Connection, "execute", spy)
    with store.unit_of_work() as uow:
        uow.customers.add(Customer(id="C1", name="Budi"))
        uow.commit()
    with store.unit_of_work() as uow:
        assert uow.customers.get("C1").name == "Budi"
    assert len(through) == 3  # the add's read, the insert, the read
