"""Invoice lines, their tax summary, and how a credit is split over a line's net and tax."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import attrs

from salesorder.domain.pricing import TaxSummary
from salesorder.money import Money, apportion

__all__ = ["InvoiceLine"]


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """An invoice line copied from a priced order line."""

    line_id: str
    sku: str
    description: str
    quantity: int
    unit_price: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal

    def negated(self) -> InvoiceLine:
        """This line with net, tax and gross negated (a credit as an adjustment's line)."""
        return attrs.evolve(self, net=-self.net, tax=-self.tax, gross=-self.gross)


def _summarise(
    lines: Sequence[InvoiceLine], rates: dict[str, Decimal], currency: str
) -> tuple[TaxSummary, ...]:
    """Tax per rate of ``lines``: bases and taxes are exact sums of the lines."""
    by_code: dict[str, list[InvoiceLine]] = {}
    for line in lines:
        by_code.setdefault(line.tax_code, []).append(line)
    return tuple(
        TaxSummary(
            tax_code=tax_code,
            tax_rate=group[0].tax_rate,
            effective_rate=rates.get(tax_code, group[0].tax_rate),
            base=Money.sum((line.net for line in group), currency),
            tax=Money.sum((line.tax for line in group), currency),
        )
        for tax_code, group in by_code.items()
    )


def _tax_and_net(line: InvoiceLine, gross: Money) -> tuple[Money, Money]:
    """``gross`` of ``line`` split into (tax, net) by the line's own tax and net."""
    if gross.is_zero or not (line.net.is_positive or line.tax.is_positive):
        return Money.zero(gross.currency), gross
    tax, net = apportion(gross, [line.tax.amount, line.net.amount])
    return tax, net


def _credited_line(line: InvoiceLine, gross: Money, *, before: Money | None = None) -> InvoiceLine:
    """A credit-note line crediting ``gross`` of ``line``, after ``before`` was credited on it.

    The tax is the tax share of everything credited on the line (``before + gross``) minus
    the tax share of ``before``: the shares grow with what is credited, so every credit's
    net and tax are non-negative and, once the whole gross is credited, they add up to the
    line's net and tax exactly. With nothing credited before, this is the plain split of
    ``gross`` by the line's net and tax.
    """
    zero = Money.zero(gross.currency)
    if gross.is_zero:
        return attrs.evolve(line, net=gross, tax=gross, gross=gross, discount=gross)
    if line.gross.is_zero:  # pragma: no cover - a zero line gets a zero share
        return line
    before = zero if before is None else before
    tax_after, _ = _tax_and_net(line, before + gross)
    tax_before, _ = _tax_and_net(line, before)
    tax = tax_after - tax_before
    return attrs.evolve(line, net=gross - tax, tax=tax, gross=gross, discount=zero)
