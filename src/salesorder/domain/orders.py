"""The order aggregate: lines, buyer, address, pricing, status and payments received.

:class:`Order` is mutable but every change goes through a method that checks the status
through the transition table of :mod:`salesorder.domain.lifecycle` and keeps the order's
invariants: lines have unique ids and positive quantities, all amounts are in the order's
currency, the pricing matches the lines, and the amount paid never exceeds the total.
A method that raises has changed nothing. What the order is for (lines, vouchers, pricing,
amendments), where it is in its life, its money, and where its units are: each is a value
the order holds and replaces as it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from salesorder.domain.allocation import Pick
from salesorder.domain.amendments import Amendment, check_amendment
from salesorder.domain.balance import OrderBalance
from salesorder.domain.channels import Channel
from salesorder.domain.common import Held, Shown, aware_datetime, code
from salesorder.domain.customers import Address
from salesorder.domain.fulfilment import FulfilmentRecord, LineFulfilment
from salesorder.domain.lifecycle import OrderAction, OrderStatus, StatusChange
from salesorder.domain.order_charges import OrderCharge
from salesorder.domain.order_contents import OrderContents
from salesorder.domain.order_lines import OrderLine
from salesorder.domain.order_progress import OrderProgress
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.pricing import PricedOrder, PricedShipping, TaxMode
from salesorder.domain.units import Quantity
from salesorder.exceptions import (
    CurrencyMismatch,
    EmptyOrder,
    IllegalTransition,
    InvalidAddress,
    PaymentError,
)
from salesorder.money import Money, currency_info

__all__ = ["Amendment", "LineFulfilment", "Order", "OrderLine", "StatusChange"]


def _currency(_instance: object, _attribute: object, value: str) -> None:
    currency_info(value)


@attrs.define(kw_only=True, repr=False)
class Order(Shown):
    """A sales order from any channel; see the module docstring for its invariants.

    Build a new one with :meth:`new`. What it is for is :attr:`contents`, where it is in its
    life :attr:`progress`, its money :attr:`balance` and where its units are
    :attr:`fulfilment_record`: values it replaces as it changes, whose fields are also read as
    its own (``order.lines``, ``order.status``, ``order.amount_paid``, ``order.picks``).
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
    #: The lines, voucher codes, pricing and amendments.
    contents: OrderContents = attrs.Factory(OrderContents)
    #: The status, its history, and why the order is held or was cancelled.
    progress: OrderProgress = attrs.Factory(OrderProgress)
    shipment_ids: list[str] = attrs.Factory(list)
    invoice_ids: list[str] = attrs.Factory(list)
    #: What is charged, paid, given back and credited (all in ``currency``).
    balance: OrderBalance = attrs.Factory(OrderBalance.of_order, takes_self=True)
    #: Where the units are (reserved, shipped, waiting for stock, returned).
    fulfilment_record: FulfilmentRecord = attrs.Factory(FulfilmentRecord)

    def __attrs_post_init__(self) -> None:
        if self.balance.currency != self.currency:
            raise CurrencyMismatch(
                self.currency, self.balance.currency, "its balance", against=self.thing
            )
        self.progress = self.progress.started(self.placed_at)
        self.contents.check(self.currency, thing=self.thing)

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
            contents=OrderContents(lines=lines, voucher_codes=voucher_codes),
            shipping_address=shipping_address,
            tax_mode=tax_mode,
            payment_method=payment_method,
            external_ref=external_ref,
            requested_delivery_date=requested_delivery_date,
            notes=notes,
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
        pricing = self.contents.pricing
        if pricing is None:
            raise IllegalTransition(self.thing, self.status.value, "total", "it is not priced")
        return pricing.gross

    @property
    def amount_due(self) -> Money:
        """What the buyer owes in all (:attr:`total`, and what :attr:`balance` adds or takes)."""
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

        A prepaid order (bank transfer, card, e-wallet) must, unless a marketplace sold it:
        the marketplace holds the buyer's money and pays the seller in its settlement.
        """
        return self.payment_method.is_prepaid and not self.channel.kind.is_marketplace

    @property
    def is_cod(self) -> bool:
        """True when the buyer pays cash on delivery."""
        return self.payment_method is PaymentMethod.COD

    @property
    def waiting_since(self) -> dt.datetime | None:
        """When the order began to wait for stock, or None when it is not waiting.

        See :attr:`~salesorder.domain.order_progress.OrderProgress.waits_for_stock`; goods
        receipts reserve waiting orders (oldest wait first) that persistence adapters find with
        :meth:`~salesorder.ports.persistence.OrderRepository.waiting_for_stock`.
        """
        return self.backordered_since if self.progress.waits_for_stock else None

    def line(self, line_id: str) -> OrderLine:
        """The line with ``line_id``.

        Raises:
            NotFound: no such line.
        """
        return self.contents.line(line_id, thing=self.thing)

    def next_line_id(self) -> str:
        """A line id not used yet on this order ("1", "2", ...)."""
        return self.contents.next_line_id()

    def time_in_status(self) -> dict[OrderStatus, dt.timedelta]:
        """Time spent in each past status (the current one is still running)."""
        return self.progress.time_in_status()

    # -- the fields of the values the order holds, read as the order's own --------------

    lines = Held[list[OrderLine]]("contents", "The lines, in order (a copy).", list)
    pricing = Held[PricedOrder | None]("contents", "The pricing of the current lines, or None.")
    voucher_codes = Held[list[str]]("contents", "Voucher codes the buyer gave.", list)
    amendments = Held[list[Amendment]]("contents", "Changes after confirmation, versioned.", list)
    status = Held[OrderStatus]("progress", "Where the order is in its life.")
    history = Held[list[StatusChange]]("progress", "Every move, oldest first (a copy).", list)
    cancel_reason = Held[str]("progress", "Why the order was cancelled, when it was.")
    held_from = Held[OrderStatus | None]("progress", "The status a release returns to.")
    hold_reason = Held[str]("progress", "Why the order is on hold.")
    amount_paid = Held[Money]("balance", "What has been paid, net of refunds.")
    paid = Held[Money]("balance", "What has been paid (:attr:`amount_paid`).", of="amount_paid")
    shipping_charge = Held[Money]("balance", "The shipping fees the buyer pays.")
    shipping = Held[PricedShipping | None]("balance", "How the shipping charge was priced.")
    charges = Held[list[OrderCharge]]("balance", "The other charges the buyer pays.", list)
    cash_rounding = Held[Money]("balance", "The adjustment that made a COD amount cash.")
    credited = Held[Money]("balance", "What credit notes took back; no longer due.")
    adjusted = Held[Money]("balance", "What upward adjustment invoices added to what is owed.")
    refunded = Held[Money]("balance", "What was given back of what was paid, in all.")
    warehouse = Held[str | None]("fulfilment_record", "The first warehouse reserved in.")
    backordered_since = Held[dt.datetime | None]("fulfilment_record", "When the wait began.")
    picks = Held[list[Pick]]("fulfilment_record", "Where each reserved unit comes from.", list)
    dispatched = Held[list[Pick]]("fulfilment_record", "Picks gone with a courier.", list)
    returned = Held[dict[str, Quantity]]("fulfilment_record", "Units sent back, per line.", dict)
    pick_warehouses = Held[list[str]]("fulfilment_record", "Where the reserved units are.")
    shipped = Held[dict[str, Quantity]]("fulfilment_record", "Units handed to couriers, per line.")

    def fulfilment(self) -> list[LineFulfilment]:
        """Per line: units ordered, reserved, shipped, returned; the status rolls them up."""
        return self.fulfilment_record.lines(self.contents.ordered)

    def unreserved(self, line_id: str) -> Quantity:
        """Units of line ``line_id`` still to ship and not reserved (a backorder)."""
        self.line(line_id)
        return self.fulfilment_record.unreserved(self.contents.ordered, line_id)

    def outstanding(self, line_id: str) -> Quantity:
        """Units of line ``line_id`` not yet handed to a courier."""
        self.line(line_id)
        return self.fulfilment_record.outstanding(self.contents.ordered, line_id)

    @property
    def fully_shipped(self) -> bool:
        """True when every unit of every line has been handed to a courier."""
        return all(self.outstanding(line.line_id) == 0 for line in self.lines)

    def returnable(self, line_id: str) -> Quantity:
        """Units of ``line_id`` delivered and not yet returned."""
        self.line(line_id)
        return self.fulfilment_record.returnable(line_id)

    # -- internal -----------------------------------------------------------------------

    def _move(self, action: OrderAction, at: dt.datetime, note: str = "") -> None:
        self.progress = self.progress.moving(action, at, note, thing=self.thing)

    def check(self, action: OrderAction) -> None:
        """Raise IllegalTransition unless the transition table allows ``action`` now."""
        self.progress.check(action, thing=self.thing)

    # -- edits (status NEW only) ------------------------------------------------------------

    def add_line(self, line: OrderLine) -> None:
        """Add a line; the order must be priced again."""
        self.check(OrderAction.EDIT)
        self.contents = self.contents.adding(line, currency=self.currency, thing=self.thing)

    def remove_line(self, line_id: str) -> None:
        """Remove a line; the order must be priced again."""
        self.check(OrderAction.EDIT)
        self.contents = self.contents.removing(line_id, thing=self.thing)

    def change_quantity(self, line_id: str, quantity: Quantity) -> None:
        """Set a line's quantity (above zero, exact to its unit); it must be priced again."""
        self.check(OrderAction.EDIT)
        self.contents = self.contents.changing(line_id, quantity, thing=self.thing)

    def set_shipping_address(self, address: Address) -> None:
        """Change where the order goes."""
        self.check(OrderAction.EDIT)
        self.shipping_address = address

    def set_notes(self, notes: str) -> None:
        """Replace the special instructions."""
        self.check(OrderAction.EDIT)
        self.notes = notes

    def set_customer(self, customer_id: str) -> None:
        """Change the buyer."""
        self.check(OrderAction.EDIT)
        code(self, attrs.fields(Order).customer_id, customer_id)
        self.customer_id = customer_id

    def set_vouchers(self, codes: list[str] | tuple[str, ...]) -> None:
        """Replace the voucher codes; the order must be priced again."""
        self.check(OrderAction.EDIT)
        self.contents = self.contents.with_vouchers(codes)

    def apply_pricing(self, priced: PricedOrder) -> None:
        """Attach the result of pricing this order's current lines."""
        self.check(OrderAction.EDIT)
        contents = self.contents.priced(
            priced, currency=self.currency, thing=self.thing, status=self.status
        )
        self._check_not_overpaid(priced.gross)
        self.contents = contents

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
        self.check(OrderAction.CONFIRM)
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

        ``picks`` default to every line's outstanding units from ``warehouse``; ``partial``:
        see :meth:`~salesorder.domain.fulfilment.FulfilmentRecord.reserving`.
        """
        self.check(OrderAction.RESERVE)
        if not picks:
            picks = [
                Pick(line_id=line.line_id, sku=line.sku, warehouse=warehouse, quantity=left)
                for line in self.lines
                if (left := self.outstanding(line.line_id))
            ]
        self.fulfilment_record, short = self.fulfilment_record.reserving(
            self.contents.ordered,
            warehouse,
            picks,
            at,
            partial=partial,
            thing=self.thing,
            status=self.status,
        )
        self._move(OrderAction.RESERVE, at, "partly: the rest waits" if short else "")

    def short_picked(self, line_id: str, warehouse: str, short: Quantity, at: dt.datetime) -> None:
        """``short`` reserved units of ``line_id`` were not found in ``warehouse``: they wait.

        See :meth:`~salesorder.domain.fulfilment.FulfilmentRecord.short_picked`.

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
            pick, self.contents.ordered, thing=self.thing, status=self.status
        )

    def wait_for_stock(self, at: dt.datetime) -> None:
        """Stock is short: the confirmed order waits for goods receipts (a backorder)."""
        self.check(OrderAction.RESERVE)
        self.fulfilment_record = self.fulfilment_record.waiting(at)

    def unreserve(self, at: dt.datetime) -> None:
        """Its reservations were released (they expired): back to confirmed."""
        self.check(OrderAction.UNRESERVE)
        self.fulfilment_record = self.fulfilment_record.releasing()
        self._move(OrderAction.UNRESERVE, at)

    def drop_picks(self, at: dt.datetime) -> None:
        """Reservations of units still to ship were released (processing: back to confirmed)."""
        if self.status is OrderStatus.PROCESSING:
            self.unreserve(at)
        else:
            self.check(OrderAction.RESERVE)
            self.fulfilment_record = self.fulfilment_record.releasing(keep_warehouse=True)

    def hold(self, at: dt.datetime, reason: str = "") -> None:
        """Put the order on hold (a payment check, a buyer's question); :meth:`release` ends it."""
        self.progress = self.progress.holding(at, reason, thing=self.thing)

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
        shipping: PricedShipping | None = None,
    ) -> None:
        """The reserved units from ``warehouse`` (all, when None) left as ``shipment_id``.

        The order is shipped once nothing is left to ship, partly shipped before. A prepaid
        order (not COD, not on account) ships only when its goods are paid. The buyer pays
        ``shipping_charge`` (None when the seller does) as ``shipping`` priced it (see
        :meth:`.OrderBalance.charging`); ``cash_rounding`` makes COD cash.
        """
        record = self.fulfilment_record
        places = None if warehouse is None else [warehouse]
        completes = record.completes(self.contents.ordered, places)
        action = OrderAction.SHIP if completes else OrderAction.SHIP_PART
        self.check(action)
        balance = self.balance.charging(
            shipping_charge, cash_rounding, what="ship", shipping=shipping
        )
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

    def record_return(self, units: dict[str, Quantity], at: dt.datetime, note: str = "") -> None:
        """The buyer's returned ``units`` (per line id) arrived back at the seller.

        Raises:
            IllegalTransition: the order was not delivered.
            InvalidQuantity, TooManyDecimals: see :meth:`.OrderContents.check_units`.
            ReturnExceedsDelivered: more units than were delivered and not yet returned.
        """
        self.check(OrderAction.RETURN_PART)
        record = self.fulfilment_record
        self.contents.check_units(units, thing=self.thing)
        for line_id, quantity in units.items():
            record.check_return(self.contents.ordered, line_id, quantity, thing=self.thing)
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
        self.check(OrderAction.AMEND)
        check_amendment(
            self.thing,
            self.lines,
            lines,
            self.shipped,
            currency=self.currency,
            priced=priced,
            cancellation=cancellation,
        )
        amendment = Amendment(
            version=len(self.amendments) + 1,
            at=at,
            key=key,
            reason=reason,
            cancellation=cancellation,
            changes=tuple(changes),
            consequences=tuple(consequences),
            gross_before=self.total,
            gross_after=priced.gross,
        )
        self.contents = self.contents.amended(lines, priced, amendment)
        if address is not None:
            self.shipping_address = address
        self._move(OrderAction.AMEND, at, f"version {amendment.version}: {reason}".rstrip(": "))
        if self.status is OrderStatus.PARTLY_SHIPPED and self.fully_shipped:
            self._move(OrderAction.SHIP, at, "nothing left to ship after the amendment")
        return amendment

    def amendment(self, key: str) -> Amendment | None:
        """The amendment made with idempotency ``key``, or None."""
        return self.contents.amendment(key)

    # -- money ------------------------------------------------------------------------------

    def record_payment(self, amount: Money, method: PaymentMethod) -> None:
        """Add ``amount`` to what has been paid; see :meth:`.OrderBalance.receiving`."""
        self.check(OrderAction.PAY)
        self.balance = self.balance.receiving(
            amount, method, thing=self.thing, status=self.status, due=lambda: self.balance_due
        )

    def add_invoice(self, invoice_id: str) -> None:
        """Link an invoice issued for this order."""
        self.invoice_ids.append(invoice_id)

    def record_refund(self, amount: Money, at: dt.datetime | None = None) -> None:
        """Take ``amount`` (above zero, at most what was paid) back from what was paid.

        Given ``at``, an order returned (or returned to sender) and paid back becomes refunded.
        """
        self.balance = self.balance.refunding(amount, thing=self.thing)
        if at is not None and self.paid.is_zero and self.progress.refunds_in_full:
            self._move(OrderAction.REFUND, at, f"{self.refunded} refunded")

    def move_to_credit(self, amount: Money) -> None:
        """Move ``amount`` of what was paid to the customer's credit (it is not refunded)."""
        self.balance = self.balance.taking_back(amount, what="move to credit", thing=self.thing)

    def record_credit(self, amount: Money) -> None:
        """A credit note took back ``amount``, at most the :attr:`balance_due` (refund first)."""
        self.balance = self.balance.crediting(
            amount, thing=self.thing, due=lambda: self.balance_due
        )

    def record_adjustment(self, amount: Money) -> None:
        """An upward adjustment invoice added ``amount``; see :meth:`.OrderBalance.adjusting`."""
        self.balance = self.balance.adjusting(amount, thing=self.thing, status=self.status)

    def add_charge(self, code: str, description: str, amount: Money, tax: str | None) -> None:
        """Charge the buyer ``amount`` for ``code`` too: see :meth:`.OrderBalance.adding_charge`."""
        self.balance = self.balance.adding_charge(
            code, description, amount, tax, thing=self.thing, status=self.status
        )

    def complete(self, at: dt.datetime) -> None:
        """Close a delivered order whose balance is paid (COD cash collected)."""
        self.check(OrderAction.COMPLETE)
        if not self.balance_due.is_zero:
            raise IllegalTransition(
                self.thing, self.status.value, "complete", f"{self.balance_due} is still due"
            )
        self._move(OrderAction.COMPLETE, at)

    def cancel(self, at: dt.datetime, reason: str = "") -> None:
        """Cancel before shipping. Reservations must be released by the caller's service."""
        self.check(OrderAction.CANCEL)
        if not self.paid.is_zero:
            raise IllegalTransition(
                self.thing, self.status.value, "cancel", f"{self.paid} was paid; refund first"
            )
        self.progress = self.progress.cancelling(at, reason, thing=self.thing)
