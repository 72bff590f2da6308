"""Credit notes per invoice line: worked examples, refusals, and the per-line credit state.

The invoice of most examples (IDR) has two lines at different tax treatments:

- line "1", rice, exempt from PPN (``ID-PPN-EXEMPT``): net 100,000, tax 0, gross 100,000;
- line "2", a T-shirt at PPN 11% (``ID-PPN-11``): net 200,000, tax 22,000, gross 222,000.

Gross 322,000, tax 22,000.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceKind, InvoiceLine, Party
from salesorder.domain.pricing import TaxSummary
from salesorder.domain.tax import TaxTreatment
from salesorder.exceptions import (
    CreditLimitExceeded,
    CurrencyMismatch,
    SalesOrderError,
    ValidationError,
)
from salesorder.money import Money
from salesorder.serialization import structure, unstructure

AT = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone.utc)


def idr(amount: str) -> Money:
    return Money.of(amount, "IDR")


def line(
    line_id: str, net: str, tax: str, *, code: str = "ID-PPN-11", rate: str = "0.11"
) -> InvoiceLine:
    gross = idr(net) + idr(tax)
    return InvoiceLine(
        line_id=line_id,
        sku=f"SKU-{line_id}",
        description=f"item {line_id}",
        quantity=1,
        unit_price=gross,
        discount=idr("0"),
        net=idr(net),
        tax=idr(tax),
        gross=gross,
        tax_code=code,
        tax_rate=Decimal(rate),
    )


def issued(*lines: InvoiceLine) -> Invoice:
    """An issued sales invoice of ``lines`` (tax summary per tax code, exact sums)."""
    codes = dict.fromkeys(x.tax_code for x in lines)
    summary = tuple(
        TaxSummary(
            tax_code=code,
            tax_rate=next(x.tax_rate for x in lines if x.tax_code == code),
            effective_rate=next(x.tax_rate for x in lines if x.tax_code == code),
            base=Money.sum((x.net for x in lines if x.tax_code == code), "IDR"),
            tax=Money.sum((x.tax for x in lines if x.tax_code == code), "IDR"),
            treatment=TaxTreatment.EXEMPT if code.endswith("EXEMPT") else TaxTreatment.TAXABLE,
        )
        for code in codes
    )
    invoice = Invoice(
        id="I1",
        order_id="O1",
        kind=InvoiceKind.SALES,
        series="INV",
        seller=Party(name="PT Toko"),
        buyer=Party(name="Budi"),
        currency="IDR",
        lines=lines,
        tax_summary=summary,
        net=Money.sum((x.net for x in lines), "IDR"),
        tax=Money.sum((x.tax for x in lines), "IDR"),
        gross=Money.sum((x.gross for x in lines), "IDR"),
    )
    invoice.issue("INV-000001", AT)
    return invoice


def mixed() -> Invoice:
    return issued(
        line("1", "100000", "0", code="ID-PPN-EXEMPT", rate="0"),
        line("2", "200000", "22000"),
    )


_numbers = iter(range(1, 10**6))


def credit(
    invoice: Invoice, amount: Money | None = None, lines: dict[str, Money] | None = None
) -> CreditNote:
    """Issue a credit note on ``invoice`` and count it, as the billing service does."""
    n = next(_numbers)
    note = CreditNote.for_invoice(
        invoice, id=f"CN{n}", series="CN", number=f"CN-{n}", at=AT, amount=amount, lines=lines
    )
    invoice.record_credit(note.lines)
    return note


def by_rate(note: CreditNote) -> dict[str, tuple[Money, Money]]:
    return {t.tax_code: (t.base, t.tax) for t in note.tax_summary}


# -- mixed rates: a return credits the returned line at its own rate -------------------------


def test_returning_the_exempt_line_credits_no_tax() -> None:
    invoice = mixed()
    note = credit(invoice, lines={"1": idr("100000")})
    assert [x.line_id for x in note.lines] == ["1"]
    assert (note.net, note.tax, note.gross) == (idr("100000"), idr("0"), idr("100000"))
    assert by_rate(note) == {"ID-PPN-EXEMPT": (idr("100000"), idr("0"))}
    assert invoice.credited_lines == {"1": idr("100000")}
    assert invoice.credited == idr("100000")
    assert invoice.line_creditable("1").is_zero
    assert invoice.line_creditable("2") == idr("222000")


def test_the_old_spread_credited_tax_that_was_never_charged() -> None:
    # The same 100,000 as an amount: spread by what is left (here: each line's gross), it
    # lands mostly on the taxed line, with tax on it. That is what a return used to do.
    note = credit(mixed(), amount=idr("100000"))
    assert [(x.line_id, x.gross, x.tax) for x in note.lines] == [
        ("1", idr("31055.90"), idr("0")),
        ("2", idr("68944.10"), idr("6832.30")),
    ]
    assert note.tax == idr("6832.30")


def test_returning_the_taxed_line_credits_its_own_tax() -> None:
    invoice = mixed()
    note = credit(invoice, lines={"2": idr("222000")})
    assert (note.net, note.tax, note.gross) == (idr("200000"), idr("22000"), idr("222000"))
    assert by_rate(note) == {"ID-PPN-11": (idr("200000"), idr("22000"))}
    # the rest of the invoice is the exempt line: credited, it carries no tax either
    rest = credit(invoice)
    assert (rest.tax, rest.gross) == (idr("0"), idr("100000"))
    assert invoice.creditable.is_zero


def test_half_of_the_taxed_line_then_the_rest_adds_up_to_its_tax() -> None:
    invoice = mixed()
    first = credit(invoice, lines={"2": idr("111000")})
    second = credit(invoice, lines={"2": idr("111000")})
    assert (first.net, first.tax) == (idr("100000"), idr("11000"))
    assert (second.net, second.tax) == (idr("100000"), idr("11000"))


def test_amount_and_lines_together_must_agree() -> None:
    invoice = mixed()
    note = credit(invoice, amount=idr("150000"), lines={"1": idr("50000"), "2": idr("100000")})
    assert [(x.line_id, x.gross) for x in note.lines] == [
        ("1", idr("50000")),
        ("2", idr("100000")),
    ]
    assert all(x.net + x.tax == x.gross for x in note.lines)
    assert note.tax == idr("9909.91")  # 100,000 x 22,000 / 222,000


# -- no line credited beyond its gross --------------------------------------------------------


def test_a_spread_after_a_line_credit_never_credits_that_line_again() -> None:
    # A = 100, B = 100; return A in full; then credit the remaining 100 spread. The old
    # spread (by original gross) put 50 more on A: A credited 150 of 100.
    invoice = issued(line("A", "100", "0", code="ID-PPN-EXEMPT", rate="0"), line("B", "100", "0"))
    credit(invoice, lines={"A": idr("100")})
    note = credit(invoice, amount=idr("100"))
    assert [(x.line_id, x.gross) for x in note.lines] == [("B", idr("100"))]
    assert invoice.credited_lines == {"A": idr("100"), "B": idr("100")}
    assert invoice.credited == invoice.gross


def test_a_spread_is_weighted_by_what_each_line_has_left() -> None:
    invoice = issued(line("A", "100", "0"), line("B", "300", "0"))
    credit(invoice, lines={"B": idr("200")})  # left: A 100, B 100
    note = credit(invoice, amount=idr("50"))
    assert [(x.line_id, x.gross) for x in note.lines] == [("A", idr("25")), ("B", idr("25"))]


def test_tax_credited_on_a_line_never_exceeds_its_tax_across_small_credits() -> None:
    # A line of 0.03 with 0.02 tax credited one cent at a time: splitting each cent alone by
    # the line's tax and net would credit 0.01 tax three times (0.03 of 0.02).
    invoice = issued(line("1", "0.01", "0.02", rate="2"))
    notes = [credit(invoice, lines={"1": idr("0.01")}) for _ in range(3)]
    assert [n.tax for n in notes] == [idr("0.01"), idr("0"), idr("0.01")]
    assert [n.net for n in notes] == [idr("0"), idr("0.01"), idr("0")]


def test_a_full_credit_copies_a_free_line_and_counts_nothing_on_it() -> None:
    invoice = issued(line("1", "100", "11"), line("FREE", "0", "0"))
    note = credit(invoice)
    assert [x.line_id for x in note.lines] == ["1", "FREE"]
    assert invoice.credited_lines == {"1": idr("111")}
    assert invoice.creditable.is_zero


# -- refusals leave the invoice as it was -----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"lines": {"9": idr("1")}}, ValidationError, r"no line '9'"),
        ({"lines": {"1": idr("0")}}, ValidationError, r"line '1' .* must be positive, got"),
        ({"lines": {"1": idr("-5")}}, ValidationError, r"must be positive"),
        (
            {"lines": {"2": idr("222000.01")}},
            CreditLimitExceeded,
            r"222000\.01 IDR on line '2' .* left to credit \(200000 IDR of 222000 IDR\)",
        ),
        ({"lines": {}}, ValidationError, r"at least one line"),
        (
            {"lines": {"1": idr("10")}, "amount": idr("11")},
            ValidationError,
            r"add up to .*10",
        ),
        ({"lines": {"1": Money.of("10", "VND")}}, CurrencyMismatch, r"VND"),
        ({"amount": idr("322000.01")}, CreditLimitExceeded, r"more than is left"),
        ({"amount": idr("0")}, CreditLimitExceeded, r"more than is left"),
    ],
)
def test_bad_credits_are_refused_and_change_nothing(
    kwargs: dict[str, object], error: type[SalesOrderError], message: str
) -> None:
    invoice = mixed()
    credit(invoice, lines={"2": idr("22000")})
    before = copy.deepcopy(invoice)
    with pytest.raises(error, match=message):
        CreditNote.for_invoice(invoice, id="CNX", series="CN", number="X", at=AT, **kwargs)  # type: ignore[arg-type]
    assert invoice == before


def test_more_than_a_line_has_left_after_earlier_credits_is_refused() -> None:
    invoice = mixed()
    credit(invoice, lines={"1": idr("60000")})
    before = copy.deepcopy(invoice)
    with pytest.raises(CreditLimitExceeded, match=r"line '1'.*\(40000 IDR of 100000 IDR\)"):
        credit(invoice, lines={"1": idr("40000.01")})
    assert invoice == before


@pytest.mark.parametrize(
    "make_lines",
    [
        lambda note: note.lines + note.lines,  # a line counted twice
        lambda note: (),  # nothing
        lambda note: tuple(line.negated() for line in note.lines),  # negative
    ],
)
def test_record_credit_refuses_bad_lines_and_changes_nothing(
    make_lines: Callable[[CreditNote], tuple[InvoiceLine, ...]],
) -> None:
    invoice = mixed()
    note = CreditNote.for_invoice(
        invoice, id="CN1", series="CN", number="1", at=AT, lines={"1": idr("10")}
    )
    before = copy.deepcopy(invoice)
    with pytest.raises(ValidationError):
        invoice.record_credit(make_lines(note))
    assert invoice == before


def test_record_credit_refuses_a_stale_note_beyond_what_a_line_has_left() -> None:
    invoice = mixed()
    stale = CreditNote.for_invoice(
        invoice, id="CN1", series="CN", number="1", at=AT, lines={"1": idr("100000")}
    )
    invoice.record_credit(stale.lines)
    before = copy.deepcopy(invoice)
    with pytest.raises(CreditLimitExceeded, match="line '1'"):
        invoice.record_credit(stale.lines)
    assert invoice == before


# -- split_lines (Vietnam's adjustments) ------------------------------------------------------


def test_a_downward_adjustment_is_spread_by_what_is_left_and_negated() -> None:
    invoice = issued(line("A", "100", "0"), line("B", "100", "0"))
    credit(invoice, lines={"A": idr("100")})
    lines = invoice.split_lines(idr("-50"))
    assert [(x.line_id, x.gross) for x in lines] == [("B", idr("-50"))]
    with pytest.raises(CreditLimitExceeded):
        invoice.split_lines(idr("-100.01"))
    # an upward adjustment is still spread by the lines' gross
    assert [x.gross for x in invoice.split_lines(idr("50"))] == [idr("25"), idr("25")]


# -- serialization ----------------------------------------------------------------------------


def test_credited_lines_round_trip_through_json() -> None:
    invoice = mixed()
    credit(invoice, lines={"1": idr("100000"), "2": idr("111000")})
    data = json.loads(json.dumps(unstructure(invoice)))
    assert data["credited_lines"] == {
        "1": {"amount": "100000", "currency": "IDR"},
        "2": {"amount": "111000", "currency": "IDR"},
    }
    assert structure(data, Invoice) == invoice


def test_an_invoice_stored_before_credited_lines_existed_still_loads() -> None:
    data = unstructure(mixed())
    del data["credited_lines"]
    assert structure(data, Invoice).credited_lines == {}


def test_an_invoice_credited_before_per_line_records_is_never_credited_beyond_its_gross() -> None:
    # Stored by an earlier version: credited in full, but with no per-line record.
    invoice = mixed()
    invoice.credited = invoice.gross
    line_id = invoice.lines[0].line_id
    with pytest.raises(CreditLimitExceeded, match="more than is left to credit"):
        invoice.credit_lines({line_id: invoice.lines[0].gross})
    assert invoice.credited == invoice.gross
    assert invoice.credited_lines == {}


def test_the_whole_gross_once_credited_cannot_be_credited_again() -> None:
    # Found by the invoicing property: the "whole invoice" shortcut skipped the limit.
    invoice = mixed()
    credit(invoice, invoice.gross)
    with pytest.raises(CreditLimitExceeded, match="more than is left to credit"):
        CreditNote.for_invoice(
            invoice, id="CN-X", series="CN", number="CN-X", at=AT, amount=invoice.gross
        )
    assert invoice.credited == invoice.gross
