"""Races at the edge (issue 17), for real: on a SQLite file and on PostgreSQL, in threads and
in processes.

Each test runs ``ROUNDS`` races (``SALESORDER_RACE_ROUNDS`` raises it locally), each on fresh
orders of one shop:

- ``ShipOrder`` against ``CancelOrder`` of a one-unit COD order;
- ``ShipOrder`` against ``CancelLines`` of 2 of a 3-unit COD order's units;
- ``DELIVERERS`` deliveries at once of the same new marketplace order (``ReceiveWebhook``,
  validly signed);
- the same, while the marketplace refuses the first acknowledgement of the order.

After each race the outbox is dispatched until nothing is pending (the clock moves past
every backoff and lease) and the far side is checked against what was stored: every live
booking at the courier is the booking of a stored, booked shipment and carries what that
shipment says (reference, COD amount, destination: the whole request); no cancelled order or
shipment has one; every booked shipment has exactly one; every ingested order is
acknowledged, by one outbox item sent; concurrent duplicates answer ``duplicate``, never an
error; and stock holds (no oversell, reserved is the sum of its reservations, on hand is what
came in less what shipped).

Threads share one application and its in-memory courier and marketplace. Processes each
build their own application on the same database with adapters of their own
(:func:`workers.race_command`) and send back what those recorded; the parent takes the union
into its own courier and marketplace (one far side, as in production) and dispatches and
checks there.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator, MutableMapping
from typing import Any

import pytest

from salesorder import IngestOutcome, commands
from salesorder.domain.catalog import Product
from salesorder.domain.channels import MarketplaceLine, MarketplaceOrder
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.outbox import CallKind, OutboxState
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import ShipmentStatus
from salesorder.money import Money
from salesorder.services.app import SalesApp
from salesorder.services.commands import DispatchOutbox

from . import workers
from .conftest import fresh_postgres

ROUNDS = int(os.environ.get("SALESORDER_RACE_ROUNDS", "12"))
#: Deliveries of the same new order at once.
DELIVERERS = 4
INITIAL_STOCK = 10_000
#: The latest one of two racers starts after the other, in seconds (drawn per round), so
#: that each side wins some rounds: the cancel is quicker than the ship and would win most.
STAGGER = 0.03
#: Seconds a round of racers may take before the test fails instead of hanging. A round takes
#: well under a second alone; on a machine running several suites at once, conflicts and their
#: backoff made one take over 120 s.
ROUND_TIMEOUT = 300.0

WAREHOUSE = Address(line1="Jl. Merdeka 1", city="Jakarta", country="ID")
BUYER = Address(line1="Jl. Asia Afrika 8", city="Bandung", country="ID", recipient="Budi")
SHOPEE_BUYER = Address(line1="Jl. Kemang Raya 3", city="Jakarta", country="ID", recipient="Sari")

#: Outcomes tallied per test, printed at its end (``-s`` shows them).
Tally = Counter[str]


class Arena:
    """A shop on one database, and the racers: threads or processes.

    ``app`` is the parent's application: it sets up, dispatches after each race and checks.
    Its courier and shop are the far side: in threads the racers share them; in processes
    each racer's are merged into them after the round.
    """

    def __init__(self, url: str, mode: str, fail_once: bool = False) -> None:
        self.url = url
        self.mode = mode
        self._manager: Any = None
        self._pool: Any = None
        self._barrier: Any = None
        self.fail_once: MutableMapping[str, str] | None = None
        if mode == "processes":
            context = multiprocessing.get_context("spawn")
            self._context = context
            self._manager = context.Manager()
            if fail_once:
                self.fail_once = self._manager.dict()
        elif fail_once:
            self.fail_once = {}
        self.courier = workers.RecordingCourier()
        self.shop = workers.RecordingMarketplace(self.fail_once)
        self.app = workers.racing_app(url, courier=self.courier, shop=self.shop, create=True)
        _stock_shop(self.app)

    def race(
        self,
        racers: list[commands.Command[Any]],
        feed: tuple[MarketplaceOrder, ...] = (),
        delays: list[float] | None = None,
    ) -> list[workers.Outcome]:
        """Run ``racers`` at once (each after its delay, in seconds); their outcomes."""
        delays = delays or [0.0] * len(racers)
        if self.mode == "threads":
            return _in_threads(self.app, racers, delays)
        if self._pool is None:
            self._barrier = self._manager.Barrier(len(racers))
            self._pool = self._context.Pool(
                len(racers),
                initializer=workers.join_race,
                initargs=(self._barrier, self.fail_once),
            )
        else:
            self._barrier.reset()  # a racer that could not be set up broke it last round
        if len(racers) != self._barrier.parties:
            raise ValueError(f"this arena races {self._barrier.parties}, not {len(racers)}")
        now = self.app.clock.now()
        args = [
            (self.url, command, now, feed, delay)
            for command, delay in zip(racers, delays, strict=True)
        ]
        try:
            answers = self._pool.starmap_async(workers.race_command, args).get(ROUND_TIMEOUT)
        except multiprocessing.TimeoutError:
            pytest.fail(f"racers gave no result in {ROUND_TIMEOUT:.0f} s (did one die?)")
        for _, far in answers:
            self.courier.absorb(far)
            self.shop.absorb(far)
        return [outcome for outcome, _ in answers]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        if self._manager is not None:
            self._manager.shutdown()
        workers.close_stores()


def _in_threads(
    app: SalesApp, racers: list[commands.Command[Any]], delays: list[float]
) -> list[workers.Outcome]:
    barrier = threading.Barrier(len(racers))
    outcomes: list[workers.Outcome] = [("error", "never ran")] * len(racers)

    def run(index: int, command: commands.Command[Any]) -> None:
        barrier.wait()
        time.sleep(delays[index])
        outcomes[index] = workers.attempt(app, command)

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ROUND_TIMEOUT)
    assert not any(t.is_alive() for t in threads), f"a racer hung for {ROUND_TIMEOUT:.0f} s"
    return outcomes


MODES = [
    pytest.param(("sqlite", "threads"), id="sqlite-threads"),
    pytest.param(("sqlite", "processes"), id="sqlite-processes"),
    pytest.param(("postgresql", "threads"), id="postgresql-threads", marks=pytest.mark.postgres),
    pytest.param(
        ("postgresql", "processes"), id="postgresql-processes", marks=pytest.mark.postgres
    ),
]


def _url(backend: str, tmp_path: Any) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'races.db'}"
    return fresh_postgres()


@pytest.fixture(params=MODES)
def arena(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Arena]:
    backend, mode = request.param
    made = Arena(_url(backend, tmp_path), mode)
    yield made
    made.close()


@pytest.fixture(params=MODES)
def failing_arena(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Arena]:
    """An arena whose marketplace refuses the first acknowledgement of every order."""
    backend, mode = request.param
    made = Arena(_url(backend, tmp_path), mode, fail_once=True)
    yield made
    made.close()


# -- the shop -------------------------------------------------------------------------------


def _stock_shop(app: SalesApp) -> None:
    """Warehouse WH; TEE at Rp150,000 (0.3 kg), ``INITIAL_STOCK`` units; customer C1 in
    Bandung; Shopee's SHP-TEE sells TEE."""
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="WH", name="Main", address=WAREHOUSE))
    )
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="TEE",
                name="T-shirt",
                price=Money.of("150000", "IDR"),
                unit_cost=Money.of("80000", "IDR"),
                weight_kg="0.3",
                initial_stock=INITIAL_STOCK,
            ),
            warehouse="WH",
        )
    )
    app.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(BUYER,))))
    app.execute(commands.MapChannelSku(channel="shopee", channel_sku="SHP-TEE", sku="TEE"))


def _reserved_order(app: SalesApp, quantity: int) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TEE", quantity=quantity),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    app.execute(commands.ReserveStock(order_id=order_id))
    return order_id


def _new_marketplace_order(external_id: str) -> MarketplaceOrder:
    return MarketplaceOrder(
        external_id=external_id,
        revision=1,
        status="READY_TO_SHIP",
        buyer_name="Sari",
        buyer_phone="+62812000000",
        shipping_address=SHOPEE_BUYER,
        currency="IDR",
        lines=(
            MarketplaceLine(
                channel_sku="SHP-TEE", quantity=1, unit_price=Money.of("145000", "IDR")
            ),
        ),
        created_at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.timezone.utc),
        cash_on_delivery=True,
    )


# -- after each race ------------------------------------------------------------------------


def _drain(app: SalesApp) -> None:
    """Dispatch until no outbox item is pending; none may be dead."""
    for _ in range(10):
        with app.uow() as uow:
            if not uow.outbox.in_states([OutboxState.PENDING]):
                break
        app.clock.advance(dt.timedelta(hours=2))  # type: ignore[attr-defined] # past backoffs, leases
        app.execute(DispatchOutbox(limit=1000))
    else:
        pytest.fail("the outbox still has pending items after 10 dispatches")
    with app.uow() as uow:
        dead = uow.outbox.in_states([OutboxState.DEAD])
    assert not dead, [(item.key, item.last_error) for item in dead]


def _check_far_side(arena: Arena) -> None:
    """Every live booking is a stored shipment's, as it says; every ingested order is
    acknowledged, once in the outbox; stock holds."""
    app, courier, shop = arena.app, arena.courier, arena.shop
    with app.uow() as uow:
        shipments = uow.shipments.list()
        orders = {order.id: order for order in uow.orders.list()}
        stock = uow.stock.list()
        acks = [i for i in uow.outbox.list() if i.call.kind is CallKind.ACKNOWLEDGE_ORDER]
    assert courier.double_booked == [], "two racers booked the same reference"
    far = courier.recorded()
    live = {
        booking.tracking_number: (reference, request, booking)
        for reference, (request, booking) in far.bookings.items()
        if booking.tracking_number not in far.cancelled
    }
    by_tracking = {s.tracking_number: s for s in shipments if s.tracking_number}
    for tracking, (reference, request, booking) in live.items():
        shipment = by_tracking.get(tracking)
        assert shipment is not None, f"live booking {reference} ({tracking}): no shipment has it"
        order = orders[shipment.order_id]
        assert shipment.status is ShipmentStatus.BOOKED, (shipment.id, shipment.status)
        assert order.status is not OrderStatus.CANCELLED, (
            f"{order.id} is cancelled, {tracking} live"
        )
        assert (shipment.booking_reference, shipment.booked_reference) == (reference, reference)
        assert request.cod_amount == shipment.cod_amount, (reference, request.cod_amount)
        assert request.destination == shipment.destination, reference
        assert request == shipment.request(), reference
        assert booking.label == shipment.label
        # One parcel per order here: it collects the order's whole total and the fee.
        assert shipment.cod_amount is not None
        assert shipment.cod_amount == order.total + order.balance.shipping_charge
        assert f"COD {shipment.cod_amount}" in booking.label
    booked = {s.tracking_number for s in shipments if s.status is ShipmentStatus.BOOKED}
    assert booked == set(live), "a booked shipment without exactly its one live booking"
    waiting = [s.id for s in shipments if s.status is ShipmentStatus.REQUESTED]
    assert waiting == [], "a shipment still waits for its booking after the dispatch"

    ingested = {o.external_ref for o in orders.values() if o.channel.code == "shopee"}
    assert shop.acknowledged == ingested
    assert set(shop.acks) == ingested  # only orders it knows, by their own id
    assert sorted(item.call.subject for item in acks) == sorted(ingested)  # one item each
    assert {item.state for item in acks} <= {OutboxState.SENT}
    assert {(item.call.target, item.call.reference) for item in acks} <= {("shopee", "")}

    shipped: Counter[tuple[str, str]] = Counter()
    for order in orders.values():
        for pick in order.dispatched:
            shipped[(pick.warehouse, pick.sku)] += pick.quantity
    for item in stock:
        assert 0 <= item.reserved <= item.on_hand, (item.sku, item.reserved, item.on_hand)
        assert item.reserved == sum(r.quantity for r in item.reservations.values())
        assert item.on_hand == INITIAL_STOCK - shipped[(item.warehouse, item.sku)]
        for reservation in item.reservations.values():
            holder = orders[reservation.order_id]
            assert holder.status is not OrderStatus.CANCELLED, reservation.key
            assert not holder.fully_shipped, reservation.key


def _error(outcome: workers.Outcome) -> str:
    """The exception's type name of a failed racer ("" when it succeeded)."""
    kind, value = outcome
    return "" if kind == "ok" else str(value).split(":", 1)[0]


def _report(name: str, arena: Arena, tally: Tally) -> None:
    where = f"{arena.mode}, {arena.url.split(':', 1)[0]}"
    print(f"\n{name} [{where}]: {ROUNDS} rounds, {dict(tally)}")  # noqa: T201 - shown with -s


# -- the races ------------------------------------------------------------------------------


def _staggered(rng: random.Random) -> list[float]:
    """Delays for two racers: one starts at once, the other up to ``STAGGER`` later."""
    delays = [0.0, rng.uniform(0, STAGGER)]
    rng.shuffle(delays)
    return delays


def test_ship_against_cancel_leaves_no_orphan_booking(arena: Arena) -> None:
    """One wins: shipped and booked, the cancel refused; or cancelled, the ship refused and
    nothing booked, nothing left reserved."""
    tally: Tally = Counter()
    rng = random.Random(17)
    for _ in range(ROUNDS):
        order_id = _reserved_order(arena.app, 1)
        shipped, cancelled = arena.race(
            [
                commands.ShipOrder(order_id=order_id, courier="jnt"),
                commands.CancelOrder(order_id=order_id, reason="buyer changed her mind"),
            ],
            delays=_staggered(rng),
        )
        _drain(arena.app)
        _check_far_side(arena)
        with arena.app.uow() as uow:
            order = uow.orders.get(order_id)
        if order.status is OrderStatus.CANCELLED:
            assert cancelled == ("ok", None), cancelled
            assert _error(shipped) in ("IllegalTransition", "ReservationNotFound"), shipped
            assert order.shipment_ids == []
            tally[f"cancel won (ship: {_error(shipped)})"] += 1
        else:
            assert shipped[0] == "ok", shipped
            assert _error(cancelled) == "IllegalTransition", cancelled
            assert order.status is OrderStatus.SHIPPED
            assert len(order.shipment_ids) == 1
            tally["ship won"] += 1
    _report("ship vs cancel", arena, tally)


def test_ship_against_cancel_lines_books_what_the_shipment_says(arena: Arena) -> None:
    """CancelLines of 2 of 3 units lands first (one unit ships, its COD is one unit's) or
    is refused because all three shipped; the label asks for what the shipment stores."""
    tally: Tally = Counter()
    rng = random.Random(17)
    for _ in range(ROUNDS):
        order_id = _reserved_order(arena.app, 3)
        shipped, cut = arena.race(
            [
                commands.ShipOrder(order_id=order_id, courier="jnt"),
                commands.CancelLines(
                    order_id=order_id, lines=(commands.LineQuantity(line_id="1", quantity=2),)
                ),
            ],
            delays=_staggered(rng),
        )
        _drain(arena.app)
        _check_far_side(arena)
        assert shipped[0] == "ok", shipped
        with arena.app.uow() as uow:
            order = uow.orders.get(order_id)
        units = sum(line.quantity for line in order.lines)
        assert sum(pick.quantity for pick in order.dispatched) == units
        if cut[0] == "ok":
            assert units == 1
            tally["cancel-lines first: 1 unit shipped"] += 1
        else:
            # Refused whole: nothing left to cancel, or the order is no longer amendable.
            assert _error(cut) in ("AmendmentRefused", "IllegalTransition"), cut
            assert units == 3
            tally["ship first: 3 units shipped"] += 1
    _report("ship vs cancel-lines", arena, tally)


def _deliver_at_once(arena: Arena, external_id: str, tally: Tally, wrong: list[str]) -> None:
    """``DELIVERERS`` deliveries of a new order at once, then one more: one order, one
    "created" and the rest "duplicate" (else noted in ``wrong``), and the redelivery
    acknowledged again at once."""
    incoming = _new_marketplace_order(external_id)
    body, signature = arena.shop.webhook(incoming)  # the far side knows the order
    push = commands.ReceiveWebhook(channel="shopee", body=body.decode(), signature=signature)
    outcomes = arena.race([push] * DELIVERERS, feed=(incoming,))
    errors = [value for kind, value in outcomes if kind != "ok"]
    assert errors == [], errors
    assert len({result.order_id for _, result in outcomes}) == 1
    answers = Counter(result.outcome for _, result in outcomes)
    # Checked at the end of the test, so that every round's other checks still run.
    if answers != {IngestOutcome.CREATED: 1, IngestOutcome.DUPLICATE: DELIVERERS - 1}:
        wrong.append(f"{external_id}: {sorted(a.value for a in answers.elements())}")

    # The marketplace redelivers (it may not have heard back): acknowledged again, at once.
    before = arena.shop.acks.count(external_id)
    again = arena.app.execute(push)
    assert again.outcome is IngestOutcome.DUPLICATE
    assert arena.shop.acks.count(external_id) == before + 1
    tally["acknowledgements taken during the race"] += before

    _drain(arena.app)
    _check_far_side(arena)
    with arena.app.uow() as uow:
        assert uow.customers.find(f"shopee-{external_id}") is not None
        assert uow.marketplace_orders.find(("shopee", external_id)) is not None
        assert uow.orders.find_by_external_ref("shopee", external_id) is not None


def _patterns(wrong: list[str]) -> Counter[str]:
    """The rounds noted in ``wrong``, counted by what the racers answered."""
    return Counter(f"answered {entry.split(': ', 1)[1]}" for entry in wrong)


def test_duplicate_concurrent_deliveries_make_one_order_acknowledged(arena: Arena) -> None:
    tally: Tally = Counter()
    wrong: list[str] = []
    for round_ in range(ROUNDS):
        _deliver_at_once(arena, f"SP-{round_}", tally, wrong)
        tally["rounds"] += 1
    tally.update(_patterns(wrong))
    _report("duplicate deliveries", arena, tally)
    assert wrong == [], "concurrent duplicates must answer duplicate"


def test_an_acknowledgement_that_fails_once_is_made_after_all(failing_arena: Arena) -> None:
    """The marketplace refuses the first acknowledgement of each order (whichever racer or
    dispatcher makes it); the order is acknowledged all the same, by one item sent."""
    arena = failing_arena
    tally: Tally = Counter()
    wrong: list[str] = []
    for round_ in range(ROUNDS):
        external_id = f"SP-F{round_}"
        _deliver_at_once(arena, external_id, tally, wrong)
        assert arena.fail_once is not None
        assert external_id in arena.fail_once
        assert arena.shop.failed_acks.count(external_id) == 1
        assert external_id in arena.shop.acks
        tally["rounds"] += 1
    tally.update(_patterns(wrong))
    _report("failing acknowledgement", arena, tally)
    assert wrong == [], "concurrent duplicates must answer duplicate"
