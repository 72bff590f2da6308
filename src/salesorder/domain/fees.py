"""Marketplace fees, expected payouts, settlement reconciliation and profit per order.

A :class:`FeeRule` is data: commission percent by category, a transaction (payment) fee
on what the buyer paid, a service fee on the seller's revenue (optionally capped per
order). :func:`expected_payout` applies it to a marketplace order; every fee is rounded
half-up to the currency's minor units, once per fee (commission once per line, on the
line's revenue after its share of the seller's voucher, split exactly with
:func:`salesorder.money.apportion`).

A platform-funded voucher lowers what the buyer pays (so the transaction fee) but not the
seller's revenue; a seller-funded one lowers both.

:func:`reconcile` compares a settlement report with the expected payouts and lists every
difference; :func:`order_profit` shows revenue minus every cost of an order.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from decimal import Decimal

import attrs

from salesorder.domain.channels import MarketplaceOrder, SettlementLine, SettlementReport
from salesorder.domain.common import as_tuple
from salesorder.exceptions import ValidationError
from salesorder.money import Money, RoundingMode, apportion, to_decimal

__all__ = [
    "Difference",
    "DifferenceKind",
    "FeeRule",
    "Payout",
    "Profit",
    "Reconciliation",
    "ReconciliationLine",
    "expected_payout",
    "order_profit",
    "reconcile",
]


def _rate(value: object) -> Decimal:
    rate = to_decimal(value, what="fee rate")
    if not Decimal(0) <= rate < Decimal(1):
        raise ValidationError(f"a fee rate must be within 0 and 1, got {rate}")
    return rate


def _rates(value: Mapping[str, object]) -> dict[str, Decimal]:
    return {category: _rate(rate) for category, rate in value.items()}


def _optional_amount(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value, what="service fee cap")


def _fee(amount: Money, rate: Decimal) -> Money:
    return (amount * rate).rounded(RoundingMode.HALF_UP)


@attrs.frozen(kw_only=True)
class FeeRule:
    """What a marketplace keeps of an order (rates as fractions: ``0.08`` is 8 %).

    Attributes:
        commission: commission rate per marketplace category.
        default_commission: the rate of a category not in ``commission``.
        transaction_fee: rate on what the buyer paid (goods after vouchers, plus shipping).
        service_fee: rate on the seller's revenue (a programme fee such as free shipping).
        service_fee_cap: the most the service fee takes from one order, in the order's
            currency (None: no cap). An amount, not Money, so one rule serves any currency
            and building the shipped profiles loads no currency data at import.
    """

    commission: Mapping[str, Decimal] = attrs.field(factory=dict, converter=_rates)
    default_commission: Decimal = attrs.field(default=Decimal(0), converter=_rate)
    transaction_fee: Decimal = attrs.field(default=Decimal(0), converter=_rate)
    service_fee: Decimal = attrs.field(default=Decimal(0), converter=_rate)
    service_fee_cap: Decimal | None = attrs.field(default=None, converter=_optional_amount)

    def commission_rate(self, category: str) -> Decimal:
        """The commission rate of ``category``."""
        return self.commission.get(category, self.default_commission)


@attrs.frozen(kw_only=True)
class Payout:
    """The expected payout of one order, each part shown.

    ``payout = revenue - commission - transaction_fee - service_fee - shipping_subsidy``.
    """

    external_id: str
    goods: Money
    seller_voucher: Money
    platform_voucher: Money
    buyer_paid: Money
    revenue: Money
    commission: Money
    transaction_fee: Money
    service_fee: Money
    shipping_subsidy: Money

    @property
    def fees(self) -> Money:
        """Commission, transaction fee and service fee together."""
        return self.commission + self.transaction_fee + self.service_fee

    @property
    def payout(self) -> Money:
        """What the marketplace should pay the seller for the order."""
        return self.revenue - self.fees - self.shipping_subsidy


def expected_payout(order: MarketplaceOrder, rule: FeeRule) -> Payout:
    """The payout ``rule`` gives for ``order``; see the module docstring for the rounding."""
    currency = order.currency
    zero = Money.zero(currency)
    seller_voucher = order.seller_discount or zero
    amounts = [line.unit_price * line.quantity for line in order.lines]
    weights = [a.amount for a in amounts]
    shares = (
        apportion(seller_voucher, weights)
        if any(weights)
        else [zero for _ in amounts]  # all lines free: nothing to split
    )
    commission = Money.sum(
        (
            _fee(amount - share, rule.commission_rate(line.category))
            for line, amount, share in zip(order.lines, amounts, shares, strict=True)
        ),
        currency,
    )
    service = _fee(order.seller_revenue, rule.service_fee)
    if rule.service_fee_cap is not None and service.amount > rule.service_fee_cap:
        service = Money.of(rule.service_fee_cap, currency)
    return Payout(
        external_id=order.external_id,
        goods=order.goods,
        seller_voucher=seller_voucher,
        platform_voucher=order.platform_discount or zero,
        buyer_paid=order.buyer_paid,
        revenue=order.seller_revenue,
        commission=commission,
        transaction_fee=_fee(order.buyer_paid, rule.transaction_fee),
        service_fee=service,
        shipping_subsidy=order.shipping_subsidy or zero,
    )


# ---------------------------------------------------------------------------------------
# Reconciliation
# ---------------------------------------------------------------------------------------


class DifferenceKind(str, enum.Enum):
    """Why a settlement line does not match."""

    AMOUNT = "amount"
    UNKNOWN_ORDER = "unknown_order"
    DUPLICATE = "duplicate"


@attrs.frozen(kw_only=True)
class Difference:
    """One thing that does not match: ``settled - expected`` of ``item`` for one order."""

    external_id: str
    kind: DifferenceKind
    item: str
    expected: Money | None
    settled: Money | None

    @property
    def amount(self) -> Money | None:
        """Settled minus expected when both are known (below zero when the seller got less)."""
        if self.expected is None or self.settled is None:
            return None
        return self.settled - self.expected


@attrs.frozen(kw_only=True)
class ReconciliationLine:
    """One settlement line next to its expected payout (None for an unknown order)."""

    settled: SettlementLine
    expected: Payout | None


@attrs.frozen(kw_only=True)
class Reconciliation:
    """A settlement report reconciled: every line, and every difference found."""

    report_id: str
    currency: str
    lines: tuple[ReconciliationLine, ...] = attrs.field(converter=as_tuple)
    differences: tuple[Difference, ...] = attrs.field(converter=as_tuple)

    @property
    def settled_total(self) -> Money:
        """What the report pays out."""
        return Money.sum((line.settled.payout for line in self.lines), self.currency)

    @property
    def expected_total(self) -> Money:
        """What the known orders of the report should pay out."""
        return Money.sum(
            (line.expected.payout for line in self.lines if line.expected is not None),
            self.currency,
        )

    @property
    def matches(self) -> bool:
        """True when nothing differs."""
        return not self.differences


_COMPARED = ("revenue", "commission", "transaction_fee", "service_fee", "shipping_subsidy")


def reconcile(
    report: SettlementReport,
    expected: Mapping[str, Payout],
    *,
    settled_before: frozenset[str] = frozenset(),
) -> Reconciliation:
    """Compare each line of ``report`` with the expected payout of its order.

    ``expected`` maps external order ids to payouts; ``settled_before`` holds orders paid out
    by earlier reports. Each differing fee, the payout itself, an order the shop does not
    know and an order paid out twice are each one :class:`Difference`; a line's
    ``adjustment`` is reported as a difference too, since no rule expects it.
    """
    lines: list[ReconciliationLine] = []
    differences: list[Difference] = []
    seen: set[str] = set(settled_before)
    for line in report.lines:
        payout = expected.get(line.external_id)
        lines.append(ReconciliationLine(settled=line, expected=payout))
        if line.external_id in seen:
            differences.append(
                Difference(
                    external_id=line.external_id,
                    kind=DifferenceKind.DUPLICATE,
                    item="payout",
                    expected=None,
                    settled=line.payout,
                )
            )
            continue
        seen.add(line.external_id)
        if payout is None:
            differences.append(
                Difference(
                    external_id=line.external_id,
                    kind=DifferenceKind.UNKNOWN_ORDER,
                    item="payout",
                    expected=None,
                    settled=line.payout,
                )
            )
            continue
        for item in (*_COMPARED, "payout"):
            want: Money = getattr(payout, item)
            got: Money = getattr(line, item)
            if want != got:
                differences.append(
                    Difference(
                        external_id=line.external_id,
                        kind=DifferenceKind.AMOUNT,
                        item=item,
                        expected=want,
                        settled=got,
                    )
                )
        if line.adjustment is not None and not line.adjustment.is_zero:
            differences.append(
                Difference(
                    external_id=line.external_id,
                    kind=DifferenceKind.AMOUNT,
                    item="adjustment",
                    expected=Money.zero(report.currency),
                    settled=line.adjustment,
                )
            )
    return Reconciliation(
        report_id=report.report_id,
        currency=report.currency,
        lines=lines,
        differences=differences,
    )


# ---------------------------------------------------------------------------------------
# Profit
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Profit:
    """Profit of one order, every cost shown (amounts as the marketplace states them).

    ``profit = revenue - cost_of_goods - marketplace_fees - shipping - packaging
    - promotions - returns``, where ``revenue`` is the goods at their listed price and
    ``promotions`` the seller-funded vouchers (platform-funded ones cost the seller nothing).
    """

    revenue: Money
    cost_of_goods: Money
    marketplace_fees: Money
    shipping: Money
    packaging: Money
    promotions: Money
    returns: Money

    @property
    def profit(self) -> Money:
        """Revenue minus every cost."""
        return (
            self.revenue
            - self.cost_of_goods
            - self.marketplace_fees
            - self.shipping
            - self.packaging
            - self.promotions
            - self.returns
        )


def order_profit(
    payout: Payout,
    cost_of_goods: Money,
    *,
    shipping: Money | None = None,
    packaging: Money | None = None,
    returns: Money | None = None,
) -> Profit:
    """The profit of an order from its payout and its costs.

    ``shipping`` is shipping the seller paid beyond the subsidy already in the payout.
    """
    zero = Money.zero(payout.goods.currency)
    return Profit(
        revenue=payout.goods,
        cost_of_goods=cost_of_goods,
        marketplace_fees=payout.fees,
        shipping=payout.shipping_subsidy + (shipping or zero),
        packaging=packaging or zero,
        promotions=payout.seller_voucher,
        returns=returns or zero,
    )
