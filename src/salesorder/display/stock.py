"""Stock items, ledger entries and a ledger (a sequence of entries) for people."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from salesorder.display._format import clip, count, moment, resolve_locale
from salesorder.display._html import Html, block, facts, table
from salesorder.domain.common import as_tuple
from salesorder.domain.inventory import StockItem, StockMovement
from salesorder.domain.units import Quantity, to_quantity
from salesorder.exceptions import ValidationError

__all__ = ["Ledger", "ledger", "movement_html", "movement_repr", "stock_html", "stock_repr"]

_LEDGER_HEADERS = (
    "seq", "at", "warehouse", "SKU", "kind", "on hand change", "reserved change",
    "on hand", "reserved", "document", "reason",
)  # fmt: skip


def _signed(quantity: Quantity) -> str:
    return f"{quantity:+}" if quantity else "0"


def stock_repr(item: StockItem, locale: str) -> str:
    """``<StockItem JKT-1/TSHIRT-RED-M on hand 10, reserved 3, available 7>``."""
    del locale  # quantities are printed exactly, as the ledger keeps them
    return (
        f"<StockItem {clip(item.warehouse, 30)}/{clip(item.sku, 40)} on hand {item.on_hand}, "
        f"reserved {item.reserved}, available {item.available}>"
    )


def stock_html(item: StockItem, locale: str) -> Html:
    """The item's levels and policy, and its reservations (order line, units, since)."""
    del locale  # quantities and times only
    levels = facts(
        (
            ("on hand", str(item.on_hand)),
            ("reserved", str(item.reserved)),
            ("available", str(item.available)),
            ("safety stock", str(item.safety_stock)),
            ("reorder point", str(item.reorder_point)),
            ("reorder quantity", str(item.reorder_quantity)),
            ("ledger entries", str(item.movements)),
            ("last movement", moment(item.last_movement_at)),
        )
    )
    reservations = table(
        ("reservation", "order", "line", "units", "since", "expires"),
        (
            (
                r.key,
                r.order_id,
                r.line_id,
                str(r.quantity),
                moment(r.created_at),
                moment(r.expires_at),
            )
            for r in item.reservations.values()
        ),
        caption=count(len(item.reservations), "reservation"),
    )
    return block("stock", f"Stock of {item.sku} in {item.warehouse}", levels, reservations)


def movement_repr(entry: StockMovement, locale: str) -> str:
    """``<StockMovement JKT-1/TSHIRT-RED-M #2 reservation on hand 0 reserved +3>``."""
    del locale
    return (
        f"<StockMovement {clip(entry.warehouse, 30)}/{clip(entry.sku, 40)} #{entry.seq} "
        f"{entry.kind.value} on hand {_signed(entry.on_hand_change)} "
        f"reserved {_signed(entry.reserved_change)}>"
    )


def movement_html(entry: StockMovement, locale: str) -> Html:
    """One ledger entry, as a ledger of one row (its running levels are its own changes)."""
    return Ledger(entries=(entry,)).html(locale)


def _movements(value: Iterable[StockMovement]) -> tuple[StockMovement, ...]:
    entries = as_tuple(value)
    for index, entry in enumerate(entries):
        if not isinstance(entry, StockMovement):
            raise ValidationError(
                f"a ledger holds StockMovement entries; entry {index} is a {type(entry).__name__}"
            )
    return entries


@attrs.frozen(kw_only=True, repr=False)
class Ledger:
    """Stock ledger entries in the order given, with the levels they add up to.

    The entries as :func:`salesorder.services.views.ledger` returns them; each row shows the
    on-hand and reserved levels after the entry.

    The levels of each (warehouse, SKU) start at zero at its first entry shown, so they are
    the item's real levels when its ledger is shown from its first entry (seq 1).

    Raises:
        ValidationError: an entry is not a :class:`~salesorder.domain.inventory.StockMovement`.
    """

    entries: tuple[StockMovement, ...] = attrs.field(converter=_movements)

    def rows(self) -> list[tuple[str, ...]]:
        """One row per entry, as text, in the columns of the HTML table.

        The columns: seq, time, warehouse, SKU, kind, the on-hand and reserved changes, the
        on-hand and reserved levels after the entry, document, reason.
        """
        levels: dict[tuple[str, str], tuple[Quantity, Quantity]] = {}
        rows: list[tuple[str, ...]] = []
        for entry in self.entries:
            key = (entry.warehouse, entry.sku)
            on_hand, reserved = levels.get(key, (0, 0))
            on_hand = to_quantity(on_hand + entry.on_hand_change)
            reserved = to_quantity(reserved + entry.reserved_change)
            levels[key] = (on_hand, reserved)
            rows.append(
                (
                    str(entry.seq),
                    moment(entry.at),
                    entry.warehouse,
                    entry.sku,
                    entry.kind.value,
                    _signed(entry.on_hand_change),
                    _signed(entry.reserved_change),
                    str(on_hand),
                    str(reserved),
                    entry.document,
                    entry.reason,
                )
            )
        return rows

    def html(self, locale: str | None = None) -> Html:
        """The ledger as an HTML table (quantities are exact: ``locale`` changes nothing)."""
        resolve_locale(locale)
        items = len({(e.warehouse, e.sku) for e in self.entries})
        return table(
            _LEDGER_HEADERS,
            self.rows(),
            caption=f"Stock ledger: {count(len(self.entries), 'entry', 'entries')}, "
            f"{count(items, 'item')}",
        )

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        items = len({(e.warehouse, e.sku) for e in self.entries})
        return f"<Ledger {count(len(self.entries), 'entry', 'entries')}, {count(items, 'item')}>"


def ledger(entries: Iterable[StockMovement]) -> Ledger:
    """A :class:`Ledger` view of ``entries``: ``display.ledger(views.ledger(app, w, sku))``.

    Raises:
        ValidationError: an entry is not a stock ledger entry.
    """
    return Ledger(entries=entries)
