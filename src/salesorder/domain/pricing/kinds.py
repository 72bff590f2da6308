"""Lines with fixed or withholding taxes, or taxes in and out of the price on one line.

Private to :mod:`salesorder.domain.pricing`. A line whose taxes are all percentages that
follow the document's tax mode goes through :mod:`~salesorder.domain.pricing.taxes`; any
other goes through here, in four steps:

1. Fixed taxes are their amount per unit times the quantity (per line: the amount, with
   the line's sign), rounded.
2. The taxes inside the price (a tax with ``included=True``, or every tax but withholding
   when the document's prices include tax and the tax does not say otherwise): each is
   linear in the net (``a x net + b``: a percentage of the net plus the taxes its base
   holds, a fixed amount), so the exact net is (amount - sum b) / (1 + sum a). The net is
   rounded first, or the tax (the policy's :class:`~salesorder.money.IncludedRounding`),
   and the included percentages share what is left as any included taxes do
   (:func:`~salesorder.domain.pricing.taxes._share`).
3. The taxes outside the price, in order, each on the net plus the taxes its base holds
   (a reduced base rounded first as the rate says).
4. Withholding taxes are negative percentages of the net: outside the price and the
   gross, reported as what the buyer withholds.

Per document, the lines of one set of taxes are priced as one line on their sum (fixed
taxes summed from the lines), and each tax is apportioned back over them by their amounts;
a fixed tax stays on the line it belongs to.
"""

from __future__ import annotations

from decimal import Decimal

from salesorder.domain.pricing._speed import _split
from salesorder.domain.pricing._work import _ONE, _ZERO, _Line, _Rounder, _Taxes
from salesorder.domain.pricing.taxes import _Legal, _legal, _on_base, _share
from salesorder.domain.tax import TaxKind, TaxMode


def _inside(taxes: _Taxes, tax_mode: TaxMode) -> list[bool]:
    """Whether each tax is inside the price (withholding never is)."""
    default = tax_mode is TaxMode.INCLUDED
    return [
        rate.kind is not TaxKind.WITHHOLDING
        and (default if rate.included is None else rate.included)
        for rate in taxes.rates
    ]


def _fixed(line: _Line, rounding: _Rounder) -> list[Decimal | None]:
    """Each fixed tax of ``line`` (None for the others)."""
    quantity = line.source.quantity
    amounts: list[Decimal | None] = []
    for rate in line.taxes.rates:
        if rate.kind is not TaxKind.FIXED or rate.amount is None:
            amounts.append(None)
        elif rate.per_unit:
            amounts.append(rounding(rate.amount.amount * quantity))
        else:
            amounts.append(-rate.amount.amount if quantity < 0 else rate.amount.amount)
    return amounts


def _amounts(  # noqa: PLR0917 - private, the figures of one line or group
    taxes: _Taxes,
    amount: Decimal,
    fixed: list[Decimal | None],
    tax_mode: TaxMode,
    rounding: _Rounder,
    currency: str,
) -> tuple[list[Decimal], _Legal]:
    """Each tax of ``amount`` (the line's amount after discounts) and its legal base."""
    rates = taxes.rates
    inside = _inside(taxes, tax_mode)
    # Each tax as a x net + b, exactly.
    slope: list[Decimal] = []
    offset: list[Decimal] = []
    for index in range(len(rates)):
        given = fixed[index]
        if given is not None:
            slope.append(_ZERO)
            offset.append(given)
            continue
        sources = taxes.sources[index]
        effective = taxes.effective[index]
        slope.append(effective * (_ONE + sum((slope[i] for i in sources), _ZERO)))
        offset.append(effective * sum((offset[i] for i in sources), _ZERO))
    result: list[Decimal] = [_ZERO] * len(rates)
    held = [index for index, flag in enumerate(inside) if flag]
    net = amount
    if held:
        fixed_in = sum((offset[i] for i in held if fixed[i] is not None), _ZERO)
        shares = [i for i in held if fixed[i] is None]
        exact = (amount - sum((offset[i] for i in held), _ZERO)) / (
            _ONE + sum((slope[i] for i in held), _ZERO)
        )
        for index in held:
            if fixed[index] is not None:
                result[index] = offset[index]
        if shares:
            exact_tax = amount - fixed_in - exact
            pool = (
                rounding(exact_tax) if rounding.tax_first else amount - fixed_in - rounding(exact)
            )
            exact_parts = [slope[i] * exact + offset[i] for i in shares]
            parts = _share(taxes, shares, pool, exact_parts, rounding, currency) if pool else []
            for index, part in zip(shares, parts, strict=False):
                result[index] = part
        net = amount - sum((result[i] for i in held), _ZERO)
    legals: _Legal = [None] * len(rates)
    for index in range(len(rates)):
        base = net + sum((result[i] for i in taxes.sources[index]), _ZERO)
        factor = taxes.factors[index]
        if inside[index]:
            if factor is not None:
                legals[index] = _legal(factor, base, rounding)
            continue
        if fixed[index] is not None:
            result[index] = offset[index]
            continue
        result[index], legals[index] = _on_base(taxes, index, base, rounding)
    return result, legals


def _special_line(line: _Line, tax_mode: TaxMode, rounding: _Rounder, currency: str) -> None:
    """Per line: the taxes of one line with fixed, withholding or mixed taxes."""
    line.tax, legal = _amounts(
        line.taxes, line.left, _fixed(line, rounding), tax_mode, rounding, currency
    )
    line.legal = legal if any(factor is not None for factor in line.taxes.factors) else None


def _special_group(
    group: list[_Line], tax_mode: TaxMode, rounding: _Rounder, currency: str
) -> None:
    """Per document: a group of lines with the same such taxes, priced on its sum."""
    taxes = group[0].taxes
    weights = [line.left for line in group]
    subtotal = sum(weights, _ZERO)
    if not subtotal:
        # Amounts that cancel out: each line's own taxes, which cancel out too.
        for line in group:
            _special_line(line, tax_mode, rounding, currency)
        return
    each_fixed = [_fixed(line, rounding) for line in group]
    fixed: list[Decimal | None] = [
        None if first is None else sum((f[i] or _ZERO for f in each_fixed), _ZERO)
        for i, first in enumerate(each_fixed[0])
    ]
    amounts, legals = _amounts(taxes, subtotal, fixed, tax_mode, rounding, currency)
    reduced = any(factor is not None for factor in taxes.factors)
    for line, own in zip(group, each_fixed, strict=True):
        line.tax = [_ZERO if f is None else f for f in own]
        line.legal = [None] * len(own) if reduced else None
    spread = any(weights)
    for position, total in enumerate(amounts):
        if fixed[position] is not None or not total or not spread:
            continue
        for line, part in zip(group, _split(total, weights, rounding, currency), strict=True):
            line.tax[position] = part
    for position, legal in enumerate(legals):
        if legal is None or not spread:
            continue
        for line, part in zip(group, _split(legal, weights, rounding, currency), strict=True):
            line.legal[position] = part  # type: ignore[index] # set when a base is reduced


def _special_totals(line: _Line, tax_mode: TaxMode) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """A line's (tax, net, gross, withheld): tax without withholding, withheld positive."""
    after = line.left
    inside = _inside(line.taxes, tax_mode)
    tax = held = withheld = _ZERO
    for rate, amount, flag in zip(line.taxes.rates, line.tax, inside, strict=True):
        if rate.kind is TaxKind.WITHHOLDING:
            withheld -= amount
            continue
        tax += amount
        if flag:
            held += amount
    net = after - held
    return tax, net, net + tax, withheld
