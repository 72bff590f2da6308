"""Executable documentation: pytest runs the Python examples in README.md and docs/*.md.

Sybil collects every fenced ```python block (run as code; a block whose lines start with
``>>>`` is run as a doctest) and every ```{doctest} block. The blocks of one document share
one namespace, top to bottom, so a page can build on its earlier examples. To keep a block
out of the run, put ``<!-- skip: next -->`` on the line before it; ``<!-- clear-namespace -->``
starts a fresh namespace.

This lives at the repository root because README.md does: a conftest only sees files in its
own directory and below.
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

import babel
import pytest
from hypothesis import HealthCheck, settings
from sybil import Sybil
from sybil.parsers.myst import (
    ClearNamespaceParser,
    DocTestDirectiveParser,
    PythonCodeBlockParser,
    SkipParser,
)

from salesorder import cldr_differences, currency_table

# Timings never decide a test: no per-example deadline, and no health check that fails a
# run because generating data was slow (a loaded CI machine, two workers on two cores).
settings.register_profile(
    "salesorder",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("salesorder")

_OPTIONFLAGS = ELLIPSIS | NORMALIZE_WHITESPACE

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=_OPTIONFLAGS),
        DocTestDirectiveParser(optionflags=_OPTIONFLAGS),
        SkipParser(),
        ClearNamespaceParser(),
    ],
    # Matched against the path relative to this directory. Sphinx's copies of the pages
    # under docs/_build end in .md.txt, so they don't match.
    patterns=["README.md", "docs/*.md"],
).pytest()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report where the installed CLDR disagrees with the library's currency table.

    A report, never a failure: salesorder uses its own table (salesorder.currencies), so a
    babel release that changes CLDR's digits changes nothing the suite checks.
    """
    found = cldr_differences()
    table = currency_table()
    terminalreporter.write_sep(
        "-", f"currency table {table.version} vs installed CLDR (babel {babel.__version__})"
    )
    if not found:
        terminalreporter.write_line("no differences")
    for difference in found:
        terminalreporter.write_line(f"{difference} (salesorder uses its own)")
