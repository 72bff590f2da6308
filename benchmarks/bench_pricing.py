"""Pricing a 10-line order through salesorder against a hand-written Decimal loop.

Both sides do the same arithmetic on the same figures: price x quantity, a percent discount,
tax added at 11% (PPN 12% on a base of 11/12), each step quantized half-up to 2 places.
The library also builds its result objects, the tax summary and the document totals; the
ratio is what that costs. Target for the pricing issue: at most 5x.

The engine rows price the same order through :func:`price_order` with one price list, two
promotions (10% off the lines, a fixed amount off the order) and one tax, with and without
the trace, against the same hand loop; then the time per line at 10, 1,000 and 100,000
lines (growth should be linear: the per-line time stays flat); then Saleor's ``prices``
package pricing the same 10 lines (percent discount, flat tax, rounding), when installed.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from _harness import Row, best_of
from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import Discount, LineToPrice, TaxMode, price_lines, price_order
from salesorder.domain.promotions import Promotion
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
    rows.extend(_engine_rows(figures, baseline))
    return rows


def _engine_inputs(count: int) -> dict[str, object]:
    skus = [f"SKU-{i}" for i in range(count)]
    price_list = PriceList(
        code="WEB",
        name="Web",
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        channel="web",
        entries=[
            PriceEntry(sku=sku, unit_price=Money.of(15000 + 1234 * (i % 97), "IDR"))
            for i, sku in enumerate(skus)
        ],
    )
    lines = [
        LineToPrice(
            line_id=str(i + 1),
            sku=sku,
            quantity=1 + i % 4,
            unit_price=Money.of("99999", "IDR"),
            tax_rate=RATE,
        )
        for i, sku in enumerate(skus)
    ]
    return {
        "lines": lines,
        "currency": "IDR",
        "tax_mode": TaxMode.EXCLUDED,
        "policy": RoundingPolicy(),
        "context": PricingContext(on=dt.date(2026, 1, 5), channel="web"),
        "price_lists": [price_list],
        "promotions": [
            Promotion.percent_off("TEN", "10"),
            Promotion.order_amount_off("5K", Money.of("5000", "IDR")),
        ],
    }


def _engine_rows(figures: list[tuple[Decimal, int, Decimal]], baseline: float) -> list[Row]:
    inputs = _engine_inputs(LINES)
    rows = []
    for trace in (True, False):
        measured = best_of(lambda t=trace: price_order(**inputs, trace=t), number=300) * 1e6  # type: ignore[arg-type]
        rows.append(
            Row(
                name=f"price_order 10 lines, 1 list, 2 promotions, 1 tax "
                f"({'with' if trace else 'no'} trace) vs Decimal loop",
                measured=measured,
                baseline=baseline,
                unit="us",
                target="<= 5x",
            )
        )
    per_line: dict[int, float] = {}
    for count, repeat, number in ((10, 7, 100), (1_000, 5, 1), (100_000, 3, 1)):
        big = _engine_inputs(count)
        per_line[count] = (
            best_of(lambda b=big: price_order(**b), repeat=repeat, number=number) * 1e6 / count  # type: ignore[arg-type]
        )
        rows.append(
            Row(
                name=f"price_order per line at {count:,} lines vs per line at 10",
                measured=per_line[count],
                baseline=per_line[10],
                unit="us",
                target="~1x (linear)",
            )
        )
    peer = _prices_peer(figures)
    if peer is not None:
        rows.append(
            Row(
                name="prices (Saleor) 10 lines, discount + flat tax vs Decimal loop",
                measured=best_of(peer, number=500) * 1e6,
                baseline=baseline,
                unit="us",
                target="peer reference",
            )
        )
    return rows


def _prices_peer(figures: list[tuple[Decimal, int, Decimal]]) -> object | None:
    """The same 10 lines priced with Saleor's ``prices``, or None when it is not installed."""
    try:
        import prices  # noqa: PLC0415 - an optional peer, imported only to be measured
    except ImportError:
        return None
    rate = Decimal("0.11")

    def price() -> object:
        total = prices.TaxedMoney(prices.Money(0, "IDR"), prices.Money(0, "IDR"))
        for price_, quantity, percent in figures:
            amount = (prices.Money(price_, "IDR") * quantity).quantize(rounding=ROUND_HALF_UP)
            if percent:
                amount = prices.percentage_discount(amount, percent, rounding=ROUND_HALF_UP)
            taxed = prices.flat_tax(amount, rate)
            total = total + taxed.quantize(rounding=ROUND_HALF_UP)
        return total

    return price
