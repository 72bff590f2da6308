"""Bring a database written by an earlier salesorder to the current schema, data intact.

Every step from schema 1 on is here, once: :func:`step` runs one, and both ways of upgrading
use it, the Alembic revisions shipped in ``salesorder/adapters/sql/alembic`` (one revision per
step: ``salesorder db upgrade URL``) and :func:`upgrade`, which hands over to them when the
``migrate`` extra is installed. Each step runs in one transaction, DDL included (on SQLite
too, see :func:`step`): a database is at one version or the next, never between.

- **0 -> 1**: an empty database gets schema 1 as salesorder 0.1.0 created it
  (:data:`~salesorder.adapters.sql.history.SCHEMA_ONE`); only Alembic runs this step.
- **1 -> 2**: ``so_orders.waiting_since`` and its partial index, and the tables of schema 2
  (returns, channels, warehouse work, notifications, COD statements), with those that later
  0.1 releases created beside schema 1 (stock ledger, credit notes, customer credit, price
  lists, promotions, vouchers, suppliers, purchase orders) where they are missing, all as
  schema 2 defined them (:data:`~salesorder.adapters.sql.history.ADDED_IN_TWO`). Schema 1
  had no backorders, so no order waits for stock: ``waiting_since`` starts empty. The
  documents need no change: every aggregate schema 1 stored reads as it is.
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
- **5 -> 6**: stock reservations as rows. ``so_stock_reservations`` is created
  (:data:`~salesorder.adapters.sql.history.STOCK_RESERVATIONS`) and ``so_stock_items`` gets
  ``holds``, the count of its level's rows, with its CHECK ``holds >= 0``. Every reservation
  of a level's document becomes a row (``since``: the level's version), ``holds`` is set,
  and the document keeps ``"reservations": {}``; ``reserved``, the version and the rest of
  the document stay as they are. A level whose ``reserved`` is not the sum of its
  reservations is refused by name, and nothing is changed. On PostgreSQL ``holds`` has no
  default, as schema 6 creates it; SQLite keeps the ``DEFAULT 0`` it was added with (dropping
  it means rebuilding the table there, and every writer sets ``holds``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    insert,
    inspect,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import DBAPIError

from salesorder.adapters.sql import history, schema
from salesorder.adapters.sql.mappings import QuantityType, layout
from salesorder.domain.inventory import Reservation
from salesorder.domain.notifications import OutboxEntry, OutboxStatus
from salesorder.domain.outbox import Call, CallKind, OutboxItem, OutboxState
from salesorder.domain.units import to_quantity
from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.money import decimal_isolated
from salesorder.serialization import structure, unstructure

__all__ = ["ALEMBIC_VERSION_TABLE", "schema_version", "step", "upgrade"]


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


def _create_schema_one(conn: Connection) -> None:
    history.SCHEMA_ONE.create_all(conn)
    conn.execute(insert(schema.schema_info).values(id=1, version=1))


def _one_to_two(conn: Connection) -> None:
    column = history.WAITING_SINCE.table.c.waiting_since  # type: ignore[union-attr]
    kind = column.type.compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE so_orders ADD COLUMN {column.name} {kind}"))
    history.WAITING_SINCE.create(conn)
    history.ADDED_IN_TWO.create_all(conn, checkfirst=True)


#: (table, old column, new column, where the amount is in the row's document)
_E4_COLUMNS = (
    (schema.orders, "gross_minor", "gross_e4", _amount("pricing", "gross", "amount")),
    (schema.payments, "amount_minor", "amount_e4", _amount("amount", "amount")),
    (schema.credit_notes, "gross_minor", "gross_e4", _amount("gross", "amount")),
    (schema.customer_credits, "balance_minor", "balance_e4", _amount("balance", "amount")),
)


def _two_to_three(conn: Connection) -> None:
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


def _three_to_four(conn: Connection) -> None:
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


def _four_to_five(conn: Connection) -> None:
    if conn.dialect.name != "postgresql":
        return
    exact = QuantityType().load_dialect_impl(conn.dialect).compile(dialect=conn.dialect)
    for table, column in _QUANTITY_COLUMNS:
        conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE {exact}"))


#: ``so_stock_items.holds`` as schema 6 added it. SQLite adds a NOT NULL column only with a
#: default, and a CHECK only as part of its column (it has no ADD CONSTRAINT): both
#: databases take this one statement, named as ``schema.metadata`` names the constraint.
_ADD_HOLDS = (
    "ALTER TABLE so_stock_items ADD COLUMN holds INTEGER NOT NULL DEFAULT 0 "
    "CONSTRAINT ck_so_stock_items_holds CHECK (holds >= 0)"
)
#: How many stock levels step 5 -> 6 reads at a time (a document may hold many reservations).
_LEVELS_AT_ONCE = 500


def _reservation_rows(level: Any) -> list[dict[str, object]]:
    """The rows of ``so_stock_reservations`` that the document of ``level`` held.

    Raises:
        PersistenceError: the level's ``reserved`` is not the sum of its reservations.
    """
    held = [structure(r, Reservation) for r in (level.doc.get("reservations") or {}).values()]
    total = to_quantity(sum(r.quantity for r in held))
    if total != level.reserved:
        raise PersistenceError(
            f"schema step 5 -> 6 refused: the stock level of SKU {level.sku!r} in "
            f"{level.warehouse!r} has {level.reserved} reserved, but its reservations hold "
            f"{total}; nothing was changed, correct the level and run the upgrade again"
        )
    return [
        {
            "warehouse": level.warehouse,
            "sku": level.sku,
            "key": r.key,
            "order_id": r.order_id,
            "line_id": r.line_id,
            "quantity": r.quantity,
            "created_at": r.created_at.isoformat(),
            "expires_at": None if r.expires_at is None else r.expires_at.isoformat(),
            "since": level.version,
        }
        for r in held
    ]


def _five_to_six(conn: Connection) -> None:
    conn.execute(text(_ADD_HOLDS))
    history.STOCK_RESERVATIONS.create(conn)
    levels = history.STOCK_LEVELS
    keys = (levels.c.warehouse, levels.c.sku)
    read = select(*keys, levels.c.version, levels.c.reserved, levels.c.doc).order_by(*keys)
    moved = (
        update(levels)
        .where(levels.c.warehouse == bindparam("b_warehouse"), levels.c.sku == bindparam("b_sku"))
        .values(holds=bindparam("b_holds"), doc=bindparam("b_doc"))
    )
    after: tuple[str, str] | None = None
    while True:
        page = read if after is None else read.where(tuple_(*keys) > tuple_(*after))
        batch = conn.execute(page.limit(_LEVELS_AT_ONCE)).all()
        if not batch:
            break
        after = (batch[-1].warehouse, batch[-1].sku)
        rows, changed = [], []
        for level in batch:
            held = _reservation_rows(level)
            if held:
                rows += held
                doc = {**level.doc, "reservations": {}}
                changed.append(
                    {
                        "b_warehouse": level.warehouse,
                        "b_sku": level.sku,
                        "b_holds": len(held),
                        "b_doc": doc,
                    }
                )
        if changed:
            conn.execute(insert(history.STOCK_RESERVATIONS), rows)
            conn.execute(moved, changed)
    if conn.dialect.name == "postgresql":
        conn.execute(text("ALTER TABLE so_stock_items ALTER COLUMN holds DROP DEFAULT"))


#: version -> the step that brings a database from it to the next version
_STEPS: dict[int, Callable[[Connection], None]] = {
    0: _create_schema_one,
    1: _one_to_two,
    2: _two_to_three,
    3: _three_to_four,
    4: _four_to_five,
    5: _five_to_six,
}

#: The table in which Alembic records the revisions a database is at (``salesorder db``);
#: salesorder's own, so that a shop's Alembic history in ``alembic_version`` is left alone.
ALEMBIC_VERSION_TABLE = "so_alembic_version"


def schema_version(conn: Connection) -> int | None:
    """The salesorder schema version recorded in the database, or None when there is none."""
    if not inspect(conn).has_table(schema.schema_info.name):
        return None
    found = conn.execute(select(schema.schema_info.c.version)).scalar_one_or_none()
    return None if found is None else int(found)


@decimal_isolated
def step(conn: Connection, version: int) -> None:
    """Bring the database from schema ``version`` to the next one, in ``conn``'s transaction.

    Runs the step and records the new version in ``so_schema``, so that a database is at
    one version or the next, never between, when the caller commits or rolls back.

    Args:
        conn: a connection in the transaction that the step must be part of.
        version: the version the database is at (0: empty).

    Raises:
        SchemaVersionError: there is no step from ``version``.
        PersistenceError: the database is not at ``version`` (another upgrade ran the step
            first); nothing was changed.
    """
    if version not in _STEPS:
        raise SchemaVersionError(version, schema.SCHEMA_VERSION)
    dbapi = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite" and not getattr(dbapi, "in_transaction", True):
        # pysqlite begins a transaction only before INSERT, UPDATE or DELETE, so a step's
        # first DDL (ALTER TABLE, CREATE TABLE) would be committed at once, alone. SQLite's
        # DDL is transactional: begin here, and the whole step is undone on failure.
        # IMMEDIATE takes the write lock now, so the version read below cannot go stale.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    found = schema_version(conn)
    if found != (version or None):
        # Another upgrade of the same database ran this step first (two deploys at once).
        raise PersistenceError(
            f"schema step {version} -> {version + 1} refused: the database is at schema "
            f"{found if found is not None else 0} now (another upgrade ran at the same "
            "time); nothing was changed, run the upgrade again"
        )
    _STEPS[version](conn)
    conn.execute(update(schema.schema_info).values(version=version + 1))


def _alembic_installed() -> bool:
    try:
        import alembic  # noqa: F401, PLC0415 - the migrate extra is optional
    except ModuleNotFoundError:
        return False
    return True


@decimal_isolated
def upgrade(url: str | Engine) -> int:
    """Upgrade the salesorder database at ``url`` to the current schema version.

    With the ``migrate`` extra installed this is
    ``salesorder.adapters.sql.alembic.upgrade`` (the database is then stamped with
    its Alembic revision too), except that a database without a salesorder schema is
    refused instead of created. Without it, the same steps run here, each in its own
    transaction, on a database that Alembic never managed.

    Args:
        url: a SQLAlchemy URL or engine, as :class:`~salesorder.adapters.sql.SqlStore` takes.

    Returns:
        The version the database was at (the current one when there was nothing to do).

    Raises:
        SchemaVersionError: the database has no salesorder schema, or one this version of
            salesorder cannot upgrade (newer than the current).
        PersistenceError: the database failed mid-way (every step done before it stays, the
            failed one left nothing), or Alembic manages it and the extra is missing.
    """
    if _alembic_installed():
        from salesorder.adapters.sql import alembic  # noqa: PLC0415 - needs the extra

        return alembic.upgrade(url, create=False)
    engine = url if isinstance(url, Engine) else create_engine(url)
    try:
        with engine.connect() as conn:
            found = schema_version(conn)
            managed = inspect(conn).has_table(ALEMBIC_VERSION_TABLE)
        if found is None or not 1 <= found <= schema.SCHEMA_VERSION:
            raise SchemaVersionError(found, schema.SCHEMA_VERSION)
        if managed and found != schema.SCHEMA_VERSION:
            raise PersistenceError(
                f"the database at schema {found} is managed by Alembic: pip install "
                "'salesorder[migrate]' and upgrade it with salesorder db upgrade"
            )
        for version in range(found, schema.SCHEMA_VERSION):
            with engine.begin() as conn:
                step(conn, version)
    except DBAPIError as error:
        raise PersistenceError(
            f"upgrading the salesorder schema failed: {error}; the failed step changed nothing"
        ) from error
    finally:
        if not isinstance(url, Engine):
            engine.dispose()
    return found
