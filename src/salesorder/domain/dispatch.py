"""Shipping a reserved order: which parcels leave, and what the courier collects.

:func:`plan_shipment` decides from the order alone which warehouses ship now (one parcel and
one courier booking each), under which booking references, and whether that completes the
order; :meth:`ShipmentPlan.charges` then decides, from the couriers' quoted fees and the
shipping promotions' discount on them, what the buyer is charged for shipping and, for a
COD order, the cash the courier collects and the rounding that makes it payable in cash.
Booking the courier, pricing the shipping and moving the stock are the service's
(:func:`salesorder.services.fulfilment.ship_order`).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.customers import Address
from salesorder.domain.lifecycle import IN_WAREHOUSE
from salesorder.domain.orders import Order
from salesorder.domain.pricing import PricedShipping
from salesorder.domain.shipping import FeePayer, cod_amount
from salesorder.exceptions import IllegalTransition, ValidationError
from salesorder.money import CashRounding, Money, RoundingMode

__all__ = ["PlannedParcel", "ShipmentCharges", "ShipmentPlan", "plan_shipment"]


@attrs.frozen(kw_only=True)
class PlannedParcel:
    """One parcel of a shipment plan: the picks leaving ``warehouse`` as ``reference``."""

    warehouse: str
    #: The courier booking reference, derived from the order (a retry books the same).
    reference: str
    picks: tuple[Pick, ...]


@attrs.frozen(kw_only=True)
class ShipmentCharges:
    """What shipping a plan's parcels costs and collects, in the order's currency.

    ``fee`` is the sum of the couriers' quoted fees. The buyer is charged ``charge`` (the
    fee less ``discount``, what shipping promotions took off it, when the buyer pays it;
    both None when the seller does), as ``shipping`` priced it (the order's shipping with
    this fee; None when it was not priced); for a COD order whose parcels complete it,
    ``cod`` is what the courier collects and ``rounding`` the cash rounding kept on the
    order as an adjustment (both None otherwise). The last parcel carries them all.
    """

    fee: Money
    charge: Money | None
    cod: Money | None
    rounding: Money | None
    discount: Money | None = None
    shipping: PricedShipping | None = None


@attrs.frozen(kw_only=True)
class ShipmentPlan:
    """The parcels shipping an order now, in booking order; see the module docstring."""

    parcels: tuple[PlannedParcel, ...]
    destination: Address
    #: True when nothing is left to ship once these parcels leave.
    completes: bool
    currency: str
    #: What the buyer owes, when the courier is to collect it (a COD order completed now).
    cod_due: Money | None
    #: The shipping the order charged its buyer before these parcels.
    shipping_charged: Money | None = None

    def charges(
        self,
        fees: Sequence[Money],
        fee_payer: FeePayer,
        *,
        mode: RoundingMode,
        cash: CashRounding,
        shipping: PricedShipping | None = None,
    ) -> ShipmentCharges:
        """The charges once the courier quoted ``fees`` (one per parcel, in plan order).

        When the buyer pays the fees, ``shipping`` is the order's shipping priced with them
        (:func:`~salesorder.domain.pricing.price_shipping`): the buyer is charged what it
        charges beyond what the order charged before, the fees less the promotions'
        discount. The COD amount is what is due plus that charge, rounded to the
        destination country's cash step with ``mode``; the rounding is the difference.

        Raises:
            ValidationError: ``shipping`` charges less than the order did before, or more
                than before plus the fees.
        """
        fee = sum(fees[1:], fees[0])
        charge = discount = None
        if fee_payer is FeePayer.BUYER:
            charge = fee
            if shipping is not None:
                before = self.shipping_charged or Money.zero(self.currency)
                charge = shipping.charge - before
                if charge.is_negative or charge > fee:
                    raise ValidationError(
                        f"shipping priced to charge {shipping.charge} does not fit fees of "
                        f"{fee} after {before} charged before"
                    )
            discount = fee - charge
        cod = rounding = None
        if self.cod_due is not None:
            cod = cod_amount(
                self.cod_due,
                charge or Money.zero(self.currency),
                FeePayer.BUYER,
                mode=mode,
                cash=cash,
                country=self.destination.country,
            )
            rounding = cod - self.cod_due - (charge or Money.zero(self.currency))
        return ShipmentCharges(
            fee=fee,
            charge=charge,
            cod=cod,
            rounding=rounding,
            discount=discount,
            shipping=shipping,
        )


def plan_shipment(order: Order, warehouse: str | None = None) -> ShipmentPlan:
    """The parcels that ship ``order`` now: from ``warehouse``, or from every warehouse.

    A split order ships one parcel per warehouse it was reserved in, numbered on from the
    shipments it already has (``<order id>-S<n>``).

    Raises:
        IllegalTransition: the order is not in the warehouse or has nothing reserved, or
            nothing is reserved in ``warehouse``.
    """
    if order.status not in IN_WAREHOUSE or not order.picks:
        raise IllegalTransition(order.thing, order.status.value, "ship")
    assert order.shipping_address is not None  # noqa: S101 - confirmed orders have one
    origins = order.pick_warehouses
    if warehouse is not None:
        if warehouse not in origins:
            raise IllegalTransition(
                order.thing,
                order.status.value,
                "ship",
                f"nothing is reserved in warehouse {warehouse!r}",
            )
        origins = [warehouse]
    completes = order.fulfilment_record.completes(
        {line.line_id: line.quantity for line in order.lines}, origins
    )
    first = len(order.shipment_ids) + 1
    parcels = tuple(
        PlannedParcel(
            warehouse=code,
            reference=f"{order.id}-S{number}",
            picks=tuple(p for p in order.picks if p.warehouse == code),
        )
        for number, code in enumerate(origins, start=first)
    )
    return ShipmentPlan(
        parcels=parcels,
        destination=order.shipping_address,
        completes=completes,
        currency=order.currency,
        cod_due=order.amount_due if order.is_cod and completes else None,
        shipping_charged=order.shipping_charge,
    )
