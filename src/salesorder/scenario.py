"""Scenario files: a whole order-to-cash story as JSON, validated first, then run in memory.

A scenario names the shop's settings, its warehouses, products, customers and opening stock,
and a list of steps: the application's commands (``{"type": "place_order", ...}``) and a few
steps that script the in-memory world (the clock, the courier, the marketplace). The format
is documented in ``docs/scenario-format.md``; in short::

    {"format": "salesorder/scenario", "version": 1,
     "settings": {...}, "start": "2026-01-05T09:00:00+07:00",
     "warehouses": [...], "products": [...], "customers": [...], "stock": [...],
     "commands": [{"type": "place_order", "as": "o1", ...},
                  {"type": "confirm_order", "order_id": "$o1"}, ...]}

:func:`load_scenario` checks the whole file before anything runs: unknown keys, bad values,
an unknown version or a reference to a name no earlier step defines raise
:class:`~salesorder.exceptions.ScenarioError` with the path of the bad field.
:func:`run_scenario` runs it on :func:`salesorder.bootstrap.in_memory` and returns the
resulting state as JSON-ready data; a step that fails raises ``ScenarioError`` with the
step's path (``commands[4]``) and the library's message.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Union

import attrs
import cattrs

from salesorder import serialization
from salesorder.adapters.memory import InMemoryCourier, InMemoryMarketplace, ManualClock
from salesorder.adapters.memory.couriers import Journey
from salesorder.bootstrap import build
from salesorder.domain.catalog import Product
from salesorder.domain.channels import (
    IngestResult,
    Listing,
    MarketplaceOrder,
    SettlementReport,
    sign_webhook,
)
from salesorder.domain.common import code, non_negative_int, positive_int
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.pricelists import PriceList
from salesorder.domain.promotions import Promotion, Voucher
from salesorder.domain.shipping import Shipment, TrackingStatus
from salesorder.exceptions import SalesOrderError, ScenarioError, ValidationError
from salesorder.serialization import InvalidField
from salesorder.services import commands as c
from salesorder.services.app import SalesApp, Settings

__all__ = [
    "FORMAT",
    "VERSION",
    "Action",
    "AdvanceClock",
    "CourierJourney",
    "CourierUpdate",
    "MarketplaceListing",
    "MarketplaceOrderArrives",
    "MarketplaceOrderUpdated",
    "MarketplacePush",
    "MarketplaceSettlement",
    "ProductEntry",
    "Scenario",
    "ScenarioAction",
    "ScenarioRun",
    "Step",
    "StepOutcome",
    "StockEntry",
    "dump_scenario",
    "load_demo",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
    "scenario_converter",
]

#: The value of a scenario file's ``format`` key.
FORMAT = "salesorder/scenario"
#: The version of the format this module reads and writes.
VERSION = 1
#: The ``format`` of what :func:`run_scenario` returns.
RESULT_FORMAT = "salesorder/scenario-result"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


# ---------------------------------------------------------------------------------------
# The file's sections and scenario-only steps
# ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ProductEntry:
    """A product, and the warehouse its ``initial_stock`` goes into.

    In the file the warehouse is one more key of the product: ``{"sku": ..., "warehouse":
    "JKT-1"}``.
    """

    product: Product
    warehouse: str | None = None


@attrs.frozen(kw_only=True)
class StockEntry:
    """Opening stock: a goods receipt of ``quantity`` units of ``sku`` into ``warehouse``."""

    warehouse: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(validator=positive_int)


@attrs.frozen(kw_only=True)
class ScenarioAction:
    """Base of the steps that script the in-memory world rather than run a command."""

    tag: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class AdvanceClock(ScenarioAction):
    """Move the manual clock forward (``{"type": "advance_clock", "hours": 2}``)."""

    tag: ClassVar[str] = "advance_clock"
    days: int = attrs.field(default=0, validator=non_negative_int)
    hours: int = attrs.field(default=0, validator=non_negative_int)
    minutes: int = attrs.field(default=0, validator=non_negative_int)

    def __attrs_post_init__(self) -> None:
        if not self.delta:
            raise ValidationError("advance_clock needs days, hours or minutes above zero")

    @property
    def delta(self) -> dt.timedelta:
        """How far the clock moves."""
        return dt.timedelta(days=self.days, hours=self.hours, minutes=self.minutes)


@attrs.frozen(kw_only=True)
class CourierUpdate(ScenarioAction):
    """The courier reports on the latest shipment of an order, at the clock's time.

    Only the courier's side changes; a ``sync_tracking`` step pulls the update into the
    shipment and the order. ``courier``, when given, must be the shipment's courier.
    ``minutes_earlier`` stamps the update that long before the clock (a late, out-of-order
    report); ``event_id`` gives the courier's id, so the same id twice is a repeated report.
    """

    tag: ClassVar[str] = "courier_update"
    order_id: str = attrs.field(validator=code)
    status: TrackingStatus
    courier: str | None = None
    note: str = ""
    event_id: str | None = None
    minutes_earlier: int = attrs.field(default=0, validator=non_negative_int)


@attrs.frozen(kw_only=True)
class CourierJourney(ScenarioAction):
    """The courier reports a whole journey for the latest shipment of an order.

    The updates of ``journey`` (see ``salesorder.adapters.memory.couriers.JOURNEYS``)
    are stamped ``hours_apart`` apart, the first at the clock's time; ``shuffled`` reports
    them out of order, ``repeated`` reports each twice. A ``sync_tracking`` step pulls them.
    """

    tag: ClassVar[str] = "courier_journey"
    order_id: str = attrs.field(validator=code)
    journey: Journey
    hours_apart: int = attrs.field(default=6, validator=non_negative_int)
    shuffled: bool = False
    repeated: bool = False


@attrs.frozen(kw_only=True)
class MarketplaceOrderArrives(ScenarioAction):
    """A marketplace delivers an order (or delivers it again) to the shop's feed.

    An ``import_marketplace_orders`` step fetches it. A name given to this step (``"as"``)
    refers to the order captured from it, once imported.
    """

    tag: ClassVar[str] = "marketplace_order"
    channel: str = attrs.field(validator=code)
    order: MarketplaceOrder


@attrs.frozen(kw_only=True)
class MarketplaceOrderUpdated(ScenarioAction):
    """The buyer changes a marketplace order: a new revision with a new status or address.

    ``status`` is the marketplace's own name (``"CANCELLED"`` on Shopee, ``"canceled"`` on
    Lazada). An ``import_marketplace_orders`` step fetches the new revision.
    """

    tag: ClassVar[str] = "marketplace_update"
    channel: str = attrs.field(validator=code)
    external_id: str = attrs.field(validator=code)
    status: str | None = None
    shipping_address: Address | None = None


@attrs.frozen(kw_only=True)
class MarketplacePush(ScenarioAction):
    """The marketplace pushes an order by webhook, signed with the shop's secret.

    The push is received at once (a ``receive_webhook`` with the raw body and signature);
    ``forged`` signs it with another secret, so it is rejected and recorded. The step's
    result is the ingest result.
    """

    tag: ClassVar[str] = "marketplace_push"
    channel: str = attrs.field(validator=code)
    order: MarketplaceOrder
    forged: bool = False


@attrs.frozen(kw_only=True)
class MarketplaceSettlement(ScenarioAction):
    """The marketplace issues a payout report; an ``import_settlements`` step imports it."""

    tag: ClassVar[str] = "marketplace_settlement"
    channel: str = attrs.field(validator=code)
    report: SettlementReport


@attrs.frozen(kw_only=True)
class MarketplaceListing(ScenarioAction):
    """A listing made on the marketplace's side; a ``pull_listings`` step fetches it."""

    tag: ClassVar[str] = "marketplace_listing"
    channel: str = attrs.field(validator=code)
    listing: Listing


_MARKETPLACE_STEPS = (
    MarketplaceOrderUpdated,
    MarketplacePush,
    MarketplaceSettlement,
    MarketplaceListing,
)

#: What a step does, one of the application's commands or a scenario-only action.
Action = Union[c.Command[Any], ScenarioAction]  # noqa: UP007 - a runtime value for cattrs


def _action_types() -> tuple[type[Any], ...]:
    return (
        *serialization.command_types(),
        AdvanceClock,
        CourierUpdate,
        CourierJourney,
        MarketplaceOrderArrives,
        *_MARKETPLACE_STEPS,
    )


@attrs.frozen(kw_only=True)
class Step:
    """One entry of ``commands``: an action, and optionally a name (``"as"``) for its result."""

    action: Action
    name: str | None = None


def _check_version(_instance: object, _attribute: object, value: int) -> None:
    if value != VERSION:
        raise ValidationError(
            f"unsupported version {value}; this salesorder reads version {VERSION}"
        )


def _check_format(_instance: object, _attribute: object, value: str) -> None:
    if value != FORMAT:
        raise ValidationError(f"expected {FORMAT!r}, got {value!r}")


@attrs.frozen(kw_only=True)
class Scenario:
    """A validated scenario file; see the module docstring and ``docs/scenario-format.md``."""

    format: str = attrs.field(default=FORMAT, validator=_check_format)
    version: int = attrs.field(default=VERSION, validator=_check_version)
    description: str = ""
    settings: Settings = attrs.Factory(Settings)
    start: dt.datetime | None = None
    warehouses: tuple[Warehouse, ...] = ()
    products: tuple[ProductEntry, ...] = ()
    customers: tuple[Customer, ...] = ()
    stock: tuple[StockEntry, ...] = ()
    price_lists: tuple[PriceList, ...] = ()
    promotions: tuple[Promotion, ...] = ()
    vouchers: tuple[Voucher, ...] = ()
    commands: tuple[Step, ...] = ()


# ---------------------------------------------------------------------------------------
# JSON: the scenario converter
# ---------------------------------------------------------------------------------------


def _structure_product_entry(conv: cattrs.Converter, value: Any) -> ProductEntry:
    if not isinstance(value, Mapping):
        raise InvalidField("expected an object (Product)")
    warehouse = value.get("warehouse")
    if warehouse is not None and not isinstance(warehouse, str):
        raise InvalidField("expected a warehouse code (a string)", "warehouse")
    fields = {k: v for k, v in value.items() if k != "warehouse"}
    return ProductEntry(product=conv.structure(fields, Product), warehouse=warehouse)


def _structure_step(conv: cattrs.Converter, value: Any) -> Step:
    if not isinstance(value, Mapping):
        raise InvalidField("expected an object with a 'type' key")
    name = value.get("as")
    if name is not None and not (isinstance(name, str) and _NAME.match(name)):
        raise InvalidField(
            f"a name is letters, digits, '_' and '-', starting with a letter; got {name!r}", "as"
        )
    fields = {k: v for k, v in value.items() if k != "as"}
    action: Action = conv.structure(fields, Action)  # type: ignore[arg-type]
    return Step(action=action, name=name)


def _unstructure_step(conv: cattrs.Converter, step: Step) -> dict[str, Any]:
    data: dict[str, Any] = conv.unstructure(step.action)
    return data if step.name is None else {**data, "as": step.name}


def _unstructure_product_entry(conv: cattrs.Converter, entry: ProductEntry) -> dict[str, Any]:
    data: dict[str, Any] = conv.unstructure(entry.product)
    return data if entry.warehouse is None else {**data, "warehouse": entry.warehouse}


@functools.lru_cache(maxsize=1)
def scenario_converter() -> cattrs.Converter:
    """The converter for scenario files, built on first use.

    It is :func:`salesorder.serialization.make_converter` plus the scenario's own shapes:
    steps (a command or a scenario-only action, tagged by ``type``, with an optional
    ``as``) and product entries (a product with an optional ``warehouse`` key).
    """
    conv = serialization.make_converter()
    serialization.register_tagged_union(
        conv, Action, _action_types(), tag=lambda cls: cls.tag, what="step type"
    )
    conv.register_structure_hook(Step, lambda v, _t: _structure_step(conv, v))
    conv.register_unstructure_hook(Step, lambda s: _unstructure_step(conv, s))
    conv.register_structure_hook(ProductEntry, lambda v, _t: _structure_product_entry(conv, v))
    conv.register_unstructure_hook(ProductEntry, lambda e: _unstructure_product_entry(conv, e))
    return conv


# ---------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------


def _references(action: Action) -> Iterator[tuple[str, str]]:
    """(field, name) for each ``"$name"`` in a field of ``action`` whose name ends in ``_id``.

    A list field whose name ends in ``_ids`` may hold names too; its field is ``"field[i]"``.
    """
    for field in attrs.fields(type(action)):
        value = getattr(action, field.name)
        if field.name.endswith("_id") and isinstance(value, str) and value.startswith("$"):
            yield field.name, value[1:]
        elif field.name.endswith("_ids") and isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, str) and item.startswith("$"):
                    yield f"{field.name}[{index}]", item[1:]


def _check_names(scenario: Scenario) -> None:
    defined: dict[str, int] = {}
    for index, step in enumerate(scenario.commands):
        for field, name in _references(step.action):
            if name not in defined:
                raise ScenarioError(
                    f"commands[{index}].{field}",
                    f"unknown reference '${name}': no earlier step has \"as\": {name!r}",
                )
        if step.name is not None:
            if step.name in defined:
                raise ScenarioError(
                    f"commands[{index}].as",
                    f"the name {step.name!r} is already given to commands[{defined[step.name]}]",
                )
            defined[step.name] = index


def load_scenario(data: Any) -> Scenario:
    """Validate a whole scenario (as ``json.load`` gives it) and return it.

    Nothing is run: the file is checked from top to bottom first, so a bad file changes
    nothing.

    Raises:
        ScenarioError: the first problem, with the path of the bad field, such as
            ``commands[2].lines[0].quantity``.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(serialization.ROOT, "a scenario is a JSON object")
    # Say "wrong format" or "wrong version" before anything else the version might explain.
    if data.get("format") != FORMAT:
        fmt = data.get("format")
        message = "required field missing" if fmt is None else f"expected {FORMAT!r}, got {fmt!r}"
        raise ScenarioError("format", message)
    if data.get("version") != VERSION:
        version = data.get("version")
        message = (
            "required field missing"
            if version is None
            else f"unsupported version {version!r}; this salesorder reads version {VERSION}"
        )
        raise ScenarioError("version", message)
    scenario = serialization.structure(data, Scenario, using=scenario_converter())
    _check_names(scenario)
    return scenario


def parse_scenario(text: str) -> Scenario:
    """:func:`load_scenario` from JSON text.

    Raises:
        ScenarioError: the text is not JSON (path ``$``, with line and column), or not a
            valid scenario.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            serialization.ROOT,
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
        ) from exc
    return load_scenario(data)


def dump_scenario(scenario: Scenario) -> dict[str, Any]:
    """``scenario`` as JSON-ready data that :func:`load_scenario` reads back."""
    data: dict[str, Any] = scenario_converter().unstructure(scenario)
    return data


def load_demo() -> Scenario:
    """The demo scenario shipped with salesorder (``python -m salesorder demo`` runs it)."""
    resource = importlib.resources.files("salesorder").joinpath("data/demo.json")
    return parse_scenario(resource.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------


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
    (``for outcome in ScenarioRun(scenario).steps(): ...``), as the demo does.
    """

    def __init__(self, scenario: Scenario, *, database_url: str | None = None) -> None:
        self.scenario = scenario
        self.app: SalesApp = build(
            scenario.settings, start=scenario.start, database_url=database_url
        )
        self.names: dict[str, Any] = {}
        self.outcomes: list[StepOutcome] = []
        self._set_up = False

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

    Orders live in memory, or in the (empty) database at ``database_url``; see
    :func:`salesorder.bootstrap.build`. See :meth:`ScenarioRun.state` for the result's shape.

    Raises:
        ScenarioError: a setup entry or a step failed; its path and the library's message.
        SalesOrderError: the database could not be used (PersistenceError and its kin).
    """
    run = ScenarioRun(scenario, database_url=database_url)
    run.run()
    return run.state()
