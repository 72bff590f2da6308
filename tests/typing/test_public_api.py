"""The public API's types, checked by ``mypy --strict`` (see ``[tool.mypy]`` in pyproject.toml).

Each ``assert_type`` is a static assertion: mypy fails if the inferred type differs. A
``# type: ignore[code]`` line asserts that mypy *rejects* the line (``warn_unused_ignores``,
part of ``--strict``, fails if it does not). pytest also runs the functions, so the calls are
real and their results are checked at run time as well.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

import pytest

import salesorder
from salesorder import (
    Address,
    Customer,
    EInvoiceState,
    FloatMoneyError,
    Money,
    Order,
    PaymentMethod,
    PricedOrder,
    Product,
    RoundingMode,
    SalesApp,
    TaxRate,
    Warehouse,
    apportion,
    commands,
    currency_info,
    default_tax_table,
    format_money,
    in_memory,
)
from salesorder.domain.shipping import ShipmentStatus
from salesorder.money import CurrencyInfo

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    # typing.assert_type is 3.11+, and typing_extensions is not a runtime dependency; at run
    # time the check is mypy's, so an identity function is enough.
    _T = TypeVar("_T")

    def assert_type(value: _T, _type: object) -> _T:
        return value


ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")


def _shop() -> SalesApp:
    app = in_memory()
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="Jakarta", address=ADDRESS))
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TSHIRT-RED-M",
                name="T-shirt red M",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg=Decimal("0.3"),
                initial_stock=10,
            ),
            warehouse="JKT-1",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(ADDRESS,))))
    return app


def test_money_types() -> None:
    a = assert_type(Money.of("150000", "IDR"), Money)
    b = assert_type(Money.of(Decimal("0.50"), "IDR"), Money)
    assert_type(a + b, Money)
    assert_type(a - b, Money)
    assert_type(-a, Money)
    assert_type(a * 3, Money)
    assert_type(a * Decimal("0.11"), Money)
    assert_type(a < b, bool)
    assert_type(a.amount, Decimal)
    assert_type(a.currency, str)
    assert_type(a.rounded(RoundingMode.HALF_UP), Money)
    assert_type(a.to_cash(RoundingMode.HALF_UP), Money)
    assert_type(Money.sum([a, b], "IDR"), Money)
    assert_type(apportion(a, [1, 2]), list[Money])
    assert_type(format_money(a, "id_ID"), str)
    assert_type(currency_info("IDR"), CurrencyInfo)
    assert_type(a.minor_units, int)
    assert a + b == Money.of("150000.50", "IDR")


def test_a_float_amount_is_rejected_statically_and_at_run_time() -> None:
    with pytest.raises(FloatMoneyError):
        Money.of(1.5, "IDR")  # type: ignore[arg-type]


def test_execute_returns_each_command_result_type() -> None:
    app = assert_type(_shop(), SalesApp)
    line = commands.NewLine(sku="TSHIRT-RED-M", quantity=3)
    place = commands.PlaceOrder(
        customer_id="C1", lines=(line,), payment_method=PaymentMethod.ON_ACCOUNT
    )
    order_id = assert_type(app.execute(place), str)
    assert_type(app.execute(commands.ConfirmOrder(order_id=order_id)), None)
    assert_type(app.execute(commands.HoldOrder(order_id=order_id)), None)
    assert_type(app.execute(commands.ReleaseOrder(order_id=order_id)), None)
    warehouse = assert_type(app.execute(commands.ReserveStock(order_id=order_id)), str)
    shipment_id = assert_type(
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt")), str
    )
    assert_type(app.execute(commands.SyncTracking(shipment_id=shipment_id)), ShipmentStatus)
    amend: commands.Command[int] = commands.AmendOrder(order_id=order_id, reason="shipped")
    assert amend.tag == "amend_order"
    invoice_id = assert_type(app.execute(commands.IssueInvoice(order_id=order_id)), str)
    assert_type(app.execute(commands.SubmitEInvoice(invoice_id=invoice_id)), EInvoiceState)
    assert_type(app.execute(commands.ImportMarketplaceOrders(channel="shopee")), list[str])
    assert_type(
        app.execute(commands.ReceiveStock(warehouse="JKT-1", sku="TSHIRT-RED-M", quantity=1)),
        int | Decimal,
    )
    assert (order_id, warehouse) == ("ORD-000001", "JKT-1")


def test_unit_of_work_types() -> None:
    app = _shop()
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
        )
    )
    with app.uow() as uow:
        order = assert_type(uow.orders.get(order_id), Order)
        assert_type(uow.orders.find("nope"), Order | None)
        assert_type(uow.products.list(), list[Product])
        assert_type(order.total, Money)
        assert_type(order.pricing, PricedOrder | None)
    assert order.total == Money.of("150000.00", "IDR")


def test_domain_types() -> None:
    rate = assert_type(default_tax_table().rate_for("ID", "standard", dt.date(2025, 1, 1)), TaxRate)
    assert_type(rate.effective_rate, Decimal)
    assert_type(salesorder.__version__, str)
    assert rate.effective_rate == Decimal("0.11")
