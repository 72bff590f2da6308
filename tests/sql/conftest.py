"""Database fixtures: SQLite always; PostgreSQL when a server is reachable.

PostgreSQL comes from ``SALESORDER_TEST_POSTGRES_URL`` (default: the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/test``). When it cannot be reached, the tests
that need it skip and say why; CI machines run a local server, so there they run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

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


_PROBLEM: list[str | None] = []


def postgres_problem() -> str | None:
    """Probe the server once per test run."""
    if not _PROBLEM:
        _PROBLEM.append(_postgres_problem())
    return _PROBLEM[0]


def fresh_postgres() -> str:
    """The PostgreSQL URL with every salesorder table dropped (skips when unreachable)."""
    problem = postgres_problem()
    if problem:
        pytest.skip(f"{problem}; set SALESORDER_TEST_POSTGRES_URL to run these tests")
    engine = create_engine(POSTGRES_URL)
    metadata.drop_all(engine)
    engine.dispose()
    return POSTGRES_URL


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
