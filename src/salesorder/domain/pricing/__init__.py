"""Pricing an order: list prices, discounts and promotions, taxes, exact totals, a trace.

:func:`price_order` is the engine; :func:`price_lines` is the same engine without price
lists, promotions and vouchers. The rules, in order, for every line:

1. **List price.** A price given on the order line wins; otherwise the price list chosen by
   :func:`salesorder.domain.pricelists.choose_price` (most specific scope, then priority;
   a tie is an error); otherwise the catalog price. A list whose tax mode differs from the
   order's is converted exactly with the line's tax multiplier. List amount = unit price x
   quantity, rounded to the currency's minor units.
2. **Discounts**, each on what the previous ones left, so no line goes below zero:
   the order line's own discount (percent or fixed, capped at the line); then the
   promotions and vouchers, ranked by priority (higher first) then code, an exclusive one
   alone: line promotions, then order promotions (spread over the eligible lines with
   :func:`~salesorder.money.apportion`, weights = what each line has left), then shipping
   promotions. ``max_discount`` caps a promotion's total (apportioned back over its parts).
3. The discounted amount is the line's net (tax excluded) or gross (tax included).
4. **Tax.** A line may carry several taxes, applied in order; a compound tax is computed on
   the net plus the taxes before it. Tax excluded: each tax is rounded on its own base.
   Tax included: net = gross / (1 + the line's total rate), rounded, and the tax (gross -
   net) is apportioned over the line's taxes by their shares. Per line, each line is
   rounded on its own; per document, each group of lines with the same taxes is computed
   once on the group's sum and apportioned back over its lines (largest remainder).

Invariants, on every line and on the document: ``net + tax == gross``; document totals are
the exact sums of the lines; the tax summary per rate adds up to the document tax; the
discount parts add up to each promotion's total. Every step is recorded in
:class:`PricingTrace` (``str(priced.trace)`` prints it for a person). The run keeps the
figures behind each step and words them on the first read of ``priced.trace.steps``, so
pricing pays little for a trace nobody reads; the steps are the same either way.

Import from this package; its modules are how it is built, one concern each: ``model``
the values pricing takes and gives, ``engine`` the steps in their order, ``offers`` the
discounts, promotions and vouchers, ``taxes`` the taxes and the tax summary, ``trace`` the
trace, worded on first read.
"""

from salesorder.domain.pricing.engine import price_lines, price_order
from salesorder.domain.pricing.model import (
    Discount,
    DiscountKind,
    LineTax,
    LineToPrice,
    PricedLine,
    PricedOrder,
    PricingTrace,
    TaxSummary,
    TraceKind,
    TraceStep,
)
from salesorder.domain.tax import TaxMode

__all__ = [
    "Discount",
    "DiscountKind",
    "LineTax",
    "LineToPrice",
    "PricedLine",
    "PricedOrder",
    "PricingTrace",
    "TaxMode",
    "TaxSummary",
    "TraceKind",
    "TraceStep",
    "price_lines",
    "price_order",
]
