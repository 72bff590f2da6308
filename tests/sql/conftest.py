"""Database fixtures: SQLite always; PostgreSQL when a server is reachable.

PostgreSQL comes from ``SALESORDER_TEST_POSTGRES_URL`` (default: the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). Each test run creates a database of
its own next to that one (``<name>_run_<pid>``, dropped at exit), so runs never disturb each
other. When the server cannot be reached, the tests that need it skip and say why; CI
machines run a local server, so there they run.
"""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from salesorder.adapters.sql import SqlStore, metadata

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("SALESORDER_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except (OperationalError, ImportError) as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__}: {error})"
    return None


_STATE: dict[str, str | None] = {}
#: The environment variable holding this run's own database URL (see fresh_postgres).
_RUN_DATABASE = f"_SALESORDER_TEST_RUN_DATABASE_{os.getpid()}"


def _own_database() -> str:
    """A database of this test run's own on the server, so parallel runs never collide.

    Falls back to the configured database itself when the role may not create databases.
    """
    url = make_url(POSTGRES_URL)
    name = f"{url.database or 'salesorder'}_run_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except ProgrammingError:
        return POSTGRES_URL
    finally:
        admin.dispose()
    atexit.register(_drop_database, name)
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(name: str) -> None:
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def postgres_problem() -> str | None:
    """Probe the server once per test run."""
    if "problem" not in _STATE:
        _STATE["problem"] = _postgres_problem()
    return _STATE["problem"]


def fresh_postgres() -> str:
    """A PostgreSQL URL with every salesorder table dropped (skips when unreachable)."""
    problem = postgres_problem()
    if problem:
        pytest.skip(f"{problem}; set SALESORDER_TEST_POSTGRES_URL to run these tests")
    # Kept in the environment, not only in this module: test modules outside tests/sql import
    # this file as ``tests.sql.conftest``, a second instance beside pytest's own, and two
    # instances must share one database (a second would drop the first's in use).
    url = os.environ.get(_RUN_DATABASE)
    if url is None:
        url = os.environ[_RUN_DATABASE] = _own_database()
    engine = create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return url


@pytest.fixture
def postgres_url() -> str:
    """A PostgreSQL URL with an empty salesorder schema."""
    return fresh_postgres()


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgresql"])
def sql_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SqlStore]:
    """A fresh store on each backend."""
    if request.param == "sqlite-memory":
        url = "sqlite://"
    elif request.param == "sqlite-file":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'shop.db'}"
    else:
        url = fresh_postgres()
    store = SqlStore(url)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite-file", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """An empty database: a SQLite file, then PostgreSQL (skipped when unreachable)."""
    if request.param == "sqlite-file":
        return f"sqlite:///{tmp_path / 'shop.db'}"
    return fresh_postgres()


@pytest.fixture
def engine(url: str) -> Iterator[Any]:
    """An engine on :func:`url`'s database, disposed after the test."""
    engine = create_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def statements(store: SqlStore) -> Iterator[list[str]]:
    """The SQL statements the module's ``store`` sends from now on (first word, upper case)."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]).split()[0].upper())

    event.listen(store.engine, "before_cursor_execute", record)
    yield seen
    event.remove(store.engine, "before_cursor_execute", record)
