"""Fractional quantities on the order side: lines, returns, credits, prices and documents.

Worked figures (IDR, two decimals):

- 0.25 kg of coffee at Rp120,000 per kg is Rp30,000.00 exactly; 1.5 m of fabric at Rp45,000
  per m is Rp67,500.00.
- A line of 0.3 kg for Rp100.01 (10,001 sen) is split over its 300 grams: 33 sen each, the
  first 101 grams one sen more (largest remainder, ties to the earlier gram). The first
  0.1 kg back is 100 x 33 + 100 = 3,400 sen (Rp34.00), the next 0.1 kg 3,300 + 1 = 3,301
  sen (Rp33.01), the last 3,300 sen (Rp33.00): Rp100.01 in all.

Every refusal names the line (or the SKU) and the unit, and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from tests.unit.test_credit_lines import idr, issued, line

from salesorder.documents.en16931 import unit_price
from salesorder.documents.preview import quantity_text
from salesorder.domain.channels import Channel
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import LineToPrice, TaxMode, price_order
from salesorder.domain.promotions import Promotion, PromotionKind
from salesorder.domain.returns import ReturnLine, return_value
from salesorder.domain.units import KILOGRAM, METRE, PIECE, TooManyDecimals
from salesorder.exceptions import CreditLimitExceeded, InvalidQuantity, ValidationError
from salesorder.money import Money, RoundingPolicy
from salesorder.services import commands as c

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
CONTEXT = PricingContext(on=AT.date())


def coffee(quantity: object = "0.25", line_id: str = "1") -> OrderLine:
    return OrderLine(
        line_id=line_id,
        sku="COFFEE",
        quantity=quantity,  # type: ignore[arg-type]
        unit_price=idr("120000"),
        unit=KILOGRAM,
    )


def order(*lines: OrderLine) -> Order:
    return Order.new(
        id="SO-1",
        channel=Channel.web(),
        customer_id="C1",
        currency="IDR",
        placed_at=AT,
        lines=lines,
    )


# -- the line ---------------------------------------------------------------------------------


def test_a_line_keeps_an_exact_quantity_in_its_unit() -> None:
    line = coffee("0.250")
    assert line.quantity == Decimal("0.25")
    assert str(line.quantity) == "0.25"
    assert coffee("2.000").quantity == 2
    assert isinstance(coffee("2.000").quantity, int)


@pytest.mark.parametrize(
    ("quantity", "unit", "message"),
    [
        ("1.5", PIECE, r"line '1' \(SKU 'COFFEE'\): 1.5 pcs has 1 decimals, pcs allows whole"),
        ("0.2505", KILOGRAM, r"line '1' \(SKU 'COFFEE'\): 0.2505 kg has 4 decimals, kg allows 3"),
        ("1.505", METRE, r"line '1' \(SKU 'COFFEE'\): 1.505 m has 3 decimals, m allows 2"),
    ],
)
def test_a_line_finer_than_its_unit_is_refused(quantity: str, unit: object, message: str) -> None:
    with pytest.raises(TooManyDecimals, match=message):
        attrs.evolve(coffee(), quantity=quantity, unit=unit)


@pytest.mark.parametrize("quantity", ["0", "-0.25", 0])
def test_a_line_of_no_or_negative_quantity_is_refused(quantity: object) -> None:
    with pytest.raises(InvalidQuantity, match=r"OrderLine\.quantity must be > 0"):
        coffee(quantity)


def test_a_command_takes_any_exact_quantity_and_the_line_checks_it() -> None:
    assert c.NewLine(sku="COFFEE", quantity="0.25").quantity == Decimal("0.25")  # type: ignore[arg-type]
    assert c.LineQuantity(line_id="1", quantity="0.1").quantity == Decimal("0.1")  # type: ignore[arg-type]
    credit = c.CreditLine(line_id="1", amount=idr("1"), quantity="0.1")  # type: ignore[arg-type]
    assert credit.quantity == Decimal("0.1")
    with pytest.raises(InvalidQuantity, match="must be > 0"):
        c.CreditLine(line_id="1", amount=idr("1"), quantity="-0.1")  # type: ignore[arg-type]


def test_changing_a_quantity_finer_than_the_unit_changes_nothing() -> None:
    placed = order(coffee())
    with pytest.raises(TooManyDecimals, match=r"line '1' \(SKU 'COFFEE'\)"):
        placed.change_quantity("1", Decimal("0.1234"))
    assert placed.lines == [coffee()]
    placed.change_quantity("1", Decimal("0.125"))
    assert placed.line("1").quantity == Decimal("0.125")


# -- returns ------------------------------------------------------------------------------------


def test_returned_units_are_checked_against_the_line_before_anything_changes() -> None:
    contents = order(coffee()).contents
    with pytest.raises(TooManyDecimals, match=r"return of order 'SO-1' line '1' \(SKU 'COFFEE'\)"):
        contents.check_units({"1": Decimal("0.0005")}, thing="order 'SO-1'")
    with pytest.raises(InvalidQuantity, match=r"line '1' .* needs units > 0, got 0"):
        contents.check_units({"1": 0}, thing="order 'SO-1'")
    with pytest.raises(InvalidQuantity, match="needs units > 0"):
        contents.check_units({"1": Decimal("-0.1")}, thing="order 'SO-1'")
    contents.check_units({"1": Decimal("0.1")}, thing="order 'SO-1'")


def test_returns_of_a_fraction_add_up_to_the_line_gross() -> None:
    gross = idr("100.01")
    first = return_value(gross, Decimal("0.3"), 0, Decimal("0.1"), unit=KILOGRAM)
    second = return_value(gross, Decimal("0.3"), Decimal("0.1"), Decimal("0.1"), unit=KILOGRAM)
    last = return_value(gross, Decimal("0.3"), Decimal("0.2"), Decimal("0.1"), unit=KILOGRAM)
    assert (first, second, last) == (idr("34.00"), idr("33.01"), idr("33.00"))
    assert first + second + last == gross
    assert return_value(idr("30000"), Decimal("0.25"), 0, Decimal("0.1"), unit=KILOGRAM) == idr(
        "12000"
    )


def test_a_return_value_finer_than_the_unit_is_refused() -> None:
    with pytest.raises(TooManyDecimals, match="kg allows 3 decimals"):
        return_value(idr("100"), Decimal("0.3"), 0, Decimal("0.0001"), unit=KILOGRAM)
    with pytest.raises(TooManyDecimals, match="pcs allows 0 decimals"):
        return_value(idr("100"), 3, 0, Decimal("0.5"))


def test_whole_returns_value_as_before() -> None:
    # Rp100.00 over 3 pieces: 33.34, 33.33, 33.33 (the earlier piece takes the odd sen).
    values = [return_value(idr("100"), 3, before, 1) for before in range(3)]
    assert values == [idr("33.34"), idr("33.33"), idr("33.33")]


def test_a_return_line_keeps_exact_quantities() -> None:
    returned = ReturnLine(line_id="1", sku="COFFEE", quantity="0.10", received="0.1")  # type: ignore[arg-type]
    assert (returned.quantity, returned.received) == (Decimal("0.1"), Decimal("0.1"))
    with pytest.raises(InvalidQuantity, match=r"0\.2 received, 0\.1 requested"):
        ReturnLine(line_id="1", sku="COFFEE", quantity="0.1", received="0.2")  # type: ignore[arg-type]


# -- credits by units -------------------------------------------------------------------------


def _kilo_invoice():  # type: ignore[no-untyped-def]
    """One line: 0.25 kg, net 27,027.03 + tax 2,972.97 = gross 30,000.00."""
    kilo = attrs.evolve(line("1", "27027.03", "2972.97"), quantity=Decimal("0.25"), unit=KILOGRAM)
    return issued(kilo)


def test_a_credit_of_a_tenth_of_a_kilogram_is_counted_exactly() -> None:
    invoice = _kilo_invoice()
    (credited,) = invoice.credit_lines({"1": idr("12000")}, {"1": Decimal("0.1")})
    assert (credited.quantity, credited.unit) == (Decimal("0.1"), KILOGRAM)
    invoice.record_credit([credited], {"1": Decimal("0.1")})
    invoice.record_credit(
        invoice.credit_lines({"1": idr("6000")}, {"1": Decimal("0.05")}), {"1": Decimal("0.05")}
    )
    assert invoice.credited_units == {"1": Decimal("0.15")}
    assert invoice.units_creditable("1") == Decimal("0.1")


@pytest.mark.parametrize(
    ("units", "error", "message"),
    [
        (Decimal("0.0001"), TooManyDecimals, "0.0001 kg has 4 decimals, kg allows 3"),
        (Decimal("-0.1"), ValidationError, "needs a positive number of kg"),
        (Decimal("0.3"), CreditLimitExceeded, r"0.3 units .* \(0.25 of 0.25\)"),
    ],
)
def test_bad_credits_by_units_are_refused(
    units: Decimal, error: type[Exception], message: str
) -> None:
    invoice = _kilo_invoice()
    before = attrs.evolve(invoice)
    with pytest.raises(error, match=message):
        invoice.credit_lines({"1": idr("100")}, {"1": units})
    with pytest.raises(error, match=message):
        invoice.record_credit([attrs.evolve(invoice.lines[0], gross=idr("100"))], {"1": units})
    assert invoice == before


# -- pricing ----------------------------------------------------------------------------------


def test_a_quarter_kilogram_prices_exactly_and_the_trace_shows_it_as_written() -> None:
    priced = price_order(
        [
            LineToPrice(
                line_id="1", sku="COFFEE", quantity=Decimal("0.25"), unit_price=idr("120000")
            )
        ],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=RoundingPolicy(),
    )
    assert priced.lines[0].gross == idr("30000")
    assert priced.lines[0].quantity == Decimal("0.25")
    assert any(step.detail.startswith("0.25 x 120000") for step in priced.trace.steps)


def test_less_than_one_unit_takes_the_tier_from_one_unit() -> None:
    per_kilo = PriceEntry(sku="COFFEE", unit_price=idr("110000"))
    bulk = PriceEntry(sku="COFFEE", unit_price=idr("100000"), min_quantity="2.5")  # type: ignore[arg-type]
    price_list = PriceList(code="B2B", name="Trade", currency="IDR", entries=(per_kilo, bulk))
    assert price_list.entry_for("COFFEE", Decimal("0.25")) == per_kilo
    assert price_list.entry_for("COFFEE", Decimal("2.499")) == per_kilo
    assert price_list.entry_for("COFFEE", Decimal("2.5")) == bulk
    assert bulk.min_quantity == Decimal("2.5")
    # A tier below one unit wins over the fallback when the quantity reaches it.
    quarter = PriceEntry(sku="COFFEE", unit_price=idr("115000"), min_quantity="0.25")  # type: ignore[arg-type]
    finer = PriceList(code="F", name="Fine", currency="IDR", entries=(quarter, per_kilo))
    assert finer.entry_for("COFFEE", Decimal("0.2")) == per_kilo
    assert finer.entry_for("COFFEE", Decimal("0.25")) == quarter
    assert finer.entry_for("COFFEE", 1) == per_kilo


def test_buy_x_get_y_counts_whole_groups_of_a_fractional_line() -> None:
    promotion = Promotion(
        code="B1G1",
        name="Buy 1 get 1",
        kind=PromotionKind.BUY_X_GET_Y,
        buy_quantity=1,
        get_quantity=1,
    )
    priced = price_order(
        [LineToPrice(line_id="1", sku="COFFEE", quantity=Decimal("2.5"), unit_price=idr("100000"))],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=RoundingPolicy(),
        promotions=[promotion],
        context=CONTEXT,
    )
    # 2.5 kg is one whole group of 2: one kilogram free, not 1.25.
    assert priced.lines[0].discount == idr("100000")


def test_a_bundle_counts_whole_bundles_only() -> None:
    bundle = Promotion(
        code="KIT",
        name="Coffee and fabric",
        kind=PromotionKind.BUNDLE_PRICE,
        amount=idr("100000"),
        skus=("COFFEE", "FABRIC"),
    )
    lines = [
        LineToPrice(line_id="1", sku="COFFEE", quantity=Decimal("0.5"), unit_price=idr("120000")),
        LineToPrice(line_id="2", sku="FABRIC", quantity=Decimal("1.5"), unit_price=idr("45000")),
    ]
    priced = price_order(
        lines,
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=RoundingPolicy(),
        promotions=[bundle],
        context=CONTEXT,
    )
    assert all(line.discount.is_zero for line in priced.lines)


# -- documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "quantity", "price", "base"),
    [
        ("30000", Decimal("0.25"), Decimal(120000), None),
        ("67500", Decimal("1.5"), Decimal(45000), None),
        # 100.00 for 0.3 kg recurs (333.33...): the price of 3 kg with a base quantity of 3.
        ("100", Decimal("0.3"), Decimal(1000), 3),
    ],
)
def test_the_unit_price_of_a_fraction_is_exact(
    net: str, quantity: Decimal, price: Decimal, base: int | None
) -> None:
    got_price, got_base = unit_price(Decimal(net), quantity)
    assert (got_price, got_base) == (price, base)
    assert got_price * quantity / (got_base or 1) == Decimal(net)


def test_documents_print_the_quantity_as_written_with_its_unit() -> None:
    kilo = attrs.evolve(line("1", "1", "0"), quantity=Decimal("0.25"), unit=KILOGRAM)
    metre = attrs.evolve(kilo, quantity=Decimal("1.5"), unit=METRE)
    assert (quantity_text(kilo), quantity_text(metre)) == ("0.25 kg", "1.5 m")
    assert quantity_text(line("1", "1", "0")) == "1"


def test_money_times_a_fractional_quantity_is_exact() -> None:
    assert Money.of("45000", "IDR") * Decimal("1.5") == idr("67500")
