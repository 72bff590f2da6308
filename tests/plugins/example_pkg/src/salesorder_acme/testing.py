"""The hooks salesorder's contract kits need to script Acme's side, shipped for users.

With these, each adapter is checked in one line
(``TestAcme = check_plugin("salesorder.couriers", "acme", hooks=CourierHooks)``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from salesorder.domain.channels import MarketplaceOrder, SettlementReport
from salesorder.domain.invoicing import Invoice
from salesorder.domain.notifications import Message, NotificationChannel
from salesorder.domain.shipping import TrackingStatus


class CourierHooks:
    """Acme Express's sandbox reports tracking updates on demand."""

    def report(
        self, courier: Any, tracking_number: str, status: TrackingStatus, at: dt.datetime
    ) -> None:
        courier.report(tracking_number, status, at)

    def booked_references(self, courier: Any) -> Collection[str]:
        return list(courier.bookings)


class ShopHooks:
    """Acme Mall's sandbox takes test orders, payout reports and signed pushes."""

    def put_order(self, marketplace: Any, order: MarketplaceOrder) -> None:
        marketplace.put_order(order)

    def pushed_stock(self, marketplace: Any, channel_sku: str) -> Any:
        return marketplace.stock.get(channel_sku)

    def pushed_tracking(self, marketplace: Any, external_id: str) -> Any:
        return marketplace.tracking.get(external_id)

    def acknowledged(self, marketplace: Any) -> Collection[str]:
        return set(marketplace.acknowledged)

    def put_settlement(self, marketplace: Any, report: SettlementReport) -> bool:
        marketplace.put_settlement(report)
        return True

    def signed_push(self, marketplace: Any, order: MarketplaceOrder) -> tuple[bytes, str]:
        body, signature = marketplace.webhook(order)
        return body, signature


class EInvoiceHooks:
    """Acme e-Faktur's sandbox accepts by default and rejects on request."""

    def make_accepted(self, provider: Any, invoice: Invoice) -> None:
        del provider, invoice  # the sandbox accepts on the first poll

    def make_rejected(self, provider: Any, invoice: Invoice, reasons: Sequence[str]) -> None:
        provider.reject(invoice.id, *reasons)


class SmsHooks:
    """Acme SMS delivers SMS only; its sandbox shows what was delivered and can go down."""

    channels = (NotificationChannel.SMS,)

    def sent(self, sender: Any) -> Sequence[Message]:
        return list(sender.delivered)

    def make_fail(self, sender: Any) -> bool:
        sender.go_down()
        return True
