"""The building blocks: the ``Spec`` convention, codes, human texts and timestamps."""

from __future__ import annotations

import datetime as dt
import string
from typing import TypeAlias, TypeVar

from hypothesis import strategies as st

__all__ = ["Spec", "codes", "texts", "timestamps"]

T = TypeVar("T")

#: A value, a strategy for such values, or None for "any".
Spec: TypeAlias = T | st.SearchStrategy[T] | None

_CODE_ALPHABET = string.ascii_uppercase + string.digits + "-_."
_TIMEZONES = (
    dt.timezone.utc,
    dt.timezone(dt.timedelta(hours=7)),  # WIB, Indochina time
    dt.timezone(dt.timedelta(hours=8)),  # Malaysia, Singapore, WITA
    dt.timezone(dt.timedelta(hours=-5)),
)


def _spec(value: Spec[T], default: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    if value is None:
        return default
    if isinstance(value, st.SearchStrategy):
        return value
    return st.just(value)


def codes(*, max_size: int = 12) -> st.SearchStrategy[str]:
    """Identifier-like codes (SKUs, ids, warehouse codes): no white space, never empty."""
    return st.text(alphabet=_CODE_ALPHABET, min_size=1, max_size=max_size)


def texts(*, max_size: int = 24) -> st.SearchStrategy[str]:
    """Non-blank human text (names, cities), with letters beyond ASCII (Vietnamese, Malay)."""
    alphabet = st.characters(categories=("L", "N"), max_codepoint=0x1EFF) | st.sampled_from(" -.'")
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).filter(
        lambda s: bool(s.strip())
    )


def timestamps(
    *,
    min_value: dt.datetime | None = None,
    max_value: dt.datetime | None = None,
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware datetimes (UTC and a few fixed offsets of the region).

    ``min_value`` and ``max_value`` are naive bounds, as :func:`hypothesis.strategies.datetimes`
    takes them (default 2020 to 2035).
    """
    return st.datetimes(
        min_value=min_value or dt.datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=max_value or dt.datetime(2035, 12, 31),  # noqa: DTZ001 - hypothesis takes naive bounds
        timezones=st.sampled_from(_TIMEZONES),
    )
