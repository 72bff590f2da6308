"""The outbox on SQLite and PostgreSQL: due items found by the index, bookings dispatched,
refusals logged, and a schema-3 database's customer messages moved into the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, update
from tests.services.conftest import stock_shop
from tests.services.test_warehouse_flow import reserved
from tests.sql.data.schema_five import as_schema_five

from salesorder import commands
from salesorder.adapters.sql import SCHEMA_VERSION, SqlStore, schema, upgrade
from salesorder.bootstrap import build
from salesorder.domain.notifications import (
    Message,
    NotificationChannel,
    NotificationKind,
    OutboxEntry,
    OutboxStatus,
)
from salesorder.domain.outbox import Call, CallKind, OutboxItem, OutboxState
from salesorder.domain.shipping import ShipmentStatus
from salesorder.serialization import unstructure
from salesorder.services.commands import DispatchOutbox, ListOutbox

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)


def _item(subject: str, at: dt.datetime) -> OutboxItem:
    call = Call(kind=CallKind.ACKNOWLEDGE_ORDER, target="shopee", subject=subject)
    return OutboxItem(call=call, written_at=at)


def test_due_finds_pending_items_whose_moment_has_come_oldest_first(url: str) -> None:
    store = SqlStore(url)
    try:
        with store.unit_of_work() as uow:
            later = _item("LATER", T0 + dt.timedelta(minutes=5))
            waiting = _item("WAITING", T0)
            waiting.next_attempt_at = T0 + dt.timedelta(hours=1)
            sent = _item("SENT", T0)
            sent.sent(T0)
            for item in (later, waiting, sent, _item("FIRST", T0)):
                uow.outbox.add(item)
            uow.commit()
        with store.unit_of_work() as uow:
            now = T0 + dt.timedelta(minutes=10)
            assert [i.call.subject for i in uow.outbox.due(now, 10)] == ["FIRST", "LATER"]
            assert [i.call.subject for i in uow.outbox.due(now, 1)] == ["FIRST"]
            # A lease held by a dispatcher hides the item until it runs out.
            first = uow.outbox.get(_item("FIRST", T0).key)
            first.take(now, dt.timedelta(minutes=5))
            uow.commit()
        with store.unit_of_work() as uow:
            assert [i.call.subject for i in uow.outbox.due(now, 10)] == ["LATER"]
            assert [i.call.subject for i in uow.outbox.due(now + dt.timedelta(hours=2), 10)] == [
                "FIRST",
                "WAITING",
                "LATER",
            ]
            assert [i.call.subject for i in uow.outbox.in_states([OutboxState.SENT])] == ["SENT"]
    finally:
        store.dispose()


def test_a_booking_goes_through_the_outbox_on_a_database(url: str) -> None:
    app = stock_shop(build(database_url=url))
    app.dispatch_after_commit = False
    order_id = reserved(app, ("TSHIRT-RED-M", 1))
    shipment_id = app.execute(commands.ShipOrder(order_id=order_id, courier="jnt"))
    (item,) = app.execute(ListOutbox())
    assert item.call.kind is CallKind.BOOK_COURIER
    assert app.execute(DispatchOutbox()).sent == (item.key,)
    with app.uow() as uow:
        shipment = uow.shipments.get(shipment_id)
        assert uow.outbox.get(item.key).state is OutboxState.SENT
    assert shipment.status is ShipmentStatus.BOOKED
    assert shipment.tracking_number.startswith("JNT")
    assert isinstance(app.uow, SqlStore)
    app.uow.dispose()


def test_a_schema_three_database_moves_its_messages_into_the_outbox(url: str) -> None:
    SqlStore(url).dispose()
    engine = create_engine(url)
    message = Message(
        key="OrderConfirmed|ORD-1|email", channel=NotificationChannel.EMAIL,
        recipient="budi@example.com", order_id="ORD-1", kind=NotificationKind.ORDER_CONFIRMED,
        locale="id_ID", subject="Confirmed", body="Order ORD-1 confirmed",
    )  # fmt: skip
    failed = OutboxEntry(message=message, written_at=T0, seq=1, attempts=2, last_error="down")
    failed.status = OutboxStatus.FAILED
    notifications = Table(
        "so_notifications",
        MetaData(),
        Column("key", String(400), primary_key=True),
        Column("order_id", String(120)),
        Column("status", String(40)),
        Column("version", Integer, nullable=False),
        Column("doc", schema.Document, nullable=False),
    )
    try:
        with engine.begin() as conn:
            as_schema_five(conn)
            schema.tables["outbox"].drop(conn)
            schema.tables["refused_deliveries"].drop(conn)
            notifications.create(conn)
            conn.execute(
                insert(notifications).values(
                    key=message.key, order_id="ORD-1", status="failed", version=1,
                    doc=unstructure(failed),
                )
            )  # fmt: skip
            conn.execute(update(schema.schema_info).values(version=3))
        assert upgrade(url) == 3
        assert upgrade(url) == SCHEMA_VERSION
        store = SqlStore(url, create=False)
        with store.unit_of_work() as uow:
            (item,) = uow.outbox.list()
            assert uow.refused_deliveries.list() == []
        store.dispose()
    finally:
        engine.dispose()
    assert item.call.message == message
    assert (item.state, item.attempts, item.last_error) == (OutboxState.PENDING, 2, "down")
    assert item.key == f"send_message|email|{message.key}"
