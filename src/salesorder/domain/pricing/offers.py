"""Discounts: each line's own, then the promotions and vouchers, in the order of application.

Private to :mod:`salesorder.domain.pricing` (the rules and their order are in its docstring).
Each step takes what it discounts off what the lines have left (:attr:`_Line.left`), so no
line goes below zero, and records its part of the trace. After django-oscar's offer
applicator: :func:`_choose_promotions` decides which promotions apply and in which order,
:func:`_apply_promotions` applies them in turn, and each kind of benefit computes its own
parts (:func:`_line_parts`, :func:`_order_parts`, :func:`_shipping_discount`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing._speed import _money, _new_step, _split
from salesorder.domain.pricing._work import _ZERO, _Line, _Rounder
from salesorder.domain.pricing.model import Discount, DiscountKind, TraceKind
from salesorder.domain.pricing.trace import (
    _discount_trace,
    _manual_trace,
    _order_discount_trace,
    _Recorder,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind, PromotionScope, Voucher
from salesorder.exceptions import CurrencyMismatch, DiscountExceedsOrder, VoucherNotApplicable
from salesorder.money import apportion

_HUNDRED = Decimal(100)
# Enum members read once per order or per line, read once (see _work._EXCLUDED for why).
_PLATFORM = Funder.PLATFORM
_LINE_PERCENT = PromotionKind.LINE_PERCENT
_ORDER_PERCENT = PromotionKind.ORDER_PERCENT
_BUNDLE_PRICE = PromotionKind.BUNDLE_PRICE
_ORDER = PromotionScope.ORDER
_SHIPPING = PromotionScope.SHIPPING


def _take(line: _Line, amount: Decimal, funder: Funder) -> Decimal:
    """Take ``amount`` off the line, capped at what is left; returns what was taken."""
    amount = min(amount, line.left)
    line.left -= amount
    line.discount += amount
    if funder is _PLATFORM:
        line.platform += amount
    return amount


def _manual_discounts(
    work: list[_Line], rounding: _Rounder, currency: str, record: _Recorder | None
) -> None:
    """Take each line's own discount off it (see ``_Line.manual``)."""
    for line in work:
        discount = line.source.discount
        if discount is None:
            continue
        if discount.kind is DiscountKind.PERCENT:
            exact = line.list_amount * discount.percent / _HUNDRED
            value = rounding.off(line.list_amount, exact)
        else:
            assert discount.amount is not None  # noqa: S101 - guaranteed by Discount's validation
            if discount.amount.currency != currency:
                raise CurrencyMismatch(
                    currency,
                    discount.amount.currency,
                    f"line {line.source.line_id!r} discount",
                    against="the order",
                )
            exact = value = rounding(discount.amount.amount)
        line.manual = (exact, value, _take(line, value, Funder.SELLER))
    if record is not None:
        record.later(_manual_trace, work, currency)


def _check_order_discount(discount: Discount, currency: str) -> None:
    """Refuse an order discount in another currency (before any price is looked up)."""
    if discount.amount is not None and discount.amount.currency != currency:
        raise CurrencyMismatch(
            currency, discount.amount.currency, "the order discount", against="the order"
        )


def _order_discount(  # noqa: PLR0917 - the engine's figures, in its order
    discount: Discount,
    work: list[_Line],
    rounding: _Rounder,
    currency: str,
    order_id: str,
    record: _Recorder | None,
) -> None:
    """The caller's own discount on the order, spread over the lines by what each has left.

    It comes off what the lines' own discounts left, before any promotion. A fixed amount
    more than that is refused (never capped in silence): it cannot be what was meant.

    Raises:
        DiscountExceedsOrder: the amount is more than the order comes to.
    """
    weights = [line.left for line in work]
    left = sum(weights, _ZERO)
    if discount.kind is DiscountKind.PERCENT:
        exact = left * discount.percent / _HUNDRED
        total = rounding.off(left, exact)
    else:
        assert discount.amount is not None  # noqa: S101 - guaranteed by Discount's validation
        exact = discount.amount.amount
        if exact > left:
            raise DiscountExceedsOrder(order_id, discount.amount, _money(left, currency))
        total = rounding(exact)
    if not total:
        return
    given = _take_parts(work, _split(total, weights, rounding, currency), Funder.SELLER)
    if record is not None:
        record.later(_order_discount_trace, discount, work, given, exact, total, currency)


def _label(promotion: Promotion, voucher: Voucher | None) -> str:
    return promotion.code if voucher is None else f"{promotion.code} (voucher {voucher.code})"


def _choose_promotions(
    promotions: Sequence[Promotion],
    vouchers: Sequence[Voucher],
    context: PricingContext,
    currency: str,
    record: _Recorder | None,
) -> list[tuple[Promotion, Voucher | None]]:
    """The promotions that apply, in the order of application (see the module docstring)."""
    found: list[tuple[Promotion, Voucher | None]] = []
    for promotion in promotions:
        if (
            promotion.automatic
            and promotion.is_valid_on(context.on)
            and promotion.eligible_for(context.channel, context.customer_group)
        ):
            promotion.check_currency(currency)
            found.append((promotion, None))
    for voucher in vouchers:
        voucher.check(order_id=context.order_id, customer_id=context.customer_id, on=context.on)
        promotion = voucher.promotion
        if not promotion.eligible_for(context.channel, context.customer_group):
            raise VoucherNotApplicable(
                f"voucher {voucher.code!r} is not for channel {context.channel!r} or customer "
                f"group {context.customer_group!r} (channels {list(promotion.channels)}, "
                f"groups {list(promotion.customer_groups)})"
            )
        promotion.check_currency(currency)
        found.append((promotion, voucher))
    if len(found) < 2:  # nothing to rank, nothing to exclude
        return found
    found.sort(key=lambda pv: (-pv[0].priority, pv[0].code))
    exclusive = next((pv for pv in found if pv[0].exclusive), None)
    if exclusive is not None and len(found) > 1:
        for pair in found:
            if pair is exclusive:
                continue
            if pair[1] is not None:
                raise VoucherNotApplicable(
                    f"voucher {pair[1].code!r} cannot be combined with exclusive "
                    f"{exclusive[0].thing}"
                )
            if record is not None:
                record.add(
                    _new_step(
                        line_id="",
                        kind=TraceKind.NOTE,
                        source=pair[0].code,
                        amount=None,
                        detail=f"not applied: {exclusive[0].thing} is exclusive",
                    )
                )
        found = [exclusive]
    found.sort(key=lambda pv: _SCOPE_ORDER[pv[0].scope])  # stable: keeps the ranking
    return found


_SCOPE_ORDER = {PromotionScope.LINE: 0, PromotionScope.ORDER: 1, PromotionScope.SHIPPING: 2}


def _apply_promotions(
    chosen: list[tuple[Promotion, Voucher | None]],
    work: list[_Line],
    shipping: Decimal,
    *,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> Decimal:
    """Apply the chosen promotions in turn; returns what they took off ``shipping``."""
    shipping_left = shipping
    shipping_off = _ZERO
    for promotion, voucher in chosen:
        if promotion.scope is not _SHIPPING:
            _apply_promotion(
                promotion, voucher, work, rounding=rounding, currency=currency, record=record
            )
            continue
        reason = _not_applied(promotion, work, work) if promotion.min_spend is not None else ""
        if reason:
            _refuse_or_note(promotion, voucher, reason, record)
            continue
        off = _shipping_discount(promotion, shipping_left, rounding)
        if not off:
            continue
        shipping_left -= off
        shipping_off += off
        if record is not None:
            record.add(
                _new_step(
                    line_id="",
                    kind=TraceKind.SHIPPING,
                    source=_label(promotion, voucher),
                    amount=_money(off, currency),
                    detail=f"{promotion.kind.value} off the shipping charge, "
                    f"funded by {promotion.funded_by.value}",
                )
            )
    return shipping_off


def _shipping_discount(promotion: Promotion, left: Decimal, rounding: _Rounder) -> Decimal:
    if promotion.kind is PromotionKind.FREE_SHIPPING:
        off = left
    elif promotion.kind is PromotionKind.SHIPPING_PERCENT:
        off = rounding(left * promotion.percent / _HUNDRED)
    else:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        off = rounding(promotion.amount.amount)
    if promotion.max_discount is not None:
        off = min(off, promotion.max_discount.amount)
    return min(off, left)


def _line_parts(promotion: Promotion, eligible: list[_Line], rounding: _Rounder) -> list[Decimal]:
    """What a line promotion takes off each eligible line, before caps."""
    kind = promotion.kind
    if kind is PromotionKind.LINE_PERCENT:
        percent = promotion.percent
        return [rounding.off(line.left, line.left * percent / _HUNDRED) for line in eligible]
    if kind is PromotionKind.LINE_FIXED:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        return [min(rounding(promotion.amount.amount), line.left) for line in eligible]
    if kind is PromotionKind.BUY_X_GET_Y:
        group = promotion.buy_quantity + promotion.get_quantity
        return [
            min(
                rounding(
                    line.unit.amount * (line.source.quantity // group) * promotion.get_quantity
                ),
                line.left,
            )
            for line in eligible
        ]
    # A bundle: one unit of each member SKU for the bundle price, as many times as the
    # scarcest member allows.
    assert promotion.amount is not None  # noqa: S101 - validated by Promotion
    members: dict[str, _Line] = {}
    for line in eligible:
        members.setdefault(line.source.sku, line)
    if len(members) < len(set(promotion.skus)):
        return [_ZERO] * len(eligible)
    bundles = int(min(line.source.quantity for line in members.values()))  # whole bundles
    normal = sum((line.unit.amount for line in members.values()), _ZERO) * bundles
    total = rounding(normal - promotion.amount.amount * bundles)
    left = sum((line.left for line in members.values()), _ZERO)
    total = min(max(total, _ZERO), left)
    parts = [_ZERO] * len(eligible)
    if total:
        weights = [line.left for line in members.values()]
        shares = apportion(_money(total, promotion.amount.currency), weights)
        index = {id(line): i for i, line in enumerate(eligible)}
        for line, share in zip(members.values(), shares, strict=True):
            parts[index[id(line)]] = share.amount
    return parts


def _not_applied(promotion: Promotion, eligible: list[_Line], work: list[_Line]) -> str:
    """Why ``promotion`` does not apply to the order, or "" when it does."""
    if not eligible:
        return "no eligible line"
    if promotion.min_spend is not None:
        # Minimum spend is measured on list amounts, before any discount, so that one
        # discount can never switch another one off (adding a discount never raises what
        # the buyer pays).
        spend = sum((line.list_amount for line in work), _ZERO)
        if spend < promotion.min_spend.amount:
            return f"spend {spend} is below the minimum {promotion.min_spend.amount}"
    return ""


def _refuse_or_note(
    promotion: Promotion, voucher: Voucher | None, reason: str, record: _Recorder | None
) -> None:
    """A promotion that does not apply: refused when a voucher asked for it, else noted."""
    if voucher is not None:
        raise VoucherNotApplicable(f"voucher {voucher.code!r} does not apply: {reason}")
    if record is not None:
        record.add(
            _new_step(
                line_id="",
                kind=TraceKind.NOTE,
                source=promotion.code,
                amount=None,
                detail=f"not applied: {reason}",
            )
        )


def _take_parts(eligible: list[_Line], parts: list[Decimal], funder: Funder) -> list[Decimal]:
    """:func:`_take` each part off its line (inlined); returns what each line gave."""
    platform = funder is _PLATFORM
    given: list[Decimal] = []
    for line, part in zip(eligible, parts, strict=True):
        left = line.left
        taken = left if left < part else part  # min(part, left), without the builtin's call
        line.left = left - taken
        line.discount += taken
        if platform:
            line.platform += taken
        given.append(taken)
    return given


def _capped_note(record: _Recorder, label: str, at: str, excess: Decimal, currency: str) -> None:
    """Record that a promotion gave less than it says: capped at ``at``, ``excess`` less."""
    record.add(
        _new_step(
            line_id="",
            kind=TraceKind.NOTE,
            source=label,
            amount=_money(excess, currency),
            detail=f"capped at {at}: {excess} less than the promotion gives",
        )
    )


def _order_parts(  # noqa: PLR0917 - _apply_promotion's figures, in its order
    promotion: Promotion,
    eligible: list[_Line],
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
    voucher: Voucher | None,
) -> list[Decimal]:
    """An order promotion's total, spread over the eligible lines by what each has left.

    A fixed amount more than the eligible lines have left is capped at it (a promotion
    may be worth more than a small order); the trace notes the cap and by how much.
    """
    weights = [line.left for line in eligible]
    left = sum(weights, _ZERO)
    if promotion.kind is _ORDER_PERCENT:
        total = rounding.off(left, left * promotion.percent / _HUNDRED)
    else:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        asked = rounding(promotion.amount.amount)
        total = min(asked, left)
        if record is not None and asked > left:
            label = _label(promotion, voucher)
            _capped_note(record, label, f"the order's value {left}", asked - left, currency)
    return _split(total, weights, rounding, currency)


def _take_percent(promotion: Promotion, eligible: list[_Line], rounding: _Rounder) -> list[Decimal]:
    """A percent off each line, uncapped: _line_parts and _take_parts in one pass."""
    quantum, mode = rounding.quantum, rounding.mode
    # x * p / 100 == x * (p / 100) digit for digit: dividing by 100 only moves the exponent.
    factor = promotion.percent / _HUNDRED
    platform = promotion.funded_by is _PLATFORM
    subtotal = rounding.round_subtotal
    given: list[Decimal] = []
    for line in eligible:
        left = line.left
        exact = left * factor
        if subtotal:  # DiscountRounding.SUBTOTAL: the rest is rounded, the discount is what goes
            taken = left - (left - exact).quantize(quantum, mode)
        else:
            taken = exact.quantize(quantum, mode)
        taken = left if left < taken else taken  # min(taken, left), without the builtin's call
        line.left = left - taken
        line.discount += taken
        if platform:
            line.platform += taken
        given.append(taken)
    return given


def _eligible(promotion: Promotion, work: list[_Line]) -> list[_Line]:
    """The lines ``promotion`` may take something off."""
    if promotion.kind is _BUNDLE_PRICE:
        # A bundle is made of what was bought: a line an earlier discount made free still
        # counts as a member (what the bundle takes off is capped by what is left).
        return [line for line in work if promotion.covers(line.source.sku)]
    if promotion.skus:
        return [line for line in work if promotion.covers(line.source.sku) and line.left]
    return [line for line in work if line.left]


def _apply_promotion(
    promotion: Promotion,
    voucher: Voucher | None,
    work: list[_Line],
    *,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> None:
    eligible = _eligible(promotion, work)
    reason = _not_applied(promotion, eligible, work)
    if reason:
        _refuse_or_note(promotion, voucher, reason, record)
        return
    cap = promotion.max_discount
    if cap is None and promotion.kind is _LINE_PERCENT:
        given = _take_percent(promotion, eligible, rounding)
    else:
        if promotion.scope is _ORDER:
            parts = _order_parts(promotion, eligible, rounding, currency, record, voucher)
        else:
            parts = _line_parts(promotion, eligible, rounding)
        asked = sum(parts, _ZERO)
        if cap is not None and asked > cap.amount and any(parts):
            capped = rounding(cap.amount)
            parts = _split(capped, parts, rounding, currency)
            if record is not None:
                label = _label(promotion, voucher)
                _capped_note(record, label, f"max_discount {capped}", asked - capped, currency)
        given = _take_parts(eligible, parts, promotion.funded_by)
    if record is not None:
        # The label now: a voucher is mutable (its uses), its promotion is not.
        label = _label(promotion, voucher)
        record.later(_discount_trace, promotion, label, eligible, given, currency)
