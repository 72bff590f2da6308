"""Hypothesis strategies for salesorder's values, shipped so you can test your own code with them.

Every strategy builds valid objects through the public constructors and domain methods, so
whatever it draws keeps the models' invariants. They compose: most take a ``currency`` (a
code, a strategy of codes, or None for any of :func:`currencies`), and the aggregates are
built from the smaller strategies::

    from hypothesis import given
    from salesorder.testing import strategies as sst

    @given(sst.orders(currency="IDR"))
    def test_my_report_adds_up(order):
        assert my_report(order).total == order.total

Amounts are drawn as whole numbers of minor units (then scaled), which is fast and shrinks
to small, readable values. Default bounds keep amounts below ten million major units, so
Decimal arithmetic on them is exact at the default 28-digit precision.

Import from this package; its modules are how it is built, one concern each: ``basics``
(codes, texts, timestamps and the ``Spec`` convention), ``amounts`` (currencies, money,
rounding, weights), ``catalog`` (products, customers, warehouses), ``pricing`` (tax rates,
discounts, priced lines, price lists, promotions), ``ordering`` (channels, order lines,
orders), ``stock``, ``shipping``, ``billing`` (e-invoice answers, invoices, series,
payments) and ``marketplaces``.
"""

from salesorder.testing.strategies.amounts import (
    CURRENCIES,
    currencies,
    decimals_for,
    money,
    rounding_modes,
    rounding_policies,
    weights,
    weights_kg,
)
from salesorder.testing.strategies.basics import Spec as Spec
from salesorder.testing.strategies.basics import T as T
from salesorder.testing.strategies.basics import codes, texts, timestamps
from salesorder.testing.strategies.billing import SAMPLE_TAX_IDS as SAMPLE_TAX_IDS
from salesorder.testing.strategies.billing import (
    einvoice_statuses,
    invoice_series,
    invoices,
    payments,
)
from salesorder.testing.strategies.catalog import (
    addresses,
    customers,
    dimensions,
    products,
    warehouses,
)
from salesorder.testing.strategies.marketplaces import marketplace_orders, marketplace_pages
from salesorder.testing.strategies.ordering import GENERATED_STATUSES as GENERATED_STATUSES
from salesorder.testing.strategies.ordering import channels, order_lines, orders
from salesorder.testing.strategies.pricing import (
    KNOWN_TAX_RATES,
    discounts,
    lines_to_price,
    price_lists,
    priced_orders,
    promotions,
    tax_modes,
    tax_rates,
)
from salesorder.testing.strategies.shipping import shipment_requests, shipments, tracking_events
from salesorder.testing.strategies.stock import reservations, stock_items, stock_quantities

__all__ = [
    "CURRENCIES",
    "KNOWN_TAX_RATES",
    "addresses",
    "channels",
    "codes",
    "currencies",
    "customers",
    "decimals_for",
    "dimensions",
    "discounts",
    "einvoice_statuses",
    "invoice_series",
    "invoices",
    "lines_to_price",
    "marketplace_orders",
    "marketplace_pages",
    "money",
    "order_lines",
    "orders",
    "payments",
    "price_lists",
    "priced_orders",
    "products",
    "promotions",
    "reservations",
    "rounding_modes",
    "rounding_policies",
    "shipment_requests",
    "shipments",
    "stock_items",
    "stock_quantities",
    "tax_modes",
    "tax_rates",
    "texts",
    "timestamps",
    "tracking_events",
    "warehouses",
    "weights",
    "weights_kg",
]
