"""The ``salesorder`` command: run the demo story, or run and check scenario files.

``salesorder demo`` (or ``python -m salesorder demo``) runs the scenario shipped in
``salesorder/data/demo.json`` and tells the order-to-cash story step by step, with amounts
formatted for the shop's locale. ``salesorder run FILE`` runs a scenario file and prints the
resulting state as JSON (``--measures``: the measures over its orders as a table instead);
``salesorder check FILE`` only validates it. ``-`` as the file reads standard input.
``--database URL`` keeps the orders in a database, all or nothing (see
:meth:`~salesorder.scenario.ScenarioRun.into_database`).

Exit status: 0 on success; 1 when a valid scenario fails while running (a step is refused,
such as a reservation without enough stock; nothing is kept in the database); 2 when the file
is missing, not JSON, or not a valid scenario, or the database cannot be used (the ``sql``
extra or the driver is missing, a bad URL, an unreachable server, data already there), or
the command line is wrong: nothing is run. Errors go to standard error as one line,
``error: <path or option>: <message>``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any

from salesorder import __version__
from salesorder.bootstrap import build
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.measures import format_duration
from salesorder.domain.outbox import OutboxState
from salesorder.exceptions import PersistenceError, SalesOrderError, ScenarioError
from salesorder.money import Money, format_money
from salesorder.scenario import (
    AdvanceClock,
    CourierUpdate,
    MarketplaceOrderArrives,
    Scenario,
    ScenarioRun,
    StepOutcome,
    load_demo,
    parse_scenario,
)
from salesorder.scenario.database import check_schema, dispose
from salesorder.services import commands as c
from salesorder.services.views import measure

if TYPE_CHECKING:
    from salesorder.ports.persistence import UnitOfWork

__all__ = ["main"]

#: A valid scenario failed while running.
EXIT_FAILED = 1
#: The input is missing or invalid, or the command line is wrong; nothing was run.
EXIT_INVALID = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesorder",
        description="Order-to-cash with exact money: run the demo or a scenario file.",
        epilog="Exit status: 0 done; 1 a step of a valid scenario failed (nothing is kept in "
        "the database); 2 missing or invalid input, or a database that cannot be used or "
        "holds data already (nothing was run).",
    )
    parser.add_argument("--version", action="version", version=f"salesorder {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="tell the demo order-to-cash story")
    demo.add_argument(
        "--json", action="store_true", help="print the resulting state as JSON instead"
    )
    run = sub.add_parser("run", help="run a scenario file and print the resulting state as JSON")
    run.add_argument("scenario", help="the scenario file (JSON); - reads standard input")
    run.add_argument(
        "--measures",
        action="store_true",
        help="print the measures over the orders (cycle time, rates, profit...) as a table "
        "instead of the JSON state",
    )
    for command in (demo, run):
        command.add_argument(
            "--database",
            metavar="URL",
            help="keep orders in this empty database instead of memory, e.g. "
            "sqlite:///shop.db or postgresql+psycopg://user@host/db (needs the sql extra); "
            "all or nothing: a failed run keeps nothing",
        )
    check = sub.add_parser("check", help="validate a scenario file without running it")
    check.add_argument("scenario", help="the scenario file (JSON); - reads standard input")
    outbox = sub.add_parser(
        "outbox",
        help="list the calls to the outside world a database keeps, retry or discard them",
        description="The outbox of the shop's database: calls to couriers, marketplaces, the "
        "e-invoice provider and notification senders, made after commit by the shop's "
        "dispatcher. retry makes dead-lettered calls (or the KEYs) due again with a fresh "
        "count; the dispatcher sends them. discard gives up one call for good.",
    )
    outbox.add_argument("action", choices=("list", "retry", "discard"))
    outbox.add_argument("keys", nargs="*", metavar="KEY", help="item keys, as list prints them")
    outbox.add_argument("--database", metavar="URL", required=True, help="the shop's database")
    outbox.add_argument("--reason", default="", help="why a call is given up (discard)")
    outbox.add_argument(
        "--all", action="store_true", help="list every item, sent and discarded ones too"
    )
    return parser


def _error(path: str, message: object) -> None:
    """Print ``error: <path>: <message>`` as one line (a database's message may have more)."""
    line = " ".join(part.strip() for part in str(message).splitlines())
    print(f"error: {path}: {line}", file=sys.stderr)


def _read(path: str) -> Scenario | None:
    """The scenario in ``path`` (``-``: standard input), or None after printing why not."""
    try:
        if path == "-":  # its bytes, decoded as UTF-8 like a file, whatever the locale says
            stdin = getattr(sys.stdin, "buffer", None)
            text = stdin.read().decode("utf-8") if stdin is not None else sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as file:
                text = file.read()
    except FileNotFoundError:
        _error(path, "no such file")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        _error(path, f"cannot read {'standard input' if path == '-' else 'the file'}: {exc}")
        return None
    try:
        return parse_scenario(text)
    except ScenarioError as exc:
        _error(exc.path, exc.message)
        return None


def _opened(
    scenario: Scenario, database_url: str | None
) -> contextlib.AbstractContextManager[ScenarioRun]:
    if database_url is None:
        return contextlib.nullcontext(ScenarioRun(scenario))
    return ScenarioRun.into_database(scenario, database_url)


def _run(
    scenario: Scenario, story: bool, database_url: str | None = None, *, measures: bool = False
) -> int:
    running = False
    try:
        with _opened(scenario, database_url) as run:
            running = True
            result = _perform(run, story=story, measures=measures)
    except ScenarioError as exc:
        _error(exc.path, exc.message)
        return EXIT_FAILED
    except PersistenceError as exc:  # refused before running, or failed (and undone) while
        _error("--database", exc)
        return EXIT_FAILED if running else EXIT_INVALID
    if result is not None:  # printed once the run is kept: a closed pipe cannot undo it
        print(result)
    return 0


def _perform(run: ScenarioRun, *, story: bool, measures: bool) -> str | None:
    """Run the steps; the story is told as they run, the measures or the JSON state returned."""
    teller = _Story(run) if story else None
    run.setup()
    if teller is not None:
        teller.opening()
    for outcome in run.steps():
        if teller is not None:
            teller.step(outcome)
    if teller is not None:
        teller.summary()
        return None
    if measures:
        return str(measure(run.app))
    return json.dumps(run.state(), indent=2, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    """Run the ``salesorder`` command line; returns the exit status.

    Args:
        argv: the arguments after the program name (default: ``sys.argv[1:]``).
    """
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error already printed
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    try:
        status = _command(args)
        sys.stdout.flush()  # here, not at exit, where a closed pipe could not be caught
    except BrokenPipeError:  # the reader left (``salesorder run x.json | head``)
        # As the Python docs advise: stdout to devnull, so the exit's flush cannot fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    return status


def _outbox(args: argparse.Namespace) -> int:
    """The ``outbox`` command: list, retry (made due; the dispatcher sends) or discard."""
    if args.action == "discard" and (len(args.keys) != 1 or not args.reason.strip()):
        _error("outbox discard", "give exactly one KEY and a --reason")
        return EXIT_INVALID
    try:
        check_schema(args.database)
        app = build(database_url=args.database)
    except PersistenceError as exc:
        _error("--database", exc)
        return EXIT_INVALID
    try:
        if args.action == "list":
            states = tuple(OutboxState) if args.all else (OutboxState.PENDING, OutboxState.DEAD)
            for item in app.execute(c.ListOutbox(states=states)):
                due = item.next_attempt_at.isoformat() if item.next_attempt_at else "now"
                print(
                    f"{item.key}  {item.state.value}  attempts {item.attempts}  due {due}"
                    + (f"  last error: {item.last_error}" if item.last_error else "")
                )
        elif args.action == "retry":
            app.execute(c.RetryOutbox(keys=tuple(args.keys), send=False))
        else:
            app.execute(c.DiscardOutbox(key=args.keys[0], reason=args.reason))
    except SalesOrderError as exc:
        _error(f"outbox {args.action}", exc)
        return EXIT_FAILED
    finally:
        dispose(app)
    return 0


def _command(args: argparse.Namespace) -> int:
    if args.command == "outbox":
        return _outbox(args)
    if args.command == "demo":
        return _run(load_demo(), story=not args.json, database_url=args.database)
    scenario = _read(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    if args.command == "check":
        print(f"ok: {args.scenario}: {len(scenario.commands)} steps")
        return 0
    return _run(scenario, story=False, database_url=args.database, measures=args.measures)


# ---------------------------------------------------------------------------------------
# The story: one line per step, then a summary
# ---------------------------------------------------------------------------------------


#: Steps whose line needs nothing but the order's new status.
_SIMPLE_DETAILS: dict[type[Any], str] = {
    c.ConfirmOrder: "verified and confirmed",
    c.MarkDelivered: "delivered (recorded by hand)",
    c.CancelOrder: "cancelled",
}


class _Story:
    """Prints a run for a person, in the shop's locale."""

    def __init__(self, run: ScenarioRun) -> None:
        self.run = run
        self.app = run.app
        self.locale = run.app.settings.locale
        self.tax_names = {
            rule.rate.code: rule.rate.name for rule in run.app.settings.tax_table.rules
        }

    def money(self, amount: Money) -> str:
        return format_money(amount, self.locale)

    def opening(self) -> None:
        scenario = self.run.scenario
        settings = self.app.settings
        print(f"salesorder {__version__} demo: {scenario.description}".rstrip(": "))
        print(
            f"Shop: {settings.seller.name}; prices in {settings.currency}, tax "
            f"{settings.tax_mode.value} ({settings.jurisdiction}); locale {settings.locale}"
        )
        counts = (
            (len(scenario.warehouses), "warehouse"),
            (len(scenario.products), "product"),
            (len(scenario.customers), "customer"),
            (len(scenario.stock), "goods receipt"),
        )
        print("Set up: " + ", ".join(f"{n} {what}{'' if n == 1 else 's'}" for n, what in counts))
        print()

    # -- one line per step --------------------------------------------------------------

    def step(self, outcome: StepOutcome) -> None:
        with self.app.uow() as uow:
            details = self.details(uow, outcome)
            statuses = ", ".join(
                f"{order_id} {uow.orders.get(order_id).status.value}"
                for order_id in outcome.order_ids
            )
        tag = type(outcome.action).tag
        after = f"  [{statuses}]" if statuses else ""
        print(f"{outcome.index:>2}. {outcome.at:%a %d %b %H:%M}  {tag:<25} {details}{after}")

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
        print()
        with self.app.uow() as uow:
            for order in uow.orders.list():
                self.order_summary(uow, order.id)
            print("Stock left:")
            for item in uow.stock.list():
                print(
                    f"  {item.warehouse:<6} {item.sku:<14} {item.on_hand:>4} on hand, "
                    f"{item.available:>4} available"
                )
        events = Counter(type(e).__name__ for e in getattr(self.app.events, "published", []))
        print(
            f"Events published: {sum(events.values())} ("
            + ", ".join(f"{name} {count}" for name, count in events.items())
            + ")"
        )

    def order_summary(self, uow: UnitOfWork, order_id: str) -> None:
        order = uow.orders.get(order_id)
        customer = uow.customers.get(order.customer_id)
        buyer = customer.company_name or customer.name
        print(
            f"{order.id}  {order.channel.name}, {buyer}, paid by {order.payment_method.value}: "
            f"{order.status.value}"
        )
        pricing = order.pricing
        if pricing is not None:
            print(f"  net      {self.money(pricing.net)}")
            for rate in pricing.tax_summary:
                name = self.tax_names.get(rate.tax_code, rate.tax_code)
                print(f"  tax      {name} on {self.money(rate.base)}: {self.money(rate.tax)}")
            print(f"  gross    {self.money(pricing.gross)}")
        if not order.shipping_charge.is_zero:
            print(f"  shipping {self.money(order.shipping_charge)} (paid by the buyer)")
        payments = [p for p in uow.payments.list() if p.order_id == order.id]
        cod = [p.amount for p in payments if p.method.value == "cod"]
        if cod:
            print(f"  COD      {self.money(Money.sum(cod, order.currency))} collected")
        print(f"  paid     {self.money(order.paid)}, due {self.money(order.balance_due)}")
        for invoice_id in order.invoice_ids:
            invoice = uow.invoices.get(invoice_id)
            line = f"  invoice  {invoice.number} ({invoice.kind.value})"
            if invoice.einvoice is not None:
                line += f", e-invoice {invoice.einvoice.state.value}"
                if invoice.einvoice.authority_code:
                    line += f", tax authority code {invoice.einvoice.authority_code}"
            print(line)
        spent = order.time_in_status()
        times = ", ".join(
            f"{status.value} {format_duration(spent[status])}"
            for status in OrderStatus
            if status in spent
        )
        print(f"  time     {times}")
        print()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
