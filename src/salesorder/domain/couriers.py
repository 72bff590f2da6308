"""Courier profiles as data: service levels, volumetric divisor, weight step, COD, insurance.

A profile is what a courier adapter needs to price a shipment the way the courier does:
chargeable weight = the greater of actual and volumetric weight (L x W x H / divisor), rounded
up to the courier's weight step per box; a fee per service level; a COD fee and an insurance
fee as a percentage with a minimum.

Sources and status of the figures (checked November 2026; re-check with the courier's contract
before relying on any of them):

- Pos Malaysia: volumetric divisor 6000 and "fractions of a kilogram to the next full
  kilogram" are from Pos Malaysia's own page on dimensional weight
  (http://www.pos.com.my/pos/services/fast_mail/care/volum.aspx).
- JNE: divisor 6000 as published in a JNE agent's rate rules (jnebrebes.blogspot.com, 2013),
  not JNE itself; insurance 0.2 % of the goods' value plus Rp 5,000 administration as a
  customer reported it (leunatha.blogspot.com). Service names YES and REG are JNE's products.
- J&T Express Indonesia: insurance 0.2 % of the goods' value is from J&T's own terms page
  (https://www.jet.co.id/information/terms/privacy); "EZ" is its regular service's name there.
- Everything else (the fee per service, per kilogram, the COD fee percentages and minimums,
  Giao Hang Nhanh's and Viettel Post's divisors, J&T's divisor, every label format) is
  ILLUSTRATIVE: plausible figures for examples and tests, not the couriers' published rates.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from salesorder.domain.common import as_tuple, code, non_empty
from salesorder.domain.shipping import (
    LabelFormat,
    Quote,
    ServiceLevel,
    ShipmentRequest,
    chargeable_weight,
)
from salesorder.exceptions import CurrencyMismatch, NotFound, ValidationError
from salesorder.money import Money, RoundingMode

__all__ = [
    "GHN",
    "JNE",
    "JNT_ID",
    "POS_MALAYSIA",
    "PROFILES",
    "VIETTEL_POST",
    "CourierProfile",
    "CourierService",
    "PercentFee",
    "profile",
]


@attrs.frozen(kw_only=True)
class PercentFee:
    """``percent`` of an amount, rounded half up to the currency's digits, at least ``minimum``."""

    percent: Decimal = attrs.field(converter=Decimal)
    minimum: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.percent < 0:
            raise ValidationError(f"fee percent must not be negative, got {self.percent}")

    def of(self, amount: Money) -> Money:
        """The fee on ``amount`` (in ``amount``'s currency)."""
        fee = (amount * self.percent / Decimal(100)).rounded(RoundingMode.HALF_UP)
        if self.minimum is None:
            return fee
        if self.minimum.currency != amount.currency:
            raise CurrencyMismatch(
                self.minimum.currency,
                amount.currency,
                "the amount a fee is taken on",
                against="the fee's minimum",
            )
        return max(fee, self.minimum)


@attrs.frozen(kw_only=True)
class CourierService:
    """One service of a courier: its level, its own name, and its price per chargeable kg."""

    level: ServiceLevel
    name: str = attrs.field(validator=non_empty)
    first_kg: Money
    next_kg: Money


@attrs.frozen(kw_only=True)
class CourierProfile:
    """How one courier prices and labels shipments; see the module docstring for sources."""

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    country: str
    currency: str
    services: tuple[CourierService, ...] = attrs.field(converter=as_tuple)
    volumetric_divisor: int
    weight_step_kg: Decimal = attrs.field(converter=Decimal, default=Decimal(1))
    minimum_kg: Decimal = attrs.field(converter=Decimal, default=Decimal(1))
    cod_fee: PercentFee
    insurance_fee: PercentFee
    label_format: LabelFormat = LabelFormat.PDF
    tracking_prefix: str = ""

    def __attrs_post_init__(self) -> None:
        if self.volumetric_divisor <= 0:
            raise ValidationError(
                f"courier {self.code!r}: volumetric divisor must be above 0, "
                f"got {self.volumetric_divisor}"
            )
        for service in self.services:
            for price in (service.first_kg, service.next_kg):
                if price.currency != self.currency:
                    raise CurrencyMismatch(
                        self.currency,
                        price.currency,
                        f"the {service.level.value} service's price",
                        against=f"courier {self.code!r}",
                    )

    def service(self, level: ServiceLevel) -> CourierService:
        """The service offered at ``level``.

        Raises:
            NotFound: the courier has no such service.
        """
        for service in self.services:
            if service.level is level:
                return service
        raise NotFound(f"{level.value} service of courier {self.code!r}", level.value)

    def chargeable_kg(self, request: ShipmentRequest) -> Decimal:
        """Per box max(actual, volumetric), rounded up to the weight step; at least the minimum."""
        weight = chargeable_weight(request, self.volumetric_divisor, step=self.weight_step_kg)
        return max(weight, self.minimum_kg)

    def quote(self, request: ShipmentRequest) -> Quote:
        """The first kilogram's price plus each further step's, plus COD and insurance fees.

        Raises:
            CurrencyMismatch: the COD amount or declared value is not in the courier's currency.
            NotFound: the courier has no service at the requested level.
        """
        service = self.service(request.service)
        weight = self.chargeable_kg(request)
        steps = (weight - Decimal(1)) / self.weight_step_kg
        shipping = service.first_kg + service.next_kg * max(steps, Decimal(0))
        zero = Money.zero(self.currency)
        cod_fee = insurance = zero
        if request.cod_amount is not None:
            if request.cod_amount.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    request.cod_amount.currency,
                    "the COD amount",
                    against=f"courier {self.code!r}",
                )
            cod_fee = self.cod_fee.of(request.cod_amount)
        if request.declared_value is not None:
            if request.declared_value.currency != self.currency:
                raise CurrencyMismatch(
                    self.currency,
                    request.declared_value.currency,
                    "the declared value",
                    against=f"courier {self.code!r}",
                )
            insurance = self.insurance_fee.of(request.declared_value)
        shipping = shipping.rounded(RoundingMode.HALF_UP)
        return Quote(
            courier=self.code,
            service=request.service,
            fee=shipping + cod_fee + insurance,
            chargeable_kg=weight,
            shipping_fee=shipping,
            cod_fee=cod_fee,
            insurance_fee=insurance,
        )


def _idr(amount: int) -> Money:
    return Money.of(amount, "IDR")


def _vnd(amount: int) -> Money:
    return Money.of(amount, "VND")


def _ghn() -> CourierProfile:
    """Giao Hang Nhanh (Vietnam). All figures illustrative."""
    return CourierProfile(
        code="ghn",
        name="Giao Hang Nhanh",
        country="VN",
        currency="VND",
        services=(
            CourierService(
                level=ServiceLevel.EXPRESS, name="Nhanh", first_kg=_vnd(30000), next_kg=_vnd(5000)
            ),
            CourierService(
                level=ServiceLevel.ECONOMY,
                name="Tiet kiem",
                first_kg=_vnd(22000),
                next_kg=_vnd(4000),
            ),
        ),
        volumetric_divisor=5000,
        weight_step_kg=Decimal("0.5"),
        cod_fee=PercentFee(percent=Decimal("1"), minimum=_vnd(5000)),
        insurance_fee=PercentFee(percent=Decimal("0.5")),
        label_format=LabelFormat.PDF,
        tracking_prefix="GHN",
    )


def _viettel_post() -> CourierProfile:
    """Viettel Post (Vietnam). All figures illustrative."""
    return CourierProfile(
        code="viettelpost",
        name="Viettel Post",
        country="VN",
        currency="VND",
        services=(
            CourierService(
                level=ServiceLevel.EXPRESS, name="VCN", first_kg=_vnd(32000), next_kg=_vnd(6000)
            ),
            CourierService(
                level=ServiceLevel.ECONOMY, name="VTK", first_kg=_vnd(20000), next_kg=_vnd(4500)
            ),
        ),
        volumetric_divisor=6000,
        weight_step_kg=Decimal("0.5"),
        cod_fee=PercentFee(percent=Decimal("1"), minimum=_vnd(10000)),
        insurance_fee=PercentFee(percent=Decimal("0.5")),
        label_format=LabelFormat.PDF,
        tracking_prefix="VTP",
    )


def _jne() -> CourierProfile:
    """JNE (Indonesia): divisor, insurance as cited above (third-party); the rest illustrative."""
    return CourierProfile(
        code="jne",
        name="JNE",
        country="ID",
        currency="IDR",
        services=(
            CourierService(
                level=ServiceLevel.EXPRESS, name="YES", first_kg=_idr(18000), next_kg=_idr(18000)
            ),
            CourierService(
                level=ServiceLevel.ECONOMY, name="REG", first_kg=_idr(10000), next_kg=_idr(10000)
            ),
        ),
        volumetric_divisor=6000,
        cod_fee=PercentFee(percent=Decimal("3"), minimum=_idr(2500)),
        insurance_fee=PercentFee(percent=Decimal("0.2"), minimum=_idr(5000)),
        label_format=LabelFormat.PDF,
        tracking_prefix="JNE",
    )


def _jnt_id() -> CourierProfile:
    """J&T Express (Indonesia). Insurance 0.2 % from J&T's terms page; the rest illustrative."""
    return CourierProfile(
        code="jnt",
        name="J&T Express",
        country="ID",
        currency="IDR",
        services=(
            CourierService(
                level=ServiceLevel.EXPRESS, name="Super", first_kg=_idr(20000), next_kg=_idr(15000)
            ),
            CourierService(
                level=ServiceLevel.ECONOMY, name="EZ", first_kg=_idr(9000), next_kg=_idr(2000)
            ),
        ),
        volumetric_divisor=6000,
        cod_fee=PercentFee(percent=Decimal("3"), minimum=_idr(2500)),
        insurance_fee=PercentFee(percent=Decimal("0.2")),
        label_format=LabelFormat.ZPL,
        tracking_prefix="JNT",
    )


def _pos_malaysia() -> CourierProfile:
    """Pos Malaysia: divisor 6000 and whole-kilogram steps from its page; the rest illustrative."""
    return CourierProfile(
        code="poslaju",
        name="Pos Malaysia",
        country="MY",
        currency="MYR",
        services=(
            CourierService(
                level=ServiceLevel.EXPRESS,
                name="Pos Laju",
                first_kg=Money.of("8.00", "MYR"),
                next_kg=Money.of("2.50", "MYR"),
            ),
            CourierService(
                level=ServiceLevel.ECONOMY,
                name="Pos Parcel",
                first_kg=Money.of("6.00", "MYR"),
                next_kg=Money.of("1.50", "MYR"),
            ),
        ),
        volumetric_divisor=6000,
        weight_step_kg=Decimal(1),
        cod_fee=PercentFee(percent=Decimal("2"), minimum=Money.of("1.00", "MYR")),
        insurance_fee=PercentFee(percent=Decimal("1")),
        label_format=LabelFormat.PDF,
        tracking_prefix="PL",
    )


_BUILDERS: dict[str, Callable[[], CourierProfile]] = {
    "GHN": _ghn,
    "VIETTEL_POST": _viettel_post,
    "JNE": _jne,
    "JNT_ID": _jnt_id,
    "POS_MALAYSIA": _pos_malaysia,
}


@functools.cache
def _shipped(name: str) -> CourierProfile:
    return _BUILDERS[name]()


@functools.cache
def _profiles() -> Mapping[str, CourierProfile]:
    return MappingProxyType({p.code: p for p in map(_shipped, _BUILDERS)})


if TYPE_CHECKING:
    GHN: CourierProfile
    VIETTEL_POST: CourierProfile
    JNE: CourierProfile
    JNT_ID: CourierProfile
    POS_MALAYSIA: CourierProfile
    #: Every shipped profile by code.
    PROFILES: Mapping[str, CourierProfile]


def __getattr__(name: str) -> object:
    # The profiles hold Money, whose currency check reads CLDR data: they are built on first
    # use, never at import time.
    if name in _BUILDERS:
        return _shipped(name)
    if name == "PROFILES":
        return _profiles()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def profile(courier: str) -> CourierProfile:
    """The shipped profile of ``courier`` (``"ghn"``, ``"viettelpost"``, ``"jne"``, ...).

    Raises:
        NotFound: no profile has that code.
    """
    try:
        return _profiles()[courier]
    except KeyError:
        raise NotFound("courier profile", courier) from None
