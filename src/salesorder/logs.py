"""The library's loggers: one per area, named here and nowhere else.

salesorder writes its log records through stdlib ``logging``, one logger per area of the
shop (:data:`AREAS`), so a shop turns one area up or down by its name
(``logging.getLogger("salesorder.outbox").setLevel(logging.DEBUG)``). The library installs
no handler: the shop's logging configuration decides where records go. The ``salesorder``
logger gets a :class:`logging.NullHandler` when the first record is about to be written, the
stdlib's convention for libraries, so an application that configured nothing sees no
"last resort" output on standard error.

Every record carries the same fields in its ``extra`` (:data:`FIELDS`), None where they do
not apply, so a format string such as ``"%(order_id)s %(command)s"`` never fails on a
record of this library. Build them with :func:`context`. See ``docs/logging.md``.

Nothing happens at import time: loggers are looked up, and the NullHandler is added, on
first use.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Any, Final

from salesorder.exceptions import ValidationError

__all__ = [
    "AREAS",
    "BILLING",
    "CHANNELS",
    "COMMANDS",
    "FIELDS",
    "FULFILMENT",
    "NOTIFICATIONS",
    "ORDERS",
    "OUTBOX",
    "PRICING",
    "ROOT",
    "SQL",
    "STOCK",
    "command_area",
    "context",
    "logger",
]

#: The parent of every area's logger; the only one the library adds a (null) handler to.
ROOT: Final = "salesorder"
#: Order commands (placing, confirming, amending, cancelling orders).
ORDERS: Final = "salesorder.orders"
#: Stock commands (products, warehouses, receipts, reservations, counts, purchasing).
STOCK: Final = "salesorder.stock"
#: Billing commands (invoices, credit notes, payments, e-invoices).
BILLING: Final = "salesorder.billing"
#: Fulfilment commands (shipments, couriers, tracking, returns, the warehouse floor).
FULFILMENT: Final = "salesorder.fulfilment"
#: Marketplace commands (imports, webhooks, listings, channel stock, settlements).
CHANNELS: Final = "salesorder.channels"
#: Every other command (the outbox's and notifications' operator commands, a shop's own).
COMMANDS: Final = "salesorder.commands"
#: Pricing an order (DEBUG only, as it runs at every order edit).
PRICING: Final = "salesorder.pricing"
#: Calls to the outside world made from the outbox (sent, failed and retried, dead).
OUTBOX: Final = "salesorder.outbox"
#: Customer messages (written, sent, failed) and events the notifier could not handle.
NOTIFICATIONS: Final = "salesorder.notifications"
#: The SQL adapter (version conflicts, database failures, schema refusals).
SQL: Final = "salesorder.sql"

#: Every area's logger name.
AREAS: Final = (
    ORDERS, STOCK, BILLING, FULFILMENT, CHANNELS, COMMANDS, PRICING, OUTBOX, NOTIFICATIONS, SQL,
)  # fmt: skip

#: The ``extra`` fields every record of the library carries (None where they do not apply):
#: the order, the command's class name, the outbox item's key (its idempotency key), the
#: attempt (1 for the first run of a command or call), the error's class name, and the
#: result's id.
FIELDS: Final = ("order_id", "command", "key", "attempt", "error", "result")

# The module of each command context, and the area its commands log to.
_COMMAND_MODULE = "salesorder.services.commands."
_COMMAND_AREAS: Final = {
    "ordering": ORDERS,
    "stock": STOCK,
    "billing": BILLING,
    "fulfilment": FULFILMENT,
    "channels": CHANNELS,
}

_lock = threading.Lock()
_quiet = False


def _install_null_handler() -> None:
    """Give ``salesorder`` its NullHandler, once (the library's only handler)."""
    global _quiet  # noqa: PLW0603 - a once-only flag, set under the lock
    with _lock:
        if _quiet:
            return
        root = logging.getLogger(ROOT)
        if not any(isinstance(handler, logging.NullHandler) for handler in root.handlers):
            root.addHandler(logging.NullHandler())
        _quiet = True


def logger(area: str) -> logging.Logger:
    """The logger of ``area`` (one of :data:`AREAS`), the library's NullHandler installed.

    Raises:
        ValidationError: ``area`` is not one of :data:`AREAS` (a ``ValueError`` too).
    """
    if not isinstance(area, str) or area not in AREAS:
        raise ValidationError(f"logging area {area!r} is not one of salesorder's {list(AREAS)}")
    return _logger(area)


@functools.cache
def _logger(area: str) -> logging.Logger:
    _install_null_handler()
    return logging.getLogger(area)


def command_area(command_type: type[Any]) -> str:
    """The area a command of ``command_type`` logs to: its context's, else :data:`COMMANDS`.

    Raises:
        ValidationError: ``command_type`` is not a class.
    """
    if not isinstance(command_type, type):
        raise ValidationError(f"command_area takes a command's class, got {command_type!r}")
    module = command_type.__module__
    if module.startswith(_COMMAND_MODULE):
        return _COMMAND_AREAS.get(module[len(_COMMAND_MODULE) :], COMMANDS)
    return COMMANDS


def context(
    *,
    order_id: str | None = None,
    command: str | None = None,
    key: str | None = None,
    attempt: int | None = None,
    error: BaseException | None = None,
    result: str | None = None,
) -> dict[str, Any]:
    """The ``extra`` of a record: every field of :data:`FIELDS`, None where not given.

    ``error`` is given as the exception and recorded as its class name (the message is in
    the record's text).
    """
    return {
        "order_id": order_id,
        "command": command,
        "key": key,
        "attempt": attempt,
        "error": type(error).__name__ if error is not None else None,
        "result": result,
    }
