"""Where a frame's rows come from: an app, a unit of work, or the objects themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from salesorder.exceptions import SalesOrderError
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.app import SalesApp

__all__ = ["NotFrameable", "load"]

T = TypeVar("T")
U = TypeVar("U")


class NotFrameable(SalesOrderError, TypeError):
    """A frame was asked of something it cannot read (a number, an object of another kind)."""


def _is_unit_of_work(source: object) -> bool:
    # Looked up on the class, so no repository property of the unit is touched.
    kind = type(source)
    return all(callable(getattr(kind, name, None)) for name in ("commit", "rollback", "__enter__"))


@overload
def load(
    source: object,
    kinds: type[T],
    read: Callable[[UnitOfWork], Iterable[T]] | None,
    *,
    frame: str,
) -> list[T]: ...


@overload
def load(
    source: object,
    kinds: tuple[type[T], type[U]],
    read: Callable[[UnitOfWork], Iterable[T | U]] | None,
    *,
    frame: str,
) -> list[T | U]: ...


def load(
    source: object,
    kinds: type[Any] | tuple[type[Any], ...],
    read: Callable[[UnitOfWork], Iterable[Any]] | None,
    *,
    frame: str,
) -> list[Any]:
    """The objects ``frame`` is made of, checked before any row is made.

    ``source`` is a :class:`~salesorder.services.app.SalesApp` (read in a unit of work of
    its own, never committed), a unit of work already open (read in it), one object of
    ``kinds``, or an iterable of them. ``read`` takes them from a unit of work; None when
    the frame is not read from an app.

    Raises:
        NotFrameable: ``source`` is none of those, or an item is not one of ``kinds``; the
            message names the frame, the position and the type found.
    """
    wanted = kinds if isinstance(kinds, tuple) else (kinds,)
    names = " or ".join(kind.__name__ for kind in wanted)
    if read is not None and isinstance(source, SalesApp):
        with source.uow() as uow:
            return list(read(uow))
    if read is not None and _is_unit_of_work(source):
        return list(read(source))  # type: ignore[arg-type]  # checked just above
    if isinstance(source, wanted):
        return [source]
    if not isinstance(source, Iterable) or isinstance(source, (str, bytes)):
        takes = f"an app, a unit of work or {names} objects" if read else f"{names} objects"
        raise NotFrameable(
            f"frames.{frame}() takes {takes}, got {type(source).__name__} {source!r:.60}"
        )
    items = list(source)
    for position, item in enumerate(items):
        if not isinstance(item, wanted):
            raise NotFrameable(
                f"frames.{frame}() takes {names} objects; item {position} is a "
                f"{type(item).__name__}: {item!r:.60}"
            )
    return items
