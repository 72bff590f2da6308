"""The library's words in Indonesian, Vietnamese, Malay and English: Babel message catalogs.

Every text salesorder prints for a person (the customer notifications, the invoice preview's
labels) is an English message whose translations live in gettext catalogs shipped with the
package, ``salesorder/locale/<language>/LC_MESSAGES/salesorder.po``, one per language:
``id``, ``vi``, ``ms`` and ``en`` (the source language, kept so a shop can reword it). They
are read with babel at first use and kept, never at import time.

A locale is looked up by its language (``id_ID`` and ``id`` both read ``id``); a language
without a catalog reads English, the messages themselves. Placeholders are Python's
``%(name)s``, as gettext tools and Jinja2's ``{% trans %}`` blocks write them.
"""

from __future__ import annotations

import functools
import io
import os
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from salesorder.exceptions import TemplateError

__all__ = [
    "CATALOG_LANGUAGES",
    "DOMAIN",
    "format_placeholders",
    "language_of",
    "read_catalog",
    "translations",
]

#: The gettext domain of the shipped catalogs (the ``.po`` files' name).
DOMAIN = "salesorder"

#: The languages salesorder ships a catalog for.
CATALOG_LANGUAGES = ("id", "vi", "ms", "en")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def language_of(locale: str) -> str:
    """The language part of ``locale``: ``"id"`` for ``"id_ID"``, ``"id-ID"`` and ``"id"``."""
    return re.split(r"[_\-@.]", locale, maxsplit=1)[0].lower()


def read_catalog(path: str | os.PathLike[str], *, text: str | None = None) -> Any:
    """A gettext catalog (``.po``) as babel ``Translations``, checked.

    Args:
        path: where the catalog is (named in errors).
        text: its content, when already read.

    Raises:
        TemplateError: the catalog cannot be read, or a translation uses a placeholder its
            message does not have (babel's ``python-format`` check), naming the message.
    """
    from babel.messages.mofile import write_mo  # noqa: PLC0415 - babel loads on first use
    from babel.messages.pofile import PoFileError, read_po  # noqa: PLC0415
    from babel.support import Translations  # noqa: PLC0415

    where = os.fspath(path)
    try:
        source = text if text is not None else Path(where).read_text(encoding="utf-8")
        catalog = read_po(io.StringIO(source), abort_invalid=True)
    except (OSError, PoFileError, ValueError) as error:
        raise TemplateError(f"catalog {where!r} cannot be read: {error}") from None
    for message, errors in catalog.check():
        if errors:
            raise TemplateError(f"catalog {where!r} translates {message.id!r} wrongly: {errors[0]}")
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@functools.cache
def _shipped(language: str) -> Any:
    resource = files("salesorder").joinpath(f"locale/{language}/LC_MESSAGES/{DOMAIN}.po")
    return read_catalog(
        f"salesorder/locale/{language}/LC_MESSAGES/{DOMAIN}.po",
        text=resource.read_text(encoding="utf-8"),
    )


def translations(locale: str) -> Any:
    """The shipped catalog of ``locale``'s language as babel ``Translations`` (cached).

    A language salesorder has no catalog for gets the English one: its messages unchanged.
    """
    language = language_of(locale)
    return _shipped(language if language in CATALOG_LANGUAGES else "en")


def format_placeholders(message: str) -> str:
    """A gettext message (``%(name)s`` placeholders) as a ``str.format`` template.

    ``"Order %(order_id)s: 10%% off {x}"`` becomes ``"Order {order_id}: 10% off {{x}}"``.
    """
    escaped = message.replace("{", "{{").replace("}", "}}")
    return _PLACEHOLDER.sub(
        lambda m: "%" if m.group(1) is None else "{" + m.group(1) + "}", escaped
    )
