"""Commands of stock: warehouses, stock levels and reservations, purchasing, warehouse work.

Handled in :mod:`salesorder.services.inventory`, :mod:`~salesorder.services.catalog`,
:mod:`~salesorder.services.purchasing` and :mod:`~salesorder.services.warehouse`; import
them from :mod:`salesorder.services.commands`.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import ClassVar

import attrs

from salesorder.domain.catalog import Dimensions
from salesorder.domain.common import (
    MAX_MINUTES,
    as_tuple,
    aware_datetime,
    boolean,
    code,
    date,
    each,
    instance_of,
    int_between,
    member_of,
    money,
    non_empty,
    non_negative_decimal,
    not_empty,
    optional_code,
    positive_int,
    reference,
    spelled,
)
from salesorder.domain.common import (
    reason as reason_text,
)
from salesorder.domain.customers import Warehouse
from salesorder.domain.purchasing import ReceiptLine, Supplier
from salesorder.domain.shipping import FeePayer, ServiceLevel
from salesorder.domain.units import Quantity, non_negative_quantity, positive_quantity
from salesorder.domain.units import quantity as as_quantity
from salesorder.domain.warehouse import BinLocation
from salesorder.money import Money, to_decimal
from salesorder.services.commands.base import Command, LineQuantity, to_fee_payer, to_service_level

__all__ = [
    "AddSupplier",
    "AddWarehouse",
    "BinAssignment",
    "ChannelAvailability",
    "ClosePurchaseOrder",
    "ConfirmPick",
    "CountStock",
    "CreateManifest",
    "CreatePurchaseOrder",
    "CreateWave",
    "PackParcel",
    "ProposePurchaseOrders",
    "PurchaseLineRequest",
    "ReceiveGoods",
    "ReceiveStock",
    "ReleaseExpiredReservations",
    "ReserveStock",
    "ReturnStock",
    "SendPurchaseOrder",
    "SetBins",
    "SetStockPolicy",
    "ShortPickReason",
    "TransferStock",
    "WriteOffStock",
]


# -- warehouses and stock levels (services.catalog, services.inventory) -----------------------


def _weight(value: Decimal | int | str) -> Decimal:
    return to_decimal(value, what="weight_kg")


@attrs.frozen(kw_only=True)
class AddWarehouse(Command[None]):
    """Register a warehouse."""

    tag: ClassVar[str] = "add_warehouse"
    warehouse: Warehouse = attrs.field(validator=instance_of(Warehouse))


@attrs.frozen(kw_only=True)
class ReceiveStock(Command[Quantity]):
    """Goods received into a warehouse; returns the new quantity on hand.

    ``quantity`` is exact, in the product's unit, or in one of its purchase units when
    ``unit`` names one (``unit="box"``: boxes of 12 pieces); see
    :func:`~salesorder.domain.purchasing.in_stock_unit`.
    """

    tag: ClassVar[str] = "receive_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    unit: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class ReserveStock(Command[str]):
    """Reserve every line, split over warehouses if needed; returns the first warehouse.

    ``split=False``: one warehouse must serve the whole order. ``hold_minutes``: the
    reservations expire after that long (see :class:`ReleaseExpiredReservations`).
    ``backorder=True``: an order that cannot be served whole waits (returns ``""``) and
    goods receipts reserve waiting orders, oldest first. ``partial=True``: what is there
    now is reserved (and may ship), the rest is backordered and topped up by goods
    receipts; returns ``""`` when nothing at all could be reserved.
    """

    tag: ClassVar[str] = "reserve_stock"
    order_id: str = attrs.field(validator=reference)
    split: bool = attrs.field(default=True, validator=boolean)
    backorder: bool = attrs.field(default=False, validator=boolean)
    partial: bool = attrs.field(default=False, validator=boolean)
    #: At most ``MAX_MINUTES`` (ten years).
    hold_minutes: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(int_between(1, MAX_MINUTES))
    )


@attrs.frozen(kw_only=True)
class ReleaseExpiredReservations(Command["list[str]"]):
    """Release the reservations of orders whose hold has expired; returns their ids."""

    tag: ClassVar[str] = "release_expired_reservations"


@attrs.frozen(kw_only=True)
class CountStock(Command[Quantity]):
    """A stock count found ``counted`` units at ``counted_at``; returns the variance posted."""

    tag: ClassVar[str] = "count_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    counted: Quantity = attrs.field(converter=as_quantity, validator=non_negative_quantity)
    counted_at: dt.datetime = attrs.field(validator=aware_datetime)
    reason: str = attrs.field(default="", validator=reason_text)
    document: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class ReturnStock(Command[Quantity]):
    """Goods come back: to stock when ``sellable``, else written off; returns on hand."""

    tag: ClassVar[str] = "return_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    sellable: bool = attrs.field(default=True, validator=boolean)
    reason: str = attrs.field(default="", validator=reason_text)
    document: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class WriteOffStock(Command[Quantity]):
    """Damaged or lost unreserved units leave the books; returns on hand."""

    tag: ClassVar[str] = "write_off_stock"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    reason: str = attrs.field(validator=[non_empty, reason_text])
    document: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class ChannelAvailability(Command["dict[str, Quantity]"]):
    """A query: units of each SKU ``channel`` may offer, by its stock rule.

    What all warehouses have available (on hand minus reserved minus safety stock) minus
    the units of orders not reserved yet (:class:`~salesorder.services.views.Sellable`,
    what stock sync pushes too), less the channel's buffer, times its share (set by
    :class:`SetChannelStockRule`; a channel without a rule may offer all of it). ``skus``
    empty: every SKU with stock.
    """

    tag: ClassVar[str] = "channel_availability"
    channel: str = attrs.field(validator=code)
    skus: tuple[str, ...] = attrs.field(default=(), converter=as_tuple, validator=each(code))


@attrs.frozen(kw_only=True)
class TransferStock(Command[None]):
    """Move unreserved units of ``sku`` between warehouses."""

    tag: ClassVar[str] = "transfer_stock"
    from_warehouse: str = attrs.field(validator=code)
    to_warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    document: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class SetStockPolicy(Command[None]):
    """Set safety stock, reorder point and reorder quantity of one SKU in one warehouse."""

    tag: ClassVar[str] = "set_stock_policy"
    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    safety_stock: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    reorder_point: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )
    reorder_quantity: Quantity = attrs.field(
        default=0, converter=as_quantity, validator=non_negative_quantity
    )


# -- purchasing (services.purchasing) ---------------------------------------------------------


@attrs.frozen(kw_only=True)
class AddSupplier(Command[None]):
    """Register a supplier and what it sells."""

    tag: ClassVar[str] = "add_supplier"
    supplier: Supplier = attrs.field(validator=instance_of(Supplier))


@attrs.frozen(kw_only=True)
class PurchaseLineRequest:
    """A line of a new purchase order; ``unit_cost`` defaults to the supplier's.

    ``quantity`` is exact, in the product's unit, or in one of its purchase units when
    ``unit`` names one (``unit="box"``); the purchase order records it in the product's unit
    (see :func:`~salesorder.domain.purchasing.in_stock_unit`). ``unit_cost`` is per unit of
    the product, as the supplier's.
    """

    sku: str = attrs.field(validator=code)
    quantity: Quantity = attrs.field(converter=as_quantity, validator=positive_quantity)
    unit_cost: Money | None = attrs.field(default=None, validator=attrs.validators.optional(money))
    unit: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class CreatePurchaseOrder(Command[str]):
    """Draft a purchase order to a supplier for delivery into a warehouse; returns its id."""

    tag: ClassVar[str] = "create_purchase_order"
    supplier: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    lines: tuple[PurchaseLineRequest, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(PurchaseLineRequest))
    )
    expected_on: dt.date | None = attrs.field(
        default=None, validator=attrs.validators.optional(date)
    )


@attrs.frozen(kw_only=True)
class ProposePurchaseOrders(Command["list[str]"]):
    """Draft purchase orders for every SKU at or below its reorder point; returns their ids."""

    tag: ClassVar[str] = "propose_purchase_orders"


@attrs.frozen(kw_only=True)
class SendPurchaseOrder(Command[None]):
    """Send a draft purchase order to its supplier."""

    tag: ClassVar[str] = "send_purchase_order"
    purchase_order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class ReceiveGoods(Command[str]):
    """A goods receipt against a purchase order; returns the receipt id.

    Accepted units go into stock; then waiting backorders are reserved, oldest first.
    ``accept_over=True`` accepts more than was outstanding (recorded as a discrepancy). A
    line may count in one of the product's purchase units (``ReceiptLine(unit="box")``): it
    is converted to the product's unit exactly, or refused
    (:class:`~salesorder.domain.units.InexactConversion`).
    """

    tag: ClassVar[str] = "receive_goods"
    purchase_order_id: str = attrs.field(validator=reference)
    lines: tuple[ReceiptLine, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(ReceiptLine))
    )
    accept_over: bool = attrs.field(default=False, validator=boolean)


@attrs.frozen(kw_only=True)
class ClosePurchaseOrder(Command[None]):
    """No more deliveries are expected on a purchase order."""

    tag: ClassVar[str] = "close_purchase_order"
    purchase_order_id: str = attrs.field(validator=reference)


# -- warehouse work: bins, waves, picks, parcels, manifests (services.warehouse) --------------


@attrs.frozen(kw_only=True)
class BinAssignment:
    """SKU ``sku`` lives in bin (``aisle``, ``position``)."""

    sku: str = attrs.field(validator=code)
    aisle: int = attrs.field(validator=positive_int)
    position: int = attrs.field(validator=positive_int)

    @property
    def bin(self) -> BinLocation:
        """The bin."""
        return BinLocation(aisle=self.aisle, position=self.position)


@attrs.frozen(kw_only=True)
class SetBins(Command[None]):
    """Say where SKUs live in ``warehouse`` (the warehouse's layout; later entries win)."""

    tag: ClassVar[str] = "set_bins"
    warehouse: str = attrs.field(validator=code)
    bins: tuple[BinAssignment, ...] = attrs.field(
        converter=as_tuple,
        validator=[not_empty, each(instance_of(BinAssignment))],
    )
    aisle_spacing_m: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_int)
    )


@attrs.frozen(kw_only=True)
class CreateWave(Command[str]):
    """Put reserved orders of ``warehouse`` on one pick list; returns the wave id.

    ``order_ids`` empty takes every reserved order with units in the warehouse that are on
    no pick list yet, oldest first (at most ``max_orders``). ``urgent`` with one order id is
    single-order picking.
    """

    tag: ClassVar[str] = "create_wave"
    warehouse: str = attrs.field(validator=code)
    order_ids: tuple[str, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(reference)
    )
    urgent: bool = attrs.field(default=False, validator=boolean)
    max_orders: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(positive_int)
    )


class ShortPickReason(str, enum.Enum):
    """How a short pick corrects the stock: the units are missing, or found damaged."""

    NOT_FOUND = "not_found"
    DAMAGED = "damaged"


def _short_pick_reason(value: ShortPickReason | str) -> ShortPickReason:
    return spelled(ShortPickReason, value)


@attrs.frozen(kw_only=True)
class ConfirmPick(Command[Quantity]):
    """The picker found ``picked`` units of ``sku`` for wave ``wave_id``; returns units short.

    A shortfall is taken off the stock (a count adjustment, or a write-off when
    ``reason`` is damaged), and each short line is re-allocated from another warehouse or
    backordered.
    """

    tag: ClassVar[str] = "confirm_pick"
    wave_id: str = attrs.field(validator=reference)
    sku: str = attrs.field(validator=code)
    picked: Quantity = attrs.field(converter=as_quantity, validator=non_negative_quantity)
    reason: ShortPickReason = attrs.field(
        default=ShortPickReason.NOT_FOUND,
        converter=_short_pick_reason,
        validator=member_of(ShortPickReason),
    )
    note: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class PackParcel(Command[str]):
    """Pack picked units of an order into a parcel; returns the parcel id.

    ``lines`` empty packs everything picked in ``warehouse`` and not packed yet. Weight and
    dimensions default to the products' (weights added, volumes added).
    """

    tag: ClassVar[str] = "pack_parcel"
    order_id: str = attrs.field(validator=reference)
    warehouse: str = attrs.field(validator=code)
    lines: tuple[LineQuantity, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(LineQuantity))
    )
    weight_kg: Decimal | None = attrs.field(
        default=None,
        converter=attrs.converters.optional(_weight),
        validator=attrs.validators.optional(non_negative_decimal),
    )
    dimensions: Dimensions | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(Dimensions))
    )


@attrs.frozen(kw_only=True)
class CreateManifest(Command[str]):
    """Hand ``parcel_ids`` to ``courier`` at one pickup in ``warehouse``; returns the manifest id.

    Every order with a parcel on the manifest is shipped (booked with the courier) for its
    units in the warehouse, so all its packed parcels there must be on the manifest.
    """

    tag: ClassVar[str] = "create_manifest"
    courier: str = attrs.field(validator=code)
    warehouse: str = attrs.field(validator=code)
    parcel_ids: tuple[str, ...] = attrs.field(
        converter=as_tuple, validator=[not_empty, each(reference)]
    )
    service: ServiceLevel = attrs.field(
        default=ServiceLevel.ECONOMY, converter=to_service_level, validator=member_of(ServiceLevel)
    )
    fee_payer: FeePayer = attrs.field(
        default=FeePayer.BUYER, converter=to_fee_payer, validator=member_of(FeePayer)
    )
