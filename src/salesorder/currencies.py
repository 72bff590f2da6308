"""The library's own currency facts: ISO 4217 minor units and cash rounding, versioned.

What an amount means (how many decimal places a currency has, what cash can pay) must not
change when a dependency releases. So salesorder never reads a currency's digits from
whichever babel is installed: it ships its own table, ``salesorder/data/currencies.json``,
made by ``scripts/currency_table.py`` from two sources and stamped with a version:

- **ISO 4217** list one (the maintenance agency's table): codes, numbers, names and the
  *minor units*, the default exponent of every amount (IDR 2, VND 0, KWD 3).
- **Unicode CLDR** ``currencyData``: *cash rounding*, where CLDR states a cash rule
  (CHF 0.05, HUF 5, IDR whole rupiah). CLDR's own digits are not taken: they are a display
  preference that changes between releases (babel 2.19's CLDR 49 gives IDR 0 digits where
  babel 2.18 gave 2; ISO 4217 gives 2).

National cash rules that CLDR lacks (Malaysia's 5 sen) are in
:class:`~salesorder.money.CashRounding`, and a shop chooses fewer digits than ISO's (prices
in whole rupiah) with a :class:`~salesorder.money.MoneyPolicy`. Upgrading the table is a
release of salesorder, with a CHANGELOG entry; amounts already stored never change (they are
stored as decimals, see ``docs/currencies.md``).

babel keeps the job it is made for, locale formatting, and :func:`cldr_differences` reports
where the installed CLDR disagrees with the shipped table (a report, never an error).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from decimal import Decimal
from importlib.resources import files
from typing import Any

import attrs

from salesorder.exceptions import UnknownCurrency

__all__ = [
    "CldrDifference",
    "CurrencyInfo",
    "CurrencyTable",
    "cldr_differences",
    "currency_info",
    "currency_table",
]


@attrs.frozen(kw_only=True)
class CurrencyInfo:
    """The library's facts about one currency.

    Attributes:
        code: ISO 4217 code, such as ``"IDR"``.
        digits: ISO 4217 minor units: the decimal places of prices and accounting
            (IDR 2, VND 0, KWD 3).
        cash_digits: decimal places of the smallest cash step (IDR 0, CHF 2).
        cash_increment: the smallest cash step (CHF ``0.05``, IDR ``1``, HUF ``5``).
        name: ISO 4217's name of the currency.
        number: ISO 4217's numeric code.
        cash_source: where the cash step comes from: ``"cldr"`` (a CLDR cash rule) or
            ``"iso4217"`` (no cash rule: one minor unit).
    """

    code: str
    digits: int
    cash_digits: int
    cash_increment: Decimal
    name: str = ""
    number: int = 0
    cash_source: str = "iso4217"

    @property
    def quantum(self) -> Decimal:
        """One minor unit as a Decimal exponent (``Decimal("0.01")`` for 2 digits)."""
        return Decimal(1).scaleb(-self.digits)


@attrs.frozen(kw_only=True)
class CurrencyTable:
    """The shipped table of currency facts and where its data comes from.

    Attributes:
        version: the table's version (``"2026.1"``); it changes whenever a fact does.
        iso4217_published: the publication date of the ISO 4217 list it was made from.
        cldr_version: the CLDR release its cash rules come from.
        currencies: the facts, by ISO 4217 code.
    """

    version: str
    iso4217_published: str
    cldr_version: str
    currencies: Mapping[str, CurrencyInfo]


def _info(facts: Mapping[str, Any]) -> CurrencyInfo:
    step = Decimal(facts["cash_increment"])
    return CurrencyInfo(
        code=facts["code"],
        digits=int(facts["digits"]),
        cash_digits=max(0, -int(step.as_tuple().exponent)),
        cash_increment=step,
        name=facts["name"],
        number=int(facts["number"]),
        cash_source=facts["cash_source"],
    )


@functools.cache
def currency_table() -> CurrencyTable:
    """The shipped currency table (read from the package on first use, then cached)."""
    raw = json.loads(
        files("salesorder").joinpath("data/currencies.json").read_text(encoding="utf-8")
    )
    sources = raw["sources"]
    return CurrencyTable(
        version=raw["version"],
        iso4217_published=sources["iso4217"]["published"],
        cldr_version=sources["cldr"]["version"],
        currencies={code: _info(facts) for code, facts in raw["currencies"].items()},
    )


def currency_info(code: object) -> CurrencyInfo:
    """The library's facts for ``code``.

    Raises:
        UnknownCurrency: ``code`` is not a currency of the shipped ISO 4217 table.
    """
    found = currency_table().currencies.get(code) if isinstance(code, str) else None
    if found is None:
        raise UnknownCurrency(code)
    return found


@attrs.frozen(kw_only=True)
class CldrDifference:
    """Where the installed CLDR (through babel) disagrees with the shipped table.

    Attributes:
        code: the currency.
        fact: ``"digits"`` or ``"cash_increment"``.
        library: the library's value (what salesorder uses).
        cldr: the installed CLDR's value (what salesorder ignores).
    """

    code: str
    fact: str
    library: Decimal
    cldr: Decimal

    def __str__(self) -> str:
        return f"{self.code} {self.fact}: salesorder {self.library}, installed CLDR {self.cldr}"


def cldr_differences(
    fractions: Mapping[str, tuple[int, int, int, int]] | None = None,
) -> list[CldrDifference]:
    """Compare the shipped table with CLDR's currency fractions.

    Args:
        fractions: CLDR's ``currency_fractions`` as babel gives them (``(digits, rounding,
            cash digits, cash rounding)`` by code, with a ``"DEFAULT"`` entry); the installed
            babel's when None.

    Returns:
        One entry per fact that differs, by currency code. A difference is information, not
        an error: salesorder uses its own table whatever CLDR says.
    """
    if fractions is None:
        from babel.core import get_global  # noqa: PLC0415 - babel data loads on first use

        fractions = get_global("currency_fractions")
    default = fractions["DEFAULT"]
    found: list[CldrDifference] = []
    for code, info in sorted(currency_table().currencies.items()):
        digits, _rounding, cash_digits, cash_rounding = fractions.get(code, default)
        if digits != info.digits:
            found.append(
                CldrDifference(
                    code=code, fact="digits", library=Decimal(info.digits), cldr=Decimal(digits)
                )
            )
        cash = max(Decimal(cash_rounding or 1).scaleb(-cash_digits), info.quantum)
        if code in fractions and cash != info.cash_increment:
            found.append(
                CldrDifference(
                    code=code, fact="cash_increment", library=info.cash_increment, cldr=cash
                )
            )
    return found
