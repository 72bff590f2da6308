"""The notes (EN 16931 BT-22) that say what the VAT breakdown cannot.

Private to :mod:`salesorder.documents`: a rate on a reduced base (Indonesia's PPN 12% on the
DPP nilai lain) is written as its effective rate, with the statutory rate and the legal base
in a note; a withholding tax, which EN 16931 has no place for, is stated with the prepaid
amount (BT-113), with its base and amount in a note.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from salesorder.domain.pricing import TaxSummary
from salesorder.domain.tax import TaxKind

__all__ = ["tax_notes"]


def tax_notes(summary: Iterable[TaxSummary]) -> tuple[str, ...]:
    """The notes of a document's tax summary: reduced bases first, then withholding."""
    rows = tuple(summary)
    return (*_legal_base_notes(rows), *_withholding_notes(rows))


_HUNDRED = Decimal(100)


def _percent(rate: Decimal) -> Decimal:
    """A rate as a percentage, as documents write it (0.11 -> 11)."""
    return (rate * _HUNDRED).normalize() + 0  # "+ 0" turns -0 and 0E+2 into 0


def _withholding_notes(summary: Iterable[TaxSummary]) -> tuple[str, ...]:
    """One note (BT-22) per withholding tax: its base and what the buyer withholds."""
    return tuple(
        f"{row.tax_code}: {-row.tax} withheld by the buyer on {row.base}, stated as prepaid"
        for row in summary
        if row.kind is TaxKind.WITHHOLDING
    )


def _legal_base_notes(summary: Iterable[TaxSummary]) -> tuple[str, ...]:
    """One note per rate on a reduced base: the statutory rate, legal base and tax."""
    notes = []
    for part in summary:
        if part.effective_rate == part.tax_rate or not part.tax_rate:
            continue
        legal = part.legal_base
        if legal is None:
            amount = (part.base.amount * part.effective_rate / part.tax_rate).quantize(
                part.base.info.quantum
            )
        else:
            amount = legal.amount
        notes.append(
            f"{part.tax_code}: {_percent(part.tax_rate):f}% on a reduced base of "
            f"{amount:f} {part.base.currency} = {part.tax.amount:f}; shown as the "
            f"effective {_percent(part.effective_rate):f}% of {part.base.amount:f}"
        )
    return tuple(notes)
