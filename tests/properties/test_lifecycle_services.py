"""Random command sequences through the services, over the in-memory adapters.

After every step: each order's history replays through the transition table to its
status; stock is conserved (the ledger sums to on hand, 0 <= reserved <= on hand, and every
unit is in a warehouse, with a courier or buyer, or written off); money is
conserved (what an order shows as paid is what its payments applied minus their refunds,
never more than is due). A refused command changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal

from hypothesis import settings
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
from salesorder.domain.lifecycle import replay
from salesorder.domain.returns import ReturnOutcome

SKUS = {"TEE": ("150000", 6), "CAP": ("49999.50", 4)}
JAKARTA = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")
SURABAYA = Address(line1="Jl. Tunjungan 10", city="Surabaya", country="ID")


class OrderServices(RuleBasedStateMachine):
    """Place, edit, confirm, amend, cancel, ship, deliver, fail, return to sender, return,
    refund."""

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
                    ),
                    warehouse="JKT",
                )
            )
            self.app.execute(commands.ReceiveStock(warehouse="SBY", sku=sku, quantity=units))
        self.app.execute(
            commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(JAKARTA,)))
        )

    def _run(self, make: Callable[[], commands.Command[object]]) -> object:
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
                (uow.orders.list(), uow.stock.list(), uow.payments.list(), uow.invoices.list())
            )

    def _order(self, order_id: str) -> object:
        with self.app.uow() as uow:
            return uow.orders.get(order_id)

    @rule(
        target=orders,
        lines=st.lists(
            st.tuples(st.sampled_from(sorted(SKUS)), st.integers(1, 4)),
            min_size=1,
            max_size=2,
            unique_by=lambda line: line[0],
        ),
        method=st.sampled_from(
            [PaymentMethod.BANK_TRANSFER, PaymentMethod.COD, PaymentMethod.ON_ACCOUNT]
        ),
    )
    def place(self, lines: list[tuple[str, int]], method: PaymentMethod) -> str:
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
        sku=st.sampled_from(sorted(SKUS)),
        quantity=st.integers(1, 3),
        method=st.sampled_from([PaymentMethod.BANK_TRANSFER, PaymentMethod.COD]),
    )
    def delivered(self, sku: str, quantity: int, method: PaymentMethod) -> str:
        """A whole journey in one step, so that returns and refunds are reached often."""
        order_id = self.place([(sku, quantity)], method)
        self.confirm_and_reserve(order_id)
        if method is PaymentMethod.BANK_TRANSFER:
            self.pay(order_id)
        self.ship(order_id, None)
        self.deliver(order_id)
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
        due = order.balance_due  # type: ignore[attr-defined]
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


TestOrderServices = OrderServices.TestCase
TestOrderServices.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None, report_multiple_bugs=False
)
