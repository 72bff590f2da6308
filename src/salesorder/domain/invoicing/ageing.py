"""Receivables by days past due: the ageing report over issued invoices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from salesorder.domain.common import as_tuple
from salesorder.domain.invoicing.invoice import Invoice
from salesorder.money import Money

__all__ = ["AgeingBucket", "AgeingReport", "ageing_report"]


@attrs.frozen(kw_only=True)
class AgeingBucket:
    """Open amounts by days past due: not yet due, 1-30, 31-60, 61-90 and over 90 days."""

    label: str
    amount: Money
    invoices: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)


@attrs.frozen(kw_only=True)
class AgeingReport:
    """Receivables on a day, per bucket; ``total`` is the exact sum of the buckets."""

    on: dt.date
    currency: str
    buckets: tuple[AgeingBucket, ...]
    total: Money


_BUCKETS = (("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90), ("90+", None))


def ageing_report(invoices: Iterable[Invoice], on: dt.date, currency: str) -> AgeingReport:
    """Open balances of ``invoices`` in ``currency`` on day ``on``, by days past due."""
    sums: dict[str, list[Money]] = {label: [] for label, _ in _BUCKETS}
    ids: dict[str, list[str]] = {label: [] for label, _ in _BUCKETS}
    for invoice in invoices:
        if invoice.currency != currency or invoice.open_balance.is_zero:
            continue
        late = (on - (invoice.due_date or on)).days
        for label, limit in _BUCKETS:
            if limit is None or late <= limit:
                sums[label].append(invoice.open_balance)
                ids[label].append(invoice.number or invoice.id)
                break
    buckets = tuple(
        AgeingBucket(label=label, amount=Money.sum(sums[label], currency), invoices=ids[label])
        for label, _ in _BUCKETS
    )
    return AgeingReport(
        on=on,
        currency=currency,
        buckets=buckets,
        total=Money.sum((b.amount for b in buckets), currency),
    )
