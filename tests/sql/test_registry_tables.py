"""The SQL schema and unit of work follow the registry of repositories."""

from __future__ import annotations

import typing

from salesorder.adapters.sql import SqlStore, SqlUnitOfWork, schema
from salesorder.adapters.sql.mappings import LAYOUTS, layout
from salesorder.ports.repositories import REPOSITORIES

NAMES = [spec.name for spec in REPOSITORIES]


def test_every_layout_belongs_to_a_repository() -> None:
    assert set(LAYOUTS) <= set(NAMES)


def test_every_repository_has_its_table_keyed_by_its_key_fields() -> None:
    assert list(schema.tables) == NAMES
    for spec in REPOSITORIES:
        table = schema.tables[spec.name]
        assert table.name == (layout(spec.name).table or f"so_{spec.name}")
        assert [c.name for c in table.primary_key.columns] == list(spec.key_fields)
        extra = [f.column.name for f in layout(spec.name).fields]
        assert [c.name for c in table.columns] == [*spec.key_fields, *extra, "version", "doc"]
    # The repository tables, the ledger, the reservations and the version are all there is.
    assert len(schema.metadata.tables) == len(NAMES) + 3


def test_old_table_attributes_still_resolve() -> None:
    assert schema.orders is schema.tables["orders"]
    assert schema.stock_items is schema.tables["stock"]
    assert schema.cod_statements.name == "so_cod_statements"


def test_the_unit_of_work_declares_and_writes_every_repository_in_registry_order() -> None:
    declared = set(typing.get_type_hints(SqlUnitOfWork)) - {"store", "_repositories"}
    assert declared == set(NAMES)
    store = SqlStore("sqlite://")
    try:
        uow = store.unit_of_work()
        assert [repo.spec.name for repo in uow._repositories] == NAMES
        for spec in REPOSITORIES:
            assert getattr(uow, spec.name).kind == spec.kind
    finally:
        store.dispose()
