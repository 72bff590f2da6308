"""Commands: what callers ask the application to do, as plain frozen values.

Each command is handled by :meth:`salesorder.services.app.SalesApp.execute`, which returns the
command's result type (``Command[R]`` returns ``R``). Commands are also the ``commands`` of a
scenario file, tagged by :attr:`Command.tag`.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel
from salesorder.domain.common import as_tuple, code, positive_int, whole_quantity
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.invoicing import EInvoiceState, InvoiceKind
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import Discount
from salesorder.domain.shipping import FeePayer, ServiceLevel, ShipmentStatus
from salesorder.money import Money

__all__ = [
    "AddCustomer",
    "AddLine",
    "AddProduct",
    "AddWarehouse",
    "CancelOrder",
    "ChangeAddress",
    "ChangeQuantity",
    "Command",
    "CompleteOrder",
    "ConfirmOrder",
    "ImportMarketplaceOrders",
    "IssueInvoice",
    "MarkDelivered",
    "NewLine",
    "PlaceOrder",
    "ReceiveStock",
    "RecordPayment",
    "RefreshEInvoice",
    "RemoveLine",
    "ReserveStock",
    "ShipOrder",
    "SubmitEInvoice",
    "SyncTracking",
]

R = TypeVar("R")


@attrs.frozen(kw_only=True)
class Command(Generic[R]):
    """Base of all commands; ``R`` is what executing it returns."""

    #: The command's tag in scenario files and JSON (``"place_order"``).
    tag: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class AddWarehouse(Command[None]):
    """Register a warehouse."""

    tag: ClassVar[str] = "add_warehouse"
    warehouse: Warehouse


@attrs.frozen(kw_only=True)
class AddProduct(Command[None]):
    """Add a product to the catalog; its ``initial_stock`` goes into ``warehouse``."""

    tag: ClassVar[str] = "add_product"
    product: Product
    warehouse: str | None = None


@attrs.frozen(kw_only=True)
class AddCustomer(Command[None]):
    """Register a customer."""

    tag: ClassVar[str] = "add_customer"
    customer: Customer


@attrs.frozen(kw_only=True)
class ReceiveStock(Command[int]):
    """Goods received into a warehouse; returns the new quantity on hand."""

    tag: ClassVar[str] = "receive_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)


@attrs.frozen(kw_only=True)
class NewLine:
    """A line to add to an order. ``unit_price`` defaults to the catalog price."""

    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    unit_price: Money | None = None
    discount: Discount | None = None


@attrs.frozen(kw_only=True)
class PlaceOrder(Command[str]):
    """Capture an order (web shop, manual entry...); returns the new order's id.

    The shipping address defaults to the customer's first address. The order is priced at
    once with the application's settings.
    """

    tag: ClassVar[str] = "place_order"
    customer_id: str = attrs.field(validator=code)
    lines: tuple[NewLine, ...] = attrs.field(converter=as_tuple)
    channel: Channel = attrs.Factory(Channel.web)
    external_ref: str = ""
    shipping_address: Address | None = None
    requested_delivery_date: dt.date | None = None
    notes: str = ""
    payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER


@attrs.frozen(kw_only=True)
class AddLine(Command[str]):
    """Add a line to a new order; returns the line id."""

    tag: ClassVar[str] = "add_line"
    order_id: str
    line: NewLine


@attrs.frozen(kw_only=True)
class RemoveLine(Command[None]):
    """Remove a line from a new order."""

    tag: ClassVar[str] = "remove_line"
    order_id: str
    line_id: str


@attrs.frozen(kw_only=True)
class ChangeQuantity(Command[None]):
    """Change a line's quantity on a new order."""

    tag: ClassVar[str] = "change_quantity"
    order_id: str
    line_id: str
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)


@attrs.frozen(kw_only=True)
class ChangeAddress(Command[None]):
    """Change the shipping address of a new order."""

    tag: ClassVar[str] = "change_address"
    order_id: str
    address: Address


@attrs.frozen(kw_only=True)
class ConfirmOrder(Command[None]):
    """Verify and confirm an order (it has lines, an address and a price)."""

    tag: ClassVar[str] = "confirm_order"
    order_id: str


@attrs.frozen(kw_only=True)
class ReserveStock(Command[str]):
    """Reserve every line in one warehouse; returns the warehouse code."""

    tag: ClassVar[str] = "reserve_stock"
    order_id: str


@attrs.frozen(kw_only=True)
class ShipOrder(Command[str]):
    """Book a courier for the reserved order; returns the shipment id."""

    tag: ClassVar[str] = "ship_order"
    order_id: str
    courier: str
    service: ServiceLevel = ServiceLevel.ECONOMY
    fee_payer: FeePayer = FeePayer.BUYER


@attrs.frozen(kw_only=True)
class SyncTracking(Command[ShipmentStatus]):
    """Pull the courier's updates for a shipment; a delivery marks the order delivered."""

    tag: ClassVar[str] = "sync_tracking"
    shipment_id: str


@attrs.frozen(kw_only=True)
class MarkDelivered(Command[None]):
    """Record a delivery by hand (a courier without tracking, a pickup at the shop)."""

    tag: ClassVar[str] = "mark_delivered"
    order_id: str


@attrs.frozen(kw_only=True)
class IssueInvoice(Command[str]):
    """Issue an invoice for the whole order with the next number; returns the invoice id."""

    tag: ClassVar[str] = "issue_invoice"
    order_id: str
    kind: InvoiceKind = InvoiceKind.SALES
    series: str = "INV"


@attrs.frozen(kw_only=True)
class SubmitEInvoice(Command[EInvoiceState]):
    """Submit an issued invoice to the e-invoice provider (idempotent)."""

    tag: ClassVar[str] = "submit_einvoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class RefreshEInvoice(Command[EInvoiceState]):
    """Poll the provider for the tax authority's answer."""

    tag: ClassVar[str] = "refresh_einvoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class RecordPayment(Command[str]):
    """Record money received; ``reference`` is unique. Returns the payment id."""

    tag: ClassVar[str] = "record_payment"
    order_id: str
    amount: Money
    method: PaymentMethod
    reference: str


@attrs.frozen(kw_only=True)
class CompleteOrder(Command[None]):
    """Close a delivered, fully paid order."""

    tag: ClassVar[str] = "complete_order"
    order_id: str


@attrs.frozen(kw_only=True)
class CancelOrder(Command[None]):
    """Cancel an order before shipping; its reservations are released."""

    tag: ClassVar[str] = "cancel_order"
    order_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class ImportMarketplaceOrders(Command["list[str]"]):
    """Fetch new orders from a marketplace and capture each once; returns the new order ids."""

    tag: ClassVar[str] = "import_marketplace_orders"
    channel: str
