"""The one error hierarchy of salesorder, rooted in :class:`SalesOrderError`.

Specific errors also subclass the builtin that fits (``ValueError``, ``TypeError``,
``LookupError``), so callers may catch either. Every message names the thing and the
value, and every command that raises leaves all state as it was.
"""

from __future__ import annotations

from decimal import Decimal

#: How many line ids an :class:`UnknownLine` message lists before "and N more".
_LINES_SHOWN = 20

__all__ = [
    "AllocationError",
    "AmbiguousTaxRate",
    "AmendmentRefused",
    "AmountOutOfRange",
    "ConcurrencyConflict",
    "CreditLimitExceeded",
    "CurrencyMismatch",
    "DiscountExceedsOrder",
    "DocumentRuleError",
    "DuplicateError",
    "EmptyOrder",
    "FloatMoneyError",
    "IllegalTransition",
    "InsufficientStock",
    "IntegrityViolation",
    "InvalidAddress",
    "InvalidPromotion",
    "InvalidQuantity",
    "InvalidTaxId",
    "InvalidType",
    "ListingRejected",
    "MalformedDocument",
    "MalformedPayload",
    "MissingExchangeRate",
    "NotFound",
    "NotOnPickList",
    "NotificationFailed",
    "OptimizerUnavailable",
    "OverReceipt",
    "PackExceedsPicked",
    "PaymentError",
    "PersistenceError",
    "PriceListConflict",
    "PriceListCurrencyMismatch",
    "QuantityOutOfRange",
    "RemittanceConflict",
    "ReservationNotFound",
    "ReturnExceedsDelivered",
    "RevisionConflict",
    "SalesOrderError",
    "ScenarioError",
    "SchemaVersionError",
    "StaleCount",
    "TaxRateNotFound",
    "TemplateError",
    "TooManyDigits",
    "UniquenessConflict",
    "UnknownCurrency",
    "UnknownKey",
    "UnknownLine",
    "UnknownParcel",
    "UnknownSKU",
    "UnknownShipment",
    "UnknownShop",
    "UnsafeXml",
    "ValidationError",
    "VoucherError",
    "VoucherExpired",
    "VoucherNotApplicable",
    "VoucherUsedUp",
]


class SalesOrderError(Exception):
    """Root of every error raised by salesorder."""


class ValidationError(SalesOrderError, ValueError):
    """A value given to a constructor or a command is not acceptable."""


class FloatMoneyError(SalesOrderError, TypeError):
    """A float was given where money or an exact quantity is expected.

    Binary floats cannot hold most decimal amounts exactly (``0.1 + 0.2 != 0.3``), so
    money is built from ``Decimal``, ``int`` or ``str`` only.
    """


class InvalidType(SalesOrderError, TypeError):
    """A value of a type the library cannot take here (not a command, not a whole number).

    Also a ``TypeError``, so callers that catch the builtin keep working.
    """


class UnknownCurrency(ValidationError):
    """A currency code that is not in the library's ISO 4217 table."""

    def __init__(self, code: object) -> None:
        self.code = code
        # A code that is not text is named by its type: its repr may be huge or may fail.
        shown = repr(code[:20]) if isinstance(code, str) else f"of type {type(code).__name__}"
        super().__init__(f"unknown currency code {shown}: expected an ISO 4217 code such as 'IDR'")


class AmountOutOfRange(ValidationError):
    """An amount beyond what salesorder carries exactly (see ``salesorder.money.MAX_AMOUNT``).

    Attributes:
        what: the field or amount refused (``"amount"``, ``"line 'L1' gross"``).
        value: the value refused.
    """

    def __init__(self, what: str, value: object) -> None:
        self.what = what
        self.value = value
        super().__init__(
            f"{what} {value} is out of range: amounts must be below 10**14 in absolute value, "
            "with at most 28 significant digits"
        )


class TooManyDigits(ValidationError):
    """An amount with more decimal places than its currency's policy allows.

    Attributes:
        money: the amount refused.
        digits: the decimal places allowed (ISO 4217's minor units, or a ``MoneyPolicy``'s).
        what: the field it was given for.
    """

    def __init__(self, money: object, digits: int, *, what: str) -> None:
        self.money = money
        self.digits = digits
        self.what = what
        super().__init__(
            f"{what} {money} has more than {digits} decimal places, the most its currency's "
            "money policy allows; round it first"
        )


class CurrencyMismatch(SalesOrderError, ValueError):
    """Amounts in different currencies were combined.

    The message reads "{what} is in {right}, but {against} is in {left}":
    ``"line '1' discount is in USD, but the order is in IDR"``.

    Attributes:
        left: the currency expected (the order's, the document's, the first amount's).
        right: the currency of the amount refused.
        what: the amount refused (``"line '1' discount"``).
        against: what is in ``left`` (``"the order"``).
    """

    def __init__(
        self,
        left: str,
        right: str,
        what: str = "an amount",
        *,
        against: str = "the amount it was combined with",
    ) -> None:
        self.left = left
        self.right = right
        self.what = what
        self.against = against
        super().__init__(f"{what} is in {right}, but {against} is in {left}")


class InvalidQuantity(ValidationError):
    """A quantity that is zero, negative or not a whole number where one is required."""


class QuantityOutOfRange(InvalidQuantity):
    """A quantity beyond ``salesorder.domain.common.MAX_QUANTITY`` (999,999,999 units)."""


class InvalidAddress(ValidationError):
    """An address that is missing or lacks a required part."""


class AllocationError(ValidationError):
    """An amount cannot be split over the given weights (no positive weight, bad weight)."""


class EmptyOrder(ValidationError):
    """An order without lines cannot be confirmed, priced or shipped."""


class TaxRateNotFound(SalesOrderError, LookupError):
    """No tax rate is known for a jurisdiction, category and date."""


class AmbiguousTaxRate(SalesOrderError, LookupError):
    """Several taxes apply where the caller asked for exactly one rate."""


class PriceListConflict(SalesOrderError, ValueError):
    """Two price lists are equally specific and equally ranked for the same SKU and date."""


class PriceListCurrencyMismatch(CurrencyMismatch):
    """The price list that would price a line is in another currency than the order."""


class InvalidPromotion(ValidationError):
    """A promotion or voucher definition that cannot be applied (negative value, bad kind)."""


class VoucherError(SalesOrderError, ValueError):
    """A voucher code that cannot be used on this order; nothing was changed."""


class VoucherExpired(VoucherError):
    """The voucher is outside its validity window."""


class VoucherUsedUp(VoucherError):
    """The voucher reached its usage limit (overall or for this customer)."""


class VoucherNotApplicable(VoucherError):
    """The order does not meet the voucher's conditions (channel, group, products, spend)."""


class NotFound(SalesOrderError, LookupError):
    """An aggregate looked up by its identity does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} {key!r} not found")


class UnknownSKU(NotFound):
    """A SKU that is not in the catalog."""

    def __init__(self, sku: str) -> None:
        super().__init__("SKU", sku)


class UnknownKey(NotFound, KeyError):
    """A key that is not in the collection of results it was looked up in (a batch's orders).

    Also a ``KeyError`` (and so a ``LookupError``): looking a result up by its key is a
    mapping's lookup, and callers that catch ``KeyError`` keep working.
    """

    def __init__(self, kind: str, key: object, message: str | None = None) -> None:
        self.kind = kind
        self.key = key
        SalesOrderError.__init__(self, message or f"{kind} {key!r} not found")

    def __str__(self) -> str:
        # KeyError would show the message's repr, quotes and all.
        return str(self.args[0])


class UnknownLine(UnknownKey):
    """A line id that is not on the order, priced order or document it was looked up on.

    Attributes:
        thing: what was searched (``"priced order 'SO-1'"``).
        line_id: the id asked for.
        known: the line ids there are, in their order.
    """

    def __init__(self, thing: str, line_id: object, known: tuple[str, ...]) -> None:
        self.thing = thing
        self.line_id = line_id
        self.known = known
        shown = ", ".join(repr(line) for line in known[:_LINES_SHOWN]) or "none"
        if len(known) > _LINES_SHOWN:
            shown += f" and {len(known) - _LINES_SHOWN} more"
        super().__init__(
            f"line of {thing}",
            line_id,
            f"line {line_id!r} not found on {thing}; its lines are {shown}",
        )


class DuplicateError(SalesOrderError, ValueError):
    """Something that must be unique was given twice (an id, a payment reference)."""


class InsufficientStock(SalesOrderError, ValueError):
    """A reservation does not fit in what is available; nothing was reserved."""

    def __init__(
        self, sku: str, warehouse: str, available: int | Decimal, requested: int | Decimal
    ) -> None:
        self.sku = sku
        self.warehouse = warehouse
        self.available = available
        self.requested = requested
        super().__init__(
            f"SKU {sku!r} has {available} available in {warehouse!r}, {requested} requested"
        )


class IllegalTransition(SalesOrderError, ValueError):
    """A command that the current status of an aggregate does not allow."""

    def __init__(self, thing: str, status: str, command: str, reason: str = "") -> None:
        self.thing = thing
        self.status = status
        self.command = command
        why = f": {reason}" if reason else ""
        super().__init__(f"cannot {command} {thing} in status {status!r}{why}")


class AmendmentRefused(SalesOrderError, ValueError):
    """An amendment or partial cancellation that cannot be carried out whole."""

    def __init__(self, thing: str, reason: str) -> None:
        self.thing = thing
        self.reason = reason
        super().__init__(f"cannot amend {thing}: {reason}")


class ReturnExceedsDelivered(SalesOrderError, ValueError):
    """A return of more units than were delivered and not yet returned."""

    def __init__(
        self, thing: str, line_id: str, requested: int | Decimal, returnable: int | Decimal
    ) -> None:
        self.thing = thing
        self.line_id = line_id
        self.requested = requested
        self.returnable = returnable
        super().__init__(
            f"{thing} line {line_id!r}: {requested} unit(s) to return, "
            f"{returnable} delivered and not yet returned"
        )


class PaymentError(SalesOrderError, ValueError):
    """A payment that cannot be recorded (wrong currency, not positive, overpaying COD...)."""


class ConcurrencyConflict(SalesOrderError):
    """Another unit of work changed the same aggregate first; retry the command."""


class UniquenessConflict(DuplicateError, ConcurrencyConflict):
    """A uniqueness rule was broken at commit: another unit of work took the value first.

    It is both a :class:`DuplicateError` (for callers) and a :class:`ConcurrencyConflict`
    (so :meth:`~salesorder.services.app.SalesApp.execute` re-runs the command, which then
    sees the committed row and answers as it would have without the race).
    """


class PersistenceError(SalesOrderError):
    """The store could not be reached or failed mid-way; nothing of the unit was written."""


class IntegrityViolation(PersistenceError):
    """A write the database refused by a CHECK, NOT NULL, foreign key or exclusion constraint.

    Not a race lost to another unit of work (that is :class:`UniquenessConflict`): the same
    command would write the same rows again, so it is no :class:`ConcurrencyConflict` and the
    application does not retry it. salesorder's own aggregates keep these rules; a violation
    means a writer that bypassed them. Nothing of the unit was written.

    Attributes:
        rule: the kind of constraint (``"CHECK"``, ``"NOT NULL"``, ``"FOREIGN KEY"``,
            ``"exclusion"``; for another driver, what it said).
        constraint: the constraint's name, when the driver gives it (None otherwise).
        table: the table's name, when the driver gives it (None otherwise).
    """

    def __init__(self, rule: str, constraint: str | None, table: str | None, detail: str) -> None:
        self.rule = rule
        self.constraint = constraint
        self.table = table
        name = f" {constraint!r}" if constraint else ""
        where = f" on table {table!r}" if table else ""
        super().__init__(
            f"the database refused the write ({rule} constraint{name}{where}); "
            f"nothing was written: {detail}"
        )


class SchemaVersionError(PersistenceError):
    """The database schema is at another version than this salesorder; migrate it first."""

    def __init__(self, found: int | None, expected: int) -> None:
        self.found = found
        self.expected = expected
        where = "has no salesorder schema version" if found is None else f"is at {found}"
        super().__init__(
            f"database schema {where}, this salesorder needs version {expected}: "
            "migrate it (see the persistence guide) before use"
        )


class ScenarioError(ValidationError):
    """A scenario file that is not valid; ``path`` points at the bad field."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class ReservationNotFound(NotFound):
    """A reservation that is not held (releasing or confirming it is refused)."""

    def __init__(self, key: str, sku: str, warehouse: str) -> None:
        super().__init__(f"reservation of SKU {sku!r} in {warehouse!r}", key)


class OverReceipt(ValidationError):
    """A goods receipt of more than was ordered, without saying that it is accepted."""


class StaleCount(ValidationError):
    """A stock count taken before movements the count could not have seen."""


class OptimizerUnavailable(SalesOrderError, ImportError):
    """The exact allocation optimizer needs scipy: ``pip install 'salesorder[optimize]'``."""


class InvalidTaxId(ValidationError):
    """A tax identifier (NPWP, MST, TIN, EU VAT number) that fails its format or check digits."""


class CreditLimitExceeded(ValidationError):
    """A credit note for more than is left to credit on its invoice; nothing was changed."""


class MissingExchangeRate(CurrencyMismatch):
    """A payment in another currency than its order or invoice, given without a rate."""

    def __init__(self, expected: str, given: str, what: str) -> None:
        SalesOrderError.__init__(
            self,
            f"{what} is in {given} but the order is in {expected}: "
            f"give an exchange rate ({given} -> {expected})",
        )
        self.left = expected
        self.right = given
        self.what = what
        self.against = "the order"


class UnsafeXml(ValidationError):
    """XML from outside that declares a DTD or entities (XXE, entity expansion bombs)."""


class UnknownShop(NotFound):
    """A marketplace payload or command for a shop (channel) that is not registered."""

    def __init__(self, channel: str) -> None:
        super().__init__("marketplace channel", channel)


class MalformedPayload(ValidationError):
    """A marketplace payload that cannot be read as an order (bad JSON, missing fields)."""


class RevisionConflict(SalesOrderError, ValueError):
    """The same revision of a marketplace order (or a settlement report) with other content."""


class ListingRejected(ValidationError):
    """A listing that breaks the marketplace profile's limits; every problem is listed."""

    def __init__(self, channel: str, item: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"listing {item!r} for {channel!r} refused: " + "; ".join(problems))


class NotOnPickList(NotFound):
    """A pick confirmed for a SKU (or order line) that is not on the wave's pick list."""

    def __init__(self, wave_id: str, what: str) -> None:
        super().__init__(f"pick list line of wave {wave_id!r}", what)


class PackExceedsPicked(ValidationError):
    """A parcel that would hold more units of an order line than were picked and not packed."""

    def __init__(
        self, order_id: str, line_id: str, requested: int | Decimal, packable: int | Decimal
    ) -> None:
        self.order_id = order_id
        self.line_id = line_id
        self.requested = requested
        self.packable = packable
        super().__init__(
            f"order {order_id!r} line {line_id!r}: {requested} unit(s) to pack, "
            f"{packable} picked and not yet packed"
        )


class UnknownParcel(NotFound):
    """A manifest names a parcel that does not exist (or cannot be handed over)."""

    def __init__(self, parcel_id: str) -> None:
        super().__init__("parcel", parcel_id)


class TemplateError(ValidationError):
    """A notification template that uses a field its event does not provide, or is missing."""


class NotificationFailed(SalesOrderError):
    """A notification channel refused or failed to send a message; it is kept for a retry."""


class UnknownShipment(NotFound):
    """A courier's tracking update for a parcel the seller never shipped with that courier."""

    def __init__(self, courier: str, tracking_number: str) -> None:
        self.courier = courier
        self.tracking_number = tracking_number
        super().__init__(f"shipment of courier {courier!r} with tracking number", tracking_number)


class RemittanceConflict(SalesOrderError, ValueError):
    """A COD remittance statement imported again under the same id with other content."""


class DocumentRuleError(ValidationError):
    """A document that would break a rule of its syntax or of the law, refused unwritten.

    Refused before it is written or issued: a line the syntax cannot express, a VAT invoice
    without the seller's tax id, a breakdown the syntax's rules reject.

    ``document`` names the document (``"invoice 'INV-000001'"``), ``rule`` the rule
    (``"BR-CO-17"``, ``"BR-S-02"``), ``line`` the line at fault when there is one.
    """

    def __init__(self, document: str, rule: str, detail: str, *, line: str = "") -> None:
        self.document = document
        self.rule = rule
        self.line = line
        where = f" line {line!r}:" if line else ":"
        super().__init__(f"{document}{where} {detail} ({rule})")


class DiscountExceedsOrder(ValidationError):
    """An order discount the caller gave that is more than the order it comes off.

    A promotion's discount is capped at what the order is worth (and the trace says so); a
    discount the caller states on the order is refused instead, before anything is priced
    with it, as a figure that cannot be what was meant.

    Attributes:
        order: the order's id ("" when priced without one).
        discount: the discount asked for (a ``Money``).
        order_amount: what the order comes to before it, after the lines' own discounts.
    """

    def __init__(self, order: str, discount: object, order_amount: object) -> None:
        self.order = order
        self.discount = discount
        self.order_amount = order_amount
        where = f"order {order!r}" if order else "the order"
        super().__init__(
            f"order discount {discount} is more than {where} comes to ({order_amount}, after "
            "its lines' own discounts)"
        )


class MalformedDocument(ValidationError):
    """A document from outside (JSON or XML) that cannot be read safely.

    Bad syntax, an encoding it does not declare or that cannot be decoded, or beyond the
    library's limits: too large, nested too deep, a number with too many digits. ``what``
    names the document (``"scenario"``, ``"Shopee push"``, ``"XML document"``).
    """

    def __init__(self, what: str, problem: str) -> None:
        self.what = what
        self.problem = problem
        super().__init__(f"{what}: {problem}")
