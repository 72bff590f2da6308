"""The persistence contract kit that the in-memory adapter passes, run on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from salesorder.adapters.sql import SqlStore
from salesorder.ports.persistence import UnitOfWork
from salesorder.testing.contracts import UnitOfWorkContract

from .conftest import fresh_postgres


class _SqlContract(UnitOfWorkContract):
    """Each test gets a fresh store from ``url()``; it is disposed afterwards."""

    stores: list[SqlStore]

    def url(self, tmp_path_factory: pytest.TempPathFactory) -> str:
        raise NotImplementedError

    @pytest.fixture(autouse=True)
    def _database(self, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
        self._url = self.url(tmp_path_factory)
        self.stores = []
        yield
        for store in self.stores:
            store.dispose()

    def make_uow_factory(self) -> Callable[[], UnitOfWork]:
        store = SqlStore(self._url)
        self.stores.append(store)
        return store


class TestSqliteMemoryUnitOfWork(_SqlContract):
    def url(self, tmp_path_factory: pytest.TempPathFactory) -> str:
        return "sqlite://"


class TestSqliteFileUnitOfWork(_SqlContract):
    def url(self, tmp_path_factory: pytest.TempPathFactory) -> str:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'shop.db'}"


@pytest.mark.postgres
class TestPostgresUnitOfWork(_SqlContract):
    def url(self, tmp_path_factory: pytest.TempPathFactory) -> str:
        return fresh_postgres()
