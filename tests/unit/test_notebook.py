"""The worked notebook (docs/notebooks/month.md) runs in the suite, without a Jupyter kernel.

The docs build executes the notebook with myst-nb; here its ``{code-cell}`` cells are taken
in order and run in one namespace with ``exec``, so the suite needs no Jupyter package and a
cell's failing assertion fails this test, naming the cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).parents[2] / "docs" / "notebooks" / "month.md"

_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.DOTALL | re.MULTILINE)


def code_cells(text: str) -> list[str]:
    """The source of each ``{code-cell}`` of a MyST text notebook, in order.

    Cell options (``:tags:`` lines, or a ``---`` block of them) at the top of a cell are
    left out.
    """
    cells = []
    for match in _CELL.finditer(text):
        source = match.group(1)
        if source.startswith("---\n"):
            source = source.split("---\n", 2)[2]
        lines = source.splitlines()
        while lines and lines[0].startswith(":"):
            del lines[0]
        cells.append("\n".join(lines))
    return cells


def test_the_cells_are_found_in_order() -> None:
    text = (
        "# T\n\n```{code-cell} ipython3\nx = 1\n```\n\ntext\n\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\ny = x + 1\n```\n"
        "```python\nnot = 'a cell'\n```\n"
        "```{code-cell} ipython3\n---\ntags: [hide-output]\n---\nz = y\n```\n"
    )
    assert code_cells(text) == ["x = 1", "y = x + 1", "z = y"]


def test_the_notebook_runs_and_its_assertions_hold() -> None:
    cells = code_cells(NOTEBOOK.read_text(encoding="utf-8"))
    assert len(cells) >= 5
    namespace: dict[str, object] = {"__name__": "month_notebook"}
    for number, source in enumerate(cells, 1):
        code = compile(source, f"{NOTEBOOK.name}, cell {number}", "exec")
        try:
            exec(code, namespace)  # noqa: S102 - the docs' own notebook, run as the docs build does
        except Exception as exc:  # name the cell, keep the cause
            pytest.fail(f"cell {number} of {NOTEBOOK.name} failed: {exc!r}\n{source}")
