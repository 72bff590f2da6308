"""Checking and normalising the contact details a shop is given: countries, phones, e-mails.

Needs the ``contacts`` extra (``pip install 'salesorder[contacts]'``): ``pycountry`` for
ISO 3166 country and subdivision codes, ``phonenumbers`` for telephone numbers and
``email-validator`` for e-mail addresses (syntax only: no DNS, no network). Each is imported
by the first check that needs it, never with ``salesorder``; without the extra a check
raises :class:`ContactsUnavailable`.

The checks run on *new input*, not on construction: the services call
:func:`checked_customer` for :class:`~salesorder.services.commands.AddCustomer` and
:func:`checked_address` for the address of a
:class:`~salesorder.services.commands.PlaceOrder`,
:class:`~salesorder.services.commands.ChangeAddress` or
:class:`~salesorder.services.commands.AmendOrder` when the shop's
``Settings.check_contacts`` is set. A customer or an address stored before (a phone written
``0812-3456-7890``) is therefore still read back as it was; only what comes in is checked.

What a check does:

- **country**: the ISO 3166-1 alpha-2 code must name a country (``"XX"`` does not):
  :class:`~salesorder.exceptions.InvalidAddress`.
- **region**: free text (``"Jawa Barat"``, ``"TP. Hồ Chí Minh"``) is kept as it is; a region
  written as an ISO 3166-2 code (``"MY-10"``) must be a subdivision of the address's own
  country: :class:`~salesorder.exceptions.InvalidAddress`.
- **phone**: parsed with the address's country as the region of a number written
  nationally (``0812 3456 7890`` in ``ID``), the customer's first address's country for the
  customer's own phone, and stored in E.164 (``+6281234567890``). A number that does not
  parse, or is not a valid number (by ``phonenumbers``' metadata), is an
  :class:`InvalidPhone`.
- **email**: the syntax is checked and the address normalised (the domain in lower case,
  Unicode in NFC); a bad one is an :class:`InvalidEmail`.

An empty phone or e-mail means "none given" and is left empty.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import attrs

from salesorder.domain.common import show
from salesorder.domain.customers import Address, Customer
from salesorder.exceptions import InvalidAddress, SalesOrderError, ValidationError

__all__ = [
    "ContactsUnavailable",
    "InvalidEmail",
    "InvalidPhone",
    "checked_address",
    "checked_country",
    "checked_customer",
    "checked_email",
    "checked_phone",
    "checked_region",
    "subdivision_code",
]

_EXTRA = "pip install 'salesorder[contacts]'"
#: An ISO 3166-2 subdivision code: the country, a hyphen, one to three letters or digits.
_SUBDIVISION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


class ContactsUnavailable(SalesOrderError, ImportError):
    """Checking contacts needs the ``contacts`` extra: ``pip install 'salesorder[contacts]'``."""


class InvalidPhone(ValidationError):
    """A telephone number that does not parse, or is not a valid number for its country.

    Attributes:
        field: the field refused (``"customer 'C-1' phone"``).
        value: the number as given.
        region: the country a national number was read for (``"ID"``).
    """

    def __init__(self, field: str, value: str, region: str, reason: str) -> None:
        self.field, self.value, self.region = field, value, region
        super().__init__(f"{field} {show(value)} is not a phone number in {region}: {reason}")


class InvalidEmail(ValidationError):
    """An e-mail address whose syntax is wrong (no network is asked).

    Attributes:
        field: the field refused (``"customer 'C-1' email"``).
        value: the address as given.
    """

    def __init__(self, field: str, value: str, reason: str) -> None:
        self.field, self.value = field, value
        super().__init__(f"{field} {show(value)} is not an e-mail address: {reason}")


def _import(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as exc:
        raise ContactsUnavailable(f"checking contacts needs {name}: {_EXTRA}") from exc


def checked_country(code: str, *, field: str) -> str:
    """``code`` when it is the ISO 3166-1 alpha-2 code of a country.

    Raises:
        InvalidAddress: no country has the code, naming ``field`` and the code.
        ContactsUnavailable: ``pycountry`` is not installed.
    """
    pycountry = _import("pycountry")
    if pycountry.countries.get(alpha_2=code) is None:
        raise InvalidAddress(f"{field} {show(code)} is not an ISO 3166 country code")
    return code


def _folded(name: str) -> str:
    """``name`` without accents, case or punctuation, for comparing subdivision names."""
    plain = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in plain if ch.isalnum()).casefold()


def subdivision_code(country: str, region: str) -> str | None:
    """The ISO 3166-2 code of ``region`` in ``country`` (``"MY-10"`` for ``"Selangor"``).

    ``region`` may be the code itself, the code without the country (``"10"``) or the
    subdivision's name as ISO 3166-2 spells it, compared without accents, case or
    punctuation. None when nothing matches (a free-text region that ISO does not name).

    Raises:
        ContactsUnavailable: ``pycountry`` is not installed.
    """
    pycountry = _import("pycountry")
    wanted = region.strip()
    if not wanted:
        return None
    folded = _folded(wanted)
    for subdivision in pycountry.subdivisions.get(country_code=country) or ():
        code: str = subdivision.code
        if wanted.upper() in (code, code.split("-", 1)[1]) or _folded(subdivision.name) == folded:
            return code
    return None


def checked_region(country: str, region: str, *, field: str) -> str:
    """``region`` unchanged, once a region written as an ISO 3166-2 code is checked.

    Free text is any region's right (ISO's names are not how every buyer writes them); a
    value shaped like a code (``"MY-10"``) must be a subdivision of ``country``.

    Raises:
        InvalidAddress: a code of another country, or of no subdivision.
        ContactsUnavailable: ``pycountry`` is not installed.
    """
    if not _SUBDIVISION.fullmatch(region.strip()):
        return region
    pycountry = _import("pycountry")
    subdivision = pycountry.subdivisions.get(code=region.strip())
    if subdivision is None or subdivision.country_code != country:
        raise InvalidAddress(
            f"{field} {show(region)} is not an ISO 3166-2 subdivision of {country}"
        )
    return region


def checked_phone(number: str, *, region: str, field: str) -> str:
    """``number`` in E.164 (``"+6281234567890"``); a national number is read for ``region``.

    An empty number stays empty.

    Raises:
        InvalidPhone: the number does not parse or is not a valid number.
        ContactsUnavailable: ``phonenumbers`` is not installed.
    """
    if not number.strip():
        return ""
    phonenumbers = _import("phonenumbers")
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(field, number, region, str(exc.args[0])) from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(field, number, region, "no such number is assigned")
    e164: str = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return e164


def checked_email(address: str, *, field: str) -> str:
    """``address`` normalised (domain in lower case, NFC); its syntax only is checked.

    An empty address stays empty.

    Raises:
        InvalidEmail: the syntax is wrong.
        ContactsUnavailable: ``email-validator`` is not installed.
    """
    if not address.strip():
        return ""
    try:
        from email_validator import (  # noqa: PLC0415 - optional dependency, imported when used
            EmailNotValidError,
            validate_email,
        )
    except ImportError as exc:
        raise ContactsUnavailable(f"checking contacts needs email-validator: {_EXTRA}") from exc
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(field, address, str(exc)) from None
    normalized: str = result.normalized
    return normalized


def checked_address(address: Address, *, field: str) -> Address:
    """``address`` with its country and region checked and its phone in E.164.

    ``field`` names the address in errors (``"PlaceOrder.shipping_address"``).

    Raises:
        InvalidAddress: an unknown country, or a subdivision code of another country.
        InvalidPhone: the phone does not parse for the address's country.
        ContactsUnavailable: the ``contacts`` extra is not installed.
    """
    country = checked_country(address.country, field=f"{field}.country")
    checked_region(country, address.region, field=f"{field}.region")
    phone = checked_phone(address.phone, region=country, field=f"{field}.phone")
    return address if phone == address.phone else attrs.evolve(address, phone=phone)


def checked_customer(customer: Customer, *, region: str) -> Customer:
    """``customer`` with every address checked, phones in E.164 and the e-mail normalised.

    The customer's own phone is read for the country of its first address, else for
    ``region`` (the shop's country).

    Raises:
        InvalidAddress: an address has an unknown country or a wrong subdivision code.
        InvalidPhone: a phone does not parse.
        InvalidEmail: the e-mail address's syntax is wrong.
        ContactsUnavailable: the ``contacts`` extra is not installed.
    """
    name = f"customer {customer.id!r}"
    addresses = tuple(
        checked_address(address, field=f"{name} addresses[{index}]")
        for index, address in enumerate(customer.addresses)
    )
    home = addresses[0].country if addresses else region
    phone = checked_phone(customer.phone, region=home, field=f"{name} phone")
    email = checked_email(customer.email, field=f"{name} email")
    return attrs.evolve(customer, addresses=addresses, phone=phone, email=email)
