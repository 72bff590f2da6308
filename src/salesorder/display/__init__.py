"""How salesorder's objects show themselves to people: a one-line repr and notebook HTML.

Orders, priced orders and their trace, invoices and credit notes, stock items and ledger
entries, allocations, shipments and tracking events, outbox items and notifications, the
application's summary and the order measures have a short ``repr`` (``<Order ORD-000001
CONFIRMED 2 lines Rp300.000,00 (C1)>``) and a ``_repr_html_`` that Jupyter renders: a
small, well-formed HTML fragment in which every text is escaped. Money is formatted by
:func:`salesorder.money.format_money` for a locale, as the demo prints it; a figure finer
than the currency's minor unit keeps at most four more places.

The objects do not know the shop's locale: they are shown in :func:`current_locale`
(``id_ID`` until :func:`use_locale` picks another), or in the one given to :func:`show`.
An application's summary is shown in its shop's locale. Pure: no I/O (the summary reads
the store through :meth:`SalesApp.summary <salesorder.services.app.SalesApp.summary>`),
and nothing here is imported by ``import salesorder``: the domain's classes import it on
first use.
"""

from salesorder.display._dispatch import Display, short_repr, show, to_html
from salesorder.display._format import (
    DEFAULT_LOCALE,
    EXTRA_PLACES,
    current_locale,
    money_text,
    resolve_locale,
    shorten_numbers,
    use_locale,
)
from salesorder.display.allocation import AllocationView, allocation_view
from salesorder.display.stock import Ledger, ledger

__all__ = [
    "DEFAULT_LOCALE",
    "EXTRA_PLACES",
    "AllocationView",
    "Display",
    "Ledger",
    "allocation_view",
    "current_locale",
    "ledger",
    "money_text",
    "resolve_locale",
    "short_repr",
    "shorten_numbers",
    "show",
    "to_html",
    "use_locale",
]
