"""Indonesia's PPN 12% on DPP nilai lain (11/12 of the price), computed as PMK 131/2024 states.

The regulation rounds the legal base first and taxes it: DPP = round(11/12 x price), then
PPN = round(12% x DPP). That is the default (``ReducedBase.ROUNDED_BASE``); the flat 11% of
the price (``ReducedBase.EFFECTIVE_RATE``) is an option and differs on some nets by one
unit. Tax included, the net is round(gross / 1.11) either way; by default PPN = gross - net
(``IncludedTax.BALANCES_GROSS``), or PPN = round(12% x DPP) with the rest reported as a
rounding difference (``IncludedTax.FROM_NET``). Every figure is worked by hand, half-up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from salesorder.domain.pricing import (
    IncludedTax,
    LineToPrice,
    PricedOrder,
    ReducedBase,
    TaxMode,
    TraceKind,
    price_lines,
)
from salesorder.domain.tax import TaxRate, default_tax_table
from salesorder.money import Money, RoundingPlace, RoundingPolicy

PPN = default_tax_table().rate_for("ID", "standard", dt.date(2025, 6, 1))
FLAT = attrs.evolve(PPN, reduced_base=ReducedBase.EFFECTIVE_RATE)
FROM_NET = attrs.evolve(PPN, included_tax=IncludedTax.FROM_NET)
PER_LINE = RoundingPolicy(place=RoundingPlace.PER_LINE)
PER_DOCUMENT = RoundingPolicy(place=RoundingPlace.PER_DOCUMENT)
WHOLE_RUPIAH = RoundingPolicy(place=RoundingPlace.PER_LINE, digits=0)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def priced(
    prices: list[str], rate: TaxRate, mode: TaxMode, policy: RoundingPolicy = PER_LINE
) -> PricedOrder:
    lines = [
        LineToPrice(line_id=str(n), quantity=1, unit_price=idr(price), tax_rate=rate)
        for n, price in enumerate(prices, 1)
    ]
    return price_lines(lines, currency="IDR", tax_mode=mode, policy=policy)


def test_the_defaults_are_the_regulation_and_a_balanced_gross() -> None:
    assert PPN.reduced_base is ReducedBase.ROUNDED_BASE
    assert PPN.included_tax is IncludedTax.BALANCES_GROSS


def test_ppn_is_twelve_percent_of_the_rounded_dpp_not_eleven_percent_of_the_price() -> None:
    # net 10,000.59: DPP = 11/12 x 10,000.59 = 9,167.2075 -> 9,167.21;
    # PPN = 12% x 9,167.21 = 1,100.0652 -> 1,100.07.
    # The flat route: 11% x 10,000.59 = 1,100.0649 -> 1,100.06, one sen less.
    regulation = priced(["10000.59"], PPN, TaxMode.EXCLUDED)
    flat = priced(["10000.59"], FLAT, TaxMode.EXCLUDED)
    assert regulation.tax == idr("1100.07")
    assert flat.tax == idr("1100.06")
    (tax,) = regulation.lines[0].taxes
    assert tax.legal_base == idr("9167.21")
    assert tax.base == idr("10000.59")
    # The flat route still reports the legal base: it is the same DPP, only taxed otherwise.
    assert flat.lines[0].taxes[0].legal_base == idr("9167.21")
    (summary,) = regulation.tax_summary
    assert (summary.base, summary.legal_base, summary.tax) == (
        idr("10000.59"),
        idr("9167.21"),
        idr("1100.07"),
    )
    assert summary.tax_rate == Decimal("0.12")
    assert summary.effective_rate == Decimal("0.11")


def test_the_trace_shows_the_dpp_and_the_tax_on_it() -> None:
    regulation = priced(["10000.59"], PPN, TaxMode.EXCLUDED)
    (tax,) = regulation.trace.of_kind(TraceKind.TAX)
    assert "legal base 9167.21: 0.12 of it" in tax.detail
    (rounding,) = regulation.trace.of_kind(TraceKind.ROUNDING)
    # 12% x 9,167.21 = 1,100.0652, rounded to 1,100.07.
    assert rounding.amount == idr("0.0048")
    assert rounding.detail == "1100.0652 rounded to 1100.07"


def test_per_document_the_dpp_is_of_the_documents_base() -> None:
    # Three lines of 10,000.59: the base is 30,001.77; DPP = 11/12 x 30,001.77 = 27,501.6225
    # -> 27,501.62; PPN = 12% x 27,501.62 = 3,300.1944 -> 3,300.19.
    # Per line: three DPPs of 9,167.21 (27,501.63) and three PPNs of 1,100.07 (3,300.21).
    per_document = priced(["10000.59"] * 3, PPN, TaxMode.EXCLUDED, PER_DOCUMENT)
    (summary,) = per_document.tax_summary
    assert (summary.base, summary.legal_base, summary.tax) == (
        idr("30001.77"),
        idr("27501.62"),
        idr("3300.19"),
    )
    # The DPP and the PPN are each apportioned over the lines, so the lines add up to them.
    assert [line.taxes[0].legal_base for line in per_document.lines] == [
        idr("9167.21"),
        idr("9167.21"),
        idr("9167.20"),
    ]
    assert [line.tax for line in per_document.lines] == [
        idr("1100.07"),
        idr("1100.06"),
        idr("1100.06"),
    ]
    per_line = priced(["10000.59"] * 3, PPN, TaxMode.EXCLUDED, PER_LINE)
    (summary,) = per_line.tax_summary
    assert (summary.legal_base, summary.tax) == (idr("27501.63"), idr("3300.21"))


def test_tax_included_balancing_the_gross_by_default() -> None:
    # gross 11,100.65: net = 11,100.65 / 1.11 = 10,000.5856.. -> 10,000.59;
    # PPN = 11,100.65 - 10,000.59 = 1,100.06; DPP = 11/12 x 10,000.59 -> 9,167.21.
    # (12% of that DPP would be 1,100.07: the gross decides, net + PPN == gross.)
    order = priced(["11100.65"], PPN, TaxMode.INCLUDED)
    (line,) = order.lines
    assert (line.net, line.tax, line.gross) == (idr("10000.59"), idr("1100.06"), idr("11100.65"))
    assert line.taxes[0].legal_base == idr("9167.21")
    assert line.rounding_difference == idr("0")
    assert order.rounding_difference == idr("0")


def test_tax_included_from_the_net_reports_the_rounding_difference() -> None:
    # Same gross 11,100.65: net 10,000.59, DPP 9,167.21, PPN = 12% x 9,167.21 -> 1,100.07;
    # the difference 11,100.65 - 10,000.59 - 1,100.07 = -0.01 is reported, and the buyer
    # still pays 11,100.65.
    order = priced(["11100.65"], FROM_NET, TaxMode.INCLUDED)
    (line,) = order.lines
    assert (line.net, line.tax, line.gross) == (idr("10000.59"), idr("1100.07"), idr("11100.65"))
    assert line.rounding_difference == idr("-0.01")
    assert line.net + line.tax + line.rounding_difference == line.gross
    assert order.rounding_difference == idr("-0.01")
    assert order.net + order.tax + order.rounding_difference == order.gross
    # The steps: the net's rounding, the PPN's (12% x 9,167.21 = 1,100.0652), the difference.
    sources = [s.source for s in order.trace.of_kind(TraceKind.ROUNDING)]
    assert sources == ["net", "ID-PPN-12-DPP", "rounding difference"]
    step = order.trace.of_kind(TraceKind.ROUNDING)[-1]
    assert step.amount == idr("-0.01")
    assert step.detail.startswith("gross 11100.65 - net 10000.59 - tax 1100.07")
    # Where the two conventions agree, there is no difference: gross 11,100.66 gives net
    # 10,000.59 and PPN 1,100.07 either way.
    agreeing = priced(["11100.66"], FROM_NET, TaxMode.INCLUDED)
    assert agreeing.tax == idr("1100.07")
    assert agreeing.rounding_difference == idr("0")


def test_tax_included_from_the_net_per_document() -> None:
    # Lines of 11,100.00 and 0.65: the document's gross is 11,100.65, so as above: net
    # 10,000.59, PPN 1,100.07, difference -0.01, each apportioned over the lines by gross.
    order = priced(["11100.00", "0.65"], FROM_NET, TaxMode.INCLUDED, PER_DOCUMENT)
    assert (order.net, order.tax, order.gross) == (
        idr("10000.59"),
        idr("1100.07"),
        idr("11100.65"),
    )
    assert order.rounding_difference == idr("-0.01")
    for line in order.lines:
        assert line.rounding_difference is not None
        assert line.net + line.tax + line.rounding_difference == line.gross
    (summary,) = order.tax_summary
    assert summary.legal_base == idr("9167.21")
    assert [s.source for s in order.trace.of_kind(TraceKind.ROUNDING) if not s.line_id] == [
        "rounding difference"
    ]


@pytest.mark.parametrize(
    ("rate", "tax"),
    [
        # net 10,059: DPP = 11/12 x 10,059 = 9,220.75 -> 9,221; PPN = 12% x 9,221 =
        # 1,106.52 -> 1,107. Flat: 11% x 10,059 = 1,106.49 -> 1,106.
        (PPN, "1107"),
        (FLAT, "1106"),
    ],
)
def test_whole_rupiah_excluded(rate: TaxRate, tax: str) -> None:
    order = priced(["10059"], rate, TaxMode.EXCLUDED, WHOLE_RUPIAH)
    assert order.tax == idr(tax)
    assert order.lines[0].taxes[0].legal_base == idr("9221")
    assert order.tax.amount.as_tuple().exponent == 0


@pytest.mark.parametrize(
    ("rate", "tax", "difference"),
    [
        # gross 11,105: net = 11,105 / 1.11 = 10,004.50.. -> 10,005; DPP = 11/12 x 10,005 =
        # 9,171.25 -> 9,171. Balancing: PPN = 11,105 - 10,005 = 1,100. From the net:
        # PPN = 12% x 9,171 = 1,100.52 -> 1,101, difference 11,105 - 10,005 - 1,101 = -1.
        (PPN, "1100", "0"),
        (FROM_NET, "1101", "-1"),
    ],
)
def test_whole_rupiah_included(rate: TaxRate, tax: str, difference: str) -> None:
    order = priced(["11105"], rate, TaxMode.INCLUDED, WHOLE_RUPIAH)
    assert (order.net, order.tax, order.gross) == (idr("10005"), idr(tax), idr("11105"))
    assert order.rounding_difference == idr(difference)
    assert order.tax_summary[0].legal_base == idr("9171")
