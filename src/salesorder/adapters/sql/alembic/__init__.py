"""salesorder's schema migrations as Alembic revisions (install the ``migrate`` extra).

The revisions ``0001`` ... ``0006`` in ``versions/`` bring a database from nothing, or from
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

import contextlib
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, inspect, make_url, text
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
            shop's first revision names ``down_revision = "0006"``, or the head it builds on).
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


# The password of ``scheme://user:password@host``, for URLs SQLAlchemy cannot parse: up to
# the last @, as a password may hold one (hiding too much is the safe side).
_PASSWORD = re.compile(r"(?<=://)([^:/@]*):.*@")


def _shown(url: object) -> str:
    """``url`` as messages show it: its password, if any, as ``***``."""
    if not isinstance(url, str):
        return repr(url)
    try:
        return repr(make_url(url).render_as_string(hide_password=True))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        return repr(_PASSWORD.sub(r"\1:***@", url))


def open_engine(url: str | Engine) -> Engine:
    """An engine on ``url`` (an engine is returned as it is).

    Messages show ``url`` without its password.

    Raises:
        PersistenceError: ``url`` is not a database URL, or names a database or driver that
            is not installed.
    """
    if isinstance(url, Engine):
        return url
    if not isinstance(url, str):
        raise PersistenceError(f"a database URL is text or an Engine, got {url!r}")
    try:
        return create_engine(make_url(url))
    except NoSuchModuleError:  # an ArgumentError too: first
        raise PersistenceError(
            f"unknown kind of database in {_shown(url)}: {make_url(url).drivername}"
        ) from None
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise PersistenceError(
            f"not a database URL: {_shown(url)} (such as sqlite:///shop.db or "
            "postgresql+psycopg://user@host/shop)"
        ) from None
    except ModuleNotFoundError as error:  # the dialect's driver
        raise PersistenceError(
            f"the database driver {error.name!r} for {_shown(url)} is not installed"
        ) from None


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite database on ``engine`` (None: in memory, a URI, not SQLite).

    Raises:
        PersistenceError: the file's path is a folder, or its folder does not exist.
    """
    name = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or engine.url.query.get("uri"):
        return None
    if name in (None, "", ":memory:"):
        return None
    path = Path(str(name))
    if path.is_dir():
        raise PersistenceError(f"the database file {str(path)!r} is a folder")
    if not path.parent.is_dir():
        raise PersistenceError(
            f"no folder {str(path.parent)!r} for the database file {str(path)!r}"
        )
    return path


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
        path = _sqlite_file(engine)
        if path is not None and not path.exists():
            raise PersistenceError(f"no database file {str(path)!r}")
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
        _sqlite_file(engine)
        with _serialised(engine):
            return _upgrade(engine, create=create, version_locations=version_locations)
    finally:
        if engine is not url:
            engine.dispose()


# Alembic's ``context`` is one per process: two upgrades in one process take turns.
_running = threading.Lock()
# The PostgreSQL advisory lock that upgrades of one database take turns on ("salesorder").
_ADVISORY_KEY = int.from_bytes(b"salesord", "big") >> 1


@contextlib.contextmanager
def _serialised(engine: Engine) -> Iterator[None]:
    """One upgrade at a time: in this process, and on PostgreSQL across processes too.

    On SQLite, :func:`~salesorder.adapters.sql.migrate.step` takes the write lock and
    checks the version, so a step that another process ran first is refused untouched.
    """
    with _running:
        if engine.dialect.name != "postgresql":
            yield
            return
        try:
            lock = engine.connect()
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _ADVISORY_KEY})
        except DBAPIError as error:
            raise PersistenceError(f"cannot use the database: {_one_line(error)}") from error
        try:
            yield
        finally:
            with contextlib.suppress(DBAPIError):
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
            lock.close()


def _upgrade(
    engine: Engine, *, create: bool, version_locations: Sequence[str | os.PathLike[str]]
) -> int:
    """:func:`upgrade` on ``engine``, once no other upgrade runs."""
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
