"""The ``salesorder`` command: run the demo story, or run and check scenario files.

``salesorder demo`` (or ``python -m salesorder demo``) runs the scenario shipped in
``salesorder/data/demo.json`` and tells the order-to-cash story step by step, with amounts
formatted for the shop's locale, in lines of at most 100 columns. ``salesorder run FILE``
runs a scenario file and prints the resulting state as JSON (``--show`` picks a part of it:
``orders``, ``stock``, ``invoices``, ``ledger``..., or ``summary``, the demo's closing
summary as text; ``--measures``: the measures over its orders as a table instead);
``salesorder check FILE`` only validates it. ``-`` as the file reads standard input.
``salesorder init [PATH]`` writes a starter scenario (never over an existing file without
``--force``), and ``salesorder schema`` prints the JSON Schema of scenario files.
``--database URL`` keeps the orders in a database, all or nothing (see
:meth:`~salesorder.scenario.ScenarioRun.into_database`). ``salesorder db upgrade URL``
migrates a shop's database to this salesorder's schema with the shipped Alembic revisions
(the ``migrate`` extra) and ``salesorder db current URL`` prints where it stands.

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
import importlib.resources
import json
import os
import sys
from collections.abc import Callable

from salesorder import __version__
from salesorder.bootstrap import build
from salesorder.domain.outbox import OutboxState
from salesorder.exceptions import PersistenceError, SalesOrderError, ScenarioError
from salesorder.scenario import Scenario, ScenarioRun, load_demo, parse_scenario
from salesorder.scenario.database import check_schema, dispose
from salesorder.scenario.schema import shipped_schema_text
from salesorder.scenario.story import Story
from salesorder.services import commands as c
from salesorder.services.views import measure

__all__ = ["SHOW", "main"]

#: A valid scenario failed while running.
EXIT_FAILED = 1
#: The input is missing or invalid, or the command line is wrong; nothing was run.
EXIT_INVALID = 2

#: What ``salesorder run --show`` prints: the keys of the resulting state printed as JSON
#: (``ledger`` is the ``stock_ledger``); ``all`` the whole state (the default), ``summary``
#: the demo's closing summary, ``measures`` the measures' table.
SHOW = {
    "all": None,
    "orders": "orders",
    "stock": "stock",
    "invoices": "invoices",
    "payments": "payments",
    "shipments": "shipments",
    "ledger": "stock_ledger",
    "events": "events",
    "summary": None,
    "measures": None,
}
#: Where ``salesorder init`` writes when no path is given.
DEFAULT_INIT_PATH = "scenario.json"


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
    shown = run.add_mutually_exclusive_group()
    shown.add_argument(
        "--show",
        choices=tuple(SHOW),
        default="all",
        help="what to print: all the resulting state as JSON (default), one part of it as "
        "JSON (orders, stock, invoices, payments, shipments, ledger: every stock movement, "
        "events), summary: each order's money, invoices and times and the stock left, as "
        "text; measures: as --measures",
    )
    shown.add_argument(
        "--measures",
        action="store_true",
        help="print the measures over the orders (cycle time, rates, profit...) as a table "
        "instead of the JSON state (the same as --show measures)",
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
    init = sub.add_parser(
        "init",
        help="write a starter scenario file to edit and run",
        description="Write a starter scenario: a shop, two products, a customer and one "
        "cash-on-delivery order from capture to cash. Run it with `salesorder run PATH`.",
    )
    init.add_argument(
        "path",
        nargs="?",
        default=DEFAULT_INIT_PATH,
        help=f"where to write it (default: {DEFAULT_INIT_PATH}); - prints it",
    )
    init.add_argument("--force", action="store_true", help="replace the file if it exists")
    sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editors and validators)",
        description="Print the JSON Schema (draft 7) of scenario files. Save it next to your "
        'scenarios and point your editor at it ("$schema" in the file, or the editor\'s '
        "settings) for completion and checks while you write.",
    )
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
    db = sub.add_parser(
        "db",
        help="upgrade a shop's database to this salesorder's schema, or print its version",
        description="Migrate the shop's database with salesorder's Alembic revisions (needs "
        "the migrate extra). upgrade brings a database from any earlier schema (or from "
        "nothing) to this salesorder's, each revision in its own transaction; current prints "
        "the schema version and the Alembic revision it is at.",
    )
    db.add_argument("action", choices=("upgrade", "current"))
    db.add_argument("url", metavar="URL", help="the database, e.g. sqlite:///shop.db")
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
    scenario: Scenario, story: bool, database_url: str | None = None, *, show: str = "all"
) -> int:
    running = False
    try:
        with _opened(scenario, database_url) as run:
            running = True
            result = _perform(run, story=story, show=show)
    except ScenarioError as exc:
        _error(exc.path, exc.message)
        return EXIT_FAILED
    except PersistenceError as exc:  # refused before running, or failed (and undone) while
        _error("--database", exc)
        return EXIT_FAILED if running else EXIT_INVALID
    if result is not None:  # printed once the run is kept: a closed pipe cannot undo it
        print(result)
    return 0


def _perform(run: ScenarioRun, *, story: bool, show: str) -> str | None:
    """Run the steps; the story is told as they run, else what ``show`` names is returned."""
    teller = Story(run) if story else None
    run.setup()
    if teller is not None:
        teller.opening(f"salesorder {__version__} demo")
    for outcome in run.steps():
        if teller is not None:
            teller.step(outcome)
    if teller is not None:
        teller.summary()
        return None
    if show == "measures":
        return str(measure(run.app))
    if show == "summary":
        lines: list[str] = []
        Story(run, out=lines.append).summary()
        return "\n".join(lines[1:]).rstrip("\n")  # without the blank line that opens it
    state = run.state()
    key = SHOW[show]
    return json.dumps(state if key is None else state[key], indent=2, ensure_ascii=False)


def _init(args: argparse.Namespace) -> int:
    """The ``init`` command: write the starter scenario, never over a file unless forced."""
    path: str = args.path
    force: bool = args.force
    resource = importlib.resources.files("salesorder.scenario").joinpath("starter.json")
    text = resource.read_text(encoding="utf-8")
    if path == "-":
        print(text, end="")
        return 0
    try:
        with open(path, "w" if force else "x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        _error(path, "already exists; give another path, or --force to replace it")
        return EXIT_INVALID
    except OSError as exc:
        _error(path, f"cannot write the file: {exc.strerror or exc}")
        return EXIT_INVALID
    print(f"wrote {path}: run it with `salesorder run {path}`")
    return 0


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


def _db(args: argparse.Namespace) -> int:
    """The ``db`` command: upgrade the database with the shipped revisions, or say where it is."""
    where = f"db {args.action}"
    try:
        from salesorder.adapters.sql import alembic as migrations  # noqa: PLC0415 - optional
    except ModuleNotFoundError as exc:
        _error(where, f"{exc.name} is not installed: pip install 'salesorder[migrate]'")
        return EXIT_INVALID
    try:
        if args.action == "current":
            print(migrations.current(args.url))
            return 0
        found = migrations.upgrade(args.url)
        now = migrations.current(args.url)
    except PersistenceError as exc:
        _error(where, exc)
        return EXIT_INVALID
    print(f"upgraded from schema {found}: {now}" if found != now.version else f"up to date: {now}")
    return 0


def _schema(_args: argparse.Namespace) -> int:
    """The ``schema`` command: the shipped JSON Schema, as it is (no JSON library needed)."""
    print(shipped_schema_text(), end="")
    return 0


def _command(args: argparse.Namespace) -> int:
    simple: dict[str, Callable[[argparse.Namespace], int]] = {
        "outbox": _outbox,
        "schema": _schema,
        "init": _init,
        "db": _db,
    }
    if args.command in simple:
        return simple[args.command](args)
    if args.command == "demo":
        return _run(load_demo(), story=not args.json, database_url=args.database)
    scenario = _read(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    if args.command == "check":
        print(f"ok: {args.scenario}: {len(scenario.commands)} steps")
        return 0
    show = "measures" if args.measures else args.show
    return _run(scenario, story=False, database_url=args.database, show=show)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
