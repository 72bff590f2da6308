"""Prints how many hostile inputs each entry point was given and how they ended (with -s)."""

from __future__ import annotations

import pytest
from tests.fuzz.hostile import COUNTS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz: hostile inputs per entry point")
    entries = sorted({entry for entry, _ in COUNTS})
    for entry in entries:
        outcomes = {outcome: n for (e, outcome), n in COUNTS.items() if e == entry}
        total = sum(outcomes.values())
        detail = ", ".join(f"{outcome} {n}" for outcome, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"{entry}: {total} ({detail})")
