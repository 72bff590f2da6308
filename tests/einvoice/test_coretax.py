"""Indonesia's Coretax import file (TaxInvoiceBulk): mapping, refusals, rule checks, round trip.

Figures are worked by hand in the docstrings; the invoices come from the demo or from
``scenarios`` (issued 5 January 2026, seller and buyer NPWP 01.300.066.6-091.000, which is
0013000666091000 in Coretax's 16 digits).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import attrs
import pytest
from tests.einvoice.scenarios import (
    ID_BUYER,
    ID_SELLER,
    credit_note,
    dpp,
    exempt_zero_and_standard,
    invoice,
    line,
    money,
    not_subject,
    ppn,
    tax,
    vietnam_adjustment,
    vietnam_replacement,
)

from salesorder import Address, Money
from salesorder.documents.coretax import (
    BuyerDocument,
    CoretaxItem,
    CoretaxOptions,
    Facility,
    TransactionCode,
    build_coretax,
    to_coretax,
    validate_coretax,
)
from salesorder.documents.safexml import parse_xml
from salesorder.domain.invoicing import DocumentType, Invoice, InvoiceStatus, Party
from salesorder.domain.tax import TaxTreatment
from salesorder.domain.taxids import PartyIdentifier
from salesorder.domain.units import KILOGRAM, Unit
from salesorder.exceptions import (
    DocumentRuleError,
    IllegalTransition,
    InvalidTaxId,
    ValidationError,
)
from salesorder.scenario import ScenarioRun, load_demo

TKU = "0013000666091000000000"
NIK = "3171011708450001"


def write(document: object, **kwargs: object) -> ET.Element:
    kwargs.setdefault("seller_id_tku", TKU)
    data = to_coretax(document, **kwargs)  # type: ignore[arg-type]
    assert validate_coretax(data) == []
    return parse_xml(data)


def goods(root: ET.Element) -> list[dict[str, str]]:
    return [{child.tag: child.text or "" for child in item} for item in root.iter("GoodService")]


def header(root: ET.Element, index: int = 0) -> dict[str, str]:
    invoice_ = list(root.iter("TaxInvoice"))[index]
    return {child.tag: child.text or "" for child in invoice_ if child.tag != "ListOfGoodService"}


def refused(document: object, **kwargs: object) -> DocumentRuleError:
    kwargs.setdefault("seller_id_tku", TKU)
    with pytest.raises(DocumentRuleError) as caught:
        to_coretax(document, **kwargs)  # type: ignore[arg-type]
    return caught.value


def demo_invoices() -> list[Invoice]:
    run = ScenarioRun(load_demo())
    run.run()
    with run.app.uow() as uow:
        return [i for i in uow.invoices.list() if i.number is not None]


# -- the demo's invoices ------------------------------------------------------------------------


def test_the_demos_vat_invoice_is_written_and_every_figure_is_the_invoices() -> None:
    """VAT-000001: 3 T-shirts at Rp150.000 PPN included and a gold watch at Rp2.500.000.

    T-shirts (standard, 12% on DPP 11/12): net 450,000 / 1.11 = 405,405.41, DPP nilai lain
    11/12 of it = 371,621.63, PPN 12% of that = 44,594.60 -> the engine's 44,594.59 balances
    the gross; code 04. Watch (luxury, 12% of the full price): net 2,232,142.86, PPN
    267,857.14; code 01. One invoice, two codes: two tax invoices, both RefDesc VAT-000001.
    """
    vat = next(i for i in demo_invoices() if i.number == "VAT-000001")
    root = write(vat)
    assert root.findtext("TIN") == "0013000666091000"
    assert [header(root, n)["TrxCode"] for n in (0, 1)] == ["04", "01"]
    assert {header(root, n)["RefDesc"] for n in (0, 1)} == {"VAT-000001"}
    tshirt, watch = goods(root)
    assert (tshirt["TaxBase"], tshirt["OtherTaxBase"], tshirt["VAT"]) == (
        "405405.41",
        "371621.63",
        "44594.59",
    )
    assert (watch["TaxBase"], watch["OtherTaxBase"], watch["VAT"]) == (
        "2232142.86",
        "2232142.86",
        "267857.14",
    )
    # PPN included in the price: the price without tax, 135,135.1366 per shirt, rounded up
    # to the sen, leaves a discount of 3 x 135,135.14 - 405,405.41 = 0.01.
    assert (tshirt["Price"], tshirt["Qty"], tshirt["TotalDiscount"]) == ("135135.14", "3", "0.01")


def test_round_trip_every_figure_of_the_demos_invoice_comes_back() -> None:
    vat = next(i for i in demo_invoices() if i.number == "VAT-000001")
    root = write(vat)
    written = {g["Name"]: g for g in goods(root)}
    assert len(written) == len(vat.lines)
    for item in vat.lines:
        back = written[item.description]
        (record,) = item.taxes
        legal = record.legal_base or record.base
        assert Decimal(back["TaxBase"]) == item.net.amount
        assert Decimal(back["OtherTaxBase"]) == legal.amount
        assert Decimal(back["VAT"]) == item.tax.amount
        assert Decimal(back["VATRate"]) == record.tax_rate * 100
        assert Decimal(back["Qty"]) == item.quantity
        price, discount = Decimal(back["Price"]), Decimal(back["TotalDiscount"])
        assert price * item.quantity - discount == item.net.amount
    assert sum(Decimal(g["VAT"]) for g in written.values()) == vat.tax.amount
    assert sum(Decimal(g["TaxBase"]) for g in written.values()) == vat.net.amount


def test_the_demos_cod_invoice_to_a_consumer_is_refused_without_an_identity() -> None:
    cod = next(i for i in demo_invoices() if i.number == "INV-000001")
    assert refused(cod).rule == "coretax.BuyerTin"


def test_the_demos_cod_invoice_with_the_buyers_nik_is_written_for_a_national_id() -> None:
    """Siti Rahma has no NPWP: BuyerTin is sixteen zeros, her NIK the document number.

    Her shipping (Rp13.000 the buyer paid) is a line of its own, a service (Opt B).
    """
    cod = next(i for i in demo_invoices() if i.number == "INV-000001")
    buyer = attrs.evolve(cod.buyer, identifiers=(PartyIdentifier(scheme="NIK", value=NIK),))
    root = write(attrs.evolve(cod, buyer=buyer))
    head = header(root)
    assert (head["BuyerTin"], head["BuyerDocument"], head["BuyerDocumentNumber"]) == (
        "0" * 16,
        "National ID",
        NIK,
    )
    assert head["BuyerIDTKU"] == "000000"
    assert [g["Opt"] for g in goods(root)] == ["A", "A", "B"]


# -- identities -----------------------------------------------------------------------------------


def test_a_15_digit_npwp_takes_a_leading_zero_and_the_buyers_tku_is_its_head_office() -> None:
    root = write(dpp())
    head = header(root)
    assert head["SellerIDTKU"] == TKU
    assert (head["BuyerTin"], head["BuyerIDTKU"]) == ("0013000666091000", TKU)
    assert (head["BuyerDocument"], head["BuyerCountry"]) == ("TIN", "IDN")


def test_a_16_digit_nik_based_npwp_is_kept_and_a_buyers_id_tku_is_used() -> None:
    buyer = attrs.evolve(
        ID_BUYER,
        tax_id=NIK,
        identifiers=(PartyIdentifier(scheme="ID-TKU", value=NIK + "000002"),),
    )
    head = header(write(invoice([ppn("L1", 1, "100000.00", "12000.00")], buyer=buyer)))
    assert (head["BuyerTin"], head["BuyerIDTKU"]) == (NIK, NIK + "000002")


def test_the_sellers_id_tku_comes_from_its_identifier_when_not_given() -> None:
    seller = attrs.evolve(
        ID_SELLER, identifiers=(PartyIdentifier(scheme="ID-TKU", value="0013000666091000000001"),)
    )
    document = invoice([ppn("L1", 1, "100000.00", "12000.00")], seller=seller)
    head = header(parse_xml(to_coretax(document)))
    assert head["SellerIDTKU"] == "0013000666091000000001"


def test_a_passport_buyer_states_the_passport_and_the_country_in_alpha_3() -> None:
    buyer = Party(
        name="Jane Doe",
        address=Address(line1="1 George St", city="Sydney", country="AU"),
        identifiers=(PartyIdentifier(scheme="PASSPORT", value="PA1234567"),),
    )
    head = header(write(invoice([ppn("L1", 1, "100000.00", "12000.00")], buyer=buyer)))
    assert (head["BuyerDocument"], head["BuyerDocumentNumber"], head["BuyerCountry"]) == (
        "Passport",
        "PA1234567",
        "AUS",
    )


def test_refused_a_seller_without_npwp() -> None:
    seller = attrs.evolve(ID_SELLER, tax_id="")
    assert refused(invoice([ppn("L1", 1, "1.00", "0.12")], seller=seller)).rule == "coretax.TIN"


def test_refused_a_seller_with_an_invalid_npwp() -> None:
    seller = attrs.evolve(ID_SELLER, tax_id="01.300.066.7-091.000")
    with pytest.raises(InvalidTaxId, match=r"TIN '01\.300\.066\.7-091\.000'"):
        to_coretax(invoice([ppn("L1", 1, "1.00", "0.12")], seller=seller), seller_id_tku=TKU)


def test_refused_two_sellers_in_one_file() -> None:
    other = attrs.evolve(ID_SELLER, tax_id=NIK)
    documents = [
        invoice([ppn("L1", 1, "1.00", "0.12")]),
        invoice([ppn("L1", 1, "1.00", "0.12")], seller=other, number="INV-000002"),
    ]
    assert refused(documents).rule == "coretax.TIN"


def test_refused_a_seller_without_id_tku() -> None:
    error = refused(invoice([ppn("L1", 1, "1.00", "0.12")]), seller_id_tku=None)
    assert error.rule == "coretax.SellerIDTKU"


@pytest.mark.parametrize(
    ("tku", "reason"),
    [
        ("001300066609100000000", "22 digits expected"),
        ("3171011708450001000000", "does not begin with its NPWP"),
    ],
)
def test_refused_a_malformed_id_tku(tku: str, reason: str) -> None:
    with pytest.raises(InvalidTaxId, match=f"SellerIDTKU .*{reason}"):
        to_coretax(invoice([ppn("L1", 1, "1.00", "0.12")]), seller_id_tku=tku)


def test_refused_a_buyer_without_npwp_nik_or_passport() -> None:
    buyer = Party(name="Walk-in customer")
    error = refused(invoice([ppn("L1", 1, "1.00", "0.12")], buyer=buyer))
    assert error.rule == "coretax.BuyerTin"


def test_refused_an_invalid_nik() -> None:
    buyer = Party(
        name="Siti", identifiers=(PartyIdentifier(scheme="NIK", value="9971011708450001"),)
    )
    with pytest.raises(InvalidTaxId, match="BuyerDocumentNumber '9971011708450001'"):
        to_coretax(invoice([ppn("L1", 1, "1.00", "0.12")], buyer=buyer), seller_id_tku=TKU)


def test_refused_a_passport_buyer_without_a_country() -> None:
    buyer = Party(name="Jane", identifiers=(PartyIdentifier(scheme="PASSPORT", value="X1"),))
    assert refused(invoice([ppn("L1", 1, "1.00", "0.12")], buyer=buyer)).rule == (
        "coretax.BuyerCountry"
    )


# -- documents the format cannot carry ---------------------------------------------------------


def test_refused_a_credit_note() -> None:
    original = invoice([ppn("L1", 3, "300000.00", "36000.00")])
    note = credit_note(original, [ppn("L1", 1, "100000.00", "12000.00")], "returned")
    assert refused(note).rule == "coretax.TaxInvoice"


def test_refused_a_credit_note_without_its_original() -> None:
    original = invoice([ppn("L1", 3, "300000.00", "36000.00")])
    note = credit_note(original, [ppn("L1", 1, "100000.00", "12000.00")], "returned")
    error = refused(attrs.evolve(note, invoice_number=""))
    assert error.rule == "coretax.RefDesc"
    assert "no original invoice" in str(error)


@pytest.mark.parametrize("document", [DocumentType.ADJUSTMENT, DocumentType.REPLACEMENT])
def test_refused_an_adjustment_or_a_replacement(document: DocumentType) -> None:
    correction = invoice(
        [ppn("L1", 1, "100000.00", "12000.00")],
        number="INV-000002",
        document=document,
        corrects_number="INV-000001",
    )
    error = refused(correction)
    assert error.rule == "coretax.TaxInvoiceOpt"
    assert "INV-000001" in str(error)


def test_refused_vietnams_corrections_too() -> None:
    assert refused(vietnam_adjustment()).rule == "coretax.TaxInvoiceOpt"
    assert refused(vietnam_replacement()).rule == "coretax.TaxInvoiceOpt"


def test_refused_a_currency_other_than_rupiah() -> None:
    usd = money("100.00", "USD")
    document = invoice([line("L1", 1, usd, [tax("ID-PPN-12", "0.12", usd, money("12.00", "USD"))])])
    error = refused(document)
    assert error.rule == "coretax.IDR"
    assert "exchange rate" in str(error)


def test_refused_a_draft_and_an_empty_batch() -> None:
    draft = attrs.evolve(dpp(), status=InvoiceStatus.DRAFT, number=None, issued_at=None)
    with pytest.raises(IllegalTransition):
        to_coretax(draft, seller_id_tku=TKU)
    with pytest.raises(ValidationError, match="at least one invoice"):
        to_coretax([], seller_id_tku=TKU)


def test_a_refused_invoice_in_a_batch_writes_nothing() -> None:
    good = dpp()
    bad = invoice([ppn("L1", 1, "1.00", "0.12")], buyer=Party(name="X"), number="INV-000009")
    with pytest.raises(DocumentRuleError) as caught:
        to_coretax([good, bad], seller_id_tku=TKU)
    assert caught.value.document == "invoice 'INV-000009'"


# -- taxes and codes ----------------------------------------------------------------------------


def test_dpp_nilai_lain_is_code_04_with_the_lines_legal_base() -> None:
    """dpp(): net 405,405.41, DPP nilai lain 371,621.63, PPN 12% of it 44,594.5956 -> .59."""
    root = write(dpp())
    assert header(root)["TrxCode"] == "04"
    (item,) = goods(root)
    assert (item["OtherTaxBase"], item["VATRate"], item["VAT"]) == ("371621.63", "12", "44594.59")


def test_a_full_base_goes_to_the_callers_code_for_a_collector() -> None:
    document = invoice([ppn("L1", 2, "100000.00", "12000.00")])
    assert header(write(document))["TrxCode"] == "01"
    options = CoretaxOptions(full_base_code=TransactionCode.OTHER_COLLECTOR)
    assert header(write(document, options=options))["TrxCode"] == "03"


def test_an_exempt_line_is_code_08_with_its_facility_and_the_ppn_it_frees() -> None:
    """exempt_zero_and_standard(): PPN 12% on 100,000 (01), an exempt book of 50,000 (08:
    DPP nilai lain 45,833.33, 12% of it 5,500.00 freed), an export of 80,000 (07, needs
    the caller's facility). Three codes: three tax invoices."""
    options = CoretaxOptions(
        facilities={
            "ID-PPN-EXEMPT": Facility(add_info="TD.00510", stamp="TD.01110"),
            "ID-PPN-EXPORT": Facility(add_info="TD.00501", stamp="TD.01101"),
        }
    )
    root = write(exempt_zero_and_standard(), options=options)
    assert [header(root, n)["TrxCode"] for n in range(3)] == ["01", "08", "07"]
    exempt = header(root, 1)
    assert (exempt["AddInfo"], exempt["FacilityStamp"]) == ("TD.00510", "TD.01110")
    book = goods(root)[1]
    assert (book["TaxBase"], book["OtherTaxBase"], book["VAT"]) == ("50000", "45833.33", "5500")


def test_refused_an_exempt_line_without_its_facility() -> None:
    error = refused(exempt_zero_and_standard(), options=CoretaxOptions(facilities={}))
    assert (error.rule, error.line) == ("coretax.FacilityStamp", "L2")


def test_refused_a_supply_outside_ppn() -> None:
    net = money("100000.00")
    document = invoice(
        [line("L1", 1, net, [tax("X", "0", net, money("0"), treatment=TaxTreatment.NOT_SUBJECT)])]
    )
    assert refused(document).rule == "coretax.TrxCode"
    assert refused(not_subject()).rule == "coretax.IDR"  # in VND: refused first for that


@pytest.mark.parametrize(
    ("rate", "effective"), [("0.10", "0.10"), ("0.12", "0.10"), ("0.05", "0.05")]
)
def test_refused_a_rate_no_code_expresses(rate: str, effective: str) -> None:
    net = money("100000.00")
    vat = money(str(Decimal(effective) * 100000))
    document = invoice([line("L1", 1, net, [tax("X", rate, net, vat, effective=effective)])])
    error = refused(document)
    assert (error.rule, error.line) == ("coretax.VATRate", "L1")


def test_refused_a_line_with_two_ppn_taxes() -> None:
    net = money("100000.00")
    record = tax("ID-PPN-12", "0.12", net, money("12000.00"))
    assert refused(invoice([line("L1", 1, net, [record, record])])).rule == "coretax.VATRate"


def test_refused_a_vat_that_is_not_its_rate_of_its_base() -> None:
    """12% of 100,000.00 is 12,000.00; 12,001.01 is more than a rupiah off."""
    assert refused(invoice([ppn("L1", 1, "100000.00", "12001.01")])).rule == "coretax.VAT"


def test_ppnbm_is_written_beside_the_ppn() -> None:
    """A watch of 1,000,000.00: PPN 12% 120,000.00 and PPnBM 20% 200,000.00."""
    net = money("1000000.00")
    taxes = [
        tax("ID-PPN-12", "0.12", net, money("120000.00")),
        tax("ID-PPNBM-20", "0.20", net, money("200000.00")),
    ]
    options = CoretaxOptions(luxury_tax_codes={"ID-PPNBM-20"})
    (item,) = goods(write(invoice([line("L1", 1, net, taxes)]), options=options))
    assert (item["VAT"], item["STLGRate"], item["STLG"]) == ("120000", "20", "200000")
    assert refused(invoice([line("L1", 1, net, taxes)])).rule == "coretax.VATRate"


def test_refused_a_negative_line() -> None:
    assert refused(invoice([ppn("L1", 1, "-100.00", "-12.00")])).rule == "coretax.TaxBase"


# -- items and units ----------------------------------------------------------------------------


def test_items_come_from_the_callers_per_sku_mapping_else_the_default() -> None:
    options = CoretaxOptions(items={"SKU-L1": CoretaxItem(code="090102", service=True)})
    document = invoice([ppn("L1", 1, "100000.00", "12000.00"), ppn("L2", 1, "50.00", "6.00")])
    first, second = goods(write(document, options=options))
    assert (first["Opt"], first["Code"]) == ("B", "090102")
    assert (second["Opt"], second["Code"], second["Unit"]) == ("A", "000000", "UM.0018")


def test_a_kilogram_line_is_um_0003_with_its_fractional_quantity() -> None:
    item = attrs.evolve(
        ppn("L1", 1, "30000.00", "3600.00"), quantity=Decimal("0.25"), unit=KILOGRAM
    )
    item = attrs.evolve(item, unit_price=money("120000.00"))
    (written,) = goods(write(invoice([item])))
    assert (written["Unit"], written["Qty"], written["Price"]) == ("UM.0003", "0.25", "120000")


def test_refused_a_unit_without_a_coretax_code() -> None:
    bale = Unit(code="bale", un_code="XBL", decimals=0, name="bale")
    document = invoice([attrs.evolve(ppn("L1", 1, "100.00", "12.00"), unit=bale)])
    assert refused(document).rule == "coretax.Unit"
    options = CoretaxOptions(units={"XBL": "UM.0033"})
    assert goods(write(document, options=options))[0]["Unit"] == "UM.0033"


@pytest.mark.parametrize(
    "make",
    [
        lambda: CoretaxItem(code="12345"),
        lambda: CoretaxItem(unit="UM.0040"),
        lambda: Facility(add_info="TD.5", stamp="TD.01110"),
        lambda: Facility(add_info="TD.00510", stamp="TD.01110", document_period="132024"),
        lambda: CoretaxOptions(full_base_code=TransactionCode.OTHER_BASE),
    ],
)
def test_options_refuse_codes_the_template_does_not_know(make: object) -> None:
    with pytest.raises(ValidationError):
        make()  # type: ignore[operator]


def test_the_model_keeps_what_the_file_states() -> None:
    file = build_coretax(dpp(), seller_id_tku=TKU)
    (tax_invoice,) = file.invoices
    assert tax_invoice.buyer_document is BuyerDocument.TIN
    assert tax_invoice.lines[0].tax_base == Decimal("405405.41")
    assert Money.of(tax_invoice.lines[0].vat, "IDR") == dpp().tax


# -- the rule checks -----------------------------------------------------------------------------


def good_file() -> str:
    return to_coretax(dpp(), seller_id_tku=TKU).decode()


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("<TIN>0013000666091000</TIN>", "<TIN>13000666091000</TIN>", "TIN"),
        ("<TaxInvoiceOpt>Normal", "<TaxInvoiceOpt>Pengganti", "TaxInvoiceOpt"),
        ("<TaxInvoiceDate>2026-01-05", "<TaxInvoiceDate>05/01/2026", "TaxInvoiceDate"),
        ("<TrxCode>04", "<TrxCode>11", "TrxCode"),
        ("<TrxCode>04", "<TrxCode>08", "AddInfo"),
        ("<FacilityStamp />", "<FacilityStamp>TD.01110</FacilityStamp>", "FacilityStamp"),
        (
            "<CustomDocMonthYear />",
            "<CustomDocMonthYear>2024</CustomDocMonthYear>",
            "CustomDocMonthYear",
        ),
        (f"<SellerIDTKU>{TKU}", "<SellerIDTKU>3171011708450001000000", "SellerIDTKU"),
        ("<BuyerTin>0013000666091000", "<BuyerTin>0000000000000000", "BuyerTin"),
        ("<BuyerDocument>TIN", "<BuyerDocument>KTP", "BuyerDocument"),
        (f"<BuyerIDTKU>{TKU}", "<BuyerIDTKU>000000", "BuyerIDTKU"),
        ("<BuyerCountry>IDN", "<BuyerCountry>ID", "BuyerCountry"),
        ("<BuyerName>PT Maju Jaya", "<BuyerName>", "BuyerName"),
        ("<Opt>A", "<Opt>C", "Opt"),
        ("<Code>000000", "<Code>0000", "Code"),
        ("<Name>Item L1", "<Name>", "Name"),
        ("<Unit>UM.0018", "<Unit>PCS", "Unit"),
        ("<Price>135135.14", "<Price>135135.145", "Price"),
        ("<Qty>3", "<Qty>-3", "Qty"),
        ("<TotalDiscount>0.01", "<TotalDiscount>1000", "TaxBase"),
        ("<OtherTaxBase>371621.63", "<OtherTaxBase>405405.41", "OtherTaxBase"),
        ("<VATRate>12", "<VATRate>10", "VATRate"),
        ("<VAT>44594.59", "<VAT>44596.59", "VAT"),
        ("<STLG>0", "<STLG>100", "STLG"),
        ("<Opt>A</Opt>", "", "GoodService"),
        ("<RefDesc>INV-000001</RefDesc>", "", "TaxInvoice"),
    ],
)
def test_each_published_rule_is_checked(old: str, new: str, field: str) -> None:
    xml = good_file()
    assert old in xml
    problems = validate_coretax(xml.replace(old, new, 1))
    assert problems
    assert any(f"{field}" in problem for problem in problems), problems


def test_a_national_id_buyer_needs_sixteen_zeros_and_a_nik() -> None:
    buyer = Party(name="Siti", identifiers=(PartyIdentifier(scheme="NIK", value=NIK),))
    xml = to_coretax(invoice([ppn("L1", 1, "1.00", "0.12")], buyer=buyer), seller_id_tku=TKU)
    text = xml.decode()
    assert validate_coretax(xml) == []
    assert any("BuyerDocumentNumber" in p for p in validate_coretax(text.replace(NIK, "123")))
    assert any("BuyerTin" in p for p in validate_coretax(text.replace("0" * 16, "1" * 16, 1)))


def test_the_rule_check_refuses_another_root_and_an_empty_file() -> None:
    assert validate_coretax(b"<Invoice/>") == ["TaxInvoiceBulk: the root is Invoice"]
    empty = b"<TaxInvoiceBulk><TIN>0013000666091000</TIN><ListOfTaxInvoice/></TaxInvoiceBulk>"
    assert validate_coretax(empty) == ["file: ListOfTaxInvoice: no TaxInvoice"]
