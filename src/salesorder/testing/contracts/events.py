"""Contract of the event publisher port.

Plug your adapter in by subclassing :class:`EventPublisherContract` and telling the kit how
to read back what a publisher delivered::

    class TestRedisStream(EventPublisherContract):
        def make_publisher(self):
            return RedisStreamPublisher(redis, stream="test-events")

        def delivered(self, publisher):
            return [decode(entry) for entry in redis.xrange("test-events")]
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Sequence

from salesorder.domain.events import (
    DomainEvent,
    OrderConfirmed,
    OrderPlaced,
    OrderPriced,
    OrderShipped,
    StockReserved,
)
from salesorder.money import Money
from salesorder.ports.events import EventPublisher
from salesorder.testing.contracts._support import T0

__all__ = ["EventPublisherContract"]


def _events(order_id: str, start: dt.datetime) -> list[DomainEvent]:
    return [
        OrderPriced(order_id=order_id, at=start, gross=Money.of("450000", "IDR")),
        OrderPlaced(order_id=order_id, at=start, channel="web"),
        OrderConfirmed(order_id=order_id, at=start + dt.timedelta(minutes=5)),
        StockReserved(order_id=order_id, at=start + dt.timedelta(minutes=6), warehouse="JKT-1"),
        OrderShipped(
            order_id=order_id,
            at=start + dt.timedelta(hours=3),
            shipment_id=f"SHP-{order_id}",
            courier="jnt",
            tracking_number=f"JNT-{order_id}",
        ),
    ]


class EventPublisherContract(abc.ABC):
    """Events are delivered, all of them, in the order they were published."""

    @abc.abstractmethod
    def make_publisher(self) -> EventPublisher:
        """A new publisher that has delivered nothing yet."""

    @abc.abstractmethod
    def delivered(self, publisher: EventPublisher) -> Sequence[DomainEvent]:
        """Every event ``publisher`` delivered so far, in delivery order."""

    def test_is_an_event_publisher(self) -> None:
        assert isinstance(self.make_publisher(), EventPublisher)

    def test_events_arrive_in_the_order_published(self) -> None:
        publisher = self.make_publisher()
        events = _events("ORD-1", T0)
        for event in events:
            publisher.publish(event)
        assert list(self.delivered(publisher)) == events

    def test_many_commands_keep_their_order(self) -> None:
        publisher = self.make_publisher()
        events = [
            event
            for number in range(1, 21)
            for event in _events(f"ORD-{number}", T0 + dt.timedelta(minutes=number))
        ]
        for event in events:
            publisher.publish(event)
        assert list(self.delivered(publisher)) == events
