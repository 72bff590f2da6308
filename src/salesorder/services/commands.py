"""Commands: what callers ask the application to do, as plain frozen values.

Each command is handled by :meth:`salesorder.services.app.SalesApp.execute`, which returns the
command's result type (``Command[R]`` returns ``R``). Commands are also the ``commands`` of a
scenario file, tagged by :attr:`Command.tag`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel
from salesorder.domain.common import (
    as_tuple,
    aware_datetime,
    code,
    non_empty,
    non_negative_int,
    positive_int,
    whole_quantity,
)
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.invoicing import DocumentType, EInvoiceState, InvoiceKind, Party
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricelists import PriceList
from salesorder.domain.pricing import Discount
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import ReceiptLine, Supplier
from salesorder.domain.shipping import FeePayer, ServiceLevel, ShipmentStatus
from salesorder.domain.terms import TermsKind
from salesorder.money import Money

__all__ = [
    "AddCustomer",
    "AddLine",
    "AddPriceList",
    "AddProduct",
    "AddPromotion",
    "AddSupplier",
    "AddVoucher",
    "AddWarehouse",
    "ApplyCustomerCredit",
    "CancelEInvoice",
    "CancelOrder",
    "ChangeAddress",
    "ChangeQuantity",
    "ClosePurchaseOrder",
    "Command",
    "CompleteOrder",
    "ConfirmOrder",
    "CorrectInvoice",
    "CountStock",
    "CreatePurchaseOrder",
    "DraftInvoice",
    "EditInvoice",
    "ImportMarketplaceOrders",
    "IssueCreditNote",
    "IssueDraftInvoice",
    "IssueInvoice",
    "MarkDelivered",
    "NewLine",
    "PlaceOrder",
    "ProposePurchaseOrders",
    "PurchaseLineRequest",
    "ReceiveGoods",
    "ReceiveStock",
    "RecordPayment",
    "RefreshEInvoice",
    "RefundPayment",
    "ReleaseExpiredReservations",
    "RemoveLine",
    "ReserveStock",
    "ReturnStock",
    "SendPurchaseOrder",
    "SetStockPolicy",
    "SetVouchers",
    "ShipOrder",
    "SubmitEInvoice",
    "SyncTracking",
    "TransferStock",
    "WriteOffStock",
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
    #: Voucher codes the buyer gave; each must apply, or the order is refused.
    vouchers: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class AddPriceList(Command[None]):
    """Register a price list (see :mod:`salesorder.domain.pricelists`)."""

    tag: ClassVar[str] = "add_price_list"
    price_list: PriceList


@attrs.frozen(kw_only=True)
class AddPromotion(Command[None]):
    """Register a promotion; automatic ones apply to every order they fit from now on."""

    tag: ClassVar[str] = "add_promotion"
    promotion: Promotion


@attrs.frozen(kw_only=True)
class AddVoucher(Command[None]):
    """Register a voucher code with its usage limits."""

    tag: ClassVar[str] = "add_voucher"
    voucher: Voucher


@attrs.frozen(kw_only=True)
class SetVouchers(Command[None]):
    """Replace the voucher codes of a new order and price it again (empty: drop them all)."""

    tag: ClassVar[str] = "set_vouchers"
    order_id: str
    vouchers: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


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
    """Reserve every line, split over warehouses if needed; returns the first warehouse.

    ``split=False``: one warehouse must serve the whole order. ``hold_minutes``: the
    reservations expire after that long (see :class:`ReleaseExpiredReservations`).
    ``backorder=True``: an order that cannot be served whole waits (returns ``""``) and
    goods receipts reserve waiting orders, oldest first.
    """

    tag: ClassVar[str] = "reserve_stock"
    order_id: str
    split: bool = True
    backorder: bool = False
    hold_minutes: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_int)
    )


@attrs.frozen(kw_only=True)
class ReleaseExpiredReservations(Command["list[str]"]):
    """Release the reservations of orders whose hold has expired; returns their ids."""

    tag: ClassVar[str] = "release_expired_reservations"


@attrs.frozen(kw_only=True)
class CountStock(Command[int]):
    """A stock count found ``counted`` units at ``counted_at``; returns the variance posted."""

    tag: ClassVar[str] = "count_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    counted: int = attrs.field(converter=whole_quantity, validator=non_negative_int)
    counted_at: dt.datetime = attrs.field(validator=aware_datetime)
    reason: str = ""
    document: str = ""


@attrs.frozen(kw_only=True)
class ReturnStock(Command[int]):
    """Goods come back: to stock when ``sellable``, else written off; returns on hand."""

    tag: ClassVar[str] = "return_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    sellable: bool = True
    reason: str = ""
    document: str = ""


@attrs.frozen(kw_only=True)
class WriteOffStock(Command[int]):
    """Damaged or lost unreserved units leave the books; returns on hand."""

    tag: ClassVar[str] = "write_off_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    reason: str = attrs.field(validator=non_empty)
    document: str = ""


@attrs.frozen(kw_only=True)
class TransferStock(Command[None]):
    """Move unreserved units of ``sku`` between warehouses."""

    tag: ClassVar[str] = "transfer_stock"
    from_warehouse: str = attrs.field(validator=code)
    to_warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    document: str = ""


@attrs.frozen(kw_only=True)
class AddSupplier(Command[None]):
    """Register a supplier and what it sells."""

    tag: ClassVar[str] = "add_supplier"
    supplier: Supplier


@attrs.frozen(kw_only=True)
class PurchaseLineRequest:
    """A line of a new purchase order; ``unit_cost`` defaults to the supplier's."""

    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    unit_cost: Money | None = None


@attrs.frozen(kw_only=True)
class CreatePurchaseOrder(Command[str]):
    """Draft a purchase order to a supplier for delivery into a warehouse; returns its id."""

    tag: ClassVar[str] = "create_purchase_order"
    supplier: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    lines: tuple[PurchaseLineRequest, ...] = attrs.field(converter=as_tuple)
    expected_on: dt.date | None = None


@attrs.frozen(kw_only=True)
class ProposePurchaseOrders(Command["list[str]"]):
    """Draft purchase orders for every SKU at or below its reorder point; returns their ids."""

    tag: ClassVar[str] = "propose_purchase_orders"


@attrs.frozen(kw_only=True)
class SendPurchaseOrder(Command[None]):
    """Send a draft purchase order to its supplier."""

    tag: ClassVar[str] = "send_purchase_order"
    purchase_order_id: str


@attrs.frozen(kw_only=True)
class ReceiveGoods(Command[str]):
    """A goods receipt against a purchase order; returns the receipt id.

    Accepted units go into stock; then waiting backorders are reserved, oldest first.
    ``accept_over=True`` accepts more than was outstanding (recorded as a discrepancy).
    """

    tag: ClassVar[str] = "receive_goods"
    purchase_order_id: str
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=as_tuple)
    accept_over: bool = False


@attrs.frozen(kw_only=True)
class ClosePurchaseOrder(Command[None]):
    """No more deliveries are expected on a purchase order."""

    tag: ClassVar[str] = "close_purchase_order"
    purchase_order_id: str


@attrs.frozen(kw_only=True)
class SetStockPolicy(Command[None]):
    """Set safety stock, reorder point and reorder quantity of one SKU in one warehouse."""

    tag: ClassVar[str] = "set_stock_policy"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    safety_stock: int = attrs.field(default=0, validator=non_negative_int)
    reorder_point: int = attrs.field(default=0, validator=non_negative_int)
    reorder_quantity: int = attrs.field(default=0, validator=non_negative_int)


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
    """Issue an invoice with the next number of its series; returns the invoice id.

    All the order's lines not yet invoiced, or ``line_ids`` (one shipment's, named by
    ``shipment_id``). ``kind`` None lets the seller's rule pick the template
    (``Settings.invoice_rule``); terms None takes ``Settings.payment_terms``. The terms are
    ``terms`` with ``terms_days`` (net N, end of month + N), or instalments of equal shares
    due ``instalment_days`` after issue.
    """

    tag: ClassVar[str] = "issue_invoice"
    order_id: str
    kind: InvoiceKind | None = InvoiceKind.SALES
    series: str = "INV"
    line_ids: tuple[str, ...] | None = None
    shipment_id: str | None = None
    document: DocumentType = DocumentType.INVOICE
    terms: TermsKind | None = None
    terms_days: int = 0
    instalment_days: tuple[int, ...] = ()


@attrs.frozen(kw_only=True)
class DraftInvoice(IssueInvoice):
    """Like :class:`IssueInvoice`, but keep a draft with no number; returns its id."""

    tag: ClassVar[str] = "draft_invoice"


@attrs.frozen(kw_only=True)
class EditInvoice(Command[None]):
    """Change a draft's buyer or template (an issued invoice is never edited)."""

    tag: ClassVar[str] = "edit_invoice"
    invoice_id: str
    buyer: Party | None = None
    kind: InvoiceKind | None = None


@attrs.frozen(kw_only=True)
class IssueDraftInvoice(Command[str]):
    """Issue a draft with the next number of its series; returns the number."""

    tag: ClassVar[str] = "issue_draft_invoice"
    invoice_id: str


@attrs.frozen(kw_only=True)
class IssueCreditNote(Command[str]):
    """Credit ``amount`` (gross) of an issued invoice, all that is left when None.

    Returns the credit note's id. What was paid beyond what remains due goes to the
    customer's credit.
    """

    tag: ClassVar[str] = "issue_credit_note"
    invoice_id: str
    amount: Money | None = None
    reason: str = ""
    series: str = "CN"


@attrs.frozen(kw_only=True)
class CorrectInvoice(Command[str]):
    """Vietnam's correction of an issued invoice; returns the new invoice's id.

    A replacement re-issues the document (with ``buyer`` corrected when given) and
    supersedes the original; an adjustment (``amount``, gross, positive or negative, spread
    over the original's lines) references it and changes what is due.
    """

    tag: ClassVar[str] = "correct_invoice"
    invoice_id: str
    document: DocumentType = DocumentType.REPLACEMENT
    buyer: Party | None = None
    amount: Money | None = None
    reason: str = ""


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
    #: Order currency per unit of ``amount``'s currency, when the buyer paid in another one.
    exchange_rate: Decimal | None = None


@attrs.frozen(kw_only=True)
class RefundPayment(Command[None]):
    """Give back ``amount`` of a payment; ``reference`` names the refund."""

    tag: ClassVar[str] = "refund_payment"
    payment_id: str
    amount: Money
    reference: str


@attrs.frozen(kw_only=True)
class ApplyCustomerCredit(Command[str]):
    """Pay ``amount`` of an order from its customer's credit; returns the payment id."""

    tag: ClassVar[str] = "apply_customer_credit"
    order_id: str
    amount: Money
    reference: str


@attrs.frozen(kw_only=True)
class CancelEInvoice(Command[EInvoiceState]):
    """Cancel a submitted e-invoice through the provider (before the authority's answer)."""

    tag: ClassVar[str] = "cancel_einvoice"
    invoice_id: str
    reason: str = ""


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
