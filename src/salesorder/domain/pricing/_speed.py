"""The pricing engine's speed helpers, each kept because the pricing benchmark needs it.

Private to :mod:`salesorder.domain.pricing`. ``benchmarks/bench_pricing.py`` times
:func:`~salesorder.domain.pricing.price_order` against a hand-written Decimal loop doing the
same work (the targets: at most 3x with the trace, 6x with every step read); these are
what that costs beyond plain code, and why:

- :func:`_filler` builds the result objects made once per line or once per trace step
  (:class:`LineTax`, :class:`TraceStep`) without attrs' ``__init__``. The objects made
  once per order (:class:`TaxSummary`) use their ordinary constructors: there the saving
  does not show. Priced lines and orders are built on first read
  (:mod:`~salesorder.domain.pricing._results`).
- :func:`_money` makes a :class:`~salesorder.money.Money` of an amount already checked,
  without the converter and validator (what ``Money._make`` does, as a plain function).
- :func:`_step` makes a trace step and its ``Money`` in one call, written out by hand: the
  trace makes one per line and per discount, tax and rounding of a line
  (``tests/unit/test_pricing_trace_words.py`` holds it to :class:`TraceStep`'s fields).
- :func:`_split` is :func:`~salesorder.money.apportion` on Decimals: the engine splits an
  order discount and each per-document tax this way, and apportion's Money and context
  round trip cost three times the split itself. It calls apportion's integer core,
  :func:`~salesorder.money.largest_remainder`, directly;
  ``tests/unit/test_pricing_fast_paths.py`` holds it to apportion, part by part, and
  anything apportion would refuse still goes to apportion, which raises.

The engine's other shortcut, the per-run ``id()``-keyed cache of each line's taxes, lives
where it is used (:func:`salesorder.domain.pricing.engine._list_prices`).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

import attrs
from attrs import AttrsInstance

from salesorder.domain.pricing._work import _Rounder
from salesorder.domain.pricing.model import LineTax, TraceKind, TraceStep
from salesorder.exceptions import AllocationError
from salesorder.money import Money, apportion, largest_remainder

_T = TypeVar("_T", bound=AttrsInstance)


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
_new_step = _filler(TraceStep)

_new_object = object.__new__
_set_amount = Money.__dict__["amount"].__set__  # attrs slot descriptors
_set_currency = Money.__dict__["currency"].__set__
#: TraceStep's slot setters, in its field order (tests hold them to its fields).
_STEP_FIELDS = ("line_id", "kind", "source", "amount", "detail")
_set_line_id, _set_kind, _set_source, _set_step_amount, _set_detail = (
    TraceStep.__dict__[name].__set__ for name in _STEP_FIELDS
)


def _money(amount: Decimal, currency: str) -> Money:
    """Money of an amount the engine computed from checked inputs: no converter, no validator.

    What ``Money._make`` does, as a plain function (no classmethod binding per call): the
    engine makes about six per line.
    """
    money = _new_object(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def _step(  # noqa: PLR0917 - once per step of every line: positional is the fast call
    line_id: str, kind: TraceKind, source: str, amount: Decimal, currency: str, detail: str
) -> TraceStep:
    """A trace step of ``amount`` in ``currency``: ``_new_step`` of ``_money``, in one call.

    The trace makes one per line and per discount, tax and rounding of a line; one Python
    call instead of two saves a twentieth of what a step costs.
    """
    money = _new_object(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    step = _new_object(TraceStep)
    _set_line_id(step, line_id)
    _set_kind(step, kind)
    _set_source(step, source)
    _set_step_amount(step, money)
    _set_detail(step, detail)
    return step


def _split(
    total: Decimal, weights: list[Decimal], rounding: _Rounder, currency: str
) -> list[Decimal]:
    """:func:`~salesorder.money.apportion` on Decimals, without the Money round trip.

    The same parts as apportion over non-negative weights; anything else apportion would
    refuse goes to it, which raises. Weights of either sign (a refund or discount line
    among positive lines) are split by largest remainder over their signed shares: the
    parts add up to ``total`` and each is within one unit of its exact share; weights
    adding up to zero are refused.
    """
    quantum, scale = rounding.quantum, rounding.scale
    numerator, denominator = total.as_integer_ratio()
    if weights and not scale % denominator:
        # Weights in minor units (what the engine splits over always is); scaling every
        # weight by the same factor leaves the largest-remainder parts unchanged.
        ints: list[int] = []
        for weight in weights:
            top, bottom = weight.as_integer_ratio()
            if scale % bottom:
                # Finer weights than the minor unit: apportion on the same unit gives the
                # same parts.
                shares = apportion(_money(total, currency), weights, quantum=quantum)
                return [share.amount for share in shares]
            ints.append(top * (scale // bottom))
        whole = sum(ints)
        signed = min(ints) < 0
        if signed and whole < 0:
            # The same shares over weights of the other sign, so the whole is positive:
            # floors then never overshoot, and the units left are fewer than the parts.
            ints, whole = [-weight for weight in ints], -whole
        if signed and not whole:
            raise AllocationError(f"cannot apportion {total}: the weights add up to zero")
        if whole:
            units = numerator * (scale // denominator)
            return [Decimal(part) * quantum for part in largest_remainder(units, ints, whole)]
    return [share.amount for share in apportion(_money(total, currency), weights)]
