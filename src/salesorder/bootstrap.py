"""Wiring: build a :class:`~salesorder.services.app.SalesApp` from adapters.

:func:`in_memory` gives a complete application on the in-memory reference adapters, with a
manual clock and sequential ids, so runs are repeatable. Nothing here runs at import time.
"""

from __future__ import annotations

import datetime as dt

from salesorder.adapters.memory import (
    InMemoryCourier,
    InMemoryEInvoiceProvider,
    InMemoryEventBus,
    InMemoryMarketplace,
    InMemoryStore,
    ManualClock,
    SequentialIds,
)
from salesorder.services.app import SalesApp, Settings

__all__ = ["in_memory"]


def in_memory(
    settings: Settings | None = None,
    *,
    start: dt.datetime | None = None,
    couriers: tuple[str, ...] = ("jnt",),
) -> SalesApp:
    """A whole application on the in-memory adapters.

    Args:
        settings: the shop's settings (defaults: IDR, Indonesian tax, prices include tax).
        start: the manual clock's start time (default 2026-01-05 09:00 UTC).
        couriers: codes of in-memory couriers to register, priced in the shop's currency.
    """
    settings = settings or Settings()
    shopee = InMemoryMarketplace()
    return SalesApp(
        uow=InMemoryStore(),
        clock=ManualClock(start),
        ids=SequentialIds(),
        events=InMemoryEventBus(),
        settings=settings,
        couriers={code: InMemoryCourier(code, currency=settings.currency) for code in couriers},
        einvoice=InMemoryEInvoiceProvider(),
        marketplaces={shopee.channel.code: shopee},
    )
