"""``Reservation.from_stored``: a stored reservation built cheaply, as the validators build it.

A store reads back rows that someone may have edited, so ``from_stored`` must refuse what
``Reservation(...)`` refuses, with the same error, and build an equal reservation (of the
same types: an ``int`` for a whole quantity) from everything else.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from salesorder.domain import inventory
from salesorder.domain.common import MAX_CODE_LENGTH, MAX_QUANTITY
from salesorder.domain.inventory import Reservation
from salesorder.exceptions import SalesOrderError, ValidationError
from salesorder.testing import strategies as sst

T0 = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
GOOD: dict[str, Any] = {
    "key": "O1/1",
    "order_id": "O1",
    "line_id": "1",
    "quantity": 2,
    "created_at": T0,
    "expires_at": None,
}


def _outcome(build: Any, parts: dict[str, Any]) -> tuple[str, Any]:
    """What ``build(**parts)`` gives: the reservation and its fields' types, or the error."""
    try:
        made = build(**parts)
    except Exception as error:  # the error itself is compared
        return ("error", (type(error), str(error)))
    return ("made", (made, tuple(type(value) for value in attrs.astuple(made, recurse=False))))


def _agree(parts: dict[str, Any]) -> tuple[str, Any]:
    fast = _outcome(Reservation.from_stored, parts)
    assert fast == _outcome(Reservation, parts)
    return fast


# -- good rows: equal reservations, of the same types ---------------------------------------------


@given(sst.reservations(max_quantity=MAX_QUANTITY) | sst.reservations(decimals=3))
def test_a_good_reservation_is_built_equal(reservation: Reservation) -> None:
    parts = attrs.asdict(reservation, recurse=False)
    kind, _ = _agree(parts)
    assert kind == "made"
    assert Reservation.from_stored(**parts) == reservation


def test_a_good_row_skips_the_validators(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is taken: with the constructor broken, a good row is still built."""

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the validating constructor ran")

    made = Reservation.from_stored(**GOOD)
    monkeypatch.setattr(Reservation, "__init__", refuse)
    assert Reservation.from_stored(**GOOD) == made
    with pytest.raises(AssertionError, match="validating constructor"):
        Reservation.from_stored(**{**GOOD, "quantity": Decimal("2.5")})


@pytest.mark.parametrize(
    ("quantity", "shown"),
    [(Decimal(2), "2"), (Decimal("2.000"), "2"), (Decimal("2.50"), "2.5"), ("3", "3")],
)
def test_a_quantity_not_an_int_is_normalised_by_the_constructor(
    quantity: object, shown: str
) -> None:
    kind, _ = _agree({**GOOD, "quantity": quantity})
    assert kind == "made"
    made = Reservation.from_stored(**{**GOOD, "quantity": quantity})
    assert str(made.quantity) == shown
    assert isinstance(made.quantity, int) == (shown != "2.5")


def test_a_subclass_goes_through_its_own_constructor() -> None:
    @attrs.frozen(kw_only=True)
    class Named(Reservation):
        note: str = attrs.field(default="x", validator=attrs.validators.min_len(2))

    with pytest.raises(ValueError, match="note"):
        Named.from_stored(**GOOD)


# -- bad rows: the validators' own errors ---------------------------------------------------------

BAD_CODES = [
    "",
    " ",
    "O 1",
    "O\t1",
    "O\n1",
    "O\x001",
    "O\x7f1",
    "O\u00a01",
    "O\u20281",
    "O\ud8001",
    "x" * (MAX_CODE_LENGTH + 1),
    1,
    None,
    b"O1",
]


@pytest.mark.parametrize("name", ["key", "order_id", "line_id"])
@pytest.mark.parametrize("value", BAD_CODES)
def test_a_bad_code_is_refused_as_the_validator_refuses_it(name: str, value: object) -> None:
    kind, (error, _) = _agree({**GOOD, name: value})
    assert kind == "error"
    assert issubclass(error, ValidationError)


def test_a_code_of_the_longest_length_is_built() -> None:
    assert _agree({**GOOD, "key": "x" * MAX_CODE_LENGTH})[0] == "made"


@pytest.mark.parametrize(
    "quantity",
    [0, -1, MAX_QUANTITY + 1, True, False, 2.0, Decimal("0.0000001"), Decimal("NaN"), "two"],
)
def test_a_bad_quantity_is_refused_as_the_validator_refuses_it(quantity: object) -> None:
    kind, (error, _) = _agree({**GOOD, "quantity": quantity})
    assert kind == "error"
    assert issubclass(error, SalesOrderError)  # FloatMoneyError (a TypeError) for a float or bool


def test_the_largest_quantity_is_built() -> None:
    assert _agree({**GOOD, "quantity": MAX_QUANTITY})[0] == "made"


class _Moment(dt.datetime):
    """A datetime subclass: built through the constructor, which accepts it as well."""


@pytest.mark.parametrize(
    "created_at",
    [
        T0.replace(tzinfo=None),
        T0.date(),
        T0.isoformat(),
        None,
    ],
)
def test_a_bad_creation_time_is_refused_as_the_validator_refuses_it(created_at: object) -> None:
    kind, (error, _) = _agree({**GOOD, "created_at": created_at})
    assert kind == "error"
    assert issubclass(error, ValidationError)


def test_a_datetime_subclass_is_built_by_the_constructor() -> None:
    moment = _Moment(2026, 1, 5, 9, tzinfo=dt.timezone.utc)
    assert _agree({**GOOD, "created_at": moment})[0] == "made"


@given(
    key=st.text(max_size=MAX_CODE_LENGTH + 2) | st.sampled_from(BAD_CODES),
    order_id=st.text(max_size=4),
    quantity=st.integers(-2, 3) | st.decimals(allow_nan=True, places=2) | st.booleans(),
    created_at=st.datetimes(timezones=st.none() | st.just(dt.timezone.utc)),
    expires_at=st.none() | st.datetimes(),
)
@example(key="O1", order_id="O1", quantity=1, created_at=T0, expires_at=None)
def test_any_row_builds_or_fails_as_the_constructor_does(
    key: object, order_id: str, quantity: object, created_at: dt.datetime, expires_at: object
) -> None:
    _agree(
        {
            "key": key,
            "order_id": order_id,
            "line_id": "1",
            "quantity": quantity,
            "created_at": created_at,
            "expires_at": expires_at,
        }
    )


def test_every_character_the_code_check_passes_the_validator_passes() -> None:
    """Every single character ``_plainly_code`` vouches for, the ``code`` validator takes."""
    vouched = [c for c in map(chr, range(sys.maxunicode + 1)) if inventory._plainly_code(c)]
    assert len(vouched) > 100_000  # letters of every script, not only ASCII
    refused = [c for c in vouched if _outcome(Reservation, {**GOOD, "key": c})[0] == "error"]
    assert refused == []
