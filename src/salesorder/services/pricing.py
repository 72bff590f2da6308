"""Price lists, promotions and vouchers: registering them, and pricing orders with them.

:func:`reprice` is what every order edit calls: it loads the shop's price lists and
promotions and the order's vouchers through the unit of work, prices the order with
:func:`salesorder.domain.pricing.price_order` and redeems the vouchers (each a stored
aggregate with a version, so two orders racing for a voucher's last use cannot both win).
:func:`price_shipping_of` prices the shipping an order charges its buyer with the shop's
shipping promotions, by the same rules and for the same date, channel and customer.
"""

from __future__ import annotations

import logging

from salesorder import logs
from salesorder.domain.events import OrderPriced
from salesorder.domain.orders import Order
from salesorder.domain.pricelists import PricingContext
from salesorder.domain.pricing import (
    LineToPrice,
    PricedOrder,
    PricedShipping,
    price_order,
    price_shipping,
)
from salesorder.domain.promotions import Voucher
from salesorder.exceptions import IllegalTransition, NotFound, ValidationError
from salesorder.money import Money
from salesorder.services.app import SalesApp, Transaction
from salesorder.services.commands import AddPriceList, AddPromotion, AddVoucher, SetVouchers

__all__ = [
    "add_price_list",
    "add_promotion",
    "add_voucher",
    "price",
    "price_shipping_of",
    "reprice",
    "set_vouchers",
]


def _context(tx: Transaction, order: Order) -> PricingContext:
    """Who buys, where and when, for ``order``: the day it was placed is the pricing date."""
    customer = tx.uow.customers.find(order.customer_id)
    return PricingContext(
        on=order.placed_at.date(),
        channel=order.channel.code,
        customer_id=order.customer_id,
        customer_group=customer.group if customer is not None else "",
        order_id=order.id,
    )


def price(app: SalesApp, tx: Transaction, order: Order) -> tuple[PricedOrder, list[Voucher]]:
    """Price ``order``'s current lines with the shop's settings, lists and promotions.

    The tax point, and the date price lists and promotions are chosen by, is the day the
    order was placed. Nothing is changed; returns the result and the vouchers used.

    Raises:
        NotFound: a voucher code is unknown.
        SalesOrderError: what :func:`~salesorder.domain.pricing.price_order` raises.
    """
    settings = app.settings
    uow = tx.uow
    on = order.placed_at.date()
    vouchers = []
    for voucher_code in order.voucher_codes:
        voucher = uow.vouchers.find(voucher_code)
        if voucher is None:
            raise NotFound("voucher", voucher_code)
        vouchers.append(voucher)
    rates: dict[str, tuple[object, ...]] = {}
    lines = []
    for line in order.lines:
        taxes = rates.get(line.tax_category)
        if taxes is None:
            taxes = rates[line.tax_category] = settings.tax_table.rates_for(
                settings.jurisdiction, line.tax_category, on
            )
        lines.append(
            LineToPrice(
                line_id=line.line_id,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                price_fixed=line.price_fixed,
                discount=line.discount,
                unit_cost=line.unit_cost,
                taxes=taxes,
            )
        )
    context = _context(tx, order)
    priced = price_order(
        lines,
        currency=order.currency,
        tax_mode=order.tax_mode,
        policy=settings.rounding_for(order.currency),
        context=context,
        price_lists=uow.price_lists.list(),
        promotions=uow.promotions.list(),
        vouchers=vouchers,
    )
    # DEBUG and once per order, never per line: pricing runs at every order edit.
    log = logs.logger(logs.PRICING)
    if log.isEnabledFor(logging.DEBUG):
        log.debug(
            "order %s priced: %d line(s), %s %s gross",
            order.id,
            len(priced.lines),
            priced.gross.amount,
            priced.currency,
            extra=logs.context(order_id=order.id),
        )
    return priced, vouchers


def price_shipping_of(app: SalesApp, tx: Transaction, order: Order, fee: Money) -> PricedShipping:
    """``order``'s shipping once its buyer is charged ``fee`` more, the shop's promotions on it.

    The automatic shipping promotions, and those of the order's vouchers, are chosen as
    :func:`price` chooses promotions (the day the order was placed, its channel, the
    buyer's group), ``min_spend`` against the goods at list prices as they were priced;
    the goods are not priced again. Nothing is
    changed. See :func:`~salesorder.domain.pricing.price_shipping`.

    Raises:
        IllegalTransition: the order is not priced.
    """
    if order.pricing is None:
        raise IllegalTransition(order.thing, order.status.value, "price the shipping of")
    vouchers = [tx.uow.vouchers.find(code) for code in order.voucher_codes]
    return price_shipping(
        fee,
        goods=order.pricing.list_amount,
        context=_context(tx, order),
        promotions=tx.uow.promotions.list(),
        policy=app.settings.rounding_for(order.currency),
        earlier=order.balance.shipping_so_far,
        vouchers=[voucher for voucher in vouchers if voucher is not None],
    )


def reprice(app: SalesApp, tx: Transaction, order: Order) -> None:
    """Price ``order`` (see :func:`price`), attach the result and redeem its vouchers."""
    priced, vouchers = price(app, tx, order)
    on = order.placed_at.date()
    for voucher in vouchers:
        voucher.redeem(order_id=order.id, customer_id=order.customer_id, on=on)
    order.apply_pricing(priced)
    tx.raise_event(OrderPriced(order_id=order.id, at=tx.now, gross=priced.gross))


def add_price_list(app: SalesApp, command: AddPriceList) -> None:
    """Register a price list; DuplicateError when its code is taken."""
    with app.transaction() as tx:
        tx.uow.price_lists.add(command.price_list)


def add_promotion(app: SalesApp, command: AddPromotion) -> None:
    """Register a promotion; DuplicateError when its code is taken."""
    with app.transaction() as tx:
        tx.uow.promotions.add(command.promotion)


def add_voucher(app: SalesApp, command: AddVoucher) -> None:
    """Register a voucher with no uses yet; DuplicateError when its code is taken."""
    if command.voucher.redemptions:
        raise ValidationError(
            f"voucher {command.voucher.code!r} is new and cannot come with redemptions"
        )
    with app.transaction() as tx:
        tx.uow.vouchers.add(command.voucher)


def set_vouchers(app: SalesApp, command: SetVouchers) -> None:
    """Replace a new order's voucher codes, release the dropped ones and price it again."""
    with app.transaction() as tx:
        order = tx.uow.orders.get(command.order_id)
        dropped = [code for code in order.voucher_codes if code not in command.vouchers]
        order.set_vouchers(command.vouchers)
        for code in dropped:
            voucher = tx.uow.vouchers.find(code)
            if voucher is not None:
                voucher.release(order.id)
        reprice(app, tx, order)


def release_vouchers(tx: Transaction, order: Order) -> None:
    """Give back the voucher uses of ``order`` (it was cancelled)."""
    for code in order.voucher_codes:
        voucher = tx.uow.vouchers.find(code)
        if voucher is not None:
            voucher.release(order.id)
