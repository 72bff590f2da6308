"""An application built with adapters found by name, and the refusals that build nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from salesorder import bootstrap
from salesorder.adapters.memory import InMemoryCourier, InMemoryEInvoiceProvider
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.adapters.plugins import (
    InvalidPlugin,
    PluginError,
    UnknownPlugin,
    UnknownPluginGroup,
)
from salesorder.exceptions import DuplicateError, ValidationError
from salesorder.testing.contracts import check_plugin, kit_for
from salesorder.testing.contracts.couriers import CourierGatewayContract


def test_the_existing_signature_builds_the_simulated_world() -> None:
    app = bootstrap.build(couriers=("jnt", "ghn"))
    assert sorted(app.couriers) == ["ghn", "jnt"]
    assert isinstance(app.einvoice, InMemoryEInvoiceProvider)
    assert app.notifications is not None
    assert isinstance(app.notifications.sender, InMemoryOutbox)
    assert sorted(app.marketplaces) == ["lazada", "shopee", "tiktok_shop"]


def test_plugins_chosen_by_name_join_or_replace_the_simulated_adapters() -> None:
    app = bootstrap.build(
        plugins={
            "couriers": {"acme": {"currency": "IDR"}},
            "salesorder.marketplaces": {"acme": {"code": "acme-mall-id"}},
            "einvoice": {"acme": {}},
            "notifications": {"acme": {"sender_id": "TOKO"}},
        }
    )
    assert sorted(app.couriers) == ["acme", "jnt"]
    assert app.courier("acme").code == "acme"
    assert app.marketplace("acme-mall-id").channel.name == "Acme Mall"
    assert "shopee" in app.marketplaces
    assert app.einvoice is not None
    assert app.einvoice.code == "acme"
    assert app.notifications is not None
    assert type(app.notifications.sender).__name__ == "AcmeSms"
    assert app.notifications.sender.sender_id == "TOKO"  # type: ignore[attr-defined]


def test_an_unknown_plugin_builds_nothing_and_creates_no_database(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    database = tmp_path / "shop.db"
    with pytest.raises(UnknownPlugin, match=r"no plugin 'jne' in salesorder.couriers"):
        bootstrap.build(database_url=f"sqlite:///{database}", plugins={"couriers": {"jne": {}}})
    assert not database.exists()


def test_an_unknown_group_is_refused_before_any_plugin_loads() -> None:
    with pytest.raises(UnknownPluginGroup, match="'payments'"):
        bootstrap.build(plugins={"couriers": {"acme": {}}, "payments": {"acme": {}}})


def test_a_plugin_refusing_its_options_is_refused_by_name() -> None:
    with pytest.raises(InvalidPlugin, match=r"options \['colour'\] refused"):
        bootstrap.build(plugins={"couriers": {"acme": {"colour": "red"}}})


def test_a_courier_code_taken_by_a_simulated_courier_is_refused() -> None:
    with pytest.raises(DuplicateError, match=r"courier 'jnt' of plugin 'acme'.*couriers=\(\)"):
        bootstrap.build(plugins={"couriers": {"acme": {"code": "jnt"}}})
    app = bootstrap.build(couriers=(), plugins={"couriers": {"acme": {"code": "jnt"}}})
    courier = app.courier("jnt")  # the plugin's courier now answers to "jnt"
    assert isinstance(courier, InMemoryCourier)
    assert courier.prefix == "ACX"


def test_a_shop_code_taken_by_a_simulated_shop_is_refused() -> None:
    with pytest.raises(DuplicateError, match=r"marketplace channel 'shopee' of plugin 'acme'"):
        bootstrap.build(plugins={"marketplaces": {"acme": {"code": "shopee"}}})


def test_more_than_one_einvoice_or_notifications_plugin_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"salesorder.einvoice takes one plugin"):
        bootstrap.build(plugins={"einvoice": {"acme": {}, "other": {}}})
    with pytest.raises(ValidationError, match=r"salesorder.notifications takes one plugin"):
        bootstrap.build(plugins={"notifications": {"acme": {}, "other": {}}})


def test_check_plugin_refuses_a_kit_without_its_hooks_naming_them() -> None:
    with pytest.raises(TypeError, match=r"CourierGatewayContract of plugin 'acme'.*report"):
        check_plugin("salesorder.couriers", "acme")


def test_check_plugin_refuses_an_unknown_plugin() -> None:
    with pytest.raises(UnknownPlugin, match="'jne'"):
        check_plugin("salesorder.couriers", "jne")


def test_check_plugin_builds_a_kit_class_that_makes_the_plugin() -> None:
    from salesorder_acme.testing import CourierHooks

    kit = check_plugin("couriers", "acme", hooks=CourierHooks, options={"base_fee": "1"})
    assert issubclass(kit, CourierGatewayContract)
    assert kit_for("couriers") is CourierGatewayContract
    assert kit.__name__ == "TestAcmeCourierGateway"
    courier = kit().make_courier()
    assert isinstance(courier, InMemoryCourier)
    assert courier.base_fee.amount == 1
    assert kit().make_courier() is not courier


def test_a_group_named_twice_is_refused() -> None:
    with pytest.raises(PluginError, match=r"plugin group salesorder.couriers is named twice"):
        bootstrap.build(plugins={"couriers": {"acme": {}}, "salesorder.couriers": {"acme": {}}})
