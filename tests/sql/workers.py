"""Worker processes for the PostgreSQL concurrency tests (module level: spawn imports them)."""

from __future__ import annotations

import random
from typing import Any

from salesorder.adapters.memory import InMemoryEventBus, ManualClock
from salesorder.adapters.sql import SqlStore
from salesorder.adapters.system import UuidIds
from salesorder.domain.inventory import Reservation
from salesorder.exceptions import ConcurrencyConflict, InsufficientStock, SalesOrderError
from salesorder.services import commands
from salesorder.services.app import SalesApp


def app_on(url: str) -> SalesApp:
    """An application on the shared database, with ids unique across processes."""
    return SalesApp(
        uow=SqlStore(url, create=False),
        clock=ManualClock(),
        ids=UuidIds(),
        events=InMemoryEventBus(),
    )


def reserve_order(url: str, order_id: str, barrier: Any) -> str:
    """Wait for every worker, then try to reserve one order; the outcome's name."""
    app = app_on(url)
    barrier.wait()
    try:
        app.execute(commands.ReserveStock(order_id=order_id))
    except SalesOrderError as error:
        return type(error).__name__
    return "reserved"


def churn(url: str, worker: int, skus: list[str], rounds: int, barrier: Any) -> dict[str, int]:
    """Reserve and release at random; returns the reservations this worker holds at the end."""
    store = SqlStore(url, create=False)
    rng = random.Random(worker)
    held: dict[str, tuple[str, int]] = {}
    barrier.wait()
    for round_ in range(rounds):
        sku = rng.choice(skus)
        key_line = f"{worker}-{round_ % 5}"
        try:
            with store.unit_of_work() as uow:
                item = uow.stock.get(("WH", sku))
                key = f"W{worker}/{key_line}"
                if key in item.reservations:
                    item.release(key)
                    uow.commit()
                    held.pop(f"{sku}|{key}", None)
                else:
                    quantity = rng.randint(1, 3)
                    item.reserve(
                        Reservation(
                            key=key,
                            order_id=f"W{worker}",
                            line_id=key_line,
                            quantity=quantity,
                            created_at=ManualClock().now(),
                        )
                    )
                    uow.commit()
                    held[f"{sku}|{key}"] = (sku, quantity)
        except (ConcurrencyConflict, InsufficientStock):
            continue
    store.dispose()
    return {name: quantity for name, (_, quantity) in held.items()}


def issue_invoices(url: str, order_ids: list[str], barrier: Any) -> list[str]:
    """Issue an invoice for each order; the invoice numbers this worker got."""
    app = app_on(url)
    barrier.wait()
    numbers = []
    for order_id in order_ids:
        invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
        with app.uow() as uow:
            number = uow.invoices.get(invoice_id).number
            assert number is not None
            numbers.append(number)
    return numbers
