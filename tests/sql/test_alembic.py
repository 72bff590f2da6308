"""``salesorder db upgrade``: a database written by salesorder 0.1.0 (schema 1) comes to the
current schema through the shipped Alembic revisions with every row intact, on SQLite and
PostgreSQL; what cannot be upgraded is refused untouched, and a failed revision leaves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, inspect, select, text, update
from sqlalchemy.exc import OperationalError
from tests.sql.data import schema_one

from salesorder import Money
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, migrate, schema
from salesorder.adapters.sql import alembic as migrations
from salesorder.adapters.sql.history import ADDED_IN_TWO
from salesorder.cli import main
from salesorder.domain.inventory import Reservation
from salesorder.domain.notifications import (
    Message,
    NotificationChannel,
    NotificationKind,
    OutboxEntry,
    OutboxStatus,
)
from salesorder.domain.outbox import OutboxState
from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.serialization import structure, unstructure

ROWS: dict[str, list[dict[str, Any]]] = json.loads(
    (Path(__file__).parent / "data" / "schema_one_rows.json").read_text(encoding="utf-8")
)
HEAD = migrations.revision_of(SCHEMA_VERSION)


def _drop_everything(url: str) -> None:
    engine = create_engine(url)
    found = MetaData()
    found.reflect(engine)
    found.drop_all(engine)
    engine.dispose()


@pytest.fixture
def empty(url: str) -> Iterator[str]:
    """:func:`url` with no table at all (the PostgreSQL database is shared by a test run)."""
    _drop_everything(url)
    yield url
    _drop_everything(url)


def _schema_one(url: str) -> None:
    """The database salesorder 0.1.0 left: its DDL and the rows it wrote."""
    engine = create_engine(url)
    with engine.begin() as conn:
        schema_one.metadata.create_all(conn)
        conn.execute(insert(schema_one.schema_info).values(id=1, version=1))
        for name, rows in ROWS.items():
            conn.execute(insert(schema_one.metadata.tables[name]), rows)
    engine.dispose()


def _dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in key order."""
    engine = create_engine(url)
    found = MetaData()
    found.reflect(engine)
    with engine.connect() as conn:
        dump = {
            table.name: [
                dict(row._mapping)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in found.sorted_tables
        }
    engine.dispose()
    return dump


def _differences(url: str) -> list[Any]:
    """What Alembic's autogenerate finds between the database and today's metadata."""
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": migrate.ALEMBIC_VERSION_TABLE}
        )
        found = compare_metadata(context, schema.metadata)
    engine.dispose()
    return found


def _db(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["db", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def _kept(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps([row["version"], row["doc"]], sort_keys=True) for row in rows)


def _unheld(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stock rows as schema 6 keeps them: their reservations out of the document."""
    return [{**row, "doc": {**row["doc"], "reservations": {}}} for row in rows]


def _held_in_schema_one(sku: str) -> dict[str, Reservation]:
    """The reservations that the schema-1 document of ``sku``'s level in JKT-1 held."""
    (doc,) = [
        r["doc"] for r in ROWS["so_stock_items"] if (r["warehouse"], r["sku"]) == ("JKT-1", sku)
    ]
    return {key: structure(value, Reservation) for key, value in doc["reservations"].items()}


def _notification() -> tuple[Message, OutboxEntry]:
    message = Message(
        key="OrderDelivered|ORD-000001|email", channel=NotificationChannel.EMAIL,
        recipient="budi@example.com", order_id="ORD-000001",
        kind=NotificationKind.ORDER_DELIVERED, locale="id_ID", subject="Delivered",
        body="Order ORD-000001 delivered",
    )  # fmt: skip
    at = dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.timezone.utc)
    entry = OutboxEntry(message=message, written_at=at, seq=1, attempts=3, last_error="smtp down")
    entry.status = OutboxStatus.FAILED
    return message, entry


def test_a_schema_one_database_upgrades_with_every_row_intact(
    empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _schema_one(empty)
    assert _db(capsys, "current", empty) == (0, "schema 1 (Alembic revision: none yet)\n", "")
    # Through schema 2 first, where a customer message is written as schema 2 wrote them.
    engine = create_engine(empty)
    cfg = migrations.config(engine)
    command.stamp(cfg, "0001")
    command.upgrade(cfg, "0002")
    message, entry = _notification()
    with engine.begin() as conn:
        conn.execute(
            insert(ADDED_IN_TWO.tables["so_notifications"]).values(
                key=message.key, order_id="ORD-000001", status="failed", version=1,
                doc=unstructure(entry),
            )
        )  # fmt: skip
    engine.dispose()

    status, out, err = _db(capsys, "upgrade", empty)

    assert (status, err) == (0, "")
    assert out == f"upgraded from schema 2: schema {SCHEMA_VERSION} (Alembic revision: {HEAD})\n"
    after = _dump(empty)
    assert after["so_schema"] == [{"id": 1, "version": SCHEMA_VERSION}]
    assert after[migrate.ALEMBIC_VERSION_TABLE] == [{"version_num": HEAD}]
    for name, rows in ROWS.items():  # every row, with its version and document as written
        assert _kept(after[name]) == _kept(rows if name != "so_stock_items" else _unheld(rows))
    # Amounts at the fixed scale, from the documents: 0.1.0 rounded 450001.50 to 450002.
    assert [(o["id"], o["gross_e4"], o["waiting_since"]) for o in after["so_orders"]] == [
        ("ORD-000001", 4_950_020_000, None),
        ("ORD-000002", 900_000_000, None),
        ("ORD-000003", 450_000_000, None),
    ]
    assert [(p["reference"], p["amount_e4"]) for p in after["so_payments"]] == [
        ("P-1", 1_000_000_000)
    ]
    assert [
        (s["sku"], s["on_hand"], s["reserved"], s["holds"]) for s in after["so_stock_items"]
    ] == [("MUG", 4, 2, 1), ("TSHIRT-RED-M", 7, 0, 0)]
    # MUG's reservation left its document (version 4) for a row of its own.
    assert after["so_stock_reservations"] == [
        {
            "warehouse": "JKT-1", "sku": "MUG", "key": "ORD-000002/1", "order_id": "ORD-000002",
            "line_id": "1", "quantity": 2, "created_at": "2026-01-05T09:00:00+00:00",
            "expires_at": None, "since": 4,
        }
    ]  # fmt: skip
    assert after["so_invoice_series"][0]["next_number"] == 2
    assert "so_notifications" not in after
    assert _differences(empty) == []  # the tables are today's, as SqlStore creates them

    store = SqlStore(empty, create=False)
    try:
        with store.unit_of_work() as uow:
            assert [o.id for o in uow.orders.list()] == ["ORD-000001", "ORD-000002", "ORD-000003"]
            assert uow.orders.get("ORD-000001").total == Money.of("495002", "IDR")
            assert uow.orders.waiting_for_stock() == []
            mug = uow.stock.get(("JKT-1", "MUG"))
            assert (mug.on_hand, mug.reserved) == (4, 2)
            assert mug.reservations == _held_in_schema_one("MUG")
            assert uow.payments.get("PAY-000001").amount == Money.of("100000", "IDR")
            assert uow.invoices.get("INV-000001").order_id == "ORD-000001"
            (item,) = uow.outbox.list()
    finally:
        store.dispose()
    assert item.call.message == message
    assert (item.state, item.attempts, item.last_error) == (OutboxState.PENDING, 3, "smtp down")


def test_upgrade_is_idempotent(empty: str, capsys: pytest.CaptureFixture[str]) -> None:
    _schema_one(empty)
    assert _db(capsys, "upgrade", empty)[0] == 0
    before = _dump(empty)
    status, out, _ = _db(capsys, "upgrade", empty)
    assert (status, out) == (0, f"up to date: schema {SCHEMA_VERSION} (Alembic revision: {HEAD})\n")
    assert _dump(empty) == before


def test_an_empty_database_is_upgraded_from_nothing(
    empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = _db(capsys, "upgrade", empty)
    assert (status, out) == (
        0, f"upgraded from schema 0: schema {SCHEMA_VERSION} (Alembic revision: {HEAD})\n"
    )  # fmt: skip
    assert _differences(empty) == []
    SqlStore(empty, create=False).dispose()


def test_a_store_database_is_stamped_at_its_version(empty: str) -> None:
    SqlStore(empty).dispose()
    assert migrations.current(empty) == migrations.Current(version=SCHEMA_VERSION)
    assert migrations.upgrade(empty) == SCHEMA_VERSION
    assert migrations.current(empty) == migrations.Current(version=SCHEMA_VERSION, heads=(HEAD,))


def test_a_stale_alembic_record_gives_way_to_the_schema_version(empty: str) -> None:
    """so_schema says 1 (tables dropped and made again); Alembic's leftover record says 0006."""
    SqlStore(empty).dispose()
    migrations.upgrade(empty)
    engine = create_engine(empty)
    schema.metadata.drop_all(engine)  # leaves so_alembic_version
    engine.dispose()
    _schema_one(empty)
    assert migrations.upgrade(empty) == 1
    assert _differences(empty) == []


def test_a_newer_schema_is_refused_untouched(
    empty: str, capsys: pytest.CaptureFixture[str]
) -> None:
    SqlStore(empty).dispose()
    engine = create_engine(empty)
    with engine.begin() as conn:
        conn.execute(update(schema.schema_info).values(version=SCHEMA_VERSION + 1))
    engine.dispose()
    before = _dump(empty)
    status, out, err = _db(capsys, "upgrade", empty)
    assert (status, out) == (2, "")
    assert err == (
        f"error: db upgrade: database schema is at {SCHEMA_VERSION + 1}, this salesorder needs "
        f"version {SCHEMA_VERSION}: migrate it (see the persistence guide) before use\n"
    )
    assert _dump(empty) == before  # not even stamped


def test_salesorder_tables_without_a_version_are_refused(empty: str) -> None:
    _schema_one(empty)
    engine = create_engine(empty)
    with engine.begin() as conn:
        conn.execute(schema.schema_info.delete())
    engine.dispose()
    with pytest.raises(SchemaVersionError, match="has no salesorder schema version"):
        migrations.upgrade(empty)
    assert migrations.current(empty) == migrations.Current(version=None)


def test_without_create_an_empty_database_is_refused(empty: str) -> None:
    with pytest.raises(SchemaVersionError, match="has no salesorder schema version"):
        migrations.upgrade(empty, create=False)
    assert _dump(empty) == {}


def test_a_failed_revision_leaves_its_step_undone(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step 1 -> 2 fails after its DDL ran: the column and tables it made are gone again."""
    real = migrate._STEPS[1]

    def failing(conn: Any) -> None:
        real(conn)
        raise OperationalError("ALTER TABLE so_orders ...", {}, Exception("disk I/O error"))

    monkeypatch.setitem(migrate._STEPS, 1, failing)
    _schema_one(empty)
    with pytest.raises(PersistenceError, match=r"disk I/O error.*changed nothing.*at schema 1"):
        migrations.upgrade(empty)
    engine = create_engine(empty)
    tables = inspect(engine).get_table_names()
    columns = {column["name"] for column in inspect(engine).get_columns("so_orders")}
    engine.dispose()
    assert "waiting_since" not in columns
    assert "so_returns" not in tables
    assert migrations.current(empty) == migrations.Current(version=1, heads=("0001",))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "not a database URL: 'not a url'"),
        ("nosuchdb://x/y", "unknown kind of database in 'nosuchdb://x/y'"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/none", "cannot use the database: "),
    ],
)
def test_a_bad_or_unreachable_database_is_one_line_and_status_2(
    url: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for action in ("upgrade", "current"):
        status, out, err = _db(capsys, action, url)
        assert (status, out) == (2, "")
        assert err.startswith(f"error: db {action}: {message}")
        assert err.count("\n") == 1


def test_current_never_creates_a_database_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    status, _, err = _db(capsys, "current", f"sqlite:///{missing}")
    assert (status, err) == (2, f"error: db current: no database file {str(missing)!r}\n")
    assert not missing.exists()


def _without_alembic(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the migrate extra were not installed."""
    from salesorder.adapters import sql

    monkeypatch.setitem(sys.modules, "alembic", None)
    monkeypatch.delitem(sys.modules, "salesorder.adapters.sql.alembic")
    monkeypatch.delattr(sql, "alembic")


def test_without_the_extra_db_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _without_alembic(monkeypatch)
    status, out, err = _db(capsys, "upgrade", f"sqlite:///{tmp_path / 'shop.db'}")
    assert (status, out) == (2, "")
    assert err == "error: db upgrade: alembic is not installed: pip install 'salesorder[migrate]'\n"


def test_without_the_extra_upgrade_runs_the_same_steps(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _schema_one(empty)
    _without_alembic(monkeypatch)
    assert migrate.upgrade(empty) == 1
    assert migrate.upgrade(empty) == SCHEMA_VERSION
    assert _differences(empty) == []
    engine = create_engine(empty)
    with engine.connect() as conn:
        assert not inspect(conn).has_table(migrate.ALEMBIC_VERSION_TABLE)
        gross = conn.execute(text("SELECT gross_e4 FROM so_orders WHERE id = 'ORD-000001'"))
        assert gross.scalar_one() == Decimal("495002").scaleb(4)
    engine.dispose()


def test_without_the_extra_a_database_alembic_manages_is_refused(
    empty: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _schema_one(empty)
    engine = create_engine(empty)
    cfg = migrations.config(engine)
    command.stamp(cfg, "0001")
    command.upgrade(cfg, "0004")
    engine.dispose()
    _without_alembic(monkeypatch)
    with pytest.raises(PersistenceError, match=r"managed by Alembic: pip install 'salesorder\["):
        migrate.upgrade(empty)
    assert migrations.current(empty) == migrations.Current(version=4, heads=("0004",))


@pytest.mark.parametrize(
    "url",
    [
        "mysql://shop:s3cret@db.example/shop",  # a driver that is not installed
        "nosuchdb://shop:s3cret@db.example/shop",  # a kind of database that does not exist
        "postgresql://shop:s3cret@db.example:port/shop",  # a port that is not a number
        "postgresql://shop:s3c@ret@db.example:port/shop",  # an @ in the password
    ],
)
def test_a_password_in_a_bad_url_is_never_printed(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for action in ("upgrade", "current"):
        status, out, err = _db(capsys, action, url)
        assert (status, out) == (2, "")
        assert err.startswith(f"error: db {action}: ")
        assert "shop:***@" in err
        assert "s3c" not in err


def test_a_url_that_is_not_text_is_refused() -> None:
    with pytest.raises(PersistenceError, match="a database URL is text or an Engine, got 42"):
        migrations.upgrade(42)  # type: ignore[arg-type]


def test_a_sqlite_path_that_is_a_folder_or_in_no_folder_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shop.db"
    folder.mkdir()
    orphan = tmp_path / "missing" / "shop.db"
    for action in ("upgrade", "current"):
        status, _, err = _db(capsys, action, f"sqlite:///{folder}")
        assert (status, err) == (
            2, f"error: db {action}: the database file {str(folder)!r} is a folder\n"
        )  # fmt: skip
        status, _, err = _db(capsys, action, f"sqlite:///{orphan}")
        assert (status, err) == (
            2,
            f"error: db {action}: no folder {str(orphan.parent)!r} for the database file "
            f"{str(orphan)!r}\n",
        )
    assert list(folder.iterdir()) == []
    assert not orphan.parent.exists()


def test_a_step_another_upgrade_ran_first_is_refused_untouched(empty: str) -> None:
    """Two deploys upgrade at once: the later one finds schema 2 where it expected 1."""
    _schema_one(empty)
    engine = create_engine(empty)
    with engine.begin() as conn:
        migrate.step(conn, 1)
    before = _dump(empty)
    with (
        pytest.raises(PersistenceError, match=r"step 1 -> 2 refused: .* at schema 2 now"),
        engine.begin() as conn,
    ):
        migrate.step(conn, 1)
    with (
        pytest.raises(PersistenceError, match=r"step 0 -> 1 refused: .* at schema 2 now"),
        engine.begin() as conn,
    ):
        migrate.step(conn, 0)
    engine.dispose()
    assert _dump(empty) == before


def test_upgrades_at_the_same_time_in_one_process_take_turns(empty: str) -> None:
    """Alembic's context is one per process: without turns, threads break each other."""
    results: list[object] = []

    def run() -> None:
        try:
            results.append(migrations.upgrade(empty))
        except Exception as error:  # recorded, then compared
            results.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=repr) == [0, SCHEMA_VERSION, SCHEMA_VERSION]
    assert migrations.current(empty) == migrations.Current(version=SCHEMA_VERSION, heads=(HEAD,))


def test_upgrades_at_the_same_time_from_processes_take_turns_on_postgresql(
    postgres_url: str,
) -> None:
    """Three deploys upgrade one PostgreSQL database at once: one upgrades, two find it done."""
    _drop_everything(postgres_url)
    argv = [sys.executable, "-m", "salesorder", "db", "upgrade", postgres_url]
    runs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own CLI
        for _ in range(3)
    ]
    outputs = [(run.wait(), *run.communicate()) for run in runs]
    assert [status for status, _, _ in outputs] == [0, 0, 0], outputs
    assert sorted(out.split(":")[0] for _, out, _ in outputs) == [
        "up to date", "up to date", "upgraded from schema 0"
    ]  # fmt: skip
    assert migrations.current(postgres_url) == migrations.Current(
        version=SCHEMA_VERSION, heads=(HEAD,)
    )
