"""Couriers' COD remittances: import statements once, reconcile them per shipment.

Tracking lives with shipping (:mod:`salesorder.services.fulfilment`); this module handles the
cash side of cash on delivery.
"""

from __future__ import annotations

from salesorder.domain.cod import CodReconciliation, RemittanceStatement
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.payments import PaymentMethod
from salesorder.exceptions import RemittanceConflict
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.billing import receive_payment
from salesorder.services.commands import ImportRemittance, ReconcileCod
from salesorder.services.views import cod_reconciliation, cod_reconciliation_of

__all__ = ["cod_payment_reference", "import_remittance", "reconcile_cod"]


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
