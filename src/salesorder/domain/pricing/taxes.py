"""Taxes: each tax of a line or of a group of lines, the tax records and the summary per rate.

Private to :mod:`salesorder.domain.pricing` (the rules are in its docstring). Tax excluded,
each tax is rounded on its own base (the net, plus the taxes before it when compound); tax
included, the net is the gross divided by the line's multiplier and the tax is apportioned
over the line's taxes by their shares. Per line, each line is computed on its own; per
document, each group of lines with the same taxes once, on the group's sum, apportioned
back over its lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from salesorder.domain.pricing._speed import _money, _new_line_tax, _new_step, _split
from salesorder.domain.pricing._work import _ZERO, _Line, _Rounder, _Taxes
from salesorder.domain.pricing.model import LineTax, PricedLine, TaxSummary, TraceKind
from salesorder.domain.pricing.trace import _Recorder
from salesorder.domain.tax import TaxMode, TaxRate
from salesorder.money import Money


def _each_tax(
    taxes: _Taxes, amount: Decimal, mode: TaxMode, rounding: _Rounder, currency: str
) -> list[Decimal]:
    """Each tax of ``amount`` (net when excluded, gross when included), rounded."""
    rates = taxes.rates
    if not rates:
        return []
    if mode is TaxMode.EXCLUDED:
        amounts: list[Decimal] = []
        before = _ZERO
        for rate, effective in zip(rates, taxes.effective, strict=True):
            base = amount + before if rate.compound else amount
            tax = rounding(base * effective)
            amounts.append(tax)
            before += tax
        return amounts
    total = amount - rounding(amount / taxes.multiplier)
    if len(rates) == 1:
        return [total]
    if not total or not any(taxes.shares):
        return [_ZERO] * len(rates)
    return _split(total, taxes.shares, rounding, currency)


def _line_taxes(work: list[_Line], tax_mode: TaxMode, rounding: _Rounder, currency: str) -> None:
    """Per line: each line's taxes on its own amount, rounded."""
    excluded = tax_mode is TaxMode.EXCLUDED
    quantum, mode = rounding.quantum, rounding.mode
    for line in work:
        single = line.taxes.single
        if excluded and single is not None:  # _each_tax for one simple tax, inlined
            line.tax = [(line.left * single).quantize(quantum, mode)]
        else:
            line.tax = _each_tax(line.taxes, line.left, tax_mode, rounding, currency)


def _document_taxes(
    work: list[_Line],
    tax_mode: TaxMode,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> None:
    """Per document: each group of lines with the same taxes computed once, apportioned."""
    # By value: rates equal but written apart ("0.1", "0.10") are one group.
    groups: dict[tuple[TaxRate, ...], list[_Line]] = {}
    for line in work:
        groups.setdefault(line.taxes.rates, []).append(line)
    for group in groups.values():
        taxes = group[0].taxes
        count = len(taxes.rates)
        for line in group:
            line.tax = [_ZERO] * count
        subtotal = sum((line.left for line in group), _ZERO)
        if not subtotal or not count:
            continue
        weights = [line.left for line in group]
        for position, tax in enumerate(_each_tax(taxes, subtotal, tax_mode, rounding, currency)):
            if not tax:
                continue
            for line, part in zip(group, _split(tax, weights, rounding, currency), strict=True):
                line.tax[position] = part
            if record is not None:
                record.add(
                    _new_step(
                        line_id="",
                        kind=TraceKind.TAX,
                        source=taxes.rates[position].code,
                        amount=_money(tax, currency),
                        detail=f"per document on {subtotal} ({tax_mode.value}), apportioned over "
                        f"{len(group)} lines",
                    )
                )


def _line_tax_records(
    line: _Line, net: Decimal, net_m: Money, tax: Decimal, tax_m: Money
) -> tuple[LineTax, ...]:
    """Each tax of a line on its base (the net, plus earlier taxes for a compound one)."""
    taxes = line.taxes
    currency = net_m.currency
    records: list[LineTax] = []
    before = _ZERO
    for index, rate in enumerate(taxes.rates):
        amount = line.tax[index]
        if rate.compound:
            base = net + before
            base_m = _money(base, currency)
        else:
            base, base_m = net, net_m
        amount_m = tax_m if not amount.compare_total(tax) else _money(amount, currency)
        records.append(
            _new_line_tax(
                tax_code=rate.code,
                tax_rate=rate.rate,
                effective_rate=taxes.effective[index],
                base=base_m,
                amount=amount_m,
                compound=rate.compound,
                treatment=rate.treatment,
            )
        )
        before += amount
    return tuple(records)


def _tax_summary(
    work: list[_Line], priced: list[PricedLine], *, net: Decimal, tax: Decimal, currency: str
) -> tuple[TaxSummary, ...]:
    """The tax summary per rate; ``net`` and ``tax`` are the document's."""
    shared = work[0].taxes if work else None
    if shared is None or shared.single is None or any(line.taxes is not shared for line in work):
        return _summarise(priced, currency)
    # Every line carries the same one simple tax: each line's base is its net and its tax
    # that one tax, so the summary's base and tax are the document's net and tax (summed
    # from the same figures in the same order), with no second pass over the lines.
    rate = shared.rates[0]
    return (
        TaxSummary(
            tax_code=rate.code,
            tax_rate=rate.rate,
            effective_rate=shared.single,
            base=_money(net, currency),
            tax=_money(tax, currency),
            treatment=rate.treatment,
        ),
    )


def _summarise(priced: Sequence[PricedLine], currency: str) -> tuple[TaxSummary, ...]:
    # Per tax code (in order of first appearance): its first LineTax, and the sums of the
    # bases and taxes, added in line order from 0 exactly as sum() would.
    first: dict[str, LineTax] = {}
    bases: dict[str, Decimal] = {}
    amounts: dict[str, Decimal] = {}
    for line in priced:
        for tax in line.taxes:
            key = tax.tax_code
            if key in first:
                bases[key] += tax.base.amount
                amounts[key] += tax.amount.amount
            else:
                first[key] = tax
                bases[key] = _ZERO + tax.base.amount
                amounts[key] = _ZERO + tax.amount.amount
    summaries = [
        TaxSummary(
            tax_code=key,
            tax_rate=tax.tax_rate,
            effective_rate=tax.effective_rate,
            base=_money(bases[key], currency),
            tax=_money(amounts[key], currency),
            treatment=tax.treatment,
        )
        for key, tax in first.items()
    ]
    return tuple(summaries)
