"""A frame: named, typed columns and one plain dict per row, turned into a DataFrame on demand.

pandas (and polars) are imported inside :meth:`Frame.to_pandas` (:meth:`Frame.to_polars`),
never when this module is imported, so ``import salesorder`` stays light and
:meth:`Frame.records` needs neither.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from salesorder.exceptions import SalesOrderError, ValidationError
from salesorder.money import Money

if TYPE_CHECKING:  # pragma: no cover - type checkers only
    import pandas  # type: ignore[import-not-found, import-untyped, unused-ignore]
    import polars  # type: ignore[import-not-found, unused-ignore]

__all__ = ["Column", "ColumnKind", "Frame", "FramesUnavailable"]


class FramesUnavailable(SalesOrderError, ImportError):
    """pandas DataFrames need ``pip install 'salesorder[frames]'``, polars ones ``[polars]``."""


class ColumnKind(str, enum.Enum):
    """What a column holds; each kind has one value type in records and one dtype in pandas.

    The table in ``docs/dataframes.md`` gives both for every kind and every column.
    """

    #: ``str`` (None where empty); pandas ``string``.
    TEXT = "text"
    #: An exact amount as ``Decimal``; pandas ``object``.
    MONEY = "money"
    #: The same amount as an ``int`` of the currency's minor units; pandas ``Int64``.
    MINOR = "minor"
    #: One of a fixed set of names (a status, a kind); pandas ``category``, every name a
    #: category.
    CATEGORY = "category"
    #: A timezone-aware ``datetime``; pandas ``datetime64[ns, UTC]``.
    DATETIME = "datetime"
    #: A calendar ``date`` (a day, not a moment); pandas ``object``.
    DATE = "date"
    #: An exact quantity, ``int`` or ``Decimal``; pandas ``Int64`` when every value is
    #: whole, else ``object`` holding ``Decimal``.
    QUANTITY = "quantity"
    #: An ``int`` (a count, a sequence number); pandas ``Int64``.
    INTEGER = "integer"
    #: An exact ``Decimal`` that is not money (a tax rate, a ratio); pandas ``object``.
    DECIMAL = "decimal"
    #: A ``bool`` (None where unknown); pandas ``boolean``.
    BOOLEAN = "boolean"
    #: A ``timedelta``; pandas ``timedelta64[ns]``.
    DURATION = "duration"
    #: Values of several types (a measure's value); pandas ``object``.
    ANY = "any"


@attrs.frozen(kw_only=True)
class Column:
    """One column of a frame: its name, its kind and, for a category, every name it may take."""

    name: str
    kind: ColumnKind
    categories: tuple[str, ...] = ()


def text(name: str) -> Column:
    """A text column."""
    return Column(name=name, kind=ColumnKind.TEXT)


def category(name: str, values: type[enum.Enum] | Iterable[str]) -> Column:
    """A category column whose categories are an enum's values (in its order) or ``values``."""
    names = (
        tuple(str(member.value) for member in values) if isinstance(values, type) else tuple(values)
    )
    return Column(name=name, kind=ColumnKind.CATEGORY, categories=names)


def of_kind(kind: ColumnKind, *names: str) -> tuple[Column, ...]:
    """Columns of one kind."""
    return tuple(Column(name=name, kind=kind) for name in names)


def money_columns(*names: str) -> tuple[Column, ...]:
    """For each name, the amount column and its ``<name>_minor`` column."""
    return tuple(
        column
        for name in names
        for column in (
            Column(name=name, kind=ColumnKind.MONEY),
            Column(name=f"{name}_minor", kind=ColumnKind.MINOR),
        )
    )


def put_money(row: dict[str, Any], name: str, amount: Money | None) -> None:
    """Set ``row[name]`` to the amount and ``row[name + "_minor"]`` to its minor units.

    The minor units are None when ``amount`` is None, or when it has more digits than its
    currency (a unit price of 0.125 USD is no whole number of cents).
    """
    if amount is None:
        row[name] = row[f"{name}_minor"] = None
        return
    row[name] = amount.amount
    row[f"{name}_minor"] = amount.minor_units if amount.is_rounded() else None


@attrs.frozen(kw_only=True, repr=False)
class Frame:
    """Rows of one kind (orders, ledger entries...) with typed columns.

    :meth:`records` gives one plain dict per row, keyed by the column names in order;
    :meth:`to_pandas` a ``pandas.DataFrame`` whose dtypes follow the columns' kinds
    (:class:`ColumnKind`). ``docs/dataframes.md`` documents every frame's columns.
    """

    name: str
    columns: tuple[Column, ...]
    rows: tuple[Mapping[str, Any], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        return f"<Frame {self.name}: {len(self.rows)} rows, {len(self.columns)} columns>"

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the columns, in order."""
        return tuple(column.name for column in self.columns)

    def records(self) -> list[dict[str, Any]]:
        """One new dict per row, keyed by the column names in order.

        Amounts are ``Decimal`` (with ``int`` minor units beside them), quantities ``int`` or
        ``Decimal``, times aware ``datetime``, statuses and kinds their names as ``str``.
        """
        return [dict(row) for row in self.rows]

    def _values(self, column: Column) -> list[Any]:
        return [row[column.name] for row in self.rows]

    def to_pandas(self) -> pandas.DataFrame:
        """The rows as a ``pandas.DataFrame``, one typed column per column of the frame.

        Raises:
            FramesUnavailable: pandas is not installed.
            ValidationError: a time or a duration is outside what pandas holds in
                nanoseconds (the years 1677 to 2262); the message names the column.
        """
        module = _import("pandas")
        data = {
            column.name: _pandas_series(module, self.name, column, self._values(column))
            for column in self.columns
        }
        frame: pandas.DataFrame = module.DataFrame(data, columns=list(self.column_names))
        return frame

    def to_polars(self) -> polars.DataFrame:
        """The rows as a ``polars.DataFrame``; amounts as exact ``Decimal`` columns.

        Raises:
            FramesUnavailable: polars is not installed.
        """
        module = _import("polars")
        frame: polars.DataFrame = module.DataFrame(
            [_polars_series(module, column, self._values(column)) for column in self.columns]
        )
        return frame


#: The extra that installs each DataFrame package.
_EXTRAS = {"pandas": "frames", "polars": "polars"}


def _import(name: str) -> Any:
    try:
        # An optional dependency, imported when first used so `import salesorder` stays light.
        return __import__(name)
    except ImportError as exc:
        raise FramesUnavailable(
            f"{name} DataFrames need the {name!r} package: "
            f"pip install 'salesorder[{_EXTRAS[name]}]'"
        ) from exc


def _quantities(values: Sequence[Any]) -> tuple[bool, list[Any]]:
    """(whole, values): whole when every quantity is an int; else all made ``Decimal``."""
    if all(value is None or isinstance(value, int) for value in values):
        return True, list(values)
    return False, [None if value is None else Decimal(value) for value in values]


#: The pandas dtype of each kind made by a plain ``Series(values, dtype=...)``.
_PANDAS_DTYPES: dict[ColumnKind, Any] = {
    ColumnKind.TEXT: "string",
    ColumnKind.MONEY: object,
    ColumnKind.MINOR: "Int64",
    ColumnKind.DATE: object,
    ColumnKind.INTEGER: "Int64",
    ColumnKind.DECIMAL: object,
    ColumnKind.BOOLEAN: "boolean",
    ColumnKind.DURATION: "timedelta64[ns]",
    ColumnKind.ANY: object,
}


def _pandas_series(pandas: Any, frame: str, column: Column, values: list[Any]) -> Any:
    """``column``'s values as a typed pandas Series (``frame`` names it in an error).

    Raises:
        ValidationError: a time or duration is out of pandas' nanosecond range.
    """
    try:
        return _typed_series(pandas, column, values)
    except (pandas.errors.OutOfBoundsDatetime, pandas.errors.OutOfBoundsTimedelta) as exc:
        raise ValidationError(
            f"frame {frame!r}, column {column.name!r}: {_out_of_range(values, exc)} "
            "is out of pandas' range (pandas holds times and durations in nanoseconds; "
            "to_polars() holds them)"
        ) from None


#: pandas' nanosecond range, to the day: from 1677-09-22 to 2262-04-11, and 106,751 days.
_PANDAS_TIMES = (
    dt.datetime(1677, 9, 22, tzinfo=dt.timezone.utc),
    dt.datetime(2262, 4, 11, tzinfo=dt.timezone.utc),
)
_PANDAS_LONGEST = dt.timedelta(days=106_751)


def _out_of_range(values: list[Any], error: Exception) -> str:
    """The first of ``values`` out of pandas' range (pandas' own words if none is found)."""
    earliest, latest = _PANDAS_TIMES
    for value in values:
        if isinstance(value, dt.timedelta) and abs(value) > _PANDAS_LONGEST:
            return f"value {value!s}"
        if isinstance(value, dt.datetime) and not earliest <= value <= latest:
            return f"value {value.isoformat()}"
    return str(error)


def _typed_series(pandas: Any, column: Column, values: list[Any]) -> Any:
    kind = column.kind
    if kind is ColumnKind.CATEGORY:
        return pandas.Series(pandas.Categorical(values, categories=list(column.categories)))
    if kind is ColumnKind.DATETIME:
        stamps = pandas.to_datetime(pandas.Series(values, dtype=object), utc=True)
        return stamps.astype("datetime64[ns, UTC]")
    if kind is ColumnKind.QUANTITY:
        whole, exact = _quantities(values)
        return pandas.Series(exact, dtype="Int64" if whole else object)
    return pandas.Series(values, dtype=_PANDAS_DTYPES[kind])


#: The most digits a polars Decimal holds.
_POLARS_PRECISION = 38


def _digits(values: Sequence[Any]) -> tuple[int, int]:
    """(integer digits, decimal places): the most of each among ``values`` (exact numbers)."""
    whole, places = 1, 0
    for value in values:
        if value is None:
            continue
        _sign, digits, exponent = Decimal(value).as_tuple()
        assert isinstance(exponent, int)  # noqa: S101 - amounts and quantities are finite
        places = max(places, -exponent)
        whole = max(whole, len(digits) + exponent)
    return whole, places


def _polars_dtype(polars: Any, column: Column, values: list[Any]) -> Any:
    """The polars dtype of ``column``: exact Decimals with the scale its values need.

    Numbers that need more than 38 digits in one column (28 decimals beside 14 integer
    digits) stay Python ``Decimal`` objects, exact still.
    """
    kind = column.kind
    if kind in (ColumnKind.MONEY, ColumnKind.DECIMAL, ColumnKind.QUANTITY):
        whole, places = _digits(values)
        if whole + places > _POLARS_PRECISION:
            return polars.Object
        return polars.Decimal(_POLARS_PRECISION, places)
    if kind is ColumnKind.CATEGORY:
        return polars.Enum(list(column.categories))
    return {
        ColumnKind.TEXT: polars.String,
        ColumnKind.MINOR: polars.Int64,
        ColumnKind.INTEGER: polars.Int64,
        ColumnKind.DATETIME: polars.Datetime("us", "UTC"),
        ColumnKind.DATE: polars.Date,
        ColumnKind.BOOLEAN: polars.Boolean,
        ColumnKind.DURATION: polars.Duration("us"),
        ColumnKind.ANY: polars.Object,
    }[kind]


def _polars_series(polars: Any, column: Column, values: list[Any]) -> Any:
    if column.kind is ColumnKind.QUANTITY:
        whole, values = _quantities(values)
        if whole:
            return polars.Series(column.name, values, dtype=polars.Int64)
    if column.kind is ColumnKind.DATETIME:
        values = [None if v is None else v.astimezone(dt.timezone.utc) for v in values]
    dtype = _polars_dtype(polars, column, values)
    if isinstance(dtype, polars.Decimal):
        # polars wants every value at the column's scale: trailing zeros, so exact still.
        step = Decimal(1).scaleb(-dtype.scale)
        wide = decimal.Context(prec=_POLARS_PRECISION)
        values = [None if v is None else wide.quantize(Decimal(v), step) for v in values]
    return polars.Series(column.name, values, dtype=dtype)
