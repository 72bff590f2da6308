"""Pricing worked examples from real tax rules, each computed by hand in the comments.

Indonesia: PPN 11% until 2024-12-31 (UU 7/2021 "HPP" art. 7(1)a); from 2025-01-01 PPN 12% on
a base of 11/12 of the price for non-luxury goods (PMK 131/2024, "DPP nilai lain"), so the
tax is 11% of the price. Vietnam: standard VAT 10% (Law on VAT art. 8(3)); VND has no minor
units, so rounding decides whole dong.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    TaxMode,
    price_lines,
)
from salesorder.domain.tax import TaxRate, default_tax_table
from salesorder.exceptions import CurrencyMismatch, ValidationError
from salesorder.money import Money, RoundingMode, RoundingPlace, RoundingPolicy

TABLE = default_tax_table()
PPN_2025 = TABLE.rate_for("ID", "standard", dt.date(2025, 1, 1))
PPN_2024 = TABLE.rate_for("ID", "standard", dt.date(2024, 12, 31))
VAT_VN = TABLE.rate_for("VN", "standard", dt.date(2026, 1, 5))
PER_LINE = RoundingPolicy(mode=RoundingMode.HALF_UP, place=RoundingPlace.PER_LINE)
PER_DOCUMENT = RoundingPolicy(mode=RoundingMode.HALF_UP, place=RoundingPlace.PER_DOCUMENT)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def vnd(amount: str) -> Money:
    return Money.of(amount, "VND")


def line(
    unit_price: Money,
    quantity: int,
    rate: TaxRate,
    *,
    line_id: str = "1",
    discount: Discount | None = None,
    unit_cost: Money | None = None,
) -> LineToPrice:
    return LineToPrice(
        line_id=line_id,
        quantity=quantity,
        unit_price=unit_price,
        tax_rate=rate,
        discount=discount,
        unit_cost=unit_cost,
    )


def assert_adds_up(priced: PricedOrder) -> None:
    for each in priced.lines:
        assert each.net + each.tax == each.gross
    assert sum(p.tax for p in priced.lines) == priced.tax
    assert sum(s.tax for s in priced.tax_summary) == priced.tax
    assert priced.net + priced.tax == priced.gross


# -- Indonesia ------------------------------------------------------------------------------


def test_ppn_2025_is_twelve_percent_on_eleven_twelfths() -> None:
    assert PPN_2025.code == "ID-PPN-12-DPP"
    assert PPN_2025.rate == Decimal("0.12")
    assert PPN_2025.base_factor == Fraction(11, 12)
    assert PPN_2025.percent == Decimal(12)
    # 12% x 11/12 = 11%.
    assert PPN_2025.effective_rate == Decimal("0.11")


def test_ppn_2025_tax_included_idr_150000_times_3() -> None:
    # gross = 150,000.00 x 3 = 450,000.00 (the price includes tax)
    # net   = 450,000 / 1.11 = 405,405.4054.. -> 405,405.41 (half up)
    # tax   = 450,000.00 - 405,405.41 = 44,594.59
    # The statutory view agrees to the rupiah: DPP = 11/12 x 405,405.41 = 371,621.62..;
    # 12% of it = 44,594.59.. (11% of the net). The tax is taken as gross - net, so
    # net + tax == gross holds exactly.
    priced = price_lines(
        [line(idr("150000"), 3, PPN_2025, unit_cost=idr("80000"))],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=PER_LINE,
    )
    assert priced.gross == idr("450000.00")
    assert priced.net == idr("405405.41")
    assert priced.tax == idr("44594.59")
    assert priced.list_amount == idr("450000.00")
    assert priced.discount == idr("0")
    # cost 80,000 x 3 = 240,000.00; profit = net - cost = 165,405.41
    assert priced.cost == idr("240000.00")
    assert priced.profit == idr("165405.41")
    (summary,) = priced.tax_summary
    assert summary.tax_code == "ID-PPN-12-DPP"
    assert summary.tax_rate == Decimal("0.12")
    assert summary.effective_rate == Decimal("0.11")
    assert summary.base == idr("405405.41")
    assert summary.tax == idr("44594.59")
    assert_adds_up(priced)


def test_ppn_2025_tax_excluded_idr_150000_times_3() -> None:
    # net   = 150,000.00 x 3 = 450,000.00
    # tax   = 450,000.00 x 12% x 11/12 = 450,000.00 x 11% = 49,500.00
    # so the buyer pays 499,500.00
    priced = price_lines(
        [line(idr("150000"), 3, PPN_2025)],
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        policy=PER_LINE,
    )
    assert priced.net == idr("450000.00")
    assert priced.tax == idr("49500.00")
    assert priced.gross == idr("499500.00")
    assert_adds_up(priced)


def test_ppn_2024_is_eleven_percent_on_the_full_price() -> None:
    # Same money as 2025 (11% of the price), but a different rate on the documents.
    # net = 450,000 / 1.11 = 405,405.41; tax = 44,594.59
    assert PPN_2024.code == "ID-PPN-11"
    assert PPN_2024.rate == Decimal("0.11")
    assert PPN_2024.base_factor == Fraction(1)
    priced = price_lines(
        [line(idr("150000"), 3, PPN_2024)],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=PER_LINE,
    )
    assert (priced.net, priced.tax, priced.gross) == (
        idr("405405.41"),
        idr("44594.59"),
        idr("450000.00"),
    )
    assert priced.tax_summary[0].tax_rate == Decimal("0.11")


def test_luxury_goods_pay_twelve_percent_on_the_full_price_from_2025() -> None:
    # tax excluded: 1,000,000.00 x 12% = 120,000.00
    luxury = TABLE.rate_for("ID", "luxury", dt.date(2025, 6, 1))
    assert luxury.effective_rate == Decimal("0.12")
    priced = price_lines(
        [line(idr("1000000"), 1, luxury)],
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        policy=PER_LINE,
    )
    assert priced.tax == idr("120000.00")


# -- Vietnam: VAT 10% in VND (no minor units) ------------------------------------------------


def test_vietnam_vat_10_percent_tax_excluded() -> None:
    # 3 x 33,333 = 99,999 net; 10% = 9,999.9 -> 10,000; gross 109,999
    priced = price_lines(
        [line(vnd("33333"), 3, VAT_VN)],
        currency="VND",
        tax_mode=TaxMode.EXCLUDED,
        policy=PER_LINE,
    )
    assert (priced.net, priced.tax, priced.gross) == (vnd("99999"), vnd("10000"), vnd("109999"))
    assert priced.tax.amount.as_tuple().exponent == 0


def test_vietnam_vat_10_percent_tax_included() -> None:
    # gross 110,000; net = 110,000 / 1.1 = 100,000; tax 10,000
    priced = price_lines(
        [line(vnd("55000"), 2, VAT_VN)],
        currency="VND",
        tax_mode=TaxMode.INCLUDED,
        policy=PER_LINE,
    )
    assert (priced.net, priced.tax, priced.gross) == (vnd("100000"), vnd("10000"), vnd("110000"))


VN_LINES = [
    line(vnd("12345"), 1, VAT_VN, line_id="1"),
    line(vnd("23455"), 1, VAT_VN, line_id="2"),
]


def test_vietnam_per_line_rounding_rounds_each_line() -> None:
    # line 1: 12,345 x 10% = 1,234.5 -> 1,235 (half up)
    # line 2: 23,455 x 10% = 2,345.5 -> 2,346
    # tax = 1,235 + 2,346 = 3,581; net 35,800; gross 39,381
    priced = price_lines(VN_LINES, currency="VND", tax_mode=TaxMode.EXCLUDED, policy=PER_LINE)
    assert [p.tax for p in priced.lines] == [vnd("1235"), vnd("2346")]
    assert (priced.net, priced.tax, priced.gross) == (vnd("35800"), vnd("3581"), vnd("39381"))
    assert_adds_up(priced)


def test_vietnam_per_document_rounding_differs_by_one_dong() -> None:
    # document: 35,800 x 10% = 3,580 exactly (one dong less than per line)
    # apportioned 12,345 : 23,455 -> exact shares 1,234.5 and 2,345.5; floors 1,234 + 2,345
    # leave 1 dong; the remainders tie (.5 each), so the earlier line gets it: 1,235 + 2,345.
    # net 35,800; tax 3,580; gross 39,380
    priced = price_lines(VN_LINES, currency="VND", tax_mode=TaxMode.EXCLUDED, policy=PER_DOCUMENT)
    assert [p.tax for p in priced.lines] == [vnd("1235"), vnd("2345")]
    assert (priced.net, priced.tax, priced.gross) == (vnd("35800"), vnd("3580"), vnd("39380"))
    assert_adds_up(priced)
    per_line = price_lines(VN_LINES, currency="VND", tax_mode=TaxMode.EXCLUDED, policy=PER_LINE)
    assert per_line.tax - priced.tax == vnd("1")


def test_per_document_tax_is_computed_per_rate() -> None:
    # Two rates on one document: each rate's tax is computed on its own lines' sum.
    # VAT 10%: 12,345 + 23,455 = 35,800 -> 3,580; VAT 5%: 10,001 x 5% = 500.05 -> 500
    reduced = TABLE.rate_for("VN", "reduced", dt.date(2026, 1, 5))
    lines = [*VN_LINES, line(vnd("10001"), 1, reduced, line_id="3")]
    priced = price_lines(lines, currency="VND", tax_mode=TaxMode.EXCLUDED, policy=PER_DOCUMENT)
    by_code = {s.tax_code: s for s in priced.tax_summary}
    assert by_code["VN-VAT-10"].tax == vnd("3580")
    assert by_code["VN-VAT-10"].base == vnd("35800")
    assert by_code["VN-VAT-5"].tax == vnd("500")
    assert priced.tax == vnd("4080")
    assert_adds_up(priced)


# -- discounts ------------------------------------------------------------------------------


def test_percent_discount_tax_included() -> None:
    # list 150,000.00 x 3 = 450,000.00; 10% off = 45,000.00; gross 405,000.00
    # net = 405,000 / 1.11 = 364,864.864.. -> 364,864.86; tax = 40,135.14
    priced = price_lines(
        [line(idr("150000"), 3, PPN_2025, discount=Discount.of_percent("10"))],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=PER_LINE,
    )
    assert priced.list_amount == idr("450000.00")
    assert priced.discount == idr("45000.00")
    assert priced.gross == idr("405000.00")
    assert priced.net == idr("364864.86")
    assert priced.tax == idr("40135.14")
    assert_adds_up(priced)


def test_percent_discount_is_rounded_with_the_policy() -> None:
    # 33,333 VND x 15% = 4,999.95 -> 5,000 (half up); net 28,333; tax 2,833.3 -> 2,833
    priced = price_lines(
        [line(vnd("33333"), 1, VAT_VN, discount=Discount.of_percent(15))],
        currency="VND",
        tax_mode=TaxMode.EXCLUDED,
        policy=PER_LINE,
    )
    assert priced.discount == vnd("5000")
    assert (priced.net, priced.tax, priced.gross) == (vnd("28333"), vnd("2833"), vnd("31166"))


def test_fixed_discount_is_off_the_whole_line() -> None:
    # list 450,000.00 - 50,000.00 = 400,000.00 net (excluded); tax 11% = 44,000.00
    priced = price_lines(
        [line(idr("150000"), 3, PPN_2025, discount=Discount.of_amount(idr("50000")))],
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        policy=PER_LINE,
    )
    assert priced.discount == idr("50000.00")
    assert (priced.net, priced.tax, priced.gross) == (
        idr("400000.00"),
        idr("44000.00"),
        idr("444000.00"),
    )


def test_fixed_discount_larger_than_the_line_is_capped_at_zero() -> None:
    # list 150,000.00; discount 200,000 capped to 150,000.00; everything else is zero.
    priced = price_lines(
        [line(idr("150000"), 1, PPN_2025, discount=Discount.of_amount(idr("200000")))],
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        policy=PER_LINE,
    )
    assert priced.discount == idr("150000.00")
    assert priced.gross == idr("0")
    assert priced.net == idr("0")
    assert priced.tax == idr("0")
    assert not priced.gross.is_negative


def test_fixed_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch, match="discount is in VND, but the order is in IDR"):
        price_lines(
            [line(idr("150000"), 1, PPN_2025, discount=Discount.of_amount(vnd("1000")))],
            currency="IDR",
            tax_mode=TaxMode.INCLUDED,
            policy=PER_LINE,
        )


def test_a_unit_price_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        price_lines(
            [line(vnd("1000"), 1, VAT_VN)],
            currency="IDR",
            tax_mode=TaxMode.EXCLUDED,
            policy=PER_LINE,
        )


@pytest.mark.parametrize("percent", ["-1", "100.01"])
def test_percent_discount_must_be_between_0_and_100(percent: str) -> None:
    with pytest.raises(ValidationError, match="percent"):
        Discount.of_percent(percent)


def test_a_fixed_discount_cannot_be_negative() -> None:
    with pytest.raises(ValidationError, match="fixed discount"):
        Discount.of_amount(idr("-1"))


def test_no_lines_price_to_zero() -> None:
    priced = price_lines([], currency="IDR", tax_mode=TaxMode.INCLUDED, policy=PER_LINE)
    assert priced.gross == idr("0")
    assert priced.lines == ()
    assert priced.tax_summary == ()
