"""Pricing an order's shipping charge with the shop's shipping promotions, goods left alone.

:func:`price_shipping` is what shipping an order calls once the courier has quoted the fee
the buyer pays: it takes the discount of the shop's automatic shipping promotions off it,
by the rules of :func:`~salesorder.domain.pricing.price_order` and with its own code (the
same choice of promotions: valid on the pricing date, for the channel and customer group,
ranked by priority then code, an exclusive one alone, each on what the ones before it
left), without pricing the goods again: their prices and vouchers may have changed since
the order was priced. A promotion's ``min_spend`` is measured, as for every promotion, on
the order's goods at list prices before any discount (``PricedOrder.list_amount``).

An order may be charged shipping more than once (a split order shipped one warehouse at a
time): each time, the order's shipping fees so far are priced as a whole and the charge
takes off what that adds to the discount already given, so a fixed amount or a cap comes
off the order's shipping once, never once per parcel.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing._work import _ZERO, _rounder
from salesorder.domain.pricing.model import PricingTrace, TraceKind, TraceStep
from salesorder.domain.pricing.offers import _choose_promotions, _shipping_discount
from salesorder.domain.pricing.trace import _Recorder
from salesorder.domain.promotions import Funder, Promotion, PromotionScope, Voucher
from salesorder.exceptions import CurrencyMismatch, ValidationError
from salesorder.money import Money, RoundingPolicy, decimal_isolated

__all__ = ["PricedShipping", "price_shipping"]


def _zero(priced: PricedShipping) -> Money:
    return Money.zero(priced.fee.currency)


@attrs.frozen(kw_only=True)
class PricedShipping:
    """The shipping fees an order charges its buyer, and what promotions took off them.

    All amounts are in the order's currency, tax included (as the couriers quote them).
    ``fee`` is every fee charged to the buyer so far, before promotions; ``discount`` what
    shipping promotions took off it, of which ``platform_discount`` is funded by the
    marketplace platform: it lowers what the buyer pays, not the seller's revenue (as a
    platform-funded line promotion). The buyer pays :attr:`charge`. ``trace`` says why,
    step by step (the fee, each promotion, each one not applied and the reason).
    """

    fee: Money
    discount: Money = attrs.Factory(_zero, takes_self=True)
    platform_discount: Money = attrs.Factory(_zero, takes_self=True)
    trace: PricingTrace = attrs.Factory(PricingTrace)

    def __attrs_post_init__(self) -> None:
        currency = self.fee.currency
        for name, amount in (
            ("discount", self.discount),
            ("platform discount", self.platform_discount),
        ):
            if amount.currency != currency:
                raise CurrencyMismatch(
                    currency, amount.currency, f"the shipping {name}", against="the shipping fee"
                )
        if not (self.fee.amount >= self.discount.amount >= self.platform_discount.amount >= _ZERO):
            raise ValidationError(
                f"a shipping discount of {self.discount} ({self.platform_discount} funded by "
                f"the platform) does not fit a shipping fee of {self.fee}"
            )

    @property
    def charge(self) -> Money:
        """What the buyer pays for shipping, the fees less the discount."""
        return self.fee - self.discount

    @property
    def seller_discount(self) -> Money:
        """The part of the discount the seller funds (it lowers the seller's revenue)."""
        return self.discount - self.platform_discount

    @property
    def promotions(self) -> tuple[str, ...]:
        """The codes of the promotions that took something off, in the order applied."""
        return tuple(step.source for step in self.trace.of_kind(TraceKind.SHIPPING))


#: The source of the trace steps about the fees themselves.
_FEE = "courier"


@decimal_isolated
def price_shipping(
    fee: Money,
    *,
    goods: Money,
    context: PricingContext,
    promotions: Sequence[Promotion],
    policy: RoundingPolicy,
    earlier: PricedShipping | None = None,
    vouchers: Sequence[Voucher] = (),
) -> PricedShipping:
    """The order's shipping once the buyer is charged ``fee`` more; see the module docstring.

    Args:
        fee: the courier's fee the buyer is now charged, before promotions.
        goods: the order's goods at list prices, before any discount (``min_spend``).
        context: the date, channel, customer and group the order was priced for.
        promotions: the shop's promotions (only automatic shipping ones take anything off;
            an exclusive one of another scope leaves them out, as in ``price_order``).
        policy: the rounding of the order's currency (a percent off is rounded with it).
        earlier: the order's shipping priced so far (None: nothing charged yet).
        vouchers: the vouchers the order was priced with; those of shipping promotions
            take their discount off too (each was checked and redeemed when the order was
            priced; it is checked again for this order, as repricing does).

    Returns:
        The order's shipping with ``fee`` added: :attr:`PricedShipping.charge` less
        ``earlier.charge`` is what the buyer pays for this one; the discount never gives
        back what an earlier charge took off (a promotion ended since, say: the trace
        notes it).

    Raises:
        CurrencyMismatch: ``goods``, ``earlier`` or a promotion is in another currency.
    """
    currency = fee.currency
    for what, other in (
        ("the goods' amount", goods),
        *(() if earlier is None else (("the shipping charged so far", earlier.fee),)),
    ):
        if other.currency != currency:
            raise CurrencyMismatch(currency, other.currency, what, against="the shipping fee")
    before = earlier or PricedShipping(fee=Money.zero(currency))
    rounding = _rounder(currency, policy)
    record = _Recorder()
    chosen = _choose_promotions(promotions, vouchers, context, currency, record)
    shipping_codes = {p.code for p in promotions if p.scope is PromotionScope.SHIPPING}
    total = before.fee + fee
    steps = [
        TraceStep(
            line_id="",
            kind=TraceKind.PRICE,
            source=_FEE,
            amount=total,
            detail="the shipping fees the buyer is charged, before promotions",
        ),
        *(step for step in record.build() if step.source in shipping_codes),
    ]
    left, off, platform = total.amount, _ZERO, _ZERO
    for promotion, _voucher in chosen:
        if promotion.scope is not PromotionScope.SHIPPING:
            continue
        minimum = promotion.min_spend
        if minimum is not None and goods.amount < minimum.amount:
            steps.append(
                TraceStep(
                    line_id="",
                    kind=TraceKind.NOTE,
                    source=promotion.code,
                    amount=None,
                    detail=f"not applied: spend {goods.amount} is below the minimum "
                    f"{minimum.amount}",
                )
            )
            continue
        taken = _shipping_discount(promotion, left, rounding)
        if not taken:
            continue
        left -= taken
        off += taken
        if promotion.funded_by is Funder.PLATFORM:
            platform += taken
        steps.append(
            TraceStep(
                line_id="",
                kind=TraceKind.SHIPPING,
                source=promotion.code,
                amount=Money.of(taken, currency),
                detail=f"{promotion.kind.value} off the shipping charge, "
                f"funded by {promotion.funded_by.value}",
            )
        )
    # What this charge takes off: what the whole adds to the discount already given, at
    # most the new fee; the platform's share of it likewise.
    now = min(max(off - before.discount.amount, _ZERO), fee.amount)
    platform_now = min(max(platform - before.platform_discount.amount, _ZERO), now)
    if now != off - before.discount.amount:
        steps.append(
            TraceStep(
                line_id="",
                kind=TraceKind.NOTE,
                source=_FEE,
                amount=Money.of(now, currency),
                detail=f"earlier shipping charges took {before.discount} off: this charge "
                f"takes {now} off its fee of {fee}",
            )
        )
    return PricedShipping(
        fee=total,
        discount=before.discount + Money.of(now, currency),
        platform_discount=before.platform_discount + Money.of(platform_now, currency),
        trace=PricingTrace(steps=tuple(steps)),
    )
