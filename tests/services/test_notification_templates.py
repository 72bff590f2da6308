"""The notifier with a shop's Jinja2 templates: overrides by name; a failing one changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.services.test_notifications import add_customer, notifier, order, outbox

from salesorder import SalesApp, commands
from salesorder.documents.templating import (
    JinjaTemplates,
    TemplateSandboxError,
    notification_template,
)
from salesorder.domain.events import DeliveryFailed
from salesorder.domain.notifications import NotificationKind, TemplateBook

AT = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)
CONFIRMED = NotificationKind.ORDER_CONFIRMED


def test_the_shipped_jinja_templates_send_what_the_built_in_ones_send(app: SalesApp) -> None:
    add_customer(app, locale="vi_VN")
    notifier(app).templates = JinjaTemplates()
    order_id = order(app)
    sent = outbox(app).sent
    assert sent[0].subject == f"Đơn hàng {order_id} đã được xác nhận"
    assert sent[0].locale == "vi_VN"
    built_in = TemplateBook.default().get(CONFIRMED, "vi_VN")
    assert sent[0].body.startswith(built_in.body.split("{", 1)[0])


def test_a_shops_template_replaces_the_shipped_one_by_name(app: SalesApp) -> None:
    add_customer(app)
    notifier(app).templates = JinjaTemplates(
        {
            notification_template(CONFIRMED, "subject"): "[Toko Contoh] {{ order_id }}",
            notification_template(CONFIRMED, "body"): (
                "{% if language == 'id' %}Terima kasih{% else %}Thank you{% endif %}, "
                "{{ customer_name }}: {{ total }}"
            ),
        }
    )
    order_id = order(app)
    email = outbox(app).sent[0]
    assert email.subject == f"[Toko Contoh] {order_id}"
    assert email.body == "Terima kasih, Siti: Rp150.000,00"


def test_a_template_the_sandbox_refuses_writes_no_message_and_fails_no_command(
    app: SalesApp,
) -> None:
    add_customer(app)
    good = notifier(app).templates
    notifier(app).templates = JinjaTemplates(
        {
            notification_template(NotificationKind.DELIVERY_FAILED, "body"): (
                "{% set a = '__cla' ~ 'ss__' %}{{ reason|attr(a) }}"
            )
        }
    )
    order_id = order(app)  # order_confirmed renders with the shipped template
    before = notifier(app).entries()
    event = DeliveryFailed(order_id=order_id, at=AT, reason="nobody at home")
    with pytest.raises(TemplateSandboxError, match=r"delivery_failed/body\.txt") as caught:
        notifier(app).handle(event)
    assert caught.value.attribute == "__class__"
    assert notifier(app).entries() == before  # nothing was written
    notifier(app).publish(event)  # as the bus calls it: kept for a retry, never raised
    ((kept, why),) = notifier(app).unhandled
    assert kept == event
    assert why.startswith("TemplateSandboxError")
    notifier(app).templates = good
    assert app.execute(commands.RetryNotifications()) == 3
    emails = [m for m in outbox(app).sent if m.channel.value == "email"]
    assert emails[-1].subject == f"Pesanan {order_id} gagal diantar"
