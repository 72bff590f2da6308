"""Acme Express, a courier."""

from __future__ import annotations

from salesorder.adapters.memory import InMemoryCourier
from salesorder.money import Money


def make_courier(
    *, code: str = "acme", currency: str = "IDR", base_fee: str = "8000"
) -> InMemoryCourier:
    """Acme Express, priced in ``currency`` from ``base_fee`` per parcel."""
    return InMemoryCourier(
        code, currency=currency, base_fee=Money.of(base_fee, currency), tracking_prefix="ACX"
    )
