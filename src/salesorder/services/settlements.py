"""Marketplace payout reports: imported once each, reconciled against the expected payouts.

The reads over them (the expected payout of an order, a report reconciled again, an
order's profit) are in :mod:`salesorder.services.views`.
"""

from __future__ import annotations

from salesorder.domain.fees import Reconciliation, reconcile
from salesorder.services.app import SalesApp
from salesorder.services.channel_accounts import account, gateway, profile
from salesorder.services.commands import ImportSettlements
from salesorder.services.views import expected_payouts

__all__ = ["import_settlements"]


def import_settlements(app: SalesApp, command: ImportSettlements) -> list[Reconciliation]:
    """Import the channel's new payout reports and reconcile each against expected payouts.

    A report imported before is skipped (the same id with other content raises
    :class:`~salesorder.exceptions.RevisionConflict`). Each report is imported in its own
    unit of work. Returns the reconciliations of the reports imported now.
    """
    shop = gateway(app, command.channel)
    fees = profile(shop.channel)
    results: list[Reconciliation] = []
    for report in shop.fetch_settlements():
        with app.transaction() as tx:
            known = account(tx.uow, command.channel)
            before = frozenset(
                line.external_id for earlier in known.settlements for line in earlier.lines
            )
            if not known.add_settlement(report):
                continue
            expected = expected_payouts(
                tx.uow, fees, command.channel, (line.external_id for line in report.lines)
            )
        results.append(reconcile(report, expected, settled_before=before))
    return results
