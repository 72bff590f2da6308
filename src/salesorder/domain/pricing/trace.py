"""The trace: recorded during a pricing run, worded into steps when first read.

Private to :mod:`salesorder.domain.pricing`. The run records, for each part of the trace,
a function of this module and the figures it computed anyway (:class:`_Recorder`); the
:class:`_DeferredTrace` it returns calls them on the first read of ``steps``, under the
decimal context of the run. So pricing pays little for a trace nobody reads, and a trace
read later says what the run saw (the words and ``Money`` of every step were half of what
pricing cost). The words put Decimals in with ``!s``: ``str`` gives the text ``format``
gives them (under the library's context), at a quarter of the cost.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from decimal import Decimal

from salesorder.domain.pricelists import PriceChoice, _reason
from salesorder.domain.pricing._speed import _step
from salesorder.domain.pricing._work import _EXCLUDED, _INCLUDED, _ZERO, _Figures, _Line
from salesorder.domain.pricing.model import (
    Discount,
    DiscountKind,
    PricingTrace,
    TraceKind,
    TraceStep,
)
from salesorder.domain.promotions import Promotion
from salesorder.domain.tax import TaxMode


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
        # The run's context, kept, not copied: price_order and price_shipping run under a
        # private copy of the library's (decimal_isolated), which nothing changes after the run.
        self.context = decimal.getcontext()

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


# _DeferredTrace's ``steps`` property hides the attrs slot of the same name, so the slot is
# read and filled through its descriptor. Not a speed trick: it is how the deferred trace
# stays a PricingTrace (same slot, same eq, hash, JSON and pickle) while building on read.
_get_steps = PricingTrace.__dict__["steps"].__get__
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


# The kinds of the steps made once per line, read once (see _work._EXCLUDED for why).
_PRICE = TraceKind.PRICE
_DISCOUNT = TraceKind.DISCOUNT
_TAX = TraceKind.TAX
_ROUNDING = TraceKind.ROUNDING

#: The trace of an order priced with ``trace=False`` (an immutable value, shared).
_NO_TRACE = PricingTrace()


def _price_trace(steps: list[TraceStep], work: list[_Line], tax_mode: TaxMode) -> None:
    """Trace each line's list price: where it comes from, and its rounding."""
    # A tier of the one applicable list gives the same reason: worded once per order. The
    # tier is the key: every (list, entry) of a run is that one list's (see _work._Listed).
    reasons: dict[int | Decimal, str] = {}
    for work_line in work:
        line, listed, unit = work_line.source, work_line.listed, work_line.unit
        list_mode: TaxMode | None = None
        if listed is None:
            reason = "price given on the order" if line.price_fixed else "unit price"
            source = "order" if line.price_fixed else "line"
        elif isinstance(listed, PriceChoice):  # chosen among several lists, worded then
            reason, list_mode = listed.reason, listed.tax_mode
            source = "catalog" if listed.price_list is None else listed.price_list
        elif not listed:
            reason = "catalog price: no price list applies"
            source = "catalog"
        else:  # the one applicable list priced the line: what choose_price would say
            best, entry = listed
            source, list_mode = best.code, best.tax_mode
            tier = entry.min_quantity
            reason = reasons.get(tier) or reasons.setdefault(tier, _reason((listed,)))
        if list_mode is not None and list_mode is not tax_mode:
            if tax_mode is _EXCLUDED:
                reason += f"; tax removed (/ {work_line.taxes.multiplier!s})"
            else:
                reason += f"; tax added (x {work_line.taxes.multiplier!s})"
        line_id, exact, list_amount = line.line_id, work_line.exact, work_line.list_amount
        detail = f"{line.quantity!s} x {unit.amount!s}: {reason}"
        steps.append(_step(line_id, _PRICE, source, list_amount, unit.currency, detail))
        if exact != list_amount:
            _rounding_step(steps, line_id, "list amount", exact, list_amount, unit.currency)


def _rounding_step(  # noqa: PLR0917 - once per rounding of every line: positional is faster
    steps: list[TraceStep], line_id: str, what: str, exact: Decimal, rounded: Decimal, cur: str
) -> None:
    """Trace a rounding: ``exact`` rounded to ``rounded``, the step's amount their difference."""
    detail = f"{exact!s} rounded to {rounded!s}"
    steps.append(_step(line_id, _ROUNDING, what, rounded - exact, cur, detail))


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
            detail = f"{discount.percent!s}% of {line.list_amount!s}"
        else:
            detail = f"{discount.amount} off the line"
        if taken < value:
            detail += f", capped at the line ({taken!s})"
        steps.append(_step(line.source.line_id, _DISCOUNT, "manual", taken, currency, detail))
        if exact != value:
            _rounding_step(steps, line.source.line_id, "discount", exact, value, currency)


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
            steps.append(_step(line.source.line_id, _DISCOUNT, label, taken, currency, detail))


def _order_discount_trace(  # noqa: PLR0917 - the arguments _order_discount recorded
    steps: list[TraceStep],
    discount: Discount,
    work: list[_Line],
    given: list[Decimal],
    exact: Decimal,
    total: Decimal,
    currency: str,
) -> None:
    """Trace the caller's order discount: its rounding, and what it took off each line."""
    if discount.kind is DiscountKind.PERCENT:
        detail = f"{discount.percent}% off the order"
    else:
        detail = f"{discount.amount} off the order"
    detail += ", spread over the lines by what each has left"
    if exact != total:
        _rounding_step(steps, "", "order discount", exact, total, currency)
    for line, taken in zip(work, given, strict=True):
        if taken:
            line_id = line.source.line_id
            steps.append(_step(line_id, _DISCOUNT, "order discount", taken, currency, detail))


def _finish_trace(steps: list[TraceStep], figures: list[_Figures], tax_mode: TaxMode) -> None:
    """Trace each line's net (its rounding, when tax is included), taxes and their rounding."""
    included = tax_mode is _INCLUDED
    for line, cur, net, tax, gross, _withheld, _cost, _revenue in figures:
        taxes = line.taxes
        line_id = line.source.line_id
        if included and taxes.rates and not taxes.special:
            exact_net = line.left / taxes.multiplier
            if exact_net != net:
                _rounding_step(steps, line_id, "net", exact_net, net, cur)
        amounts, legals = line.tax, line.legal
        for index, wording in enumerate(taxes.wording[included]):
            code, head, note, rounded, legal_tail, legal_rate, base_rate, share_tail, sources = (
                wording
            )
            base = net + sum((amounts[i] for i in sources), _ZERO) if sources else net
            amount = amounts[index]
            legal = None if legals is None else legals[index]
            if legal is None:
                detail = f"{head}{base!s}{note}"
            else:
                detail = f"{head}{base!s}{note}, legal base {legal!s}{legal_tail}"
            if legal is not None and rounded:  # the regulation's route: the legal base taxed
                exact = None if legal_rate is None else legal * legal_rate
            else:
                exact = None if base_rate is None else base * base_rate
            if share_tail is not None:
                detail += f", included in {line.left!s}{share_tail}"
            steps.append(_step(line_id, _TAX, code, amount, cur, detail))
            if exact is not None and exact != amount:  # _rounding_step, inlined
                detail = f"{exact!s} rounded to {amount!s}"
                steps.append(_step(line_id, _ROUNDING, code, amount - exact, cur, detail))
        difference = line.difference
        if difference is not _ZERO and difference:
            detail = (
                f"gross {gross!s} - net {net!s} - tax {tax!s}: the tax is computed from the "
                "net, the buyer still pays the gross"
            )
            steps.append(_step(line_id, _ROUNDING, "rounding difference", difference, cur, detail))
