"""The JSON Schema of scenario files, generated from the models the loader builds.

:func:`generate_scenario_schema` walks the attrs classes a scenario is structured into, as
:func:`~salesorder.scenario.scenario_converter` reads them: every key of a class is a
property, a field without a default is required, unknown keys are refused; steps are told
apart by their ``type`` (one branch per command and scenario-only step); money is
``{"amount", "currency"}``; decimals and quantities are decimal strings or whole numbers;
fractions are strings such as ``"11/12"``; dates and datetimes are ISO 8601 strings (a
datetime with an offset); enums list their values. Descriptions come from the classes'
docstrings (their first paragraph, and the ``Attributes:`` section for the fields).

The schema is generated when salesorder is built and shipped as
``salesorder/scenario/scenario.schema.json``; :func:`scenario_schema` reads that file and
``salesorder schema`` prints it. The suite checks that generating it again gives the same
file, so the schema and the models cannot drift apart. The loader stays the judge: it
checks what a schema cannot say (a reference to an earlier step's name, a currency in the
ISO 4217 table, a quantity above zero).

To write the file again after changing a model (``--check``: exit 1 if it would change)::

    python scripts/scenario_schema.py
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import importlib.resources
import inspect
import json
import re
import types
import typing
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from salesorder.domain.common import MAX_CODE_LENGTH, code
from salesorder.scenario.actions import Action
from salesorder.scenario.loading import _NAME, _action_types, scenario_converter
from salesorder.scenario.model import FORMAT, VERSION, ProductEntry, Scenario, Step

__all__ = [
    "SCHEMA_RESOURCE",
    "generate_scenario_schema",
    "render_schema",
    "scenario_schema",
    "shipped_schema_text",
]

#: The schema file's name in the ``salesorder.scenario`` package.
SCHEMA_RESOURCE = "scenario.schema.json"

#: The JSON Schema dialect: draft 7, which editors (VS Code, JetBrains) and validators read.
_DIALECT = "http://json-schema.org/draft-07/schema#"

#: A decimal number as a string: what ``Decimal(text.strip())`` reads, less NaN and infinity.
_DECIMAL = r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$"
#: A fraction as a string: ``"11/12"``, or a decimal number.
_FRACTION = r"^\s*[+-]?(\d+\s*/\s*\d+|(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*$"
#: An ISO 8601 date, ``2026-01-05``.
_DATE = r"^\s*\d{4}-\d{2}-\d{2}\s*$"
#: An ISO 8601 date and time with its offset (``Z`` or ``+07:00``): one without is refused.
_DATETIME = (
    r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}(:\d{2}(:\d{2}([.,]\d+)?)?)?([Zz]|[+-]\d{2}(:?\d{2})?)\s*$"
)

# Named shapes, kept in ``definitions`` and referred to by ``$ref``.
_SCALARS: dict[str, dict[str, Any]] = {
    "Decimal": {
        "description": 'An exact decimal number: a string such as "12.50", or a whole number '
        "(never a float such as 12.5, which cannot hold most decimal amounts exactly).",
        "anyOf": [{"type": "string", "pattern": _DECIMAL}, {"type": "integer"}],
    },
    "Quantity": {
        "description": "A quantity in the product's unit: a whole number (3 pieces), or a "
        'decimal string for units that split ("12.5" kg).',
        "anyOf": [{"type": "integer"}, {"type": "string", "pattern": _DECIMAL}],
    },
    "Fraction": {
        "description": 'An exact fraction: a string such as "11/12", or a whole number.',
        "anyOf": [{"type": "string", "pattern": _FRACTION}, {"type": "integer"}],
    },
    "Date": {
        "description": 'An ISO 8601 date, such as "2026-01-05".',
        "type": "string",
        "format": "date",
        "pattern": _DATE,
    },
    "DateTime": {
        "description": "An ISO 8601 date and time with its offset, such as "
        '"2026-01-05T09:00:00+07:00" or "2026-01-05T02:00:00Z".',
        "type": "string",
        "format": "date-time",
        "pattern": _DATETIME,
    },
    "Bytes": {"description": "Bytes as base64 text.", "type": "string"},
}
_SCALAR_TYPES: dict[Any, str] = {
    Decimal: "Decimal",
    Fraction: "Fraction",
    dt.date: "Date",
    dt.datetime: "DateTime",
    bytes: "Bytes",
}
_PLAIN: dict[Any, dict[str, Any]] = {
    str: {"type": "string"},
    bool: {"type": "boolean"},
    int: {"type": "integer"},
    type(None): {"type": "null"},
}

_ROLE = re.compile(r":[\w:]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
_LITERAL = re.compile(r"``(.*?)``")


def _plain_text(text: str) -> str:
    """Docstring text for an editor's tooltip: Sphinx roles and literals as plain words."""
    text = _ROLE.sub(lambda match: match.group(1).rsplit(".", 1)[-1], text)
    return " ".join(_LITERAL.sub(r"\1", text).split())


def _summary(cls: type[Any]) -> str:
    """The first paragraph of ``cls``'s own docstring, as plain text."""
    doc = cls.__dict__.get("__doc__") or ""
    return _plain_text(inspect.cleandoc(doc).split("\n\n", 1)[0]) if doc else ""


def _attribute_docs(cls: type[Any]) -> dict[str, str]:
    """Each field's text in the ``Attributes:`` section of ``cls``'s docstring."""
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    lines = doc.split("\n")
    if "Attributes:" not in lines:
        return {}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines[lines.index("Attributes:") + 1 :]:
        if not line.strip():
            break
        if not line.startswith(" "):
            break  # the next section
        match = re.match(r"^ {4}(\w+)(?: \([^)]*\))?: ?(.*)$", line)
        if match:
            current = found.setdefault(match.group(1), [match.group(2)])
        elif current is not None:
            current.append(line.strip())
    texts = {name: _plain_text(" ".join(parts)) for name, parts in found.items()}
    return {name: text[:1].upper() + text[1:] for name, text in texts.items()}


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _is_quantity(tp: Any) -> bool:
    return _is_union(tp) and set(typing.get_args(tp)) == {int, Decimal}


def _json_default(value: Any) -> tuple[bool, Any]:
    """(True, the default as JSON) when it is small enough to show; else (False, None)."""
    data = scenario_converter().unstructure(value)
    if data is None or isinstance(data, (str, int, bool)):
        return True, data
    if isinstance(data, (list, dict)) and not data:
        return True, data
    return False, None


def _has_validator(field: attrs.Attribute[Any], validator: Any) -> bool:
    found = field.validator
    inner = getattr(found, "_validators", None)
    return found is validator or (inner is not None and validator in inner)


class _Builder:
    """Builds the ``definitions`` of the schema, one per attrs class, as they are reached."""

    def __init__(self) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}
        self.hints: dict[type[Any], dict[str, Any]] = {}

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/definitions/{name}"}

    def of(self, tp: Any) -> dict[str, Any]:  # noqa: PLR0911 - one return per kind of type
        """The schema of a value of type ``tp``."""
        if tp in _PLAIN:
            return dict(_PLAIN[tp])
        if tp in _SCALAR_TYPES:
            name = _SCALAR_TYPES[tp]
            self.definitions[name] = _SCALARS[name]
            return self.ref(name)
        if _is_quantity(tp):
            self.definitions["Quantity"] = _SCALARS["Quantity"]
            return self.ref("Quantity")
        if tp is Step or tp is Action:  # a step: one of the commands or actions, by type
            return self.ref(self.step())
        if _is_union(tp):
            args = typing.get_args(tp)
            rest = tuple(arg for arg in args if arg is not type(None))
            inner = self.of(rest[0] if len(rest) == 1 else typing.Union[rest])  # noqa: UP007
            return {"anyOf": [inner, {"type": "null"}]} if len(rest) < len(args) else inner
        origin = typing.get_origin(tp)
        if origin in (tuple, list):
            return {"type": "array", "items": self.of(typing.get_args(tp)[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.of(typing.get_args(tp)[1])}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [member.value for member in tp]}
        if isinstance(tp, type) and attrs.has(tp):
            return self.ref(self.model(tp))
        raise TypeError(f"no JSON Schema for {tp!r}")

    def properties(self, cls: type[Any]) -> tuple[dict[str, Any], list[str]]:
        """The properties of ``cls``'s document and the names of those it requires."""
        if cls not in self.hints:
            self.hints[cls] = typing.get_type_hints(cls)
        docs = _attribute_docs(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init or field.metadata.get("json", True) is False:
                continue  # not set by a document (a field that holds code, not data)
            schema = self.of(self.hints[cls][field.name])
            if _has_validator(field, code):
                schema = {**schema, "minLength": 1, "maxLength": MAX_CODE_LENGTH,
                          "pattern": r"^\S+$"}  # fmt: skip
            extra: dict[str, Any] = {}
            if field.name in docs:
                extra["description"] = docs[field.name]
            if field.default is attrs.NOTHING:
                required.append(field.name)
            else:
                default = field.default
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    default = None if default.takes_self else default.factory()
                shown, value = _json_default(default)
                if shown:
                    extra["default"] = value
            # Draft 7 ignores the siblings of a "$ref": wrap it when it has company.
            if extra and "$ref" in schema:
                schema = {"allOf": [schema]}
            properties[field.name] = {**extra, **schema}
        return properties, required

    def model(self, cls: type[Any]) -> str:
        """The name of ``cls``'s definition, built on first use."""
        name = cls.__name__
        if name in self.definitions:
            return name
        self.definitions[name] = {}  # reserved first: models refer to themselves
        if cls is ProductEntry:
            # A product with one more key: the warehouse its initial stock goes into.
            properties, required = self.properties(_product_type())
            properties["warehouse"] = {
                "description": "The warehouse that receives the product's initial_stock.",
                "anyOf": [{"type": "string"}, {"type": "null"}],
            }
            summary = _summary(ProductEntry)
        else:
            properties, required = self.properties(cls)
            summary = _summary(cls)
        definition: dict[str, Any] = {"title": name, "type": "object"}
        if summary:
            definition["description"] = summary
        definition["properties"] = properties
        if required:
            definition["required"] = required
        definition["additionalProperties"] = False
        self.definitions[name] = definition
        return name

    def step(self) -> str:
        """The definition of a step: its ``type`` picks one of the commands' or actions'."""
        if "Step" in self.definitions:
            return "Step"
        self.definitions["Step"] = {}
        branches = []
        tags = []
        for cls in _action_types():
            tag: str = cls.tag
            tags.append(tag)
            properties, required = self.properties(cls)
            definition: dict[str, Any] = {"title": tag, "type": "object"}
            summary = _summary(cls)
            if summary:
                definition["description"] = summary
            definition["properties"] = {
                "type": {"const": tag},
                "as": self.ref("Name"),
                **properties,
            }
            definition["required"] = ["type", *required]
            definition["additionalProperties"] = False
            self.definitions[f"step.{tag}"] = definition
            branches.append(
                {
                    "if": {"properties": {"type": {"const": tag}}, "required": ["type"]},
                    "then": self.ref(f"step.{tag}"),
                }
            )
        self.definitions["Name"] = {
            "description": "A name for the step's result, used as \"$name\" in a later step's "
            "fields ending in _id: letters, digits, '_' and '-', starting with a letter or '_'.",
            "type": "string",
            "pattern": _NAME.pattern,
        }
        self.definitions["Step"] = {
            "title": "Step",
            "description": _summary(Step) + " The fields are those of the step's type.",
            "type": "object",
            "properties": {"type": {"description": "What the step does.", "enum": tags}},
            "required": ["type"],
            "allOf": branches,
        }
        return "Step"


def _product_type() -> type[Any]:
    return typing.get_type_hints(ProductEntry)["product"]  # type: ignore[no-any-return]


def generate_scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 7) of a scenario file, built from the models.

    The shipped ``scenario.schema.json`` is this, written by ``scripts/scenario_schema.py``;
    :func:`scenario_schema` reads the shipped file without building anything.
    """
    builder = _Builder()
    properties, _required = builder.properties(Scenario)
    properties["format"] = {"description": "What the file is.", "const": FORMAT}
    properties["version"] = {"description": "The version of the format.", "const": VERSION}
    schema: dict[str, Any] = {
        "$schema": _DIALECT,
        "title": "salesorder scenario",
        "description": "A salesorder scenario file (docs/scenario-format.md): the shop's "
        "settings, warehouses, products, customers, opening stock and the steps to run. "
        "Check or run it with `salesorder check FILE` or `salesorder run FILE`.",
        "type": "object",
        "properties": {
            "$schema": {
                "description": "The URL or path of this schema, for editors; ignored by "
                "salesorder.",
                "type": "string",
            },
            **properties,
        },
        "required": ["format", "version"],
        "additionalProperties": False,
        "definitions": dict(sorted(builder.definitions.items())),
    }
    return schema


def render_schema(schema: dict[str, Any]) -> str:
    """``schema`` as the text of the shipped file: indented JSON, UTF-8, a final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@functools.lru_cache(maxsize=1)
def _shipped_text() -> str:
    resource = importlib.resources.files("salesorder.scenario").joinpath(SCHEMA_RESOURCE)
    return resource.read_text(encoding="utf-8")


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, as shipped with salesorder (a fresh copy).

    Point an editor at it for completion and checks while writing a scenario (``salesorder
    schema`` prints it). Validating with it needs a JSON Schema library such as
    ``jsonschema``; salesorder itself does not: :func:`~salesorder.scenario.load_scenario`
    checks every file, and more than a schema can say.
    """
    data: dict[str, Any] = json.loads(_shipped_text())
    return data


def shipped_schema_text() -> str:
    """The text of the shipped schema file, as ``salesorder schema`` prints it."""
    return _shipped_text()
