"""The outbox of calls to the outside world and the customer notifications, for people."""

from __future__ import annotations

from collections.abc import Iterable

from salesorder.display._format import clip, count, moment
from salesorder.display._html import Html, block, facts, table
from salesorder.domain.notifications import OutboxEntry
from salesorder.domain.outbox import OutboxItem

__all__ = [
    "entries_html",
    "entry_html",
    "entry_repr",
    "item_html",
    "item_repr",
    "items_html",
]


def _attempts(number: int) -> str:
    return count(number, "attempt")


def item_repr(item: OutboxItem, locale: str) -> str:
    """``<OutboxItem book_courier jnt SHP-000001 sent, 1 attempt>``."""
    del locale
    call = item.call
    return (
        f"<OutboxItem {call.kind.value} {clip(call.target, 24)} {clip(call.subject)} "
        f"{item.state.value}, {_attempts(item.attempts)}>"
    )


def items_html(items: Iterable[OutboxItem]) -> Html:
    """Outbox items as a table, one row each: the call, its state and what came of it."""
    rows = [
        (
            i.call.kind.value,
            i.call.target,
            i.call.subject,
            i.state.value,
            str(i.attempts),
            moment(i.written_at),
            moment(i.next_attempt_at),
            i.result,
            clip(i.last_error, 120),
        )
        for i in items
    ]
    headers = ("call", "to", "about", "state", "attempts", "written", "next try", "result", "error")
    return table(headers, rows, caption=f"Outbox: {count(len(rows), 'call')}")


def item_html(item: OutboxItem, locale: str) -> Html:
    """One outbox item: the call, its state, attempts, times, result and last error."""
    del locale
    return block("outbox-item", f"Outbox {item.call.kind.value}", items_html([item]))


def entry_repr(entry: OutboxEntry, locale: str) -> str:
    """``<OutboxEntry email order_confirmed ORD-000001 sent, 1 attempt>``."""
    del locale
    message = entry.message
    return (
        f"<OutboxEntry {message.channel.value} {message.kind.value} {clip(message.order_id)} "
        f"{entry.status.value}, {_attempts(entry.attempts)}>"
    )


def entries_html(entries: Iterable[OutboxEntry]) -> Html:
    """Customer notifications as a table: channel, recipient, order, kind, status, subject."""
    rows = [
        (
            e.message.channel.value,
            e.message.recipient,
            e.message.order_id,
            e.message.kind.value,
            e.message.locale,
            e.status.value,
            str(e.attempts),
            clip(e.message.subject or e.message.body, 80),
            clip(e.last_error, 120),
        )
        for e in entries
    ]
    headers = ("channel", "to", "order", "kind", "locale", "status", "attempts", "message", "error")
    return table(headers, rows, caption=f"Notifications: {count(len(rows), 'message')}")


def entry_html(entry: OutboxEntry, locale: str) -> Html:
    """One notification: its message in full, and what became of it."""
    del locale
    message = entry.message
    return block(
        "notification",
        f"Notification {message.kind.value} to {message.recipient}",
        facts(
            (
                ("order", message.order_id),
                ("channel", message.channel.value),
                ("status", entry.status.value),
                ("attempts", str(entry.attempts)),
                ("written", moment(entry.written_at)),
                ("sent", moment(entry.sent_at)),
                ("subject", message.subject),
                ("message", message.body),
                ("error", entry.last_error),
            )
        ),
    )
