"""The shipped currency table: what the library promises, whatever babel is installed.

These tests pin the table (salesorder/data/currencies.json) and the facts the library's
users rely on. They never compare with the installed CLDR: that is a report, printed at the
end of the run (see ``pytest_terminal_summary`` in tests/conftest.py), not a failure.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from decimal import Decimal
from importlib.resources import files

import pytest
from tests.services.test_money_policy import place, shop

from salesorder import (
    CldrDifference,
    Money,
    UnknownCurrency,
    cldr_differences,
    currency_info,
    currency_table,
    format_money,
    in_memory,
)

#: Changing the table changes what amounts mean: bump its version (scripts/currency_table.py),
#: say so in CHANGELOG.md, then update these two pins.
TABLE_VERSION = "2026.1"
TABLE_SHA256 = "067125a572c28517bc00fe0f6dbe6cd362c6f00587b9ae90e00959cd1f8c5845"


def test_the_shipped_table_is_the_pinned_version() -> None:
    raw = files("salesorder").joinpath("data/currencies.json").read_bytes()
    assert currency_table().version == TABLE_VERSION
    assert hashlib.sha256(raw).hexdigest() == TABLE_SHA256


def test_the_table_names_its_sources_and_their_dates() -> None:
    table = currency_table()
    assert table.iso4217_published == "2026-01-01"
    assert table.cldr_version == "49"
    # ISO 4217 list one has 178 codes; the 13 without minor units (gold, SDR, XTS, XXX ...)
    # are not money a shop invoices in.
    assert len(table.currencies) == 165
    assert {"XAU", "XDR", "XTS", "XXX"}.isdisjoint(table.currencies)


@pytest.mark.parametrize(
    ("code", "digits", "cash"),
    [
        ("IDR", 2, "1"),  # ISO 4217: 2 minor units; CLDR: cash in whole rupiah
        ("VND", 0, "1"),
        ("JPY", 0, "1"),
        ("KWD", 3, "0.001"),
        ("BHD", 3, "0.001"),
        ("CLF", 4, "0.0001"),
        ("USD", 2, "0.01"),
        ("MYR", 2, "0.01"),  # Malaysia's 5 sen is a national rule (CashRounding), not CLDR's
        ("CHF", 2, "0.05"),
        ("HUF", 2, "5"),
        ("DKK", 2, "0.50"),
    ],
)
def test_minor_units_are_iso_4217_and_cash_steps_cldr(code: str, digits: int, cash: str) -> None:
    info = currency_info(code)
    assert (info.digits, info.cash_increment) == (digits, Decimal(cash))
    assert info.quantum == Decimal(1).scaleb(-digits)


def test_every_cash_step_is_a_whole_number_of_minor_units() -> None:
    for code, info in currency_table().currencies.items():
        assert info.code == code
        assert 0 <= info.digits <= 4, code
        assert info.cash_increment >= info.quantum, code
        assert info.cash_increment % info.quantum == 0, code
        assert info.cash_source in {"cldr", "iso4217"}, code


@pytest.mark.parametrize("code", ["XXX", "XAU", "idr", "IDR ", "", "DEM", 360, None, b"IDR"])
def test_a_code_outside_the_table_is_refused_by_name(code: object) -> None:
    with pytest.raises(UnknownCurrency, match="unknown currency code") as caught:
        currency_info(code)
    assert caught.value.code == code
    with pytest.raises(UnknownCurrency):
        Money(amount=Decimal(1), currency=code)  # type: ignore[arg-type]


def test_the_readme_figures_hold_whatever_cldr_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """babel 2.19 gives IDR 0 digits; the library keeps ISO 4217's 2, so nothing moves."""
    import babel.core

    real = babel.core.get_global

    def cldr_with_whole_rupiah(key: str) -> object:
        data = real(key)
        if key == "currency_fractions":
            return {**data, "IDR": (0, 0, 0, 0), "VND": (2, 0, 2, 0)}
        return data

    monkeypatch.setattr(babel.core, "get_global", cldr_with_whole_rupiah)
    assert currency_info("IDR").digits == 2
    app = shop(in_memory())  # the README's shop: a T-shirt at Rp150.000, PPN included
    with app.uow() as uow:
        order = uow.orders.get(place(app, quantity=3))
    assert order.pricing is not None
    assert order.total == Money.of("450000", "IDR")
    tax = order.pricing.tax
    assert tax == Money.of("44594.59", "IDR")  # PPN 12% on 11/12 of the price
    assert format_money(tax, "id_ID") == "Rp44.594,59"
    assert format_money(Money.of("30000", "VND"), "vi_VN") == "30.000\xa0₫"
    differences = {(d.code, d.fact): d for d in cldr_differences()}
    assert differences["IDR", "digits"] == CldrDifference(
        code="IDR", fact="digits", library=Decimal(2), cldr=Decimal(0)
    )
    assert ("VND", "digits") in differences


def test_cldr_differences_reports_digits_and_cash_steps() -> None:
    fractions = {
        "DEFAULT": (2, 0, 2, 0),
        "IDR": (0, 0, 0, 0),  # digits differ, cash step (1) agrees
        "CHF": (2, 0, 2, 10),  # cash step 0.10 instead of 0.05
        "JPY": (0, 0, 0, 0),  # agrees
    }
    found = cldr_differences(fractions)
    assert [str(d) for d in found if d.code in {"IDR", "CHF", "JPY"}] == [
        "CHF cash_increment: salesorder 0.05, installed CLDR 0.10",
        "IDR digits: salesorder 2, installed CLDR 0",
    ]
    # A currency CLDR has no entry for is compared on digits (CLDR's default), not cash.
    assert CldrDifference(code="VND", fact="digits", library=Decimal(0), cldr=Decimal(2)) in found
    assert not any(d.code == "VND" and d.fact == "cash_increment" for d in found)


def test_reading_currency_facts_loads_no_babel() -> None:
    code = (
        "import sys; from salesorder import Money, RoundingMode, currency_info; "
        "currency_info('IDR'); Money.of('1.505', 'IDR').rounded(RoundingMode.HALF_UP); "
        "print(any(m.startswith('babel') for m in sys.modules))"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, our code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False", result.stderr
