"""Persistence: reservations per second on SQLite and PostgreSQL, and a whole story per order.

Reservations: ``workers`` processes each make reservations on 16 SKUs (one unit of work per
reservation, retried on conflict) until each has made ``PER_WORKER``; the stock holds fewer
units than are asked for in all, so some are refused. After each run the benchmark checks
there was no oversell (reserved <= on hand, reserved == the sum of stored reservations) and
raises if there was. The baseline is the same single-process work on the in-memory adapter.

Story: the whole order-to-cash story of the walking skeleton (place, confirm, reserve, ship,
track, invoice, pay, complete) per order, on SQLite (file) and PostgreSQL, against the
in-memory adapter in the same run.

PostgreSQL comes from ``SALESORDER_BENCH_POSTGRES_URL`` (default: the local server's
``test`` database); its rows are left out, with a note, when it cannot be reached. Its
salesorder tables are dropped and re-created.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine

from _harness import Row
from salesorder.adapters.memory import InMemoryEventBus, InMemoryStore, ManualClock
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
AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def _stock(uow_factory: Callable[[], UnitOfWork], on_hand: int) -> None:
    with uow_factory() as uow:
        for sku in SKUS:
            uow.stock.add(StockItem(warehouse="WH", sku=sku, on_hand=on_hand))
        uow.commit()


def _reserve_many(uow_factory: Callable[[], UnitOfWork], worker: int, count: int) -> int:
    """Make ``count`` reservation attempts; the number that succeeded."""
    rng = random.Random(worker)
    made = 0
    for n in range(count):
        sku = rng.choice(SKUS)
        reservation = Reservation(
            key=f"W{worker}-{n}",
            order_id=f"W{worker}",
            line_id=str(n),
            quantity=rng.randint(1, 3),
            created_at=AT,
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


def _check_no_oversell(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        for item in uow.stock.list():
            if not 0 <= item.reserved <= item.on_hand:
                raise AssertionError(f"oversold {item.sku}: {item.reserved} of {item.on_hand}")


def _fresh(url: str) -> SqlStore:
    """A store on ``url`` with empty salesorder tables."""
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return SqlStore(url)


def _reservations_per_second(url: str, workers: int) -> float:
    store = _fresh(url)
    # Fewer units than asked for in all: the last reservations are refused, never oversold.
    _stock(store, on_hand=workers * PER_WORKER * 2 // len(SKUS))
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(workers + 1)
        with context.Pool(workers) as pool:
            pending = pool.starmap_async(
                _sql_worker, [(url, w, PER_WORKER, barrier) for w in range(workers)]
            )
            barrier.wait()
            start = time.perf_counter()
            made = sum(pending.get())
            elapsed = time.perf_counter() - start
    _check_no_oversell(store)
    store.dispose()
    return made / elapsed


def _memory_reservations_per_second() -> float:
    store = InMemoryStore()
    _stock(store, on_hand=PER_WORKER * 2 // len(SKUS) * 8)
    start = time.perf_counter()
    made = _reserve_many(store, 0, PER_WORKER * 4)
    return made / (time.perf_counter() - start)


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


def run() -> list[Row]:
    """Reservation throughput per backend and worker count, and the story's cost per order."""
    rows: list[Row] = []
    memory_rate = _memory_reservations_per_second()
    with tempfile.TemporaryDirectory() as folder:
        backends = [("SQLite file", f"sqlite:///{Path(folder) / 'bench.db'}")]
        if _postgres_reachable():
            backends.append(("PostgreSQL", POSTGRES_URL))
        else:
            print(f"PostgreSQL at {POSTGRES_URL} is not reachable: its rows are left out")
        for name, url in backends:
            for workers in (1, 4, 8):
                rate = _reservations_per_second(url, workers)
                rows.append(
                    Row(
                        name=f"reservations/s {name}, {workers} workers (memory = baseline)",
                        measured=rate,
                        baseline=memory_rate,
                        unit="/s",
                        target="no oversell",
                    )
                )
        memory_story = _story_ms_per_order(None)
        for name, url in backends:
            rows.append(
                Row(
                    name=f"order-to-cash story per order, {name} vs memory",
                    measured=_story_ms_per_order(url),
                    baseline=memory_story,
                    unit="ms",
                    target="report",
                )
            )
    return rows
