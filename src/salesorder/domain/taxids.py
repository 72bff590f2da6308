"""Tax identifiers checked before an invoice is issued, with python-stdnum.

The scheme follows the party's country (from its address):

- ``ID``: Indonesian NPWP (15 digits, or the 16-digit NIK-based form), ``stdnum.id.npwp``;
- ``VN``: Vietnamese MST (10 digits, or 13 for a branch), ``stdnum.vn.mst``;
- ``MY``: Malaysian TIN. python-stdnum has no module for it (it knows the NRIC only), so the
  format LHDN publishes is checked: a type prefix (``IG`` individuals, ``C`` companies, ``D``,
  ``E``, ``F``, ``FA``, ``PT``, ``TA``, ``TC``, ``TN``, ``TR``, ``TP``, ``J``, ``LE``) followed
  by 1 to 13 digits. There is no public check digit to verify;
- an EU member state: its VAT number, ``stdnum.eu.vat`` (the country prefix is added when
  missing);
- any other country: the identifier is kept as given, unchecked.

Errors name the party, the scheme, the value and what is wrong, in stdnum's words.
"""

from __future__ import annotations

import re

import attrs

from salesorder.domain.common import reference, text
from salesorder.exceptions import InvalidTaxId

__all__ = ["PartyIdentifier", "TaxIdentifier", "validate_tax_id"]

_EU = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
    ]
)
_MY_TIN = re.compile(r"^(IG|C|D|E|F|FA|PT|TA|TC|TN|TR|TP|J|LE)\d{1,13}$")


@attrs.frozen(kw_only=True)
class TaxIdentifier:
    """A checked tax identifier: its scheme, the compact value and the formatted value."""

    scheme: str
    compact: str
    formatted: str


@attrs.frozen(kw_only=True)
class PartyIdentifier:
    """An identifier of a party beside its tax id, by scheme, for the formats that want one.

    The schemes e-invoice formats read: ``"ID-TKU"`` (Indonesia's 22-digit place-of-business
    id), ``"NIK"`` (Indonesian national id), ``"PASSPORT"``, ``"BRN"`` (Malaysian business
    registration number), ``"NRIC"`` (Malaysian identity card), ``"ARMY"``, ``"SST"``
    (Malaysian SST registration), ``"TTX"`` (Malaysian tourism tax), ``"MSIC"`` (Malaysian
    industry code) with its ``description``. Each format checks the ones it needs and names
    any that is missing or malformed.
    """

    scheme: str = attrs.field(validator=reference)
    value: str = attrs.field(validator=reference)
    description: str = attrs.field(default="", validator=text)


def _stdnum(module: object, scheme: str, value: str, whose: str) -> TaxIdentifier:
    from stdnum.exceptions import ValidationError as StdnumError  # noqa: PLC0415 - lazy

    try:
        compact = module.validate(value)  # type: ignore[attr-defined]
    except StdnumError as error:
        raise InvalidTaxId(f"{scheme} {value!r} of {whose} is invalid: {error}") from None
    formatted = module.format(compact) if hasattr(module, "format") else compact
    return TaxIdentifier(scheme=scheme, compact=compact, formatted=formatted)


def validate_tax_id(value: str, country: str | None, *, whose: str = "the party") -> TaxIdentifier:
    """Check ``value`` against the scheme of ``country``; see the module docstring.

    Args:
        value: the identifier as written (separators allowed).
        country: ISO 3166 alpha-2 code of the party's address, or None when unknown.
        whose: how the error names the party (``"buyer 'PT Maju'"``).

    Raises:
        InvalidTaxId: the identifier fails the scheme's format or check digits.
    """
    country = (country or "").upper()
    if country == "ID":
        from stdnum.id import npwp  # noqa: PLC0415 - stdnum modules load on first use

        return _stdnum(npwp, "NPWP", value, whose)
    if country == "VN":
        from stdnum.vn import mst  # noqa: PLC0415

        return _stdnum(mst, "MST", value, whose)
    if country == "MY":
        compact = re.sub(r"[\s-]", "", value).upper()
        if not _MY_TIN.match(compact):
            raise InvalidTaxId(
                f"TIN {value!r} of {whose} is invalid: expected a type prefix (IG, C, D, E, F, "
                "FA, PT, TA, TC, TN, TR, TP, J, LE) and 1 to 13 digits"
            )
        return TaxIdentifier(scheme="TIN", compact=compact, formatted=compact)
    if country in _EU:
        from stdnum.eu import vat  # noqa: PLC0415

        prefixed = value if value[:2].upper() in _EU else f"{country}{value}"
        return _stdnum(vat, "VAT number", prefixed, whose)
    compact = value.strip()
    return TaxIdentifier(scheme="", compact=compact, formatted=compact)
