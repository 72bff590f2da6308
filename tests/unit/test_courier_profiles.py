"""Courier profiles: volumetric weight, weight steps, fees per service, COD and insurance.

Worked examples (figures from the profiles; which of them are published and which are
illustrative is said in ``salesorder.domain.couriers``):

- Pos Malaysia, divisor 6000: a 40 x 30 x 20 cm box is 24,000 / 6,000 = 4 kg volumetric.
- JNE REG, 1.2 kg in a 40 x 30 x 20 cm box: chargeable 4 kg; Rp10,000 + 3 x Rp10,000 =
  Rp40,000; COD 3 % of Rp161,000 = Rp4,830; insurance 0.2 % of Rp150,000 = Rp300, so the
  Rp5,000 minimum applies.
- GHN steps of 0.5 kg, divisor 5000: 1.2 kg with no box -> 1.5 kg; Nhanh (express)
  30,000 + 1 step x 5,000 = 35,000 VND.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest

from salesorder.domain.catalog import Dimensions
from salesorder.domain.couriers import GHN, JNE, POS_MALAYSIA, PROFILES, PercentFee, profile
from salesorder.domain.customers import Address
from salesorder.domain.shipping import (
    FeePayer,
    Package,
    Quote,
    ServiceLevel,
    ShipmentRequest,
    chargeable_weight,
    volumetric_weight,
)
from salesorder.exceptions import CurrencyMismatch, NotFound, ValidationError
from salesorder.money import Money

HERE = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
BOX = Dimensions(length_cm=40, width_cm=30, height_cm=20)


def request(**changes: object) -> ShipmentRequest:
    base = ShipmentRequest(
        reference="R-1",
        origin=HERE,
        destination=HERE,
        service=ServiceLevel.ECONOMY,
        weight_kg=Decimal("1.2"),
        fee_payer=FeePayer.BUYER,
    )
    return attrs.evolve(base, **changes)


def test_volumetric_weight_is_volume_over_the_divisor() -> None:
    assert volumetric_weight(BOX, POS_MALAYSIA.volumetric_divisor) == Decimal(4)
    with pytest.raises(ValidationError, match="divisor"):
        volumetric_weight(BOX, 0)


def test_chargeable_weight_takes_the_greater_per_box_rounded_up_to_the_step() -> None:
    one_box = request(dimensions=BOX)
    assert chargeable_weight(one_box, 6000, step=Decimal(1)) == Decimal(4)
    assert chargeable_weight(request(), 6000, step=Decimal("0.5")) == Decimal("1.5")
    boxes = request(
        parcels=(Package(weight_kg="5.25", dimensions=BOX), Package(weight_kg="0.1")),
    )
    assert chargeable_weight(boxes, 6000, step=Decimal(1)) == Decimal(6 + 1)


def test_jne_reg_quote_worked_example() -> None:
    quote = JNE.quote(
        request(
            dimensions=BOX,
            cod_amount=Money.of(161000, "IDR"),
            declared_value=Money.of(150000, "IDR"),
        )
    )
    assert quote.chargeable_kg == Decimal(4)
    assert quote.shipping_fee == Money.of(40000, "IDR")
    assert quote.cod_fee == Money.of(4830, "IDR")
    assert quote.insurance_fee == Money.of(5000, "IDR")
    assert quote.fee == Money.of(49830, "IDR")


def test_ghn_express_in_half_kilogram_steps() -> None:
    quote = GHN.quote(request(service=ServiceLevel.EXPRESS))
    assert quote.chargeable_kg == Decimal("1.5")
    assert quote.fee == Money.of(35000, "VND")


def test_every_profile_offers_both_service_levels_in_its_currency() -> None:
    assert set(PROFILES) == {"ghn", "viettelpost", "jne", "jnt", "poslaju"}
    for item in PROFILES.values():
        assert {s.level for s in item.services} == set(ServiceLevel)
        express = item.service(ServiceLevel.EXPRESS).first_kg
        assert express >= item.service(ServiceLevel.ECONOMY).first_kg
        assert express.currency == item.currency


def test_bad_input_is_refused_with_the_thing_named() -> None:
    with pytest.raises(NotFound, match="nope"):
        profile("nope")
    with pytest.raises(CurrencyMismatch):
        JNE.quote(request(cod_amount=Money.of(10, "MYR")))
    with pytest.raises(ValidationError, match="negative"):
        PercentFee(percent=Decimal(-1))
    with pytest.raises(ValidationError, match="do not add up"):
        Quote(
            courier="x",
            service=ServiceLevel.ECONOMY,
            fee=Money.of(10, "IDR"),
            shipping_fee=Money.of(9, "IDR"),
        )
