"""The order aggregate: lines, buyer, address, pricing, status and payments received.

:class:`Order` is mutable but every change goes through a method that checks the status
through the transition table of :mod:`salesorder.domain.lifecycle` and keeps the order's
invariants: lines have unique ids and positive quantities, all amounts are in the order's
currency, the pricing matches the lines, and the amount paid never exceeds the total.
A method that raises has changed nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.channels import Channel
from salesorder.domain.common import (
    as_tuple,
    aware_datetime,
    code,
    positive_int,
    whole_quantity,
)
from salesorder.domain.customers import Address
from salesorder.domain.lifecycle import (
    IN_WAREHOUSE,
    RETURNS_TO_HELD,
    OrderAction,
    OrderStatus,
    next_status,
)
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import Discount, PricedOrder, TaxMode
from salesorder.exceptions import (
    AmendmentRefused,
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    IllegalTransition,
    InvalidAddress,
    NotFound,
    PaymentError,
    ReturnExceedsDelivered,
)
from salesorder.money import Money, currency_info

__all__ = ["Amendment", "LineFulfilment", "Order", "OrderLine", "StatusChange"]


@attrs.frozen(kw_only=True)
class OrderLine:
    """One line of an order: a SKU, a whole quantity above zero, a unit price.

    ``unit_price`` is per unit, tax included or excluded as the order's ``tax_mode`` says.
    ``unit_cost`` (optional) lets pricing report margin and profit.
    """

    line_id: str = attrs.field(validator=code)
    sku: str = attrs.field(validator=code)
    quantity: int = attrs.field(converter=whole_quantity, validator=positive_int)
    unit_price: Money
    name: str = ""
    discount: Discount | None = None
    tax_category: str = attrs.field(default="standard", validator=code)
    unit_cost: Money | None = None
    #: True when the price was given on the order or by a marketplace; price lists keep off it.
    price_fixed: bool = False

    def __attrs_post_init__(self) -> None:
        if self.unit_price.is_negative:
            raise PaymentError(f"line {self.line_id!r} has a negative unit price {self.unit_price}")
        if self.unit_cost is not None and self.unit_cost.currency != self.unit_price.currency:
            raise CurrencyMismatch(self.unit_price.currency, self.unit_cost.currency, "cost")


@attrs.frozen(kw_only=True)
class StatusChange:
    """An entry of an order's history: at ``at``, ``action`` left it in ``status``.

    ``action`` is the :class:`~salesorder.domain.lifecycle.OrderAction` value that was carried
    out (empty for the placement that opens the history); entries are also kept for actions
    that leave the status as it was (an amendment, a payment), so the history is the order's
    whole story. ``note`` says more where there is more to say.
    """

    status: OrderStatus
    at: dt.datetime = attrs.field(validator=aware_datetime)
    action: str = ""
    note: str = ""


@attrs.frozen(kw_only=True)
class LineFulfilment:
    """Where the units of one order line are: the per-line state the order's status rolls up.

    ``ordered == reserved + shipped + waiting`` and ``returned <= shipped``.
    """

    line_id: str
    ordered: int
    reserved: int
    shipped: int
    returned: int

    @property
    def waiting(self) -> int:
        """Units neither reserved nor shipped (a backorder, or not yet allocated)."""
        return self.ordered - self.reserved - self.shipped


@attrs.frozen(kw_only=True)
class Amendment:
    """A versioned change to a confirmed order, or a partial cancellation.

    ``changes`` say what changed, ``consequences`` what must now happen to shipments already
    made, invoices already issued and money already paid. ``key`` is the caller's
    idempotency key: the same key again is a no-op.
    """

    version: int = attrs.field(validator=positive_int)
    at: dt.datetime = attrs.field(validator=aware_datetime)
    key: str = ""
    reason: str = ""
    cancellation: bool = False
    changes: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    consequences: tuple[str, ...] = attrs.field(default=(), converter=as_tuple)
    gross_before: Money
    gross_after: Money


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


_REFUNDABLE = frozenset({OrderStatus.RETURNED, OrderStatus.RETURNED_TO_SENDER})


def _zero(order: Order) -> Money:
    return Money.zero(order.currency)


@attrs.define(kw_only=True)
class Order:
    """A sales order from any channel; see the module docstring for its invariants.

    Build a new one with :meth:`new`.
    """

    id: str = attrs.field(validator=code)
    channel: Channel
    customer_id: str = attrs.field(validator=code)
    currency: str = attrs.field(validator=_currency)
    placed_at: dt.datetime = attrs.field(validator=aware_datetime)
    tax_mode: TaxMode = TaxMode.INCLUDED
    payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER
    external_ref: str = ""
    shipping_address: Address | None = None
    requested_delivery_date: dt.date | None = None
    notes: str = ""
    lines: list[OrderLine] = attrs.Factory(list)
    status: OrderStatus = OrderStatus.NEW
    history: list[StatusChange] = attrs.Factory(list)
    pricing: PricedOrder | None = None
    warehouse: str | None = None
    shipment_ids: list[str] = attrs.Factory(list)
    #: Where each reserved unit comes from, and why (one shipment per warehouse).
    picks: list[Pick] = attrs.Factory(list)
    #: When the order started waiting for stock (a backorder), or None.
    backordered_since: dt.datetime | None = None
    invoice_ids: list[str] = attrs.Factory(list)
    amount_paid: Money = attrs.Factory(_zero, takes_self=True)
    shipping_charge: Money = attrs.Factory(_zero, takes_self=True)
    cash_rounding: Money = attrs.Factory(_zero, takes_self=True)
    #: What credit notes took back from the order's invoices; no longer due.
    credited: Money = attrs.Factory(_zero, takes_self=True)
    #: What upward adjustment invoices (Vietnam) added to what the buyer owes.
    adjusted: Money = attrs.Factory(_zero, takes_self=True)
    cancel_reason: str = ""
    #: Voucher codes the buyer gave; pricing applies them (see salesorder.domain.promotions).
    voucher_codes: list[str] = attrs.Factory(list)
    #: The status an order on hold returns to when it is released.
    held_from: OrderStatus | None = None
    hold_reason: str = ""
    #: The picks that have left with a courier (where each unit shipped from).
    dispatched: list[Pick] = attrs.Factory(list)
    #: Units the buyer sent back and the seller received, per line id.
    returned: dict[str, int] = attrs.Factory(dict)
    #: What was given back of what was paid, in all (``amount_paid`` is already net of it).
    refunded: Money = attrs.Factory(_zero, takes_self=True)
    #: Versioned changes after confirmation, and partial cancellations, oldest first.
    amendments: list[Amendment] = attrs.Factory(list)

    def __attrs_post_init__(self) -> None:
        for amount in (
            self.amount_paid,
            self.shipping_charge,
            self.cash_rounding,
            self.credited,
            self.adjusted,
            self.refunded,
        ):
            if amount.currency != self.currency:
                raise CurrencyMismatch(self.currency, amount.currency, f"{self.thing} amounts")
        if not self.history:
            self.history.append(StatusChange(status=self.status, at=self.placed_at))
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise DuplicateError(f"order {self.id!r} repeats a line id: {ids}")
        for line in self.lines:
            self._check_line_currency(line)

    @classmethod
    def new(
        cls,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        channel: Channel,
        customer_id: str,
        currency: str,
        placed_at: dt.datetime,
        lines: list[OrderLine] | tuple[OrderLine, ...] = (),
        shipping_address: Address | None = None,
        tax_mode: TaxMode = TaxMode.INCLUDED,
        payment_method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
        external_ref: str = "",
        requested_delivery_date: dt.date | None = None,
        notes: str = "",
        voucher_codes: list[str] | tuple[str, ...] = (),
    ) -> Order:
        """A new order in status NEW, not yet priced."""
        return cls(
            id=id,
            channel=channel,
            customer_id=customer_id,
            currency=currency,
            placed_at=placed_at,
            lines=list(lines),
            shipping_address=shipping_address,
            tax_mode=tax_mode,
            payment_method=payment_method,
            external_ref=external_ref,
            requested_delivery_date=requested_delivery_date,
            notes=notes,
            voucher_codes=list(voucher_codes),
        )

    # -- facts --------------------------------------------------------------------------

    @property
    def thing(self) -> str:
        """How errors name this order."""
        return f"order {self.id!r}"

    @property
    def total(self) -> Money:
        """What the buyer pays (gross), once priced.

        Raises:
            IllegalTransition: the order has not been priced since its last edit.
        """
        if self.pricing is None:
            raise IllegalTransition(self.thing, self.status.value, "total", "it is not priced")
        return self.pricing.gross

    @property
    def paid(self) -> Money:
        """What has been paid so far."""
        return self.amount_paid

    @property
    def amount_due(self) -> Money:
        """What the buyer owes in all.

        Goods (gross), the shipping charge when the buyer pays it, and the cash rounding
        adjustment of a COD collection, plus what upward adjustment invoices added; less what
        credit notes and downward adjustments took back.
        """
        return self.amount_due_at(self.total)

    def amount_due_at(self, gross: Money) -> Money:
        """What :attr:`amount_due` would be if the goods were priced at ``gross``."""
        return gross + self.shipping_charge + self.cash_rounding + self.adjusted - self.credited

    @property
    def balance_due(self) -> Money:
        """Amount due minus what has been paid."""
        return self.amount_due - self.paid

    @property
    def must_be_paid_to_ship(self) -> bool:
        """True when the goods must be paid before they ship.

        A prepaid order (bank transfer, card, e-wallet) must; cash on delivery and orders
        on account need not, nor does a marketplace order: the marketplace holds the
        buyer's money and pays the seller in its settlement.
        """
        return self.payment_method.is_prepaid and not self.channel.kind.is_marketplace

    @property
    def is_cod(self) -> bool:
        """True when the buyer pays cash on delivery."""
        return self.payment_method is PaymentMethod.COD

    def line(self, line_id: str) -> OrderLine:
        """The line with ``line_id``.

        Raises:
            NotFound: no such line.
        """
        for line in self.lines:
            if line.line_id == line_id:
                return line
        raise NotFound(f"line of {self.thing}", line_id)

    def next_line_id(self) -> str:
        """A line id not used yet on this order ("1", "2", ...)."""
        used = {line.line_id for line in self.lines}
        number = len(self.lines) + 1
        while str(number) in used:
            number += 1
        return str(number)

    def time_in_status(self) -> dict[OrderStatus, dt.timedelta]:
        """Time spent in each past status (the current one is still running)."""
        spent: dict[OrderStatus, dt.timedelta] = {}
        for entered, left in itertools.pairwise(self.history):
            spent[entered.status] = spent.get(entered.status, dt.timedelta()) + (
                left.at - entered.at
            )
        return spent

    # -- internal -----------------------------------------------------------------------

    def _move(self, action: OrderAction, at: dt.datetime, note: str = "") -> None:
        status = next_status(self.thing, self.status, action)
        if (self.status, action) == RETURNS_TO_HELD:
            assert self.held_from is not None  # noqa: S101 - set by hold()
            status, self.held_from, self.hold_reason = self.held_from, None, ""
        self.status = status
        self.history.append(StatusChange(status=status, at=at, action=action.value, note=note))

    def _check(self, action: OrderAction) -> None:
        next_status(self.thing, self.status, action)

    def check(self, action: OrderAction) -> None:
        """Raise IllegalTransition unless the transition table allows ``action`` now."""
        self._check(action)

    def _check_line_currency(self, line: OrderLine) -> None:
        if line.unit_price.currency != self.currency:
            raise CurrencyMismatch(
                self.currency, line.unit_price.currency, f"line {line.line_id!r}"
            )
        discount = line.discount.amount if line.discount is not None else None
        if discount is not None and discount.currency != self.currency:
            raise CurrencyMismatch(self.currency, discount.currency, "discount")

    # -- edits (status NEW only) ------------------------------------------------------------

    def add_line(self, line: OrderLine) -> None:
        """Add a line; the order must be priced again."""
        self._check(OrderAction.EDIT)
        self._check_line_currency(line)
        if any(existing.line_id == line.line_id for existing in self.lines):
            raise DuplicateError(f"{self.thing} already has a line {line.line_id!r}")
        self.lines.append(line)
        self.pricing = None

    def remove_line(self, line_id: str) -> None:
        """Remove a line; the order must be priced again."""
        self._check(OrderAction.EDIT)
        line = self.line(line_id)
        self.lines.remove(line)
        self.pricing = None

    def change_quantity(self, line_id: str, quantity: int) -> None:
        """Set a line's quantity (above zero); the order must be priced again."""
        self._check(OrderAction.EDIT)
        line = self.line(line_id)
        updated = attrs.evolve(line, quantity=quantity)
        self.lines[self.lines.index(line)] = updated
        self.pricing = None

    def set_shipping_address(self, address: Address) -> None:
        """Change where the order goes."""
        self._check(OrderAction.EDIT)
        self.shipping_address = address

    def set_notes(self, notes: str) -> None:
        """Replace the special instructions."""
        self._check(OrderAction.EDIT)
        self.notes = notes

    def set_customer(self, customer_id: str) -> None:
        """Change the buyer."""
        self._check(OrderAction.EDIT)
        code(self, attrs.fields(Order).customer_id, customer_id)
        self.customer_id = customer_id

    def set_vouchers(self, codes: list[str] | tuple[str, ...]) -> None:
        """Replace the voucher codes; the order must be priced again."""
        self._check(OrderAction.EDIT)
        self.voucher_codes = list(dict.fromkeys(codes))
        self.pricing = None

    def apply_pricing(self, priced: PricedOrder) -> None:
        """Attach the result of pricing this order's current lines."""
        self._check(OrderAction.EDIT)
        if priced.currency != self.currency:
            raise CurrencyMismatch(self.currency, priced.currency, "price")
        if [p.line_id for p in priced.lines] != [line.line_id for line in self.lines]:
            raise IllegalTransition(
                self.thing, self.status.value, "apply pricing", "the pricing is for other lines"
            )
        self._check_not_overpaid(priced.gross)
        self.pricing = priced

    def _check_not_overpaid(self, gross: Money) -> None:
        due = self.amount_due_at(gross)
        if self.paid > due:
            raise PaymentError(
                f"{self.thing}: {self.paid} is paid and the change would make {due} due; "
                "refund first"
            )

    # -- lifecycle --------------------------------------------------------------------------

    def confirm(self, at: dt.datetime) -> None:
        """Confirm: the order has lines, a shipping address and a current price."""
        self._check(OrderAction.CONFIRM)
        if not self.lines:
            raise EmptyOrder(f"{self.thing} has no lines and cannot be confirmed")
        if self.shipping_address is None:
            raise InvalidAddress(f"{self.thing} has no shipping address and cannot be confirmed")
        if self.pricing is None:
            raise IllegalTransition(self.thing, self.status.value, "confirm", "it is not priced")
        self._move(OrderAction.CONFIRM, at)

    def mark_reserved(
        self,
        warehouse: str,
        at: dt.datetime,
        *,
        picks: Sequence[Pick] = (),
        partial: bool = False,
    ) -> None:
        """Stock for every unit still to ship is reserved: in ``warehouse``, or as ``picks`` say.

        ``warehouse`` is the first (or only) warehouse; ``picks`` default to every line's
        outstanding units from ``warehouse``. ``partial``: the picks may cover less; the
        rest is backordered (``backordered_since``) until goods receipts top it up.
        """
        self._check(OrderAction.RESERVE)
        if not picks:
            picks = [
                Pick(line_id=line.line_id, sku=line.sku, warehouse=warehouse, quantity=left)
                for line in self.lines
                if (left := self.outstanding(line.line_id))
            ]
        short = False
        for line in self.lines:
            got = sum(p.quantity for p in picks if p.line_id == line.line_id)
            left = self.outstanding(line.line_id)
            if got > left or (got < left and not partial):
                raise IllegalTransition(
                    self.thing,
                    self.status.value,
                    "reserve",
                    f"line {line.line_id!r} has {got} of {left} picked",
                )
            short = short or got < left
        self.warehouse = warehouse
        self.picks = list(picks)
        self.backordered_since = (self.backordered_since or at) if short else None
        self._move(OrderAction.RESERVE, at, "partly: the rest waits" if short else "")

    def short_picked(self, line_id: str, warehouse: str, short: int, at: dt.datetime) -> None:
        """``short`` reserved units of ``line_id`` were not found in ``warehouse``.

        They leave the order's picks (newest first); they wait as a backorder unless the
        caller reserves them elsewhere (:meth:`mark_reserved` is not needed for that: a
        re-allocation adds its own pick). ``backordered_since`` records the wait.

        Raises:
            IllegalTransition: the order's units are not in the warehouse, or fewer than
                ``short`` are picked there.
        """
        if self.status not in IN_WAREHOUSE:
            raise IllegalTransition(self.thing, self.status.value, "short-pick")
        held = sum(
            p.quantity for p in self.picks if p.line_id == line_id and p.warehouse == warehouse
        )
        if not 0 < short <= held:
            raise IllegalTransition(
                self.thing,
                self.status.value,
                "short-pick",
                f"line {line_id!r} has {held} picked in {warehouse!r}, {short} short",
            )
        picks = list(self.picks)
        for index in range(len(picks) - 1, -1, -1):
            pick = picks[index]
            if short == 0:
                break
            if pick.line_id != line_id or pick.warehouse != warehouse:
                continue
            taken = min(short, pick.quantity)
            short -= taken
            if taken == pick.quantity:
                del picks[index]
            else:
                picks[index] = attrs.evolve(pick, quantity=pick.quantity - taken)
        self.picks = picks
        if self.backordered_since is None:
            self.backordered_since = at

    def add_pick(self, pick: Pick) -> None:
        """Units of a line re-reserved in another warehouse (after a short pick)."""
        if self.status not in IN_WAREHOUSE:
            raise IllegalTransition(self.thing, self.status.value, "add a pick to")
        if pick.quantity > self.unreserved(pick.line_id):
            raise IllegalTransition(
                self.thing,
                self.status.value,
                "add a pick to",
                f"line {pick.line_id!r} has {self.unreserved(pick.line_id)} unreserved, "
                f"{pick.quantity} picked",
            )
        self.picks = [*self.picks, pick]
        if all(self.unreserved(line.line_id) == 0 for line in self.lines):
            self.backordered_since = None

    def wait_for_stock(self, at: dt.datetime) -> None:
        """Stock is short: the confirmed order waits for goods receipts (a backorder)."""
        self._check(OrderAction.RESERVE)
        if self.backordered_since is None:
            self.backordered_since = at

    def unreserve(self, at: dt.datetime) -> None:
        """Its reservations were released (they expired): back to confirmed."""
        self._check(OrderAction.UNRESERVE)
        self.warehouse = None
        self.picks = []
        self._move(OrderAction.UNRESERVE, at)

    def drop_picks(self, at: dt.datetime) -> None:
        """The reservations of the units still to ship were released, to be made again.

        A processing order goes back to confirmed; a partly shipped one stays as it is.
        """
        if self.status is OrderStatus.PROCESSING:
            self.unreserve(at)
        else:
            self._check(OrderAction.RESERVE)
            self.picks = []

    @property
    def pick_warehouses(self) -> list[str]:
        """The warehouses the reserved units come from (one shipment each)."""
        if not self.picks:
            return [] if self.warehouse is None else [self.warehouse]
        return list(dict.fromkeys(p.warehouse for p in self.picks))

    @property
    def shipped(self) -> dict[str, int]:
        """Units handed to couriers, per line id."""
        units: dict[str, int] = {}
        for pick in self.dispatched:
            units[pick.line_id] = units.get(pick.line_id, 0) + pick.quantity
        return units

    def fulfilment(self) -> list[LineFulfilment]:
        """Per line: units ordered, reserved (not shipped), shipped and returned.

        The order's status is their roll-up: processing while every unit still to ship is
        reserved, partly shipped while some have left and others wait, shipped when none
        waits, partly returned or returned as returned units come back.
        """
        shipped, returned = self.shipped, self.returned
        reserved: dict[str, int] = {}
        for pick in self.picks:
            reserved[pick.line_id] = reserved.get(pick.line_id, 0) + pick.quantity
        return [
            LineFulfilment(
                line_id=line.line_id,
                ordered=line.quantity,
                reserved=reserved.get(line.line_id, 0),
                shipped=shipped.get(line.line_id, 0),
                returned=returned.get(line.line_id, 0),
            )
            for line in self.lines
        ]

    def unreserved(self, line_id: str) -> int:
        """Units of line ``line_id`` still to ship and not reserved (a backorder)."""
        reserved = sum(p.quantity for p in self.picks if p.line_id == line_id)
        return self.outstanding(line_id) - reserved

    def outstanding(self, line_id: str) -> int:
        """Units of line ``line_id`` not yet handed to a courier."""
        return self.line(line_id).quantity - self.shipped.get(line_id, 0)

    @property
    def fully_shipped(self) -> bool:
        """True when every unit of every line has been handed to a courier."""
        return all(self.outstanding(line.line_id) == 0 for line in self.lines)

    def hold(self, at: dt.datetime, reason: str = "") -> None:
        """Put the order on hold (a payment check, a buyer's question); :meth:`release` ends it."""
        self._check(OrderAction.HOLD)
        held_from = self.status
        self._move(OrderAction.HOLD, at, reason)
        self.held_from, self.hold_reason = held_from, reason

    def release(self, at: dt.datetime) -> None:
        """Release a hold: the order returns to the status it was held in."""
        self._move(OrderAction.RELEASE, at)

    def start_picking(self, at: dt.datetime) -> None:
        """The reserved goods are on a pick list."""
        self._move(OrderAction.PICK, at)

    def mark_packed(self, at: dt.datetime) -> None:
        """The goods are packed and wait for the courier."""
        self._move(OrderAction.PACK, at)

    def mark_shipped(
        self,
        shipment_id: str,
        at: dt.datetime,
        *,
        warehouse: str | None = None,
        shipping_charge: Money | None = None,
        cash_rounding: Money | None = None,
    ) -> None:
        """The reserved units from ``warehouse`` (all, when None) left as ``shipment_id``.

        The order is shipped once nothing is left to ship, partly shipped before. A prepaid
        order (not COD, not on account) ships only when its goods are paid.

        Args:
            shipment_id: the shipment.
            at: when.
            warehouse: the warehouse the parcel left from; None ships every reserved unit.
            shipping_charge: the shipping fee the buyer pays (none when the seller pays).
            cash_rounding: the adjustment that makes a COD amount payable in cash.
        """
        picks = [p for p in self.picks if warehouse is None or p.warehouse == warehouse]
        units: dict[str, int] = {}
        for pick in picks:
            units[pick.line_id] = units.get(pick.line_id, 0) + pick.quantity
        rest = {
            line.line_id: self.outstanding(line.line_id) - units.get(line.line_id, 0)
            for line in self.lines
        }
        action = OrderAction.SHIP if not any(rest.values()) else OrderAction.SHIP_PART
        self._check(action)
        for amount in (shipping_charge, cash_rounding):
            if amount is not None and amount.currency != self.currency:
                raise CurrencyMismatch(self.currency, amount.currency, "ship")
        if self.must_be_paid_to_ship and self.pricing and self.paid < self.total:
            raise IllegalTransition(
                self.thing,
                self.status.value,
                action.value,
                f"it is paid by {self.payment_method.value} and {self.total - self.paid} "
                "of its goods is not paid",
            )
        if not picks:
            raise IllegalTransition(
                self.thing, self.status.value, action.value, f"nothing is reserved in {warehouse!r}"
            )
        self.shipment_ids.append(shipment_id)
        self.dispatched.extend(picks)
        self.picks = [p for p in self.picks if p not in picks]
        if shipping_charge is not None:
            self.shipping_charge = self.shipping_charge + shipping_charge
        if cash_rounding is not None:
            self.cash_rounding = self.cash_rounding + cash_rounding
        self._move(action, at, shipment_id)

    def mark_in_transit(self, at: dt.datetime) -> None:
        """The courier reports the parcel on its way."""
        self._move(OrderAction.TRANSIT, at)

    def mark_delivered(self, at: dt.datetime) -> None:
        """The courier delivered the goods."""
        self._move(OrderAction.DELIVER, at)

    def fail_delivery(self, at: dt.datetime, reason: str = "") -> None:
        """The courier could not deliver; a reattempt or a return to sender follows."""
        self._move(OrderAction.FAIL_DELIVERY, at, reason)

    def reattempt_delivery(self, at: dt.datetime) -> None:
        """The courier tries again after a failed delivery."""
        self._move(OrderAction.REATTEMPT, at)

    def return_to_sender(self, at: dt.datetime, reason: str = "") -> None:
        """The courier gives up and brings the parcel back to the seller."""
        self._move(OrderAction.RETURN_TO_SENDER, at, reason)

    def returnable(self, line_id: str) -> int:
        """Units of ``line_id`` delivered and not yet returned."""
        self.line(line_id)
        return self.shipped.get(line_id, 0) - self.returned.get(line_id, 0)

    def record_return(self, units: dict[str, int], at: dt.datetime, note: str = "") -> None:
        """The buyer's returned ``units`` (per line id) arrived back at the seller.

        Raises:
            IllegalTransition: the order was not delivered.
            ReturnExceedsDelivered: more units than were delivered and not yet returned.
        """
        self._check(OrderAction.RETURN_PART)
        for line_id, quantity in units.items():
            positive_int(self, attrs.fields(OrderLine).quantity, quantity)
            if quantity > self.returnable(line_id):
                raise ReturnExceedsDelivered(
                    self.thing, line_id, quantity, self.returnable(line_id)
                )
        for line_id, quantity in units.items():
            self.returned[line_id] = self.returned.get(line_id, 0) + quantity
        everything = all(self.returnable(line.line_id) == 0 for line in self.lines)
        self._move(OrderAction.RETURN_ALL if everything else OrderAction.RETURN_PART, at, note)

    def amend(
        self,
        at: dt.datetime,
        *,
        lines: Sequence[OrderLine],
        priced: PricedOrder,
        address: Address | None = None,
        key: str = "",
        reason: str = "",
        cancellation: bool = False,
        changes: Sequence[str] = (),
        consequences: Sequence[str] = (),
    ) -> Amendment:
        """Replace the lines (and address) of a confirmed order as a new amendment version.

        Lines with units already shipped must stay as they are; the new ``priced`` result
        must price the new lines. When nothing is left to ship afterwards, a partly shipped
        order is shipped.

        Raises:
            IllegalTransition: the status allows no amendment.
            AmendmentRefused: a shipped line would change, or nothing would be left.
        """
        self._check(OrderAction.AMEND)
        new = {line.line_id: line for line in lines}
        for line in self.lines:
            shipped = self.shipped.get(line.line_id, 0)
            after = new.get(line.line_id)
            if not shipped or after == line:
                continue
            kept = after is not None and attrs.evolve(after, quantity=line.quantity) == line
            if not (cancellation and kept and after is not None and after.quantity >= shipped):
                raise AmendmentRefused(
                    self.thing,
                    f"line {line.line_id!r} has {shipped} unit(s) shipped and cannot change",
                )
        if not lines:
            raise AmendmentRefused(self.thing, "no line would be left; cancel the order instead")
        if len(new) != len(lines):
            raise DuplicateError(f"{self.thing}: the amendment repeats a line id")
        for line in lines:
            self._check_line_currency(line)
        if priced.currency != self.currency:
            raise CurrencyMismatch(self.currency, priced.currency, "amend")
        if [p.line_id for p in priced.lines] != list(new):
            raise AmendmentRefused(self.thing, "the pricing is for other lines")
        before = self.total
        amendment = Amendment(
            version=len(self.amendments) + 1,
            at=at,
            key=key,
            reason=reason,
            cancellation=cancellation,
            changes=tuple(changes),
            consequences=tuple(consequences),
            gross_before=before,
            gross_after=priced.gross,
        )
        self.lines = list(lines)
        self.pricing = priced
        if address is not None:
            self.shipping_address = address
        self.amendments.append(amendment)
        self._move(OrderAction.AMEND, at, f"version {amendment.version}: {reason}".rstrip(": "))
        if self.status is OrderStatus.PARTLY_SHIPPED and self.fully_shipped:
            self._move(OrderAction.SHIP, at, "nothing left to ship after the amendment")
        return amendment

    def amendment(self, key: str) -> Amendment | None:
        """The amendment made with idempotency ``key``, or None."""
        return next((a for a in self.amendments if key and a.key == key), None)

    def record_payment(self, amount: Money, method: PaymentMethod) -> None:
        """Add ``amount`` to what has been paid.

        Raises:
            PaymentError: the amount is in another currency, not positive, or more than due;
                or a COD payment arrives before delivery.
        """
        self._check(OrderAction.PAY)
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, "pay")
        if not amount.is_positive:
            raise PaymentError(f"{self.thing}: a payment must be above zero, got {amount}")
        if amount > self.balance_due:
            raise PaymentError(
                f"{self.thing}: payment of {amount} exceeds the balance due {self.balance_due}"
            )
        if method is PaymentMethod.COD and self.status is not OrderStatus.DELIVERED:
            raise PaymentError(
                f"{self.thing}: COD cash is collected at delivery, status is {self.status.value!r}"
            )
        self.amount_paid = self.paid + amount

    def add_invoice(self, invoice_id: str) -> None:
        """Link an invoice issued for this order."""
        self.invoice_ids.append(invoice_id)

    def record_refund(self, amount: Money, at: dt.datetime | None = None) -> None:
        """Take ``amount`` (above zero, at most what was paid) back from what was paid.

        Given ``at``, a returned (or returned to sender) order whose payments are all given
        back becomes refunded.
        """
        self._take_back(amount, "refund")
        self.refunded = self.refunded + amount
        if at is not None and self.paid.is_zero and self.status in _REFUNDABLE:
            self._move(OrderAction.REFUND, at, f"{self.refunded} refunded")

    def move_to_credit(self, amount: Money) -> None:
        """Move ``amount`` of what was paid to the customer's credit (it is not refunded)."""
        self._take_back(amount, "move to credit")

    def _take_back(self, amount: Money, what: str) -> None:
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, what)
        if not amount.is_positive or amount > self.paid:
            raise PaymentError(f"{self.thing}: cannot {what} {amount}, {self.paid} was paid")
        self.amount_paid = self.paid - amount

    def record_credit(self, amount: Money) -> None:
        """A credit note took back ``amount``: it is no longer due.

        What was already paid beyond the new amount due must be moved off the order first
        (:meth:`record_refund`), so the balance due never goes below zero.
        """
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, "credit")
        if not amount.is_positive or amount > self.balance_due:
            raise PaymentError(
                f"{self.thing}: cannot credit {amount}, the balance due is {self.balance_due}"
            )
        self.credited = self.credited + amount

    def record_adjustment(self, amount: Money) -> None:
        """An upward adjustment invoice added ``amount`` (above zero) to what is owed.

        Raises:
            CurrencyMismatch: ``amount`` is in another currency than the order.
            IllegalTransition: the order is cancelled.
            PaymentError: ``amount`` is not above zero.
        """
        if amount.currency != self.currency:
            raise CurrencyMismatch(self.currency, amount.currency, "adjust")
        if self.status is OrderStatus.CANCELLED:
            raise IllegalTransition(self.thing, self.status.value, "adjust the amount due of")
        if not amount.is_positive:
            raise PaymentError(
                f"{self.thing}: an upward adjustment must be above zero, got {amount}"
            )
        self.adjusted = self.adjusted + amount

    def complete(self, at: dt.datetime) -> None:
        """Close a delivered order whose balance is paid (COD cash collected)."""
        self._check(OrderAction.COMPLETE)
        if not self.balance_due.is_zero:
            raise IllegalTransition(
                self.thing, self.status.value, "complete", f"{self.balance_due} is still due"
            )
        self._move(OrderAction.COMPLETE, at)

    def cancel(self, at: dt.datetime, reason: str = "") -> None:
        """Cancel before shipping. Reservations must be released by the caller's service."""
        self._check(OrderAction.CANCEL)
        if not self.paid.is_zero:
            raise IllegalTransition(
                self.thing, self.status.value, "cancel", f"{self.paid} was paid; refund first"
            )
        self.cancel_reason = reason
        self._move(OrderAction.CANCEL, at)
