"""A statement sent past SQLAlchemy refuses a parameter nobody gave, as SQLAlchemy does.

SQLAlchemy's compiled parameters hold None for a bind parameter without a value; merged with
the caller's, psycopg would bind it as NULL (a write of NULL, a ``WHERE id = NULL`` that
finds nothing). ``Connection.execute`` refuses it instead with a ``StatementError`` wrapping
an ``InvalidRequestError``; ``salesorder.adapters.sql.driver`` raises the same.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import bindparam, event, update
from sqlalchemy.exc import InvalidRequestError, StatementError

from salesorder.adapters.sql import SqlStore, driver, schema
from salesorder.domain.customers import Customer

pytestmark = pytest.mark.postgres

TABLE = schema.tables["customers"]
# Every parameter is the caller's: the key and the version the row must be at.
STATEMENT = (
    update(TABLE)
    .where(TABLE.c.id == bindparam("key"), TABLE.c.version == bindparam("old"))
    .values(version=TABLE.c.version + 1)
)


@pytest.fixture
def store(postgres_url: str) -> Iterator[SqlStore]:
    store = SqlStore(postgres_url)
    with store.unit_of_work() as uow:
        uow.customers.add(Customer(id="C1", name="Budi"))
        uow.commit()
    yield store
    store.dispose()


def _refusal(store: SqlStore, params: dict[str, object]) -> StatementError:
    with store.unit_of_work() as uow, pytest.raises(StatementError) as raised:
        uow.execute(lambda conn: driver.rowcount(conn, STATEMENT, params))
    return raised.value


def test_a_missing_parameter_is_refused_as_sqlalchemy_refuses_it(store: SqlStore) -> None:
    before = driver._compiled.cache_info()
    direct = _refusal(store, {"key": "C1"})
    after = driver._compiled.cache_info()
    assert after.hits + after.misses > before.hits + before.misses  # it went the direct way
    event.listen(store.engine, "before_cursor_execute", lambda *args: None)
    through = _refusal(store, {"key": "C1"})  # watched: through Connection.execute
    assert type(direct) is type(through) is StatementError
    assert isinstance(direct.orig, InvalidRequestError)
    assert str(direct.orig) == str(through.orig)
    assert "A value is required for bind parameter 'old'" in str(direct)
    with store.unit_of_work() as uow:
        assert uow.customers.get("C1").name == "Budi"


def test_every_parameter_given_runs(store: SqlStore) -> None:
    with store.unit_of_work() as uow:
        version = uow.execute(lambda conn: conn.execute(TABLE.select()).one().version)
        assert (
            uow.execute(
                lambda conn: driver.rowcount(conn, STATEMENT, {"key": "C1", "old": version})
            )
            == 1
        )
