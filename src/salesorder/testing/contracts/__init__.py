"""Contract test kits: one per port, for any adapter (ours or yours).

Each kit is a pytest-style class with ``test_*`` methods and abstract factory methods. Subclass
it in your own test suite under a name pytest collects (``Test...``), implement the factory
(and the hooks the kit's docstring names), and pytest runs the whole contract against your
adapter::

    from salesorder.testing.contracts import UnitOfWorkContract

    class TestMyUnitOfWork(UnitOfWorkContract):
        def make_uow_factory(self):
            return MyStore(url="sqlite://").unit_of_work

An adapter another package publishes as a plugin (:mod:`salesorder.adapters.plugins`) is
checked in one line: ``TestAcme = check_plugin("salesorder.couriers", "acme", hooks=...)``
(:func:`~salesorder.testing.contracts.check_plugin`).

The kit classes are not named ``Test*``, so pytest does not collect the abstract kits
themselves. The kits need hypothesis (for the state machine), not pytest. The in-memory
adapters in :mod:`salesorder.adapters.memory` pass every kit; salesorder's own suite runs them
in ``tests/contracts``.

The kits check with ``assert``, so they refuse to load under ``python -O`` (which strips
asserts and would let every check pass).
"""

if not __debug__:  # pragma: no cover - only under python -O
    raise ImportError("salesorder.testing.contracts checks with assert; run without -O")

from salesorder.testing.contracts.clock import ClockContract, IdGeneratorContract
from salesorder.testing.contracts.couriers import CourierGatewayContract
from salesorder.testing.contracts.einvoice import EInvoiceProviderContract
from salesorder.testing.contracts.events import EventPublisherContract
from salesorder.testing.contracts.marketplaces import MarketplaceGatewayContract
from salesorder.testing.contracts.notifications import NotificationSenderContract
from salesorder.testing.contracts.persistence import UnitOfWorkContract, make_stock_state_machine
from salesorder.testing.contracts.plugins import check_plugin, kit_for

__all__ = [
    "ClockContract",
    "CourierGatewayContract",
    "EInvoiceProviderContract",
    "EventPublisherContract",
    "IdGeneratorContract",
    "MarketplaceGatewayContract",
    "NotificationSenderContract",
    "UnitOfWorkContract",
    "check_plugin",
    "kit_for",
    "make_stock_state_machine",
]
