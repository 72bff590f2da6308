"""Customer notifications: events in, one message per channel out, in the customer's locale."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.services.conftest import BANDUNG

from salesorder import Customer, Money, SalesApp, commands
from salesorder.adapters.memory import InMemoryCourier, ManualClock
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.domain.events import OrderConfirmed, OrderPlaced, OrderShipped, RefundSent
from salesorder.domain.notifications import (
    NotificationChannel,
    NotificationKind,
    OutboxStatus,
    Template,
    TemplateBook,
)
from salesorder.domain.payments import PaymentMethod
from salesorder.domain.shipping import TrackingStatus
from salesorder.exceptions import TemplateError
from salesorder.services.notifications import Notifier

AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def notifier(app: SalesApp) -> Notifier:
    assert app.notifications is not None
    return app.notifications


def outbox(app: SalesApp) -> InMemoryOutbox:
    sender = notifier(app).sender
    assert isinstance(sender, InMemoryOutbox)
    return sender


def add_customer(app: SalesApp, **fields: object) -> None:
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="C9",
                name="Siti",
                email="siti@example.com",
                phone="+62811000111",
                addresses=(BANDUNG,),
                **fields,  # type: ignore[arg-type]
            )
        )
    )


def order(app: SalesApp) -> str:
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="C9",
            lines=(commands.NewLine(sku="TSHIRT-RED-M", quantity=1),),
            payment_method=PaymentMethod.COD,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id


def test_a_confirmed_order_is_told_on_every_channel_in_indonesian(app: SalesApp) -> None:
    add_customer(app)
    order_id = order(app)
    sent = outbox(app).sent
    assert [m.channel for m in sent] == list(NotificationChannel)
    email = sent[0]
    assert email.kind is NotificationKind.ORDER_CONFIRMED
    assert email.subject == f"Pesanan {order_id} dikonfirmasi"
    assert "Rp150.000,00" in email.body  # babel, id_ID
    assert "5 Januari 2026" in email.body
    assert sent[1].subject == ""  # SMS has no subject


def test_shipping_tells_the_tracking_number_and_link(app: SalesApp) -> None:
    add_customer(app, locale="en_US")
    order_id = order(app)
    app.execute(commands.ReserveStock(order_id=order_id))
    app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    shipped = [m for m in outbox(app).sent if m.kind is NotificationKind.ORDER_SHIPPED]
    assert len(shipped) == 3
    with app.uow() as uow:
        tracking = uow.shipments.list()[0].tracking_number
    assert tracking in shipped[0].body
    assert f"https://track.example.com/jnt/{tracking}" in shipped[0].body
    assert "January 5, 2026" in shipped[0].body


def test_opt_out_and_missing_contacts_are_honoured(app: SalesApp) -> None:
    add_customer(app, opt_out=("sms", "chat"))
    order(app)
    assert [m.channel for m in outbox(app).sent] == [NotificationChannel.EMAIL]


def test_the_same_event_twice_sends_once(app: SalesApp) -> None:
    add_customer(app)
    order_id = order(app)
    event = RefundSent(order_id=order_id, at=AT, amount=Money.of("50000", "IDR"), reference="R1")
    first = notifier(app).handle(event)
    again = notifier(app).handle(event)
    assert len(first) == 3
    assert again == []
    assert "Rp50.000,00" in first[0].body
    assert notifier(app).handle(OrderPlaced(order_id=order_id, at=AT, channel="web")) == []


def test_a_failed_send_is_kept_and_retried(app: SalesApp) -> None:
    add_customer(app)
    outbox(app).fail_next(2)
    order_id = order(app)
    failed = notifier(app).messages(OutboxStatus.FAILED)
    assert [m.channel for m in failed] == [NotificationChannel.EMAIL, NotificationChannel.SMS]
    assert len(outbox(app).sent) == 1
    outbox(app).fail_next(1)
    assert app.execute(commands.RetryNotifications()) == 1
    assert app.execute(commands.RetryNotifications()) == 1
    assert app.execute(commands.RetryNotifications()) == 0
    assert {m.channel for m in outbox(app).sent} == set(NotificationChannel)
    assert all(m.order_id == order_id for m in outbox(app).sent)
    entries = notifier(app).entries()
    assert [e.attempts for e in entries] == [3, 2, 1]


@pytest.mark.parametrize("locale", ["id_ID", "vi_VN", "ms_MY", "en_US"])
def test_every_kind_has_a_template_in_every_locale(locale: str) -> None:
    book = TemplateBook.default()
    for kind in NotificationKind:
        assert book.templates[kind, locale].locale == locale


def test_a_template_using_a_field_its_event_lacks_is_refused() -> None:
    with pytest.raises(TemplateError, match=r"uses \['tracking_number'\].*order_confirmed"):
        Template(
            kind=NotificationKind.ORDER_CONFIRMED,
            locale="en_US",
            subject="",
            body="Order {order_id}: {tracking_number}",
        )
    with pytest.raises(TemplateError, match="only plain"):
        Template(kind=NotificationKind.ORDER_DELIVERED, locale="en_US", subject="", body="{x.y}")


def test_vietnamese_refund_amount_is_formatted_by_babel(app: SalesApp) -> None:
    add_customer(app, locale="vi_VN")
    order_id = order(app)
    event = OrderShipped(
        order_id=order_id, at=AT, shipment_id="S1", courier="ghn", tracking_number="GHN1"
    )
    body = notifier(app).handle(event)[0].body
    assert body.startswith("Chào Siti, đơn hàng")
    assert "GHN1" in body
    refund = RefundSent(order_id=order_id, at=AT, amount=Money.of("1500000", "IDR"))
    assert "1.500.000" in notifier(app).handle(refund)[0].body


def test_the_outbox_outlives_the_notifier(app: SalesApp) -> None:
    add_customer(app)
    outbox(app).fail_next(3)
    order(app)
    (confirmed,) = [e for e in app.events.published if isinstance(e, OrderConfirmed)]  # type: ignore[attr-defined]
    fresh = Notifier(app.uow, InMemoryOutbox(), app.clock)
    assert fresh.handle(confirmed) == []  # written before: not written again
    assert fresh.retry() == 3
    assert isinstance(fresh.sender, InMemoryOutbox)
    assert [m.channel for m in fresh.sender.sent] == list(NotificationChannel)
    assert notifier(app).messages(OutboxStatus.FAILED) == []


def test_an_event_that_cannot_be_written_does_not_fail_the_command(app: SalesApp) -> None:
    add_customer(app)
    good = notifier(app).templates
    notifier(app).templates = TemplateBook()  # no template at all
    order_id = order(app)  # confirmed all the same
    assert outbox(app).sent == []
    ((event, why),) = notifier(app).unhandled
    assert event.order_id == order_id
    assert "TemplateError" in why
    notifier(app).templates = good
    assert app.execute(commands.RetryNotifications()) == 3
    assert notifier(app).unhandled == []


def test_a_whole_journey_tells_each_step_once(app: SalesApp) -> None:
    add_customer(app, locale="ms_MY", opt_out=("sms", "chat"))
    order_id = order(app)
    app.execute(commands.ReserveStock(order_id=order_id))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    with app.uow() as uow:
        tracking = uow.shipments.get(shipment_id).tracking_number
    courier = app.couriers["jnt"]
    assert isinstance(courier, InMemoryCourier)
    clock = app.clock
    assert isinstance(clock, ManualClock)
    for status, note in (
        (TrackingStatus.PICKED_UP, ""),
        (TrackingStatus.DELAYED, "banjir"),
        (TrackingStatus.FAILED_DELIVERY, "tiada orang"),
        (TrackingStatus.DELIVERED, ""),
    ):
        clock.advance(dt.timedelta(hours=5))
        courier.report(tracking, status, clock.now(), note)
        app.execute(commands.SyncTracking(shipment_id=shipment_id))
        app.execute(commands.SyncTracking(shipment_id=shipment_id))  # nothing new
    kinds = [m.kind for m in outbox(app).sent]
    assert kinds == [
        NotificationKind.ORDER_CONFIRMED,
        NotificationKind.ORDER_SHIPPED,
        NotificationKind.SHIPMENT_DELAYED,
        NotificationKind.DELIVERY_FAILED,
        NotificationKind.ORDER_DELIVERED,
    ]
    assert all(m.channel is NotificationChannel.EMAIL for m in outbox(app).sent)
    assert "lewat: banjir" in outbox(app).sent[2].body
    assert outbox(app).sent[4].subject == f"Pesanan {order_id} telah dihantar"
