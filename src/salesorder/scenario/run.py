"""Running a scenario on a fresh application, step by step, and the resulting state.

A run into a database is all or nothing (:meth:`ScenarioRun.into_database`): the database
must hold no salesorder data, the scenario is rehearsed in memory first, and a run that still
fails midway has what it wrote removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

import attrs

from salesorder.adapters.memory import InMemoryCourier, InMemoryMarketplace, ManualClock
from salesorder.bootstrap import build
from salesorder.domain.channels import IngestResult, sign_webhook
from salesorder.domain.shipping import Shipment
from salesorder.exceptions import (
    PersistenceError,
    SalesOrderError,
    ScenarioError,
    ValidationError,
)
from salesorder.scenario.actions import (
    _MARKETPLACE_STEPS,
    Action,
    AdvanceClock,
    CourierJourney,
    CourierUpdate,
    MarketplaceListing,
    MarketplaceOrderArrives,
    MarketplaceOrderUpdated,
    MarketplacePush,
    MarketplaceSettlement,
    ScenarioAction,
    _references,
)
from salesorder.scenario.database import UNTOUCHED, dispose, probe, remove
from salesorder.scenario.loading import scenario_converter
from salesorder.scenario.model import RESULT_FORMAT, VERSION, Scenario, Step
from salesorder.services import commands as c
from salesorder.services.app import SalesApp

__all__ = ["ScenarioRun", "StepOutcome", "run_scenario"]


@attrs.frozen(kw_only=True)
class _FromMarketplace:
    """A name given to a ``marketplace_order`` step: the order captured from it."""

    channel: str
    external_id: str


@attrs.frozen(kw_only=True)
class StepOutcome:
    """What one step did.

    Attributes:
        index: the step's position in ``commands``.
        step: the step as written.
        action: the action as run, with its ``$name`` references replaced by ids.
        result: what the command returned (an id, a status, a list of ids...), or None.
        order_ids: the orders the step concerned.
        at: the clock's time after the step.
    """

    index: int
    step: Step
    action: Action
    result: Any
    order_ids: tuple[str, ...]
    at: dt.datetime

    @property
    def path(self) -> str:
        """The step's path in the file, ``commands[N]``."""
        return f"commands[{self.index}]"


class ScenarioRun:
    """A scenario being run on a fresh in-memory application.

    Use :func:`run_scenario` for the whole run at once; use this class to watch each step
    (``for outcome in ScenarioRun(scenario).steps(): ...``), as the demo does. Given a
    ``database_url``, the run writes there step by step and a failure leaves what was written
    so far; :meth:`into_database` is the all-or-nothing way.
    """

    def __init__(self, scenario: Scenario, *, database_url: str | None = None) -> None:
        self.scenario = scenario
        self.app: SalesApp = build(
            scenario.settings, start=scenario.start, database_url=database_url
        )
        self.names: dict[str, Any] = {}
        self.outcomes: list[StepOutcome] = []
        self._set_up = False

    @classmethod
    @contextlib.contextmanager
    def into_database(cls, scenario: Scenario, url: str) -> Iterator[ScenarioRun]:
        """A run of ``scenario`` into the database at ``url``, all or nothing.

        The database must hold no salesorder data (ids count up from ``ORD-000001``); it
        may have no schema yet. The scenario is rehearsed in memory first, so a step that
        fails there writes nothing at all. Then the run is yielded, to be driven by the
        caller (:meth:`run`, or :meth:`steps` to watch it); if the block raises, what the
        run wrote is removed: the SQLite file it created, or the tables it created, or else
        every row (the database was empty), and the error says so. The run's connections
        are closed when the block ends, so read :meth:`state` inside it.

        Raises:
            PersistenceError: the database cannot be used, and nothing was written: the
                ``sql`` extra or the driver is missing (the message says what to install),
                ``url`` is not a database URL, the server cannot be reached, the schema is
                at another version (:class:`~salesorder.exceptions.SchemaVersionError`), or
                the database holds data already. Raised again, with what was removed, when
                the block fails on the database.
            ScenarioError: a step failed, in the rehearsal or in the database; nothing was
                kept, and the message ends with what was removed.
        """
        before = probe(url)
        try:  # the rehearsal
            cls(scenario).run()
        except ScenarioError as exc:
            raise ScenarioError(exc.path, f"{exc.message}; {UNTOUCHED}") from exc
        try:
            run = cls(scenario, database_url=url)
        except BaseException:
            remove(url, before)
            raise
        try:
            yield run
        except (ScenarioError, PersistenceError) as exc:
            dispose(run.app)
            removed = remove(url, before)
            if isinstance(exc, ScenarioError):
                raise ScenarioError(exc.path, f"{exc.message}; {removed}") from exc
            raise PersistenceError(f"{exc}; {removed}") from exc
        except BaseException:  # a bug or an interruption: still leave nothing behind
            dispose(run.app)
            remove(url, before)
            raise
        dispose(run.app)

    # -- setup ------------------------------------------------------------------------

    def _apply(self, path: str, command: c.Command[Any]) -> Any:
        try:
            return self.app.execute(command)
        except SalesOrderError as exc:
            raise ScenarioError(path, str(exc)) from exc

    def setup(self) -> None:
        """Register the setup sections: warehouses to vouchers, in the order of the file format.

        Raises:
            ScenarioError: an entry is refused (path such as ``products[1]``).
        """
        if self._set_up:
            return
        self._set_up = True
        s = self.scenario
        for i, warehouse in enumerate(s.warehouses):
            self._apply(f"warehouses[{i}]", c.AddWarehouse(warehouse=warehouse))
        for i, entry in enumerate(s.products):
            self._apply(
                f"products[{i}]", c.AddProduct(product=entry.product, warehouse=entry.warehouse)
            )
        for i, customer in enumerate(s.customers):
            self._apply(f"customers[{i}]", c.AddCustomer(customer=customer))
        for i, item in enumerate(s.stock):
            self._apply(
                f"stock[{i}]",
                c.ReceiveStock(warehouse=item.warehouse, sku=item.sku, quantity=item.quantity),
            )
        for i, price_list in enumerate(s.price_lists):
            self._apply(f"price_lists[{i}]", c.AddPriceList(price_list=price_list))
        for i, promotion in enumerate(s.promotions):
            self._apply(f"promotions[{i}]", c.AddPromotion(promotion=promotion))
        for i, voucher in enumerate(s.vouchers):
            self._apply(f"vouchers[{i}]", c.AddVoucher(voucher=voucher))

    # -- references ---------------------------------------------------------------------

    def _lookup(self, name: str) -> str:
        value = self.names[name]
        if isinstance(value, _FromMarketplace):
            with self.app.uow() as uow:
                order = uow.orders.find_by_external_ref(value.channel, value.external_id)
            if order is None:
                raise ValidationError(
                    f"'${name}' is {value.channel} order {value.external_id!r}, "
                    "which has not been imported yet"
                )
            return order.id
        if isinstance(value, list):
            if len(value) != 1:
                raise ValidationError(
                    f"'${name}' names a step that returned {len(value)} ids, not exactly one"
                )
            value = value[0]
        if not isinstance(value, str):
            raise ValidationError(f"'${name}' names a step that returned no id")
        return value

    def _resolve(self, index: int, action: Action) -> Action:
        changes: dict[str, Any] = {}
        field = ""
        try:
            for field, name in _references(action):
                if field.endswith("]"):  # one item of an ``_ids`` list
                    base, position = field[:-1].split("[")
                    items = list(changes.get(base, getattr(action, base)))
                    items[int(position)] = self._lookup(name)
                    changes[base] = tuple(items)
                else:
                    changes[field] = self._lookup(name)
        except ValidationError as exc:
            raise ScenarioError(f"commands[{index}].{field}", str(exc)) from exc
        return attrs.evolve(action, **changes) if changes else action

    # -- steps --------------------------------------------------------------------------

    def _clock(self) -> ManualClock:
        clock = self.app.clock
        if not isinstance(clock, ManualClock):  # pragma: no cover - in_memory() gives one
            raise ValidationError("scenarios need the manual clock")
        return clock

    def _courier_update(self, action: CourierUpdate) -> str:
        shipment, courier = self._scripted_parcel(action.order_id, action.courier)
        courier.report(
            shipment.tracking_number,
            action.status,
            self._clock().now() - dt.timedelta(minutes=action.minutes_earlier),
            action.note,
            event_id=action.event_id,
        )
        return shipment.tracking_number

    def _courier_journey(self, action: CourierJourney) -> str:
        shipment, courier = self._scripted_parcel(action.order_id, None)
        courier.script(
            shipment.tracking_number,
            action.journey,
            self._clock().now(),
            every=dt.timedelta(hours=action.hours_apart),
            shuffle_seed=0 if action.shuffled else None,
            repeat=action.repeated,
        )
        return shipment.tracking_number

    def _scripted_parcel(
        self, order_id: str, courier_code: str | None
    ) -> tuple[Shipment, InMemoryCourier]:
        with self.app.uow() as uow:
            order = uow.orders.get(order_id)
            if not order.shipment_ids:
                raise ValidationError(f"{order.thing} has no shipment for the courier to report on")
            shipment = uow.shipments.get(order.shipment_ids[-1])
        if courier_code is not None and courier_code != shipment.courier:
            raise ValidationError(
                f"shipment {shipment.id!r} of {order.thing} is with {shipment.courier!r}, "
                f"not {courier_code!r}"
            )
        courier = self.app.courier(shipment.courier)
        if not isinstance(courier, InMemoryCourier):
            raise ValidationError(f"courier {shipment.courier!r} is not scriptable (in-memory)")
        return shipment, courier

    def _marketplace_order(self, action: MarketplaceOrderArrives) -> _FromMarketplace:
        gateway = self.app.marketplace(action.channel)
        if not isinstance(gateway, InMemoryMarketplace):
            raise ValidationError(f"marketplace {action.channel!r} is not scriptable (in-memory)")
        gateway.put_order(action.order)
        return _FromMarketplace(channel=gateway.channel.code, external_id=action.order.external_id)

    def _scriptable(self, channel: str) -> InMemoryMarketplace:
        gateway = self.app.marketplace(channel)
        if not isinstance(gateway, InMemoryMarketplace):
            raise ValidationError(f"marketplace {channel!r} is not scriptable (in-memory)")
        return gateway

    def _marketplace_step(self, action: ScenarioAction) -> IngestResult | None:
        if isinstance(action, MarketplaceOrderUpdated):
            changes: dict[str, Any] = {}
            if action.status is not None:
                changes["status"] = action.status
            if action.shipping_address is not None:
                changes["shipping_address"] = action.shipping_address
            self._scriptable(action.channel).revise(action.external_id, **changes)
        elif isinstance(action, MarketplacePush):
            body, signature = self._scriptable(action.channel).webhook(action.order)
            if action.forged:
                signature = sign_webhook(b"forged", body)
            return self.app.execute(
                c.ReceiveWebhook(channel=action.channel, body=body.decode(), signature=signature)
            )
        elif isinstance(action, MarketplaceSettlement):
            self._scriptable(action.channel).put_settlement(action.report)
        elif isinstance(action, MarketplaceListing):
            self._scriptable(action.channel).put_listing(action.listing)
        return None

    def _perform(self, action: Action) -> Any:
        if isinstance(action, AdvanceClock):
            return self._clock().advance(action.delta)
        if isinstance(action, CourierUpdate):
            return self._courier_update(action)
        if isinstance(action, CourierJourney):
            return self._courier_journey(action)
        if isinstance(action, MarketplaceOrderArrives):
            return self._marketplace_order(action)
        if isinstance(action, _MARKETPLACE_STEPS):
            return self._marketplace_step(action)
        if isinstance(action, c.Command):
            return self.app.execute(action)
        raise TypeError(f"unknown step {action!r}")  # pragma: no cover - load_scenario checks

    def _orders_of(self, action: Action, result: Any) -> tuple[str, ...]:
        if isinstance(action, c.PlaceOrder):
            return (result,)
        if isinstance(action, c.ImportMarketplaceOrders):
            return tuple(result)
        order_id = (
            result.order_id  # a marketplace push or webhook
            if isinstance(result, IngestResult)
            else getattr(action, "order_id", None)
        )
        if isinstance(order_id, str):
            return (order_id,)
        with self.app.uow() as uow:
            shipment_id = getattr(action, "shipment_id", None)
            if isinstance(shipment_id, str):
                return (uow.shipments.get(shipment_id).order_id,)
            for field, repository in (("invoice_id", uow.invoices), ("payment_id", uow.payments)):
                key = getattr(action, field, None)
                if isinstance(key, str):
                    return (repository.get(key).order_id,)
        return ()

    def steps(self) -> Iterator[StepOutcome]:
        """Run the steps one by one (after :meth:`setup`), yielding each outcome.

        Raises:
            ScenarioError: a step failed; ``path`` is ``commands[N]`` (or the reference
                field that could not be resolved), the message is the library's.
        """
        self.setup()
        for index, step in enumerate(self.scenario.commands):
            action = self._resolve(index, step.action)
            try:
                result = self._perform(action)
                order_ids = self._orders_of(action, result)
            except SalesOrderError as exc:
                raise ScenarioError(f"commands[{index}]", str(exc)) from exc
            if step.name is not None:
                self.names[step.name] = result
            outcome = StepOutcome(
                index=index,
                step=step,
                action=action,
                result=result,
                order_ids=order_ids,
                at=self.app.clock.now(),
            )
            self.outcomes.append(outcome)
            yield outcome

    def run(self) -> list[StepOutcome]:
        """Set up and run every step; returns the outcomes."""
        for _ in self.steps():
            pass
        return self.outcomes

    # -- state ------------------------------------------------------------------------

    def _name_value(self, name: str) -> Any:
        try:
            return self._lookup(name)
        except ValidationError:
            value = self.names[name]
            return None if isinstance(value, _FromMarketplace) else value

    def state(self) -> dict[str, Any]:
        """The resulting state as JSON-ready data.

        Keys: ``format`` and ``version`` of the result, ``clock`` (the time at the end),
        ``names`` (what each ``"as"`` name stands for), ``steps`` (each step's path, type
        and result), then ``orders``, ``stock``, ``shipments``, ``invoices``, ``payments``,
        ``credit_notes``, ``customer_credits``, ``channel_accounts`` (SKU mappings, stock
        pushed, rejected webhooks, settlements) and ``marketplace_orders`` (ingest records,
        the parked ones with their reason)
        (every aggregate, in the shapes of :mod:`salesorder.serialization`), ``stock_ledger``
        (every stock movement, item by item in ``seq`` order, in the serialization shape with
        the keys left out whose value is the default: a zero change, an empty document or
        reason), ``events`` (every domain event published, in order), then ``waves``,
        ``parcels``, ``manifests`` and ``notifications`` (the customer messages written, with
        their outbox status), and ``returns`` (every return, RMA, with its lines and outcome).
        """
        conv = scenario_converter()
        events = getattr(self.app.events, "published", [])
        with self.app.uow() as uow:
            aggregates = {
                "orders": uow.orders.list(),
                "stock": uow.stock.list(),
                "shipments": uow.shipments.list(),
                "invoices": uow.invoices.list(),
                "payments": uow.payments.list(),
                "credit_notes": uow.credit_notes.list(),
                "customer_credits": uow.customer_credits.list(),
                "purchase_orders": uow.purchase_orders.list(),
                "vouchers": uow.vouchers.list(),
                "channel_accounts": uow.channel_accounts.list(),
                "marketplace_orders": uow.marketplace_orders.list(),
                "waves": uow.waves.list(),
                "parcels": uow.parcels.list(),
                "manifests": uow.manifests.list(),
                "returns": uow.returns.list(),
            }
            movements = [
                movement
                for item in uow.stock.list()
                for movement in uow.stock_ledger.for_item(item.warehouse, item.sku)
            ]
        return {
            "format": RESULT_FORMAT,
            "version": VERSION,
            "clock": self.app.clock.now().isoformat(),
            "names": {name: conv.unstructure(self._name_value(name)) for name in self.names},
            "steps": [
                {
                    "path": outcome.path,
                    "type": type(outcome.action).tag,
                    "result": conv.unstructure(
                        None if isinstance(outcome.result, _FromMarketplace) else outcome.result
                    ),
                }
                for outcome in self.outcomes
            ],
            **{key: conv.unstructure(items) for key, items in aggregates.items()},
            "stock_ledger": [
                {key: value for key, value in conv.unstructure(m).items() if value not in (0, "")}
                for m in movements
            ],
            "events": [conv.unstructure(event) for event in events],
            "notifications": [
                conv.unstructure(entry)
                for entry in (self.app.notifications.entries() if self.app.notifications else [])
            ],
        }


def run_scenario(scenario: Scenario, *, database_url: str | None = None) -> dict[str, Any]:
    """Run ``scenario`` on a fresh application and return the resulting state.

    Orders live in memory, or in the empty database at ``database_url``, all or nothing
    (see :meth:`ScenarioRun.into_database`). See :meth:`ScenarioRun.state` for the result's
    shape.

    Raises:
        ScenarioError: a setup entry or a step failed; its path and the library's message.
            Nothing was kept in the database.
        PersistenceError: the database could not be used (a missing extra, a bad URL, an
            unreachable server, another schema version, data already there).
    """
    if database_url is None:
        run = ScenarioRun(scenario)
        run.run()
        return run.state()
    with ScenarioRun.into_database(scenario, database_url) as run:
        run.run()
        return run.state()
