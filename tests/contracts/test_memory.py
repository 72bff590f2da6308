"""Every contract kit, run against the in-memory reference adapters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

from salesorder.adapters.memory import (
    InMemoryCourier,
    InMemoryEInvoiceProvider,
    InMemoryEventBus,
    InMemoryMarketplace,
    InMemoryStore,
    ManualClock,
    SequentialIds,
)
from salesorder.adapters.system import SystemClock, UuidIds
from salesorder.domain.channels import MarketplaceOrder, SettlementReport
from salesorder.domain.events import DomainEvent
from salesorder.domain.invoicing import Invoice
from salesorder.domain.shipping import TrackingStatus
from salesorder.ports.persistence import UnitOfWork
from salesorder.testing.contracts import (
    ClockContract,
    CourierGatewayContract,
    EInvoiceProviderContract,
    EventPublisherContract,
    IdGeneratorContract,
    MarketplaceGatewayContract,
    UnitOfWorkContract,
)


class TestInMemoryUnitOfWork(UnitOfWorkContract):
    def make_uow_factory(self) -> Callable[[], UnitOfWork]:
        return InMemoryStore()


class TestManualClock(ClockContract):
    def make_clock(self) -> ManualClock:
        return ManualClock()

    def advance(self, clock: ManualClock, step: dt.timedelta) -> None:  # type: ignore[override]
        clock.advance(step)


class TestSystemClock(ClockContract):
    def make_clock(self) -> SystemClock:
        return SystemClock()


class TestSequentialIds(IdGeneratorContract):
    def make_ids(self) -> SequentialIds:
        return SequentialIds()


class TestUuidIds(IdGeneratorContract):
    def make_ids(self) -> UuidIds:
        return UuidIds()


class TestInMemoryEventBus(EventPublisherContract):
    def make_publisher(self) -> InMemoryEventBus:
        return InMemoryEventBus()

    def delivered(self, publisher: InMemoryEventBus) -> Sequence[DomainEvent]:  # type: ignore[override]
        return publisher.published


class TestInMemoryEventBusSubscribers(EventPublisherContract):
    """What a subscriber receives is also complete and in order."""

    def make_publisher(self) -> InMemoryEventBus:
        bus = InMemoryEventBus()
        received: list[DomainEvent] = []
        bus.subscribe(DomainEvent, received.append)
        bus.received = received  # type: ignore[attr-defined]
        return bus

    def delivered(self, publisher: InMemoryEventBus) -> Sequence[DomainEvent]:  # type: ignore[override]
        return publisher.received  # type: ignore[attr-defined,no-any-return]


class TestInMemoryCourier(CourierGatewayContract):
    def make_courier(self) -> InMemoryCourier:
        return InMemoryCourier("jnt")

    def report(  # type: ignore[override]
        self,
        courier: InMemoryCourier,
        tracking_number: str,
        status: TrackingStatus,
        at: dt.datetime,
    ) -> None:
        courier.report(tracking_number, status, at)

    def booked_references(self, courier: InMemoryCourier) -> Collection[str]:  # type: ignore[override]
        return list(courier.bookings)


class TestInMemoryCourierInVnd(TestInMemoryCourier):
    currency = "VND"

    def make_courier(self) -> InMemoryCourier:
        return InMemoryCourier("ghn", currency="VND")


class TestInMemoryEInvoiceProvider(EInvoiceProviderContract):
    def make_provider(self) -> InMemoryEInvoiceProvider:
        return InMemoryEInvoiceProvider()

    def make_accepted(self, provider: InMemoryEInvoiceProvider, invoice: Invoice) -> None:  # type: ignore[override]
        pass  # the in-memory authority accepts on the first poll unless told otherwise

    def make_rejected(  # type: ignore[override]
        self, provider: InMemoryEInvoiceProvider, invoice: Invoice, reasons: Sequence[str]
    ) -> None:
        provider.reject(invoice.id, *reasons)


class TestInMemoryMarketplace(MarketplaceGatewayContract):
    def make_marketplace(self) -> InMemoryMarketplace:
        return InMemoryMarketplace()

    def put_order(self, marketplace: InMemoryMarketplace, order: MarketplaceOrder) -> None:  # type: ignore[override]
        marketplace.put_order(order)

    def pushed_stock(self, marketplace: InMemoryMarketplace, channel_sku: str) -> int | None:  # type: ignore[override]
        return marketplace.stock.get(channel_sku)

    def pushed_tracking(  # type: ignore[override]
        self, marketplace: InMemoryMarketplace, external_id: str
    ) -> tuple[str, str] | None:
        return marketplace.tracking.get(external_id)

    def acknowledged(self, marketplace: InMemoryMarketplace) -> Collection[str]:  # type: ignore[override]
        return marketplace.acknowledged

    def put_settlement(self, marketplace: InMemoryMarketplace, report: SettlementReport) -> bool:  # type: ignore[override]
        marketplace.put_settlement(report)
        return True

    def signed_push(  # type: ignore[override]
        self, marketplace: InMemoryMarketplace, order: MarketplaceOrder
    ) -> tuple[bytes, str]:
        return marketplace.webhook(order)
