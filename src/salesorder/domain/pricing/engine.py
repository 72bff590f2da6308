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
from salesorder.domain.pricing._speed import _money, _new_line_tax, _new_priced_line
from salesorder.domain.pricing._work import (
    _ZERO,
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
    LineTax,
    LineToPrice,
    PricedLine,
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
    _line_tax_records,
    _line_taxes,
    _tax_summary,
)
from salesorder.domain.pricing.trace import (
    _NO_TRACE,
    _conventions_trace,
    _DeferredTrace,
    _finish_trace,
    _price_trace,
    _Recorder,
)
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.tax import TaxKind, TaxMode
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
        record.later(_price_trace, work, tax_mode, context)
    _manual_discounts(work, rounding, currency, record)
    if order_discount is not None:
        _order_discount(order_discount, work, rounding, currency, context.order_id, record)
    if shipping is not None and shipping.currency != currency:
        raise CurrencyMismatch(currency, shipping.currency, "shipping")
    shipping_off = _apply_promotions(
        _choose_promotions(promotions, vouchers, context, currency, record),
        work,
        _ZERO if shipping is None else shipping.amount,
        rounding=rounding,
        currency=currency,
        record=record,
    )
    special = _tax_lines(work, tax_mode, policy.place, rounding, currency, record)
    zero = _money(_ZERO, currency)
    priced: list[PricedLine] = []
    # The document totals, summed on Decimals in line order (exact), wrapped once.
    list_amount = discount = net = tax = gross = cost = platform = difference = withheld = _ZERO
    for line in work:
        done = _finish(line, tax_mode, rounding, currency, zero)
        priced.append(done)
        list_amount += line.list_amount
        discount += line.discount
        net += done.net.amount
        tax += done.tax.amount
        gross += done.gross.amount
        cost += done.cost.amount
        platform += line.platform
        if line.difference is not _ZERO:
            difference += line.difference
        if done.withheld is not None:
            withheld += done.withheld.amount
    priced_lines = tuple(priced)
    _within_limits(work, list_amount, gross)
    if record is not None:
        record.later(_finish_trace, work, priced_lines, tax_mode)
        record.later(_conventions_trace, policy)
    return PricedOrder(
        currency=currency,
        tax_mode=tax_mode,
        policy=policy,
        lines=priced_lines,
        tax_summary=_tax_summary(work, priced, net=net, tax=tax, currency=currency),
        list_amount=_money(list_amount, currency),
        discount=_money(discount, currency),
        net=_money(net, currency),
        tax=_money(tax, currency),
        gross=_money(gross, currency),
        cost=_money(cost, currency),
        shipping=shipping,
        shipping_discount=None if shipping is None else _money(shipping_off, currency),
        platform_discount=_money(platform, currency),
        vouchers=tuple(voucher.code for voucher in vouchers),
        trace=_NO_TRACE if record is None else _DeferredTrace(record),
        rounding_difference=zero if difference is _ZERO else _money(difference, currency),
        withheld=_money(withheld, currency) if special and withheld else None,
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
                what = f"price fixed tax {rate.code!r} of line {line.source.line_id!r} in"
                raise CurrencyMismatch(currency, rate.amount.currency, what)
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
    quantum, mode = rounding.quantum, rounding.mode
    for line in lines:
        if line.unit_price.currency != currency:
            raise CurrencyMismatch(currency, line.unit_price.currency, "price")
        if line.unit_cost is not None and line.unit_cost.currency != currency:
            raise CurrencyMismatch(currency, line.unit_cost.currency, "cost")
        # Shared by equal rates from separate objects (see _taxes_of). The identity cache in
        # front, for this run only (the lines keep their rates alive, so no id is reused),
        # spares keying the rates again for every line that shares them: hashing a TaxRate
        # costs about what the rest of a line's list price does.
        same = id(line.taxes) if line.taxes else id(line.tax_rate)
        taxes = by_identity.get(same)
        if taxes is None:
            taxes = by_identity[same] = _taxes_of(line.rates)
        unit = line.unit_price
        if rounding.strict:
            _stated(unit, rounding.digits, line.line_id)
        listed: _Listed = None  # None: no list looked at
        if price_lists and not line.price_fixed:
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
                if rounding.strict:
                    _stated(unit, rounding.digits, line.line_id)
                if list_mode is not tax_mode:
                    factor = taxes.multiplier
                    amount = (
                        unit.amount / factor
                        if tax_mode is TaxMode.EXCLUDED
                        else unit.amount * factor
                    )
                    unit = _money(amount, currency)
        exact = unit.amount * line.quantity
        list_amount = exact.quantize(quantum, mode)
        work.append(_Line(line, taxes, unit, exact, list_amount, listed))
    return work


def _finish(
    line: _Line, tax_mode: TaxMode, rounding: _Rounder, currency: str, zero: Money
) -> PricedLine:
    # Money values are immutable, so one object may stand for several fields: equal
    # Decimals (same value, exponent and sign: compare_total is 0) share one Money, and
    # ``zero`` stands for every untouched zero. It spares most allocations per line.
    source = line.source
    after = line.left
    taxes = line.taxes
    rates = taxes.rates
    amounts = line.tax
    withheld: Decimal | None = None
    if taxes.special:
        tax, net, gross, withheld = _special_totals(line, tax_mode)
    else:
        tax = _ZERO + amounts[0] if len(amounts) == 1 else sum(amounts, _ZERO)  # sum() unrolled
        net, gross = (after, after + tax) if tax_mode is TaxMode.EXCLUDED else (after - tax, after)
    difference = line.difference
    if difference is not _ZERO:  # tax included, computed from the net: reported apart
        net -= difference
    list_m = _money(line.list_amount, currency)
    net_m = list_m if not net.compare_total(line.list_amount) else _money(net, currency)
    tax_m = _money(tax, currency)
    gross_m = list_m if not gross.compare_total(line.list_amount) else _money(gross, currency)
    one = taxes.one
    if one is not None:
        # One tax (the common case): its base is the net, its amount the line's tax; the
        # loop of _line_tax_records, unrolled.
        amount = amounts[0]
        legal = line.legal
        line_taxes: tuple[LineTax, ...] = (
            _new_line_tax(  # positional, in LineTax's field order
                one.code,  # tax_code
                one.rate,  # tax_rate
                taxes.effective[0],  # effective_rate
                net_m,  # base
                tax_m if not amount.compare_total(tax) else _money(amount, currency),  # amount
                False,  # compound
                one.treatment,  # treatment
                None if legal is None or legal[0] is None else _money(legal[0], currency),
                taxes.reasons[0],  # exemption_reason
                taxes.codes[0],  # exemption_code
                TaxKind.PERCENT,  # kind
            ),
        )
    else:
        line_taxes = _line_tax_records(line, net, net_m, tax, tax_m)
    if source.unit_cost is None:
        cost_m = zero
    else:
        cost_m = _money(rounding(source.unit_cost.amount * source.quantity), currency)
    platform = line.platform
    if platform is _ZERO:  # nothing platform-funded (the common case): revenue is the net
        platform_m = revenue_m = zero
    else:
        platform_m = _money(platform, currency)
        if tax_mode is TaxMode.INCLUDED:
            platform = rounding(platform / taxes.multiplier)
        revenue = net + platform
        revenue_m = net_m if not revenue.compare_total(net) else _money(revenue, currency)
    first = rates[0] if rates else None
    # Positional, in PricedLine's field order (once per line: keywords cost twice as much).
    return _new_priced_line(
        source.line_id,  # line_id
        source.quantity,  # quantity
        line.unit,  # unit_price
        list_m,  # list_amount
        zero if line.discount is _ZERO else _money(line.discount, currency),  # discount
        net_m,  # net
        tax_m,  # tax
        gross_m,  # gross
        "" if first is None else first.code,  # tax_code
        _ZERO if first is None else first.rate,  # tax_rate
        cost_m,  # cost
        source.sku,  # sku
        line_taxes,  # taxes
        platform_m,  # platform_discount
        net_m if revenue_m is zero else revenue_m,  # seller_revenue
        zero if difference is _ZERO else _money(difference, currency),  # rounding_difference
        None if not withheld else _money(withheld, currency),  # withheld
    )
