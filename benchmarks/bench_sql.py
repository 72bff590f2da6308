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

Story: the whole order-to-cash story of the walking skeleton (place, confirm, reserve, ship,
track, invoice, pay, complete) per order, on SQLite (file) and PostgreSQL, against the
in-memory adapter in the same run.

PostgreSQL comes from ``SALESORDER_BENCH_POSTGRES_URL`` (default: the local server's
``test`` database); its rows are left out, with a note, when it cannot be reached. Its
salesorder tables are dropped and re-created.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import multiprocessing
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url

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


def _reserve_many(uow_factory: Callable[[], UnitOfWork], worker: int, count: int) -> int:
    """Make ``count`` reservation attempts; the number that succeeded."""
    rng = random.Random(-worker)
    made = 0
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
                time.sleep(rng.uniform(0, 0.002))
            except InsufficientStock:
                break
    return made


def _sql_worker(url: str, worker: int, count: int, barrier: object) -> int:
    store = SqlStore(url, create=False)
    barrier.wait()  # type: ignore[attr-defined]
    try:
        return _reserve_many(store, worker, count)
    finally:
        store.dispose()


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
    url: str, workers: int, worker: Callable[[str, int, int, object], int]
) -> tuple[int, float]:
    """Run ``worker`` in ``workers`` processes at once; reservations made and seconds taken."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(workers + 1)
        with context.Pool(workers) as pool:
            pending = pool.starmap_async(
                worker, [(url, w, PER_WORKER, barrier) for w in range(workers)]
            )
            barrier.wait()
            start = time.perf_counter()
            made = sum(pending.get())
            elapsed = time.perf_counter() - start
    return made, elapsed


def _reservations_per_second(url: str, workers: int) -> float:
    store = _fresh(url)
    _stock(store, on_hand=_on_hand(workers))
    made, elapsed = _race(url, workers, _sql_worker)
    _check_no_oversell(store, made)
    store.dispose()
    return made / elapsed


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


def _raw_worker(url: str, worker: int, count: int, barrier: object) -> int:
    """The raw loop: one transaction per reservation, a guarded UPDATE and an INSERT."""
    reserve = _raw_sql(
        url,
        "UPDATE bench_raw_stock SET reserved = reserved + %s"
        " WHERE warehouse = 'WH' AND sku = %s AND on_hand - reserved >= %s",
    )
    hold = _raw_sql(url, "INSERT INTO bench_raw_reservations VALUES (%s, 'WH', %s, %s, %s, %s, %s)")
    at = AT.isoformat()
    made = 0
    with contextlib.closing(_raw_connection(url)) as conn:
        barrier.wait()  # type: ignore[attr-defined]
        for n, (key, sku, quantity) in enumerate(_attempts(worker, count)):
            if conn.execute(reserve, (quantity, sku, quantity)).rowcount == 1:
                conn.execute(hold, (key, sku, f"W{worker}", str(n), quantity, at))
                made += 1
            conn.commit()
    return made


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


def _raw_reservations_per_second(url: str, workers: int) -> float:
    _raw_fresh(url, _on_hand(workers))
    made, elapsed = _race(url, workers, _raw_worker)
    _raw_check_no_oversell(url, made)
    return made / elapsed


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


def _story_ms_per_order(database_url: str | None) -> float:
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
    start = time.perf_counter()
    _story(app)
    elapsed = time.perf_counter() - start
    if isinstance(app.uow, SqlStore):
        app.uow.dispose()
    return elapsed / STORIES * 1000


def _postgres_reachable() -> bool:
    try:
        _fresh(POSTGRES_URL).dispose()
    except Exception:
        return False
    return True


def _reservation_rows(name: str, url: str) -> list[Row]:
    """Library and raw loop at each worker count, alternating, the best of ``ROUNDS`` each."""
    best: dict[tuple[str, int], float] = {}
    for _, workers, side in itertools.product(range(ROUNDS), WORKERS, ("library", "raw")):
        measure = _reservations_per_second if side == "library" else _raw_reservations_per_second
        rate = measure(url, workers)
        best[side, workers] = max(rate, best.get((side, workers), 0.0))
    return [
        Row(
            name=f"reservations/s {name}, {workers} workers (raw guarded UPDATE = baseline)",
            measured=best["library", workers],
            baseline=best["raw", workers],
            unit="/s",
            target=">= 0.5x, no oversell" if name == "PostgreSQL" else "no oversell",
        )
        for workers in WORKERS
    ]


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
        story: dict[str, float] = {}
        for _, (name, url) in itertools.product(range(ROUNDS), [("memory", None), *backends]):
            took = _story_ms_per_order(url)
            story[name] = min(took, story.get(name, took))
        for name, _ in backends:
            rows.append(
                Row(
                    name=f"order-to-cash story per order, {name} vs memory",
                    measured=story[name],
                    baseline=story["memory"],
                    unit="ms",
                    target="<= 4x" if name == "PostgreSQL" else "report",
                )
            )
    return rows
