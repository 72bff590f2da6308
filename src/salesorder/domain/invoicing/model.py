"""The invoice's vocabulary: kinds, statuses, the e-invoice answer, parties, series, rules."""

from __future__ import annotations

import enum

import attrs

from salesorder.domain.common import as_tuple, code, each, instance_of, non_empty, text
from salesorder.domain.customers import Address
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.taxids import PartyIdentifier, validate_tax_id
from salesorder.exceptions import ValidationError
from salesorder.money import Money

__all__ = [
    "DocumentType",
    "EInvoiceState",
    "EInvoiceStatus",
    "InvoiceKind",
    "InvoiceRule",
    "InvoiceSeries",
    "InvoiceStatus",
    "Party",
    "PaymentMeans",
    "PaymentMeansCode",
    "PaymentState",
]


class InvoiceKind(str, enum.Enum):
    """A plain sales invoice, or a VAT invoice for business buyers (via an e-invoice provider)."""

    SALES = "sales"
    VAT = "vat"


class InvoiceStatus(str, enum.Enum):
    """A draft has no number; an issued invoice is a frozen legal document."""

    DRAFT = "draft"
    ISSUED = "issued"
    #: Superseded by a replacement invoice (Vietnam); it stays on record, but nothing is due.
    REPLACED = "replaced"


class DocumentType(str, enum.Enum):
    """What the document is: an invoice, a pro forma, or a correction of an issued invoice.

    A pro forma is a quotation in the shape of an invoice: it is numbered in its own series
    and nothing is due on it. Adjustment and replacement invoices are Vietnam's corrections
    (Decree 123/2020): both reference the original; a replacement supersedes it.
    """

    INVOICE = "invoice"
    PRO_FORMA = "pro_forma"
    ADJUSTMENT = "adjustment"
    REPLACEMENT = "replacement"


class PaymentState(str, enum.Enum):
    """Where an issued invoice stands with the buyer's money on a given day."""

    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"


class EInvoiceState(str, enum.Enum):
    """Where an e-invoice is at its provider and the tax authority."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    REPLACED = "replaced"


@attrs.frozen(kw_only=True)
class EInvoiceStatus:
    """The provider's answer: its reference, the state, the authority's code or the reasons."""

    provider: str
    provider_ref: str
    state: EInvoiceState
    authority_code: str = ""
    reasons: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    #: The provider's reference of the e-invoice this one replaces.
    replaces: str = ""


@attrs.frozen(kw_only=True)
class Party:
    """Seller or buyer as printed on an invoice."""

    name: str = attrs.field(validator=non_empty)
    address: Address | None = None
    tax_id: str = ""
    identifiers: tuple[PartyIdentifier, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(PartyIdentifier))
    )
    email: str = attrs.field(default="", validator=text)
    phone: str = attrs.field(default="", validator=text)

    def identifier(self, scheme: str) -> PartyIdentifier | None:
        """The party's identifier of ``scheme`` (``"ID-TKU"``, ``"BRN"``...), or None."""
        for found in self.identifiers:
            if found.scheme == scheme:
                return found
        return None

    @property
    def country(self) -> str | None:
        """The country of the party's address, which picks the tax identifier's scheme."""
        return self.address.country if self.address is not None else None

    def check_tax_id(self, role: str) -> None:
        """Validate a non-empty tax identifier (see :mod:`salesorder.domain.taxids`).

        Raises:
            InvalidTaxId: it fails its scheme's format or check digits.
        """
        if self.tax_id:
            validate_tax_id(self.tax_id, self.country, whose=f"{role} {self.name!r}")


@attrs.define(kw_only=True)
class InvoiceSeries:
    """A numbering series: numbers are handed out one by one, without gaps.

    ``prefix`` is printed before a zero-padded number (``"INV-2026-"`` + ``"000001"``).
    Taking a number and issuing the invoice happen in one unit of work, so a failed issue
    leaves no gap.
    """

    code: str = attrs.field(validator=code)
    prefix: str = ""
    next_number: int = 1
    width: int = 6

    def take(self) -> str:
        """The next number, formatted; the series moves on by one."""
        number = f"{self.prefix}{self.next_number:0{self.width}d}"
        self.next_number += 1
        return number


@attrs.frozen(kw_only=True)
class InvoiceRule:
    """The seller's rule for a VAT invoice without the buyer asking for one.

    A VAT invoice is issued for business buyers (``business_buyers``), and for any buyer with
    a tax identifier when the order's gross is at least ``above`` (when set).
    """

    business_buyers: bool = True
    above: Money | None = None

    def wants_vat(self, *, business: bool, has_tax_id: bool, gross: Money) -> bool:
        """True when the order gets a VAT invoice."""
        if self.business_buyers and business and has_tax_id:
            return True
        return (
            self.above is not None
            and has_tax_id
            and gross.currency == self.above.currency
            and gross >= self.above
        )


class PaymentMeansCode(str, enum.Enum):
    """How the buyer is asked to pay, as the UNTDID 4461 code EN 16931 wants (BT-81)."""

    #: No means stated (a bank transfer without the seller's account, say).
    NOT_DEFINED = "1"
    CASH = "10"
    #: A credit transfer; EN 16931 (BR-61) then wants the account paid to.
    CREDIT_TRANSFER = "30"
    BANK_CARD = "48"
    #: An online payment service, such as the e-wallets GoPay, OVO, ShopeePay, GrabPay, MoMo.
    ONLINE_SERVICE = "68"
    #: The buyer's credit with the seller, set off against the invoice.
    CLEARING = "97"


_MEANS: dict[PaymentMethod, tuple[PaymentMeansCode, str]] = {
    PaymentMethod.BANK_TRANSFER: (PaymentMeansCode.CREDIT_TRANSFER, "Bank transfer"),
    PaymentMethod.CARD: (PaymentMeansCode.BANK_CARD, "Card"),
    PaymentMethod.E_WALLET: (PaymentMeansCode.ONLINE_SERVICE, "E-wallet"),
    PaymentMethod.COD: (PaymentMeansCode.CASH, "Cash on delivery"),
    PaymentMethod.CUSTOMER_CREDIT: (PaymentMeansCode.CLEARING, "Customer credit"),
    PaymentMethod.ON_ACCOUNT: (PaymentMeansCode.CREDIT_TRANSFER, "Bank transfer on account"),
}


@attrs.frozen(kw_only=True)
class PaymentMeans:
    """How an invoice is paid, as printed on it (EN 16931 BG-16).

    ``account`` is the account the buyer pays into (BT-84, a bank account number or IBAN),
    ``account_name`` its holder (BT-85), ``reference`` what the buyer quotes with the
    payment (BT-83, the invoice number when empty).
    """

    code: PaymentMeansCode
    name: str = ""
    account: str = ""
    account_name: str = ""
    reference: str = ""

    def __attrs_post_init__(self) -> None:
        if self.code is PaymentMeansCode.CREDIT_TRANSFER and not self.account:
            raise ValidationError(
                "payment means credit transfer needs the account the buyer pays into"
            )

    @classmethod
    def for_method(
        cls, method: PaymentMethod, *, account: str = "", account_name: str = ""
    ) -> PaymentMeans:
        """The means of ``method``; a transfer with no ``account`` is "not defined"."""
        code_, name = _MEANS[method]
        if code_ is PaymentMeansCode.CREDIT_TRANSFER and not account:
            code_ = PaymentMeansCode.NOT_DEFINED
        if code_ is not PaymentMeansCode.CREDIT_TRANSFER:
            account, account_name = "", ""
        return cls(code=code_, name=name, account=account, account_name=account_name)
