"""The engine: :func:`price_order` and :func:`price_lines`, one step after another.

The rules and their order are in :mod:`salesorder.domain.pricing`. After Saleor's
``base_calculations``, this module only orchestrates: list prices (here), discounts and
promotions (:mod:`~salesorder.domain.pricing.offers`), taxes
(:mod:`~salesorder.domain.pricing.taxes`), then each line's result and the document
totals (here); the trace of every step is recorded as it goes
(:mod:`~salesorder.domain.pricing.trace`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from salesorder.domain.pricelists import PriceList, PricingContext, choose_price
from salesorder.domain.pricing._results import _deferred_lines, _deferred_order
from salesorder.domain.pricing._speed import _money
from salesorder.domain.pricing._work import (
    _EXCLUDED,
    _INCLUDED,
    _ZERO,
    _Figures,
    _Line,
    _Listed,
    _Rounder,
    _rounder,
    _Taxes,
    _taxes_of,
)
from salesorder.domain.pricing.kinds import _special_group, _special_line, _special_totals
from salesorder.domain.pricing.model import (
    Discount,
    LineToPrice,
    PricedOrder,
)
from salesorder.domain.pricing.offers import (
    _apply_promotions,
    _check_order_discount,
    _choose_promotions,
    _manual_discounts,
    _order_discount,
)
from salesorder.domain.pricing.taxes import (
    _document_taxes,
    _groups,
    _line_taxes,
)
from salesorder.domain.pricing.trace import (
    _NO_TRACE,
    _DeferredTrace,
    _finish_trace,
    _price_trace,
    _Recorder,
)
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.tax import TaxMode
from salesorder.exceptions import AmountOutOfRange, CurrencyMismatch, TooManyDigits, ValidationError
from salesorder.money import MAX_AMOUNT, Money, RoundingPlace, RoundingPolicy, decimal_isolated

__all__ = ["price_lines", "price_order"]


def price_lines(
    lines: Sequence[LineToPrice],
    *,
    currency: str,
    tax_mode: TaxMode,
    policy: RoundingPolicy,
) -> PricedOrder:
    """Price ``lines`` at their own unit prices; :func:`price_order` without lists or promotions.

    Raises:
        CurrencyMismatch: a unit price, cost or fixed discount is in another currency.
    """
    return price_order(lines, currency=currency, tax_mode=tax_mode, policy=policy)


@decimal_isolated
def price_order(
    lines: Sequence[LineToPrice],
    *,
    currency: str,
    tax_mode: TaxMode,
    policy: RoundingPolicy,
    context: PricingContext | None = None,
    price_lists: Sequence[PriceList] = (),
    promotions: Sequence[Promotion] = (),
    vouchers: Sequence[Voucher] = (),
    shipping: Money | None = None,
    trace: bool = True,
    order_discount: Discount | None = None,
) -> PricedOrder:
    """Price an order; see :mod:`salesorder.domain.pricing` for the rules and their order.

    Args:
        lines: the order's lines (``sku`` set for price lists and promotions to find them).
        currency: the order's currency; every list, promotion and amount must be in it.
        tax_mode: whether the order's prices include tax.
        policy: rounding mode and place.
        context: date, channel, customer and group (needed with lists, promotions, vouchers).
        price_lists: candidate price lists.
        promotions: automatic promotions (those with ``automatic=False`` are skipped).
        vouchers: vouchers the buyer gave; each must apply, or pricing fails.
        shipping: the shipping charge before shipping promotions.
        trace: record the trace (on by default; off only for bulk what-if runs).
        order_discount: a discount the caller gives on the whole order (not a promotion),
            a percentage or a fixed amount, taken after the lines' own discounts and
            before promotions, spread over the lines by what each has left.

    Raises:
        CurrencyMismatch: an amount is in another currency than the order
            (``PriceListCurrencyMismatch`` for the chosen price list).
        DiscountExceedsOrder: ``order_discount`` is a fixed amount more than the order
            comes to after its lines' own discounts (a promotion is capped instead).
        PriceListConflict: two price lists tie for a line.
        VoucherExpired: a voucher is outside its validity window.
        VoucherNotApplicable: the order does not meet a voucher's conditions.
        TooManyDigits: ``policy.digits`` is set (a shop's money policy) and a stated unit
            price (the line's, or the chosen price list's) has more decimal places.
        AmountOutOfRange: a line or the order comes to 10**14 or more
            (:data:`~salesorder.numbers.MAX_AMOUNT`).
        ValidationError: ``policy.digits`` is more than the currency's minor units.

    Runs under the library's decimal context, whatever the caller's.
    """
    rounding = _rounder(currency, policy)
    record = _Recorder() if trace else None
    if context is None:
        if price_lists or promotions or vouchers:
            raise ValidationError("price lists, promotions and vouchers need a pricing context")
        context = _NO_CONTEXT
    if order_discount is not None:
        _check_order_discount(order_discount, currency)
    work = _list_prices(
        lines, currency, tax_mode, context=context, price_lists=price_lists, rounding=rounding
    )
    if record is not None:
        record.later(_price_trace, work, tax_mode)
    _manual_discounts(work, rounding, currency, record)
    if order_discount is not None:
        _order_discount(order_discount, work, rounding, currency, context.order_id, record)
    if shipping is not None and shipping.currency != currency:
        raise CurrencyMismatch(currency, shipping.currency, "the shipping fee", against="the order")
    shipping_off = _apply_promotions(
        _choose_promotions(promotions, vouchers, context, currency, record),
        work,
        _ZERO if shipping is None else shipping.amount,
        rounding=rounding,
        currency=currency,
        record=record,
    )
    special = _tax_lines(work, tax_mode, policy.place, rounding, currency, record)
    figures: list[_Figures] = []
    # The document totals, summed on Decimals in line order (exact), wrapped once.
    list_amount = discount = net = tax = gross = cost = platform = difference = withheld = _ZERO
    for line in work:
        done = _figures(line, tax_mode, rounding, currency)
        figures.append(done)
        _, _, line_net, line_tax, line_gross, line_withheld, line_cost, _ = done
        list_amount += line.list_amount
        discount += line.discount
        net += line_net
        tax += line_tax
        gross += line_gross
        if line_cost is not None:
            cost += line_cost
        platform += line.platform
        if line.difference is not _ZERO:
            difference += line.difference
        if line_withheld:
            withheld += line_withheld
    _within_limits(work, list_amount, gross)
    priced_lines = _deferred_lines(figures)
    if record is not None:
        record.later(_finish_trace, figures, tax_mode)
        record.add(rounding.policy_step)  # the rounding conventions, stated last
    sums = (list_amount, discount, net, tax, gross, cost, platform, difference, withheld)
    return _deferred_order(
        (
            currency,
            tax_mode,
            policy,
            priced_lines,
            work,
            sums,
            shipping,
            shipping_off,
            tuple([voucher.code for voucher in vouchers]),  # now: a voucher is mutable
            _NO_TRACE if record is None else _DeferredTrace(record),
            special,
        )
    )


def _tax_lines(  # noqa: PLR0917 - private, the figures price_order already has
    work: list[_Line],
    tax_mode: TaxMode,
    place: RoundingPlace,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> bool:
    """Tax every line where the policy rounds; True when a line has special taxes.

    Special: fixed, withholding, or in and out of the price on one line (priced by
    :mod:`~salesorder.domain.pricing.kinds`).
    """
    special = [line for line in work if line.taxes.special]
    for line in special:
        for rate in line.taxes.rates:
            if rate.amount is not None and rate.amount.currency != currency:
                what = f"fixed tax {rate.code!r} of line {line.source.line_id!r}"
                raise CurrencyMismatch(currency, rate.amount.currency, what, against="the order")
    regular = [line for line in work if not line.taxes.special] if special else work
    if place is RoundingPlace.PER_LINE:
        _line_taxes(regular, tax_mode, rounding, currency)
        for line in special:
            _special_line(line, tax_mode, rounding, currency)
    else:
        _document_taxes(regular, tax_mode, rounding, currency, record)
        for group in _groups(special).values():
            _special_group(group, tax_mode, rounding, currency)
    return bool(special)


def _within_limits(work: Sequence[_Line], list_amount: Decimal, gross: Decimal) -> None:
    """Refuse an order whose amounts salesorder cannot carry (``MAX_AMOUNT``)."""
    for line in work:
        if abs(line.list_amount) >= MAX_AMOUNT:
            raise AmountOutOfRange(f"line {line.source.line_id!r} list amount", line.list_amount)
    for what, value in (("order list amount", list_amount), ("order gross", gross)):
        if abs(value) >= MAX_AMOUNT:
            raise AmountOutOfRange(what, value)


#: Pricing without lists, promotions or vouchers looks at no date, channel or customer.
_NO_CONTEXT = PricingContext(on=dt.date(2000, 1, 1))


def _stated(unit: Money, digits: int, line_id: str) -> None:
    """Refuse a stated price with more digits than the shop's money policy charges."""
    if not unit.is_rounded(digits):
        raise TooManyDigits(unit, digits, what=f"line {line_id!r} unit price")


def _list_prices(
    lines: Sequence[LineToPrice],
    currency: str,
    tax_mode: TaxMode,
    *,
    context: PricingContext,
    price_lists: Sequence[PriceList],
    rounding: _Rounder,
) -> list[_Line]:
    by_identity: dict[int, _Taxes] = {}
    work: list[_Line] = []
    # Which lists apply depends on the context only: decided once, not once per line.
    applicable = [price_list for price_list in price_lists if price_list.applies(context)]
    # One applicable list in the order's currency (the usual case) needs no ranking.
    only = applicable[0] if len(applicable) == 1 and applicable[0].currency == currency else None
    quantum, mode, strict = rounding.quantum, rounding.mode, rounding.strict
    look_up = bool(price_lists)
    append = work.append
    for line in lines:
        unit = line.unit_price
        if unit.currency != currency:
            raise CurrencyMismatch(
                currency, unit.currency, f"line {line.line_id!r} unit price", against="the order"
            )
        cost = line.unit_cost
        if cost is not None and cost.currency != currency:
            raise CurrencyMismatch(
                currency, cost.currency, f"line {line.line_id!r} unit cost", against="the order"
            )
        # Shared by equal rates from separate objects (see _taxes_of). The identity cache in
        # front, for this run only (the lines keep their rates alive, so no id is reused),
        # spares keying the rates again for every line that shares them: hashing a TaxRate
        # costs about what the rest of a line's list price does.
        same = id(line.taxes) if line.taxes else id(line.tax_rate)
        taxes = by_identity.get(same)
        if taxes is None:
            taxes = by_identity[same] = _taxes_of(line.rates)
        if strict:
            _stated(unit, rounding.digits, line.line_id)
        listed: _Listed = None  # None: no list looked at
        if look_up and not line.price_fixed:
            # What choose_price decides; the one list's reason is worded only if the trace
            # is read.
            list_mode: TaxMode | None = None
            if only is None:
                choice = choose_price(
                    applicable, line.sku, line.quantity, context, fallback=unit, currency=currency
                )
                listed, unit, list_mode = choice, choice.unit_price, choice.tax_mode
            else:
                entry = only.entry_for(line.sku, line.quantity)
                listed = () if entry is None else (only, entry)
                if entry is not None:
                    unit, list_mode = entry.unit_price, only.tax_mode
            if list_mode is not None:  # the price is a list's
                if strict:
                    _stated(unit, rounding.digits, line.line_id)
                if list_mode is not tax_mode:
                    factor = taxes.multiplier
                    amount = unit.amount / factor if tax_mode is _EXCLUDED else unit.amount * factor
                    unit = _money(amount, currency)
        exact = unit.amount * line.quantity
        append(_Line(line, taxes, unit, exact, exact.quantize(quantum, mode), listed))
    return work


def _figures(line: _Line, tax_mode: TaxMode, rounding: _Rounder, currency: str) -> _Figures:
    """A line's figures: its net, tax, gross, withheld, cost and revenue (see ``_Figures``)."""
    after = line.left
    taxes = line.taxes
    amounts = line.tax
    withheld: Decimal | None = None
    if taxes.special:
        tax, net, gross, withheld = _special_totals(line, tax_mode)
    else:
        tax = _ZERO + amounts[0] if len(amounts) == 1 else sum(amounts, _ZERO)  # sum() unrolled
        net, gross = (after, after + tax) if tax_mode is _EXCLUDED else (after - tax, after)
    if line.difference is not _ZERO:  # tax included, computed from the net: reported apart
        net -= line.difference
    source = line.source
    cost = None if source.unit_cost is None else rounding(source.unit_cost.amount * source.quantity)
    revenue: Decimal | None = None
    platform = line.platform
    if platform is not _ZERO:  # a platform-funded discount is the seller's revenue too
        if tax_mode is _INCLUDED:
            platform = rounding(platform / taxes.multiplier)
        revenue = net + platform
    return line, currency, net, tax, gross, withheld, cost, revenue
