"""Run a port's contract kit against an installed adapter plugin, found by name.

One line in a test module runs the whole kit::

    from salesorder.testing.contracts import check_plugin

    TestAcmeSms = check_plugin("salesorder.notifications", "acme")

The name the class is assigned to must be one pytest collects (``Test...``). A kit that needs
hooks to script the other side (a courier's tracking updates, a marketplace's orders, the tax
authority's answer) takes them from ``hooks``, a class that defines them: ship it in your
package beside the adapter, and the check stays one line::

    TestAcmeCourier = check_plugin("salesorder.couriers", "acme", hooks=AcmeSandboxHooks)

See :mod:`salesorder.adapters.plugins` for how plugins are published and found.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from salesorder.adapters.plugins import PluginGroup, find
from salesorder.testing.contracts.couriers import CourierGatewayContract
from salesorder.testing.contracts.einvoice import EInvoiceProviderContract
from salesorder.testing.contracts.marketplaces import MarketplaceGatewayContract
from salesorder.testing.contracts.notifications import NotificationSenderContract

__all__ = ["check_plugin", "kit_for"]

#: Each group's kit, and the kit's method that makes a new adapter.
_KITS: dict[PluginGroup, tuple[type, str]] = {
    PluginGroup.COURIERS: (CourierGatewayContract, "make_courier"),
    PluginGroup.MARKETPLACES: (MarketplaceGatewayContract, "make_marketplace"),
    PluginGroup.EINVOICE: (EInvoiceProviderContract, "make_provider"),
    PluginGroup.NOTIFICATIONS: (NotificationSenderContract, "make_sender"),
}


def kit_for(group: PluginGroup | str) -> type:
    """The contract kit every adapter of ``group`` passes.

    Raises:
        UnknownPluginGroup: ``group`` is not one of
            :class:`~salesorder.adapters.plugins.PluginGroup`.
    """
    return _KITS[PluginGroup.of(group)][0]


def _missing_hooks(kit: type, maker: str, hooks: type | None) -> list[str]:
    """The kit's abstract hooks that ``hooks`` does not implement."""
    abstract: frozenset[str] = getattr(kit, "__abstractmethods__", frozenset())
    missing = []
    for name in sorted(abstract - {maker}):
        found = getattr(hooks, name, None) if hooks is not None else None
        if found is None or getattr(found, "__isabstractmethod__", False):
            missing.append(name)
    return missing


def check_plugin(
    group: PluginGroup | str,
    name: str,
    /,
    *,
    hooks: type | None = None,
    options: Mapping[str, Any] | None = None,
) -> type[object]:
    """A test class that runs ``group``'s contract kit against the installed plugin ``name``.

    Each test gets a new adapter from the plugin's factory, called with ``options``. The
    plugin is looked up and its factory imported now, so a missing or broken plugin fails
    collection with the reason, not every test.

    Args:
        group: the entry-point group (``"salesorder.couriers"``, or ``"couriers"``).
        name: the plugin's name in the group.
        hooks: a class defining the kit's hooks (and settings such as ``currency``); it comes
            first in the test class's bases, so it overrides the kit's defaults.
        options: keyword options for the plugin's factory.

    Raises:
        UnknownPluginGroup: ``group`` is not one of
            :class:`~salesorder.adapters.plugins.PluginGroup`.
        UnknownPlugin: no installed distribution publishes ``name`` in the group.
        InvalidPlugin: the plugin does not import, or is not a factory.
        TypeError: the kit needs hooks that ``hooks`` does not define; nothing is built.
    """
    plugin = find(group, name)
    kit, maker = _KITS[plugin.group]
    missing = _missing_hooks(kit, maker, hooks)
    if missing:
        raise TypeError(
            f"{kit.__name__} of plugin {name!r} in {plugin.group.value} needs hooks: "
            f"pass hooks=a class defining {', '.join(missing)}"
        )
    plugin.factory()
    kwargs = dict(options or {})

    def make(self: object) -> Any:
        del self
        return plugin.make(**kwargs)

    make.__name__ = maker
    make.__doc__ = f"A new adapter from plugin {name!r} ({plugin.value})."
    bases = (kit,) if hooks is None else (hooks, kit)
    title = "".join(part.capitalize() for part in name.replace("-", "_").split("_"))
    return type(
        f"Test{title}{kit.__name__.removesuffix('Contract')}",
        bases,
        {
            maker: make,
            "plugin": plugin,
            "__doc__": f"{kit.__name__} run against plugin {name!r} of {plugin.group.value}.",
        },
    )
