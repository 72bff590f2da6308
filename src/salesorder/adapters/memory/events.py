"""An in-memory event bus: records every event and calls subscribers in order."""

from __future__ import annotations

from collections.abc import Callable

from salesorder.domain.events import DomainEvent

__all__ = ["InMemoryEventBus"]


class InMemoryEventBus:
    """Keeps ``published`` events in order and calls handlers subscribed to their type."""

    def __init__(self) -> None:
        self.published: list[DomainEvent] = []
        self._handlers: list[tuple[type[DomainEvent], Callable[[DomainEvent], None]]] = []

    def subscribe(
        self, event_type: type[DomainEvent], handler: Callable[[DomainEvent], None]
    ) -> None:
        """Call ``handler`` with every published event that is an instance of ``event_type``."""
        self._handlers.append((event_type, handler))

    def publish(self, event: DomainEvent) -> None:
        """Record ``event`` and hand it to its subscribers."""
        self.published.append(event)
        for event_type, handler in self._handlers:
            if isinstance(event, event_type):
                handler(event)
