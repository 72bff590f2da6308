"""The persistence kit's checks run on every repository: get, find, add, list, identities."""

# ruff: noqa: S101
# A test kit shipped in the package: assert is how it checks, as in tests/.

from __future__ import annotations

import functools

from salesorder.exceptions import (
    DuplicateError,
    NotFound,
)
from salesorder.testing.contracts._support import raises
from salesorder.testing.contracts.persistence._base import KitBase
from salesorder.testing.contracts.persistence._cases import (
    BY_NAME,
    CASES,
    fails_at_add_or_commit,
    stored_keys,
)


class RepositoryChecks(KitBase):
    """Each check runs once per repository, from the case table."""

    # -- get, find, add, list -------------------------------------------------------------

    def test_add_get_find_list_in_one_unit(self) -> None:
        factory = self._factory()
        for case in CASES:
            with factory() as uow:
                repo = case.repo(uow)
                before = stored_keys(case, uow)
                items = [case.make(3), case.make(1), case.make(2)]
                for item in items:
                    repo.add(item)
                for item in items:
                    assert repo.get(case.key(item)) == item, f"{case.name}: get after add"
                    assert repo.find(case.key(item)) == item, f"{case.name}: find after add"
                expected = sorted([*before, *(case.key(i) for i in items)])
                assert stored_keys(case, uow) == expected, f"{case.name}: list, ordered by identity"

    def test_committed_items_are_seen_by_later_units(self) -> None:
        factory = self._factory()
        for case in CASES:
            with factory() as uow:
                before = stored_keys(case, uow)
                for n in (3, 1, 2):
                    case.repo(uow).add(case.make(n))
                uow.commit()
            with factory() as uow:
                repo = case.repo(uow)
                for n in (1, 2, 3):
                    item = case.make(n)
                    assert repo.get(case.key(item)) == item, f"{case.name}: get after commit"
                    assert repo.find(case.key(item)) == item, f"{case.name}: find after commit"
                expected = sorted([*before, *(case.key(case.make(n)) for n in (1, 2, 3))])
                assert stored_keys(case, uow) == expected, f"{case.name}: list, ordered by identity"

    def test_missing_items_raise_not_found(self) -> None:
        factory = self._factory()
        for case in CASES:
            with factory() as uow:
                key = case.key(case.make(4))
                with raises(NotFound, f"{case.name}.get of a missing key"):
                    case.repo(uow).get(key)
                assert case.repo(uow).find(key) is None, f"{case.name}: find of a missing key"

    def test_repeated_get_returns_the_same_working_copy(self) -> None:
        factory = self._factory()
        for case in CASES:
            if case.change is None:
                continue
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                key = case.key(case.make(1))
                case.change(case.repo(uow).get(key))
                expected = case.make(1)
                case.change(expected)
                assert case.repo(uow).get(key) == expected, (
                    f"{case.name}: a second get in the same unit must see the first one's changes"
                )

    def test_changes_to_loaded_aggregates_are_stored_at_commit(self) -> None:
        factory = self._factory()
        for case in CASES:
            if case.change is None:
                continue
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                case.change(case.repo(uow).get(case.key(case.make(1))))
                uow.commit()
            expected = case.make(1)
            case.change(expected)
            with factory() as uow:
                assert case.repo(uow).get(case.key(expected)) == expected, case.name

    # -- uniqueness of identities ---------------------------------------------------------

    def test_duplicate_add_in_one_unit_is_refused(self) -> None:
        factory = self._factory()
        for case in CASES:
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                fails_at_add_or_commit(
                    uow,
                    functools.partial(case.repo(uow).add, case.variant(1)),
                    DuplicateError,
                    f"{case.name}: the same key added twice in one unit",
                )
            with factory() as uow:
                stored = case.repo(uow).find(case.key(case.make(1)))
                assert stored is None or stored == case.make(1), case.name

    def test_duplicate_of_a_committed_item_is_refused(self) -> None:
        factory = self._factory()
        for case in CASES:
            with factory() as uow:
                case.repo(uow).add(case.make(1))
                uow.commit()
            with factory() as uow:
                fails_at_add_or_commit(
                    uow,
                    functools.partial(case.repo(uow).add, case.variant(1)),
                    DuplicateError,
                    f"{case.name}: adding a key that is already stored",
                )
            with factory() as uow:
                assert case.repo(uow).get(case.key(case.make(1))) == case.make(1), case.name

    def test_duplicate_across_units_is_refused_at_commit(self) -> None:
        factory = self._factory()
        for case in CASES:
            extra = BY_NAME["customers" if case.name == "products" else "products"]
            first, second = factory(), factory()
            with first, second:
                case.repo(first).add(case.make(1))
                case.repo(second).add(case.variant(1))
                extra.repo(second).add(extra.make(5))
                first.commit()
                with raises(DuplicateError, f"{case.name}: the same key committed by two units"):
                    second.commit()
            with factory() as uow:
                assert case.repo(uow).get(case.key(case.make(1))) == case.make(1), case.name
                assert extra.repo(uow).find(extra.key(extra.make(5))) is None, (
                    f"{case.name}: a refused commit stored another repository's row"
                )

    def test_a_key_found_missing_then_taken_by_another_unit_is_a_lost_race(self) -> None:
        factory = self._factory()
        for case in CASES:
            extra = BY_NAME["customers" if case.name == "products" else "products"]
            first, second = factory(), factory()
            with first, second:
                assert case.repo(second).find(case.key(case.make(1))) is None, case.name
                case.repo(first).add(case.make(1))
                first.commit()
                extra.repo(second).add(extra.make(5))
                # Refused at the add or at the commit (the shipped stores raise the
                # conflict kind of DuplicateError, UniquenessConflict: a command re-runs).
                fails_at_add_or_commit(
                    second,
                    functools.partial(case.repo(second).add, case.variant(1)),
                    DuplicateError,
                    f"{case.name}: a key taken since this unit found it missing",
                )
            with factory() as uow:
                assert case.repo(uow).get(case.key(case.make(1))) == case.make(1), case.name
                assert extra.repo(uow).find(extra.key(extra.make(5))) is None, (
                    f"{case.name}: a refused commit stored another repository's row"
                )
