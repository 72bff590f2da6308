"""A run told for a person: one line per step, then a summary of orders, stock and events.

``salesorder demo`` tells its scenario with :class:`Story` as the steps run, and
``salesorder run FILE --show summary`` prints the summary alone. Amounts are formatted for
the shop's locale; no line is wider than :data:`WIDTH` columns: a long line is broken after
a comma or a semicolon, and goes on indented below.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures import format_duration
from salesorder.money import Money, format_money
from salesorder.scenario.actions import AdvanceClock, CourierUpdate, MarketplaceOrderArrives
from salesorder.scenario.run import ScenarioRun, StepOutcome
from salesorder.services import commands as c

if TYPE_CHECKING:
    from salesorder.ports.persistence import UnitOfWork

__all__ = ["WIDTH", "Story", "fit"]

#: The widest line a story prints, in columns.
WIDTH = 100
#: Where a step's line goes on when it is broken: under its type, four columns in.
_STEP_INDENT = 26

_CLAUSE_END = re.compile(r"(?<=[,;]) ")

#: Steps whose line needs nothing but the order's new status.
_SIMPLE_DETAILS: dict[type[Any], str] = {
    c.ConfirmOrder: "verified and confirmed",
    c.MarkDelivered: "delivered (recorded by hand)",
    c.CancelOrder: "cancelled",
}


def fit(head: str, text: str, *, tail: str = "", indent: int, width: int = WIDTH) -> list[str]:
    """``head``, ``text`` and ``tail`` as lines of at most ``width`` columns.

    ``text`` is broken after a comma or a semicolon, so that a clause (an amount and what it
    is) stays on one line; a clause too long for a line of its own is broken between words.
    ``tail`` (the orders' statuses) follows two spaces after the text, or starts the next
    line, whole. The lines after the first are indented by ``indent`` spaces. Only a word
    longer than a line makes a line wider than ``width``.
    """
    pad = " " * indent
    lines = [head]
    empty = True  # nothing but the head or the indent on the last line yet

    def add(piece: str, gap: str = " ") -> None:
        nonlocal empty
        if empty or len(lines[-1]) + len(gap) + len(piece) <= width:
            lines[-1] += ("" if empty else gap) + piece
        else:
            lines.append(pad + piece)
        empty = False

    for clause in _CLAUSE_END.split(text) if text else []:
        fits_here = len(lines[-1]) + (0 if empty else 1) + len(clause) <= width
        if fits_here or (not (empty and len(lines) == 1) and len(pad) + len(clause) <= width):
            add(clause)
        else:  # too long for any line: word by word
            for word in clause.split(" "):
                if not empty and len(lines[-1]) + 1 + len(word) > width:
                    lines.append(pad)
                    empty = True
                add(word)
    if tail:
        add(tail, gap="  ")
    return lines


class Story:
    """Tells a run for a person, in the shop's locale, one line at a time through ``out``.

    Args:
        run: the run to tell; its application is read after each step.
        out: where each line goes (``print``, or a list's ``append``).
    """

    def __init__(self, run: ScenarioRun, out: Callable[[str], object] = print) -> None:
        self.run = run
        self.app = run.app
        self.out = out
        self.locale = run.app.settings.locale
        self.tax_names = {
            rule.rate.code: rule.rate.name for rule in run.app.settings.tax_table.rules
        }

    def say(self, line: str = "", *, indent: int = 2) -> None:
        """Write ``line``, broken between words to fit :data:`WIDTH` columns.

        The lines after the first are indented by ``indent`` spaces.
        """
        if len(line) <= WIDTH:
            self.out(line)
            return
        for part in textwrap.wrap(
            line, WIDTH, subsequent_indent=" " * indent, break_on_hyphens=False
        ):
            self.out(part)

    def money(self, amount: Money) -> str:
        """``amount`` formatted for the shop's locale (``Rp150.000,00``)."""
        return format_money(amount, self.locale)

    def opening(self, heading: str) -> None:
        """The heading and description, the shop, and what the scenario sets up."""
        scenario = self.run.scenario
        settings = self.app.settings
        self.say(f"{heading}: {scenario.description}".rstrip(": "))
        self.say(
            f"Shop: {settings.seller.name}; prices in {settings.currency}, tax "
            f"{settings.tax_mode.value} ({settings.jurisdiction}); locale {settings.locale}"
        )
        counts = (
            (len(scenario.warehouses), "warehouse"),
            (len(scenario.products), "product"),
            (len(scenario.customers), "customer"),
            (len(scenario.stock), "goods receipt"),
        )
        self.say("Set up: " + ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts))
        self.say()

    # -- one line per step --------------------------------------------------------------

    def step(self, outcome: StepOutcome) -> None:
        """The step's time, type and what it did, with the new status of its orders."""
        with self.app.uow() as uow:
            details = self.details(uow, outcome)
            statuses = ", ".join(
                f"{order_id} {uow.orders.get(order_id).status.value}"
                for order_id in outcome.order_ids
            )
        tag = type(outcome.action).tag
        head = f"{outcome.index:>2}. {outcome.at:%a %d %b %H:%M}  {tag:<25} "
        tail = f"[{statuses}]" if statuses else ""
        for line in fit(head, details, tail=tail, indent=_STEP_INDENT):
            self.out(line)

    def details(self, uow: UnitOfWork, outcome: StepOutcome) -> str:
        """What the step did, in a few words."""
        action, result = outcome.action, outcome.result
        simple = _SIMPLE_DETAILS.get(type(action))
        if simple is not None:
            return simple
        if isinstance(action, (c.PlaceOrder, c.RecordPayment, c.CompleteOrder)):
            return self.order_details(uow, action, result)
        if isinstance(action, (c.IssueInvoice, c.SubmitEInvoice, c.RefreshEInvoice)):
            return self.invoice_details(uow, action, result)
        if isinstance(action, c.ShipOrder):
            shipment = uow.shipments.get(result)
            cod = f", COD {self.money(shipment.cod_amount)}" if shipment.cod_amount else ""
            return (
                f"{shipment.courier} {shipment.service.value}, "
                f"tracking {shipment.tracking_number}, "
                f"fee {self.money(shipment.fee)} paid by {shipment.fee_payer.value}{cod}"
            )
        return self.world_details(action, result)

    def order_details(
        self, uow: UnitOfWork, action: c.PlaceOrder | c.RecordPayment | c.CompleteOrder, result: Any
    ) -> str:
        """Placing, paying and closing orders."""
        if isinstance(action, c.PlaceOrder):
            order = uow.orders.get(result)
            lines = ", ".join(f"{line.quantity} x {line.sku}" for line in order.lines)
            return (
                f"{order.channel.name} order from {order.customer_id}: {lines}; "
                f"gross {self.money(order.total)}"
            )
        order = uow.orders.get(action.order_id)
        if isinstance(action, c.RecordPayment):
            return (
                f"received {self.money(action.amount)} by {action.method.value} "
                f"({action.reference}); balance {self.money(order.balance_due)}"
            )
        return f"delivered and paid ({self.money(order.paid)}): closed"

    def invoice_details(
        self,
        uow: UnitOfWork,
        action: c.IssueInvoice | c.SubmitEInvoice | c.RefreshEInvoice,
        result: Any,
    ) -> str:
        """Invoices and e-invoices."""
        if isinstance(action, c.IssueInvoice):
            invoice = uow.invoices.get(result)
            return (
                f"{invoice.kind.value} invoice {invoice.number} to {invoice.buyer.name}, "
                f"gross {self.money(invoice.gross)}, due {invoice.due_date}"
            )
        invoice = uow.invoices.get(action.invoice_id)
        code = invoice.einvoice.authority_code if invoice.einvoice else ""
        authority = f", tax authority code {code}" if code else ""
        return f"e-invoice of {invoice.number}: {result.value}{authority}"

    def world_details(self, action: Any, result: Any) -> str:  # noqa: PLR0911 - a case per step
        """Stock, marketplaces, tracking, and the steps that script the in-memory world."""
        if isinstance(action, c.ReserveStock):
            return f"stock reserved in {result}"
        if isinstance(action, c.ImportMarketplaceOrders):
            if not result:
                return f"{action.channel}: nothing new (already imported, no duplicate)"
            return f"{action.channel}: imported {', '.join(result)}"
        if isinstance(action, c.SyncTracking):
            return f"shipment {action.shipment_id} is {result.value}"
        if isinstance(action, MarketplaceOrderArrives):
            incoming = action.order
            cod = ", cash on delivery" if incoming.cash_on_delivery else ""
            return (
                f"{action.channel} sends order {incoming.external_id} "
                f"(revision {incoming.revision}) from {incoming.buyer_name}{cod}"
            )
        if isinstance(action, AdvanceClock):
            return f"{format_duration(action.delta)} later"
        if isinstance(action, CourierUpdate):
            note = f" ({action.note})" if action.note else ""
            return f"courier reports {action.status.value} for {result}{note}"
        tag: str = action.tag
        return tag.replace("_", " ") if result is None else f"{tag.replace('_', ' ')}: {result}"

    # -- the summary --------------------------------------------------------------------

    def summary(self) -> None:
        """Each order's money, invoices and times, the stock left and the events published."""
        self.say()
        with self.app.uow() as uow:
            for order in uow.orders.list():
                self.order_summary(uow, order.id)
            self.say("Stock left:")
            for item in uow.stock.list():
                self.say(
                    f"  {item.warehouse:<6} {item.sku:<14} {item.on_hand:>4} on hand, "
                    f"{item.available:>4} available"
                )
        events = Counter(type(e).__name__ for e in getattr(self.app.events, "published", []))
        counts = ", ".join(f"{name} {count}" for name, count in events.items())
        for line in fit(f"Events published: {sum(events.values())} (", counts + ")", indent=2):
            self.out(line)

    def order_summary(self, uow: UnitOfWork, order_id: str) -> None:
        """One order: buyer, status, net, tax per rate, gross, payments, invoices, times."""
        order = uow.orders.get(order_id)
        customer = uow.customers.get(order.customer_id)
        buyer = customer.company_name or customer.name
        self.say(
            f"{order.id}  {order.channel.name}, {buyer}, paid by {order.payment_method.value}: "
            f"{order.status.value}"
        )
        pricing = order.pricing
        if pricing is not None:
            self.say(f"  net      {self.money(pricing.net)}", indent=11)
            for rate in pricing.tax_summary:
                name = self.tax_names.get(rate.tax_code, rate.tax_code)
                self.say(
                    f"  tax      {name} on {self.money(rate.base)}: {self.money(rate.tax)}",
                    indent=11,
                )
            self.say(f"  gross    {self.money(pricing.gross)}", indent=11)
        if not order.shipping_charge.is_zero:
            self.say(f"  shipping {self.money(order.shipping_charge)} (paid by the buyer)")
        payments = [p for p in uow.payments.list() if p.order_id == order.id]
        cod = [p.amount for p in payments if p.method.value == "cod"]
        if cod:
            self.say(f"  COD      {self.money(Money.sum(cod, order.currency))} collected")
        self.say(f"  paid     {self.money(order.paid)}, due {self.money(order.balance_due)}")
        for invoice_id in order.invoice_ids:
            invoice = uow.invoices.get(invoice_id)
            line = f"  invoice  {invoice.number} ({invoice.kind.value})"
            if invoice.einvoice is not None:
                line += f", e-invoice {invoice.einvoice.state.value}"
                if invoice.einvoice.authority_code:
                    line += f", tax authority code {invoice.einvoice.authority_code}"
            self.say(line, indent=11)
        spent = order.time_in_status()
        times = ", ".join(
            f"{status.value} {format_duration(spent[status])}"
            for status in OrderStatus
            if status in spent
        )
        self.say(f"  time     {times}", indent=11)
        self.say()
