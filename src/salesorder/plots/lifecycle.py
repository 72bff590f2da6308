"""The order lifecycle as an SVG drawing, written from the transition table (no matplotlib).

:func:`lifecycle_svg` draws :func:`~salesorder.domain.lifecycle.drawn_transitions` as text:
no library, no JavaScript, no network, so the docs show it offline, and the same table
always gives the same bytes. The layout is a simple layered one, worked out here:

- **Rows.** A status's row is its distance in moves from ``new`` (breadth first, in the
  order of :class:`~salesorder.domain.lifecycle.OrderStatus`); the terminal statuses
  (cancelled, refunded), which many statuses reach, share the last row.
- **Columns.** Row by row, each status is placed at the mean position of the statuses above
  that lead to it (the barycentre heuristic, one sweep down; ties in the status order),
  at least a column from its neighbours, which keeps most edges short and uncrossed.
- **Edges.** A move between rows is a curve bent to the right of its direction, so a move
  and its way back (hold and release) are two curves. Within a row, a move to the next box
  is a straight arrow (rightwards above the middle, leftwards below) and one past it an arc
  under the row (rightwards) or over it (leftwards). A move to the same status is a loop.
  A move that skips rows (cancel, from almost anywhere) runs to a lane of its own at the
  right margin and down to its target, which stands under the lanes, instead of cutting
  across the boxes in between.
- **Labels.** Each edge is labelled with its actions, moved up or down a line when it
  would cover a label placed before; an action with a guard is marked ``*`` and its guard
  is listed under the drawing (as the Mermaid text puts it in brackets).

Every node is a ``<g class="node" data-status="...">`` and every edge a
``<path class="edge" data-from="..." data-to="...">`` with its
``<text class="edge-label">``, so the drawing can be checked (and styled) by its parts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from salesorder.domain.lifecycle import (
    GUARDS,
    RELEASE_NOTE,
    TERMINAL,
    OrderAction,
    OrderStatus,
    drawn_transitions,
)

__all__ = ["lifecycle_svg"]

_BOX_W, _BOX_H = 150.0, 34.0
_COL, _ROW = 230.0, 140.0
_MARGIN, _LANE = 30.0, 14.0
_FONT = 12.0
#: Statuses that end an order's story, drawn with a heavier border (as Mermaid's ``[*]``).
_FINAL = TERMINAL | {OrderStatus.COMPLETED}

_Edge = tuple[OrderStatus, OrderStatus, tuple[OrderAction, ...]]
_Point = tuple[float, float]


def _rows(edges: Sequence[_Edge]) -> list[list[OrderStatus]]:
    """The statuses in rows (see the module docstring), in the status order."""
    order = list(OrderStatus)
    rank = {OrderStatus.NEW: 0}
    frontier = [OrderStatus.NEW]
    while frontier:
        reached = []
        for status in frontier:
            for before, after, _ in edges:
                if before is status and after not in rank and after not in TERMINAL:
                    rank[after] = rank[status] + 1
                    reached.append(after)
        frontier = sorted(set(reached), key=order.index)
    last = max(rank.values()) + 1
    rows: list[list[OrderStatus]] = [[] for _ in range(last + 1)]
    for status in order:  # the terminal statuses, and any the table cannot reach, go last
        rows[rank.get(status, last)].append(status)
    return rows


def _columns(rows: list[list[OrderStatus]], edges: Sequence[_Edge]) -> dict[OrderStatus, float]:
    """Each status's x, row by row: by the mean x of the statuses above that lead to it.

    A row's statuses are sorted by that barycentre (ties: the status order), laid out a
    column apart at least, then shifted together so that, on average, each sits where its
    barycentre is.
    """
    order = list(OrderStatus)
    x: dict[OrderStatus, float] = {}
    for row in rows:
        wanted = {}
        for status in row:
            above = [x[b] for b, a, _ in edges if a is status and b in x and b is not a]
            wanted[status] = sum(above) / len(above) if above else 0.0
        ranked = sorted(row, key=lambda s: (wanted[s], order.index(s)))
        if not ranked:  # a row whose statuses all stand under the lanes
            continue
        placed: list[float] = []
        for status in ranked:
            placed.append(wanted[status] if not placed else max(wanted[status], placed[-1] + _COL))
        shift = sum(wanted[s] - p for s, p in zip(ranked, placed, strict=True)) / len(ranked)
        x.update({s: p + shift for s, p in zip(ranked, placed, strict=True)})
    return x


def _boundary(centre: _Point, towards: _Point) -> _Point:
    """Where the line from a box's centre towards a point leaves the box."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (_BOX_W / 2) / abs(dx) if dx else math.inf,
        (_BOX_H / 2) / abs(dy) if dy else math.inf,
    )
    return (centre[0] + dx * scale, centre[1] + dy * scale)


def _label(actions: tuple[OrderAction, ...]) -> str:
    return " / ".join(
        a.value + ("*" if a in GUARDS or a is OrderAction.RELEASE else "") for a in actions
    )


def _text(x: float, y: float, text: str, **attributes: str) -> str:
    extra = "".join(
        f" {key.rstrip('_').replace('_', '-')}={quoteattr(v)}" for key, v in attributes.items()
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(text)}</text>'


_Label = tuple[float, float, str]


def _loop(x: float, y: float) -> tuple[str, _Label]:
    """A move to the same status: a loop over the box's top right corner."""
    right, top = x + _BOX_W / 2, y - _BOX_H / 2
    d = (
        f"M{right - 30:.1f},{top:.1f} C{right - 30:.1f},{top - 34:.1f} "
        f"{right + 34:.1f},{top - 12:.1f} {right:.1f},{top + 8:.1f}"
    )
    return d, (right + 4, top - 14, "start")


def _lane(start: _Point, end: _Point, run: int) -> tuple[str, _Label]:
    """A move that skips rows: down from under the box, right to its lane, down to the target.

    ``run`` is how many such moves left the same row before, to keep their runs apart.
    """
    x = start[0] + _BOX_W / 2 - 12
    bottom = start[1] + _BOX_H / 2
    run_y = bottom + 9 + 6 * run
    d = f"M{x:.1f},{bottom:.1f} V{run_y:.1f} H{end[0]:.1f} V{end[1]:.1f}"
    return d, (x + 5, run_y - 3, "start")


def _along_row(start: _Point, x1: float) -> tuple[str, _Label]:
    """A move within a row: a straight arrow to the next box, else an arc under or over it.

    To the next box, rightwards moves run above the middle and leftwards ones below, so a
    move and its way back never share a line; past the next box, rightwards moves arc under
    the row and leftwards ones over it, each leaving and reaching a box further out the
    more boxes it passes, so arcs from one box do not share a start.
    """
    x0, y = start
    rightwards = x1 > x0
    half = _BOX_W / 2 if rightwards else -_BOX_W / 2
    skips = round(abs(x1 - x0) / _COL) - 1
    if not skips:
        line_y = y - 7 if rightwards else y + 7
        label_y = line_y - 4 if rightwards else line_y + 12
        d = f"M{x0 + half:.1f},{line_y:.1f} H{x1 - half:.1f}"
        return d, ((x0 + x1) / 2, label_y, "middle")
    side = 1 if rightwards else -1
    edge_y = y + side * _BOX_H / 2
    control_y = edge_y + side * (40 + 20 * (skips - 1))
    out = half * min(skips, 3) / 4
    sx, ex = x0 + out, x1 - out
    d = f"M{sx:.1f},{edge_y:.1f} Q{(sx + ex) / 2:.1f},{control_y:.1f} {ex:.1f},{edge_y:.1f}"
    peak = (edge_y + control_y) / 2
    return d, ((sx + ex) / 2, peak + 12 if rightwards else peak - 3, "middle")


def _curve(start: _Point, end: _Point) -> tuple[str, _Label]:
    """A move between rows: a curve bent to the right of its direction, box edge to box edge."""
    (x0, y0), (x1, y1) = start, end
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    cx, cy = mx - (y1 - y0) * 0.15, my + (x1 - x0) * 0.15
    (sx, sy), (ex, ey) = _boundary(start, (cx, cy)), _boundary(end, (cx, cy))
    d = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
    return d, ((sx + 2 * cx + ex) / 4, (sy + 2 * cy + ey) / 4 + _FONT / 3, "middle")


def _free(label: _Label, text: str, taken: list[tuple[float, float, float, float]]) -> _Label:
    """``label`` moved up or down, a line at a time, until it overlaps no label placed before.

    Sizes are estimated (about 6 px a character at the labels' 10.5 px); ``taken`` gets the
    box the label now takes.
    """
    x, y, anchor = label
    width = 6.0 * len(text)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    for step in (0, -1, 1, -2, 2, -3, 3, -4, 4):
        top = y + step * 12 - 10
        box = (left, top, left + width, top + 13)
        if not any(_overlap(box, other) for other in taken):
            taken.append(box)
            return x, y + step * 12, anchor
    taken.append((left, y - 10, left + width, y + 3))
    return label


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


_Layout = tuple[dict[OrderStatus, _Point], list[_Edge], float]


def _layout(edges: list[_Edge]) -> _Layout:
    """Where each status's box is centred, the moves that skip rows, and their lanes' middle."""
    rows = _rows(edges)
    index = {s: i for i, row in enumerate(rows) for s in row}
    long_edges = [e for e in edges if abs(index[e[1]] - index[e[0]]) > 1]
    laned = {after for _, after, _ in long_edges}
    columns = _columns([[s for s in row if s not in laned] for row in rows], edges)
    left = _MARGIN + _BOX_W / 2 - min(columns.values())
    lanes_at = left + max(columns.values()) + _COL
    at: dict[OrderStatus, _Point] = {}
    for i, row in enumerate(rows):
        y = _MARGIN + 40 + i * _ROW + _BOX_H / 2
        for status in row:
            at[status] = (lanes_at if status in laned else left + columns[status], y)
    return at, long_edges, lanes_at


def _edges(edges: list[_Edge], layout: _Layout) -> tuple[list[str], list[str]]:
    """The ``<path>`` of each move and its ``<text>`` label, in the order of ``edges``."""
    at, long_edges, lanes_at = layout
    paths: list[str] = []
    labels: list[str] = []
    taken: list[tuple[float, float, float, float]] = []
    runs: dict[float, int] = {}  # long edges leaving each row so far, by the row's y
    for before, after, actions in edges:
        (x0, y0), (x1, y1) = at[before], at[after]
        if before is after:
            d, label = _loop(x0, y0)
        elif (before, after, actions) in long_edges:
            lane = long_edges.index((before, after, actions))
            lane_x = lanes_at + (lane - (len(long_edges) - 1) / 2) * _LANE
            runs[y0] = runs.get(y0, -1) + 1
            d, label = _lane((x0, y0), (lane_x, y1 - _BOX_H / 2), runs[y0])
        elif y0 == y1:
            d, label = _along_row((x0, y0), x1)
        else:
            d, label = _curve((x0, y0), (x1, y1))
        text = _label(actions)
        lx, ly, anchor = _free(label, text, taken)
        data = f'data-from="{before.value}" data-to="{after.value}"'
        paths.append(f'<path class="edge" {data} d="{d}" marker-end="url(#arrow)"/>')
        labels.append(
            f'<text class="edge-label" {data} x="{lx:.1f}" y="{ly:.1f}" '
            f'text-anchor="{anchor}">{escape(text)}</text>'
        )
    return paths, labels


def _nodes(at: dict[OrderStatus, _Point]) -> list[str]:
    """A box per status, and the start dot with its arrow into ``new``."""
    nodes = []
    for status, (x, y) in at.items():
        kind = "node final" if status in _FINAL else "node"
        nodes.append(
            f'<g class="{kind}" data-status="{status.value}">'
            f'<rect x="{x - _BOX_W / 2:.1f}" y="{y - _BOX_H / 2:.1f}" width="{_BOX_W:.0f}" '
            f'height="{_BOX_H:.0f}" rx="8"/>'
            + _text(x, y + _FONT / 3, status.value, text_anchor="middle")
            + "</g>"
        )
    x, y = at[OrderStatus.NEW]
    nodes.append(
        f'<circle class="start" cx="{x:.1f}" cy="{_MARGIN + 6:.1f}" r="6"/>'
        f'<path class="edge-start" d="M{x:.1f},{_MARGIN + 12:.1f} V{y - _BOX_H / 2:.1f}" '
        f'marker-end="url(#arrow)"/>'
    )
    return nodes


_STYLE = (
    "text{font-family:sans-serif;font-size:12px;fill:#222}"
    ".node rect{fill:#eef3fb;stroke:#3a5f94;stroke-width:1.2}"
    ".node.final rect{stroke-width:3}"
    ".edge,.edge-start{fill:none;stroke:#555;stroke-width:1.1}"
    ".edge-label{font-size:10.5px;fill:#14407a;paint-order:stroke;stroke:#fff;"
    "stroke-width:3px;stroke-linejoin:round}"
    ".start{fill:#222}.note{font-size:11px;fill:#444}"
)


def lifecycle_svg() -> str:
    """The order lifecycle as a standalone SVG document (UTF-8 text, no scripts, no links).

    Boxes are statuses, arrows are :func:`~salesorder.domain.lifecycle.drawn_transitions`
    labelled with their actions, and the guards are listed under the drawing; the module
    docstring explains the layout. Needs nothing beyond the standard library, so it works
    without the ``plots`` extra.
    """
    edges = drawn_transitions()
    layout = _layout(edges)
    at, _, lanes_at = layout
    paths, labels = _edges(edges, layout)
    drawn = {a for _, _, actions in edges for a in actions}
    notes = [f"{a.value}*: {GUARDS[a]}" for a in OrderAction if a in GUARDS and a in drawn]
    notes.append(f"{OrderAction.RELEASE.value}*: {RELEASE_NOTE}")
    bottom = max(y for _, y in at.values()) + _BOX_H / 2 + 40
    legend = [_text(_MARGIN, bottom + k * 18, note, class_="note") for k, note in enumerate(notes)]
    width = lanes_at + _COL / 2 + _MARGIN
    height = bottom + len(notes) * 18 + _MARGIN
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" role="img">',
            "<title>The order lifecycle: statuses and the actions that move an order</title>",
            f"<style>{_STYLE}</style>",
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="#555"/></marker></defs>',
            '<g class="edges">',
            *paths,
            "</g>",
            '<g class="nodes">',
            *_nodes(at),
            "</g>",
            '<g class="labels">',
            *labels,
            "</g>",
            '<g class="notes">',
            *legend,
            "</g>",
            "</svg>",
            "",
        ]
    )
