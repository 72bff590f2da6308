"""Shipments and their tracking events for people."""

from __future__ import annotations

from collections.abc import Iterable

from salesorder.display._format import clip, count, moment, money_text
from salesorder.display._html import Html, block, facts, table
from salesorder.domain.shipping import Shipment, TrackingEvent

__all__ = ["event_html", "event_repr", "events_html", "shipment_html", "shipment_repr"]


def shipment_repr(shipment: Shipment, locale: str) -> str:
    """``<Shipment SHP-000001 delivered ORD-000001 jnt JNT0000000001 fee Rp26.000,00>``."""
    return (
        f"<Shipment {clip(shipment.id)} {shipment.status.value} {clip(shipment.order_id)} "
        f"{clip(shipment.courier, 20)} {clip(shipment.tracking_number or 'not booked', 30)} "
        f"fee {money_text(shipment.fee, locale)}>"
    )


def events_html(events: Iterable[TrackingEvent]) -> Html:
    """Tracking events as a table: when, status, the courier's note, the event id."""
    rows = [(moment(e.at), e.status.value, e.note, e.event_id) for e in events]
    return table(
        ("at", "status", "note", "event"), rows, caption=count(len(rows), "tracking event")
    )


def shipment_html(shipment: Shipment, locale: str) -> Html:
    """The parcel's order, courier, tracking, fee and COD amount, then its tracking events."""
    destination = shipment.destination
    cod = shipment.cod_amount
    head = facts(
        (
            ("order", shipment.order_id),
            ("status", shipment.status.value),
            ("courier", f"{shipment.courier} {shipment.service.value}"),
            ("tracking number", shipment.tracking_number),
            ("tracking", "" if shipment.tracking is None else shipment.tracking.value),
            ("failed attempts", str(shipment.failed_attempts) if shipment.failed_attempts else ""),
            ("fee", f"{money_text(shipment.fee, locale)} paid by {shipment.fee_payer.value}"),
            ("cash on delivery", "" if cod is None else money_text(cod, locale)),
            ("weight", f"{shipment.weight_kg} kg"),
            ("from", shipment.warehouse),
            ("to", "" if destination is None else f"{destination.line1}, {destination.city}"),
        )
    )
    return block("shipment", f"Shipment {shipment.id}", head, events_html(shipment.events))


def event_repr(event: TrackingEvent, locale: str) -> str:
    """``<TrackingEvent JNT0000000001 delivered 2026-01-06 18:05+07:00>``."""
    del locale
    return f"<TrackingEvent {clip(event.tracking_number)} {event.status.value} {moment(event.at)}>"


def event_html(event: TrackingEvent, locale: str) -> Html:
    """One tracking event, as a table of one row."""
    del locale
    return block("tracking-event", f"Tracking {event.tracking_number}", events_html([event]))
