"""``Settings.templates``: a shop's templates given once, for the notifier and the invoice preview.

The shop of tests/services/conftest.py, with C3, a customer with an email address, who
reads Indonesian (the shop's locale).
"""

from __future__ import annotations

import re

import pytest
from tests.services.conftest import JAKARTA, stock_shop

from salesorder import Customer, SalesApp, Settings, commands, in_memory, render_html
from salesorder.adapters.memory.notifications import InMemoryOutbox
from salesorder.documents.templating import INVOICE_PREVIEW, JinjaTemplates, notification_template
from salesorder.domain.notifications import NotificationKind, TemplateBook
from salesorder.exceptions import NotFound, ScenarioError, ValidationError
from salesorder.scenario import load_scenario
from salesorder.serialization import structure, unstructure
from salesorder.services.views import invoice_preview

CONFIRMED = NotificationKind.ORDER_CONFIRMED
OURS = JinjaTemplates(
    {
        notification_template(CONFIRMED, "subject"): "[Toko] {{ order_id }}",
        INVOICE_PREVIEW: "<h1>{{ title }} {{ number }}</h1><p>{{ gross }}</p>",
    }
)


def shop(settings: Settings) -> SalesApp:
    app = stock_shop(in_memory(settings))
    app.execute(
        commands.AddCustomer(
            customer=Customer(id="C3", name="Siti", email="siti@example.com", addresses=(JAKARTA,))
        )
    )
    return app


def invoiced(app: SalesApp) -> tuple[str, str]:
    """(order id, invoice id) of a confirmed order of one cap, invoiced."""
    order_id = app.execute(
        commands.PlaceOrder(customer_id="C3", lines=(commands.NewLine(sku="CAP-BLK", quantity=1),))
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))
    return order_id, app.execute(commands.IssueInvoice(order_id=order_id))


def emails(app: SalesApp) -> InMemoryOutbox:
    assert app.notifications is not None
    sender = app.notifications.sender
    assert isinstance(sender, InMemoryOutbox)
    return sender


def test_the_notifier_and_the_preview_use_the_settings_templates() -> None:
    app = shop(Settings(templates=OURS))
    order_id, invoice_id = invoiced(app)
    assert app.notifications is not None
    assert app.notifications.templates is OURS
    assert emails(app).sent[-1].subject == f"[Toko] {order_id}"
    assert invoice_preview(app, invoice_id) == "<h1>Faktur INV-000001</h1><p>Rp49.999,50</p>"
    english = invoice_preview(app, invoice_id, "en_US")
    assert english.startswith("<h1>Invoice INV-000001</h1><p>")
    assert "49,999.50" in english


def test_without_templates_the_built_in_renderers_are_used() -> None:
    app = shop(Settings())
    order_id, invoice_id = invoiced(app)
    assert emails(app).sent[-1].subject == f"Pesanan {order_id} dikonfirmasi"
    with app.uow() as uow:
        invoice = uow.invoices.get(invoice_id)
    assert invoice_preview(app, invoice_id) == render_html(invoice, "id_ID")


def test_templates_set_on_the_notifier_still_win_for_messages() -> None:
    app = shop(Settings())
    assert app.notifications is not None
    app.notifications.templates = OURS
    order_id, _ = invoiced(app)
    assert emails(app).sent[-1].subject == f"[Toko] {order_id}"


def test_a_preview_of_an_unknown_document_is_refused() -> None:
    app = shop(Settings(templates=OURS))
    with pytest.raises(NotFound, match="invoice or credit note 'INV-404'"):
        invoice_preview(app, "INV-404")


@pytest.mark.parametrize(
    ("value", "shown"),
    [(TemplateBook.default(), "TemplateBook"), ("notifications/", "str"), (OURS.render, "method")],
)
def test_templates_that_cannot_render_both_are_refused(value: object, shown: str) -> None:
    """A TemplateBook renders messages but no preview; a string or a function neither."""
    with pytest.raises(ValidationError, match=rf"^Settings\.templates takes .* got {shown}$"):
        Settings(templates=value)  # type: ignore[arg-type]


def test_templates_are_not_part_of_json_or_a_scenario_file() -> None:
    """They are code: never written, and a document naming them is refused."""
    settings = Settings(templates=OURS)
    data = unstructure(settings)
    assert "templates" not in data
    assert structure(data, Settings) == Settings()
    with pytest.raises(ScenarioError, match=r"settings.*templates"):
        load_scenario(
            {
                "format": "salesorder/scenario",
                "version": 1,
                "settings": {"templates": None},
                "commands": [],
            }
        )


@pytest.mark.parametrize(
    "settings", [Settings(), Settings(templates=OURS)], ids=["built-in", "ours"]
)
@pytest.mark.parametrize("locale", ["xx_YY", "", 5, "id-ID;<b>"])
def test_the_preview_refuses_a_locale_babel_does_not_know(
    settings: Settings, locale: object
) -> None:
    app = shop(settings)
    _, invoice_id = invoiced(app)
    with pytest.raises(ValidationError, match=rf"invoice preview locale {re.escape(repr(locale))}"):
        invoice_preview(app, invoice_id, locale)  # type: ignore[arg-type]


def test_the_preview_of_an_id_that_is_not_text_is_not_found() -> None:
    app = shop(Settings())
    invoiced(app)
    with pytest.raises(NotFound, match=r"invoice or credit note \['INV-000001'\] not found"):
        invoice_preview(app, ["INV-000001"])  # type: ignore[arg-type]
