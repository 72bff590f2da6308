"""Publishing domain events to whoever listens (notifications, projections, webhooks)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from salesorder.domain.events import DomainEvent

__all__ = ["EventPublisher"]


@runtime_checkable
class EventPublisher(Protocol):
    """Delivers domain events after the unit of work that produced them committed."""

    def publish(self, event: DomainEvent) -> None:
        """Deliver ``event``. Contract: events of one command arrive in the order raised."""
        ...
