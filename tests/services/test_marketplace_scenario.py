"""Marketplace events, webhooks, stock sync and settlements through a scenario file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from salesorder import ScenarioError
from salesorder.scenario import dump_scenario, load_demo, load_scenario, run_scenario

ADDRESS = {"line1": "Jl. Kemang Raya 3", "city": "Jakarta", "country": "ID", "recipient": "Sari"}
NEW_ADDRESS = {"line1": "Jl. Margonda 100", "city": "Depok", "country": "ID", "recipient": "Sari"}


def idr(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "IDR"}


def shopee_order(external_id: str, channel_sku: str, revision: int = 1) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "revision": revision,
        "status": "READY_TO_SHIP",
        "buyer_name": "Sari",
        "shipping_address": ADDRESS,
        "currency": "IDR",
        "lines": [{"channel_sku": channel_sku, "quantity": 2, "unit_price": idr("145000")}],
        "created_at": "2026-01-05T08:00:00+07:00",
        "cash_on_delivery": True,
    }


def _with_steps(*steps: dict[str, Any]) -> dict[str, Any]:
    data = dump_scenario(load_demo())
    data["commands"].extend(steps)
    return json.loads(json.dumps(data))


def _run(*steps: dict[str, Any]) -> dict[str, Any]:
    return run_scenario(load_scenario(_with_steps(*steps)))


def test_a_marketplace_story_in_a_scenario() -> None:
    state = _run(
        {"type": "marketplace_order", "as": "m1", "channel": "shopee",
         "order": shopee_order("SP-900", "TSHIRT-RED-M")},
        {"type": "import_marketplace_orders", "channel": "shopee"},
        {"type": "marketplace_update", "channel": "shopee", "external_id": "SP-900",
         "shipping_address": NEW_ADDRESS},
        {"type": "import_marketplace_orders", "channel": "shopee"},
        {"type": "marketplace_push", "channel": "shopee", "forged": True,
         "order": shopee_order("SP-901", "TSHIRT-RED-M")},
        {"type": "marketplace_push", "channel": "shopee",
         "order": shopee_order("SP-902", "SHP-MUG")},
        {"type": "map_channel_sku", "channel": "shopee", "channel_sku": "SHP-MUG",
         "sku": "MUG-WHITE"},
        {"type": "release_parked_orders", "channel": "shopee"},
        {"type": "set_channel_stock_rule", "channel": "shopee", "buffer": 1, "share": "0.5"},
        {"type": "sync_channel_stock", "channel": "shopee"},
        {"type": "marketplace_settlement", "channel": "shopee", "report": {
            "report_id": "PAYOUT-1", "currency": "IDR", "paid_at": "2026-01-12T10:00:00+07:00",
            "lines": [{"external_id": "SP-900", "revenue": idr("290000"),
                       "commission": idr("25000"), "transaction_fee": idr("11600"),
                       "service_fee": idr("10000"), "shipping_subsidy": idr("0"),
                       "payout": idr("243400")}]}},
        {"type": "import_settlements", "channel": "shopee"},
        {"type": "cancel_order", "order_id": "$m1"},
    )  # fmt: skip
    by_ref = {o["external_ref"]: o for o in state["orders"] if o["channel"]["code"] == "shopee"}
    assert by_ref["SP-900"]["shipping_address"]["city"] == "Depok"
    assert by_ref["SP-900"]["status"] == "cancelled"
    assert "SP-901" not in by_ref  # the forged push was never applied
    (account,) = state["channel_accounts"]
    assert account["sku_map"] == {"SHP-MUG": "MUG-WHITE"}
    # The forged push is logged apart (refused_deliveries), never on the channel account.
    assert account["rejected"] == []
    assert {r["external_id"]: r["parked_reason"] for r in state["marketplace_orders"]} == {
        "260105ABCD1234": "",  # the demo's own Shopee order
        "SP-900": "",
        "SP-902": "",  # parked, then released once its SKU was mapped
    }
    assert [line["sku"] for line in by_ref["SP-902"]["lines"]] == ["MUG-WHITE"]
    results = {step["type"]: step["result"] for step in state["steps"][-13:]}
    assert results["marketplace_push"]["outcome"] == "parked"  # the last push: SHP-MUG
    (released,) = results["release_parked_orders"]
    assert released["outcome"] == "created"
    # Only mapped SKUs are pushed: MUG-WHITE has 10, SP-902 waits for 2 of them, the rule
    # holds 1 back and offers half of the other 7.
    pushed = {p["channel_sku"]: p["quantity"] for p in results["sync_channel_stock"]}
    assert pushed == {"SHP-MUG": 3}
    (reconciled,) = results["import_settlements"]
    # Expected on the illustrative Shopee profile (no category: 6.5 % commission): 18,850
    # commission, 4 % transaction fee 11,600, service fee capped at 10,000: payout 249,550.
    # The report kept 25,000 commission: 6,150 more, so 6,150 less paid out.
    found = [
        (d["external_id"], d["item"], d["expected"]["amount"], d["settled"]["amount"])
        for d in reconciled["differences"]
    ]
    assert found == [
        ("SP-900", "commission", "18850.00", "25000"),
        ("SP-900", "payout", "249550.00", "243400"),
    ]


def test_a_marketplace_step_for_an_unknown_channel_fails_with_its_path() -> None:
    data = _with_steps(
        {"type": "marketplace_update", "channel": "blibli", "external_id": "X", "status": "x"}
    )
    index = len(data["commands"]) - 1
    with pytest.raises(ScenarioError, match=rf"commands\[{index}\].*'blibli'"):
        run_scenario(load_scenario(data))


def test_the_marketplace_story_gives_the_same_result_on_sqlite() -> None:
    pytest.importorskip("sqlalchemy")
    steps = (
        {"type": "marketplace_push", "channel": "shopee",
         "order": shopee_order("SP-902", "SHP-MUG")},
        {"type": "map_channel_sku", "channel": "shopee", "channel_sku": "SHP-MUG",
         "sku": "MUG-WHITE"},
        {"type": "release_parked_orders"},
        {"type": "set_channel_stock_rule", "channel": "shopee", "share": "0.5"},
        {"type": "sync_channel_stock"},
        {"type": "marketplace_settlement", "channel": "shopee", "report": {
            "report_id": "PAYOUT-1", "currency": "IDR", "paid_at": "2026-01-12T10:00:00+07:00",
            "lines": [{"external_id": "SP-902", "revenue": idr("290000"),
                       "commission": idr("25000"), "transaction_fee": idr("11600"),
                       "service_fee": idr("10000"), "shipping_subsidy": idr("0"),
                       "payout": idr("243400")}]}},
        {"type": "import_settlements", "channel": "shopee"},
        {"type": "import_settlements", "channel": "shopee"},
    )  # fmt: skip
    in_memory = run_scenario(load_scenario(_with_steps(*steps)))
    on_sqlite = run_scenario(load_scenario(_with_steps(*steps)), database_url="sqlite://")
    assert on_sqlite["steps"] == in_memory["steps"]
    assert on_sqlite["orders"] == in_memory["orders"]
    assert in_memory["steps"][-1]["result"] == []  # the report was imported once
    assert len(in_memory["steps"][-2]["result"][0]["differences"]) == 2
