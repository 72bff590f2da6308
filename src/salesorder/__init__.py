"""salesorder: order-to-cash for Python, with exact money.

The public API is re-exported here; nothing else happens at import time (babel's locale data
loads on first use).

>>> from salesorder import Money
>>> Money.of("12.50", "IDR") + Money.of("0.50", "IDR")
Money.of('13.00', 'IDR')
"""

from salesorder.bootstrap import in_memory
from salesorder.domain.catalog import Dimensions, Product, VariantAttribute
from salesorder.domain.channels import (
    Channel,
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplacePage,
)
from salesorder.domain.customers import Address, Customer, CustomerKind, GeoPoint, Warehouse
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.invoicing import (
    EInvoiceState,
    EInvoiceStatus,
    Invoice,
    InvoiceKind,
    InvoiceSeries,
    InvoiceStatus,
    Party,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.domain.pricing import Discount, PricedOrder, TaxMode, price_lines
from salesorder.domain.shipping import FeePayer, ServiceLevel, Shipment, TrackingStatus
from salesorder.domain.tax import TaxRate, TaxRule, TaxTable, default_tax_table
from salesorder.exceptions import (
    AllocationError,
    ConcurrencyConflict,
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    FloatMoneyError,
    IllegalTransition,
    InsufficientStock,
    InvalidAddress,
    InvalidQuantity,
    NotFound,
    PaymentError,
    SalesOrderError,
    ScenarioError,
    TaxRateNotFound,
    UnknownCurrency,
    UnknownSKU,
    ValidationError,
)
from salesorder.money import (
    CashRounding,
    CashRule,
    Money,
    RoundingMode,
    RoundingPlace,
    RoundingPolicy,
    apportion,
    currency_info,
    format_money,
    split_evenly,
)
from salesorder.services import commands
from salesorder.services.app import SalesApp, Settings


def __getattr__(name: str) -> str:
    # __version__ is read from the package metadata on first access, not at import time:
    # importlib.metadata alone costs about a third of the import budget.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

        try:
            return version("salesorder")
        except PackageNotFoundError:  # pragma: no cover - a source tree that is not installed
            return "0+unknown"
    raise AttributeError(f"module 'salesorder' has no attribute {name!r}")


__all__ = [
    "Address",
    "AllocationError",
    "CashRounding",
    "CashRule",
    "Channel",
    "ChannelKind",
    "ConcurrencyConflict",
    "CurrencyMismatch",
    "Customer",
    "CustomerKind",
    "Dimensions",
    "Discount",
    "DuplicateError",
    "EInvoiceState",
    "EInvoiceStatus",
    "EmptyOrder",
    "FeePayer",
    "FloatMoneyError",
    "GeoPoint",
    "IllegalTransition",
    "InsufficientStock",
    "InvalidAddress",
    "InvalidQuantity",
    "Invoice",
    "InvoiceKind",
    "InvoiceSeries",
    "InvoiceStatus",
    "MarketplaceLine",
    "MarketplaceOrder",
    "MarketplacePage",
    "Money",
    "NotFound",
    "Order",
    "OrderLine",
    "OrderStatus",
    "Party",
    "Payment",
    "PaymentError",
    "PaymentMethod",
    "PricedOrder",
    "Product",
    "Reservation",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "SalesApp",
    "SalesOrderError",
    "ScenarioError",
    "ServiceLevel",
    "Settings",
    "Shipment",
    "StockItem",
    "TaxMode",
    "TaxRate",
    "TaxRateNotFound",
    "TaxRule",
    "TaxTable",
    "TrackingStatus",
    "UnknownCurrency",
    "UnknownSKU",
    "ValidationError",
    "VariantAttribute",
    "Warehouse",
    "__version__",
    "apportion",
    "commands",
    "currency_info",
    "default_tax_table",
    "format_money",
    "in_memory",
    "price_lines",
    "split_evenly",
]
