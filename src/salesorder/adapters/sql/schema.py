"""The SQL schema: one table per aggregate kind, and the schema version.

Each aggregate is stored whole as a JSON document (the cattrs shape of
:mod:`salesorder.serialization`, where every amount is a decimal string, so nothing is ever a
float) with a ``version`` for optimistic concurrency. Next to the document sit the columns the
database must index or guard itself:

- keys, and unique constraints that make idempotency a database guarantee (an order's
  (channel, external ref), a payment's reference, an invoice's (series, number));
- stock levels with CHECK constraints, so no writer can store negative or over-reserved stock;
- amounts as exact integers at a fixed scale of four decimal places (``gross_e4`` is the
  gross times 10**4) with their currency (order gross, payment amount), the same on SQLite
  and PostgreSQL. The scale is fixed, never a currency's digits: no currency table, money
  policy or dependency release can change what a stored number means.

``metadata`` is what Alembic's ``target_metadata`` should point at (see docs/persistence.md).
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

__all__ = ["SCHEMA_VERSION", "metadata"]

#: The schema this version of salesorder reads and writes. A database at another version is
#: refused with :class:`~salesorder.exceptions.SchemaVersionError` until it is migrated.
#: 2: lifecycle, returns, warehouse work, notifications, channels and COD statements added
#: tables, and ``so_orders.waiting_since``.
#: 3: amount columns at a fixed scale (``*_minor`` became ``*_e4``; docs/persistence.md).
SCHEMA_VERSION = 3

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
    Column("gross_e4", BigInteger, nullable=True),
    # Set (ISO 8601) only while the order waits for stock, so goods receipts find the
    # waiting orders through a small partial index instead of reading every order.
    Column("waiting_since", String(40), nullable=True),
)
Index(
    "uq_so_orders_channel_external_ref",
    orders.c.channel,
    orders.c.external_ref,
    unique=True,
    sqlite_where=text("external_ref <> ''"),
    postgresql_where=text("external_ref <> ''"),
)
Index(
    "ix_so_orders_waiting_since",
    orders.c.waiting_since,
    sqlite_where=text("waiting_since IS NOT NULL"),
    postgresql_where=text("waiting_since IS NOT NULL"),
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

#: The stock ledger: append-only rows, never updated, so it has no version or document.
stock_ledger = Table(
    "so_stock_ledger",
    metadata,
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", String(40), nullable=False),  # ISO 8601 with its UTC offset
    Column("on_hand_change", Integer, nullable=False),
    Column("reserved_change", Integer, nullable=False),
    Column("document", _KEY, nullable=False),
    Column("reason", String(400), nullable=False),
    CheckConstraint("seq > 0", name="seq"),
)

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
    Column("amount_e4", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
)

credit_notes = _versioned(
    "so_credit_notes",
    Column("id", _KEY, primary_key=True),
    Column("invoice_id", _KEY, nullable=False, index=True),
    Column("series", _KEY, nullable=False),
    Column("number", _KEY, nullable=False),
    Column("gross_e4", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    UniqueConstraint("series", "number"),
    CheckConstraint("gross_e4 > 0", name="gross"),
)

customer_credits = _versioned(
    "so_customer_credits",
    Column("customer_id", _KEY, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("balance_e4", BigInteger, nullable=False),
    # The database guards the balance too: no writer can store a negative credit.
    CheckConstraint("balance_e4 >= 0", name="balance"),
)

price_lists = _versioned(
    "so_price_lists",
    Column("code", _KEY, primary_key=True),
    Column("currency", String(3), nullable=False),
)
promotions = _versioned("so_promotions", Column("code", _KEY, primary_key=True))
vouchers = _versioned(
    "so_vouchers",
    Column("code", _KEY, primary_key=True),
    Column("uses", Integer, nullable=False),
    Column("usage_limit", Integer, nullable=True),
    # The database guards the limit too: no writer can store more uses than allowed.
    CheckConstraint("usage_limit IS NULL OR uses <= usage_limit", name="uses"),
)

suppliers = _versioned("so_suppliers", Column("code", _KEY, primary_key=True))
purchase_orders = _versioned(
    "so_purchase_orders",
    Column("id", _KEY, primary_key=True),
    Column("supplier", _KEY, nullable=False, index=True),
    Column("warehouse", _KEY, nullable=False),
    Column("status", String(40), nullable=False),
)

returns = _versioned(
    "so_returns",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("return_key", _KEY, nullable=False),
    Column("status", String(40), nullable=False),
)
# The same idempotency key never opens a second return of an order.
Index(
    "uq_so_returns_order_id_return_key",
    returns.c.order_id,
    returns.c.return_key,
    unique=True,
    sqlite_where=text("return_key <> ''"),
    postgresql_where=text("return_key <> ''"),
)

channel_accounts = _versioned("so_channel_accounts", Column("channel", _KEY, primary_key=True))
marketplace_orders = _versioned(
    "so_marketplace_orders",
    Column("channel", _KEY, primary_key=True),
    Column("external_id", _KEY, primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("parked", Integer, nullable=False),
)

bin_layouts = _versioned("so_bin_layouts", Column("warehouse", _KEY, primary_key=True))
waves = _versioned(
    "so_waves",
    Column("id", _KEY, primary_key=True),
    Column("warehouse", _KEY, nullable=False, index=True),
    Column("status", String(40), nullable=False),
)
parcels = _versioned(
    "so_parcels",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("status", String(40), nullable=False),
)
notifications = _versioned(
    "so_notifications",
    Column("key", String(400), primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("status", String(40), nullable=False),
)
manifests = _versioned(
    "so_manifests",
    Column("id", _KEY, primary_key=True),
    Column("courier", _KEY, nullable=False),
)

cod_statements = _versioned(
    "so_cod_statements",
    Column("courier", _KEY, primary_key=True),
    Column("id", _KEY, primary_key=True),
)
