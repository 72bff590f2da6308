"""Commands: what callers ask the application to do, as plain frozen values.

Each command is handled by :meth:`salesorder.services.app.SalesApp.execute`, which returns the
command's result type (``Command[R]`` returns ``R``). Commands are also the ``commands`` of a
scenario file, tagged by :attr:`Command.tag`.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.catalog import Dimensions, Product
from salesorder.domain.channels import (
    Channel,
    IngestResult,
    ListingReport,
    StockPush,
)
from salesorder.domain.cod import CodReconciliation, RemittanceStatement
from salesorder.domain.common import (
    as_tuple,
    aware_datetime,
    code,
    non_empty,
    non_negative_int,
    not_empty,
    positive_int,
    whole_quantity,
)
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.fees import Reconciliation
from salesorder.domain.invoicing import DocumentType, EInvoiceState, InvoiceKind, Party
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricelists import PriceList
from salesorder.domain.pricing import Discount
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.purchasing import ReceiptLine, Supplier
from salesorder.domain.returns import ReturnOutcome
from salesorder.domain.shipping import FeePayer, ServiceLevel, ShipmentStatus, TrackingEvent
from salesorder.domain.terms import TermsKind
from salesorder.domain.warehouse import BinLocation
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
    "AmendOrder",
    "ApplyCustomerCredit",
    "ApproveReturn",
    "BinAssignment",
    "CancelEInvoice",
    "CancelLines",
    "CancelOrder",
    "ChangeAddress",
    "ChangeQuantity",
    "ChannelAvailability",
    "CheckChannelStock",
    "ClosePurchaseOrder",
    "Command",
    "CompleteOrder",
    "ConfirmOrder",
    "ConfirmPick",
    "CorrectInvoice",
    "CountStock",
    "CreateManifest",
    "CreatePurchaseOrder",
    "CreateWave",
    "CreditLine",
    "DraftInvoice",
    "EditInvoice",
    "FailDelivery",
    "HoldOrder",
    "ImportMarketplaceOrders",
    "ImportRemittance",
    "ImportSettlements",
    "InspectReturn",
    "InspectedLine",
    "IssueCreditNote",
    "IssueDraftInvoice",
    "IssueInvoice",
    "LineQuantity",
    "MapChannelSku",
    "MarkDelivered",
    "NewLine",
    "PackParcel",
    "PlaceOrder",
    "ProposePurchaseOrders",
    "PublishListing",
    "PullListings",
    "PurchaseLineRequest",
    "ReattemptDelivery",
    "ReceiveGoods",
    "ReceiveReturn",
    "ReceiveStock",
    "ReceiveWebhook",
    "ReconcileCod",
    "RecordPayment",
    "RecordTracking",
    "RefreshEInvoice",
    "RefundPayment",
    "RejectReturn",
    "ReleaseExpiredReservations",
    "ReleaseOrder",
    "ReleaseParkedOrders",
    "RemoveLine",
    "RequestReturn",
    "ReserveStock",
    "ResolveReturn",
    "RetryNotifications",
    "ReturnStock",
    "ReturnToSender",
    "SendPurchaseOrder",
    "SetBins",
    "SetChannelStockRule",
    "SetStockPolicy",
    "SetVouchers",
    "ShipOrder",
    "ShortPickReason",
    "SubmitEInvoice",
    "SyncChannelStock",
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
    goods receipts reserve waiting orders, oldest first. ``partial=True``: what is there
    now is reserved (and may ship), the rest is backordered and topped up by goods
    receipts; returns ``""`` when nothing at all could be reserved.
    """

    tag: ClassVar[str] = "reserve_stock"
    order_id: str
    split: bool = True
    backorder: bool = False
    partial: bool = False
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
class ChannelAvailability(Command["dict[str, int]"]):
    """A query: units of each SKU ``channel`` may offer, by its stock rule.

    What all warehouses have available (on hand minus reserved minus safety stock) minus
    the units of orders not reserved yet (:class:`~salesorder.services.inventory.Sellable`,
    what stock sync pushes too), less the channel's buffer, times its share (set by
    :class:`SetChannelStockRule`; a channel without a rule may offer all of it). ``skus``
    empty: every SKU with stock.
    """

    tag: ClassVar[str] = "channel_availability"
    channel: str = attrs.field(validator=code)
    skus: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


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
    #: Ship only what is reserved in this warehouse (a partial shipment); None ships all.
    warehouse: str | None = None


@attrs.frozen(kw_only=True)
class SyncTracking(Command[ShipmentStatus]):
    """Pull the courier's updates for a shipment; a delivery marks the order delivered."""

    tag: ClassVar[str] = "sync_tracking"
    shipment_id: str


@attrs.frozen(kw_only=True)
class RecordTracking(Command["list[str]"]):
    """Apply tracking updates a courier pushed (a webhook); returns the shipments moved.

    Updates for a parcel the seller never shipped with ``courier`` are refused
    (:class:`~salesorder.exceptions.UnknownShipment`) and nothing is applied.
    """

    tag: ClassVar[str] = "record_tracking"
    courier: str = attrs.field(validator=code)
    events: tuple[TrackingEvent, ...] = attrs.field(converter=as_tuple)


@attrs.frozen(kw_only=True)
class ImportRemittance(Command[CodReconciliation]):
    """Import a courier's COD remittance statement; returns the courier's reconciliation.

    Importing the same statement again changes nothing; another statement under the same id
    is refused. Cash collected for a delivered COD order is recorded as its payment.
    """

    tag: ClassVar[str] = "import_remittance"
    statement: RemittanceStatement


@attrs.frozen(kw_only=True)
class ReconcileCod(Command[CodReconciliation]):
    """Reconcile every imported statement of ``courier`` against its COD shipments."""

    tag: ClassVar[str] = "reconcile_cod"
    courier: str = attrs.field(validator=code)


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
class CreditLine:
    """The gross to credit on one invoice line (a credit note of some lines)."""

    line_id: str = attrs.field(validator=code)
    amount: Money


@attrs.frozen(kw_only=True)
class IssueCreditNote(Command[str]):
    """Credit ``amount`` (gross) of an issued invoice, all that is left when None.

    With ``lines``, exactly those invoice lines are credited, each by its ``amount``
    (``amount`` may then be left out, or must equal their sum); without, ``amount`` is
    spread over the invoice's lines by what each has left to credit. Returns the credit
    note's id. What was paid beyond what remains due goes to the customer's credit.
    """

    tag: ClassVar[str] = "issue_credit_note"
    invoice_id: str
    amount: Money | None = None
    reason: str = ""
    series: str = "CN"
    lines: tuple[CreditLine, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(as_tuple)
    )


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
    """Cancel an order before shipping (or after a return to sender).

    Its reservations are released and its vouchers' uses given back; payments are refunded
    and issued invoices credited in full, in the same unit of work.
    """

    tag: ClassVar[str] = "cancel_order"
    order_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class LineQuantity:
    """A quantity of one order line (to set, to cancel or to return)."""

    line_id: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=non_negative_int)


@attrs.frozen(kw_only=True)
class HoldOrder(Command[None]):
    """Put an order on hold (new, confirmed or processing); ``ReleaseOrder`` ends it."""

    tag: ClassVar[str] = "hold_order"
    order_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class ReleaseOrder(Command[None]):
    """Release a hold: the order returns to the status it was held in."""

    tag: ClassVar[str] = "release_order"
    order_id: str


@attrs.frozen(kw_only=True)
class AmendOrder(Command[int]):
    """Change a confirmed order: add, remove or re-quantify unshipped lines, change the address.

    The order is priced again (as of its placement date) and its stock reserved again; the
    whole amendment is refused when any part cannot be carried out. Returns the amendment's
    version; the same ``key`` again returns the same version and changes nothing. What must
    happen to invoices already issued and money already paid is listed in the amendment's
    ``consequences``.
    """

    tag: ClassVar[str] = "amend_order"
    order_id: str
    add: tuple[NewLine, ...] = attrs.field(default=(), converter=as_tuple)
    remove: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    quantities: tuple[LineQuantity, ...] = attrs.field(default=(), converter=as_tuple)
    address: Address | None = None
    reason: str = ""
    key: str = ""


@attrs.frozen(kw_only=True)
class CancelLines(Command[int]):
    """Cancel part of an order: ``quantity`` units of each line, not yet shipped.

    Reservations are released, the order priced again; what was paid beyond the new amount
    due is refunded and issued invoices are credited for the difference. Returns the
    amendment version; the same ``key`` again changes nothing.
    """

    tag: ClassVar[str] = "cancel_lines"
    order_id: str
    lines: tuple[LineQuantity, ...] = attrs.field(converter=as_tuple, validator=not_empty)
    reason: str = ""
    key: str = ""


@attrs.frozen(kw_only=True)
class FailDelivery(Command[None]):
    """The courier could not deliver (buyer absent, refused, wrong address)."""

    tag: ClassVar[str] = "fail_delivery"
    order_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class ReattemptDelivery(Command[None]):
    """The courier tries again after a failed delivery."""

    tag: ClassVar[str] = "reattempt_delivery"
    order_id: str


@attrs.frozen(kw_only=True)
class ReturnToSender(Command[None]):
    """The courier gives up after a failed delivery and brings the goods back.

    The goods go back into the warehouses they left (as a return to stock in the ledger).
    """

    tag: ClassVar[str] = "return_to_sender"
    order_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class RequestReturn(Command[str]):
    """The buyer asks to send back delivered units of some lines; returns the return's id.

    Refused (:class:`~salesorder.exceptions.ReturnExceedsDelivered`) when a line would have
    more units coming back than were delivered and are not yet returned or asked for by
    another open return. The same ``key`` for the same order again returns the first
    return's id and changes nothing.
    """

    tag: ClassVar[str] = "request_return"
    order_id: str
    lines: tuple[LineQuantity, ...] = attrs.field(converter=as_tuple, validator=not_empty)
    reason: str = ""
    key: str = ""


@attrs.frozen(kw_only=True)
class ApproveReturn(Command[None]):
    """The seller accepts a requested return: the buyer may send the goods."""

    tag: ClassVar[str] = "approve_return"
    return_id: str
    note: str = ""


@attrs.frozen(kw_only=True)
class RejectReturn(Command[None]):
    """The seller refuses a requested return."""

    tag: ClassVar[str] = "reject_return"
    return_id: str
    reason: str = ""


@attrs.frozen(kw_only=True)
class ReceiveReturn(Command[None]):
    """The parcel of an approved return is back; ``lines`` say how many units of each came.

    No ``lines``: every requested unit came. The units are recorded on the order as
    returned (its status becomes partly returned or returned) and valued; they wait for
    inspection before they go back to stock.
    """

    tag: ClassVar[str] = "receive_return"
    return_id: str
    lines: tuple[LineQuantity, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class InspectedLine:
    """What inspection found of one returned line: units sellable and units damaged."""

    line_id: str = attrs.field(validator=code)
    sellable: int = attrs.field(default=0, converter=whole_quantity, validator=non_negative_int)
    damaged: int = attrs.field(default=0, converter=whole_quantity, validator=non_negative_int)


@attrs.frozen(kw_only=True)
class InspectReturn(Command[None]):
    """Inspect a received return: sellable units back to stock, damaged ones written off.

    Every unit is received into ``warehouse`` (by default the warehouse the line shipped
    from) as a return in the stock ledger; damaged units are then written off, also in the
    ledger. No ``lines``: every received unit is sellable.
    """

    tag: ClassVar[str] = "inspect_return"
    return_id: str
    lines: tuple[InspectedLine, ...] = attrs.field(default=(), converter=as_tuple)
    warehouse: str | None = None


@attrs.frozen(kw_only=True)
class ResolveReturn(Command[str | None]):
    """Close an inspected return with ``outcome``; returns the exchange order's id, if any.

    The received goods' value (shares of their lines' gross) is taken off what the order
    owes, through credit notes on the invoices that list them, and what was paid beyond the
    new amount due is refunded (``REFUND``) or goes to the customer's credit
    (``CREDIT_NOTE``, ``EXCHANGE``: the exchange order is paid from it, and what it does
    not take stays on the credit). With ``include_shipping`` the order's shipping charge is
    given back too (once per order). ``NONE`` changes no money.
    """

    tag: ClassVar[str] = "resolve_return"
    return_id: str
    outcome: ReturnOutcome
    include_shipping: bool = False


@attrs.frozen(kw_only=True)
class ImportMarketplaceOrders(Command["list[str]"]):
    """Fetch new orders from a marketplace and capture each once; returns the new order ids."""

    tag: ClassVar[str] = "import_marketplace_orders"
    channel: str


@attrs.frozen(kw_only=True)
class ReceiveWebhook(Command[IngestResult]):
    """A marketplace push: verified (HMAC of the raw body) before anything else, then ingested.

    ``body`` is the raw body as received (UTF-8 text), ``signature`` the marketplace's
    signature header. A delivery that fails verification or cannot be read is recorded on
    the channel account and refused (outcome ``rejected``), never applied.
    """

    tag: ClassVar[str] = "receive_webhook"
    channel: str
    body: str
    signature: str


@attrs.frozen(kw_only=True)
class MapChannelSku(Command[None]):
    """Sell catalog ``sku`` as ``channel_sku`` on ``channel``."""

    tag: ClassVar[str] = "map_channel_sku"
    channel: str = attrs.field(validator=code)
    channel_sku: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)


@attrs.frozen(kw_only=True)
class ReleaseParkedOrders(Command[list[IngestResult]]):
    """Retry the parked marketplace orders of ``channel`` (every channel when None)."""

    tag: ClassVar[str] = "release_parked_orders"
    channel: str | None = None


@attrs.frozen(kw_only=True)
class SetChannelStockRule(Command[None]):
    """Hold back ``buffer`` units and offer ``share`` (0 to 1) of the rest on ``channel``."""

    tag: ClassVar[str] = "set_channel_stock_rule"
    channel: str = attrs.field(validator=code)
    buffer: int = attrs.field(default=0, validator=non_negative_int)
    share: Decimal = Decimal(1)


@attrs.frozen(kw_only=True)
class SyncChannelStock(Command[list[StockPush]]):
    """Push what each mapped channel SKU may sell, only where it changed since the last push.

    ``channel`` None syncs every marketplace; ``skus`` limits the sync to these catalog SKUs.
    Run it after a batch of stock changes: a burst of changes becomes one push per SKU.
    """

    tag: ClassVar[str] = "sync_channel_stock"
    channel: str | None = None
    skus: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class CheckChannelStock(Command[list[StockPush]]):
    """Compare what ``channel`` shows with what it should and push the corrections."""

    tag: ClassVar[str] = "check_channel_stock"
    channel: str


@attrs.frozen(kw_only=True)
class ImportSettlements(Command[list[Reconciliation]]):
    """Import new payout reports of ``channel`` (idempotent) and reconcile each."""

    tag: ClassVar[str] = "import_settlements"
    channel: str


@attrs.frozen(kw_only=True)
class PullListings(Command[ListingReport]):
    """Fetch ``channel``'s listings, map their SKUs to the catalog and report differences."""

    tag: ClassVar[str] = "pull_listings"
    channel: str


@attrs.frozen(kw_only=True)
class PublishListing(Command[str]):
    """Publish catalog ``skus`` as one listing (one variant each) on ``channel``.

    The listing is checked against the marketplace profile's limits before it is sent.
    ``name`` and ``images`` default to the first product's name and the products' images.
    """

    tag: ClassVar[str] = "publish_listing"
    channel: str
    item_id: str = attrs.field(validator=code)
    skus: tuple[str, ...] = attrs.field(converter=as_tuple)
    category: str = ""
    name: str | None = None
    images: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


# -- warehouse work (see salesorder.domain.warehouse) -------------------------------------


@attrs.frozen(kw_only=True)
class BinAssignment:
    """SKU ``sku`` lives in bin (``aisle``, ``position``)."""

    sku: str = attrs.field(validator=code)
    aisle: int = attrs.field(validator=positive_int)
    position: int = attrs.field(validator=positive_int)

    @property
    def bin(self) -> BinLocation:
        """The bin."""
        return BinLocation(aisle=self.aisle, position=self.position)


@attrs.frozen(kw_only=True)
class SetBins(Command[None]):
    """Say where SKUs live in ``warehouse`` (the warehouse's layout; later entries win)."""

    tag: ClassVar[str] = "set_bins"
    warehouse: str = attrs.field(validator=code)
    bins: tuple[BinAssignment, ...] = attrs.field(
        converter=as_tuple, validator=attrs.validators.min_len(1)
    )
    aisle_spacing_m: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_int)
    )


@attrs.frozen(kw_only=True)
class CreateWave(Command[str]):
    """Put reserved orders of ``warehouse`` on one pick list; returns the wave id.

    ``order_ids`` empty takes every reserved order with units in the warehouse that are on
    no pick list yet, oldest first (at most ``max_orders``). ``urgent`` with one order id is
    single-order picking.
    """

    tag: ClassVar[str] = "create_wave"
    warehouse: str = attrs.field(validator=code)
    order_ids: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    urgent: bool = False
    max_orders: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_int)
    )


class ShortPickReason(str, enum.Enum):
    """How a short pick corrects the stock: the units are missing, or found damaged."""

    NOT_FOUND = "not_found"
    DAMAGED = "damaged"


@attrs.frozen(kw_only=True)
class ConfirmPick(Command[int]):
    """The picker found ``picked`` units of ``sku`` for wave ``wave_id``; returns units short.

    A shortfall is taken off the stock (a count adjustment, or a write-off when
    ``reason`` is damaged), and each short line is re-allocated from another warehouse or
    backordered.
    """

    tag: ClassVar[str] = "confirm_pick"
    wave_id: str
    sku: str = attrs.field(validator=code)
    picked: int = attrs.field(converter=whole_quantity, validator=non_negative_int)
    reason: ShortPickReason = ShortPickReason.NOT_FOUND
    note: str = ""


@attrs.frozen(kw_only=True)
class PackParcel(Command[str]):
    """Pack picked units of an order into a parcel; returns the parcel id.

    ``lines`` empty packs everything picked in ``warehouse`` and not packed yet. Weight and
    dimensions default to the products' (weights added, volumes added).
    """

    tag: ClassVar[str] = "pack_parcel"
    order_id: str
    warehouse: str = attrs.field(validator=code)
    lines: tuple[LineQuantity, ...] = attrs.field(default=(), converter=as_tuple)
    weight_kg: Decimal | None = None
    dimensions: Dimensions | None = None


@attrs.frozen(kw_only=True)
class CreateManifest(Command[str]):
    """Hand ``parcel_ids`` to ``courier`` at one pickup in ``warehouse``; returns the manifest id.

    Every order with a parcel on the manifest is shipped (booked with the courier) for its
    units in the warehouse, so all its packed parcels there must be on the manifest.
    """

    tag: ClassVar[str] = "create_manifest"
    courier: str
    warehouse: str = attrs.field(validator=code)
    parcel_ids: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=attrs.validators.min_len(1)
    )
    service: ServiceLevel = ServiceLevel.ECONOMY
    fee_payer: FeePayer = FeePayer.BUYER


@attrs.frozen(kw_only=True)
class RetryNotifications(Command[int]):
    """Send again the customer messages whose sending failed; returns how many went out."""

    tag: ClassVar[str] = "retry_notifications"
