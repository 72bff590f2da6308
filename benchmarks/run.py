"""Run the benchmarks and print one table: ``python benchmarks/run.py [NAME ...]``.

``nox -s bench`` runs this against a regular install of salesorder. Names given on the
command line select benchmark modules whose name contains one of them
(``nox -s bench -- import`` runs ``bench_import.py`` only).

Adding a benchmark
------------------
Create ``benchmarks/bench_<topic>.py`` with a function ``run() -> list[Row]``; this script
finds it by its name, imports it and calls ``run()`` once. ``Row`` comes from
``_harness`` (``from _harness import Row, best_of``: this directory is on ``sys.path``
when the script runs). Each row holds:

- ``measured``: the time of the code under test, in ``unit`` (``"ms"``, ``"us"``...);
- ``baseline``: in the same unit, the time of something simple that the same machine did
  in the same run (a bare interpreter start, summing the same amounts as plain
  ``Decimal``). ``ratio = measured / baseline`` is then comparable across machines, where
  raw times are not;
- ``target``: a goal for a person to read, e.g. ``"< 150 ms"`` or ``"< 5x"``.

A sketch of ``bench_pricing.py``::

    from _harness import Row, best_of

    def run() -> list[Row]:
        order = ...  # build the inputs outside the timed calls
        measured = best_of(lambda: price(order), number=100) * 1e6
        baseline = best_of(lambda: sum(plain_decimals), number=100) * 1e6
        return [Row(name="price 100 lines", measured=measured, baseline=baseline,
                    unit="us", target="< 20x")]

Benchmarks never assert on timings (STYLE.md: timings are read, not enforced); an exception
in one is reported, the others still run, and the script then exits with status 1.
"""

from __future__ import annotations

import importlib
import platform
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _harness import Row

HERE = Path(__file__).resolve().parent
HEADERS = ("benchmark", "measured", "baseline", "ratio", "target")


def discover(selected: list[str]) -> list[str]:
    """Names of the ``bench_*`` modules next to this file, filtered by ``selected``."""
    names = sorted(path.stem for path in HERE.glob("bench_*.py"))
    if selected:
        names = [name for name in names if any(word in name for word in selected)]
    return names


def format_table(rows: list[Row]) -> str:
    """Render ``rows`` as a plain-text table, numbers right-aligned."""
    cells = [HEADERS] + [
        (
            row.name,
            f"{row.measured:.1f} {row.unit}",
            f"{row.baseline:.1f} {row.unit}",
            f"{row.ratio:.2f}x",
            row.target,
        )
        for row in rows
    ]
    widths = [max(len(line[col]) for line in cells) for col in range(len(HEADERS))]
    lines = []
    for line in cells:
        first, *numbers, target = line
        parts = [first.ljust(widths[0])]
        parts += [cell.rjust(width) for cell, width in zip(numbers, widths[1:-1], strict=True)]
        parts.append(target.ljust(widths[-1]))
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run the selected benchmarks, print the table and return the exit status."""
    sys.path.insert(0, str(HERE))
    names = discover(argv)
    if not names:
        print(f"no benchmark matches {argv!r} in {HERE}", file=sys.stderr)
        return 1
    print(f"Python {platform.python_version()} ({sys.executable}) on {platform.platform()}")
    rows: list[Row] = []
    failed = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            rows.extend(importlib.import_module(name).run())
        except Exception:  # report it, run the other benchmarks, then exit 1
            traceback.print_exc()
            failed.append(name)
    if rows:
        print(format_table(rows))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
