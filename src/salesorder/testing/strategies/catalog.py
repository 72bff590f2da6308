"""Catalog, customers and warehouses: products, addresses, dimensions, people, places."""

from __future__ import annotations

import string
from decimal import Decimal

from hypothesis import strategies as st

from salesorder.domain.catalog import Dimensions, Product, VariantAttribute
from salesorder.domain.customers import Address, Customer, CustomerKind, GeoPoint, Warehouse
from salesorder.testing.strategies.amounts import currencies, money, weights_kg
from salesorder.testing.strategies.basics import Spec, _spec, codes, texts

__all__ = ["addresses", "customers", "dimensions", "products", "warehouses"]

_COUNTRIES = ("ID", "VN", "MY", "SG", "TH", "PH")


def addresses(country: Spec[str] = None) -> st.SearchStrategy[Address]:
    """Postal addresses in the region's countries (or ``country``)."""
    optional = st.one_of(st.just(""), texts())
    return st.builds(
        Address,
        line1=texts(),
        city=texts(),
        country=_spec(country, st.sampled_from(_COUNTRIES)),
        line2=optional,
        region=optional,
        postal_code=st.one_of(st.just(""), st.text(string.digits, min_size=5, max_size=6)),
        recipient=optional,
        phone=st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13)),
    )


def dimensions() -> st.SearchStrategy[Dimensions]:
    """Parcel dimensions in centimetres, to the millimetre."""
    cm = st.integers(0, 2000).map(lambda mm: Decimal(mm).scaleb(-1))
    return st.builds(Dimensions, length_cm=cm, width_cm=cm, height_cm=cm)


@st.composite
def _variant_attributes(draw: st.DrawFn) -> tuple[VariantAttribute, ...]:
    names = draw(
        st.lists(st.sampled_from(["colour", "size", "material", "style"]), max_size=3, unique=True)
    )
    return tuple(VariantAttribute(name=name, value=draw(texts(max_size=8))) for name in names)


@st.composite
def _products(draw: st.DrawFn, currency: Spec[str], sku: Spec[str]) -> Product:
    code = draw(_spec(currency, currencies()))
    return Product(
        sku=draw(_spec(sku, codes())),
        name=draw(texts()),
        price=draw(money(code)),
        unit_cost=draw(money(code)),
        tax_category=draw(st.sampled_from(["standard", "reduced", "luxury", "zero"])),
        category=draw(st.one_of(st.just(""), texts())),
        brand=draw(st.one_of(st.just(""), texts(max_size=10))),
        attributes=draw(_variant_attributes()),
        weight_kg=draw(weights_kg()),
        dimensions=draw(st.none() | dimensions()),
        initial_stock=draw(st.integers(0, 1000)),
    )


def products(currency: Spec[str] = None, *, sku: Spec[str] = None) -> st.SearchStrategy[Product]:
    """Products priced in ``currency`` (price and cost in the same currency)."""
    return _products(currency, sku)


@st.composite
def _customers(draw: st.DrawFn, customer_id: Spec[str]) -> Customer:
    kind = draw(st.sampled_from(list(CustomerKind)))
    business = kind is CustomerKind.BUSINESS
    return Customer(
        id=draw(_spec(customer_id, codes())),
        name=draw(texts()),
        kind=kind,
        company_name=draw(texts()) if business else "",
        tax_id=draw(st.text(string.digits, min_size=10, max_size=16)) if business else "",
        email=draw(st.one_of(st.just(""), _emails())),
        phone=draw(st.one_of(st.just(""), st.text(string.digits, min_size=8, max_size=13))),
        addresses=draw(st.lists(addresses(), max_size=2)),
    )


def _emails() -> st.SearchStrategy[str]:
    local = st.text(string.ascii_lowercase + string.digits + "._", min_size=1, max_size=12)
    return st.builds("{}@{}".format, local, st.sampled_from(["example.com", "contoh.co.id"]))


def customers(*, customer_id: Spec[str] = None) -> st.SearchStrategy[Customer]:
    """Individual and business customers (a business always has a company name)."""
    return _customers(customer_id)


def _geo_points() -> st.SearchStrategy[GeoPoint]:
    return st.builds(
        GeoPoint,
        latitude=st.integers(-90_000_000, 90_000_000).map(lambda n: Decimal(n).scaleb(-6)),
        longitude=st.integers(-180_000_000, 180_000_000).map(lambda n: Decimal(n).scaleb(-6)),
    )


def warehouses(*, code: Spec[str] = None) -> st.SearchStrategy[Warehouse]:
    """Warehouses with an address, maybe coordinates, and a priority."""
    return st.builds(
        Warehouse,
        code=_spec(code, codes()),
        name=texts(),
        address=addresses(),
        person_in_charge=st.one_of(st.just(""), texts()),
        coordinates=st.none() | _geo_points(),
        priority=st.integers(0, 10),
    )
