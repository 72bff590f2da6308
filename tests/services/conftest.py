"""A shop on the in-memory adapters, and a snapshot of everything it has committed.

The shop sells in IDR with Indonesia's tax table (prices include tax) from two warehouses:
JKT-1 (priority 0) and SBY-1 (priority 1). Catalog: TSHIRT-RED-M (Rp150,000, 0.3 kg, 10 in
JKT-1) and CAP-BLK (Rp49,999.50, 0.2 kg, 5 in SBY-1). Customers: C1 with an address, C2
without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from salesorder import (
    Address,
    Customer,
    Money,
    Product,
    SalesApp,
    Warehouse,
    commands,
    in_memory,
)

JAKARTA = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
SURABAYA = Address(line1="Jl. Tunjungan 10", city="Surabaya", country="ID")
BANDUNG = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID", recipient="Budi")

Snapshot = Callable[[], dict[str, Any]]


def stock_shop(app: SalesApp) -> SalesApp:
    """Fill ``app`` with the catalog, warehouses and customers described above."""
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="Jakarta", address=JAKARTA))
    )
    app.execute(
        commands.AddWarehouse(
            warehouse=Warehouse(code="SBY-1", name="Surabaya", address=SURABAYA, priority=1)
        )
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TSHIRT-RED-M",
                name="T-shirt red M",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg="0.3",
                initial_stock=10,
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="CAP-BLK",
                name="Cap black",
                price=Money.of("49999.50", "IDR"),
                unit_cost=Money.of("20000", "IDR"),
                weight_kg="0.2",
                initial_stock=5,
            ),
            warehouse="SBY-1",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(BANDUNG,))))
    app.execute(commands.AddCustomer(customer=Customer(id="C2", name="Ani")))
    return app


@pytest.fixture
def app() -> SalesApp:
    return stock_shop(in_memory())


def committed_state(app: SalesApp) -> dict[str, Any]:
    """Everything the store has committed, plus what was published, as comparable values."""
    with app.uow() as uow:
        return {
            "products": uow.products.list(),
            "customers": uow.customers.list(),
            "warehouses": uow.warehouses.list(),
            "orders": uow.orders.list(),
            "stock": uow.stock.list(),
            "shipments": uow.shipments.list(),
            "invoices": uow.invoices.list(),
            "invoice_series": uow.invoice_series.list(),
            "payments": uow.payments.list(),
            "credit_notes": uow.credit_notes.list(),
            "customer_credits": uow.customer_credits.list(),
            "outbox": uow.outbox.list(),
            "refused_deliveries": uow.refused_deliveries.list(),
            "events": list(app.events.published),  # type: ignore[attr-defined]
            "cursors": dict(app.marketplace_cursors),
        }


@pytest.fixture
def snapshot(app: SalesApp) -> Snapshot:
    """Call it before and after a failing command; the two results must be equal."""
    return lambda: committed_state(app)
