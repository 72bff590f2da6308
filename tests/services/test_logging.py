"""Log records: one logger per area, the same ``extra`` fields on each, no handler but a null one.

Commands log DEBUG when they start and INFO when done or refused; a concurrency conflict is
a WARNING (retrying, or giving up); the outbox logs a sent call at INFO, a failed one at
WARNING and a dead-lettered one at ERROR; the notifier logs what it could not send or
handle, and still keeps it for a retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.services.conftest import JAKARTA
from tests.services.test_outbox import Flaky, courier_of, interruptible, outbox
from tests.services.test_warehouse_flow import reserved

from salesorder import Customer, SalesApp, commands, in_memory, logs
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.domain.events import OrderDelivered
from salesorder.domain.outbox import CallKind, OutboxState, RetryPolicy
from salesorder.exceptions import (
    ConcurrencyConflict,
    NotFound,
    PersistenceError,
    ValidationError,
)
from salesorder.services.commands import Command, DispatchOutbox, RetryOutbox


def of(caplog: pytest.LogCaptureFixture, area: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == area]


def field(record: logging.LogRecord, name: str) -> object:
    """An ``extra`` field of ``record`` (set by the library, unknown to type checkers)."""
    return getattr(record, name)


def pick(record: logging.LogRecord, *names: str) -> tuple[object, ...]:
    return tuple(field(record, name) for name in names)


def fields(record: logging.LogRecord) -> dict[str, object]:
    return {name: getattr(record, name) for name in logs.FIELDS}


@pytest.fixture
def debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger=logs.ROOT)
    return caplog


# -- commands -------------------------------------------------------------------------------


def test_a_command_logs_its_start_at_debug_and_its_result_at_info(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    order_id = app.execute(
        commands.PlaceOrder(customer_id="C1", lines=(commands.NewLine(sku="CAP-BLK", quantity=1),))
    )
    started, done = of(debug, logs.ORDERS)
    assert (started.levelno, started.getMessage()) == (logging.DEBUG, "PlaceOrder started")
    assert (done.levelno, done.getMessage()) == (logging.INFO, f"PlaceOrder done: {order_id}")
    assert fields(done) == {
        "order_id": None,  # PlaceOrder names no order: the order is its result
        "command": "PlaceOrder",
        "key": None,
        "attempt": 1,
        "error": None,
        "result": order_id,
    }
    debug.clear()
    app.execute(commands.ConfirmOrder(order_id=order_id))
    (done,) = [r for r in of(debug, logs.ORDERS) if r.levelno == logging.INFO]
    assert fields(done)["order_id"] == order_id
    assert done.getMessage() == "ConfirmOrder done"


def test_commands_log_to_their_context_s_area(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    order_id = reserved(app, ("CAP-BLK", 1))
    app.execute(DispatchOutbox())
    areas = {
        field(r, "command"): r.name
        for r in debug.records
        if r.levelno == logging.INFO and field(r, "command")
    }
    assert areas == {
        "PlaceOrder": logs.ORDERS,
        "ConfirmOrder": logs.ORDERS,
        "ReserveStock": logs.STOCK,
        "DispatchOutbox": logs.COMMANDS,
    }
    assert {field(r, "order_id") for r in of(debug, logs.STOCK)} == {order_id}


def test_pricing_logs_once_per_order_at_debug_never_per_line(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(
                commands.NewLine(sku="CAP-BLK", quantity=1),
                commands.NewLine(sku="TSHIRT-RED-M", quantity=2),
            ),
        )
    )
    (priced,) = of(debug, logs.PRICING)
    assert priced.levelno == logging.DEBUG
    assert priced.getMessage() == f"order {order_id} priced: 2 line(s), 349999.50 IDR gross"
    assert field(priced, "order_id") == order_id


def test_a_refusal_is_info_with_the_error_s_class_and_message(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(NotFound):
        app.execute(commands.ConfirmOrder(order_id="ORD-404"))
    started, refused = of(debug, logs.ORDERS)
    assert started.levelno == logging.DEBUG
    assert refused.levelno == logging.INFO
    assert refused.getMessage() == "ConfirmOrder refused: NotFound: order 'ORD-404' not found"
    assert pick(refused, "order_id", "error", "result") == ("ORD-404", "NotFound", None)


@attrs.frozen(kw_only=True)
class Probe(Command[str]):
    """A command of the tests: its handler conflicts ``conflicts`` times, then answers."""

    conflicts: int
    tag: ClassVar[str] = ""


def probing(app: SalesApp, *, fail: Exception | None = None) -> tuple[SalesApp, list[int]]:
    """``app`` with a handler for :class:`Probe`, and the backoff's attempts it records."""
    runs: list[int] = []
    waits: list[int] = []

    def handle(_app: SalesApp, command: Probe) -> str:
        runs.append(1)
        if fail is not None:
            raise fail
        if len(runs) <= command.conflicts:
            raise ConcurrencyConflict(f"order 'ORD-1' changed under run {len(runs)}; retry")
        return "ORD-1"

    return (
        attrs.evolve(app, handlers={**app.handlers, Probe: handle}, backoff=waits.append),
        waits,
    )


class _Collect(logging.Handler):
    def __init__(self, found: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.found = found

    def emit(self, record: logging.LogRecord) -> None:
        self.found.append(record)


@contextmanager
def collected(area: str) -> Iterator[list[logging.LogRecord]]:
    """The records of ``area`` at every level while the block runs (caplog, per example)."""
    found: list[logging.LogRecord] = []
    handler = _Collect(found)
    log = logging.getLogger(area)
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield found
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


@given(conflicts=st.integers(0, 7), retries=st.integers(0, 5))
def test_each_conflict_is_a_warning_and_the_attempts_count_up(conflicts: int, retries: int) -> None:
    """Run ``n`` conflicts with a WARNING naming attempt ``n``; retried while retries are
    left (then done at INFO on attempt conflicts + 1), else the last warning gives up."""
    app, waits = probing(attrs.evolve(in_memory(), retries=retries))
    with collected(logs.COMMANDS) as records:
        try:
            app.execute(Probe(conflicts=conflicts))
        except ConcurrencyConflict:
            gave_up = True
        else:
            gave_up = False
    assert gave_up == (conflicts > retries)
    warnings = [r for r in records if r.levelno == logging.WARNING]
    runs = min(conflicts, retries + 1)
    assert [field(r, "attempt") for r in warnings] == list(range(1, runs + 1))
    assert {field(r, "error") for r in warnings} <= {"ConcurrencyConflict"}
    assert waits == list(range(1, min(conflicts, retries) + 1))
    starts = [field(r, "attempt") for r in records if r.levelno == logging.DEBUG]
    assert starts == list(range(1, min(conflicts + 1, retries + 1) + 1))
    infos = [r for r in records if r.levelno == logging.INFO]
    if gave_up:
        assert infos == []
        assert warnings[-1].getMessage().startswith(f"Probe conflicted, gave up after {runs}")
    else:
        (done,) = infos
        assert pick(done, "attempt", "result") == (conflicts + 1, "ORD-1")
        assert all("retrying" in r.getMessage() for r in warnings)


def test_a_real_conflict_is_logged_and_the_command_re_run(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    """CancelLines lands while ShipOrder commits (tests/services/test_outbox.py): one
    WARNING, attempt 1, then ShipOrder done at attempt 2."""
    order_id = reserved(app, ("TSHIRT-RED-M", 3))
    app, store = interruptible(app)
    store.act = lambda: app.execute(
        commands.CancelLines(
            order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
        )
    )
    debug.clear()
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    ships = [
        r for r in debug.records if field(r, "command") == "ShipOrder" and r.levelno >= logging.INFO
    ]
    conflict, done = ships
    assert (conflict.levelno, field(conflict, "attempt"), field(conflict, "order_id")) == (
        logging.WARNING,
        1,
        order_id,
    )
    assert field(conflict, "error") == "ConcurrencyConflict"
    assert "retrying (attempt 2 of 6)" in conflict.getMessage()
    assert (done.levelno, field(done, "attempt"), field(done, "result")) == (
        logging.INFO,
        2,
        shipment_id,
    )


def test_a_store_failure_is_a_warning_not_a_refusal(debug: pytest.LogCaptureFixture) -> None:
    app, _ = probing(in_memory(), fail=PersistenceError("the database failed; nothing written"))
    with pytest.raises(PersistenceError):
        app.execute(Probe(conflicts=0))
    (failed,) = [r for r in of(debug, logs.COMMANDS) if r.levelno > logging.DEBUG]
    assert failed.levelno == logging.WARNING
    assert failed.getMessage().startswith("Probe failed: PersistenceError:")


# -- the outbox -----------------------------------------------------------------------------


def test_an_outbox_call_sent_is_info_with_its_key(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    debug.clear()
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    (item,) = outbox(app, CallKind.BOOK_COURIER)
    written, sent = [r for r in of(debug, logs.OUTBOX) if field(r, "key") == item.key]
    assert (written.levelno, written.getMessage()) == (logging.DEBUG, f"outbox {item.key} written")
    assert sent.levelno == logging.INFO
    (booking,) = courier_of(app).bookings.values()
    assert sent.getMessage() == f"outbox {item.key} sent (attempt 1): {booking.tracking_number}"
    assert pick(sent, "attempt", "error") == (1, None)


def test_failed_calls_warn_then_the_dead_one_is_an_error_and_an_operator_retry_info(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    clock = app.clock
    flaky = Flaky("jnt")
    flaky.failures = 2
    policy = RetryPolicy(max_attempts=2, base=dt.timedelta(seconds=30))
    app = attrs.evolve(app, couriers={"jnt": flaky}, outbox_policy=policy, random=lambda: 0.0)
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    debug.clear()
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    (item,) = outbox(app, CallKind.BOOK_COURIER)
    (failed,) = [r for r in of(debug, logs.OUTBOX) if r.levelno >= logging.INFO]
    due = clock.now() + dt.timedelta(seconds=30)
    assert failed.levelno == logging.WARNING
    assert failed.getMessage() == (
        f"outbox {item.key} failed (attempt 1), due again at {due.isoformat()}: "
        f"ConnectionError: courier timed out booking {item.call.reference}"
    )
    assert pick(failed, "key", "attempt", "error") == (item.key, 1, "ConnectionError")

    debug.clear()
    clock.advance(dt.timedelta(seconds=30))  # type: ignore[attr-defined]
    assert app.execute(DispatchOutbox()).dead == (item.key,)
    (dead,) = [r for r in of(debug, logs.OUTBOX) if r.levelno >= logging.INFO]
    assert dead.levelno == logging.ERROR
    assert dead.getMessage().startswith(f"outbox {item.key} dead after attempt 2: ConnectionError")
    assert pick(dead, "key", "attempt") == (item.key, 2)

    debug.clear()
    assert app.execute(RetryOutbox()).sent == (item.key,)
    again, sent = [r for r in of(debug, logs.OUTBOX) if r.levelno >= logging.INFO]
    assert (again.levelno, field(again, "key")) == (logging.INFO, item.key)
    assert again.getMessage() == f"outbox {item.key} made due again by an operator"
    assert (sent.levelno, field(sent, "attempt")) == (logging.INFO, 1)  # a fresh count


# -- notifications --------------------------------------------------------------------------


def test_a_failed_message_is_a_warning_and_stays_in_the_outbox(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    app.execute(
        commands.AddCustomer(
            customer=Customer(id="C3", name="Siti", email="siti@example.com", addresses=(JAKARTA,))
        )
    )
    order_id = app.execute(
        commands.PlaceOrder(customer_id="C3", lines=(commands.NewLine(sku="CAP-BLK", quantity=1),))
    )
    assert app.notifications is not None
    sender = app.notifications.sender
    assert isinstance(sender, InMemoryOutbox)
    sender.fail_next()
    debug.clear()
    app.execute(commands.ConfirmOrder(order_id=order_id))
    (failed,) = [r for r in of(debug, logs.NOTIFICATIONS) if r.levelno >= logging.INFO]
    (item,) = [i for i in outbox(app, CallKind.SEND_MESSAGE) if i.state is OutboxState.PENDING]
    assert failed.levelno == logging.WARNING
    assert pick(failed, "key", "order_id", "attempt") == (item.key, order_id, 1)
    assert field(failed, "error") == "NotificationFailed"
    assert "kept for a retry" in failed.getMessage()

    debug.clear()
    assert app.notifications.retry() == 1
    (sent,) = [r for r in of(debug, logs.NOTIFICATIONS) if r.levelno >= logging.INFO]
    assert (sent.levelno, field(sent, "key"), field(sent, "attempt")) == (logging.INFO, item.key, 2)


def test_an_event_the_notifier_cannot_handle_is_an_error_and_stays_unhandled(
    app: SalesApp, debug: pytest.LogCaptureFixture
) -> None:
    """The event is kept in ``unhandled`` as before, and logged with its traceback."""
    notifier = app.notifications
    assert notifier is not None

    def broken() -> object:
        raise RuntimeError("the store is gone")

    notifier.uow = broken  # type: ignore[assignment]
    event = OrderDelivered(order_id="ORD-9", at=app.clock.now(), shipment_id="S1")
    notifier.publish(event)
    assert notifier.unhandled == [(event, "RuntimeError: the store is gone")]
    (record,) = of(debug, logs.NOTIFICATIONS)
    assert record.levelno == logging.ERROR
    assert pick(record, "order_id", "error") == ("ORD-9", "RuntimeError")
    assert record.exc_info is not None
    assert record.getMessage() == (
        "OrderDelivered of order ORD-9 not handled, kept for Notifier.retry: "
        "RuntimeError: the store is gone"
    )


# -- handlers and the areas -----------------------------------------------------------------


def test_the_library_installs_no_handler_but_a_null_one(app: SalesApp) -> None:
    """After a run through every area that logs, ``salesorder`` has one NullHandler and no
    logger of the library has any other; the root logger is left as it was."""
    root_handlers = list(logging.getLogger().handlers)
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with pytest.raises(NotFound):
        app.execute(commands.ConfirmOrder(order_id="ORD-404"))
    assert logging.getLogger().handlers == root_handlers
    top = logging.getLogger(logs.ROOT)
    assert [type(h) for h in top.handlers if type(h) is not logging.NullHandler] == []
    assert sum(type(h) is logging.NullHandler for h in top.handlers) == 1
    for area in logs.AREAS:
        assert logging.getLogger(area).handlers == []
        assert logging.getLogger(area).propagate


def test_an_unknown_area_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"'salesorder\.nope' is not one of salesorder's"):
        logs.logger("salesorder.nope")
    for bad in (None, 5, ["salesorder.orders"]):
        with pytest.raises(ValidationError, match=rf"logging area {re.escape(repr(bad))} is not"):
            logs.logger(bad)  # type: ignore[arg-type]


def test_context_gives_every_field_none_where_not_given() -> None:
    assert logs.context(key="K", error=KeyError("x")) == {
        "order_id": None,
        "command": None,
        "key": "K",
        "attempt": None,
        "error": "KeyError",
        "result": None,
    }


def test_a_command_outside_the_library_logs_to_commands() -> None:
    assert logs.command_area(Probe) == logs.COMMANDS
    assert logs.command_area(commands.PlaceOrder) == logs.ORDERS
    assert logs.command_area(commands.IssueInvoice) == logs.BILLING
    assert logs.command_area(commands.ShipOrder) == logs.FULFILMENT
    assert logs.command_area(commands.ReceiveWebhook) == logs.CHANNELS


def test_command_area_refuses_what_is_not_a_class() -> None:
    for bad in (None, "PlaceOrder", 5):
        with pytest.raises(ValidationError, match=rf"takes a command's class, got {bad!r}"):
            logs.command_area(bad)  # type: ignore[arg-type]
