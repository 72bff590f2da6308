"""Contact details checked with pycountry, phonenumbers and email-validator (no network).

Each refusal names the field and the value; a check that passes normalises (E.164 phones,
lower-case e-mail domains) and otherwise returns what it was given.
"""

from __future__ import annotations

import sys

import pytest

from salesorder import Address, Customer
from salesorder.domain.contacts import (
    ContactsUnavailable,
    InvalidEmail,
    InvalidPhone,
    checked_address,
    checked_country,
    checked_customer,
    checked_email,
    checked_phone,
    checked_region,
    subdivision_code,
)
from salesorder.exceptions import InvalidAddress, ValidationError

KL = Address(line1="Jalan Ampang 1", city="Kuala Lumpur", country="MY", region="MY-14")


# -- countries and subdivisions ----------------------------------------------------------


@pytest.mark.parametrize("code", ["ID", "VN", "MY", "SG"])
def test_a_country_code_iso_knows_is_kept(code: str) -> None:
    assert checked_country(code, field="Address.country") == code


def test_a_country_code_no_country_has_is_refused_naming_field_and_value() -> None:
    with pytest.raises(InvalidAddress, match=r"^Address\.country 'XX' is not an ISO 3166"):
        checked_country("XX", field="Address.country")


def test_free_text_regions_are_kept_as_written() -> None:
    """ISO's names are not how every buyer writes a province: text is never refused."""
    for region in ("Jawa Barat", "TP. Hồ Chí Minh", "Selangor Darul Ehsan", ""):
        assert checked_region("ID", region, field="f") == region


def test_a_subdivision_code_of_the_country_is_kept() -> None:
    assert checked_region("MY", "MY-14", field="f") == "MY-14"
    assert checked_region("ID", "ID-JK", field="f") == "ID-JK"


@pytest.mark.parametrize(
    ("country", "region", "why"),
    [("ID", "MY-14", "of another country"), ("MY", "MY-99", "of no subdivision")],
)
def test_a_subdivision_code_that_is_not_the_countrys_is_refused(
    country: str, region: str, why: str
) -> None:
    with pytest.raises(InvalidAddress, match=rf"Address\.region '{region}' is not an ISO 3166-2"):
        checked_region(country, region, field="Address.region")


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("Selangor", "MY-10"),
        ("selangor", "MY-10"),
        ("MY-10", "MY-10"),
        ("10", "MY-10"),
        ("Wilayah Persekutuan Kuala Lumpur", "MY-14"),
        ("Somewhere", None),
        ("", None),
    ],
)
def test_subdivision_code_reads_codes_and_iso_names(region: str, code: str | None) -> None:
    assert subdivision_code("MY", region) == code


def test_subdivision_names_compare_without_accents() -> None:
    assert subdivision_code("VN", "Hà Nội") == subdivision_code("VN", "ha noi") == "VN-HN"


# -- phones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "region", "e164"),
    [
        ("0812-3456-7890", "ID", "+6281234567890"),
        ("+62 812 3456 7890", "ID", "+6281234567890"),
        ("012-345 6789", "MY", "+60123456789"),
        ("0912 345 678", "VN", "+84912345678"),
        ("+84 912 345 678", "ID", "+84912345678"),  # a foreign number keeps its country
        ("", "ID", ""),
    ],
)
def test_phones_are_stored_in_e164(number: str, region: str, e164: str) -> None:
    assert checked_phone(number, region=region, field="f") == e164


def test_a_phone_that_does_not_parse_names_field_value_and_region() -> None:
    with pytest.raises(
        InvalidPhone, match=r"^Customer\.phone 'call me' is not a phone number in ID"
    ) as info:
        checked_phone("call me", region="ID", field="Customer.phone")
    assert (info.value.field, info.value.value, info.value.region) == (
        "Customer.phone",
        "call me",
        "ID",
    )
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, ValueError)


def test_a_phone_too_short_to_be_a_number_is_refused() -> None:
    """``+6281`` parses but no Indonesian number is that short."""
    with pytest.raises(InvalidPhone, match="'\\+6281' is not a phone number in ID"):
        checked_phone("+6281", region="ID", field="f")


# -- e-mail ------------------------------------------------------------------------------


def test_an_email_address_is_normalised() -> None:
    assert checked_email("Siti@Example.COM", field="f") == "Siti@example.com"
    assert checked_email("", field="f") == ""


@pytest.mark.parametrize("address", ["siti@", "siti@example", "siti.example.com", "a b@c.id"])
def test_a_malformed_email_address_is_refused_naming_field_and_value(address: str) -> None:
    with pytest.raises(InvalidEmail, match=r"^Customer\.email .* is not an e-mail address") as info:
        checked_email(address, field="Customer.email")
    assert info.value.value == address


# -- whole addresses and customers -------------------------------------------------------


def test_an_address_phone_is_read_for_the_address_country() -> None:
    address = Address(
        line1="Jl. Asia Afrika 8", city="Bandung", country="ID", phone="0812 3456 7890"
    )
    assert checked_address(address, field="a").phone == "+6281234567890"
    assert checked_address(KL, field="a") is KL  # nothing to change: the same object


def test_an_address_refusal_names_the_path_to_the_field() -> None:
    bad = Address(line1="x", city="y", country="MY", phone="12")
    with pytest.raises(InvalidPhone, match=r"^PlaceOrder\.shipping_address\.phone '12'"):
        checked_address(bad, field="PlaceOrder.shipping_address")
    with pytest.raises(InvalidAddress, match=r"^PlaceOrder\.shipping_address\.country 'ZZ'"):
        checked_address(
            Address(line1="x", city="y", country="ZZ"), field="PlaceOrder.shipping_address"
        )


def test_a_customer_phone_is_read_for_its_first_address_country() -> None:
    customer = Customer(
        id="C-1", name="Aminah", phone="012-345 6789", email="Aminah@Contoh.MY", addresses=(KL,)
    )
    checked = checked_customer(customer, region="ID")  # the shop is Indonesian, Aminah is not
    assert checked.phone == "+60123456789"
    assert checked.email == "Aminah@contoh.my"
    assert checked.addresses == (KL,)


def test_a_customer_without_an_address_reads_its_phone_for_the_shops_country() -> None:
    customer = Customer(id="C-2", name="Budi", phone="0812-3456-7890")
    assert checked_customer(customer, region="ID").phone == "+6281234567890"


def test_a_customer_refusal_names_the_customer_and_the_field() -> None:
    address = Address(line1="x", city="y", country="ID", phone="000")
    with pytest.raises(InvalidPhone, match=r"^customer 'C-3' addresses\[0\]\.phone '000'"):
        checked_customer(Customer(id="C-3", name="Ani", addresses=(address,)), region="ID")
    with pytest.raises(InvalidEmail, match=r"^customer 'C-3' email 'ani@'"):
        checked_customer(Customer(id="C-3", name="Ani", email="ani@"), region="ID")
    with pytest.raises(InvalidPhone, match=r"^customer 'C-3' phone '1'"):
        checked_customer(Customer(id="C-3", name="Ani", phone="1"), region="ID")


# -- without the extra -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "check"),
    [
        ("pycountry", lambda: checked_country("ID", field="f")),
        ("phonenumbers", lambda: checked_phone("0812 3456 7890", region="ID", field="f")),
        ("email_validator", lambda: checked_email("a@b.id", field="f")),
    ],
)
def test_without_the_extra_a_check_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, module: str, check: object
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    with pytest.raises(ContactsUnavailable, match=r"pip install 'salesorder\[contacts\]'"):
        check()  # type: ignore[operator]
