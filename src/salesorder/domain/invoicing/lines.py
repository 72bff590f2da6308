"""Invoice lines, their tax summary, and how a credit is split over a line's net and tax."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

import attrs

from salesorder.domain.pricing import LineTax, PricedLine, TaxSummary
from salesorder.domain.tax import TaxKind, TaxTreatment
from salesorder.domain.units import PIECE, Quantity, Unit
from salesorder.exceptions import CreditLimitExceeded, ValidationError
from salesorder.money import Money, RoundingPolicy, apportion
from salesorder.numbers import decimal_isolated

__all__ = ["SHIPPING_LINE", "InvoiceLine"]

#: The line id of an order's shipping charge on its invoice (an order charges it once).
SHIPPING_LINE = "shipping"


@attrs.frozen(kw_only=True)
class InvoiceLine:
    """An invoice line copied from a priced order line, or a charge of the order.

    ``taxes`` has each tax of the line as it stands on this document (base, amount, rate,
    treatment, legal base, exemption reason); their amounts add up to ``tax``. Invoices
    stored by versions before 0.9 have none: :attr:`tax_records` then rebuilds the one
    tax from ``tax_code`` and ``tax_rate``. ``charge`` is empty for goods; for a charge of
    the order (shipping, a COD fee) it is the charge's UNCL 7161 reason code (``"FC"``
    for freight) and ``description`` its text: documents print it as a document-level
    charge (EN 16931 BG-21). ``quantity`` is the units the line invoices, or credits on a
    credit note: exact (an ``int``, or a ``Decimal`` such as 0.25), counted in ``unit``,
    whose UN/ECE code e-invoices write (``C62`` for pieces, ``KGM`` for kilograms).
    """

    line_id: str
    sku: str
    description: str
    quantity: Quantity
    unit_price: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal
    taxes: tuple[LineTax, ...] = ()
    charge: str = ""
    #: The unit ``quantity`` counts: the order line's (pieces for charges).
    unit: Unit = PIECE

    @classmethod
    def from_priced(
        cls,
        priced: PricedLine,
        *,
        sku: str,
        description: str,
        charge: str = "",
        unit: Unit = PIECE,
    ) -> InvoiceLine:
        """The invoice line of a priced line (of goods, or of a charge when ``charge``)."""
        return cls(
            unit=unit,
            line_id=priced.line_id,
            sku=sku,
            description=description,
            quantity=priced.quantity,
            unit_price=priced.unit_price,
            discount=priced.discount,
            net=priced.net,
            tax=priced.tax,
            gross=priced.gross,
            tax_code=priced.tax_code,
            tax_rate=priced.tax_rate,
            taxes=priced.taxes,
            charge=charge,
        )

    @property
    def withheld(self) -> Money:
        """What the buyer withholds on this line for the state (its withholding taxes)."""
        return -Money.sum(
            (t.amount for t in self.taxes if t.kind is TaxKind.WITHHOLDING), self.net.currency
        )

    @property
    def tax_records(self) -> tuple[LineTax, ...]:
        """Each tax on this line; one rebuilt from ``tax_code`` when ``taxes`` is empty."""
        if self.taxes or not self.tax_code:
            return self.taxes
        treatment = TaxTreatment.TAXABLE if self.tax_rate else TaxTreatment.ZERO_RATED
        return (
            LineTax(
                tax_code=self.tax_code,
                tax_rate=self.tax_rate,
                effective_rate=self.tax_rate,
                base=self.net,
                amount=self.tax,
                treatment=treatment,
            ),
        )

    def negated(self) -> InvoiceLine:
        """This line with its amounts negated (a credit as an adjustment's line)."""
        taxes = tuple(
            attrs.evolve(
                t,
                base=-t.base,
                amount=-t.amount,
                legal_base=None if t.legal_base is None else -t.legal_base,
            )
            for t in self.taxes
        )
        return attrs.evolve(self, net=-self.net, tax=-self.tax, gross=-self.gross, taxes=taxes)


def _summarise(
    lines: Sequence[InvoiceLine], rates: dict[str, Decimal], currency: str
) -> tuple[TaxSummary, ...]:
    """Tax per (code, rate) of ``lines``: bases, taxes and legal bases are exact sums.

    Two rates that share a code (10% and 8% under one code) are two rows, never one whose
    base, rate and tax disagree. ``rates`` gives the effective rate of codes whose lines
    were stored without their tax records (invoices of earlier versions).
    """
    rows: dict[tuple[str, Decimal], list[LineTax]] = {}
    for line in lines:
        records = line.tax_records or (
            LineTax(
                tax_code=line.tax_code,
                tax_rate=line.tax_rate,
                effective_rate=line.tax_rate,
                base=line.net,
                amount=line.tax,
            ),
        )
        for record in records:
            rows.setdefault((record.tax_code, record.tax_rate), []).append(record)
    summaries = []
    for (tax_code, tax_rate), group in rows.items():
        first = group[0]
        legal = [r.legal_base for r in group if r.legal_base is not None]
        effective = first.effective_rate
        if not any(line.taxes for line in lines):
            effective = rates.get(tax_code, effective)
        summaries.append(
            TaxSummary(
                tax_code=tax_code,
                tax_rate=tax_rate,
                effective_rate=effective,
                base=Money.sum((r.base for r in group), currency),
                tax=Money.sum((r.amount for r in group), currency),
                treatment=first.treatment,
                legal_base=Money.sum(legal, currency) if legal else None,
                exemption_reason=first.exemption_reason,
                exemption_code=first.exemption_code,
                kind=first.kind,
            )
        )
    return tuple(summaries)


def _check_credit_units(
    lines: Sequence[InvoiceLine],
    credited: Mapping[str, Quantity],
    units: Mapping[str, Quantity],
    parts: Mapping[str, Money],
    thing: str,
) -> None:
    """Refuse ``units`` (line id -> units a credit takes back) that ``lines`` cannot give.

    A line gives back at most its quantity less what was ``credited`` on it before, and in
    its own unit's precision. ``parts`` are the amounts credited (a line's units come with
    its amount); ``thing`` names the invoice.

    Raises:
        ValidationError: units for a line without an amount, or for no line of ``lines``,
            or a count that is not a quantity above zero.
        TooManyDecimals: a count with more decimals than its line's unit allows.
        CreditLimitExceeded: more units than the line has left to credit.
    """
    by_id = {line.line_id: line for line in lines}
    for line_id, count in units.items():
        if line_id not in parts:
            raise ValidationError(
                f"a credit of {thing} gives units for line {line_id!r} but no amount"
            )
        line = by_id.get(line_id)
        if line is None:
            raise ValidationError(f"{thing} has no line {line_id!r} to credit")
        if isinstance(count, bool) or not isinstance(count, (int, Decimal)) or count <= 0:
            unit = line.unit
            wanted = f"number of {unit.code}" if unit.decimals else "whole number of units"
            raise ValidationError(
                f"a credit of line {line_id!r} of {thing} needs a positive {wanted}, got {count!r}"
            )
        line.unit.check(count, what=f"a credit of line {line_id!r} of {thing}")
        left = line.quantity - credited.get(line_id, 0)
        if count > left:
            raise CreditLimitExceeded(
                f"a credit of {count} units of line {line_id!r} of {thing} is more "
                f"than it has left to credit ({left} of {line.quantity})"
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
        taxes = tuple(_difference(t, t) for t in line.taxes)
        return attrs.evolve(line, net=gross, tax=gross, gross=gross, discount=gross, taxes=taxes)
    if line.gross.is_zero:  # pragma: no cover - a zero line gets a zero share
        return line
    before = zero if before is None else before
    tax_after, _ = _tax_and_net(line, before + gross)
    tax_before, _ = _tax_and_net(line, before)
    tax = tax_after - tax_before
    taxes = tuple(
        _difference(after, earlier)
        for after, earlier in zip(
            _taxes_at(line, before + gross), _taxes_at(line, before), strict=True
        )
    )
    return attrs.evolve(line, net=gross - tax, tax=tax, gross=gross, discount=zero, taxes=taxes)


@decimal_isolated
def _balanced_charges(
    goods: Sequence[InvoiceLine], charges: Sequence[InvoiceLine], policy: RoundingPolicy
) -> tuple[InvoiceLine, ...]:
    """``charges`` with each one's net and tax split so that its tax row holds on the document.

    A charge (shipping, a COD fee) is priced on its own, tax included, so per document its
    tax is rounded apart from the goods' of the same rate, and the row of that rate on the
    invoice could be off base x rate by more than one unit (EN 16931's BR-CO-17) where
    amounts are whole (VND, whole rupiah). This splits the charge's gross G (kept) so that
    the row's tax T + t is round-nearest to rate x (B + n): n = round((T + G - rate x B) /
    (1 + rate)), t = G - n, where B and T are the row's base and tax so far. Only a charge
    with one tax that balances the gross and shares its row with other lines changes; its
    legal base (DPP) follows its net.
    """
    currency = charges[0].gross.currency if charges else ""
    quantum = (
        Money.zero(currency).info.quantum
        if policy.digits is None
        else Decimal(1).scaleb(-policy.digits)
    )
    mode = policy.mode.decimal_rounding
    rows: dict[tuple[str, Decimal], tuple[Decimal, Decimal]] = {}

    def count(line: InvoiceLine) -> None:
        for record in line.tax_records:
            base, tax = rows.get((record.tax_code, record.tax_rate), (Decimal(0), Decimal(0)))
            rows[record.tax_code, record.tax_rate] = (
                base + record.base.amount,
                tax + record.amount.amount,
            )

    for line in goods:
        count(line)
    balanced: list[InvoiceLine] = []
    for charge in charges:
        records = charge.taxes
        key = (records[0].tax_code, records[0].tax_rate) if len(records) == 1 else None
        if (
            key is None
            or key not in rows
            or records[0].compound
            or charge.net + charge.tax != charge.gross
        ):
            balanced.append(charge)
            count(charge)
            continue
        (record,) = records
        base, tax = rows[key]
        rate = record.effective_rate
        gross = charge.gross.amount
        net = ((tax + gross - rate * base) / (1 + rate)).quantize(quantum, rounding=mode)
        currency = charge.gross.currency
        net_m = Money.of(net, currency)
        tax_m = charge.gross - net_m
        legal = record.legal_base
        if legal is not None and record.tax_rate:
            legal = Money.of((net * rate / record.tax_rate).quantize(quantum, mode), currency)
        line = attrs.evolve(
            charge,
            net=net_m,
            tax=tax_m,
            taxes=(attrs.evolve(record, base=net_m, amount=tax_m, legal_base=legal),),
        )
        balanced.append(line)
        count(line)
    return tuple(balanced)


def _share(amount: Money, part: Money, whole: Money) -> Money:
    """``amount`` x ``part / whole``, rounded as :func:`apportion` rounds it."""
    if part == whole:
        return amount
    if part.is_zero or not whole.is_positive:
        return Money.zero(amount.currency)
    return apportion(amount, [part.amount, (whole - part).amount])[0]


def _taxes_at(line: InvoiceLine, credited: Money) -> tuple[LineTax, ...]:
    """``line``'s taxes as they stand on a credit of ``credited`` (gross) of it.

    The credit's tax (see :func:`_tax_and_net`) is apportioned over the line's taxes by
    their amounts; each base is the credit's net (plus the earlier taxes, when compound),
    each legal base its share of the line's. At the line's whole gross, these are the
    line's own taxes exactly.
    """
    records = line.taxes
    if not records:
        return ()
    tax, net = _tax_and_net(line, credited)
    # A withholding tax is not in the line's tax: it goes with the credited net instead.
    charged = [r for r in records if r.kind is not TaxKind.WITHHOLDING]
    weights = [abs(r.amount.amount) for r in charged]
    if tax.is_zero or not any(weights):
        shares = [Money.zero(tax.currency)] * len(charged)
    else:
        shares = apportion(tax, weights)
    parts = iter(shares)
    amounts = [
        _share(r.amount, net, line.net) if r.kind is TaxKind.WITHHOLDING else next(parts)
        for r in records
    ]
    result: list[LineTax] = []
    before = Money.zero(tax.currency)
    for record, amount in zip(records, amounts, strict=True):
        base = net + before if record.compound else net
        legal = None if record.legal_base is None else _share(record.legal_base, net, line.net)
        result.append(attrs.evolve(record, base=base, amount=amount, legal_base=legal))
        before = before + amount
    return tuple(result)


def _difference(after: LineTax, before: LineTax) -> LineTax:
    """What a credit adds to a line's tax: ``after`` minus ``before`` (same tax)."""
    legal = None
    if after.legal_base is not None and before.legal_base is not None:
        legal = after.legal_base - before.legal_base
    return attrs.evolve(
        after, base=after.base - before.base, amount=after.amount - before.amount, legal_base=legal
    )
