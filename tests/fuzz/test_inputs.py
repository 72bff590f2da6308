"""Hostile documents: webhook bodies and signatures, scenario files, XML in any encoding.

Each entry point may answer a hostile input with a result or a
:class:`~salesorder.exceptions.SalesOrderError`, never with another exception; the app's
webhook command, when it raises, leaves everything committed as it was.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fuzz.hostile import COUNTS, SCALE, WRONG, committed, outcome_of
from tests.fuzz.test_commands import FUZZ
from tests.services.conftest import stock_shop

from salesorder import SalesOrderError, commands, in_memory, serialization
from salesorder.documents.safexml import parse_xml
from salesorder.domain.channels import MarketplaceOrder, sign_webhook, verify_webhook
from salesorder.domain.marketplaces import read_webhook_body
from salesorder.exceptions import MalformedPayload, ScenarioError
from salesorder.scenario import dump_scenario, load_demo, load_scenario, parse_scenario
from salesorder.testing import strategies as sst

SECRET = b"test-secret"  # the in-memory marketplaces' default secret

#: JSON values of every shape, with numbers and text of any size.
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**50])
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)

#: Texts that are not JSON a reader should take whole: deep, huge numbers, odd characters.
NASTY_JSON = st.one_of(
    st.integers(1, 200_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 200_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(4000, 6000).map(lambda n: "1" * n),
    st.integers(4000, 6000).map(lambda n: '{"revision": ' + "9" * n + "}"),
    st.sampled_from(["NaN", "-Infinity", '"\\ud800"', '"\\u0000"', "", "\ufeff{}", "[1,]"]),
    st.text(),
)


def _mutate(data: Any, path: list[int], replacement: Any) -> Any:
    """``data`` with the value at ``path`` (indexes into its items, wrapping) replaced."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return replacement
    if isinstance(data, dict):
        key = sorted(data)[path[0] % len(data)]
        return {**data, key: _mutate(data[key], path[1:], replacement)}
    index = path[0] % len(data)
    return [*data[:index], _mutate(data[index], path[1:], replacement), *data[index + 1 :]]


@st.composite
def order_bodies(draw: st.DrawFn) -> str:
    """A marketplace order's JSON, often with one value replaced by a hostile one."""
    order = draw(sst.marketplace_orders("IDR"))
    data = serialization.unstructure(order)
    if draw(st.booleans()):
        path = draw(st.lists(st.integers(0, 20), min_size=1, max_size=4))
        data = _mutate(data, path, draw(st.one_of(JSON_VALUES, st.sampled_from(_HOSTILE_LEAVES))))
    return json.dumps(data)


_HOSTILE_LEAVES = [
    2**64,
    2**63,
    -1,
    "1e40",
    "99999999999999999999",
    "\x00",
    "x" * 500,
    "NaN",
    {"amount": "1e40", "currency": "IDR"},
]


# -- webhooks: the domain functions ---------------------------------------------------------


@settings(FUZZ, max_examples=300 * SCALE)
@given(body=st.one_of(NASTY_JSON, order_bodies(), st.binary()))
def test_reading_any_webhook_body_gives_json_or_a_malformed_payload(body: str | bytes) -> None:
    raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
    outcome_of("read_webhook_body", lambda: read_webhook_body(raw), MalformedPayload)


@settings(FUZZ, max_examples=300 * SCALE)
@given(body=st.binary(max_size=64), signature=st.one_of(st.text(), WRONG))
def test_any_signature_is_verified_or_not_without_an_error(body: bytes, signature: Any) -> None:
    assert verify_webhook(SECRET, body, signature) is (signature == sign_webhook(SECRET, body))
    COUNTS["verify_webhook", "ok"] += 1


def test_a_signature_of_any_characters_is_simply_invalid() -> None:
    body = b"{}"
    for signature in ("é", "\ud800", "\x00", "🔑" * 64, sign_webhook(SECRET, body) + "ü"):
        assert verify_webhook(SECRET, body, signature) is False
    assert verify_webhook(SECRET, body, " " + sign_webhook(SECRET, body).upper()) is True


# -- webhooks: through the app ------------------------------------------------------------


def _receive(body: str, signature: str | None) -> None:
    app = stock_shop(in_memory())
    entry = "ReceiveWebhook (memory)"
    try:
        encoded = body.encode("utf-8")
    except UnicodeEncodeError:
        encoded = b""
    signed = sign_webhook(SECRET, encoded) if signature is None else signature
    try:
        command = commands.ReceiveWebhook(channel="shopee", body=body, signature=signed)
    except SalesOrderError:
        COUNTS[entry, "refused at construction"] += 1
        return
    before = committed(app)
    try:
        result = app.execute(command)
    except SalesOrderError:
        COUNTS[entry, "refused by execute"] += 1
        assert committed(app) == before
        return
    COUNTS[entry, f"outcome {result.outcome.value}"] += 1


@settings(FUZZ, max_examples=150 * SCALE)
@given(
    body=st.one_of(order_bodies(), st.text(), st.sampled_from(['{"a": "\ud800"}', "\ud800"])),
    signature=st.one_of(st.none(), st.none(), st.text(max_size=80)),
)
def test_a_hostile_webhook_through_the_app(body: str, signature: str | None) -> None:
    """Signed (mostly) or forged bodies: an outcome, or a library error that changed nothing."""
    _receive(body, signature)


@settings(FUZZ, max_examples=20)
@given(body=NASTY_JSON)
def test_a_signed_body_nested_too_deep_or_with_huge_numbers_through_the_app(body: str) -> None:
    _receive(body, None)


# -- scenario files -------------------------------------------------------------------------

DEMO = dump_scenario(load_demo())


@settings(FUZZ, max_examples=200 * SCALE)
@given(
    path=st.lists(st.integers(0, 40), min_size=1, max_size=6),
    replacement=st.one_of(JSON_VALUES, st.sampled_from(_HOSTILE_LEAVES)),
)
def test_a_scenario_with_one_hostile_value(path: list[int], replacement: Any) -> None:
    text = json.dumps(_mutate(DEMO, path, replacement))
    outcome_of("parse_scenario (one value replaced)", lambda: parse_scenario(text), ScenarioError)


@settings(FUZZ, max_examples=200 * SCALE)
@given(text=st.one_of(NASTY_JSON, JSON_VALUES.map(json.dumps)))
def test_any_text_as_a_scenario(text: str) -> None:
    outcome_of("parse_scenario (any text)", lambda: parse_scenario(text), ScenarioError)


@settings(FUZZ, max_examples=100 * SCALE)
@given(data=st.one_of(WRONG, st.dictionaries(st.text(max_size=8), WRONG, max_size=4)))
def test_any_python_value_as_a_scenario(data: Any) -> None:
    outcome_of("load_scenario (Python values)", lambda: load_scenario(data), ScenarioError)


# -- XML ------------------------------------------------------------------------------------

_XML = '<?xml version="1.0" encoding="{enc}"?><Invoice xmlns="urn:x">caf\u00e9 {n}</Invoice>'
_ENCODINGS = ["UTF-8", "ISO-8859-1", "UTF-16", "UTF-16-LE", "UTF-32", "UTF-7", "cp500", "bogus"]


@st.composite
def xml_documents(draw: st.DrawFn) -> bytes | str:
    """XML declared in one encoding and written in another (or the same), or anything."""
    declared = draw(st.sampled_from(_ENCODINGS))
    written = draw(st.sampled_from([e for e in _ENCODINGS if e != "bogus"]))
    text = _XML.format(enc=declared, n=draw(st.integers()))
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return text.encode(written, errors="replace")
    if choice == 1:
        return text  # text with a declaration
    if choice == 2:
        return draw(st.binary(max_size=200))
    if choice == 3:
        return draw(st.text(max_size=200)) + "\ud800"
    bomb = '<!DOCTYPE a [<!ENTITY x "xx"><!ENTITY y "&x;&x;">]><a>&y;</a>'
    return draw(st.sampled_from([bomb, bomb.encode("utf-16"), "<a>" * 100_000]))


@settings(FUZZ, max_examples=300 * SCALE)
@given(document=xml_documents())
def test_parse_xml_of_any_encoding(document: bytes | str) -> None:
    outcome_of("parse_xml", lambda: parse_xml(document), SalesOrderError)


@settings(FUZZ, max_examples=20 * SCALE)
@given(document=xml_documents(), which=st.sampled_from(["ubl", "cii"]))
def test_validating_xml_of_any_encoding(document: bytes | str, which: str) -> None:
    validation = pytest.importorskip("salesorder.documents.validation")
    validate = validation.validate_ubl if which == "ubl" else validation.validate_cii
    outcome_of(f"validate_{which}", lambda: validate(document), SalesOrderError)  # type: ignore[arg-type]


@settings(FUZZ, max_examples=20)
@given(order=sst.marketplace_orders())
def test_a_real_order_body_is_read_whole(order: MarketplaceOrder) -> None:
    """The limits leave a real delivery alone: a marketplace order round trips."""
    body = json.dumps(serialization.unstructure(order)).encode()
    assert serialization.structure(read_webhook_body(body), MarketplaceOrder) == order
