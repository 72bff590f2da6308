"""LHDN's code lists the MyInvois document uses, as LHDN publishes them (SDK "Codes" pages).

- e-invoice types (``cbc:InvoiceTypeCode``): :class:`DocumentKind`;
- tax types (``cac:TaxCategory/cbc:ID``): :data:`TAX_TYPES`;
- state codes (``cbc:CountrySubentityCode``): :data:`STATE_CODES`, with the state names
  (and common English names) they are read from;
- classification codes (``cbc:ItemClassificationCode[@listID='CLASS']``): 001 to 045,
  :data:`CLASSIFICATION_CODES`;
- countries (``cac:Country/cbc:IdentificationCode``): ISO 3166-1 alpha-3, from the
  library's own table (``documents/schemas/my/countries.json``, taken from CLDR once, so a
  dependency's release never changes a document);
- the TINs LHDN gives for parties without one (e-Invoice Specific Guideline; from our
  knowledge of the guideline, not a document read for this module):
  :data:`GENERAL_PUBLIC_TIN`, :data:`FOREIGN_BUYER_TIN`.
"""

from __future__ import annotations

import enum
import functools
import importlib.resources
import json

__all__ = [
    "CLASSIFICATION_CODES",
    "CONSOLIDATED_CLASSIFICATION",
    "FOREIGN_BUYER_TIN",
    "GENERAL_PUBLIC_TIN",
    "PAYMENT_MODES",
    "STATE_CODES",
    "TAX_TYPES",
    "DocumentKind",
    "alpha3",
    "state_code",
]

#: The general public's TIN, the buyer of a consolidated e-invoice of B2C sales.
GENERAL_PUBLIC_TIN = "EI00000000010"
#: The TIN of a foreign buyer who has none.
FOREIGN_BUYER_TIN = "EI00000000020"
#: Classification code 004 ("Consolidated e-Invoice") of every consolidated line.
CONSOLIDATED_CLASSIFICATION = "004"


class DocumentKind(str, enum.Enum):
    """The e-invoice type code (``cbc:InvoiceTypeCode``), LHDN's code list.

    Credit, debit and refund notes reference the e-invoice they correct; the self-billed
    kinds (11 to 14) are issued by the buyer.
    """

    INVOICE = "01"
    CREDIT_NOTE = "02"
    DEBIT_NOTE = "03"
    REFUND_NOTE = "04"
    SELF_BILLED_INVOICE = "11"
    SELF_BILLED_CREDIT_NOTE = "12"
    SELF_BILLED_DEBIT_NOTE = "13"
    SELF_BILLED_REFUND_NOTE = "14"

    @property
    def self_billed(self) -> DocumentKind:
        """The self-billed kind of the same document (``01`` gives ``11``)."""
        return DocumentKind(f"1{self.value[1]}")

    @property
    def corrects(self) -> bool:
        """True for the notes, which must reference the e-invoice they correct."""
        return self.value[1] != "1"


#: Tax types (``cac:TaxCategory/cbc:ID``), LHDN's list.
TAX_TYPES = {
    "01": "Sales Tax",
    "02": "Service Tax",
    "03": "Tourism Tax",
    "04": "High-Value Goods Tax",
    "05": "Sales Tax on Low Value Goods",
    "06": "Not Applicable",
    "E": "Tax exemption (where applicable)",
}

#: Payment modes (``cac:PaymentMeans/cbc:PaymentMeansCode``), LHDN's list.
PAYMENT_MODES = {
    "01": "Cash",
    "02": "Cheque",
    "03": "Bank Transfer",
    "04": "Credit Card",
    "05": "Debit Card",
    "06": "e-Wallet / Digital Wallet",
    "07": "Digital Bank",
    "08": "Others",
}

#: State codes (``cbc:CountrySubentityCode``) by state name, LHDN's list.
STATE_CODES = {
    "Johor": "01",
    "Kedah": "02",
    "Kelantan": "03",
    "Melaka": "04",
    "Negeri Sembilan": "05",
    "Pahang": "06",
    "Pulau Pinang": "07",
    "Perak": "08",
    "Perlis": "09",
    "Selangor": "10",
    "Terengganu": "11",
    "Sabah": "12",
    "Sarawak": "13",
    "Wilayah Persekutuan Kuala Lumpur": "14",
    "Wilayah Persekutuan Labuan": "15",
    "Wilayah Persekutuan Putrajaya": "16",
    "Not Applicable": "17",
}
# Names an address may carry for the same state: English, short and older forms.
_STATE_ALIASES = {
    "malacca": "04",
    "penang": "07",
    "kuala lumpur": "14",
    "wp kuala lumpur": "14",
    "federal territory of kuala lumpur": "14",
    "labuan": "15",
    "wp labuan": "15",
    "putrajaya": "16",
    "wp putrajaya": "16",
}

#: Classification codes (``cbc:ItemClassificationCode[@listID='CLASS']``), LHDN's list.
CLASSIFICATION_CODES = frozenset(f"{n:03d}" for n in range(1, 46))


def state_code(*names: str) -> str | None:
    """The state code of the first of ``names`` that names a Malaysian state, else None.

    A name is a code (``"10"``), a state of LHDN's list (``"Selangor"``) or a common name of
    one (``"Penang"``, ``"Kuala Lumpur"``), in any case.
    """
    by_name = {name.casefold(): code for name, code in STATE_CODES.items()}
    by_name.update(_STATE_ALIASES)
    codes = set(STATE_CODES.values())
    for name in names:
        key = " ".join(name.split()).casefold()
        if key in codes:
            return key
        if key in by_name:
            return by_name[key]
    return None


@functools.cache
def _countries() -> dict[str, str]:
    path = importlib.resources.files("salesorder.documents") / "schemas" / "my" / "countries.json"
    codes: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))["codes"]
    return codes


def alpha3(country: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of alpha-2 ``country`` (``"MY"`` gives ``"MYS"``)."""
    return _countries().get(country.upper())
