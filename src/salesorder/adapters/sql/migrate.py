"""Bring a database written by an earlier salesorder to the current schema, data intact.

:func:`upgrade` knows every step from schema 2 on. Each step runs in one transaction: a
database is at one version or the next, never between.

- **2 -> 3**: the amount columns ``*_minor`` held minor units whose scale came from the
  currency data of the babel that wrote them (so the same rupiah amount could be stored as
  ``15000050`` or ``150001``). They become ``*_e4``, the amount times 10**4, recomputed from
  each row's document, which has always held the exact decimal.
- **3 -> 4**: the outbox. The tables ``so_outbox`` and ``so_refused_deliveries`` are
  created; every customer message of ``so_notifications`` moves into the outbox (a sent one
  stays sent, a failed one is due again with its attempts), and ``so_notifications`` is
  dropped.
- **4 -> 5**: fractional quantities. The stock levels (``so_stock_items.on_hand`` and
  ``reserved``) and the ledger's changes (``so_stock_ledger.on_hand_change`` and
  ``reserved_change``) become exact decimals, ``NUMERIC(16, 6)``, on PostgreSQL, whose
  ``INTEGER`` would round 1.25 kg to 1; every stored whole quantity keeps its value and the
  CHECK constraints stay. SQLite's ``INTEGER`` columns already hold a fractional quantity
  exactly (see :class:`~salesorder.adapters.sql.mappings.QuantityType`): nothing to change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError

from salesorder.adapters.sql import schema
from salesorder.adapters.sql.mappings import QuantityType, layout
from salesorder.domain.notifications import OutboxEntry, OutboxStatus
from salesorder.domain.outbox import Call, CallKind, OutboxItem, OutboxState
from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.money import decimal_isolated
from salesorder.serialization import structure, unstructure

__all__ = ["upgrade"]


def _amount(*path: str) -> Callable[[dict[str, Any]], int | None]:
    """Read a decimal string at ``path`` in a document, as the amount times 10**4."""

    def read(document: dict[str, Any]) -> int | None:
        value: Any = document
        for key in path:
            if value is None:
                return None
            value = value[key]
        if value is None:
            return None
        return int(Decimal(value).scaleb(4))

    return read


#: (table, old column, new column, where the amount is in the row's document)
_E4_COLUMNS = (
    (schema.orders, "gross_minor", "gross_e4", _amount("pricing", "gross", "amount")),
    (schema.payments, "amount_minor", "amount_e4", _amount("amount", "amount")),
    (schema.credit_notes, "gross_minor", "gross_e4", _amount("gross", "amount")),
    (schema.customer_credits, "balance_minor", "balance_e4", _amount("balance", "amount")),
)


def _two_to_three(conn: Any) -> None:
    for table, old, new, amount in _E4_COLUMNS:
        conn.execute(text(f"ALTER TABLE {table.name} RENAME COLUMN {old} TO {new}"))
        keys = list(table.primary_key.columns)
        for row in conn.execute(select(*keys, table.c.doc)).all():
            where = [key == value for key, value in zip(keys, row[:-1], strict=True)]
            conn.execute(update(table).where(*where).values({new: amount(row[-1])}))


#: The table of schema 3 whose rows move into the outbox.
_NOTIFICATIONS = Table(
    "so_notifications",
    MetaData(),
    Column("key", String(400), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("doc", schema.Document, nullable=False),
)

_MIGRATED_AT = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def outbox_item_of(entry: OutboxEntry) -> OutboxItem:
    """The outbox item a customer message of schema 3 becomes."""
    message = entry.message
    item = OutboxItem(
        call=Call(
            kind=CallKind.SEND_MESSAGE,
            target=message.channel.value,
            subject=message.key,
            message=message,
        ),
        written_at=entry.written_at or _MIGRATED_AT,
        seq=entry.seq,
        attempts=entry.attempts,
        last_error=entry.last_error,
    )
    if entry.status is OutboxStatus.SENT:
        item.state, item.sent_at = OutboxState.SENT, entry.sent_at
    return item


def _three_to_four(conn: Any) -> None:
    created = [schema.tables["outbox"], schema.tables["refused_deliveries"]]
    schema.metadata.create_all(conn, tables=created, checkfirst=True)
    if not inspect(conn).has_table(_NOTIFICATIONS.name):
        return
    outbox = schema.tables["outbox"]
    shape = layout("outbox")
    for (doc,) in conn.execute(select(_NOTIFICATIONS.c.doc)).all():
        item = outbox_item_of(structure(doc, OutboxEntry))
        conn.execute(
            insert(outbox).values(
                key=item.key, version=1, doc=unstructure(item), **shape.values(item)
            )
        )
    _NOTIFICATIONS.drop(conn)


#: (table, column) of every quantity column that schema 4 had as an INTEGER.
_QUANTITY_COLUMNS = (
    (schema.tables["stock"].name, "on_hand"),
    (schema.tables["stock"].name, "reserved"),
    (schema.stock_ledger.name, "on_hand_change"),
    (schema.stock_ledger.name, "reserved_change"),
)


def _four_to_five(conn: Any) -> None:
    if conn.dialect.name != "postgresql":
        return
    exact = QuantityType().load_dialect_impl(conn.dialect).compile(dialect=conn.dialect)
    for table, column in _QUANTITY_COLUMNS:
        conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {exact}"))


#: version -> the step that brings a database from it to the next version
_STEPS: dict[int, Callable[[Any], None]] = {
    2: _two_to_three,
    3: _three_to_four,
    4: _four_to_five,
}


@decimal_isolated
def upgrade(url: str | Engine) -> int:
    """Upgrade the salesorder database at ``url`` to the current schema version.

    Args:
        url: a SQLAlchemy URL or engine, as :class:`~salesorder.adapters.sql.SqlStore` takes.

    Returns:
        The version the database was at (the current one when there was nothing to do).

    Raises:
        SchemaVersionError: the database has no salesorder schema, or one this version of
            salesorder cannot upgrade (older than 2, or newer than the current).
        PersistenceError: the database failed mid-way; nothing was changed.
    """
    engine = url if isinstance(url, Engine) else create_engine(url)
    try:
        with engine.begin() as conn:
            found = None
            if inspect(conn).has_table(schema.schema_info.name):
                found = conn.execute(select(schema.schema_info.c.version)).scalar_one_or_none()
            if found is None or (found != schema.SCHEMA_VERSION and found not in _STEPS):
                raise SchemaVersionError(found, schema.SCHEMA_VERSION)
            version = found
            while version != schema.SCHEMA_VERSION:
                _STEPS[version](conn)
                version += 1
                conn.execute(update(schema.schema_info).values(version=version))
    except DBAPIError as error:
        raise PersistenceError(
            f"upgrading the salesorder schema failed, nothing was changed: {error}"
        ) from error
    finally:
        if not isinstance(url, Engine):
            engine.dispose()
    return int(found)
