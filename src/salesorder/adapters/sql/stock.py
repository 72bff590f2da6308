"""Stock levels in SQL: the level is a row, and each of its reservations a row of its own.

Since schema 6 a level's document (``so_stock_items.doc``) holds everything but its
reservations, which are rows of ``so_stock_reservations``; the level's row counts them
(``holds``) and keeps their sum (``reserved``). A reservation is then one small row to write,
not a rewrite of a document that grows with every order waiting for the SKU.

**Reading** a level is one statement: its row joined with the reservation rows written since
the version this process last read or wrote (``since``). The process keeps the level it last
saw (:class:`~salesorder.adapters.sql.rows.Documents`); the rows written since are added to
it, and when the count of the result is the level's ``holds``, nothing was removed in between
and the result is exactly what is stored (a removed reservation would leave the count short).
Otherwise, and whenever the level's version went back (a restore), every row is read again.

**Writing** a level whose reservations alone changed (a reservation made, released or
resized) does not check its version. One guarded statement changes the level where the stock
is there:

.. code-block:: sql

    UPDATE so_stock_items
       SET reserved = reserved + :delta, holds = holds + :count, version = version + 1
     WHERE warehouse = :warehouse AND sku = :sku AND on_hand - reserved >= :need

(``need`` is the units added plus the safety stock; nothing for a release), and the
reservation rows are inserted and deleted beside it, in the same transaction. Units of work
reserving the same SKU at once no longer conflict unless the stock runs out: the database
decides, on the level as it is at that moment, and a level it refuses is a
:class:`~salesorder.exceptions.ConcurrencyConflict` (the command is retried and then sees
the stock that is left). A reservation someone else made or removed first makes an insert
or a delete fail, which is a conflict too. Any other change to a level (goods received,
shipped, counted, a ledger entry posted) is written whole, with its version checked, as every
other aggregate is.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from decimal import Decimal
from itertools import compress
from operator import attrgetter, is_not
from typing import Any

import attrs
from sqlalchemy import Connection, Delete, Insert, Select, Update, and_, bindparam, delete, insert
from sqlalchemy import select as select_
from sqlalchemy import update as update_
from sqlalchemy.engine import Dialect

from salesorder.adapters.sql import driver, schema
from salesorder.adapters.sql.mappings import QuantityType
from salesorder.domain.common import MAX_QUANTITY
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.units import Quantity, to_quantity
from salesorder.money import decimal_isolated
from salesorder.serialization import structure, unstructure

__all__ = ["Change", "Found", "change_of", "document", "read", "write_held", "write_rows"]

#: What a process remembers of a level: ((version, document), the pristine level).
Seen = tuple[tuple[int, object], StockItem]

#: The fields of a level but its reservations.
_LEVEL = tuple(field.name for field in attrs.fields(StockItem) if field.name != "reservations")
#: Those fields of a level, as a tuple.
_LEVEL_OF = attrgetter(*_LEVEL)
#: A reservation's quantity.
_QUANTITY = attrgetter("quantity")


@attrs.frozen
class Found:
    """A level as read: its version, the marker to remember it by, and the pristine level."""

    version: int
    marker: tuple[int, object]
    item: StockItem
    #: False when the level is the one remembered, unchanged (nothing new to remember).
    fresh: bool


@attrs.frozen
class _Statements:
    read: Select[Any]
    guarded: Update
    #: ``guarded`` returning the new version, where the database can (SQLAlchemy's
    #: ``update_returning``: PostgreSQL, SQLite 3.35 and later).
    returning: Update
    insert: Insert
    delete: Delete
    version: Select[Any]
    #: One new reservation as one statement: the guarded update in a common table expression
    #: and the row inserted from it (PostgreSQL's data-modifying ``WITH``).
    reserve: Insert


@functools.cache
def _statements() -> _Statements:
    items, held = schema.tables["stock"], schema.stock_reservations
    at_level = (items.c.warehouse == bindparam("k_warehouse"), items.c.sku == bindparam("k_sku"))
    read = (
        select_(
            items.c.version,
            items.c.doc,
            items.c.holds,
            held.c.key.label("r_key"),
            held.c.order_id,
            held.c.line_id,
            held.c.quantity,
            held.c.created_at,
            held.c.expires_at,
        )
        .select_from(
            items.outerjoin(
                held,
                and_(
                    held.c.warehouse == items.c.warehouse,
                    held.c.sku == items.c.sku,
                    held.c.since > bindparam("since"),
                ),
            )
        )
        .where(*at_level)
    )
    guarded = (
        update_(items)
        .where(
            *at_level,
            items.c.on_hand - items.c.reserved >= bindparam("need", type_=QuantityType()),
        )
        .values(
            reserved=items.c.reserved + bindparam("delta", type_=QuantityType()),
            holds=items.c.holds + bindparam("count"),
            version=items.c.version + 1,
        )
    )
    level = guarded.returning(items.c.version).cte("level")
    row = {
        "warehouse": bindparam("k_warehouse", type_=held.c.warehouse.type),
        "sku": bindparam("k_sku", type_=held.c.sku.type),
        "key": bindparam("r_key", type_=held.c.key.type),
        "order_id": bindparam("r_order_id", type_=held.c.order_id.type),
        "line_id": bindparam("r_line_id", type_=held.c.line_id.type),
        "quantity": bindparam("r_quantity", type_=QuantityType()),
        "created_at": bindparam("r_created_at", type_=held.c.created_at.type),
        "expires_at": bindparam("r_expires_at", type_=held.c.expires_at.type),
    }
    reserve = (
        insert(held)
        .from_select(
            [*row, "since"],
            select_(*(value.label(name) for name, value in row.items()), level.c.version),
        )
        .returning(held.c.since)
    )
    return _Statements(
        reserve=reserve,
        read=read,
        guarded=guarded,
        returning=guarded.returning(items.c.version),
        insert=insert(held),
        delete=delete(held).where(
            held.c.warehouse == bindparam("k_warehouse"),
            held.c.sku == bindparam("k_sku"),
            held.c.key == bindparam("r_key"),
        ),
        version=select_(items.c.version).where(*at_level),
    )


def document(item: StockItem) -> object:
    """The stored document of ``item``: everything but its reservations."""
    return unstructure(attrs.evolve(item, reservations={}))


def _reservation(row: Sequence[Any]) -> Reservation:
    """The reservation of a row of the read (its columns from the fourth on)."""
    key, order_id, line_id, quantity, created_at, expires_at = row[3:]
    return Reservation.from_stored(
        key=key,
        order_id=order_id,
        line_id=line_id,
        quantity=_quantity(quantity),
        created_at=dt.datetime.fromisoformat(created_at),
        expires_at=None if expires_at is None else dt.datetime.fromisoformat(expires_at),
    )


def _quantity(value: object) -> Quantity:
    """``to_quantity(value)`` of a stored quantity, cheaply for a whole one in range.

    The driver gives a ``NUMERIC`` column as a ``Decimal`` with six places
    (``Decimal('3.000000')``). Comparing it and taking its ``int`` are exact whatever the
    decimal context, so a whole number of units in range is told and converted without the
    isolated context ``to_quantity`` enters; the rest (a fraction, anything odd a row was
    edited to) goes through ``to_quantity``.
    """
    if type(value) is Decimal and value.is_finite() and -MAX_QUANTITY <= value <= MAX_QUANTITY:
        whole = int(value)
        if whole == value:
            return whole
    return to_quantity(value)


def _params(key: tuple[str, str]) -> dict[str, object]:
    warehouse, sku = key
    return {"k_warehouse": warehouse, "k_sku": sku}


def read(conn: Connection, key: tuple[str, str], seen: Seen | None) -> Found | None:
    """The level ``key`` as stored, in one statement when ``seen`` is a recent enough view.

    ``seen`` is what this process last read or wrote of the level (None: nothing).
    """
    since = 0 if seen is None else seen[0][0]
    rows = driver.rows(conn, _statements().read, {**_params(key), "since": since})
    if not rows:
        return None
    now, document, holds = rows[0][:3]
    added = {row[3]: _reservation(row) for row in rows if row[3] is not None}
    if seen is not None:
        (version, doc), item = seen
        if now == version and document == doc and not added:
            if holds == len(item.reservations):
                return Found(version, (version, doc), item, fresh=False)
        elif now > version:
            held = {**item.reservations, **added}
            if len(held) == holds:  # nothing was removed since: ``held`` is all of it
                return _found(now, document, held, item if document == doc else None)
        # Rows removed, or the level went back (a restore): read every row again.
        return read(conn, key, None)
    return _found(now, document, added, None)


def _found(
    version: int, doc: object, held: dict[str, Reservation], like: StockItem | None
) -> Found:
    """The level stored at ``version`` as ``doc`` holding ``held``.

    ``like`` is a level of the same document, copied instead of structuring ``doc`` again.
    """
    if like is None:
        item = structure(doc, StockItem)
        item.reservations = held
    else:
        item = _like(like, held)
    return Found(version, (version, doc), item, fresh=True)


_new = object.__new__
_set = object.__setattr__


def _like(level: StockItem, held: dict[str, Reservation]) -> StockItem:
    """A copy of ``level`` holding ``held``, as ``attrs.evolve(level, reservations=held)``.

    Every field but the reservations is one ``level`` holds, checked when it was set (a
    level's fields are validated on every assignment too), and immutable, so the copy
    shares them without running the validators again: a busy level is copied at most of
    its reads.
    """
    if type(level) is not StockItem:  # a subclass may have fields of its own
        return attrs.evolve(level, reservations=held)
    item: StockItem = _new(StockItem)
    for name in _LEVEL:
        _set(item, name, getattr(level, name))
    _set(item, "reservations", held)
    return item


@attrs.frozen
class Change:
    """How a level's reservations changed since it was read (``pristine``, None: a new level)."""

    #: Reservations made, or resized (their new quantity).
    added: tuple[Reservation, ...]
    #: Reservations released, or resized (their old quantity).
    removed: tuple[Reservation, ...]
    #: Whether nothing but its reservations changed: written by the guarded update.
    held_only: bool

    def one_statement(self, dialect: Dialect) -> bool:
        """Whether the change is written in one statement (needing no transaction of its own).

        It is for one new reservation, the most common write of all, on a database that
        runs a data-modifying ``WITH`` (PostgreSQL).
        """
        return (
            self.held_only
            and len(self.added) == 1
            and not self.removed
            and dialect.name == "postgresql"
        )


def _not_shared(
    these: dict[str, Reservation], those: dict[str, Reservation]
) -> Iterator[tuple[str, Reservation]]:
    """The entries of ``these`` that are not the very object ``those`` holds under their key.

    Working copies share their frozen reservations with what was read, so this finds the
    few entries that may differ without a Python step per reservation held: the identity
    checks run inside ``map`` and ``compress``.
    """
    return compress(these.items(), map(is_not, these.values(), map(those.get, these)))


def change_of(item: StockItem, pristine: StockItem | None) -> Change:
    """How ``item`` changed since ``pristine`` (None: ``item`` is new)."""
    old = {} if pristine is None else pristine.reservations
    new = item.reservations
    added = tuple(r for key, r in _not_shared(new, old) if old.get(key) != r)
    removed = tuple(r for key, r in _not_shared(old, new) if new.get(key) != r)
    held_only = pristine is not None and _LEVEL_OF(item) == _LEVEL_OF(pristine)
    return Change(added, removed, held_only)


def _row(reservation: Reservation) -> dict[str, object]:
    """The columns of ``reservation`` but its level and ``since``, as ``r_<column>``."""
    return {
        "r_key": reservation.key,
        "r_order_id": reservation.order_id,
        "r_line_id": reservation.line_id,
        "r_quantity": reservation.quantity,
        "r_created_at": reservation.created_at.isoformat(),
        "r_expires_at": None
        if reservation.expires_at is None
        else reservation.expires_at.isoformat(),
    }


def write_rows(conn: Connection, key: tuple[str, str], change: Change, since: int) -> bool:
    """Delete the rows ``change`` removed and insert those it added (at ``since``).

    Returns False when a row to delete was gone (another unit removed it first).
    """
    statements = _statements()
    for reservation in change.removed:
        gone = conn.execute(statements.delete, {**_params(key), "r_key": reservation.key})
        if gone.rowcount != 1:
            return False
    if change.added:
        warehouse, sku = key
        conn.execute(
            statements.insert,
            [
                {
                    "warehouse": warehouse,
                    "sku": sku,
                    "since": since,
                    **{name.removeprefix("r_"): value for name, value in _row(r).items()},
                }
                for r in sorted(change.added, key=lambda r: r.key)
            ],
        )
    return True


def _delta(change: Change, safety_stock: Quantity) -> tuple[Quantity, Quantity]:
    """The units ``change`` adds to a level's reserved ones, and those it needs free.

    The guarded update needs the units added plus the safety stock free (nothing for a
    release). In the library's decimal context (:func:`write_held`'s). Whole units in range
    are returned as they are; anything else as ``to_quantity`` makes it, or refuses it.
    """
    delta = sum(map(_QUANTITY, change.added)) - sum(map(_QUANTITY, change.removed))
    need = delta + safety_stock if delta > 0 else delta
    # ``need`` is an int only when ``delta`` is one too, and out of range whenever ``delta``
    # is (a safety stock is never negative).
    if type(need) is int and -MAX_QUANTITY <= need <= MAX_QUANTITY:
        return delta, need
    return to_quantity(delta), to_quantity(need)


@decimal_isolated
def write_held(conn: Connection, item: StockItem, change: Change) -> int | None:
    """Write the reservations of ``item`` that changed (``change``) by the guarded update.

    Returns the level's new version, or None when the level refused the change (too few
    units left now) or a row to delete was gone: the unit must retry.
    """
    added, removed = change.added, change.removed
    delta, need = _delta(change, item.safety_stock)
    params: dict[str, object] = {
        **_params(item.key),
        "delta": delta,
        "count": len(added) - len(removed),
        "need": need,
    }
    statements = _statements()
    if change.one_statement(conn.dialect):
        made = driver.rows(conn, statements.reserve, {**params, **_row(added[0])})
        return made[0][0] if made else None
    version: int | None
    if conn.dialect.update_returning:
        version = conn.execute(statements.returning, params).scalar_one_or_none()
    elif conn.execute(statements.guarded, params).rowcount == 1:
        # The row stays locked by this transaction: the version read is the one written.
        version = conn.execute(statements.version, _params(item.key)).scalar_one()
    else:
        version = None
    if version is None:
        return None
    if not write_rows(conn, item.key, change, version):
        return None
    return version
