"""A ship that loses to a cancel says the order was cancelled, not "reservation not found".

The reads of one unit of work are not one snapshot on PostgreSQL (read committed): a
``ShipOrder`` that read the order before a ``CancelOrder`` committed, and its stock after,
finds the reservation gone. Staged here deterministically: the cancel commits between the
ship's read of the order and its read of the stock.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from salesorder import Address, Customer, Money, PaymentMethod, Product, Warehouse, commands
from salesorder.adapters.sql import SqlStore
from salesorder.bootstrap import build
from salesorder.domain.lifecycle import OrderStatus
from salesorder.exceptions import IllegalTransition
from salesorder.services.app import SalesApp

JAKARTA = Address(line1="Jl. Merdeka 1", city="Jakarta", country="ID", recipient="Budi")


def _reserved_order(app: SalesApp) -> str:
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="WH", name="Main", address=JAKARTA)))
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TEE",
                name="Tee",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg="0.3",
                initial_stock=10,
            ),
            warehouse="WH",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(JAKARTA,))))
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TEE", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    return order_id


@pytest.fixture
def app(postgres_url: str) -> Iterator[SalesApp]:
    built = build(database_url=postgres_url)
    yield built
    assert isinstance(built.uow, SqlStore)
    built.uow.dispose()


def test_a_ship_that_loses_to_a_cancel_is_refused_as_an_illegal_transition(app: SalesApp) -> None:
    order_id = _reserved_order(app)
    cancelled: list[Any] = []

    class CancelBeforeTheStockIsRead:
        """The ship's unit of work; the cancel commits when it first reads the stock."""

        def __init__(self) -> None:
            self.unit = app.uow()

        def __enter__(self) -> Any:
            uow = self.unit.__enter__()
            read = uow.stock.get

            def get(key: Any) -> Any:
                if not cancelled:
                    cancelled.append(
                        app.execute(commands.CancelOrder(order_id=order_id, reason="buyer"))
                    )
                return read(key)

            uow.stock.get = get
            return uow

        def __exit__(self, *exc: object) -> Any:
            return self.unit.__exit__(*exc)

    shipper = attrs.evolve(app, uow=CancelBeforeTheStockIsRead)
    with pytest.raises(IllegalTransition, match="cancelled"):
        shipper.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    assert cancelled
    with app.uow() as uow:
        assert uow.orders.get(order_id).status is OrderStatus.CANCELLED
        assert uow.shipments.list() == []
