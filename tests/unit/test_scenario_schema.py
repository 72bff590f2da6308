"""The JSON Schema of scenario files: generated from the models, shipped, and in step with them.

The schema ``salesorder schema`` prints is the shipped file; the file is what the models
generate (so it cannot drift from them); every example scenario validates against it, every
command and step the round-trip strategies draw does too, and what the schema refuses the
loader refuses as well, naming the same field.
"""

from __future__ import annotations

import copy
import importlib.resources
import json
import re
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from tests.properties.test_roundtrip import OWN_STRATEGY, strategy_for
from tests.unit.test_cli import SMALL

from salesorder.cli import main
from salesorder.exceptions import SalesOrderError, ScenarioError
from salesorder.scenario import (
    dump_scenario,
    generate_scenario_schema,
    load_demo,
    load_scenario,
    scenario_converter,
    scenario_schema,
)
from salesorder.scenario.actions import MarketplaceOrderArrives, MarketplacePush
from salesorder.scenario.loading import _action_types
from salesorder.scenario.schema import SCHEMA_RESOURCE, render_schema, shipped_schema_text
from salesorder.testing import strategies as sst

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "scenario-format.md"
SHIPPED = ROOT / "src" / "salesorder" / "scenario" / SCHEMA_RESOURCE


def _resource(name: str) -> Any:
    text = importlib.resources.files("salesorder").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def printed_schema(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The schema as ``salesorder schema`` prints it."""
    assert main(["schema"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


VALIDATOR = jsonschema.Draft7Validator(scenario_schema())


def errors(data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(data)
    ]


# -- the shipped file is the generated one ---------------------------------------------------


def test_the_shipped_schema_is_what_the_models_generate() -> None:
    shipped = SHIPPED.read_text(encoding="utf-8")
    assert shipped == render_schema(generate_scenario_schema()), (
        "the models changed: run `python scripts/scenario_schema.py` and commit the file"
    )


def test_salesorder_schema_prints_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out, _ = capsys.readouterr()
    assert out == SHIPPED.read_text(encoding="utf-8") == shipped_schema_text()
    assert json.loads(out) == scenario_schema()


def test_printing_the_schema_needs_no_json_schema_library() -> None:
    """A fresh interpreter where ``import jsonschema`` fails prints the schema all the same."""
    code = (
        "import sys; sys.modules['jsonschema'] = None; "
        "from salesorder.cli import main; raise SystemExit(main(['schema']))"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, and code written here
        [sys.executable, "-c", code], capture_output=True, check=False, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == SHIPPED.read_text(encoding="utf-8")


def test_the_schema_is_a_valid_draft_7_schema() -> None:
    jsonschema.Draft7Validator.check_schema(scenario_schema())


def test_scenario_schema_gives_a_fresh_copy() -> None:
    scenario_schema()["title"] = "changed"
    assert scenario_schema()["title"] == "salesorder scenario"


def test_every_step_type_has_a_branch_and_the_step_lists_them() -> None:
    schema = scenario_schema()
    tags = [cls.tag for cls in _action_types()]
    assert schema["definitions"]["Step"]["properties"]["type"]["enum"] == tags
    for tag in tags:
        branch = schema["definitions"][f"step.{tag}"]
        assert branch["properties"]["type"] == {"const": tag}
        assert branch["additionalProperties"] is False


def test_required_fields_defaults_and_descriptions_come_from_the_models() -> None:
    definitions = scenario_schema()["definitions"]
    place = definitions["step.place_order"]
    assert place["required"] == ["type", "customer_id", "lines"]
    assert place["properties"]["payment_method"]["default"] == "bank_transfer"
    assert "cod" in place["properties"]["payment_method"]["enum"]
    assert place["description"].startswith("Capture an order")
    assert definitions["Money"]["required"] == ["amount", "currency"]
    settings_fields = definitions["Settings"]["properties"]
    assert settings_fields["currency"]["default"] == "IDR"
    assert settings_fields["currency"]["description"] == "The currency orders are taken in."
    assert definitions["ProductEntry"]["properties"]["warehouse"]["anyOf"][0] == {"type": "string"}


# -- every example scenario validates --------------------------------------------------------


def _page_scenarios() -> list[Any]:
    """The whole scenarios among the docs page's JSON blocks."""
    blocks = re.findall(r"```json\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)
    found = [json.loads(block) for block in blocks]
    return [data for data in found if isinstance(data, dict) and "format" in data]


EXAMPLES = {
    "demo.json": lambda: _resource("data/demo.json"),
    "starter.json": lambda: _resource("scenario/starter.json"),
    "the demo as dump_scenario writes it": lambda: dump_scenario(load_demo()),
    "the docs' complete example": lambda: _page_scenarios()[0],
    "the CLI tests' scenario": lambda: SMALL,
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_scenario_validates_against_the_printed_schema(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    schema = printed_schema(capsys)
    data = EXAMPLES[name]()
    load_scenario(data)  # a valid scenario...
    jsonschema.validate(data, schema, cls=jsonschema.Draft7Validator)  # ...is valid here too


def test_the_docs_page_has_a_whole_scenario() -> None:
    assert len(_page_scenarios()) == 1


def test_a_schema_key_for_editors_is_allowed_and_skipped() -> None:
    data = _resource("scenario/starter.json")
    pointed = {"$schema": "./scenario.schema.json", **data}
    assert errors(pointed) == []
    assert load_scenario(pointed) == load_scenario(data)


def test_a_schema_key_that_is_not_a_string_is_refused_naming_it() -> None:
    data = {"$schema": 5, **_resource("scenario/starter.json")}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    assert (caught.value.path, caught.value.message) == (
        "$schema",
        "expected the URL or path of the schema (a string), got 5",
    )


# -- the schema accepts what the loader reads --------------------------------------------------


ACTION_STRATEGY: dict[type[Any], st.SearchStrategy[Any]] = {
    MarketplaceOrderArrives: st.builds(
        MarketplaceOrderArrives, channel=st.just("shopee"), order=sst.marketplace_orders()
    ),
    MarketplacePush: st.builds(
        MarketplacePush,
        channel=st.just("shopee"),
        order=sst.marketplace_orders(),
        forged=st.booleans(),
    ),
}


def _strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    if cls in ACTION_STRATEGY:
        return ACTION_STRATEGY[cls]
    if cls.__name__ in OWN_STRATEGY:
        return OWN_STRATEGY[cls.__name__]
    return _valid(cls)


@st.composite
def _valid(draw: st.DrawFn, cls: type[Any]) -> Any:
    """A ``cls`` built from drawn field values; draws that break a model's rule are rejected.

    (The generic builder draws values field by field: a credit line of 0 units, say, is
    refused by the model, which is the loader's business, not the schema's.)
    """
    hints = typing.get_type_hints(cls)
    try:
        fields = {f.name: draw(strategy_for(hints[f.name])) for f in attrs.fields(cls) if f.init}
        return cls(**fields)
    except SalesOrderError:
        reject()


#: Steps whose values the generic builder cannot draw valid: marketplace reports and
#: listings have cross-field rules (one currency, variants with their own SKUs): the
#: hand-written steps of HAND_WRITTEN cover them.
_NOT_DRAWN = {"marketplace_settlement", "marketplace_listing"}


@pytest.mark.parametrize(
    "cls",
    [cls for cls in _action_types() if cls.tag not in _NOT_DRAWN],
    ids=lambda cls: cls.tag,
)
def test_every_step_the_loader_writes_validates(cls: type[Any]) -> None:
    @settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_strategy(cls))
    def check(action: Any) -> None:
        step = {**scenario_converter().unstructure(action), "as": "step_1"}
        data = {"format": "salesorder/scenario", "version": 1, "commands": [step]}
        data = json.loads(json.dumps(data))
        assert errors(data) == []

    check()


# -- what the schema refuses, the loader refuses, naming the same field ------------------------


def _starter() -> dict[str, Any]:
    data: dict[str, Any] = copy.deepcopy(_resource("scenario/starter.json"))
    return data


def _set(path: str, value: Any) -> dict[str, Any]:
    """The starter with the value at ``path`` (``commands[0].lines[0].quantity``) replaced."""
    data = _starter()
    parts = re.findall(r"[^.\[\]]+", path)
    target: Any = data
    for part in parts[:-1]:
        target = target[int(part)] if part.isdigit() else target[part]
    last = parts[-1]
    if value is _DROP:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return data


_DROP = object()

BAD = [
    # (the change, the path the loader names, the schema's error path, words of its message)
    ("commands[0].lines[0].quantity", 1.5, "commands[0].lines[0].quantity", "1.5"),
    ("commands[0].payment_method", "cash", "commands[0].payment_method", "'cash'"),
    ("commands[1].type", "teleport", "commands[1].type", "'teleport'"),
    ("start", "2026-01-05T09:00:00", "start", "2026-01-05T09:00:00"),
    ("products[0].price.amount", "12,50", "products[0].price.amount", "12,50"),
    ("customers[0].name", _DROP, "customers[0]", "'name' is a required property"),
    ("products[0].colour", "red", "products[0]", "'colour' was unexpected"),
    ("commands[0].as", "1st order", "commands[0].as", "1st order"),
    ("warehouses[0].code", "JKT 1", "warehouses[0].code", "JKT 1"),
    ("format", "salesorder/other", "format", "salesorder/scenario"),
    ("version", 2, "version", "1"),
    ("$schema", 5, "$schema", "5"),
]


def _dotted(path: Any) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


@pytest.mark.parametrize(("where", "value", "schema_path", "words"), BAD, ids=[b[0] for b in BAD])
def test_what_the_schema_refuses_the_loader_refuses_at_the_same_field(
    where: str, value: Any, schema_path: str, words: str
) -> None:
    data = _set(where, value)
    best = jsonschema.exceptions.best_match(VALIDATOR.iter_errors(data))
    assert best is not None
    assert _dotted(best.absolute_path) == schema_path
    assert words in best.message
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    # The loader names the field itself (an unknown or missing key: the key's own path).
    assert caught.value.path == where


def test_the_starter_is_valid_as_it_is() -> None:
    """The refusals above come from the change, not from the starter."""
    assert errors(_starter()) == []


def idr(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "IDR"}


HAND_WRITTEN = [
    {"type": "marketplace_settlement", "channel": "shopee", "report": {
        "report_id": "PAYOUT-1", "currency": "IDR", "paid_at": "2026-01-12T10:00:00+07:00",
        "lines": [{"external_id": "SP-900", "revenue": idr("290000"),
                   "commission": idr("25000"), "transaction_fee": idr("11600"),
                   "service_fee": idr("10000"), "shipping_subsidy": idr("0"),
                   "payout": idr("243400")}]}},
    {"type": "marketplace_listing", "channel": "shopee", "listing": {
        "item_id": "ITEM-1", "name": "Mug", "category": "kitchen", "images": ["mug.jpg"],
        "variants": [{"channel_sku": "SHP-MUG", "price": idr("75000"), "stock": 3,
                      "attributes": [{"name": "colour", "value": "white"}],
                      "seller_sku": "MUG-WHITE"}]}},
]  # fmt: skip


@pytest.mark.parametrize("step", HAND_WRITTEN, ids=[s["type"] for s in HAND_WRITTEN])
def test_the_steps_not_drawn_validate_as_written(step: dict[str, Any]) -> None:
    data = {"format": "salesorder/scenario", "version": 1, "commands": [step]}
    load_scenario(data)
    assert errors(data) == []
