"""The registry of repositories drives every place that lists them; these keep the rest in step.

A Protocol must declare its attributes, and so must the adapters' units of work for type
checkers: the registry cannot generate them, so these tests fail when one is missing, extra,
or typed for another aggregate.
"""

from __future__ import annotations

import typing
from typing import Any, ForwardRef

import pytest

from salesorder.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from salesorder.ports.persistence import Repository, UnitOfWork
from salesorder.ports.repositories import REPOSITORIES, RepositorySpec, repository
from salesorder.testing.contracts.persistence._cases import CASES

NAMES = [spec.name for spec in REPOSITORIES]
#: Members of UnitOfWork that are not repositories of the registry.
NOT_REPOSITORIES = {"stock_ledger"}


def _repository_args(annotation: Any) -> tuple[Any, ...]:
    """(aggregate, key type) of ``Repository[...]`` or of a Protocol that extends it."""
    if typing.get_origin(annotation) is Repository:
        return typing.get_args(annotation)
    for base in getattr(annotation, "__orig_bases__", ()):
        if typing.get_origin(base) is Repository:
            return typing.get_args(base)
    raise AssertionError(f"{annotation!r} is not a Repository")


def _is_tuple(key_type: Any) -> bool:
    if isinstance(key_type, (str, ForwardRef)):
        text = key_type if isinstance(key_type, str) else key_type.__forward_arg__
        return text.startswith("tuple[")
    return typing.get_origin(key_type) is tuple


def test_registry_names_and_kinds_are_unique() -> None:
    assert len(set(NAMES)) == len(NAMES)
    assert len({spec.kind for spec in REPOSITORIES}) == len(NAMES)
    assert repository("orders").kind == "order"
    with pytest.raises(KeyError, match="no repository 'nope'"):
        repository("nope")


def test_the_port_declares_one_property_per_registry_entry() -> None:
    declared = {name for name, value in vars(UnitOfWork).items() if isinstance(value, property)}
    assert declared - NOT_REPOSITORIES == set(NAMES)


@pytest.mark.parametrize("spec", REPOSITORIES, ids=NAMES)
def test_the_port_types_each_repository_as_the_registry_says(spec: RepositorySpec) -> None:
    prop = vars(UnitOfWork)[spec.name]
    aggregate, key_type = _repository_args(typing.get_type_hints(prop.fget)["return"])
    assert aggregate is spec.aggregate
    assert _is_tuple(key_type) == (len(spec.key_fields) > 1), key_type


@pytest.mark.parametrize("spec", REPOSITORIES, ids=NAMES)
def test_the_key_is_made_of_the_key_fields(spec: RepositorySpec) -> None:
    case = next(case for case in CASES if case.name == spec.name)
    item = case.make(1)
    values = tuple(getattr(item, field) for field in spec.key_fields)
    assert spec.key(item) == (values if len(values) > 1 else values[0])


def test_the_memory_adapter_declares_and_builds_every_repository() -> None:
    declared = set(typing.get_type_hints(InMemoryUnitOfWork)) - {"store", "_repositories"}
    assert declared == set(NAMES)
    uow = InMemoryStore().unit_of_work()
    for spec in REPOSITORIES:
        assert getattr(uow, spec.name).kind == spec.kind
    # Checks and writes go in the registry's order.
    assert [repo.table.spec.name for repo in uow._repositories] == NAMES


def test_the_contract_kit_has_one_case_per_repository_in_registry_order() -> None:
    assert [case.name for case in CASES] == NAMES
