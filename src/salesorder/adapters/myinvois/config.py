"""Where MyInvois is and who calls it: environments, credentials, the document format."""

from __future__ import annotations

import enum

import attrs

from salesorder.exceptions import ValidationError

__all__ = ["PREPROD", "PRODUCTION", "DocumentFormat", "MyInvoisCredentials", "MyInvoisEnvironment"]


def _https_url(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.startswith(("https://", "http://")) or value.endswith("/"):
        raise ValidationError(
            f"MyInvoisEnvironment.{attribute.name} must be an http(s) URL without a trailing "
            f"slash, got {value!r}"
        )


@attrs.frozen(kw_only=True)
class MyInvoisEnvironment:
    """The base URLs of one MyInvois environment (LHDN's sandbox or production).

    ``api_url`` serves the e-invoice API (``/api/v1.0/...``), ``identity_url`` the login
    (``/connect/token``), ``portal_url`` the public validation links
    (``{portal_url}/{uuid}/share/{longId}``).
    """

    name: str
    api_url: str = attrs.field(validator=_https_url)
    identity_url: str = attrs.field(validator=_https_url)
    portal_url: str = attrs.field(validator=_https_url)


#: LHDN's sandbox, "pre-production", for testing, with lower rate limits.
PREPROD = MyInvoisEnvironment(
    name="preprod",
    api_url="https://preprod-api.myinvois.hasil.gov.my",
    identity_url="https://preprod-api.myinvois.hasil.gov.my",
    portal_url="https://preprod.myinvois.hasil.gov.my",
)
#: LHDN's production system, where every document validated is a legal e-invoice.
PRODUCTION = MyInvoisEnvironment(
    name="production",
    api_url="https://api.myinvois.hasil.gov.my",
    identity_url="https://api.myinvois.hasil.gov.my",
    portal_url="https://myinvois.hasil.gov.my",
)


def _non_empty(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValidationError(f"MyInvoisCredentials.{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class MyInvoisCredentials:
    """The ERP system's client credentials, registered on the MyInvois portal.

    An intermediary submitting for a taxpayer sets ``on_behalf_of`` to the taxpayer's TIN
    (or ``TIN:ROB``); it is sent as the ``onbehalfof`` header of the login. The secret
    never appears in a repr.
    """

    client_id: str = attrs.field(validator=_non_empty)
    client_secret: str = attrs.field(validator=_non_empty, repr=False)
    on_behalf_of: str = ""
    scope: str = "InvoicingAPI"


class DocumentFormat(str, enum.Enum):
    """The syntax documents are submitted in: LHDN takes UBL 2.1 as JSON or as XML."""

    JSON = "JSON"
    XML = "XML"
