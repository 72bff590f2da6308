"""Commands of fulfilment: shipping and tracking, cash on delivery, and returns.

Handled in :mod:`salesorder.services.fulfilment`, :mod:`~salesorder.services.couriers` and
:mod:`~salesorder.services.returns`; import them from :mod:`salesorder.services.commands`.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from salesorder.domain.cod import CodReconciliation, RemittanceStatement
from salesorder.domain.common import (
    as_tuple,
    boolean,
    code,
    each,
    instance_of,
    member_of,
    not_empty,
    optional_code,
    reference,
    spelled,
)
from salesorder.domain.common import reason as reason_text
from salesorder.domain.customers import Address
from salesorder.domain.returns import ReturnOutcome
from salesorder.domain.shipping import FeePayer, ServiceLevel, ShipmentStatus, TrackingEvent
from salesorder.domain.units import Quantity, non_negative_quantity, quantity
from salesorder.services.commands.base import Command, LineQuantity, to_fee_payer, to_service_level

__all__ = [
    "ApproveReturn",
    "FailDelivery",
    "ImportRemittance",
    "InspectReturn",
    "InspectedLine",
    "MarkDelivered",
    "ReattemptDelivery",
    "RebookShipment",
    "ReceiveReturn",
    "ReconcileCod",
    "RecordTracking",
    "RejectReturn",
    "RequestReturn",
    "ResolveReturn",
    "ReturnToSender",
    "ShipOrder",
    "SyncTracking",
]


# -- shipping and tracking (services.fulfilment) ----------------------------------------------


def _outcome(value: ReturnOutcome | str) -> ReturnOutcome:
    return spelled(ReturnOutcome, value)


_line_quantities = each(instance_of(LineQuantity))


@attrs.frozen(kw_only=True)
class ShipOrder(Command[str]):
    """Book a courier for the reserved order; returns the shipment id."""

    tag: ClassVar[str] = "ship_order"
    order_id: str = attrs.field(validator=reference)
    courier: str = attrs.field(validator=code)
    service: ServiceLevel = attrs.field(
        default=ServiceLevel.ECONOMY, converter=to_service_level, validator=member_of(ServiceLevel)
    )
    fee_payer: FeePayer = attrs.field(
        default=FeePayer.BUYER, converter=to_fee_payer, validator=member_of(FeePayer)
    )
    #: Ship only what is reserved in this warehouse (a partial shipment); None ships all.
    warehouse: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class SyncTracking(Command[ShipmentStatus]):
    """Pull the courier's updates for a shipment; a delivery marks the order delivered."""

    tag: ClassVar[str] = "sync_tracking"
    shipment_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class RebookShipment(Command[str]):
    """Send a parcel the courier has not picked up to another address; returns its reference.

    The shipment changes, so it is booked anew (a new booking reference) and the booking
    made for the old address, if any, is cancelled with the courier. The fee the buyer was
    charged stays as it was quoted.
    """

    tag: ClassVar[str] = "rebook_shipment"
    shipment_id: str = attrs.field(validator=code)
    destination: Address = attrs.field(validator=instance_of(Address))


@attrs.frozen(kw_only=True)
class RecordTracking(Command["list[str]"]):
    """Apply tracking updates a courier pushed (a webhook); returns the shipments moved.

    Updates for a parcel the seller never shipped with ``courier`` are refused
    (:class:`~salesorder.exceptions.UnknownShipment`) and nothing is applied.
    """

    tag: ClassVar[str] = "record_tracking"
    courier: str = attrs.field(validator=code)
    events: tuple[TrackingEvent, ...] = attrs.field(
        converter=as_tuple, validator=each(instance_of(TrackingEvent))
    )


@attrs.frozen(kw_only=True)
class MarkDelivered(Command[None]):
    """Record a delivery by hand (a courier without tracking, a pickup at the shop)."""

    tag: ClassVar[str] = "mark_delivered"
    order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class FailDelivery(Command[None]):
    """The courier could not deliver (buyer absent, refused, wrong address)."""

    tag: ClassVar[str] = "fail_delivery"
    order_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class ReattemptDelivery(Command[None]):
    """The courier tries again after a failed delivery."""

    tag: ClassVar[str] = "reattempt_delivery"
    order_id: str = attrs.field(validator=reference)


@attrs.frozen(kw_only=True)
class ReturnToSender(Command[None]):
    """The courier gives up after a failed delivery and brings the goods back.

    The goods go back into the warehouses they left (as a return to stock in the ledger).
    """

    tag: ClassVar[str] = "return_to_sender"
    order_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


# -- cash on delivery (services.couriers) -----------------------------------------------------


@attrs.frozen(kw_only=True)
class ImportRemittance(Command[CodReconciliation]):
    """Import a courier's COD remittance statement; returns the courier's reconciliation.

    Importing the same statement again changes nothing; another statement under the same id
    is refused. Cash collected for a delivered COD order is recorded as its payment.
    """

    tag: ClassVar[str] = "import_remittance"
    statement: RemittanceStatement = attrs.field(validator=instance_of(RemittanceStatement))


@attrs.frozen(kw_only=True)
class ReconcileCod(Command[CodReconciliation]):
    """Reconcile every imported statement of ``courier`` against its COD shipments."""

    tag: ClassVar[str] = "reconcile_cod"
    courier: str = attrs.field(validator=code)


# -- returns (services.returns) ---------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RequestReturn(Command[str]):
    """The buyer asks to send back delivered units of some lines; returns the return's id.

    Refused (:class:`~salesorder.exceptions.ReturnExceedsDelivered`) when a line would have
    more units coming back than were delivered and are not yet returned or asked for by
    another open return. The same ``key`` for the same order again returns the first
    return's id and changes nothing.
    """

    tag: ClassVar[str] = "request_return"
    order_id: str = attrs.field(validator=reference)
    lines: tuple[LineQuantity, ...] = attrs.field(
        converter=as_tuple, validator=[not_empty, _line_quantities]
    )
    reason: str = attrs.field(default="", validator=reason_text)
    key: str = attrs.field(default="", validator=reference)


@attrs.frozen(kw_only=True)
class ApproveReturn(Command[None]):
    """The seller accepts a requested return: the buyer may send the goods."""

    tag: ClassVar[str] = "approve_return"
    return_id: str = attrs.field(validator=reference)
    note: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class RejectReturn(Command[None]):
    """The seller refuses a requested return."""

    tag: ClassVar[str] = "reject_return"
    return_id: str = attrs.field(validator=reference)
    reason: str = attrs.field(default="", validator=reason_text)


@attrs.frozen(kw_only=True)
class ReceiveReturn(Command[None]):
    """The parcel of an approved return is back; ``lines`` say how many units of each came.

    No ``lines``: every requested unit came. The units are recorded on the order as
    returned (its status becomes partly returned or returned) and valued; they wait for
    inspection before they go back to stock.
    """

    tag: ClassVar[str] = "receive_return"
    return_id: str = attrs.field(validator=reference)
    lines: tuple[LineQuantity, ...] = attrs.field(
        default=(), converter=as_tuple, validator=_line_quantities
    )


@attrs.frozen(kw_only=True)
class InspectedLine:
    """What inspection found of one returned line: units sellable and units damaged.

    Both are exact, in the order line's unit (0.05 kg sellable, 0.05 kg damaged); the
    handler checks them against the unit.
    """

    line_id: str = attrs.field(validator=code)
    sellable: Quantity = attrs.field(default=0, converter=quantity, validator=non_negative_quantity)
    damaged: Quantity = attrs.field(default=0, converter=quantity, validator=non_negative_quantity)


@attrs.frozen(kw_only=True)
class InspectReturn(Command[None]):
    """Inspect a received return: sellable units back to stock, damaged ones written off.

    Every unit is received into ``warehouse`` (by default the warehouse the line shipped
    from) as a return in the stock ledger; damaged units are then written off, also in the
    ledger. No ``lines``: every received unit is sellable.
    """

    tag: ClassVar[str] = "inspect_return"
    return_id: str = attrs.field(validator=reference)
    lines: tuple[InspectedLine, ...] = attrs.field(
        default=(), converter=as_tuple, validator=each(instance_of(InspectedLine))
    )
    warehouse: str | None = attrs.field(default=None, validator=optional_code)


@attrs.frozen(kw_only=True)
class ResolveReturn(Command[str | None]):
    """Close an inspected return with ``outcome``; returns the exchange order's id, if any.

    The received goods' value (shares of their lines' gross) is taken off what the order
    owes, through credit notes on the invoices that list them, and what was paid beyond the
    new amount due is refunded (``REFUND``) or goes to the customer's credit
    (``CREDIT_NOTE``, ``EXCHANGE``: the exchange order is paid from it, and what it does
    not take stays on the credit). With ``include_shipping`` the order's shipping charge is
    given back too (once per order). ``NONE`` changes no money.
    """

    tag: ClassVar[str] = "resolve_return"
    return_id: str = attrs.field(validator=reference)
    outcome: ReturnOutcome = attrs.field(converter=_outcome, validator=member_of(ReturnOutcome))
    include_shipping: bool = attrs.field(default=False, validator=boolean)
