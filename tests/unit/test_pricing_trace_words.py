"""The words of the trace: each kind of tax step, the list price's reason per tier, and the
fast constructor the trace builds its steps with.

The trace words each tax from what :class:`~salesorder.domain.pricing._work._Taxes` worked out
once per set of taxes (``wording``), so these pin every route of a tax step: a full base, a
reduced base rounded first (Indonesia's DPP) or at the effective rate, a tax computed from
the net in an included price, a withholding and a fixed tax, each tax excluded and included.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest

from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import LineToPrice, TaxMode, TraceKind, TraceStep, price_order
from salesorder.domain.pricing._speed import _STEP_FIELDS, _step
from salesorder.domain.tax import IncludedTax, ReducedBase, TaxKind, TaxRate
from salesorder.money import Money, RoundingPolicy


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


DPP = TaxRate(code="PPN", name="PPN 12%", rate="0.12", base_factor=Fraction(11, 12))
EFFECTIVE = TaxRate(
    code="PPN-E",
    name="PPN 12%",
    rate="0.12",
    base_factor=Fraction(11, 12),
    reduced_base=ReducedBase.EFFECTIVE_RATE,
)
FULL = TaxRate(code="VAT", name="VAT 7%", rate="0.07")
FROM_NET = TaxRate(code="VAT-N", name="VAT 7%", rate="0.07", included_tax=IncludedTax.FROM_NET)
WITHHOLDING = TaxRate(code="PPH", name="PPh 23", rate="-0.02", kind=TaxKind.WITHHOLDING)
FIXED = TaxRate(code="EXC", name="Excise", rate="0", kind=TaxKind.FIXED, amount=idr("150"))

EXCLUDED, INCLUDED = TaxMode.EXCLUDED, TaxMode.INCLUDED
NET_ROUNDING = (
    "line 1: rounding [net] 0.004953271028037383177570 IDR: "
    "9345.785046728971962616822430 rounded to 9345.79"
)


# One line of 3 x 3333.33 = 9999.99 IDR, priced per document (the default policy).
# Excluded, DPP: legal base round(11/12 x 9999.99 = 9166.6575) = 9166.66, its 12% is
# 1099.9992, rounded 1100.00 (+0.0008). At the effective rate 0.11: 1099.9989 (+0.0011).
# Included, 7%: net 9999.99 / 1.07 = 9345.785..., rounded 9345.79; the tax balances the
# gross (654.20) or, from the net, is 7% of it, 654.2053 -> 654.21, and the gross is 0.01
# short: the rounding difference. A withholding tax is 2% of the net, whatever the mode;
# a fixed tax is 3 x 150, with nothing rounded.
@pytest.mark.parametrize(
    ("rate", "mode", "expected"),
    [
        (
            DPP,
            EXCLUDED,
            [
                "line 1: tax [PPN] 1100.00 IDR: PPN 12%: 0.11 of 9999.99 (statutory 0.12 on "
                "11/12 of the base), legal base 9166.66: 0.12 of it",
                "line 1: rounding [PPN] 0.0008 IDR: 1099.9992 rounded to 1100.00",
            ],
        ),
        (
            DPP,
            INCLUDED,
            [
                "line 1: tax [PPN] 990.99 IDR: PPN 12%: 0.11 of 9009.00 (statutory 0.12 on "
                "11/12 of the base), legal base 8258.25: 0.12 of it, included in 9999.99 "
                "(share 0.11 of 1.11)",
            ],
        ),
        (
            EFFECTIVE,
            EXCLUDED,
            [
                "line 1: tax [PPN-E] 1100.00 IDR: PPN 12%: 0.11 of 9999.99 (statutory 0.12 on "
                "11/12 of the base), legal base 9166.66",
                "line 1: rounding [PPN-E] 0.0011 IDR: 1099.9989 rounded to 1100.00",
            ],
        ),
        (
            EFFECTIVE,
            INCLUDED,
            [
                "line 1: tax [PPN-E] 990.99 IDR: PPN 12%: 0.11 of 9009.00 (statutory 0.12 on "
                "11/12 of the base), legal base 8258.25, included in 9999.99 (share 0.11 of 1.11)",
            ],
        ),
        (
            FULL,
            EXCLUDED,
            [
                "line 1: tax [VAT] 700.00 IDR: VAT 7%: 0.07 of 9999.99",
                "line 1: rounding [VAT] 0.0007 IDR: 699.9993 rounded to 700.00",
            ],
        ),
        (
            FULL,
            INCLUDED,
            [
                NET_ROUNDING,
                "line 1: tax [VAT] 654.20 IDR: VAT 7%: 0.07 of 9345.79, included in 9999.99 "
                "(share 0.07 of 1.07)",
            ],
        ),
        (
            FROM_NET,
            INCLUDED,
            [
                NET_ROUNDING,
                "line 1: tax [VAT-N] 654.21 IDR: VAT 7%: 0.07 of 9345.79",
                "line 1: rounding [VAT-N] 0.0047 IDR: 654.2053 rounded to 654.21",
                "line 1: rounding [rounding difference] -0.01 IDR: gross 9999.99 - net 9345.79 "
                "- tax 654.21: the tax is computed from the net, the buyer still pays the gross",
            ],
        ),
        (
            WITHHOLDING,
            INCLUDED,
            [
                "line 1: tax [PPH] -200.00 IDR: PPh 23: 0.02 withheld of 9999.99",
                "line 1: rounding [PPH] -0.0002 IDR: -199.9998 rounded to -200.00",
            ],
        ),
        (
            FIXED,
            INCLUDED,
            [
                "line 1: tax [EXC] 450.00 IDR: Excise: fixed 150 per unit, net 9549.99, "
                "included in 9999.99 (share 0 of 1)",
            ],
        ),
    ],
    ids=lambda value: value.code if isinstance(value, TaxRate) else None,
)
def test_each_route_of_a_tax_step_is_worded_with_its_rounding(
    rate: TaxRate, mode: TaxMode, expected: list[str]
) -> None:
    line = LineToPrice(line_id="1", quantity=3, unit_price=idr("3333.33"), tax_rate=rate)
    priced = price_order([line], currency="IDR", tax_mode=mode, policy=RoundingPolicy())
    words = [str(step) for step in priced.trace.for_line("1") if step.kind is not TraceKind.PRICE]
    assert words == expected


def test_one_list_words_each_of_its_tiers_apart() -> None:
    """The reason of a tier is worded once per order, and each tier has its own.

    Lines of 2, 12 and 3 units of one list with a tier from 10 units: the second line's
    reason names the tier, the first and third do not.
    """
    web = PriceList(
        code="WEB",
        name="Web",
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        entries=[
            PriceEntry(sku="A", unit_price=idr("100")),
            PriceEntry(sku="A", unit_price=idr("90"), min_quantity=10),
        ],
    )
    lines = [
        LineToPrice(line_id=str(n), sku="A", quantity=quantity, unit_price=idr("120"))
        for n, quantity in enumerate((2, 12, 3), start=1)
    ]
    priced = price_order(
        lines,
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        policy=RoundingPolicy(),
        context=PricingContext(on=dt.date(2026, 1, 5)),
        price_lists=[web],
    )
    details = [step.detail for step in priced.trace.of_kind(TraceKind.PRICE)]
    assert details == [
        "2 x 100: list 'WEB' (general, priority 0)",
        "12 x 90: list 'WEB' (general, priority 0, tier from 10 units)",
        "3 x 100: list 'WEB' (general, priority 0)",
    ]


def test_step_builds_what_the_attrs_init_builds() -> None:
    """``_step`` fills every slot of a TraceStep: a field added to TraceStep fails here."""
    names = tuple(field.name for field in attrs.fields(TraceStep))
    assert names == _STEP_FIELDS
    assert set(TraceStep.__slots__) - {"__weakref__"} == set(names)
    made = _step("7", TraceKind.TAX, "VAT", Decimal("-0.0012"), "IDR", "why")
    expected = TraceStep(
        line_id="7", kind=TraceKind.TAX, source="VAT", amount=idr("-0.0012"), detail="why"
    )
    assert type(made) is TraceStep
    assert type(made.amount) is Money
    assert made == expected
    assert repr(made) == repr(expected)
