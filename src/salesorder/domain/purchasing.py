"""Purchasing: suppliers, reorder proposals, purchase orders and goods receipts.

A :class:`PurchaseOrder` goes draft -> sent -> partly received -> received -> closed (a sent
or partly received order may also be closed short). A :class:`GoodsReceipt` records what
arrived against it, line by line: units accepted into stock, units rejected (damaged), and
the discrepancies in words. Receiving more than was ordered is refused with
:class:`~salesorder.exceptions.OverReceipt` unless the receipt says it is accepted.

:func:`propose_reorders` proposes what to buy when a SKU's stock position (available plus
incoming on open purchase orders) is at or below its reorder point.

Quantities are exact, in the product's own unit (the stock ledger's). A line or a receipt
given in one of the product's purchase units (a box of 12) is converted by
:func:`in_stock_unit`, exactly or not at all.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.catalog import Product
from salesorder.domain.common import (
    MAX_DAYS,
    as_tuple,
    aware_datetime,
    code,
    each,
    instance_of,
    int_between,
    money,
    non_empty,
    optional_code,
    reason,
)
from salesorder.domain.inventory import StockItem
from salesorder.domain.units import (
    InexactConversion,
    Quantity,
    TooManyDecimals,
    decimals_of,
    non_negative_quantity,
    positive_quantity,
    to_quantity,
)
from salesorder.domain.units import quantity as as_quantity
from salesorder.exceptions import (
    DuplicateError,
    IllegalTransition,
    InvalidQuantity,
    OverReceipt,
    ValidationError,
)
from salesorder.money import Money

__all__ = [
    "GoodsReceipt",
    "PurchaseLine",
    "PurchaseOrder",
    "PurchaseOrderStatus",
    "ReceiptLine",
    "ReorderProposal",
    "Supplier",
    "SupplierItem",
    "expected_delivery",
    "in_stock_unit",
    "propose_reorders",
]


def in_stock_unit(
    product: Product, quantity: Quantity, unit: str | None = None, *, what: str
) -> Quantity:
    """``quantity`` of ``unit`` as an exact quantity of ``product``'s own unit.

    ``unit`` None (or the product's unit code) takes ``quantity`` as it is; a purchase unit
    of the product (``"box"``, a box of 12) is converted with its factor (3 boxes are 36
    pieces). ``what`` names the line in messages.

    Raises:
        TooManyDecimals: ``quantity`` in the product's own unit has more decimals than
            the unit allows (0.5 of a piece).
        InexactConversion: the conversion does not come out as a quantity the product's
            unit allows (0.1 box of 12 pieces is 1.2 pieces); nothing is rounded.
        ValidationError: the product has no unit called ``unit``.
    """
    own = product.unit
    if unit is None or unit == own.code:
        return own.check(quantity, what=what)
    conversion = product.purchase_unit(unit)
    given = to_quantity(quantity, what=what)
    try:
        converted: Quantity | None = conversion.to_base(given, what=what)
    except TooManyDecimals:  # more decimals than any quantity may have
        converted = None
    if converted is None or decimals_of(converted) > own.decimals:
        exact = given * conversion.factor
        shown = exact if isinstance(exact, int) else exact.normalize()
        allowed = "whole units" if not own.decimals else f"{own.decimals} decimals"
        raise InexactConversion(
            f"{what}: {given} {unit} of {conversion.factor} {own.code} is {shown} {own.code}, "
            f"{own.code} allows {allowed}"
        )
    return converted


@attrs.frozen(kw_only=True)
class SupplierItem:
    """A SKU a supplier sells: unit cost, lead time in days, minimum order quantity."""

    sku: str = attrs.field(validator=code)
    unit_cost: Money = attrs.field(validator=money)
    lead_time_days: int = attrs.field(default=0, validator=int_between(0, MAX_DAYS))
    min_quantity: Quantity = attrs.field(
        default=1, converter=as_quantity, validator=positive_quantity
    )


@attrs.frozen(kw_only=True)
class Supplier:
    """A supplier and the SKUs it sells."""

    code: str = attrs.field(validator=code)
    name: str = attrs.field(validator=non_empty)
    items: tuple[SupplierItem, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(SupplierItem))
    )

    def item_for(self, sku: str) -> SupplierItem | None:
        """What this supplier sells of ``sku``, or None."""
        return next((item for item in self.items if item.sku == sku), None)


class PurchaseOrderStatus(str, enum.Enum):
    """Where a purchase order is in its life."""

    DRAFT = "draft"
    SENT = "sent"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CLOSED = "closed"


@attrs.frozen(kw_only=True)
class PurchaseLine:
    """Units of a SKU ordered from the supplier, and how many have been received.

    Both in the product's own unit (see :func:`in_stock_unit`).
    """

    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    unit_cost: Money
    received: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )

    @property
    def outstanding(self) -> Quantity:
        """Units still to come (never below zero)."""
        return to_quantity(max(0, self.quantity - self.received))


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """What arrived of one SKU: ``quantity`` accepted into stock, ``rejected`` refused.

    ``unit`` names one of the product's purchase units (``"box"``) when the quantities are
    counted in it; None counts them in the product's own unit. A purchase order records a
    receipt in the product's own unit (see :func:`in_stock_unit`).
    """

    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=non_negative_quantity)
    rejected: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    note: str = attrs.field(default="", validator=reason)
    unit: str | None = attrs.field(default=None, validator=optional_code)

    def __attrs_post_init__(self) -> None:
        if self.quantity == 0 and self.rejected == 0:
            raise InvalidQuantity(f"receipt line of SKU {self.sku!r} has no units")


@attrs.frozen(kw_only=True)
class GoodsReceipt:
    """One delivery against a purchase order, with its discrepancies in words."""

    id: str = attrs.field(validator=code)
    at: dt.datetime = attrs.field(validator=aware_datetime)
    lines: tuple[ReceiptLine, ...] = attrs.field(converter=as_tuple)
    discrepancies: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.define(kw_only=True)
class PurchaseOrder:
    """An order to a supplier for delivery into ``warehouse``."""

    id: str = attrs.field(validator=code)
    supplier: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    created_at: dt.datetime = attrs.field(validator=aware_datetime)
    lines: list[PurchaseLine] = attrs.Factory(list)
    status: PurchaseOrderStatus = PurchaseOrderStatus.DRAFT
    expected_on: dt.date | None = None
    receipts: list[GoodsReceipt] = attrs.Factory(list)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        skus = [line.sku for line in self.lines]
        if len(set(skus)) != len(skus):
            raise DuplicateError(f"purchase order {self.id!r} repeats a SKU: {skus}")

    @property
    def thing(self) -> str:
        """How messages name it."""
        return f"purchase order {self.id!r}"

    @property
    def is_open(self) -> bool:
        """True when sent and neither received in full nor closed (its units are incoming)."""
        return self.status in (PurchaseOrderStatus.SENT, PurchaseOrderStatus.PARTLY_RECEIVED)

    def outstanding(self, sku: str) -> Quantity:
        """Units of ``sku`` still incoming (0 unless open)."""
        if not self.is_open:
            return 0
        return to_quantity(sum(line.outstanding for line in self.lines if line.sku == sku))

    def send(self) -> None:
        """The draft goes to the supplier; it must have lines."""
        if self.status is not PurchaseOrderStatus.DRAFT:
            raise IllegalTransition(self.thing, self.status.value, "send")
        if not self.lines:
            raise IllegalTransition(self.thing, self.status.value, "send", "it has no lines")
        self.status = PurchaseOrderStatus.SENT

    def receive(
        self,
        receipt_id: str,
        lines: Sequence[ReceiptLine],
        at: dt.datetime,
        *,
        accept_over: bool = False,
    ) -> GoodsReceipt:
        """Record a delivery; returns the receipt (its accepted units go into stock).

        ``lines`` count in the product's own unit (convert purchase units first with
        :func:`in_stock_unit`).

        Raises:
            IllegalTransition: the order is not sent or partly received.
            ValidationError: a SKU is not on the order, or repeated in the receipt, or a
                line is counted in a purchase unit.
            OverReceipt: more than outstanding, and ``accept_over`` is False.
            DuplicateError: ``receipt_id`` was already recorded.
        """
        if not self.is_open:
            raise IllegalTransition(self.thing, self.status.value, "receive")
        if any(r.id == receipt_id for r in self.receipts):
            raise DuplicateError(f"goods receipt {receipt_id!r} is already recorded")
        by_sku = {line.sku: line for line in self.lines}
        seen: set[str] = set()
        discrepancies: list[str] = []
        for line in lines:
            ordered = by_sku.get(line.sku)
            if ordered is None:
                raise ValidationError(f"SKU {line.sku!r} is not on {self.thing}")
            if line.sku in seen:
                raise ValidationError(f"SKU {line.sku!r} appears twice in receipt {receipt_id!r}")
            seen.add(line.sku)
            if line.unit is not None:
                raise ValidationError(
                    f"receipt {receipt_id!r} SKU {line.sku!r} counts in {line.unit!r}; "
                    "convert it to the product's unit first"
                )
            if line.quantity > ordered.outstanding:
                if not accept_over:
                    raise OverReceipt(
                        f"{self.thing}: {line.quantity} of SKU {line.sku!r} received, "
                        f"{ordered.outstanding} outstanding; pass accept_over=True to accept"
                    )
                more = to_quantity(line.quantity - ordered.outstanding)
                discrepancies.append(f"{line.sku}: {more} more than outstanding")
            if line.rejected:
                discrepancies.append(f"{line.sku}: {line.rejected} rejected {line.note}".strip())
        receipt = GoodsReceipt(id=receipt_id, at=at, lines=lines, discrepancies=discrepancies)
        got = {line.sku: line.quantity for line in lines}
        self.lines = [
            attrs.evolve(line, received=line.received + got.get(line.sku, 0)) for line in self.lines
        ]
        self.receipts.append(receipt)
        done = all(line.outstanding == 0 for line in self.lines)
        self.status = PurchaseOrderStatus.RECEIVED if done else PurchaseOrderStatus.PARTLY_RECEIVED
        return receipt

    def close(self) -> None:
        """No more deliveries are expected (short-closing an open order is allowed)."""
        if self.status in (PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CLOSED):
            raise IllegalTransition(self.thing, self.status.value, "close")
        self.status = PurchaseOrderStatus.CLOSED


@attrs.frozen(kw_only=True)
class ReorderProposal:
    """Buy ``quantity`` of ``sku`` for ``warehouse`` from ``supplier``, and why."""

    warehouse: str
    sku: str
    supplier: str
    quantity: Quantity
    unit_cost: Money
    lead_time_days: int
    reason: str
    #: When the goods are due if ordered on the day given to :func:`propose_reorders`
    #: (None when no day was given).
    expected_on: dt.date | None = None


def expected_delivery(
    ordered_on: dt.date, lead_time_days: int, calendar: BusinessCalendar | None = None
) -> dt.date:
    """The day goods ordered on ``ordered_on`` arrive, ``lead_time_days`` later.

    With a ``calendar`` the lead time counts its business days (weekends, public holidays
    and the shop's closed days are skipped); without one, every day counts.
    """
    if calendar is None:
        return ordered_on + dt.timedelta(days=lead_time_days)
    return calendar.add_business_days(ordered_on, lead_time_days)


def propose_reorders(
    items: Iterable[StockItem],
    incoming: Mapping[tuple[str, str], Quantity],
    suppliers: Iterable[Supplier],
    *,
    ordered_on: dt.date | None = None,
    calendar: BusinessCalendar | None = None,
) -> list[ReorderProposal]:
    """Proposals for every item whose position is at or below its reorder point.

    Position is available (on hand minus reserved minus safety stock) plus ``incoming``
    (outstanding on open purchase orders). The supplier is the one with the shortest lead
    time, then the lowest unit cost, then its code; the quantity is the reorder quantity,
    raised to the supplier's minimum. Items with no reorder quantity, or no supplier, get no
    proposal. Given ``ordered_on``, each proposal's ``expected_on`` is
    :func:`expected_delivery` on ``calendar``.
    """
    catalog = list(suppliers)
    proposals = []
    for item in sorted(items, key=lambda i: i.key):
        if not item.reorder_quantity:
            continue
        position = to_quantity(item.available + incoming.get(item.key, 0))
        if position > item.reorder_point:
            continue
        offers = [(s, s.item_for(item.sku)) for s in catalog]
        ranked = sorted(
            ((s, o) for s, o in offers if o is not None),
            key=lambda so: (so[1].lead_time_days, so[1].unit_cost.amount, so[0].code),
        )
        if not ranked:
            continue
        supplier, offer = ranked[0]
        proposals.append(
            ReorderProposal(
                warehouse=item.warehouse,
                sku=item.sku,
                supplier=supplier.code,
                quantity=max(item.reorder_quantity, offer.min_quantity),
                unit_cost=offer.unit_cost,
                lead_time_days=offer.lead_time_days,
                expected_on=(
                    None
                    if ordered_on is None
                    else expected_delivery(ordered_on, offer.lead_time_days, calendar)
                ),
                reason=(
                    f"position {position} (available {item.available} + incoming "
                    f"{incoming.get(item.key, 0)}) is at or below the reorder point "
                    f"{item.reorder_point}; {supplier.code} delivers in "
                    f"{offer.lead_time_days} days"
                ),
            )
        )
    return proposals
