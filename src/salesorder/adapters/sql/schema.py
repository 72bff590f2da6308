"""The SQL schema: one table per aggregate kind, and the schema version.

Each aggregate is stored whole as a JSON document (the cattrs shape of
:mod:`salesorder.serialization`, where every amount is a decimal string, so nothing is ever a
float) with a ``version`` for optimistic concurrency. Next to the document sit the columns the
database must index or guard itself:

- keys, and unique constraints that make idempotency a database guarantee (an order's
  (channel, external ref), a payment's reference, an invoice's (series, number));
- stock levels with CHECK constraints, so no writer can store negative or over-reserved stock
  (exact quantities, whole or fractional:
  :class:`~salesorder.adapters.sql.mappings.QuantityType`);
- amounts as exact integers at a fixed scale of four decimal places (``gross_e4`` is the
  gross times 10**4) with their currency (order gross, payment amount), the same on SQLite
  and PostgreSQL. The scale is fixed, never a currency's digits: no currency table, money
  policy or dependency release can change what a stored number means.

``metadata`` is what Alembic's ``target_metadata`` should point at (see docs/persistence.md).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
)
from sqlalchemy.dialects.postgresql import JSONB

from salesorder.adapters.sql.mappings import KEY, QuantityType, layout
from salesorder.ports.repositories import REPOSITORIES, RepositorySpec

__all__ = ["SCHEMA_VERSION", "metadata"]

#: The schema this version of salesorder reads and writes. A database at another version is
#: refused with :class:`~salesorder.exceptions.SchemaVersionError` until it is migrated.
#: 2: lifecycle, returns, warehouse work, notifications, channels and COD statements added
#: tables, and ``so_orders.waiting_since``.
#: 3: amount columns at a fixed scale (``*_minor`` became ``*_e4``; docs/persistence.md).
#: 4: the outbox (``so_outbox``, which took in ``so_notifications``) and the log of refused
#: webhook deliveries (``so_refused_deliveries``); docs/outbox.md.
#: 5: stock levels and ledger changes hold exact fractional quantities (1.25 kg):
#: ``NUMERIC(16, 6)`` on PostgreSQL (see :class:`~salesorder.adapters.sql.mappings.QuantityType`).
#: 6: each stock reservation is a row of ``so_stock_reservations``, no longer part of its
#: level's document, and ``so_stock_items.holds`` counts them (``salesorder.adapters.sql.stock``).
SCHEMA_VERSION = 6

metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)

Document = JSON().with_variant(JSONB(), "postgresql")

schema_info = Table(
    "so_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)


def _repository_table(spec: RepositorySpec) -> Table:
    """The table of one repository: key, its layout's columns, version and document."""
    shape = layout(spec.name)
    return Table(
        shape.table or f"so_{spec.name}",
        metadata,
        *(
            Column(name, shape.key_types.get(name, KEY), primary_key=True)
            for name in spec.key_fields
        ),
        *(field.column for field in shape.fields),
        *shape.constraints,
        Column("version", Integer, nullable=False),
        Column("doc", Document, nullable=False),
    )


#: The table of every repository, by its name in
#: :data:`~salesorder.ports.repositories.REPOSITORIES`.
tables: dict[str, Table] = {spec.name: _repository_table(spec) for spec in REPOSITORIES}

#: The stock ledger: append-only rows, never updated, so it has no version or document.
stock_ledger = Table(
    "so_stock_ledger",
    metadata,
    Column("warehouse", KEY, primary_key=True),
    Column("sku", KEY, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("at", String(40), nullable=False),  # ISO 8601 with its UTC offset
    Column("on_hand_change", QuantityType, nullable=False),
    Column("reserved_change", QuantityType, nullable=False),
    Column("document", KEY, nullable=False),
    Column("reason", String(400), nullable=False),
    CheckConstraint("seq > 0", name="seq"),
)


#: The reservations of each stock level (schema 6): one row per reservation, written with the
#: level's row in one transaction. ``since`` is the level's version when the row was written,
#: so a reader that knows the level at an earlier version reads only the rows added since
#: (``salesorder.adapters.sql.stock``). Times are ISO 8601 with their UTC offset.
stock_reservations = Table(
    "so_stock_reservations",
    metadata,
    Column("warehouse", KEY, primary_key=True),
    Column("sku", KEY, primary_key=True),
    Column("key", KEY, primary_key=True),
    Column("order_id", KEY, nullable=False),
    Column("line_id", KEY, nullable=False),
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


def __getattr__(name: str) -> Table:
    """A repository's table by its name without ``so_`` (``schema.orders``, ``stock_items``)."""
    table = metadata.tables.get(f"so_{name}")
    if table is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return table
