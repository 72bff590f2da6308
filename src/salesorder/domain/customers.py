"""Customers (individuals and businesses), their addresses and the warehouses that ship."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import (
    MAX_QUANTITY,
    as_tuple,
    code,
    each,
    instance_of,
    int_between,
    member_of,
    non_empty,
    show,
    spelled,
    text,
)
from salesorder.domain.taxids import PartyIdentifier
from salesorder.exceptions import InvalidAddress, ValidationError
from salesorder.money import to_decimal

__all__ = ["Address", "Customer", "CustomerKind", "GeoPoint", "Warehouse"]


def _country(instance: object, _attribute: object, value: str) -> None:
    if not (isinstance(value, str) and len(value) == 2 and value.isalpha() and value.isupper()):
        raise InvalidAddress(
            f"{type(instance).__name__}.country must be an ISO 3166 alpha-2 code such as 'ID', "
            f"got {show(value)}"
        )


@attrs.frozen(kw_only=True)
class Address:
    """A postal address. ``country`` is ISO 3166-1 alpha-2 (``"ID"``, ``"VN"``, ``"MY"``)."""

    line1: str = attrs.field(validator=non_empty)
    city: str = attrs.field(validator=non_empty)
    country: str = attrs.field(validator=_country)
    line2: str = ""
    region: str = attrs.field(default="", validator=text)
    postal_code: str = attrs.field(default="", validator=text)
    recipient: str = attrs.field(default="", validator=text)
    phone: str = attrs.field(default="", validator=text)

    def one_line(self) -> str:
        """The address on one line, for labels and logs."""
        parts = [self.line1, self.line2, self.city, self.region, self.postal_code, self.country]
        return ", ".join(p for p in parts if p)


def _coordinate(value: object) -> Decimal:
    return to_decimal(value, what="coordinate")


@attrs.frozen(kw_only=True)
class GeoPoint:
    """A point on the globe in decimal degrees (WGS 84)."""

    latitude: Decimal = attrs.field(converter=_coordinate)
    longitude: Decimal = attrs.field(converter=_coordinate)

    def __attrs_post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValidationError(
                f"coordinates ({self.latitude}, {self.longitude}) are outside the globe"
            )


class CustomerKind(str, enum.Enum):
    """A consumer (B2C) or a business buyer (B2B, who may need a VAT invoice)."""

    INDIVIDUAL = "individual"
    BUSINESS = "business"


def _kind(value: CustomerKind | str) -> CustomerKind:
    return spelled(CustomerKind, value)


@attrs.frozen(kw_only=True)
class Customer:
    """A buyer. A business buyer has a company name; its tax identifier is checked at invoicing."""

    id: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    kind: CustomerKind = attrs.field(
        default=CustomerKind.INDIVIDUAL, converter=_kind, validator=member_of(CustomerKind)
    )
    company_name: str = attrs.field(default="", validator=text)
    tax_id: str = attrs.field(default="", validator=text)
    email: str = attrs.field(default="", validator=text)
    phone: str = attrs.field(default="", validator=text)
    addresses: tuple[Address, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(Address))
    )
    #: The customer group price lists and promotions are scoped to ("" for none).
    group: str = attrs.field(default="", validator=text)
    #: Notification channels (``"email"``, ``"sms"``, ``"chat"``) the customer opted out of.
    opt_out: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(text))
    #: The locale messages to the customer are written in ("" for the shop's locale).
    locale: str = attrs.field(default="", validator=text)
    #: Identifiers beside the tax id that e-invoice formats ask for (NIK, BRN, passport...).
    identifiers: tuple[PartyIdentifier, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(PartyIdentifier))
    )

    def __attrs_post_init__(self) -> None:
        if self.kind is CustomerKind.BUSINESS and not self.company_name.strip():
            raise ValidationError(f"business customer {self.id!r} needs a company_name")

    @property
    def default_address(self) -> Address | None:
        """The first address, used when an order names none."""
        return self.addresses[0] if self.addresses else None


@attrs.frozen(kw_only=True)
class Warehouse:
    """A stock location (main, subsidiary, branch). Lower ``priority`` is tried first."""

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    address: Address = attrs.field(validator=instance_of(Address))
    person_in_charge: str = attrs.field(default="", validator=text)
    coordinates: GeoPoint | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(GeoPoint))
    )
    priority: int = attrs.field(default=0, validator=int_between(-MAX_QUANTITY, MAX_QUANTITY))
