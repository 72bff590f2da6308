"""Customers (individuals and businesses), their addresses and the warehouses that ship."""

from __future__ import annotations

import enum
from decimal import Decimal

import attrs

from salesorder.domain.common import as_tuple, code, non_empty
from salesorder.exceptions import InvalidAddress, ValidationError
from salesorder.money import to_decimal

__all__ = ["Address", "Customer", "CustomerKind", "GeoPoint", "Warehouse"]


def _country(instance: object, _attribute: object, value: str) -> None:
    if not (isinstance(value, str) and len(value) == 2 and value.isalpha() and value.isupper()):
        raise InvalidAddress(
            f"{type(instance).__name__}.country must be an ISO 3166 alpha-2 code such as 'ID', "
            f"got {value!r}"
        )


@attrs.frozen(kw_only=True)
class Address:
    """A postal address. ``country`` is ISO 3166-1 alpha-2 (``"ID"``, ``"VN"``, ``"MY"``)."""

    line1: str = attrs.field(validator=non_empty)
    city: str = attrs.field(validator=non_empty)
    country: str = attrs.field(validator=_country)
    line2: str = ""
    region: str = ""
    postal_code: str = ""
    recipient: str = ""
    phone: str = ""

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


@attrs.frozen(kw_only=True)
class Customer:
    """A buyer. A business buyer has a company name; its tax identifier is checked at invoicing."""

    id: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    kind: CustomerKind = CustomerKind.INDIVIDUAL
    company_name: str = ""
    tax_id: str = ""
    email: str = ""
    phone: str = ""
    addresses: tuple[Address, ...] = attrs.field(default=(), converter=as_tuple)
    #: The customer group price lists and promotions are scoped to ("" for none).
    group: str = ""
    #: Notification channels (``"email"``, ``"sms"``, ``"chat"``) the customer opted out of.
    opt_out: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    #: The locale messages to the customer are written in ("" for the shop's locale).
    locale: str = ""

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
    address: Address
    person_in_charge: str = ""
    coordinates: GeoPoint | None = None
    priority: int = 0
