"""Templates a shop can change: Jinja2, sandboxed, with the library's Babel catalogs.

:class:`JinjaTemplates` renders the customer notifications and the HTML invoice preview from
Jinja2 templates: salesorder's own, shipped as package files (``salesorder/templates``), or a
shop's, which replace them by name. Text is translated by the message catalogs of
:mod:`salesorder.translations` through ``{% trans %}`` blocks and ``pgettext`` calls; a shop
may add or reword a language with its own ``.po`` catalog.

What a template may do is fenced in:

- It runs in Jinja2's ``ImmutableSandboxedEnvironment``: no attribute
  that starts with ``_`` (so no ``__class__``/``__globals__`` walk out of the template), no
  changing the values it is given.
- HTML templates (``.html``) are autoescaped: a customer's name or an item's description
  cannot inject markup.
- It may use only the fields its kind of message provides (:data:`TEMPLATE_FIELDS`), plus
  ``locale`` and ``language``; any other name, or an attribute the value lacks, is an error
  (``StrictUndefined``), never an empty string.

A shop's templates are checked when :class:`JinjaTemplates` is made: an unknown template
name, a syntax error, an unknown field or an attribute the sandbox refuses raises a
:class:`~salesorder.exceptions.TemplateError` naming the template and the thing, and no
renderer is made. What only shows at render time (a refused call, an attribute a value lacks)
raises the same errors from the render, before a message is stored.

Needs the ``templates`` extra (``pip install 'salesorder[templates]'``: Jinja2, pure Python),
imported when a :class:`JinjaTemplates` is made, never with this module. Without it,
:class:`~salesorder.domain.notifications.TemplateBook` and
:func:`~salesorder.documents.preview.render_html` render the same shipped wording with
``str.format`` and Python.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from salesorder.domain.notifications import FIELDS, MessageText, NotificationKind
from salesorder.exceptions import SalesOrderError, TemplateError
from salesorder.translations import (
    CATALOG_LANGUAGES,
    DOMAIN,
    language_of,
    read_catalog,
    translations,
)

if TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2.nodes import Template as TemplateNode

__all__ = [
    "INVOICE_PREVIEW",
    "PARTIALS",
    "PREVIEW_FIELDS",
    "TEMPLATE_FIELDS",
    "JinjaTemplates",
    "TemplateFieldError",
    "TemplateSandboxError",
    "TemplatesUnavailable",
    "UnknownTemplate",
    "notification_template",
]


class TemplatesUnavailable(SalesOrderError, ImportError):
    """Jinja2 templates need the ``templates`` extra: ``pip install 'salesorder[templates]'``."""


class UnknownTemplate(TemplateError, LookupError):
    """A template name salesorder does not render, given as an override or included."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(message)


class TemplateFieldError(TemplateError):
    """A template uses a field its kind of message does not provide, or an attribute it lacks.

    ``template`` is the template's name, ``field`` the name or attribute.
    """

    def __init__(self, template: str, field: str, message: str) -> None:
        self.template = template
        self.field = field
        super().__init__(message)


class TemplateSandboxError(TemplateError):
    """A template reaches for what the sandbox refuses (``__class__``, ``mro``, a mutation).

    ``template`` is the template's name, ``attribute`` what it reached for, when known.
    """

    def __init__(self, template: str, attribute: str, message: str) -> None:
        self.template = template
        self.attribute = attribute
        super().__init__(message)


#: The HTML invoice preview's template.
INVOICE_PREVIEW = "invoice/preview.html"

#: Templates a shop adds to share pieces (``{% include "partials/footer.txt" %}``) have
#: names under this folder; they may use the fields of whichever template includes them.
PARTIALS = "partials/"

#: The names the invoice preview's template is given. They are strings formatted for the
#: locale, and ``seller``/``buyer`` (``name``, ``address``, ``tax_id``), ``lines`` (``description``,
#: ``quantity``, ``unit_price``, ``net``, ``tax``, ``gross``) and ``taxes`` (``rate``,
#: ``base``, ``legal_base``, ``tax``) as mappings of strings. See ``docs/templates.md``.
PREVIEW_FIELDS = frozenset({
    "title", "number", "issued", "due", "corrects", "seller", "buyer", "lines", "taxes",
    "show_legal_base", "net", "tax", "gross",
})  # fmt: skip

# Every template may also ask which locale and language it is rendered in.
_ALWAYS = frozenset({"locale", "language"})
# Names a template may call without being given them: Jinja2's globals and i18n functions.
_GLOBALS = frozenset({
    "range", "dict", "lipsum", "cycler", "joiner", "namespace",
    "gettext", "ngettext", "pgettext", "npgettext", "_",
})  # fmt: skip


def notification_template(kind: NotificationKind, part: str) -> str:
    """The name of the template of ``kind``'s ``part`` (``"subject"`` or ``"body"``).

    ``notification_template(NotificationKind.ORDER_SHIPPED, "body")`` is
    ``"notifications/order_shipped/body.txt"``.
    """
    return f"notifications/{kind.value}/{part}.txt"


#: Every template salesorder renders, with the fields it is given.
TEMPLATE_FIELDS: Mapping[str, frozenset[str]] = {
    **{
        notification_template(kind, part): FIELDS[kind] | _ALWAYS
        for kind in NotificationKind
        for part in ("subject", "body")
    },
    INVOICE_PREVIEW: PREVIEW_FIELDS | _ALWAYS,
}

_UNDEFINED = re.compile(r"'(\w+)' is undefined|has no attribute '(\w+)'")
_UNSAFE = re.compile(r"attribute '(\w+)'")


def _shipped_source(name: str) -> str:
    return files("salesorder").joinpath("templates", *name.split("/")).read_text("utf-8")


def _read_folder(folder: str | os.PathLike[str]) -> dict[str, str]:
    root = Path(folder)
    if not root.is_dir():
        raise TemplateError(f"template folder {os.fspath(folder)!r} is not a folder")
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            try:
                found[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise TemplateError(
                    f"template {name!r} in {os.fspath(folder)!r}: {error}"
                ) from None
    return found


def _template_line(error: BaseException, names: set[str]) -> str:
    """`` line N`` of the innermost template frame of ``error``'s traceback, if any."""
    line = ""
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in names:
            line = f" line {tb.tb_lineno}"
        tb = tb.tb_next
    return line


class JinjaTemplates:
    """The notifications and the invoice preview as Jinja2 templates a shop can override.

    Args:
        overrides: a shop's templates by name (``"notifications/order_shipped/body.txt"``,
            ``"invoice/preview.html"``, or a shared piece under ``"partials/"``): the
            template's Jinja2 source. They replace the shipped templates of the same name.
        folder: a folder of template files, named by their path inside it (the same names);
            ``overrides`` win over it.
        catalogs: a shop's gettext catalogs (``.po`` files) by language (``"th"``, ``"id"``):
            a new language, or translations that take precedence over the shipped ones.
        fallback: the locale a message is written in when the customer's language has no
            catalog (the shipped catalogs are ``id``, ``vi``, ``ms`` and ``en``).

    Raises:
        TemplatesUnavailable: Jinja2 is not installed (the ``templates`` extra).
        UnknownTemplate: an override's name is not a template salesorder renders, or a
            template includes one that does not exist.
        TemplateFieldError: a template uses a field its message does not provide.
        TemplateSandboxError: a template reads an attribute the sandbox refuses.
        TemplateError: a template that is not valid Jinja2, or a catalog that cannot be read.
    """

    def __init__(
        self,
        overrides: Mapping[str, str] | None = None,
        *,
        folder: str | os.PathLike[str] | None = None,
        catalogs: Mapping[str, str | os.PathLike[str]] | None = None,
        fallback: str = "en_US",
    ) -> None:
        try:
            import jinja2  # noqa: PLC0415, F401 - the optional ``templates`` extra
        except ImportError:
            raise TemplatesUnavailable(
                "JinjaTemplates needs Jinja2: pip install 'salesorder[templates]'"
            ) from None
        sources = _read_folder(folder) if folder is not None else {}
        sources.update(overrides or {})
        #: The shop's templates by name, as checked; read-only, since a change would skip
        #: the checks.
        self.overrides: Mapping[str, str] = MappingProxyType(sources)
        self.fallback = fallback
        self._catalogs = {
            language_of(lang): read_catalog(path) for lang, path in (catalogs or {}).items()
        }
        self._environments: dict[str, Environment] = {}
        self._lock = threading.Lock()
        checker = self._environment(None)
        for name, source in sources.items():
            self._check(checker, name, source)

    # -- checking ---------------------------------------------------------------------------

    def _known(self, name: str) -> bool:
        return name in TEMPLATE_FIELDS or name in self.overrides

    def _check(self, env: Environment, name: str, source: str) -> None:
        """Refuse ``source`` (named ``name``) unless salesorder can render it safely."""
        from jinja2 import TemplateSyntaxError, meta  # noqa: PLC0415 - the templates extra

        if name not in TEMPLATE_FIELDS and not name.startswith(PARTIALS):
            raise UnknownTemplate(
                name,
                f"template {name!r} is not one salesorder renders (its templates: "
                f"{sorted(TEMPLATE_FIELDS)}; shared pieces go under {PARTIALS!r})",
            )
        try:
            tree = env.parse(source, name=name, filename=name)
        except TemplateSyntaxError as error:
            raise TemplateError(f"template {name!r} line {error.lineno}: {error.message}") from None
        self._check_sandbox(name, tree)
        for included in meta.find_referenced_templates(tree):
            if included is not None and not self._known(included):
                raise UnknownTemplate(
                    included, f"template {name!r} includes {included!r}, which does not exist"
                )
        if name in TEMPLATE_FIELDS:
            allowed = TEMPLATE_FIELDS[name]
            unknown = sorted(meta.find_undeclared_variables(tree) - allowed - _GLOBALS)
            if unknown:
                raise TemplateFieldError(
                    name,
                    unknown[0],
                    f"template {name!r} uses {unknown}, which it is not given "
                    f"(it is given {sorted(allowed)})",
                )

    @staticmethod
    def _check_sandbox(name: str, tree: TemplateNode) -> None:
        """Refuse what the sandbox would refuse at render time, as early as it can be seen."""
        from jinja2 import nodes  # noqa: PLC0415 - the templates extra

        refused: list[tuple[str, int]] = []
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter)):
            attribute: Any = None
            if isinstance(node, nodes.Getattr):
                attribute = node.attr
            elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
                attribute = node.arg.value
            elif isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
                first = node.args[0]
                attribute = first.value if isinstance(first, nodes.Const) else None
            if isinstance(attribute, str) and attribute.startswith("_"):
                refused.append((attribute, node.lineno))
        if refused:
            # Outermost first in the tree: the innermost, first written, is the last found.
            attribute, line = refused[-1]
            every = sorted({found for found, _ in refused})
            raise TemplateSandboxError(
                name,
                attribute,
                f"template {name!r} line {line} reads {attribute!r}, which the sandbox "
                f"refuses (no attribute starting with '_'; it reads {every})",
            )

    # -- environments -----------------------------------------------------------------------

    def _translations(self, language: str) -> Any:
        shop = self._catalogs.get(language)
        if shop is None:
            return translations(language)
        if language not in CATALOG_LANGUAGES:
            return shop
        # A fresh copy of the shipped catalog (the cached one is shared), the shop's on top.
        resource = files("salesorder").joinpath(f"locale/{language}/LC_MESSAGES/{DOMAIN}.po")
        merged = read_catalog(f"salesorder/locale/{language}", text=resource.read_text("utf-8"))
        merged.merge(shop)
        return merged

    def _environment(self, language: str | None) -> Environment:
        """The sandbox for ``language`` (its catalog installed), made once; None: no catalog."""
        from jinja2 import FunctionLoader, StrictUndefined, select_autoescape  # noqa: PLC0415
        from jinja2.sandbox import ImmutableSandboxedEnvironment  # noqa: PLC0415

        with self._lock:
            if language is not None and language in self._environments:
                return self._environments[language]
            env = ImmutableSandboxedEnvironment(
                loader=FunctionLoader(self._load),
                undefined=StrictUndefined,
                autoescape=select_autoescape(("html", "htm", "xml"), default_for_string=False),
                extensions=["jinja2.ext.i18n"],
            )
            # Long messages may wrap in a template: a {% trans %} block's whitespace is one space.
            env.policies["ext.i18n.trimmed"] = True
            if language is not None:
                env.install_gettext_translations(  # type: ignore[attr-defined]
                    self._translations(language), newstyle=True
                )
                self._environments[language] = env
            return env

    def _load(self, name: str) -> tuple[str, str, Any] | None:
        if name in self.overrides:
            return self.overrides[name], name, lambda: True
        if name in TEMPLATE_FIELDS:
            return _shipped_source(name), name, lambda: True
        return None

    def language(self, locale: str) -> tuple[str, str]:
        """(locale, language) a message for ``locale`` is written in.

        ``locale`` itself when its language has a catalog (shipped or the shop's), else the
        fallback locale: the locale fallback of
        :class:`~salesorder.domain.notifications.TemplateBook`.
        """
        language = language_of(locale)
        if language in CATALOG_LANGUAGES or language in self._catalogs:
            return locale, language
        return self.fallback, language_of(self.fallback)

    # -- rendering --------------------------------------------------------------------------

    def source(self, name: str) -> str:
        """The source of template ``name``: the shop's override, else the shipped one.

        Raises:
            UnknownTemplate: salesorder renders no template of that name.
        """
        found = self._load(name)
        if found is None:
            raise UnknownTemplate(name, f"no template {name!r}")
        return found[0]

    def render(self, name: str, locale: str, values: Mapping[str, Any]) -> str:
        """Template ``name`` rendered in ``locale`` (or the fallback) with ``values``.

        Raises:
            UnknownTemplate: no template of that name (or one it includes).
            TemplateFieldError: it uses a name or an attribute it is not given.
            TemplateSandboxError: it reached for something the sandbox refuses.
            TemplateError: it failed otherwise; the message names it and the line.
        """
        from jinja2 import TemplateNotFound, UndefinedError  # noqa: PLC0415
        from jinja2.exceptions import SecurityError  # noqa: PLC0415
        from jinja2.exceptions import TemplateError as JinjaError  # noqa: PLC0415

        used, language = self.language(locale)
        env = self._environment(language)
        names = set(TEMPLATE_FIELDS) | set(self.overrides)
        try:
            template = env.get_template(name)
            return template.render({**values, "locale": used, "language": language})
        except TemplateNotFound as error:
            missing = str(error.name or name)
            raise UnknownTemplate(missing, f"no template {missing!r}") from None
        except UndefinedError as error:
            found = _UNDEFINED.search(str(error))
            field = (found.group(1) or found.group(2)) if found else ""
            raise TemplateFieldError(
                name, field, f"template {name!r}{_template_line(error, names)}: {error}"
            ) from None
        except SecurityError as error:
            found = _UNSAFE.search(str(error))
            raise TemplateSandboxError(
                name,
                found.group(1) if found else "",
                f"template {name!r}{_template_line(error, names)}: the sandbox refused: {error}",
            ) from None
        except (JinjaError, TypeError, ValueError, ArithmeticError, LookupError) as error:
            raise TemplateError(
                f"template {name!r}{_template_line(error, names)} failed: "
                f"{type(error).__name__}: {error}"
            ) from None

    def message(
        self, kind: NotificationKind, locale: str, values: Mapping[str, str]
    ) -> MessageText:
        """The message of ``kind`` for ``locale``: its subject and body templates rendered.

        The :class:`~salesorder.domain.notifications.MessageTemplates` a
        :class:`~salesorder.services.notifications.Notifier` takes.
        """
        used, _ = self.language(locale)
        return MessageText(
            locale=used,
            subject=self.render(notification_template(kind, "subject"), locale, values),
            body=self.render(notification_template(kind, "body"), locale, values),
        )
