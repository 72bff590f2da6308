"""Wiring: build a :class:`~salesorder.services.app.SalesApp` from adapters.

:func:`in_memory` gives a complete application on the in-memory reference adapters, with a
manual clock and sequential ids, so runs are repeatable. This is where the application gets
its handler table (``salesorder.services.handlers.HANDLERS``), as cosmicpython's
bootstrap hands the handlers to its message bus. Nothing here runs at import time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from salesorder.adapters.memory import (
    InMemoryCourier,
    InMemoryEInvoiceProvider,
    InMemoryEventBus,
    InMemoryMarketplace,
    InMemoryStore,
    ManualClock,
    SequentialIds,
)
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.domain.channels import ChannelKind
from salesorder.domain.events import DomainEvent
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp, Settings
from salesorder.services.handlers import HANDLERS, SENDERS
from salesorder.services.notifications import Notifier

__all__ = ["build", "in_memory"]


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
    return build(settings, start=start, couriers=couriers)


#: The simulated marketplace shops every application gets (channel codes as the kinds).
_MARKETPLACES = (ChannelKind.SHOPEE, ChannelKind.LAZADA, ChannelKind.TIKTOK_SHOP)


def build(
    settings: Settings | None = None,
    *,
    database_url: str | None = None,
    start: dt.datetime | None = None,
    couriers: tuple[str, ...] = ("jnt",),
) -> SalesApp:
    """An application whose orders live in memory, or in the database at ``database_url``.

    The outside world (clock, couriers, e-invoice provider, and shops on Shopee, Lazada and
    TikTok Shop) is simulated by the in-memory adapters either way, so a run is repeatable.
    With a database, the schema is created when missing; ids still count up from 1, so use
    an empty database per run.

    Args:
        settings: the shop's settings (defaults: IDR, Indonesian tax, prices include tax).
        database_url: a SQLAlchemy URL (needs the ``sql`` extra); None keeps everything in
            memory.
        start: the manual clock's start time (default 2026-01-05 09:00 UTC).
        couriers: codes of in-memory couriers to register, priced in the shop's currency.
    """
    settings = settings or Settings()
    shops = [InMemoryMarketplace.of(kind) for kind in _MARKETPLACES]
    uow: Callable[[], UnitOfWork]
    if database_url is None:
        uow = InMemoryStore()
    else:
        from salesorder.adapters.sql import SqlStore  # noqa: PLC0415 - the sql extra is optional

        uow = SqlStore(database_url)
    clock = ManualClock(start)
    bus = InMemoryEventBus()
    notifier = Notifier(uow, InMemoryOutbox(), clock, locale=settings.locale)
    bus.subscribe(DomainEvent, notifier.publish)
    return SalesApp(
        uow=uow,
        clock=clock,
        ids=SequentialIds(),
        events=bus,
        notifications=notifier,
        settings=settings,
        couriers={code: InMemoryCourier(code, currency=settings.currency) for code in couriers},
        einvoice=InMemoryEInvoiceProvider(),
        marketplaces={shop.channel.code: shop for shop in shops},
        handlers=HANDLERS,
        senders=SENDERS,
    )
