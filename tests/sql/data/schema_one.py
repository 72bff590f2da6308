"""Schema 1 as salesorder 0.1.0 created it (src/salesorder/adapters/sql/schema.py at 3141bab).

Frozen test data, kept apart from the package's own copy on purpose: a migration test that
built its old database from the code under test could not tell that code's mistakes.
``schema_one_rows.json`` holds rows that salesorder 0.1.0 wrote into it (a story of three
orders: delivered with an invoice and a payment, reserved, cancelled), produced by running
that release; their documents are in its JSON shapes.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

Document = JSON().with_variant(JSONB(), "postgresql")
_KEY = String(120)


def _versioned(name: str, *columns: Column[object] | CheckConstraint | UniqueConstraint) -> Table:
    return Table(
        name,
        metadata,
        *columns,
        Column("version", Integer, nullable=False),
        Column("doc", Document, nullable=False),
    )


schema_info = Table(
    "so_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

products = _versioned("so_products", Column("sku", _KEY, primary_key=True))
customers = _versioned("so_customers", Column("id", _KEY, primary_key=True))
warehouses = _versioned("so_warehouses", Column("code", _KEY, primary_key=True))

orders = _versioned(
    "so_orders",
    Column("id", _KEY, primary_key=True),
    Column("channel", _KEY, nullable=False),
    Column("external_ref", _KEY, nullable=False),
    Column("status", String(40), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("gross_minor", BigInteger, nullable=True),
)
Index(
    "uq_so_orders_channel_external_ref",
    orders.c.channel,
    orders.c.external_ref,
    unique=True,
    sqlite_where=text("external_ref <> ''"),
    postgresql_where=text("external_ref <> ''"),
)

stock_items = _versioned(
    "so_stock_items",
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved"),
)
Index("ix_so_stock_items_sku", stock_items.c.sku)

shipments = _versioned(
    "so_shipments",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("tracking_number", _KEY, nullable=False),
)

invoices = _versioned(
    "so_invoices",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("series", _KEY, nullable=False),
    Column("number", _KEY, nullable=True),
    UniqueConstraint("series", "number"),
)

invoice_series = _versioned(
    "so_invoice_series",
    Column("code", _KEY, primary_key=True),
    Column("next_number", Integer, nullable=False),
)

payments = _versioned(
    "so_payments",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("reference", _KEY, nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
)
