"""Adapters other packages install are found by name; what cannot be used is refused by name.

The example package (example_pkg, "installed" by this directory's conftest) publishes an
adapter named "acme" in each of the four groups. Broken plugins are published by throwaway
distributions written per test (acme_site.write_dist) with their code in a throwaway module.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from acme_site import write_dist

from salesorder.adapters.memory import InMemoryCourier
from salesorder.adapters.plugins import (
    InvalidPlugin,
    PluginConflict,
    PluginGroup,
    UnknownPlugin,
    UnknownPluginGroup,
    available,
    find,
    load,
)
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.notifications import NotificationSender

#: The code behind the broken plugins; CALLS records every factory call.
BROKEN = """
from salesorder.adapters.memory import InMemoryCourier

CALLS = []
NOT_A_FACTORY = 42


def not_an_adapter(**options):
    CALLS.append(options)
    return object()


def half_a_courier():
    CALLS.append("half")

    class Half:
        code = "half"

        def quote(self, request): ...

    return Half()


def strict(*, colour="red"):
    CALLS.append(colour)
    return InMemoryCourier("strict")


def other():
    return InMemoryCourier("other")
"""

Publish = Callable[[str, Mapping[str, Mapping[str, str]]], None]


@pytest.fixture
def publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Publish]:
    """publish(distribution, {group: {name: value}}): a distribution installed for the test."""
    (tmp_path / "acme_broken.py").write_text(BROKEN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))

    def install(distribution: str, entry_points: Mapping[str, Mapping[str, str]]) -> None:
        write_dist(tmp_path, distribution, "1.0", entry_points)

    yield install
    sys.modules.pop("acme_broken", None)


def _calls() -> list[object]:
    calls: list[object] = sys.modules["acme_broken"].CALLS
    return calls


# -- finding by name -------------------------------------------------------------------------


@pytest.mark.parametrize("group", list(PluginGroup))
def test_the_example_package_is_found_by_name_in_every_group(group: PluginGroup) -> None:
    assert "acme" in available(group)
    plugin = find(group, "acme")
    assert (plugin.distribution, plugin.version) == ("salesorder-acme", "0.1.0")
    assert plugin.value.startswith("salesorder_acme.")
    assert isinstance(load(group, "acme"), group.port)


def test_groups_are_named_in_full_or_short() -> None:
    assert PluginGroup.of("couriers") is PluginGroup.of("salesorder.couriers")
    assert PluginGroup.COURIERS.port is CourierGateway
    assert available("couriers") == available(PluginGroup.COURIERS)


def test_load_passes_the_options_and_makes_a_new_adapter_each_call() -> None:
    courier = load("salesorder.couriers", "acme", currency="VND", base_fee="15000")
    assert isinstance(courier, InMemoryCourier)
    assert courier.base_fee.currency == "VND"
    assert str(courier.base_fee.amount) == "15000"
    assert load("couriers", "acme") is not load("couriers", "acme")
    assert isinstance(load("marketplaces", "acme", code="acme-2").channel.code, str)
    assert load("marketplaces", "acme", code="acme-2").channel.code == "acme-2"
    assert isinstance(load("einvoice", "acme"), EInvoiceProvider)
    assert isinstance(load("notifications", "acme", sender_id="TOKO"), NotificationSender)
    assert isinstance(load("marketplaces", "acme"), MarketplaceGateway)


def test_entry_points_are_read_on_each_call_not_cached(publish: Publish) -> None:
    assert "late" not in available("couriers")
    publish("late-courier", {"salesorder.couriers": {"late": "acme_broken:other"}})
    assert "late" in available("couriers")
    assert load("couriers", "late").code == "other"


def test_importing_the_registry_reads_no_entry_point() -> None:
    """No registry filling at import time: nothing asks for salesorder's groups on import.

    (hypothesis, imported by the kits, reads its own group when imported; that is allowed.)
    """
    code = textwrap.dedent(
        """
        import importlib.metadata as metadata

        real = metadata.entry_points

        def boom(**kwargs):
            if str(kwargs.get("group", "salesorder")).startswith("salesorder"):
                raise SystemExit("salesorder's entry points read at import time")
            return real(**kwargs)

        metadata.entry_points = boom
        import salesorder, salesorder.adapters.plugins, salesorder.bootstrap
        import salesorder.testing.contracts
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)  # noqa: S603


# -- refusals --------------------------------------------------------------------------------


def test_an_unknown_name_is_refused_naming_the_group_the_name_and_what_is_installed() -> None:
    with pytest.raises(UnknownPlugin, match=r"no plugin 'jne' in salesorder.couriers") as caught:
        load("salesorder.couriers", "jne")
    error = caught.value
    assert (error.group, error.name) == (PluginGroup.COURIERS, "jne")
    assert "acme" in error.installed
    assert "'acme'" in str(error)
    assert isinstance(error, LookupError)


def test_an_unknown_group_is_refused_naming_it() -> None:
    with pytest.raises(UnknownPluginGroup, match=r"'salesorder.payments'.*salesorder.couriers"):
        available("salesorder.payments")
    with pytest.raises(UnknownPluginGroup, match="'payments'"):
        load("payments", "acme")


def test_an_object_that_is_not_a_factory_is_refused(publish: Publish) -> None:
    publish("acme-broken", {"salesorder.couriers": {"constant": "acme_broken:NOT_A_FACTORY"}})
    with pytest.raises(InvalidPlugin, match=r"'constant'.*is a int, not a factory") as caught:
        load("couriers", "constant")
    assert caught.value.name == "constant"


def test_a_plugin_that_does_not_import_is_refused(publish: Publish) -> None:
    publish(
        "acme-broken",
        {
            "salesorder.couriers": {
                "gone": "acme_nowhere:make",
                "typo": "acme_broken:no_such_factory",
            }
        },
    )
    with pytest.raises(InvalidPlugin, match=r"'gone'.*'acme_nowhere:make' does not load"):
        load("couriers", "gone")
    with pytest.raises(InvalidPlugin, match=r"'typo'.*does not load"):
        load("couriers", "typo")


def test_a_product_that_is_not_an_adapter_of_the_port_is_refused(publish: Publish) -> None:
    publish(
        "acme-broken",
        {
            "salesorder.couriers": {"half": "acme_broken:half_a_courier"},
            "salesorder.einvoice": {"nothing": "acme_broken:not_an_adapter"},
        },
    )
    with pytest.raises(
        InvalidPlugin, match=r"made a Half, not a CourierGateway \(missing book, cancel, tracking\)"
    ):
        load("couriers", "half")
    with pytest.raises(InvalidPlugin, match=r"'nothing'.*not a EInvoiceProvider"):
        load("einvoice", "nothing")


def test_options_the_factory_does_not_take_are_refused_before_it_is_called(
    publish: Publish,
) -> None:
    publish("acme-broken", {"salesorder.couriers": {"strict": "acme_broken:strict"}})
    with pytest.raises(InvalidPlugin, match=r"options \['color'\] refused.*takes \['colour'\]"):
        load("couriers", "strict", color="blue")
    assert _calls() == []
    assert load("couriers", "strict", colour="blue").code == "strict"
    assert _calls() == ["blue"]


def test_a_name_two_distributions_publish_is_refused_naming_both(publish: Publish) -> None:
    publish("acme-one", {"salesorder.couriers": {"twin": "acme_broken:strict"}})
    publish("acme-two", {"salesorder.couriers": {"twin": "acme_broken:other"}})
    with pytest.raises(PluginConflict, match=r"'twin'.*acme-one, acme-two") as caught:
        load("couriers", "twin")
    assert caught.value.distributions == ("acme-one", "acme-two")
    assert "twin" in available("couriers")  # listed, so the conflict can be seen


def test_the_module_reads_metadata_through_importlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry asks importlib.metadata each time: an empty environment has no plugins."""
    monkeypatch.setattr("importlib.metadata.entry_points", lambda **_kw: [])
    assert available("couriers") == ()
    with pytest.raises(UnknownPlugin, match="installed: none"):
        find("couriers", "acme")


def test_a_kit_made_for_a_broken_plugin_fails_each_test_with_the_reason(publish: Publish) -> None:
    from salesorder_acme.testing import CourierHooks

    from salesorder.testing.contracts import check_plugin

    publish("acme-broken", {"salesorder.couriers": {"half": "acme_broken:half_a_courier"}})
    kit = check_plugin("couriers", "half", hooks=CourierHooks)
    with pytest.raises(InvalidPlugin, match="not a CourierGateway"):
        kit().test_is_a_courier_gateway_with_a_code()  # type: ignore[attr-defined]


def test_check_plugin_refuses_a_plugin_that_is_not_a_factory(publish: Publish) -> None:
    from salesorder.testing.contracts import check_plugin

    publish("acme-broken", {"salesorder.notifications": {"constant": "acme_broken:NOT_A_FACTORY"}})
    with pytest.raises(InvalidPlugin, match="not a factory"):
        check_plugin("notifications", "constant")
