"""Hostile inputs for the fuzz suite, built from the classes' own type hints.

:func:`recipe_for` draws, for any command or domain model, a :class:`Recipe`: the class and
keyword arguments where every field gets either something plausible (a known SKU, a valid
amount) or something hostile (text of any characters and lengths, NUL, lone surrogates,
huge and negative integers, floats where money or quantities belong, wrong types, deep
nesting). The recipe is built in the test (:func:`construct`), so a constructor's failure
is an outcome to check, not an error of the strategy.

``SALESORDER_FUZZ_EXAMPLES`` scales every fuzz test's ``max_examples`` (default 1, the
suite's quick run; 20 or more for a big local run).
"""

from __future__ import annotations

import collections
import datetime as dt
import enum
import os
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs
from hypothesis import strategies as st
from tests.services.conftest import committed_state

from salesorder import Address, Customer, Money, Product, SalesApp, Warehouse
from salesorder.domain.channels import Channel
from salesorder.domain.pricing import Discount
from salesorder.ports.repositories import REPOSITORIES
from salesorder.testing import strategies as sst

#: How many times the quick run's examples a fuzz test runs (``SALESORDER_FUZZ_EXAMPLES``).
SCALE = int(os.environ.get("SALESORDER_FUZZ_EXAMPLES", "1"))

#: Inputs tried and how each ended, per entry point: printed at the end of a run (-s).
COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()

#: Ids and codes the stocked shop knows, so that some commands get past their lookups.
KNOWN = (
    "TSHIRT-RED-M",
    "CAP-BLK",
    "JKT-1",
    "SBY-1",
    "C1",
    "C2",
    "jnt",
    "shopee",
    "lazada",
    "web",
    "1",
    "INV",
    "IDR",
    "ORD-000001",
)

NASTY_TEXT = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "\u200b",
    "é" * 121,
    "S" * 120,
    "S" * 121,
    "r" * 251,
    "t" * 2001,
    "\n\t",
    "$o1",
    "💥",
    "\uff33\uff2b\uff35",  # fullwidth "SKU"
)

HUGE_INTS = (
    -1,
    0,
    2**31 - 1,
    2**31,
    2**53 + 1,
    2**63 - 1,
    2**63,
    2**64,
    -(2**63) - 1,
    999_999_999,
    1_000_000_000,
    10**30,
    10**5000,
    -(10**5000),
)

NASTY_DECIMALS = (
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1e999999"),
    Decimal("1e-999999"),
    Decimal("1e40"),
    Decimal(0),
    Decimal(-1),
    Decimal("0.1234567890123456789012345678901"),
    Decimal("16250.5"),
)


class Deep(list[Any]):
    """A list nested ``depth`` deep (beyond Python's recursion limit), with a short repr."""

    def __init__(self, depth: int) -> None:
        inner: list[Any] = []
        for _ in range(depth - 1):
            inner = [inner]
        super().__init__([inner])
        self.depth = depth

    def __repr__(self) -> str:
        return f"Deep({self.depth})"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(repr(self))


#: Anything that is the wrong type almost anywhere.
WRONG: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(HUGE_INTS),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY_DECIMALS),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just(Deep(5000)),
    st.just(object()),
    st.just(dt.datetime(2026, 1, 5, 9, 0)),  # noqa: DTZ001 - a naive datetime is hostile
)

TEXT: st.SearchStrategy[str] = st.one_of(
    st.sampled_from(KNOWN),
    st.sampled_from(KNOWN),
    st.sampled_from(KNOWN),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=12),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=12),
    st.text(alphabet=st.characters(exclude_categories=()), min_size=100, max_size=260),
)

INTS: st.SearchStrategy[int] = st.one_of(
    st.integers(-3, 12), st.sampled_from(HUGE_INTS), st.integers()
)

MONEY: st.SearchStrategy[Money] = st.one_of(
    sst.money("IDR"),
    sst.money("VND"),
    st.sampled_from(
        [
            Money.of("99999999999999", "IDR"),
            Money.of("-5", "IDR"),
            Money.of("0", "IDR"),
            Money.of("0.001", "KWD"),
            Money.of("150000", "IDR"),
        ]
    ),
)

#: Valid domain objects for the types the shop's strategies cover.
VALID: dict[Any, st.SearchStrategy[Any]] = {
    Product: sst.products("IDR"),
    Customer: sst.customers(),
    Warehouse: sst.warehouses(),
    Address: sst.addresses(),
    Channel: sst.channels(),
    Discount: sst.discounts("IDR"),
}


@attrs.frozen
class Recipe:
    """A class and the (possibly hostile) keyword arguments to build it with."""

    cls: type[Any]
    kwargs: dict[str, Any]


def construct(value: Any) -> Any:
    """``value`` with every :class:`Recipe` in it built (innermost first)."""
    if isinstance(value, Recipe):
        return value.cls(**{name: construct(arg) for name, arg in value.kwargs.items()})
    if isinstance(value, tuple):
        return tuple(construct(item) for item in value)
    if isinstance(value, list) and value and isinstance(value[0], Recipe):
        return [construct(item) for item in value]
    return value


def _plausible(tp: Any, depth: int, hostile: bool) -> st.SearchStrategy[Any]:  # noqa: PLR0911
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_plausible(arg, depth, hostile) for arg in typing.get_args(tp)])
    if tp is type(None):
        return st.none()
    if origin in (tuple, list, collections.abc.Sequence):
        item = typing.get_args(tp)[0]
        items = st.lists(value_for(item, depth + 1, hostile=hostile), max_size=3)
        return items.map(tuple) if origin is tuple else items
    if tp is str:
        return TEXT if hostile else st.sampled_from(KNOWN)
    if tp is bool:
        return st.booleans()
    if tp is int:
        return INTS if hostile else st.integers(1, 5)
    if tp is Decimal:
        return st.one_of(st.decimals(), st.sampled_from(NASTY_DECIMALS))
    if tp is Money:
        return MONEY
    if tp is dt.datetime:
        return sst.timestamps()
    if tp is dt.date:
        return st.dates()
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.one_of(st.sampled_from(list(tp)), st.sampled_from([m.value for m in tp]))
    if attrs.has(tp):
        built = recipe_for(tp, depth + 1, hostile=hostile)
        return st.one_of(VALID[tp], built) if tp in VALID else built
    return st.nothing()


def value_for(tp: Any, depth: int = 0, *, hostile: bool = True) -> st.SearchStrategy[Any]:
    """Something plausible (four times as likely) or something of the wrong type for ``tp``.

    ``hostile=False``: only plausible values (known codes, small numbers), so that more
    commands get past construction and run.
    """
    if depth > 3:
        return WRONG
    plausible = _plausible(tp, depth, hostile)
    return st.one_of(plausible, plausible, plausible, plausible, WRONG) if hostile else plausible


_OMIT = object()


def recipe_for(
    cls: type[Any], depth: int = 0, *, hostile: bool = True
) -> st.SearchStrategy[Recipe]:
    """A :class:`Recipe` for ``cls``: each field hostile or plausible; defaults may be kept."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for field in attrs.fields(cls):
        if not field.init:
            continue
        drawn = value_for(hints[field.name], depth, hostile=hostile)
        has_default = field.default is not attrs.NOTHING
        fields[field.name] = st.one_of(st.just(_OMIT), drawn) if has_default else drawn

    def assemble(kwargs: dict[str, Any]) -> Recipe:
        return Recipe(cls, {name: v for name, v in kwargs.items() if v is not _OMIT})

    return st.fixed_dictionaries(fields).map(assemble)


def committed(app: SalesApp) -> dict[str, Any]:
    """What ``app`` has committed: tests/services' snapshot plus every other repository."""
    state = committed_state(app)
    with app.uow() as uow:
        for spec in REPOSITORIES:
            state[f"repo:{spec.name}"] = getattr(uow, spec.name).list()
        state["ledger"] = [
            uow.stock_ledger.for_item(item.warehouse, item.sku) for item in uow.stock.list()
        ]
    return state


def outcome_of(entry: str, action: Callable[[], Any], library_error: type[BaseException]) -> str:
    """Run ``action``; count and return ``"ok"`` or ``"refused"``; anything else propagates."""
    try:
        action()
    except library_error:
        COUNTS[entry, "refused"] += 1
        return "refused"
    COUNTS[entry, "ok"] += 1
    return "ok"
