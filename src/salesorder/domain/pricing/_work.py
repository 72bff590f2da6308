"""What one pricing run works with: the rounder, a line's taxes, the line being priced.

Private to :mod:`salesorder.domain.pricing`. A :class:`_Rounder` and a :class:`_Taxes` are
pure functions of immutable values, built once per process and shared (``functools`` caches
keyed by value); a :class:`_Line` is the mutable state of one line during one run, which the
steps in :mod:`~salesorder.domain.pricing.offers` and :mod:`~salesorder.domain.pricing.taxes`
change in turn.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple, TypeAlias

from salesorder.domain.pricelists import PriceChoice, PriceEntry, PriceList
from salesorder.domain.pricing.model import LineToPrice, TraceKind, TraceStep
from salesorder.domain.tax import IncludedTax, ReducedBase, TaxKind, TaxMode, TaxRate
from salesorder.exceptions import ValidationError
from salesorder.money import (
    DiscountRounding,
    IncludedRounding,
    Money,
    RoundingMode,
    RoundingPolicy,
    TaxSplit,
    currency_info,
)

# Enum members the per-line and per-step code compares with or stores, read once: under
# Python 3.11 reading a member off its enum (``TaxMode.EXCLUDED``) costs about ten times
# reading a module global, and pricing reads several per line and per trace step.
_EXCLUDED = TaxMode.EXCLUDED
_INCLUDED = TaxMode.INCLUDED

#: The zero every working amount starts from, shared by the whole package: the engine
#: tells an amount nothing changed by identity (``line.platform is _ZERO``), so a module
#: must never make its own.
_ZERO = Decimal(0)
_ONE = Decimal(1)


class _Rounder:
    """Quantize to the policy's digits (the currency's minor units by default) with its mode.

    A rounder never changes once built.
    """

    __slots__ = (
        "digits",
        "each_rounded",
        "mode",
        "policy_step",
        "quantum",
        "round_subtotal",
        "scale",
        "strict",
        "tax_first",
    )

    def __init__(
        self, currency: str, mode: RoundingMode, digits: int | None, policy: RoundingPolicy
    ) -> None:
        iso = currency_info(currency).digits
        if digits is not None and digits > iso:
            raise ValidationError(
                f"RoundingPolicy.digits {digits} is more than {currency}'s ISO 4217 minor "
                f"units ({iso})"
            )
        self.digits = iso if digits is None else digits
        # A shop's explicit policy: stated prices must fit it (never rounded in silence).
        self.strict = digits is not None
        self.quantum = Decimal(1).scaleb(-self.digits)
        self.scale = 10**self.digits  # rounding units per major unit
        self.mode = mode.decimal_rounding
        # The policy's conventions (see salesorder.rounding): what is rounded first.
        self.tax_first = policy.included is IncludedRounding.TAX_FIRST
        self.each_rounded = policy.tax_split is TaxSplit.EACH_ROUNDED
        self.round_subtotal = policy.discount is DiscountRounding.SUBTOTAL
        #: The trace's last step, stating the policy's conventions: the same for every
        #: order priced with the policy, and a value, so one is shared.
        self.policy_step = TraceStep(
            line_id="",
            kind=TraceKind.POLICY,
            source="rounding",
            amount=None,
            detail=f"rounding conventions: {policy.conventions}",
        )

    def __call__(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)

    def off(self, amount: Decimal, exact: Decimal) -> Decimal:
        """A percentage discount ``exact`` off ``amount``, rounded as the policy says.

        The discount rounded (``DiscountRounding.DISCOUNT``), or what is left rounded and
        the discount what it leaves (``DiscountRounding.SUBTOTAL``).
        """
        if self.round_subtotal:
            return amount - (amount - exact).quantize(self.quantum, rounding=self.mode)
        return exact.quantize(self.quantum, rounding=self.mode)


# Both are pure functions of immutable values, built once per process rather than once per
# order (a _Rounder or _Taxes is never changed after it is built).
def _rounder(currency: str, policy: RoundingPolicy) -> _Rounder:
    """The rounder of ``policy`` in ``currency`` (one per distinct policy and currency)."""
    return _cached_rounder(currency, policy.mode, policy.digits, policy)


@functools.lru_cache(maxsize=64)
def _cached_rounder(
    currency: str, mode: RoundingMode, digits: int | None, policy: RoundingPolicy
) -> _Rounder:
    return _Rounder(currency, mode, digits, policy)


class _Taxes:
    """A line's taxes with their shares of the net (compound ones grow with earlier taxes).

    What :mod:`~salesorder.domain.pricing.taxes` computes with and the trace words with, worked
    out once per distinct set of rates.
    """

    __slots__ = (
        "codes",
        "effective",
        "factors",
        "from_net",
        "multiplier",
        "one",
        "plain",
        "rates",
        "reasons",
        "rounded_base",
        "shares",
        "single",
        "single_legal",
        "sources",
        "special",
        "twins",
        "wording",
    )

    def __init__(self, rates: tuple[TaxRate, ...]) -> None:
        self.rates = rates
        #: Each rate's base factor, None for a full base.
        self.factors: list[Fraction | None] = [
            None if rate.base_factor == 1 else rate.base_factor for rate in rates
        ]
        #: True where the tax is the rate of the rounded legal base (ReducedBase.ROUNDED_BASE
        #: on a reduced base), not the effective rate of the price.
        self.rounded_base = [
            factor is not None and rate.reduced_base is ReducedBase.ROUNDED_BASE
            for rate, factor in zip(rates, self.factors, strict=True)
        ]
        #: True where a tax-included gross gives the tax from the net (IncludedTax.FROM_NET).
        self.from_net = [rate.included_tax is IncludedTax.FROM_NET for rate in rates]
        #: Full bases only, every tax balancing the gross: the engine's plain arithmetic.
        self.plain = not any(self.factors) and not any(self.from_net)
        #: Each tax's sources: the earlier taxes its base holds (every earlier one for a
        #: compound tax; those naming it in ``affects``).
        self.sources: list[tuple[int, ...]] = [
            tuple(
                earlier
                for earlier in range(index)
                if rate.compound or rate.code in rates[earlier].affects
            )
            for index, rate in enumerate(rates)
        ]
        #: A fixed or withholding tax, or one in or out of the price whatever the document
        #: says: the line goes through :mod:`~salesorder.domain.pricing.kinds`.
        self.special = any(
            rate.kind is not TaxKind.PERCENT or rate.included is not None for rate in rates
        )
        self.plain = self.plain and not self.special
        self.reasons = [rate.reason for rate in rates]
        self.codes = [rate.exemption_code for rate in rates]
        # Computed once per distinct set of taxes (the rate's effective rate is Fraction
        # arithmetic), not once per line.
        self.effective = [rate.effective_rate for rate in rates]
        shares: list[Decimal] = []
        for effective, sources in zip(self.effective, self.sources, strict=True):
            shares.append(effective * (_ONE + sum((shares[i] for i in sources), _ZERO)))
        self.shares = shares
        self.multiplier = _ONE + sum(shares, _ZERO)
        #: How the trace words each tax, tax excluded (``wording[False]``) and included
        #: (``wording[True]``): worded once per set of taxes, not once per line.
        self.wording = (self._wording(TaxMode.EXCLUDED), self._wording(TaxMode.INCLUDED))
        #: Identical taxes (same share of the same base), which must come out equal: groups
        #: of two or more positions; empty when every tax is unlike the others.
        alike: dict[tuple[Decimal, tuple[int, ...]], list[int]] = {}
        for index, (share, sources) in enumerate(zip(shares, self.sources, strict=True)):
            alike.setdefault((share, sources), []).append(index)
        self.twins = [group for group in alike.values() if len(group) > 1]
        #: A line's one tax when it is a percentage that follows the document's mode (its
        #: base is the net, its amount the line's tax), else None.
        self.one = rates[0] if len(rates) == 1 and not self.special else None
        #: The effective rate of a line's one simple tax (the common case: a full base, not
        #: compound, balancing the gross), else None.
        self.single = (
            self.effective[0] if len(rates) == 1 and not self.sources[0] and self.plain else None
        )
        #: A line's one tax on a reduced base rounded first (Indonesia's PPN on the DPP, not
        #: compound): (numerator, denominator, statutory rate) of it, else None.
        first = self.factors[0] if len(rates) == 1 else None
        self.single_legal = (
            (Decimal(first.numerator), Decimal(first.denominator), rates[0].rate)
            if first is not None
            and self.rounded_base[0]
            and not rates[0].compound
            and not self.from_net[0]
            and not self.special
            else None
        )

    def _wording(self, tax_mode: TaxMode) -> tuple[_TaxWording, ...]:
        """How the trace words each tax under ``tax_mode`` (see :class:`_TaxWording`)."""
        wording: list[_TaxWording] = []
        for index, rate in enumerate(self.rates):
            inside = tax_mode is TaxMode.INCLUDED if rate.included is None else rate.included
            # The tax computed from its base (not a share of the price): its rounding is traced.
            from_net = not inside or rate.kind is TaxKind.WITHHOLDING or self.from_net[index]
            rounded = self.rounded_base[index]
            effective = self.effective[index]
            wording.append(
                _TaxWording(
                    code=rate.code,
                    head=_prefix(rate, effective),
                    note=f" (statutory {rate.rate} on {rate.base_factor} of the base)"
                    if rate.base_factor != 1
                    else "",
                    rounded=rounded,
                    legal_tail=f": {rate.rate!s} of it" if rounded else "",
                    legal_rate=rate.rate if rounded and from_net else None,
                    base_rate=effective if from_net and rate.kind is not TaxKind.FIXED else None,
                    share_tail=None
                    if from_net
                    else f" (share {self.shares[index]!s} of {self.multiplier!s})",
                    sources=self.sources[index],
                )
            )
        return tuple(wording)


class _TaxWording(NamedTuple):
    """How the trace words one tax of a line under one tax mode.

    A tax step's detail reads::

        {head}{base}{note}[, legal base {legal}{legal_tail}][, included in {amount}{share_tail}]

    the legal base part when the line has one for the tax, the included part when the tax
    is a share of the price (``share_tail`` set). The exact tax, whose rounding the trace
    shows, is the legal base times ``legal_rate`` (a ``rounded`` tax with a legal base), or
    else the base times ``base_rate``; no rounding is traced when that rate is None.
    """

    code: str
    head: str  # "PPN 12%: 0.11 of "
    note: str  # " (statutory 0.12 on 11/12 of the base)", or ""
    rounded: bool  # the statutory rate of the rounded legal base (ReducedBase.ROUNDED_BASE)
    legal_tail: str  # ": 0.12 of it" for a rounded tax, else ""
    legal_rate: Decimal | None
    base_rate: Decimal | None
    share_tail: str | None  # " (share 0.1 of 1.1)"; None for a tax computed from the net
    sources: tuple[int, ...]  # the earlier taxes its base holds


def _prefix(rate: TaxRate, effective: Decimal) -> str:
    """How a trace step about ``rate`` starts ("PPN 12%: 0.11 of ")."""
    if rate.kind is TaxKind.FIXED and rate.amount is not None:
        each = "per unit" if rate.per_unit else "per line"
        return f"{rate.name}: fixed {rate.amount.amount} {each}, net "
    if rate.kind is TaxKind.WITHHOLDING:
        return f"{rate.name}: {-effective} withheld of "
    return f"{rate.name}: {effective} of "


def _taxes_of(rates: tuple[TaxRate, ...]) -> _Taxes:
    """The :class:`_Taxes` of ``rates``, shared by equal rates written alike.

    ``Decimal("0.1") == Decimal("0.10")``, so two such rates are equal ``TaxRate`` values
    that print differently; the spelling is part of the key, or pricing "0.10" after "0.1"
    would print "0.1" (on the lines, in the JSON and the trace).
    """
    return _spelled_taxes(rates, tuple(str(rate.rate) for rate in rates))


@functools.lru_cache(maxsize=256)
def _spelled_taxes(rates: tuple[TaxRate, ...], _spelling: tuple[str, ...]) -> _Taxes:
    return _Taxes(rates)


#: Where a line's list price came from, for the trace: ``None``, no price list looked at;
#: ``()``, the one applicable list has no price for it (catalog price); ``(list, entry)``,
#: the one applicable list priced it (its reason is worded when the trace is read); or
#: what :func:`~salesorder.domain.pricelists.choose_price` chose among several lists.
_Listed: TypeAlias = PriceChoice | tuple[PriceList, PriceEntry] | tuple[()] | None


class _Line:
    """A line being priced (mutable working state of the engine)."""

    __slots__ = (
        "difference",
        "discount",
        "exact",
        "left",
        "legal",
        "list_amount",
        "listed",
        "manual",
        "platform",
        "source",
        "tax",
        "taxes",
        "unit",
    )

    def __init__(  # noqa: PLR0917 - once per line, positional is the fast call
        self,
        source: LineToPrice,
        taxes: _Taxes,
        unit: Money,
        exact: Decimal,
        list_amount: Decimal,
        listed: _Listed,
    ) -> None:
        self.source = source
        self.taxes = taxes
        self.unit = unit
        self.exact = exact  # unit price x quantity, before rounding
        self.list_amount = list_amount
        #: Where the list price came from (see _Listed); for the trace.
        self.listed = listed
        self.left = list_amount
        self.discount = _ZERO
        self.platform = _ZERO
        self.tax: list[Decimal] = []
        #: Each tax's legal base (None for a full base); None when every base is full.
        self.legal: list[Decimal | None] | None = None
        #: Tax included, FROM_NET: gross - net - tax, reported apart (else the shared _ZERO).
        self.difference = _ZERO
        #: The line's own discount: exact, rounded and taken (None: it has none).
        self.manual: tuple[Decimal, Decimal, Decimal] | None = None


#: A line's figures, as the engine computed them: the line's working state, its currency,
#: and its (net, tax, gross, withheld, cost, revenue); withheld is None when the line has
#: no withholding tax, cost the rounded unit cost x quantity (None: no cost given),
#: revenue None when no discount is platform-funded (the revenue is then the net). What
#: the priced line is built from on first read, and the trace of its taxes.
_Figures: TypeAlias = tuple[
    _Line, str, Decimal, Decimal, Decimal, Decimal | None, Decimal | None, Decimal | None
]
