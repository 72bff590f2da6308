"""Which function handles which command, and which makes each outbox call: two tables.

:func:`salesorder.bootstrap.build` gives :data:`HANDLERS` to the
:class:`~salesorder.services.app.SalesApp` it builds, and a ``SalesApp`` built by hand loads it
(:func:`~salesorder.services.app.shipped_handlers`); :meth:`SalesApp.execute` reads the
application's own table, so this module imports the application, never the other way round.
:data:`SENDERS` is the same for the outbox: the function that makes each kind of call
(:mod:`salesorder.services.outbox`), ``SalesApp.senders``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from salesorder.domain.outbox import CallKind
from salesorder.exceptions import InvalidType
from salesorder.services import (
    billing,
    catalog,
    channel_stock,
    channels,
    couriers,
    einvoices,
    fulfilment,
    inventory,
    listings,
    notifications,
    ordering,
    outbox,
    payments,
    purchasing,
    returns,
    settlements,
    warehouse,
)
from salesorder.services import commands as c
from salesorder.services import pricing as pricing_service
from salesorder.services.app import Handler, Sender
from salesorder.services.commands.fulfilment import RebookShipment

__all__ = ["HANDLERS", "SENDERS", "handler_for"]

HANDLERS: MappingProxyType[type[c.Command[Any]], Handler] = MappingProxyType(
    {
        c.AddWarehouse: catalog.add_warehouse,
        c.AddProduct: catalog.add_product,
        c.AddCustomer: catalog.add_customer,
        c.ReceiveStock: catalog.receive_stock,
        c.AddPriceList: pricing_service.add_price_list,
        c.AddPromotion: pricing_service.add_promotion,
        c.AddVoucher: pricing_service.add_voucher,
        c.SetVouchers: pricing_service.set_vouchers,
        c.PlaceOrder: ordering.place_order,
        c.AddLine: ordering.add_line,
        c.RemoveLine: ordering.remove_line,
        c.ChangeQuantity: ordering.change_quantity,
        c.ChangeAddress: ordering.change_address,
        c.ConfirmOrder: ordering.confirm_order,
        c.CompleteOrder: ordering.complete_order,
        c.CancelOrder: ordering.cancel_order,
        c.HoldOrder: ordering.hold_order,
        c.ReleaseOrder: ordering.release_hold,
        c.AmendOrder: ordering.amend_order,
        c.CancelLines: ordering.cancel_lines,
        c.AddOrderCharge: ordering.add_order_charge,
        c.FailDelivery: fulfilment.fail_delivery,
        c.ReattemptDelivery: fulfilment.reattempt_delivery,
        c.ReturnToSender: fulfilment.return_to_sender,
        c.RequestReturn: returns.request_return,
        c.ApproveReturn: returns.approve_return,
        c.RejectReturn: returns.reject_return,
        c.ReceiveReturn: returns.receive_return,
        c.InspectReturn: returns.inspect_return,
        c.ResolveReturn: returns.resolve_return,
        c.ReserveStock: inventory.reserve_stock,
        c.ReleaseExpiredReservations: inventory.release_expired_reservations,
        c.CountStock: inventory.count_stock,
        c.ReturnStock: inventory.return_stock,
        c.WriteOffStock: inventory.write_off_stock,
        c.TransferStock: inventory.transfer_stock,
        c.ChannelAvailability: inventory.query_channel_availability,
        c.SetStockPolicy: inventory.set_stock_policy,
        c.AddSupplier: purchasing.add_supplier,
        c.CreatePurchaseOrder: purchasing.create_purchase_order,
        c.ProposePurchaseOrders: purchasing.propose_purchase_orders,
        c.SendPurchaseOrder: purchasing.send_purchase_order,
        c.ReceiveGoods: purchasing.receive_goods,
        c.ClosePurchaseOrder: purchasing.close_purchase_order,
        c.ShipOrder: fulfilment.ship_order,
        c.SyncTracking: fulfilment.sync_tracking,
        c.MarkDelivered: fulfilment.mark_delivered,
        c.RecordTracking: fulfilment.record_tracking,
        c.ImportRemittance: couriers.import_remittance,
        c.ReconcileCod: couriers.reconcile_cod,
        c.IssueInvoice: billing.issue_invoice,
        c.SubmitEInvoice: einvoices.submit_einvoice,
        c.RefreshEInvoice: einvoices.refresh_einvoice,
        c.RecordPayment: payments.record_payment,
        c.DraftInvoice: billing.draft_invoice,
        c.EditInvoice: billing.edit_invoice,
        c.IssueDraftInvoice: billing.issue_draft_invoice,
        c.IssueCreditNote: billing.issue_credit_note,
        c.CorrectInvoice: billing.correct_invoice,
        c.CancelEInvoice: einvoices.cancel_einvoice,
        c.RefundPayment: payments.refund_payment,
        c.ApplyCustomerCredit: payments.apply_customer_credit,
        c.ImportMarketplaceOrders: channels.import_marketplace_orders,
        c.ReceiveWebhook: channels.receive_webhook,
        c.MapChannelSku: channels.map_channel_sku,
        c.ReleaseParkedOrders: channels.release_parked_orders,
        c.SetChannelStockRule: channel_stock.set_channel_stock_rule,
        c.SyncChannelStock: channel_stock.sync_channel_stock,
        c.CheckChannelStock: channel_stock.check_channel_stock,
        c.ImportSettlements: settlements.import_settlements,
        c.PullListings: listings.pull_listings,
        c.PublishListing: listings.publish_listing,
        c.SetBins: warehouse.set_bins,
        c.CreateWave: warehouse.create_wave,
        c.ConfirmPick: warehouse.confirm_pick,
        c.PackParcel: warehouse.pack_parcel,
        c.CreateManifest: warehouse.create_manifest,
        c.RetryNotifications: notifications.retry_notifications,
        RebookShipment: fulfilment.rebook_shipment,
        c.DispatchOutbox: outbox.dispatch_outbox,
        c.ListOutbox: outbox.list_outbox,
        c.RetryOutbox: outbox.retry_outbox,
        c.DiscardOutbox: outbox.discard_outbox,
    }
)

SENDERS: MappingProxyType[CallKind, Sender] = MappingProxyType(
    {
        CallKind.BOOK_COURIER: couriers.book_courier,
        CallKind.CANCEL_BOOKING: couriers.cancel_booking,
        CallKind.ACKNOWLEDGE_ORDER: channels.acknowledge_order,
        CallKind.PUSH_TRACKING: channels.push_tracking,
        CallKind.PUSH_STOCK: channel_stock.push_stock,
        CallKind.PUBLISH_LISTING: listings.publish,
        CallKind.SUBMIT_EINVOICE: einvoices.submit,
        CallKind.CANCEL_EINVOICE: einvoices.cancel,
        CallKind.SEND_MESSAGE: notifications.send_message,
    }
)


def handler_for(command: c.Command[Any]) -> Handler:
    """The handler of ``command``'s type.

    Raises:
        InvalidType: the object is not a known command (also a ``TypeError``).
    """
    try:
        return HANDLERS[type(command)]
    except KeyError:
        raise InvalidType(f"{type(command).__name__} is not a salesorder command") from None
