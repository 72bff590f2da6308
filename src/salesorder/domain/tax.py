"""Tax rates chosen by jurisdiction, tax category and the date of the tax point.

Rates are data: a :class:`TaxTable` holds effective-dated :class:`TaxRule` rows, and users
build their own tables. Several taxes may apply to one line (one rule per ``tax``, such as
a sales tax and a service tax); a compound rate is computed on the net plus the taxes before
it. Exempt and zero-rated supplies are rates of 0 with their :class:`TaxTreatment`, so an
invoice can show their bases apart.

A :class:`TaxRate` may tax a reduced base: Indonesia's PPN is 12%
from 2025, but for most goods on a base of 11/12 of the price ("DPP nilai lain"), so the tax
is about 11% of the price. The rate keeps both facts (12% and 11/12) and its
:class:`ReducedBase` says how the tax is computed:

- ``ReducedBase.ROUNDED_BASE`` (the default, as PMK 131/2024 states it): the legal base is
  rounded first, DPP = round(11/12 x price), then PPN = round(12% x DPP). On a net of
  Rp10.000,59 that is DPP 9,167.21 and PPN 1,100.07.
- ``ReducedBase.EFFECTIVE_RATE``: PPN = round(11% x price), the flat effective rate
  (1,100.06 on the same net); one rounding fewer, but not the regulation's figure.

When prices include tax, :class:`IncludedTax` says how the gross is split (the net is always
round(gross / (1 + effective rate)) first):

- ``IncludedTax.BALANCES_GROSS`` (the default): the tax is what the net leaves of the gross,
  tax = gross - net, so net + tax == gross on every line.
- ``IncludedTax.FROM_NET``: the tax is computed on that net as if it were tax-excluded
  (for PPN: DPP = round(11/12 x net), PPN = round(12% x DPP)), and what is left,
  gross - net - tax, is reported as the line's ``rounding_difference`` (net + tax +
  difference == gross: the buyer still pays the gross).

Either way the legal base (DPP) is reported on every line and tax summary (``legal_base``).
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import attrs

from salesorder.domain.common import as_tuple, boolean, code, each, money, non_empty, spelled
from salesorder.domain.common import code as _code
from salesorder.exceptions import AmbiguousTaxRate, TaxRateNotFound, ValidationError
from salesorder.money import Money, decimal_isolated, to_decimal

__all__ = [
    "VN_REDUCTION_WINDOWS",
    "IncludedTax",
    "ReducedBase",
    "TaxKind",
    "TaxMode",
    "TaxRate",
    "TaxRule",
    "TaxTable",
    "TaxTreatment",
    "default_tax_table",
]


class TaxMode(str, enum.Enum):
    """Whether prices include tax (B2C in most of Asia and Europe) or exclude it (B2B)."""

    INCLUDED = "included"
    EXCLUDED = "excluded"


class TaxTreatment(str, enum.Enum):
    """How a supply is taxed; each maps to one EN 16931 VAT category (UNTDID 5305).

    ``TAXABLE`` (S): at a rate. ``ZERO_RATED`` (Z): at 0% with input credit (exports in
    most of South-East Asia). ``EXEMPT`` (E): freed from the tax. ``NOT_SUBJECT`` (O):
    outside the scope of the tax altogether (Vietnam's "không chịu thuế" goods, a seller
    not registered for the tax). ``REVERSE_CHARGE`` (AE): the buyer accounts for the tax.
    Every treatment but ``TAXABLE`` has a rate of 0; documents print the exemption reason.
    """

    TAXABLE = "taxable"
    ZERO_RATED = "zero_rated"
    EXEMPT = "exempt"
    NOT_SUBJECT = "not_subject"
    REVERSE_CHARGE = "reverse_charge"

    @property
    def category(self) -> str:
        """The EN 16931 VAT category code (BT-151), one of S, Z, E, O and AE."""
        return _CATEGORIES[self]


class TaxKind(str, enum.Enum):
    """What a tax is computed from.

    ``PERCENT`` (the default): a rate of a base. ``FIXED``: an amount per unit or per line
    (excise, eco-fees, stamp duties), whatever the price. ``WITHHOLDING``: a negative rate
    of the net that the buyer withholds and pays to the state for the seller (Indonesia's
    PPh 22/23): it is shown apart and lowers what the buyer pays, never the tax base, the
    tax total or the gross.
    """

    PERCENT = "percent"
    FIXED = "fixed"
    WITHHOLDING = "withholding"


class ReducedBase(str, enum.Enum):
    """How a rate on a reduced base (``base_factor`` below 1) computes its tax.

    ``ROUNDED_BASE`` (the default) rounds the legal base first and taxes it: tax =
    round(rate x round(base_factor x base)), as Indonesia's PMK 131/2024 computes PPN on
    "DPP nilai lain". ``EFFECTIVE_RATE`` taxes the price at the effective rate: tax =
    round(rate x base_factor x base), one rounding only. A rate on a full base ignores it.
    """

    ROUNDED_BASE = "rounded_base"
    EFFECTIVE_RATE = "effective_rate"


class IncludedTax(str, enum.Enum):
    """How a tax-included gross is split into net and tax (net = gross / (1 + rate) first).

    ``BALANCES_GROSS`` (the default): tax = gross - net, so net + tax == gross.
    ``FROM_NET``: the tax is computed on the net as if it were tax-excluded, and gross - net
    - tax is reported apart as a rounding difference (net + tax + difference == gross).
    """

    BALANCES_GROSS = "balances_gross"
    FROM_NET = "from_net"


_CATEGORIES = {
    TaxTreatment.TAXABLE: "S",
    TaxTreatment.ZERO_RATED: "Z",
    TaxTreatment.EXEMPT: "E",
    TaxTreatment.NOT_SUBJECT: "O",
    TaxTreatment.REVERSE_CHARGE: "AE",
}


def _kind(value: object) -> TaxKind:
    return spelled(TaxKind, value)


def _check_kind(rate: TaxRate) -> None:
    """Refuse a tax whose kind and fields do not agree, naming the tax and the field."""
    name = f"tax rate {rate.code!r}"
    if rate.kind is TaxKind.FIXED:
        if rate.amount is None or rate.amount.is_negative:
            raise ValidationError(f"{name} is fixed and needs an amount >= 0, got {rate.amount}")
        if rate.rate or rate.base_factor != 1 or rate.compound:
            raise ValidationError(f"{name} is fixed: no rate, base factor or compounding")
    elif rate.amount is not None:
        raise ValidationError(f"{name} is {rate.kind.value}: only a fixed tax has an amount")
    if rate.kind is TaxKind.WITHHOLDING:
        if not Decimal(-1) <= rate.rate < 0:
            raise ValidationError(
                f"{name} is withholding: its rate must be from -1 to below 0, got {rate.rate}"
            )
        if rate.included or rate.compound or rate.affects or rate.base_factor != 1:
            raise ValidationError(
                f"{name} is withholding: it is never in the price, compound, affecting or "
                "on a reduced base"
            )
    if rate.kind is not TaxKind.PERCENT and rate.treatment is not TaxTreatment.TAXABLE:
        raise ValidationError(f"{name} is {rate.kind.value}: it must be taxable")
    if rate.code in rate.affects:
        raise ValidationError(f"{name} cannot affect its own base")


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


# The hash is cached: the pricing engine groups lines by their rates, and hashing the
# Fraction base factor again for every order would be most of that cost.
@attrs.frozen(kw_only=True, cache_hash=True)
class TaxRate:
    """A tax rate as a fraction (``Decimal("0.12")`` is 12%) applied to a base.

    Attributes:
        code: a stable identifier, such as ``"ID-PPN-12"``; tax summaries group by it.
        name: the name printed on documents.
        rate: the statutory rate as a fraction, between 0 and 1.
        base_factor: the share of the price that is taxed (``Fraction(11, 12)`` for
            Indonesia's DPP nilai lain); 1 for a full base.
        compound: computed on the net plus the taxes listed before it on the line.
        treatment: taxable, zero-rated, exempt, not subject or reverse charge (all but
            taxable need a rate of 0).
        exemption_reason: why no tax is charged, printed on documents (EN 16931 BT-120);
            only for a treatment other than taxable.
        exemption_code: the VATEX code of that reason (BT-121), such as
            ``"VATEX-EU-AE"``; optional, EU-specific.
        reduced_base: how a rate on a reduced base computes its tax (see
            :class:`ReducedBase`; the legal base rounded first by default).
        included_tax: how a tax-included gross is split (see :class:`IncludedTax`; the
            tax balances the gross by default).
        kind: percent (the default), fixed or withholding (see :class:`TaxKind`).
        amount: a fixed tax's amount, per unit (``per_unit``, the default) or per line.
        per_unit: whether a fixed ``amount`` is per unit of the line or once per line.
        affects: codes of later taxes on the line whose base holds this tax (Odoo's "affect
            base of subsequent taxes"); ``compound`` on a later tax takes every earlier one.
        included: whether the price holds this tax whatever the document's tax mode (True:
            in the price; False: added on top); None, the default, follows the document.
    """

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    rate: Decimal = attrs.field(converter=_rate)
    base_factor: Fraction = attrs.field(default=Fraction(1), converter=_fraction)
    compound: bool = False
    treatment: TaxTreatment = TaxTreatment.TAXABLE
    exemption_reason: str = ""
    exemption_code: str = ""
    reduced_base: ReducedBase = ReducedBase.ROUNDED_BASE
    included_tax: IncludedTax = IncludedTax.BALANCES_GROSS
    kind: TaxKind = attrs.field(default=TaxKind.PERCENT, converter=_kind)
    amount: Money | None = attrs.field(default=None, validator=attrs.validators.optional(money))
    per_unit: bool = attrs.field(default=True, validator=boolean)
    affects: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(_code))
    included: bool | None = attrs.field(default=None, validator=attrs.validators.optional(boolean))

    def __attrs_post_init__(self) -> None:
        _check_kind(self)
        if self.kind is not TaxKind.WITHHOLDING and not Decimal(0) <= self.rate <= Decimal(1):
            raise ValidationError(
                f"tax rate {self.code!r} must be between 0 and 1, got {self.rate}"
            )
        if not Fraction(0) < self.base_factor <= Fraction(1):
            raise ValidationError(
                f"tax rate {self.code!r} base factor must be in (0, 1], got {self.base_factor}"
            )
        if self.treatment is not TaxTreatment.TAXABLE and self.rate:
            raise ValidationError(
                f"tax rate {self.code!r} is {self.treatment.value} and must be 0, got {self.rate}"
            )
        if self.treatment is TaxTreatment.TAXABLE and (
            self.exemption_reason or self.exemption_code
        ):
            raise ValidationError(
                f"tax rate {self.code!r} is taxable and cannot have an exemption reason "
                f"({self.exemption_reason or self.exemption_code!r})"
            )

    @classmethod
    def exempt(
        cls, code: str, name: str = "Exempt", *, reason: str = "", reason_code: str = ""
    ) -> TaxRate:
        """An exempt supply: no tax, shown apart on documents with ``reason`` (or the name)."""
        return cls(
            code=code,
            name=name,
            rate=Decimal(0),
            treatment=TaxTreatment.EXEMPT,
            exemption_reason=reason or name,
            exemption_code=reason_code,
        )

    @classmethod
    def fixed(cls, code: str, name: str, amount: Money, *, per_unit: bool = True) -> TaxRate:
        """A fixed tax: ``amount`` per unit of the line (or once per line if not ``per_unit``)."""
        return cls(
            code=code,
            name=name,
            rate=Decimal(0),
            kind=TaxKind.FIXED,
            amount=amount,
            per_unit=per_unit,
        )

    @classmethod
    def withholding(cls, code: str, name: str, rate: Decimal | str) -> TaxRate:
        """A withholding tax of ``rate`` of the net (``"0.02"`` or ``"-0.02"``: 2% withheld)."""
        value = to_decimal(rate, what=f"withholding rate of {code!r}")
        return cls(code=code, name=name, rate=-abs(value), kind=TaxKind.WITHHOLDING)

    @classmethod
    def zero_rated(cls, code: str, name: str = "0%") -> TaxRate:
        """A zero-rated supply (exports): taxable at 0%."""
        return cls(code=code, name=name, rate=Decimal(0), treatment=TaxTreatment.ZERO_RATED)

    @classmethod
    def not_subject(
        cls, code: str, name: str = "Not subject to tax", *, reason: str = ""
    ) -> TaxRate:
        """A supply outside the scope of the tax: no tax, ``reason`` (the name when empty)."""
        return cls(
            code=code,
            name=name,
            rate=Decimal(0),
            treatment=TaxTreatment.NOT_SUBJECT,
            exemption_reason=reason or name,
        )

    @property
    def reason(self) -> str:
        """Why no tax is charged (the exemption reason, else the name); empty when taxable."""
        if self.treatment in (TaxTreatment.TAXABLE, TaxTreatment.ZERO_RATED):
            return self.exemption_reason
        return self.exemption_reason or self.name

    @property
    @decimal_isolated
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

    Both dates are inclusive; ``valid_to`` None means "until further notice". ``tax`` names
    the tax the rule belongs to (``"vat"``, ``"sales"``, ``"service"``): a category may carry
    one rule per tax at a time, applied to a line in ascending ``order`` (compound rates see
    the taxes of lower order).
    """

    jurisdiction: str = attrs.field(validator=code)
    category: str = attrs.field(validator=code)
    rate: TaxRate
    valid_from: dt.date
    valid_to: dt.date | None = None
    tax: str = attrs.field(default="vat", validator=code)
    order: int = 0

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
    by_key: dict[tuple[str, str, str], list[TaxRule]] = {}
    for rule in rules:
        by_key.setdefault((rule.jurisdiction, rule.category, rule.tax), []).append(rule)
    for (jurisdiction, category, _tax), group in by_key.items():
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
        """The one rate for ``category`` in ``jurisdiction`` at tax point ``on``.

        Raises:
            TaxRateNotFound: no rule covers that jurisdiction, category and date.
            AmbiguousTaxRate: several taxes apply; use :meth:`rates_for`.
        """
        rates = self.rates_for(jurisdiction, category, on)
        if len(rates) > 1:
            raise AmbiguousTaxRate(
                f"{len(rates)} taxes apply to category {category!r} in {jurisdiction!r} on "
                f"{on.isoformat()} ({', '.join(r.code for r in rates)}); use rates_for"
            )
        return rates[0]

    def rates_for(self, jurisdiction: str, category: str, on: dt.date) -> tuple[TaxRate, ...]:
        """Every rate for ``category`` in ``jurisdiction`` at ``on``, in application order.

        Raises:
            TaxRateNotFound: no rule covers that jurisdiction, category and date.
        """
        found = sorted(
            (rule for rule in self.rules if rule.applies(jurisdiction, category, on)),
            key=lambda rule: (rule.order, rule.tax),
        )
        if not found:
            raise TaxRateNotFound(
                f"no tax rate for category {category!r} in {jurisdiction!r} on {on.isoformat()}"
            )
        return tuple(rule.rate for rule in found)

    def extended(self, rules: Iterable[TaxRule]) -> TaxTable:
        """A new table with ``rules`` added (checked for overlaps)."""
        return TaxTable(rules=(*self.rules, *rules))


def _rule(
    jurisdiction: str,
    category: str,
    rate: TaxRate,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    *,
    tax: str = "vat",
) -> TaxRule:
    return TaxRule(
        jurisdiction=jurisdiction,
        category=category,
        rate=rate,
        valid_from=valid_from,
        valid_to=valid_to,
        tax=tax,
    )


#: Vietnam's temporary cut of the 10% rate to 8%, for goods and services of category
#: ``reducible`` (10% goods other than telecoms, finance, real estate, metals, mining and
#: excise goods). Each window is a National Assembly resolution and its decree:
#: Resolution 43/2022/QH15 + Decree 15/2022/ND-CP (2022-02-01 to 2022-12-31);
#: Resolution 101/2023/QH15 + Decree 44/2023/ND-CP (2023-07-01 to 2023-12-31);
#: Resolution 110/2023/QH15 + Decree 94/2023/ND-CP (2024-01-01 to 2024-06-30);
#: Resolution 142/2024/QH15 + Decree 72/2024/ND-CP (2024-07-01 to 2024-12-31);
#: Resolution 174/2024/QH15 + Decree 180/2024/ND-CP (2025-01-01 to 2025-06-30);
#: Resolution 204/2025/QH15 + Decree 174/2025/ND-CP (2025-07-01 to 2026-12-31; checked
#: against the decree's text as published 2025-06-30). Between windows (2023-01-01 to
#: 2023-06-30) and outside them the rate is 10%.
VN_REDUCTION_WINDOWS: tuple[tuple[dt.date, dt.date], ...] = (
    (dt.date(2022, 2, 1), dt.date(2022, 12, 31)),
    (dt.date(2023, 7, 1), dt.date(2023, 12, 31)),
    (dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
    (dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
    (dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
    (dt.date(2025, 7, 1), dt.date(2026, 12, 31)),
)


def _vn_reducible(vat10: TaxRate) -> list[TaxRule]:
    vat8 = TaxRate(code="VN-VAT-8", name="VAT 8% (reduced from 10%)", rate=Decimal("0.08"))
    rules: list[TaxRule] = []
    start = dt.date(2009, 1, 1)
    for first, last in VN_REDUCTION_WINDOWS:
        if first > start:
            rules.append(_rule("VN", "reducible", vat10, start, first - dt.timedelta(days=1)))
        rules.append(_rule("VN", "reducible", vat8, first, last))
        start = last + dt.timedelta(days=1)
    rules.append(_rule("VN", "reducible", vat10, start))
    return rules


def default_tax_table() -> TaxTable:
    """The rates salesorder ships, with their sources.

    Indonesia (jurisdiction ``"ID"``):
      - PPN 11% from 2022-04-01 to 2024-12-31 (UU 7/2021 "HPP", art. 7(1)a).
      - From 2025-01-01 PPN is 12% (UU 7/2021 art. 7(1)b); for goods and services other than
        luxury goods the base is 11/12 of the price (PMK 131/2024, "DPP nilai lain"), category
        ``standard``. Luxury goods (PPnBM items, category ``luxury``) pay 12% on the full price.
      - Category ``exempt``: supplies freed from PPN (PP 49/2022, e.g. basic necessities).

    Vietnam (``"VN"``): standard VAT 10% (Law on VAT 2008, art. 8(3); Law on VAT 2024,
    art. 9(3)), category ``standard``; 5% category ``reduced`` (art. 8(2)); 0% category
    ``zero`` (exports, art. 8(1), zero-rated); ``exempt`` (not subject to VAT, art. 5);
    ``reducible``: 10%, cut to 8% in the windows of :data:`VN_REDUCTION_WINDOWS`.

    Malaysia (``"MY"``), SST since 2018-09-01:
      - sales tax (tax ``"sales"``) 5% category ``sales-5`` and 10% category ``sales-10``
        (Sales Tax (Rates of Tax) Order 2018); ``exempt`` (Sales Tax (Goods Exempted from
        Tax) Order 2018).
      - service tax (tax ``"service"``) category ``service``: 6% (Service Tax (Rate of Tax)
        Order 2018) to 2024-02-29, 8% from 2024-03-01 (Service Tax (Rate of Tax)
        (Amendment) Order 2024); category ``service-6`` stays at 6% (food and beverage,
        telecommunications, parking, logistics, kept at 6% by the same amendment).
    """
    ppn11 = TaxRate(code="ID-PPN-11", name="PPN 11%", rate=Decimal("0.11"))
    vat10 = TaxRate(code="VN-VAT-10", name="VAT 10%", rate=Decimal("0.10"))
    sst_start = dt.date(2018, 9, 1)
    service6 = TaxRate(code="MY-SERVICE-6", name="Service tax 6%", rate=Decimal("0.06"))
    return TaxTable(
        rules=(
            _rule("ID", "standard", ppn11, dt.date(2022, 4, 1), dt.date(2024, 12, 31)),
            _rule("ID", "luxury", ppn11, dt.date(2022, 4, 1), dt.date(2024, 12, 31)),
            _rule(
                "ID",
                "standard",
                TaxRate(
                    code="ID-PPN-12-DPP",
                    name="PPN 12% (DPP 11/12)",
                    rate=Decimal("0.12"),
                    base_factor=Fraction(11, 12),
                ),
                dt.date(2025, 1, 1),
            ),
            _rule(
                "ID",
                "luxury",
                TaxRate(code="ID-PPN-12", name="PPN 12%", rate=Decimal("0.12")),
                dt.date(2025, 1, 1),
            ),
            _rule(
                "ID",
                "exempt",
                TaxRate.exempt(
                    "ID-PPN-EXEMPT",
                    "PPN dibebaskan",
                    reason="PPN dibebaskan (PP 49/2022)",
                ),
                dt.date(2022, 4, 1),
            ),
            _rule("VN", "standard", vat10, dt.date(2009, 1, 1)),
            _rule(
                "VN",
                "reduced",
                TaxRate(code="VN-VAT-5", name="VAT 5%", rate=Decimal("0.05")),
                dt.date(2009, 1, 1),
            ),
            _rule("VN", "zero", TaxRate.zero_rated("VN-VAT-0", "VAT 0%"), dt.date(2009, 1, 1)),
            _rule(
                "VN",
                "exempt",
                TaxRate.exempt(
                    "VN-VAT-EXEMPT",
                    "Not subject to VAT",
                    reason="Không chịu thuế GTGT (Law on VAT, art. 5)",
                ),
                dt.date(2009, 1, 1),
            ),
            *_vn_reducible(vat10),
            _rule(
                "MY",
                "sales-5",
                TaxRate(code="MY-SALES-5", name="Sales tax 5%", rate=Decimal("0.05")),
                sst_start,
                tax="sales",
            ),
            _rule(
                "MY",
                "sales-10",
                TaxRate(code="MY-SALES-10", name="Sales tax 10%", rate=Decimal("0.10")),
                sst_start,
                tax="sales",
            ),
            _rule(
                "MY",
                "exempt",
                TaxRate.exempt(
                    "MY-EXEMPT",
                    "Exempt",
                    reason="Exempted by the Sales Tax (Goods Exempted from Tax) Order 2018",
                ),
                sst_start,
                tax="sales",
            ),
            _rule("MY", "service", service6, sst_start, dt.date(2024, 2, 29), tax="service"),
            _rule(
                "MY",
                "service",
                TaxRate(code="MY-SERVICE-8", name="Service tax 8%", rate=Decimal("0.08")),
                dt.date(2024, 3, 1),
                tax="service",
            ),
            _rule("MY", "service-6", service6, sst_start, tax="service"),
        )
    )
