"""Holds, amendments, partial cancellations, partial shipping and failed deliveries in a
scenario file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from salesorder.exceptions import ScenarioError
from salesorder.scenario import dump_scenario, load_demo, load_scenario, run_scenario


def _with_steps(*steps: dict[str, Any]) -> dict[str, Any]:
    data = dump_scenario(load_demo())
    data["commands"].extend(steps)
    return json.loads(json.dumps(data))


def _placed(name: str, *lines: tuple[str, int], method: str = "on_account") -> list[dict[str, Any]]:
    return [
        {
            "type": "place_order",
            "as": name,
            "customer_id": "C-MAJU",
            "payment_method": method,
            "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
        },
        {"type": "confirm_order", "order_id": f"${name}"},
        {"type": "reserve_stock", "order_id": f"${name}"},
    ]


def test_the_lifecycle_commands_in_a_scenario() -> None:
    data = _with_steps(
        *_placed("a", ("MUG-WHITE", 3)),
        {"type": "hold_order", "order_id": "$a", "reason": "address check"},
        {"type": "release_order", "order_id": "$a"},
        {
            "type": "amend_order",
            "as": "v1",
            "order_id": "$a",
            "quantities": [{"line_id": "1", "quantity": 2}],
            "add": [{"sku": "TSHIRT-RED-M", "quantity": 1}],
            "key": "call-1",
        },
        {
            "type": "cancel_lines",
            "order_id": "$a",
            "lines": [{"line_id": "1", "quantity": 1}],
            "reason": "one mug too many",
        },
        {"type": "ship_order", "order_id": "$a", "courier": "jnt", "warehouse": "JKT-1"},
        *_placed("b", ("MUG-WHITE", 1), method="cod"),
        {"type": "ship_order", "order_id": "$b", "courier": "jnt"},
        {"type": "fail_delivery", "order_id": "$b", "reason": "not at home"},
        {"type": "return_to_sender", "order_id": "$b", "reason": "refused"},
        {"type": "cancel_order", "order_id": "$b", "reason": "undeliverable"},
    )
    state = run_scenario(load_scenario(data))
    orders = {o["id"]: o for o in state["orders"]}
    a = orders[state["names"]["a"]]
    assert state["names"]["v1"] == 1
    assert [amendment["version"] for amendment in a["amendments"]] == [1, 2]
    assert a["amendments"][1]["cancellation"] is True
    assert [(line["sku"], line["quantity"]) for line in a["lines"]] == [
        ("MUG-WHITE", 1),
        ("TSHIRT-RED-M", 1),
    ]
    assert a["status"] == "shipped"
    b = orders[state["names"]["b"]]
    assert b["status"] == "cancelled"
    assert [change["action"] for change in b["history"]][-3:] == [
        "fail_delivery",
        "return_to_sender",
        "cancel",
    ]


def test_an_amendment_of_a_shipped_order_fails_its_step() -> None:
    data = _with_steps(
        *_placed("a", ("MUG-WHITE", 1)),
        {"type": "ship_order", "order_id": "$a", "courier": "jnt"},
        {"type": "amend_order", "order_id": "$a", "quantities": [{"line_id": "1", "quantity": 2}]},
    )
    with pytest.raises(ScenarioError, match=r"commands\[\d+\].*cannot amend .* 'shipped'"):
        run_scenario(load_scenario(data))
