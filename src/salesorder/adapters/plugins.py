"""Adapters other packages install: found by name through entry points.

A package that implements a port publishes a *factory* (a callable taking keyword options and
returning the adapter) under one of four entry-point groups, in its ``pyproject.toml``:

.. code-block:: toml

    [project.entry-points."salesorder.couriers"]
    acme = "salesorder_acme.couriers:make_courier"

==============================  ===================================================
group                           the factory returns a
==============================  ===================================================
``salesorder.couriers``         :class:`~salesorder.ports.couriers.CourierGateway`
``salesorder.marketplaces``     :class:`~salesorder.ports.marketplaces.MarketplaceGateway`
``salesorder.einvoice``         :class:`~salesorder.ports.einvoice.EInvoiceProvider`
``salesorder.notifications``    :class:`~salesorder.ports.notifications.NotificationSender`
==============================  ===================================================

:func:`available` lists the names installed in a group, :func:`find` describes one without
importing it, and :func:`load` imports its factory, calls it with the options and checks that
the product satisfies the group's port. Entry points are read from the installed distributions
on each call (``importlib.metadata``), never at import time and never cached, so a package
installed while the program runs is seen by the next call.
"""

from __future__ import annotations

import enum
import importlib.metadata
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Literal, overload

import attrs

from salesorder.exceptions import SalesOrderError
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.notifications import NotificationSender

__all__ = [
    "InvalidPlugin",
    "Plugin",
    "PluginConflict",
    "PluginError",
    "PluginGroup",
    "UnknownPlugin",
    "UnknownPluginGroup",
    "available",
    "find",
    "load",
    "load_chosen",
]


class PluginGroup(str, enum.Enum):
    """The entry-point groups salesorder reads, one per port an installed package may fill."""

    COURIERS = "salesorder.couriers"
    MARKETPLACES = "salesorder.marketplaces"
    EINVOICE = "salesorder.einvoice"
    NOTIFICATIONS = "salesorder.notifications"

    @classmethod
    def of(cls, group: PluginGroup | str) -> PluginGroup:
        """The group named ``group``: its full name, or the part after ``salesorder.``.

        Raises:
            UnknownPluginGroup: no such group.
        """
        if isinstance(group, cls):
            return group
        for member in cls:
            if group in (member.value, member.short):
                return member
        raise UnknownPluginGroup(str(group))

    @property
    def short(self) -> str:
        """The name without ``salesorder.``, such as ``"couriers"``."""
        return self.value.removeprefix("salesorder.")

    @property
    def port(self) -> type:
        """The port (a runtime-checkable Protocol) every adapter of the group satisfies."""
        return _PORTS[self]


_PORTS: dict[PluginGroup, type] = {
    PluginGroup.COURIERS: CourierGateway,
    PluginGroup.MARKETPLACES: MarketplaceGateway,
    PluginGroup.EINVOICE: EInvoiceProvider,
    PluginGroup.NOTIFICATIONS: NotificationSender,
}


class PluginError(SalesOrderError):
    """An adapter plugin could not be found or used."""


class UnknownPluginGroup(PluginError, LookupError):
    """A group that is not one of :class:`PluginGroup`.

    Attributes:
        group: the name that was given.
    """

    def __init__(self, group: str) -> None:
        self.group = group
        known = ", ".join(member.value for member in PluginGroup)
        super().__init__(f"no plugin group {group!r}; the groups are {known}")


class UnknownPlugin(PluginError, LookupError):
    """No installed package publishes a plugin of this name in this group.

    Attributes:
        group: the entry-point group looked in.
        name: the name asked for.
        installed: the names the group has, sorted.
    """

    def __init__(self, group: PluginGroup, name: str, installed: tuple[str, ...]) -> None:
        self.group = group
        self.name = name
        self.installed = installed
        have = ", ".join(repr(n) for n in installed) if installed else "none"
        super().__init__(f"no plugin {name!r} in {group.value}; installed: {have}")


class PluginConflict(PluginError, ValueError):
    """Two installed distributions publish the same name in one group.

    Attributes:
        group: the entry-point group.
        name: the name both publish.
        distributions: the distributions that publish it, sorted.
    """

    def __init__(self, group: PluginGroup, name: str, distributions: tuple[str, ...]) -> None:
        self.group = group
        self.name = name
        self.distributions = distributions
        super().__init__(
            f"plugin {name!r} in {group.value} is published by several distributions: "
            + ", ".join(distributions)
        )


class InvalidPlugin(PluginError, TypeError):
    """A plugin that cannot be used.

    It does not import, is not a factory, refuses its options, or makes something that does
    not satisfy the group's port.

    Attributes:
        group: the entry-point group.
        name: the plugin's name.
        reason: what is wrong, for people.
    """

    def __init__(self, group: PluginGroup, name: str, reason: str) -> None:
        self.group = group
        self.name = name
        self.reason = reason
        super().__init__(f"plugin {name!r} in {group.value}: {reason}")


@attrs.frozen(kw_only=True)
class Plugin:
    """One installed plugin, as its distribution's metadata describes it (nothing imported).

    Attributes:
        group: the entry-point group it is published in.
        name: its name in the group.
        value: the entry point's object reference, ``"module:attribute"``.
        distribution: the distribution that publishes it ("" when unknown).
        version: that distribution's version ("" when unknown).
    """

    group: PluginGroup
    name: str
    value: str
    distribution: str = ""
    version: str = ""

    def factory(self) -> Callable[..., object]:
        """Import the entry point's object and check it is a factory (callable).

        Raises:
            InvalidPlugin: the module or attribute does not import, or is not callable.
        """
        entry = importlib.metadata.EntryPoint(
            name=self.name, value=self.value, group=self.group.value
        )
        try:
            obj = entry.load()
        except (ImportError, AttributeError) as error:
            raise InvalidPlugin(
                self.group, self.name, f"{self.value!r} does not load ({error})"
            ) from error
        if not callable(obj):
            raise InvalidPlugin(
                self.group,
                self.name,
                f"{self.value!r} is a {type(obj).__name__}, not a factory (a callable)",
            )
        return obj  # type: ignore[no-any-return]  # callable() narrows to Callable[..., Any]

    def make(self, **options: Any) -> Any:
        """Call the factory with ``options``; the product, checked against the group's port.

        Raises:
            InvalidPlugin: the factory does not take these options, or its product does not
                satisfy :attr:`PluginGroup.port`.
        """
        factory = self.factory()
        _check_options(self, factory, options)
        product = factory(**options)
        port = self.group.port
        if not isinstance(product, port):
            missing = [m for m in _members(port) if not hasattr(product, m)]
            raise InvalidPlugin(
                self.group,
                self.name,
                f"{self.value!r} made a {type(product).__name__}, not a {port.__name__}"
                + (f" (missing {', '.join(missing)})" if missing else ""),
            )
        return product


def _members(port: type) -> list[str]:
    """The public methods and properties the Protocol ``port`` declares."""
    return sorted(name for name in vars(port) if not name.startswith("_"))


def _check_options(
    plugin: Plugin, factory: Callable[..., object], options: Mapping[str, Any]
) -> None:
    """Refuse options the factory's signature cannot take, before calling it."""
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):  # a builtin without a signature: let the call decide
        return
    try:
        signature.bind(**options)
    except TypeError as error:
        takes = [
            p.name
            for p in signature.parameters.values()
            if p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        raise InvalidPlugin(
            plugin.group,
            plugin.name,
            f"options {sorted(options)} refused ({error}); it takes {takes}",
        ) from None


def _entries(group: PluginGroup) -> dict[str, list[Plugin]]:
    """The group's entry points by name (a list: several distributions may publish one)."""
    found: dict[str, list[Plugin]] = {}
    for entry in importlib.metadata.entry_points(group=group.value):
        dist = entry.dist
        plugin = Plugin(
            group=group,
            name=entry.name,
            value=entry.value,
            distribution=dist.name if dist is not None else "",
            version=dist.version if dist is not None else "",
        )
        found.setdefault(entry.name, []).append(plugin)
    return found


def available(group: PluginGroup | str) -> tuple[str, ...]:
    """The names of the plugins installed in ``group``, sorted.

    Raises:
        UnknownPluginGroup: ``group`` is not one of :class:`PluginGroup`.
    """
    return tuple(sorted(_entries(PluginGroup.of(group))))


def find(group: PluginGroup | str, name: str) -> Plugin:
    """The installed plugin ``name`` of ``group``, described but not imported.

    Raises:
        UnknownPluginGroup: ``group`` is not one of :class:`PluginGroup`.
        UnknownPlugin: no installed distribution publishes ``name`` in the group.
        PluginConflict: several distributions publish ``name`` in the group.
    """
    member = PluginGroup.of(group)
    entries = _entries(member)
    try:
        candidates = entries[name]
    except KeyError:
        raise UnknownPlugin(member, name, tuple(sorted(entries))) from None
    if len({(p.distribution, p.value) for p in candidates}) > 1:
        raise PluginConflict(member, name, tuple(sorted(p.distribution for p in candidates)))
    return candidates[0]


@overload
def load(
    group: Literal[PluginGroup.COURIERS, "salesorder.couriers", "couriers"],
    name: str,
    /,
    **options: Any,
) -> CourierGateway: ...
@overload
def load(
    group: Literal[PluginGroup.MARKETPLACES, "salesorder.marketplaces", "marketplaces"],
    name: str,
    /,
    **options: Any,
) -> MarketplaceGateway: ...
@overload
def load(
    group: Literal[PluginGroup.EINVOICE, "salesorder.einvoice", "einvoice"],
    name: str,
    /,
    **options: Any,
) -> EInvoiceProvider: ...
@overload
def load(
    group: Literal[PluginGroup.NOTIFICATIONS, "salesorder.notifications", "notifications"],
    name: str,
    /,
    **options: Any,
) -> NotificationSender: ...
@overload
def load(group: PluginGroup | str, name: str, /, **options: Any) -> Any: ...
def load(group: PluginGroup | str, name: str, /, **options: Any) -> Any:
    """The adapter the plugin ``name`` of ``group`` makes with ``options``.

    The product satisfies the group's port (:attr:`PluginGroup.port`); each call makes a new
    one. An error the factory itself raises (bad credentials, say) reaches the caller as it
    was raised.

    Raises:
        UnknownPluginGroup: ``group`` is not one of :class:`PluginGroup`.
        UnknownPlugin: no installed distribution publishes ``name`` in the group; the error
            lists the names that are installed.
        PluginConflict: several distributions publish ``name`` in the group.
        InvalidPlugin: the plugin does not import, is not a factory, refuses ``options``, or
            makes something that is not an adapter of the group's port.
    """
    return find(group, name).make(**options)


def load_chosen(
    chosen: Mapping[PluginGroup | str, Mapping[str, Mapping[str, Any]]],
) -> dict[PluginGroup, dict[str, Any]]:
    """Load every plugin of ``chosen`` (group -> plugin name -> options), all or none.

    Groups may be named in full or short (``"couriers"``). The result maps each group to
    ``{plugin name: adapter}``; a plugin that fails stops the whole call, before anything
    that was made is handed out.

    Raises:
        UnknownPluginGroup: a group that is not one of :class:`PluginGroup`.
        UnknownPlugin: a name no installed distribution publishes in its group.
        PluginConflict: a name several distributions publish in its group.
        InvalidPlugin: a plugin that does not import, is not a factory, refuses its options,
            or makes something that is not an adapter of its group's port.
    """
    groups: dict[PluginGroup, Mapping[str, Mapping[str, Any]]] = {}
    for given, names in chosen.items():
        group = PluginGroup.of(given)
        if group in groups:
            raise PluginError(f"plugin group {group.value} is named twice")
        groups[group] = names
    return {
        group: {name: find(group, name).make(**options) for name, options in names.items()}
        for group, names in groups.items()
    }
