"""Invalid domain objects cannot be built; each error names the thing and the value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest

from salesorder.domain.catalog import Product, VariantAttribute
from salesorder.domain.channels import Channel, ChannelKind, MarketplaceLine, MarketplaceOrder
from salesorder.domain.customers import Address, Customer, CustomerKind
from salesorder.domain.inventory import Reservation, StockItem, reservation_key
from salesorder.domain.marketplaces import read_webhook_body
from salesorder.domain.orders import OrderLine
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.units import TooManyDecimals
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    FloatMoneyError,
    InsufficientStock,
    InvalidAddress,
    InvalidQuantity,
    MalformedPayload,
    NotFound,
    ScenarioError,
    ValidationError,
)
from salesorder.money import Money
from salesorder.scenario import load_scenario, parse_scenario
from salesorder.services import commands as c

NOW = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
ADDRESS = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


# -- quantities -----------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, "-3"])
def test_a_quantity_must_be_above_zero(quantity: object) -> None:
    with pytest.raises(InvalidQuantity, match="must be > 0"):
        c.NewLine(sku="TSHIRT-RED-M", quantity=quantity)  # type: ignore[arg-type]
    with pytest.raises(InvalidQuantity, match="must be > 0"):
        OrderLine(line_id="1", sku="TSHIRT-RED-M", quantity=quantity, unit_price=idr("1"))  # type: ignore[arg-type]


def test_a_fractional_quantity_of_pieces_is_refused() -> None:
    # A command takes any exact quantity (it does not know the product's unit); the line of
    # a product sold by the piece refuses a fraction, naming the line, its SKU and the unit.
    assert c.NewLine(sku="TSHIRT-RED-M", quantity="1.5").quantity == Decimal("1.5")  # type: ignore[arg-type]
    with pytest.raises(TooManyDecimals, match=r"line '1' \(SKU 'TSHIRT-RED-M'\): 1.5 pcs"):
        OrderLine(line_id="1", sku="TSHIRT-RED-M", quantity="1.5", unit_price=idr("1"))  # type: ignore[arg-type]


def test_a_float_quantity_is_a_type_error() -> None:
    with pytest.raises(FloatMoneyError):
        c.NewLine(sku="TSHIRT-RED-M", quantity=2.0)  # type: ignore[arg-type]


def test_a_whole_decimal_string_is_a_quantity() -> None:
    assert c.NewLine(sku="TSHIRT-RED-M", quantity="3").quantity == 3  # type: ignore[arg-type]


# -- catalog --------------------------------------------------------------------------------


def _product(**changes: object) -> Product:
    fields: dict[str, object] = {
        "sku": "TSHIRT-RED-M",
        "name": "T-shirt red M",
        "price": idr("150000"),
        "unit_cost": idr("80000"),
    }
    fields.update(changes)
    return Product(**fields)  # type: ignore[arg-type]


def test_a_product_has_at_most_three_variant_attributes() -> None:
    three = [VariantAttribute(name=n, value="x") for n in ("colour", "size", "fit")]
    assert len(_product(attributes=three).attributes) == 3
    with pytest.raises(ValidationError, match="'TSHIRT-RED-M' has 4 variant attributes, at most 3"):
        _product(attributes=[*three, VariantAttribute(name="sleeve", value="long")])


def test_a_variant_attribute_cannot_repeat() -> None:
    with pytest.raises(ValidationError, match="repeats"):
        _product(attributes=[VariantAttribute(name="size", value=v) for v in ("M", "L")])


def test_price_and_cost_share_a_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        _product(unit_cost=Money.of("1", "VND"))


def test_a_negative_price_is_refused() -> None:
    with pytest.raises(ValidationError, match="negative price"):
        _product(price=idr("-1"))


@pytest.mark.parametrize("sku", ["", "TSHIRT RED"])
def test_a_sku_is_a_code_without_spaces(sku: str) -> None:
    with pytest.raises(ValidationError, match=r"Product\.sku"):
        _product(sku=sku)


def test_weight_is_exact() -> None:
    assert _product(weight_kg="0.3").weight_kg == Decimal("0.3")
    with pytest.raises(FloatMoneyError):
        _product(weight_kg=0.3)


def test_profit_per_unit() -> None:
    assert _product().profit_per_unit == idr("70000")


# -- customers and addresses ----------------------------------------------------------------


def test_a_business_customer_needs_a_company_name() -> None:
    with pytest.raises(ValidationError, match="business customer 'B1' needs a company_name"):
        Customer(id="B1", name="Budi", kind=CustomerKind.BUSINESS)
    company = Customer(id="B1", name="Budi", kind=CustomerKind.BUSINESS, company_name="PT Maju")
    assert company.company_name == "PT Maju"


@pytest.mark.parametrize("country", ["IDN", "id", "", "I1"])
def test_a_country_is_an_iso_alpha_2_code(country: str) -> None:
    with pytest.raises(InvalidAddress, match=f"got {country!r}"):
        Address(line1="Jl. Asia Afrika 8", city="Bandung", country=country)


def test_default_address_is_the_first_one() -> None:
    other = Address(line1="Jl. Braga 1", city="Bandung", country="ID")
    assert Customer(id="C1", name="Budi", addresses=(ADDRESS, other)).default_address == ADDRESS
    assert Customer(id="C1", name="Budi").default_address is None


# -- order lines ----------------------------------------------------------------------------


def test_an_order_line_cost_shares_the_price_currency() -> None:
    with pytest.raises(CurrencyMismatch):
        OrderLine(
            line_id="1",
            sku="X",
            quantity=1,
            unit_price=idr("1"),
            unit_cost=Money.of("1", "VND"),
        )


def test_channels() -> None:
    assert Channel.web().code == "web"
    assert not Channel.web().kind.is_marketplace


# -- stock ----------------------------------------------------------------------------------


def _reservation(order_id: str = "ORD-1", line_id: str = "1", quantity: int = 2) -> Reservation:
    return Reservation.for_line(order_id, line_id, quantity, NOW)


def test_reserving_the_same_line_twice_holds_it_once() -> None:
    item = StockItem(warehouse="JKT-1", sku="TSHIRT-RED-M", on_hand=5)
    assert item.reserve(_reservation()) is True
    assert item.reserve(_reservation()) is False
    assert item.reserved == 2
    assert item.available == 3
    assert list(item.reservations) == [reservation_key("ORD-1", "1")]


def test_the_same_key_with_another_quantity_is_a_duplicate() -> None:
    item = StockItem(warehouse="JKT-1", sku="TSHIRT-RED-M", on_hand=5)
    item.reserve(_reservation(quantity=2))
    with pytest.raises(DuplicateError, match="holds 2, 3 requested"):
        item.reserve(_reservation(quantity=3))
    assert item.reserved == 2


def test_insufficient_stock_names_sku_warehouse_and_quantities() -> None:
    item = StockItem(warehouse="JKT-1", sku="X", on_hand=2)
    with pytest.raises(InsufficientStock) as info:
        item.reserve(_reservation(quantity=3))
    assert str(info.value) == "SKU 'X' has 2 available in 'JKT-1', 3 requested"
    assert (info.value.available, info.value.requested) == (2, 3)
    assert item.reservations == {}


def test_safety_stock_is_not_available() -> None:
    item = StockItem(warehouse="JKT-1", sku="X", on_hand=5, safety_stock=2)
    assert item.available == 3
    with pytest.raises(InsufficientStock, match="has 3 available"):
        item.reserve(_reservation(quantity=4))


def test_release_is_idempotent_and_ship_takes_goods_out() -> None:
    item = StockItem(warehouse="JKT-1", sku="X", on_hand=5)
    item.reserve(_reservation(order_id="ORD-1", quantity=2))
    item.reserve(_reservation(order_id="ORD-2", quantity=1))
    assert item.release(reservation_key("ORD-1", "1")) is not None
    assert item.release(reservation_key("ORD-1", "1")) is None
    shipped = item.ship(reservation_key("ORD-2", "1"))
    assert shipped.quantity == 1
    assert (item.on_hand, item.reserved, item.available) == (4, 0, 4)
    with pytest.raises(NotFound):
        item.ship(reservation_key("ORD-2", "1"))


def test_receipts_must_be_positive() -> None:
    item = StockItem(warehouse="JKT-1", sku="X")
    item.receive(3)
    assert item.on_hand == 3
    with pytest.raises(InvalidQuantity, match="must be > 0, got 0"):
        item.receive(0)


def test_stock_cannot_be_negative() -> None:
    with pytest.raises(InvalidQuantity):
        StockItem(warehouse="JKT-1", sku="X", on_hand=-1)


# -- limits every backend shares (docs/concepts.md, "Limits") -------------------------------


@pytest.mark.parametrize(
    ("sku", "problem"),
    [
        ("S" * 121, "at most 120 characters"),
        ("A\x00B", "NUL characters"),
        ("A\ud800", "NUL characters or lone surrogates"),
        ("A\u200bB", "control characters"),
    ],
)
def test_a_code_is_short_printable_text(sku: str, problem: str) -> None:
    """120 characters is the key columns' width on PostgreSQL; SQLite would take more."""
    assert c.NewLine(sku="S" * 120, quantity=1).sku == "S" * 120
    with pytest.raises(ValidationError, match=f"NewLine.sku must .*{problem}"):
        c.NewLine(sku=sku, quantity=1)


def test_a_reason_fits_the_stock_ledger() -> None:
    """The ledger keeps 400 characters of reason: 250 of the caller's, then the prefix."""
    kwargs = {"warehouse": "JKT-1", "sku": "X", "quantity": 1}
    assert len(c.WriteOffStock(reason="r" * 250, **kwargs).reason) == 250  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"WriteOffStock.reason must be at most 250"):
        c.WriteOffStock(reason="r" * 251, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"CancelOrder.reason must not contain NUL"):
        c.CancelOrder(order_id="ORD-000001", reason="a\x00b")


def test_an_order_id_of_the_wrong_type_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError, match=r"ConfirmOrder.order_id must be a string, got 7"):
        c.ConfirmOrder(order_id=7)  # type: ignore[arg-type]


def test_an_enum_field_takes_its_member_or_its_value_and_nothing_else() -> None:
    lines = (c.NewLine(sku="TSHIRT-RED-M", quantity=1),)
    cod = c.PlaceOrder(customer_id="C1", lines=lines, payment_method="cod")  # type: ignore[arg-type]
    assert cod.payment_method is PaymentMethod.COD
    with pytest.raises(ValidationError, match=r"PlaceOrder.payment_method must be one of .*'cod'"):
        c.PlaceOrder(customer_id="C1", lines=lines, payment_method="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"Channel.kind must be one of"):
        Channel(code="x", kind="nowhere", name="X")  # type: ignore[arg-type]
    assert Channel(code="x", kind="shopee", name="X").kind is ChannelKind.SHOPEE  # type: ignore[arg-type]


def test_a_float_where_money_belongs_is_refused_naming_the_field() -> None:
    with pytest.raises(FloatMoneyError, match=r"NewLine.unit_price must be Money"):
        c.NewLine(sku="TSHIRT-RED-M", quantity=1, unit_price=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"RecordPayment.amount must be Money"):
        c.RecordPayment(order_id="O", amount="100", method="cod", reference="R")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda v: c.ReserveStock(order_id="O", hold_minutes=v), "hold_minutes must be from 1"),
        (lambda v: c.IssueInvoice(order_id="O", terms_days=v), "terms_days must be from 0"),
        (lambda v: c.IssueInvoice(order_id="O", instalment_days=(30, v)), "instalment_days"),
        (lambda v: c.ReceiveStock(warehouse="W", sku="X", quantity=v), "at most 999,999,999"),
    ],
)
@pytest.mark.parametrize("value", [2**31, 2**64, 10**5000], ids=["2**31", "2**64", "10**5000"])
def test_durations_and_counts_are_bounded(make: Any, message: str, value: int) -> None:
    """Every backend stores them; an integer of 5,000 digits is named by its size."""
    with pytest.raises(ValidationError, match=message):
        make(value)


def test_an_exchange_rate_is_bounded() -> None:
    amount = idr("100")
    assert c.RecordPayment(
        order_id="O",
        amount=amount,
        method="cod",
        reference="R",
        exchange_rate="16250.5",  # type: ignore[arg-type]
    ).exchange_rate == Decimal("16250.5")
    for rate in ("0", "1e999999", "-1", "1e10"):
        with pytest.raises(ValidationError, match=r"exchange rate must be from 10\*\*-9"):
            c.RecordPayment(
                order_id="O",
                amount=amount,
                method="cod",
                reference="R",
                exchange_rate=rate,  # type: ignore[arg-type]
            )


def test_a_marketplace_revision_fits_64_bits() -> None:
    order = MarketplaceOrder(
        external_id="SHP-1",
        revision=2**63 - 1,
        status="READY_TO_SHIP",
        buyer_name="Budi",
        shipping_address=ADDRESS,
        currency="IDR",
        lines=(MarketplaceLine(channel_sku="TS", quantity=1, unit_price=idr("1")),),
        created_at=NOW,
    )
    with pytest.raises(ValidationError, match="revision must be from 0 to"):
        attrs.evolve(order, revision=2**64)


def test_a_lone_surrogate_or_a_huge_body_is_refused_before_the_webhook_is_verified() -> None:
    with pytest.raises(ValidationError, match=r"ReceiveWebhook.body must be text UTF-8 can carry"):
        c.ReceiveWebhook(channel="shopee", body='{"a": "\ud800"}', signature="x")
    with pytest.raises(ValidationError, match="at most 1,048,576"):
        c.ReceiveWebhook(channel="shopee", body="[" + " " * 2**20 + "]", signature="x")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper than 64 levels"),
        ('{"revision": ' + "9" * 5000 + "}", "a number of 5000 digits"),
        ("NaN", "NaN is not a JSON number"),
        (b"\xff{}", "not UTF-8"),
    ],
)
def test_a_webhook_body_is_read_within_limits(body: str | bytes, problem: str) -> None:
    raw = body if isinstance(body, bytes) else body.encode()
    with pytest.raises(MalformedPayload, match=problem):
        read_webhook_body(raw, shop="Shopee")
    assert read_webhook_body(b'{"a": [1, "x"]}') == {"a": [1, "x"]}


def test_a_scenario_is_read_within_limits() -> None:
    with pytest.raises(ScenarioError, match="nested deeper than 64 levels"):
        parse_scenario("[" * 10_000 + "]" * 10_000)
    with pytest.raises(ScenarioError, match="digits"):
        parse_scenario('{"format": ' + "1" * 5000 + "}")
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ScenarioError, match="nested deeper"):
        load_scenario({"format": "salesorder/scenario", "version": 1, "commands": deep})
