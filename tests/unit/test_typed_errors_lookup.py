"""Looking up a line that is not there raises a typed error naming the id and the lines there are.

``UnknownLine`` is a ``NotFound`` (so a ``SalesOrderError`` and a ``LookupError``) and also a
``KeyError``, which ``PricedOrder.line`` raised bare before: callers catching either keep working.
"""

from __future__ import annotations

import datetime as dt

import pytest

from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing import LineToPrice, PricedOrder, TaxMode, price_order
from salesorder.domain.tax import default_tax_table
from salesorder.exceptions import InvalidType, NotFound, SalesOrderError, UnknownKey, UnknownLine
from salesorder.money import Money, RoundingPlace, RoundingPolicy

DAY = dt.date(2026, 1, 5)
PPN = default_tax_table().rate_for("ID", "standard", DAY)


def priced(*line_ids: str) -> PricedOrder:
    lines = [
        LineToPrice(
            line_id=line_id,
            sku=f"SKU-{line_id}",
            quantity=1,
            unit_price=Money.of("100", "IDR"),
            tax_rate=PPN,
        )
        for line_id in line_ids
    ]
    return price_order(
        lines,
        currency="IDR",
        tax_mode=TaxMode.EXCLUDED,
        policy=RoundingPolicy(place=RoundingPlace.PER_LINE),
        context=PricingContext(on=DAY, channel="web"),
    )


def test_a_priced_order_names_the_line_asked_for_and_the_lines_it_has() -> None:
    order = priced("A", "B")
    assert order.line("B").line_id == "B"
    with pytest.raises(UnknownLine) as info:
        order.line("C")
    assert str(info.value) == "line 'C' not found on the priced order; its lines are 'A', 'B'"
    assert (info.value.line_id, info.value.known) == ("C", ("A", "B"))
    assert (info.value.kind, info.value.key) == ("line of the priced order", "C")


@pytest.mark.parametrize("caught", [KeyError, LookupError, NotFound, SalesOrderError])
def test_a_missing_priced_line_is_still_a_key_error(caught: type[Exception]) -> None:
    with pytest.raises(caught):
        priced("A").line("Z")


def test_a_long_list_of_lines_is_cut_short() -> None:
    error = UnknownLine("order 'SO-1'", "X", tuple(str(n) for n in range(25)))
    assert str(error).endswith("'18', '19' and 5 more")
    assert str(UnknownLine("order 'SO-1'", "X", ())).endswith("its lines are none")


def test_an_object_that_is_no_command_is_refused_by_type_and_by_the_library() -> None:
    from salesorder.bootstrap import build
    from salesorder.services.handlers import handler_for

    for run in (build().execute, handler_for):
        with pytest.raises(InvalidType, match=r"^dict is not a salesorder command$") as info:
            run({"command": "PlaceOrder"})  # type: ignore[arg-type]
        assert isinstance(info.value, TypeError)
        assert isinstance(info.value, SalesOrderError)


@pytest.mark.parametrize("value", ["12", 1.5, True, None])
def test_number_in_words_refuses_what_is_not_a_whole_number(value: object) -> None:
    from salesorder.documents.vietnam.words import number_in_words

    with pytest.raises(InvalidType, match=r"^number_in_words takes an int, got ") as info:
        number_in_words(value)  # type: ignore[arg-type]
    assert isinstance(info.value, TypeError)


def test_an_order_not_in_the_batch_is_named_and_still_a_key_error() -> None:
    from salesorder.domain.allocation import BatchAllocation

    with pytest.raises(UnknownKey) as info:
        BatchAllocation(allocations=()).for_order("SO-9")
    assert str(info.value) == "order 'SO-9' is not in the batch"
    assert (info.value.kind, info.value.key) == ("order", "SO-9")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, NotFound)
    assert issubclass(UnknownLine, UnknownKey)
