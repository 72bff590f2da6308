"""Pricing: tax rates, discounts, lines to price and priced orders, price lists, promotions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from hypothesis import strategies as st

from salesorder.domain.pricelists import PriceEntry, PriceList
from salesorder.domain.pricing import Discount, LineToPrice, PricedOrder, TaxMode, price_lines
from salesorder.domain.promotions import Funder, Promotion, PromotionKind
from salesorder.domain.tax import TaxRate
from salesorder.testing.strategies.amounts import currencies, money, rounding_policies
from salesorder.testing.strategies.basics import Spec, _spec, codes

__all__ = [
    "KNOWN_TAX_RATES",
    "discounts",
    "lines_to_price",
    "price_lists",
    "priced_orders",
    "promotions",
    "tax_modes",
    "tax_rates",
]

#: Real rates of the region, as Indonesia's 12% on an 11/12 base, 11% and 12% full base,
#: Vietnam's 10%, 8%, 5% and 0%, Malaysia's sales tax 5% and 10% and service tax 8%.
KNOWN_TAX_RATES: tuple[TaxRate, ...] = (
    TaxRate(
        code="ID-PPN-12-DPP",
        name="PPN 12% (DPP 11/12)",
        rate=Decimal("0.12"),
        base_factor=Fraction(11, 12),
    ),
    TaxRate(code="ID-PPN-11", name="PPN 11%", rate=Decimal("0.11")),
    TaxRate(code="ID-PPN-12", name="PPN 12%", rate=Decimal("0.12")),
    TaxRate(code="VN-VAT-10", name="VAT 10%", rate=Decimal("0.10")),
    TaxRate(code="VN-VAT-8", name="VAT 8%", rate=Decimal("0.08")),
    TaxRate(code="VN-VAT-5", name="VAT 5%", rate=Decimal("0.05")),
    TaxRate(code="VN-VAT-0", name="VAT 0%", rate=Decimal(0)),
    TaxRate(code="MY-SST-5", name="Sales tax 5%", rate=Decimal("0.05")),
    TaxRate(code="MY-SST-10", name="Sales tax 10%", rate=Decimal("0.10")),
    TaxRate(code="MY-SVC-8", name="Service tax 8%", rate=Decimal("0.08")),
)


def _random_tax_rate(rate: Decimal, factor: Fraction) -> TaxRate:
    # The code is derived from the rate, so equal codes always mean equal rates (pricing and
    # tax summaries group lines by code).
    return TaxRate(
        code=f"T-{rate}-{factor.numerator}-{factor.denominator}",
        name=f"Tax {rate * 100}%",
        rate=rate,
        base_factor=factor,
    )


def tax_rates() -> st.SearchStrategy[TaxRate]:
    """Tax rates: the region's real ones and random ones.

    The real ones include Indonesia's 12% on an 11/12 base; random rates go from 0 to 100%
    with up to four decimals, on a full or reduced base (11/12, 1/2, 2/3).
    """
    random_rates = st.builds(
        _random_tax_rate,
        st.integers(0, 10_000).map(lambda n: Decimal(n).scaleb(-4)),
        st.sampled_from([Fraction(1), Fraction(11, 12), Fraction(1, 2), Fraction(2, 3)]),
    )
    return st.one_of(st.sampled_from(KNOWN_TAX_RATES), random_rates)


def tax_modes() -> st.SearchStrategy[TaxMode]:
    """Tax included in prices or added to them."""
    return st.sampled_from(list(TaxMode))


def discounts(currency: Spec[str] = None) -> st.SearchStrategy[Discount]:
    """Line discounts: a percentage (0 to 100, two decimals) or a fixed amount in ``currency``."""
    percent = st.integers(0, 10_000).map(lambda n: Discount.of_percent(Decimal(n).scaleb(-2)))

    def fixed(code: str) -> st.SearchStrategy[Discount]:
        return money(code, max_value=1_000_000).map(Discount.of_amount)

    if isinstance(currency, str):
        return st.one_of(percent, fixed(currency))
    return st.one_of(percent, _spec(currency, currencies()).flatmap(fixed))


@st.composite
def _lines_to_price(
    draw: st.DrawFn, currency: str, min_size: int, max_size: int, rates: Sequence[TaxRate] | None
) -> list[LineToPrice]:
    count = draw(st.integers(min_size, max_size))
    rate_pool = rates or draw(st.lists(tax_rates(), min_size=1, max_size=3))
    return [
        LineToPrice(
            line_id=str(number),
            quantity=draw(st.integers(1, 100)),
            unit_price=draw(money(currency, max_value=1_000_000, rounded=draw(st.booleans()))),
            tax_rate=draw(st.sampled_from(rate_pool)),
            discount=draw(st.none() | discounts(currency)),
            unit_cost=draw(st.none() | money(currency, max_value=1_000_000)),
        )
        for number in range(1, count + 1)
    ]


def lines_to_price(
    currency: str,
    *,
    min_size: int = 1,
    max_size: int = 6,
    rates: Sequence[TaxRate] | None = None,
) -> st.SearchStrategy[list[LineToPrice]]:
    """Inputs of :func:`~salesorder.domain.pricing.price_lines`, lines ``"1"``, ``"2"``...

    Unit prices sometimes have more digits than the currency; lines may carry a discount and
    a unit cost; tax rates are a few drawn ones (or drawn from ``rates`` when given).
    """
    return _lines_to_price(currency, min_size, max_size, rates)


@st.composite
def _priced_orders(draw: st.DrawFn, currency: Spec[str]) -> PricedOrder:
    code = draw(_spec(currency, currencies()))
    return price_lines(
        draw(lines_to_price(code)),
        currency=code,
        tax_mode=draw(tax_modes()),
        policy=draw(rounding_policies()),
    )


def priced_orders(currency: Spec[str] = None) -> st.SearchStrategy[PricedOrder]:
    """Results of :func:`~salesorder.domain.pricing.price_lines` on random lines."""
    return _priced_orders(currency)


@st.composite
def _price_lists(draw: st.DrawFn, currency: str, skus: Sequence[str]) -> PriceList:
    entries = [
        PriceEntry(
            sku=sku,
            unit_price=draw(money(currency, max_value=1_000_000)),
            min_quantity=minimum,
        )
        for sku in draw(st.lists(st.sampled_from(list(skus)), unique=True, max_size=len(skus)))
        for minimum in draw(st.lists(st.integers(1, 20), unique=True, min_size=1, max_size=3))
    ]
    return PriceList(
        code=draw(codes()),
        name="List",
        currency=currency,
        tax_mode=draw(tax_modes()),
        entries=entries,
    )


def price_lists(currency: str, skus: Sequence[str]) -> st.SearchStrategy[PriceList]:
    """General price lists in ``currency`` with quantity tiers for some of ``skus``."""
    return _price_lists(currency, skus)


@st.composite
def _promotions(
    draw: st.DrawFn, currency: str, skus: Sequence[str], exclusive: bool | None
) -> Promotion:
    kind = draw(st.sampled_from(list(PromotionKind)))
    options: dict[str, object] = {}
    amount = money(currency, max_value=500_000)
    if kind in {PromotionKind.LINE_PERCENT, PromotionKind.ORDER_PERCENT,
                PromotionKind.SHIPPING_PERCENT}:  # fmt: skip
        options["percent"] = Decimal(draw(st.integers(1, 10_000))).scaleb(-2)
    elif kind is PromotionKind.BUY_X_GET_Y:
        options["buy_quantity"] = draw(st.integers(1, 4))
        options["get_quantity"] = draw(st.integers(1, 3))
    elif kind is not PromotionKind.FREE_SHIPPING:
        options["amount"] = draw(amount)
    if kind is PromotionKind.BUNDLE_PRICE:
        options["skus"] = tuple(draw(st.lists(st.sampled_from(list(skus)), unique=True,
                                              min_size=2, max_size=len(skus))))  # fmt: skip
    else:
        restrict: bool = draw(st.booleans())
        if restrict and skus:
            options["skus"] = tuple(draw(st.lists(st.sampled_from(list(skus)), min_size=1)))
    return Promotion(
        code=draw(codes()),
        name="Promotion",
        kind=kind,
        min_spend=draw(st.none() | amount),
        max_discount=draw(st.none() | amount),
        priority=draw(st.integers(0, 3)),
        exclusive=draw(st.booleans()) if exclusive is None else exclusive,
        funded_by=draw(st.sampled_from(list(Funder))),
        **options,  # type: ignore[arg-type]
    )


def promotions(
    currency: str, skus: Sequence[str], *, exclusive: bool | None = None
) -> st.SearchStrategy[Promotion]:
    """Promotions of every kind in ``currency`` over ``skus`` (at least two for bundles).

    ``exclusive`` fixes the flag (None draws it).
    """
    return _promotions(currency, skus, exclusive)
