"""Purchasing: suppliers, reorder proposals, purchase orders and goods receipts.

A :class:`PurchaseOrder` goes draft -> sent -> partly received -> received -> closed (a sent
or partly received order may also be closed short). A :class:`GoodsReceipt` records what
arrived against it, line by line: units accepted into stock, units rejected (damaged), and
the discrepancies in words. Receiving more than was ordered is refused with
:class:`~salesorder.exceptions.OverReceipt` unless the receipt says it is accepted.

:func:`propose_reorders` proposes what to buy when a SKU's stock position (available plus
incoming on open purchase orders) is at or below its reorder point.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence

import attrs

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
    non_negative_int,
    positive_int,
    reason,
)
from salesorder.domain.inventory import StockItem
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
    "propose_reorders",
]


@attrs.frozen(kw_only=True)
class SupplierItem:
    """A SKU a supplier sells: unit cost, lead time in days, minimum order quantity."""

    sku: str = attrs.field(validator=code)
    unit_cost: Money = attrs.field(validator=money)
    lead_time_days: int = attrs.field(default=0, validator=int_between(0, MAX_DAYS))
    min_quantity: int = attrs.field(default=1, validator=positive_int)


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
    """Units of a SKU ordered from the supplier, and how many have been received."""

    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)
    unit_cost: Money
    received: int = attrs.field(default=0, validator=non_negative_int)

    @property
    def outstanding(self) -> int:
        """Units still to come (never below zero)."""
        return max(0, self.quantity - self.received)


@attrs.frozen(kw_only=True)
class ReceiptLine:
    """What arrived of one SKU: ``quantity`` accepted into stock, ``rejected`` refused."""

    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=non_negative_int)
    rejected: int = attrs.field(default=0, validator=non_negative_int)
    note: str = attrs.field(default="", validator=reason)

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

    def outstanding(self, sku: str) -> int:
        """Units of ``sku`` still incoming (0 unless open)."""
        if not self.is_open:
            return 0
        return sum(line.outstanding for line in self.lines if line.sku == sku)

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

        Raises:
            IllegalTransition: the order is not sent or partly received.
            ValidationError: a SKU is not on the order, or repeated in the receipt.
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
            if line.quantity > ordered.outstanding:
                if not accept_over:
                    raise OverReceipt(
                        f"{self.thing}: {line.quantity} of SKU {line.sku!r} received, "
                        f"{ordered.outstanding} outstanding; pass accept_over=True to accept"
                    )
                discrepancies.append(
                    f"{line.sku}: {line.quantity - ordered.outstanding} more than outstanding"
                )
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
    quantity: int
    unit_cost: Money
    lead_time_days: int
    reason: str


def propose_reorders(
    items: Iterable[StockItem],
    incoming: Mapping[tuple[str, str], int],
    suppliers: Iterable[Supplier],
) -> list[ReorderProposal]:
    """Proposals for every item whose position is at or below its reorder point.

    Position is available (on hand minus reserved minus safety stock) plus ``incoming``
    (outstanding on open purchase orders). The supplier is the one with the shortest lead
    time, then the lowest unit cost, then its code; the quantity is the reorder quantity,
    raised to the supplier's minimum. Items with no reorder quantity, or no supplier, get no
    proposal.
    """
    catalog = list(suppliers)
    proposals = []
    for item in sorted(items, key=lambda i: i.key):
        if not item.reorder_quantity:
            continue
        position = item.available + incoming.get(item.key, 0)
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
                reason=(
                    f"position {position} (available {item.available} + incoming "
                    f"{incoming.get(item.key, 0)}) is at or below the reorder point "
                    f"{item.reorder_point}; {supplier.code} delivers in "
                    f"{offer.lead_time_days} days"
                ),
            )
        )
    return proposals
