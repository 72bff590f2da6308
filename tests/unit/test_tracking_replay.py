"""Replaying a courier's updates: dedup by event id, event-time order, never backwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from salesorder.domain.shipping import (
    FeePayer,
    ServiceLevel,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    TrackingState,
    TrackingStatus,
    progress,
    replay,
)
from salesorder.exceptions import IllegalTransition
from salesorder.money import Money

T = TrackingStatus
T0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)


def ev(status: TrackingStatus, hours: float, event_id: str | None = None) -> TrackingEvent:
    at = T0 + dt.timedelta(hours=hours)
    if event_id is None:
        return TrackingEvent(tracking_number="JNT1", status=status, at=at)
    return TrackingEvent(tracking_number="JNT1", status=status, at=at, event_id=event_id)


def shipment() -> Shipment:
    return Shipment(
        id="SHP-1", order_id="ORD-1", warehouse="JKT-1", courier="jnt",
        service=ServiceLevel.ECONOMY, tracking_number="JNT1", label="", fee=Money.of(1, "IDR"),
        fee_payer=FeePayer.BUYER, weight_kg=Decimal(1),
    )  # fmt: skip


def test_replay_orders_by_event_time_and_ignores_steps_back_within_an_attempt() -> None:
    assert replay([ev(T.DELIVERED, 3), ev(T.PICKED_UP, 0)]) == TrackingState(status=T.DELIVERED)
    assert replay([ev(T.OUT_FOR_DELIVERY, 1), ev(T.IN_TRANSIT, 2)]).status is T.OUT_FOR_DELIVERY
    assert replay([ev(T.IN_TRANSIT, 1), ev(T.DELAYED, 2)]).status is T.DELAYED
    assert replay([]) == TrackingState()


def test_a_failure_starts_a_new_attempt() -> None:
    state = replay([ev(T.OUT_FOR_DELIVERY, 1), ev(T.FAILED_DELIVERY, 2), ev(T.OUT_FOR_DELIVERY, 3)])
    assert state == TrackingState(status=T.OUT_FOR_DELIVERY, failed_attempts=1)
    assert progress(state) > progress(replay([ev(T.OUT_FOR_DELIVERY, 1)]))


def test_the_same_event_id_counts_once_and_the_default_id_is_stable() -> None:
    assert ev(T.PICKED_UP, 0) == ev(T.PICKED_UP, 0)
    assert ev(T.PICKED_UP, 0).event_id == "JNT1/picked_up/2026-01-05T08:00:00+00:00"
    twice = [ev(T.FAILED_DELIVERY, 1, "e1"), ev(T.FAILED_DELIVERY, 1, "e1")]
    assert replay(twice).failed_attempts == 1


def test_a_shipment_keeps_its_state_when_a_late_update_would_move_it_back() -> None:
    item = shipment()
    update = item.record([ev(T.DELIVERED, 5)])
    assert update.moved
    assert item.status is ShipmentStatus.DELIVERED
    late = item.record([ev(T.RETURNED_TO_SENDER, 4), ev(T.DELIVERED, 5)])
    assert [e.status for e in late.new_events] == [T.RETURNED_TO_SENDER]
    assert not late.moved
    assert item.tracking is T.DELIVERED
    assert [e.status for e in item.events] == [T.RETURNED_TO_SENDER, T.DELIVERED]
    assert item.track(ev(T.DELIVERED, 5)) is False


def test_updates_for_another_parcel_or_a_cancelled_shipment_are_refused() -> None:
    item = shipment()
    other = TrackingEvent(tracking_number="JNT2", status=T.PICKED_UP, at=T0)
    with pytest.raises(IllegalTransition, match="'JNT2'"):
        item.record([ev(T.PICKED_UP, 0), other])
    assert item.events == []
    item.cancel()
    with pytest.raises(IllegalTransition, match="cancelled"):
        item.record([ev(T.PICKED_UP, 0)])
    picked = shipment()
    picked.record([ev(T.PICKED_UP, 0)])
    with pytest.raises(IllegalTransition, match="the courier has it"):
        picked.cancel()
