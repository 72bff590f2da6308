"""The invoicing API's types, checked by ``mypy --strict`` and run by pytest."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, TypeVar

from salesorder import (
    AgeingReport,
    Money,
    PaymentTerms,
    TaxIdentifier,
    ageing_report,
    parse_xml,
    validate_tax_id,
)

if TYPE_CHECKING:
    from typing_extensions import assert_type
else:
    # typing.assert_type is 3.11+; at run time the check is mypy's (see test_public_api).
    _T = TypeVar("_T")

    def assert_type(value: _T, _type: object) -> _T:
        return value


def test_invoicing_api_types() -> None:
    terms = PaymentTerms.in_instalments([(1, 0), ("1", 30)])
    schedule = terms.schedule(Money.of("100.01", "IDR"), dt.date(2026, 1, 5))
    assert_type(schedule[0].amount, Money)
    assert sum((p.amount for p in schedule), Money.zero("IDR")) == Money.of("100.01", "IDR")
    checked = validate_tax_id("0100233488", "VN")
    assert_type(checked, TaxIdentifier)
    assert checked.scheme == "MST"
    report = ageing_report([], dt.date(2026, 1, 5), "IDR")
    assert_type(report, AgeingReport)
    assert_type(parse_xml(b"<a/>"), ET.Element)
