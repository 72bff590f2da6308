"""Fees, expected payouts, settlement reconciliation and profit per marketplace order.

Worked example on the (illustrative) Shopee profile: 2 x Rp145,000 in "fashion" (8 %
commission), a Rp10,000 seller voucher, a Rp15,000 platform voucher, Rp12,000 shipping
paid by the buyer. Revenue 280,000; the buyer pays 280,000 - 15,000 + 12,000 = 277,000.
Commission 8 % of 280,000 = 22,400; transaction fee 4 % of 277,000 = 11,080; service fee
4 % of 280,000 = 11,200, capped at 10,000. Payout 280,000 - 43,480 = 236,520.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.services.conftest import JAKARTA

from salesorder import (
    MarketplaceLine,
    MarketplaceOrder,
    Money,
    RevisionConflict,
    SalesApp,
    SettlementLine,
    SettlementReport,
    commands,
    expected_payout,
    profile_for,
)
from salesorder.adapters.memory import InMemoryMarketplace
from salesorder.domain.channels import ChannelKind
from salesorder.domain.fees import DifferenceKind, FeeRule
from salesorder.services.channels import expected_payout_of, profit_of, reconcile_settlement

T0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def order(external_id: str, *, platform: str = "15000") -> MarketplaceOrder:
    return MarketplaceOrder(
        external_id=external_id,
        revision=1,
        status="READY_TO_SHIP",
        buyer_name="Sari",
        shipping_address=JAKARTA,
        currency="IDR",
        lines=(
            MarketplaceLine(
                channel_sku="TSHIRT-RED-M",
                quantity=2,
                unit_price=idr("145000"),
                category="fashion",
            ),
        ),
        created_at=T0,
        seller_discount=idr("10000"),
        platform_discount=idr(platform),
        shipping_fee=idr("12000"),
    )


def line(external_id: str, commission: str, payout: str) -> SettlementLine:
    return SettlementLine(
        external_id=external_id,
        revenue=idr("280000"),
        commission=idr(commission),
        transaction_fee=idr("11080"),
        service_fee=idr("10000"),
        shipping_subsidy=idr("0"),
        payout=idr(payout),
    )


def shopee(app: SalesApp) -> InMemoryMarketplace:
    marketplace = app.marketplaces["shopee"]
    assert isinstance(marketplace, InMemoryMarketplace)
    return marketplace


def test_expected_payout_shows_every_fee() -> None:
    payout = expected_payout(order("SP-1"), profile_for(ChannelKind.SHOPEE).fees)
    assert payout.revenue == idr("280000")
    assert payout.buyer_paid == idr("277000")
    assert payout.commission == idr("22400")
    assert payout.transaction_fee == idr("11080")
    assert payout.service_fee == idr("10000")
    assert payout.payout == idr("236520")


def test_a_platform_voucher_lowers_what_the_buyer_pays_not_the_revenue() -> None:
    fees = profile_for(ChannelKind.SHOPEE).fees
    without = expected_payout(order("SP-1", platform="0"), fees)
    with_voucher = expected_payout(order("SP-1", platform="50000"), fees)
    assert with_voucher.revenue == without.revenue == idr("280000")
    assert with_voucher.buyer_paid == without.buyer_paid - idr("50000")
    assert with_voucher.commission == without.commission
    # Only the transaction fee, a share of what the buyer paid, goes down: 4 % of 50,000.
    assert without.payout - with_voucher.payout == -idr("2000")


def test_commission_splits_the_seller_voucher_over_lines_exactly() -> None:
    rule = FeeRule(commission={"a": Decimal("0.1"), "b": Decimal("0.2")})
    two_lines = MarketplaceOrder(
        external_id="SP-2",
        revision=1,
        status="READY_TO_SHIP",
        buyer_name="Sari",
        shipping_address=JAKARTA,
        currency="IDR",
        lines=(
            MarketplaceLine(channel_sku="A", quantity=1, unit_price=idr("100"), category="a"),
            MarketplaceLine(channel_sku="B", quantity=2, unit_price=idr("100"), category="b"),
        ),
        created_at=T0,
        seller_discount=idr("31"),
    )
    # The voucher of 31.00 splits 10.33 / 20.67 by line amount; 10 % of 89.67 is 8.97 and
    # 20 % of 179.33 is 35.87 (half up).
    assert expected_payout(two_lines, rule).commission == idr("44.84")


def test_settlements_are_imported_once_and_every_difference_listed(app: SalesApp) -> None:
    for external_id in ("SP-1", "SP-2"):
        shopee(app).put_order(order(external_id))
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    assert expected_payout_of(app, "shopee", "SP-1").payout == idr("236520")
    shopee(app).put_settlement(
        SettlementReport(
            report_id="PAYOUT-2026-01-12",
            currency="IDR",
            paid_at=T0 + dt.timedelta(days=7),
            lines=(
                line("SP-1", "22400", "236520"),
                line("SP-2", "25000", "233920"),  # 2,600 more commission than the rule says
                line("SP-404", "1000", "50000"),  # an order the shop never received
            ),
        )
    )
    (result,) = app.execute(commands.ImportSettlements(channel="shopee"))
    assert not result.matches
    found = [(d.external_id, d.kind, d.item, d.amount) for d in result.differences]
    assert found == [
        ("SP-2", DifferenceKind.AMOUNT, "commission", idr("2600")),
        ("SP-2", DifferenceKind.AMOUNT, "payout", idr("-2600")),
        ("SP-404", DifferenceKind.UNKNOWN_ORDER, "payout", None),
    ]
    assert result.settled_total == idr("520440")
    assert result.expected_total == idr("473040")
    assert app.execute(commands.ImportSettlements(channel="shopee")) == []
    again = reconcile_settlement(app, "shopee", "PAYOUT-2026-01-12")
    assert again.differences == result.differences


def test_an_order_paid_out_twice_is_a_difference(app: SalesApp) -> None:
    shopee(app).put_order(order("SP-1"))
    app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    for number in (1, 2):
        shopee(app).put_settlement(
            SettlementReport(
                report_id=f"PAYOUT-{number}",
                currency="IDR",
                paid_at=T0 + dt.timedelta(days=7 * number),
                lines=(line("SP-1", "22400", "236520"),),
            )
        )
    first, second = app.execute(commands.ImportSettlements(channel="shopee"))
    assert first.matches
    assert [d.kind for d in second.differences] == [DifferenceKind.DUPLICATE]


def test_a_report_changed_after_import_is_refused(app: SalesApp) -> None:
    report = SettlementReport(
        report_id="PAYOUT-1", currency="IDR", paid_at=T0, lines=(line("SP-1", "1", "2"),)
    )
    shopee(app).put_settlement(report)
    app.execute(commands.ImportSettlements(channel="shopee"))
    shopee(app).put_settlement(
        SettlementReport(
            report_id="PAYOUT-1", currency="IDR", paid_at=T0, lines=(line("SP-1", "1", "3"),)
        )
    )
    with pytest.raises(RevisionConflict, match="'PAYOUT-1' of 'shopee' was imported before"):
        app.execute(commands.ImportSettlements(channel="shopee"))


def test_profit_per_order_shows_each_cost(app: SalesApp) -> None:
    shopee(app).put_order(order("SP-1"))
    (order_id,) = app.execute(commands.ImportMarketplaceOrders(channel="shopee"))
    profit = profit_of(app, order_id, packaging=idr("2000"), returns=idr("0"))
    assert profit.revenue == idr("290000")
    assert profit.cost_of_goods == idr("160000")  # 2 x the catalog's unit cost of 80,000
    assert profit.marketplace_fees == idr("43480")
    assert profit.promotions == idr("10000")  # the seller's voucher; the platform's is free
    assert profit.packaging == idr("2000")
    assert profit.profit == idr("74520")
