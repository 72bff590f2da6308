"""Refusals of the pricing domain (price lists, promotions, vouchers, the engine), one test
per guard that no other test exercised.

Each test triggers one guard clause through the public API and checks the typed error and
that its message names the thing and the value refused.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from salesorder import (
    AmountOutOfRange,
    CurrencyMismatch,
    Discount,
    InvalidPromotion,
    LineToPrice,
    Money,
    PricedOrder,
    PricedShipping,
    PriceEntry,
    PriceList,
    PricingContext,
    Promotion,
    PromotionKind,
    RoundingPolicy,
    TaxMode,
    TaxRate,
    TooManyDigits,
    ValidationError,
    Voucher,
    VoucherNotApplicable,
    price_order,
    price_shipping,
)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


# -- price lists -----------------------------------------------------------------------------


def test_a_price_entry_refuses_a_negative_unit_price() -> None:
    with pytest.raises(ValidationError, match=r"SKU 'TEA-1' has a negative unit price -1\.00 IDR"):
        PriceEntry(sku="TEA-1", unit_price=idr("-1.00"))


def test_a_price_entry_may_be_free() -> None:
    assert PriceEntry(sku="TEA-1", unit_price=idr("0")).unit_price.is_zero


def test_a_price_list_refuses_to_end_before_it_starts() -> None:
    with pytest.raises(
        ValidationError,
        match=r"price list 'RETAIL' ends \(2026-01-31\) before it starts \(2026-02-01\)",
    ):
        PriceList(
            code="RETAIL",
            name="Retail",
            currency="IDR",
            valid_from=dt.date(2026, 2, 1),
            valid_to=dt.date(2026, 1, 31),
        )


def test_a_price_list_may_last_one_day() -> None:
    day = dt.date(2026, 2, 1)
    assert PriceList(code="RETAIL", name="Retail", currency="IDR", valid_from=day, valid_to=day)


def test_a_price_list_refuses_an_entry_in_another_currency() -> None:
    entry = PriceEntry(sku="TEA-1", unit_price=Money.of("1.00", "USD"))
    with pytest.raises(
        CurrencyMismatch,
        match=r"the entry of SKU 'TEA-1' is in USD, but price list 'RETAIL' is in IDR",
    ) as info:
        PriceList(code="RETAIL", name="Retail", currency="IDR", entries=[entry])
    assert (info.value.left, info.value.right) == ("IDR", "USD")


def test_a_price_list_refuses_two_prices_for_one_tier() -> None:
    # 2 and "2.0" are the same tier: quantities compare exactly.
    entries = [
        PriceEntry(sku="TEA-1", unit_price=idr("1000"), min_quantity=2),
        PriceEntry(sku="TEA-1", unit_price=idr("900"), min_quantity="2.0"),
    ]
    with pytest.raises(
        ValidationError, match="price list 'RETAIL' has two prices for SKU 'TEA-1' from 2 units"
    ):
        PriceList(code="RETAIL", name="Retail", currency="IDR", entries=entries)


def test_a_price_list_takes_several_tiers_of_one_sku() -> None:
    entries = [
        PriceEntry(sku="TEA-1", unit_price=idr("1000"), min_quantity=1),
        PriceEntry(sku="TEA-1", unit_price=idr("900"), min_quantity=10),
    ]
    listed = PriceList(code="RETAIL", name="Retail", currency="IDR", entries=entries)
    assert listed.entries == tuple(entries)


# -- promotions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [PromotionKind.LINE_FIXED, PromotionKind.ORDER_FIXED, PromotionKind.SHIPPING_FIXED]
)
def test_a_fixed_promotion_needs_an_amount(kind: PromotionKind) -> None:
    with pytest.raises(
        InvalidPromotion, match=rf"promotion 'SALE' \({kind.value}\) needs an amount"
    ):
        Promotion(code="SALE", name="Sale", kind=kind)


def test_a_promotion_refuses_to_end_before_it_starts() -> None:
    with pytest.raises(
        InvalidPromotion,
        match=r"promotion 'SALE' \(line_percent\) ends \(2026-01-31\) before it starts "
        r"\(2026-02-01\)",
    ):
        Promotion.percent_off(
            "SALE", 10, valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 1, 31)
        )


@pytest.mark.parametrize("field", ["min_spend", "max_discount"])
def test_a_promotion_applies_only_in_the_currency_of_its_amounts(field: str) -> None:
    promotion = Promotion.order_amount_off("SALE", idr("5000"), **{field: Money.of("5.00", "USD")})
    with pytest.raises(
        CurrencyMismatch,
        match=f"the {field} of promotion 'SALE' is in USD, but the order is in IDR",
    ) as info:
        promotion.check_currency("IDR")
    assert (info.value.left, info.value.right) == ("IDR", "USD")
    with pytest.raises(
        CurrencyMismatch, match="the amount of promotion 'SALE' is in IDR, but the order is in USD"
    ):
        promotion.check_currency("USD")


def test_a_promotion_in_the_order_currency_applies() -> None:
    promotion = Promotion.order_amount_off("SALE", idr("5000"), min_spend=idr("100000"))
    promotion.check_currency("IDR")  # no error
    assert promotion.amount == idr("5000")


# -- the engine ------------------------------------------------------------------------------


def tea(quantity: int = 2, price: str = "1000") -> LineToPrice:
    return LineToPrice(line_id="L1", sku="TEA-1", quantity=quantity, unit_price=idr(price))


@pytest.mark.parametrize(("currency", "digits", "iso"), [("IDR", 3, 2), ("VND", 1, 0)])
def test_pricing_refuses_more_digits_than_the_currency_has(
    currency: str, digits: int, iso: int
) -> None:
    line = LineToPrice(line_id="L1", sku="TEA-1", quantity=2, unit_price=Money.of("1000", currency))
    with pytest.raises(
        ValidationError,
        match=rf"RoundingPolicy\.digits {digits} is more than {currency}'s ISO 4217 minor "
        rf"units \({iso}\)",
    ):
        price_order(
            [line],
            currency=currency,
            tax_mode=TaxMode.EXCLUDED,
            policy=RoundingPolicy(digits=digits),
        )


def test_pricing_takes_the_currency_digits_or_fewer() -> None:
    for digits in (0, 2):
        priced = price_order(
            [tea()], currency="IDR", tax_mode=TaxMode.EXCLUDED, policy=RoundingPolicy(digits=digits)
        )
        assert priced.lines[0].gross == idr("2000")


def price_tea(lines: list[LineToPrice] | None = None, **options: Any) -> PricedOrder:
    settings: dict[str, Any] = {"policy": RoundingPolicy(), **options}
    return price_order(lines or [tea()], currency="IDR", tax_mode=TaxMode.EXCLUDED, **settings)


@pytest.mark.parametrize(
    "options",
    [
        {"price_lists": [PriceList(code="RETAIL", name="Retail", currency="IDR")]},
        {"promotions": [Promotion.percent_off("SALE", 10)]},
        {"vouchers": [Voucher(code="TEN", promotion=Promotion.percent_off("SALE", 10))]},
    ],
    ids=["price_lists", "promotions", "vouchers"],
)
def test_offers_need_a_pricing_context(options: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError, match="price lists, promotions and vouchers need a pricing context"
    ):
        price_tea(**options)


def test_offers_apply_with_a_pricing_context() -> None:
    context = PricingContext(on=dt.date(2026, 1, 5), channel="web", customer_id="C1")
    priced = price_tea(promotions=[Promotion.percent_off("SALE", 10)], context=context)
    assert priced.lines[0].net == idr("1800")  # 2 x 1000, 10% off


def test_pricing_refuses_shipping_in_another_currency() -> None:
    with pytest.raises(
        CurrencyMismatch, match="the shipping fee is in USD, but the order is in IDR"
    ) as info:
        price_tea(shipping=Money.of("1.00", "USD"))
    assert (info.value.left, info.value.right) == ("IDR", "USD")


def test_pricing_refuses_a_fixed_tax_in_another_currency() -> None:
    excise = TaxRate(
        code="ID-EXCISE", name="Excise", rate=0, kind="fixed", amount=Money.of("1.00", "USD")
    )
    line = LineToPrice(
        line_id="L1", sku="TEA-1", quantity=2, unit_price=idr("1000"), taxes=(excise,)
    )
    with pytest.raises(
        CurrencyMismatch,
        match="fixed tax 'ID-EXCISE' of line 'L1' is in USD, but the order is in IDR",
    ):
        price_tea([line])


def big_line(line_id: str, quantity: int, price: str) -> LineToPrice:
    vat = TaxRate(code="VAT-12", name="VAT", rate="0.12")
    return LineToPrice(
        line_id=line_id, sku="GOLD-1", quantity=quantity, unit_price=idr(price), tax_rate=vat
    )


@pytest.mark.parametrize(
    ("lines", "what", "value"),
    [
        # 2 x 60,000,000,000,000: one line's list amount reaches 10**14.
        ([big_line("L1", 2, "60000000000000")], "line 'L1' list amount", "120000000000000.00"),
        # Two lines of 60,000,000,000,000 each: fine alone, 1.2 x 10**14 together.
        (
            [big_line("L1", 1, "60000000000000"), big_line("L2", 1, "60000000000000")],
            "order list amount",
            "120000000000000.00",
        ),
        # 99,999,999,999,999 is in range, with 12% VAT on top it is not.
        ([big_line("L1", 1, "99999999999999")], "order gross", "111999999999998.88"),
    ],
    ids=["line", "order", "gross"],
)
def test_pricing_refuses_amounts_out_of_range(
    lines: list[LineToPrice], what: str, value: str
) -> None:
    with pytest.raises(AmountOutOfRange, match=f"{what} {value} is out of range") as info:
        price_tea(lines)
    assert info.value.what == what


def test_a_shop_policy_refuses_a_stated_price_with_more_digits() -> None:
    line = LineToPrice(line_id="L1", sku="TEA-1", quantity=2, unit_price=idr("1000.50"))
    with pytest.raises(
        TooManyDigits, match=r"line 'L1' unit price 1000\.50 IDR has more than 0 decimal places"
    ) as info:
        price_tea([line], policy=RoundingPolicy(digits=0))
    assert info.value.digits == 0
    # The same price is fine where the policy takes the currency's own two digits.
    assert price_tea([line]).lines[0].gross == idr("2001.00")


def test_pricing_refuses_a_unit_cost_in_another_currency() -> None:
    line = LineToPrice(
        line_id="L1",
        sku="TEA-1",
        quantity=2,
        unit_price=idr("1000"),
        unit_cost=Money.of("1.00", "USD"),
    )
    with pytest.raises(
        CurrencyMismatch, match="line 'L1' unit cost is in USD, but the order is in IDR"
    ) as info:
        price_tea([line])
    assert (info.value.left, info.value.right) == ("IDR", "USD")


def test_pricing_refuses_an_order_discount_in_another_currency() -> None:
    with pytest.raises(
        CurrencyMismatch, match="the order discount is in USD, but the order is in IDR"
    ):
        price_tea(order_discount=Discount.of_amount(Money.of("1.00", "USD")))


def test_a_priced_order_has_no_line_it_was_not_given() -> None:
    priced = price_tea()
    assert priced.line("L1").line_id == "L1"
    with pytest.raises(KeyError, match="'L9'"):
        priced.line("L9")


# -- lines to price --------------------------------------------------------------------------


def test_a_line_gives_either_tax_rate_or_taxes() -> None:
    vat = TaxRate(code="VAT-12", name="VAT", rate="0.12")
    with pytest.raises(ValidationError, match="line 'L1' gives both tax_rate and taxes"):
        LineToPrice(
            line_id="L1",
            sku="TEA-1",
            quantity=2,
            unit_price=idr("1000"),
            tax_rate=vat,
            taxes=(vat,),
        )


def test_a_line_carries_each_tax_once() -> None:
    vat = TaxRate(code="VAT-12", name="VAT", rate="0.12")
    again = TaxRate(code="VAT-12", name="VAT again", rate="0.11")
    with pytest.raises(ValidationError, match="line 'L1' carries tax 'VAT-12' twice"):
        LineToPrice(
            line_id="L1", sku="TEA-1", quantity=2, unit_price=idr("1000"), taxes=(vat, again)
        )


# -- offers and shipping ---------------------------------------------------------------------


def test_a_voucher_cannot_be_combined_with_an_exclusive_promotion() -> None:
    context = PricingContext(on=dt.date(2026, 1, 5), channel="web", customer_id="C1")
    vip = Promotion.percent_off("VIP", 20, exclusive=True, priority=1)
    ten = Voucher(code="TEN", promotion=Promotion.percent_off("TEN10", 10, automatic=False))
    with pytest.raises(
        VoucherNotApplicable,
        match="voucher 'TEN' cannot be combined with exclusive promotion 'VIP'",
    ):
        price_tea(context=context, promotions=[vip], vouchers=[ten])
    # Without the voucher, the exclusive promotion applies alone.
    assert price_tea(context=context, promotions=[vip]).lines[0].net == idr("1600")


@pytest.mark.parametrize("field", ["discount", "platform_discount"])
def test_priced_shipping_refuses_a_discount_in_another_currency(field: str) -> None:
    # 1 USD is below the fee's 10,000 in number: only the currency check refuses it.
    with pytest.raises(
        CurrencyMismatch, match=r"the shipping .*discount is in USD, but the shipping fee is in IDR"
    ):
        PricedShipping(fee=idr("10000"), **{field: Money.of("1.00", "USD")})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("discount", "platform", "shown"),
    [
        ("12000", "0", "12000 IDR (0 IDR funded"),  # more than the fee
        ("1000", "2000", "1000 IDR (2000 IDR funded"),  # platform share above the discount
        ("-1000", "-2000", "-1000 IDR (-2000 IDR funded"),  # below zero
    ],
)
def test_priced_shipping_discounts_fit_the_fee(discount: str, platform: str, shown: str) -> None:
    with pytest.raises(
        ValidationError,
        match=rf"a shipping discount of {re.escape(shown)} .* does not fit a shipping fee of "
        r"10000 IDR",
    ):
        PricedShipping(fee=idr("10000"), discount=idr(discount), platform_discount=idr(platform))


def test_priced_shipping_takes_a_discount_up_to_the_fee() -> None:
    shipping = PricedShipping(
        fee=idr("10000"), discount=idr("10000"), platform_discount=idr("4000")
    )
    assert (shipping.charge, shipping.seller_discount) == (idr("0"), idr("6000"))


def test_price_shipping_refuses_goods_in_another_currency() -> None:
    context = PricingContext(on=dt.date(2026, 1, 5), channel="web", customer_id="C1")
    with pytest.raises(
        CurrencyMismatch, match="the goods' amount is in USD, but the shipping fee is in IDR"
    ):
        price_shipping(
            idr("10000"),
            goods=Money.of("1.00", "USD"),
            context=context,
            promotions=[],
            policy=RoundingPolicy(),
        )
