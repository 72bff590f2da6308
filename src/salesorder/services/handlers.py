"""Which function handles which command: one table, read by :meth:`SalesApp.execute`."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from salesorder.services import (
    billing,
    catalog,
    channels,
    fulfilment,
    inventory,
    ordering,
    purchasing,
)
from salesorder.services import commands as c
from salesorder.services import pricing as pricing_service
from salesorder.services.app import Handler

__all__ = ["HANDLERS", "handler_for"]

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
        c.ReserveStock: inventory.reserve_stock,
        c.ReleaseExpiredReservations: inventory.release_expired_reservations,
        c.CountStock: inventory.count_stock,
        c.ReturnStock: inventory.return_stock,
        c.WriteOffStock: inventory.write_off_stock,
        c.TransferStock: inventory.transfer_stock,
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
        c.IssueInvoice: billing.issue_invoice,
        c.SubmitEInvoice: billing.submit_einvoice,
        c.RefreshEInvoice: billing.refresh_einvoice,
        c.RecordPayment: billing.record_payment,
        c.DraftInvoice: billing.draft_invoice,
        c.EditInvoice: billing.edit_invoice,
        c.IssueDraftInvoice: billing.issue_draft_invoice,
        c.IssueCreditNote: billing.issue_credit_note,
        c.CorrectInvoice: billing.correct_invoice,
        c.CancelEInvoice: billing.cancel_einvoice,
        c.RefundPayment: billing.refund_payment,
        c.ApplyCustomerCredit: billing.apply_customer_credit,
        c.ImportMarketplaceOrders: channels.import_marketplace_orders,
    }
)


def handler_for(command: c.Command[Any]) -> Handler:
    """The handler of ``command``'s type.

    Raises:
        TypeError: the object is not a known command.
    """
    try:
        return HANDLERS[type(command)]
    except KeyError:
        raise TypeError(f"{type(command).__name__} is not a salesorder command") from None
