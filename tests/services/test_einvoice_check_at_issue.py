"""An invoice the e-invoice provider's format cannot carry is refused at issue, taking no number.

The app's provider here is the real MyInvois adapter over a mock LHDN: the shop of
``conftest.py`` sells in rupiah with Indonesian PPN, which a MyInvois document cannot state
(no exchange rate to MYR), so issuing is refused, the series keeps its next number, and
nothing reaches the outbox or the server. With the in-memory provider, which has no check,
the same invoice is issued.
"""

from __future__ import annotations

import httpx
import pytest
from tests.einvoice.myinvois_mock import CLIENT_ID, CLIENT_SECRET, MyInvoisMock
from tests.services.conftest import stock_shop

from salesorder import DocumentRuleError, PaymentMethod, SalesApp, commands, in_memory
from salesorder.adapters.memory import ManualClock
from salesorder.adapters.myinvois import MyInvoisCredentials, MyInvoisProvider
from salesorder.domain.outbox import OutboxState
from salesorder.ports.einvoice import DocumentCheck


def _confirmed(app: SalesApp) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C1",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),),
            payment_method=PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def _next_number(app: SalesApp) -> int:
    with app.uow() as uow:
        series = uow.invoice_series.find("INV")
        return 1 if series is None else series.next_number


def test_an_invoice_myinvois_cannot_carry_is_refused_at_issue_and_takes_no_number() -> None:
    app = stock_shop(in_memory())
    clock = ManualClock()
    server = MyInvoisMock(clock)
    provider = MyInvoisProvider(
        client=httpx.Client(transport=httpx.MockTransport(server)),
        credentials=MyInvoisCredentials(client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
        clock=clock,
    )
    assert isinstance(provider, DocumentCheck)
    app.einvoice = provider
    order_id = _confirmed(app)
    before = _next_number(app)
    with pytest.raises(DocumentRuleError, match="MY-EXCHANGE-RATE"):
        app.execute(commands.IssueInvoice(order_id=order_id))
    assert _next_number(app) == before
    with app.uow() as uow:
        assert not uow.orders.get(order_id).invoice_ids
        assert uow.outbox.in_states(OutboxState) == []
    assert server.requests == []


def test_without_a_check_the_same_invoice_is_issued() -> None:
    app = stock_shop(in_memory())
    assert not isinstance(app.einvoice, DocumentCheck)
    order_id = _confirmed(app)
    before = _next_number(app)
    app.execute(commands.IssueInvoice(order_id=order_id))
    assert _next_number(app) == before + 1
