"""Several processes on one PostgreSQL database: no oversell, no lost reservation, no gap."""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import pytest

from salesorder.adapters.sql import SqlStore
from salesorder.bootstrap import build
from salesorder.domain.catalog import Product
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.inventory import StockItem
from salesorder.money import Money
from salesorder.services import commands

from . import workers

pytestmark = pytest.mark.postgres

T = TypeVar("T")

WORKERS = 8
ADDRESS = Address(line1="Jl. Merdeka 1", city="Jakarta", country="ID")


def _shop(url: str, stock: int, orders: int) -> list[str]:
    """A warehouse, a product with ``stock`` units, and ``orders`` confirmed orders of one unit."""
    app = build(database_url=url)
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="WH", name="Main", address=ADDRESS)))
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="LAST-ONE",
                name="The last one",
                price=Money.of("100000", "IDR"),
                unit_cost=Money.of("60000", "IDR"),
                initial_stock=stock,
            ),
            warehouse="WH",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Sari", addresses=(ADDRESS,))))
    ids = []
    for _ in range(orders):
        order_id = app.execute(
            commands.PlaceOrder(
                customer_id="C1", lines=(commands.NewLine(sku="LAST-ONE", quantity=1),)
            )
        )
        app.execute(commands.ConfirmOrder(order_id=order_id))
        ids.append(order_id)
    assert isinstance(app.uow, SqlStore)
    app.uow.dispose()
    return ids


def _pool() -> tuple[multiprocessing.context.SpawnContext, int]:
    return multiprocessing.get_context("spawn"), WORKERS


#: Seconds one round of workers may take (a few on a quiet machine). A worker process that
#: dies, say on an ImportError in the spawned interpreter, is replaced by Pool without its
#: task, and the others wait at the barrier for it: starmap would then never return.
POOL_TIMEOUT = 180.0


def _starmap(
    pool: multiprocessing.pool.Pool, function: Callable[..., T], args: Iterable[tuple[Any, ...]]
) -> list[T]:
    """``pool.starmap`` that fails after :data:`POOL_TIMEOUT` instead of hanging the run."""
    try:
        return pool.starmap_async(function, args).get(timeout=POOL_TIMEOUT)
    except multiprocessing.TimeoutError:
        pytest.fail(f"workers gave no result in {POOL_TIMEOUT:.0f} s (did a worker die?)")


def test_workers_racing_for_the_last_unit_leave_exactly_one_winner(postgres_url: str) -> None:
    order_ids = _shop(postgres_url, stock=1, orders=WORKERS)
    context, size = _pool()
    with context.Manager() as manager:
        barrier = manager.Barrier(size)
        with context.Pool(size) as pool:
            outcomes = _starmap(
                pool, workers.reserve_order, [(postgres_url, oid, barrier) for oid in order_ids]
            )
    assert Counter(outcomes) == {"reserved": 1, "InsufficientStock": WORKERS - 1}
    store = SqlStore(postgres_url, create=False)
    with store.unit_of_work() as uow:
        item = uow.stock.get(("WH", "LAST-ONE"))
        assert (item.on_hand, item.reserved, item.available) == (1, 1, 0)
        winners = [o for o in uow.orders.list() if o.status.value == "processing"]
        assert len(winners) == 1
    store.dispose()


def test_random_reserve_and_release_keep_reserved_equal_to_the_reservations(
    postgres_url: str,
) -> None:
    skus = ["A", "B", "C"]
    store = SqlStore(postgres_url)
    with store.unit_of_work() as uow:
        for sku in skus:
            uow.stock.add(StockItem(warehouse="WH", sku=sku, on_hand=12))
        uow.commit()
    context, size = _pool()
    with context.Manager() as manager:
        barrier = manager.Barrier(size)
        with context.Pool(size) as pool:
            held = _starmap(
                pool, workers.churn, [(postgres_url, w, skus, 60, barrier) for w in range(size)]
            )
    believed = {name: qty for worker_held in held for name, qty in worker_held.items()}
    with store.unit_of_work() as uow:
        stored = {
            f"{item.sku}|{key}": r.quantity
            for item in uow.stock.list()
            for key, r in item.reservations.items()
        }
        for item in uow.stock.list():
            assert 0 <= item.reserved <= item.on_hand == 12
    # Every reservation a worker saw committed is stored, and nothing else is.
    assert stored == believed
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select s.sku, s.reserved, s.holds, coalesce(sum(r.quantity), 0), count(r.key)"
            " from so_stock_items s left join so_stock_reservations r"
            " on r.warehouse = s.warehouse and r.sku = s.sku group by s.sku, s.reserved, s.holds"
        ).all()
    # The level's columns agree with its reservation rows.
    for sku, reserved, holds, total, count in rows:
        assert (reserved, holds) == (total, count), sku
    store.dispose()


def test_concurrent_issuers_number_invoices_without_gaps_or_duplicates(postgres_url: str) -> None:
    order_ids = _shop(postgres_url, stock=100, orders=24)
    context, size = _pool()
    shares = [order_ids[w::size] for w in range(size)]
    with context.Manager() as manager:
        barrier = manager.Barrier(size)
        with context.Pool(size) as pool:
            numbers = _starmap(
                pool, workers.issue_invoices, [(postgres_url, share, barrier) for share in shares]
            )
    issued = sorted(n for worker_numbers in numbers for n in worker_numbers)
    assert issued == [f"INV-{n:06d}" for n in range(1, len(order_ids) + 1)]
