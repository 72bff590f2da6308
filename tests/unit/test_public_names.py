"""salesorder's public names: ``__all__``, the lazy table and the TYPE_CHECKING block agree.

``salesorder/__init__.py`` states a public name up to three times: in ``__all__``; as an
eager import or as a key of ``_LAZY`` (the module it is loaded from on first use); and, for a
lazy name, in the ``if TYPE_CHECKING:`` block, where type checkers see it. Nothing but this
test keeps them in step: a name forgotten in one of them is an import that fails for users,
or one that works at run time but that a type checker rejects. The block and the literal
``_LAZY`` are read from the source with :mod:`ast`, as a type checker reads them.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

import salesorder

SOURCE = ast.parse(Path(salesorder.__file__).read_text(encoding="utf-8"))

#: ``__version__`` is neither imported nor in ``_LAZY``: ``__getattr__`` reads the package
#: metadata, and the TYPE_CHECKING block declares it as ``__version__: str``.
VERSION = "__version__"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(statements: list[ast.stmt]) -> list[tuple[str, str]]:
    """(name, module) for each name the import statements among ``statements`` bind."""
    found: list[tuple[str, str]] = []
    for node in statements:
        if isinstance(node, ast.ImportFrom):
            assert node.module is not None
            assert node.level == 0
            found += [(alias.asname or alias.name, node.module) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.asname or alias.name, alias.name) for alias in node.names]
    return found


def _type_checking_block() -> ast.If:
    blocks = [
        node for node in SOURCE.body if isinstance(node, ast.If) and _is_type_checking(node.test)
    ]
    assert len(blocks) == 1, "salesorder/__init__.py should have one `if TYPE_CHECKING:` block"
    return blocks[0]


def _type_checking_names() -> list[tuple[str, str | None]]:
    """(name, module) for each name the block declares; module None for an annotation."""
    block = _type_checking_block()
    names: list[tuple[str, str | None]] = list(_imported(block.body))
    names += [
        (node.target.id, None)
        for node in block.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    ]
    return names


def _lazy_keys() -> list[str]:
    """The keys of the ``_LAZY`` literal as written, repeats included (a dict keeps one)."""
    for node in SOURCE.body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if isinstance(target, ast.Name) and target.id == "_LAZY":
            assert isinstance(node, (ast.Assign, ast.AnnAssign))
            assert isinstance(node.value, ast.Dict)
            keys = [ast.literal_eval(key) for key in node.value.keys if key is not None]
            assert all(isinstance(key, str) for key in keys)
            return keys
    raise AssertionError("salesorder/__init__.py has no _LAZY literal")


#: Names bound by the imports at the top level of the module: the eager public names,
#: plus what the module itself uses (``TYPE_CHECKING``, ``Any``).
EAGER = {
    name: module for name, module in _imported(SOURCE.body) if module.startswith("salesorder.")
}
LAZY: dict[str, str] = salesorder._LAZY
TYPE_CHECKING_NAMES = _type_checking_names()
PUBLIC = list(salesorder.__all__)


def _repeated(names: list[str]) -> list[str]:
    return sorted(name for name, count in Counter(names).items() if count > 1)


def test_no_name_is_listed_twice_in_one_place() -> None:
    assert _repeated(PUBLIC) == []
    assert _repeated(_lazy_keys()) == []
    assert _repeated([name for name, _ in TYPE_CHECKING_NAMES]) == []
    assert _repeated([name for name, _ in _imported(SOURCE.body)]) == []


def test_the_lazy_literal_is_the_table_in_use() -> None:
    assert sorted(_lazy_keys()) == sorted(LAZY)


def test_no_name_is_both_eager_and_lazy() -> None:
    assert sorted(EAGER.keys() & LAZY.keys()) == []
    assert sorted(EAGER.keys() & {name for name, _ in TYPE_CHECKING_NAMES}) == []


def test_every_public_name_is_imported_or_lazy() -> None:
    neither = [name for name in PUBLIC if name not in EAGER and name not in LAZY]
    assert neither == [VERSION]
    assert isinstance(salesorder.__version__, str)


def test_every_eager_import_is_public() -> None:
    assert sorted(EAGER.keys() - set(PUBLIC)) == []


def test_every_lazy_name_is_public() -> None:
    assert sorted(LAZY.keys() - set(PUBLIC)) == []


def test_type_checkers_see_each_lazy_name_from_its_lazy_module() -> None:
    declared = dict(TYPE_CHECKING_NAMES)
    assert declared.pop(VERSION) is None
    assert sorted(LAZY.keys() - declared.keys()) == [], "lazy, not in the TYPE_CHECKING block"
    assert sorted(declared.keys() - LAZY.keys()) == [], "in the TYPE_CHECKING block, not lazy"
    moved = {name: (module, LAZY[name]) for name, module in declared.items()}
    assert {name: pair for name, pair in moved.items() if pair[0] != pair[1]} == {}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_a_lazy_name_is_the_object_of_its_module(name: str) -> None:
    # What the TYPE_CHECKING block promises, ``from <module> import <name>``: __import__ with
    # a fromlist is that statement, and imports a submodule of that name too (``commands``).
    expected = getattr(__import__(LAZY[name], fromlist=[name]), name)
    assert getattr(salesorder, name) is expected
