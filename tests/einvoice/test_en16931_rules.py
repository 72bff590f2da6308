"""EN 16931 rules both syntaxes must keep: every case valid in UBL and CII, every refusal named.

The documents come from :mod:`tests.einvoice.scenarios` (figures worked there). Each case is
written in both syntaxes and checked with the official XSD and CEN's schematron (the
``einvoice`` extra is part of the ``test`` extra). The example tests pin one fix each; the
refusals raise :class:`~salesorder.exceptions.DocumentRuleError` naming the rule and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import attrs
import pytest
from tests.einvoice import scenarios as s

from salesorder import Money
from salesorder.documents import (
    EN16931Invoice,
    render_html,
    to_cii,
    to_ubl,
    validate_cii,
    validate_ubl,
)
from salesorder.documents.en16931 import br_co_17_holds, unit_price, vat_identifier
from salesorder.domain.invoicing import Invoice, Party
from salesorder.domain.tax import TaxTreatment
from salesorder.exceptions import DocumentRuleError

Writer = Callable[..., bytes]
SYNTAXES = pytest.mark.parametrize(
    ("write", "validate"),
    [(to_ubl, validate_ubl), (to_cii, validate_cii)],
    ids=["ubl", "cii"],
)


@SYNTAXES
@pytest.mark.parametrize("case", sorted(s.VALID))
def test_every_case_is_valid_in_both_syntaxes(
    case: str, write: Writer, validate: Callable[[bytes], list[str]]
) -> None:
    assert validate(write(s.VALID[case]())) == []


# -- fixes, one example each ----------------------------------------------------------------


def test_categories_come_from_the_treatment_and_exempt_never_merges_with_zero() -> None:
    model = EN16931Invoice.of(s.exempt_zero_and_standard())
    rows = {(r.category.code, r.category.percent): r for r in model.breakdown}
    assert set(rows) == {("S", Decimal(12)), ("E", Decimal(0)), ("Z", Decimal(0))}
    assert rows[("E", Decimal(0))].exemption_reason == "PPN dibebaskan (PP 49/2022)"
    assert rows[("E", Decimal(0))].base == s.money("50000.00")
    assert rows[("Z", Decimal(0))].exemption_reason == ""  # BR-Z-10
    xml = to_cii(s.exempt_zero_and_standard()).decode()
    assert "<ram:ExemptionReason>PPN dibebaskan (PP 49/2022)</ram:ExemptionReason>" in xml


def test_an_exemption_without_a_reason_gets_the_category_text() -> None:
    invoice = s.exempt_zero_and_standard()
    bare = attrs.evolve(
        invoice.lines[1],
        taxes=(attrs.evolve(invoice.lines[1].taxes[0], exemption_reason="", exemption_code="X"),),
    )
    document = attrs.evolve(invoice, lines=(invoice.lines[0], bare, invoice.lines[2]))
    xml = to_ubl(document).decode()
    assert "<cbc:TaxExemptionReasonCode>X</cbc:TaxExemptionReasonCode>" in xml
    assert "<cbc:TaxExemptionReason>Exempt from VAT</cbc:TaxExemptionReason>" in xml


def test_not_subject_lines_carry_no_rate_and_no_vat_identifiers() -> None:
    ubl = to_ubl(s.not_subject()).decode()
    assert "<cbc:Percent>" not in ubl  # BR-O-05, BR-O-09
    assert "PartyTaxScheme" not in ubl  # BR-O-02: the tax ids are legal ids instead
    assert "<cbc:CompanyID>0312345678</cbc:CompanyID>" in ubl
    cii = to_cii(s.not_subject()).decode()
    assert "RateApplicablePercent" not in cii
    assert "<ram:ExemptionReason>Khong chiu thue GTGT</ram:ExemptionReason>" in cii


@pytest.mark.parametrize(
    ("tax_id", "country", "expected"),
    [
        ("EL 094259216", "GR", "EL094259216"),
        ("GR094259216", "GR", "EL094259216"),
        ("094259216", "GR", "EL094259216"),
        ("01.300.066.6-091.000", "ID", "ID013000666091000"),
        ("ID013000666091000", "ID", "ID013000666091000"),
        ("0312345678", "VN", "VN0312345678"),
    ],
)
def test_vat_identifiers_take_their_schemes_prefix_once(
    tax_id: str, country: str, expected: str
) -> None:
    assert vat_identifier(tax_id, country) == expected


def test_a_greek_buyer_is_el_not_grel() -> None:
    xml = to_ubl(s.greek_buyer()).decode()
    assert "<cbc:CompanyID>EL094259216</cbc:CompanyID>" in xml
    assert "GREL" not in xml
    assert 'schemeID="VA">EL094259216<' in to_cii(s.greek_buyer()).decode()


@pytest.mark.parametrize(
    ("net", "quantity", "price", "base"),
    [
        ("100000.00", 2, "50000", None),
        ("100000", 3, "100000", 3),  # 33,333.33... recurs: the price of 3 units
        ("100000.00", 6, "50000", 3),  # 16,666.66... -> 50,000.00 per 3
        ("10.01", 8, "1.25125", None),  # terminates: exact, no rounding to 4 places
        ("-100000", 3, "100000", 3),
    ],
)
def test_unit_price_times_quantity_is_the_line_net(
    net: str, quantity: int, price: str, base: int | None
) -> None:
    got_price, got_base = unit_price(Decimal(net), quantity)
    assert (got_price, got_base) == (Decimal(price), base)
    assert got_price * quantity / (got_base or 1) == abs(Decimal(net))


def test_a_recurring_price_is_written_with_its_base_quantity() -> None:
    ubl = to_ubl(s.vietnam_adjustment()).decode()
    assert '<cbc:InvoicedQuantity unitCode="C62">-3</cbc:InvoicedQuantity>' in ubl
    assert '<cbc:PriceAmount currencyID="VND">100000</cbc:PriceAmount>' in ubl
    assert '<cbc:BaseQuantity unitCode="C62">3</cbc:BaseQuantity>' in ubl
    cii = to_cii(s.vietnam_adjustment()).decode()
    assert '<ram:BasisQuantity unitCode="C62">3</ram:BasisQuantity>' in cii
    assert "<ram:TypeCode>384</ram:TypeCode>" in cii
    assert "<ram:IssuerAssignedID>INV-000001</ram:IssuerAssignedID>" in cii


def test_a_credit_note_states_the_credited_quantity() -> None:
    ubl = to_ubl(s.partial_credit()).decode()
    assert '<cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity>' in ubl
    assert '<cbc:PriceAmount currencyID="IDR">100000</cbc:PriceAmount>' in ubl
    cii = to_cii(s.partial_credit()).decode()
    assert '<ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity>' in cii
    assert "<ram:TypeCode>381</ram:TypeCode>" in cii


def test_shipping_is_a_document_level_charge_with_its_vat() -> None:
    ubl = to_ubl(s.with_shipping()).decode()
    charge = re.search(r"<cac:AllowanceCharge>.*?</cac:AllowanceCharge>", ubl)
    assert charge is not None
    assert "<cbc:ChargeIndicator>true</cbc:ChargeIndicator>" in charge.group()
    assert "<cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode>" in charge.group()
    assert '<cbc:Amount currencyID="VND">30000</cbc:Amount>' in charge.group()
    assert '<cbc:ChargeTotalAmount currencyID="VND">30000</cbc:ChargeTotalAmount>' in ubl
    assert '<cbc:TaxExclusiveAmount currencyID="VND">1030000</cbc:TaxExclusiveAmount>' in ubl
    assert '<cbc:TaxableAmount currencyID="VND">1030000</cbc:TaxableAmount>' in ubl
    assert "<cac:InvoiceLine><cbc:ID>SHIP" not in ubl  # not an invoice line


def test_prepaid_rounding_and_payable() -> None:
    totals = EN16931Invoice.of(s.prepaid()).totals
    assert (totals.prepaid, totals.payable) == (s.money("112000.00"), s.money("0.00"))
    ubl = to_ubl(s.cod_rounded()).decode()
    assert '<cbc:PayableRoundingAmount currencyID="IDR">49.60</cbc:PayableRoundingAmount>' in ubl
    assert '<cbc:PayableAmount currencyID="IDR">112100.00</cbc:PayableAmount>' in ubl
    cii = to_cii(s.cod_rounded()).decode()
    assert "<ram:RoundingAmount>49.60</ram:RoundingAmount>" in cii
    assert "<ram:DuePayableAmount>112100.00</ram:DuePayableAmount>" in cii
    assert "<ram:TypeCode>10</ram:TypeCode>" in cii


def test_payment_means_name_the_account_and_the_remittance() -> None:
    ubl = to_ubl(s.plain()).decode()
    assert '<cbc:PaymentMeansCode name="Bank transfer">30</cbc:PaymentMeansCode>' in ubl
    assert "<cbc:PaymentID>INV-000001</cbc:PaymentID>" in ubl
    assert "<cac:PayeeFinancialAccount><cbc:ID>1234567890</cbc:ID>" in ubl
    cii = to_cii(s.plain()).decode()
    assert "<ram:PaymentReference>INV-000001</ram:PaymentReference>" in cii
    assert "<ram:ProprietaryID>1234567890</ram:ProprietaryID>" in cii


def test_instalments_are_in_the_terms_and_bt9_is_the_first_open_one() -> None:
    model = EN16931Invoice.of(s.instalments())
    assert model.terms == (
        "In 2 instalments: 168000.00 IDR due 2026-01-05; 168000.00 IDR due 2026-02-04"
    )
    assert str(model.due_date) == "2026-02-04"  # the first is paid
    assert "<cbc:DueDate>2026-02-04</cbc:DueDate>" in to_ubl(s.instalments()).decode()
    unpaid = attrs.evolve(s.instalments(), paid=s.money("0"))
    assert str(EN16931Invoice.of(unpaid).due_date) == "2026-01-05"


def test_the_dpp_note_states_the_summarys_legal_base() -> None:
    """The legal base comes from the summary (here 1 rupiah off the recomputed one)."""
    xml = to_ubl(s.dpp("371621.62")).decode()
    assert "<cbc:Percent>11</cbc:Percent>" in xml
    assert "12% on a reduced base of 371621.62 IDR = 44594.59" in xml
    assert "12% on a reduced base of 371621.62 IDR" in to_cii(s.dpp("371621.62")).decode()


def test_previews_show_the_dpp_per_tax_row() -> None:
    page = render_html(s.dpp(), "id_ID")
    assert "371.621,63" in page


# -- refusals ----------------------------------------------------------------------------------


def _malaysian_two_taxes() -> Invoice:
    """Sales tax 10% and service tax 8% on one MYR 100.00 line: 10.00 + 8.00."""
    net = Money.of("100.00", "MYR")
    taxes = [
        s.tax("MY-SALES-10", "0.10", net, Money.of("10.00", "MYR")),
        s.tax("MY-SERVICE-8", "0.08", net, Money.of("8.00", "MYR")),
    ]
    seller = Party(name="Kedai Sdn Bhd", address=s.ID_SELLER.address, tax_id="C12345678")
    return s.invoice([s.line("L7", 1, net, taxes)], seller=seller)


@pytest.mark.parametrize("write", [to_ubl, to_cii], ids=["ubl", "cii"])
def test_a_line_with_two_taxes_is_refused(write: Writer) -> None:
    with pytest.raises(DocumentRuleError, match=r"line 'L7'.*2 taxes") as error:
        write(_malaysian_two_taxes())
    assert (error.value.rule, error.value.line) == ("BG-30", "L7")


@pytest.mark.parametrize("write", [to_ubl, to_cii], ids=["ubl", "cii"])
def test_a_vat_line_without_the_sellers_tax_id_is_refused(write: Writer) -> None:
    unregistered = attrs.evolve(s.ID_SELLER, tax_id="")
    with pytest.raises(DocumentRuleError, match="no tax id") as error:
        write(attrs.evolve(s.plain(), seller=unregistered))
    assert (error.value.rule, error.value.line) == ("BR-S-02", "L1")
    zero = s.exempt_zero_and_standard()
    with pytest.raises(DocumentRuleError) as error:
        write(attrs.evolve(zero, seller=unregistered, lines=zero.lines[1:]))
    assert error.value.rule == "BR-E-02"


def test_a_not_subject_line_beside_a_taxed_line_is_refused() -> None:
    mixed = s.not_subject()
    taxed = s.vnd("L2", 1, "100000", "0.10", "10000")
    with pytest.raises(DocumentRuleError) as error:
        to_cii(attrs.evolve(mixed, lines=(*mixed.lines, taxed)))
    assert error.value.rule == "BR-O-11"


def test_reverse_charge_without_the_buyers_tax_id_is_refused() -> None:
    invoice = s.exempt_zero_and_standard()
    line = invoice.lines[1]
    record = attrs.evolve(line.taxes[0], treatment=TaxTreatment.REVERSE_CHARGE, exemption_reason="")
    reverse = attrs.evolve(line, taxes=(record,))
    document = s.invoice([reverse], buyer=attrs.evolve(s.ID_BUYER, tax_id=""))
    with pytest.raises(DocumentRuleError) as error:
        to_ubl(document)
    assert (error.value.rule, error.value.line) == ("BR-AE-02", "L2")
    assert validate_ubl(to_ubl(attrs.evolve(document, buyer=s.ID_BUYER))) == []


def test_a_breakdown_failing_br_co_17_is_refused_not_written() -> None:
    """Three lines of 5 VND at 10%, each tax 0.5 rounded up to 1: 3 VND of tax on 15 VND,
    where CEN computes 1.50; 1.5 is not within one unit, so the document is refused."""
    lines = [s.vnd(f"L{n}", 1, "5", "0.10", "1") for n in (1, 2, 3)]
    document = s.invoice(lines, seller=s.VN_SELLER, buyer=s.VN_BUYER)
    for write in (to_ubl, to_cii):
        with pytest.raises(DocumentRuleError, match="BR-CO-17"):
            write(document)


@pytest.mark.parametrize(
    ("base", "tax", "percent", "holds"),
    [
        ("405405.41", "44594.59", "11", True),
        ("15", "3", "10", False),
        ("15", "2", "10", True),  # 2 - 1 < 1.50 < 2 + 1
        ("15", "2.50", "10", False),  # UBL's rule is strict: |2.50 - 1.50| is not < 1
        ("100", "0", "0", True),
        ("100", "1", None, False),
    ],
)
def test_br_co_17_as_cen_computes_it(base: str, tax: str, percent: str | None, holds: bool) -> None:
    rate = None if percent is None else Decimal(percent)
    assert br_co_17_holds(Decimal(base), Decimal(tax), rate) is holds
