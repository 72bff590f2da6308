"""The kits can fail: each one is run against a deliberately broken adapter and must object.

A contract test that passes against anything is a defect; these mutants prove the kits bite.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import settings

from salesorder.adapters.memory import (
    InMemoryCourier,
    InMemoryEInvoiceProvider,
    InMemoryEventBus,
    InMemoryMarketplace,
    ManualClock,
)
from salesorder.domain.channels import MarketplaceOrder, MarketplacePage
from salesorder.domain.events import DomainEvent
from salesorder.domain.inventory import waiting_since
from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus, Invoice
from salesorder.domain.shipping import (
    CourierBooking,
    ShipmentRequest,
    TrackingEvent,
    TrackingStatus,
)
from salesorder.exceptions import (
    ConcurrencyConflict,
    DuplicateError,
    NotFound,
    UniquenessConflict,
)
from salesorder.ports.repositories import REPOSITORIES
from salesorder.testing.contracts import (
    ClockContract,
    CourierGatewayContract,
    EInvoiceProviderContract,
    EventPublisherContract,
    IdGeneratorContract,
    MarketplaceGatewayContract,
    UnitOfWorkContract,
)

# -- persistence: a toy dictionary adapter with switchable flaws ---------------------------


@attrs.define
class _Flaws:
    """Which part of the contract the toy store gets wrong (none by default)."""

    last_writer_wins: bool = False
    non_atomic: bool = False
    no_identity_map: bool = False
    no_unique_refs: bool = False
    rollback_keeps_stock: bool = False
    exit_commits: bool = False
    ledger_ignores_rollback: bool = False
    status_finder_reads_stored_rows: bool = False


_KEYS: dict[str, Callable[[Any], Any]] = {spec.name: spec.key for spec in REPOSITORIES}


class _ToyRepo:
    def __init__(self, unit: _ToyUnit, name: str) -> None:
        self.unit, self.name, self.key = unit, name, _KEYS[name]
        self.working: dict[Any, Any] = {}
        self.seen: dict[Any, int | None] = {}

    @property
    def rows(self) -> dict[Any, tuple[int, Any]]:
        return self.unit.store.tables[self.name]

    def find(self, key: Any) -> Any:
        if key in self.working and not (self.unit.flaws.no_identity_map and self.seen[key]):
            return self.working[key]
        with self.unit.store.lock:
            row = self.rows.get(key)
        if row is None:
            return None
        self.working[key], self.seen[key] = copy.deepcopy(row[1]), row[0]
        return self.working[key]

    def get(self, key: Any) -> Any:
        item = self.find(key)
        if item is None:
            raise NotFound(self.name, key)
        return item

    def add(self, item: Any) -> None:
        key = self.key(item)
        if self.find(key) is not None:
            raise DuplicateError(f"{self.name} {key!r}")
        self.working[key], self.seen[key] = item, None

    def list(self) -> list[Any]:
        with self.unit.store.lock:
            keys = set(self.rows) | set(self.working)
        return [item for item in map(self.find, sorted(keys)) if item is not None]

    def find_by_external_ref(self, channel: str, ref: str) -> Any:
        found = [o for o in self.list() if (o.channel.code, o.external_ref) == (channel, ref)]
        return found[0] if found else None

    def for_sku(self, sku: str) -> list[Any]:
        return [s for s in self.list() if s.sku == sku]

    def waiting_for_stock(self) -> list[Any]:
        waiting = [o for o in self.list() if waiting_since(o) is not None]
        return sorted(waiting, key=lambda o: (waiting_since(o), o.placed_at, o.id))

    def with_status(self, statuses: Iterable[Any]) -> list[Any]:
        wanted = set(statuses)
        if self.unit.flaws.status_finder_reads_stored_rows:  # a status query, nothing more
            with self.unit.store.lock:
                keys = sorted(k for k, (_, o) in self.rows.items() if o.status in wanted)
            return [self.find(key) for key in keys]
        return [o for o in self.list() if o.status in wanted]

    def find_by_reference(self, reference: str) -> Any:
        found = [p for p in self.list() if p.reference == reference]
        return found[0] if found else None

    def for_order(self, order_id: str) -> list[Any]:
        return [p for p in self.list() if p.order_id == order_id]

    def changes(self) -> list[tuple[Any, Any]]:
        changed = []
        for key, item in self.working.items():
            row, seen = self.rows.get(key), self.seen[key]
            if seen is None and row is not None:
                raise DuplicateError(f"{self.name} {key!r}")
            stale = seen is not None and row is not None and row[0] != seen
            if stale and not self.unit.flaws.last_writer_wins:
                raise ConcurrencyConflict(f"{self.name} {key!r}")
            if row is None or item != row[1]:
                changed.append((key, item))
        return changed

    def write(self, changes: list[tuple[Any, Any]]) -> None:
        for key, item in changes:
            version = self.rows[key][0] + 1 if key in self.rows else 1
            self.rows[key] = (version, copy.deepcopy(item))


class _ToyLedger:
    def __init__(self, unit: _ToyUnit) -> None:
        self.unit, self.appended = unit, []  # type: ignore[var-annotated]

    def append(self, movement: Any) -> None:
        self.appended.append(movement)

    def for_item(self, warehouse: str, sku: str) -> list[Any]:
        with self.unit.store.lock:
            rows = list(self.unit.store.ledger)
        found = [m for m in rows + self.appended if (m.warehouse, m.sku) == (warehouse, sku)]
        return sorted(found, key=lambda m: m.seq)

    def check(self) -> None:
        taken = {m.key for m in self.unit.store.ledger}
        for m in self.appended:
            if m.key in taken:
                raise UniquenessConflict(f"stock ledger {m.key!r}")
            taken.add(m.key)


class _ToyStore:
    def __init__(self, flaws: _Flaws) -> None:
        self.flaws = flaws
        self.lock = threading.RLock()
        self.tables: dict[str, dict[Any, tuple[int, Any]]] = {name: {} for name in _KEYS}
        self.ledger: list[Any] = []

    def __call__(self) -> _ToyUnit:
        return _ToyUnit(self)


class _ToyUnit:
    """A plain dictionary adapter, correct unless told otherwise by its flaws."""

    def __init__(self, store: _ToyStore) -> None:
        self.store, self.flaws = store, store.flaws
        self.repos = {name: _ToyRepo(self, name) for name in _KEYS}
        self.stock_ledger = _ToyLedger(self)

    def __getattr__(self, name: str) -> _ToyRepo:
        return self.repos[name]

    def __enter__(self) -> _ToyUnit:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.flaws.exit_commits and exc_type is None:
            self.commit()
        self.rollback()

    def _unique(self, name: str, field: Callable[[Any], Any], changes: list[Any]) -> None:
        if self.flaws.no_unique_refs:
            return
        changing = {key for key, _ in changes}
        taken = {field(i) for k, (_, i) in self.store.tables[name].items() if k not in changing}
        for _, item in changes:
            value = field(item)
            if value is not None and value in taken:
                raise DuplicateError(f"{name} {value!r}")
            taken.add(value)

    def commit(self) -> None:
        with self.store.lock:
            planned = []
            for repo in self.repos.values():
                planned.append((repo, repo.changes()))
                if self.flaws.non_atomic:
                    repo.write(planned[-1][1])
            by_name = {repo.name: changes for repo, changes in planned}
            self._unique("payments", lambda p: p.reference, by_name["payments"])
            self._unique(
                "orders",
                lambda o: (o.channel.code, o.external_ref) if o.external_ref else None,
                by_name["orders"],
            )
            self._unique(
                "returns", lambda r: (r.order_id, r.key) if r.key else None, by_name["returns"]
            )
            self.stock_ledger.check()
            if not self.flaws.non_atomic:
                for repo, changes in planned:
                    repo.write(changes)
            self.store.ledger.extend(self.stock_ledger.appended)
        self.stock_ledger.appended.clear()
        self._forget(self.repos)

    def rollback(self) -> None:
        keep = "stock" if self.flaws.rollback_keeps_stock else ""
        self._forget([name for name in self.repos if name != keep])
        if not self.flaws.ledger_ignores_rollback:
            self.stock_ledger.appended.clear()

    def _forget(self, names: Iterable[str]) -> None:
        for name in names:
            self.repos[name].working.clear()
            self.repos[name].seen.clear()


def _uow_kit(**flaws: bool) -> type[UnitOfWorkContract]:
    class Kit(UnitOfWorkContract):
        # The shipped kit's 30 random runs found a stock rollback flaw in most runs, not in
        # all (a lowest-versions run missed it). The toy is in memory and quick: run the
        # state machine harder and derandomized, so that finding each flaw never depends
        # on the day's seed.
        state_machine_settings = settings(
            max_examples=150,
            stateful_step_count=30,
            deadline=None,
            report_multiple_bugs=False,
            derandomize=True,
        )

        def make_uow_factory(self) -> Any:
            return _ToyStore(_Flaws(**flaws))

    Kit.__qualname__ = "Toy[" + ",".join(flaws) + "]"
    return Kit


class TestToyStoreWithoutFlawsPassesTheKit(_uow_kit()):  # type: ignore[misc]
    """The mutants below differ from this correct toy by one flaw each."""


# -- gateway mutants -------------------------------------------------------------------------


class _BackwardsClock(ManualClock):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def now(self) -> dt.datetime:
        self.calls += 1
        return super().now() - dt.timedelta(seconds=self.calls % 3)


class _BackwardsClockKit(ClockContract):
    def make_clock(self) -> ManualClock:
        return _BackwardsClock()


class _NaiveClockKit(ClockContract):
    def make_clock(self) -> Any:
        class Naive:
            def now(self) -> dt.datetime:
                return dt.datetime(2026, 1, 1)  # noqa: DTZ001 - the bug under test

        return Naive()


class _RepeatingIdsKit(IdGeneratorContract):
    def make_ids(self) -> Any:
        class Ids:
            def __init__(self) -> None:
                self.n = 0

            def next_id(self, kind: str) -> str:
                self.n += 1
                return f"{kind}-{self.n % 100}"

        return Ids()


class _SpacedIdsKit(IdGeneratorContract):
    def make_ids(self) -> Any:
        class Ids:
            def __init__(self) -> None:
                self.n = 0

            def next_id(self, kind: str) -> str:
                self.n += 1
                return f"{kind} {self.n}"

        return Ids()


class _ReversedBusKit(EventPublisherContract):
    def make_publisher(self) -> InMemoryEventBus:
        return InMemoryEventBus()

    def delivered(self, publisher: Any) -> Sequence[DomainEvent]:
        return list(reversed(publisher.published))


class _DoubleBookingCourier(InMemoryCourier):
    """Books a new parcel on every call."""

    def book(self, request: ShipmentRequest) -> CourierBooking:
        with self._lock:
            booking = CourierBooking(
                courier=self.code,
                tracking_number=f"JNT{len(self._events) + 1:010d}",
                label="",
                fee=self.quote(request).fee,
            )
            self.bookings[request.reference] = booking
            self._events[booking.tracking_number] = []
        return booking


class _NewestFirstCourier(InMemoryCourier):
    def tracking(self, tracking_number: str) -> list[TrackingEvent]:
        return list(reversed(super().tracking(tracking_number)))


class _QuoteBooksCourier(InMemoryCourier):
    def quote(self, request: ShipmentRequest) -> Any:
        self.bookings.setdefault(
            request.reference,
            CourierBooking(courier=self.code, tracking_number="X1", label="", fee=self.base_fee),
        )
        return super().quote(request)


def _courier_kit(courier: type[InMemoryCourier]) -> type[CourierGatewayContract]:
    class Kit(CourierGatewayContract):
        def make_courier(self) -> InMemoryCourier:
            return courier("jnt")

        def report(
            self, courier: Any, tracking_number: str, status: TrackingStatus, at: dt.datetime
        ) -> None:
            courier.report(tracking_number, status, at)

        def booked_references(self, courier: Any) -> Collection[str]:
            return list(courier.bookings)

    return Kit


class _ResubmittingProvider(InMemoryEInvoiceProvider):
    """Creates a new e-invoice on every submission."""

    def submit(self, invoice: Invoice) -> EInvoiceStatus:
        with self._lock:
            self._by_invoice.pop(invoice.id, None)
            self._by_invoice[f"{invoice.id}#{len(self.submissions)}"] = "taken"
        return super().submit(invoice)


class _DraftTakingProvider(InMemoryEInvoiceProvider):
    def submit(self, invoice: Invoice) -> EInvoiceStatus:
        if invoice.number is None:
            return EInvoiceStatus(provider="x", provider_ref="draft", state=EInvoiceState.PENDING)
        return super().submit(invoice)


class _FlipFloppingProvider(InMemoryEInvoiceProvider):
    """Answers once, then says the e-invoice is pending again."""

    def __init__(self) -> None:
        super().__init__()
        self.answered: set[str] = set()

    def status(self, provider_ref: str) -> EInvoiceStatus:
        answer = super().status(provider_ref)
        if provider_ref in self.answered:
            return attrs.evolve(answer, state=EInvoiceState.PENDING, authority_code="", reasons=())
        if answer.state is not EInvoiceState.PENDING:
            self.answered.add(provider_ref)
        return answer


def _einvoice_kit(provider: type[InMemoryEInvoiceProvider]) -> type[EInvoiceProviderContract]:
    class Kit(EInvoiceProviderContract):
        def make_provider(self) -> InMemoryEInvoiceProvider:
            return provider()

        def make_accepted(self, provider: Any, invoice: Invoice) -> None:
            pass

        def make_rejected(self, provider: Any, invoice: Invoice, reasons: Sequence[str]) -> None:
            provider.reject(invoice.id, *reasons)

    return Kit


class _NegativeStockMarketplace(InMemoryMarketplace):
    def push_stock(self, channel_sku: str, quantity: int) -> None:
        self.stock[channel_sku] = quantity


class _StuckCursorMarketplace(InMemoryMarketplace):
    def fetch_orders(self, cursor: str | None = None) -> MarketplacePage:
        return super().fetch_orders(None)


class _LaxMarketplace(InMemoryMarketplace):
    def acknowledge(self, external_id: str) -> None:
        self.acknowledged.add(external_id)


def _marketplace_kit(marketplace: type[InMemoryMarketplace]) -> type[MarketplaceGatewayContract]:
    class Kit(MarketplaceGatewayContract):
        def make_marketplace(self) -> InMemoryMarketplace:
            return marketplace()

        def put_order(self, marketplace: Any, order: MarketplaceOrder) -> None:
            marketplace.put_order(order)

    return Kit


MUTANTS = [
    (_uow_kit(last_writer_wins=True), "test_two_units_reserving_the_same_stock_item_conflict"),
    (_uow_kit(last_writer_wins=True), "test_two_units_changing_the_same_order_conflict"),
    (_uow_kit(last_writer_wins=True), "test_commit_is_atomic_on_a_concurrency_conflict"),
    (_uow_kit(last_writer_wins=True), "test_threads_race_for_the_last_units"),
    (_uow_kit(non_atomic=True), "test_commit_is_atomic_when_an_identity_is_taken"),
    (_uow_kit(non_atomic=True), "test_duplicate_across_units_is_refused_at_commit"),
    (_uow_kit(rollback_keeps_stock=True), "test_stock_state_machine"),
    (
        _uow_kit(ledger_ignores_rollback=True),
        "test_stock_ledger_entries_are_stored_with_the_commit",
    ),
    (_uow_kit(exit_commits=True), "test_leaving_the_block_without_commit_forgets"),
    (_uow_kit(no_identity_map=True), "test_repeated_get_returns_the_same_working_copy"),
    (_uow_kit(no_unique_refs=True), "test_payment_reference_is_unique"),
    (_uow_kit(no_unique_refs=True), "test_order_external_ref_is_unique_per_channel"),
    (_uow_kit(no_unique_refs=True), "test_return_key_is_unique_per_order"),
    (_uow_kit(status_finder_reads_stored_rows=True), "test_orders_with_status"),
    (_BackwardsClockKit, "test_never_goes_backwards"),
    (_NaiveClockKit, "test_now_is_timezone_aware"),
    (_RepeatingIdsKit, "test_ids_are_unique_per_kind"),
    (_RepeatingIdsKit, "test_ids_are_unique_across_threads"),
    (_SpacedIdsKit, "test_ids_are_non_empty_strings_without_white_space"),
    (_ReversedBusKit, "test_events_arrive_in_the_order_published"),
    (_courier_kit(_DoubleBookingCourier), "test_book_is_idempotent_by_reference"),
    (_courier_kit(_DoubleBookingCourier), "test_concurrent_retries_book_one_parcel"),
    (_courier_kit(_NewestFirstCourier), "test_tracking_events_come_oldest_first"),
    (_courier_kit(_QuoteBooksCourier), "test_quote_has_no_side_effects"),
    (_einvoice_kit(_ResubmittingProvider), "test_submit_is_idempotent_by_invoice_id"),
    (_einvoice_kit(_DraftTakingProvider), "test_drafts_are_refused"),
    (_einvoice_kit(_FlipFloppingProvider), "test_pending_then_accepted_with_the_authority_code"),
    (_einvoice_kit(_FlipFloppingProvider), "test_pending_then_rejected_with_reasons"),
    (
        _marketplace_kit(_NegativeStockMarketplace),
        "test_push_stock_sets_the_quantity_and_refuses_negatives",
    ),
    (_marketplace_kit(_StuckCursorMarketplace), "test_fetch_from_a_cursor_brings_newer_orders"),
    (_marketplace_kit(_LaxMarketplace), "test_acknowledge_is_idempotent_and_checks_the_order"),
]


@pytest.mark.parametrize(
    ("kit", "method"), MUTANTS, ids=[f"{k.__qualname__}-{m}" for k, m in MUTANTS]
)
def test_kit_rejects_broken_adapter(kit: type[Any], method: str) -> None:
    with pytest.raises(AssertionError):
        getattr(kit(), method)()
