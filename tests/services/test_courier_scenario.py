"""Courier journeys and COD remittances through a scenario file."""

from __future__ import annotations

from typing import Any

import pytest

from salesorder import ScenarioError
from salesorder.scenario import dump_scenario, load_scenario, run_scenario

JAKARTA = {"line1": "Jl. Sudirman 1", "city": "Jakarta", "country": "ID"}
BANDUNG = {"line1": "Jl. Braga 21", "city": "Bandung", "country": "ID", "recipient": "Siti"}


def idr(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "IDR"}


def scenario(*steps: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": "salesorder/scenario",
        "version": 1,
        "start": "2026-01-05T08:00:00+07:00",
        "warehouses": [{"code": "JKT-1", "name": "Jakarta", "address": JAKARTA}],
        "products": [
            {"sku": "TSHIRT-RED-M", "name": "T-shirt", "price": idr("150000"),
             "unit_cost": idr("80000"),
             "weight_kg": "0.3", "warehouse": "JKT-1"},
        ],
        "customers": [{"id": "C1", "name": "Siti", "addresses": [BANDUNG]}],
        "stock": [{"warehouse": "JKT-1", "sku": "TSHIRT-RED-M", "quantity": 10}],
        "commands": [
            {"type": "place_order", "as": "o", "customer_id": "C1", "payment_method": "cod",
             "lines": [{"sku": "TSHIRT-RED-M", "quantity": 2}]},
            {"type": "confirm_order", "order_id": "$o"},
            {"type": "reserve_stock", "order_id": "$o"},
            {"type": "ship_order", "as": "parcel", "order_id": "$o", "courier": "jnt"},
            *steps,
        ],
    }  # fmt: skip


def run(*steps: dict[str, Any]) -> dict[str, Any]:
    return run_scenario(load_scenario(scenario(*steps)))


def test_a_shuffled_repeated_journey_and_a_short_remittance() -> None:
    state = run(
        {"type": "courier_journey", "order_id": "$o", "journey": "failed_then_delivered",
         "hours_apart": 5, "shuffled": True, "repeated": True},
        {"type": "advance_clock", "days": 2},
        {"type": "sync_tracking", "shipment_id": "$parcel"},
        {"type": "import_remittance", "as": "rec", "statement": {
            "id": "JNT-COD-0112", "courier": "jnt", "currency": "IDR", "paid_on": "2026-01-12",
            "lines": [{"tracking_number": "JNT0000000001", "collected": idr("300000"),
                       "fee": idr("9000"), "remitted": idr("291000")}]}},
        {"type": "import_remittance", "statement": {
            "id": "JNT-COD-0112", "courier": "jnt", "currency": "IDR", "paid_on": "2026-01-12",
            "lines": [{"tracking_number": "JNT0000000001", "collected": idr("300000"),
                       "fee": idr("9000"), "remitted": idr("291000")}]}},
        {"type": "reconcile_cod", "courier": "jnt"},
    )  # fmt: skip
    (order,) = state["orders"]
    assert order["status"] == "delivered"
    results = [step["result"] for step in state["steps"][-4:]]
    assert results[0] == "delivered"
    first, again, reconciled = results[1:]
    assert first == again == reconciled
    (difference,) = reconciled["differences"]
    assert difference["kind"] == "shortfall"
    assert difference["amount"] == idr("11000")
    assert order["amount_paid"] == idr("300000")


def test_a_late_courier_update_is_written_with_minutes_earlier_and_an_event_id() -> None:
    state = run(
        {"type": "courier_update", "order_id": "$o", "status": "out_for_delivery",
         "event_id": "e2"},
        {"type": "courier_update", "order_id": "$o", "status": "picked_up", "event_id": "e1",
         "minutes_earlier": 90},
        {"type": "courier_update", "order_id": "$o", "status": "out_for_delivery",
         "event_id": "e2"},
        {"type": "sync_tracking", "shipment_id": "$parcel"},
    )  # fmt: skip
    assert state["steps"][-1]["result"] == "in_transit"
    (order,) = state["orders"]
    assert order["status"] == "in_transit"


def test_a_bad_journey_name_is_refused_with_its_path() -> None:
    data = scenario({"type": "courier_journey", "order_id": "$o", "journey": "teleported"})
    with pytest.raises(ScenarioError, match="journey") as info:
        load_scenario(data)
    assert info.value.path.startswith("commands[4]")


def test_courier_steps_round_trip_through_the_file_format() -> None:
    data = scenario(
        {"type": "courier_journey", "order_id": "$o", "journey": "returned"},
        {"type": "record_tracking", "courier": "jnt", "events": [
            {"tracking_number": "JNT0000000001", "status": "picked_up",
             "at": "2026-01-05T09:00:00+07:00", "event_id": "x1"}]},
        {"type": "import_remittance", "statement": {
            "id": "S-1", "courier": "jnt", "currency": "IDR", "paid_on": "2026-01-12",
            "lines": [{"tracking_number": "JNT0000000001", "collected": idr("1"),
                       "fee": idr("0"), "remitted": idr("1")}]}},
        {"type": "reconcile_cod", "courier": "jnt"},
        {"type": "courier_update", "order_id": "$o", "status": "delayed", "event_id": "d1",
         "minutes_earlier": 30},
    )  # fmt: skip
    loaded = load_scenario(data)
    assert load_scenario(dump_scenario(loaded)) == loaded


def test_the_courier_story_gives_the_same_result_on_sqlite() -> None:
    steps = (
        {"type": "courier_journey", "order_id": "$o", "journey": "returned",
         "shuffled": True, "repeated": True},
        {"type": "sync_tracking", "shipment_id": "$parcel"},
        {"type": "import_remittance", "statement": {
            "id": "S-1", "courier": "jnt", "currency": "IDR", "paid_on": "2026-01-12",
            "lines": [{"tracking_number": "JNT0000000001", "collected": idr("0"),
                       "fee": idr("5000"), "remitted": idr("-5000")}]}},
    )  # fmt: skip
    in_memory = run(*steps)
    on_sqlite = run_scenario(load_scenario(scenario(*steps)), database_url="sqlite://")
    assert on_sqlite["steps"] == in_memory["steps"]
    assert on_sqlite["orders"] == in_memory["orders"]
    assert on_sqlite["shipments"] == in_memory["shipments"]
    (order,) = on_sqlite["orders"]
    assert order["status"] == "returned_to_sender"
    (shipment,) = on_sqlite["shipments"]
    assert shipment["label_document"]["format"] == "text"
    assert shipment["label_document"]["content"]  # base64 of the label text
    (stock,) = on_sqlite["stock"]
    assert stock["on_hand"] == 10  # both units came back
