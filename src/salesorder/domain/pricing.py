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
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import functools
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

import attrs
from attrs import AttrsInstance

from salesorder.domain.common import as_tuple, code
from salesorder.domain.pricelists import (
    PriceEntry,
    PriceList,
    PricingContext,
    _ranked,
    _reason,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind, PromotionScope, Voucher
from salesorder.domain.tax import TaxMode, TaxRate, TaxTreatment
from salesorder.exceptions import (
    AmountOutOfRange,
    CurrencyMismatch,
    TooManyDigits,
    ValidationError,
    VoucherNotApplicable,
)
from salesorder.money import (
    MAX_AMOUNT,
    Money,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    _integer_weights,
    _largest_remainder,
    _money,
    apportion,
    currency_info,
    decimal_isolated,
    to_decimal,
)

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

_T = TypeVar("_T", bound=AttrsInstance)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
_ONE = Decimal(1)


class DiscountKind(str, enum.Enum):
    """A percentage of the line, or a fixed amount off the line."""

    PERCENT = "percent"
    FIXED = "fixed"


@attrs.frozen(kw_only=True)
class Discount:
    """A line discount: ``Discount.of_percent("10")`` or ``Discount.of_amount(Money.of(...))``.

    A fixed discount is off the whole line (not per unit), in the order's currency.
    """

    kind: DiscountKind
    percent: Decimal = attrs.field(default=Decimal(0), converter=to_decimal)
    amount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind is DiscountKind.PERCENT:
            if not Decimal(0) <= self.percent <= _HUNDRED or self.amount is not None:
                raise ValidationError(
                    f"a percent discount needs 0 <= percent <= 100 and no amount, got "
                    f"percent={self.percent}, amount={self.amount}"
                )
        elif self.amount is None or self.amount.is_negative:
            raise ValidationError(f"a fixed discount needs an amount >= 0, got {self.amount}")

    @classmethod
    def of_percent(cls, percent: Decimal | int | str) -> Discount:
        """A percentage off the line amount."""
        return cls(kind=DiscountKind.PERCENT, percent=percent)

    @classmethod
    def of_amount(cls, amount: Money) -> Discount:
        """A fixed amount off the line."""
        return cls(kind=DiscountKind.FIXED, amount=amount)


@attrs.frozen(kw_only=True)
class LineToPrice:
    """What pricing needs of an order line.

    ``unit_price`` is the price given on the order (``price_fixed``) or the catalog price,
    used when no price list applies. Taxes are ``taxes`` (several, in order) or the single
    ``tax_rate``; neither means the line is outside tax. ``sku`` lets price lists and
    promotions find the line.
    """

    line_id: str = attrs.field(validator=code)
    quantity: int
    unit_price: Money
    tax_rate: TaxRate | None = None
    discount: Discount | None = None
    unit_cost: Money | None = None
    taxes: tuple[TaxRate, ...] = attrs.field(default=(), converter=as_tuple)
    sku: str = ""
    price_fixed: bool = False

    def __attrs_post_init__(self) -> None:
        if self.tax_rate is not None and self.taxes:
            raise ValidationError(
                f"line {self.line_id!r} gives both tax_rate and taxes; give one of them"
            )

    @property
    def rates(self) -> tuple[TaxRate, ...]:
        """The line's taxes in order of application."""
        if self.taxes:
            return self.taxes
        return () if self.tax_rate is None else (self.tax_rate,)


@attrs.frozen(kw_only=True)
class LineTax:
    """One tax on one line: its base (net, plus earlier taxes when compound) and amount."""

    tax_code: str
    tax_rate: Decimal
    effective_rate: Decimal
    base: Money
    amount: Money
    compound: bool = False
    treatment: TaxTreatment = TaxTreatment.TAXABLE


@attrs.frozen(kw_only=True)
class PricedLine:
    """A priced line. All amounts are rounded to the currency's minor units.

    ``list_amount - discount`` is the line's gross when tax is included, its net otherwise.
    ``tax`` is the sum of ``taxes``; ``tax_code`` and ``tax_rate`` are the first tax's (empty
    and 0 for a line outside tax). ``platform_discount`` is the part of ``discount`` the
    marketplace platform funds; ``seller_revenue`` is the net plus the platform-funded part
    (tax excluded). ``cost`` is unit cost x quantity (zero when unknown).
    """

    line_id: str
    quantity: int
    unit_price: Money
    list_amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    tax_code: str
    tax_rate: Decimal
    cost: Money
    sku: str = ""
    taxes: tuple[LineTax, ...] = ()
    platform_discount: Money | None = None
    seller_revenue: Money | None = None

    @property
    def revenue(self) -> Money:
        """The seller's revenue, tax excluded, as net plus the platform-funded discount."""
        return self.net if self.seller_revenue is None else self.seller_revenue

    @property
    def profit(self) -> Money:
        """Revenue minus cost."""
        return self.revenue - self.cost

    @property
    @decimal_isolated
    def margin(self) -> Decimal:
        """Profit as a fraction of revenue (0 when the revenue is zero)."""
        revenue = self.revenue.amount
        return self.profit.amount / revenue if revenue else _ZERO


@attrs.frozen(kw_only=True)
class TaxSummary:
    """Tax of one rate on a document: the taxable base (sum of the lines' bases) and the tax.

    For Indonesia's PPN 12% on 11/12 of the price, ``tax_rate`` is 0.12, ``effective_rate``
    0.11 and ``base`` the price (net); the legal base (DPP) is ``base`` x 11/12.
    """

    tax_code: str
    tax_rate: Decimal
    effective_rate: Decimal
    base: Money
    tax: Money
    treatment: TaxTreatment = TaxTreatment.TAXABLE


class TraceKind(str, enum.Enum):
    """What a trace step explains."""

    PRICE = "price"
    DISCOUNT = "discount"
    TAX = "tax"
    ROUNDING = "rounding"
    SHIPPING = "shipping"
    NOTE = "note"


@attrs.frozen(kw_only=True)
class TraceStep:
    """One explained number: on which line ("" for the document), what, from where, how much.

    Attributes:
        line_id: the line, or "" for the document.
        kind: price, discount, tax, rounding, shipping or a note.
        source: the price list, promotion, voucher or tax code ("catalog", "manual"...).
        amount: the figure (for a rounding step, rounded minus exact).
        detail: why, in words.
    """

    line_id: str
    kind: TraceKind
    source: str
    amount: Money | None
    detail: str

    def __str__(self) -> str:
        where = f"line {self.line_id}" if self.line_id else "order"
        amount = f" {self.amount}" if self.amount is not None else ""
        return f"{where}: {self.kind.value} [{self.source}]{amount}: {self.detail}"


@attrs.frozen(kw_only=True, eq=False)
class PricingTrace:
    """Why every number of a priced order is what it is; ``str()`` prints one step a line.

    Two traces are equal when their steps are. The trace :func:`price_order` returns keeps
    the figures of its run and formats them into steps when ``steps`` is first read (the
    words and ``Money`` of every step were half of what pricing cost); it reads, compares,
    serializes and pickles as a trace made with those steps.
    """

    steps: tuple[TraceStep, ...] = ()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PricingTrace):
            return NotImplemented
        return self.steps == other.steps

    def __hash__(self) -> int:
        return hash(self.steps)

    def __str__(self) -> str:
        return "\n".join(str(step) for step in self.steps)

    def for_line(self, line_id: str) -> tuple[TraceStep, ...]:
        """The steps of one line."""
        return tuple(step for step in self.steps if step.line_id == line_id)

    def of_kind(self, kind: TraceKind) -> tuple[TraceStep, ...]:
        """The steps of one kind."""
        return tuple(step for step in self.steps if step.kind is kind)


def _empty_trace() -> PricingTrace:
    return PricingTrace()


_get_steps = PricingTrace.__dict__["steps"].__get__  # the attrs slot, under the property
_set_steps = PricingTrace.__dict__["steps"].__set__


class _DeferredTrace(PricingTrace):
    """A :class:`PricingTrace` whose steps a :class:`_Recorder` builds on first read."""

    __slots__ = ("_recorder",)

    _recorder: _Recorder | None

    def __init__(
        self, recorder: _Recorder | None = None, *, steps: Sequence[TraceStep] = ()
    ) -> None:
        object.__setattr__(self, "_recorder", recorder)
        if recorder is None:  # attrs.evolve passes the fields: a trace of those steps
            _set_steps(self, tuple(steps))

    @property
    def steps(self) -> tuple[TraceStep, ...]:
        """The steps, built from the recorded figures on first read, then kept."""
        recorder = self._recorder
        if recorder is not None:
            _set_steps(self, recorder.build())
            object.__setattr__(self, "_recorder", None)  # the figures are no longer needed
        return _get_steps(self)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return repr(PricingTrace(steps=self.steps))

    def __reduce__(self) -> tuple[type[PricingTrace], tuple[()], dict[str, object]]:
        # Pickled (and copied) as the plain trace it reads as.
        return PricingTrace, (), {"steps": self.steps}


@attrs.frozen(kw_only=True)
class PricedOrder:
    """The priced lines, the exact document totals and the trace.

    ``gross`` is what the buyer pays for the goods; ``shipping - shipping_discount`` is
    the shipping still charged. ``platform_discount`` is the part of the discounts a
    marketplace platform funds.
    """

    currency: str
    tax_mode: TaxMode
    policy: RoundingPolicy
    lines: tuple[PricedLine, ...]
    tax_summary: tuple[TaxSummary, ...]
    list_amount: Money
    discount: Money
    net: Money
    tax: Money
    gross: Money
    cost: Money
    shipping: Money | None = None
    shipping_discount: Money | None = None
    platform_discount: Money | None = None
    vouchers: tuple[str, ...] = ()
    trace: PricingTrace = attrs.Factory(_empty_trace)

    @property
    def revenue(self) -> Money:
        """The seller's revenue from the goods, tax excluded (platform-funded part included)."""
        return Money.sum((line.revenue for line in self.lines), self.currency)

    @property
    def profit(self) -> Money:
        """Revenue minus cost over the whole order."""
        return self.revenue - self.cost

    @property
    @decimal_isolated
    def margin(self) -> Decimal:
        """Profit as a fraction of revenue (0 when the revenue is zero)."""
        revenue = self.revenue.amount
        return self.profit.amount / revenue if revenue else _ZERO

    @property
    def shipping_due(self) -> Money:
        """The shipping charge after shipping discounts (zero when none was priced)."""
        if self.shipping is None:
            return Money.zero(self.currency)
        discount = self.shipping_discount or Money.zero(self.currency)
        return self.shipping - discount

    def line(self, line_id: str) -> PricedLine:
        """The priced line with ``line_id``."""
        for priced in self.lines:
            if priced.line_id == line_id:
                return priced
        raise KeyError(line_id)


# ---------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------


class _Rounder:
    """Quantize to the policy's digits (the currency's minor units by default) with its mode.

    A rounder never changes once built.
    """

    __slots__ = ("digits", "mode", "quantum", "scale", "strict")

    def __init__(self, currency: str, mode: RoundingMode, digits: int | None) -> None:
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

    def __call__(self, value: Decimal) -> Decimal:
        return value.quantize(self.quantum, rounding=self.mode)


# Both are pure functions of immutable values, built once per process rather than once per
# order (a _Rounder or _Taxes is never changed after it is built).
@functools.lru_cache(maxsize=64)
def _rounder(currency: str, mode: RoundingMode, digits: int | None = None) -> _Rounder:
    return _Rounder(currency, mode, digits)


class _Taxes:
    """A line's taxes with their shares of the net (compound ones grow with earlier taxes)."""

    __slots__ = ("effective", "multiplier", "notes", "prefixes", "rates", "shares", "single")

    def __init__(self, rates: tuple[TaxRate, ...]) -> None:
        self.rates = rates
        # Computed once per distinct set of taxes (the rate's effective rate is Fraction
        # arithmetic), not once per line.
        self.effective = [rate.effective_rate for rate in rates]
        self.notes = [
            f" (statutory {rate.rate} on {rate.base_factor} of the base)"
            if rate.base_factor != 1
            else ""
            for rate in rates
        ]
        #: How a trace step about each tax starts ("PPN 12%: 0.11 of ").
        self.prefixes = [
            f"{rate.name}: {effective} of "
            for rate, effective in zip(rates, self.effective, strict=True)
        ]
        shares: list[Decimal] = []
        total = _ZERO
        for rate, effective in zip(rates, self.effective, strict=True):
            share = effective * (_ONE + total) if rate.compound else effective
            shares.append(share)
            total += share
        self.shares = shares
        self.multiplier = _ONE + total
        #: The effective rate of a line's one simple tax (the common case), else None.
        self.single = self.effective[0] if len(rates) == 1 and not rates[0].compound else None

    def on(
        self, amount: Decimal, mode: TaxMode, rounding: _Rounder, currency: str
    ) -> list[Decimal]:
        """Each tax of ``amount`` (net when excluded, gross when included), rounded."""
        rates = self.rates
        if not rates:
            return []
        if mode is TaxMode.EXCLUDED:
            taxes: list[Decimal] = []
            before = _ZERO
            for rate, effective in zip(rates, self.effective, strict=True):
                base = amount + before if rate.compound else amount
                tax = rounding(base * effective)
                taxes.append(tax)
                before += tax
            return taxes
        total = amount - rounding(amount / self.multiplier)
        if len(rates) == 1:
            return [total]
        if not total or not any(self.shares):
            return [_ZERO] * len(rates)
        return _split(total, self.shares, rounding, currency)


class _Line:
    """A line being priced (mutable working state of the engine)."""

    __slots__ = (
        "discount",
        "exact",
        "left",
        "list_amount",
        "manual",
        "platform",
        "ranked",
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
        ranked: Sequence[tuple[PriceList, PriceEntry]] | None,
    ) -> None:
        self.source = source
        self.taxes = taxes
        self.unit = unit
        self.exact = exact  # unit price x quantity, before rounding
        self.list_amount = list_amount
        #: The candidate lists, best first (None: no list looked at); for the trace.
        self.ranked = ranked
        self.left = list_amount
        self.discount = _ZERO
        self.platform = _ZERO
        self.tax: list[Decimal] = []
        #: The line's own discount: exact, rounded and taken (None: it has none).
        self.manual: tuple[Decimal, Decimal, Decimal] | None = None


class _Recorder:
    """The trace of one pricing run, kept as the figures the run computed anyway.

    Each entry is a function and its arguments; :meth:`build` calls them in turn on one
    list of steps, so the steps come out in the order the run recorded them. Formatting
    waits for the first read of :attr:`PricingTrace.steps` and happens under the decimal
    context the run used, so it gives what formatting during the run would have given.
    """

    __slots__ = ("context", "entries")

    def __init__(self) -> None:
        self.entries: list[tuple[Callable[..., None], tuple[object, ...]]] = []
        self.context = decimal.getcontext().copy()

    def later(self, build: Callable[..., None], *args: object) -> None:
        """Record that ``build(steps, *args)`` appends this part of the trace."""
        self.entries.append((build, args))

    def add(self, step: TraceStep) -> None:
        """Record a step already made (the rare ones: notes, shipping)."""
        self.entries.append((list.append, (step,)))

    def build(self) -> tuple[TraceStep, ...]:
        """The steps, in the order recorded."""
        steps: list[TraceStep] = []
        with decimal.localcontext(self.context):
            for build, args in self.entries:
                build(steps, *args)
        return tuple(steps)


def _filler(cls: type[_T]) -> Callable[..., _T]:
    """A fast constructor for ``cls``, a frozen slotted attrs class with nothing to check.

    It takes every field, in the class's field order or by keyword (positional is faster
    for the wide classes, keywords are clearer), and fills the slots directly, as the
    attrs ``__init__`` does but without its per-field ``object.__setattr__`` calls. Only
    for classes whose fields have no validator or converter and that have
    no ``__attrs_post_init__`` (defaults do not matter: every field is given), so nothing is
    skipped but the frozen guard. The engine builds its results with it (checked values
    from checked inputs).
    """
    fields = attrs.fields(cls)
    plain = all(field.validator is None and field.converter is None for field in fields)
    names = [field.name for field in fields]
    # Every slot is a field (no cached hash or other hidden state the __init__ would set).
    slots = set(cls.__dict__.get("__slots__", ("__dict__",))) - {"__weakref__"}
    if not plain or hasattr(cls, "__attrs_post_init__") or slots != set(names):
        raise TypeError(f"{cls.__name__} needs its own __init__")
    namespace: dict[str, object] = {"new": object.__new__, "cls": cls}
    namespace.update({f"set_{name}": cls.__dict__[name].__set__ for name in names})
    source = "\n".join(
        [
            f"def make({', '.join(names)}):",
            "    self = new(cls)",
            *(f"    set_{name}(self, {name})" for name in names),
            "    return self",
        ]
    )
    # Generated like attrs' own __init__ (one straight line per slot, no loop).
    exec(source, namespace)  # noqa: S102 - the source is built above from field names only
    return namespace["make"]  # type: ignore[return-value]


_new_line_tax = _filler(LineTax)
_new_priced_line = _filler(PricedLine)
_new_priced_order = _filler(PricedOrder)
_new_tax_summary = _filler(TaxSummary)
_new_step = _filler(TraceStep)


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


def _split(
    total: Decimal, weights: list[Decimal], rounding: _Rounder, currency: str
) -> list[Decimal]:
    """:func:`~salesorder.money.apportion` on Decimals, without the Money round trip.

    The same parts as apportion; anything apportion would refuse goes to it, which raises.
    """
    quantum, scale = rounding.quantum, rounding.scale
    numerator, denominator = total.as_integer_ratio()
    if weights and not scale % denominator:
        # Weights in minor units (what the engine splits over always is); scaling every
        # weight by the same factor leaves the largest-remainder parts unchanged.
        ints: list[int] = []
        for weight in weights:
            top, bottom = weight.as_integer_ratio()
            if top < 0 or scale % bottom:
                ints = _integer_weights(weights)  # finer weights, or apportion's error
                break
            ints.append(top * (scale // bottom))
        whole = sum(ints)
        if whole:
            units = numerator * (scale // denominator)
            return [Decimal(part) * quantum for part in _largest_remainder(units, ints, whole)]
    return [m.amount for m in apportion(Money._make(total, currency), weights)]


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
) -> PricedOrder:
    """Price an order; see the module docstring for the rules and their order.

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

    Raises:
        CurrencyMismatch: an amount is in another currency than the order
            (``PriceListCurrencyMismatch`` for the chosen price list).
        PriceListConflict: two price lists tie for a line.
        VoucherExpired: a voucher is outside its validity window.
        VoucherNotApplicable: the order does not meet a voucher's conditions.
        TooManyDigits: ``policy.digits`` is set (a shop's money policy) and a stated unit
            price (the line's, or the chosen price list's) has more decimal places.
        AmountOutOfRange: a line or the order comes to 10**14 or more
            (:data:`~salesorder.money.MAX_AMOUNT`).
        ValidationError: ``policy.digits`` is more than the currency's minor units.

    Runs under the library's decimal context, whatever the caller's.
    """
    rounding = _rounder(currency, policy.mode, policy.digits)
    record = _Recorder() if trace else None
    if context is None:
        if price_lists or promotions or vouchers:
            raise ValidationError("price lists, promotions and vouchers need a pricing context")
        context = _NO_CONTEXT
    work = _list_prices(
        lines, currency, tax_mode, context=context, price_lists=price_lists, rounding=rounding
    )
    if record is not None:
        record.later(_price_trace, work, tax_mode)
    _manual_discounts(work, rounding, currency, record)
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
    if policy.place is RoundingPlace.PER_LINE:
        _line_taxes(work, tax_mode, rounding, currency)
    else:
        _document_taxes(work, tax_mode, rounding, currency, record)
    zero = _money(_ZERO, currency)
    priced: list[PricedLine] = []
    # The document totals, summed on Decimals in line order (exact), wrapped once.
    list_amount = discount = net = tax = gross = cost = platform = _ZERO
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
    priced_lines = tuple(priced)
    _within_limits(work, list_amount, gross)
    if record is not None:
        record.later(_finish_trace, work, priced_lines, tax_mode)
    return _new_priced_order(
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
    )


def _within_limits(work: Sequence[_Line], list_amount: Decimal, gross: Decimal) -> None:
    """Refuse an order whose amounts salesorder cannot carry (``MAX_AMOUNT``)."""
    for line in work:
        if abs(line.list_amount) >= MAX_AMOUNT:
            raise AmountOutOfRange(f"line {line.source.line_id!r} list amount", line.list_amount)
    for what, value in (("order list amount", list_amount), ("order gross", gross)):
        if abs(value) >= MAX_AMOUNT:
            raise AmountOutOfRange(what, value)


#: The trace of an order priced with ``trace=False`` (an immutable value, shared).
_NO_TRACE = PricingTrace()


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
        # Shared by equal rates from separate objects (see _taxes_of); the identity cache
        # in front spares keying the rates again for every line that shares them.
        same = id(line.taxes) if line.taxes else id(line.tax_rate)
        taxes = by_identity.get(same)
        if taxes is None:
            taxes = by_identity[same] = _taxes_of(line.rates)
        unit = line.unit_price
        if rounding.strict:
            _stated(unit, rounding.digits, line.line_id)
        ranked: Sequence[tuple[PriceList, PriceEntry]] | None = None  # None: no list looked at
        if price_lists and not line.price_fixed:
            # What choose_price decides; its reason is worded only if the trace is read.
            if only is not None:
                entry = only.entry_for(line.sku, line.quantity)
                ranked = () if entry is None else ((only, entry),)
            else:
                ranked = _ranked(applicable, line.sku, line.quantity, context, currency)
            if ranked:
                best, entry = ranked[0]
                unit = entry.unit_price
                if rounding.strict:
                    _stated(unit, rounding.digits, line.line_id)
                if best.tax_mode is not tax_mode:
                    factor = taxes.multiplier
                    amount = (
                        unit.amount / factor
                        if tax_mode is TaxMode.EXCLUDED
                        else unit.amount * factor
                    )
                    unit = _money(amount, currency)
        exact = unit.amount * line.quantity
        list_amount = exact.quantize(quantum, mode)
        work.append(_Line(line, taxes, unit, exact, list_amount, ranked))
    return work


def _price_trace(steps: list[TraceStep], work: list[_Line], tax_mode: TaxMode) -> None:
    """Trace each line's list price: where it comes from, and its rounding."""
    reasons: dict[tuple[int, int], str] = {}
    for line in work:
        _price_steps(steps, line, tax_mode, reasons)


def _price_steps(
    steps: list[TraceStep], work_line: _Line, tax_mode: TaxMode, reasons: dict[tuple[int, int], str]
) -> None:
    line, ranked, unit = work_line.source, work_line.ranked, work_line.unit
    exact, list_amount = work_line.exact, work_line.list_amount
    if ranked is None:
        reason = "price given on the order" if line.price_fixed else "unit price"
        source = "order" if line.price_fixed else "line"
    elif not ranked:
        reason = "catalog price: no price list applies"
        source = "catalog"
    else:
        best, entry = ranked[0]
        source = best.code
        # The same list and tier give the same reason: built once per order.
        key = (id(best), entry.min_quantity)
        found = reasons.get(key) if len(ranked) == 1 else None
        if found is None:
            found = _reason(ranked)
            if len(ranked) == 1:
                reasons[key] = found
        reason = found
        if best.tax_mode is not tax_mode:
            if tax_mode is TaxMode.EXCLUDED:
                reason += f"; tax removed (/ {work_line.taxes.multiplier})"
            else:
                reason += f"; tax added (x {work_line.taxes.multiplier})"
    currency = unit.currency
    steps.append(
        _new_step(
            line_id=line.line_id,
            kind=TraceKind.PRICE,
            source=source,
            amount=_money(list_amount, currency),
            detail=f"{line.quantity} x {unit.amount}: {reason}",
        )
    )
    if exact != list_amount:
        _rounding_step(
            steps, line.line_id, "list amount", exact=exact, rounded=list_amount, cur=currency
        )


def _rounding_step(
    steps: list[TraceStep], line_id: str, what: str, *, exact: Decimal, rounded: Decimal, cur: str
) -> None:
    steps.append(
        _new_step(
            line_id=line_id,
            kind=TraceKind.ROUNDING,
            source=what,
            amount=_money(rounded - exact, cur),
            detail=f"{exact} rounded to {rounded}",
        )
    )


def _take(line: _Line, amount: Decimal, funder: Funder) -> Decimal:
    """Take ``amount`` off the line, capped at what is left; returns what was taken."""
    amount = min(amount, line.left)
    line.left -= amount
    line.discount += amount
    if funder is Funder.PLATFORM:
        line.platform += amount
    return amount


def _manual_discounts(
    work: list[_Line], rounding: _Rounder, currency: str, record: _Recorder | None
) -> None:
    """Take each line's own discount off it (see ``_Line.manual``)."""
    for line in work:
        discount = line.source.discount
        if discount is None:
            continue
        if discount.kind is DiscountKind.PERCENT:
            exact = line.list_amount * discount.percent / _HUNDRED
            value = rounding(exact)
        else:
            assert discount.amount is not None  # noqa: S101 - guaranteed by Discount's validation
            if discount.amount.currency != currency:
                raise CurrencyMismatch(currency, discount.amount.currency, "discount")
            exact = value = rounding(discount.amount.amount)
        line.manual = (exact, value, _take(line, value, Funder.SELLER))
    if record is not None:
        record.later(_manual_trace, work, currency)


def _manual_trace(steps: list[TraceStep], work: list[_Line], currency: str) -> None:
    """Trace each line's own discount and its rounding."""
    for line in work:
        discount = line.source.discount
        if line.manual is None or discount is None:
            continue
        exact, value, taken = line.manual
        if not (taken or value):
            continue
        if discount.kind is DiscountKind.PERCENT:
            detail = f"{discount.percent}% of {line.list_amount}"
        else:
            detail = f"{discount.amount} off the line"
        if taken < value:
            detail += f", capped at the line ({taken})"
        steps.append(
            _new_step(
                line_id=line.source.line_id,
                kind=TraceKind.DISCOUNT,
                source="manual",
                amount=_money(taken, currency),
                detail=detail,
            )
        )
        if exact != value:
            _rounding_step(
                steps, line.source.line_id, "discount", exact=exact, rounded=value, cur=currency
            )


def _label(promotion: Promotion, voucher: Voucher | None) -> str:
    return promotion.code if voucher is None else f"{promotion.code} (voucher {voucher.code})"


def _choose_promotions(
    promotions: Sequence[Promotion],
    vouchers: Sequence[Voucher],
    context: PricingContext,
    currency: str,
    record: _Recorder | None,
) -> list[tuple[Promotion, Voucher | None]]:
    """The promotions that apply, in the order of application (see the module docstring)."""
    found: list[tuple[Promotion, Voucher | None]] = []
    for promotion in promotions:
        if (
            promotion.automatic
            and promotion.is_valid_on(context.on)
            and promotion.eligible_for(context.channel, context.customer_group)
        ):
            promotion.check_currency(currency)
            found.append((promotion, None))
    for voucher in vouchers:
        voucher.check(order_id=context.order_id, customer_id=context.customer_id, on=context.on)
        promotion = voucher.promotion
        if not promotion.eligible_for(context.channel, context.customer_group):
            raise VoucherNotApplicable(
                f"voucher {voucher.code!r} is not for channel {context.channel!r} or customer "
                f"group {context.customer_group!r} (channels {list(promotion.channels)}, "
                f"groups {list(promotion.customer_groups)})"
            )
        promotion.check_currency(currency)
        found.append((promotion, voucher))
    if len(found) < 2:  # nothing to rank, nothing to exclude
        return found
    found.sort(key=lambda pv: (-pv[0].priority, pv[0].code))
    exclusive = next((pv for pv in found if pv[0].exclusive), None)
    if exclusive is not None and len(found) > 1:
        for pair in found:
            if pair is exclusive:
                continue
            if pair[1] is not None:
                raise VoucherNotApplicable(
                    f"voucher {pair[1].code!r} cannot be combined with exclusive "
                    f"{exclusive[0].thing}"
                )
            if record is not None:
                record.add(
                    _new_step(
                        line_id="",
                        kind=TraceKind.NOTE,
                        source=pair[0].code,
                        amount=None,
                        detail=f"not applied: {exclusive[0].thing} is exclusive",
                    )
                )
        found = [exclusive]
    found.sort(key=lambda pv: _SCOPE_ORDER[pv[0].scope])  # stable: keeps the ranking
    return found


_SCOPE_ORDER = {PromotionScope.LINE: 0, PromotionScope.ORDER: 1, PromotionScope.SHIPPING: 2}


def _apply_promotions(
    chosen: list[tuple[Promotion, Voucher | None]],
    work: list[_Line],
    shipping: Decimal,
    *,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> Decimal:
    """Apply the chosen promotions in turn; returns what they took off ``shipping``."""
    shipping_left = shipping
    shipping_off = _ZERO
    for promotion, voucher in chosen:
        if promotion.scope is not PromotionScope.SHIPPING:
            _apply_promotion(
                promotion, voucher, work, rounding=rounding, currency=currency, record=record
            )
            continue
        off = _shipping_discount(promotion, shipping_left, rounding)
        if not off:
            continue
        shipping_left -= off
        shipping_off += off
        if record is not None:
            record.add(
                _new_step(
                    line_id="",
                    kind=TraceKind.SHIPPING,
                    source=_label(promotion, voucher),
                    amount=_money(off, currency),
                    detail=f"{promotion.kind.value} off the shipping charge, "
                    f"funded by {promotion.funded_by.value}",
                )
            )
    return shipping_off


def _shipping_discount(promotion: Promotion, left: Decimal, rounding: _Rounder) -> Decimal:
    if promotion.kind is PromotionKind.FREE_SHIPPING:
        off = left
    elif promotion.kind is PromotionKind.SHIPPING_PERCENT:
        off = rounding(left * promotion.percent / _HUNDRED)
    else:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        off = rounding(promotion.amount.amount)
    if promotion.max_discount is not None:
        off = min(off, promotion.max_discount.amount)
    return min(off, left)


def _line_parts(promotion: Promotion, eligible: list[_Line], rounding: _Rounder) -> list[Decimal]:
    """What a line promotion takes off each eligible line, before caps."""
    kind = promotion.kind
    if kind is PromotionKind.LINE_PERCENT:
        percent, quantum, mode = promotion.percent, rounding.quantum, rounding.mode
        return [(line.left * percent / _HUNDRED).quantize(quantum, mode) for line in eligible]
    if kind is PromotionKind.LINE_FIXED:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        return [min(rounding(promotion.amount.amount), line.left) for line in eligible]
    if kind is PromotionKind.BUY_X_GET_Y:
        group = promotion.buy_quantity + promotion.get_quantity
        return [
            min(
                rounding(
                    line.unit.amount * (line.source.quantity // group) * promotion.get_quantity
                ),
                line.left,
            )
            for line in eligible
        ]
    # A bundle: one unit of each member SKU for the bundle price, as many times as the
    # scarcest member allows.
    assert promotion.amount is not None  # noqa: S101 - validated by Promotion
    members: dict[str, _Line] = {}
    for line in eligible:
        members.setdefault(line.source.sku, line)
    if len(members) < len(set(promotion.skus)):
        return [_ZERO] * len(eligible)
    bundles = min(line.source.quantity for line in members.values())
    normal = sum((line.unit.amount for line in members.values()), _ZERO) * bundles
    total = rounding(normal - promotion.amount.amount * bundles)
    left = sum((line.left for line in members.values()), _ZERO)
    total = min(max(total, _ZERO), left)
    parts = [_ZERO] * len(eligible)
    if total:
        weights = [line.left for line in members.values()]
        shares = apportion(Money._make(total, promotion.amount.currency), weights)
        index = {id(line): i for i, line in enumerate(eligible)}
        for line, share in zip(members.values(), shares, strict=True):
            parts[index[id(line)]] = share.amount
    return parts


def _not_applied(promotion: Promotion, eligible: list[_Line], work: list[_Line]) -> str:
    """Why ``promotion`` does not apply to the order, or "" when it does."""
    if not eligible:
        return "no eligible line"
    if promotion.min_spend is not None:
        # Minimum spend is measured on list amounts, before any discount, so that one
        # discount can never switch another one off (adding a discount never raises what
        # the buyer pays).
        spend = sum((line.list_amount for line in work), _ZERO)
        if spend < promotion.min_spend.amount:
            return f"spend {spend} is below the minimum {promotion.min_spend.amount}"
    return ""


def _take_parts(eligible: list[_Line], parts: list[Decimal], funder: Funder) -> list[Decimal]:
    """:func:`_take` each part off its line (inlined); returns what each line gave."""
    platform = funder is Funder.PLATFORM
    given: list[Decimal] = []
    for line, part in zip(eligible, parts, strict=True):
        taken = min(part, line.left)
        line.left -= taken
        line.discount += taken
        if platform:
            line.platform += taken
        given.append(taken)
    return given


def _order_parts(
    promotion: Promotion, eligible: list[_Line], rounding: _Rounder, currency: str
) -> list[Decimal]:
    """An order promotion's total, spread over the eligible lines by what each has left."""
    weights = [line.left for line in eligible]
    left = sum(weights, _ZERO)
    if promotion.kind is PromotionKind.ORDER_PERCENT:
        total = rounding(left * promotion.percent / _HUNDRED)
    else:
        assert promotion.amount is not None  # noqa: S101 - validated by Promotion
        total = min(rounding(promotion.amount.amount), left)
    return _split(total, weights, rounding, currency)


def _take_percent(promotion: Promotion, eligible: list[_Line], rounding: _Rounder) -> list[Decimal]:
    """A percent off each line, uncapped: _line_parts and _take_parts in one pass."""
    quantum, mode = rounding.quantum, rounding.mode
    # x * p / 100 == x * (p / 100) digit for digit: dividing by 100 only moves the exponent.
    factor = promotion.percent / _HUNDRED
    platform = promotion.funded_by is Funder.PLATFORM
    given: list[Decimal] = []
    for line in eligible:
        left = line.left
        taken = min((left * factor).quantize(quantum, mode), left)
        line.left = left - taken
        line.discount += taken
        if platform:
            line.platform += taken
        given.append(taken)
    return given


def _eligible(promotion: Promotion, work: list[_Line]) -> list[_Line]:
    """The lines ``promotion`` may take something off."""
    if promotion.kind is PromotionKind.BUNDLE_PRICE:
        # A bundle is made of what was bought: a line an earlier discount made free still
        # counts as a member (what the bundle takes off is capped by what is left).
        return [line for line in work if promotion.covers(line.source.sku)]
    if promotion.skus:
        return [line for line in work if promotion.covers(line.source.sku) and line.left]
    return [line for line in work if line.left]


def _apply_promotion(
    promotion: Promotion,
    voucher: Voucher | None,
    work: list[_Line],
    *,
    rounding: _Rounder,
    currency: str,
    record: _Recorder | None,
) -> None:
    eligible = _eligible(promotion, work)
    reason = _not_applied(promotion, eligible, work)
    if reason:
        if voucher is not None:
            raise VoucherNotApplicable(f"voucher {voucher.code!r} does not apply: {reason}")
        if record is not None:
            record.add(
                _new_step(
                    line_id="",
                    kind=TraceKind.NOTE,
                    source=promotion.code,
                    amount=None,
                    detail=f"not applied: {reason}",
                )
            )
        return
    cap = promotion.max_discount
    if cap is None and promotion.kind is PromotionKind.LINE_PERCENT:
        given = _take_percent(promotion, eligible, rounding)
    else:
        if promotion.scope is PromotionScope.ORDER:
            parts = _order_parts(promotion, eligible, rounding, currency)
        else:
            parts = _line_parts(promotion, eligible, rounding)
        if cap is not None and sum(parts, _ZERO) > cap.amount and any(parts):
            capped = rounding(cap.amount)
            parts = _split(capped, parts, rounding, currency)
        given = _take_parts(eligible, parts, promotion.funded_by)
    if record is not None:
        # The label now: a voucher is mutable (its uses), its promotion is not.
        label = _label(promotion, voucher)
        record.later(_discount_trace, promotion, label, eligible, given, currency)


def _discount_trace(  # noqa: PLR0917 - the arguments _apply_promotion recorded
    steps: list[TraceStep],
    promotion: Promotion,
    label: str,
    eligible: list[_Line],
    given: list[Decimal],
    currency: str,
) -> None:
    """Trace what one promotion took off each line."""
    detail = f"{promotion.kind.value}, funded by {promotion.funded_by.value}"
    for line, taken in zip(eligible, given, strict=True):
        if taken:
            steps.append(
                _new_step(
                    line_id=line.source.line_id,
                    kind=TraceKind.DISCOUNT,
                    source=label,
                    amount=_money(taken, currency),
                    detail=detail,
                )
            )


def _line_taxes(work: list[_Line], tax_mode: TaxMode, rounding: _Rounder, currency: str) -> None:
    """Per line: each line's taxes on its own amount, rounded."""
    excluded = tax_mode is TaxMode.EXCLUDED
    quantum, mode = rounding.quantum, rounding.mode
    for line in work:
        single = line.taxes.single
        if excluded and single is not None:  # _Taxes.on for one simple tax, inlined
            line.tax = [(line.left * single).quantize(quantum, mode)]
        else:
            line.tax = line.taxes.on(line.left, tax_mode, rounding, currency)


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
        for position, tax in enumerate(taxes.on(subtotal, tax_mode, rounding, currency)):
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
    tax = _ZERO + amounts[0] if len(amounts) == 1 else sum(amounts, _ZERO)  # sum(), unrolled
    net, gross = (after, after + tax) if tax_mode is TaxMode.EXCLUDED else (after - tax, after)
    list_m = _money(line.list_amount, currency)
    net_m = list_m if not net.compare_total(line.list_amount) else _money(net, currency)
    tax_m = _money(tax, currency)
    gross_m = list_m if not gross.compare_total(line.list_amount) else _money(gross, currency)
    if taxes.single is not None:
        # One simple tax (the common case): the loop of _line_tax_records, unrolled.
        rate = rates[0]
        amount = amounts[0]
        line_taxes: tuple[LineTax, ...] = (
            _new_line_tax(  # positional, in LineTax's field order
                rate.code,  # tax_code
                rate.rate,  # tax_rate
                taxes.single,  # effective_rate
                net_m,  # base
                tax_m if not amount.compare_total(tax) else _money(amount, currency),  # amount
                False,  # compound
                rate.treatment,  # treatment
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


def _finish_trace(
    steps: list[TraceStep], work: list[_Line], priced: tuple[PricedLine, ...], tax_mode: TaxMode
) -> None:
    """Trace each line's net (its rounding, when tax is included) and taxes."""
    for line, done in zip(work, priced, strict=True):
        taxes = line.taxes
        if tax_mode is TaxMode.INCLUDED and taxes.rates:
            exact_net, net = line.left / taxes.multiplier, done.net.amount
            if exact_net != net:
                cur = done.net.currency
                _rounding_step(steps, done.line_id, "net", exact=exact_net, rounded=net, cur=cur)
        for index, record in enumerate(done.taxes):
            _tax_steps(
                steps, line, index, base=record.base.amount, amount=record.amount, tax_mode=tax_mode
            )


def _tax_steps(
    steps: list[TraceStep],
    line: _Line,
    index: int,
    *,
    base: Decimal,
    amount: Money,
    tax_mode: TaxMode,
) -> None:
    """Trace one tax of a line (and its rounding, when tax is excluded)."""
    taxes = line.taxes
    code_ = taxes.rates[index].code
    line_id = line.source.line_id
    exact = base * taxes.effective[index] if tax_mode is TaxMode.EXCLUDED else None
    detail = f"{taxes.prefixes[index]}{base}{taxes.notes[index]}"
    if exact is None:
        detail += f", included in {line.left} (share {taxes.shares[index]} of {taxes.multiplier})"
    steps.append(
        _new_step(line_id=line_id, kind=TraceKind.TAX, source=code_, amount=amount, detail=detail)
    )
    if exact is not None and exact != amount.amount:
        rounded = amount.amount
        _rounding_step(steps, line_id, code_, exact=exact, rounded=rounded, cur=amount.currency)


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
        _new_tax_summary(
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
        _new_tax_summary(
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
