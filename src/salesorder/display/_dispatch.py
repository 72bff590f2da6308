"""Which renderer shows which object: a table by type, looked up along the class's MRO."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from salesorder.display import allocation, app, documents, orders, outbox, shipping, stock
from salesorder.display._format import resolve_locale
from salesorder.display._html import Html, block
from salesorder.domain.allocation import Allocation, BatchAllocation
from salesorder.domain.allocation.optimize import ExactSolution
from salesorder.domain.inventory import StockItem, StockMovement
from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.domain.measures import OrderMeasures
from salesorder.domain.notifications import OutboxEntry
from salesorder.domain.orders import Order
from salesorder.domain.outbox import OutboxItem
from salesorder.domain.pricing import PricedOrder, PricingTrace
from salesorder.domain.shipping import Shipment, TrackingEvent
from salesorder.exceptions import ValidationError
from salesorder.services.summary import AppSummary

__all__ = ["Display", "short_repr", "show", "to_html"]

_Repr = Callable[[Any, str], str]
_Render = Callable[[Any, str], Html]


def _own_repr(view: OrderMeasures | stock.Ledger | allocation.AllocationView, locale: str) -> str:
    """The repr of a value that has its own (no amount in it: ``locale`` changes nothing)."""
    del locale
    return repr(view)


def _own_html(view: OrderMeasures | stock.Ledger | allocation.AllocationView, locale: str) -> Html:
    """The HTML of a value that renders itself in ``locale``."""
    return Html(view.html(locale))


#: The one-line repr and the HTML of each kind of object shown.
_RENDERERS: dict[type[Any], tuple[_Repr, _Render]] = {
    Order: (orders.order_repr, orders.order_html),
    PricedOrder: (orders.priced_repr, orders.priced_html),
    PricingTrace: (orders.trace_repr, orders.trace_html),
    Invoice: (documents.invoice_repr, documents.invoice_html),
    CreditNote: (documents.credit_note_repr, documents.credit_note_html),
    StockItem: (stock.stock_repr, stock.stock_html),
    StockMovement: (stock.movement_repr, stock.movement_html),
    Allocation: (allocation.allocation_repr, allocation.allocation_html),
    BatchAllocation: (allocation.batch_repr, allocation.batch_html),
    ExactSolution: (allocation.solution_repr, allocation.solution_html),
    Shipment: (shipping.shipment_repr, shipping.shipment_html),
    TrackingEvent: (shipping.event_repr, shipping.event_html),
    OutboxItem: (outbox.item_repr, outbox.item_html),
    OutboxEntry: (outbox.entry_repr, outbox.entry_html),
    AppSummary: (app.summary_repr, app.summary_html),
    OrderMeasures: (_own_repr, _own_html),
    stock.Ledger: (_own_repr, _own_html),
    allocation.AllocationView: (_own_repr, _own_html),
}

#: A sequence of entries of one kind shown as one table.
_TABLES: dict[type[Any], Callable[[Sequence[Any]], Html]] = {
    StockMovement: lambda entries: stock.ledger(entries).html(),
    TrackingEvent: shipping.events_html,
    OutboxItem: outbox.items_html,
    OutboxEntry: outbox.entries_html,
}


def _renderers(value: object) -> tuple[_Repr, _Render] | None:
    for kind in type(value).__mro__:
        found = _RENDERERS.get(kind)
        if found is not None:
            return found
    return None


def _own_locale(value: object, locale: str | None) -> str:
    """``locale``, else the shop's locale the value carries (a summary), else the current."""
    if locale is None and isinstance(value, AppSummary):
        return resolve_locale(value.locale)
    return resolve_locale(locale)


def _check(value: object) -> None:
    """Refuse what cannot be shown, naming its type.

    Raises:
        ValidationError: ``value`` is neither an object :mod:`salesorder.display` shows nor
            a list or tuple of them.
    """
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if _renderers(item) is None:
                raise ValidationError(
                    f"salesorder.display cannot show item {index} of the "
                    f"{type(value).__name__}, a {type(item).__name__}"
                )
    elif _renderers(value) is None:
        raise ValidationError(f"salesorder.display cannot show a {type(value).__name__}")


def short_repr(value: object, locale: str | None = None) -> str:
    """The one-line repr of ``value`` (at most a couple of hundred characters).

    An object not yet whole (its ``__init__`` still running) reads ``<Order ...>``; one
    :mod:`salesorder.display` does not show, ``<its type>``.

    Raises:
        ValidationError: ``locale`` is not a locale babel knows.
    """
    if locale is not None:
        resolve_locale(locale)
    found = _renderers(value)
    if found is None:
        return f"<{type(value).__name__}>"
    try:
        return found[0](value, _own_locale(value, locale))
    except AttributeError:  # a field not set yet: repr must not fail while it is built
        return f"<{type(value).__name__} ...>"


def to_html(value: object, locale: str | None = None) -> str:
    """``value`` as a well-formed HTML fragment in ``locale`` (default: the current one).

    A list or tuple of stock ledger entries, tracking events, outbox items or notifications
    is one table; any other list or tuple shows each of its objects in turn.

    Raises:
        ValidationError: ``value`` cannot be shown (see :func:`show`), or ``locale`` is not
            a locale babel knows.
    """
    _check(value)
    resolve_locale(locale)
    if isinstance(value, (list, tuple)):
        kinds = {type(item) for item in value}
        if len(kinds) == 1:
            for kind in next(iter(kinds)).__mro__:
                if kind in _TABLES:
                    return _TABLES[kind](value)
        parts = [Html(to_html(item, locale)) for item in value]
        return block("objects", f"{len(parts)} objects", *parts)
    found = _renderers(value)
    assert found is not None  # noqa: S101 - _check refused the rest
    return found[1](value, _own_locale(value, locale))


@attrs.frozen(repr=False)
class Display:
    """An object shown in a locale: what :func:`show` returns, for a notebook cell."""

    value: object
    locale: str | None = None

    def html(self) -> str:
        """The HTML fragment."""
        return to_html(self.value, self.locale)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        value = self.value
        if isinstance(value, (list, tuple)):
            return f"<{len(value)} objects>"
        return short_repr(value, self.locale)


def show(value: object, locale: str | None = None) -> Display:
    """``value`` to be shown in ``locale`` (a notebook renders what this returns).

    ``value`` is an order, priced order, pricing trace, invoice, credit note, stock item,
    ledger entry, allocation (one order's, a batch's, the exact optimizer's), shipment,
    tracking event, outbox item, notification, application summary or order measures, or
    a list or tuple of them. Without ``locale``, the current one (:func:`use_locale`).

    Raises:
        ValidationError: ``value`` is none of those, or ``locale`` is not a locale babel
            knows; nothing is rendered.
    """
    _check(value)
    if locale is not None:
        resolve_locale(locale)
    return Display(value, locale)
