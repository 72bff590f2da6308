"""Older databases upgrade to the current schema with every amount and every stock level intact.

A schema-2 database gets its amounts at the fixed scale; a schema-5 database's stock
reservations leave their levels' documents for rows of their own (schema 6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from typing import Any

import pytest
from sqlalchemy import MetaData, inspect, select, text, update
from sqlalchemy import column as column_of
from sqlalchemy import table as table_of
from sqlalchemy.exc import IntegrityError
from tests.services.test_money_policy import idr, place, shop
from tests.sql.data import schema_five
from tests.sql.data.schema_five import as_schema_five

from salesorder import Money, PaymentMethod, Settings, commands
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, migrate, schema, upgrade
from salesorder.adapters.sql import alembic as migrations
from salesorder.bootstrap import build
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.serialization import unstructure


def _as_schema_two(engine: Any) -> None:
    """Turn the current schema back into version 2, its minor units at an untrusted scale."""
    with engine.begin() as conn:
        as_schema_five(conn)
        for name, amount in (
            ("so_orders", "gross"),
            ("so_payments", "amount"),
            ("so_credit_notes", "gross"),
            ("so_customer_credits", "balance"),
        ):
            conn.execute(text(f"ALTER TABLE {name} RENAME COLUMN {amount}_e4 TO {amount}_minor"))
            # Minor units as the babel that wrote them saw them: a scale that the upgrade
            # must not trust (only the document holds the exact decimal).
            minor = column_of(f"{amount}_minor")
            conn.execute(update(table_of(name, minor)).values({minor: minor + 1}))
        conn.execute(update(schema.schema_info).values(version=2))


def test_a_schema_two_database_upgrades_with_its_amounts_intact(url: str, engine: Any) -> None:
    app = build(Settings(), database_url=url)
    shop(app, price="150000.50")
    first = place(app, method=PaymentMethod.ON_ACCOUNT)
    app.execute(commands.ConfirmOrder(order_id=first))
    app.execute(
        commands.RecordPayment(
            order_id=first, amount=idr("1000.25"), method=PaymentMethod.BANK_TRANSFER, reference="P"
        )
    )
    with app.uow() as uow:
        before = [unstructure(order) for order in uow.orders.list()]
    assert isinstance(app.uow, SqlStore)
    app.uow.dispose()
    _as_schema_two(engine)
    with pytest.raises(SchemaVersionError, match="is at 2"):
        SqlStore(url, create=False)

    assert upgrade(url) == 2
    assert upgrade(url) == SCHEMA_VERSION  # nothing left to do

    with engine.connect() as conn:
        assert conn.execute(select(schema.schema_info.c.version)).scalar_one() == SCHEMA_VERSION
        assert conn.execute(select(schema.orders.c.gross_e4)).scalar_one() == 4_500_015_000
        assert conn.execute(select(schema.payments.c.amount_e4)).scalar_one() == 10_002_500
    store = SqlStore(url, create=False)
    try:
        with store.unit_of_work() as uow:
            assert [unstructure(order) for order in uow.orders.list()] == before
            assert uow.orders.get(first).total == Money.of("450001.50", "IDR")
    finally:
        store.dispose()


def test_upgrade_refuses_a_database_without_a_salesorder_schema(url: str) -> None:
    with pytest.raises(SchemaVersionError, match="has no salesorder schema version"):
        upgrade(url)


def test_upgrade_refuses_a_version_it_does_not_know(url: str, engine: Any) -> None:
    SqlStore(engine)
    with engine.begin() as conn:
        conn.execute(update(schema.schema_info).values(version=SCHEMA_VERSION + 1))
    with pytest.raises(SchemaVersionError, match=f"is at {SCHEMA_VERSION + 1}"):
        upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(select(schema.schema_info.c.version)).scalar_one() == SCHEMA_VERSION + 1


D = Decimal
#: When the reservations below were made: Jakarta time, kept with its offset.
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _held(order_id: str, quantity: Decimal | int, hours: int | None = None) -> Reservation:
    expires = None if hours is None else T0 + dt.timedelta(hours=hours)
    return Reservation.for_line(order_id, "1", quantity, T0, expires_at=expires)


def _schema_five(url: str, engine: Any) -> dict[tuple[str, str], Any]:
    """A schema-5 database of four levels, three reservations among two of them.

    COFFEE holds 1.25 kg (until 11:00) and 0.5 kg; MUG holds 2, then 1 more in a second
    unit (version 2); CAP and TEE hold nothing. Returns each level as the store read it.
    """
    store = SqlStore(url)
    coffee = StockItem(warehouse="JKT-1", sku="COFFEE", on_hand=D("12.35"))
    coffee.reserve(_held("ORD-1", D("1.25"), hours=2))
    coffee.reserve(_held("ORD-2", D("0.5")))
    mug = StockItem(warehouse="JKT-1", sku="MUG", on_hand=4)
    mug.reserve(_held("ORD-1", 2))
    with store.unit_of_work() as uow:
        for item in (
            coffee,
            mug,
            StockItem(warehouse="JKT-1", sku="CAP", on_hand=5),
            StockItem(warehouse="SBY-1", sku="TEE", on_hand=7),
        ):
            uow.stock.add(item)
        uow.commit()
    with store.unit_of_work() as uow:
        uow.stock.get(("JKT-1", "MUG")).reserve(_held("ORD-3", 1))
        uow.commit()
    with store.unit_of_work() as uow:
        before = {item.key: unstructure(item) for item in uow.stock.list()}
    store.dispose()
    with engine.begin() as conn:
        as_schema_five(conn)
    return before


def _stock_rows(engine: Any) -> dict[tuple[str, str], Any]:
    table = schema.tables["stock"]
    with engine.connect() as conn:
        return {(row.warehouse, row.sku): row for row in conn.execute(select(table)).all()}


def test_a_schema_five_database_moves_its_reservations_into_rows(
    url: str, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reservation of a document becomes a row at its level's version; nothing else moves.

    Three levels a page, so the step reads the four levels in two pages.
    """
    before = _schema_five(url, engine)
    with engine.connect() as conn:
        five = {
            (row.warehouse, row.sku): (row.version, row.doc)
            for row in conn.execute(select(schema_five.stock_items)).all()
        }
        assert not inspect(conn).has_table("so_stock_reservations")
    assert {key: len(doc["reservations"]) for key, (_, doc) in five.items()} == {
        ("JKT-1", "COFFEE"): 2, ("JKT-1", "MUG"): 2, ("JKT-1", "CAP"): 0, ("SBY-1", "TEE"): 0
    }  # fmt: skip
    monkeypatch.setattr(migrate, "_LEVELS_AT_ONCE", 3)

    assert upgrade(url) == 5

    levels = _stock_rows(engine)
    assert {key: (row.version, row.holds) for key, row in levels.items()} == {
        key: (version, len(doc["reservations"])) for key, (version, doc) in five.items()
    }
    for key, (_, doc) in five.items():  # the rest of each document as it was
        assert levels[key].doc == {**doc, "reservations": {}}
    held = schema.stock_reservations
    with engine.connect() as conn:
        rows = conn.execute(select(held).order_by(*held.primary_key.columns)).all()
    nine, eleven = "2026-03-02T09:00:00+07:00", "2026-03-02T11:00:00+07:00"
    assert [(r.sku, r.key, r.quantity, r.created_at, r.expires_at, r.since) for r in rows] == [
        ("COFFEE", "ORD-1/1", D("1.25"), nine, eleven, 1),
        ("COFFEE", "ORD-2/1", D("0.5"), nine, None, 1),
        ("MUG", "ORD-1/1", 2, nine, None, 2),
        ("MUG", "ORD-3/1", 1, nine, None, 2),
    ]
    store = SqlStore(url, create=False)
    try:
        with store.unit_of_work() as uow:
            assert {item.key: unstructure(item) for item in uow.stock.list()} == before
            uow.stock.get(("JKT-1", "COFFEE")).reserve(_held("ORD-4", D("0.25")))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.stock.get(("JKT-1", "COFFEE")).reserved == D("2")
    finally:
        store.dispose()
    assert _stock_rows(engine)[("JKT-1", "COFFEE")].holds == 3


def test_a_step_sums_in_its_own_decimal_context(url: str, engine: Any) -> None:
    """A caller working at two digits: COFFEE's 1.25 + 0.5 kg is still 1.75, not refused as 1.8."""
    _schema_five(url, engine)
    with engine.begin() as conn, localcontext() as context:
        context.prec = 2
        migrate.step(conn, 5)
    assert _stock_rows(engine)[("JKT-1", "COFFEE")].holds == 2


def test_after_the_upgrade_holds_is_guarded_like_a_new_schema(url: str, engine: Any) -> None:
    """``holds >= 0`` is checked by the database; PostgreSQL's ``holds`` has no default left."""
    _schema_five(url, engine)
    assert upgrade(url) == 5
    with engine.connect() as conn:
        (holds,) = [c for c in inspect(conn).get_columns("so_stock_items") if c["name"] == "holds"]
    assert holds["nullable"] is False
    assert holds["default"] == (None if engine.dialect.name == "postgresql" else "0")
    with engine.begin() as conn, pytest.raises(IntegrityError, match=r"(?i)check"):
        conn.execute(text("UPDATE so_stock_items SET holds = -1 WHERE sku = 'CAP'"))


def _dump(engine: Any) -> dict[str, list[dict[str, Any]]]:
    """Every row of every salesorder table but Alembic's record, in key order."""
    found = MetaData()
    found.reflect(engine)
    with engine.connect() as conn:
        return {
            table.name: [
                dict(row._mapping)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in found.sorted_tables
            if table.name != migrate.ALEMBIC_VERSION_TABLE
        }


def test_a_level_reserving_other_than_its_reservations_is_refused_untouched(
    url: str, engine: Any
) -> None:
    """COFFEE says 2 kg reserved, its reservations hold 1.25 + 0.5 = 1.75 kg: nothing moves."""
    _schema_five(url, engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE so_stock_items SET reserved = 2 WHERE sku = 'COFFEE'"))
    before = _dump(engine)
    with pytest.raises(
        PersistenceError,
        match=r"step 5 -> 6 refused: the stock level of SKU 'COFFEE' in 'JKT-1' has 2 "
        r"reserved, but its reservations hold 1.75; nothing was changed",
    ):
        upgrade(url)
    assert _dump(engine) == before
    assert migrations.current(url).version == 5
