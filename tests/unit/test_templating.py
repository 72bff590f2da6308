"""Jinja2 templates (sandboxed, autoescaped, overridable by name) and the Babel catalogs.

The shipped Jinja2 templates must say exactly what the built-in renderers say (``str.format``
notifications, the Python-built HTML preview), in every shipped locale; a shop's template is
checked when it is given, and what slips through is refused at render time, by name.
"""

from __future__ import annotations

import io
import re
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from tests.einvoice import scenarios as s

from salesorder.documents.preview import LABELS, preview_values, render_html
from salesorder.documents.templating import (
    INVOICE_PREVIEW,
    PREVIEW_FIELDS,
    TEMPLATE_FIELDS,
    JinjaTemplates,
    TemplateFieldError,
    TemplateSandboxError,
    TemplatesUnavailable,
    UnknownTemplate,
    notification_template,
)
from salesorder.domain.notifications import (
    FIELDS,
    LOCALES,
    MESSAGES,
    MessageText,
    NotificationKind,
    TemplateBook,
)
from salesorder.exceptions import TemplateError
from salesorder.translations import (
    CATALOG_LANGUAGES,
    format_placeholders,
    language_of,
    read_catalog,
    translations,
)

LOCALE_DIR = Path(str(files("salesorder"))) / "locale"
TEMPLATE_DIR = Path(str(files("salesorder"))) / "templates"
DOCUMENTS = {
    "plain": s.plain,
    "dpp": s.dpp,
    "exempt": s.exempt_zero_and_standard,
    "credit note": s.partial_credit,
    "adjustment": s.vietnam_adjustment,
    "replacement": s.vietnam_replacement,
    "foreign buyer": s.greek_buyer,
    "shipping": s.with_shipping,
}


def sample(kind: NotificationKind) -> dict[str, str]:
    """A value for every field of ``kind``: its own name in capitals, so each shows."""
    return {name: name.upper() for name in FIELDS[kind]}


def tight(page: str) -> str:
    """HTML without the whitespace between tags (the template is laid out for people)."""
    return re.sub(r">\s+<", "><", page.strip())


def catalog_file(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "salesorder.po"


def po(entries: dict[str, str], language: str = "th") -> str:
    body = "".join(
        f'\n#, python-format\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'
        for msgid, msgstr in entries.items()
    )
    return (
        f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n' + body
    )


# -- the catalogs ------------------------------------------------------------------------------


def _catalog(language: str):  # type: ignore[no-untyped-def]
    from babel.messages.pofile import read_po

    return read_po(io.StringIO(catalog_file(language).read_text(encoding="utf-8")))


def _extracted() -> set[tuple[str, str | None]]:
    """(msgid, context) of every message the shipped templates ask to translate."""
    from babel.messages.extract import extract

    found = set()
    for path in TEMPLATE_DIR.rglob("*.*"):
        with path.open("rb") as handle:
            for _, message, _, context in extract(
                "jinja2.ext:babel_extract",
                handle,
                options={"extensions": "jinja2.ext.i18n", "trimmed": "true"},
            ):
                found.add((message, context))
    return found


def test_every_catalog_has_every_message_and_every_template_message_is_in_them() -> None:
    """The catalogs hold exactly the messages of MESSAGES and the labels; the templates use
    every message of MESSAGES and no message outside the catalogs (the document titles and
    the draft number are chosen in Python, by preview_values)."""
    messages = {(m, None) for pair in MESSAGES.values() for m in pair}
    in_code = messages | {(label, "invoice") for label in LABELS["en"].values()}
    extracted = _extracted()
    assert extracted <= in_code
    assert {found for found in extracted if found[1] is None} == messages
    for language in CATALOG_LANGUAGES:
        catalog = _catalog(language)
        assert {(m.id, m.context) for m in catalog if m.id} == in_code, language
        assert [m for m in catalog if m.fuzzy and m.id] == [], language
        if language != "en":
            untranslated = [m.id for m in catalog if m.id and not m.string]
            assert untranslated == [], language


def test_the_catalogs_pass_babels_placeholder_checks() -> None:
    for language in CATALOG_LANGUAGES:
        assert [(m.id, e) for m, e in _catalog(language).check() if e] == [], language


def test_a_locale_is_read_by_its_language_and_unknown_ones_read_english() -> None:
    assert language_of("vi_VN") == language_of("vi-VN") == language_of("vi") == "vi"
    assert translations("ms_MY").pgettext("invoice", "Seller") == "Penjual"
    assert translations("th_TH").pgettext("invoice", "Seller") == "Seller"
    assert LABELS["id"]["tax_id"] == "NPWP"
    assert "th" not in LABELS
    with pytest.raises(KeyError):
        LABELS["th"]


def test_gettext_placeholders_become_format_fields() -> None:
    assert (
        format_placeholders("Order %(order_id)s: 10%% off {x}") == "Order {order_id}: 10% off {{x}}"
    )


def test_a_catalog_whose_translation_uses_another_placeholder_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "th.po"
    bad.write_text(po({"Order %(order_id)s confirmed": "Order %(order)s OK"}), encoding="utf-8")
    with pytest.raises(TemplateError, match=r"th\.po.*'Order %\(order_id\)s confirmed'"):
        read_catalog(bad)
    with pytest.raises(TemplateError, match=r"th\.po"):
        JinjaTemplates(catalogs={"th": bad})


def test_a_catalog_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"missing\.po.*cannot be read"):
        read_catalog(tmp_path / "missing.po")
    broken = tmp_path / "broken.po"
    broken.write_text('msgid "a"\nthis is not gettext\n', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"broken\.po.*cannot be read"):
        read_catalog(broken)


# -- the shipped templates say what the built-in renderers say ---------------------------------


@pytest.mark.parametrize("locale", [*LOCALES, "fr_FR", "id"])
def test_shipped_notification_templates_match_the_built_in_ones(locale: str) -> None:
    book, jinja = TemplateBook.default(), JinjaTemplates()
    for kind in NotificationKind:
        expected = book.message(kind, locale, sample(kind))
        got = jinja.message(kind, locale, sample(kind))
        if locale == "id":  # TemplateBook knows full locales only; the catalogs, languages
            expected = book.message(kind, "id_ID", sample(kind))
            assert got == MessageText(locale="id", subject=expected.subject, body=expected.body)
        else:
            assert got == expected, kind


def test_shipped_notifications_read_their_wording_from_the_catalogs() -> None:
    text = TemplateBook.default().message(
        NotificationKind.ORDER_CONFIRMED, "vi_VN", sample(NotificationKind.ORDER_CONFIRMED)
    )
    assert text.subject == "Đơn hàng ORDER_ID đã được xác nhận"
    assert text.locale == "vi_VN"
    assert (
        TemplateBook.default()
        .message(
            NotificationKind.ORDER_DELIVERED, "fr_FR", sample(NotificationKind.ORDER_DELIVERED)
        )
        .subject
        == "Order ORDER_ID delivered"
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("locale", LOCALES)
def test_the_shipped_preview_template_matches_the_built_in_preview(name: str, locale: str) -> None:
    document = DOCUMENTS[name]()
    jinja = render_html(document, locale, templates=JinjaTemplates())
    assert tight(jinja) == render_html(document, locale)


def test_the_preview_of_a_language_without_catalog_is_english_with_its_formats() -> None:
    page = render_html(s.plain(), "fr_FR", templates=JinjaTemplates())
    assert "<html lang='en'>" in page
    assert "<th>Unit price</th>" in page
    assert tight(page) == render_html(s.plain(), "fr_FR").replace("lang='fr'", "lang='en'")


def test_preview_values_are_the_preview_fields() -> None:
    assert set(preview_values(s.dpp(), "id_ID")) == PREVIEW_FIELDS


def test_every_template_salesorder_renders_is_shipped() -> None:
    shipped = {p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.*")}
    assert shipped == set(TEMPLATE_FIELDS)
    assert notification_template(NotificationKind.REFUND_SENT, "body") in shipped
    assert INVOICE_PREVIEW in shipped


# -- a shop's templates ------------------------------------------------------------------------


def test_a_shop_overrides_one_template_by_name_and_keeps_the_others() -> None:
    kind = NotificationKind.ORDER_SHIPPED
    body = "{{ customer_name|title }}: {{ courier|upper }} {{ tracking_number }} ({{ language }})"
    jinja = JinjaTemplates({notification_template(kind, "body"): body})
    text = jinja.message(kind, "id_ID", {**sample(kind), "customer_name": "siti"})
    assert text.body == "Siti: COURIER TRACKING_NUMBER (id)"
    assert text.subject == "Pesanan ORDER_ID sedang dikirim"  # the shipped subject
    assert jinja.source(notification_template(kind, "body")) == body


def test_a_shop_overrides_from_a_folder_and_the_mapping_wins(tmp_path: Path) -> None:
    kind = NotificationKind.ORDER_DELIVERED
    folder = tmp_path / "notifications" / kind.value
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("Delivered {{ order_id }}", encoding="utf-8")
    (folder / "body.txt").write_text("From the folder", encoding="utf-8")
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "sign.txt").write_text("-- Toko {{ language }}", encoding="utf-8")
    jinja = JinjaTemplates(
        {notification_template(kind, "body"): 'Thanks {% include "partials/sign.txt" %}'},
        folder=tmp_path,
    )
    text = jinja.message(kind, "en_US", sample(kind))
    assert (text.subject, text.body) == ("Delivered ORDER_ID", "Thanks -- Toko en")


def test_a_shop_template_translates_with_the_catalogs() -> None:
    kind = NotificationKind.ORDER_CONFIRMED
    jinja = JinjaTemplates(
        {
            notification_template(
                kind, "subject"
            ): '{{ _("Order %(order_id)s confirmed", order_id=order_id) }} ✔'
        }
    )
    subject = jinja.message(kind, "ms_MY", sample(kind)).subject
    assert subject == "Pesanan ORDER_ID disahkan ✔"


def test_a_shop_catalog_adds_a_language_and_rewords_a_shipped_one(tmp_path: Path) -> None:
    kind = NotificationKind.ORDER_CONFIRMED
    thai = tmp_path / "th.po"
    thai.write_text(po({MESSAGES[kind][0]: "ยืนยันคำสั่งซื้อ %(order_id)s แล้ว"}), "utf-8")
    indonesian = tmp_path / "id.po"
    indonesian.write_text(po({MESSAGES[kind][0]: "Order %(order_id)s OK ya"}, "id"), "utf-8")
    jinja = JinjaTemplates(catalogs={"th": thai, "id_ID": indonesian})
    th = jinja.message(kind, "th_TH", sample(kind))
    assert (th.locale, th.subject) == ("th_TH", "ยืนยันคำสั่งซื้อ ORDER_ID แล้ว")
    assert th.body.startswith("Hi CUSTOMER_NAME")  # not in the shop's catalog: English
    ours = jinja.message(kind, "id_ID", sample(kind))
    assert ours.subject == "Order ORDER_ID OK ya"
    assert ours.body.startswith("Halo CUSTOMER_NAME")  # the rest of the shipped catalog
    # The shipped catalog itself is untouched, for every other renderer.
    assert JinjaTemplates().message(kind, "id_ID", sample(kind)).subject == (
        "Pesanan ORDER_ID dikonfirmasi"
    )


def test_html_is_autoescaped_and_text_is_not() -> None:
    evil = "<script>alert(1)</script>"
    page = render_html(
        s.plain(),
        "en_US",
        templates=JinjaTemplates({INVOICE_PREVIEW: "<p>{{ seller.name }} {{ title }}</p>"}),
    )
    assert page == "<p>PT Toko Contoh VAT invoice</p>"
    values = preview_values(s.plain(), "en_US")
    values["seller"] = {**values["seller"], "name": evil}
    escaped = JinjaTemplates().render(INVOICE_PREVIEW, "en_US", values)
    assert evil not in escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in escaped
    kind = NotificationKind.ORDER_DELIVERED
    text = JinjaTemplates().message(kind, "en_US", {**sample(kind), "customer_name": "A & B"})
    assert text.body.startswith("Hi A & B,")  # plain text: nothing to escape


# -- refusals: when the renderer is made --------------------------------------------------------


def test_a_template_naming_a_field_its_message_lacks_is_refused() -> None:
    name = notification_template(NotificationKind.ORDER_CONFIRMED, "body")
    with pytest.raises(
        TemplateFieldError, match=r"order_confirmed/body\.txt.*\['tracking_number'\]"
    ) as caught:
        JinjaTemplates({name: "Order {{ order_id }}: {{ tracking_number }}"})
    assert (caught.value.template, caught.value.field) == (name, "tracking_number")
    with pytest.raises(TemplateFieldError, match=r"invoice/preview\.html.*\['total'\]"):
        JinjaTemplates({INVOICE_PREVIEW: "{{ gross }} {{ total }}"})


@pytest.mark.parametrize(
    ("source", "attribute"),
    [
        ("{{ order_id.__class__.__mro__ }}", "__class__"),
        ("{{ order_id['__class__'] }}", "__class__"),
        ("{{ order_id|attr('__init__') }}", "__init__"),
        ("{{ cycler.__init__.__globals__ }}", "__init__"),
        ("{{ (order_id|attr('upper')).__self__ }}", "__self__"),
    ],
)
def test_a_template_reaching_out_of_the_sandbox_is_refused(source: str, attribute: str) -> None:
    name = notification_template(NotificationKind.ORDER_DELIVERED, "body")
    with pytest.raises(TemplateSandboxError, match=f"delivered/body.txt.*{attribute}") as caught:
        JinjaTemplates({name: source})
    assert (caught.value.template, caught.value.attribute) == (name, attribute)


def test_an_unknown_template_name_is_refused() -> None:
    with pytest.raises(
        UnknownTemplate, match=r"'notifications/order_confirm/body\.txt' is not one"
    ):
        JinjaTemplates({"notifications/order_confirm/body.txt": "Hi"})


def test_including_a_template_that_does_not_exist_is_refused() -> None:
    name = notification_template(NotificationKind.ORDER_DELIVERED, "body")
    with pytest.raises(UnknownTemplate, match=r"includes 'partials/footer\.txt'") as caught:
        JinjaTemplates({name: '{% include "partials/footer.txt" %}'})
    assert caught.value.name == "partials/footer.txt"


def test_a_template_that_is_not_jinja_is_refused_with_its_line() -> None:
    name = notification_template(NotificationKind.ORDER_DELIVERED, "subject")
    with pytest.raises(TemplateError, match=r"delivered/subject\.txt' line 2: .*endif"):
        JinjaTemplates({name: "Hi\n{% if order_id %}"})


def test_a_template_folder_that_is_not_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nowhere.*is not a folder"):
        JinjaTemplates(folder=tmp_path / "nowhere")
    bad = tmp_path / "partials"
    bad.mkdir()
    (bad / "x.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TemplateError, match=r"partials/x\.txt"):
        JinjaTemplates(folder=tmp_path)


def test_without_jinja2_the_renderer_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(TemplatesUnavailable, match=r"salesorder\[templates\]"):
        JinjaTemplates()
    with pytest.raises(ImportError):
        JinjaTemplates()
    # The built-in renderers need no Jinja2.
    assert "VAT invoice" in render_html(s.plain(), "en_US")
    kind = NotificationKind.ORDER_DELIVERED
    assert TemplateBook.default().message(kind, "en_US", sample(kind)).body.startswith("Hi")


# -- refusals: when a template renders -----------------------------------------------------------


def test_a_refused_call_at_render_time_names_the_template_and_line() -> None:
    name = notification_template(NotificationKind.ORDER_DELIVERED, "body")
    source = "Hi\n{% set a = '__cla' ~ 'ss__' %}{{ order_id|attr(a) }}"
    jinja = JinjaTemplates({name: source})  # a computed name shows only when it runs
    kind = NotificationKind.ORDER_DELIVERED
    with pytest.raises(TemplateSandboxError, match=r"delivered/body\.txt' line 2.*__class__"):
        jinja.message(kind, "en_US", sample(kind))


def test_changing_a_value_is_refused_and_leaves_it_as_it_was() -> None:
    values = preview_values(s.plain(), "en_US")
    lines = list(values["lines"])
    jinja = JinjaTemplates({INVOICE_PREVIEW: "{{ lines.append(lines[0]) }}"})
    with pytest.raises(TemplateSandboxError, match=r"invoice/preview\.html.*append"):
        jinja.render(INVOICE_PREVIEW, "en_US", values)
    assert values["lines"] == lines


def test_an_attribute_a_value_lacks_is_an_error_not_an_empty_string() -> None:
    jinja = JinjaTemplates({INVOICE_PREVIEW: "<p>\n{{ seller.nmae }}</p>"})
    with pytest.raises(TemplateFieldError, match=r"preview\.html' line 2.*'nmae'") as caught:
        render_html(s.plain(), "en_US", templates=jinja)
    assert caught.value.field == "nmae"


def test_a_template_that_fails_otherwise_names_itself() -> None:
    name = notification_template(NotificationKind.RETURN_RECEIVED, "body")
    jinja = JinjaTemplates({name: "{{ units|int // 0 }}"})
    kind = NotificationKind.RETURN_RECEIVED
    with pytest.raises(TemplateError, match=r"return_received/body\.txt' line 1 failed: Zero"):
        jinja.message(kind, "en_US", {**sample(kind), "units": "2"})


def test_including_a_computed_name_that_does_not_exist_is_refused_when_rendered() -> None:
    name = notification_template(NotificationKind.ORDER_DELIVERED, "body")
    source = "{% set piece = 'partials/' ~ 'sign.txt' %}{% include piece %}"
    jinja = JinjaTemplates({name: source})  # the name is known only when it runs
    kind = NotificationKind.ORDER_DELIVERED
    with pytest.raises(UnknownTemplate, match=r"no template 'partials/sign\.txt'") as caught:
        jinja.message(kind, "en_US", sample(kind))
    assert caught.value.name == "partials/sign.txt"
