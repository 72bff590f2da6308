"""Schema 5's stock levels (src/salesorder/adapters/sql/schema.py before schema 6), frozen.

Schema 5 kept a level's reservations in its document (``so_stock_items.doc``), had no
``so_stock_reservations`` and no ``holds``. Kept apart from the package's own copies, as
:mod:`tests.sql.data.schema_one` is: a migration test must not build its old database from
the code under test. :func:`as_schema_five` turns a database at schema 6 back into schema 5,
so the tests that go back further (to schema 2, 3 or 4) first go back to 5.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    insert,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from salesorder.domain.inventory import Reservation
from salesorder.serialization import unstructure

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)
_KEY = String(120)
#: Schema 5's quantity columns: ``NUMERIC(16, 6)`` on PostgreSQL, ``INTEGER`` on SQLite.
_QUANTITY = Integer().with_variant(Numeric(16, 6), "postgresql")

stock_items = Table(
    "so_stock_items",
    metadata,
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("on_hand", _QUANTITY, nullable=False),
    Column("reserved", _QUANTITY, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved"),
    Column("version", Integer, nullable=False),
    Column("doc", JSON().with_variant(JSONB(), "postgresql"), nullable=False),
)
Index("ix_so_stock_items_sku", stock_items.c.sku)


def _document(doc: dict[str, Any], rows: list[Any]) -> dict[str, Any]:
    """A level's schema-6 document with its reservation ``rows`` back in it."""
    held = {
        row.key: unstructure(
            Reservation(
                key=row.key,
                order_id=row.order_id,
                line_id=row.line_id,
                # SQLite's INTEGER column gives a fraction back as the nearest float.
                quantity=Decimal(repr(row.quantity))
                if isinstance(row.quantity, float)
                else row.quantity,
                created_at=dt.datetime.fromisoformat(row.created_at),
                expires_at=None
                if row.expires_at is None
                else dt.datetime.fromisoformat(row.expires_at),
            )
        )
        for row in rows
    }
    return {**doc, "reservations": held}


def as_schema_five(conn: Connection) -> None:
    """Turn the schema-6 database of ``conn`` back into schema 5, every level as it was.

    Every reservation row goes back into its level's document; the reservations table and
    ``holds`` are gone (the level table is made again, as SQLite cannot drop a column that
    a CHECK constraint names).
    """
    reservations = Table("so_stock_reservations", MetaData(), autoload_with=conn)
    by_level: dict[tuple[str, str], list[Any]] = {}
    for row in conn.execute(select(reservations).order_by(reservations.c.key)).all():
        by_level.setdefault((row.warehouse, row.sku), []).append(row)
    levels = [
        {**row._mapping, "doc": _document(row.doc, by_level.get((row.warehouse, row.sku), []))}
        for row in conn.execute(select(*stock_items.c)).all()
    ]
    reservations.drop(conn)
    conn.execute(text("DROP TABLE so_stock_items"))
    metadata.create_all(conn)
    if levels:
        conn.execute(insert(stock_items), levels)
    conn.execute(text("UPDATE so_schema SET version = 5"))
