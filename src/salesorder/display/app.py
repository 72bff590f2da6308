"""An application's one-screen summary (:class:`~salesorder.services.summary.AppSummary`)."""

from __future__ import annotations

from salesorder.display._format import count, moment, money_text
from salesorder.display._html import Html, block, facts, table
from salesorder.services.summary import AppSummary

__all__ = ["STOCK_ROWS", "summary_html", "summary_repr"]

#: The SKUs a summary lists (the first by SKU); the rest are counted, to keep it one screen.
STOCK_ROWS = 20


def _due(summary: AppSummary, locale: str) -> str:
    return ", ".join(money_text(amount, locale) for amount in summary.due) or "nothing"


def summary_repr(summary: AppSummary, locale: str) -> str:
    """``<AppSummary 12 orders, Rp1.200.000,00 due on 3, 5 SKUs>``."""
    due = summary.due
    owed = "nothing due" if not due else f"{_due(summary, locale)} due on {summary.orders_due}"
    if len(due) > 2:  # two currencies still fit on one line
        owed = f"due in {len(due)} currencies on {summary.orders_due}"
    orders, skus = count(summary.order_count, "order"), count(len(summary.stock), "SKU")
    return f"<AppSummary {orders}, {owed}, {skus}>"


def summary_html(summary: AppSummary, locale: str) -> Html:
    """Orders by status, money due, the outbox, and stock per SKU, on one screen."""
    orders = table(
        ("status", "orders"),
        ((status.value, str(count)) for status, count in summary.orders),
        caption=count(summary.order_count, "order"),
        footer=("all", str(summary.order_count)),
    )
    money = facts(
        (
            ("money due", _due(summary, locale)),
            ("orders owing", str(summary.orders_due)),
            *((f"outbox {state.value}", str(count)) for state, count in summary.outbox),
        )
    )
    shown = summary.stock[:STOCK_ROWS]
    left = len(summary.stock) - len(shown)
    stock = table(
        ("SKU", "warehouses", "on hand", "reserved", "available"),
        (
            (s.sku, str(s.warehouses), str(s.on_hand), str(s.reserved), str(s.available))
            for s in shown
        ),
        caption=f"stock of {count(len(summary.stock), 'SKU')}"
        + (f" ({left} more not shown)" if left else ""),
    )
    return block("summary", f"Shop at {moment(summary.as_of)}", orders, money, stock)
