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
from salesorder.domain.amendments import Amendment, check_amendment
from salesorder.domain.balance import OrderBalance
from salesorder.domain.channels import Channel
from salesorder.domain.common import Held, aware_datetime, code, positive_int
from salesorder.domain.customers import Address
from salesorder.domain.fulfilment import FulfilmentRecord, LineFulfilment
from salesorder.domain.lifecycle import (
    RETURNS_TO_HELD,
    OrderAction,
    OrderStatus,
    StatusChange,
    next_status,
)
from salesorder.domain.order_lines import OrderLine, check_line_currency
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import PricedOrder, TaxMode
from salesorder.exceptions import (
    CurrencyMismatch,
    DuplicateError,
    EmptyOrder,
    IllegalTransition,
    InvalidAddress,
    NotFound,
    PaymentError,
)
from salesorder.money import Money, currency_info

__all__ = ["Amendment", "LineFulfilment", "Order", "OrderLine", "StatusChange"]


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


_REFUNDABLE = frozenset({OrderStatus.RETURNED, OrderStatus.RETURNED_TO_SENDER})
#: The statuses in which a backordered order waits for goods receipts.
_WAITING_FOR_STOCK = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.PARTLY_SHIPPED}
)


def _balance(order: Order) -> OrderBalance:
    return OrderBalance(currency=order.currency)


@attrs.define(kw_only=True)
class Order:
    """A sales order from any channel; see the module docstring for its invariants.

    Build a new one with :meth:`new`. The money state is :attr:`balance` and where the
    units are is :attr:`fulfilment_record`, two values the order replaces as it changes;
    their fields are also read as the order's own (``order.amount_paid``, ``order.picks``).
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
    shipment_ids: list[str] = attrs.Factory(list)
    invoice_ids: list[str] = attrs.Factory(list)
    cancel_reason: str = ""
    #: Voucher codes the buyer gave; pricing applies them (see salesorder.domain.promotions).
    voucher_codes: list[str] = attrs.Factory(list)
    #: The status an order on hold returns to when it is released.
    held_from: OrderStatus | None = None
    hold_reason: str = ""
    #: Versioned changes after confirmation, and partial cancellations, oldest first.
    amendments: list[Amendment] = attrs.Factory(list)
    #: What is charged, paid, given back and credited (all in ``currency``).
    balance: OrderBalance = attrs.Factory(_balance, takes_self=True)
    #: Where the units are (reserved, shipped, waiting for stock, returned).
    fulfilment_record: FulfilmentRecord = attrs.Factory(FulfilmentRecord)

    def __attrs_post_init__(self) -> None:
        if self.balance.currency != self.currency:
            raise CurrencyMismatch(self.currency, self.balance.currency, f"{self.thing} amounts")
        if not self.history:
            self.history.append(StatusChange(status=self.status, at=self.placed_at))
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise DuplicateError(f"order {self.id!r} repeats a line id: {ids}")
        for line in self.lines:
            check_line_currency(self.currency, line)

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
    def amount_due(self) -> Money:
        """What the buyer owes in all.

        Goods (gross), the shipping charge when the buyer pays it, and the cash rounding
        adjustment of a COD collection, plus what upward adjustment invoices added; less what
        credit notes and downward adjustments took back.
        """
        return self.amount_due_at(self.total)

    def amount_due_at(self, gross: Money) -> Money:
        """What :attr:`amount_due` would be if the goods were priced at ``gross``."""
        return self.balance.due_at(gross)

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

    @property
    def waiting_since(self) -> dt.datetime | None:
        """When the order began to wait for stock, or None when it is not waiting.

        An order waits while it is backordered (``backordered_since`` is set) and confirmed,
        or partly reserved (processing or partly shipped, the rest waiting): goods receipts
        reserve waiting orders, oldest wait first. Persistence adapters find them with
        :meth:`~salesorder.ports.persistence.OrderRepository.waiting_for_stock`.
        """
        if self.status not in _WAITING_FOR_STOCK:
            return None
        return self.backordered_since

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

    # -- the fields of the balance and the fulfilment record, read as the order's own -----

    amount_paid = Held[Money]("balance", "What has been paid, net of refunds.")
    paid = Held[Money](
        "balance", "What has been paid so far (:attr:`amount_paid`).", of="amount_paid"
    )
    shipping_charge = Held[Money]("balance", "The shipping fees the buyer pays.")
    cash_rounding = Held[Money]("balance", "The adjustment that made a COD amount cash.")
    credited = Held[Money]("balance", "What credit notes took back; no longer due.")
    adjusted = Held[Money]("balance", "What upward adjustment invoices added to what is owed.")
    refunded = Held[Money]("balance", "What was given back of what was paid, in all.")
    warehouse = Held[str | None]("fulfilment_record", "The first warehouse reserved in.")
    backordered_since = Held[dt.datetime | None](
        "fulfilment_record", "When the order started waiting for stock (a backorder), or None."
    )
    picks = Held[list[Pick]]("fulfilment_record", "Where each reserved unit comes from.", list)
    dispatched = Held[list[Pick]]("fulfilment_record", "Picks gone with a courier.", list)
    returned = Held[dict[str, int]]("fulfilment_record", "Units sent back, per line id.", dict)
    pick_warehouses = Held[list[str]]("fulfilment_record", "Where the reserved units are.")
    shipped = Held[dict[str, int]]("fulfilment_record", "Units handed to couriers, per line.")

    def _ordered(self) -> dict[str, int]:
        return {line.line_id: line.quantity for line in self.lines}

    def fulfilment(self) -> list[LineFulfilment]:
        """Per line: units ordered, reserved (not shipped), shipped and returned.

        The order's status is their roll-up: processing while every unit still to ship is
        reserved, partly shipped while some have left and others wait, shipped when none
        waits, partly returned or returned as returned units come back.
        """
        return self.fulfilment_record.lines(self._ordered())

    def unreserved(self, line_id: str) -> int:
        """Units of line ``line_id`` still to ship and not reserved (a backorder)."""
        self.line(line_id)
        return self.fulfilment_record.unreserved(self._ordered(), line_id)

    def outstanding(self, line_id: str) -> int:
        """Units of line ``line_id`` not yet handed to a courier."""
        self.line(line_id)
        return self.fulfilment_record.outstanding(self._ordered(), line_id)

    @property
    def fully_shipped(self) -> bool:
        """True when every unit of every line has been handed to a courier."""
        return all(self.outstanding(line.line_id) == 0 for line in self.lines)

    def returnable(self, line_id: str) -> int:
        """Units of ``line_id`` delivered and not yet returned."""
        self.line(line_id)
        return self.fulfilment_record.returnable(line_id)

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

    # -- edits (status NEW only) ------------------------------------------------------------

    def add_line(self, line: OrderLine) -> None:
        """Add a line; the order must be priced again."""
        self._check(OrderAction.EDIT)
        check_line_currency(self.currency, line)
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
        self.fulfilment_record, short = self.fulfilment_record.reserving(
            self._ordered(),
            warehouse,
            picks,
            at,
            partial=partial,
            thing=self.thing,
            status=self.status,
        )
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
        self.fulfilment_record = self.fulfilment_record.short_picked(
            line_id, warehouse, short, at, thing=self.thing, status=self.status
        )

    def add_pick(self, pick: Pick) -> None:
        """Units of a line re-reserved in another warehouse (after a short pick)."""
        self.fulfilment_record = self.fulfilment_record.adding(
            pick, self._ordered(), thing=self.thing, status=self.status
        )

    def wait_for_stock(self, at: dt.datetime) -> None:
        """Stock is short: the confirmed order waits for goods receipts (a backorder)."""
        self._check(OrderAction.RESERVE)
        self.fulfilment_record = self.fulfilment_record.waiting(at)

    def unreserve(self, at: dt.datetime) -> None:
        """Its reservations were released (they expired): back to confirmed."""
        self._check(OrderAction.UNRESERVE)
        self.fulfilment_record = self.fulfilment_record.releasing()
        self._move(OrderAction.UNRESERVE, at)

    def drop_picks(self, at: dt.datetime) -> None:
        """The reservations of the units still to ship were released, to be made again.

        A processing order goes back to confirmed; a partly shipped one stays as it is.
        """
        if self.status is OrderStatus.PROCESSING:
            self.unreserve(at)
        else:
            self._check(OrderAction.RESERVE)
            self.fulfilment_record = self.fulfilment_record.releasing(keep_warehouse=True)

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
        record = self.fulfilment_record
        completes = record.completes(self._ordered(), None if warehouse is None else [warehouse])
        action = OrderAction.SHIP if completes else OrderAction.SHIP_PART
        self._check(action)
        balance = self.balance.charging(shipping_charge, cash_rounding, what="ship")
        if self.must_be_paid_to_ship and self.pricing and self.paid < self.total:
            raise IllegalTransition(
                self.thing,
                self.status.value,
                action.value,
                f"it is paid by {self.payment_method.value} and {self.total - self.paid} "
                "of its goods is not paid",
            )
        record = record.dispatching(
            warehouse, thing=self.thing, status=self.status, action=action.value
        )
        self.shipment_ids.append(shipment_id)
        self.fulfilment_record, self.balance = record, balance
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

    def record_return(self, units: dict[str, int], at: dt.datetime, note: str = "") -> None:
        """The buyer's returned ``units`` (per line id) arrived back at the seller.

        Raises:
            IllegalTransition: the order was not delivered.
            ReturnExceedsDelivered: more units than were delivered and not yet returned.
        """
        self._check(OrderAction.RETURN_PART)
        record = self.fulfilment_record
        for line_id, quantity in units.items():
            positive_int(self, attrs.fields(OrderLine).quantity, quantity)
            record.check_return(self._ordered(), line_id, quantity, thing=self.thing)
        self.fulfilment_record = record.receiving_back(units)
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
        check_amendment(
            self.thing,
            self.lines,
            lines,
            self.shipped,
            currency=self.currency,
            priced=priced,
            cancellation=cancellation,
        )
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

    # -- money ------------------------------------------------------------------------------

    def record_payment(self, amount: Money, method: PaymentMethod) -> None:
        """Add ``amount`` to what has been paid.

        Raises:
            PaymentError: the amount is in another currency, not positive, or more than due;
                or a COD payment arrives before delivery.
        """
        self._check(OrderAction.PAY)
        self.balance = self.balance.receiving(
            amount, method, thing=self.thing, status=self.status, due=lambda: self.balance_due
        )

    def add_invoice(self, invoice_id: str) -> None:
        """Link an invoice issued for this order."""
        self.invoice_ids.append(invoice_id)

    def record_refund(self, amount: Money, at: dt.datetime | None = None) -> None:
        """Take ``amount`` (above zero, at most what was paid) back from what was paid.

        Given ``at``, a returned (or returned to sender) order whose payments are all given
        back becomes refunded.
        """
        self.balance = self.balance.refunding(amount, thing=self.thing)
        if at is not None and self.paid.is_zero and self.status in _REFUNDABLE:
            self._move(OrderAction.REFUND, at, f"{self.refunded} refunded")

    def move_to_credit(self, amount: Money) -> None:
        """Move ``amount`` of what was paid to the customer's credit (it is not refunded)."""
        self.balance = self.balance.taking_back(amount, what="move to credit", thing=self.thing)

    def record_credit(self, amount: Money) -> None:
        """A credit note took back ``amount``: it is no longer due.

        What was already paid beyond the new amount due must be moved off the order first
        (:meth:`record_refund`), so the balance due never goes below zero.
        """
        self.balance = self.balance.crediting(
            amount, thing=self.thing, due=lambda: self.balance_due
        )

    def record_adjustment(self, amount: Money) -> None:
        """An upward adjustment invoice added ``amount`` (above zero) to what is owed.

        Raises:
            CurrencyMismatch: ``amount`` is in another currency than the order.
            IllegalTransition: the order is cancelled.
            PaymentError: ``amount`` is not above zero.
        """
        self.balance = self.balance.adjusting(amount, thing=self.thing, status=self.status)

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
