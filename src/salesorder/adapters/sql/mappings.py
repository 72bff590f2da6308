"""How each repository of the registry is laid out in SQL, beyond what the registry implies.

Every entry of :data:`~salesorder.ports.repositories.REPOSITORIES` gets a table
``so_<name>`` with its key fields as the primary key (``String(120)`` unless said otherwise),
then the columns below, then ``version`` and ``doc`` (``salesorder.adapters.sql.schema``
builds them). A :class:`Layout` is needed only where the database must query or guard some
fields of the aggregate itself: each such :class:`Field` pairs its column with the function
that reads its value from the aggregate at every insert and update, so a column and the
stored document never disagree.

Stock levels and ledger changes are exact quantities (1.25 kg as well as 3 pieces): their
columns are ``QuantityType``, exact on both databases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import attrs
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from salesorder.domain.inventory import waiting_since
from salesorder.domain.units import MAX_QUANTITY_DECIMALS, Quantity, to_quantity
from salesorder.money import Money

__all__ = ["KEY", "LAYOUTS", "Field", "Layout", "QuantityType", "layout", "utc_text"]

#: The type of key and reference columns.
KEY = String(120)


class QuantityType(TypeDecorator[Quantity]):
    """A column holding an exact quantity (:data:`~salesorder.domain.units.Quantity`).

    On PostgreSQL a ``NUMERIC(16, 6)``: every quantity up to
    :data:`~salesorder.domain.common.MAX_QUANTITY` at six decimals, exact. On SQLite, which
    has no exact decimal type, an ``INTEGER`` column (as whole quantities always had): a whole
    quantity is stored as an integer, a fractional one as the nearest REAL, which tells every
    quantity of at most 15 significant digits (all of them: nine before the point, six after)
    apart from every other, so comparisons and CHECK constraints stay exact, and which is read
    back by its shortest representation, the quantity written. Whole quantities read back as
    ``int`` on both.
    """

    impl = Integer
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """``NUMERIC(16, 6)`` on PostgreSQL, ``INTEGER`` elsewhere (SQLite)."""
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(16, MAX_QUANTITY_DECIMALS, asdecimal=True))
        return dialect.type_descriptor(Integer())

    def process_bind_param(self, value: Quantity | None, dialect: Dialect) -> object:
        """The value as the database driver takes it."""
        if value is None or isinstance(value, int) or dialect.name == "postgresql":
            return value
        return float(value)

    def process_result_value(self, value: object, dialect: Dialect) -> Quantity | None:
        """The stored value as an exact quantity."""
        del dialect
        if value is None:
            return None
        if isinstance(value, float):
            return to_quantity(Decimal(repr(value)))
        return to_quantity(value)


def _e4(amount: Money | None) -> int | None:
    """``amount`` times 10**4, exact: the fixed scale of every amount column."""
    return None if amount is None else amount.scaled(4, what="stored amount")


def _iso(at: dt.datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def utc_text(at: dt.datetime) -> str:
    """``at`` in UTC as fixed-width text, so that text order is time order."""
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def _due_at(item: Any) -> str:
    moments = [m for m in (item.next_attempt_at, item.leased_until) if m is not None]
    return utc_text(max(moments or [item.written_at]))


@attrs.frozen
class Field:
    """A column next to the document, and how its value is read from the aggregate."""

    column: Column[Any]
    value: Callable[[Any], object]


@attrs.frozen(kw_only=True)
class Layout:
    """One repository's table, where it differs from the default."""

    #: The table's name when it is not ``so_<repository name>``.
    table: str | None = None
    #: Types of key columns that are not ``KEY``.
    key_types: Mapping[str, TypeEngine[Any]] = attrs.field(factory=dict)
    fields: tuple[Field, ...] = ()
    #: Table-level constraints and indexes (columns named by their names).
    constraints: tuple[CheckConstraint | UniqueConstraint | Index, ...] = ()
    #: Read with ``SELECT ... FOR UPDATE``: units that will change the row queue for it
    #: instead of conflicting (numbering series, where every issuer changes the same row).
    lock_on_read: bool = False

    def values(self, item: object) -> dict[str, object]:
        """The value of every field's column for ``item``."""
        return {field.column.name: field.value(item) for field in self.fields}


def _status(name: str = "status") -> Column[Any]:
    return Column(name, String(40), nullable=False)


def _currency() -> Column[Any]:
    return Column("currency", String(3), nullable=False)


def _indexed(name: str) -> Column[Any]:
    return Column(name, KEY, nullable=False, index=True)


def _required(name: str) -> Column[Any]:
    return Column(name, KEY, nullable=False)


#: The layouts that differ from the default, by repository name.
LAYOUTS: Mapping[str, Layout] = {
    "orders": Layout(
        fields=(
            Field(_required("channel"), lambda o: o.channel.code),
            Field(_required("external_ref"), lambda o: o.external_ref),
            Field(_status(), lambda o: o.status.value),
            Field(_currency(), lambda o: o.currency),
            Field(
                Column("gross_e4", BigInteger, nullable=True),
                lambda o: _e4(o.pricing.gross if o.pricing else None),
            ),
            # Set (ISO 8601) only while the order waits for stock, so goods receipts find the
            # waiting orders through a small partial index instead of reading every order.
            Field(
                Column("waiting_since", String(40), nullable=True),
                lambda o: _iso(waiting_since(o)),
            ),
        ),
        constraints=(
            Index(
                "uq_so_orders_channel_external_ref",
                "channel",
                "external_ref",
                unique=True,
                sqlite_where=text("external_ref <> ''"),
                postgresql_where=text("external_ref <> ''"),
            ),
            Index(
                "ix_so_orders_waiting_since",
                "waiting_since",
                sqlite_where=text("waiting_since IS NOT NULL"),
                postgresql_where=text("waiting_since IS NOT NULL"),
            ),
        ),
    ),
    "stock": Layout(
        table="so_stock_items",
        fields=(
            Field(Column("on_hand", QuantityType, nullable=False), lambda s: s.on_hand),
            Field(Column("reserved", QuantityType, nullable=False), lambda s: s.reserved),
            # How many rows of so_stock_reservations the level holds (schema 6).
            Field(Column("holds", Integer, nullable=False), lambda s: len(s.reservations)),
        ),
        constraints=(
            CheckConstraint("on_hand >= 0", name="on_hand"),
            CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved"),
            CheckConstraint("holds >= 0", name="holds"),
            Index("ix_so_stock_items_sku", "sku"),
        ),
    ),
    "shipments": Layout(
        fields=(
            Field(_indexed("order_id"), lambda s: s.order_id),
            Field(_required("tracking_number"), lambda s: s.tracking_number),
        ),
    ),
    "invoices": Layout(
        fields=(
            Field(_indexed("order_id"), lambda i: i.order_id),
            Field(_required("series"), lambda i: i.series),
            Field(Column("number", KEY, nullable=True), lambda i: i.number),
        ),
        constraints=(UniqueConstraint("series", "number"),),
    ),
    "invoice_series": Layout(
        fields=(Field(Column("next_number", Integer, nullable=False), lambda s: s.next_number),),
        lock_on_read=True,
    ),
    "payments": Layout(
        fields=(
            Field(_indexed("order_id"), lambda p: p.order_id),
            Field(Column("reference", KEY, nullable=False, unique=True), lambda p: p.reference),
            Field(Column("amount_e4", BigInteger, nullable=False), lambda p: _e4(p.amount)),
            Field(_currency(), lambda p: p.amount.currency),
        ),
    ),
    "credit_notes": Layout(
        fields=(
            Field(_indexed("invoice_id"), lambda n: n.invoice_id),
            Field(_required("series"), lambda n: n.series),
            Field(_required("number"), lambda n: n.number),
            Field(Column("gross_e4", BigInteger, nullable=False), lambda n: _e4(n.gross)),
            Field(_currency(), lambda n: n.currency),
        ),
        constraints=(
            UniqueConstraint("series", "number"),
            CheckConstraint("gross_e4 > 0", name="gross"),
        ),
    ),
    "customer_credits": Layout(
        key_types={"currency": String(3)},
        fields=(Field(Column("balance_e4", BigInteger, nullable=False), lambda c: _e4(c.balance)),),
        # The database guards the balance too: no writer can store a negative credit.
        constraints=(CheckConstraint("balance_e4 >= 0", name="balance"),),
    ),
    "price_lists": Layout(fields=(Field(_currency(), lambda p: p.currency),)),
    "vouchers": Layout(
        fields=(
            Field(Column("uses", Integer, nullable=False), lambda v: v.uses),
            Field(Column("usage_limit", Integer, nullable=True), lambda v: v.usage_limit),
        ),
        # The database guards the limit too: no writer can store more uses than allowed.
        constraints=(CheckConstraint("usage_limit IS NULL OR uses <= usage_limit", name="uses"),),
    ),
    "purchase_orders": Layout(
        fields=(
            Field(_indexed("supplier"), lambda p: p.supplier),
            Field(_required("warehouse"), lambda p: p.warehouse),
            Field(_status(), lambda p: p.status.value),
        ),
    ),
    "returns": Layout(
        fields=(
            Field(_indexed("order_id"), lambda r: r.order_id),
            Field(_required("return_key"), lambda r: r.key),
            Field(_status(), lambda r: r.status.value),
        ),
        constraints=(
            # The same idempotency key never opens a second return of an order.
            Index(
                "uq_so_returns_order_id_return_key",
                "order_id",
                "return_key",
                unique=True,
                sqlite_where=text("return_key <> ''"),
                postgresql_where=text("return_key <> ''"),
            ),
        ),
    ),
    "marketplace_orders": Layout(
        fields=(
            Field(Column("revision", BigInteger, nullable=False), lambda r: r.revision),
            Field(Column("parked", Integer, nullable=False), lambda r: int(r.is_parked)),
        ),
    ),
    "waves": Layout(
        fields=(
            Field(_indexed("warehouse"), lambda w: w.warehouse),
            Field(_status(), lambda w: w.status.value),
        ),
    ),
    "parcels": Layout(
        fields=(
            Field(_indexed("order_id"), lambda p: p.order_id),
            Field(_status(), lambda p: p.status.value),
        ),
    ),
    "outbox": Layout(
        key_types={"key": String(400)},
        fields=(
            Field(Column("state", String(40), nullable=False), lambda i: i.state.value),
            Field(Column("kind", String(40), nullable=False), lambda i: i.call.kind.value),
            # When a pending item is next due (the later of its wait and its lease), ISO 8601
            # in UTC so that text order is time order; the dispatcher selects on it.
            Field(Column("due_at", String(40), nullable=False), _due_at),
        ),
        constraints=(Index("ix_so_outbox_state_due_at", "state", "due_at"),),
    ),
    "refused_deliveries": Layout(key_types={"slot": Integer()}),
    "manifests": Layout(fields=(Field(_required("courier"), lambda m: m.courier),)),
}

_DEFAULT = Layout()


def layout(name: str) -> Layout:
    """The layout of the repository called ``name`` (the default when it has none here)."""
    return LAYOUTS.get(name, _DEFAULT)
