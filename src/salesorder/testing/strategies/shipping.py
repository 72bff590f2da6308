"""Shipping: what a courier is asked, its tracking updates, and shipments."""

from __future__ import annotations

from hypothesis import strategies as st

from salesorder.domain.shipping import (
    FeePayer,
    ServiceLevel,
    Shipment,
    ShipmentRequest,
    ShipmentStatus,
    TrackingEvent,
    TrackingStatus,
)
from salesorder.testing.strategies.amounts import currencies, money, weights_kg
from salesorder.testing.strategies.basics import Spec, _spec, codes, texts, timestamps
from salesorder.testing.strategies.catalog import addresses, dimensions

__all__ = ["shipment_requests", "shipments", "tracking_events"]


@st.composite
def _shipment_requests(
    draw: st.DrawFn, currency: Spec[str], reference: Spec[str]
) -> ShipmentRequest:
    code = draw(_spec(currency, currencies()))
    return ShipmentRequest(
        reference=draw(_spec(reference, codes())),
        origin=draw(addresses()),
        destination=draw(addresses()),
        service=draw(st.sampled_from(list(ServiceLevel))),
        weight_kg=draw(weights_kg()),
        fee_payer=draw(st.sampled_from(list(FeePayer))),
        dimensions=draw(st.none() | dimensions()),
        cod_amount=draw(st.none() | money(code)),
    )


def shipment_requests(
    currency: Spec[str] = None, *, reference: Spec[str] = None
) -> st.SearchStrategy[ShipmentRequest]:
    """What a courier is asked to quote or book."""
    return _shipment_requests(currency, reference)


def tracking_events(tracking_number: Spec[str] = None) -> st.SearchStrategy[TrackingEvent]:
    """Courier status updates."""
    return st.builds(
        TrackingEvent,
        tracking_number=_spec(tracking_number, codes()),
        status=st.sampled_from(list(TrackingStatus)),
        at=timestamps(),
        note=st.one_of(st.just(""), texts()),
    )


@st.composite
def _shipments(draw: st.DrawFn, currency: Spec[str]) -> Shipment:
    code = draw(_spec(currency, currencies()))
    tracking = draw(codes())
    return Shipment(
        id=draw(codes()),
        order_id=draw(codes()),
        warehouse=draw(codes()),
        courier=draw(codes(max_size=6)),
        service=draw(st.sampled_from(list(ServiceLevel))),
        tracking_number=tracking,
        label=draw(texts(max_size=60)),
        fee=draw(money(code, max_value=1_000_000)),
        fee_payer=draw(st.sampled_from(list(FeePayer))),
        weight_kg=draw(weights_kg()),
        cod_amount=draw(st.none() | money(code)),
        status=draw(st.sampled_from(list(ShipmentStatus))),
        events=draw(st.lists(tracking_events(tracking), max_size=3)),
    )


def shipments(currency: Spec[str] = None) -> st.SearchStrategy[Shipment]:
    """Shipment aggregates with tracking events for their own tracking number."""
    return _shipments(currency)
