"""A caller's global decimal context never changes a result of salesorder.

Each property computes the same thing twice: once under Python's default context, once
under a random caller context (low precision, any rounding, a small exponent range, traps on
Inexact, Rounded and the rest), and asserts the results are identical: money arithmetic,
apportionment, pricing, and a whole order through the application (invoice and payments).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder import (
    Address,
    Customer,
    InstalmentRemainder,
    Money,
    PaymentMethod,
    PaymentTerms,
    Product,
    RoundingMode,
    Warehouse,
    apportion,
    commands,
    format_money,
    in_memory,
    split_evenly,
    to_cii,
    to_ubl,
)
from salesorder.domain.pricing import TaxMode, price_lines
from salesorder.money import MAX_AMOUNT
from salesorder.serialization import unstructure
from salesorder.testing import strategies as sst

T = TypeVar("T")

_SIGNALS = [
    decimal.Clamped,
    decimal.DivisionByZero,
    decimal.FloatOperation,
    decimal.Inexact,
    decimal.InvalidOperation,
    decimal.Overflow,
    decimal.Rounded,
    decimal.Subnormal,
    decimal.Underflow,
]
_ROUNDINGS = [
    decimal.ROUND_05UP,
    decimal.ROUND_CEILING,
    decimal.ROUND_DOWN,
    decimal.ROUND_FLOOR,
    decimal.ROUND_HALF_DOWN,
    decimal.ROUND_HALF_EVEN,
    decimal.ROUND_HALF_UP,
    decimal.ROUND_UP,
]


@st.composite
def caller_contexts(draw: st.DrawFn) -> decimal.Context:
    """Whatever a caller may have set globally before calling the library."""
    emax = draw(st.sampled_from([6, 9, 12, 999_999]))
    return decimal.Context(
        prec=draw(st.integers(1, 40)),
        rounding=draw(st.sampled_from(_ROUNDINGS)),
        Emax=emax,
        Emin=-emax,
        traps=draw(st.lists(st.sampled_from(_SIGNALS), unique=True)),
    )


def _outcome(compute: Callable[[], T]) -> tuple[str, Any]:
    try:
        return "ok", compute()
    except Exception as error:
        return "error", (type(error), str(error))


def _same_under(caller: decimal.Context, compute: Callable[[], T]) -> None:
    with decimal.localcontext(decimal.Context()):
        expected = _outcome(compute)
    with decimal.localcontext(caller) as inside:
        got = _outcome(compute)
        # The caller's context is the caller's: the library leaves it as it found it.
        assert inside.prec == caller.prec
    assert expected[0] == "ok", expected
    assert got == expected


amounts = st.decimals(
    min_value=-MAX_AMOUNT + 1, max_value=MAX_AMOUNT - 1, places=4, allow_nan=False
)


@settings(max_examples=200)
@given(
    caller=caller_contexts(),
    a=amounts,
    b=amounts,
    factor=st.integers(-1000, 1000) | st.decimals("-1000", "1000", places=3),
    divisor=st.integers(1, 1000) | st.decimals("0.001", "1000", places=3),
    mode=sst.rounding_modes(),
    parts=st.integers(1, 7),
    weights=sst.weights(),
)
def test_money_arithmetic_ignores_the_callers_context(
    *,
    caller: decimal.Context,
    a: Decimal,
    b: Decimal,
    factor: Decimal | int,
    divisor: Decimal | int,
    mode: RoundingMode,
    parts: int,
    weights: list[Decimal],
) -> None:
    x, y = Money.of(a, "IDR"), Money.of(b, "IDR")

    def compute() -> tuple[object, ...]:
        total = x.rounded(mode)
        return (
            x + y,
            x - y,
            -x,
            abs(x),
            x * factor,
            x / divisor,
            Money.sum([x, y, x], "IDR"),
            x.rounded(mode),
            x.rounded(mode, 0),
            x.to_cash(mode),
            Money.of(a, "MYR").to_cash(mode),
            total.minor_units,
            x.is_rounded(),
            Money.from_minor(int(a), "KWD"),
            apportion(total, weights),
            split_evenly(total, parts),
            format_money(x, "id_ID"),
        )

    _same_under(caller, compute)


@settings(max_examples=100, deadline=None)
@given(
    caller=caller_contexts(),
    currency=sst.currencies(),
    data=st.data(),
)
def test_pricing_ignores_the_callers_context(
    caller: decimal.Context, currency: str, data: st.DataObject
) -> None:
    lines = data.draw(sst.lines_to_price(currency))
    mode = data.draw(sst.tax_modes())
    policy = data.draw(sst.rounding_policies())

    def compute() -> tuple[object, ...]:
        priced = price_lines(lines, currency=currency, tax_mode=mode, policy=policy)
        return unstructure(priced), str(priced.trace), priced.margin

    _same_under(caller, compute)


@settings(max_examples=25, deadline=None)
@given(
    caller=caller_contexts(),
    price=st.decimals("1000", "5000000", places=2),
    quantity=st.integers(1, 9),
    paid=st.decimals("0.01", "1", places=2),
    tax_mode=sst.tax_modes(),
)
def test_orders_invoices_and_payments_ignore_the_callers_context(
    caller: decimal.Context, price: Decimal, quantity: int, paid: Decimal, tax_mode: TaxMode
) -> None:
    def compute() -> tuple[object, ...]:
        from salesorder import Settings

        app = in_memory(Settings(tax_mode=tax_mode))
        jakarta = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
        app.execute(
            commands.AddWarehouse(warehouse=Warehouse(code="JKT-1", name="J", address=jakarta))
        )
        product = Product(
            sku="TEE",
            name="Tee",
            price=Money.of(price, "IDR"),
            unit_cost=Money.of("500", "IDR"),
            initial_stock=10,
        )
        app.execute(commands.AddProduct(product=product, warehouse="JKT-1"))
        app.execute(
            commands.AddCustomer(customer=Customer(id="C1", name="B", addresses=(jakarta,)))
        )
        order_id = app.execute(
            commands.PlaceOrder(
                customer_id="C1",
                lines=(commands.NewLine(sku="TEE", quantity=quantity),),
                payment_method=PaymentMethod.ON_ACCOUNT,
            )
        )
        app.execute(commands.ConfirmOrder(order_id=order_id))
        app.execute(commands.ReserveStock(order_id=order_id))
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
        invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
        with app.uow() as uow:
            due = uow.orders.get(order_id).amount_due
        part = (due * paid).rounded(RoundingMode.HALF_UP)
        app.execute(
            commands.RecordPayment(
                order_id=order_id, amount=part, method=PaymentMethod.BANK_TRANSFER, reference="P1"
            )
        )
        with app.uow() as uow:
            order = uow.orders.get(order_id)
            invoice = uow.invoices.get(invoice_id)
            payments = uow.payments.for_order(order_id)
            return (
                unstructure(order),
                unstructure(invoice),
                [unstructure(payment) for payment in payments],
                order.amount_due,
                invoice.open_balance,
                # documents and schedules are computed outside execute, in the caller's hands
                to_ubl(invoice),
                to_cii(invoice),
                [
                    PaymentTerms.in_instalments([(2, 0), (1, 30), (1, 60)], remainder=r).schedule(
                        due, dt.date(2026, 1, 5)
                    )
                    for r in InstalmentRemainder
                ],
            )

    _same_under(caller, compute)
