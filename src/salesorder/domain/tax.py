"""Tax rates chosen by jurisdiction, tax category and the date of the tax point.

Rates are data: a :class:`TaxTable` holds effective-dated :class:`TaxRule` rows, and users
build their own tables. A :class:`TaxRate` may tax a reduced base: Indonesia's PPN is 12%
from 2025, but for most goods on a base of 11/12 of the price ("DPP nilai lain"), so the tax
is 11% of the price. The rate keeps both facts (12% and 11/12) and computes with the
effective 11%, which is also what an EN 16931 VAT breakdown can carry.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import attrs

from salesorder.domain.common import as_tuple, code, non_empty
from salesorder.exceptions import TaxRateNotFound, ValidationError
from salesorder.money import to_decimal

__all__ = ["TaxRate", "TaxRule", "TaxTable", "default_tax_table"]


def _rate(value: object) -> Decimal:
    return to_decimal(value, what="tax rate")


def _fraction(value: object) -> Fraction:
    if isinstance(value, float):
        raise ValidationError(f"base factor must be exact (e.g. '11/12'), not float {value!r}")
    if isinstance(value, (Fraction, int, str, Decimal)):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            pass
    raise ValidationError(f"base factor must be a fraction such as '11/12', got {value!r}")


@attrs.frozen(kw_only=True)
class TaxRate:
    """A tax rate as a fraction (``Decimal("0.12")`` is 12%) applied to a base.

    Attributes:
        code: a stable identifier, such as ``"ID-PPN-12"``; tax summaries group by it.
        name: the name printed on documents.
        rate: the statutory rate as a fraction, between 0 and 1.
        base_factor: the share of the price that is taxed (``Fraction(11, 12)`` for
            Indonesia's DPP nilai lain); 1 for a full base.
    """

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    rate: Decimal = attrs.field(converter=_rate)
    base_factor: Fraction = attrs.field(default=Fraction(1), converter=_fraction)

    def __attrs_post_init__(self) -> None:
        if not Decimal(0) <= self.rate <= Decimal(1):
            raise ValidationError(
                f"tax rate {self.code!r} must be between 0 and 1, got {self.rate}"
            )
        if not Fraction(0) < self.base_factor <= Fraction(1):
            raise ValidationError(
                f"tax rate {self.code!r} base factor must be in (0, 1], got {self.base_factor}"
            )

    @property
    def effective_rate(self) -> Decimal:
        """Rate times base factor, the share of the price paid as tax (0.11 for ID PPN)."""
        return self.rate * self.base_factor.numerator / self.base_factor.denominator

    @property
    def percent(self) -> Decimal:
        """The statutory rate in percent (12 for 12%)."""
        return self.rate * 100


@attrs.frozen(kw_only=True)
class TaxRule:
    """A rate valid in a jurisdiction for a tax category from ``valid_from`` to ``valid_to``.

    Both dates are inclusive; ``valid_to`` None means "until further notice".
    """

    jurisdiction: str = attrs.field(validator=code)
    category: str = attrs.field(validator=code)
    rate: TaxRate
    valid_from: dt.date
    valid_to: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError(
                f"tax rule {self.rate.code!r} ends ({self.valid_to}) before it starts "
                f"({self.valid_from})"
            )

    def applies(self, jurisdiction: str, category: str, on: dt.date) -> bool:
        """True when this rule covers ``category`` in ``jurisdiction`` on date ``on``."""
        return (
            self.jurisdiction == jurisdiction
            and self.category == category
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


def _no_overlap(_instance: object, _attribute: object, rules: tuple[TaxRule, ...]) -> None:
    by_key: dict[tuple[str, str], list[TaxRule]] = {}
    for rule in rules:
        by_key.setdefault((rule.jurisdiction, rule.category), []).append(rule)
    for (jurisdiction, category), group in by_key.items():
        group.sort(key=lambda r: r.valid_from)
        for earlier, later in itertools.pairwise(group):
            if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
                raise ValidationError(
                    f"tax rules {earlier.rate.code!r} and {later.rate.code!r} overlap for "
                    f"category {category!r} in {jurisdiction!r} from {later.valid_from}"
                )


@attrs.frozen(kw_only=True)
class TaxTable:
    """Effective-dated tax rules; at most one rule applies to a (jurisdiction, category, date)."""

    rules: tuple[TaxRule, ...] = attrs.field(converter=as_tuple, validator=_no_overlap)

    def rate_for(self, jurisdiction: str, category: str, on: dt.date) -> TaxRate:
        """The rate for ``category`` in ``jurisdiction`` at tax point ``on``.

        Raises:
            TaxRateNotFound: no rule covers that jurisdiction, category and date.
        """
        for rule in self.rules:
            if rule.applies(jurisdiction, category, on):
                return rule.rate
        raise TaxRateNotFound(
            f"no tax rate for category {category!r} in {jurisdiction!r} on {on.isoformat()}"
        )

    def extended(self, rules: Iterable[TaxRule]) -> TaxTable:
        """A new table with ``rules`` added (checked for overlaps)."""
        return TaxTable(rules=(*self.rules, *rules))


def default_tax_table() -> TaxTable:
    """The rates salesorder ships, with their sources.

    Indonesia (jurisdiction ``"ID"``):
      - PPN 11% from 2022-04-01 to 2024-12-31 (UU 7/2021 "HPP", art. 7(1)a).
      - From 2025-01-01 PPN is 12% (UU 7/2021 art. 7(1)b); for goods and services other than
        luxury goods the base is 11/12 of the price (PMK 131/2024, "DPP nilai lain"), category
        ``standard``. Luxury goods (PPnBM items, category ``luxury``) pay 12% on the full price.

    Vietnam (``"VN"``): standard VAT 10% (Law on VAT 2008, art. 8(3)), category ``standard``;
    5% category ``reduced`` (art. 8(2)); 0% category ``zero`` (exports, art. 8(1)).

    Issue 4 extends these tables (Vietnam's temporary 8%, Malaysia's SST).
    """
    ppn11 = TaxRate(code="ID-PPN-11", name="PPN 11%", rate=Decimal("0.11"))
    return TaxTable(
        rules=(
            TaxRule(
                jurisdiction="ID",
                category="standard",
                rate=ppn11,
                valid_from=dt.date(2022, 4, 1),
                valid_to=dt.date(2024, 12, 31),
            ),
            TaxRule(
                jurisdiction="ID",
                category="luxury",
                rate=ppn11,
                valid_from=dt.date(2022, 4, 1),
                valid_to=dt.date(2024, 12, 31),
            ),
            TaxRule(
                jurisdiction="ID",
                category="standard",
                rate=TaxRate(
                    code="ID-PPN-12-DPP",
                    name="PPN 12% (DPP 11/12)",
                    rate=Decimal("0.12"),
                    base_factor=Fraction(11, 12),
                ),
                valid_from=dt.date(2025, 1, 1),
            ),
            TaxRule(
                jurisdiction="ID",
                category="luxury",
                rate=TaxRate(code="ID-PPN-12", name="PPN 12%", rate=Decimal("0.12")),
                valid_from=dt.date(2025, 1, 1),
            ),
            TaxRule(
                jurisdiction="VN",
                category="standard",
                rate=TaxRate(code="VN-VAT-10", name="VAT 10%", rate=Decimal("0.10")),
                valid_from=dt.date(2009, 1, 1),
            ),
            TaxRule(
                jurisdiction="VN",
                category="reduced",
                rate=TaxRate(code="VN-VAT-5", name="VAT 5%", rate=Decimal("0.05")),
                valid_from=dt.date(2009, 1, 1),
            ),
            TaxRule(
                jurisdiction="VN",
                category="zero",
                rate=TaxRate(code="VN-VAT-0", name="VAT 0%", rate=Decimal(0)),
                valid_from=dt.date(2009, 1, 1),
            ),
        )
    )
