"""Taxes: each tax of a line or of a set of lines, the tax records and the summary per rate.

Private to :mod:`salesorder.domain.pricing` (the rules are in its docstring). Tax excluded,
each tax is rounded on its own base (the net, plus the taxes before it when compound); a
rate on a reduced base rounds its legal base first by default (Indonesia's DPP nilai lain:
DPP = round(11/12 x net), PPN = round(12% x DPP); see
:class:`~salesorder.domain.tax.ReducedBase`). Tax included, the net is the gross divided by
the line's multiplier, rounded; by default the tax is what the net leaves of the gross,
apportioned over the line's taxes by their shares; a rate that computes its tax from the
net (:class:`~salesorder.domain.tax.IncludedTax`) leaves a rounding difference, reported.

Per line, each line is computed on its own. Per document, tax excluded, each rate that is
not compound is computed once on the sum of its own base over every line that carries it
(whatever other taxes those lines carry) and apportioned back over them, so for each
(code, rate) the document's tax is round(rate x sum of bases), as EN 16931's BR-CO-17 wants.
Two cases still group lines by their whole tuple of taxes, because their base depends on
the other taxes of the line: a compound tax (its base holds the taxes before it), and tax
included (the net comes from the gross with the line's whole multiplier).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from salesorder.domain.pricing._speed import _money, _new_line_tax, _new_step, _split
from salesorder.domain.pricing._work import _ZERO, _Line, _Rounder, _Taxes
from salesorder.domain.pricing.model import LineTax, PricedLine, TaxSummary, TraceKind
from salesorder.domain.pricing.trace import _Recorder
from salesorder.domain.tax import TaxMode, TaxRate
from salesorder.money import Money

#: Each tax's legal base (None for a full base); see ``_Line.legal``.
_Legal = list[Decimal | None]


def _each_tax(
    taxes: _Taxes, amount: Decimal, mode: TaxMode, rounding: _Rounder, currency: str
) -> list[Decimal]:
    """Each tax of ``amount`` (net when excluded, gross when included), rounded.

    For plain taxes only (``taxes.plain``: full bases, balancing the gross).
    """
    rates = taxes.rates
    if not rates:
        return []
    if mode is TaxMode.EXCLUDED:
        amounts: list[Decimal] = []
        for effective, sources in zip(taxes.effective, taxes.sources, strict=True):
            base = amount + sum((amounts[i] for i in sources), _ZERO) if sources else amount
            amounts.append(rounding(base * effective))
        return amounts
    exact = amount / taxes.multiplier
    total = rounding(amount - exact) if rounding.tax_first else amount - rounding(exact)
    if len(rates) == 1:
        return [total]
    if not total or not any(taxes.shares):
        return [_ZERO] * len(rates)
    exact_parts = [exact * share for share in taxes.shares]
    return _share(taxes, list(range(len(rates))), total, exact_parts, rounding, currency)


def _share(  # noqa: PLR0917 - private, the figures of one split
    taxes: _Taxes,
    positions: list[int],
    total: Decimal,
    exact: list[Decimal],
    rounding: _Rounder,
    currency: str,
) -> list[Decimal]:
    """Share a tax-included ``total`` among the taxes at ``positions``.

    ``exact`` is each one's exact amount. By the policy's
    :class:`~salesorder.money.TaxSplit`: largest remainder over the taxes' shares, or each
    tax rounded on its own; identical taxes always equal (a unit that
    cannot be shared equally is left to the net).
    """
    if len(positions) == 1:
        return [total]
    if rounding.each_rounded:
        return [rounding(part) for part in exact]
    weights = [taxes.shares[index] for index in positions]
    parts = _split(total, weights, rounding, currency)
    for group in taxes.twins:
        alike = [positions.index(index) for index in group if index in positions]
        if len(alike) > 1 and len({parts[i] for i in alike}) > 1:
            # Twins split unequally: each takes the smallest of their parts, and the units
            # the others give up stay in the net.
            least = min((parts[i] for i in alike), key=abs)
            for i in alike:
                parts[i] = least
    return parts


def _legal(factor: Fraction, base: Decimal, rounding: _Rounder) -> Decimal:
    """The legal base: ``factor`` of ``base``, rounded (DPP = round(11/12 x price))."""
    return rounding(base * factor.numerator / factor.denominator)


def _on_base(
    taxes: _Taxes, index: int, base: Decimal, rounding: _Rounder
) -> tuple[Decimal, Decimal | None]:
    """Tax ``index`` of ``taxes`` on an excluded ``base``, and its legal base (None: full).

    A reduced base, by default: the legal base rounded first, then taxed at the statutory
    rate (PMK 131/2024); with ``ReducedBase.EFFECTIVE_RATE``, the effective rate of ``base``.
    """
    factor = taxes.factors[index]
    if factor is None:
        return rounding(base * taxes.effective[index]), None
    legal = _legal(factor, base, rounding)
    if taxes.rounded_base[index]:
        return rounding(legal * taxes.rates[index].rate), legal
    return rounding(base * taxes.effective[index]), legal


def _excluded(taxes: _Taxes, net: Decimal, rounding: _Rounder) -> tuple[list[Decimal], _Legal]:
    """Each tax of an excluded ``net`` and its legal base (the general route)."""
    amounts: list[Decimal] = []
    legals: _Legal = []
    for index, sources in enumerate(taxes.sources):
        base = net + sum((amounts[i] for i in sources), _ZERO)
        tax, legal = _on_base(taxes, index, base, rounding)
        amounts.append(tax)
        legals.append(legal)
    return amounts, legals


def _included(
    taxes: _Taxes, gross: Decimal, rounding: _Rounder, currency: str
) -> tuple[list[Decimal], _Legal, Decimal]:
    """Each tax of a tax-included ``gross``, the legal bases and the rounding difference.

    The net is round(gross / multiplier). A FROM_NET tax is computed on it as if excluded;
    the taxes balancing the gross share what is left (gross - net - those taxes) by their
    shares. With none to share it, what is left is the rounding difference.
    """
    exact = gross / taxes.multiplier
    net = gross - rounding(gross - exact) if rounding.tax_first else rounding(exact)
    amounts, _ = _excluded(taxes, net, rounding)
    from_net = taxes.from_net
    balancing = [index for index, flag in enumerate(from_net) if not flag]
    rest = gross - net - sum((a for a, flag in zip(amounts, from_net, strict=True) if flag), _ZERO)
    for index in balancing:
        amounts[index] = _ZERO
    weights = [taxes.shares[index] for index in balancing]
    difference = rest
    if balancing and rest and any(weights):
        exact_parts = [exact * taxes.shares[index] for index in balancing]
        parts = _share(taxes, balancing, rest, exact_parts, rounding, currency)
        for index, part in zip(balancing, parts, strict=True):
            amounts[index] = part
        difference = _ZERO  # what equal twins or each-rounded taxes leave is the net's
    elif balancing and not rest:
        difference = _ZERO
    # The legal bases of the final amounts (a compound base holds the taxes before it).
    legals: _Legal = []
    for index, sources in enumerate(taxes.sources):
        factor = taxes.factors[index]
        base = net + sum((amounts[i] for i in sources), _ZERO)
        legals.append(None if factor is None else _legal(factor, base, rounding))
    return amounts, legals, difference


def _line_taxes(work: list[_Line], tax_mode: TaxMode, rounding: _Rounder, currency: str) -> None:
    """Per line: each line's taxes on its own amount, rounded."""
    excluded = tax_mode is TaxMode.EXCLUDED
    quantum, mode = rounding.quantum, rounding.mode
    for line in work:
        taxes = line.taxes
        single = taxes.single
        if excluded and single is not None:  # _each_tax for one simple tax, inlined
            line.tax = [(line.left * single).quantize(quantum, mode)]
        elif excluded and taxes.single_legal is not None:  # _excluded for one DPP tax
            numerator, denominator, rate = taxes.single_legal
            legal = (line.left * numerator / denominator).quantize(quantum, mode)
            line.tax = [(legal * rate).quantize(quantum, mode)]
            line.legal = [legal]
        elif taxes.plain:
            line.tax = _each_tax(taxes, line.left, tax_mode, rounding, currency)
        elif excluded:
            line.tax, line.legal = _excluded(taxes, line.left, rounding)
        else:
            line.tax, line.legal, line.difference = _included(taxes, line.left, rounding, currency)


def _document_taxes(
    work: list[_Line],
    tax_mode: TaxMode,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> None:
    """Per document: each rate once on the sum of its lines' bases, apportioned back.

    Tax excluded, a rate that is not compound once over every line carrying it; compound
    taxes, and every tax when included, once per group of lines with the same taxes.
    """
    groups = _groups(work)
    if tax_mode is TaxMode.INCLUDED:
        for group in groups.values():
            _included_group(group, rounding, currency, record)
        return
    # Each rate that is not compound, over the lines of every group that carries it.
    carriers: dict[TaxRate, list[tuple[list[_Line], int]]] = {}
    for rates, group in groups.items():
        held = group[0].taxes.sources
        for position, rate in enumerate(rates):
            if not held[position]:
                carriers.setdefault(rate, []).append((group, position))
    for found in carriers.values():
        lines = found[0][0] if len(found) == 1 else [line for group, _ in found for line in group]
        # One group (the common case): the tax has one position on every line.
        places = found[0][1] if len(found) == 1 else [p for g, p in found for _ in g]
        _apportion_tax(lines, places, [line.left for line in lines], rounding, currency, record)
    # Compound taxes: their base holds the line's taxes before them, so per group of lines.
    for group in groups.values():
        for position, sources in enumerate(group[0].taxes.sources):
            if sources:
                weights = [line.left + sum((line.tax[i] for i in sources), _ZERO) for line in group]
                _apportion_tax(group, position, weights, rounding, currency, record)


def _groups(work: list[_Line]) -> dict[tuple[TaxRate, ...], list[_Line]]:
    """The lines grouped by their taxes, each line's taxes (and legal bases) set to zero."""
    # By value: rates equal but written apart ("0.1", "0.10") are one group.
    groups: dict[tuple[TaxRate, ...], list[_Line]] = {}
    for line in work:
        groups.setdefault(line.taxes.rates, []).append(line)
    for group in groups.values():
        taxes = group[0].taxes
        count = len(taxes.rates)
        plain = taxes.plain
        for line in group:
            line.tax = [_ZERO] * count
            if not plain:
                line.legal = [None if factor is None else _ZERO for factor in taxes.factors]
    return groups


def _apportion_tax(  # noqa: PLR0917 - private, called from one place with the same figures
    lines: list[_Line],
    places: list[int] | int,
    bases: list[Decimal],
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> None:
    """Tax excluded: one tax on the sum of ``bases``, apportioned over ``lines`` by them.

    ``places`` is the tax's position among the taxes of each line (one int: the same on
    every line).
    """
    subtotal = sum(bases, _ZERO)
    index = places if isinstance(places, int) else places[0]
    taxes = lines[0].taxes
    if not subtotal:
        _own_bases(lines, places, bases, rounding)
        return
    tax, legal = _on_base(taxes, index, subtotal, rounding)
    if tax:
        parts = _split(tax, bases, rounding, currency)
        if isinstance(places, int):
            for line, part in zip(lines, parts, strict=True):
                line.tax[places] = part
        else:
            for line, place, part in zip(lines, places, parts, strict=True):
                line.tax[place] = part
    if legal is not None:
        parts = _split(legal, bases, rounding, currency)
        spots = [places] * len(lines) if isinstance(places, int) else places
        for line, place, part in zip(lines, spots, parts, strict=True):
            line.legal[place] = part  # type: ignore[index] # set for every reduced base
    if record is not None and (tax or legal):
        detail = f"per document on {subtotal!s} ({TaxMode.EXCLUDED.value})"
        if legal is not None:
            detail += f", legal base {taxes.factors[index]} of it = {legal!s}"
        record.add(
            _new_step(
                line_id="",
                kind=TraceKind.TAX,
                source=taxes.rates[index].code,
                amount=_money(tax, currency),
                detail=f"{detail}, apportioned over {len(lines)} lines",
            )
        )


def _own_bases(
    lines: list[_Line], places: list[int] | int, bases: list[Decimal], rounding: _Rounder
) -> None:
    """Taxes on bases that cancel out, such as a refund line as large as a sale.

    The document's tax is zero, and each line keeps the tax of its own base: they cancel
    out too.
    """
    spots = [places] * len(lines) if isinstance(places, int) else places
    for line, place, base in zip(lines, spots, bases, strict=True):
        if base:
            line.tax[place], legal = _on_base(line.taxes, place, base, rounding)
            if legal is not None:
                line.legal[place] = legal  # type: ignore[index] # set for every reduced base


def _included_group(
    group: list[_Line], rounding: _Rounder, currency: str, record: _Recorder | None
) -> None:
    """Tax included: the taxes of a group's gross, apportioned over its lines by gross."""
    taxes = group[0].taxes
    weights = [line.left for line in group]
    subtotal = sum(weights, _ZERO)
    if not subtotal and taxes.rates and any(weights):
        # Amounts that cancel out: each line's own taxes, which cancel out too.
        _line_taxes(group, TaxMode.INCLUDED, rounding, currency)
        return
    if not subtotal or not taxes.rates:
        return
    legals: _Legal | None = None
    difference = _ZERO
    if taxes.plain:
        amounts = _each_tax(taxes, subtotal, TaxMode.INCLUDED, rounding, currency)
    else:
        amounts, legals, difference = _included(taxes, subtotal, rounding, currency)
    _spread(group, weights, amounts, rounding, currency, legal=False)
    if legals is not None:
        _spread(group, weights, legals, rounding, currency, legal=True)
    net = subtotal - sum(amounts, _ZERO) - difference
    if difference:
        # The net apportioned too: each line's difference is what its net and taxes leave.
        for line, part in zip(group, _split(net, weights, rounding, currency), strict=True):
            line.difference = line.left - part - sum(line.tax, _ZERO)
    if record is not None:
        figures = (subtotal, amounts, legals, difference)
        _included_steps(record, taxes, figures, len(group), currency)


def _spread(
    group: list[_Line],
    weights: list[Decimal],
    totals: Sequence[Decimal | None],
    rounding: _Rounder,
    currency: str,
    *,
    legal: bool,
) -> None:
    """Apportion each tax (or legal base) of a group over its lines by ``weights``."""
    for position, total in enumerate(totals):
        if not total:
            continue
        for line, part in zip(group, _split(total, weights, rounding, currency), strict=True):
            if legal:
                line.legal[position] = part  # type: ignore[index] # set for every reduced base
            else:
                line.tax[position] = part


def _included_steps(
    record: _Recorder,
    taxes: _Taxes,
    figures: tuple[Decimal, list[Decimal], _Legal | None, Decimal],
    count: int,
    currency: str,
) -> None:
    """Trace the taxes of a tax-included group of ``count`` lines, and its difference."""
    subtotal, amounts, legals, difference = figures
    net = subtotal - sum(amounts, _ZERO) - difference
    for position, tax in enumerate(amounts):
        if not tax:
            continue
        detail = f"per document on {subtotal!s} ({TaxMode.INCLUDED.value}), net {net!s}"
        legal = None if legals is None else legals[position]
        if legal is not None:
            detail += f", legal base {taxes.factors[position]} of it = {legal!s}"
        record.add(
            _new_step(
                line_id="",
                kind=TraceKind.TAX,
                source=taxes.rates[position].code,
                amount=_money(tax, currency),
                detail=f"{detail}, apportioned over {count} lines",
            )
        )
    if difference:
        record.add(
            _new_step(
                line_id="",
                kind=TraceKind.ROUNDING,
                source="rounding difference",
                amount=_money(difference, currency),
                detail=f"gross {subtotal} - net {net} - tax {sum(amounts, _ZERO)}: the tax is "
                f"computed from the net, the buyer still pays the gross; apportioned over "
                f"{count} lines",
            )
        )


def _line_tax_records(
    line: _Line, net: Decimal, net_m: Money, tax: Decimal, tax_m: Money
) -> tuple[LineTax, ...]:
    """Each tax of a line on its base (the net, plus earlier taxes for a compound one)."""
    taxes = line.taxes
    currency = net_m.currency
    legals = line.legal
    records: list[LineTax] = []
    for index, rate in enumerate(taxes.rates):
        amount = line.tax[index]
        sources = taxes.sources[index]
        if sources:
            base = net + sum((line.tax[i] for i in sources), _ZERO)
            base_m = _money(base, currency)
        else:
            base, base_m = net, net_m
        amount_m = tax_m if not amount.compare_total(tax) else _money(amount, currency)
        legal = None if legals is None else legals[index]
        records.append(
            _new_line_tax(
                tax_code=rate.code,
                tax_rate=rate.rate,
                effective_rate=taxes.effective[index],
                base=base_m,
                amount=amount_m,
                compound=bool(sources),
                treatment=rate.treatment,
                legal_base=None if legal is None else _money(legal, currency),
                exemption_reason=taxes.reasons[index],
                exemption_code=taxes.codes[index],
                kind=rate.kind,
            )
        )
    return tuple(records)


def _tax_summary(
    work: list[_Line], priced: Sequence[PricedLine], *, net: Decimal, tax: Decimal, currency: str
) -> tuple[TaxSummary, ...]:
    """The tax summary per (code, rate); ``net`` and ``tax`` are the document's."""
    shared = work[0].taxes if work else None
    if shared is None or shared.one is None or any(line.taxes is not shared for line in work):
        return _summarise(priced, currency)
    # Every line carries the same one tax: each line's base is its net and its tax that one
    # tax, so the summary's base and tax are the document's net and tax (summed from the
    # same figures in the same order), with no second pass over the priced lines.
    rate = shared.one
    legal_base: Money | None = None
    if shared.factors[0] is not None:
        legal_total = _ZERO
        for line in work:
            legal_total += line.legal[0]  # type: ignore[index,operator] # set on a reduced base
        legal_base = _money(legal_total, currency)
    return (
        TaxSummary(
            tax_code=rate.code,
            tax_rate=rate.rate,
            effective_rate=shared.effective[0],
            base=_money(net, currency),
            tax=_money(tax, currency),
            treatment=rate.treatment,
            legal_base=legal_base,
            exemption_reason=shared.reasons[0],
            exemption_code=shared.codes[0],
        ),
    )


def _summarise(priced: Sequence[PricedLine], currency: str) -> tuple[TaxSummary, ...]:
    # Per (tax code, rate), never per code alone: two rates sharing a code (10% and 8% both
    # "VN-VAT") are two rows, each with its own base and tax. In order of first appearance:
    # the first LineTax, and the sums of the bases, taxes and legal bases, added in line
    # order from 0 exactly as sum() would.
    first: dict[tuple[str, Decimal], LineTax] = {}
    bases: dict[tuple[str, Decimal], Decimal] = {}
    amounts: dict[tuple[str, Decimal], Decimal] = {}
    legals: dict[tuple[str, Decimal], Decimal] = {}
    for line in priced:
        for tax in line.taxes:
            key = (tax.tax_code, tax.tax_rate)
            if key in first:
                bases[key] += tax.base.amount
                amounts[key] += tax.amount.amount
            else:
                first[key] = tax
                bases[key] = _ZERO + tax.base.amount
                amounts[key] = _ZERO + tax.amount.amount
            if tax.legal_base is not None:
                legals[key] = legals.get(key, _ZERO) + tax.legal_base.amount
    summaries = [
        TaxSummary(
            tax_code=tax.tax_code,
            tax_rate=tax.tax_rate,
            effective_rate=tax.effective_rate,
            base=_money(bases[key], currency),
            tax=_money(amounts[key], currency),
            treatment=tax.treatment,
            legal_base=_money(legals[key], currency) if key in legals else None,
            exemption_reason=tax.exemption_reason,
            exemption_code=tax.exemption_code,
            kind=tax.kind,
        )
        for key, tax in first.items()
    ]
    return tuple(summaries)
