"""Pricing an order: list prices, discounts and promotions, taxes, exact totals, a trace.

:func:`price_order` is the engine; :func:`price_lines` is the same engine without price
lists, promotions and vouchers. The rules, in order, for every line:

1. **List price.** A price given on the order line wins; otherwise the price list chosen by
   :func:`salesorder.domain.pricelists.choose_price` (most specific scope, then priority;
   a tie is an error); otherwise the catalog price. A list whose tax mode differs from the
   order's is converted exactly with the line's tax multiplier. List amount = unit price x
   quantity, rounded to the currency's minor units.
2. **Discounts**, each on what the previous ones left, so no line goes below zero:
   the order line's own discount (percent or fixed, capped at the line); then the caller's
   ``order_discount`` on the whole order (percent or fixed, spread over the lines by what
   each has left; a fixed amount more than the order is refused with
   :class:`~salesorder.exceptions.DiscountExceedsOrder`); then the promotions and
   vouchers, ranked by priority (higher first) then code, an exclusive one alone: line
   promotions, then order promotions (spread over the eligible lines with
   :func:`~salesorder.money.apportion`, weights = what each line has left), then shipping
   promotions. ``max_discount`` caps a promotion's total (apportioned back over its parts),
   and a fixed order promotion worth more than the order is capped at the order's value;
   each cap is a ``NOTE`` step of the trace saying by how much.
3. The discounted amount is the line's net (tax excluded) or gross (tax included).
4. **Tax.** A line may carry several taxes, applied in order; a compound tax is computed on
   the net plus the taxes before it. Tax excluded: each tax is rounded on its own base; a
   rate on a reduced base (Indonesia's PPN 12% on DPP = 11/12 of the price) rounds the
   legal base first, then taxes it (``ReducedBase.ROUNDED_BASE``, the regulation's way and
   the default; ``ReducedBase.EFFECTIVE_RATE`` for the flat 11%), and the legal base is
   reported (``legal_base``). Tax included: net = gross / (1 + the line's total rate),
   rounded; by default the tax is gross - net, apportioned over the line's taxes by their
   shares (``IncludedTax.BALANCES_GROSS``); a rate with ``IncludedTax.FROM_NET`` computes
   its tax on that net as if excluded, and gross - net - tax is the line's
   ``rounding_difference``, reported (a ``ROUNDING`` step) and still paid.
   Per line, each line is rounded on its own. Per document, tax excluded, each rate that is
   not compound is computed once on the sum of its own base over every line carrying it,
   whatever other taxes those lines carry, and apportioned back over them (largest
   remainder): for each (code, rate) the document's tax is round(rate x sum of bases), as
   EN 16931's BR-CO-17 wants. Compound taxes, and every tax when included, are computed
   once per group of lines with the same taxes (their base depends on the line's other
   taxes), on the group's sum, and apportioned back. Weights of either sign (a refund or
   a discount line) are split by largest remainder over their signed shares; lines whose
   amounts cancel out keep their own taxes. Identical taxes on a line (CGST and SGST) are
   always equal: a unit they cannot share equally stays in the net.
5. **Other kinds of tax** (:class:`~salesorder.domain.tax.TaxKind`): a fixed tax is its
   amount per unit (or per line); a withholding tax is a negative rate of the net, reported
   as ``withheld`` and never in the tax or the gross; ``TaxRate.affects`` names the later
   taxes whose base holds a tax; ``TaxRate.included`` puts a tax in the price or on top
   whatever the document's mode. A line with any of these is priced by ``kinds`` (per
   document: per group of lines with the same taxes, on the group's sum).
6. **Conventions.** Where two readings of a rule differ by a minor unit, the policy names
   the one followed (``RoundingPolicy.included``, ``tax_split``, ``discount``; see
   docs/conformance.md), and the trace's last step (``TraceKind.POLICY``) states them.

Invariants, on every line and on the document: ``net + tax + rounding_difference ==
gross`` (the difference is zero unless a rate computes an included tax from the net);
document totals are the exact sums of the lines; the tax summary, one row per (code, rate),
adds up to the document tax once its withholding rows (``kind`` WITHHOLDING, whose sum is
``-withheld``) are left out; the discount parts add up to each promotion's total. Every
step is recorded in
:class:`PricingTrace` (``str(priced.trace)`` prints it for a person). The run keeps the
figures behind each step and words them on the first read of ``priced.trace.steps``, so
pricing pays little for a trace nobody reads; the steps are the same either way. The
same goes for the priced lines and the document totals: computed during the run (every
check and error happens there), wrapped in ``Money`` and records on the first read of a
field; they compare, hash, print, pickle and serialize as the plain values.

Import from this package; its modules are how it is built, one concern each: ``model``
the values pricing takes and gives, ``engine`` the steps in their order, ``offers`` the
discounts, promotions and vouchers, ``taxes`` the taxes and the tax summary, ``trace`` the
trace, worded on first read, ``_results`` the priced lines and order, built on first read,
``shipping`` the shipping charge of an order already priced
(:func:`price_shipping`: the shipping promotions by the same rules, the goods left alone).
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
from salesorder.domain.pricing.shipping import PricedShipping, price_shipping
from salesorder.domain.tax import IncludedTax, ReducedBase, TaxMode

__all__ = [
    "Discount",
    "DiscountKind",
    "IncludedTax",
    "LineTax",
    "LineToPrice",
    "PricedLine",
    "PricedOrder",
    "PricedShipping",
    "PricingTrace",
    "ReducedBase",
    "TaxMode",
    "TaxSummary",
    "TraceKind",
    "TraceStep",
    "price_lines",
    "price_order",
    "price_shipping",
]
