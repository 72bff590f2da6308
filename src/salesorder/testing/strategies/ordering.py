"""Orders: channels, order lines, and order aggregates moved through their lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hypothesis import strategies as st

from salesorder.domain.channels import Channel, ChannelKind
from salesorder.domain.lifecycle import OrderStatus
from salesorder.domain.orders import Order, OrderLine
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import LineToPrice, TaxMode, price_lines
from salesorder.money import RoundingPolicy
from salesorder.testing.strategies.amounts import currencies, money, rounding_policies
from salesorder.testing.strategies.basics import Spec, _spec, codes, texts, timestamps
from salesorder.testing.strategies.catalog import addresses
from salesorder.testing.strategies.pricing import discounts, tax_modes, tax_rates

__all__ = ["GENERATED_STATUSES", "channels", "order_lines", "orders"]


def channels() -> st.SearchStrategy[Channel]:
    """The web shop, manual entry, marketplaces and custom channels."""
    return st.one_of(
        st.just(Channel.web()),
        st.just(Channel.manual()),
        st.builds(
            Channel,
            code=codes(),
            kind=st.sampled_from(list(ChannelKind)),
            name=texts(),
        ),
    )


@st.composite
def _order_lines(
    draw: st.DrawFn, currency: Spec[str], line_id: Spec[str], sku: Spec[str]
) -> OrderLine:
    code = draw(_spec(currency, currencies()))
    return OrderLine(
        line_id=draw(_spec(line_id, codes(max_size=4))),
        sku=draw(_spec(sku, codes())),
        quantity=draw(st.integers(1, 100)),
        unit_price=draw(money(code, max_value=1_000_000, rounded=draw(st.booleans()))),
        name=draw(st.one_of(st.just(""), texts())),
        discount=draw(st.none() | discounts(code)),
        tax_category=draw(st.sampled_from(["standard", "reduced", "luxury"])),
        unit_cost=draw(st.none() | money(code, max_value=1_000_000)),
    )


def order_lines(
    currency: Spec[str] = None, *, line_id: Spec[str] = None, sku: Spec[str] = None
) -> st.SearchStrategy[OrderLine]:
    """Order lines in ``currency``: quantity 1 to 100, maybe a discount and a unit cost."""
    return _order_lines(currency, line_id, sku)


def _step(draw: st.DrawFn, at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))


def _pay(draw: st.DrawFn, order: Order, *, full: bool) -> None:
    balance = order.balance_due
    if not balance.is_positive:
        return
    if full:
        amount = balance
    else:
        amount = draw(money(order.currency, min_value=0, max_value=balance.amount))
        if not amount.is_positive:
            return
    order.record_payment(amount, order.payment_method)


_PATH = (
    OrderStatus.NEW,
    OrderStatus.CONFIRMED,
    OrderStatus.PROCESSING,
    OrderStatus.PICKING,
    OrderStatus.PACKED,
    OrderStatus.SHIPPED,
    OrderStatus.IN_TRANSIT,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
#: The statuses :func:`orders` can build (the others need returns or courier failures).
GENERATED_STATUSES = (*_PATH, OrderStatus.CANCELLED, OrderStatus.ON_HOLD)


def _ship(draw: st.DrawFn, order: Order, at: dt.datetime) -> None:
    if order.must_be_paid_to_ship:
        _pay(draw, order, full=True)
    order.mark_shipped(
        draw(codes()),
        at,
        shipping_charge=draw(st.none() | money(order.currency, max_value=100_000)),
    )


def _complete(draw: st.DrawFn, order: Order, at: dt.datetime) -> None:
    _pay(draw, order, full=True)
    order.complete(at)


#: How :func:`orders` moves an order into each status of ``_PATH``.
_STEPS: dict[OrderStatus, Callable[[st.DrawFn, Order, dt.datetime], None]] = {
    OrderStatus.CONFIRMED: lambda _draw, order, at: order.confirm(at),
    OrderStatus.PROCESSING: lambda draw, order, at: order.mark_reserved(draw(codes()), at),
    OrderStatus.PICKING: lambda _draw, order, at: order.start_picking(at),
    OrderStatus.PACKED: lambda _draw, order, at: order.mark_packed(at),
    OrderStatus.SHIPPED: _ship,
    OrderStatus.IN_TRANSIT: lambda _draw, order, at: order.mark_in_transit(at),
    OrderStatus.DELIVERED: lambda _draw, order, at: order.mark_delivered(at),
    OrderStatus.COMPLETED: _complete,
}


@st.composite
def _orders(
    draw: st.DrawFn,
    *,
    currency: Spec[str],
    status: Spec[OrderStatus],
    min_lines: int,
    max_lines: int,
    tax_mode: Spec[TaxMode],
    policy: Spec[RoundingPolicy],
    order_id: Spec[str],
) -> Order:
    code = draw(_spec(currency, currencies()))
    target = draw(_spec(status, st.sampled_from(GENERATED_STATUSES)))
    count = draw(st.integers(min_lines, max_lines))
    lines = [
        draw(order_lines(code, line_id=str(number), sku=codes())) for number in range(1, count + 1)
    ]
    if target is not OrderStatus.NEW and not lines:
        lines = [draw(order_lines(code, line_id="1", sku=codes()))]
    at = draw(timestamps())
    mode = draw(_spec(tax_mode, tax_modes()))
    order = Order.new(
        id=draw(_spec(order_id, codes())),
        channel=draw(channels()),
        customer_id=draw(codes()),
        currency=code,
        placed_at=at,
        lines=lines,
        shipping_address=draw(addresses()),
        tax_mode=mode,
        payment_method=draw(st.sampled_from(list(PaymentMethod))),
        external_ref=draw(st.one_of(st.just(""), codes())),
        notes=draw(st.one_of(st.just(""), texts())),
    )
    rates = {category: draw(tax_rates()) for category in ("standard", "reduced", "luxury")}
    order.apply_pricing(
        price_lines(
            [
                LineToPrice(
                    line_id=line.line_id,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    tax_rate=rates[line.tax_category],
                    discount=line.discount,
                    unit_cost=line.unit_cost,
                )
                for line in lines
            ],
            currency=code,
            tax_mode=mode,
            policy=draw(_spec(policy, rounding_policies())),
        )
    )
    if target is OrderStatus.NEW:
        return order
    early = target in (OrderStatus.CANCELLED, OrderStatus.ON_HOLD)
    stop = draw(st.sampled_from(_PATH[:3])) if early else target
    cod = order.payment_method is PaymentMethod.COD
    for status_now in _PATH[1 : _PATH.index(stop) + 1]:
        at = _step(draw, at)
        _STEPS[status_now](draw, order, at)
        if not early and not cod and draw(st.booleans()):
            _pay(draw, order, full=False)
    if target is OrderStatus.CANCELLED:
        order.cancel(_step(draw, at), draw(st.one_of(st.just(""), texts())))
    elif target is OrderStatus.ON_HOLD:
        order.hold(_step(draw, at), draw(st.one_of(st.just(""), texts())))
    return order


def orders(
    currency: Spec[str] = None,
    *,
    status: Spec[OrderStatus] = OrderStatus.NEW,
    min_lines: int = 1,
    max_lines: int = 5,
    tax_mode: Spec[TaxMode] = None,
    policy: Spec[RoundingPolicy] = None,
    order_id: Spec[str] = None,
) -> st.SearchStrategy[Order]:
    """Order aggregates, priced with :func:`~salesorder.domain.pricing.price_lines`.

    Orders are built as a real one lives: placed (status NEW, with lines ``"1"``, ``"2"``...,
    a shipping address and current pricing), then moved with the aggregate's own methods to
    ``status`` (confirmed, reserved, picking, packed, shipped, in transit, delivered,
    completed after full payment, or cancelled or on hold from one of the first three; see
    ``GENERATED_STATUSES``). Prepaid orders are paid before they ship; other non-COD orders
    may carry partial payments.
    ``status=None`` draws any status. ``min_lines=0`` allows NEW orders without lines.
    """
    return _orders(
        currency=currency,
        status=status,
        min_lines=min_lines,
        max_lines=max_lines,
        tax_mode=tax_mode,
        policy=policy,
        order_id=order_id,
    )
