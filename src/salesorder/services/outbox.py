"""The outbox: write calls to the outside world with the change, make them after the commit.

A use case that wants a courier booked, a marketplace told, an e-invoice submitted or a
customer messaged calls :func:`enqueue` (or :func:`set_value` for a stock push) inside its
unit of work; the call is stored if and only if the change is. :func:`dispatch` makes the
calls that are due, each in three steps:

1. **take** the item in a unit of work of its own (a lease: a second dispatcher skips it);
2. **call** the outside world through the item's sender (``SalesApp.senders``, by
   :class:`~salesorder.domain.outbox.CallKind`), outside any unit of work;
3. **record** the outcome in one unit of work: the sender's own follow-up (a booking's
   tracking number on its shipment, say) and the item sent; or the failure, with the next
   attempt after the policy's backoff, or dead after its last attempt.

A call is therefore made at least once, and, since every sender passes the item's
idempotency key or sets a value (a retried booking gets the same booking back), its effect
happens once. A crash between the call and the record leaves the lease to run out, and the
call is made again, to the same effect.

An application with ``dispatch_after_commit`` (the default) dispatches the items a unit of
work wrote right after it commits, so callers see the booking at once; a failed call is left
for a later :class:`~salesorder.services.commands.DispatchOutbox` (run one from a scheduler
or a worker loop). The operator's commands list, retry and discard items.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from salesorder import logs
from salesorder.domain.outbox import Call, DispatchReport, OutboxItem, OutboxState
from salesorder.exceptions import (
    ConcurrencyConflict,
    IllegalTransition,
    NotFound,
    SalesOrderError,
    ValidationError,
)
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import (
    DiscardOutbox,
    DispatchOutbox,
    ListOutbox,
    RetryOutbox,
)
from salesorder.services.notifications import outbox_context

__all__ = [
    "DispatchReport",
    "Sent",
    "discard_outbox",
    "dispatch",
    "dispatch_outbox",
    "enqueue",
    "list_outbox",
    "retry_outbox",
    "set_value",
]


@attrs.frozen(kw_only=True)
class Sent:
    """What a sender made of its call: a note for people, and what to record.

    ``record`` runs in the unit of work that marks the item sent, so the call's answer
    (a tracking number, an e-invoice reference) is stored together with that mark.
    """

    result: str = ""
    record: Callable[[Transaction], None] | None = None


#: A sender makes one kind of call; it raises when the call failed.
Sender = Callable[[SalesApp, Call], Sent]


def _log() -> logging.Logger:
    return logs.logger(logs.OUTBOX)


def enqueue(tx: Transaction, call: Call) -> OutboxItem | None:
    """Write ``call`` to the outbox in ``tx``; None when an item with its key exists.

    The same call again (a retried command, a redelivery) adds nothing: its key is
    already there, pending or sent.
    """
    if tx.uow.outbox.find(call.key) is not None:
        return None
    item = OutboxItem(call=call, written_at=tx.now, seq=len(tx.outbox) + 1)
    tx.uow.outbox.add(item)
    tx.outbox.append(item.key)
    if _log().isEnabledFor(logging.DEBUG):
        _log().debug("outbox %s written", item.key, extra=outbox_context(item))
    return item


def set_value(tx: Transaction, call: Call, *, force: bool = False) -> bool:
    """Make ``call`` the value its slot holds (a stock push): pending unless already so.

    ``force`` sends it again even when the same value was sent. Returns True when the
    outbox changed.
    """
    found = tx.uow.outbox.find(call.key)
    if found is None:
        return enqueue(tx, call) is not None
    if not found.replace(call, tx.now, force=force):
        return False
    tx.outbox.append(found.key)
    return True


def _take(app: SalesApp, key: str) -> OutboxItem | None:
    """Lease the item for this dispatcher; None when it is not due or another holds it."""
    try:
        with app.uow() as uow:
            item = uow.outbox.find(key)
            now = app.clock.now()
            if item is None or not item.due(now):
                return None
            item.take(now, app.outbox_policy.lease)
            uow.commit()
            return item
    except ConcurrencyConflict:
        if _log().isEnabledFor(logging.DEBUG):
            _log().debug("outbox %s skipped: another dispatcher took it", key, extra=_key(key))
        return None  # another dispatcher took it first


def _key(key: str) -> dict[str, Any]:
    return logs.context(key=key)


#: Refusals no retry can cure: the item is dead-lettered at once.
_FINAL = (ValidationError, NotFound, IllegalTransition)


def _record(app: SalesApp, key: str, outcome: Sent | BaseException) -> OutboxState:
    """Store what became of the call; retried on conflicts like a command."""
    attempts = app.retries
    while True:
        try:
            with app.transaction() as tx:
                item = tx.uow.outbox.get(key)
                if isinstance(outcome, Sent):
                    if outcome.record is not None:
                        outcome.record(tx)
                    item.sent(tx.now, outcome.result)
                else:
                    item.failed(
                        tx.now,
                        f"{type(outcome).__name__}: {outcome}",
                        app.outbox_policy,
                        app.random(),
                        final=isinstance(outcome, _FINAL),
                    )
                recorded = item
        except ConcurrencyConflict as conflict:  # noqa: PERF203 - a retry loop is the point
            if _log().isEnabledFor(logging.WARNING):
                _log().warning(
                    "outbox %s: recording the outcome conflicted, %s: %s",
                    key,
                    "gave up" if attempts <= 0 else "retrying",
                    conflict,
                    extra=logs.context(key=key, error=conflict),
                )
            if attempts <= 0:
                raise
            attempts -= 1
            app.backoff(app.retries - attempts)
        else:
            _log_outcome(recorded, outcome)
            return recorded.state


def _log_outcome(item: OutboxItem, outcome: Sent | BaseException) -> None:
    """Sent is INFO, failed (due again) WARNING, dead-lettered ERROR."""
    log = _log()
    if isinstance(outcome, Sent):
        if log.isEnabledFor(logging.INFO):
            log.info(
                "outbox %s sent (attempt %d)%s",
                item.key,
                item.attempts,
                f": {outcome.result}" if outcome.result else "",
                extra=outbox_context(item),
            )
    elif item.state is OutboxState.DEAD:
        log.error(
            "outbox %s dead after attempt %d: %s: %s",
            item.key,
            item.attempts,
            type(outcome).__name__,
            outcome,
            extra=outbox_context(item, outcome),
        )
    elif log.isEnabledFor(logging.WARNING):
        log.warning(
            "outbox %s failed (attempt %d), due again at %s: %s: %s",
            item.key,
            item.attempts,
            item.next_attempt_at.isoformat() if item.next_attempt_at else "once due",
            type(outcome).__name__,
            outcome,
            extra=outbox_context(item, outcome),
        )


def _send(app: SalesApp, item: OutboxItem) -> Sent | BaseException:
    try:
        sent: object = app.senders[item.call.kind](app, item.call)
    except Exception as error:  # any failure of the far side is retried
        return error
    if not isinstance(sent, Sent):
        return TypeError(f"the sender of {item.call.kind.value} returned {sent!r}, not Sent")
    return sent


def dispatch(
    app: SalesApp, *, keys: Iterable[str] | None = None, limit: int = 100
) -> DispatchReport:
    """Make the calls that are due (only those of ``keys`` when given), oldest first.

    Returns what became of each; never raises for a failed call (it stays in the outbox).
    """
    if keys is None:
        with app.uow() as uow:
            wanted = [item.key for item in uow.outbox.due(app.clock.now(), limit)]
    else:
        wanted = list(dict.fromkeys(keys))
    report: dict[str, list[str]] = {"sent": [], "failed": [], "dead": [], "skipped": []}
    for key in wanted:
        item = _take(app, key)
        if item is None:
            report["skipped"].append(key)
            continue
        state = _record(app, key, _send(app, item))
        if state is OutboxState.SENT:
            report["sent"].append(key)
        elif state is OutboxState.DEAD:
            report["dead"].append(key)
        else:
            report["failed"].append(key)
    return DispatchReport(**{name: tuple(keys) for name, keys in report.items()})


def dispatch_now(app: SalesApp, keys: list[str]) -> None:
    """Dispatch what a unit of work just wrote; whatever fails is left for a later run.

    Called by :meth:`SalesApp.transaction` after a commit: the command has committed, so
    nothing here may look like its failure.
    """
    try:
        dispatch(app, keys=keys)
    except SalesOrderError as error:  # the items stay pending for DispatchOutbox
        _log().warning(
            "outbox dispatch after commit failed, %d item(s) left for DispatchOutbox: %s: %s",
            len(keys),
            type(error).__name__,
            error,
            extra=logs.context(key=keys[0] if len(keys) == 1 else None, error=error),
        )


# -- the operator's commands ---------------------------------------------------------------


def dispatch_outbox(app: SalesApp, command: DispatchOutbox) -> DispatchReport:
    """Make up to ``command.limit`` calls that are due (:func:`dispatch`)."""
    return dispatch(app, limit=command.limit)


def list_outbox(app: SalesApp, command: ListOutbox) -> list[OutboxItem]:
    """The items in ``command.states`` (pending and dead by default), oldest first."""
    with app.uow() as uow:
        return uow.outbox.in_states(command.states)


def retry_outbox(app: SalesApp, command: RetryOutbox) -> DispatchReport:
    """Make dead or waiting items due now with a fresh count, then dispatch them.

    With ``command.send`` False they are only made due: the shop's dispatcher sends them.

    Raises:
        NotFound: no item has one of the keys.
        IllegalTransition: one was sent or discarded (nothing is changed then).
    """
    with app.transaction() as tx:
        keys = list(command.keys) or [
            item.key for item in tx.uow.outbox.in_states([OutboxState.DEAD])
        ]
        for key in keys:
            tx.uow.outbox.get(key).retry()
    for key in keys:
        _log().info("outbox %s made due again by an operator", key, extra=_key(key))
    if not command.send:
        return DispatchReport()
    return dispatch(app, keys=keys)


def discard_outbox(app: SalesApp, command: DiscardOutbox) -> None:
    """Never make the call ``command.key`` (an operator gave it up).

    Raises:
        NotFound: no item has the key.
        IllegalTransition: it was sent already.
    """
    with app.transaction() as tx:
        tx.uow.outbox.get(command.key).discard(command.reason)
    _log().info(
        "outbox %s discarded by an operator: %s",
        command.key,
        command.reason,
        extra=_key(command.key),
    )
