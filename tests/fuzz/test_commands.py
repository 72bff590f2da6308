"""Every public command, built from hostile fields, on the in-memory store and on SQLite.

Each example builds a command from a :class:`~tests.fuzz.hostile.Recipe` (each field
plausible or hostile) and runs it on a stocked shop with one order placed. Only a
:class:`~salesorder.exceptions.SalesOrderError` may escape, from the constructor or from
``execute``; and when ``execute`` refuses, everything committed is as it was (every
repository, the stock ledger, the published events, the marketplace cursors).
"""

from __future__ import annotations

import typing
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzz.hostile import COUNTS, SCALE, Recipe, committed, construct, recipe_for
from tests.services.conftest import stock_shop

from salesorder import SalesApp, SalesOrderError, commands, in_memory, serialization
from salesorder.bootstrap import build

COMMANDS: list[type[commands.Command[Any]]] = sorted(
    (
        cls
        for cls in (getattr(commands, name) for name in commands.__all__)
        if isinstance(cls, type) and issubclass(cls, commands.Command) and cls.tag
    ),
    key=lambda cls: cls.tag,
)

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


def with_an_order(app: SalesApp) -> SalesApp:
    """The stocked shop of tests/services with order ORD-000001 (one T-shirt) confirmed."""
    stock_shop(app)
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1", lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),)
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return app


def run_hostile(app: SalesApp, recipe: Recipe, backend: str) -> None:
    """Build and execute ``recipe``; only library errors, and a refusal changes nothing."""
    entry = f"{backend} {recipe.cls.tag}"
    try:
        command = construct(recipe)
    except SalesOrderError:
        COUNTS[entry, "refused at construction"] += 1
        return
    before = committed(app)
    try:
        app.execute(command)
    except SalesOrderError:
        COUNTS[entry, "refused by execute"] += 1
        assert committed(app) == before, f"{command!r} was refused but changed the state"
        return
    COUNTS[entry, "executed"] += 1


def test_every_public_command_is_fuzzed() -> None:
    """The fuzz tests run every command a scenario or JSON can name, and nothing else."""
    assert set(COMMANDS) == set(serialization.command_types())
    assert all(typing.get_type_hints(cls) for cls in COMMANDS)


@pytest.mark.parametrize("cls", COMMANDS, ids=lambda cls: cls.tag)
@settings(FUZZ, max_examples=10 * SCALE)
@given(data=st.data())
def test_a_hostile_command_on_the_in_memory_store(
    cls: type[commands.Command[Any]], data: st.DataObject
) -> None:
    recipe = data.draw(recipe_for(cls, hostile=data.draw(st.booleans())), label="recipe")
    run_hostile(with_an_order(in_memory()), recipe, "memory")


_SQLITE: dict[str, SalesApp] = {}


def sqlite_shop() -> SalesApp:
    """One stocked SQLite shop for the whole run: examples pile up, each checked alone."""
    if "app" not in _SQLITE:
        _SQLITE["app"] = with_an_order(build(database_url="sqlite://"))
    return _SQLITE["app"]


@settings(FUZZ, max_examples=300 * SCALE)
@given(data=st.data())
def test_a_hostile_command_on_sqlite(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(COMMANDS), label="command")
    recipe = data.draw(recipe_for(cls, hostile=data.draw(st.booleans())), label="recipe")
    run_hostile(sqlite_shop(), recipe, "sqlite")
