"""Money policies, the limits of what the library carries, and stored amounts that never move.

A shop chooses its digits explicitly (``Settings.money``); nothing else may change what an
amount means: not a policy change, not a babel release. Amounts beyond the stated limits are
refused with a typed error that names the field and the value, and nothing changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from tests.sql.conftest import fresh_postgres

from salesorder import (
    MAX_AMOUNT,
    MAX_QUANTITY,
    Address,
    AmountOutOfRange,
    Customer,
    Money,
    MoneyPolicy,
    PaymentMethod,
    Product,
    QuantityOutOfRange,
    SalesApp,
    SalesOrderError,
    Settings,
    TooManyDigits,
    UnknownCurrency,
    ValidationError,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.adapters.sql import SqlStore, schema
from salesorder.bootstrap import build
from salesorder.domain.pricing import LineToPrice, TaxMode, price_order
from salesorder.domain.tax import TaxRate
from salesorder.money import RoundingMode, RoundingPolicy
from salesorder.serialization import unstructure

WHOLE_RUPIAH = MoneyPolicy(currency="IDR", digits=0)
JAKARTA = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def shop(app: SalesApp, price: str = "150000") -> SalesApp:
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="J", address=JAKARTA)))
    tee = Product(
        sku="TEE",
        name="T-shirt",
        price=idr(price),
        unit_cost=idr("80000"),
        weight_kg="0.3",
        initial_stock=10,
    )
    app.execute(commands.AddProduct(product=tee, warehouse="JKT-1"))
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(JAKARTA,))))
    return app


def place(app: SalesApp, quantity: int = 3, method: PaymentMethod = PaymentMethod.COD) -> str:
    line = commands.NewLine(sku="TEE", quantity=quantity)
    return app.execute(commands.PlaceOrder(customer_id="C1", lines=(line,), payment_method=method))


def snapshot(app: SalesApp) -> dict[str, list[object]]:
    """Every stored aggregate that carries money, in its serialized (decimal string) shape."""
    with app.uow() as uow:
        return {
            "orders": [unstructure(o) for o in uow.orders.list()],
            "invoices": [unstructure(i) for i in uow.invoices.list()],
            "payments": [unstructure(p) for p in uow.payments.list()],
            "credit_notes": [unstructure(n) for n in uow.credit_notes.list()],
            "products": [unstructure(p) for p in uow.products.list()],
        }


# -- the policy ------------------------------------------------------------------------------


def test_the_readme_order_in_whole_rupiah() -> None:
    """Rp450,000 including PPN: tax 450,000 x 11/111 = 44,594.59..., 44,595 in whole rupiah."""
    iso = shop(in_memory())
    whole = shop(in_memory(Settings(money=(WHOLE_RUPIAH,))))
    with iso.uow() as uow:
        iso_order = uow.orders.get(place(iso))
    with whole.uow() as uow:
        whole_order = uow.orders.get(place(whole))
    assert iso_order.pricing is not None
    assert whole_order.pricing is not None
    assert iso_order.pricing.tax == idr("44594.59")
    assert whole_order.pricing.tax == idr("44595")
    assert whole_order.pricing.net == idr("405405")
    assert whole_order.total == iso_order.total == idr("450000")


def test_a_stated_price_finer_than_the_policy_is_refused_not_rounded() -> None:
    app = shop(in_memory(Settings(money=(WHOLE_RUPIAH,))), price="150000.50")
    with pytest.raises(TooManyDigits, match=r"line '1' unit price 150000.50 IDR .* 0 decimal"):
        place(app)
    with app.uow() as uow:
        assert uow.orders.list() == []


def test_iso_policy_prices_cents_exactly() -> None:
    app = shop(in_memory(), price="150000.50")
    with app.uow() as uow:
        order = uow.orders.get(place(app))
    assert order.total == idr("450001.50")


def test_a_payment_finer_than_the_policy_is_refused_and_nothing_is_recorded() -> None:
    app = shop(in_memory(Settings(money=(WHOLE_RUPIAH,))))
    order_id = place(app)
    pay = commands.RecordPayment(
        order_id=order_id, amount=idr("100.50"), method=PaymentMethod.COD, reference="P1"
    )
    with pytest.raises(TooManyDigits, match=r"payment 'P1' 100.50 IDR has more than 0 decimal"):
        app.execute(pay)
    with app.uow() as uow:
        assert uow.payments.list() == []


def test_policy_digits_are_bounded_by_iso_4217() -> None:
    assert MoneyPolicy(currency="KWD", digits=2).digits == 2
    assert MoneyPolicy.iso("VND") == MoneyPolicy(currency="VND", digits=0)
    with pytest.raises(ValidationError, match=r"VND must be from 0 to its ISO 4217 .*\(0\), got 2"):
        MoneyPolicy(currency="VND", digits=2)
    with pytest.raises(ValidationError, match="got -1"):
        MoneyPolicy(currency="IDR", digits=-1)
    with pytest.raises(ValidationError, match="must be an int, got True"):
        MoneyPolicy(currency="IDR", digits=True)
    with pytest.raises(ValidationError, match="must be an int, got '0'"):
        MoneyPolicy(currency="IDR", digits="0")  # type: ignore[arg-type]
    with pytest.raises(UnknownCurrency, match="'RPH'"):
        MoneyPolicy(currency="RPH", digits=0)


def test_settings_take_one_policy_per_currency() -> None:
    with pytest.raises(UnknownCurrency, match="'RPH'"):
        Settings(currency="RPH")
    with pytest.raises(ValidationError, match="two policies for IDR"):
        Settings(money=(WHOLE_RUPIAH, MoneyPolicy(currency="IDR", digits=2)))
    with pytest.raises(ValidationError, match="takes MoneyPolicy values, got int"):
        Settings(money=(0,))  # type: ignore[arg-type]
    settings = Settings(money=[WHOLE_RUPIAH])  # type: ignore[arg-type]
    assert settings.money == (WHOLE_RUPIAH,)
    assert settings.money_policy("IDR") is WHOLE_RUPIAH
    assert settings.money_policy("VND") == MoneyPolicy.iso("VND")
    assert settings.rounding_for("IDR").digits == 0
    assert settings.rounding_for("VND") is settings.rounding


def test_a_policy_check_names_the_field_and_refuses_another_currency() -> None:
    assert WHOLE_RUPIAH.check(idr("100.00"), what="price") == idr("100.00")
    with pytest.raises(TooManyDigits, match=r"price 100\.5 IDR has more than 0") as caught:
        WHOLE_RUPIAH.check(idr("100.5"), what="price")
    assert (caught.value.digits, caught.value.what) == (0, "price")
    with pytest.raises(
        SalesOrderError, match="price is in VND, but the money policy checking it is in IDR"
    ):
        WHOLE_RUPIAH.check(Money.of("1", "VND"), what="price")


def test_rounding_policy_digits_are_checked() -> None:
    with pytest.raises(ValidationError, match="None or 0 to 4, got 5"):
        RoundingPolicy(digits=5)
    with pytest.raises(ValidationError, match="got -1"):
        RoundingPolicy(digits=-1)
    line = LineToPrice(line_id="1", quantity=1, unit_price=Money.of("1000", "VND"))
    with pytest.raises(ValidationError, match=r"digits 2 is more than VND's ISO 4217 minor"):
        price_order(
            [line], currency="VND", tax_mode=TaxMode.EXCLUDED, policy=RoundingPolicy(digits=2)
        )


# -- limits ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", ["1e40", "100000000000000", "-100000000000000", "1" + "0" * 20, "1E+14"]
)
def test_amounts_of_10_to_the_14_or_more_are_refused(amount: str) -> None:
    with pytest.raises(AmountOutOfRange, match=re.escape(f"amount {Decimal(amount)} is out of")):
        idr(amount)


def test_the_largest_amount_and_28_digits_are_carried() -> None:
    top = MAX_AMOUNT - Decimal("0.0001")
    assert idr(str(top)).amount == top
    assert idr("0." + "1" * 28).amount == Decimal("0." + "1" * 28)
    with pytest.raises(AmountOutOfRange, match="28 significant digits"):
        idr("0." + "1" * 29)


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused(amount: str) -> None:
    with pytest.raises(ValidationError, match="must be finite"):
        idr(amount)
    with pytest.raises(ValidationError, match="must be finite"):
        Money(amount=Decimal(amount), currency="IDR")


@pytest.mark.parametrize("quantity", [10**30, MAX_QUANTITY + 1, "1e12", 2**63])
def test_quantities_beyond_the_limit_are_refused_by_name(quantity: object) -> None:
    with pytest.raises(QuantityOutOfRange, match="at most 999,999,999 units"):
        commands.NewLine(sku="TEE", quantity=quantity)  # type: ignore[arg-type]
    assert commands.NewLine(sku="TEE", quantity=MAX_QUANTITY).quantity == MAX_QUANTITY


def test_an_order_beyond_the_limit_is_refused_and_nothing_is_stored() -> None:
    app = shop(in_memory(), price="99999999999999")
    with pytest.raises(AmountOutOfRange, match=r"line '1' list amount 299999999999997.00"):
        place(app)
    with app.uow() as uow:
        assert uow.orders.list() == []
        assert uow.stock.get(("JKT-1", "TEE")).reserved == 0


def test_pricing_refuses_an_order_total_beyond_the_limit() -> None:
    rate = TaxRate(code="VAT", name="VAT", rate="0.10")
    lines = [
        LineToPrice(line_id=str(n), quantity=9, unit_price=idr("9000000000000"), tax_rate=rate)
        for n in range(1, 3)
    ]
    with pytest.raises(AmountOutOfRange, match="order list amount 162000000000000"):
        price_order(lines, currency="IDR", tax_mode=TaxMode.INCLUDED, policy=RoundingPolicy())


# -- stored amounts never move ---------------------------------------------------------------


@pytest.fixture(params=["sqlite-file", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'shop.db'}"
    return fresh_postgres()


@pytest.fixture
def open_app(database_url: str) -> Iterator[Callable[[Settings], SalesApp]]:
    """Applications on the one database, each with its own connections, closed at the end."""
    stores: list[SqlStore] = []

    def open_with(settings: Settings) -> SalesApp:
        app = build(settings, database_url=database_url)
        assert isinstance(app.uow, SqlStore)
        stores.append(app.uow)
        return app

    yield open_with
    for store in stores:
        store.dispose()


def _history(app: SalesApp) -> None:
    """Orders, payments, an invoice and a credit note, priced in rupiah and sen."""
    shop(app, price="150000.50")
    first = place(app, quantity=3, method=PaymentMethod.ON_ACCOUNT)
    app.execute(commands.ConfirmOrder(order_id=first))
    app.execute(commands.ReserveStock(order_id=first))
    app.execute(
        commands.RecordPayment(
            order_id=first, amount=idr("100.50"), method=PaymentMethod.BANK_TRANSFER, reference="P1"
        )
    )
    app.execute(commands.ShipOrder(order_id=first, courier="jnt"))
    invoice_id = app.execute(commands.IssueInvoice(order_id=first))
    app.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("1000.25")))
    place(app, quantity=1)


def test_stored_amounts_read_back_equal_after_a_policy_change(
    open_app: Callable[[Settings], SalesApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = open_app(Settings())
    _history(before)
    stored = snapshot(before)
    assert stored["orders"][0]["pricing"]["gross"]["amount"] == "450001.50"
    assert stored["payments"][0]["amount"]["amount"] == "100.50"

    whole = open_app(Settings(money=(WHOLE_RUPIAH,)))
    assert snapshot(whole) == stored
    for _ in stored["orders"]:  # this process's id counter starts again; skip the stored ids
        whole.ids.next_id("order")
    # The next order is priced in whole rupiah; the stored ones keep their sen.
    whole.execute(
        commands.AddProduct(
            product=Product(
                sku="CAP", name="Cap", price=idr("50000"), unit_cost=idr("1"), initial_stock=5
            ),
            warehouse="JKT-1",
        )
    )
    new = whole.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="CAP", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    with whole.uow() as uow:
        pricing = uow.orders.get(new).pricing
        assert pricing is not None
        assert pricing.tax == idr("4955")  # 50,000 x 11/111 = 4,954.95
    after = snapshot(whole)
    assert [o for o in after["orders"] if o["id"] != new] == stored["orders"]

    # A babel release that gives IDR no digits changes nothing stored or read.
    import babel.core

    real = babel.core.get_global

    def whole_rupiah_cldr(key: str) -> object:
        data = real(key)
        return {**data, "IDR": (0, 0, 0, 0)} if key == "currency_fractions" else data

    monkeypatch.setattr(babel.core, "get_global", whole_rupiah_cldr)
    assert snapshot(open_app(Settings())) == after


def test_amount_columns_are_at_a_fixed_scale(open_app: Callable[[Settings], SalesApp]) -> None:
    app = open_app(Settings())
    _history(app)
    assert isinstance(app.uow, SqlStore)
    with app.uow.engine.connect() as conn:
        gross = conn.execute(select(schema.orders.c.gross_e4)).scalars().all()
        paid = conn.execute(select(schema.payments.c.amount_e4)).scalar_one()
        credited = conn.execute(select(schema.credit_notes.c.gross_e4)).scalar_one()
    assert sorted(gross) == [1_500_005_000, 4_500_015_000]  # 150,000.50 and 450,001.50
    assert paid == 1_005_000
    assert credited == 10_002_500


def test_the_largest_amount_fits_every_backend(open_app: Callable[[Settings], SalesApp]) -> None:
    top = MAX_AMOUNT - Decimal("0.01")
    app = open_app(Settings())
    shop(app, price=str(top))
    order_id = place(app, quantity=1)
    with app.uow() as uow:
        order = uow.orders.get(order_id)
    assert order.total == idr(str(top))
    assert order.total.rounded(RoundingMode.HALF_UP) == order.total
