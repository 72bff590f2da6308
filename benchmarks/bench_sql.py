"""Persistence: reservations per second on SQLite and PostgreSQL, and a whole story per order.

Reservations: ``workers`` processes each make ``PER_WORKER`` reservation attempts on 16 SKUs
(one unit of work per reservation, retried on conflict); the stock holds fewer units than are
asked for in all, so some are refused. The baseline is a raw loop doing the same work on the
same database in the same run, with the same SKUs, quantities and worker counts: one
transaction per reservation, a guarded ``UPDATE ... SET reserved = reserved + q WHERE
on_hand - reserved >= q`` of a stock level row and an ``INSERT`` of the reservation row,
through the database driver itself. Library and raw runs alternate (``ROUNDS`` of each,
the best kept), so both see the same machine. After every run, library and raw, the
benchmark checks there was no oversell (0 <= reserved <= on hand, reserved == the sum of
the stored reservations, as many stored reservations as were made) and raises if there was.
Every worker sets up before the race starts: the raw loop connects; the library connects,
checks the schema and reads one stock level (see ``_sql_worker``). Beside the rates, each
worker counts the CPU time of its own process and (the library) the conflicts it retried; the
raw loop counts its statements, and the library's are counted in a run of their own
(``_library_statements``): under load a rate mostly measures how long a process waits for a CPU,
which punishes the side that spends more CPU per reservation, so the CPU per reservation is
the figure that compares across machines.

Story: the whole order-to-cash story of the walking skeleton (place, confirm, reserve, ship,
track, invoice, pay, complete) per order, on SQLite (file) and PostgreSQL, against the
in-memory adapter in the same run: its wall time, and the CPU time of this process per order
(the database's own work and its disk are not in it). Beside it, the floor: a raw loop doing,
per command, one read of a row by key and one durable write of it, through the driver in
autocommit: what a store must spend on that database and disk however little else it does.

PostgreSQL comes from ``SALESORDER_BENCH_POSTGRES_URL`` (default: the local server's
``test`` database); its rows are left out, with a note, when it cannot be reached. Its
salesorder tables are dropped and re-created.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import multiprocessing
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

from _harness import Row
from salesorder.adapters.memory import InMemoryEventBus, ManualClock
from salesorder.adapters.sql import SqlStore, metadata
from salesorder.adapters.system import UuidIds
from salesorder.bootstrap import build
from salesorder.domain.catalog import Product
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import TrackingStatus
from salesorder.exceptions import ConcurrencyConflict, InsufficientStock
from salesorder.money import Money
from salesorder.ports.persistence import UnitOfWork
from salesorder.serialization import unstructure
from salesorder.services import commands
from salesorder.services.app import SalesApp

POSTGRES_URL = os.environ.get(
    "SALESORDER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SKUS = [f"SKU-{n:02d}" for n in range(16)]
PER_WORKER = 150
STORIES = 20
ROUNDS = 3
WORKERS = (1, 4, 8)
AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _stock(uow_factory: Callable[[], UnitOfWork], on_hand: int) -> None:
    with uow_factory() as uow:
        for sku in SKUS:
            uow.stock.add(StockItem(warehouse="WH", sku=sku, on_hand=on_hand))
        uow.commit()


def _attempts(worker: int, count: int) -> list[tuple[str, str, int]]:
    """The (reservation key, SKU, quantity) of each attempt of ``worker``: library and raw alike."""
    rng = random.Random(worker)
    return [(f"W{worker}-{n}", rng.choice(SKUS), rng.randint(1, 3)) for n in range(count)]


@dataclass(frozen=True)
class Tally:
    """What workers did: reservations made, CPU seconds, statements sent, conflicts retried."""

    made: int = 0
    cpu: float = 0.0
    statements: int = 0
    conflicts: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.made + other.made,
            self.cpu + other.cpu,
            self.statements + other.statements,
            self.conflicts + other.conflicts,
        )


@contextlib.contextmanager
def _counting(engine: Engine) -> Iterator[list[int]]:
    """Count the statements ``engine`` sends inside the block (one cell, read after it)."""
    sent = [0]

    def count(*_args: object) -> None:
        sent[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _reserve_many(uow_factory: Callable[[], UnitOfWork], worker: int, count: int) -> Tally:
    """Make ``count`` reservation attempts; those that succeeded and the conflicts retried."""
    rng = random.Random(-worker)
    made = conflicts = 0
    for n, (key, sku, quantity) in enumerate(_attempts(worker, count)):
        reservation = Reservation(
            key=key, order_id=f"W{worker}", line_id=str(n), quantity=quantity, created_at=AT
        )
        while True:
            try:
                with uow_factory() as uow:
                    uow.stock.get(("WH", sku)).reserve(reservation)
                    uow.commit()
                made += 1
                break
            except ConcurrencyConflict:
                conflicts += 1
                time.sleep(rng.uniform(0, 0.002))
            except InsufficientStock:
                break
    return Tally(made=made, conflicts=conflicts)


def _sql_worker(url: str, worker: int, count: int, barrier: object) -> Tally:
    store = SqlStore(url, create=False)
    # Set up before the race, as the raw loop connects before it: a process builds its
    # converters and statements once, on its first document (about 0.1 s of CPU, what a few
    # hundred reservations cost, which would otherwise fall into the first one).
    with store.unit_of_work() as uow:
        unstructure(uow.stock.get(("WH", SKUS[0])))
    barrier.wait()  # type: ignore[attr-defined]
    try:
        start = time.process_time()
        tally = _reserve_many(store, worker, count)
        cpu = time.process_time() - start
        return tally + Tally(cpu=cpu)
    finally:
        store.dispose()


def _library_statements(url: str) -> float:
    """Statements per reservation made by the library, counted in a run of its own.

    Counting listens to the engine, and a watched engine sends every statement through
    SQLAlchemy (``salesorder.adapters.sql.driver``): the same statements, by a slower path,
    so they are counted apart from the timed runs.
    """
    store = _fresh(url)
    _stock(store, on_hand=PER_WORKER)
    try:
        with _counting(store.engine) as sent:
            made = _reserve_many(store, 0, PER_WORKER).made
    finally:
        store.dispose()
    return sent[0] / made


def _check_no_oversell(uow_factory: Callable[[], UnitOfWork], made: int) -> None:
    """Raise unless every level holds 0 <= reserved <= on hand and ``made`` reservations."""
    with uow_factory() as uow:
        held = 0
        for item in uow.stock.list():
            if not 0 <= item.reserved <= item.on_hand:
                raise AssertionError(f"oversold {item.sku}: {item.reserved} of {item.on_hand}")
            held += len(item.reservations)
    if held != made:
        raise AssertionError(f"{made} reservations made, {held} stored")


def _fresh(url: str) -> SqlStore:
    """A store on ``url`` with empty salesorder tables."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return SqlStore(url)


def _on_hand(workers: int) -> int:
    """Fewer units than are asked for in all: the last reservations are refused, never oversold."""
    return workers * PER_WORKER * 2 // len(SKUS)


def _race(
    url: str, workers: int, worker: Callable[[str, int, int, object], Tally]
) -> tuple[Tally, float]:
    """Run ``worker`` in ``workers`` processes at once; what they did and the seconds taken."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(workers + 1)
        with context.Pool(workers) as pool:
            pending = pool.starmap_async(
                worker, [(url, w, PER_WORKER, barrier) for w in range(workers)]
            )
            barrier.wait()
            start = time.perf_counter()
            tally = sum(pending.get(), Tally())
            elapsed = time.perf_counter() - start
    return tally, elapsed


def _library_reservations(url: str, workers: int) -> tuple[Tally, float]:
    store = _fresh(url)
    _stock(store, on_hand=_on_hand(workers))
    tally, elapsed = _race(url, workers, _sql_worker)
    _check_no_oversell(store, tally.made)
    store.dispose()
    return tally, elapsed


# -- the raw baseline: the same reservations as two statements of the driver ---------------------

_RAW_TABLES = (
    """CREATE TABLE bench_raw_stock (
        warehouse VARCHAR(120) NOT NULL, sku VARCHAR(120) NOT NULL,
        on_hand {quantity} NOT NULL, reserved {quantity} NOT NULL,
        PRIMARY KEY (warehouse, sku),
        CHECK (on_hand >= 0), CHECK (reserved >= 0 AND reserved <= on_hand))""",
    """CREATE TABLE bench_raw_reservations (
        key VARCHAR(120) PRIMARY KEY, warehouse VARCHAR(120) NOT NULL,
        sku VARCHAR(120) NOT NULL, order_id VARCHAR(120) NOT NULL,
        line_id VARCHAR(120) NOT NULL, quantity {quantity} NOT NULL,
        created_at VARCHAR(40) NOT NULL)""",
)


def _raw_connection(url: str) -> Any:
    """A DBAPI connection of the driver the library uses for ``url`` (psycopg, sqlite3)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return sqlite3.connect(parsed.database or ":memory:", timeout=30)
    import psycopg  # noqa: PLC0415 - the postgres extra, needed only for PostgreSQL rows

    return psycopg.connect(
        parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    )


def _raw_sql(url: str, statement: str) -> str:
    """``statement`` with the driver's placeholders (``%s`` for psycopg, ``?`` for sqlite3)."""
    return (
        statement if make_url(url).get_backend_name() != "sqlite" else statement.replace("%s", "?")
    )


def _raw_fresh(url: str, on_hand: int) -> None:
    """Empty raw tables, with ``on_hand`` units of every SKU."""
    quantity = "NUMERIC(16, 6)" if make_url(url).get_backend_name() != "sqlite" else "INTEGER"
    with contextlib.closing(_raw_connection(url)) as conn:
        for table in ("bench_raw_reservations", "bench_raw_stock"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for ddl in _RAW_TABLES:
            conn.execute(ddl.format(quantity=quantity))
        conn.cursor().executemany(
            _raw_sql(url, "INSERT INTO bench_raw_stock VALUES ('WH', %s, %s, 0)"),
            [(sku, on_hand) for sku in SKUS],
        )
        conn.commit()


def _raw_worker(url: str, worker: int, count: int, barrier: object) -> Tally:
    """The raw loop: one transaction per reservation, a guarded UPDATE and an INSERT."""
    reserve = _raw_sql(
        url,
        "UPDATE bench_raw_stock SET reserved = reserved + %s"
        " WHERE warehouse = 'WH' AND sku = %s AND on_hand - reserved >= %s",
    )
    hold = _raw_sql(url, "INSERT INTO bench_raw_reservations VALUES (%s, 'WH', %s, %s, %s, %s, %s)")
    at = AT.isoformat()
    made = statements = 0
    with contextlib.closing(_raw_connection(url)) as conn:
        barrier.wait()  # type: ignore[attr-defined]
        start = time.process_time()
        for n, (key, sku, quantity) in enumerate(_attempts(worker, count)):
            statements += 1
            if conn.execute(reserve, (quantity, sku, quantity)).rowcount == 1:
                statements += 1
                conn.execute(hold, (key, sku, f"W{worker}", str(n), quantity, at))
                made += 1
            conn.commit()
        cpu = time.process_time() - start
    return Tally(made=made, cpu=cpu, statements=statements)


def _raw_check_no_oversell(url: str, made: int) -> None:
    with contextlib.closing(_raw_connection(url)) as conn:
        rows = conn.execute(
            "SELECT s.sku, s.on_hand, s.reserved, COALESCE(SUM(r.quantity), 0), COUNT(r.key)"
            " FROM bench_raw_stock s LEFT JOIN bench_raw_reservations r"
            " ON r.warehouse = s.warehouse AND r.sku = s.sku"
            " GROUP BY s.sku, s.on_hand, s.reserved"
        ).fetchall()
        held = 0
        for sku, on_hand, reserved, total, count in rows:
            if not 0 <= reserved <= on_hand or reserved != total:
                raise AssertionError(f"raw loop oversold {sku}: {reserved} ({total}) of {on_hand}")
            held += count
        if held != made:
            raise AssertionError(f"raw loop: {made} reservations made, {held} stored")
        for table in ("bench_raw_reservations", "bench_raw_stock"):
            conn.execute(f"DROP TABLE {table}")
        conn.commit()


def _raw_reservations(url: str, workers: int) -> tuple[Tally, float]:
    _raw_fresh(url, _on_hand(workers))
    tally, elapsed = _race(url, workers, _raw_worker)
    _raw_check_no_oversell(url, tally.made)
    return tally, elapsed


def _story(app: SalesApp) -> None:
    """The walking skeleton's whole story for ``STORIES`` orders."""
    address = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="WH", name="Main", address=address)))
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TEE",
                name="T-shirt",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg="0.3",
                initial_stock=STORIES * 2,
            ),
            warehouse="WH",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(address,))))
    courier = app.couriers["jnt"]
    for n in range(STORIES):
        order_id = app.execute(
            commands.PlaceOrder(
                customer_id="C1",
                lines=(commands.NewLine(sku="TEE", quantity=2),),
                payment_method=PaymentMethod.COD,
            )
        )
        app.execute(commands.ConfirmOrder(order_id=order_id))
        app.execute(commands.ReserveStock(order_id=order_id))
        shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
        with app.uow() as uow:
            shipment = uow.shipments.get(shipment_id)
        courier.report(shipment.tracking_number, TrackingStatus.DELIVERED, app.clock.now())  # type: ignore[attr-defined]
        app.execute(commands.SyncTracking(shipment_id=shipment_id))
        app.execute(commands.IssueInvoice(order_id=order_id))
        assert shipment.cod_amount is not None
        app.execute(
            commands.RecordPayment(
                order_id=order_id,
                amount=shipment.cod_amount,
                method=PaymentMethod.COD,
                reference=f"COD-{n}",
            )
        )
        app.execute(commands.CompleteOrder(order_id=order_id))


def _story_ms_per_order(database_url: str | None) -> tuple[float, float]:
    """Wall and CPU milliseconds per order of the story on ``database_url`` (None: memory)."""
    if database_url is not None:
        _fresh(database_url).dispose()
    app = build(database_url=database_url)
    app = SalesApp(
        uow=app.uow,
        clock=ManualClock(),
        ids=UuidIds(),
        events=InMemoryEventBus(),
        settings=app.settings,
        couriers=app.couriers,
        einvoice=app.einvoice,
    )
    start, cpu = time.perf_counter(), time.process_time()
    _story(app)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if isinstance(app.uow, SqlStore):
        app.uow.dispose()
    return elapsed / STORIES * 1000, cpu / STORIES * 1000


#: The story's commands per order: place, confirm, reserve, ship, track, invoice, pay, complete.
COMMANDS = 8


def _story_floor_ms_per_order(url: str) -> tuple[float, float]:
    """What any store must spend per order of the story on ``url``, at the least.

    Per command, one read of a row by its key and one durable write of it (an insert for
    the first command, then a version-checked update), each statement committing on its own
    (autocommit), through the driver itself: what a command that reads and changes one
    aggregate cannot do with less. Wall and CPU milliseconds per order, as the story's.
    """
    doc = json.dumps({"lines": [{"sku": "TEE", "note": "x" * 60}] * 12})  # an order's size
    with contextlib.closing(_raw_connection(url)) as conn:
        if isinstance(conn, sqlite3.Connection):
            conn.isolation_level = None
            conn.execute("PRAGMA journal_mode=WAL")  # as the library's SQLite store runs
        else:
            conn.autocommit = True
        conn.execute("DROP TABLE IF EXISTS bench_raw_story")
        conn.execute(
            "CREATE TABLE bench_raw_story (id VARCHAR(120) PRIMARY KEY,"
            " version INTEGER NOT NULL, doc TEXT NOT NULL)"
        )
        read = _raw_sql(url, "SELECT version, doc FROM bench_raw_story WHERE id = %s")
        add = _raw_sql(url, "INSERT INTO bench_raw_story VALUES (%s, 1, %s)")
        change = _raw_sql(
            url, "UPDATE bench_raw_story SET version = %s, doc = %s WHERE id = %s AND version = %s"
        )
        start, cpu = time.perf_counter(), time.process_time()
        for n in range(STORIES):
            key = f"ORD-{n}"
            conn.execute(read, (key,)).fetchall()
            conn.execute(add, (key, doc))
            for version in range(1, COMMANDS):
                conn.execute(read, (key,)).fetchall()
                conn.execute(change, (version + 1, doc, key, version))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        conn.execute("DROP TABLE bench_raw_story")
    return elapsed / STORIES * 1000, cpu / STORIES * 1000


def _postgres_reachable() -> bool:
    try:
        _fresh(POSTGRES_URL).dispose()
    except Exception:
        return False
    return True


def _reservation_rows(name: str, url: str) -> list[Row]:
    """Library and raw loop at each worker count, alternating, the best of ``ROUNDS`` each.

    Per worker count: the rate (the best run), the CPU per reservation (the least) and the
    statements per reservation made (the library's counted in a run of its own, one worker:
    ``_library_statements``; the share of commits that conflicted is from the best run).
    """
    best: dict[tuple[str, int], tuple[Tally, float]] = {}
    cpu: dict[tuple[str, int], float] = {}
    for _, workers, side in itertools.product(range(ROUNDS), WORKERS, ("library", "raw")):
        measure = _library_reservations if side == "library" else _raw_reservations
        tally, elapsed = measure(url, workers)
        if (side, workers) not in best or tally.made / elapsed > _rate(best[side, workers]):
            best[side, workers] = tally, elapsed
        per = tally.cpu / tally.made * 1e6
        cpu[side, workers] = min(per, cpu.get((side, workers), per))
    rows = []
    statements = _library_statements(url)
    for workers in WORKERS:
        library, raw = best["library", workers][0], best["raw", workers][0]
        attempts = library.conflicts / (library.made + library.conflicts)
        rows += [
            Row(
                name=f"reservations/s {name}, {workers} workers (raw guarded UPDATE = baseline)",
                measured=_rate(best["library", workers]),
                baseline=_rate(best["raw", workers]),
                unit="/s",
                target=">= 0.5x, no oversell" if name == "PostgreSQL" else "no oversell",
            ),
            Row(
                name=f"  CPU per reservation, {workers} workers (client process)",
                measured=cpu["library", workers],
                baseline=cpu["raw", workers],
                unit="us",
                target="report",
            ),
            Row(
                name=f"  statements per reservation, {workers} workers "
                f"({attempts:.0%} of commits conflicted)",
                measured=statements,
                baseline=raw.statements / raw.made,
                unit="",
                target="report",
            ),
        ]
    return rows


def _rate(run: tuple[Tally, float]) -> float:
    tally, elapsed = run
    return tally.made / elapsed


def run() -> list[Row]:
    """Reservation throughput per backend and worker count, and the story's cost per order."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        backends = [("SQLite file", f"sqlite:///{Path(folder) / 'bench.db'}")]
        if _postgres_reachable():
            backends.append(("PostgreSQL", POSTGRES_URL))
        else:
            print(f"PostgreSQL at {POSTGRES_URL} is not reachable: its rows are left out")
        for name, url in backends:
            rows.extend(_reservation_rows(name, url))
        # Alternate memory and database runs of the story, keeping the best of each.
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}
        for _, (name, url) in itertools.product(range(ROUNDS), [("memory", None), *backends]):
            took, spent = _story_ms_per_order(url)
            wall[name] = min(took, wall.get(name, took))
            cpu[name] = min(spent, cpu.get(name, spent))
            if url is not None:
                took, spent = _story_floor_ms_per_order(url)
                wall[f"{name} floor"] = min(took, wall.get(f"{name} floor", took))
        for name, _ in backends:
            rows += [
                Row(
                    name=f"order-to-cash story per order, {name} vs memory",
                    measured=wall[name],
                    baseline=wall["memory"],
                    unit="ms",
                    target="<= 4x" if name == "PostgreSQL" else "report",
                ),
                Row(
                    name="  CPU of this process per order",
                    measured=cpu[name],
                    baseline=cpu["memory"],
                    unit="ms",
                    target="report",
                ),
                Row(
                    name=f"  floor: {COMMANDS} commands x (a read + a durable write), raw",
                    measured=wall[f"{name} floor"],
                    baseline=wall["memory"],
                    unit="ms",
                    target="report",
                ),
            ]
    return rows
