"""The measures a seller runs on, computed from a set of orders (pure functions, no I/O).

:func:`measure_orders` takes orders (their ``history`` of
:class:`~salesorder.domain.orders.StatusChange` entries is the source of every time),
optionally the shipments (for the shipping fees the seller paid) and the stock ledger with
the products' unit costs (for inventory turnover), and returns :class:`OrderMeasures`:
plain records for pandas (:meth:`OrderMeasures.records`, :meth:`OrderMeasures.order_records`),
a text table (``str()``) and an HTML table that a notebook renders (``_repr_html_``).

Definitions (each figure is also documented where it is computed):

- **Cycle time**: from placement to the first time the order reached ``cycle_end``
  (delivered by default; completed is the other usual choice). Orders that never got there
  are left out.
- **Time in each stage**: per order, the time spent in a status, summed over its visits
  (on hold twice counts both); only finished visits count, so the status an order is in now
  does not. The median and 90th percentile are over the orders that finished a visit.
- **Median** is ``statistics.median`` (the mean of the two middle values for an even
  count, to the microsecond); the **90th percentile** is the nearest-rank percentile
  (:func:`nearest_rank`): the smallest value with at least 90% of the values at or below it,
  always one of the values.
- **Fulfilment rate**: orders shipped complete (they reached ``shipped``) over orders that
  were confirmed and are not cancelled.
- **On-time delivery**: orders delivered on or before their deadline over delivered orders
  that have one. The deadline is the order's ``requested_delivery_date`` (a date in
  ``timezone``), else placement plus ``promised_lead_time`` when given, or the
  ``promised_business_days``-th business day of ``calendar`` after the day of placement
  (:class:`~salesorder.domain.calendar.BusinessCalendar`: weekends and public holidays
  do not count).
- **Return rate**: delivered orders with at least one unit returned by the buyer over
  delivered orders (a parcel returned to sender was never delivered and is not a return).
- **Cancellation rate**: orders cancelled in full over all orders.
- **Profit per order**: over the orders that shipped something, per currency: the revenue
  (tax excluded, platform-funded discounts included: ``PricedLine.revenue``) minus the cost
  of the units the buyer kept, minus the shipping fees the seller paid. Units the buyer
  returned, and everything in a parcel returned to sender, are not kept: their shares of the
  line's revenue and cost are taken off (each split exactly with
  :func:`~salesorder.money.apportion`), which is what refunding those goods costs the seller,
  tax excluded, once they are back in stock. Buyer-paid shipping passes through and is left
  out; so are damaged returns written off (their cost is in the stock ledger) and refunds of
  the shipping charge. The margin is the total profit over the total kept revenue.
- **Inventory turnover**: cost of goods shipped in the period over the average inventory
  value in the period (:func:`inventory_turnover`).

Money stays :class:`~salesorder.money.Money`, exact, one figure per currency; only the
average and median profit per order and the average inventory value are divisions, rounded
half-even to the currency's minor unit (the turnover ratio is computed from the unrounded
value). Rates, the margin and the turnover are Decimal fractions at the context's precision.

Import from this package; its modules are how it is built, one concern each: ``stats`` the
statistics (median, nearest-rank percentile, rates) and how durations print, ``facts`` what
each order's history says, ``profit`` the profit per order, ``turnover`` the inventory
turnover from the stock ledger, and ``report`` the measures over a set of orders.
"""

from salesorder.domain.measures.facts import STAGES as STAGES
from salesorder.domain.measures.facts import OrderFacts, order_facts
from salesorder.domain.measures.profit import ProfitPerOrder
from salesorder.domain.measures.report import OrderMeasures, StageTime, measure_orders
from salesorder.domain.measures.stats import Durations, Rate, format_duration, nearest_rank
from salesorder.domain.measures.turnover import InventoryTurnover, inventory_turnover

__all__ = [
    "Durations",
    "InventoryTurnover",
    "OrderFacts",
    "OrderMeasures",
    "ProfitPerOrder",
    "Rate",
    "StageTime",
    "format_duration",
    "inventory_turnover",
    "measure_orders",
    "nearest_rank",
    "order_facts",
]
