"""How long ``import salesorder`` takes in a fresh interpreter.

Each run starts a new process, so nothing is cached in ``sys.modules``. The baseline is the
bare interpreter start (``python -c "pass"``), timed in the same run and interleaved with
the import runs so both see the same machine load; the measured figure is the import net
of that start. A library that does no work at import time (no connections, no registries
filled, CLDR data loaded on first use) should stay well under the target.
"""

from __future__ import annotations

import subprocess
import sys
import time

from _harness import Row

REPEAT = 7


def _wall_time(code: str) -> float:
    """Seconds to start a fresh interpreter, run ``code`` and exit."""
    # -I: ignore PYTHON* variables and the user's site-packages, alike for both runs.
    argv = [sys.executable, "-I", "-c", code]
    start = time.perf_counter()
    subprocess.run(argv, check=True)  # noqa: S603 (a fixed argv: our interpreter, our code)
    return time.perf_counter() - start


def run() -> list[Row]:
    """Measure ``import salesorder`` net of the interpreter start, best of 7 each."""
    # One untimed round first: it writes the .pyc files and warms the file cache.
    _wall_time("pass")
    _wall_time("import salesorder")
    bare, imported = [], []
    for _ in range(REPEAT):
        bare.append(_wall_time("pass"))
        imported.append(_wall_time("import salesorder"))
    bare_ms = min(bare) * 1000
    import_ms = min(imported) * 1000
    return [
        Row(
            name="import salesorder (net of interpreter start)",
            measured=import_ms - bare_ms,
            baseline=bare_ms,
            unit="ms",
            target="< 150 ms",
        )
    ]
