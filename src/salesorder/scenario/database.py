"""A scenario run into a database: refuse what cannot be used, remove what a failed run wrote.

:meth:`~salesorder.scenario.ScenarioRun.into_database` calls :func:`probe` before anything
is written (a missing extra or driver, a bad URL, an unreachable server, another schema
version, data already there), and :func:`remove` when the run fails midway.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.ports.repositories import REPOSITORIES

if TYPE_CHECKING:
    from sqlalchemy import URL

    from salesorder.services.app import SalesApp

__all__ = ["UNTOUCHED", "Before", "check_schema", "dispose", "probe", "remove"]


UNTOUCHED = "nothing was written to the database"
_EXAMPLE = "such as sqlite:///shop.db or postgresql+psycopg://user@host/shop"


@attrs.frozen(kw_only=True)
class Before:
    """What the database held before the run: what a failed run must remove."""

    #: The SQLite file, when there was none (the run creates it).
    new_file: Path | None
    #: Whether the salesorder schema was there, empty; else the run creates it.
    schema: bool


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


def probe(url: str) -> Before:
    """Check that ``url`` names a usable database with no salesorder data; writes nothing.

    Raises:
        PersistenceError: see :meth:`~salesorder.scenario.ScenarioRun.into_database`.
    """
    found = _inspect(url)
    if found is None:
        return Before(new_file=_new_file(url), schema=False)
    if not found:
        return Before(new_file=None, schema=False)
    _refuse_data(url)
    return Before(new_file=None, schema=True)


def check_schema(url: str) -> None:
    """Check that ``url`` names a database with the salesorder schema; writes nothing.

    Raises:
        PersistenceError: what :func:`probe` refuses, or the database has no salesorder
            schema (it is never created here).
    """
    if not _inspect(url):
        raise PersistenceError(f"the database at {url!r} has no salesorder schema")


def _new_file(url: str) -> Path:
    import sqlalchemy  # noqa: PLC0415 - the sql extra is optional

    file = _sqlite_file(sqlalchemy.make_url(url))
    assert file is not None  # noqa: S101 - _inspect returns None only for a new SQLite file
    return file


def _inspect(url: str) -> set[str] | None:
    """The salesorder tables at ``url``, checked at this version; None: a new SQLite file.

    Raises:
        PersistenceError: the extra or the driver is missing, ``url`` is not a database
            URL, the server cannot be reached, or the schema is at another version.
    """
    extra = "salesorder[postgres]" if url.startswith("postgres") else "salesorder[sql]"
    try:
        import sqlalchemy  # noqa: PLC0415 - the sql extra is optional
    except ModuleNotFoundError as exc:
        raise PersistenceError(f'the sql extra is not installed: pip install "{extra}"') from exc
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError  # noqa: PLC0415

    from salesorder.adapters.sql import SCHEMA_VERSION, metadata  # noqa: PLC0415

    try:
        parsed = sqlalchemy.make_url(url)
        engine = sqlalchemy.create_engine(parsed)
    except ModuleNotFoundError as exc:  # the dialect's driver
        raise PersistenceError(
            f"the database driver {exc.name!r} is not installed{_hint(url)}"
        ) from exc
    except NoSuchModuleError as exc:
        scheme = url.partition(":")[0]
        raise PersistenceError(
            f"unknown kind of database {scheme!r}: use a URL {_EXAMPLE}"
        ) from exc
    except ArgumentError as exc:
        raise PersistenceError(f"not a database URL: {url!r}; use one {_EXAMPLE}") from exc
    file = _sqlite_file(parsed)
    if file is not None and not file.exists():
        engine.dispose()
        if not file.parent.is_dir():
            raise PersistenceError(f"cannot use the database: no directory {str(file.parent)!r}")
        return None
    version_table = metadata.tables["so_schema"]
    try:
        with engine.connect() as conn:
            tables = set(sqlalchemy.inspect(conn).get_table_names()) & set(metadata.tables)
            version = None
            if version_table.name in tables:
                version = conn.execute(sqlalchemy.select(version_table.c.version)).scalar()
    except DBAPIError as exc:
        raise PersistenceError(f"cannot use the database: {_one_line(exc.orig)}") from exc
    finally:
        engine.dispose()
    if tables and version != SCHEMA_VERSION:
        raise SchemaVersionError(version, SCHEMA_VERSION)
    return tables


def _hint(url: str) -> str:
    """How to get the driver: the postgres extra has psycopg (3); other databases, their own."""
    if not url.startswith("postgres"):
        return ": install it"
    psycopg = "" if url.startswith("postgresql+psycopg:") else " and write postgresql+psycopg://"
    return f': pip install "salesorder[postgres]"{psycopg}'


def _sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL; None for memory, a ``uri=true`` URL or another database."""
    if url.get_backend_name() != "sqlite" or url.query.get("uri"):
        return None
    return None if url.database in (None, "", ":memory:") else Path(url.database)


def _refuse_data(url: str) -> None:
    """Refuse a database that holds any aggregate (a unit of work lists each repository)."""
    from salesorder.adapters.sql import SqlStore  # noqa: PLC0415 - the sql extra is optional

    store = SqlStore(url, create=False)
    try:
        with store() as uow:
            held = next((r.name for r in REPOSITORIES if getattr(uow, r.name).list()), None)
    finally:
        store.dispose()
    if held is not None:
        raise PersistenceError(
            f"the database already holds data ({held.replace('_', ' ')}); a scenario runs "
            "only into an empty database, since its ids count up from the first"
        )


def dispose(app: SalesApp) -> None:
    """Close the run's database connections (a SQLite file can then be removed)."""
    from salesorder.adapters.sql import SqlStore  # noqa: PLC0415 - the sql extra is optional

    if isinstance(app.uow, SqlStore):
        app.uow.dispose()


def remove(url: str, before: Before) -> str:
    """Bring the database back to what :func:`probe` found; says what was done."""
    import sqlalchemy  # noqa: PLC0415 - the sql extra is optional

    from salesorder.adapters.sql import metadata  # noqa: PLC0415

    try:
        if before.new_file is not None:
            before.new_file.unlink(missing_ok=True)
            return f"nothing was kept: the database file {str(before.new_file)!r} was removed"
        engine = sqlalchemy.create_engine(url)
        try:
            if not before.schema:
                metadata.drop_all(engine)
                return "nothing was kept: the tables the run created were dropped"
            with engine.begin() as conn:  # the tables were empty: empty them again
                for table in reversed(metadata.sorted_tables):
                    if table.name != "so_schema":
                        conn.execute(table.delete())
        finally:
            engine.dispose()
    except (OSError, sqlalchemy.exc.SQLAlchemyError) as exc:
        return f"what the run wrote could not be removed ({_one_line(exc)}): remove it by hand"
    return "nothing was kept: the rows the run wrote were deleted"
