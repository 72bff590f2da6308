"""Fractional stock in SQL: exact columns, exact CHECK guards, and the upgrade from schema 4.

Stock levels (``so_stock_items.on_hand``, ``reserved``) and the ledger's changes are exact
quantities on SQLite and PostgreSQL alike; a schema-4 database (INTEGER columns, which on
PostgreSQL would round 1.25 kg to 1) upgrades to schema 5 with every whole quantity intact.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text, update
from tests.services.conftest import stock_shop
from tests.sql.data.schema_five import as_schema_five

from salesorder import Money, Product, SalesApp, Settings, commands
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, schema, upgrade
from salesorder.bootstrap import build
from salesorder.domain.inventory import StockItem
from salesorder.domain.units import KILOGRAM
from salesorder.exceptions import SchemaVersionError
from salesorder.serialization import unstructure

D = Decimal


def _coffee(app: SalesApp) -> None:
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="COFFEE",
                name="Coffee beans",
                price=Money.of("200000", "IDR"),
                unit_cost=Money.of("120000", "IDR"),
                weight_kg="1",
                unit=KILOGRAM,
            )
        )
    )


def _levels(engine: Any, sku: str) -> list[tuple[str, object, object]]:
    table = schema.tables["stock"]
    query = (
        select(table.c.warehouse, table.c.on_hand, table.c.reserved)
        .where(table.c.sku == sku)
        .order_by(table.c.warehouse)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query).all()]


def _changes(engine: Any, sku: str) -> list[tuple[object, object]]:
    table = schema.stock_ledger
    query = (
        select(table.c.on_hand_change, table.c.reserved_change)
        .where(table.c.sku == sku)
        .order_by(table.c.warehouse, table.c.seq)
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query).all()]


def test_fractional_levels_and_changes_are_stored_exactly(url: str, engine: Any) -> None:
    """12.345 kg and 0.005 kg received, 1.25 kg reserved: the columns say so, exactly.

    JKT-1 holds 12.345 + 0.005 = 12.35 kg with 1.25 kg reserved; the columns say so,
    exactly, and whole quantities read back as ints.
    """
    app = build(Settings(), database_url=url)
    stock_shop(app)
    _coffee(app)
    app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=D("12.345")))
    app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.005")))
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="COFFEE", quantity=D("1.25")),),
            payment_method="on_account",
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    assert _levels(engine, "COFFEE") == [("JKT-1", D("12.35"), D("1.25"))]
    assert _levels(engine, "TSHIRT-RED-M") == [("JKT-1", 10, 0)]
    assert [type(value) for value in _levels(engine, "TSHIRT-RED-M")[0][1:]] == [int, int]
    assert _changes(engine, "COFFEE") == [(D("12.345"), 0), (D("0.005"), 0), (0, D("1.25"))]
    with app.uow() as uow:
        item = uow.stock.get(("JKT-1", "COFFEE"))
        assert (item.on_hand, item.reserved, item.available) == (D("12.35"), D("1.25"), D("11.1"))
    app.uow.dispose()  # type: ignore[attr-defined]


def test_the_check_constraints_guard_fractions_to_the_last_decimal(url: str) -> None:
    """A writer that would reserve 0.000001 kg more than there is, is refused by the database."""
    store = SqlStore(url)
    with store.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse="WH", sku="A", on_hand=D("1.25")))
        uow.commit()
    with store.engine.begin() as conn:
        conn.execute(text("update so_stock_items set reserved = 1.25 where sku = 'A'"))
    for bad in (
        "update so_stock_items set reserved = 1.250001 where sku = 'A'",
        "update so_stock_items set on_hand = 1.249999 where sku = 'A'",
        "update so_stock_items set on_hand = -0.000001 where sku = 'A'",
    ):
        with store.engine.begin() as conn, pytest.raises(Exception, match=r"(?i)check"):
            conn.execute(text(bad))
    store.dispose()


def _as_schema_four(engine: Any) -> None:
    """Turn the current schema back into version 4: INTEGER quantities on PostgreSQL."""
    with engine.begin() as conn:
        as_schema_five(conn)
        if conn.dialect.name == "postgresql":
            for table, column in (
                ("so_stock_items", "on_hand"),
                ("so_stock_items", "reserved"),
                ("so_stock_ledger", "on_hand_change"),
                ("so_stock_ledger", "reserved_change"),
            ):
                conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE INTEGER"))
        conn.execute(update(schema.schema_info).values(version=4))


def _column_types(engine: Any) -> set[str]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select data_type from information_schema.columns where "
                "(table_name = 'so_stock_items' and column_name in ('on_hand', 'reserved')) or "
                "(table_name = 'so_stock_ledger' and column_name like '%_change')"
            )
        ).all()
    return {row[0] for row in rows}


def test_a_schema_four_database_upgrades_with_its_stock_intact(url: str, engine: Any) -> None:
    app = build(Settings(), database_url=url)
    stock_shop(app)
    _coffee(app)
    app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=3))
    with app.uow() as uow:
        before = [unstructure(item) for item in uow.stock.list()]
        ledgers = [uow.stock_ledger.for_item(*item.key) for item in uow.stock.list()]
    app.uow.dispose()  # type: ignore[attr-defined]
    _as_schema_four(engine)
    if engine.dialect.name == "postgresql":
        assert _column_types(engine) == {"integer"}
    with pytest.raises(SchemaVersionError, match="is at 4"):
        SqlStore(url, create=False)

    assert upgrade(url) == 4
    assert upgrade(url) == SCHEMA_VERSION

    if engine.dialect.name == "postgresql":
        assert _column_types(engine) == {"numeric"}
    store = SqlStore(url, create=False)
    try:
        with store.unit_of_work() as uow:
            assert [unstructure(item) for item in uow.stock.list()] == before
            assert [uow.stock_ledger.for_item(*item.key) for item in uow.stock.list()] == ledgers
    finally:
        store.dispose()
    after = build(Settings(), database_url=url)
    assert after.execute(
        commands.ReceiveStock(warehouse="JKT-1", sku="COFFEE", quantity=D("0.125"))
    ) == D("3.125")
    assert _levels(engine, "COFFEE") == [("JKT-1", D("3.125"), 0)]
    assert _changes(engine, "COFFEE") == [(3, 0), (D("0.125"), 0)]
    after.uow.dispose()  # type: ignore[attr-defined]
