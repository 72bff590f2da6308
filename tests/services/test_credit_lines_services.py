"""Credit notes of some invoice lines through ``SalesApp.execute``: the command, returns.

The shop is the one of conftest (IDR, Indonesia's tax table, prices include tax), plus
RICE-5KG (Rp80,000, exempt from PPN) in JKT-1. The order: line "1", 2 x TSHIRT-RED-M at
Rp150,000 (PPN 12% on 11/12 of the price, 11% effective: gross 300,000.00, net 270,270.27,
tax 29,729.73); line "2", 1 x RICE-5KG (gross = net 80,000, tax 0). Paid, shipped,
delivered, invoiced (INV-000001, gross 380,000).
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.services.conftest import Snapshot
from tests.services.test_returns import deliver

from salesorder import (
    CreditLimitExceeded,
    DuplicateError,
    Money,
    PaymentMethod,
    Product,
    SalesApp,
    ValidationError,
    commands,
)
from salesorder.domain.returns import ReturnOutcome
from salesorder.serialization import structure, unstructure


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def confirmed_mixed(app: SalesApp) -> str:
    """The order described above, confirmed (the rice added to the catalog first)."""
    app.execute(
        commands.AddProduct(
            product=Product(
                sku="RICE-5KG",
                name="Rice 5 kg",
                price=idr("80000"),
                unit_cost=idr("60000"),
                tax_category="exempt",
                weight_kg="5",
                initial_stock=10,
            ),
            warehouse="JKT-1",
        )
    )
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(
                commands.NewLine(sku="TSHIRT-RED-M", quantity=2),
                commands.NewLine(sku="RICE-5KG", quantity=1),
            ),
            payment_method=PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


@pytest.fixture
def invoiced(app: SalesApp) -> tuple[str, str]:
    """The order and invoice described above: (order id, invoice id)."""
    order_id = confirmed_mixed(app)
    app.execute(commands.ReserveStock(order_id=order_id))
    with app.uow() as uow:
        due = uow.orders.get(order_id).amount_due
    app.execute(
        commands.RecordPayment(
            order_id=order_id, amount=due, method=PaymentMethod.BANK_TRANSFER, reference="BCA-1"
        )
    )
    shipment_id = app.execute(
        commands.ShipOrder(order_id=order_id, courier="jnt", warehouse="JKT-1")
    )
    deliver(app, shipment_id)
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    return order_id, invoice_id


def _lines(app: SalesApp, invoice_id: str) -> dict[str, tuple[str, Money, Money]]:
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    return {x.line_id: (x.tax_code, x.gross, x.tax) for x in invoice.lines}


def test_the_invoice_has_a_taxed_and_an_exempt_line(app: SalesApp, invoiced: Any) -> None:
    _, invoice_id = invoiced
    assert _lines(app, invoice_id) == {
        "1": ("ID-PPN-12-DPP", idr("300000.00"), idr("29729.73")),
        "2": ("ID-PPN-EXEMPT", idr("80000.00"), idr("0")),
        # the shipping the buyer pays (J&T, 1.1 kg: Rp21,000), with its PPN
        "shipping": ("ID-PPN-12-DPP", idr("21000.00"), idr("2081.08")),
    }


def _return(app: SalesApp, order_id: str, line_id: str, quantity: int) -> str:
    return_id = app.execute(
        commands.RequestReturn(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id=line_id, quantity=quantity),),
            reason="not wanted",
        )
    )
    app.execute(commands.ApproveReturn(return_id=return_id))
    app.execute(commands.ReceiveReturn(return_id=return_id))
    app.execute(commands.InspectReturn(return_id=return_id))
    app.execute(commands.ResolveReturn(return_id=return_id, outcome=ReturnOutcome.REFUND))
    return return_id


def test_a_return_of_the_exempt_line_credits_no_tax(app: SalesApp, invoiced: Any) -> None:
    order_id, invoice_id = invoiced
    return_id = _return(app, order_id, "2", 1)
    with app.uow() as uow:
        rma = uow.returns.get(return_id)
        note = uow.credit_notes.get(rma.credit_note_ids[0])
        invoice = uow.invoices.get(invoice_id)
    assert [(x.line_id, x.gross, x.tax) for x in note.lines] == [("2", idr("80000"), idr("0"))]
    assert (note.net, note.tax, note.gross) == (idr("80000"), idr("0"), idr("80000"))
    assert [(t.tax_code, t.tax) for t in note.tax_summary] == [("ID-PPN-EXEMPT", idr("0"))]
    assert invoice.credited_lines == {"2": idr("80000")}
    assert invoice.line_creditable("1") == idr("300000")


def test_a_return_of_one_taxed_unit_credits_its_own_tax(app: SalesApp, invoiced: Any) -> None:
    order_id, invoice_id = invoiced
    first = _return(app, order_id, "1", 1)
    second = _return(app, order_id, "1", 1)
    with app.uow() as uow:
        notes = [
            uow.credit_notes.get(uow.returns.get(r).credit_note_ids[0]) for r in (first, second)
        ]
        invoice = uow.invoices.get(invoice_id)
    assert [(n.lines[0].line_id, n.gross, n.net, n.tax) for n in notes] == [
        ("1", idr("150000"), idr("135135.13"), idr("14864.87")),
        ("1", idr("150000"), idr("135135.14"), idr("14864.86")),
    ]
    assert Money.sum((n.tax for n in notes), "IDR") == idr("29729.73")  # the line's tax
    assert invoice.credited_lines == {"1": idr("300000")}
    assert invoice.creditable == idr("80000") + idr("21000")  # line 2 and the shipping


def test_issue_credit_note_for_some_lines(app: SalesApp, invoiced: Any) -> None:
    _, invoice_id = invoiced
    note_id = app.execute(
        commands.IssueCreditNote(
            invoice_id=invoice_id,
            lines=(commands.CreditLine(line_id="2", amount=idr("20000")),),
            reason="damaged bag",
        )
    )
    # then 10% of the rest as an amount: spread by what is left (line 1: 300,000, line 2:
    # 60,000, the shipping: 21,000)
    rest_id = app.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=idr("38100")))
    with app.uow() as uow:
        note = uow.credit_notes.get(note_id)
        rest = uow.credit_notes.get(rest_id)
        invoice = uow.invoices.get(invoice_id)
    assert (note.gross, note.tax) == (idr("20000"), idr("0"))
    assert [(x.line_id, x.gross) for x in rest.lines] == [
        ("1", idr("30000")),
        ("2", idr("6000")),
        ("shipping", idr("2100")),
    ]
    assert invoice.credited_lines == {
        "1": idr("30000"),
        "2": idr("26000"),
        "shipping": idr("2100"),
    }
    assert invoice.credited == idr("58100")


def _part(line_id: str, amount: str) -> commands.CreditLine:
    return commands.CreditLine(line_id=line_id, amount=idr(amount))


@pytest.mark.parametrize(
    "case",
    [
        ((_part("9", "1"),), None, ValidationError),
        ((_part("2", "80000.01"),), None, CreditLimitExceeded),
        ((_part("2", "0"),), None, ValidationError),
        ((_part("2", "1"),), idr("2"), ValidationError),
        ((_part("2", "1"), _part("2", "1")), None, DuplicateError),
        ((), None, ValidationError),
    ],
)
def test_bad_line_credits_change_nothing(
    app: SalesApp,
    invoiced: Any,
    snapshot: Snapshot,
    case: tuple[tuple[commands.CreditLine, ...], Money | None, type[Exception]],
) -> None:
    _, invoice_id = invoiced
    lines, amount, error = case
    before = snapshot()
    with pytest.raises(error):
        app.execute(commands.IssueCreditNote(invoice_id=invoice_id, amount=amount, lines=lines))
    assert snapshot() == before


def test_the_command_round_trips_as_a_scenario_step() -> None:
    step = {
        "type": "issue_credit_note",
        "invoice_id": "INV-1",
        "lines": [{"line_id": "2", "amount": {"amount": "20000", "currency": "IDR"}}],
        "reason": "damaged bag",
    }
    command = structure(step, commands.Command)
    assert command == commands.IssueCreditNote(
        invoice_id="INV-1",
        lines=(commands.CreditLine(line_id="2", amount=idr("20000")),),
        reason="damaged bag",
    )
    assert structure(unstructure(command), commands.Command) == command
    assert unstructure(commands.IssueCreditNote(invoice_id="INV-1"))["lines"] is None


def test_a_cancelled_line_is_credited_on_its_own_invoice_line(app: SalesApp) -> None:
    # The order above, invoiced before it ships; then the rice (exempt) is cancelled.
    order_id = confirmed_mixed(app)
    invoice_id = app.execute(commands.IssueInvoice(order_id=order_id))
    app.execute(
        commands.CancelLines(
            order_id=order_id,
            lines=(commands.LineQuantity(line_id="2", quantity=1),),
            key="no-rice",
        )
    )
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
        (note,) = uow.credit_notes.list()
    # Spread over both lines by gross, 80,000 would have credited 6,258.89 of PPN.
    assert [(x.line_id, x.gross, x.tax) for x in note.lines] == [("2", idr("80000"), idr("0"))]
    assert note.tax == idr("0")
    assert invoice.credited_lines == {"2": idr("80000")}
