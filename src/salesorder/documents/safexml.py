"""Parsing XML that comes from outside (a provider's answer, an imported document) safely.

A document that declares a DTD is refused outright, before any of it is used: no external
entities (XXE: reading local files or URLs), no internal entity definitions (the "billion
laughs" expansion bomb), no external DTD fetch. The standard library's expat parser is
used with a handler that stops at the DOCTYPE declaration, the same policy as defusedxml's
``forbid_dtd``; a legitimate e-invoice never needs a DTD (UBL and CII use XML Schema).

A document in any text encoding expat reads (UTF-8, UTF-16 with its byte order mark or
declared, ISO-8859-1 and the other single-byte encodings Python knows) is parsed; one it
cannot read (UTF-7 and other multi-byte encodings, an unknown encoding name, text with a
lone surrogate) is refused with :class:`~salesorder.exceptions.MalformedDocument`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from salesorder.exceptions import MalformedDocument, UnsafeXml

__all__ = ["parse_xml"]


def _forbid(*_args: Any) -> None:
    raise UnsafeXml("XML with a DTD or entity declarations is refused (XXE, entity bombs)")


def parse_xml(data: bytes | str) -> ET.Element:
    """The root element of ``data``.

    The document is first scanned by expat with handlers that stop at a DOCTYPE, an entity
    or a notation declaration (nothing is expanded or fetched before that point); only a
    document without any is then built as a tree.

    Raises:
        UnsafeXml: the document declares a DTD, entities or notations, or is not
            well-formed XML (with the parser's reason).
        MalformedDocument: ``data`` is neither bytes nor text, is text with a lone
            surrogate, or is in an encoding the parser cannot read.
    """
    if isinstance(data, str):
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            raise MalformedDocument("XML document", "text with a lone surrogate") from None
    elif not isinstance(data, (bytes, bytearray)):
        raise MalformedDocument(
            "XML document", f"expected bytes or text, got {type(data).__name__}"
        )
    scanner: Any = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = _forbid
    scanner.EntityDeclHandler = _forbid
    scanner.UnparsedEntityDeclHandler = _forbid
    scanner.NotationDeclHandler = _forbid
    scanner.ExternalEntityRefHandler = _forbid
    try:
        scanner.Parse(data, True)
        return ET.fromstring(data)  # noqa: S314 - no DTD: nothing to expand or fetch
    except (expat.ExpatError, ET.ParseError) as error:
        raise UnsafeXml(f"not well-formed XML: {error}") from None
    except UnsafeXml:  # from _forbid; a ValueError too, so it is let through first
        raise
    except (LookupError, ValueError) as error:  # an unknown or multi-byte encoding
        raise MalformedDocument("XML document", f"cannot be read: {error}") from None
