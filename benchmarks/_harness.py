"""What a benchmark returns, and the helpers the benchmarks share."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Row:
    """One measurement, reported as one line of the table.

    ``measured`` and ``baseline`` are in the same ``unit`` and taken in the same run, so
    ``ratio`` compares like with like on whatever machine runs it. ``target`` is a goal for
    a person to read ("< 150 ms", "< 3x"); nothing checks it.
    """

    name: str
    measured: float
    baseline: float
    unit: str
    target: str

    @property
    def ratio(self) -> float:
        """``measured / baseline`` (infinite when the baseline is zero)."""
        return self.measured / self.baseline if self.baseline else float("inf")


def best_of(func: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Return the wall time of one call of ``func``, in seconds: the best of ``repeat`` runs.

    Each run calls ``func`` ``number`` times (raise it for calls far shorter than a
    millisecond) and is divided by ``number``. The minimum is the least noisy estimate of
    what the code costs: everything that makes a run slower (other processes, a cold
    cache) only ever adds time.
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return min(times)
