"""Pricing a 10-line order through salesorder against a hand-written Decimal loop.

Both sides do the same arithmetic on the same figures: price x quantity, a percent discount,
tax added at 11% (PPN 12% on a base of 11/12), each step quantized half-up to 2 places.
The library also builds its result objects, the tax summary and the document totals; the
ratio is what that costs. Target for the pricing issue: at most 5x.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from _harness import Row, best_of
from salesorder.domain.pricing import Discount, LineToPrice, TaxMode, price_lines
from salesorder.domain.tax import TaxRate
from salesorder.money import Money, RoundingPlace, RoundingPolicy

LINES = 10
CENT = Decimal("0.01")
RATE = TaxRate(code="ID-PPN-12-DPP", name="PPN 12%", rate="0.12", base_factor=Fraction(11, 12))


def _figures() -> list[tuple[Decimal, int, Decimal]]:
    return [
        (Decimal(15000 + 1234 * i) + CENT * i, 1 + i % 4, Decimal(i % 3 * 5)) for i in range(LINES)
    ]


def hand_loop(figures: list[tuple[Decimal, int, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """The baseline: what a developer writes without a library."""
    rate = Decimal("0.11")
    net_total = tax_total = Decimal(0)
    for price, quantity, percent in figures:
        amount = (price * quantity).quantize(CENT, ROUND_HALF_UP)
        discount = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
        net = amount - discount
        tax = (net * rate).quantize(CENT, ROUND_HALF_UP)
        net_total += net
        tax_total += tax
    return net_total, tax_total, net_total + tax_total


def run() -> list[Row]:
    """Time both sides on the same order, and check they agree before reporting."""
    figures = _figures()
    lines = [
        LineToPrice(
            line_id=str(i + 1),
            quantity=quantity,
            unit_price=Money.of(price, "IDR"),
            discount=Discount.of_percent(percent) if percent else None,
            tax_rate=RATE,
        )
        for i, (price, quantity, percent) in enumerate(figures)
    ]
    rows: list[Row] = []
    baseline = best_of(lambda: hand_loop(figures), number=2000) * 1e6
    for place in RoundingPlace:
        policy = RoundingPolicy(place=place)

        def price(policy: RoundingPolicy = policy) -> object:
            return price_lines(lines, currency="IDR", tax_mode=TaxMode.EXCLUDED, policy=policy)

        if place is RoundingPlace.PER_LINE:
            priced = price_lines(lines, currency="IDR", tax_mode=TaxMode.EXCLUDED, policy=policy)
            expected = hand_loop(figures)
            got = (priced.net.amount, priced.tax.amount, priced.gross.amount)
            if got != expected:
                raise AssertionError(f"library {got} and hand loop {expected} disagree")
        measured = best_of(price, number=500) * 1e6
        rows.append(
            Row(
                name=f"price 10 lines ({place.value}) vs Decimal loop",
                measured=measured,
                baseline=baseline,
                unit="us",
                target="<= 5x",
            )
        )
    return rows
