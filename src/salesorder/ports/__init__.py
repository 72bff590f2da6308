"""Ports: the typing.Protocol interfaces through which salesorder reaches the outside world.

Each port has a complete in-memory adapter in :mod:`salesorder.adapters.memory` and a contract
test kit in :mod:`salesorder.testing.contracts` that any adapter can run.
"""

from salesorder.ports.clock import Clock, IdGenerator
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.events import EventPublisher
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.persistence import (
    OrderRepository,
    PaymentRepository,
    Repository,
    StockRepository,
    UnitOfWork,
)

__all__ = [
    "Clock",
    "CourierGateway",
    "EInvoiceProvider",
    "EventPublisher",
    "IdGenerator",
    "MarketplaceGateway",
    "OrderRepository",
    "PaymentRepository",
    "Repository",
    "StockRepository",
    "UnitOfWork",
]
