"""MyInvois (Malaysia): the document, every refusal, the consolidated e-invoice, signing.

Figures by hand: a fan supplied and installed for RM300.00 pays sales tax 10% (30.00) and
service tax 8% (24.00) on the same line: tax 54.00, payable 354.00.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from decimal import Decimal
from typing import Any

import attrs
import pytest
from lxml import etree

from salesorder import Address, Money
from salesorder.adapters.signing import UNSIGNED, XadesSigner
from salesorder.documents.myinvois import (
    FOREIGN_BUYER_TIN,
    GENERAL_PUBLIC_TIN,
    ConsolidatedInvoice,
    MyInvoisOptions,
    MyInvoisReference,
    consolidate,
    document_hash,
    to_myinvois_json,
    to_myinvois_xml,
    validate_myinvois,
)
from salesorder.documents.validation import rules_dir
from salesorder.domain.invoicing import (
    DocumentType,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Party,
)
from salesorder.domain.tax import TaxKind, TaxTreatment
from salesorder.domain.taxids import PartyIdentifier
from salesorder.exceptions import (
    DocumentRuleError,
    IllegalTransition,
    InvalidTaxId,
    ValidationError,
)
from salesorder.ports.signing import DocumentSigner

from .scenarios import ISSUED, credit_note, invoice, line, tax

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "xades": "http://uri.etsi.org/01903/v1.3.2#",
}
KL = Address(line1="Jalan Ampang 1", city="Kuala Lumpur", country="MY", postal_code="50450")
SHAH_ALAM = Address(line1="Jalan Tun Razak 2", city="Shah Alam", region="Selangor", country="MY")
SELLER = Party(
    name="Kedai Contoh Sdn Bhd",
    address=KL,
    tax_id="C2584563202",
    phone="+60 3-2161 0000",
    identifiers=(
        PartyIdentifier(scheme="BRN", value="202001234567"),
        PartyIdentifier(scheme="SST", value="W10-1808-32000001"),
        PartyIdentifier(scheme="MSIC", value="47591", description="Retail sale of furniture"),
    ),
)
BUYER = Party(
    name="Pembeli Sdn Bhd",
    address=SHAH_ALAM,
    tax_id="C2584563201",
    phone="+60123456789",
    identifiers=(PartyIdentifier(scheme="BRN", value="201901000005"),),
)
ORIGINAL = MyInvoisReference(uuid="F9D425P6DS7D8IU9A2QW3ER4TY", number="INV-000001")


def myr(amount: str) -> Money:
    return Money.of(amount, "MYR")


def installed(net: str = "300.00", sales: str = "30.00", service: str = "24.00") -> InvoiceLine:
    base = myr(net)
    return line(
        "1",
        1,
        base,
        [
            tax("MY-SALES-10", "0.10", base, myr(sales)),
            tax("MY-SERVICE-8", "0.08", base, myr(service)),
        ],
    )


def fan_invoice(**changes: Any) -> Invoice:
    """RM300.00 at sales tax 10% and service tax 8%: tax 54.00, gross 354.00."""
    document = invoice([installed()], seller=SELLER, buyer=BUYER)
    return attrs.evolve(document, **changes)


def parsed(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def text(root: etree._Element, path: str) -> str:
    found = root.findtext(path, namespaces=NS)
    assert found is not None, path
    return str(found)


def refused(rule: str, document: object, **options: object) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as caught:
        to_myinvois_xml(document, options=MyInvoisOptions(**options))  # type: ignore[arg-type]
    assert caught.value.rule == rule, str(caught.value)
    return caught.value


# -- the document ----------------------------------------------------------------------


def test_an_invoice_with_sales_and_service_tax_on_one_line_passes_xsd_and_the_rules() -> None:
    document = to_myinvois_xml(fan_invoice())
    assert validate_myinvois(document) == []
    root = parsed(document)
    assert root.find("cbc:InvoiceTypeCode", NS).attrib == {"listVersionID": "1.0"}
    assert text(root, "cbc:InvoiceTypeCode") == "01"
    assert text(root, "cbc:IssueTime") == "09:00:00Z"
    subtotals = root.findall("cac:InvoiceLine/cac:TaxTotal/cac:TaxSubtotal", NS)
    assert [
        (text(s, "cac:TaxCategory/cbc:ID"), text(s, "cbc:Percent"), text(s, "cbc:TaxAmount"))
        for s in subtotals
    ] == [("01", "10", "30.00"), ("02", "8", "24.00")]
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "54.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "354.00"
    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    ids = {
        e.get("schemeID"): e.text for e in supplier.findall("cac:PartyIdentification/cbc:ID", NS)
    }
    assert ids == {
        "TIN": "C2584563202",
        "BRN": "202001234567",
        "SST": "W10-1808-32000001",
        "TTX": "NA",
    }
    assert text(supplier, "cbc:IndustryClassificationCode") == "47591"
    assert text(supplier, "cac:Contact/cbc:Telephone") == "+60321610000"
    assert text(supplier, "cac:PostalAddress/cbc:CountrySubentityCode") == "14"  # Kuala Lumpur
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert text(buyer, "cac:PostalAddress/cbc:CountrySubentityCode") == "10"  # Selangor
    assert text(buyer, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "MYS"
    classification = (
        "cac:InvoiceLine/cac:Item/cac:CommodityClassification/cbc:ItemClassificationCode"
    )
    assert text(root, classification) == "022"


def test_the_json_form_states_the_same_document_with_exact_numbers() -> None:
    data = json.loads(to_myinvois_json(fan_invoice()), parse_float=Decimal)
    assert data["_D"] == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    (document,) = data["Invoice"]
    assert document["InvoiceTypeCode"] == [{"_": "01", "listVersionID": "1.0"}]
    assert document["TaxTotal"][0]["TaxAmount"] == [{"_": Decimal("54.00"), "currencyID": "MYR"}]
    (item,) = document["InvoiceLine"]
    assert [s["TaxCategory"][0]["ID"][0]["_"] for s in item["TaxTotal"][0]["TaxSubtotal"]] == [
        "01",
        "02",
    ]


def test_the_document_hash_is_the_sha256_of_the_exact_bytes() -> None:
    payload = to_myinvois_json(fan_invoice())
    assert document_hash(payload) == hashlib.sha256(payload).hexdigest()
    assert document_hash(payload + b" ") != document_hash(payload)


def test_classification_comes_from_the_skus_mapping_and_bad_codes_are_refused() -> None:
    options = MyInvoisOptions(classifications={"SKU-1": "003"})
    root = parsed(to_myinvois_xml(fan_invoice(), options=options))
    assert text(root, ".//cbc:ItemClassificationCode") == "003"
    with pytest.raises(ValidationError, match="'999'"):
        MyInvoisOptions(classifications={"SKU-1": "999"})
    with pytest.raises(ValidationError, match="'X'"):
        MyInvoisOptions(tax_types={"MY-LUXURY": "X"})


def test_an_exempt_line_is_tax_type_e_with_its_reason_and_needs_no_sst() -> None:
    bread = myr("18.00")
    reason = "Exempted by the Sales Tax (Goods Exempted from Tax) Order 2018"
    exempt = tax("MY-EXEMPT", "0", bread, myr("0"), treatment=TaxTreatment.EXEMPT, reason=reason)
    no_sst = attrs.evolve(SELLER, identifiers=SELLER.identifiers[::2])
    document = to_myinvois_xml(invoice([line("1", 4, bread, [exempt])], seller=no_sst, buyer=BUYER))
    assert validate_myinvois(document) == []
    root = parsed(document)
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "E"
    assert text(root, ".//cbc:TaxExemptionReason") == reason
    assert root.find(".//cbc:ID[@schemeID='SST']", NS).text == "NA"


def test_a_draft_and_a_pro_forma_are_not_e_invoices() -> None:
    with pytest.raises(IllegalTransition):
        to_myinvois_xml(fan_invoice(number=None, issued_at=None, status=InvoiceStatus.DRAFT))
    with pytest.raises(IllegalTransition):
        to_myinvois_xml(fan_invoice(document=DocumentType.PRO_FORMA))


# -- credit notes and adjustments ------------------------------------------------------


def test_a_credit_note_references_the_original_e_invoice_by_number_and_uuid() -> None:
    note = credit_note(fan_invoice(), [installed("100.00", "10.00", "8.00")], "Returned")
    document = to_myinvois_xml(note, options=MyInvoisOptions(original=ORIGINAL))
    assert validate_myinvois(document) == []
    root = parsed(document)
    assert text(root, "cbc:InvoiceTypeCode") == "02"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert (text(root, reference + "cbc:ID"), text(root, reference + "cbc:UUID")) == (
        "INV-000001",
        ORIGINAL.uuid,
    )
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "118.00"
    refund = to_myinvois_xml(note, options=MyInvoisOptions(original=ORIGINAL, refund=True))
    assert text(parsed(refund), "cbc:InvoiceTypeCode") == "04"


def test_a_credit_note_without_its_original_is_refused() -> None:
    note = credit_note(fan_invoice(), [installed()], "Returned")
    error = refused("MY-ORIGINAL", note)
    assert "INV-000001" in str(error)
    assert "UUID" in str(error)
    other = MyInvoisReference(uuid="X" * 26, number="INV-000009")
    refused("MY-ORIGINAL", note, original=other)


def test_adjustments_are_debit_notes_up_and_credit_notes_down() -> None:
    up = invoice(
        [installed("100.00", "10.00", "8.00")],
        seller=SELLER,
        buyer=BUYER,
        number="ADJ-1",
        document=DocumentType.ADJUSTMENT,
        corrects_number="INV-000001",
    )
    assert (
        text(
            parsed(to_myinvois_xml(up, options=MyInvoisOptions(original=ORIGINAL))),
            "cbc:InvoiceTypeCode",
        )
        == "03"
    )
    down_line = installed("100.00", "10.00", "8.00").negated()
    down = attrs.evolve(up, lines=(down_line,))
    document = to_myinvois_xml(down, options=MyInvoisOptions(original=ORIGINAL))
    assert validate_myinvois(document) == []
    root = parsed(document)
    assert text(root, "cbc:InvoiceTypeCode") == "02"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "118.00"
    refused("MY-ORIGINAL", up)
    mixed = attrs.evolve(up, lines=(installed(), attrs.evolve(down_line, line_id="2")))
    refused("MY-KIND", mixed, original=ORIGINAL)


def test_a_replacement_invoice_has_no_myinvois_form() -> None:
    replacement = fan_invoice(document=DocumentType.REPLACEMENT, corrects_number="INV-000001")
    refused("MY-KIND", replacement, original=ORIGINAL)


def test_self_billed_documents_take_the_self_billed_codes() -> None:
    root = parsed(to_myinvois_xml(fan_invoice(), options=MyInvoisOptions(self_billed=True)))
    assert text(root, "cbc:InvoiceTypeCode") == "11"


# -- currency --------------------------------------------------------------------------


def usd_invoice() -> Invoice:
    base = Money.of("100.00", "USD")
    sales = tax("MY-SALES-10", "0.10", base, Money.of("10.00", "USD"))
    return invoice([line("1", 1, base, [sales])], seller=SELLER, buyer=BUYER)


def test_another_currency_needs_the_exchange_rate_to_myr() -> None:
    error = refused("MY-EXCHANGE-RATE", usd_invoice())
    assert "USD" in str(error)
    assert "CalculationRate" in str(error)
    document = to_myinvois_xml(
        usd_invoice(), options=MyInvoisOptions(exchange_rate=Decimal("4.4625"))
    )
    assert validate_myinvois(document) == []
    rate = parsed(document).find("cac:TaxExchangeRate", NS)
    assert [child.text for child in rate] == ["USD", "MYR", "4.4625"]
    with pytest.raises(ValidationError):
        MyInvoisOptions(exchange_rate=Decimal(0))


# -- parties ---------------------------------------------------------------------------


def test_the_supplier_needs_a_valid_tin() -> None:
    error = refused("MY-TIN", fan_invoice(seller=attrs.evolve(SELLER, tax_id="")))
    assert "Kedai Contoh" in str(error)
    with pytest.raises(InvalidTaxId, match="supplier"):
        to_myinvois_xml(fan_invoice(seller=attrs.evolve(SELLER, tax_id="12345")))
    with pytest.raises(InvalidTaxId, match="buyer"):
        to_myinvois_xml(fan_invoice(buyer=attrs.evolve(BUYER, tax_id="X1")))


def test_buyers_without_a_tin_take_lhdns_general_tins() -> None:
    person = attrs.evolve(
        BUYER, tax_id="", identifiers=(PartyIdentifier(scheme="NRIC", value="880101145678"),)
    )
    root = parsed(to_myinvois_xml(fan_invoice(buyer=person)))
    buyer_ids = root.findall("cac:AccountingCustomerParty//cac:PartyIdentification/cbc:ID", NS)
    assert [(e.get("schemeID"), e.text) for e in buyer_ids][:2] == [
        ("TIN", GENERAL_PUBLIC_TIN),
        ("NRIC", "880101145678"),
    ]
    foreigner = attrs.evolve(
        person,
        address=Address(line1="1 Orchard Rd", city="Singapore", country="SG"),
        identifiers=(PartyIdentifier(scheme="PASSPORT", value="K1234567A"),),
    )
    document = to_myinvois_xml(fan_invoice(buyer=foreigner))
    assert validate_myinvois(document) == []
    root = parsed(document)
    assert (
        root.find("cac:AccountingCustomerParty//cbc:ID[@schemeID='TIN']", NS).text
        == FOREIGN_BUYER_TIN
    )
    assert text(root, "cac:AccountingCustomerParty//cac:Country/cbc:IdentificationCode") == "SGP"
    assert text(root, "cac:AccountingCustomerParty//cbc:CountrySubentityCode") == "17"


def test_a_party_without_a_registration_number_is_refused() -> None:
    error = refused("MY-REGISTRATION", fan_invoice(buyer=attrs.evolve(BUYER, identifiers=())))
    assert "BRN, NRIC, PASSPORT or ARMY" in str(error)
    long_nric = (PartyIdentifier(scheme="NRIC", value="8801011456789"),)
    refused("MY-REGISTRATION", fan_invoice(buyer=attrs.evolve(BUYER, identifiers=long_nric)))


def test_a_supplier_charging_sst_needs_its_sst_registration() -> None:
    no_sst = attrs.evolve(SELLER, identifiers=SELLER.identifiers[::2])
    refused("MY-SST", fan_invoice(seller=no_sst))
    bad = (*SELLER.identifiers[::2], PartyIdentifier(scheme="SST", value="W10/1808"))
    refused("MY-SST", fan_invoice(seller=attrs.evolve(SELLER, identifiers=bad)))


def test_the_supplier_needs_its_msic_code_and_activity() -> None:
    no_msic = attrs.evolve(SELLER, identifiers=SELLER.identifiers[:2])
    refused("MY-MSIC", fan_invoice(seller=no_msic))
    options = MyInvoisOptions(msic="47591", activity="Retail sale of furniture")
    root = parsed(to_myinvois_xml(fan_invoice(seller=no_msic), options=options))
    assert (
        root.find(".//cbc:IndustryClassificationCode", NS).get("name") == "Retail sale of furniture"
    )


def test_both_parties_need_a_telephone_number() -> None:
    refused("MY-CONTACT", fan_invoice(buyer=attrs.evolve(BUYER, phone="")))
    refused("MY-CONTACT", fan_invoice(seller=attrs.evolve(SELLER, phone="call us")))


def test_a_malaysian_address_needs_a_state_lhdn_knows() -> None:
    nowhere = Address(line1="Jalan 1", city="Kampung Baru", country="MY")
    error = refused("MY-STATE", fan_invoice(buyer=attrs.evolve(BUYER, address=nowhere)))
    assert "Kampung Baru" in str(error)
    refused("MY-ADDRESS", fan_invoice(buyer=attrs.evolve(BUYER, address=None)))


def test_a_country_without_an_iso_alpha3_code_is_refused() -> None:
    unknown = Address(line1="1 Main St", city="Nowhere", country="QQ")
    refused("MY-COUNTRY", fan_invoice(buyer=attrs.evolve(BUYER, address=unknown)))


# -- taxes -----------------------------------------------------------------------------


def test_a_tax_myinvois_cannot_carry_is_refused() -> None:
    base = myr("100.00")
    vat = line("1", 1, base, [tax("ID-PPN-12", "0.12", base, myr("12.00"))])
    error = refused("MY-TAX-TYPE", invoice([vat], seller=SELLER, buyer=BUYER))
    assert (error.line, "ID-PPN-12" in str(error)) == ("1", True)
    zero = line(
        "1", 1, base, [tax("MY-SALES-10", "0", base, myr("0"), treatment=TaxTreatment.ZERO_RATED)]
    )
    refused("MY-TAX-TYPE", invoice([zero], seller=SELLER, buyer=BUYER))
    withheld = attrs.evolve(
        tax("MY-SALES-10", "0.10", base, myr("10.00")), kind=TaxKind.WITHHOLDING
    )
    refused("MY-TAX-TYPE", invoice([line("1", 1, base, [withheld])], seller=SELLER, buyer=BUYER))
    mapped = to_myinvois_xml(
        invoice([vat], seller=SELLER, buyer=BUYER),
        options=MyInvoisOptions(tax_types={"ID-PPN-12": "01"}),
    )
    assert text(parsed(mapped), "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "01"


def test_an_exemption_without_its_reason_is_refused() -> None:
    base = myr("18.00")
    exempt = tax("MY-EXEMPT", "0", base, myr("0"), treatment=TaxTreatment.EXEMPT)
    refused("MY-EXEMPTION", invoice([line("1", 1, base, [exempt])], seller=SELLER, buyer=BUYER))


def test_a_line_outside_every_tax_is_tax_type_06() -> None:
    document = to_myinvois_xml(
        invoice([line("1", 1, myr("50.00"), [])], seller=SELLER, buyer=BUYER)
    )
    assert validate_myinvois(document) == []
    assert text(parsed(document), "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "06"


# -- the consolidated e-invoice --------------------------------------------------------


def receipt(number: str, day: int, net: str, sales: str, **changes: Any) -> Invoice:
    base = myr(net)
    document = invoice(
        [line("1", 1, base, [tax("MY-SALES-10", "0.10", base, myr(sales))])],
        seller=SELLER,
        buyer=attrs.evolve(BUYER, tax_id="", name="Walk-in"),
        number=number,
    )
    issued = dt.datetime(2026, 1, day, 4, 0, tzinfo=dt.timezone.utc)
    return attrs.evolve(document, **{"kind": InvoiceKind.SALES, "issued_at": issued, **changes})


FEBRUARY = dt.datetime(2026, 2, 3, 2, 0, tzinfo=dt.timezone.utc)


def test_a_months_b2c_invoices_make_one_consolidated_e_invoice_to_the_general_public() -> None:
    """RM10.00 + RM25.50 + RM4.50 at 10%: net 40.00, tax 1.00 + 2.55 + 0.45 = 4.00."""
    month = [
        receipt("R-1", 2, "10.00", "1.00"),
        receipt("R-2", 15, "25.50", "2.55"),
        receipt("R-3", 31, "4.50", "0.45"),
    ]
    consolidated = consolidate(
        month, month=dt.date(2026, 1, 1), number="CON-2026-01", issued_at=FEBRUARY
    )
    assert isinstance(consolidated, ConsolidatedInvoice)
    assert consolidated.sources == ("R-1", "R-2", "R-3")
    document = to_myinvois_xml(consolidated)
    assert validate_myinvois(document) == []
    root = parsed(document)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer.find("cac:PartyIdentification/cbc:ID", NS).text == GENERAL_PUBLIC_TIN
    assert text(buyer, "cac:PartyLegalEntity/cbc:RegistrationName") == "General Public"
    assert text(buyer, "cac:PostalAddress/cbc:CountrySubentityCode") == "17"
    assert [c.text for c in root.findall(".//cbc:ItemClassificationCode", NS)] == ["004"] * 3
    assert [d.text for d in root.findall(".//cac:Item/cbc:Description", NS)] == [
        "R-1",
        "R-2",
        "R-3",
    ]
    assert (
        text(root, "cac:InvoicePeriod/cbc:StartDate"),
        text(root, "cac:InvoicePeriod/cbc:EndDate"),
    ) == ("2026-01-01", "2026-01-31")
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "4.00"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "44.00"


def test_a_sale_is_in_the_month_of_its_malaysian_date() -> None:
    late = receipt(
        "R-9",
        31,
        "10.00",
        "1.00",
        issued_at=dt.datetime(2026, 1, 31, 17, 0, tzinfo=dt.timezone.utc),
    )
    with pytest.raises(DocumentRuleError, match="2026-02-01"):
        consolidate([late], month=dt.date(2026, 1, 1), number="C", issued_at=FEBRUARY)


@pytest.mark.parametrize(
    ("invoices", "issued_at", "detail"),
    [
        ([], FEBRUARY, "no invoices"),
        ([receipt("R-1", 2, "10.00", "1.00", buyer=BUYER)], FEBRUARY, "has a tax id"),
        ([receipt("R-1", 2, "10.00", "1.00")] * 2, FEBRUARY, "given twice"),
        (
            [receipt("R-1", 2, "10.00", "1.00")],
            dt.datetime(2026, 1, 31, 3, tzinfo=dt.timezone.utc),
            "before",
        ),
        (
            [receipt("R-1", 2, "10.00", "1.00", document=DocumentType.ADJUSTMENT)],
            FEBRUARY,
            "adjustment",
        ),
        ([receipt("R-1", 2, "10.00", "1.00", status=InvoiceStatus.DRAFT)], FEBRUARY, "not issued"),
    ],
)
def test_consolidation_refuses_what_does_not_belong(
    invoices: list[Invoice], issued_at: dt.datetime, detail: str
) -> None:
    with pytest.raises(DocumentRuleError, match=detail) as caught:
        consolidate(invoices, month=dt.date(2026, 1, 1), number="C", issued_at=issued_at)
    assert caught.value.rule == "MY-CONSOLIDATE"


def test_consolidation_refuses_another_currency_and_an_invoice_filed_alone() -> None:
    usd = attrs.evolve(
        usd_invoice(), kind=InvoiceKind.SALES, buyer=attrs.evolve(BUYER, tax_id=""), number="R-2"
    )
    with pytest.raises(DocumentRuleError, match="USD"):
        consolidate(
            [receipt("R-1", 2, "10.00", "1.00"), usd],
            month=dt.date(2026, 1, 1),
            number="C",
            issued_at=FEBRUARY,
        )
    from salesorder.domain.invoicing import EInvoiceState, EInvoiceStatus

    filed = receipt(
        "R-1",
        2,
        "10.00",
        "1.00",
        einvoice=EInvoiceStatus(
            provider="myinvois", provider_ref="U", state=EInvoiceState.ACCEPTED
        ),
    )
    with pytest.raises(DocumentRuleError, match="already filed"):
        consolidate([filed], month=dt.date(2026, 1, 1), number="C", issued_at=FEBRUARY)


# -- the rule checks over XML ----------------------------------------------------------


def test_validate_myinvois_reports_broken_field_rules() -> None:
    root = parsed(to_myinvois_xml(fan_invoice()))
    telephone = root.find("cac:AccountingCustomerParty//cbc:Telephone", NS)
    telephone.getparent().remove(telephone)
    root.find(".//cbc:ItemClassificationCode", NS).text = "999"
    root.find("cac:TaxTotal/cbc:TaxAmount", NS).text = "55.00"
    problems = validate_myinvois(etree.tostring(root))
    assert {p.split(":")[0] for p in problems} >= {"MY-CONTACT", "MY-CLASSIFICATION", "MY-SUMS"}
    assert any(
        p.startswith("XSD:")
        for p in validate_myinvois(
            b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>"
        )
    )


# -- signing ---------------------------------------------------------------------------


class FixedClock:
    def now(self) -> dt.datetime:
        return dt.datetime(2026, 1, 5, 9, 0, 30, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def signer() -> XadesSigner:
    """A signer with a self-signed RSA certificate made for the test."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kedai Contoh Sdn Bhd")])
    start = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(4242)
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=730))
        .sign(key, hashes.SHA256())
    )
    return XadesSigner(
        certificate=certificate.public_bytes(serialization.Encoding.PEM),
        private_key=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        clock=FixedClock(),
    )


def test_a_signed_document_carries_lhdns_xades_signature_and_verifies(signer: XadesSigner) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    assert isinstance(signer, DocumentSigner)
    unsigned = to_myinvois_xml(fan_invoice(), options=MyInvoisOptions(signed=True))
    signed = signer.sign(unsigned)
    assert validate_myinvois(signed) == []
    root = parsed(signed)
    assert text(root, "cbc:InvoiceTypeCode") == "01"
    assert (
        text(root, "cac:Signature/cbc:SignatureMethod")
        == "urn:oasis:names:specification:ubl:dsig:enveloped:xades"
    )
    signature = root.find(".//ds:Signature", NS)
    certificate = x509.load_der_x509_certificate(
        base64.b64decode(text(signature, ".//ds:X509Certificate"))
    )
    # DocDigest: the document without UBLExtensions and cac:Signature, canonicalised.
    bare = parsed(signed)
    for tag in ("ext:UBLExtensions", "cac:Signature"):
        bare.remove(bare.find(tag, NS))
    canonical = etree.tostring(bare, method="c14n")
    assert canonical == etree.tostring(parsed(unsigned), method="c14n")
    digest = base64.b64encode(hashlib.sha256(canonical).digest()).decode()
    assert (
        text(signature, "ds:SignedInfo/ds:Reference[@Id='id-doc-signed-data']/ds:DigestValue")
        == digest
    )
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    public_key.verify(  # raises InvalidSignature when wrong
        base64.b64decode(text(signature, "ds:SignatureValue")),
        canonical,
        padding.PKCS1v15(),
        hashes.SHA256(),
    )
    properties = signature.find(".//xades:SignedProperties", NS)
    props = base64.b64encode(
        hashlib.sha256(etree.tostring(properties, method="c14n", exclusive=True)).digest()
    ).decode()
    assert (
        text(signature, "ds:SignedInfo/ds:Reference[@URI='#id-xades-signed-props']/ds:DigestValue")
        == props
    )
    cert_digest = base64.b64encode(hashlib.sha256(signer.certificate_der).digest()).decode()
    assert text(properties, ".//xades:CertDigest/ds:DigestValue") == cert_digest
    assert text(properties, ".//xades:SigningTime") == "2026-01-05T09:00:30Z"
    assert text(properties, ".//ds:X509SerialNumber") == "4242"
    # Signing again replaces the signature, never doubles it; the time fixes the bytes.
    assert signer.sign(signed) == signed


def test_only_a_version_1_1_document_is_signed(signer: XadesSigner) -> None:
    with pytest.raises(DocumentRuleError) as caught:
        signer.sign(to_myinvois_xml(fan_invoice()))
    assert caught.value.rule == "MY-VERSION"
    unsigned = to_myinvois_xml(fan_invoice())
    assert UNSIGNED.sign(unsigned) == unsigned


def test_a_key_that_is_not_rsa_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValidationError):
        XadesSigner(
            certificate=b"-----BEGIN CERTIFICATE-----\n", private_key=key, clock=FixedClock()
        )


def test_the_xsd_is_the_oasis_one() -> None:
    assert (rules_dir() / "maindoc" / "UBL-Invoice-2.1.xsd").is_file()
    assert ISSUED.tzinfo is not None
