"""Tax rates chosen by the date of the tax point, and tables that refuse overlapping rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from salesorder.domain.tax import TaxRate, TaxRule, TaxTable, default_tax_table
from salesorder.exceptions import TaxRateNotFound, ValidationError

TABLE = default_tax_table()


def test_the_last_day_of_2024_is_ppn_11() -> None:
    rate = TABLE.rate_for("ID", "standard", dt.date(2024, 12, 31))
    assert rate.code == "ID-PPN-11"
    assert rate.effective_rate == Decimal("0.11")


def test_the_first_day_of_2025_is_ppn_12_on_eleven_twelfths() -> None:
    rate = TABLE.rate_for("ID", "standard", dt.date(2025, 1, 1))
    assert rate.code == "ID-PPN-12-DPP"
    assert (rate.rate, rate.base_factor) == (Decimal("0.12"), Fraction(11, 12))
    assert rate.effective_rate == Decimal("0.11")


def test_vietnam_rates() -> None:
    on = dt.date(2026, 1, 5)
    assert TABLE.rate_for("VN", "standard", on).rate == Decimal("0.10")
    assert TABLE.rate_for("VN", "reduced", on).rate == Decimal("0.05")
    assert TABLE.rate_for("VN", "zero", on).rate == Decimal(0)


def test_no_rule_raises_tax_rate_not_found_naming_category_place_and_date() -> None:
    with pytest.raises(TaxRateNotFound) as info:
        TABLE.rate_for("ID", "standard", dt.date(2022, 3, 31))
    assert str(info.value) == "no tax rate for category 'standard' in 'ID' on 2022-03-31"
    assert isinstance(info.value, LookupError)
    with pytest.raises(TaxRateNotFound, match="'MY'"):
        TABLE.rate_for("MY", "standard", dt.date(2026, 1, 5))


def _rule(start: dt.date, end: dt.date | None, code: str) -> TaxRule:
    return TaxRule(
        jurisdiction="MY",
        category="standard",
        rate=TaxRate(code=code, name=code, rate=Decimal("0.10")),
        valid_from=start,
        valid_to=end,
    )


def test_overlapping_rules_are_refused() -> None:
    first = _rule(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "MY-A")
    overlapping = _rule(dt.date(2024, 12, 31), None, "MY-B")
    with pytest.raises(ValidationError, match="'MY-A' and 'MY-B' overlap"):
        TaxTable(rules=(first, overlapping))


def test_an_open_ended_rule_overlaps_any_later_one() -> None:
    with pytest.raises(ValidationError, match="overlap"):
        TABLE.extended(
            [_rule(dt.date(2020, 1, 1), None, "MY-A"), _rule(dt.date(2030, 1, 1), None, "MY-B")]
        )


def test_adjacent_rules_are_fine_and_extended_adds_them() -> None:
    table = TABLE.extended(
        [
            _rule(dt.date(2024, 1, 1), dt.date(2024, 2, 29), "MY-A"),
            _rule(dt.date(2024, 3, 1), None, "MY-B"),
        ]
    )
    assert table.rate_for("MY", "standard", dt.date(2024, 2, 29)).code == "MY-A"
    assert table.rate_for("MY", "standard", dt.date(2024, 3, 1)).code == "MY-B"
    # The original table is unchanged (tables are values).
    with pytest.raises(TaxRateNotFound):
        TABLE.rate_for("MY", "standard", dt.date(2024, 3, 1))


def test_a_rule_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends"):
        _rule(dt.date(2024, 3, 1), dt.date(2024, 2, 1), "MY-A")


@pytest.mark.parametrize("rate", ["-0.01", "1.01"])
def test_a_rate_outside_0_and_1_is_refused(rate: str) -> None:
    with pytest.raises(ValidationError, match="between 0 and 1"):
        TaxRate(code="X", name="X", rate=rate)


@pytest.mark.parametrize("factor", ["0", "13/12", 0.9])
def test_a_base_factor_outside_0_1_or_inexact_is_refused(factor: object) -> None:
    with pytest.raises(ValidationError, match="base factor"):
        TaxRate(code="X", name="X", rate="0.12", base_factor=factor)
