"""Regenerate ``src/salesorder/data/currencies.json``, the library's own currency facts.

salesorder never reads a currency's digits from whatever babel is installed: what an amount
means must not change when a dependency releases. This script is how the shipped table is
made, and the only place that reads the two sources:

- ISO 4217 list one (the maintenance agency's XML, as shipped by the ``iso4217`` package):
  codes, numbers, names and minor units, the default exponent of every amount.
- Unicode CLDR's ``currencyData`` fractions (as shipped by ``babel``): cash rounding, where
  CLDR states a cash rule for the currency (CHF 0.05, HUF 5, IDR whole rupiah). CLDR's own
  *digits* are not taken: ISO 4217 defines the minor unit.

Codes whose minor unit ISO gives as "N.A." (gold, SDR, the testing code XTS, ...) are left
out: they are not money a shop invoices in.

Run it after bumping ``VERSION`` when a new ISO 4217 amendment or CLDR release should be
taken in, then read the diff: every changed line changes what an amount means for the shops
that use that currency, and belongs in CHANGELOG.md::

    python -m pip install iso4217 babel
    python scripts/currency_table.py          # writes the table
    python scripts/currency_table.py --check  # exit 1 if the table would change

The suite pins the shipped table (tests/unit/test_currency_table.py); it never regenerates it.
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

#: The table's own version: bump it whenever the generated content changes.
VERSION = "2026.1"

TABLE = Path(__file__).resolve().parents[1] / "src" / "salesorder" / "data" / "currencies.json"


def _iso_rows() -> tuple[str, list[dict[str, object]]]:
    from importlib.resources import files

    # The XML is read directly: importing the iso4217 module changes the process's locale.
    xml = files("iso4217").joinpath("table.xml").read_bytes()
    root = ElementTree.fromstring(xml)  # noqa: S314 - the package's own data file
    rows: dict[str, dict[str, object]] = {}
    for entry in root.iter("CcyNtry"):
        code = entry.findtext("Ccy")
        units = (entry.findtext("CcyMnrUnts") or "").strip()
        if not code or not units.isdigit():
            continue
        rows[code.strip()] = {
            "code": code.strip(),
            "number": int(entry.findtext("CcyNbr") or 0),
            "name": (entry.findtext("CcyNm") or "").strip(),
            "digits": int(units),
        }
    return root.attrib["Pblshd"], [rows[code] for code in sorted(rows)]


def _cash_step(
    code: str, digits: int, fractions: dict[str, tuple[int, int, int, int]]
) -> tuple[Decimal, str]:
    quantum = Decimal(1).scaleb(-digits)
    entry = fractions.get(code)
    if entry is None:
        return quantum, "iso4217"
    _digits, _rounding, cash_digits, cash_rounding = entry
    step = Decimal(cash_rounding or 1).scaleb(-cash_digits)
    # A cash step finer than the ISO minor unit cannot be paid: the minor unit wins.
    if step <= quantum:
        return quantum, "iso4217" if step == quantum or cash_rounding == 0 else "cldr"
    if step % quantum:
        raise SystemExit(f"{code}: CLDR cash step {step} is not a multiple of {quantum}")
    return step, "cldr"


def build() -> dict[str, object]:
    """The table as a JSON-ready dict, from the installed iso4217 and babel."""
    import babel
    from babel.core import get_cldr_version, get_global

    published, rows = _iso_rows()
    fractions = get_global("currency_fractions")
    currencies = {}
    for row in rows:
        step, source = _cash_step(str(row["code"]), int(str(row["digits"])), fractions)
        currencies[str(row["code"])] = {
            **row,
            "cash_increment": str(step.normalize()) if step >= 1 else str(step),
            "cash_source": source,
        }
    import iso4217  # only for its version string

    return {
        "version": VERSION,
        "sources": {
            "iso4217": {
                "what": "ISO 4217 list one: codes, numbers, names, minor units",
                "published": published,
                "via": f"iso4217 {iso4217.__version__}",
            },
            "cldr": {
                "what": "Unicode CLDR currencyData: cash rounding (cashDigits, cashRounding)",
                "version": str(get_cldr_version()),
                "via": f"babel {babel.__version__}",
            },
        },
        "currencies": currencies,
    }


def render(table: dict[str, object]) -> str:
    """One currency a line, so that a diff shows exactly which facts changed."""
    head = {key: value for key, value in table.items() if key != "currencies"}
    lines = json.dumps(head, indent=2, sort_keys=True)[:-2] + ',\n  "currencies": {\n'
    currencies = table["currencies"]
    if not isinstance(currencies, dict):
        raise TypeError("the table's currencies must be a mapping")
    body = [
        f"    {json.dumps(code)}: {json.dumps(facts, sort_keys=True, ensure_ascii=False)}"
        for code, facts in currencies.items()
    ]
    return lines + ",\n".join(body) + "\n  }\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Write the table, or with ``--check`` only say whether it would change."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the table would change")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is out of date with the installed sources", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
