"""Small, well-formed HTML fragments: every text is escaped here, nowhere else.

Builders take plain text and escape it; they return :class:`Html`, which is markup already
and is not escaped again, so a fragment nests in another without double escaping and a
customer's ``<script>`` in a name is shown as text.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["Html", "block", "details", "facts", "table", "text"]


class Html(str):
    """A string that is markup already (built here from escaped text)."""

    __slots__ = ()


def text(value: object) -> Html:
    """``value`` as text: markup as it is, anything else ``str()``-ed and escaped."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    caption: str = "",
    footer: Sequence[object] = (),
) -> Html:
    """A table with a header row, its ``rows`` and an optional totals row (``footer``)."""
    head = "".join(f"<th>{text(cell)}</th>" for cell in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    foot = (
        "<tfoot><tr>" + "".join(f"<th>{text(cell)}</th>" for cell in footer) + "</tr></tfoot>"
        if footer
        else ""
    )
    title = f"<caption>{text(caption)}</caption>" if caption else ""
    return Html(f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody>{foot}</table>")


def facts(pairs: Iterable[tuple[str, object]]) -> Html:
    """Label and value pairs as a two-column table (values that are '' are left out).

    Nothing at all when every value is ''.
    """
    rows = "".join(
        f"<tr><th style='text-align:left'>{text(label)}</th><td>{text(value)}</td></tr>"
        for label, value in pairs
        if value != ""
    )
    return Html(f"<table>{rows}</table>" if rows else "")


def details(summary: str, content: Html) -> Html:
    """``content`` folded under ``summary`` (a notebook shows the summary until clicked)."""
    return Html(f"<details><summary>{text(summary)}</summary>{content}</details>")


def block(kind: str, heading: str, *parts: Html) -> Html:
    """One object's fragment: a ``div`` of class ``salesorder-<kind>`` with a bold heading."""
    return Html(
        f"<div class='salesorder-{text(kind)}'><p><strong>{text(heading)}</strong></p>"
        + "".join(parts)
        + "</div>"
    )
