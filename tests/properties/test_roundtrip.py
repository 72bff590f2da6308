"""structure(unstructure(x)) == x for every public model, through real JSON text."""

from __future__ import annotations

import datetime as dt
import enum
import json
import types
import typing
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesorder.domain.catalog import Product
from salesorder.domain.channels import Channel, MarketplaceOrder, MarketplacePage
from salesorder.domain.customers import Address, Customer, Warehouse
from salesorder.domain.events import DomainEvent
from salesorder.domain.inventory import Reservation, StockItem
from salesorder.domain.invoicing import EInvoiceStatus, Invoice, InvoiceSeries
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import Payment, PaymentMethod
from salesorder.domain.pricing import Discount, PricedOrder
from salesorder.domain.promotions import Voucher
from salesorder.domain.returns import (
    ReturnLine,
    ReturnOutcome,
    ReturnRequest,
    ReturnStatus,
    ReturnStep,
)
from salesorder.domain.shipping import Shipment, ShipmentRequest, TrackingEvent
from salesorder.domain.tax import TaxRate
from salesorder.domain.units import Quantity
from salesorder.money import Money, RoundingPolicy
from salesorder.serialization import command_types, event_types, structure, unstructure
from salesorder.services import commands
from salesorder.services.commands import Command
from salesorder.testing import strategies as sst


@st.composite
def return_requests(draw: st.DrawFn) -> ReturnRequest:
    """A return at any stage, its line quantities consistent (sellable + damaged <= received)."""
    lines = []
    for number in range(1, draw(st.integers(1, 3)) + 1):
        quantity = draw(st.integers(1, 5))
        received = draw(st.integers(0, quantity))
        sellable = draw(st.integers(0, received))
        lines.append(
            ReturnLine(
                line_id=str(number),
                sku=draw(sst.codes()),
                quantity=quantity,
                reason=draw(st.text(max_size=8)),
                received=received,
                sellable=sellable,
                damaged=draw(st.integers(0, received - sellable)),
                amount=draw(st.none() | sst.money("IDR")),
                warehouse=draw(st.none() | sst.codes()),
            )
        )
    at = draw(sst.timestamps())
    request = ReturnRequest.request(
        id=draw(sst.codes()),
        order_id=draw(sst.codes()),
        currency="IDR",
        at=at,
        lines=lines,
        key=draw(st.just("") | sst.codes()),
    )
    request.status = draw(st.sampled_from(ReturnStatus))
    request.history.append(ReturnStep(status=request.status, at=at, action="approve"))
    request.outcome = draw(st.none() | st.sampled_from(ReturnOutcome))
    request.refunded = draw(sst.money("IDR"))
    request.credit_note_ids = draw(st.lists(sst.codes(), max_size=2))
    request.exchange_order_id = draw(st.none() | sst.codes())
    return request


MODELS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Money, sst.money(rounded=False)),
    (Address, sst.addresses()),
    (Product, sst.products()),
    (Customer, sst.customers()),
    (Warehouse, sst.warehouses()),
    (TaxRate, sst.tax_rates()),
    (Discount, sst.discounts()),
    (RoundingPolicy, sst.rounding_policies()),
    (OrderLine, sst.order_lines()),
    (Order, sst.orders(status=None)),
    (PricedOrder, sst.priced_orders()),
    (StockItem, sst.stock_items()),
    (Reservation, sst.reservations()),
    (Shipment, sst.shipments()),
    (ShipmentRequest, sst.shipment_requests()),
    (TrackingEvent, sst.tracking_events()),
    (Invoice, sst.invoices()),
    (InvoiceSeries, sst.invoice_series()),
    (EInvoiceStatus, sst.einvoice_statuses()),
    (Payment, sst.payments()),
    (Channel, sst.channels()),
    (MarketplaceOrder, sst.marketplace_orders()),
    (MarketplacePage, sst.marketplace_pages()),
    (ReturnRequest, return_requests()),
]

# Field types of commands and events, drawn from the shipped strategies.
BY_TYPE: dict[Any, st.SearchStrategy[Any]] = {
    str: sst.codes(),
    int: st.integers(1, 100),
    bool: st.booleans(),
    dt.datetime: sst.timestamps(),
    dt.date: st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
    Money: sst.money("IDR"),
    Decimal: sst.decimals_for("IDR"),
    # A quantity: whole, or exact to a thousandth (0.25 kg); above zero, as most fields want.
    Quantity: st.integers(1, 100)
    | st.decimals(min_value=Decimal("0.001"), max_value=Decimal(100), places=3),
    Product: sst.products("IDR"),
    Customer: sst.customers(),
    Warehouse: sst.warehouses(),
    Address: sst.addresses(),
    Channel: sst.channels(),
    Discount: sst.discounts("IDR"),
}


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one return per kind
    """A strategy for a field type of a command or an event."""
    if tp in BY_TYPE:
        return BY_TYPE[tp]
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if {int, Decimal} <= set(args):
            # ``Quantity | None`` flattens to (int, Decimal, None): the int and the Decimal
            # are one quantity, not any int and any decimal (0 and negatives are refused).
            others = [arg for arg in args if arg not in (int, Decimal)]
            return st.one_of([BY_TYPE[Quantity], *(strategy_for(arg) for arg in others)])
        return st.one_of([strategy_for(arg) for arg in args])
    if tp is type(None):
        return st.none()
    if origin is tuple:
        return st.lists(strategy_for(typing.get_args(tp)[0]), min_size=1, max_size=3).map(tuple)
    if origin is list:
        return st.lists(strategy_for(typing.get_args(tp)[0]), min_size=1, max_size=3)
    if origin is dict:
        key, value = typing.get_args(tp)
        return st.dictionaries(strategy_for(key), strategy_for(value), max_size=2)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if attrs.has(tp):
        return builds(tp)
    raise NotImplementedError(f"no strategy for {tp!r}")


def builds(cls: type[Any]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: strategy_for(hints[f.name]) for f in attrs.fields(cls) if f.init}
    return st.builds(cls, **fields)


def _round_trip(cls: Any, value: Any) -> None:
    data = json.loads(json.dumps(unstructure(value)))
    assert structure(data, cls) == value


@pytest.mark.parametrize(("cls", "strategy"), MODELS, ids=[cls.__name__ for cls, _ in MODELS])
def test_models_round_trip(cls: type[Any], strategy: st.SearchStrategy[Any]) -> None:
    # Order and Invoice draws price an order and walk it through its life: 60-90 ms each on
    # a loaded two-worker run, next to the too_slow check's 100 ms average.
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def check(value: Any) -> None:
        _round_trip(cls, value)

    check()


@pytest.mark.parametrize("cls", event_types(), ids=lambda c: c.__name__)
def test_events_round_trip_as_the_union(cls: type[DomainEvent]) -> None:
    @settings(max_examples=20, deadline=None)
    @given(builds(cls))
    def check(event: DomainEvent) -> None:
        _round_trip(DomainEvent, event)
        _round_trip(cls, event)

    check()


# Commands carrying the pricing engine's rule objects (price lists, promotions, vouchers):
# their validity rules are too rich for the generic builder, so they use shipped strategies.
_SKUS = ["TSHIRT-RED-M", "MUG-WHITE", "WATCH-GOLD"]
OWN_STRATEGY: dict[str, st.SearchStrategy[Any]] = {
    "AddPriceList": sst.price_lists("IDR", _SKUS).map(
        lambda p: commands.AddPriceList(price_list=p)
    ),
    "AddPromotion": sst.promotions("IDR", _SKUS).map(lambda p: commands.AddPromotion(promotion=p)),
    "AddVoucher": st.builds(
        lambda promotion, limit: commands.AddVoucher(
            voucher=Voucher(code="SALE10", promotion=promotion, usage_limit=limit)
        ),
        sst.promotions("IDR", _SKUS),
        st.none() | st.integers(1, 100),
    ),
    # An exchange rate is None or within the stated range (MIN_RATE..MAX_RATE, above 0).
    "RecordPayment": st.builds(
        commands.RecordPayment,
        order_id=st.just("ORD-000001"),
        amount=sst.money("IDR", min_value=1, max_value=10**9),
        method=st.sampled_from(list(PaymentMethod)),
        reference=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=20),
        exchange_rate=st.none()
        | st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(100_000), places=4),
    ),
}


@pytest.mark.parametrize("cls", command_types(), ids=lambda c: c.__name__)
def test_commands_round_trip_as_the_union(cls: type[Command[Any]]) -> None:
    strategy = OWN_STRATEGY[cls.__name__] if cls.__name__ in OWN_STRATEGY else builds(cls)

    @settings(max_examples=20, deadline=None)
    @given(strategy)
    def check(command: Command[Any]) -> None:
        _round_trip(Command, command)

    check()
