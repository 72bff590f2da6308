"""Documents mixing sales with refunds, returned units and discount lines price exactly.

A line is negative when its quantity is (units returned) or its unit price is (a refund or a
discount line). Per document, each tax is apportioned over the lines by signed largest
remainder; lines whose amounts cancel out keep their own per-line taxes. Whatever the mix,
the figures add up exactly and per-document rounding stays within the rounding of its parts.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.pricing import LineToPrice, PricedOrder, TaxMode, price_lines
from salesorder.domain.tax import TaxRate
from salesorder.exceptions import ValidationError
from salesorder.money import Money, RoundingMode, RoundingPlace, RoundingPolicy, currency_info
from salesorder.testing import strategies as sst

CURRENCIES = ("IDR", "VND", "EUR")
SIGNS = st.sampled_from([1, -1])
HALF_MODES = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.HALF_DOWN)
# India's GST 12% as its two 6% halves: always on a line together, always equal.
CGST = TaxRate(code="IN-CGST-6", name="CGST 6%", rate="0.06")
SGST = TaxRate(code="IN-SGST-6", name="SGST 6%", rate="0.06")
VAT10 = TaxRate(code="T-1000", name="Tax 10%", rate="0.1000")

# Each example prices a document once or twice: 300 of them run in about three seconds.
EXAMPLES = settings(max_examples=300, deadline=None)


def _rate(basis_points: int) -> TaxRate:
    # The code follows from the rate, so two taxes with one rate are one tax, carried by the
    # same lines: taxes that are alike on a line are alike on every line.
    return TaxRate(
        code=f"T-{basis_points}",
        name=f"Tax {basis_points / 100}%",
        rate=Decimal(basis_points).scaleb(-4),
    )


@st.composite
def _lines(
    draw: st.DrawFn, currency: str, taxes: st.SearchStrategy[tuple[TaxRate, ...]]
) -> list[LineToPrice]:
    """1-8 lines, each of quantity and unit price of either sign."""
    count = draw(st.integers(1, 8))
    lines = []
    for number in range(1, count + 1):
        unit = draw(sst.money(currency, max_value=1_000_000, rounded=draw(st.booleans())))
        lines.append(
            LineToPrice(
                line_id=str(number),
                quantity=draw(st.integers(1, 20)) * draw(SIGNS),
                unit_price=unit * draw(SIGNS),
                taxes=draw(taxes),
            )
        )
    return lines


@st.composite
def documents(draw: st.DrawFn, *, modes: tuple[RoundingMode, ...] | None = None) -> dict[str, Any]:
    """What price_lines takes: 1-8 lines of either sign with one or two percent taxes each.

    The rates come from a small pool per document (so lines share them, and per-document
    rounding has something to sum), 0% among them; a line's two taxes are two taxes (the
    same tax twice is refused), and some lines carry CGST + SGST.
    """
    currency = draw(st.sampled_from(CURRENCIES))
    known = st.sampled_from([0, 500, 600, 1000, 1100, 2100])
    pool = draw(st.lists(known | st.integers(0, 10_000), min_size=1, max_size=3, unique=True))
    rates = st.sampled_from([_rate(points) for points in pool])
    two = st.tuples(rates, rates).filter(lambda pair: pair[0].code != pair[1].code)
    taxes = st.one_of(st.tuples(rates), two, st.just((CGST, SGST)))
    mode = draw(st.sampled_from(modes or list(RoundingMode)))
    return {
        "lines": draw(_lines(currency, taxes)),
        "currency": currency,
        "tax_mode": draw(st.sampled_from(list(TaxMode))),
        "policy": RoundingPolicy(mode=mode, place=draw(st.sampled_from(list(RoundingPlace)))),
    }


def _units(money: Money) -> int:
    return int(money.amount.scaleb(currency_info(money.currency).digits))


def _half_units_off(lines: list[LineToPrice], tax_mode: TaxMode) -> Counter[str]:
    """How far apart each code's tax per line and per document may be, in half units.

    One rounding of a tax's own exact amount is half a unit off at most (1). A tax-included
    line with several taxes rounds their total (half a unit) and splits it (a unit), so each
    part may be a unit and a half off (3); per document the same holds for each group of
    lines with the same taxes, rounded once. Tax excluded, per document each code is
    rounded once over all its lines (1).
    """
    off: Counter[str] = Counter()
    for rates in [line.rates for line in lines]:
        for rate in rates:
            off[rate.code] += _off(rates, tax_mode)
    if tax_mode is TaxMode.EXCLUDED:
        off.update(set(off))
    else:
        for rates in {line.rates for line in lines}:
            for rate in rates:
                off[rate.code] += _off(rates, tax_mode)
    return off


def _off(rates: tuple[TaxRate, ...], tax_mode: TaxMode) -> int:
    return 3 if tax_mode is TaxMode.INCLUDED and len(rates) > 1 else 1


def _tax_by_code(priced: PricedOrder) -> Counter[str]:
    """The document's tax of each code, in minor units."""
    tax: Counter[str] = Counter()
    for line in priced.lines:
        for each in line.taxes:
            tax[each.tax_code] += _units(each.amount)
    return tax


@EXAMPLES
@given(documents())
def test_negative_lines_add_up_exactly_on_every_line_and_the_document(
    inputs: dict[str, Any],
) -> None:
    priced = price_lines(**inputs)
    currency = priced.currency
    zero = Money.zero(currency)
    for line in priced.lines:
        difference = line.rounding_difference or zero
        assert line.net + line.tax + difference == line.gross
        assert Money.sum((t.amount for t in line.taxes), currency) == line.tax
        assert line.list_amount - line.discount in (line.net, line.gross)
        for amount in (line.net, line.tax, line.gross, difference):
            assert amount.is_rounded()
    for figure in ("list_amount", "discount", "net", "tax", "gross"):
        parts = Money.sum((getattr(line, figure) for line in priced.lines), currency)
        assert parts == getattr(priced, figure), figure
    differences = [line.rounding_difference or zero for line in priced.lines]
    assert Money.sum(differences, currency) == (priced.rounding_difference or zero)
    assert priced.net + priced.tax + (priced.rounding_difference or zero) == priced.gross
    assert Money.sum((s.tax for s in priced.tax_summary), currency) == priced.tax
    assert priced.withheld is None
    assert priced.payable == priced.gross


@EXAMPLES
@given(documents())
def test_identical_taxes_on_a_line_always_have_equal_amounts(inputs: dict[str, Any]) -> None:
    """Taxes of one rate on a line (CGST and SGST) come out equal.

    The lines carrying one always carry the other, so however a document is rounded nothing
    tells them apart (tax included, a unit that cannot be shared equally stays in the net).
    """
    priced = price_lines(**inputs)
    for line in priced.lines:
        by_rate: dict[Decimal, set[Money]] = {}
        for each in line.taxes:
            by_rate.setdefault(each.tax_rate, set()).add(each.amount)
        for rate, found in by_rate.items():
            assert len(found) == 1, (line.line_id, rate, found)


@EXAMPLES
@given(documents(modes=HALF_MODES))
def test_per_document_tax_is_within_half_a_unit_per_rounding_of_per_line_tax(
    inputs: dict[str, Any],
) -> None:
    """Per document and per line, each code's document tax differs by at most (n + 1) // 2.

    In minor units, where n is the number of line taxes of the code (a line carrying one tax
    twice counts twice). Per line, each of the n taxes is rounded on its own exact amount,
    half a unit off at most; per document the code's tax is rounded once on the sum of its
    bases (then apportioned, which moves units between lines but keeps their sum), half a
    unit off at most. So the two differ by at most (n + 1) / 2 units, a whole number: at
    most (n + 1) // 2. That is the bound whenever each tax is rounded on its own exact
    amount: tax excluded, and tax included when every line has one tax (one group of lines
    per code). A tax-included line with several taxes splits their rounded total, and equal
    taxes leave a unit that cannot be shared to the net: each part may be a unit and a half
    off, per line and per group of lines (4 x INR 100.00 with CGST + SGST 6% inside: 5.35 a
    line each, 21.40 per line, 21.43 per document, 3 units apart), so there the bound is the
    sum of those half units (see _half_units_off). Half rounding modes only: the argument
    needs them.
    """
    mode = inputs["policy"].mode
    per_line = price_lines(
        **{**inputs, "policy": RoundingPolicy(mode=mode, place=RoundingPlace.PER_LINE)}
    )
    per_document = price_lines(
        **{**inputs, "policy": RoundingPolicy(mode=mode, place=RoundingPlace.PER_DOCUMENT)}
    )
    line_tax, document_tax = _tax_by_code(per_line), _tax_by_code(per_document)
    assert line_tax.keys() == document_tax.keys()
    carriers = Counter(rate.code for line in inputs["lines"] for rate in line.rates)
    shared = {
        rate.code
        for line in inputs["lines"]
        if inputs["tax_mode"] is TaxMode.INCLUDED and len(line.rates) > 1
        for rate in line.rates
    }
    off = _half_units_off(inputs["lines"], inputs["tax_mode"])
    for code, n in carriers.items():
        difference = abs(line_tax[code] - document_tax[code])
        figures = (code, n, line_tax[code], document_tax[code])
        if code not in shared:
            assert off[code] == n + 1  # n roundings per line, one per document
            assert difference <= (n + 1) // 2, figures
        assert 2 * difference <= off[code], figures


def test_a_line_carrying_the_same_tax_twice_is_refused() -> None:
    # Twice the same tax is a mistake in the tax setup, not two taxes: priced per document
    # it would be one rounding of both, with an odd unit that cannot be split equally.
    with pytest.raises(ValidationError, match=r"line '1' carries tax 'T-1000' twice"):
        LineToPrice(
            line_id="1", quantity=1, unit_price=Money.of("0.05", "EUR"), taxes=(VAT10, VAT10)
        )
