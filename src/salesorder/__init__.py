"""salesorder: order-to-cash for Python, with exact money.

The public API is re-exported here; nothing else happens at import time (babel's locale data
loads on first use).

>>> from salesorder import Money
>>> Money.of("12.50", "IDR") + Money.of("0.50", "IDR")
Money.of('13.00', 'IDR')
"""

from salesorder.bootstrap import in_memory
from salesorder.documents import parse_xml, render_html, render_pdf, to_ubl
from salesorder.domain.allocation import (
    Allocation,
    AllocationStrategy,
    BackorderLine,
    ByPriority,
    CostModel,
    DemandLine,
    FewestShipments,
    LowestCost,
    Nearest,
    OrderDemand,
    Pick,
    ZoneTable,
    allocate_batch,
)
from salesorder.domain.catalog import Dimensions, Product, VariantAttribute
from salesorder.domain.channels import (
    Channel,
    ChannelKind,
    MarketplaceLine,
    MarketplaceOrder,
    MarketplacePage,
)
from salesorder.domain.customers import Address, Customer, CustomerKind, GeoPoint, Warehouse
from salesorder.domain.inventory import (
    ChannelStockRule,
    MovementKind,
    Reservation,
    StockItem,
    StockMovement,
    available_to_sell,
)
from salesorder.domain.invoicing import (
    AgeingBucket,
    AgeingReport,
    CreditNote,
    DocumentType,
    EInvoiceState,
    EInvoiceStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceRule,
    InvoiceSeries,
    InvoiceStatus,
    Party,
    PaymentState,
    ageing_report,
)
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import (
    CreditEntry,
    CustomerCredit,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    Refund,
)
from salesorder.domain.pricelists import PriceEntry, PriceList, PricingContext
from salesorder.domain.pricing import (
    Discount,
    LineToPrice,
    PricedOrder,
    PricingTrace,
    TaxMode,
    price_lines,
    price_order,
)
from salesorder.domain.promotions import Funder, Promotion, PromotionKind, Voucher
from salesorder.domain.shipping import FeePayer, ServiceLevel, Shipment, TrackingStatus
from salesorder.domain.tax import TaxRate, TaxRule, TaxTable, TaxTreatment, default_tax_table
from salesorder.domain.taxids import TaxIdentifier, validate_tax_id
from salesorder.domain.terms import Instalment, InstalmentDue, PaymentTerms, TermsKind
from salesorder.exceptions import (
    AllocationError,
    AmbiguousTaxRate,
    ConcurrencyConflict,
    CreditLimitExceeded,
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    FloatMoneyError,
    IllegalTransition,
    InsufficientStock,
    InvalidAddress,
    InvalidPromotion,
    InvalidQuantity,
    InvalidTaxId,
    MissingExchangeRate,
    NotFound,
    OptimizerUnavailable,
    PaymentError,
    PriceListConflict,
    PriceListCurrencyMismatch,
    ReservationNotFound,
    SalesOrderError,
    ScenarioError,
    StaleCount,
    TaxRateNotFound,
    UnknownCurrency,
    UnknownSKU,
    UnsafeXml,
    ValidationError,
    VoucherError,
    VoucherExpired,
    VoucherNotApplicable,
    VoucherUsedUp,
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
    "AgeingBucket",
    "AgeingReport",
    "Allocation",
    "AllocationError",
    "AllocationStrategy",
    "AmbiguousTaxRate",
    "BackorderLine",
    "ByPriority",
    "CashRounding",
    "CashRule",
    "Channel",
    "ChannelKind",
    "ChannelStockRule",
    "ConcurrencyConflict",
    "CostModel",
    "CreditEntry",
    "CreditLimitExceeded",
    "CreditNote",
    "CurrencyMismatch",
    "Customer",
    "CustomerCredit",
    "CustomerKind",
    "DemandLine",
    "Dimensions",
    "Discount",
    "DocumentType",
    "DuplicateError",
    "EInvoiceState",
    "EInvoiceStatus",
    "EmptyOrder",
    "FeePayer",
    "FewestShipments",
    "FloatMoneyError",
    "Funder",
    "GeoPoint",
    "IllegalTransition",
    "Instalment",
    "InstalmentDue",
    "InsufficientStock",
    "InvalidAddress",
    "InvalidPromotion",
    "InvalidQuantity",
    "InvalidTaxId",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceRule",
    "InvoiceSeries",
    "InvoiceStatus",
    "LineToPrice",
    "LowestCost",
    "MarketplaceLine",
    "MarketplaceOrder",
    "MarketplacePage",
    "MissingExchangeRate",
    "Money",
    "MovementKind",
    "Nearest",
    "NotFound",
    "OptimizerUnavailable",
    "Order",
    "OrderDemand",
    "OrderLine",
    "OrderStatus",
    "Party",
    "Payment",
    "PaymentAllocation",
    "PaymentError",
    "PaymentMethod",
    "PaymentState",
    "PaymentTerms",
    "Pick",
    "PriceEntry",
    "PriceList",
    "PriceListConflict",
    "PriceListCurrencyMismatch",
    "PricedOrder",
    "PricingContext",
    "PricingTrace",
    "Product",
    "Promotion",
    "PromotionKind",
    "Refund",
    "Reservation",
    "ReservationNotFound",
    "RoundingMode",
    "RoundingPlace",
    "RoundingPolicy",
    "SalesApp",
    "SalesOrderError",
    "ScenarioError",
    "ServiceLevel",
    "Settings",
    "Shipment",
    "StaleCount",
    "StockItem",
    "StockMovement",
    "TaxIdentifier",
    "TaxMode",
    "TaxRate",
    "TaxRateNotFound",
    "TaxRule",
    "TaxTable",
    "TaxTreatment",
    "TermsKind",
    "TrackingStatus",
    "UnknownCurrency",
    "UnknownSKU",
    "UnsafeXml",
    "ValidationError",
    "VariantAttribute",
    "Voucher",
    "VoucherError",
    "VoucherExpired",
    "VoucherNotApplicable",
    "VoucherUsedUp",
    "Warehouse",
    "ZoneTable",
    "__version__",
    "ageing_report",
    "allocate_batch",
    "apportion",
    "available_to_sell",
    "commands",
    "currency_info",
    "default_tax_table",
    "format_money",
    "in_memory",
    "parse_xml",
    "price_lines",
    "price_order",
    "render_html",
    "render_pdf",
    "split_evenly",
    "to_ubl",
    "validate_tax_id",
]
