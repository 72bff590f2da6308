"""Fixed and withholding taxes, taxes in or out of the price, and the rounding conventions.

Every refusal of :class:`TaxRate` is pinned with the tax code it must name, and the worked
examples are computed by hand in the comments: a per-unit eco-fee with Dutch-style VAT 21%,
the same fee in VAT's base (Odoo's "affect base of subsequent taxes"), Indonesia's PPh 23
(2% withheld by the buyer, PPh 23 of UU 36/2008) next to PPN 11%, India's CGST + SGST
(two 6% halves of GST 12%), and the three conventions of :class:`RoundingPolicy` on the
half-unit cases where they differ.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest

from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    TaxMode,
    TraceKind,
    price_lines,
)
from salesorder.domain.tax import TaxKind, TaxRate, TaxTreatment
from salesorder.exceptions import CurrencyMismatch, ValidationError
from salesorder.money import (
    DiscountRounding,
    IncludedRounding,
    Money,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    TaxSplit,
)

PER_LINE = RoundingPolicy(place=RoundingPlace.PER_LINE)
PER_DOCUMENT = RoundingPolicy(place=RoundingPlace.PER_DOCUMENT)
BOTH_PLACES = pytest.mark.parametrize("place", list(RoundingPlace), ids=lambda p: p.value)

VAT21 = TaxRate(code="VAT21", name="VAT 21%", rate="0.21")
ECO_FEE = TaxRate.fixed("ECO", "Eco-fee", Money.of("0.50", "EUR"))
PPN11 = TaxRate(code="ID-PPN-11", name="PPN 11%", rate="0.11")
PPH23 = TaxRate.withholding("ID-PPH-23", "PPh 23", "0.02")
CGST = TaxRate(code="IN-CGST-6", name="CGST 6%", rate="0.06")
SGST = TaxRate(code="IN-SGST-6", name="SGST 6%", rate="0.06")


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def inr(amount: str) -> Money:
    return Money.of(amount, "INR")


def price(
    *lines: LineToPrice,
    currency: str = "EUR",
    tax_mode: TaxMode = TaxMode.EXCLUDED,
    policy: RoundingPolicy = PER_LINE,
) -> PricedOrder:
    priced = price_lines(lines, currency=currency, tax_mode=tax_mode, policy=policy)
    for each in priced.lines:
        assert each.net + each.tax + (each.rounding_difference or Money.zero(currency)) == (
            each.gross
        )
    return priced


def amounts(priced: PricedOrder, line: int = 0) -> dict[str, Money]:
    return {tax.tax_code: tax.amount for tax in priced.lines[line].taxes}


# -- Refusals ---------------------------------------------------------------------------------
#
# Each case is refused by one guard only: the message must name the tax and say what that
# guard says, so a case that another guard happened to catch (a withholding tax that is
# zero-rated also has a rate other than 0) still fails when its own guard is removed.

FIXED: dict[str, Any] = {"kind": TaxKind.FIXED, "rate": 0, "amount": eur("0.50")}
WITHHOLDING: dict[str, Any] = {"kind": TaxKind.WITHHOLDING, "rate": "-0.02"}

REFUSALS = [
    pytest.param(
        {"kind": TaxKind.FIXED, "rate": 0},
        "is fixed and needs an amount >= 0, got None",
        id="fixed-without-amount",
    ),
    pytest.param(
        {**FIXED, "amount": eur("-0.50")},
        "is fixed and needs an amount >= 0",
        id="fixed-negative-amount",
    ),
    pytest.param(
        {**FIXED, "rate": "0.10"},
        "is fixed: no rate, base factor or compounding",
        id="fixed-with-rate",
    ),
    pytest.param(
        {**FIXED, "base_factor": Fraction(1, 2)},
        "is fixed: no rate, base factor or compounding",
        id="fixed-with-base-factor",
    ),
    pytest.param(
        {**FIXED, "compound": True},
        "is fixed: no rate, base factor or compounding",
        id="fixed-compound",
    ),
    pytest.param(
        {"rate": "0.10", "amount": eur("0.50")},
        "is percent: only a fixed tax has an amount",
        id="amount-on-percent",
    ),
    pytest.param(
        {**WITHHOLDING, "amount": eur("0.50")},
        "is withholding: only a fixed tax has an amount",
        id="amount-on-withholding",
    ),
    pytest.param(
        {**WITHHOLDING, "rate": 0},
        "is withholding: its rate must be from -1 to below 0, got 0",
        id="withholding-rate-zero",
    ),
    pytest.param(
        {**WITHHOLDING, "rate": "0.02"},
        "is withholding: its rate must be from -1 to below 0, got 0.02",
        id="withholding-rate-positive",
    ),
    pytest.param(
        {**WITHHOLDING, "rate": "-1.5"},
        "is withholding: its rate must be from -1 to below 0, got -1.5",
        id="withholding-rate-below-minus-one",
    ),
    pytest.param(
        {**WITHHOLDING, "included": True},
        "is withholding: it is never in the price",
        id="withholding-included",
    ),
    pytest.param(
        {**WITHHOLDING, "compound": True},
        "is withholding: it is never in the price",
        id="withholding-compound",
    ),
    pytest.param(
        {**WITHHOLDING, "affects": ("VAT",)},
        "is withholding: it is never in the price",
        id="withholding-affects",
    ),
    pytest.param(
        {**WITHHOLDING, "base_factor": Fraction(11, 12)},
        "is withholding: it is never in the price",
        id="withholding-reduced-base",
    ),
    pytest.param(
        {**FIXED, "treatment": TaxTreatment.EXEMPT},
        "is fixed: it must be taxable",
        id="fixed-exempt",
    ),
    pytest.param(
        {**WITHHOLDING, "treatment": TaxTreatment.ZERO_RATED},
        "is withholding: it must be taxable",
        id="withholding-zero-rated",
    ),
    pytest.param(
        {"rate": "0.10", "affects": ("LEVY",)},
        "cannot affect its own base",
        id="affects-itself",
    ),
    pytest.param(
        {"rate": "1.5"},
        "must be between 0 and 1, got 1.5",
        id="percent-rate-above-one",
    ),
    pytest.param(
        {"rate": "-0.10"},
        "must be between 0 and 1, got -0.10",
        id="percent-rate-negative",
    ),
    pytest.param(
        {"rate": "0.10", "base_factor": 0},
        "base factor must be in (0, 1], got 0",
        id="base-factor-zero",
    ),
    pytest.param(
        {"rate": "0.10", "base_factor": Fraction(3, 2)},
        "base factor must be in (0, 1], got 3/2",
        id="base-factor-above-one",
    ),
    pytest.param(
        {"rate": "0.10", "treatment": TaxTreatment.EXEMPT},
        "is exempt and must be 0, got 0.10",
        id="exempt-with-rate",
    ),
    pytest.param(
        {"rate": "0.10", "exemption_reason": "Export"},
        "is taxable and cannot have an exemption reason",
        id="taxable-with-exemption-reason",
    ),
    pytest.param(
        {"rate": "0.10", "exemption_code": "VATEX-EU-G"},
        "is taxable and cannot have an exemption reason",
        id="taxable-with-exemption-code",
    ),
]


@pytest.mark.parametrize(("fields", "says"), REFUSALS)
def test_an_inconsistent_tax_is_refused_naming_it(fields: dict[str, Any], says: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(f"tax rate 'LEVY' {says}")) as caught:
        TaxRate(code="LEVY", name="Levy", **fields)
    assert "'LEVY'" in str(caught.value)


def test_the_bounds_of_each_kind_are_accepted() -> None:
    # The guards refuse nothing beyond what they say: a free fixed tax, the whole net
    # withheld, and a withholding tax that says it is outside the price.
    assert TaxRate(code="LEVY", name="Levy", **{**FIXED, "amount": eur("0")}).amount == eur("0")
    assert TaxRate(code="LEVY", name="Levy", **{**WITHHOLDING, "rate": -1}).rate == -1
    assert TaxRate(code="LEVY", name="Levy", **{**WITHHOLDING, "included": False}).included is False
    assert TaxRate(code="LEVY", name="Levy", rate="0.10", affects=("VAT21",)).affects == ("VAT21",)


def test_the_named_constructors_build_consistent_kinds() -> None:
    assert ECO_FEE.kind is TaxKind.FIXED
    assert (ECO_FEE.rate, ECO_FEE.amount, ECO_FEE.per_unit) == (Decimal(0), eur("0.50"), True)
    stamp = TaxRate.fixed("STAMP", "Stamp duty", eur("2.00"), per_unit=False)
    assert stamp.per_unit is False
    # "0.02" and "-0.02" both mean 2% withheld: the rate is stored negative.
    assert PPH23.kind is TaxKind.WITHHOLDING
    assert PPH23.rate == Decimal("-0.02")
    assert TaxRate.withholding("ID-PPH-22", "PPh 22", "-0.015").rate == Decimal("-0.015")


# -- Fixed taxes ------------------------------------------------------------------------------


@BOTH_PLACES
def test_a_per_unit_fixed_tax_is_its_amount_times_the_quantity(place: RoundingPlace) -> None:
    # 3 x EUR 10.00 = net 30.00. Eco-fee: 3 x 0.50 = 1.50, outside VAT's base.
    # VAT 21% of 30.00 = 6.30. Tax 1.50 + 6.30 = 7.80; gross 30.00 + 7.80 = 37.80.
    order = LineToPrice(line_id="1", quantity=3, unit_price=eur("10.00"), taxes=(ECO_FEE, VAT21))
    priced = price(order, policy=RoundingPolicy(place=place))
    (line,) = priced.lines
    assert amounts(priced) == {"ECO": eur("1.50"), "VAT21": eur("6.30")}
    assert (line.net, line.tax, line.gross) == (eur("30.00"), eur("7.80"), eur("37.80"))
    assert [t.kind for t in line.taxes] == [TaxKind.FIXED, TaxKind.PERCENT]
    assert line.taxes[1].base == eur("30.00")
    assert line.withheld is None
    assert priced.payable == priced.gross == eur("37.80")


@BOTH_PLACES
def test_a_fixed_tax_that_affects_vat_is_in_vats_base(place: RoundingPlace) -> None:
    # VAT's base holds the eco-fee: 30.00 + 1.50 = 31.50; 21% of it = 6.615, 6.62 half up.
    # Tax 1.50 + 6.62 = 8.12; gross 30.00 + 8.12 = 38.12.
    fee = attrs.evolve(ECO_FEE, affects=("VAT21",))
    order = LineToPrice(line_id="1", quantity=3, unit_price=eur("10.00"), taxes=(fee, VAT21))
    priced = price(order, policy=RoundingPolicy(place=place))
    (line,) = priced.lines
    assert amounts(priced) == {"ECO": eur("1.50"), "VAT21": eur("6.62")}
    assert line.taxes[1].base == eur("31.50")
    assert (line.net, line.tax, line.gross) == (eur("30.00"), eur("8.12"), eur("38.12"))


@BOTH_PLACES
def test_a_per_line_fixed_tax_on_a_returned_line_is_negative(place: RoundingPlace) -> None:
    # Two units returned at EUR 10.00: net -20.00. The stamp duty, EUR 2.00 once per line,
    # is refunded with the line: -2.00. Gross -20.00 - 2.00 = -22.00.
    stamp = TaxRate.fixed("STAMP", "Stamp duty", eur("2.00"), per_unit=False)
    order = LineToPrice(line_id="1", quantity=-2, unit_price=eur("10.00"), taxes=(stamp,))
    priced = price(order, policy=RoundingPolicy(place=place))
    (line,) = priced.lines
    assert amounts(priced) == {"STAMP": eur("-2.00")}
    assert (line.net, line.tax, line.gross) == (eur("-20.00"), eur("-2.00"), eur("-22.00"))
    assert priced.tax_summary[0].tax == eur("-2.00")


def test_a_fixed_tax_in_another_currency_is_refused_naming_it_and_the_line() -> None:
    usd_fee = TaxRate.fixed("ECO-US", "Eco-fee", Money.of("0.50", "USD"))
    order = LineToPrice(line_id="L7", quantity=1, unit_price=eur("10.00"), taxes=(usd_fee,))
    with pytest.raises(
        CurrencyMismatch, match=r"'ECO-US' of line 'L7' is in USD, but the order is in EUR"
    ):
        price(order)


# -- Withholding ------------------------------------------------------------------------------


@BOTH_PLACES
def test_pph_23_is_withheld_from_what_the_buyer_pays_not_from_the_gross(
    place: RoundingPlace,
) -> None:
    # Net IDR 1,000,000. PPN 11%: 110,000, in the tax and the gross: 1,110,000.
    # PPh 23 2% of the net: 20,000 withheld by the buyer, shown as -20,000 on the line.
    # The buyer pays 1,110,000 - 20,000 = 1,090,000 (and pays the 20,000 to the state).
    order = LineToPrice(line_id="1", quantity=1, unit_price=idr("1000000.00"), taxes=(PPN11, PPH23))
    priced = price(order, currency="IDR", policy=RoundingPolicy(place=place))
    (line,) = priced.lines
    assert amounts(priced) == {"ID-PPN-11": idr("110000.00"), "ID-PPH-23": idr("-20000.00")}
    assert line.taxes[1].kind is TaxKind.WITHHOLDING
    assert line.taxes[1].base == idr("1000000.00")
    assert (line.net, line.tax, line.gross) == (
        idr("1000000.00"),
        idr("110000.00"),
        idr("1110000.00"),
    )
    assert line.withheld == idr("20000.00")
    assert (priced.tax, priced.gross, priced.withheld) == (
        idr("110000.00"),
        idr("1110000.00"),
        idr("20000.00"),
    )
    assert priced.payable == idr("1090000.00")
    summary = {row.tax_code: (row.kind, row.tax) for row in priced.tax_summary}
    assert summary == {
        "ID-PPN-11": (TaxKind.PERCENT, idr("110000.00")),
        "ID-PPH-23": (TaxKind.WITHHOLDING, idr("-20000.00")),
    }


# -- In and out of the price ------------------------------------------------------------------


@BOTH_PLACES
def test_a_tax_outside_the_price_is_added_on_a_tax_included_document(
    place: RoundingPlace,
) -> None:
    # Prices include tax. Line 1 follows the document: gross 121.00 / 1.21 = net 100.00,
    # VAT 21.00. Line 2's VAT says included=False: its 100.00 is the net, VAT 21% of it is
    # added on top, 21.00, gross 121.00.
    on_top = attrs.evolve(VAT21, included=False)
    priced = price(
        LineToPrice(line_id="1", quantity=1, unit_price=eur("121.00"), taxes=(VAT21,)),
        LineToPrice(line_id="2", quantity=1, unit_price=eur("100.00"), taxes=(on_top,)),
        tax_mode=TaxMode.INCLUDED,
        policy=RoundingPolicy(place=place),
    )
    first, second = priced.lines
    assert (first.net, first.tax, first.gross) == (eur("100.00"), eur("21.00"), eur("121.00"))
    assert (second.net, second.tax, second.gross) == (eur("100.00"), eur("21.00"), eur("121.00"))
    assert (priced.net, priced.tax, priced.gross) == (eur("200.00"), eur("42.00"), eur("242.00"))


# -- Rounding conventions ---------------------------------------------------------------------

GST_SPLITS = [
    # INR 100.00 with GST 12% inside: exact net 100 / 1.12 = 89.2857..., rounded 89.29,
    # tax 10.71. Each half is exactly 100 x 0.06 / 1.12 = 5.3571...
    # Largest remainder: 10.71 / 2 = 5.355 each, 5.36 + 5.35 by the remainders; halves must
    # be equal, so both 5.35 and the unit left goes to the net: 100.00 - 10.70 = 89.30.
    pytest.param(TaxSplit.LARGEST_REMAINDER, "5.35", "89.30", id="largest-remainder"),
    # Each rounded: 5.3571... is 5.36 for each half, tax 10.72, net 100.00 - 10.72 = 89.28.
    pytest.param(TaxSplit.EACH_ROUNDED, "5.36", "89.28", id="each-rounded"),
]


@BOTH_PLACES
@pytest.mark.parametrize(("split", "half", "net"), GST_SPLITS)
def test_cgst_and_sgst_inside_the_price_are_always_equal(
    place: RoundingPlace, split: TaxSplit, half: str, net: str
) -> None:
    order = LineToPrice(line_id="1", quantity=1, unit_price=inr("100.00"), taxes=(CGST, SGST))
    policy = RoundingPolicy(place=place, tax_split=split)
    priced = price(order, currency="INR", tax_mode=TaxMode.INCLUDED, policy=policy)
    (line,) = priced.lines
    assert amounts(priced, 0) == {"IN-CGST-6": inr(half), "IN-SGST-6": inr(half)}
    assert line.net == inr(net)
    assert line.gross == inr("100.00")


@BOTH_PLACES
@pytest.mark.parametrize(
    ("first", "net", "tax"),
    [
        # Gross 0.03 at 20%: exact net 0.03 / 1.2 = 0.025, exact tax 0.005; a half unit each.
        # Net first: net 0.025 -> 0.03 half up, tax 0.03 - 0.03 = 0.00.
        pytest.param(IncludedRounding.NET_FIRST, "0.03", "0.00", id="net-first"),
        # Tax first: tax 0.005 -> 0.01 half up, net 0.03 - 0.01 = 0.02.
        pytest.param(IncludedRounding.TAX_FIRST, "0.02", "0.01", id="tax-first"),
    ],
)
def test_included_rounding_decides_the_half_unit_of_a_tax_included_price(
    place: RoundingPlace, first: IncludedRounding, net: str, tax: str
) -> None:
    vat20 = TaxRate(code="VAT20", name="VAT 20%", rate="0.20")
    order = LineToPrice(line_id="1", quantity=1, unit_price=eur("0.03"), taxes=(vat20,))
    policy = RoundingPolicy(place=place, included=first)
    priced = price(order, tax_mode=TaxMode.INCLUDED, policy=policy)
    (line,) = priced.lines
    assert (line.net, line.tax, line.gross) == (eur(net), eur(tax), eur("0.03"))


@pytest.mark.parametrize(
    ("rounds", "off", "left"),
    [
        # 50% of 0.05 is 0.025. Rounding the discount: 0.03 off half up, 0.02 left.
        pytest.param(DiscountRounding.DISCOUNT, "0.03", "0.02", id="discount"),
        # Rounding the subtotal: 0.025 left -> 0.03, so 0.05 - 0.03 = 0.02 off.
        pytest.param(DiscountRounding.SUBTOTAL, "0.02", "0.03", id="subtotal"),
    ],
)
def test_discount_rounding_decides_the_half_unit_of_a_percentage_discount(
    rounds: DiscountRounding, off: str, left: str
) -> None:
    order = LineToPrice(
        line_id="1", quantity=1, unit_price=eur("0.05"), discount=Discount.of_percent(50)
    )
    priced = price(order, policy=RoundingPolicy(discount=rounds))
    (line,) = priced.lines
    assert (line.list_amount, line.discount, line.net) == (eur("0.05"), eur(off), eur(left))


def test_the_trace_ends_with_the_rounding_conventions() -> None:
    # A policy with no default, so each word can only come from this policy.
    policy = RoundingPolicy(
        mode=RoundingMode.HALF_EVEN,
        place=RoundingPlace.PER_LINE,
        included=IncludedRounding.TAX_FIRST,
        tax_split=TaxSplit.EACH_ROUNDED,
        discount=DiscountRounding.SUBTOTAL,
    )
    order = LineToPrice(line_id="1", quantity=3, unit_price=eur("10.00"), taxes=(ECO_FEE, VAT21))
    priced = price(order, policy=policy)
    last = priced.trace.steps[-1]
    assert last.kind is TraceKind.POLICY
    assert last.line_id == ""
    assert priced.trace.of_kind(TraceKind.POLICY) == (last,)
    for word in ("half_even", "per_line", "tax_first", "each_rounded", "subtotal"):
        assert word in last.detail, word
    assert policy.conventions in last.detail
