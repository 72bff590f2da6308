"""Per-document rounding: each tax summary row's tax is its base times its rate, rounded once.

EN 16931's BR-CO-17: a VAT breakdown row's tax equals its taxable amount times its rate
(within one currency unit). Tax excluded, per document, salesorder computes each rate that
is not compound once on the sum of its own bases, whatever other taxes the lines carry, so
the row's tax is within half a rounding unit of base x rate (a full unit in the directed
rounding modes), in every currency, VND's whole dong included. Exact arithmetic throughout.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.domain.pricing import LineToPrice, ReducedBase, TaxMode, price_lines
from salesorder.domain.tax import TaxRate
from salesorder.money import Money, RoundingMode, RoundingPlace, RoundingPolicy
from salesorder.testing import strategies as sst

LEVY = TaxRate(code="LEVY", name="Levy 5% on the net and the taxes before it", rate="0.05",
               compound=True)  # fmt: skip
HALF_MODES = (RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.HALF_DOWN)
#: How far a rate stored to 28 significant digits can move a product of a base below 10**14.
_STORED_RATE_ERROR = Fraction(1, 10**12)


@st.composite
def documents(
    draw: st.DrawFn, *, single: bool
) -> tuple[list[LineToPrice], str, RoundingPolicy, dict[str, TaxRate]]:
    """Lines in one currency with taxes from a few rates, some lines carrying several."""
    currency = draw(st.sampled_from(["IDR", "VND", "MYR", "USD", "KWD"]))
    rates = draw(st.lists(sst.tax_rates(), min_size=1, max_size=3, unique_by=lambda r: r.code))
    rates = [
        draw(st.sampled_from([rate, _flat(rate)])) if rate.base_factor != 1 else rate
        for rate in rates
    ]
    tax_sets: list[tuple[TaxRate, ...]] = [(rate,) for rate in rates]
    if not single:
        tax_sets += [tuple(rates), (rates[0], LEVY), ()]
    lines = [
        LineToPrice(
            line_id=str(number),
            quantity=draw(st.integers(1, 20)),
            unit_price=draw(sst.money(currency, max_value=1_000_000)),
            taxes=draw(st.sampled_from(tax_sets)),
        )
        for number in range(1, draw(st.integers(1, 8)) + 1)
    ]
    policy = RoundingPolicy(mode=draw(sst.rounding_modes()), place=RoundingPlace.PER_DOCUMENT)
    return lines, currency, policy, {rate.code: rate for rate in rates}


def _flat(rate: TaxRate) -> TaxRate:
    return TaxRate(
        code=rate.code + "-FLAT",
        name=rate.name,
        rate=rate.rate,
        base_factor=rate.base_factor,
        reduced_base=ReducedBase.EFFECTIVE_RATE,
    )


def _quantum(currency: str) -> Fraction:
    return Fraction(Money.zero(currency).info.quantum)


@settings(max_examples=300)
@given(documents(single=False))
def test_excluded_each_rows_tax_is_its_base_times_its_rate_rounded_once(
    document: tuple[list[LineToPrice], str, RoundingPolicy, dict[str, TaxRate]],
) -> None:
    lines, currency, policy, rates = document
    priced = price_lines(lines, currency=currency, tax_mode=TaxMode.EXCLUDED, policy=policy)
    quantum = _quantum(currency)
    slack = quantum / 2 if policy.mode in HALF_MODES else quantum
    for row in priced.tax_summary:
        if row.tax_code == LEVY.code:
            continue  # compound: its base holds other taxes, computed per group of lines
        rate = rates[row.tax_code]
        if rate.base_factor != 1:
            # The legal base is the row's base times the factor, rounded once too.
            assert row.legal_base is not None
            legal = Fraction(row.base.amount) * rate.base_factor
            assert abs(Fraction(row.legal_base.amount) - legal) <= slack, row
        if rate.base_factor != 1 and rate.reduced_base is ReducedBase.ROUNDED_BASE:
            assert row.legal_base is not None
            exact = Fraction(row.legal_base.amount) * Fraction(rate.rate)
        else:
            exact = Fraction(row.base.amount) * Fraction(row.effective_rate)
        # The effective rate (11/12 of 100%, say) is stored to 28 significant digits, so the
        # product can miss an exact tie (0.18 x 11/12 = 0.165) by ~1e-29: allow for that.
        assert abs(Fraction(row.tax.amount) - exact) <= slack + _STORED_RATE_ERROR, (row, exact)
        if policy.mode in HALF_MODES:
            # And so within one currency unit of the base at the effective rate (BR-CO-17):
            # at most (1 + rate) / 2 units even through the rounded legal base. (A directed
            # mode may round the legal base and the tax each up by almost a unit.)
            effective = Fraction(row.base.amount) * Fraction(row.effective_rate)
            assert abs(Fraction(row.tax.amount) - effective) <= 1, row


@settings(max_examples=200)
@given(documents(single=True))
def test_included_single_tax_rows_are_within_one_unit_of_base_times_rate(
    document: tuple[list[LineToPrice], str, RoundingPolicy, dict[str, TaxRate]],
) -> None:
    lines, currency, _policy, _rates = document
    # Half-up: tax = gross - net, and the net is within half a unit of gross / (1 + rate),
    # so the tax is within (1 + rate) / 2 <= 1 unit of net x rate.
    policy = RoundingPolicy(mode=RoundingMode.HALF_UP, place=RoundingPlace.PER_DOCUMENT)
    priced = price_lines(lines, currency=currency, tax_mode=TaxMode.INCLUDED, policy=policy)
    quantum = _quantum(currency)
    for row in priced.tax_summary:
        exact = Fraction(row.base.amount) * Fraction(row.effective_rate)
        assert abs(Fraction(row.tax.amount) - exact) <= quantum, (row, exact)
    for line in priced.lines:
        assert line.net + line.tax == line.gross
