"""The pricing engine: price lists, promotions, vouchers, several taxes, the trace, bad input.

Every expected figure is worked out by hand in a comment next to it.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import pickle
from decimal import Decimal

import attrs
import pytest

from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    PricingTrace,
    TaxMode,
    TraceKind,
    price_order,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind, Voucher
from salesorder.domain.tax import TaxRate, TaxRule, TaxTable, TaxTreatment, default_tax_table
from salesorder.exceptions import (
    AmbiguousTaxRate,
    CurrencyMismatch,
    InvalidPromotion,
    PriceListConflict,
    PriceListCurrencyMismatch,
    SalesOrderError,
    TaxRateNotFound,
    VoucherExpired,
    VoucherNotApplicable,
    VoucherUsedUp,
)
from salesorder.money import Money, RoundingPlace, RoundingPolicy
from salesorder.serialization import structure, unstructure

TABLE = default_tax_table()
DAY = dt.date(2026, 1, 5)
PPN = TABLE.rate_for("ID", "standard", DAY)
CONTEXT = PricingContext(on=DAY, channel="web", customer_id="C1", customer_group="vip")
PER_LINE = RoundingPolicy(place=RoundingPlace.PER_LINE)
PER_DOCUMENT = RoundingPolicy(place=RoundingPlace.PER_DOCUMENT)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def line(
    sku: str, quantity: int, price: str, *, line_id: str | None = None, **extra: object
) -> LineToPrice:
    return LineToPrice(
        line_id=line_id or sku,
        sku=sku,
        quantity=quantity,
        unit_price=idr(price),
        tax_rate=extra.pop("tax_rate", PPN),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def price(lines: list[LineToPrice], **options: object) -> PricedOrder:
    settings: dict[str, object] = {
        "currency": "IDR",
        "tax_mode": TaxMode.EXCLUDED,
        "policy": PER_LINE,
        "context": CONTEXT,
    }
    settings.update(options)
    return price_order(lines, **settings)  # type: ignore[arg-type]


def price_list(code: str, *entries: PriceEntry, **scope: object) -> PriceList:
    return PriceList(
        code=code,
        name=code,
        currency=scope.pop("currency", "IDR"),  # type: ignore[arg-type]
        tax_mode=TaxMode.EXCLUDED,
        entries=entries,
        **scope,  # type: ignore[arg-type]
    )


# -- price lists ---------------------------------------------------------------------------


def test_the_most_specific_list_wins_and_tiers_pick_the_break_price() -> None:
    general = price_list("ALL", PriceEntry(sku="A", unit_price=idr("100")))
    web = price_list(
        "WEB",
        PriceEntry(sku="A", unit_price=idr("95")),
        PriceEntry(sku="A", unit_price=idr("90"), min_quantity=10),
        channel="web",
    )
    vip = price_list("VIP", PriceEntry(sku="A", unit_price=idr("93")), customer_group="vip")
    contract = price_list("C1", PriceEntry(sku="B", unit_price=idr("50")), customer_id="C1")
    priced = price(
        [line("A", 2, "120"), line("B", 1, "70"), line("C", 1, "10")],
        price_lists=[general, web, vip, contract],
    )
    # A: the group list (93) beats the channel list (95) and the general one (100).
    assert priced.line("A").unit_price == idr("93")
    # B: the customer's contract price; C: no list has it, the catalog price stays.
    assert priced.line("B").unit_price == idr("50")
    assert priced.line("C").unit_price == idr("10")
    (step,) = [s for s in priced.trace.for_line("A") if s.kind is TraceKind.PRICE]
    assert step.source == "VIP"
    assert "beat 'WEB', 'ALL'" in step.detail
    # At 10 units the channel list's tier applies, but the group list is still more specific.
    tiered = price([line("A", 10, "120")], price_lists=[general, web])
    assert tiered.line("A").unit_price == idr("90")


def test_priority_breaks_a_tie_and_an_unbroken_tie_is_an_error() -> None:
    low = price_list("LOW", PriceEntry(sku="A", unit_price=idr("80")), channel="web")
    high = price_list("HIGH", PriceEntry(sku="A", unit_price=idr("85")), channel="web", priority=5)
    assert price([line("A", 1, "100")], price_lists=[low, high]).line("A").unit_price == idr("85")
    twin = price_list("TWIN", PriceEntry(sku="A", unit_price=idr("70")), channel="web")
    with pytest.raises(PriceListConflict, match=r"'LOW' and 'TWIN'.*SKU 'A'"):
        price([line("A", 1, "100")], price_lists=[low, twin])


def test_expired_and_foreign_scope_lists_do_not_apply() -> None:
    old = price_list(
        "OLD",
        PriceEntry(sku="A", unit_price=idr("1")),
        valid_to=dt.date(2025, 12, 31),
    )
    shopee = price_list("SHOPEE", PriceEntry(sku="A", unit_price=idr("2")), channel="shopee")
    priced = price([line("A", 1, "100")], price_lists=[old, shopee])
    assert priced.line("A").unit_price == idr("100")


def test_a_list_in_another_currency_is_refused() -> None:
    usd = price_list("USD", PriceEntry(sku="A", unit_price=Money.of("5", "USD")), currency="USD")
    with pytest.raises(
        PriceListCurrencyMismatch,
        match="price list 'USD', the one that prices SKU 'A', is in USD, but the order is in IDR",
    ) as caught:
        price([line("A", 1, "100")], price_lists=[usd])
    assert isinstance(caught.value, CurrencyMismatch)
    assert isinstance(caught.value, ValueError)


def test_an_inclusive_list_is_converted_for_an_exclusive_order() -> None:
    inclusive = PriceList(
        code="B2C",
        name="B2C",
        currency="IDR",
        tax_mode=TaxMode.INCLUDED,
        entries=[PriceEntry(sku="A", unit_price=idr("111000"))],
    )
    priced = price([line("A", 1, "0")], price_lists=[inclusive])
    # 111,000 including 11% effective PPN is 100,000 net, 11,000 tax.
    assert (priced.net, priced.tax, priced.gross) == (idr("100000"), idr("11000"), idr("111000"))


def test_an_order_price_is_kept_over_any_list() -> None:
    listed = price_list("ALL", PriceEntry(sku="A", unit_price=idr("1")))
    priced = price([line("A", 1, "100", price_fixed=True)], price_lists=[listed])
    assert priced.line("A").unit_price == idr("100")


# -- promotions -------------------------------------------------------------------------------


def test_promotions_stack_in_the_documented_order() -> None:
    promotions = [
        Promotion.order_amount_off("ORDER-10K", idr("10000")),
        Promotion.percent_off("TEN", "10", skus=("A",), priority=1),
    ]
    priced = price([line("A", 2, "50000"), line("B", 1, "100000")], promotions=promotions)
    # Line promotion first: A 100,000 - 10% = 90,000. Then 10,000 off the order spread by
    # what is left (90,000 : 100,000): A 4,736.84, B 5,263.16.
    assert priced.line("A").discount == idr("14736.84")
    assert priced.line("B").discount == idr("5263.16")
    assert priced.discount == idr("20000")
    sources = [s.source for s in priced.trace.of_kind(TraceKind.DISCOUNT)]
    assert sources == ["TEN", "ORDER-10K", "ORDER-10K"]


def test_an_exclusive_promotion_applies_alone() -> None:
    promotions = [
        Promotion.percent_off("TEN", "10"),
        Promotion.percent_off("HALF", "50", exclusive=True, priority=9),
    ]
    priced = price([line("A", 1, "1000")], promotions=promotions)
    assert priced.discount == idr("500")
    (note,) = priced.trace.of_kind(TraceKind.NOTE)
    assert note.source == "TEN"
    assert "exclusive" in note.detail


def test_buy_two_get_one_and_bundle_price() -> None:
    b2g1 = Promotion(
        code="B2G1",
        name="Buy 2 get 1",
        kind=PromotionKind.BUY_X_GET_Y,
        buy_quantity=2,
        get_quantity=1,
        skus=("A",),
    )
    bundle = Promotion(
        code="KIT",
        name="Kit",
        kind=PromotionKind.BUNDLE_PRICE,
        amount=idr("120"),
        skus=("B", "C"),
    )
    priced = price(
        [line("A", 7, "10"), line("B", 2, "100"), line("C", 3, "50")], promotions=[b2g1, bundle]
    )
    # 7 units: two groups of 3, so 2 free units of 10.
    assert priced.line("A").discount == idr("20")
    # Two kits (B and C, scarcest B = 2): normal 2 x 150 = 300, kit 2 x 120 = 240, 60 off,
    # spread by what is left (200 : 150).
    assert priced.line("B").discount == idr("34.29")
    assert priced.line("C").discount == idr("25.71")


def test_a_bundle_member_made_free_by_an_earlier_discount_still_counts() -> None:
    free_cap = Promotion(
        code="CAP",
        name="Free cap",
        kind=PromotionKind.LINE_FIXED,
        amount=idr("5000"),
        skus=("CAP",),
        priority=1,
    )
    kit = Promotion(
        code="KIT",
        name="Cap and shirt",
        kind=PromotionKind.BUNDLE_PRICE,
        amount=idr("30000"),
        skus=("CAP", "SHIRT"),
    )
    lines = [line("CAP", 1, "5000"), line("SHIRT", 1, "30000")]
    alone = price(lines, promotions=[kit])
    both = price(lines, promotions=[kit, free_cap])
    # The kit takes 35,000 - 30,000 = 5,000 off either way; with the cap already free,
    # all of it comes off the shirt. Adding a discount never raises what the buyer pays.
    assert alone.net == idr("30000")
    assert both.line("CAP").net == idr("0")
    assert both.line("SHIRT").discount == idr("5000")
    assert both.net == idr("25000")


def test_a_fixed_discount_never_takes_a_line_below_zero() -> None:
    promotions = [
        Promotion(code="BIG", name="Big", kind=PromotionKind.LINE_FIXED, amount=idr("999999"))
    ]
    priced = price([line("A", 1, "100", discount=Discount.of_percent(10))], promotions=promotions)
    assert priced.line("A").net == idr("0")
    assert priced.line("A").discount == idr("100")


def test_max_discount_caps_and_min_spend_gates() -> None:
    capped = Promotion.percent_off("CAP", "50", max_discount=idr("30"))
    priced = price([line("A", 1, "100"), line("B", 1, "20")], promotions=[capped])
    # 50 + 10 = 60 capped at 30, apportioned 50 : 10 -> 25 and 5.
    assert [p.discount for p in priced.lines] == [idr("25"), idr("5")]
    gated = Promotion.order_percent_off("MIN", "10", min_spend=idr("1000"))
    assert price([line("A", 1, "100")], promotions=[gated]).discount == idr("0")


def test_platform_funded_discounts_keep_the_sellers_revenue() -> None:
    platform = Promotion.order_amount_off("SHOPEE", idr("10000"), funded_by=Funder.PLATFORM)
    priced = price([line("A", 1, "100000", unit_cost=idr("60000"))], promotions=[platform])
    # The buyer pays 90,000 net; the seller still earns 100,000 (10,000 from the platform).
    assert priced.net == idr("90000")
    assert priced.platform_discount == idr("10000")
    assert priced.revenue == idr("100000")
    assert priced.profit == idr("40000")
    assert priced.margin == Decimal("0.4")


def test_shipping_promotions() -> None:
    free = Promotion(code="FREE", name="Free shipping", kind=PromotionKind.FREE_SHIPPING)
    priced = price([line("A", 1, "100")], promotions=[free], shipping=idr("15000"))
    assert priced.shipping_discount == idr("15000")
    assert priced.shipping_due == idr("0")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": PromotionKind.LINE_PERCENT, "percent": "-5"}, "0 < percent <= 100, got -5"),
        ({"kind": PromotionKind.ORDER_FIXED, "amount": idr("-1")}, "negative amount -1 IDR"),
        ({"kind": PromotionKind.BUY_X_GET_Y, "buy_quantity": 2}, "get_quantity >= 1"),
        ({"kind": PromotionKind.BUNDLE_PRICE, "amount": idr("1"), "skus": ("A",)}, "two"),
    ],
)
def test_bad_promotions_are_refused_by_name(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidPromotion, match=message) as caught:
        Promotion(code="BAD", name="Bad", **options)  # type: ignore[arg-type]
    assert "'BAD'" in str(caught.value)
    assert isinstance(caught.value, ValueError)


# -- vouchers --------------------------------------------------------------------------------


def voucher(**options: object) -> Voucher:
    promotion = options.pop(
        "promotion", Promotion.order_amount_off("V5K", idr("5000"), automatic=False)
    )
    return Voucher(code="HEMAT5", promotion=promotion, **options)  # type: ignore[arg-type]


def test_a_voucher_applies_its_promotion_and_is_traced() -> None:
    priced = price([line("A", 1, "100000")], vouchers=[voucher()])
    assert priced.discount == idr("5000")
    assert priced.vouchers == ("HEMAT5",)
    (step,) = priced.trace.of_kind(TraceKind.DISCOUNT)
    assert step.source == "V5K (voucher HEMAT5)"


def test_an_expired_voucher_is_refused() -> None:
    expired = voucher(valid_to=dt.date(2025, 12, 31))
    with pytest.raises(VoucherExpired, match="'HEMAT5' is not valid on 2026-01-05"):
        price([line("A", 1, "100000")], vouchers=[expired])


def test_a_used_up_voucher_is_refused_but_its_own_order_may_reprice() -> None:
    used = voucher(usage_limit=1)
    used.redeem(order_id="O-OTHER", customer_id="C9", on=DAY)
    with pytest.raises(VoucherUsedUp, match="1 of 1 uses taken"):
        used.check(order_id="O-NEW", customer_id="C1", on=DAY)
    used.check(order_id="O-OTHER", customer_id="C9", on=DAY)
    per_customer = voucher(per_customer_limit=1)
    per_customer.redeem(order_id="O1", customer_id="C1", on=DAY)
    with pytest.raises(VoucherUsedUp, match="customer 'C1'"):
        per_customer.redeem(order_id="O2", customer_id="C1", on=DAY)
    per_customer.redeem(order_id="O3", customer_id="C2", on=DAY)
    assert per_customer.uses == 2


def test_a_voucher_outside_its_conditions_is_refused() -> None:
    for promotion, message in [
        (Promotion.order_percent_off("P", "5", channels=("shopee",)), "channel 'web'"),
        (Promotion.order_percent_off("P", "5", min_spend=idr("1000000")), "below the minimum"),
        (Promotion.percent_off("P", "5", skus=("Z",)), "no eligible line"),
    ]:
        with pytest.raises(VoucherNotApplicable, match=message):
            price([line("A", 1, "100000")], vouchers=[voucher(promotion=promotion)])


# -- taxes -------------------------------------------------------------------------------------


def test_vietnam_reduced_rate_follows_the_decrees() -> None:
    expected = {
        dt.date(2022, 1, 31): "0.10",
        dt.date(2022, 2, 1): "0.08",
        dt.date(2022, 12, 31): "0.08",
        dt.date(2023, 1, 1): "0.10",
        dt.date(2023, 6, 30): "0.10",
        dt.date(2023, 7, 1): "0.08",
        dt.date(2024, 6, 30): "0.08",
        dt.date(2024, 7, 1): "0.08",
        dt.date(2025, 6, 30): "0.08",
        dt.date(2025, 7, 1): "0.08",
        dt.date(2026, 12, 31): "0.08",
        dt.date(2027, 1, 1): "0.10",
    }
    for day, rate in expected.items():
        assert TABLE.rate_for("VN", "reducible", day).rate == Decimal(rate), day
    # Goods outside the cut (telecoms, excise goods) stay at 10% throughout.
    assert TABLE.rate_for("VN", "standard", dt.date(2025, 1, 1)).rate == Decimal("0.10")


def test_malaysia_service_tax_moves_to_eight_percent() -> None:
    assert TABLE.rate_for("MY", "service", dt.date(2024, 2, 29)).rate == Decimal("0.06")
    assert TABLE.rate_for("MY", "service", dt.date(2024, 3, 1)).rate == Decimal("0.08")
    assert TABLE.rate_for("MY", "service-6", dt.date(2026, 1, 1)).rate == Decimal("0.06")
    assert TABLE.rate_for("MY", "sales-10", dt.date(2026, 1, 1)).rate == Decimal("0.10")
    assert TABLE.rate_for("MY", "sales-5", dt.date(2026, 1, 1)).rate == Decimal("0.05")


def test_a_missing_rate_names_jurisdiction_category_and_date() -> None:
    with pytest.raises(TaxRateNotFound, match="category 'luxury' in 'MY' on 2026-01-05"):
        TABLE.rates_for("MY", "luxury", DAY)
    with pytest.raises(TaxRateNotFound, match="in 'ID' on 2021-01-01"):
        TABLE.rate_for("ID", "standard", dt.date(2021, 1, 1))


SALES = TaxRate(code="X-SALES", name="Sales 10%", rate="0.10")
LEVY = TaxRate(code="X-LEVY", name="Levy 5% on tax", rate="0.05", compound=True)


def test_several_taxes_and_a_compound_one_on_a_line() -> None:
    priced = price([LineToPrice(line_id="1", quantity=1, unit_price=idr("1000"),
                                taxes=(SALES, LEVY))])  # fmt: skip
    # Sales 10% of 1,000 = 100; levy 5% of (1,000 + 100) = 55.
    (priced_line,) = priced.lines
    assert [t.amount for t in priced_line.taxes] == [idr("100"), idr("55")]
    assert [t.base for t in priced_line.taxes] == [idr("1000"), idr("1100")]
    assert priced.gross == idr("1155")
    included = price(
        [LineToPrice(line_id="1", quantity=1, unit_price=idr("1155"), taxes=(SALES, LEVY))],
        tax_mode=TaxMode.INCLUDED,
    )
    assert (included.net, included.tax) == (idr("1000"), idr("155"))
    assert [t.amount for t in included.lines[0].taxes] == [idr("100"), idr("55")]


def test_a_table_with_two_taxes_on_a_category() -> None:
    table = TaxTable(
        rules=[
            TaxRule(jurisdiction="X", category="c", rate=SALES, valid_from=DAY, tax="sales"),
            TaxRule(jurisdiction="X", category="c", rate=LEVY, valid_from=DAY, tax="levy", order=1),
        ]
    )
    assert table.rates_for("X", "c", DAY) == (SALES, LEVY)
    with pytest.raises(AmbiguousTaxRate, match="X-SALES, X-LEVY"):
        table.rate_for("X", "c", DAY)


def test_exempt_and_zero_rated_lines_are_summarised_apart() -> None:
    exempt = TABLE.rate_for("VN", "exempt", DAY)
    zero = TABLE.rate_for("VN", "zero", DAY)
    assert exempt.treatment is TaxTreatment.EXEMPT
    assert zero.treatment is TaxTreatment.ZERO_RATED
    priced = price(
        [line("A", 1, "100", tax_rate=exempt), line("B", 1, "200", tax_rate=zero)],
        policy=PER_DOCUMENT,
    )
    assert priced.tax == idr("0")
    assert [(s.treatment, s.base) for s in priced.tax_summary] == [
        (TaxTreatment.EXEMPT, idr("100")),
        (TaxTreatment.ZERO_RATED, idr("200")),
    ]


# -- the trace ------------------------------------------------------------------------------


def test_the_trace_explains_prices_discounts_taxes_and_rounding() -> None:
    priced = price(
        [line("A", 3, "33333.335", discount=Discount.of_percent("7.5"))],
        promotions=[Promotion.order_percent_off("TEN", "10")],
    )
    text = str(priced.trace)
    kinds = [step.kind for step in priced.trace.steps]
    assert kinds == [
        TraceKind.PRICE,
        TraceKind.ROUNDING,  # 100000.005 -> 100000.01
        TraceKind.DISCOUNT,  # manual 7.5%
        TraceKind.ROUNDING,  # 7500.00075 -> 7500.00
        TraceKind.DISCOUNT,  # TEN
        TraceKind.TAX,
        TraceKind.ROUNDING,  # 0.11 x 83250.01 = 9157.5011 -> 9157.50
        TraceKind.POLICY,  # the conventions, always last
    ]
    assert "line A: price [line] 100000.01 IDR: 3 x 33333.335" in text
    assert "PPN 12% (DPP 11/12): 0.11 of 83250.01 (statutory 0.12 on 11/12 of the base)" in text
    assert text.endswith(
        "rounding conventions: half_up per_line; included prices net_first; several taxes "
        "largest_remainder; percentage discounts round the discount"
    )
    back = structure(unstructure(priced.trace), PricingTrace)
    assert back == priced.trace


def _traced() -> PricedOrder:
    return price(
        [line("A", 3, "33333.335", discount=Discount.of_percent("7.5")), line("B", 1, "999.99")],
        promotions=[Promotion.order_percent_off("TEN", "10")],
        vouchers=[voucher()],
    )


def test_the_trace_reads_compares_and_copies_as_a_plain_trace_of_its_steps() -> None:
    # price_order's trace formats its steps on first read; nothing else may tell it apart.
    trace = _traced().trace
    plain = PricingTrace(steps=_traced().trace.steps)
    assert len(plain.steps) == 14
    assert trace == plain
    assert plain == trace
    assert hash(trace) == hash(plain)
    assert repr(trace) == repr(plain)
    assert trace.steps is trace.steps  # formatted once, then kept
    for copied in (
        pickle.loads(pickle.dumps(trace)),  # noqa: S301 - our own bytes
        copy.deepcopy(_traced().trace),
        attrs.evolve(_traced().trace),
    ):
        assert copied == plain
        assert copied.steps == plain.steps
    assert attrs.evolve(trace, steps=()) == PricingTrace()
    assert unstructure(_traced().trace) == unstructure(plain)
    assert structure(unstructure(_traced()), PricedOrder) == _traced()


def test_the_trace_says_what_the_run_saw_whenever_it_is_read() -> None:
    # Read first, at once, in the default decimal context.
    expected = _traced().trace.steps
    code = voucher()
    priced = price(
        [line("A", 3, "33333.335", discount=Discount.of_percent("7.5")), line("B", 1, "999.99")],
        promotions=[Promotion.order_percent_off("TEN", "10")],
        vouchers=[code],
    )
    # Later, the voucher renamed and a coarser decimal context: the words are the run's.
    code.code = "RENAMED"
    with decimal.localcontext(decimal.Context(prec=4, rounding=decimal.ROUND_DOWN)):
        steps = priced.trace.steps
    assert steps == expected
    assert "V5K (voucher HEMAT5)" in {step.source for step in steps}


def test_a_failed_pricing_changes_nothing() -> None:
    used = voucher(usage_limit=1)
    used.redeem(order_id="O-OTHER", customer_id="C9", on=DAY)
    before = unstructure(used)
    with pytest.raises(SalesOrderError):
        price(
            [line("A", 1, "100000")],
            vouchers=[voucher(valid_to=dt.date(2025, 1, 1))],
        )
    assert unstructure(used) == before


def test_a_rate_prints_as_it_is_written_whatever_was_priced_before() -> None:
    # 0.1 and 0.10 are equal rates; the engine once reused the first one's objects for both.
    def priced(rate: str, place: RoundingPolicy = PER_LINE) -> PricedOrder:
        tax = TaxRate(code="VAT", name="VAT", rate=Decimal(rate))
        return price([line("A", 1, "100.00", tax_rate=tax)], policy=place)

    priced("0.1")
    again = priced("0.10")
    assert str(again.lines[0].tax_rate) == "0.10"
    assert unstructure(again)["lines"][0]["taxes"][0]["tax_rate"] == "0.10"
    assert "VAT: 0.10 of 100.00" in str(again.trace)
    # Per document, equal rates written apart are still one group, rounded once.
    both = price(
        [
            line("A", 1, "0.05", tax_rate=TaxRate(code="VAT", name="VAT", rate=Decimal("0.1"))),
            line("B", 1, "0.05", tax_rate=TaxRate(code="VAT", name="VAT", rate=Decimal("0.10"))),
        ],
        policy=PER_DOCUMENT,
    )
    assert both.tax == idr("0.01")  # 10% of 0.10 once; each line alone would round 0.005 twice
