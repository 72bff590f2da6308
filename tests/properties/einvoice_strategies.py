"""Shops and order-to-cash runs to draw for the e-invoice property test.

A :class:`Market` is a jurisdiction with its currency, tax table, parties and price ranges;
a :class:`Scenario` is everything one run decides: the shop's settings (tax mode, rounding
place, money policy), the order's lines, discounts and promotion, how it is paid and
shipped, the invoice's terms, and what follows the invoice (credit notes, Vietnam's
corrections). Follow-ups are drawn as shares and turned into amounts at run time, from the
figures of the invoice they act on, so every drawn run is one a user could carry out.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import ROUND_DOWN, Decimal

import attrs
from hypothesis import strategies as st

from salesorder import (
    Address,
    Discount,
    Money,
    PaymentMethod,
    Promotion,
    PromotionKind,
    RoundingPlace,
    TaxMode,
    TaxRate,
    TaxRule,
    TaxTable,
    default_tax_table,
)

UTC = dt.timezone.utc

#: Malaysia's category of a line that pays both sales tax and service tax: EN 16931 has no
#: form for it, so every document listing such a line must be refused (BG-30).
MY_TWO_TAXES = "sales-and-service"


def _netherlands() -> TaxTable:
    """A Dutch table of our own: 21% standard, 9% reduced, 0% zero rated, exempt (VATEX)."""
    since = dt.date(2019, 1, 1)
    rates = {
        "standard": TaxRate(code="NL-VAT-21", name="BTW 21%", rate=Decimal("0.21")),
        "reduced": TaxRate(code="NL-VAT-9", name="BTW 9%", rate=Decimal("0.09")),
        "zero": TaxRate.zero_rated("NL-VAT-0", "BTW 0%"),
        "exempt": TaxRate.exempt(
            "NL-VAT-EXEMPT",
            "Vrijgesteld",
            reason="Exempt based on article 132 of Council Directive 2006/112/EC",
            reason_code="VATEX-EU-132",
        ),
    }
    return TaxTable(
        rules=tuple(
            TaxRule(jurisdiction="NL", category=category, rate=rate, valid_from=since)
            for category, rate in rates.items()
        )
    )


def _malaysia() -> TaxTable:
    """The shipped table plus a category taxed by both SST taxes (sales 10% + service)."""
    since = dt.date(2018, 9, 1)
    return default_tax_table().extended(
        [
            TaxRule(
                jurisdiction="MY",
                category=MY_TWO_TAXES,
                rate=TaxRate(code="MY-SALES-10", name="Sales tax 10%", rate=Decimal("0.10")),
                valid_from=since,
                tax="sales",
            ),
            TaxRule(
                jurisdiction="MY",
                category=MY_TWO_TAXES,
                rate=TaxRate(code="MY-SERVICE-8", name="Service tax 8%", rate=Decimal("0.08")),
                valid_from=dt.date(2024, 3, 1),
                tax="service",
                order=1,
            ),
        ]
    )


@attrs.frozen(kw_only=True)
class Market:
    """A jurisdiction to sell in: currency, tax table and categories, parties, price ranges.

    ``price_digits`` bounds the number of digits of a unit price in ISO 4217 minor units (so
    prices run across magnitudes); ``fee_units`` bounds the courier's base fee, likewise.
    """

    country: str
    currency: str
    city: str
    table: TaxTable = attrs.field(repr=False)
    categories: tuple[str, ...]
    shipping_category: str
    starts: tuple[dt.datetime, ...]
    seller_tax_id: str
    buyer_tax_id: str
    price_digits: tuple[int, int]
    fee_units: tuple[int, int]
    #: Money policies a shop of this market may choose (None: ISO 4217's minor units).
    money_digits: tuple[int | None, ...] = (None,)

    @property
    def address(self) -> Address:
        """An address in the market's country."""
        return Address(line1="Main street 1", city=self.city, country=self.country)


def _at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=UTC)


MARKETS = {
    # Reducible goods are 10% in the first half of 2023 and from 2027, 8% in 2026.
    "VN": Market(
        country="VN",
        currency="VND",
        city="Ho Chi Minh",
        table=default_tax_table(),
        categories=("standard", "reduced", "zero", "exempt", "reducible"),
        shipping_category="standard",
        starts=(_at(2023, 3, 1), _at(2026, 1, 5), _at(2027, 2, 1)),
        seller_tax_id="0100233488",
        buyer_tax_id="0100233488",
        price_digits=(3, 8),
        fee_units=(15_000, 60_000),
    ),
    # PPN 11% in 2024; from 2025 12% on DPP 11/12 (standard) and 12% on luxury goods.
    "ID": Market(
        country="ID",
        currency="IDR",
        city="Jakarta",
        table=default_tax_table(),
        categories=("standard", "luxury", "exempt"),
        shipping_category="standard",
        starts=(_at(2024, 6, 3), _at(2026, 1, 5)),
        seller_tax_id="01.300.066.6-091.000",
        buyer_tax_id="01.300.066.6-091.000",
        price_digits=(4, 9),
        fee_units=(900_000, 2_500_000),
        money_digits=(None, 0),
    ),
    # Service tax is 8% from March 2024; MY_TWO_TAXES lines carry sales and service tax.
    "MY": Market(
        country="MY",
        currency="MYR",
        city="Kuala Lumpur",
        table=_malaysia(),
        categories=("sales-5", "sales-10", "service", "exempt"),
        shipping_category="service",
        starts=(_at(2026, 1, 5),),
        seller_tax_id="C2584563202",
        buyer_tax_id="C2584563202",
        price_digits=(1, 6),
        fee_units=(450, 1_235),
    ),
    "NL": Market(
        country="NL",
        currency="EUR",
        city="Amsterdam",
        table=_netherlands(),
        categories=("standard", "reduced", "zero", "exempt"),
        shipping_category="standard",
        starts=(_at(2026, 1, 5),),
        seller_tax_id="NL004495445B01",
        buyer_tax_id="NL123456782B90",
        price_digits=(1, 6),
        fee_units=(395, 999),
    ),
}


class FollowUp(str, enum.Enum):
    """What happens after the invoice: credit notes, payments and Vietnam's corrections."""

    CREDIT_ALL = "credit what is left"
    CREDIT_AMOUNT = "credit an amount"
    CREDIT_UNITS = "credit units of a line"
    PAY = "pay (COD: deliver and collect)"
    ADJUST_UP = "adjustment up"
    ADJUST_DOWN = "adjustment down"
    REPLACE = "replacement"


#: Follow-ups only Vietnam has (CorrectInvoice).
VN_ONLY = frozenset({FollowUp.ADJUST_UP, FollowUp.ADJUST_DOWN, FollowUp.REPLACE})


class Prepaid(str, enum.Enum):
    """What the buyer pays of the order's balance just before the invoice is issued.

    A bank transfer order is paid for its goods before it ships anyway (the shipping charge
    then remains due).
    """

    NOTHING = "nothing"
    PART = "part"
    ALL = "all"


@attrs.frozen(kw_only=True)
class LineSpec:
    """One order line: a product of ``category`` at ``unit_price``, maybe discounted."""

    category: str
    unit_price: Money
    quantity: int
    discount: Discount | None


@attrs.frozen(kw_only=True)
class Step:
    """A follow-up and the shares that size it (of what is left, of a line's units)."""

    kind: FollowUp
    share: Decimal
    line: int


@attrs.frozen(kw_only=True)
class Scenario:
    """One run through the public API; see the module docstring."""

    market: Market
    start: dt.datetime
    tax_mode: TaxMode
    place: RoundingPlace
    money_digits: int | None
    lines: tuple[LineSpec, ...]
    promotion: Promotion | None
    business: bool
    method: PaymentMethod
    shipped: bool
    buyer_pays_shipping: bool
    base_fee: Money
    prepaid: Prepaid
    cod_collected_first: bool
    instalments: bool
    steps: tuple[Step, ...]

    @property
    def currency(self) -> str:
        """The shop's currency."""
        return self.market.currency

    @property
    def quantum(self) -> Decimal:
        """The smallest amount the shop states (its money policy, else ISO 4217)."""
        digits = self.money_digits
        if digits is None:
            return Money.zero(self.currency).info.quantum
        return Decimal(1).scaleb(-digits)


def _magnitudes(low: int, high: int) -> st.SearchStrategy[int]:
    """Whole numbers of ``low`` to ``high`` digits, each number of digits equally likely."""
    return st.integers(low, high).flatmap(
        lambda digits: st.integers(10 ** (digits - 1), 10**digits - 1)
    )


#: Shares of an amount from 1% to 99%, as exact decimals.
_PERCENTS = st.integers(1, 99).map(lambda percent: Decimal(percent) / 100)


def _money(units: int, currency: str, quantum: Decimal) -> Money:
    return Money.of(quantum * units, currency)


def _minor(units: int, currency: str, quantum: Decimal) -> Money:
    """``units`` ISO 4217 minor units, down to the shop's ``quantum`` (at least one)."""
    amount = (Money.zero(currency).info.quantum * units).quantize(quantum, ROUND_DOWN)
    return Money.of(max(amount, quantum), currency)


@st.composite
def _line(
    draw: st.DrawFn, market: Market, quantum: Decimal, categories: tuple[str, ...]
) -> LineSpec:
    low, high = market.price_digits
    unit_price = _minor(draw(_magnitudes(low, high)), market.currency, quantum)
    quantity = draw(st.integers(1, 50))
    discount = draw(
        st.one_of(
            st.none(),
            st.decimals(min_value=1, max_value=99, places=1).map(Discount.of_percent),
            # A fixed amount off the whole line, up to all of it.
            _PERCENTS.map(
                lambda share: Discount.of_amount(
                    _money(
                        int(share * unit_price.amount * quantity / quantum),
                        market.currency,
                        quantum,
                    )
                )
            ),
        )
    )
    return LineSpec(
        category=draw(st.sampled_from(categories)),
        unit_price=unit_price,
        quantity=quantity,
        discount=discount,
    )


@st.composite
def _promotion(draw: st.DrawFn, market: Market, quantum: Decimal) -> Promotion | None:
    kind = draw(st.sampled_from([None, PromotionKind.ORDER_PERCENT, PromotionKind.ORDER_FIXED]))
    if kind is None:
        return None
    if kind is PromotionKind.ORDER_PERCENT:
        percent = draw(st.decimals(min_value=1, max_value=50, places=2))
        return Promotion(code="PROMO", name="Order discount", kind=kind, percent=percent)
    low, high = market.price_digits
    amount = _minor(draw(_magnitudes(low, high + 1)), market.currency, quantum)
    return Promotion(code="PROMO", name="Order discount", kind=kind, amount=amount)


@st.composite
def _steps(draw: st.DrawFn, country: str) -> tuple[Step, ...]:
    kinds = [kind for kind in FollowUp if country == "VN" or kind not in VN_ONLY]
    return tuple(
        draw(
            st.lists(
                st.builds(
                    Step,
                    kind=st.sampled_from(kinds),
                    share=_PERCENTS,
                    line=st.integers(0, 3),
                ),
                max_size=2,
            )
        )
    )


@st.composite
def scenarios(
    draw: st.DrawFn,
    countries: tuple[str, ...] = tuple(MARKETS),
    *,
    two_taxes: bool = False,
) -> Scenario:
    """Runs in one of ``countries``; ``two_taxes`` lets Malaysian lines carry both SST taxes."""
    market = MARKETS[draw(st.sampled_from(countries))]
    money_digits = draw(st.sampled_from(market.money_digits))
    quantum = (
        Money.zero(market.currency).info.quantum
        if money_digits is None
        else Decimal(1).scaleb(-money_digits)
    )
    categories = market.categories + ((MY_TWO_TAXES,) if two_taxes else ())
    lines = tuple(draw(st.lists(_line(market, quantum, categories), min_size=1, max_size=4)))
    method = draw(
        st.sampled_from([PaymentMethod.BANK_TRANSFER, PaymentMethod.ON_ACCOUNT, PaymentMethod.COD])
    )
    cod = method is PaymentMethod.COD
    shipped = cod or draw(st.booleans())
    low, high = market.fee_units
    return Scenario(
        market=market,
        start=draw(st.sampled_from(market.starts)),
        tax_mode=draw(st.sampled_from(list(TaxMode))),
        place=draw(st.sampled_from([RoundingPlace.PER_DOCUMENT, RoundingPlace.PER_LINE])),
        money_digits=money_digits,
        lines=lines,
        promotion=draw(_promotion(market, quantum)),
        business=draw(st.booleans()),
        method=method,
        shipped=shipped,
        buyer_pays_shipping=draw(st.booleans()) if shipped else False,
        # Whole units of the shop's quantum (a whole-rupiah shop is charged whole rupiah).
        base_fee=_minor(draw(st.integers(low, high)), market.currency, quantum),
        prepaid=Prepaid.NOTHING if cod else draw(st.sampled_from(list(Prepaid))),
        cod_collected_first=cod and draw(st.booleans()),
        instalments=draw(st.booleans()),
        steps=draw(_steps(market.country)),
    )
