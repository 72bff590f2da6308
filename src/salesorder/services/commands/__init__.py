"""Commands: what callers ask the application to do, as plain frozen values.

Each command is handled by :meth:`salesorder.services.app.SalesApp.execute`, which returns the
command's result type (``Command[R]`` returns ``R``). Commands are also the ``commands`` of a
scenario file, tagged by :attr:`Command.tag`.
"""

# The commands are defined by context, in ordering, stock, billing, channels and fulfilment (the
# base class in base); this module is where they are imported from and documented. The
# imports from outside the package keep every other name the single-module ``commands`` had
# (the models and validators its fields use) importable from here, as before the split; they
# are not in __all__, so, as before, they are neither documented nor exported to type checkers.
# ruff: noqa: F401 - every import here is a re-export

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import ClassVar, Generic, TypeVar

import attrs

from salesorder.domain.catalog import Dimensions, Product
from salesorder.domain.channels import Channel, IngestResult, ListingReport, StockPush
from salesorder.domain.cod import CodReconciliation, RemittanceStatement
from salesorder.domain.common import (
    as_tuple,
    aware_datetime,
    boolean,
    code,
    each,
    member_of,
    non_empty,
    non_negative_int,
    not_empty,
    positive_int,
    spelled,
    text,
    whole_quantity,
)
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.fees import Reconciliation
from salesorder.domain.invoicing import DocumentType, EInvoiceState, InvoiceKind, Party
from salesorder.domain.outbox import DispatchReport, OutboxItem, OutboxState
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
from salesorder.services.commands.base import Command, LineQuantity, R
from salesorder.services.commands.billing import (
    ApplyCustomerCredit,
    CancelEInvoice,
    CorrectInvoice,
    CreditLine,
    DraftInvoice,
    EditInvoice,
    IssueCreditNote,
    IssueDraftInvoice,
    IssueInvoice,
    RecordPayment,
    RefreshEInvoice,
    RefundPayment,
    SubmitEInvoice,
)
from salesorder.services.commands.channels import (
    CheckChannelStock,
    ImportMarketplaceOrders,
    ImportSettlements,
    MapChannelSku,
    PublishListing,
    PullListings,
    ReceiveWebhook,
    ReleaseParkedOrders,
    SetChannelStockRule,
    SyncChannelStock,
)
from salesorder.services.commands.fulfilment import (
    ApproveReturn,
    FailDelivery,
    ImportRemittance,
    InspectedLine,
    InspectReturn,
    MarkDelivered,
    ReattemptDelivery,
    RebookShipment,
    ReceiveReturn,
    ReconcileCod,
    RecordTracking,
    RejectReturn,
    RequestReturn,
    ResolveReturn,
    ReturnToSender,
    ShipOrder,
    SyncTracking,
)
from salesorder.services.commands.ordering import (
    AddCustomer,
    AddLine,
    AddOrderCharge,
    AddPriceList,
    AddProduct,
    AddPromotion,
    AddVoucher,
    AmendOrder,
    CancelLines,
    CancelOrder,
    ChangeAddress,
    ChangeQuantity,
    CompleteOrder,
    ConfirmOrder,
    HoldOrder,
    NewLine,
    PlaceOrder,
    ReleaseOrder,
    RemoveLine,
    RetryNotifications,
    SetVouchers,
)
from salesorder.services.commands.stock import (
    AddSupplier,
    AddWarehouse,
    BinAssignment,
    ChannelAvailability,
    ClosePurchaseOrder,
    ConfirmPick,
    CountStock,
    CreateManifest,
    CreatePurchaseOrder,
    CreateWave,
    PackParcel,
    ProposePurchaseOrders,
    PurchaseLineRequest,
    ReceiveGoods,
    ReceiveStock,
    ReleaseExpiredReservations,
    ReserveStock,
    ReturnStock,
    SendPurchaseOrder,
    SetBins,
    SetStockPolicy,
    ShortPickReason,
    TransferStock,
    WriteOffStock,
)

# -- the outbox (services.outbox) -------------------------------------------------------------
# Not in __all__ yet, so not scenario steps: importable from here.


@attrs.frozen(kw_only=True)
class DispatchOutbox(Command[DispatchReport]):
    """Make up to ``limit`` calls to the outside world that are due, oldest first."""

    tag: ClassVar[str] = "dispatch_outbox"
    limit: int = attrs.field(default=100, validator=positive_int)


def _states(value: object) -> tuple[OutboxState, ...]:
    # Unknown states pass through to the validator, which refuses them naming the field.
    return tuple(spelled(OutboxState, state) for state in as_tuple(value))  # type: ignore[arg-type]


@attrs.frozen(kw_only=True)
class ListOutbox(Command["list[OutboxItem]"]):
    """The outbox items in ``states`` (pending and dead-lettered by default), oldest first."""

    tag: ClassVar[str] = "list_outbox"
    states: tuple[OutboxState, ...] = attrs.field(
        default=(OutboxState.PENDING, OutboxState.DEAD),
        converter=_states,
        validator=each(member_of(OutboxState)),
    )


@attrs.frozen(kw_only=True)
class RetryOutbox(Command[DispatchReport]):
    """Send dead-lettered (or waiting) items again now; every dead one when ``keys`` is empty.

    With ``send`` False the items are only made due again, with a fresh count of attempts:
    the process that dispatches the outbox with the shop's real adapters sends them (the
    command line does this: it has no courier or marketplace of its own).
    """

    tag: ClassVar[str] = "retry_outbox"
    keys: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(text))
    send: bool = attrs.field(default=True, validator=boolean)


@attrs.frozen(kw_only=True)
class DiscardOutbox(Command[None]):
    """Never make the call ``key`` (an operator gave it up); ``reason`` is kept on it."""

    tag: ClassVar[str] = "discard_outbox"
    key: str = attrs.field(validator=non_empty)
    reason: str = attrs.field(validator=non_empty)


__all__ = [
    "AddCustomer",
    "AddLine",
    "AddOrderCharge",
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
    "DiscardOutbox",
    "DispatchOutbox",
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
    "ListOutbox",
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
    "RebookShipment",
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
    "RetryOutbox",
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
