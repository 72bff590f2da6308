"""Wiring: build a :class:`~salesorder.services.app.SalesApp` from adapters.

:func:`in_memory` gives a complete application on the in-memory reference adapters, with a
manual clock and sequential ids, so runs are repeatable. This is where the application gets
its handler table (``salesorder.services.handlers.HANDLERS``), as cosmicpython's
bootstrap hands the handlers to its message bus. Nothing here runs at import time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

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
from salesorder.adapters.plugins import PluginGroup, load_chosen
from salesorder.domain.channels import ChannelKind
from salesorder.domain.events import DomainEvent
from salesorder.exceptions import DuplicateError, ValidationError
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.notifications import NotificationSender
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
    plugins: Mapping[str, Mapping[str, Mapping[str, Any]]] | None = None,
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
        plugins: adapters installed by other packages, by entry-point group (``"couriers"``,
            ``"marketplaces"``, ``"einvoice"``, ``"notifications"``, or the full
            ``"salesorder.couriers"``), then plugin name, then the factory's options; see
            :mod:`salesorder.adapters.plugins`. Plugin couriers and shops join the simulated
            ones under their own codes; an e-invoice or notifications plugin (one at most)
            replaces the simulated provider or outbox.

    Raises:
        PluginError: a plugin is unknown, broken or not an adapter of its port; nothing was
            built (no schema was created).
        DuplicateError: two couriers or two shops would have one code.
        ValidationError: more than one e-invoice or notifications plugin.
    """
    settings = settings or Settings()
    chosen = _Chosen.load(plugins or {})
    couriers_by_code: dict[str, CourierGateway] = {
        code: InMemoryCourier(code, currency=settings.currency) for code in couriers
    }
    _join(
        couriers_by_code,
        "courier",
        chosen.couriers,
        lambda c: c.code,
        " (leave the simulated one out: couriers=())",
    )
    shops: dict[str, MarketplaceGateway] = {}
    for kind in _MARKETPLACES:
        shop = InMemoryMarketplace.of(kind)
        shops[shop.channel.code] = shop
    _join(shops, "marketplace channel", chosen.marketplaces, lambda m: m.channel.code)
    uow: Callable[[], UnitOfWork]
    if database_url is None:
        uow = InMemoryStore()
    else:
        from salesorder.adapters.sql import SqlStore  # noqa: PLC0415 - the sql extra is optional

        uow = SqlStore(database_url)
    clock = ManualClock(start)
    bus = InMemoryEventBus()
    sender = chosen.notifications or InMemoryOutbox()
    notifier = Notifier(uow, sender, clock, locale=settings.locale, templates=settings.templates)
    bus.subscribe(DomainEvent, notifier.publish)
    return SalesApp(
        uow=uow,
        clock=clock,
        ids=SequentialIds(),
        events=bus,
        notifications=notifier,
        settings=settings,
        couriers=couriers_by_code,
        einvoice=chosen.einvoice or InMemoryEInvoiceProvider(),
        marketplaces=shops,
        handlers=HANDLERS,
        senders=SENDERS,
    )


class _Chosen:
    """The adapters of the plugins given to :func:`build`, loaded all or none."""

    def __init__(self, loaded: Mapping[PluginGroup, dict[str, Any]]) -> None:
        self.couriers: dict[str, CourierGateway] = loaded.get(PluginGroup.COURIERS, {})
        self.marketplaces: dict[str, MarketplaceGateway] = loaded.get(PluginGroup.MARKETPLACES, {})
        self.einvoice: EInvoiceProvider | None = _one(loaded, PluginGroup.EINVOICE)
        self.notifications: NotificationSender | None = _one(loaded, PluginGroup.NOTIFICATIONS)

    @classmethod
    def load(cls, plugins: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> _Chosen:
        # Groups are checked before any plugin is imported: an unknown group builds nothing.
        for group, names in plugins.items():
            if len(names) > 1 and PluginGroup.of(group) in _SINGLE:
                raise ValidationError(
                    f"{PluginGroup.of(group).value} takes one plugin, got {sorted(names)}"
                )
        return cls(load_chosen(plugins))


#: The groups whose adapter replaces the simulated one: an application has one of each.
_SINGLE = (PluginGroup.EINVOICE, PluginGroup.NOTIFICATIONS)


def _one(loaded: Mapping[PluginGroup, dict[str, Any]], group: PluginGroup) -> Any:
    adapters = list(loaded.get(group, {}).values())
    return adapters[0] if adapters else None


def _join(
    registry: dict[str, Any],
    kind: str,
    plugins: Mapping[str, Any],
    code: Callable[[Any], str],
    hint: str = "",
) -> None:
    """Add each plugin's adapter to ``registry`` under its code, refusing a code taken."""
    for name, adapter in plugins.items():
        key = code(adapter)
        if key in registry:
            raise DuplicateError(f"{kind} {key!r} of plugin {name!r} is already registered{hint}")
        registry[key] = adapter
