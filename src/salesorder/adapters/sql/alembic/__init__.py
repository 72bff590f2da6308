"""salesorder's schema migrations as Alembic revisions (install the ``migrate`` extra).

The revisions ``0001`` ... ``0005`` in ``versions/`` bring a database from nothing, or from
any schema an earlier salesorder wrote, to the current one; revision ``N`` is schema ``N``,
and each runs one step of ``salesorder.adapters.sql.migrate`` in its own transaction.
:func:`config` builds Alembic's configuration in code (no ``alembic.ini``); :func:`upgrade`
is ``salesorder db upgrade URL``:

- a database that Alembic never saw (created by ``SqlStore`` or upgraded by an earlier
  salesorder: ``so_schema`` says its version, there is no ``so_alembic_version``) is first
  stamped with the revision of its version, then upgraded; so is one whose Alembic record
  names another of salesorder's revisions (``so_schema``, which every step writes, wins);
- an empty database is upgraded from nothing: every revision runs;
- a database at a version newer than this salesorder knows is refused, untouched.

Alembic records the revisions in ``so_alembic_version``, not ``alembic_version``, so a shop
that keeps its own tables under Alembic in the same database keeps its history apart. A shop
may also add revisions on top of these (an index of its own, say): see ``version_locations``
in :func:`config` and docs/persistence.md.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import attrs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, inspect, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from salesorder.adapters.sql import schema
from salesorder.adapters.sql.migrate import ALEMBIC_VERSION_TABLE, schema_version
from salesorder.exceptions import PersistenceError, SchemaVersionError
from salesorder.money import decimal_isolated

__all__ = ["SCRIPTS", "Current", "config", "current", "open_engine", "revision_of", "upgrade"]

#: The Alembic script directory shipped in the package (``env.py`` and ``versions/``).
SCRIPTS = Path(__file__).parent


def revision_of(version: int) -> str:
    """The Alembic revision that brings a database to schema ``version`` (``"0003"``)."""
    return f"{version:04d}"


@attrs.frozen(kw_only=True)
class Current:
    """Where a database stands: its salesorder schema version and its Alembic revisions."""

    #: The version in ``so_schema``; None when the database has no salesorder schema.
    version: int | None
    #: The revisions in ``so_alembic_version`` (more than one when a shop's own branch is
    #: there too); empty when Alembic never upgraded the database.
    heads: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.version is None:
            return "no salesorder schema"
        stamped = ", ".join(self.heads) if self.heads else "none yet"
        return f"schema {self.version} (Alembic revision: {stamped})"


def _option(path: str | os.PathLike[str]) -> str:
    # Alembic's options go through configparser, where % starts an interpolation.
    return os.fspath(path).replace("%", "%%")


def config(engine: Engine, *, version_locations: Sequence[str | os.PathLike[str]] = ()) -> Config:
    """Alembic's configuration for salesorder's revisions on ``engine``; no ini file needed.

    Pass it to any ``alembic.command``. The engine is given to ``env.py`` through
    ``Config.attributes``, not as a URL, so a password never goes through an option string.

    Args:
        engine: the database's engine; the caller disposes of it.
        version_locations: folders of a shop's own revisions, read with salesorder's (a
            shop's first revision names ``down_revision = "0005"``, or the head it builds on).
    """
    cfg = Config()
    cfg.attributes["engine"] = engine
    cfg.set_main_option("script_location", _option(SCRIPTS))
    # ``path_separator`` since Alembic 1.16, ``version_path_separator`` before it.
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_path_separator", "os")
    locations = [SCRIPTS / "versions", *version_locations]
    cfg.set_main_option("version_locations", os.pathsep.join(map(_option, locations)))
    return cfg


def open_engine(url: str | Engine) -> Engine:
    """An engine on ``url`` (an engine is returned as it is).

    Raises:
        PersistenceError: ``url`` is not a database URL, or names a database or driver that
            is not installed.
    """
    if isinstance(url, Engine):
        return url
    try:
        return create_engine(make_url(url))
    except NoSuchModuleError as error:  # an ArgumentError too: first
        raise PersistenceError(f"unknown kind of database in {url!r}: {error}") from error
    except ArgumentError as error:
        raise PersistenceError(
            f"not a database URL: {url!r} (such as sqlite:///shop.db or "
            "postgresql+psycopg://user@host/shop)"
        ) from error
    except ModuleNotFoundError as error:  # the dialect's driver
        raise PersistenceError(
            f"the database driver {error.name!r} for {url!r} is not installed"
        ) from error


def _read(engine: Engine) -> tuple[Current, bool]:
    """Where the database stands, and whether it holds any ``so_`` table."""
    with engine.connect() as conn:
        version = schema_version(conn)
        context = MigrationContext.configure(conn, opts={"version_table": ALEMBIC_VERSION_TABLE})
        heads = tuple(sorted(context.get_current_heads()))
        tables = any(name.startswith("so_") for name in inspect(conn).get_table_names())
    return Current(version=version, heads=heads), tables


def _one_line(error: BaseException) -> str:
    return " ".join(str(getattr(error, "orig", None) or error).split())


def current(url: str | Engine) -> Current:
    """The salesorder schema version and Alembic revisions of the database at ``url``.

    Raises:
        PersistenceError: ``url`` is not a usable database URL, names a SQLite file that
            does not exist (it is not created), or cannot be reached.
    """
    engine = open_engine(url)
    try:
        name = engine.url.database
        sqlite = engine.url.get_backend_name() == "sqlite" and not engine.url.query.get("uri")
        if sqlite and name not in (None, "", ":memory:") and not Path(str(name)).exists():
            raise PersistenceError(f"no database file {name!r}")
        return _read(engine)[0]
    except DBAPIError as error:
        raise PersistenceError(f"cannot use the database: {_one_line(error)}") from error
    finally:
        if engine is not url:
            engine.dispose()


@decimal_isolated
def upgrade(
    url: str | Engine,
    *,
    create: bool = True,
    version_locations: Sequence[str | os.PathLike[str]] = (),
) -> int:
    """Upgrade the database at ``url`` to the head revision(s), stamping it first if needed.

    Args:
        url: a SQLAlchemy URL or engine.
        create: whether a database without a salesorder schema is upgraded from nothing
            (the default) or refused (as :func:`salesorder.adapters.sql.upgrade` does).
        version_locations: folders of a shop's own revisions (see :func:`config`).

    Returns:
        The schema version the database was at (0: none).

    Raises:
        SchemaVersionError: the database is at a version newer than this salesorder knows,
            or holds salesorder tables without a version (or, with ``create=False``, has no
            salesorder schema); nothing was changed.
        PersistenceError: ``url`` is not usable, or a revision failed: every revision before
            it stays applied, the failed one changed nothing.
    """
    engine = open_engine(url)
    try:
        try:
            found, tables = _read(engine)
        except DBAPIError as error:
            raise PersistenceError(f"cannot use the database: {_one_line(error)}") from error
        version = found.version
        if version is None and (tables or not create):
            raise SchemaVersionError(None, schema.SCHEMA_VERSION)
        if version is not None and not 1 <= version <= schema.SCHEMA_VERSION:
            raise SchemaVersionError(version, schema.SCHEMA_VERSION)
        cfg = config(engine, version_locations=version_locations)
        try:
            if version is not None and _stale(found.heads, version):
                # so_schema is the truth: every step writes it. Alembic's record is missing
                # (a database Alembic never saw) or disagrees (left from dropped tables).
                command.stamp(cfg, revision_of(version), purge=True)
            command.upgrade(cfg, "heads")
        except DBAPIError as error:
            raise PersistenceError(
                f"upgrading the salesorder schema failed: {_one_line(error)}; the revision "
                f"that failed changed nothing, the database is at {_where(engine)}"
            ) from error
        except CommandError as error:
            raise PersistenceError(f"upgrading the salesorder schema failed: {error}") from error
    finally:
        if engine is not url:
            engine.dispose()
    return version or 0


def _stale(heads: tuple[str, ...], version: int) -> bool:
    """Whether Alembic's record must be set to ``version``: none, or only ours and another."""
    ours = {revision_of(known) for known in range(1, schema.SCHEMA_VERSION + 1)}
    return not heads or (set(heads) <= ours and heads != (revision_of(version),))


def _where(engine: Engine) -> str:
    try:
        return str(_read(engine)[0])
    except DBAPIError:
        return "an unknown version (it cannot be read)"
