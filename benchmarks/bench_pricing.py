"""Pricing a 10-line order through salesorder against a hand-written Decimal loop.

The first rows (a reference) price 10 lines with :func:`price_lines` against the simplest
loop: price x quantity, a percent discount, PPN 12% on a base (DPP) of 11/12 of the net, the
DPP rounded first as the regulation does, each step quantized half-up to 2 places, per line;
the library also builds its result objects, the tax summary and the document totals, which
the loop does not.

The engine rows price a 10-line order through :func:`price_order` with one price list, two
promotions (10% off the lines, a fixed amount off the order) and one tax, with the trace
(the default), without it, with the trace then read (``priced.trace.steps``: the trace
keeps the run's figures and words them into steps on first read, so that row adds what a
caller who looks at every step pays), and with every line's fields and the totals read
(the priced lines and order, too, keep the run's figures and build their ``Money`` on
first read; a reference), against a hand loop doing the same work
(:func:`hand_order`: the unit price looked up in a dict, 10% off, the fixed amount
apportioned over the lines by largest remainder, PPN 12% of the rounded 11/12 base, each
step quantized, per line); the two are checked to agree to the minor unit on every line
before either is timed; the pricing issue's targets are on these rows: at most 3x with the
trace, at most 6x with every step read (the row without the trace is a reference). Then the
time per line at 10, 1,000 and 100,000 lines (growth should be linear: the per-line time
stays flat), and the engine's at 100,000 lines once more with the cyclic garbage collector
paused (what the collector adds when the results fill the heap); then Saleor's ``prices``
package pricing the first 10 lines (percent discount, flat tax, rounding), when installed,
against the simple loop.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from _harness import Row, best_of
from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    TaxMode,
    price_lines,
    price_order,
)
from salesorder.domain.promotions import Promotion
from salesorder.domain.tax import TaxRate
from salesorder.money import Money, RoundingPlace, RoundingPolicy

if TYPE_CHECKING:
    from collections.abc import Callable

LINES = 10
CENT = Decimal("0.01")
RATE = TaxRate(code="ID-PPN-12-DPP", name="PPN 12%", rate="0.12", base_factor=Fraction(11, 12))
#: PPN 12%, taken of the DPP (11/12 of the net, rounded first: the regulation's route).
PPN = Decimal("0.12")
#: Both sides round per line (the library's default is per document).
PER_LINE = RoundingPolicy(place=RoundingPlace.PER_LINE)


def _figures() -> list[tuple[Decimal, int, Decimal]]:
    return [
        (Decimal(15000 + 1234 * i) + CENT * i, 1 + i % 4, Decimal(i % 3 * 5)) for i in range(LINES)
    ]


def hand_loop(figures: list[tuple[Decimal, int, Decimal]]) -> tuple[Decimal, Decimal, Decimal]:
    """The baseline: what a developer writes without a library."""
    net_total = tax_total = Decimal(0)
    for price, quantity, percent in figures:
        amount = (price * quantity).quantize(CENT, ROUND_HALF_UP)
        discount = (amount * percent / 100).quantize(CENT, ROUND_HALF_UP)
        net = amount - discount
        dpp = (net * 11 / 12).quantize(CENT, ROUND_HALF_UP)
        tax = (dpp * PPN).quantize(CENT, ROUND_HALF_UP)
        net_total += net
        tax_total += tax
    return net_total, tax_total, net_total + tax_total


#: The engine rows' order: 10% off every line, then this much off the order (apportioned).
PERCENT_OFF = Decimal(10)
ORDER_OFF = Decimal(5000)


def hand_order(
    order: list[tuple[str, int]], prices: dict[str, Decimal]
) -> tuple[list[tuple[Decimal, Decimal]], Decimal, Decimal, Decimal]:
    """The baseline of the engine rows: :func:`price_order`'s work for that order, by hand.

    Returns each line's (net, tax) and the order's net, tax and gross, in IDR, every step
    rounded half-up to the cent as the engine does per line.
    """
    # List amount from the price list (a dict by SKU), then 10% off it.
    lefts = []
    for sku, quantity in order:
        amount = (prices[sku] * quantity).quantize(CENT, ROUND_HALF_UP)
        lefts.append(amount - (amount * PERCENT_OFF / 100).quantize(CENT, ROUND_HALF_UP))
    # The fixed order discount, in cents, over the lines in proportion to what each has
    # left: everyone gets the floor of their share, the cents left over go to the largest
    # remainders (ties to the earlier line), so the parts add up to the discount exactly.
    weights = [int(left * 100) for left in lefts]
    whole = sum(weights)
    off = int(ORDER_OFF * 100)
    parts = []
    remainders = []
    for weight in weights:
        part, remainder = divmod(off * weight, whole)
        parts.append(part)
        remainders.append(remainder)
    for index in sorted(range(len(parts)), key=lambda i: -remainders[i])[: off - sum(parts)]:
        parts[index] += 1
    # PPN 12% of each line's DPP (11/12 of its net, rounded first), rounded per line.
    lines = []
    net_total = tax_total = Decimal(0)
    for left, part in zip(lefts, parts, strict=True):
        net = left - Decimal(part) / 100
        dpp = (net * 11 / 12).quantize(CENT, ROUND_HALF_UP)
        tax = (dpp * PPN).quantize(CENT, ROUND_HALF_UP)
        lines.append((net, tax))
        net_total += net
        tax_total += tax
    return lines, net_total, tax_total, net_total + tax_total


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
    priced = price_lines(lines, currency="IDR", tax_mode=TaxMode.EXCLUDED, policy=PER_LINE)
    expected = hand_loop(figures)
    got = (priced.net.amount, priced.tax.amount, priced.gross.amount)
    if got != expected:
        raise AssertionError(f"library {got} and hand loop {expected} disagree")
    # price_lines records the trace (price_order's default).
    places = list(RoundingPlace)
    baseline, *measured = _interleaved(
        [
            lambda: hand_loop(figures),
            *(
                functools.partial(
                    price_lines,
                    lines,
                    currency="IDR",
                    tax_mode=TaxMode.EXCLUDED,
                    policy=RoundingPolicy(place=place),
                )
                for place in places
            ),
        ],
        numbers=[1000] + [100] * len(places),
    )
    rows = [
        Row(
            name=f"price 10 lines ({place.value}) vs Decimal loop",
            measured=time,
            baseline=baseline,
            unit="us",
            target="reference",
        )
        for place, time in zip(places, measured, strict=True)
    ]
    rows.extend(_engine_rows(figures))
    return rows


def _engine_inputs(count: int) -> dict[str, Any]:
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
        "policy": PER_LINE,
        "context": PricingContext(on=dt.date(2026, 1, 5), channel="web"),
        "price_lists": [price_list],
        "promotions": [
            Promotion.percent_off("TEN", "10"),
            Promotion.order_amount_off("5K", Money.of("5000", "IDR")),
        ],
    }


def _interleaved(
    funcs: list[Callable[[], object]], numbers: list[int], repeat: int = 15
) -> list[float]:
    """Best time of one call of each function, in µs, their runs taken in turns.

    On a shared machine a busy spell then slows every side alike, so the ratios hold.
    """
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for index, (func, number) in enumerate(zip(funcs, numbers, strict=True)):
            best[index] = min(best[index], best_of(func, repeat=1, number=number) * 1e6)
    return best


def _read_fields(priced: PricedOrder) -> None:
    """Read a field of every line and of the order: each builds its values on first read."""
    for line in priced.lines:
        _ = line.net
    _ = priced.gross


def _gc_paused(func: Callable[[], object]) -> Callable[[], object]:
    """``func`` run with the cyclic garbage collector paused (objects are still freed)."""

    def run() -> object:
        gc.disable()
        try:
            return func()
        finally:
            gc.enable()

    return run


def _engine_rows(figures: list[tuple[Decimal, int, Decimal]]) -> list[Row]:
    inputs = _engine_inputs(LINES)
    prices = {entry.sku: entry.unit_price.amount for entry in inputs["price_lists"][0].entries}
    order = [(line.sku, line.quantity) for line in inputs["lines"]]
    expected = hand_order(order, prices)
    for trace in (True, False):
        priced = price_order(**inputs, trace=trace)
        got = (
            [(line.net.amount, line.tax.amount) for line in priced.lines],
            priced.net.amount,
            priced.tax.amount,
            priced.gross.amount,
        )
        if got != expected:
            raise AssertionError(f"price_order {got} and hand_order {expected} disagree")
    same_work, traced, untraced, read, fields = _interleaved(
        [
            lambda: hand_order(order, prices),
            lambda: price_order(**inputs, trace=True),
            lambda: price_order(**inputs, trace=False),
            lambda: price_order(**inputs, trace=True).trace.steps,
            lambda: _read_fields(price_order(**inputs, trace=True)),
        ],
        numbers=[1000, 100, 100, 100, 100],
    )
    rows = [
        Row(
            name=f"price_order 10 lines, 1 list, 2 promotions, 1 tax ({how}) "
            "vs same-work Decimal loop",
            measured=measured,
            baseline=same_work,
            unit="us",
            target=target,
        )
        for how, measured, target in (
            ("with trace", traced, "<= 3x"),
            ("no trace", untraced, "reference"),
            ("with trace, read", read, "<= 6x"),
            ("with trace, every line and total read", fields, "reference"),
        )
    ]
    # Per line at each size (price_order's default: with the trace), the sizes in turns.
    counts = (10, 1_000, 100_000)
    funcs: list[Callable[[], object]] = []
    for count in counts:
        big = _engine_inputs(count)
        big_prices = {entry.sku: entry.unit_price.amount for entry in big["price_lists"][0].entries}
        big_order = [(line.sku, line.quantity) for line in big["lines"]]
        funcs += [
            functools.partial(price_order, **big),
            functools.partial(hand_order, big_order, big_prices),
        ]
    # The engine again at 10 and 100,000 lines with the cyclic garbage collector paused: at
    # 100,000 lines the 1.2 million GC-tracked result objects are most of the heap, and CPython's
    # full collections traverse them; the hand loop makes no such objects.
    funcs += [_gc_paused(funcs[0]), _gc_paused(funcs[4])]
    times = _interleaved(funcs, numbers=[100, 1000, 1, 10, 1, 1, 100, 1], repeat=4)
    engine = {count: times[2 * i] / count for i, count in enumerate(counts)}
    hand = {count: times[2 * i + 1] / count for i, count in enumerate(counts)}
    paused = {10: times[6] / 10, 100_000: times[7] / 100_000}
    rows.extend(
        Row(
            name=f"price_order per line at {count:,} lines vs per line at 10",
            measured=engine[count],
            baseline=engine[10],
            unit="us",
            target="~1x (linear)",
        )
        for count in counts
    )
    # The same growth for the hand loop: what the machine itself does at that size (memory
    # and caches), against which the engine's growth is read.
    rows.extend(
        Row(
            name=f"hand_order per line at {count:,} lines vs per line at 10",
            measured=hand[count],
            baseline=hand[10],
            unit="us",
            target="reference",
        )
        for count in (1_000, 100_000)
    )
    rows.append(
        Row(
            name="price_order per line at 100,000 lines vs per line at 10, cyclic GC paused",
            measured=paused[100_000],
            baseline=paused[10],
            unit="us",
            target="reference",
        )
    )
    peer = _prices_peer(figures)
    if peer is not None:
        simple, measured = _interleaved([lambda: hand_loop(figures), peer], numbers=[1000, 100])
        rows.append(
            Row(
                name="prices (Saleor) 10 lines, discount + flat tax vs Decimal loop",
                measured=measured,
                baseline=simple,
                unit="us",
                target="peer reference",
            )
        )
    return rows


def _prices_peer(figures: list[tuple[Decimal, int, Decimal]]) -> Callable[[], object] | None:
    """The same 10 lines priced with Saleor's ``prices``, or None when it is not installed."""
    try:
        import prices  # type: ignore[import-untyped]  # noqa: PLC0415 - an optional peer, measured
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
