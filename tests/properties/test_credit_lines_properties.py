"""Per-line credits: whatever sequence of line credits and spread credits an invoice takes,
no line is credited beyond its gross and no rate's tax beyond what was invoiced at it."""

from __future__ import annotations

import copy
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.properties.test_invoicing_properties import (
    _sum_rules as sum_rules,
)
from tests.properties.test_invoicing_properties import issued_invoices

from salesorder.domain.invoicing import CreditNote, Invoice
from salesorder.exceptions import CreditLimitExceeded
from salesorder.money import Money, currency_info
from salesorder.testing.contracts._support import T0

#: One step: credit some lines (picks of line index and size), or spread an amount.
steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("lines"),
            st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10**9)), min_size=1, max_size=4),
        ),
        st.tuples(st.just("spread"), st.integers(1, 10**9)),
    ),
    min_size=1,
    max_size=8,
)


def _units(invoice: Invoice, n: int, limit: Money) -> Money:
    """A positive amount of at most ``limit`` plus one unit, picked by ``n``."""
    unit = currency_info(invoice.currency).quantum
    return Money.of(Decimal(n % (limit.minor_units + 2) + 1) * unit, invoice.currency)


def _per_code(documents: list[CreditNote], currency: str) -> dict[str, tuple[Money, Money]]:
    sums: dict[str, tuple[Money, Money]] = {}
    for note in documents:
        for t in note.tax_summary:
            base, tax = sums.get(t.tax_code, (Money.zero(currency), Money.zero(currency)))
            sums[t.tax_code] = (base + t.base, tax + t.tax)
    return sums


def _step(invoice: Invoice, n: int, kind: str, pick: object) -> CreditNote | None:
    """Try one credit; a refusal must be right and change nothing. The note, if issued."""
    lines: dict[str, Money] = {}
    amount = None
    if kind == "lines":
        assert isinstance(pick, list)
        for index, size in pick:
            line = invoice.lines[index % len(invoice.lines)]
            lines[line.line_id] = _units(invoice, size, invoice.line_creditable(line.line_id))
        fits = all(a <= invoice.line_creditable(i) for i, a in lines.items())
    else:
        assert isinstance(pick, int)
        amount = _units(invoice, pick, invoice.creditable)
        fits = amount <= invoice.creditable
    before = copy.deepcopy(invoice)
    try:
        note = CreditNote.for_invoice(
            invoice,
            id=f"CN{n}",
            series="CN",
            number=str(n),
            at=T0,
            amount=amount,
            lines=lines or None,
        )
    except CreditLimitExceeded:
        assert not fits
        assert invoice == before
        return None
    assert fits
    if lines:
        assert {x.line_id: x.gross for x in note.lines} == lines
    invoice.record_credit(note.lines)
    return note


def _check_lines(invoice: Invoice, notes: list[CreditNote]) -> None:
    currency = invoice.currency
    for note in notes:
        sum_rules(note)
        assert len({x.line_id for x in note.lines}) == len(note.lines)
        assert all(not x.net.is_negative and not x.tax.is_negative for x in note.lines)
    for line in invoice.lines:
        credited = invoice.line_credited(line.line_id)
        assert Money.zero(currency) <= credited <= line.gross
        on_notes = [x for note in notes for x in note.lines if x.line_id == line.line_id]
        assert Money.sum((x.gross for x in on_notes), currency) == credited
        assert Money.sum((x.tax for x in on_notes), currency) <= line.tax
        assert Money.sum((x.net for x in on_notes), currency) <= line.net
    assert Money.sum(invoice.credited_lines.values(), currency) == invoice.credited
    assert Money.sum((n.gross for n in notes), currency) == invoice.credited
    assert invoice.creditable == Money.sum(
        (invoice.line_creditable(x.line_id) for x in invoice.lines), currency
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issued_invoices(), steps, st.booleans())
def test_line_and_spread_credits_never_credit_a_line_or_a_rate_beyond_the_invoice(
    invoice: Invoice, plan: list[tuple[str, object]], finish: bool
) -> None:
    if not invoice.gross.is_positive:
        return
    notes = [
        note
        for n, (kind, pick) in enumerate(plan)
        if (note := _step(invoice, n, kind, pick)) is not None
    ]
    if finish and invoice.creditable.is_positive:
        note = CreditNote.for_invoice(invoice, id="CNZ", series="CN", number="Z", at=T0)
        invoice.record_credit(note.lines)
        notes.append(note)
    _check_lines(invoice, notes)
    invoiced = {t.tax_code: (t.base, t.tax) for t in invoice.tax_summary}
    credited = _per_code(notes, invoice.currency)
    for code, (base, tax) in credited.items():
        assert tax <= invoiced[code][1]
        assert base <= invoiced[code][0]
    if finish:
        # credited in full: the notes give back exactly the base and tax of each rate
        assert invoice.creditable.is_zero
        for code, sums in invoiced.items():
            if not (sums[0].is_zero and sums[1].is_zero):
                assert credited[code] == sums
