"""The value types of a Vietnamese e-invoice: form and rate codes, options, parties, lines.

:class:`~salesorder.documents.vietnam.model.VnInvoice` is built from them; see
:mod:`salesorder.documents.vietnam.model` for what each holds and the rules.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

import attrs

from salesorder.domain.common import as_tuple
from salesorder.domain.units import Quantity
from salesorder.exceptions import (
    DocumentRuleError,
    MissingExchangeRate,
    SalesOrderError,
    ValidationError,
)
from salesorder.money import Money
from salesorder.numbers import to_decimal

__all__ = [
    "VnExchangeRateMissing",
    "VnInvoiceOptions",
    "VnLine",
    "VnLineKind",
    "VnParty",
    "VnRateTotal",
    "VnReference",
    "VnTemplate",
    "VnVatRate",
]


class VnTemplate(str, enum.Enum):
    """The form symbol (KHMSHDon, Circular 78/2021 art. 4(1)(a)) this library writes.

    ``VAT`` (1) is the VAT invoice (hóa đơn giá trị gia tăng) of a seller on the credit
    method; ``SALES`` (2) the sales invoice (hóa đơn bán hàng) of a seller on the direct
    method, which carries no VAT rate.
    """

    VAT = "1"
    SALES = "2"

    @property
    def name_vi(self) -> str:
        """The invoice's name as written in THDon."""
        return "Hóa đơn giá trị gia tăng" if self is VnTemplate.VAT else "Hóa đơn bán hàng"


class VnVatRate(str, enum.Enum):
    """A VAT rate as the standard writes it in TSuat.

    ``KCT`` is "không chịu thuế" (not subject to VAT, Law on VAT art. 5: the library's
    exempt treatment); ``KKKNT`` is "không kê khai, tính nộp thuế GTGT" (not declared, not
    paid: outside VAT, the library's not-subject treatment).
    """

    TEN = "10%"
    EIGHT = "8%"
    FIVE = "5%"
    ZERO = "0%"
    KCT = "KCT"
    KKKNT = "KKKNT"


class VnLineKind(int, enum.Enum):
    """The nature of a line (TChat): goods or service, promotion, trade discount, note."""

    GOODS = 1
    PROMOTION = 2
    DISCOUNT = 3
    NOTE = 4


def _rate(value: object) -> Decimal | None:
    if value is None:
        return None
    rate = to_decimal(value, what="exchange rate (TGia)")
    if rate <= 0:
        raise ValidationError(f"exchange rate (TGia) must be above 0, got {rate}")
    return rate


def _rates(value: Mapping[str, object]) -> Mapping[str, VnVatRate]:
    allowed = {rate.value: rate for rate in VnVatRate}
    for code_, rate in value.items():
        if rate not in allowed:
            raise ValidationError(
                f"TSuat {rate!r} for tax code {code_!r} is not one of {', '.join(allowed)}"
            )
    return MappingProxyType({code_: allowed[str(rate)] for code_, rate in value.items()})


@attrs.frozen(kw_only=True)
class VnInvoiceOptions:
    """What a Vietnamese e-invoice needs beyond the invoice itself.

    ``exchange_rate`` (TGia) is the VND per unit of the invoice's currency, required when
    the currency is not VND. ``payment_method`` (HTTToan) overrides the text derived from
    the invoice's payment means. ``provider_tax_id`` (MSTTCGP) is the MST of the e-invoice
    provider (Viettel, MISA...). ``version`` (PBan) is the data standard's version the
    provider expects. ``rates`` maps a tax code to the TSuat its lines are written with
    (to write a code as ``KKKNT`` rather than ``KCT``, say). ``original_series`` is the
    series symbol of the invoice a correction refers to (the document's own when empty);
    ``reason`` the note on that reference (GChu); ``notes`` lines of nature 4 (notes)
    printed after the goods.
    """

    exchange_rate: Decimal | None = attrs.field(default=None, converter=_rate)
    payment_method: str = ""
    provider_tax_id: str = ""
    version: str = "2.0.0"
    rates: Mapping[str, VnVatRate] = attrs.field(factory=dict, converter=_rates)
    original_series: str = ""
    reason: str = ""
    notes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


class VnExchangeRateMissing(DocumentRuleError, MissingExchangeRate):
    """A document in another currency than VND written without its exchange rate (TGia).

    Both a :class:`~salesorder.exceptions.DocumentRuleError` (``rule`` is ``"VN-TGia"``)
    and a :class:`~salesorder.exceptions.MissingExchangeRate`.
    """

    def __init__(self, document: str, currency: str) -> None:
        self.document = document
        self.rule = "VN-TGia"
        self.line = ""
        self.left = "VND"
        self.right = currency
        SalesOrderError.__init__(
            self,
            f"{document}: is in {currency}, so TGia (the exchange rate to VND) is required; "
            f"give VnInvoiceOptions(exchange_rate=...) ({currency} -> VND) (VN-TGia)",
        )


@attrs.frozen(kw_only=True)
class VnParty:
    """Seller (NBan) or buyer (NMua): name, MST (empty for a buyer without one), address."""

    name: str
    tax_code: str
    address: str
    phone: str = ""
    email: str = ""
    account: str = ""


@attrs.frozen(kw_only=True)
class VnLine:
    """A line (HHDVu): ``amount`` (ThTien) is its value before VAT, ``tax`` its VAT.

    ``quantity`` and ``price`` (SLuong, DGia) are None on a line that adjusts an amount
    only; ``discount`` (STCKhau) is None when the price already is net of it.
    """

    kind: VnLineKind
    index: int
    code: str
    name: str
    unit: str
    quantity: Quantity | None
    price: Decimal | None
    discount: Money | None
    amount: Money
    rate: VnVatRate | None
    tax: Money


@attrs.frozen(kw_only=True)
class VnRateTotal:
    """One row of the totals per rate (LTSuat in THTTLTSuat): base and VAT of one TSuat."""

    rate: VnVatRate
    base: Money
    tax: Money


@attrs.frozen(kw_only=True)
class VnReference:
    """The invoice a replacement or an adjustment refers to (TTHDLQuan).

    ``nature`` (TCHDon) is 1 for a replacement, 2 for an adjustment.
    """

    nature: int
    template: VnTemplate
    series: str
    number: int
    date: dt.date
    note: str = ""
