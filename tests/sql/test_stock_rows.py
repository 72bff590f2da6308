"""Schema 6: a level's reservations are rows, reserved by one guarded statement.

Units of work reserving or releasing on one level do not check its version: the database
refuses a change only when the stock is not there (``on_hand - reserved >= need``) or a row
to insert or delete is taken or gone, and both are a :class:`ConcurrencyConflict`. Any other
change to a level is written whole, with its version checked. A store remembers the level it
last saw and reads only the rows written since, so what it reads must still be what is stored
(``salesorder.adapters.sql.stock``). Raw SQL here only reads columns, but for the restore.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from contextlib import ExitStack, suppress
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, Engine, create_engine, event, select, update

from salesorder.adapters.sql import SqlStore, SqlUnitOfWork, driver, schema
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    InsufficientStock,
    UniquenessConflict,
)

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
KEY = ("JKT-1", "TEE")


def _r(key: str, quantity: object = 1, **more: Any) -> Reservation:
    return Reservation(
        key=key, order_id="O-1", line_id="1", quantity=quantity, created_at=AT, **more
    )


def _level(store: SqlStore, on_hand: object, *held: Reservation, **fields: Any) -> None:
    fields.setdefault("sku", KEY[1])
    with store.unit_of_work() as uow:
        uow.stock.add(
            StockItem(
                warehouse=KEY[0], on_hand=on_hand, reservations={r.key: r for r in held}, **fields
            )
        )
        uow.commit()


class Stored(NamedTuple):
    """The level's columns and its reservation rows ({key: (quantity, since)})."""

    version: int
    on_hand: object
    reserved: object
    holds: int
    rows: dict[str, tuple[object, int]]


def _stored(engine: Engine, key: tuple[str, str] = KEY) -> Stored:
    items, held = schema.tables["stock"], schema.stock_reservations
    level = select(items.c.version, items.c.on_hand, items.c.reserved, items.c.holds)
    rows = select(held.c.key, held.c.quantity, held.c.since)
    with engine.connect() as conn:
        head = conn.execute(level.where(items.c.warehouse == key[0], items.c.sku == key[1])).one()
        found = conn.execute(rows.where(held.c.warehouse == key[0], held.c.sku == key[1])).all()
    return Stored(*head, rows={row.key: (row.quantity, row.since) for row in found})


def _read(store: SqlStore, key: tuple[str, str] = KEY) -> StockItem:
    with store.unit_of_work() as uow:
        return uow.stock.get(key)


Change = Callable[[StockItem], object]


def _reserve(key: str, quantity: object = 1, **more: Any) -> Change:
    return lambda item: item.reserve(_r(key, quantity, **more))


def _release(key: str) -> Change:
    return lambda item: item.release(key)


def _receive(quantity: int) -> Change:
    return lambda item: item.receive(quantity)


def _race(store: SqlStore, *changes: Change) -> list[type[Exception] | None]:
    """Units that all read the level, then each make one change, committed in turn.

    Returns what each commit raised (its type: a plain ConcurrencyConflict is a refusal, no
    constraint broken), None for a commit that went through.
    """
    with ExitStack() as stack:
        units = [stack.enter_context(store.unit_of_work()) for _ in changes]
        items = [uow.stock.get(KEY) for uow in units]
        for item, change in zip(items, changes, strict=True):
            change(item)
        return [_commit(uow) for uow in units]


def _commit(uow: SqlUnitOfWork) -> type[Exception] | None:
    try:
        uow.commit()
    except ConcurrencyConflict as error:
        return type(error)
    return None


def _all(*changes: Change) -> Change:
    return lambda item: [change(item) for change in changes]


def _change(store: SqlStore, *changes: Change) -> None:
    """One unit making ``changes`` to the level."""
    assert _race(store, _all(*changes)) == [None]


def _rewind(store: SqlStore, version: int) -> None:
    """Put the level's version back to ``version``, as a restore from a backup would."""
    table = schema.tables["stock"]
    with store.engine.begin() as conn:
        conn.execute(update(table).where(table.c.sku == KEY[1]).values(version=version))


def test_reservations_that_fit_together_both_commit(sql_store: SqlStore) -> None:
    """10 on hand, 4 and 5 reserved from one read: 9 fit, so neither unit conflicts."""
    _level(sql_store, 10)
    assert _race(sql_store, _reserve("R1", 4), _reserve("R2", 5)) == [None, None]
    assert _stored(sql_store.engine) == (3, 10, 9, 2, {"R1": (4, 2), "R2": (5, 3)})
    for store in (sql_store, SqlStore(sql_store.engine)):
        item = _read(store)
        assert (item.reserved, item.reservations) == (9, {"R1": _r("R1", 4), "R2": _r("R2", 5)})
    with sql_store.unit_of_work() as uow:
        assert uow.stock.find(("JKT-1", "NONE")) is None


def test_a_reservation_that_no_longer_fits_is_refused_whole(sql_store: SqlStore) -> None:
    """10 on hand, 6 then 5 from one read: 11 do not fit; no row, unit or version of R2."""
    _level(sql_store, 10)
    assert _race(sql_store, _reserve("R1", 6), _reserve("R2", 5)) == [None, ConcurrencyConflict]
    assert _stored(sql_store.engine) == (2, 10, 6, 1, {"R1": (6, 2)})
    assert list(_read(SqlStore(sql_store.engine)).reservations) == ["R1"]


@pytest.mark.parametrize(("second", "refused"), [(3, ConcurrencyConflict), (2, None)])
def test_the_guard_keeps_the_safety_stock_free(
    sql_store: SqlStore, second: int, refused: type[Exception] | None
) -> None:
    """10 on hand, 3 safety: 7 may be promised; 5 + 3 = 8 may not, 5 + 2 = 7 may."""
    _level(sql_store, 10, safety_stock=3)
    assert _race(sql_store, _reserve("R1", 5), _reserve("R2", second)) == [None, refused]
    assert _stored(sql_store.engine).reserved == (5 if refused else 7)


def test_a_release_is_never_refused_for_the_safety_stock(sql_store: SqlStore) -> None:
    """10 on hand, 3 safety, 9 + 1 reserved (held again after a short pick): 1 may be released."""
    _level(sql_store, 10, _r("R1", 9), _r("R2", 1), safety_stock=3)
    _change(sql_store, _release("R2"))
    assert _stored(sql_store.engine) == (2, 10, 9, 1, {"R1": (9, 1)})


def test_two_units_reserving_one_key_conflict_as_the_librarys_error(sql_store: SqlStore) -> None:
    """The second insert of R1 breaks the key (PostgreSQL: raised by psycopg itself)."""
    _level(sql_store, 10)
    assert _race(sql_store, _reserve("R1", 2), _reserve("R1", 2)) == [None, UniquenessConflict]
    assert _stored(sql_store.engine) == (2, 10, 2, 1, {"R1": (2, 2)})


def test_two_units_releasing_one_reservation_release_it_once(sql_store: SqlStore) -> None:
    """R1 3 and R2 4 held: R1 released twice would leave 1 reserved for R2's 4."""
    _level(sql_store, 10, _r("R1", 3), _r("R2", 4))
    assert _race(sql_store, _release("R1"), _release("R1")) == [None, ConcurrencyConflict]
    assert _stored(sql_store.engine) == (2, 10, 4, 1, {"R2": (4, 1)})


def test_a_whole_write_after_a_guarded_one_checks_the_version(sql_store: SqlStore) -> None:
    _level(sql_store, 10)
    assert _race(sql_store, _reserve("R1", 4), _receive(5)) == [None, ConcurrencyConflict]
    assert _stored(sql_store.engine) == (2, 10, 4, 1, {"R1": (4, 2)})


def test_several_changes_on_levels_in_one_unit(sql_store: SqlStore) -> None:
    """Reservations on two levels, two on one level, a release with a reservation.

    The first unit writes one new row on each of two levels (on PostgreSQL one statement
    each, in one transaction); 1 + 2 + 3 + 4 = 10 reserved, then 10 - 1 + 2 = 11.
    """
    _level(sql_store, 12, _r("R1", 1))
    _level(sql_store, 5, sku="CAP")
    with sql_store.unit_of_work() as uow:
        uow.stock.get(KEY).reserve(_r("R2", 2))
        uow.stock.get(("JKT-1", "CAP")).reserve(_r("R1", 1))
        uow.commit()
    assert _stored(sql_store.engine) == (2, 12, 3, 2, {"R1": (1, 1), "R2": (2, 2)})
    assert _stored(sql_store.engine, ("JKT-1", "CAP")) == (2, 5, 1, 1, {"R1": (1, 2)})
    _change(sql_store, _reserve("R3", 3), _reserve("R4", 4))
    _change(sql_store, _release("R1"), _reserve("R5", 2))
    rows = {"R2": (2, 2), "R3": (3, 3), "R4": (4, 3), "R5": (2, 4)}
    assert _stored(sql_store.engine) == (4, 12, 11, 4, rows)


def test_a_unit_that_wrote_over_another_does_not_remember_its_own_view(
    sql_store: SqlStore,
) -> None:
    """A reads R0; B swaps R0 for R1; A adds R2: two rows, as A would count with R0 and R2."""
    _level(sql_store, 10, _r("R0"))
    assert _race(sql_store, _all(_release("R0"), _reserve("R1")), _reserve("R2")) == [None, None]
    assert sorted(_read(sql_store).reservations) == ["R1", "R2"]


def test_a_store_reads_what_another_wrote(sql_store: SqlStore) -> None:
    """S1 reads only rows added since it last saw the level, and afresh when rows went."""
    _level(sql_store, 10)
    other = SqlStore(sql_store.engine)  # another process, in real life

    def seen() -> tuple[object, list[str]]:
        item, stored = _read(sql_store), _stored(sql_store.engine)
        assert (item.reserved, sorted(item.reservations)) == (stored.reserved, sorted(stored.rows))
        assert item.on_hand == stored.on_hand
        return item.on_hand, sorted(item.reservations)

    assert seen() == (10, [])
    _change(other, _reserve("R1", 3))
    assert seen() == (10, ["R1"])
    _change(other, _reserve("R2", 2))
    assert seen() == (10, ["R1", "R2"])
    _change(other, _release("R1"))
    assert seen() == (10, ["R2"])
    _change(other, _receive(5))  # a new document, the rows as they were
    assert seen() == (15, ["R2"])
    # Restores: after each change below the level's version is put back to the one S1
    # remembers (5), so only the rows and the document tell S1 that the level changed.
    _change(other, _release("R2"), _reserve("R3"))  # as many rows as before
    _rewind(sql_store, 5)
    assert seen() == (15, ["R3"])
    _change(other, _release("R3"))  # no row added since version 5, one gone
    _rewind(sql_store, 5)
    assert seen() == (15, [])
    _change(other, _receive(7))  # the same rows, another document
    _rewind(sql_store, 5)
    assert seen() == (22, [])
    _change(other, _reserve("R4", 4))
    _rewind(sql_store, 2)  # further back than S1 remembers
    assert seen() == (22, ["R4"])


def test_fractional_quantities_and_expiries_round_trip(sql_store: SqlStore) -> None:
    """3.5 kg on hand: 1.25 + 1.25 = 2.5 kg fit, a third 1.25 kg (3.75) does not.

    Read back by a store that knew the level before (the rows since) and by a fresh one.
    """
    kg, until = Decimal("1.25"), AT + dt.timedelta(hours=2)
    _level(sql_store, Decimal("3.5"))
    other = SqlStore(sql_store.engine)
    assert _read(other).reservations == {}
    r1, r2, r3 = _reserve("R1", kg), _reserve("R2", kg, expires_at=until), _reserve("R3", kg)
    assert _race(sql_store, r1, r2, r3) == [None, None, ConcurrencyConflict]
    rows = {"R1": (kg, 2), "R2": (kg, 3)}
    assert _stored(sql_store.engine) == (3, Decimal("3.5"), Decimal("2.5"), 2, rows)
    held = {"R1": _r("R1", kg), "R2": _r("R2", kg, expires_at=until)}
    assert _read(other).reservations == _read(SqlStore(sql_store.engine)).reservations == held
    _change(sql_store, _release("R1"))
    stored = _stored(sql_store.engine)
    assert (stored.reserved, stored.rows) == (kg, {"R2": (kg, 3)})
    assert isinstance(stored.reserved, Decimal)
    assert _read(other).reserved == kg


def test_reserving_and_receiving_in_one_unit_writes_the_level_whole(sql_store: SqlStore) -> None:
    _level(sql_store, 5, _r("R1", 2))
    _change(sql_store, _reserve("R2", 3), _receive(4))
    assert _stored(sql_store.engine) == (2, 9, 5, 2, {"R1": (2, 1), "R2": (3, 2)})
    item = _read(SqlStore(sql_store.engine))
    assert (item.on_hand, item.reserved, sorted(item.reservations)) == (9, 5, ["R1", "R2"])


def test_a_row_deleted_behind_the_store_fails_a_whole_write(sql_store: SqlStore) -> None:
    """A whole write whose version still matches finds a row to delete gone: a conflict."""
    _level(sql_store, 5, _r("R1", 2))
    held = schema.stock_reservations
    with sql_store.unit_of_work() as uow:
        item = uow.stock.get(KEY)
        with sql_store.engine.begin() as conn:  # a hand edit, the version left as it was
            conn.execute(held.delete().where(held.c.key == "R1"))
        item.release("R1")
        item.receive(1)  # not the reservations alone: written whole, with its version
        with pytest.raises(ConcurrencyConflict, match="changed by another unit"):
            uow.commit()
    assert _stored(sql_store.engine)[:4] == (1, 5, 2, 1)  # nothing of the unit was written


@pytest.fixture(params=["sqlite-memory", "sqlite-file"])
def sqlite_store(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[SqlStore]:
    store = SqlStore(
        "sqlite://" if request.param == "sqlite-memory" else f"sqlite:///{tmp_path}/s.db"
    )
    yield store
    store.dispose()


def test_sqlite_without_update_returning(
    sqlite_store: SqlStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The version is read after the guarded update (SQLite before 3.35); 3 + 4 + 4 > 10."""
    monkeypatch.setattr(sqlite_store.engine.dialect, "update_returning", False)
    _level(sqlite_store, 10)
    outcome = _race(sqlite_store, _reserve("R1", 3), _reserve("R2", 4), _reserve("R3", 4))
    assert outcome == [None, None, ConcurrencyConflict]
    assert _stored(sqlite_store.engine) == (3, 10, 7, 2, {"R1": (3, 2), "R2": (4, 3)})


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url)
    _level(store, 10)
    yield store
    store.dispose()


def _driven() -> int:
    """Statements run so far through the driver itself (compiled once, then from its cache)."""
    info = driver._compiled.cache_info()
    return info.hits + info.misses


@pytest.mark.postgres
def test_postgresql_sends_statements_past_sqlalchemy_only_when_nobody_watches(
    pg_store: SqlStore, postgres_url: str
) -> None:
    """Unwatched, the read and the WITH go through psycopg (compiled once, then cached)."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]).split()[0].upper())

    def reserve(store: SqlStore, key: str, watch: Callable[[Connection], object] = repr) -> int:
        """Reserve ``key``, ``watch`` called on the unit's connection after the read."""
        before = _driven()
        with store.unit_of_work() as uow:
            item = uow.stock.get(KEY)
            uow.execute(watch)
            item.reserve(_r(key))
            uow.commit()
        return _driven() - before

    assert (reserve(pg_store, "R1"), seen) == (2, [])
    # A listener on the unit's connection, or on the engine once the connection is open.
    assert reserve(pg_store, "R2", lambda c: event.listen(c, "before_cursor_execute", record)) == 1
    assert seen == ["WITH"]
    on_engine = partial(event.listen, pg_store.engine, "before_cursor_execute", record)
    assert reserve(pg_store, "R3", lambda _: on_engine()) == 1
    assert reserve(pg_store, "R4") == 0
    assert seen == ["WITH", "WITH", "SELECT", "WITH"]
    echoing = SqlStore(create_engine(postgres_url, echo=True))
    assert reserve(echoing, "R5") == 0
    echoing.dispose()
    assert sorted(_stored(pg_store.engine).rows) == ["R1", "R2", "R3", "R4", "R5"]


@pytest.mark.postgres
def test_postgresql_writes_a_whole_level_and_its_rows_in_one_transaction(
    pg_store: SqlStore,
) -> None:
    autocommit: list[bool] = []

    def record(conn: Any, *args: object) -> None:
        autocommit.append(conn.connection.dbapi_connection.autocommit)

    with pg_store.unit_of_work() as uow:
        item = uow.stock.get(KEY)
        item.reserve(_r("R1", 3))
        item.receive(4)
        event.listen(pg_store.engine, "before_cursor_execute", record)
        uow.commit()
    assert autocommit == [False, False]  # UPDATE and INSERT
    assert _stored(pg_store.engine) == (2, 14, 3, 1, {"R1": (3, 2)})


# -- The property: two stores, interleaved units, every commit checked -------------------------

_SKUS = itertools.count(1)
_ACTION = st.tuples(
    st.integers(0, 1),
    st.sampled_from(["reserve", "release", "receive"]),
    st.sampled_from(["R1", "R2"]),
    st.integers(1, 4),
)


@pytest.fixture
def stores(url: str) -> Iterator[tuple[SqlStore, SqlStore]]:
    pair = (SqlStore(url), SqlStore(url))
    yield pair
    for store in pair:
        store.dispose()


def _act(item: StockItem, kind: str, key: str, quantity: int) -> Change | None:
    """Make the change ``kind`` to ``item``; None if the domain refused it or it changed nothing."""
    change = {"receive": _receive(quantity), "release": _release(key)}.get(kind)
    change = change or _reserve(key, quantity)
    before = attrs.evolve(item, reservations=dict(item.reservations))
    with suppress(InsufficientStock, DuplicateError):
        change(item)
    return None if item == before else change


def _expected(model: StockItem, kind: str, key: str, quantity: int, stale: bool) -> object:
    """What committing ``kind`` raises on ``model`` as stored now (``stale``: changed since)."""
    if kind == "receive":
        return ConcurrencyConflict if stale else None  # written whole, its version checked
    if kind == "release":
        return None if key in model.reservations else ConcurrencyConflict  # no row to delete
    if quantity > model.on_hand - model.reserved - model.safety_stock:
        return ConcurrencyConflict  # refused by the guarded update, before any insert
    return UniquenessConflict if key in model.reservations else None


def _check(stores: tuple[SqlStore, SqlStore], model: StockItem) -> None:
    """The level is the model's; its columns add up; each store reads what is stored."""
    stored = _stored(stores[0].engine, model.key)
    rows = {key: quantity for key, (quantity, _) in stored.rows.items()}
    assert rows == {key: r.quantity for key, r in model.reservations.items()}
    assert (stored.on_hand, stored.reserved) == (model.on_hand, model.reserved)
    assert stored.holds == len(rows)
    assert 0 <= stored.reserved <= stored.on_hand - model.safety_stock
    for store in stores:
        item = _read(store, model.key)
        assert (item.on_hand, item.reservations) == (model.on_hand, model.reservations)


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # a new SKU per example
)
@given(
    start=st.tuples(st.integers(0, 8), st.integers(0, 2)).filter(lambda s: s[0] >= s[1]),
    steps=st.lists(st.tuples(_ACTION, _ACTION), min_size=2, max_size=8),
)
def test_interleaved_units_keep_the_rows_and_the_level_in_step(
    stores: tuple[SqlStore, SqlStore],
    start: tuple[int, int],
    steps: list[tuple[tuple[int, str, str, int], ...]],
) -> None:
    """Two units at a time (of either store) read the level, change it and commit in turn.

    Each commit goes through or conflicts exactly as the model says; after each, the level is
    the model's (the changes that went through applied to it), reserved and holds are the sum
    and count of the rows, the safety stock is free, and both stores read what is stored.
    """
    model = StockItem(warehouse="JKT-1", sku=f"PROP-{next(_SKUS)}", on_hand=start[0])
    model.safety_stock = start[1]
    _level(stores[0], model.on_hand, sku=model.sku, safety_stock=model.safety_stock)
    for step in steps:
        with ExitStack() as stack:
            units = []
            for which, *action in step:
                uow = stack.enter_context(stores[which].unit_of_work())
                units.append((uow, action, _act(uow.stock.get(model.key), *action)))
            stale = False
            for uow, (kind, key, quantity), change in units:
                expected = None if change is None else _expected(model, kind, key, quantity, stale)
                assert _commit(uow) is expected
                if change is not None and expected is None:
                    change(model)
                    stale = True
                _check(stores, model)
