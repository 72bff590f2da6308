"""Random command sequences through the services, over the in-memory adapters.

After every step: each order's history replays through the transition table to its
status; stock is conserved (the ledger sums to on hand, 0 <= reserved <= on hand, and every
unit is in a warehouse, with a courier or buyer, or written off); money is
conserved (what an order shows as paid is what its payments applied minus their refunds,
never more than is due). Invoices and credit notes add up: no invoice (nor line, nor a
line's tax) is credited beyond what it charged, its credit notes sum to what it shows as
credited, what it shows as paid is what payments allocated to it, and an order's invoices
never ask for more than the order owes. A refused command changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from salesorder import (
    Address,
    Customer,
    Money,
    PaymentMethod,
    Product,
    RoundingMode,
    SalesApp,
    SalesOrderError,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.domain.inventory import MovementKind
from salesorder.domain.invoicing import CreditNote, DocumentType, Invoice
from salesorder.domain.lifecycle import replay
from salesorder.domain.orders import Order
from salesorder.domain.returns import ReturnOutcome

SKUS = {"TEE": ("150000", 6), "CAP": ("49999.50", 4), "RICE": ("80000", 5)}
#: SKUs whose supply is exempt from VAT, so that an invoice mixes tax rates.
EXEMPT = {"RICE"}
JAKARTA = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
SURABAYA = Address(line1="Jl. Tunjungan 10", city="Surabaya", country="ID")
T = TypeVar("T")

#: One or two lines of different SKUs, each of 1 to 4 units.
LINES = st.lists(
    st.tuples(st.sampled_from(sorted(SKUS)), st.integers(1, 4)),
    min_size=1,
    max_size=2,
    unique_by=lambda line: line[0],
)


class OrderServices(RuleBasedStateMachine):
    """Place, edit, confirm, amend, cancel, ship, deliver, fail, return to sender, return,
    refund, invoice, credit."""

    orders = Bundle("orders")
    app: SalesApp

    @initialize()
    def shop(self) -> None:
        self.app = in_memory()
        self.payments = 0
        for code, address, priority in (("JKT", JAKARTA, 0), ("SBY", SURABAYA, 1)):
            self.app.execute(
                commands.AddWarehouse(
                    warehouse=Warehouse(code=code, name=code, address=address, priority=priority)
                )
            )
        for sku, (price, units) in SKUS.items():
            self.app.execute(
                commands.AddProduct(
                    product=Product(
                        sku=sku,
                        name=sku,
                        price=Money.of(price, "IDR"),
                        unit_cost=Money.of("1000", "IDR"),
                        weight_kg="0.3",
                        initial_stock=units,
                        tax_category="exempt" if sku in EXEMPT else "standard",
                    ),
                    warehouse="JKT",
                )
            )
            self.app.execute(commands.ReceiveStock(warehouse="SBY", sku=sku, quantity=units))
        self.app.execute(
            commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(JAKARTA,)))
        )

    def _run(self, make: Callable[[], commands.Command[T]]) -> T | None:
        """Build and execute; a refused command must leave every order and item as it was."""
        before = self._state()
        try:
            return self.app.execute(make())
        except SalesOrderError as error:
            refused = error
        assert self._state() == before, f"{refused!r} was refused half-done"
        return None

    def _state(self) -> tuple[object, ...]:
        with self.app.uow() as uow:
            return copy.deepcopy(
                (
                    uow.orders.list(),
                    uow.stock.list(),
                    uow.payments.list(),
                    uow.invoices.list(),
                    uow.credit_notes.list(),
                    uow.customer_credits.list(),
                    uow.invoice_series.list(),
                )
            )

    def _order(self, order_id: str) -> Order:
        with self.app.uow() as uow:
            return uow.orders.get(order_id)

    @rule(
        target=orders,
        lines=LINES,
        method=st.sampled_from(
            [PaymentMethod.BANK_TRANSFER, PaymentMethod.COD, PaymentMethod.ON_ACCOUNT]
        ),
    )
    def place(self, lines: list[tuple[str, int]], method: PaymentMethod) -> str:
        return self._place(lines, method)

    def _place(self, lines: list[tuple[str, int]], method: PaymentMethod) -> str:
        order_id = self.app.execute(
            commands.PlaceOrder(
                customer_id="C1",
                lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
                payment_method=method,
            )
        )
        return str(order_id)

    @rule(
        target=orders,
        lines=LINES,
        method=st.sampled_from([PaymentMethod.BANK_TRANSFER, PaymentMethod.COD]),
        with_invoice=st.booleans(),
    )
    def delivered(
        self, lines: list[tuple[str, int]], method: PaymentMethod, with_invoice: bool
    ) -> str:
        """A whole journey in one step, so that returns and refunds are reached often."""
        order_id = self._place([(sku, min(quantity, 3)) for sku, quantity in lines], method)
        self.confirm_and_reserve(order_id)
        if with_invoice:
            self.invoice(order_id, None, DocumentType.INVOICE)
        if method is PaymentMethod.BANK_TRANSFER:
            self.pay(order_id)
        self.ship(order_id, None)
        self.deliver(order_id)
        return order_id

    @rule(
        target=orders,
        lines=LINES,
        method=st.sampled_from([PaymentMethod.BANK_TRANSFER, PaymentMethod.ON_ACCOUNT]),
        line_ids=st.sampled_from([None, ("1",)]),
        paid=st.booleans(),
    )
    def invoiced(
        self,
        lines: list[tuple[str, int]],
        method: PaymentMethod,
        line_ids: tuple[str, ...] | None,
        paid: bool,
    ) -> str:
        """Placed, confirmed and invoiced (all lines, or the first), perhaps paid: an order
        for credit notes, partial cancellations and cancellations to work on."""
        order_id = self._place(lines, method)
        self.confirm_and_reserve(order_id)
        self.invoice(order_id, line_ids, DocumentType.INVOICE)
        if paid:
            self.pay(order_id)
        return order_id

    @rule(order_id=orders, quantity=st.integers(0, 5))
    def edit(self, order_id: str, quantity: int) -> None:
        self._run(
            lambda: commands.ChangeQuantity(order_id=order_id, line_id="1", quantity=quantity)
        )

    @rule(order_id=orders)
    def confirm_and_reserve(self, order_id: str) -> None:
        self._run(lambda: commands.ConfirmOrder(order_id=order_id))
        self._run(lambda: commands.ReserveStock(order_id=order_id))

    @rule(order_id=orders, quantity=st.integers(0, 5), cancel=st.booleans())
    def amend(self, order_id: str, quantity: int, cancel: bool) -> None:
        line = commands.LineQuantity(line_id="1", quantity=quantity)
        if cancel:
            self._run(lambda: commands.CancelLines(order_id=order_id, lines=(line,)))
        else:
            self._run(lambda: commands.AmendOrder(order_id=order_id, quantities=(line,)))

    @rule(order_id=orders)
    def cancel(self, order_id: str) -> None:
        self._run(lambda: commands.CancelOrder(order_id=order_id, reason="random"))

    @rule(order_id=orders)
    def pay(self, order_id: str) -> None:
        order = self._order(order_id)
        due = order.balance_due
        if not due.is_positive:
            return
        self.payments += 1
        self._run(
            lambda: commands.RecordPayment(
                order_id=order_id,
                amount=due,
                method=PaymentMethod.BANK_TRANSFER,
                reference=f"P-{self.payments}",
            )
        )

    @rule(order_id=orders, warehouse=st.sampled_from([None, "JKT", "SBY"]))
    def ship(self, order_id: str, warehouse: str | None) -> None:
        self._run(lambda: commands.ShipOrder(order_id=order_id, courier="jnt", warehouse=warehouse))

    @rule(order_id=orders)
    def deliver(self, order_id: str) -> None:
        self._run(lambda: commands.MarkDelivered(order_id=order_id))

    @rule(order_id=orders, give_up=st.booleans())
    def fail_delivery(self, order_id: str, give_up: bool) -> None:
        self._run(lambda: commands.FailDelivery(order_id=order_id, reason="not at home"))
        if give_up:
            self._run(lambda: commands.ReturnToSender(order_id=order_id))
        else:
            self._run(lambda: commands.ReattemptDelivery(order_id=order_id))

    @rule(order_id=orders, part=st.sampled_from([Decimal(1), Decimal("0.5")]))
    def refund(self, order_id: str, part: Decimal) -> None:
        with self.app.uow() as uow:
            paid = [p for p in uow.payments.for_order(order_id) if p.applied > p.refunded]
        if not paid:
            return
        payment = paid[-1]
        amount = (payment.applied - payment.refunded) * part
        self._run(
            lambda: commands.RefundPayment(
                payment_id=payment.id,
                amount=amount.rounded(RoundingMode.HALF_UP),
                reference=f"R-{len(payment.refunds) + 1}",
            )
        )

    @rule(order_id=orders, quantity=st.integers(1, 3), damaged=st.booleans())
    def return_goods(self, order_id: str, quantity: int, damaged: bool) -> None:
        line = commands.LineQuantity(line_id="1", quantity=quantity)
        return_id = self._run(lambda: commands.RequestReturn(order_id=order_id, lines=(line,)))
        if return_id is None:
            return
        rid = str(return_id)
        self._run(lambda: commands.ApproveReturn(return_id=rid))
        self._run(lambda: commands.ReceiveReturn(return_id=rid))
        inspected = commands.InspectedLine(
            line_id="1", sellable=0 if damaged else quantity, damaged=quantity if damaged else 0
        )
        self._run(lambda: commands.InspectReturn(return_id=rid, lines=(inspected,)))
        self._run(lambda: commands.ResolveReturn(return_id=rid, outcome=ReturnOutcome.REFUND))

    @rule(order_id=orders)
    def complete(self, order_id: str) -> None:
        self._run(lambda: commands.CompleteOrder(order_id=order_id))

    @rule(
        order_id=orders,
        line_ids=st.sampled_from([None, None, ("1",), ("2",)]),
        document=st.sampled_from([DocumentType.INVOICE] * 3 + [DocumentType.PRO_FORMA]),
    )
    def invoice(
        self, order_id: str, line_ids: tuple[str, ...] | None, document: DocumentType
    ) -> None:
        """Invoice the lines not yet invoiced (or one line), or a pro forma of them."""
        issued = self._run(
            lambda: commands.IssueInvoice(order_id=order_id, line_ids=line_ids, document=document)
        )
        event(f"{document.value} {'issued' if issued else 'refused'}")

    @rule(
        order_id=orders,
        which=st.integers(0, 3),
        line_id=st.sampled_from([None, "1", "2"]),
        part=st.sampled_from([None, Decimal(1), Decimal("0.5"), Decimal("0.3"), Decimal("1.01")]),
    )
    def credit(self, order_id: str, which: int, line_id: str | None, part: Decimal | None) -> None:
        """Credit all that is left, a part of what is left, or a part of one line's rest.

        A part above 1 asks for more than is left, which must be refused.
        """
        order = self._order(order_id)
        invoice_ids = order.invoice_ids
        if not invoice_ids:
            return
        with self.app.uow() as uow:
            invoice = uow.invoices.get(invoice_ids[which % len(invoice_ids)])
        if line_id is None:
            amount = None if part is None else (invoice.creditable * part)
            issued = self._run(
                lambda: commands.IssueCreditNote(
                    invoice_id=invoice.id,
                    amount=None if amount is None else amount.rounded(RoundingMode.HALF_UP),
                )
            )
            event(f"credit note of an amount {'issued' if issued else 'refused'}")
            return
        line = next((x for x in invoice.lines if x.line_id == line_id), None)
        rest = Money.zero(invoice.currency) if line is None else invoice.line_creditable(line_id)
        amount = (rest * (part or Decimal(1))).rounded(RoundingMode.HALF_UP)
        issued = self._run(
            lambda: commands.IssueCreditNote(
                invoice_id=invoice.id,
                lines=(commands.CreditLine(line_id=line_id, amount=amount),),
            )
        )
        event(f"credit note of a line {'issued' if issued else 'refused'}")

    # -- invariants ---------------------------------------------------------------------------

    @invariant()
    def histories_replay(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.uow() as uow:
            for order in uow.orders.list():
                steps = [(change.status, change.action) for change in order.history]
                assert replay(steps) is order.status, order.id

    @invariant()
    def stock_is_conserved(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.uow() as uow:
            items = uow.stock.list()
            out = dict.fromkeys(SKUS, 0)  # with a courier or a buyer, per the orders
            for order in uow.orders.list():
                back_to_sender = any(c.action == "return_to_sender" for c in order.history)
                for pick in order.dispatched:
                    out[pick.sku] += 0 if back_to_sender else pick.quantity
                for line in order.lines:
                    out[line.sku] -= order.returned.get(line.line_id, 0)
            written_off = dict.fromkeys(SKUS, 0)
            for item in items:
                ledger = uow.stock_ledger.for_item(item.warehouse, item.sku)
                assert sum(m.on_hand_change for m in ledger) == item.on_hand
                written_off[item.sku] -= sum(
                    m.on_hand_change for m in ledger if m.kind is MovementKind.WRITE_OFF
                )
                assert 0 <= item.reserved <= item.on_hand
            for sku, (_, units) in SKUS.items():
                on_hand = sum(i.on_hand for i in items if i.sku == sku)
                assert on_hand + out[sku] + written_off[sku] == 2 * units, sku

    @invariant()
    def money_is_conserved(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.uow() as uow:
            for order in uow.orders.list():
                payments = uow.payments.for_order(order.id)
                applied = Money.sum((p.applied - p.refunded for p in payments), order.currency)
                assert order.paid == applied, order.id
                refunded = Money.sum((p.refunded for p in payments), order.currency)
                assert order.refunded == refunded, order.id
                if order.pricing is not None:
                    assert order.paid <= order.amount_due, order.id
                if order.status.value == "cancelled":
                    assert order.paid.is_zero

    @invariant()
    def invoices_add_up(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.uow() as uow:
            notes = uow.credit_notes.list()
            for invoice in uow.invoices.list():
                zero = Money.zero(invoice.currency)
                assert zero <= invoice.credited <= invoice.gross, invoice.id
                assert zero <= invoice.paid, invoice.id
                # paid never exceeds what the buyer pays for it (gross + cash rounding, less
                # what was credited; nothing once the whole gross is credited)
                assert invoice.paid <= invoice.payable, invoice.id
                if invoice.rounding.is_zero:
                    assert invoice.paid + invoice.credited <= invoice.gross, invoice.id
                assert invoice.credited == Money.sum(
                    invoice.credited_lines.values(), invoice.currency
                ), invoice.id
                gross = {line.line_id: line.gross for line in invoice.lines}
                for line_id, credited in invoice.credited_lines.items():
                    assert zero < credited <= gross[line_id], (invoice.id, line_id)
                if not invoice.is_receivable:
                    assert invoice.paid.is_zero, invoice.id
                    assert invoice.credited.is_zero, invoice.id
                _credit_notes_add_up(invoice, [n for n in notes if n.invoice_id == invoice.id])
            invoice_ids = {invoice.id for invoice in uow.invoices.list()}
            for note in notes:
                assert note.invoice_id in invoice_ids, note.id

    @invariant()
    def invoices_follow_their_order(self) -> None:
        """What the design promises between an order, its payments and its invoices.

        A payment's allocations are what its invoices show as paid, and never more than
        the payment still applies to the order; applied money is allocated to the order's
        open invoices (so no money waits unallocated while one of them is open); a line
        is invoiced once; the invoices never ask for more than the order owes; a cancelled
        order's invoices are credited in full.
        """
        if not hasattr(self, "app"):
            return
        with self.app.uow() as uow:
            invoices = {invoice.id: invoice for invoice in uow.invoices.list()}
            allocated = {i.id: Money.zero(i.currency) for i in invoices.values()}
            for payment in uow.payments.list():
                for allocation in payment.allocations:
                    assert allocation.amount.is_positive, payment.id
                    allocated[allocation.invoice_id] += allocation.amount
                assert payment.allocated <= payment.applied - payment.refunded, payment.id
            for invoice in invoices.values():
                assert invoice.paid == allocated[invoice.id], invoice.id
            for order in uow.orders.list():
                own = [invoices[i] for i in order.invoice_ids]
                assert sorted(i.id for i in own) == sorted(
                    i.id for i in invoices.values() if i.order_id == order.id
                ), order.id
                receivable = [i for i in own if i.is_receivable]
                zero = Money.zero(order.currency)
                assert Money.sum((i.paid for i in own), order.currency) <= order.paid, order.id
                invoiced = [
                    line.line_id
                    for i in receivable
                    if i.document is DocumentType.INVOICE
                    for line in i.lines
                ]
                assert len(invoiced) == len(set(invoiced)), (order.id, invoiced)
                if any(i.open_balance.is_positive for i in receivable):
                    unallocated = [p.unallocated for p in uow.payments.for_order(order.id)]
                    assert all(u.is_zero for u in unallocated), (order.id, unallocated)
                if order.pricing is not None:
                    asked = Money.sum((i.creditable for i in receivable), order.currency)
                    assert asked <= order.amount_due, (order.id, asked, order.amount_due)
                    still = Money.sum((i.open_balance for i in receivable), order.currency)
                    assert still <= order.balance_due, (order.id, still, order.balance_due)
                if order.status.value == "cancelled":
                    assert all(i.creditable == zero for i in receivable), order.id


def _credit_notes_add_up(invoice: Invoice, notes: list[CreditNote]) -> None:
    """``notes`` (all that credit ``invoice``) sum to what it shows as credited, line by line.

    Every note adds up (net + tax == gross per line, totals and tax summary are sums),
    credits nothing negative, and over all notes no invoice line gets more than its gross,
    its net or its tax back; a line credited in full gets back exactly its net and tax.
    """
    currency = invoice.currency
    zero = Money.zero(currency)
    assert Money.sum((n.gross for n in notes), currency) == invoice.credited, invoice.id
    by_line: dict[str, list[tuple[Money, Money, Money]]] = {}
    for note in notes:
        assert note.order_id == invoice.order_id, note.id
        assert note.invoice_number == invoice.number, note.id
        assert note.gross.is_positive, note.id
        for line in note.lines:
            assert line.net + line.tax == line.gross, (note.id, line.line_id)
            assert line.net >= zero, (note.id, line.line_id)
            assert line.tax >= zero, (note.id, line.line_id)
            by_line.setdefault(line.line_id, []).append((line.gross, line.net, line.tax))
        assert note.gross == Money.sum((x.gross for x in note.lines), currency), note.id
        assert note.net == Money.sum((x.net for x in note.lines), currency), note.id
        assert note.tax == Money.sum((x.tax for x in note.lines), currency), note.id
        assert note.tax == Money.sum((t.tax for t in note.tax_summary), currency), note.id
        assert note.net == Money.sum((t.base for t in note.tax_summary), currency), note.id
    for line in invoice.lines:
        parts = by_line.pop(line.line_id, [])
        gross = Money.sum((g for g, _, _ in parts), currency)
        net = Money.sum((n for _, n, _ in parts), currency)
        tax = Money.sum((t for _, _, t in parts), currency)
        assert gross == invoice.line_credited(line.line_id), (invoice.id, line.line_id)
        assert tax <= line.tax, (invoice.id, line.line_id, tax, line.tax)
        assert net <= line.net, (invoice.id, line.line_id, net, line.net)
        if gross == line.gross:
            assert (net, tax) == (line.net, line.tax), (invoice.id, line.line_id)
    assert not by_line, (invoice.id, sorted(by_line))


TestOrderServices = OrderServices.TestCase
TestOrderServices.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, report_multiple_bugs=False
)
