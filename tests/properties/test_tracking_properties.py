"""Tracking status is monotonic under any order, duplication and batching of updates.

For a consistent journey (the updates' times agree with the order things happened), any
arrival (shuffled, repeated, in batches) ends where one clean in-order delivery ends.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from salesorder.adapters.memory.couriers import JOURNEYS, Journey
from salesorder.domain.shipping import (
    FINAL_TRACKING,
    FeePayer,
    ServiceLevel,
    Shipment,
    TrackingEvent,
    TrackingStatus,
    progress,
    replay,
)
from salesorder.money import Money

T0 = dt.datetime(2026, 1, 5, 8, tzinfo=dt.timezone.utc)


def shipment() -> Shipment:
    return Shipment(
        id="SHP-1", order_id="ORD-1", warehouse="JKT-1", courier="jnt",
        service=ServiceLevel.ECONOMY, tracking_number="JNT1", label="", fee=Money.of(1, "IDR"),
        fee_payer=FeePayer.BUYER, weight_kg=Decimal(1),
    )  # fmt: skip


def any_events() -> st.SearchStrategy[list[TrackingEvent]]:
    event = st.builds(
        TrackingEvent,
        tracking_number=st.just("JNT1"),
        status=st.sampled_from(list(TrackingStatus)),
        at=st.integers(0, 20).map(lambda h: T0 + dt.timedelta(hours=h)),
        event_id=st.integers(0, 12).map(lambda n: f"e{n}"),
    )
    return st.lists(event, max_size=12)


@st.composite
def journeys(draw: st.DrawFn) -> list[TrackingEvent]:
    """A consistent journey: a prefix of a scripted one, times strictly increasing."""
    statuses = JOURNEYS[draw(st.sampled_from(list(Journey)))]
    length = draw(st.integers(0, len(statuses)))
    gaps = draw(st.lists(st.integers(1, 48), min_size=length, max_size=length))
    events, at = [], T0
    for n, (status, gap) in enumerate(zip(statuses[:length], gaps, strict=True)):
        at += dt.timedelta(hours=gap)
        events.append(TrackingEvent(tracking_number="JNT1", status=status, at=at, event_id=f"e{n}"))
    return events


@st.composite
def arrivals(draw: st.DrawFn, events: list[TrackingEvent]) -> list[list[TrackingEvent]]:
    """``events`` shuffled, some repeated, cut into batches."""
    sent = draw(st.permutations(events))
    repeats = draw(st.lists(st.sampled_from(events), max_size=6)) if events else []
    sent = draw(st.permutations(sent + repeats))
    cuts = sorted(draw(st.lists(st.integers(0, len(sent)), max_size=4)))
    bounds = [0, *cuts, len(sent)]
    return [sent[a:b] for a, b in itertools.pairwise(bounds)]


def apply(batches: list[list[TrackingEvent]]) -> tuple[Shipment, list[tuple[int, int, int]]]:
    """Record each batch; the progress key after each, checking a final status stays."""
    item = shipment()
    keys = [progress(item.state)]
    for batch in batches:
        final = item.tracking if item.tracking in FINAL_TRACKING else None
        item.record(batch)
        keys.append(progress(item.state))
        assert final is None or item.tracking is final, f"left final {final} for {item.tracking}"
    return item, keys


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_status_never_moves_backwards_for_any_updates_in_any_order(data: st.DataObject) -> None:
    events = data.draw(any_events())
    item, keys = apply(data.draw(arrivals(events)))
    assert keys == sorted(keys), f"progress went back: {keys}"
    assert len(item.events) == len({e.event_id for e in events})
    again = item.record(events)
    assert not again.new_events
    assert not again.moved


@settings(deadline=None)
@given(st.data())
def test_a_consistent_journey_ends_the_same_whatever_the_arrival(data: st.DataObject) -> None:
    events = data.draw(journeys())
    clean, _ = apply([[e] for e in events])
    item, keys = apply(data.draw(arrivals(events)))
    assert keys == sorted(keys)
    assert item.state == clean.state == replay(events)
    assert item.status is clean.status
    assert item.events == clean.events == events
