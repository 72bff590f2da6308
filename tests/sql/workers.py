"""Worker processes for the PostgreSQL concurrency tests (module level: spawn imports them)."""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from salesorder.adapters.memory import (
    InMemoryCourier,
    InMemoryEventBus,
    InMemoryMarketplace,
    ManualClock,
)
from salesorder.adapters.sql import SqlStore
from salesorder.adapters.system import UuidIds
from salesorder.domain.channels import MarketplaceOrder
from salesorder.domain.inventory import Reservation
from salesorder.domain.shipping import CourierBooking, ShipmentRequest
from salesorder.exceptions import ConcurrencyConflict, InsufficientStock, SalesOrderError
from salesorder.services import commands
from salesorder.services.app import SalesApp


def app_on(url: str) -> SalesApp:
    """An application on the shared database, with ids unique across processes."""
    return SalesApp(
        uow=SqlStore(url, create=False),
        clock=ManualClock(),
        ids=UuidIds(),
        events=InMemoryEventBus(),
    )


def reserve_order(url: str, order_id: str, barrier: Any) -> str:
    """Wait for every worker, then try to reserve one order; the outcome's name."""
    app = app_on(url)
    barrier.wait()
    try:
        app.execute(commands.ReserveStock(order_id=order_id))
    except SalesOrderError as error:
        return type(error).__name__
    return "reserved"


def churn(url: str, worker: int, skus: list[str], rounds: int, barrier: Any) -> dict[str, int]:
    """Reserve and release at random; returns the reservations this worker holds at the end."""
    store = SqlStore(url, create=False)
    rng = random.Random(worker)
    held: dict[str, tuple[str, int]] = {}
    barrier.wait()
    for round_ in range(rounds):
        sku = rng.choice(skus)
        key_line = f"{worker}-{round_ % 5}"
        try:
            with store.unit_of_work() as uow:
                item = uow.stock.get(("WH", sku))
                key = f"W{worker}/{key_line}"
                if key in item.reservations:
                    item.release(key)
                    uow.commit()
                    held.pop(f"{sku}|{key}", None)
                else:
                    quantity = rng.randint(1, 3)
                    item.reserve(
                        Reservation(
                            key=key,
                            order_id=f"W{worker}",
                            line_id=key_line,
                            quantity=quantity,
                            created_at=ManualClock().now(),
                        )
                    )
                    uow.commit()
                    held[f"{sku}|{key}"] = (sku, quantity)
        except (ConcurrencyConflict, InsufficientStock):
            continue
    store.dispose()
    return {name: quantity for name, (_, quantity) in held.items()}


def issue_invoices(url: str, order_ids: list[str], barrier: Any) -> list[str]:
    """Issue an invoice for each order; the invoice numbers this worker got."""
    app = app_on(url)
    barrier.wait()
    numbers = []
    for order_id in order_ids:
        invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
        with app.uow() as uow:
            number = uow.invoices.get(invoice_id).number
            assert number is not None
            numbers.append(number)
    return numbers


# -- the outbox race tests (test_outbox_races.py) -------------------------------------------
#
# A race is two or more commands started together, each on an application of its own: in
# threads they share the in-memory courier and marketplace (one process holds them); in
# processes each worker builds its own application on the same database with in-memory
# adapters of its own, and sends back what they recorded (:class:`FarSide`), so the parent
# can check the union as if one courier and one marketplace had answered every process.


@dataclass
class FarSide:
    """What the in-memory courier and marketplace of one racer were asked to do.

    ``bookings`` holds each booking made, with the request it was made for, by reference;
    ``cancelled`` the tracking numbers cancelled; ``acks`` each acknowledgement that was
    taken (one entry per call), ``failed_acks`` each one refused.
    """

    bookings: dict[str, tuple[ShipmentRequest, CourierBooking]] = field(default_factory=dict)
    cancelled: set[str] = field(default_factory=set)
    acks: list[str] = field(default_factory=list)
    failed_acks: list[str] = field(default_factory=list)


class RecordingCourier(InMemoryCourier):
    """An in-memory courier that keeps the request of every booking it made.

    Its tracking numbers carry a prefix of its own, so couriers of several processes never
    hand out the same one.
    """

    def __init__(self, code: str = "jnt") -> None:
        super().__init__(code, tracking_prefix=f"{code.upper()}{uuid.uuid4().hex[:6].upper()}")
        self.requests: dict[str, ShipmentRequest] = {}
        #: References another racer booked too (with another tracking number), see absorb.
        self.double_booked: list[str] = []

    def book(self, request: ShipmentRequest) -> CourierBooking:
        booking = super().book(request)
        with self._lock:
            self.requests.setdefault(request.reference, request)
        return booking

    def recorded(self) -> FarSide:
        """Its bookings and cancellations."""
        with self._lock:
            return FarSide(
                bookings={ref: (self.requests[ref], b) for ref, b in self.bookings.items()},
                cancelled=set(self.cancelled),
            )

    def absorb(self, far: FarSide) -> None:
        """Take over what another racer's courier booked and cancelled, as one courier would."""
        with self._lock:
            for reference, (request, booking) in far.bookings.items():
                known = self.bookings.get(reference)
                if known is not None:
                    if known.tracking_number != booking.tracking_number:
                        self.double_booked.append(reference)
                    continue
                self.bookings[reference] = booking
                self.requests[reference] = request
                self._events.setdefault(booking.tracking_number, [])
            self.cancelled |= far.cancelled


class RecordingMarketplace(InMemoryMarketplace):
    """A Shopee shop that logs every acknowledgement and can refuse the first of each order.

    ``fail_once`` is shared by every racer (a dict, or a manager's dict across processes):
    the first acknowledgement of an order anywhere puts its token there and fails, as a
    marketplace that timed out once would.
    """

    def __init__(self, fail_once: MutableMapping[str, str] | None = None) -> None:
        super().__init__()
        self.fail_once = fail_once
        self.acks: list[str] = []
        self.failed_acks: list[str] = []

    def acknowledge(self, external_id: str) -> None:
        if self.fail_once is not None:
            token = uuid.uuid4().hex
            if self.fail_once.setdefault(external_id, token) == token:
                self.failed_acks.append(external_id)
                raise ConnectionError(f"Shopee did not answer the acknowledgement of {external_id}")
        super().acknowledge(external_id)
        self.acks.append(external_id)

    def recorded(self) -> FarSide:
        """Its acknowledgements, taken and refused."""
        return FarSide(acks=list(self.acks), failed_acks=list(self.failed_acks))

    def absorb(self, far: FarSide) -> None:
        """Take over what another racer's shop was told."""
        self.acks.extend(far.acks)
        self.failed_acks.extend(far.failed_acks)
        self.acknowledged.update(far.acks)


_STORES: dict[str, SqlStore] = {}


def racing_app(
    url: str,
    *,
    start: dt.datetime | None = None,
    courier: RecordingCourier | None = None,
    shop: RecordingMarketplace | None = None,
    create: bool = False,
) -> SalesApp:
    """An application on the shared database, with far-side adapters of its own.

    The store is kept per process and URL (a racer's rounds reuse its connections); ids are
    unique across processes; the clock starts at ``start`` (the parent's time).
    """
    store = _STORES.get(url)
    if store is None:
        store = _STORES[url] = SqlStore(url, create=create)
    shop = shop or RecordingMarketplace()
    return SalesApp(
        uow=store,
        clock=ManualClock(start),
        ids=UuidIds(),
        events=InMemoryEventBus(),
        couriers={"jnt": courier or RecordingCourier()},
        marketplaces={"shopee": shop},
    )


Outcome = tuple[str, Any]


def attempt(app: SalesApp, command: commands.Command[Any]) -> Outcome:
    """``("ok", result)``, or ``("error", "<Type>: <message>")`` for any exception."""
    try:
        return ("ok", app.execute(command))
    except Exception as error:  # any exception: the parent judges every outcome
        return ("error", f"{type(error).__name__}: {error}")


#: What every racer of a pool shares, given once to each worker process by
#: :func:`join_race` (the pool's initializer), never with each task.
_RACE: dict[str, Any] = {}


def join_race(barrier: Any, fail_once: MutableMapping[str, str] | None) -> None:
    """Pool initializer: keep the shared ``barrier`` and ``fail_once`` in this worker.

    Proxies of a manager reach a worker once this way. Passed with every task, each was
    unpickled (a new connection to the manager) per task and per round. A round sometimes
    hung with one worker idle and the others at the barrier: a pool worker that meets
    ``OSError`` while reading a task exits, and its task is lost. Connecting once per worker
    leaves no task to lose that way.
    """
    _RACE["barrier"] = barrier
    _RACE["fail_once"] = fail_once


def race_command(
    url: str,
    command: commands.Command[Any],
    start: dt.datetime,
    feed: tuple[MarketplaceOrder, ...] = (),
    delay: float = 0.0,
) -> tuple[Outcome, FarSide]:
    """Wait for the other racers (then ``delay`` seconds), run ``command``; its outcome and
    what the far side saw.

    ``feed`` scripts the marketplace's own orders (it acknowledges only orders it knows).
    The barrier and the shared refusals come from :func:`join_race`.
    """
    barrier = _RACE["barrier"]
    courier = RecordingCourier()
    try:
        shop = RecordingMarketplace(_RACE["fail_once"])
        for order in feed:
            shop.put_order(order)
        app = racing_app(url, start=start, courier=courier, shop=shop)
    except Exception as error:
        # The others would wait at the barrier for this racer forever: break it for them,
        # and say what went wrong (the round then fails with this, not with a timeout).
        barrier.abort()
        return ("error", f"setting up the racer: {type(error).__name__}: {error}"), FarSide()
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        return ("error", "another racer could not be set up"), FarSide()
    time.sleep(delay)
    outcome = attempt(app, command)
    far = courier.recorded()
    far.acks, far.failed_acks = shop.acks, shop.failed_acks
    return outcome, far


def close_stores() -> None:
    """Close the stores :func:`racing_app` kept in this process."""
    while _STORES:
        _, store = _STORES.popitem()
        store.dispose()
