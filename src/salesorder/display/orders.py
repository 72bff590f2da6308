"""Orders, priced orders and the pricing trace, as a one-line repr and an HTML fragment."""

from __future__ import annotations

from salesorder.display._format import clip, count, moment, money_text, percent, shorten_numbers
from salesorder.display._html import Html, block, details, facts, table
from salesorder.domain.orders import Order
from salesorder.domain.pricing import Discount, PricedOrder, PricingTrace, TraceKind
from salesorder.domain.units import PIECE, Quantity, Unit
from salesorder.money import Money

__all__ = [
    "order_html",
    "order_repr",
    "priced_html",
    "priced_repr",
    "quantity_text",
    "trace_html",
    "trace_repr",
    "trace_rows",
]

#: Steps whose amount changes the goods' amount as priced: prices add, discounts take off.
_RUNNING = {TraceKind.PRICE: 1, TraceKind.DISCOUNT: -1}


def quantity_text(quantity: Quantity, unit: Unit) -> str:
    """A quantity as printed: ``3`` pieces, ``0.25 kg`` (never rounded or padded)."""
    return str(quantity) if unit == PIECE else f"{quantity} {unit.code}"


def _lines(number: int) -> str:
    return count(number, "line")


def _discount(discount: Discount | None, locale: str) -> str:
    if discount is None:
        return ""
    if discount.amount is not None:
        return money_text(discount.amount, locale)
    return percent(discount.percent / 100, locale)


def order_repr(order: Order, locale: str) -> str:
    """``<Order ORD-000001 CONFIRMED 2 lines Rp300.000,00 (C1)>``."""
    pricing = order.pricing
    total = "not priced" if pricing is None else money_text(pricing.gross, locale)
    return (
        f"<Order {clip(order.id)} {order.status.name} {_lines(len(order.lines))} {total} "
        f"({clip(order.customer_id, 24)})>"
    )


def order_html(order: Order, locale: str) -> Html:
    """The order's status, buyer and channel, its lines, and what is paid and due."""
    pricing = order.pricing
    rows = []
    for line in order.lines:
        gross = "" if pricing is None else money_text(pricing.line(line.line_id).gross, locale)
        discount = line.discount
        rows.append(
            (
                line.line_id,
                line.sku,
                line.name,
                quantity_text(line.quantity, line.unit),
                money_text(line.unit_price, locale),
                _discount(discount, locale),
                gross,
            )
        )
    lines = table(
        ("line", "SKU", "name", "qty", "unit price", "discount", "total"),
        rows,
        caption=f"{_lines(len(rows))}, prices {order.tax_mode.value} tax",
    )
    address = order.shipping_address
    head = facts(
        (
            ("status", order.status.value),
            ("customer", order.customer_id),
            ("channel", f"{order.channel.name} ({order.channel.code})"),
            ("placed", moment(order.placed_at)),
            ("payment", order.payment_method.value),
            ("reference", order.external_ref),
            ("ship to", "" if address is None else f"{address.line1}, {address.city}"),
        )
    )
    if pricing is None:
        money = facts((("total", "not priced"),))
    else:
        money = facts(
            (
                ("net", money_text(pricing.net, locale)),
                ("tax", money_text(pricing.tax, locale)),
                ("total", money_text(pricing.gross, locale)),
                ("paid", money_text(order.paid, locale)),
                ("balance due", money_text(order.balance_due, locale)),
            )
        )
    return block("order", f"Order {order.id}", head, lines, money)


def priced_repr(priced: PricedOrder, locale: str) -> str:
    """``<PricedOrder 2 lines gross Rp408.000,00 net Rp367.567,57 tax Rp40.432,43>``."""
    return (
        f"<PricedOrder {_lines(len(priced.lines))} gross {money_text(priced.gross, locale)} "
        f"net {money_text(priced.net, locale)} tax {money_text(priced.tax, locale)}>"
    )


def _optional(amount: Money | None, locale: str) -> str:
    return "" if amount is None else money_text(amount, locale)


def priced_html(priced: PricedOrder, locale: str) -> Html:
    """The priced lines, the totals, the tax per rate, and the trace folded below."""
    lines = table(
        ("line", "SKU", "qty", "unit price", "list", "discount", "net", "tax", "gross"),
        (
            (
                line.line_id,
                line.sku,
                str(line.quantity),
                money_text(line.unit_price, locale),
                money_text(line.list_amount, locale),
                money_text(line.discount, locale),
                money_text(line.net, locale),
                money_text(line.tax, locale),
                money_text(line.gross, locale),
            )
            for line in priced.lines
        ),
        caption=f"{_lines(len(priced.lines))} in {priced.currency}, prices "
        f"{priced.tax_mode.value} tax",
    )
    taxes = table(
        ("tax", "rate", "base", "tax amount"),
        (
            (
                part.tax_code,
                percent(part.tax_rate, locale),
                money_text(part.base, locale),
                money_text(part.tax, locale),
            )
            for part in priced.tax_summary
        ),
    )
    totals = facts(
        (
            ("list", money_text(priced.list_amount, locale)),
            ("discount", money_text(priced.discount, locale)),
            ("net", money_text(priced.net, locale)),
            ("tax", money_text(priced.tax, locale)),
            ("gross", money_text(priced.gross, locale)),
            ("shipping", _optional(priced.shipping, locale)),
            ("shipping discount", _optional(priced.shipping_discount, locale)),
            ("platform-funded", _optional(priced.platform_discount, locale)),
            ("withheld", _optional(priced.withheld, locale)),
            ("vouchers", ", ".join(priced.vouchers)),
        )
    )
    steps = len(priced.trace.steps)
    trace = details(
        f"trace: {count(steps, 'step')}", trace_html(priced.trace, locale, priced.currency)
    )
    return block("priced-order", "Priced order", lines, totals, taxes, trace)


def trace_rows(trace: PricingTrace, locale: str, currency: str) -> list[tuple[str, ...]]:
    """(step, line, kind, source, amount, running total, detail) per step of ``trace``.

    The running total is the goods' amount as priced so far (tax included or not, as the
    prices are): price steps add, discount steps take off; tax, rounding, shipping and note
    steps show their amount and leave it. After the last step it is the order's list amount
    less its discounts: the gross when prices include tax, else the net. Numbers in the
    words finer than the currency's minor unit + 4 places are cut to that.
    """
    running = Money.zero(currency)
    rows: list[tuple[str, ...]] = []
    for number, step in enumerate(trace.steps, 1):
        sign = _RUNNING.get(step.kind, 0)
        if step.amount is not None and sign:
            running = running + step.amount if sign > 0 else running - step.amount
        rows.append(
            (
                str(number),
                step.line_id or "order",
                step.kind.value,
                step.source,
                "" if step.amount is None else money_text(step.amount, locale),
                money_text(running, locale),
                shorten_numbers(step.detail, currency),
            )
        )
    return rows


def _currency(trace: PricingTrace) -> str | None:
    return next((step.amount.currency for step in trace.steps if step.amount is not None), None)


def trace_repr(trace: PricingTrace, locale: str) -> str:
    """``<PricingTrace 9 steps, 2 lines>``."""
    del locale  # a trace's repr carries no amount
    lines = {step.line_id for step in trace.steps if step.line_id}
    return f"<PricingTrace {count(len(trace.steps), 'step')}, {_lines(len(lines))}>"


def trace_html(trace: PricingTrace, locale: str, currency: str | None = None) -> Html:
    """The trace as a table: step, line, kind, source, amount, running total, why.

    ``currency`` is the order's; by default the first amount's (a trace without amounts
    shows no running total).
    """
    currency = currency or _currency(trace)
    headers = ("step", "line", "kind", "source", "amount", "running total", "detail")
    if currency is None:
        rows: list[tuple[str, ...]] = [
            (str(n), s.line_id or "order", s.kind.value, s.source, "", "", s.detail)
            for n, s in enumerate(trace.steps, 1)
        ]
    else:
        rows = trace_rows(trace, locale, currency)
    return table(headers, rows, caption=f"Pricing trace, {count(len(rows), 'step')}")
