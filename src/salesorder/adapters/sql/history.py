"""The tables of schema 1, and those later schemas added, frozen as those versions defined them.

A migration must build what its version had, not what :mod:`salesorder.adapters.sql.schema`
says today: a table created by step 1 -> 2 with today's columns would break step 2 -> 3,
which renames the columns schema 2 had. So the definitions below are copies, never changed:

- :data:`SCHEMA_ONE`: the first schema (salesorder 0.1.0), which Alembic revision ``0001``
  creates on an empty database;
- :data:`ADDED_IN_TWO`: the tables that later 0.1 releases created beside it while the
  version stayed 1 (the stock ledger, credit notes, customer credit, price lists,
  promotions, vouchers, suppliers, purchase orders) and the tables of schema 2 (returns,
  channels, warehouse work, notifications, COD statements); step 1 -> 2 creates those
  missing, with :data:`WAITING_SINCE`, the column and index schema 2 added to ``so_orders``;
- :data:`STOCK_RESERVATIONS`: the table of stock reservations that step 5 -> 6 creates, and
  :data:`STOCK_LEVELS`, the columns of ``so_stock_items`` that step reads and writes, as
  schema 6 has them (``holds`` included: the step adds it first).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from salesorder.adapters.sql.mappings import QuantityType

__all__ = ["ADDED_IN_TWO", "SCHEMA_ONE", "STOCK_LEVELS", "STOCK_RESERVATIONS", "WAITING_SINCE"]

_NAMING = {
    "pk": "pk_%(table_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
}
_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")
_KEY = String(120)

#: Schema 1 as salesorder 0.1.0 created it, ``so_schema`` included.
SCHEMA_ONE = MetaData(naming_convention=_NAMING)
#: The tables step 1 -> 2 creates where they are missing, as schema 2 defined them.
ADDED_IN_TWO = MetaData(naming_convention=_NAMING)


def _versioned(
    metadata: MetaData, name: str, *columns: Column[object] | CheckConstraint | UniqueConstraint
) -> Table:
    return Table(
        name,
        metadata,
        *columns,
        Column("version", Integer, nullable=False),
        Column("doc", _DOCUMENT, nullable=False),
    )


def _status() -> Column[object]:
    return Column("status", String(40), nullable=False)


# Schema 1 -----------------------------------------------------------------------------------

Table(
    "so_schema",
    SCHEMA_ONE,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)
_versioned(SCHEMA_ONE, "so_products", Column("sku", _KEY, primary_key=True))
_versioned(SCHEMA_ONE, "so_customers", Column("id", _KEY, primary_key=True))
_versioned(SCHEMA_ONE, "so_warehouses", Column("code", _KEY, primary_key=True))
_orders = _versioned(
    SCHEMA_ONE,
    "so_orders",
    Column("id", _KEY, primary_key=True),
    Column("channel", _KEY, nullable=False),
    Column("external_ref", _KEY, nullable=False),
    _status(),
    Column("currency", String(3), nullable=False),
    Column("gross_minor", BigInteger, nullable=True),
)
Index(
    "uq_so_orders_channel_external_ref",
    _orders.c.channel,
    _orders.c.external_ref,
    unique=True,
    sqlite_where=text("external_ref <> ''"),
    postgresql_where=text("external_ref <> ''"),
)
_stock_items = _versioned(
    SCHEMA_ONE,
    "so_stock_items",
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("on_hand", Integer, nullable=False),
    Column("reserved", Integer, nullable=False),
    CheckConstraint("on_hand >= 0", name="on_hand"),
    CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved"),
)
Index("ix_so_stock_items_sku", _stock_items.c.sku)
_versioned(
    SCHEMA_ONE,
    "so_shipments",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("tracking_number", _KEY, nullable=False),
)
_versioned(
    SCHEMA_ONE,
    "so_invoices",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("series", _KEY, nullable=False),
    Column("number", _KEY, nullable=True),
    UniqueConstraint("series", "number"),
)
_versioned(
    SCHEMA_ONE,
    "so_invoice_series",
    Column("code", _KEY, primary_key=True),
    Column("next_number", Integer, nullable=False),
)
_versioned(
    SCHEMA_ONE,
    "so_payments",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("reference", _KEY, nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
)

# Created beside schema 1 by later 0.1 releases, and by schema 2 ------------------------------

Table(
    "so_stock_ledger",
    ADDED_IN_TWO,
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", String(40), nullable=False),
    Column("on_hand_change", Integer, nullable=False),
    Column("reserved_change", Integer, nullable=False),
    Column("document", _KEY, nullable=False),
    Column("reason", String(400), nullable=False),
    CheckConstraint("seq > 0", name="seq"),
)
_versioned(
    ADDED_IN_TWO,
    "so_credit_notes",
    Column("id", _KEY, primary_key=True),
    Column("invoice_id", _KEY, nullable=False, index=True),
    Column("series", _KEY, nullable=False),
    Column("number", _KEY, nullable=False),
    Column("gross_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    UniqueConstraint("series", "number"),
    CheckConstraint("gross_minor > 0", name="gross"),
)
_versioned(
    ADDED_IN_TWO,
    "so_customer_credits",
    Column("customer_id", _KEY, primary_key=True),
    Column("currency", String(3), primary_key=True),
    Column("balance_minor", BigInteger, nullable=False),
    CheckConstraint("balance_minor >= 0", name="balance"),
)
_versioned(
    ADDED_IN_TWO,
    "so_price_lists",
    Column("code", _KEY, primary_key=True),
    Column("currency", String(3), nullable=False),
)
_versioned(ADDED_IN_TWO, "so_promotions", Column("code", _KEY, primary_key=True))
_versioned(
    ADDED_IN_TWO,
    "so_vouchers",
    Column("code", _KEY, primary_key=True),
    Column("uses", Integer, nullable=False),
    Column("usage_limit", Integer, nullable=True),
    CheckConstraint("usage_limit IS NULL OR uses <= usage_limit", name="uses"),
)
_versioned(ADDED_IN_TWO, "so_suppliers", Column("code", _KEY, primary_key=True))
_versioned(
    ADDED_IN_TWO,
    "so_purchase_orders",
    Column("id", _KEY, primary_key=True),
    Column("supplier", _KEY, nullable=False, index=True),
    Column("warehouse", _KEY, nullable=False),
    _status(),
)
_returns = _versioned(
    ADDED_IN_TWO,
    "so_returns",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    Column("return_key", _KEY, nullable=False),
    _status(),
)
Index(
    "uq_so_returns_order_id_return_key",
    _returns.c.order_id,
    _returns.c.return_key,
    unique=True,
    sqlite_where=text("return_key <> ''"),
    postgresql_where=text("return_key <> ''"),
)
_versioned(ADDED_IN_TWO, "so_channel_accounts", Column("channel", _KEY, primary_key=True))
_versioned(
    ADDED_IN_TWO,
    "so_marketplace_orders",
    Column("channel", _KEY, primary_key=True),
    Column("external_id", _KEY, primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("parked", Integer, nullable=False),
)
_versioned(ADDED_IN_TWO, "so_bin_layouts", Column("warehouse", _KEY, primary_key=True))
_versioned(
    ADDED_IN_TWO,
    "so_waves",
    Column("id", _KEY, primary_key=True),
    Column("warehouse", _KEY, nullable=False, index=True),
    _status(),
)
_versioned(
    ADDED_IN_TWO,
    "so_parcels",
    Column("id", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    _status(),
)
_versioned(
    ADDED_IN_TWO,
    "so_notifications",
    Column("key", String(400), primary_key=True),
    Column("order_id", _KEY, nullable=False, index=True),
    _status(),
)
_versioned(
    ADDED_IN_TWO,
    "so_manifests",
    Column("id", _KEY, primary_key=True),
    Column("courier", _KEY, nullable=False),
)
_versioned(
    ADDED_IN_TWO,
    "so_cod_statements",
    Column("courier", _KEY, primary_key=True),
    Column("id", _KEY, primary_key=True),
)

# The column schema 2 added to ``so_orders``: set (ISO 8601) only while an order waits for
# stock, found through a partial index. On a table of its own metadata, so that building the
# index never touches the frozen schema 1 above.
_orders_two = Table(
    "so_orders",
    MetaData(naming_convention=_NAMING),
    Column("id", _KEY, primary_key=True),
    Column("waiting_since", String(40), nullable=True),
)
#: ``so_orders.waiting_since`` and its partial index, as schema 2 added them.
WAITING_SINCE = Index(
    "ix_so_orders_waiting_since",
    _orders_two.c.waiting_since,
    sqlite_where=text("waiting_since IS NOT NULL"),
    postgresql_where=text("waiting_since IS NOT NULL"),
)


# Schema 6 -----------------------------------------------------------------------------------

_SIX = MetaData(naming_convention=_NAMING)
#: The columns of ``so_stock_items`` that step 5 -> 6 reads and writes, as schema 6 has them.
#: A partial copy, on a metadata of its own: never create it (the table is there already).
STOCK_LEVELS = Table(
    "so_stock_items",
    _SIX,
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("reserved", QuantityType, nullable=False),
    Column("holds", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("doc", _DOCUMENT, nullable=False),
)
#: ``so_stock_reservations`` as schema 6 created it: one row per reservation of a level;
#: ``since`` is the level's version when the row was written, times are ISO 8601 text.
STOCK_RESERVATIONS = Table(
    "so_stock_reservations",
    _SIX,
    Column("warehouse", _KEY, primary_key=True),
    Column("sku", _KEY, primary_key=True),
    Column("key", _KEY, primary_key=True),
    Column("order_id", _KEY, nullable=False),
    Column("line_id", _KEY, nullable=False),
    Column("quantity", QuantityType, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=True),
    Column("since", Integer, nullable=False),
    CheckConstraint("quantity > 0", name="quantity"),
    CheckConstraint("since > 0", name="since"),
    ForeignKeyConstraint(
        ["warehouse", "sku"],
        ["so_stock_items.warehouse", "so_stock_items.sku"],
        name="fk_so_stock_reservations_item",
    ),
)
