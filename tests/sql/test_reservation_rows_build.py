"""A stock level read from SQL is built from checked parts, as the validating constructors build it.

``salesorder.adapters.sql.stock`` builds the reservations of the rows it reads with
``Reservation.from_stored``, converts their quantities itself, copies a level it remembers
without running its validators, and sums a change's units as integers: each agrees with the
validating way (equal values of the same types), and a row edited behind the library's back is
still refused with the validators' error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, update

from salesorder.adapters.sql import SqlStore, schema, stock
from salesorder.domain.common import MAX_QUANTITY
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.units import to_quantity
from salesorder.exceptions import QuantityOutOfRange, SalesOrderError, ValidationError
from salesorder.testing import strategies as sst

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
KEY = ("JKT-1", "TEE")


def _outcome(build: Any, *args: Any) -> tuple[str, object]:
    try:
        made = build(*args)
    except Exception as error:  # the error itself is compared
        return ("error", (type(error), str(error)))
    return ("made", (made, type(made)))


# -- a row's quantity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        Decimal("3.000000"),
        Decimal("-3.000000"),
        Decimal("1.500000"),
        Decimal("0.000000"),
        Decimal(MAX_QUANTITY),
        Decimal(-MAX_QUANTITY),
        Decimal(MAX_QUANTITY + 1),
        Decimal(-MAX_QUANTITY - 1),
        Decimal("999999999.5"),
        Decimal("0.0000001"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        3,
        3.0,
        True,
        "3",
        None,
    ],
)
def test_a_stored_quantity_converts_as_to_quantity_does(value: object) -> None:
    assert _outcome(stock._quantity, value) == _outcome(to_quantity, value)


def test_a_whole_quantity_is_an_int() -> None:
    assert type(stock._quantity(Decimal("3.000000"))) is int
    assert stock._quantity(Decimal("1.500000")) == Decimal("1.5")


@given(st.decimals(allow_nan=True, allow_infinity=True, places=6))
def test_any_numeric_converts_as_to_quantity_does(value: Decimal) -> None:
    assert _outcome(stock._quantity, value) == _outcome(to_quantity, value)


def test_a_quantity_out_of_range_is_refused() -> None:
    with pytest.raises(QuantityOutOfRange):
        stock._quantity(Decimal(MAX_QUANTITY + 1))
    with pytest.raises(QuantityOutOfRange):
        stock._quantity(Decimal(-MAX_QUANTITY - 1))


# -- a row's reservation ------------------------------------------------------------------------


def _validated(row: tuple[Any, ...]) -> Reservation:
    """The reservation of ``row`` as the validating constructor builds it (the earlier way)."""
    key, order_id, line_id, quantity, created_at, expires_at = row[3:]
    return Reservation(
        key=key,
        order_id=order_id,
        line_id=line_id,
        quantity=to_quantity(quantity),
        created_at=dt.datetime.fromisoformat(created_at),
        expires_at=None if expires_at is None else dt.datetime.fromisoformat(expires_at),
    )


def _row(reservation: Reservation, quantity: object = None) -> tuple[Any, ...]:
    """A row of the read as the driver gives it (a NUMERIC quantity has six places)."""
    if quantity is None:
        quantity = Decimal(reservation.quantity).quantize(Decimal("0.000001"))
    return (
        1,
        {},
        1,
        reservation.key,
        reservation.order_id,
        reservation.line_id,
        quantity,
        reservation.created_at.isoformat(),
        None if reservation.expires_at is None else reservation.expires_at.isoformat(),
    )


def _fields(reservation: Reservation) -> tuple[tuple[object, type], ...]:
    return tuple((value, type(value)) for value in attrs.astuple(reservation, recurse=False))


@given(sst.reservations(max_quantity=MAX_QUANTITY) | sst.reservations(decimals=6))
def test_a_good_row_builds_the_reservation_written(reservation: Reservation) -> None:
    row = _row(reservation)
    built = stock._reservation(row)
    assert built == reservation == _validated(row)
    assert _fields(built) == _fields(_validated(row)) == _fields(reservation)


GOOD = Reservation(key="O-1/1", order_id="O-1", line_id="1", quantity=2, created_at=AT)


def test_a_good_row_is_built_without_the_validators(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken for a row the driver gives: its quantity is converted first."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the validating constructor ran")

    monkeypatch.setattr(Reservation, "__init__", refuse)
    assert stock._reservation(_row(GOOD)) == GOOD


@pytest.mark.parametrize(
    "edit",
    [
        {3: "O 1/1"},
        {3: ""},
        {4: "O\x001"},
        {5: "1\n"},
        {5: "x" * 121},
        {6: Decimal("0.000000")},
        {6: Decimal("-2.000000")},
        {6: Decimal("NaN")},
        {6: Decimal("1000000000.000000")},
        {6: Decimal("0.0000001")},
        {7: "2026-01-05T09:00:00"},
        {7: "soon"},
        {8: "never"},
    ],
)
def test_an_edited_row_is_refused_as_the_constructor_refuses_it(edit: dict[int, object]) -> None:
    row = list(_row(GOOD))
    for index, value in edit.items():
        row[index] = value
    fast = _outcome(stock._reservation, tuple(row))
    assert fast[0] == "error"
    assert fast == _outcome(_validated, tuple(row))


# -- a remembered level copied ------------------------------------------------------------------


@given(sst.stock_items() | sst.stock_items(decimals=3), st.dictionaries(st.text(), st.none()))
def test_a_level_is_copied_as_evolve_copies_it(level: StockItem, held: dict[str, Any]) -> None:
    copied = stock._like(level, held)
    assert copied == attrs.evolve(level, reservations=held)
    assert copied is not level
    assert copied.reservations is held
    for name in stock._LEVEL:
        assert getattr(copied, name) is getattr(level, name)
    found = stock._found(7, {"doc": 1}, held, level)
    assert found.item == copied
    assert (found.version, found.marker, found.fresh) == (7, (7, {"doc": 1}), True)


def test_a_subclass_of_a_level_is_copied_by_evolve() -> None:
    @attrs.define(kw_only=True, repr=False)
    class Bin(StockItem):
        shelf: str = "A1"

    level = Bin(warehouse=KEY[0], sku=KEY[1], on_hand=5, shelf="B2")
    copied = stock._like(level, {})
    assert type(copied) is Bin
    assert copied.shelf == "B2"


@pytest.mark.parametrize("name", stock._LEVEL)
def test_a_change_to_any_field_but_the_reservations_is_not_held_only(name: str) -> None:
    pristine = StockItem(warehouse=KEY[0], sku=KEY[1], on_hand=10)
    held = attrs.evolve(pristine, reservations={GOOD.key: GOOD})
    assert stock.change_of(held, pristine).held_only
    other: Any = {
        "warehouse": "BDG-1",
        "sku": "CAP",
        "on_hand": 11,
        "safety_stock": 1,
        "reorder_point": 1,
        "reorder_quantity": 1,
        "movements": 1,
        "last_movement_at": AT,
    }[name]
    assert not stock.change_of(attrs.evolve(held, **{name: other}), pristine).held_only


# -- the units a change needs -------------------------------------------------------------------


def _change(added: tuple[object, ...], removed: tuple[object, ...] = ()) -> stock.Change:
    def held(quantities: tuple[object, ...]) -> tuple[Reservation, ...]:
        return tuple(
            attrs.evolve(GOOD, key=f"O-1/{n}", quantity=q) for n, q in enumerate(quantities)
        )

    return stock.Change(held(added), held(removed), held_only=True)


def _exact(change: stock.Change, safety_stock: object) -> tuple[object, object]:
    """The earlier sum: both as ``to_quantity`` makes them."""
    delta = to_quantity(
        sum(r.quantity for r in change.added) - sum(r.quantity for r in change.removed)
    )
    need = delta + safety_stock if delta > 0 else delta  # type: ignore[operator]
    return delta, to_quantity(need)


@pytest.mark.parametrize(
    ("added", "removed", "safety_stock"),
    [
        ((2,), (), 0),
        ((2,), (), 3),
        ((), (2,), 3),
        ((2, 1), (5,), 3),
        ((Decimal("1.5"), Decimal("0.5")), (), 0),
        ((Decimal("1.5"),), (), 0),
        ((2,), (), Decimal("0.5")),
        ((Decimal("0.5"),), (Decimal("0.5"),), 1),
        ((MAX_QUANTITY,), (), 0),
        ((MAX_QUANTITY,), (), 1),
        ((MAX_QUANTITY, MAX_QUANTITY), (), 0),
        ((), (MAX_QUANTITY, MAX_QUANTITY), 0),
    ],
)
def test_a_change_needs_what_the_exact_sum_says(
    added: tuple[object, ...], removed: tuple[object, ...], safety_stock: object
) -> None:
    change = _change(added, removed)
    with localcontext() as context:
        context.prec = 28
        expected = _outcome(lambda: tuple((v, type(v)) for v in _exact(change, safety_stock)))
        got = _outcome(lambda: tuple((v, type(v)) for v in stock._delta(change, safety_stock)))  # type: ignore[arg-type]
    assert got == expected


def test_units_out_of_range_are_refused() -> None:
    with pytest.raises(QuantityOutOfRange):
        stock._delta(_change((MAX_QUANTITY,)), 1)
    with pytest.raises(QuantityOutOfRange):
        stock._delta(_change((), (MAX_QUANTITY, MAX_QUANTITY)), 0)


# -- rows edited in the database ----------------------------------------------------------------


def _reserved_elsewhere(url: str) -> SqlStore:
    """A level holding ``GOOD``, written by one store; a second store is returned to read it."""
    writer = SqlStore(url)
    with writer.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse=KEY[0], sku=KEY[1], on_hand=10))
        uow.commit()
    with writer.unit_of_work() as uow:
        uow.stock.get(KEY).reserve(GOOD)
        uow.commit()
    writer.dispose()
    return SqlStore(url, create=False)


def test_another_stores_reservations_are_read_as_written(url: str) -> None:
    reader = SqlStore(url)
    with reader.unit_of_work() as uow:
        uow.stock.add(StockItem(warehouse=KEY[0], sku=KEY[1], on_hand=10))
        uow.commit()
    with reader.unit_of_work() as uow:
        assert uow.stock.get(KEY).reservations == {}
    fraction = attrs.evolve(GOOD, key="O-1/2", line_id="2", quantity=Decimal("0.25"))
    writer = SqlStore(url, create=False)
    with writer.unit_of_work() as uow:
        uow.stock.get(KEY).reserve(GOOD)
        uow.stock.get(KEY).reserve(fraction)
        uow.commit()
    writer.dispose()
    with reader.unit_of_work() as uow:  # the rows written since are added to what it saw
        level = uow.stock.get(KEY)
    reader.dispose()
    assert level.reservations == {GOOD.key: GOOD, fraction.key: fraction}
    assert [_fields(r) for r in level.reservations.values()] == [_fields(GOOD), _fields(fraction)]


@pytest.mark.parametrize(
    ("column", "value"),
    [("order_id", "O 1"), ("line_id", "1\t"), ("created_at", "2026-01-05T09:00:00")],
)
def test_a_row_edited_in_the_database_is_refused(url: str, column: str, value: str) -> None:
    reader = _reserved_elsewhere(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(schema.stock_reservations).values({column: value}))
    engine.dispose()
    try:
        with pytest.raises(ValidationError, match=column), reader.unit_of_work() as uow:
            uow.stock.get(KEY)
    finally:
        reader.dispose()


@pytest.mark.postgres
def test_a_quantity_edited_to_nan_is_refused(postgres_url: str) -> None:
    reader = _reserved_elsewhere(postgres_url)
    engine = create_engine(postgres_url)
    with engine.begin() as conn:  # NaN passes the CHECK: PostgreSQL sorts it above every number
        conn.execute(update(schema.stock_reservations).values(quantity=Decimal("NaN")))
    engine.dispose()
    try:
        with pytest.raises(SalesOrderError, match="quantity"), reader.unit_of_work() as uow:
            uow.stock.get(KEY)
    finally:
        reader.dispose()
