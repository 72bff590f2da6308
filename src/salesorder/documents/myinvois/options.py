"""What a MyInvois document needs beyond the invoice: the seller's settings and references."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import attrs

from salesorder.documents.myinvois.codes import CLASSIFICATION_CODES, TAX_TYPES
from salesorder.exceptions import ValidationError

__all__ = [
    "DEFAULT_CLASSIFICATION",
    "DEFAULT_TAX_TYPES",
    "MyInvoisOptions",
    "MyInvoisReference",
]

#: LHDN classification code ``022`` "Others", for a SKU the caller's mapping does not name.
DEFAULT_CLASSIFICATION = "022"

#: LHDN tax type of each Malaysian rate of the default tax table
#: (:func:`~salesorder.domain.tax.default_tax_table`): sales tax ``01``, service tax ``02``,
#: exempt goods ``E``.
DEFAULT_TAX_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "MY-SALES-5": "01",
        "MY-SALES-10": "01",
        "MY-SERVICE-6": "02",
        "MY-SERVICE-8": "02",
        "MY-EXEMPT": "E",
    }
)


def _frozen(value: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(value))


def _classifications(
    _instance: Any, _attribute: attrs.Attribute[Any], value: Mapping[str, str]
) -> None:
    for sku, code in value.items():
        if code not in CLASSIFICATION_CODES:
            raise ValidationError(
                f"classification {code!r} of SKU {sku!r} is not an LHDN classification code "
                "(001 to 045)"
            )


def _classification(_instance: Any, _attribute: attrs.Attribute[Any], value: str) -> None:
    if value not in CLASSIFICATION_CODES:
        raise ValidationError(
            f"default classification {value!r} is not an LHDN classification code (001 to 045)"
        )


def _tax_types(_instance: Any, _attribute: attrs.Attribute[Any], value: Mapping[str, str]) -> None:
    for tax_code, tax_type in value.items():
        if tax_type not in TAX_TYPES:
            raise ValidationError(
                f"tax type {tax_type!r} of tax {tax_code!r} is not an LHDN tax type "
                f"({', '.join(TAX_TYPES)})"
            )


def _rate(_instance: Any, _attribute: attrs.Attribute[Any], value: Decimal | None) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValidationError(f"an exchange rate must be a positive Decimal, got {value!r}")


@attrs.frozen(kw_only=True)
class MyInvoisReference:
    """An e-invoice LHDN validated: its MyInvois UUID and the seller's document number.

    A credit, debit or refund note writes both in ``cac:BillingReference``.
    """

    uuid: str = attrs.field(validator=attrs.validators.min_len(1))
    number: str = attrs.field(validator=attrs.validators.min_len(1))


@attrs.frozen(kw_only=True)
class MyInvoisOptions:
    """The seller's MyInvois settings and the references one document needs.

    ``classifications`` maps a SKU to its LHDN classification code, and
    ``default_classification`` (``022``, "Others") is used for any other SKU.
    ``tax_types`` maps a tax code of the library (``"MY-SALES-10"``) to LHDN's tax type;
    it is added to :data:`~salesorder.documents.myinvois.options.DEFAULT_TAX_TYPES`.
    ``exchange_rate`` is the MYR value of one unit of the document's currency, required
    for any currency but MYR. ``original`` is the validated e-invoice a credit note (or
    an adjustment) corrects. ``refund`` files a credit note as a refund note (``04``:
    money went back to the buyer), ``self_billed`` files the self-billed kind (``11`` to
    ``14``), ``signed`` writes version 1.1 (a document a
    :class:`~salesorder.ports.signing.DocumentSigner` signs) instead of 1.0. ``msic``
    and ``activity`` are the supplier's MSIC code and business activity, when the
    seller's party does not carry them as its ``"MSIC"`` identifier.
    """

    classifications: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen, validator=_classifications, eq=False
    )
    default_classification: str = attrs.field(
        default=DEFAULT_CLASSIFICATION, validator=_classification
    )
    tax_types: Mapping[str, str] = attrs.field(
        factory=dict, converter=_frozen, validator=_tax_types, eq=False
    )
    exchange_rate: Decimal | None = attrs.field(default=None, validator=_rate)
    original: MyInvoisReference | None = None
    refund: bool = False
    self_billed: bool = False
    signed: bool = False
    msic: str = ""
    activity: str = ""

    def classification(self, sku: str) -> str:
        """The LHDN classification code of ``sku``."""
        return self.classifications.get(sku, self.default_classification)

    def tax_type(self, tax_code: str) -> str | None:
        """LHDN's tax type of the library's tax ``tax_code``, or None when unknown."""
        return self.tax_types.get(tax_code) or DEFAULT_TAX_TYPES.get(tax_code)

    @property
    def version(self) -> str:
        """The document version written as ``listVersionID``: 1.1 signed, 1.0 unsigned."""
        return "1.1" if self.signed else "1.0"
