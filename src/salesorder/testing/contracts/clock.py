"""Contracts of the clock and id ports.

Plug your adapters in by subclassing in your test suite::

    class TestSystemClock(ClockContract):
        def make_clock(self):
            return SystemClock()

    class TestSnowflakeIds(IdGeneratorContract):
        def make_ids(self):
            return SnowflakeIds(worker=1)
"""

# ruff: noqa: S101, D102
# These modules are test kits shipped in the package: assert is how they check, and each
# test_* method is documented by its name, as in tests/ (where these rules are off too).

from __future__ import annotations

import abc
import datetime as dt
from typing import ClassVar

from salesorder.ports.clock import Clock, IdGenerator
from salesorder.testing.contracts._support import run_threads

__all__ = ["ClockContract", "IdGeneratorContract"]


class ClockContract(abc.ABC):
    """A clock is timezone-aware and never goes backwards, from one thread or many.

    Implement :meth:`make_clock`; override :meth:`advance` for a clock that moves only when
    told (the default does nothing: a real clock moves on its own).
    """

    reads: ClassVar[int] = 500
    threads: ClassVar[int] = 4

    @abc.abstractmethod
    def make_clock(self) -> Clock:
        """A new clock."""

    def advance(self, clock: Clock, step: dt.timedelta) -> None:  # noqa: B027 - optional hook
        """Let ``step`` of time pass on ``clock`` (for manual clocks); default: nothing."""

    def test_is_a_clock(self) -> None:
        assert isinstance(self.make_clock(), Clock)

    def test_now_is_timezone_aware(self) -> None:
        now = self.make_clock().now()
        assert isinstance(now, dt.datetime)
        assert now.tzinfo is not None, f"{now!r} is naive"
        assert now.utcoffset() is not None, f"{now!r} has no UTC offset"

    def test_never_goes_backwards(self) -> None:
        clock = self.make_clock()
        previous = clock.now()
        for index in range(self.reads):
            if index % 7 == 0:
                self.advance(clock, dt.timedelta(seconds=index % 5))
            now = clock.now()
            assert now.tzinfo is not None
            assert now >= previous, f"the clock went back from {previous} to {now}"
            previous = now

    def test_advance_moves_forward(self) -> None:
        clock = self.make_clock()
        before = clock.now()
        self.advance(clock, dt.timedelta(hours=1))
        assert clock.now() >= before

    def test_never_goes_backwards_in_any_thread(self) -> None:
        clock = self.make_clock()

        def read(_index: int) -> bool:
            previous = clock.now()
            for _ in range(self.reads):
                now = clock.now()
                if now < previous or now.tzinfo is None:
                    return False
                previous = now
            return True

        assert all(run_threads(self.threads, read)), "a thread saw the clock go backwards"


class IdGeneratorContract(abc.ABC):
    """Ids are never handed out twice for a kind, from any thread, and hold no white space."""

    kinds: ClassVar[tuple[str, ...]] = ("order", "shipment", "invoice", "payment", "stock item")
    per_thread: ClassVar[int] = 300
    threads: ClassVar[int] = 8

    @abc.abstractmethod
    def make_ids(self) -> IdGenerator:
        """A new id generator."""

    def test_is_an_id_generator(self) -> None:
        assert isinstance(self.make_ids(), IdGenerator)

    def test_ids_are_non_empty_strings_without_white_space(self) -> None:
        ids = self.make_ids()
        for kind in self.kinds:
            for _ in range(20):
                value = ids.next_id(kind)
                assert isinstance(value, str), f"{kind}: {value!r} is not a str"
                assert value, f"{kind}: empty id"
                assert not any(ch.isspace() for ch in value), f"{kind}: {value!r} has white space"

    def test_ids_are_unique_per_kind(self) -> None:
        ids = self.make_ids()
        for kind in self.kinds:
            values = [ids.next_id(kind) for _ in range(self.per_thread)]
            assert len(set(values)) == len(values), f"{kind}: an id was handed out twice"

    def test_ids_are_unique_across_threads(self) -> None:
        ids = self.make_ids()

        def take(_index: int) -> list[tuple[str, str]]:
            return [
                (kind, ids.next_id(kind)) for _ in range(self.per_thread) for kind in self.kinds
            ]

        taken = [pair for batch in run_threads(self.threads, take) for pair in batch]
        assert len(set(taken)) == len(taken), "an id was handed out twice across threads"
