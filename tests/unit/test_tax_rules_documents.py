"""Tax summaries per (code, rate), per-document tax per rate, and discounts bigger than the order.

EN 16931's BR-CO-17 wants each VAT breakdown row's tax to be its base x rate (within one
currency unit); per document, salesorder computes each rate once on the sum of its own
bases, so the row's tax is round(base x rate) exactly. Every figure is worked by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    TaxMode,
    TraceKind,
    price_order,
)
from salesorder.domain.promotions import Promotion
from salesorder.domain.tax import TaxRate
from salesorder.exceptions import CurrencyMismatch, DiscountExceedsOrder, ValidationError
from salesorder.money import Money, RoundingPlace, RoundingPolicy

PER_LINE = RoundingPolicy(place=RoundingPlace.PER_LINE)
PER_DOCUMENT = RoundingPolicy(place=RoundingPlace.PER_DOCUMENT)
CONTEXT = PricingContext(on=dt.date(2026, 1, 5), order_id="SO-1")
VAT10 = TaxRate(code="VN-VAT", name="VAT 10%", rate="0.10")
VAT8 = TaxRate(code="VN-VAT", name="VAT 8% (reduced from 10%)", rate="0.08")
SALES = TaxRate(code="MY-SALES-10", name="Sales tax 10%", rate="0.10")
SERVICE = TaxRate(code="MY-SERVICE-8", name="Service tax 8%", rate="0.08")
PPN = TaxRate(code="ID-PPN-11", name="PPN 11%", rate="0.11")


def money(amount: str, currency: str = "IDR") -> Money:
    return Money.of(amount, currency)


def line(line_id: str, price: Money, *taxes: TaxRate, **extra: object) -> LineToPrice:
    return LineToPrice(
        line_id=line_id,
        quantity=1,
        unit_price=price,
        taxes=taxes,
        **extra,  # type: ignore[arg-type]
    )


def price(lines: list[LineToPrice], **options: object) -> PricedOrder:
    settings: dict[str, object] = {
        "currency": lines[0].unit_price.currency,
        "tax_mode": TaxMode.EXCLUDED,
        "policy": PER_DOCUMENT,
    }
    settings.update(options)
    return price_order(lines, **settings)  # type: ignore[arg-type]


# -- tax summaries ------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [PER_LINE, PER_DOCUMENT])
def test_two_rates_sharing_a_code_are_two_summary_rows(policy: RoundingPolicy) -> None:
    # 12,345 VND at 10% = 1,234.5 -> 1,235; 10,001 VND at 8% = 800.08 -> 800.
    # One row per code would show a base of 22,346 with a tax of 2,035 at "10%".
    order = price(
        [line("1", money("12345", "VND"), VAT10), line("2", money("10001", "VND"), VAT8)],
        policy=policy,
    )
    rows = [(s.tax_code, s.tax_rate, s.base, s.tax) for s in order.tax_summary]
    assert rows == [
        ("VN-VAT", Decimal("0.10"), money("12345", "VND"), money("1235", "VND")),
        ("VN-VAT", Decimal("0.08"), money("10001", "VND"), money("800", "VND")),
    ]
    for summary in order.tax_summary:
        exact = summary.base.amount * summary.tax_rate
        assert abs(summary.tax.amount - exact) <= Decimal("0.5")


def test_a_summary_row_carries_the_rates_exemption_reason() -> None:
    exempt = TaxRate.exempt("VN-VAT-EXEMPT", "Not subject to VAT", reason="Law on VAT, art. 5")
    order = price([line("1", money("1000", "VND"), exempt)])
    (summary,) = order.tax_summary
    assert (summary.exemption_reason, summary.exemption_code) == ("Law on VAT, art. 5", "")
    assert order.lines[0].taxes[0].exemption_reason == "Law on VAT, art. 5"
    eu = TaxRate.exempt(
        "EU-AE", "Reverse charge", reason="Reverse charge", reason_code="VATEX-EU-AE"
    )
    assert price([line("1", money("10", "EUR"), eu)]).tax_summary[0].exemption_code == (
        "VATEX-EU-AE"
    )


# -- per document: each rate once over every line that carries it -----------------------------


def test_per_document_a_rate_is_computed_once_whatever_other_taxes_a_line_carries() -> None:
    # Sales tax 10% on two lines of RM0.05, one of which also carries service tax 8%.
    # Once on its own base: 10% x 0.10 = 0.01 (BR-CO-17: base 0.10 x 10% = 0.01 exactly).
    # Grouped by the lines' tuples of taxes, it was 10% x 0.05 = 0.005 -> 0.01 twice, 0.02:
    # a row of base 0.10 and tax 0.02, twice the rate.
    order = price(
        [line("1", money("0.05", "MYR"), SALES), line("2", money("0.05", "MYR"), SALES, SERVICE)]
    )
    rows = {s.tax_code: (s.base, s.tax) for s in order.tax_summary}
    assert rows["MY-SALES-10"] == (money("0.10", "MYR"), money("0.01", "MYR"))
    # Service tax 8% of 0.05 = 0.004 -> 0.00.
    assert rows["MY-SERVICE-8"] == (money("0.05", "MYR"), money("0.00", "MYR"))
    assert [p.tax for p in order.lines] == [money("0.01", "MYR"), money("0", "MYR")]
    # The trace records one per-document step for the rate, over both lines.
    (step,) = [s for s in order.trace.of_kind(TraceKind.TAX) if not s.line_id]
    assert step.source == "MY-SALES-10"
    assert step.detail == "per document on 0.10 (excluded), apportioned over 2 lines"


def test_per_document_in_dong_the_rows_tax_is_base_times_rate_rounded_once() -> None:
    # VAT 10% on 12,345 (alone) and 23,455 (with a compound levy of 5%): the VAT is
    # 10% x 35,800 = 3,580, where grouping by tuples gave 1,234.5 -> 1,235 and
    # 2,345.5 -> 2,346, 3,581. The levy (compound, so per tuple) is 5% x (23,455 + its
    # VAT part): the VAT 3,580 splits 12,345 : 23,455 into 1,235 and 2,345 (ties go to the
    # earlier line), so 5% x 25,800 = 1,290.
    levy = TaxRate(code="X-LEVY", name="Levy 5%", rate="0.05", compound=True)
    order = price(
        [line("1", money("12345", "VND"), VAT10), line("2", money("23455", "VND"), VAT10, levy)]
    )
    rows = {s.tax_code: (s.base, s.tax) for s in order.tax_summary}
    assert rows["VN-VAT"] == (money("35800", "VND"), money("3580", "VND"))
    assert rows["X-LEVY"] == (money("25800", "VND"), money("1290", "VND"))
    assert [[t.amount for t in p.taxes] for p in order.lines] == [
        [money("1235", "VND")],
        [money("2345", "VND"), money("1290", "VND")],
    ]


# -- an order discount the caller gives -------------------------------------------------------


def test_an_order_discount_bigger_than_the_order_is_refused_by_name() -> None:
    # The lines come to 100,000 + 20,000 = 120,000; 150,000 off cannot be what was meant.
    lines = [line("1", money("100000"), PPN), line("2", money("20000"), PPN)]
    with pytest.raises(DiscountExceedsOrder) as caught:
        price(lines, context=CONTEXT, order_discount=Discount.of_amount(money("150000")))
    error = caught.value
    assert isinstance(error, ValidationError)
    assert (error.order, error.discount, error.order_amount) == (
        "SO-1",
        money("150000"),
        money("120000"),
    )
    assert "order discount 150000 IDR is more than order 'SO-1' comes to (120000" in str(error)


def test_the_order_discount_is_measured_after_the_lines_own_discounts() -> None:
    # List 100,000 less the line's own 30% is 70,000: 80,000 off is more than the order,
    # although less than its list amount.
    lines = [line("1", money("100000"), PPN, discount=Discount.of_percent(30))]
    with pytest.raises(DiscountExceedsOrder, match=r"comes to \(70000"):
        price(lines, order_discount=Discount.of_amount(money("80000")))
    # 70,000 off, all of it, is allowed: the order is then free.
    free = price(lines, order_discount=Discount.of_amount(money("70000")))
    assert free.gross == money("0")


def test_an_order_discount_is_spread_over_the_lines_and_traced() -> None:
    # 10,000 off 90,000 + 30,000 = 120,000, spread 3 : 1 -> 7,500 and 2,500; then PPN 11%.
    lines = [line("1", money("90000"), PPN), line("2", money("30000"), PPN)]
    order = price(lines, policy=PER_LINE, order_discount=Discount.of_amount(money("10000")))
    assert [p.discount for p in order.lines] == [money("7500"), money("2500")]
    assert (order.net, order.tax) == (money("110000"), money("12100"))
    steps = [s for s in order.trace.of_kind(TraceKind.DISCOUNT) if s.source == "order discount"]
    assert [s.amount for s in steps] == [money("7500"), money("2500")]
    # A percentage: 5% of 120,000 = 6,000.
    percent = price(lines, order_discount=Discount.of_percent(5))
    assert percent.discount == money("6000")


def test_an_order_discount_in_another_currency_is_refused() -> None:
    with pytest.raises(
        CurrencyMismatch, match="the order discount is in VND, but the order is in IDR"
    ):
        price(
            [line("1", money("100000"), PPN)],
            order_discount=Discount.of_amount(money("1000", "VND")),
        )


def test_a_promotion_is_capped_at_the_order_and_the_trace_says_by_how_much() -> None:
    # A 500,000 voucher-like promotion on an order of 120,000: the buyer gets 120,000 off
    # (the order becomes free) and the trace notes the 380,000 not given.
    lines = [line("1", money("100000"), PPN), line("2", money("20000"), PPN)]
    order = price(
        lines, context=CONTEXT, promotions=[Promotion.order_amount_off("BIG", money("500000"))]
    )
    assert order.discount == money("120000")
    (note,) = order.trace.of_kind(TraceKind.NOTE)
    assert note.source == "BIG"
    assert note.amount == money("380000")
    assert note.detail == (
        "capped at the order's value 120000.00: 380000.00 less than the promotion gives"
    )


def test_a_max_discount_cap_is_noted_in_the_trace() -> None:
    # 50% of 100 + 20 = 60, capped at 30: 30 less than the promotion gives.
    lines = [line("1", money("100"), PPN), line("2", money("20"), PPN)]
    capped = Promotion.percent_off("CAP", "50", max_discount=money("30"))
    order = price(lines, context=CONTEXT, promotions=[capped])
    (note,) = order.trace.of_kind(TraceKind.NOTE)
    assert (note.source, note.amount) == ("CAP", money("30"))
    assert note.detail.startswith("capped at max_discount 30")
