"""Couriers: bookings and cancellations through the outbox, and COD remittances.

A booking is made in two steps. ``ShipOrder`` commits the shipment as booking requested
(``ShipmentStatus.REQUESTED``), with the booking reference
:meth:`~salesorder.domain.shipping.Shipment.request_booking` derives from what the shipment
says, and writes the booking to the outbox in the same unit of work. The dispatcher then
books (:func:`book_courier`) with a request built from the stored shipment, so the label
always carries what the shipment says, and records the tracking number and label in a
unit of work of its own, raising ``OrderShipped`` and writing the marketplace's tracking
push. A booking that comes back for a shipment that changed or was cancelled meanwhile is
not recorded: its cancellation is written to the outbox instead (:func:`cancel_booking`).

Tracking lives with shipping (:mod:`salesorder.services.fulfilment`); the rest of this module
handles the cash side of cash on delivery.
"""

from __future__ import annotations

from salesorder.domain.cod import CodReconciliation, RemittanceStatement
from salesorder.domain.events import OrderShipped
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.outbox import Call, CallKind
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import Shipment, ShipmentStatus
from salesorder.exceptions import RemittanceConflict
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.billing import receive_payment
from salesorder.services.commands import ImportRemittance, ReconcileCod
from salesorder.services.outbox import Sent, enqueue
from salesorder.services.views import cod_reconciliation, cod_reconciliation_of

__all__ = [
    "book_courier",
    "cancel_booking",
    "cancel_live_booking",
    "cod_payment_reference",
    "import_remittance",
    "reconcile_cod",
    "request_booking",
]


def request_booking(tx: Transaction, shipment: Shipment, base: str) -> None:
    """Ask in ``tx`` for a booking of what ``shipment`` says now (see the module docstring).

    A booking recorded for what the shipment said before is cancelled with the courier.
    """
    dropped = shipment.request_booking(base)
    if dropped is not None:
        _cancel(tx, shipment, dropped)
    enqueue(
        tx,
        Call(
            kind=CallKind.BOOK_COURIER,
            target=shipment.courier,
            subject=shipment.id,
            reference=shipment.booking_reference,
        ),
    )


def _cancel(tx: Transaction, shipment: Shipment, tracking_number: str) -> None:
    enqueue(
        tx,
        Call(
            kind=CallKind.CANCEL_BOOKING,
            target=shipment.courier,
            subject=shipment.id,
            reference=tracking_number,
        ),
    )


def cancel_live_booking(tx: Transaction, shipment: Shipment) -> None:
    """Cancel ``shipment`` in ``tx``, and its booking with the courier once it exists.

    A booking already made is cancelled through the outbox; one not made yet is refused
    when it comes back (:func:`book_courier`) and cancelled then.
    """
    tracking_number = shipment.cancel()
    if tracking_number is not None:
        _cancel(tx, shipment, tracking_number)


def book_courier(app: SalesApp, call: Call) -> Sent:
    """Book the parcel the stored shipment describes, under the call's reference.

    Nothing is booked when the shipment wants another booking by now (it changed, or was
    cancelled): a newer call books what it says.
    """
    courier = app.courier(call.target)
    with app.uow() as uow:
        shipment = uow.shipments.get(call.subject)
    if shipment.booking_reference != call.reference or shipment.status is not (
        ShipmentStatus.REQUESTED
    ):
        return Sent(result="superseded: the shipment wants another booking")
    booking = courier.book(shipment.request())

    def record(tx: Transaction) -> None:
        stored = tx.uow.shipments.get(call.subject)
        if not stored.booked(call.reference, booking):
            _cancel(tx, stored, booking.tracking_number)
            return
        tx.raise_event(
            OrderShipped(
                order_id=stored.order_id,
                at=tx.now,
                shipment_id=stored.id,
                courier=stored.courier,
                tracking_number=booking.tracking_number,
            )
        )
        order = tx.uow.orders.get(stored.order_id)
        channel = order.channel
        if channel.kind.is_marketplace and order.external_ref and channel.code in app.marketplaces:
            enqueue(
                tx,
                Call(
                    kind=CallKind.PUSH_TRACKING,
                    target=channel.code,
                    subject=order.external_ref,
                    courier=stored.courier,
                    reference=booking.tracking_number,
                ),
            )

    return Sent(result=booking.tracking_number, record=record)


def cancel_booking(app: SalesApp, call: Call) -> Sent:
    """Cancel the booking ``call.reference`` (a tracking number) with the courier."""
    app.courier(call.target).cancel(call.reference)
    return Sent(result=f"cancelled {call.reference}")


def cod_payment_reference(courier: str, tracking_number: str) -> str:
    """The payment reference of the COD cash collected for a parcel (one payment per parcel)."""
    return f"COD-{courier}-{tracking_number}"


def _record_cash(
    app: SalesApp, tx: Transaction, result: CodReconciliation, statement: RemittanceStatement
) -> None:
    """Record the cash of ``statement``'s matched parcels as payments of delivered orders."""
    uow = tx.uow
    for item in result.shipments:
        if statement.id not in item.statement_ids or not item.collected.is_positive:
            continue
        reference = cod_payment_reference(statement.courier, item.tracking_number)
        if uow.payments.find_by_reference(reference) is not None:
            continue
        order = uow.orders.get(item.order_id)
        if order.status is not OrderStatus.DELIVERED or order.currency != item.collected.currency:
            continue  # not delivered in our books yet: the reconciliation still lists it
        receive_payment(
            app, tx, order, item.collected, method=PaymentMethod.COD, reference=reference
        )


def import_remittance(app: SalesApp, command: ImportRemittance) -> CodReconciliation:
    """Store a remittance statement once and reconcile the courier's COD shipments.

    The same statement again is a no-op; another statement under the same (courier, id) is
    refused. For each parcel the new statement settles, the cash collected is recorded as a
    COD payment of its order when the order is delivered (reference
    :func:`cod_payment_reference`, so it is never recorded twice).

    Raises:
        RemittanceConflict: a different statement with this id was imported before.
    """
    statement = command.statement
    with app.transaction() as tx:
        stored = tx.uow.cod_statements.find(statement.key)
        if stored is not None and not stored.same_as(statement):
            raise RemittanceConflict(
                f"COD statement {statement.id!r} of {statement.courier!r} was imported before "
                "with other content"
            )
        if stored is None:
            tx.uow.cod_statements.add(statement)
        result = cod_reconciliation_of(tx.uow, statement.courier, app.settings.currency)
        if stored is None:
            _record_cash(app, tx, result, statement)
        return result


def reconcile_cod(app: SalesApp, command: ReconcileCod) -> CodReconciliation:
    """Every imported statement of the courier against its COD shipments; changes nothing.

    A query kept as a command; the answer is :func:`salesorder.services.views.cod_reconciliation`.
    """
    return cod_reconciliation(app, command.courier)
