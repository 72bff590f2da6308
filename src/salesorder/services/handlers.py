"""Which function handles which command: one table, read by :meth:`SalesApp.execute`."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from salesorder.services import billing, catalog, channels, fulfilment, ordering
from salesorder.services import commands as c
from salesorder.services.app import Handler

__all__ = ["HANDLERS", "handler_for"]

HANDLERS: MappingProxyType[type[c.Command[Any]], Handler] = MappingProxyType(
    {
        c.AddWarehouse: catalog.add_warehouse,
        c.AddProduct: catalog.add_product,
        c.AddCustomer: catalog.add_customer,
        c.ReceiveStock: catalog.receive_stock,
        c.PlaceOrder: ordering.place_order,
        c.AddLine: ordering.add_line,
        c.RemoveLine: ordering.remove_line,
        c.ChangeQuantity: ordering.change_quantity,
        c.ChangeAddress: ordering.change_address,
        c.ConfirmOrder: ordering.confirm_order,
        c.CompleteOrder: ordering.complete_order,
        c.CancelOrder: ordering.cancel_order,
        c.ReserveStock: fulfilment.reserve_stock,
        c.ShipOrder: fulfilment.ship_order,
        c.SyncTracking: fulfilment.sync_tracking,
        c.MarkDelivered: fulfilment.mark_delivered,
        c.IssueInvoice: billing.issue_invoice,
        c.SubmitEInvoice: billing.submit_einvoice,
        c.RefreshEInvoice: billing.refresh_einvoice,
        c.RecordPayment: billing.record_payment,
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
