"""The vocabulary of a Coretax import file: codes, the caller's options, and the file's model.

Every name here is a field of DJP's ``TaxInvoiceBulk`` file (Faktur Pajak Keluaran, template
v1.4 of the XML, written by DJP's Excel-to-XML converter v1.6) or a code of its reference
lists; where a value comes from is said on each (see ``docs/einvoice-indonesia.md``).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from salesorder.domain.units import Quantity
from salesorder.exceptions import ValidationError

__all__ = [
    "DEFAULT_FACILITIES",
    "UNIT_CODES",
    "BuyerDocument",
    "CoretaxFile",
    "CoretaxItem",
    "CoretaxOptions",
    "Facility",
    "GoodService",
    "TaxInvoice",
    "TransactionCode",
]


class TransactionCode(str, enum.Enum):
    """The tax invoice's transaction code (``TrxCode``, "kode transaksi"), DJP's list.

    The library writes ``04`` for PPN on the 11/12 base ("DPP nilai lain", PMK 131/2024),
    the caller's :attr:`CoretaxOptions.full_base_code` (``01`` by default) for PPN on the
    full price (luxury goods), ``08`` for exempt supplies and ``07`` for supplies whose PPN
    is not collected; the other codes are there for callers who build files themselves.
    """

    #: To a buyer who is not a VAT collector (the ordinary case).
    NON_COLLECTOR = "01"
    #: To a government treasurer (who collects the PPN).
    TREASURER = "02"
    #: To another VAT collector (state-owned enterprises and the like).
    OTHER_COLLECTOR = "03"
    #: PPN on another value as the tax base ("DPP nilai lain").
    OTHER_BASE = "04"
    #: PPN at a specified amount (art. 9A(1) of the VAT law).
    SPECIFIED_AMOUNT = "05"
    #: To a foreign passport holder (the tourist refund scheme).
    PASSPORT_HOLDER = "06"
    #: A supply whose PPN is not collected (a facility).
    NOT_COLLECTED = "07"
    #: A supply exempt from PPN (a facility).
    EXEMPT = "08"
    #: A delivery of assets (art. 16D of the VAT law).
    ASSETS = "09"
    #: Other deliveries.
    OTHER = "10"


class BuyerDocument(str, enum.Enum):
    """How the buyer is identified (``BuyerDocument``), as the template spells the values."""

    TIN = "TIN"
    NATIONAL_ID = "National ID"
    PASSPORT = "Passport"
    OTHER = "Other ID"


#: UN/ECE Recommendation 20 codes (the ``un_code`` of the library's units) to Coretax's
#: units of measure (``Unit``, ``UM.0001`` to ``UM.0039``, the template's reference list).
#: ``C62`` ("one", the library's piece) is ``UM.0018`` "Unit", as Odoo's Coretax module
#: maps its unit of measure "Units".
UNIT_CODES: Mapping[str, str] = MappingProxyType(
    {
        "TNE": "UM.0001",  # metric ton
        "KGM": "UM.0003",  # kilogram
        "GRM": "UM.0004",  # gram
        "CTM": "UM.0005",  # carat
        "K6": "UM.0006",  # kilolitre
        "LTR": "UM.0007",  # litre
        "BLL": "UM.0008",  # barrel
        "AMP": "UM.0010",  # ampere
        "CMQ": "UM.0011",  # cubic centimetre
        "MTK": "UM.0012",  # square metre
        "MTR": "UM.0013",  # metre
        "INH": "UM.0014",  # inch
        "CMT": "UM.0015",  # centimetre
        "YRD": "UM.0016",  # yard
        "DZN": "UM.0017",  # dozen
        "C62": "UM.0018",  # one: a unit
        "SET": "UM.0019",  # set
        "H87": "UM.0021",  # piece
        "XBX": "UM.0022",  # box
        "ANN": "UM.0023",  # year
        "MON": "UM.0024",  # month
        "WEE": "UM.0025",  # week
        "DAY": "UM.0026",  # day
        "HUR": "UM.0027",  # hour
        "MIN": "UM.0028",  # minute
        "P1": "UM.0029",  # percent
        "MTQ": "UM.0034",  # cubic metre
        "CMK": "UM.0035",  # square centimetre
        "XDR": "UM.0036",  # drum
        "XCT": "UM.0037",  # carton
        "KWH": "UM.0038",  # kilowatt hour
        "XRO": "UM.0039",  # roll
    }
)

_ITEM_CODE = re.compile(r"^\d{6}$")
_UNIT = re.compile(r"^UM\.00(0[1-9]|[12]\d|3\d)$")
_TD = re.compile(r"^TD\.\d{5}$")
_MONTH_YEAR = re.compile(r"^(0[1-9]|1[0-2])\d{4}$")


def _item_code(_instance: object, _attribute: object, value: str) -> None:
    if not _ITEM_CODE.match(value):
        raise ValidationError(f"Coretax goods/service code (Code) must be 6 digits, got {value!r}")


def _unit_code(_instance: object, _attribute: object, value: str) -> None:
    if value and not (_UNIT.match(value) and "UM.0001" <= value <= "UM.0039"):
        raise ValidationError(f"Coretax unit (Unit) must be one of UM.0001-UM.0039, got {value!r}")


@attrs.frozen(kw_only=True)
class CoretaxItem:
    """What Coretax wants of a product: the goods/service code, the kind, the unit.

    ``code`` is the six-digit Coretax goods/service code ("kode barang/jasa", ``Code``);
    ``000000`` is the template's code for goods (and services) not classified further.
    ``service`` writes ``Opt`` ``B`` (a service) instead of ``A`` (goods). ``unit``, when
    set, is the Coretax unit code the product's lines use instead of the one mapped from
    the line's own unit (:data:`UNIT_CODES`).
    """

    code: str = attrs.field(default="000000", validator=_item_code)
    service: bool = False
    unit: str = attrs.field(default="", validator=_unit_code)


def _td(what: str, value: str) -> None:
    if not _TD.match(value):
        raise ValidationError(f"Coretax {what} must be a code such as 'TD.01110', got {value!r}")


@attrs.frozen(kw_only=True)
class Facility:
    """The facility a code 07 or 08 tax invoice states: additional info and the stamp.

    ``add_info`` is the "keterangan tambahan" code (``AddInfo``, ``TD.005xx``), ``stamp``
    the "cap fasilitas" code (``FacilityStamp``, ``TD.011xx``), both from the template's
    reference lists. ``document`` and ``document_period`` (``MMYYYY``) are the supporting
    document (``CustomDoc``, ``CustomDocMonthYear``) some facilities need.
    """

    add_info: str
    stamp: str
    document: str = ""
    document_period: str = ""

    def __attrs_post_init__(self) -> None:
        _td("additional info (AddInfo)", self.add_info)
        _td("facility stamp (FacilityStamp)", self.stamp)
        if self.document_period and not _MONTH_YEAR.match(self.document_period):
            raise ValidationError(
                f"Coretax CustomDocMonthYear must be MMYYYY, got {self.document_period!r}"
            )


#: Per tax code, the facilities of the library's default tax table. The PPN exemption of
#: PP 49/2022 (tax ``ID-PPN-EXEMPT``) is code 08 with additional info ``TD.00510`` and the
#: stamp ``TD.01110`` "PPN Dibebaskan berdasarkan PP Nomor 49 Tahun 2022".
DEFAULT_FACILITIES: Mapping[str, Facility] = MappingProxyType(
    {"ID-PPN-EXEMPT": Facility(add_info="TD.00510", stamp="TD.01110")}
)


def _full_base(_instance: object, _attribute: object, value: TransactionCode) -> None:
    allowed = (
        TransactionCode.NON_COLLECTOR,
        TransactionCode.TREASURER,
        TransactionCode.OTHER_COLLECTOR,
    )
    if value not in allowed:
        raise ValidationError(
            f"the transaction code of PPN on the full price must be 01, 02 or 03, got {value!r}"
        )


def _codes(value: Iterable[str]) -> frozenset[str]:
    return frozenset(value)


def _frozen_map(value: Mapping[str, object] | None) -> Mapping[str, object]:
    return MappingProxyType(dict(value or {}))


@attrs.frozen(kw_only=True)
class CoretaxOptions:
    """What the file needs that an invoice does not say, with the defaults documented.

    Attributes:
        items: per SKU, the product's Coretax code, kind and unit; SKUs not listed take
            ``default_item`` (goods, code ``000000``).
        default_item: the item of a goods line whose SKU is not in ``items``.
        charge_item: the item of a charge line (shipping, a COD fee): a service, code
            ``000000``.
        units: UN/ECE codes to Coretax unit codes, over :data:`UNIT_CODES`.
        facilities: per tax code, the facility of an exempt (08) or not-collected (07)
            supply; :data:`DEFAULT_FACILITIES` by default.
        full_base_code: the transaction code of PPN on the full price: ``01`` (a buyer
            who is not a VAT collector, the default), ``02`` or ``03`` (a buyer who
            collects the PPN itself).
        luxury_tax_codes: the tax codes of the luxury-goods sales tax (PPnBM), written as
            ``STLGRate`` and ``STLG`` beside the line's PPN.
    """

    items: Mapping[str, CoretaxItem] = attrs.field(factory=dict, converter=_frozen_map)
    default_item: CoretaxItem = CoretaxItem()
    charge_item: CoretaxItem = CoretaxItem(service=True)
    units: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_map)
    facilities: Mapping[str, Facility] = attrs.field(
        default=DEFAULT_FACILITIES, converter=_frozen_map
    )
    full_base_code: TransactionCode = attrs.field(
        default=TransactionCode.NON_COLLECTOR, converter=TransactionCode, validator=_full_base
    )
    luxury_tax_codes: frozenset[str] = attrs.field(default=frozenset(), converter=_codes)

    def unit_code(self, un_code: str) -> str | None:
        """The Coretax unit of UN/ECE code ``un_code``: the caller's, else the library's."""
        return self.units.get(un_code) or UNIT_CODES.get(un_code)


@attrs.frozen(kw_only=True)
class GoodService:
    """One ``GoodService`` of a tax invoice: an invoice line, amounts in rupiah.

    ``price`` x ``quantity`` - ``discount`` is ``tax_base`` (DPP, the line's net) to the
    sen; ``other_tax_base`` is the DPP nilai lain (the line's legal base on 04, else the
    DPP); ``vat_rate`` and ``stlg_rate`` are percentages. ``line_id`` is the invoice line it
    comes from (not written).
    """

    line_id: str
    opt: str
    code: str
    name: str
    unit: str
    price: Decimal
    quantity: Quantity
    discount: Decimal
    tax_base: Decimal
    other_tax_base: Decimal
    vat_rate: Decimal
    vat: Decimal
    stlg_rate: Decimal = Decimal(0)
    stlg: Decimal = Decimal(0)


@attrs.frozen(kw_only=True)
class TaxInvoice:
    """One ``TaxInvoice`` of the file: one invoice's lines of one transaction code.

    ``reference`` (``RefDesc``) is the invoice number; Coretax gives the tax invoice its
    own number (NSFP) when it is uploaded, so the file carries none.
    """

    date: dt.date
    trx_code: TransactionCode
    reference: str
    seller_id_tku: str
    buyer_tin: str
    buyer_document: BuyerDocument
    buyer_country: str
    buyer_document_number: str
    buyer_name: str
    buyer_address: str
    buyer_email: str
    buyer_id_tku: str
    lines: tuple[GoodService, ...]
    option: str = "Normal"
    add_info: str = ""
    custom_doc: str = ""
    custom_doc_month_year: str = ""
    facility_stamp: str = ""


@attrs.frozen(kw_only=True)
class CoretaxFile:
    """A whole import file: the seller's NPWP (``TIN``) and its tax invoices."""

    tin: str
    invoices: tuple[TaxInvoice, ...]
