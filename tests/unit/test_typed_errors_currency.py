"""A CurrencyMismatch reads as a sentence: what is in which currency, and what it met.

Every message has the shape "{what} is in {right}, but {against} is in {left}"; these pin
the wording of a representative set of the places that raise it, in money, the catalog,
order lines, price lists, promotions, payments, balances, couriers and COD statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from salesorder.domain.balance import OrderBalance
from salesorder.domain.catalog import Product
from salesorder.domain.cod import RemittanceLine
from salesorder.domain.couriers import PercentFee
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.order_charges import OrderCharge
from salesorder.domain.order_lines import OrderLine, check_line_currency
from salesorder.domain.payments import CustomerCredit, Payment, PaymentMethod
from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.pricing import Discount
from salesorder.domain.promotions import Promotion
from salesorder.exceptions import CurrencyMismatch, MissingExchangeRate
from salesorder.money import Money, MoneyPolicy

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def _payment() -> Payment:
    return Payment(
        id="PAY-1",
        order_id="SO-1",
        method=PaymentMethod.BANK_TRANSFER,
        amount=idr("5000"),
        reference="BCA-1",
        received_at=AT,
    )


def _line(**fields: object) -> OrderLine:
    return OrderLine(line_id="1", sku="TEE", quantity=1, **fields)  # type: ignore[arg-type]


CASES: list[tuple[str, Callable[[], object], str]] = [
    (
        "money: add",
        lambda: idr("1") + usd("1"),
        "the amount added is in USD, but the amount it is added to is in IDR",
    ),
    (
        "money: sum",
        lambda: Money.sum([usd("1")], "IDR"),
        "an amount summed is in USD, but the sum is in IDR",
    ),
    (
        "money policy",
        lambda: MoneyPolicy(currency="IDR", digits=0).check(usd("1"), what="unit price"),
        "unit price is in USD, but the money policy checking it is in IDR",
    ),
    (
        "product",
        lambda: Product(sku="TEE", name="Tee", price=idr("10000"), unit_cost=usd("1")),
        "product 'TEE' unit cost is in USD, but its price is in IDR",
    ),
    (
        "order line: cost",
        lambda: _line(unit_price=idr("10000"), unit_cost=usd("1")),
        "line '1' unit cost is in USD, but its unit price is in IDR",
    ),
    (
        "order line: price",
        lambda: check_line_currency("IDR", _line(unit_price=usd("1"))),
        "line '1' unit price is in USD, but the order is in IDR",
    ),
    (
        "order line: discount",
        lambda: check_line_currency(
            "IDR", _line(unit_price=idr("10000"), discount=Discount.of_amount(usd("1")))
        ),
        "line '1' discount is in USD, but the order is in IDR",
    ),
    (
        "price list entry",
        lambda: PriceList(
            code="RETAIL",
            name="Retail",
            currency="IDR",
            entries=[PriceEntry(sku="TEE", unit_price=usd("1"))],
        ),
        "the entry of SKU 'TEE' is in USD, but price list 'RETAIL' is in IDR",
    ),
    (
        "promotion",
        lambda: Promotion.order_amount_off("SALE", idr("5000")).check_currency("USD"),
        "the amount of promotion 'SALE' is in IDR, but the order is in USD",
    ),
    (
        "payment: allocate",
        lambda: _payment().allocate("INV-1", usd("1")),
        "the amount to allocate to 'INV-1' is in USD, but payment 'BCA-1' is in IDR",
    ),
    (
        "payment: refund",
        lambda: _payment().refund("R-1", usd("1"), AT),
        "refund 'R-1' is in USD, but payment 'BCA-1' is in IDR",
    ),
    (
        "customer credit",
        lambda: CustomerCredit(customer_id="C1", currency="IDR").add(usd("1"), "SO-1", AT),
        "the credit from 'SO-1' is in USD, but the credit of customer 'C1' is in IDR",
    ),
    (
        "order balance: charge",
        lambda: OrderBalance(
            currency="IDR",
            charges=[OrderCharge(code="ABK", description="Packing", amount=usd("1"))],
        ),
        "charge 'ABK' is in USD, but the order balance is in IDR",
    ),
    (
        "order balance: payment",
        lambda: OrderBalance(currency="IDR").receiving(
            usd("1"),
            PaymentMethod.BANK_TRANSFER,
            thing="order 'SO-1'",
            status=OrderStatus.CONFIRMED,
            due=lambda: idr("0"),
        ),
        "the payment is in USD, but order 'SO-1' is in IDR",
    ),
    (
        "courier fee minimum",
        lambda: PercentFee(percent=Decimal(3), minimum=idr("5000")).of(usd("100")),
        "the amount a fee is taken on is in USD, but the fee's minimum is in IDR",
    ),
    (
        "COD remittance line",
        lambda: RemittanceLine(
            tracking_number="JNE1", collected=idr("100000"), fee=usd("1"), remitted=idr("0")
        ),
        "the fee or remittance of parcel 'JNE1' is in USD, but the cash it collected is in IDR",
    ),
]


@pytest.mark.parametrize(("make", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_place_names_what_was_combined_and_both_currencies(
    make: Callable[[], object], message: str
) -> None:
    with pytest.raises(CurrencyMismatch) as info:
        make()
    assert str(info.value) == message
    assert {info.value.left, info.value.right} == {"IDR", "USD"}
    assert isinstance(info.value, ValueError)


def test_the_constructor_still_takes_two_currencies_alone() -> None:
    error = CurrencyMismatch("IDR", "USD")
    assert (error.left, error.right) == ("IDR", "USD")
    assert str(error) == "an amount is in USD, but the amount it was combined with is in IDR"
    named = CurrencyMismatch("IDR", "USD", "the fee", against="the order")
    assert (named.what, named.against) == ("the fee", "the order")
    assert str(named) == "the fee is in USD, but the order is in IDR"


def test_a_missing_exchange_rate_keeps_its_own_sentence() -> None:
    error = MissingExchangeRate("IDR", "USD", "payment 'BCA-1' of 5 USD")
    assert str(error) == (
        "payment 'BCA-1' of 5 USD is in USD but the order is in IDR: "
        "give an exchange rate (USD -> IDR)"
    )
    assert (error.left, error.right, error.what) == ("IDR", "USD", "payment 'BCA-1' of 5 USD")


@pytest.mark.parametrize(
    "field", ["amount_paid", "shipping_charge", "cash_rounding", "credited", "adjusted", "refunded"]
)
def test_a_balance_names_the_amount_in_another_currency(field: str) -> None:
    with pytest.raises(CurrencyMismatch) as info:
        OrderBalance(currency="IDR", **{field: usd("1")})  # type: ignore[arg-type]
    assert str(info.value) == f"the balance's {field} is in USD, but the balance is in IDR"
