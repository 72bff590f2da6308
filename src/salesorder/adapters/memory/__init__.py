"""The in-memory reference adapters: complete implementations of every port, shipped.

They are the executable specification of the ports: the contract kits in
:mod:`salesorder.testing.contracts` pass against them, and any other adapter must behave the
same way.
"""

from salesorder.adapters.memory.clock import ManualClock, SequentialIds
from salesorder.adapters.memory.couriers import InMemoryCourier
from salesorder.adapters.memory.einvoice import InMemoryEInvoiceProvider
from salesorder.adapters.memory.events import InMemoryEventBus
from salesorder.adapters.memory.marketplaces import InMemoryMarketplace
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.adapters.memory.persistence import InMemoryStore, InMemoryUnitOfWork

__all__ = [
    "InMemoryCourier",
    "InMemoryEInvoiceProvider",
    "InMemoryEventBus",
    "InMemoryMarketplace",
    "InMemoryOutbox",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "ManualClock",
    "SequentialIds",
]
