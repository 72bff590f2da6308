"""The layers of docs/architecture.md hold for every import in src/salesorder, and no import
circle exists among modules.

The table of layers is read from the page itself, so the picture and the code cannot drift:
change one, and this test says whether the other still agrees.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "salesorder"
PAGE = ROOT / "docs" / "architecture.md"


def _layers() -> tuple[dict[str, str], dict[str, set[str]]]:
    """(top-level name -> layer, layer -> layers it may import), from the page's table."""
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("<!-- layers:", 1)[1].split("<!-- end of layers -->", 1)[0]
    owner: dict[str, str] = {}
    allowed: dict[str, set[str]] = {}
    for row in table.splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in {"layer", ""} or set(cells[0]) <= {"-"}:
            continue
        layer, members, may = cells
        for name in re.findall(r"`([\w.]+)`", members):
            owner[name] = layer
        if "the package itself" in members:
            owner[""] = layer
        allowed[layer] = {layer} | {
            word for word in re.findall(r"[a-z]+", may) if word not in {"only", "anything"}
        }
        if "anything" in may:
            allowed[layer] = {"*"}
    return owner, allowed


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _targets(node: ast.AST, module: str) -> list[str]:
    """The salesorder modules an import statement reaches."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "salesorder"]
    if not isinstance(node, ast.ImportFrom) or node.module is None:
        return []
    if node.level:  # relative imports are not used; resolve them anyway
        base = module.split(".")[: -node.level]
        name = ".".join([*base, node.module])
    else:
        name = node.module
    if name.split(".")[0] != "salesorder":
        return []
    # `from salesorder.x import y` reaches salesorder.x.y when y is a module of its own.
    return [f"{name}.{a.name}" if f"{name}.{a.name}" in MODULES else name for a in node.names]


def _imports(module: str, *, top_level_only: bool) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    nodes: list[ast.AST] = []
    if top_level_only:
        for statement in tree.body:
            nodes.extend(ast.walk(statement) if isinstance(statement, ast.If) else [statement])
    else:
        nodes = list(ast.walk(tree))
    return {target for node in nodes for target in _targets(node, module)}


def _layer_of(module: str, owner: dict[str, str]) -> str:
    parts = module.split(".")
    return owner[parts[1] if len(parts) > 1 else ""]


def test_the_page_names_every_top_level_module_and_package() -> None:
    owner, allowed = _layers()
    tops = {name.split(".")[1] for name in MODULES if "." in name}
    assert tops - owner.keys() == set(), "add them to the table in docs/architecture.md"
    assert set(owner.values()) == allowed.keys()
    for may in allowed.values():
        assert may <= allowed.keys() | {"*"}, may


def test_every_import_respects_the_layers() -> None:
    owner, allowed = _layers()
    wrong = []
    for module in sorted(MODULES):
        layer = _layer_of(module, owner)
        if "*" in allowed[layer]:
            continue
        wrong.extend(
            f"{module} ({layer}) imports {target} ({_layer_of(target, owner)})"
            for target in sorted(_imports(module, top_level_only=False))
            if _layer_of(target, owner) not in allowed[layer]
        )
    assert wrong == []


def test_no_import_circle_among_modules() -> None:
    """Module-level imports, those for type checkers included, form no circle."""
    graph = {m: _imports(m, top_level_only=True) & MODULES.keys() for m in MODULES}
    # A package's __init__ is imported with any of its modules: edges to it are real.
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph[module]):
            if target == module or target.startswith(module + "."):
                continue  # a package re-exporting its own modules
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert circles == []
