"""Invoicing, payments, corrections and e-invoices through a scenario file."""

from __future__ import annotations

import json
from typing import Any

from salesorder.scenario import dump_scenario, load_demo, load_scenario, run_scenario


def _with_steps(*steps: dict[str, Any]) -> dict[str, Any]:
    data = dump_scenario(load_demo())
    data["commands"].extend(steps)
    return json.loads(json.dumps(data))


def test_credit_note_refund_and_replacement_in_a_scenario() -> None:
    data = _with_steps(
        {
            "type": "issue_credit_note",
            "as": "cn",
            "invoice_id": "$vat",
            "amount": {"amount": "100000", "currency": "IDR"},
            "reason": "damaged watch box",
        },
        {
            "type": "correct_invoice",
            "as": "vat2",
            "invoice_id": "$vat",
            "buyer": {
                "name": "PT Maju Jaya Abadi",
                "address": {"line1": "Jl. Asia Afrika 8", "city": "Bandung", "country": "ID"},
                "tax_id": "01.300.066.6-091.000",
            },
        },
        {"type": "submit_einvoice", "invoice_id": "$vat2"},
        {"type": "refresh_einvoice", "invoice_id": "$vat2"},
        {
            "type": "place_order",
            "as": "o3",
            "customer_id": "C-MAJU",
            "lines": [{"sku": "MUG-WHITE", "quantity": 1}],
        },
        {"type": "confirm_order", "order_id": "$o3"},
        {"type": "issue_invoice", "as": "i3", "order_id": "$o3", "instalment_days": [0, 30]},
        {
            "type": "record_payment",
            "as": "p3",
            "order_id": "$o3",
            "amount": {"amount": "10", "currency": "USD"},
            "method": "card",
            "reference": "CARD-USD",
            "exchange_rate": "16000",
        },
        {
            "type": "refund_payment",
            "payment_id": "$p3",
            "amount": {"amount": "10000", "currency": "IDR"},
            "reference": "RF-1",
        },
    )
    state = run_scenario(load_scenario(data))
    assert [n["number"] for n in state["credit_notes"]] == ["CN-000001"]
    replaced = {i["id"]: i for i in state["invoices"]}
    assert replaced[state["names"]["vat"]]["status"] == "replaced"
    new = replaced[state["names"]["vat2"]]
    assert new["corrects_number"] == replaced[state["names"]["vat"]]["number"]
    assert new["einvoice"]["state"] == "accepted"
    assert state["customer_credits"][0]["entries"][0]["amount"]["amount"] == "100000.00"
    payment = next(p for p in state["payments"] if p["reference"] == "CARD-USD")
    assert payment["received"] == {"amount": "10", "currency": "USD"}
    assert payment["refunds"][0]["amount"]["amount"] == "10000"
    schedule = replaced[state["names"]["i3"]]["schedule"]
    assert len(schedule) == 2
