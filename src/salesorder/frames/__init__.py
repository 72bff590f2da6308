"""Orders, lines, stock, the ledger, invoices, payments, allocations and measures as tables.

Each function takes an app (read in a unit of work of its own), a unit of work already
open, or the objects themselves, and returns a :class:`Frame`: ``records()`` is one plain
dict per row (no pandas needed); ``to_pandas()`` a ``pandas.DataFrame`` with typed columns
(``pip install 'salesorder[frames]'``); ``to_polars()`` the same for polars
(``[polars]``).

Amounts come twice, exact: as ``Decimal`` (``gross``) and as an ``int`` of the currency's
minor units (``gross_minor``), beside a ``currency`` column; times are timezone-aware (UTC
in pandas), statuses and kinds categories with every value, quantities ``int`` or
``Decimal``. Summed, a money column gives the library's own total to the minor unit.
``docs/dataframes.md`` documents every column in one table.
"""

from salesorder.frames._billing import credit_notes, invoice_lines, invoices, payments
from salesorder.frames._frame import Column, ColumnKind, Frame, FramesUnavailable
from salesorder.frames._measures import measures, order_facts
from salesorder.frames._orders import (
    allocations,
    ledger,
    order_lines,
    orders,
    reservations,
    stock,
)
from salesorder.frames._sources import NotFrameable

__all__ = [
    "Column",
    "ColumnKind",
    "Frame",
    "FramesUnavailable",
    "NotFrameable",
    "allocations",
    "credit_notes",
    "invoice_lines",
    "invoices",
    "ledger",
    "measures",
    "order_facts",
    "order_lines",
    "orders",
    "payments",
    "reservations",
    "stock",
]
