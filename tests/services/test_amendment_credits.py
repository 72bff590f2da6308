"""Amendments, partial cancellations and returns credit an invoiced order exactly once.

Found by the services state machine once it issued invoices: the invoices of an order must
never ask for more than the order owes, and nothing may be credited twice.
"""

from __future__ import annotations

import pytest

from salesorder import (
    Address,
    AmendmentRefused,
    Customer,
    DuplicateError,
    Money,
    PaymentMethod,
    Product,
    SalesApp,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.domain.returns import ReturnOutcome

JKT = Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID")


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


@pytest.fixture
def app() -> SalesApp:
    """TEE 150,000 and CAP 49,999.50 (PPN), RICE 80,000 (exempt), 6 of each in JKT."""
    shop = in_memory()
    shop.execute(commands.AddWarehouse(warehouse=Warehouse(code="JKT", name="JKT", address=JKT)))
    for sku, price, category in (
        ("TEE", "150000", "standard"),
        ("CAP", "49999.50", "standard"),
        ("RICE", "80000", "exempt"),
    ):
        shop.execute(
            commands.AddProduct(
                product=Product(
                    sku=sku,
                    name=sku,
                    price=idr(price),
                    unit_cost=idr("1000"),
                    weight_kg="0.3",
                    initial_stock=6,
                    tax_category=category,
                ),
                warehouse="JKT",
            )
        )
    shop.execute(commands.AddCustomer(customer=Customer(id="C1", name="Budi", addresses=(JKT,))))
    return shop


def place(app: SalesApp, *lines: tuple[str, int]) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=tuple(commands.NewLine(sku=sku, quantity=q) for sku, q in lines),
            payment_method=PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def asked_and_owed(app: SalesApp, order_id: str) -> tuple[Money, Money]:
    """What the order's issued invoices still ask, and what the order owes."""
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        invoices = [uow.invoices.get(i) for i in order.invoice_ids]
    asked = Money.sum((i.creditable for i in invoices if i.is_receivable), "IDR")
    return asked, order.amount_due


def cancel(app: SalesApp, order_id: str, line_id: str, quantity: int) -> None:
    app.execute(
        commands.CancelLines(
            order_id=order_id, lines=(commands.LineQuantity(line_id=line_id, quantity=quantity),)
        )
    )


def test_amending_an_invoiced_line_down_credits_it(app: SalesApp) -> None:
    order_id = place(app, ("CAP", 2))
    app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(
        commands.AmendOrder(
            order_id=order_id, quantities=(commands.LineQuantity(line_id="1", quantity=1),)
        )
    )
    assert asked_and_owed(app, order_id) == (idr("49999.50"), idr("49999.50"))


def test_a_cancellation_after_a_credit_note_credits_the_cancelled_units(app: SalesApp) -> None:
    order_id = place(app, ("TEE", 2))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("10000")))
    cancel(app, order_id, "1", 1)
    # 300,000 - 10,000 credited - 150,000 cancelled (it credited only 140,000 before).
    assert asked_and_owed(app, order_id) == (idr("140000.00"), idr("140000.00"))


def test_a_line_a_credit_note_took_back_cannot_be_cancelled_again(app: SalesApp) -> None:
    order_id = place(app, ("CAP", 1), ("TEE", 1))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.IssueCreditNote(invoice_id=invoice_id))  # all of it
    before = asked_and_owed(app, order_id)
    with pytest.raises(AmendmentRefused, match=r"line '1' would come down by 49999\.50 IDR"):
        cancel(app, order_id, "1", 1)
    assert asked_and_owed(app, order_id) == before == (idr("0.00"), idr("0.00"))


def test_cancelling_units_of_an_invoiced_line_ignores_lines_not_invoiced(app: SalesApp) -> None:
    order_id = place(app, ("RICE", 4), ("TEE", 3))
    app.execute(commands.IssueInvoice(order_id=order_id, line_ids=("1",)))  # 320,000
    cancel(app, order_id, "1", 1)  # it credited nothing before: TEE was not invoiced yet
    app.execute(commands.IssueInvoice(order_id=order_id))  # line 2: 450,000
    assert asked_and_owed(app, order_id) == (idr("690000.00"), idr("690000.00"))


def delivered(app: SalesApp, *lines: tuple[str, int]) -> tuple[str, str]:
    """An order placed, invoiced, paid in full, shipped and delivered: (order, invoice)."""
    order_id = place(app, *lines)
    app.execute(commands.ReserveStock(order_id=order_id))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    _, due = asked_and_owed(app, order_id)
    app.execute(
        commands.RecordPayment(
            order_id=order_id, amount=due, method=PaymentMethod.BANK_TRANSFER, reference="P-1"
        )
    )
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    app.execute(commands.MarkDelivered(order_id=order_id))
    return order_id, invoice_id


def return_one(app: SalesApp, order_id: str, line_id: str) -> None:
    """One unit of ``line_id`` returned sellable and refunded."""
    return_id = app.execute(
        commands.RequestReturn(
            order_id=order_id, lines=(commands.LineQuantity(line_id=line_id, quantity=1),)
        )
    )
    for step in (
        commands.ApproveReturn(return_id=return_id),
        commands.ReceiveReturn(return_id=return_id),
        commands.InspectReturn(
            return_id=return_id,
            lines=(commands.InspectedLine(line_id=line_id, sellable=1, damaged=0),),
        ),
        commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND),
    ):
        app.execute(step)


def test_a_return_of_a_line_already_credited_is_not_credited_again(app: SalesApp) -> None:
    order_id, invoice_id = delivered(app, ("CAP", 1), ("RICE", 1))
    app.execute(
        commands.IssueCreditNote(
            invoice_id=invoice_id,
            lines=(commands.CreditLine(line_id="1", amount=idr("49999.50")),),
        )
    )
    return_one(app, order_id, "1")
    asked, owed = asked_and_owed(app, order_id)
    # The rice (80,000) and the shipping are still owed; the cap was credited once.
    assert asked == idr("80000.00")
    assert owed - asked == idr("11000")  # the shipping charge, not on the invoice


def test_a_replacement_invoice_is_the_one_an_amendment_credits(app: SalesApp) -> None:
    order_id = place(app, ("TEE", 2))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    replacement_id = app.execute(commands.CorrectInvoice(invoice_id=invoice_id, reason="buyer"))
    cancel(app, order_id, "1", 1)
    with app.uow() as uow:
        (note,) = uow.credit_notes.list()
    assert (note.invoice_id, note.gross) == (replacement_id, idr("150000.00"))
    assert asked_and_owed(app, order_id) == (idr("150000.00"), idr("150000.00"))


def test_lines_of_a_replacement_invoice_are_not_invoiced_again(app: SalesApp) -> None:
    order_id = place(app, ("TEE", 1))
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(commands.CorrectInvoice(invoice_id=invoice_id, reason="buyer"))
    with pytest.raises(DuplicateError, match="already invoiced in full"):
        app.execute(commands.IssueInvoice(order_id=order_id))
    assert asked_and_owed(app, order_id) == (idr("150000.00"), idr("150000.00"))


def test_a_return_is_credited_on_the_replacement_of_its_invoice(app: SalesApp) -> None:
    order_id, invoice_id = delivered(app, ("TEE", 2))
    replacement_id = app.execute(commands.CorrectInvoice(invoice_id=invoice_id, reason="buyer"))
    return_one(app, order_id, "1")
    with app.uow() as uow:
        (note,) = uow.credit_notes.list()
    assert (note.invoice_id, note.gross) == (replacement_id, idr("150000.00"))
    asked, owed = asked_and_owed(app, order_id)
    assert owed - asked == idr("11000")  # the shipping charge, not on the invoice
