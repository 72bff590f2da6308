"""Loading a scenario: the JSON converter, and the checks made before anything runs."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Mapping
from typing import Any

import cattrs

from salesorder import serialization
from salesorder.domain.catalog import Product
from salesorder.domain.common import MAX_JSON_DEPTH, read_json
from salesorder.exceptions import MalformedDocument, ScenarioError
from salesorder.scenario.actions import (
    _MARKETPLACE_STEPS,
    Action,
    AdvanceClock,
    CourierJourney,
    CourierUpdate,
    MarketplaceOrderArrives,
    _references,
)
from salesorder.scenario.model import FORMAT, VERSION, ProductEntry, Scenario, Step
from salesorder.serialization import InvalidField

__all__ = [
    "MAX_SCENARIO_BYTES",
    "SCHEMA_KEY",
    "dump_scenario",
    "load_demo",
    "load_scenario",
    "parse_scenario",
    "scenario_converter",
]

#: The largest scenario file read: 16 MiB of UTF-8.
MAX_SCENARIO_BYTES = 16 * 1024 * 1024
#: The top-level key that tells editors where the file's JSON Schema is; the loader skips it.
SCHEMA_KEY = "$schema"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _action_types() -> tuple[type[Any], ...]:
    return (
        *serialization.command_types(),
        AdvanceClock,
        CourierUpdate,
        CourierJourney,
        MarketplaceOrderArrives,
        *_MARKETPLACE_STEPS,
    )


def _structure_product_entry(conv: cattrs.Converter, value: Any) -> ProductEntry:
    if not isinstance(value, Mapping):
        raise InvalidField("expected an object (Product)")
    warehouse = value.get("warehouse")
    if warehouse is not None and not isinstance(warehouse, str):
        raise InvalidField("expected a warehouse code (a string)", "warehouse")
    fields = {k: v for k, v in value.items() if k != "warehouse"}
    return ProductEntry(product=conv.structure(fields, Product), warehouse=warehouse)


def _structure_step(conv: cattrs.Converter, value: Any) -> Step:
    if not isinstance(value, Mapping):
        raise InvalidField("expected an object with a 'type' key")
    name = value.get("as")
    if name is not None and not (isinstance(name, str) and _NAME.match(name)):
        raise InvalidField(
            f"a name is letters, digits, '_' and '-', starting with a letter; got {name!r}", "as"
        )
    fields = {k: v for k, v in value.items() if k != "as"}
    action: Action = conv.structure(fields, Action)  # type: ignore[arg-type]
    return Step(action=action, name=name)


def _unstructure_step(conv: cattrs.Converter, step: Step) -> dict[str, Any]:
    data: dict[str, Any] = conv.unstructure(step.action)
    return data if step.name is None else {**data, "as": step.name}


def _unstructure_product_entry(conv: cattrs.Converter, entry: ProductEntry) -> dict[str, Any]:
    data: dict[str, Any] = conv.unstructure(entry.product)
    return data if entry.warehouse is None else {**data, "warehouse": entry.warehouse}


@functools.lru_cache(maxsize=1)
def scenario_converter() -> cattrs.Converter:
    """The converter for scenario files, built on first use.

    It is :func:`salesorder.serialization.make_converter` plus the scenario's own shapes:
    steps (a command or a scenario-only action, tagged by ``type``, with an optional
    ``as``) and product entries (a product with an optional ``warehouse`` key).
    """
    conv = serialization.make_converter()
    serialization.register_tagged_union(
        conv, Action, _action_types(), tag=lambda cls: cls.tag, what="step type"
    )
    conv.register_structure_hook(Step, lambda v, _t: _structure_step(conv, v))
    conv.register_unstructure_hook(Step, lambda s: _unstructure_step(conv, s))
    conv.register_structure_hook(ProductEntry, lambda v, _t: _structure_product_entry(conv, v))
    conv.register_unstructure_hook(ProductEntry, lambda e: _unstructure_product_entry(conv, e))
    return conv


def _check_names(scenario: Scenario) -> None:
    defined: dict[str, int] = {}
    for index, step in enumerate(scenario.commands):
        for field, name in _references(step.action):
            if name not in defined:
                raise ScenarioError(
                    f"commands[{index}].{field}",
                    f"unknown reference '${name}': no earlier step has \"as\": {name!r}",
                )
        if step.name is not None:
            if step.name in defined:
                raise ScenarioError(
                    f"commands[{index}].as",
                    f"the name {step.name!r} is already given to commands[{defined[step.name]}]",
                )
            defined[step.name] = index


def _too_deep(data: Any) -> bool:
    """True when ``data`` nests lists and mappings deeper than ``MAX_JSON_DEPTH``."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:  # a loop, not recursion: the data may be nested beyond Python's stack
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, (list, tuple)):
            children = value
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def load_scenario(data: Any) -> Scenario:
    """Validate a whole scenario (as ``json.load`` gives it) and return it.

    Nothing is run: the file is checked from top to bottom first, so a bad file changes
    nothing. A top-level ``"$schema"`` key (where an editor finds the file's JSON Schema,
    see :func:`~salesorder.scenario.scenario_schema`) is allowed and skipped.

    Raises:
        ScenarioError: the first problem, with the path of the bad field, such as
            ``commands[2].lines[0].quantity``; data nested deeper than 64 levels is refused
            as a whole.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(serialization.ROOT, "a scenario is a JSON object")
    if _too_deep(data):
        raise ScenarioError(serialization.ROOT, f"nested deeper than {MAX_JSON_DEPTH} levels")
    if SCHEMA_KEY in data:  # where an editor finds the JSON Schema; nothing for the loader
        if not isinstance(data[SCHEMA_KEY], str):
            raise ScenarioError(
                SCHEMA_KEY,
                f"expected the URL or path of the schema (a string), got {data[SCHEMA_KEY]!r}",
            )
        data = {key: value for key, value in data.items() if key != SCHEMA_KEY}
    # Say "wrong format" or "wrong version" before anything else the version might explain.
    if data.get("format") != FORMAT:
        fmt = data.get("format")
        message = "required field missing" if fmt is None else f"expected {FORMAT!r}, got {fmt!r}"
        raise ScenarioError("format", message)
    if data.get("version") != VERSION:
        version = data.get("version")
        message = (
            "required field missing"
            if version is None
            else f"unsupported version {version!r}; this salesorder reads version {VERSION}"
        )
        raise ScenarioError("version", message)
    scenario = serialization.structure(data, Scenario, using=scenario_converter())
    _check_names(scenario)
    return scenario


def parse_scenario(text: str | bytes) -> Scenario:
    """:func:`load_scenario` from JSON text (or its UTF-8 bytes).

    Read within limits: at most ``MAX_SCENARIO_BYTES``, nested at most 64 deep, numbers
    of at most 40 digits (see ``salesorder.domain.common.read_json``).

    Raises:
        ScenarioError: the text is not JSON (path ``$``, with line and column), is beyond
            the limits, or is not a valid scenario.
    """
    try:
        data = read_json(text, what="scenario", max_bytes=MAX_SCENARIO_BYTES)
    except MalformedDocument as exc:
        raise ScenarioError(serialization.ROOT, exc.problem) from exc
    return load_scenario(data)


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """``scenario`` as JSON-ready data that :func:`load_scenario` reads back."""
    data: dict[str, Any] = scenario_converter().unstructure(scenario)
    return data


def load_demo() -> Scenario:
    """The demo scenario shipped with salesorder (``python -m salesorder demo`` runs it)."""
    resource = importlib.resources.files("salesorder").joinpath("data/demo.json")
    return parse_scenario(resource.read_text(encoding="utf-8"))
