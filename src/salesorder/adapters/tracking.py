"""Working copies inside a unit of work: the part every persistence adapter shares.

A :class:`TrackingRepository` hands out working copies of stored aggregates, remembers the
version each was read at, and at commit tells its adapter which aggregates are new and which
changed. How rows are read, compared and written is the adapter's business
(:mod:`salesorder.adapters.memory.persistence`, :mod:`salesorder.adapters.sql`).
"""

from __future__ import annotations

import abc
import builtins
import copy
import datetime as dt
import enum
import functools
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal
from typing import Any, Generic, TypeVar

import attrs

from salesorder.exceptions import DuplicateError, NotFound

__all__ = ["Pending", "StoredRow", "TrackingRepository", "clone"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


#: Values that are never changed in place, shared by a clone instead of copied.
_IMMUTABLE = (str, int, bool, Decimal, dt.date, dt.time, dt.timedelta, enum.Enum, frozenset)


@functools.cache
def _is_frozen(cls: type) -> bool:
    # attrs' frozen classes install this __setattr__; their fields hold only immutable values
    # (tuples, Decimals, other frozen classes), so they can be shared instead of copied.
    return getattr(cls.__setattr__, "__name__", "") == "_frozen_setattrs"


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in attrs.fields(cls))


#: Classes whose values a clone shares: the immutable kinds above and every frozen attrs
#: class met so far (a stock level's reservations, an order's money), checked by one lookup.
_SHARED: set[type] = {type(None), dt.datetime, *_IMMUTABLE}


def clone(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """A deep copy that shares immutable values (the hot path of every unit of work).

    Working copies are clones of a pristine stored aggregate that is never handed out, so
    the pristine one is the snapshot a working copy is compared with (attrs equality).
    """
    cls = type(value)
    if cls in _SHARED or isinstance(value, _IMMUTABLE):
        return value
    if attrs.has(cls):
        if _is_frozen(cls):
            _SHARED.add(cls)
            return value
        copied = object.__new__(cls)
        for name in _field_names(cls):
            item = getattr(value, name)
            object.__setattr__(copied, name, item if type(item) in _SHARED else clone(item))
        return copied
    if cls is list:
        return [item if type(item) in _SHARED else clone(item) for item in value]
    if cls is dict:
        if _SHARED.issuperset(map(type, value.values())):  # a stock level's reservations
            return value.copy()
        return {key: item if type(item) in _SHARED else clone(item) for key, item in value.items()}
    if cls is tuple:
        return tuple(item if type(item) in _SHARED else clone(item) for item in value)
    return copy.deepcopy(value)


@attrs.frozen
class StoredRow(Generic[T]):
    """A committed aggregate as an adapter read it.

    Its version, a private copy, and the adapter's snapshot of it (what
    :meth:`TrackingRepository.is_changed` compares the working copy with).
    """

    version: int
    item: T
    snapshot: object


@attrs.frozen
class Pending(Generic[T, K]):
    """A change to write at commit: ``seen`` is None for a new aggregate."""

    key: K
    item: T
    seen: int | None


class TrackingRepository(abc.ABC, Generic[T, K]):
    """The repository port's behaviour over an adapter's ``_read`` and ``_keys``."""

    def __init__(self, kind: str, key: Callable[[T], K]) -> None:
        self.kind = kind
        self.key = key
        self.working: dict[K, T] = {}
        self._rows: dict[K, StoredRow[T] | None] = {}
        self._absent: set[K] = set()  # keys this unit read and found missing

    # -- what an adapter provides ---------------------------------------------------------

    @abc.abstractmethod
    def _read(self, key: K) -> StoredRow[T] | None:
        """The committed row for ``key`` with a private copy of the aggregate, or None."""

    @abc.abstractmethod
    def _keys(self) -> Iterable[K]:
        """Every committed key."""

    @abc.abstractmethod
    def is_changed(self, item: T, snapshot: object) -> bool:
        """True when the working copy ``item`` differs from what was read."""

    # -- the repository port ----------------------------------------------------------------

    def _load(self, key: K) -> T | None:
        if key in self.working:
            return self.working[key]
        row = self._read(key)
        if row is None:
            self._absent.add(key)
            return None
        self._hold(key, row)
        return row.item

    def _hold(self, key: K, row: StoredRow[T]) -> None:
        """Hold ``row``, just read, as the working copy of ``key`` (one this unit had not)."""
        self.working[key] = row.item
        self._rows[key] = row

    def get(self, key: K) -> T:
        """The aggregate with ``key``; NotFound when there is none."""
        item = self._load(key)
        if item is None:
            raise NotFound(self.kind, key)
        return item

    def find(self, key: K) -> T | None:
        """The aggregate with ``key``, or None."""
        return self._load(key)

    def add(self, item: T) -> None:
        """Add a new aggregate; DuplicateError when its identity is taken.

        When this unit had read the key and found nothing, it is not read again: another
        unit that adds it in between makes this unit's commit raise
        :class:`~salesorder.exceptions.UniquenessConflict` (a lost race), so the command is re-run.
        """
        key = self.key(item)
        taken = key in self.working or (key not in self._absent and self._load(key) is not None)
        if taken:
            raise DuplicateError(f"{self.kind} {key!r} already exists")
        self.working[key] = item
        self._rows[key] = None

    def list(self) -> builtins.list[T]:
        """Every aggregate, committed or added in this unit, ordered by identity."""
        keys = set(self._keys())
        keys.update(self.working)
        items = (self._load(key) for key in sorted(keys))  # type: ignore[type-var]
        return [item for item in items if item is not None]

    def matching(self, predicate: Callable[[T], bool]) -> builtins.list[T]:
        """The aggregates for which ``predicate`` holds (a scan; adapters may index)."""
        return [item for item in self.list() if predicate(item)]

    # -- commit support -------------------------------------------------------------------------

    def pending(self) -> builtins.list[Pending[T, K]]:
        """New aggregates, and loaded ones whose working copy changed."""
        result: builtins.list[Pending[T, K]] = []
        for key, item in self.working.items():
            row = self._rows[key]
            if row is None:
                result.append(Pending(key, item, None))
            elif self.is_changed(item, row.snapshot):
                result.append(Pending(key, item, row.version))
        return result

    def read_versions(self) -> dict[K, int]:
        """The version each loaded (not added) aggregate was read at."""
        return {key: row.version for key, row in self._rows.items() if row is not None}

    def forget(self) -> None:
        """Drop every working copy; the next read sees the committed state."""
        self.working.clear()
        self._rows.clear()
        self._absent.clear()
