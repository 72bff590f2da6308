"""Scenario files: a whole order-to-cash story as JSON, validated first, then run in memory.

A scenario names the shop's settings, its warehouses, products, customers and opening stock,
and a list of steps: the application's commands (``{"type": "place_order", ...}``) and a few
steps that script the in-memory world (the clock, the courier, the marketplace). The format
is documented in ``docs/scenario-format.md``; in short::

    {"format": "salesorder/scenario", "version": 1,
     "settings": {...}, "start": "2026-01-05T09:00:00+07:00",
     "warehouses": [...], "products": [...], "customers": [...], "stock": [...],
     "commands": [{"type": "place_order", "as": "o1", ...},
                  {"type": "confirm_order", "order_id": "$o1"}, ...]}

:func:`load_scenario` checks the whole file before anything runs: unknown keys, bad values,
an unknown version or a reference to a name no earlier step defines raise
:class:`~salesorder.exceptions.ScenarioError` with the path of the bad field.
:func:`run_scenario` runs it on :func:`salesorder.bootstrap.in_memory` and returns the
resulting state as JSON-ready data; a step that fails raises ``ScenarioError`` with the
step's path (``commands[4]``) and the library's message.

:func:`scenario_schema` is the format's JSON Schema, shipped with salesorder and printed by
``salesorder schema``, for editors' completion and for validators; it is generated from the
models (:func:`generate_scenario_schema`), so it cannot drift from what the loader reads.

Import from this package; its modules are how it is built, one concern each: ``model`` the
file's sections and its version, ``actions`` the steps that script the in-memory world,
``loading`` the JSON converter and the checks before anything runs, ``run`` the run
itself and the resulting state, ``schema`` the JSON Schema, and ``story`` a run told for a
person (``salesorder demo``).
"""

from salesorder.scenario.actions import (
    Action,
    AdvanceClock,
    CourierJourney,
    CourierUpdate,
    MarketplaceListing,
    MarketplaceOrderArrives,
    MarketplaceOrderUpdated,
    MarketplacePush,
    MarketplaceSettlement,
    ScenarioAction,
)
from salesorder.scenario.loading import (
    dump_scenario,
    load_demo,
    load_scenario,
    parse_scenario,
    scenario_converter,
)
from salesorder.scenario.model import FORMAT, VERSION, ProductEntry, Scenario, Step, StockEntry
from salesorder.scenario.model import RESULT_FORMAT as RESULT_FORMAT
from salesorder.scenario.run import ScenarioRun, StepOutcome, run_scenario
from salesorder.scenario.schema import generate_scenario_schema, scenario_schema

__all__ = [
    "FORMAT",
    "VERSION",
    "Action",
    "AdvanceClock",
    "CourierJourney",
    "CourierUpdate",
    "MarketplaceListing",
    "MarketplaceOrderArrives",
    "MarketplaceOrderUpdated",
    "MarketplacePush",
    "MarketplaceSettlement",
    "ProductEntry",
    "Scenario",
    "ScenarioAction",
    "ScenarioRun",
    "Step",
    "StepOutcome",
    "StockEntry",
    "dump_scenario",
    "generate_scenario_schema",
    "load_demo",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
    "scenario_converter",
    "scenario_schema",
]
