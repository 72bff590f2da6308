"""The priced lines and orders :func:`~salesorder.domain.pricing.price_order` returns.

Private to :mod:`salesorder.domain.pricing`. The engine computes every figure of a line
and of the order (net, tax, gross, cost... as Decimals; every check and every error
happens then) and keeps them; the :class:`PricedLine` and :class:`PricedOrder` it returns
wrap them in ``Money``, :class:`LineTax` and :class:`TaxSummary` the first time one of
their fields is read, all fields at once, and then read as any priced line or order. The
``Money`` and records of every line were about a third of what pricing cost, and a caller
who stores the order, or looks at its totals only, need not pay them line by line.

Nothing tells a deferred result from a plain one but its type: it compares, hashes,
prints, copies, pickles and serializes as the plain value of the same fields
(``tests/unit/test_pricing_fast_paths.py`` holds it to that). How it defers: the fields are
attrs slots left empty until the first read, where Python calls ``__getattr__``, which
fills every slot; later reads are plain slot reads. An order's fields that need no
building (its lines, trace, policy...) are filled at once, so reading the trace or the
lines builds no totals.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from salesorder.domain.pricing._speed import _money, _new_line_tax
from salesorder.domain.pricing._work import _ZERO, _Figures, _Line
from salesorder.domain.pricing.model import LineTax, PricedLine, PricedOrder, PricingTrace
from salesorder.domain.pricing.taxes import _line_tax_records, _tax_summary
from salesorder.domain.tax import TaxKind, TaxMode
from salesorder.money import Money, RoundingPolicy
from salesorder.numbers import DECIMAL_CONTEXT

#: An order's figures: (currency, tax mode, policy, the priced lines, the lines' working
#: state, the Decimal sums of the lines (list amount, discount, net, tax, gross, cost,
#: platform discount, rounding difference, withheld), the shipping charge, what promotions
#: took off it, the voucher codes, the trace, whether a line has special taxes).
_OrderFigures = tuple[
    str,
    TaxMode,
    RoundingPolicy,
    tuple[PricedLine, ...],
    list[_Line],
    tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal],
    Money | None,
    Decimal,
    tuple[str, ...],
    PricingTrace,
    bool,
]


class _Deferred:  # noqa: PLW1641 - each subclass takes its plain class's __hash__
    """What makes a deferred result read as its plain attrs class (``_plain``).

    A subclass adds the ``_figures`` slot and names the function that turns the figures
    into the plain class's fields, in field order (``_fields_of``).
    """

    __slots__ = ()

    _plain: ClassVar[type[Any]]
    _names: ClassVar[frozenset[str]]
    _setters: ClassVar[list[Callable[[object, object], None]]]
    _figures: Any

    @staticmethod
    def _fields_of(figures: Any) -> tuple[object, ...]:
        raise NotImplementedError

    def __init_subclass__(cls) -> None:
        plain = cls._plain
        fields = attrs.fields(plain)
        cls._names = frozenset(field.name for field in fields)
        cls._setters = [plain.__dict__[field.name].__set__ for field in fields]
        cls.__hash__ = plain.__hash__  # type: ignore[assignment,method-assign] # same fields, same hash

    def __getattr__(self, name: str) -> Any:
        # Called only for a field not yet filled (or an attribute that does not exist).
        if name not in self._names:
            raise AttributeError(name)
        figures = self._figures
        if figures is not None:  # None: another thread filled the slots meanwhile
            for setter, value in zip(self._setters, self._fields_of(figures), strict=True):
                setter(self, value)
            object.__setattr__(self, "_figures", None)  # the figures are no longer needed
        return object.__getattribute__(self, name)  # the slot, without this fallback

    # The attrs __eq__ of the plain class refuses any other class; a deferred result is
    # equal to the plain one of the same fields, either way round (Python tries a
    # subclass's __eq__ first). The subclass keeps the plain class's __hash__.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self._plain):
            return NotImplemented
        return self._plain.__getstate__(self) == self._plain.__getstate__(other)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return repr(_as_plain(self))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (and copied) as the plain value it reads as: a new one of the plain
        # class, its state set by attrs' __setstate__ (what unpickling a plain one does).
        return _new_object, (self._plain,), self._plain.__getstate__(self)


def _as_plain(result: _Deferred) -> object:
    """The plain attrs value of the same fields as ``result``."""
    plain = result._plain
    value = _new_object(plain)
    plain.__setstate__(value, plain.__getstate__(result))
    return value


class _DeferredLine(_Deferred, PricedLine):
    """A :class:`PricedLine` whose fields are built from the engine's figures on first read."""

    __slots__ = ("_figures",)
    _plain = PricedLine

    @staticmethod
    def _fields_of(figures: _Figures) -> tuple[object, ...]:
        return _values(figures)


class _DeferredOrder(_Deferred, PricedOrder):
    """A :class:`PricedOrder` whose totals are built from the engine's figures on first read."""

    __slots__ = ("_figures",)
    _plain = PricedOrder

    @staticmethod
    def _fields_of(figures: _OrderFigures) -> tuple[object, ...]:
        return _order_values(figures)


_new_object = object.__new__
_set_order_figures = _DeferredOrder.__dict__["_figures"].__set__
_set_figures = _DeferredLine.__dict__["_figures"].__set__


def _deferred_lines(figures: list[_Figures]) -> tuple[PricedLine, ...]:
    """The priced lines of ``figures``, their fields built on first read."""
    lines: list[PricedLine] = []
    for each in figures:
        line = _new_object(_DeferredLine)
        _set_figures(line, each)
        lines.append(line)
    return tuple(lines)


def _deferred_order(figures: _OrderFigures) -> PricedOrder:
    """The priced order of ``figures``, its totals built on first read."""
    order: PricedOrder = _new_object(_DeferredOrder)
    _set_order_figures(order, figures)
    # What needs no building is there at once: reading the trace or the lines builds no
    # totals. Only the fields left empty are built (all of them, on the first read of one).
    for setter, index in _AT_ONCE:
        setter(order, figures[index])
    return order


#: The order's fields that are figures as they stand: (slot setter, index in the figures).
_AT_ONCE = [
    (PricedOrder.__dict__[name].__set__, index)
    for name, index in (
        ("currency", 0),
        ("tax_mode", 1),
        ("policy", 2),
        ("lines", 3),
        ("shipping", 6),
        ("vouchers", 8),
        ("trace", 9),
    )
]


def _values(figures: _Figures) -> tuple[object, ...]:
    """The fields of a priced line, in :class:`PricedLine`'s order, from its figures.

    Money values are immutable, so one object may stand for several fields: equal
    Decimals (same value, exponent and sign: compare_total is 0) share one Money, and one
    zero stands for every untouched zero.
    """
    line, currency, net, tax, gross, withheld, cost, revenue = figures
    source = line.source
    taxes = line.taxes
    zero = _money(_ZERO, currency)
    list_m = _money(line.list_amount, currency)
    net_m = list_m if not net.compare_total(line.list_amount) else _money(net, currency)
    tax_m = _money(tax, currency)
    gross_m = list_m if not gross.compare_total(line.list_amount) else _money(gross, currency)
    one = taxes.one
    if one is not None:
        # One tax (the common case): its base is the net, its amount the line's tax; the
        # loop of _line_tax_records, unrolled.
        amount = line.tax[0]
        legal = line.legal
        line_taxes: tuple[LineTax, ...] = (
            _new_line_tax(  # positional, in LineTax's field order
                one.code,  # tax_code
                one.rate,  # tax_rate
                taxes.effective[0],  # effective_rate
                net_m,  # base
                tax_m if not amount.compare_total(tax) else _money(amount, currency),  # amount
                False,  # compound
                one.treatment,  # treatment
                None if legal is None or legal[0] is None else _money(legal[0], currency),
                taxes.reasons[0],  # exemption_reason
                taxes.codes[0],  # exemption_code
                TaxKind.PERCENT,  # kind
            ),
        )
    else:
        # A compound tax's base is a sum: under the library's context, as in the run.
        with decimal.localcontext(DECIMAL_CONTEXT):
            line_taxes = _line_tax_records(line, net, net_m, tax, tax_m)
    # Nothing platform-funded (the common case): the revenue is the net.
    platform_m = zero if line.platform is _ZERO else _money(line.platform, currency)
    if revenue is None or not revenue.compare_total(net):
        revenue_m = net_m
    else:
        revenue_m = _money(revenue, currency)
    first = taxes.rates[0] if taxes.rates else None
    difference = line.difference
    return (
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
        zero if cost is None else _money(cost, currency),  # cost
        source.sku,  # sku
        line_taxes,  # taxes
        platform_m,  # platform_discount
        revenue_m,  # seller_revenue
        zero if difference is _ZERO else _money(difference, currency),  # rounding_difference
        None if not withheld else _money(withheld, currency),  # withheld
    )


def _order_values(figures: _OrderFigures) -> tuple[object, ...]:
    """The fields of a priced order, in :class:`PricedOrder`'s order, from its figures."""
    (
        currency,
        tax_mode,
        policy,
        lines,
        work,
        sums,
        shipping,
        shipping_off,
        vouchers,
        trace,
        special,
    ) = figures
    list_amount, discount, net, tax, gross, cost, platform, difference, withheld = sums
    with decimal.localcontext(DECIMAL_CONTEXT):  # the summary's sums, as in the run
        summary = _tax_summary(work, lines, net=net, tax=tax, currency=currency)
    return (
        currency,  # currency
        tax_mode,  # tax_mode
        policy,  # policy
        lines,  # lines
        summary,  # tax_summary
        _money(list_amount, currency),  # list_amount
        _money(discount, currency),  # discount
        _money(net, currency),  # net
        _money(tax, currency),  # tax
        _money(gross, currency),  # gross
        _money(cost, currency),  # cost
        shipping,  # shipping
        None if shipping is None else _money(shipping_off, currency),  # shipping_discount
        _money(platform, currency),  # platform_discount
        vouchers,  # vouchers
        trace,  # trace
        _money(difference, currency),  # rounding_difference
        _money(withheld, currency) if special and withheld else None,  # withheld
    )
