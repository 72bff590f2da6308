"""A schema-2 database upgrades to the current schema with every amount intact."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import column as column_of
from sqlalchemy import select, text, update
from sqlalchemy import table as table_of
from tests.services.test_money_policy import idr, place, shop

from salesorder import Money, PaymentMethod, Settings, commands
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, schema, upgrade
from salesorder.bootstrap import build
from salesorder.exceptions import SchemaVersionError
from salesorder.serialization import unstructure


def _as_schema_two(engine: Any) -> None:
    """Turn the current schema back into version 2, its minor units at an untrusted scale."""
    with engine.begin() as conn:
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
