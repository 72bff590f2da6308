"""Vietnam's e-invoice XML: the docs' invoice parsed back figure by figure, and every refusal.

The invoice is the one docs/tax-invoices.md and docs/einvoice-vietnam.md issue through the
app with the default Vietnamese tax table: 10%, 8% (reducible), 5%, 0% and exempt, prices
without VAT, in VND.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import attrs
import pytest

from salesorder import (
    Address,
    Customer,
    CustomerKind,
    DocumentType,
    InvoiceKind,
    Money,
    Party,
    PaymentMethod,
    Product,
    Settings,
    TaxMode,
    Warehouse,
    commands,
    in_memory,
)
from salesorder.documents.safexml import parse_xml
from salesorder.documents.vietnam import (
    VnExchangeRateMissing,
    VnInvoice,
    VnInvoiceOptions,
    amount_in_words,
    number_in_words,
    read_authority_code,
    to_vn_einvoice,
    validate_vn_einvoice,
)
from salesorder.domain.invoicing import CreditNote, Invoice, InvoiceStatus
from salesorder.domain.tax import TaxTreatment
from salesorder.exceptions import (
    DocumentRuleError,
    IllegalTransition,
    InvalidTaxId,
    MalformedDocument,
    MissingExchangeRate,
    UnsafeXml,
)

HANOI = Address(line1="1 Tràng Tiền", city="Hà Nội", country="VN")
SELLER = Party(name="Công ty TNHH Mẫu", address=HANOI, tax_id="0100233488")
BUYER = Party(name="Công ty Người Mua", address=HANOI, tax_id="0100233488")
PRODUCTS = [
    ("LAPTOP", "15000000", "standard"),
    ("KETTLE", "456789", "reducible"),
    ("RICE", "123457", "reduced"),
    ("EXPORT", "2000000", "zero"),
    ("SEEDS", "333333", "exempt"),
]
ORDER = [("LAPTOP", 1), ("KETTLE", 3), ("RICE", 7), ("EXPORT", 1), ("SEEDS", 2)]
CODE = "00474597512BE94B7BAB367996EF464828"


def _app(currency: str = "VND") -> object:
    settings = Settings(
        currency=currency,
        jurisdiction="VN",
        locale="vi_VN",
        tax_mode=TaxMode.EXCLUDED,
        seller=SELLER,
    )
    app = in_memory(settings)
    app.execute(commands.AddWarehouse(warehouse=Warehouse(code="W1", name="Main", address=HANOI)))
    for sku, price, category in PRODUCTS:
        app.execute(
            commands.AddProduct(
                product=Product(
                    sku=sku,
                    name=sku.title(),
                    price=Money.of(price, currency),
                    unit_cost=Money.of(1, currency),
                    tax_category=category,
                    initial_stock=100,
                ),
                warehouse="W1",
            )
        )
    app.execute(
        commands.AddCustomer(
            customer=Customer(
                id="B",
                name="Buyer",
                kind=CustomerKind.BUSINESS,
                company_name=BUYER.name,
                tax_id=BUYER.tax_id,
                addresses=(HANOI,),
            )
        )
    )
    return app


def _issued(app: object, lines: list[tuple[str, int]] = ORDER) -> Invoice:
    order_id = app.execute(  # type: ignore[attr-defined]
        commands.PlaceOrder(
            customer_id="B",
            lines=tuple(commands.NewLine(sku=sku, quantity=qty) for sku, qty in lines),
            payment_method=PaymentMethod.BANK_TRANSFER,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))  # type: ignore[attr-defined]
    invoice_id = app.execute(  # type: ignore[attr-defined]
        commands.IssueInvoice(order_id=order_id, kind=InvoiceKind.VAT)
    )
    with app.uow() as uow:  # type: ignore[attr-defined]
        return uow.invoices.get(invoice_id)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def shop() -> tuple[object, Invoice]:
    app = _app()
    return app, _issued(app)


@pytest.fixture
def invoice(shop: tuple[object, Invoice]) -> Invoice:
    return shop[1]


def _lines(root: ET.Element) -> list[dict[str, str]]:
    return [
        {child.tag: (child.text or "") for child in line if child.tag != "TTKhac"}
        | {"TThue": line.findtext("TTKhac/TTin[TTruong='TThue']/DLieu") or ""}
        for line in root.iterfind("DLHDon/NDHDon/DSHHDVu/HHDVu")
    ]


def _refused(rule: str, *args: object, **kwargs: object) -> DocumentRuleError:
    with pytest.raises(DocumentRuleError) as refused:
        to_vn_einvoice(*args, **kwargs)  # type: ignore[arg-type]
    assert refused.value.rule == rule, str(refused.value)
    return refused.value


# -- the worked example, parsed back -------------------------------------------------------


def test_the_docs_invoice_is_written_with_every_figure_and_passes_the_rules(
    invoice: Invoice,
) -> None:
    """Figures worked by hand (they are the docs' tax-invoices example).

    LAPTOP 1 x 15,000,000 at 10% = 1,500,000; KETTLE 3 x 456,789 = 1,370,367 at 8% =
    109,629.36 -> 109,629; RICE 7 x 123,457 = 864,199 at 5% = 43,209.95 -> 43,210; EXPORT
    2,000,000 at 0%; SEEDS 2 x 333,333 = 666,666 not subject (KCT). Net 19,901,232, VAT
    1,652,839, total 21,554,071.
    """
    xml = to_vn_einvoice(invoice, series="C26TAA", options=VnInvoiceOptions())
    assert validate_vn_einvoice(xml) == []
    root = parse_xml(xml)
    general = {child.tag: child.text for child in root.find("DLHDon/TTChung") or ()}
    assert general == {
        "PBan": "2.0.0",
        "THDon": "Hóa đơn giá trị gia tăng",
        "KHMSHDon": "1",
        "KHHDon": "C26TAA",
        "SHDon": "1",
        "NLap": "2026-01-05",
        "DVTTe": "VND",
        "HTTToan": "CK",
    }
    assert root.findtext("DLHDon/NDHDon/NBan/MST") == "0100233488"
    assert root.findtext("DLHDon/NDHDon/NBan/DChi") == "1 Tràng Tiền, Hà Nội"
    assert root.findtext("DLHDon/NDHDon/NMua/Ten") == "Công ty Người Mua"
    expected = [
        ("LAPTOP", "1", "15000000", "15000000", "10%", "1500000"),
        ("KETTLE", "3", "456789", "1370367", "8%", "109629"),
        ("RICE", "7", "123457", "864199", "5%", "43210"),
        ("EXPORT", "1", "2000000", "2000000", "0%", "0"),
        ("SEEDS", "2", "333333", "666666", "KCT", "0"),
    ]
    lines = _lines(root)
    assert [
        (x["MHHDVu"], x["SLuong"], x["DGia"], x["ThTien"], x["TSuat"], x["TThue"]) for x in lines
    ] == expected
    assert {(x["TChat"], x["DVTinh"]) for x in lines} == {("1", "cái")}
    assert [
        (row.findtext("TSuat"), row.findtext("ThTien"), row.findtext("TThue"))
        for row in root.iterfind("DLHDon/NDHDon/TToan/THTTLTSuat/LTSuat")
    ] == [
        ("10%", "15000000", "1500000"),
        ("8%", "1370367", "109629"),
        ("5%", "864199", "43210"),
        ("0%", "2000000", "0"),
        ("KCT", "666666", "0"),
    ]
    totals = root.find("DLHDon/NDHDon/TToan")
    assert totals is not None
    assert (totals.findtext("TgTCThue"), totals.findtext("TgTThue")) == ("19901232", "1652839")
    assert totals.findtext("TgTTTBSo") == str(invoice.gross.amount) == "21554071"
    assert totals.findtext("TgTTTBChu") == (
        "Hai mươi mốt triệu năm trăm năm mươi bốn nghìn không trăm bảy mươi mốt đồng"
    )


def test_the_invoice_date_is_vietnams_date_of_the_issue_time(invoice: Invoice) -> None:
    """Issued 2026-01-05 20:00 UTC is 2026-01-06 03:00 in Hà Nội (UTC+7)."""
    late = attrs.evolve(invoice, issued_at=dt.datetime(2026, 1, 5, 20, tzinfo=dt.timezone.utc))
    assert VnInvoice.of(late, series="C26TAA").date == dt.date(2026, 1, 6)


def test_a_downward_adjustment_refers_to_its_original_with_negative_amounts(
    shop: tuple[object, Invoice],
) -> None:
    """-110,000 spread over the lines: net -101,565, VAT -8,435 (the domain's split)."""
    app, original = shop
    adjustment_id = app.execute(  # type: ignore[attr-defined]
        commands.CorrectInvoice(
            invoice_id=original.id,
            document=DocumentType.ADJUSTMENT,
            amount=Money.of("-110000", "VND"),
        )
    )
    with app.uow() as uow:  # type: ignore[attr-defined]
        adjustment = uow.invoices.get(adjustment_id)
    xml = to_vn_einvoice(adjustment, series="C26TAA", original=original)
    assert validate_vn_einvoice(xml) == []
    root = parse_xml(xml)
    related = {child.tag: child.text for child in root.find("DLHDon/TTChung/TTHDLQuan") or ()}
    assert related == {
        "TCHDon": "2",
        "LHDCLQuan": "1",
        "KHMSHDCLQuan": "1",
        "KHHDCLQuan": "C26TAA",
        "SHDCLQuan": "1",
        "NLHDCLQuan": "2026-01-05",
    }
    lines = _lines(root)
    assert all("SLuong" not in line and "DGia" not in line for line in lines)  # money only
    assert sum(Decimal(line["ThTien"]) for line in lines) == adjustment.net.amount
    assert root.findtext("DLHDon/NDHDon/TToan/TgTTTBSo") == "-110000"
    assert root.findtext("DLHDon/NDHDon/TToan/TgTTTBChu") == "Âm một trăm mười nghìn đồng"


def test_a_replacement_refers_to_its_original_as_nature_1(shop: tuple[object, Invoice]) -> None:
    app, _ = shop
    original = _issued(app)
    replacement = original.correction(id="R1", document=DocumentType.REPLACEMENT, series="INV")
    replacement.issue("INV-000099", dt.datetime(2026, 1, 6, 2, tzinfo=dt.timezone.utc))
    root = parse_xml(to_vn_einvoice(replacement, series="C26TAA", original=original))
    assert root.findtext("DLHDon/TTChung/TTHDLQuan/TCHDon") == "1"
    assert root.findtext("DLHDon/TTChung/TTHDLQuan/SHDCLQuan") == original.number[-1:]
    assert root.findtext("DLHDon/NDHDon/TToan/TgTTTBSo") == str(original.gross.amount)


def test_a_credit_note_is_written_as_a_downward_adjustment_with_the_units_it_takes_back(
    shop: tuple[object, Invoice],
) -> None:
    """A return of 1 of the 3 kettles: 456,789 + 8% (36,543.12 -> 36,543) = 493,332."""
    app, _ = shop
    original = _issued(app)
    note = CreditNote.for_invoice(
        original,
        id="N0",
        series="CN",
        number="CN-000001",
        at=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
        lines={"2": Money.of("493332", "VND")},
        units={"2": 1},
        reason="Trả lại 1 ấm đun",
    )
    options = VnInvoiceOptions(original_series="C26TAA")
    xml = to_vn_einvoice(note, series="C26TCN", options=options, original=original)
    assert validate_vn_einvoice(xml) == []
    root = parse_xml(xml)
    assert root.findtext("DLHDon/TTChung/TTHDLQuan/TCHDon") == "2"
    assert root.findtext("DLHDon/TTChung/TTHDLQuan/GChu") == "Trả lại 1 ấm đun"
    (line,) = _lines(root)
    assert (line["SLuong"], line["DGia"], line["ThTien"], line["TThue"]) == (
        "1",
        "456789",
        "-456789",
        "-36543",
    )
    assert root.findtext("DLHDon/NDHDon/TToan/TgTTTBSo") == "-493332"


def test_a_foreign_currency_invoice_carries_its_exchange_rate() -> None:
    invoice = _issued(_app("USD"), [("LAPTOP", 1)])
    xml = to_vn_einvoice(
        invoice, series="C26TAA", options=VnInvoiceOptions(exchange_rate="25350.5")
    )
    root = parse_xml(xml)
    assert (root.findtext("DLHDon/TTChung/DVTTe"), root.findtext("DLHDon/TTChung/TGia")) == (
        "USD",
        "25350.5",
    )
    assert root.findtext("DLHDon/NDHDon/TToan/TgTTTBChu") == (
        "Mười sáu triệu năm trăm nghìn đô la Mỹ"
    )
    assert validate_vn_einvoice(xml) == []


# -- refusals: one per rule ----------------------------------------------------------------


def test_a_foreign_currency_without_its_exchange_rate_is_refused() -> None:
    invoice = _issued(_app("USD"), [("LAPTOP", 1)])
    with pytest.raises(VnExchangeRateMissing) as refused:
        to_vn_einvoice(invoice, series="C26TAA")
    assert refused.value.rule == "VN-TGia"
    assert isinstance(refused.value, MissingExchangeRate)
    assert "TGia" in str(refused.value)


@pytest.mark.parametrize("series", ["C26TA", "X26TAA", "C26XAA", "c26taa", "C26TA1"])
def test_a_series_symbol_outside_circular_78_is_refused(invoice: Invoice, series: str) -> None:
    _refused("VN-KHHDon", invoice, series=series)


def test_a_series_symbol_of_another_year_is_refused(invoice: Invoice) -> None:
    assert "2025" in str(_refused("VN-KHHDon", invoice, series="C25TAA"))


def test_a_form_symbol_this_library_does_not_write_is_refused(invoice: Invoice) -> None:
    _refused("VN-KHMSHDon", invoice, series="C26TAA", template="5")


def test_a_sales_invoice_carrying_vat_is_refused(invoice: Invoice) -> None:
    refused = _refused("VN-KHMSHDon", invoice, series="C26TAA", template="2")
    assert refused.line == "1"


def test_a_number_without_digits_is_refused(invoice: Invoice) -> None:
    _refused("VN-SHDon", attrs.evolve(invoice, number="INV-"), series="C26TAA")


def test_a_seller_without_its_mst_is_refused(invoice: Invoice) -> None:
    seller = attrs.evolve(invoice.seller, tax_id="")
    assert "MST" in str(
        _refused("VN-NBan-MST", attrs.evolve(invoice, seller=seller), series="C26TAA")
    )


@pytest.mark.parametrize("who", ["seller", "buyer"])
def test_an_invalid_mst_is_refused(invoice: Invoice, who: str) -> None:
    party = attrs.evolve(getattr(invoice, who), tax_id="0100233489")  # check digit off by one
    with pytest.raises(InvalidTaxId, match="MST"):
        to_vn_einvoice(attrs.evolve(invoice, **{who: party}), series="C26TAA")


def test_a_vat_invoice_for_a_buyer_without_a_vietnamese_mst_is_refused(invoice: Invoice) -> None:
    buyer = attrs.evolve(
        invoice.buyer, address=attrs.evolve(HANOI, country="SG"), tax_id="201234567K"
    )
    _refused("VN-NMua-MST", attrs.evolve(invoice, buyer=buyer), series="C26TAA")


def test_a_consumer_without_a_tax_code_gets_a_sales_invoice(invoice: Invoice) -> None:
    consumer = Party(name="Nguyễn Văn A", address=HANOI)
    sale = attrs.evolve(invoice, buyer=consumer, kind=InvoiceKind.SALES)
    exempt = attrs.evolve(sale, lines=(sale.lines[4],), net=sale.lines[4].net)
    exempt = attrs.evolve(exempt, tax=Money.zero("VND"), gross=sale.lines[4].gross)
    root = parse_xml(to_vn_einvoice(exempt, series="C26TAA"))
    assert root.findtext("DLHDon/TTChung/KHMSHDon") == "2"
    assert root.find("DLHDon/NDHDon/NMua/MST") is None
    assert root.find("DLHDon/NDHDon/TToan/THTTLTSuat") is None


def _with_tax(invoice: Invoice, **changes: object) -> Invoice:
    line = invoice.lines[0]
    taxes = (attrs.evolve(line.taxes[0], **changes),)
    return attrs.evolve(invoice, lines=(attrs.evolve(line, taxes=taxes), *invoice.lines[1:]))


@pytest.mark.parametrize(
    "changes",
    [
        {"tax_rate": Decimal("0.12"), "effective_rate": Decimal("0.12")},  # no such rate
        {"tax_rate": Decimal("0.12"), "effective_rate": Decimal("0.11")},  # a reduced base
        {"treatment": TaxTreatment.REVERSE_CHARGE},
    ],
)
def test_a_tax_tsuat_cannot_carry_is_refused(invoice: Invoice, changes: dict[str, object]) -> None:
    assert _refused("VN-TSuat", _with_tax(invoice, **changes), series="C26TAA").line == "1"


def test_a_line_with_two_taxes_or_none_is_refused(invoice: Invoice) -> None:
    line = invoice.lines[0]
    two = attrs.evolve(line, taxes=(line.taxes[0], line.taxes[0]))
    _refused("VN-TSuat", attrs.evolve(invoice, lines=(two,)), series="C26TAA")
    none = attrs.evolve(line, taxes=(), tax_code="")
    _refused("VN-TSuat", attrs.evolve(invoice, lines=(none,)), series="C26TAA")


def test_a_tax_code_can_be_written_as_kkknt(invoice: Invoice) -> None:
    options = VnInvoiceOptions(rates={"VN-VAT-EXEMPT": "KKKNT"})
    root = parse_xml(to_vn_einvoice(invoice, series="C26TAA", options=options))
    assert _lines(root)[4]["TSuat"] == "KKKNT"
    not_subject = _with_tax(invoice, treatment=TaxTreatment.NOT_SUBJECT)
    lines = _lines(parse_xml(to_vn_einvoice(not_subject, series="C26TAA")))
    assert lines[0]["TSuat"] == "KKKNT"


def test_corrections_without_their_original_are_refused(shop: tuple[object, Invoice]) -> None:
    _, original = shop
    note = CreditNote.for_invoice(
        original,
        id="N1",
        series="CN",
        number="CN-000009",
        at=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
        amount=Money.of("1000", "VND"),
    )
    assert "original" in str(_refused("VN-TTHDLQuan", note, series="C26TCN"))
    other = attrs.evolve(original, number="INV-000777")
    _refused("VN-TTHDLQuan", note, series="C26TCN", original=other)
    adjustment = original.correction(
        id="A9",
        document=DocumentType.ADJUSTMENT,
        series="INV",
        lines=original.split_lines(Money.of("-1000", "VND")),
    )
    adjustment.issue("INV-000098", dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc))
    _refused("VN-TTHDLQuan", adjustment, series="C26TAA")


def test_a_credit_note_in_its_originals_series_is_refused(shop: tuple[object, Invoice]) -> None:
    _, original = shop
    note = CreditNote.for_invoice(
        original,
        id="N2",
        series="CN",
        number="CN-000001",
        at=dt.datetime(2026, 1, 6, tzinfo=dt.timezone.utc),
        amount=Money.of("1000", "VND"),
    )
    _refused("VN-SHDon", note, series="C26TAA", original=original)


def test_a_cash_rounding_the_format_cannot_state_is_refused(invoice: Invoice) -> None:
    rounded = attrs.evolve(invoice, rounding=Money.of("-1", "VND"))
    _refused("VN-TgTTTBSo", rounded, series="C26TAA")


def test_drafts_and_pro_formas_are_not_written_but_a_draft_can_be_checked(
    invoice: Invoice,
) -> None:
    draft = attrs.evolve(invoice, number=None, issued_at=None, status=InvoiceStatus.DRAFT)
    with pytest.raises(IllegalTransition):
        to_vn_einvoice(draft, series="C26TAA")
    VnInvoice.check(draft, series="C26TAA")  # every rule but the number's and the date's
    with pytest.raises(DocumentRuleError):
        VnInvoice.check(draft, series="C26TAA", template="2")
    with pytest.raises(IllegalTransition):
        to_vn_einvoice(attrs.evolve(invoice, document=DocumentType.PRO_FORMA), series="C26TAA")


# -- the rules checked on the XML ----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "rule"),
    [
        ("DLHDon/TTChung/KHMSHDon", "7", "VN-KHMSHDon"),
        ("DLHDon/TTChung/KHHDon", "C25TAA", "VN-KHHDon"),
        ("DLHDon/TTChung/SHDon", "123456789", "VN-SHDon"),
        ("DLHDon/TTChung/NLap", "05/01/2026", "VN-NLap"),
        ("DLHDon/TTChung/DVTTe", "USD", "VN-TGia"),
        ("DLHDon/TTChung/DVTTe", "dong", "VN-DVTTe"),
        ("DLHDon/NDHDon/NBan/MST", "0100233489", "VN-NBan-MST"),
        ("DLHDon/NDHDon/NMua/MST", "0100233489", "VN-NMua-MST"),
        ("DLHDon/NDHDon/NBan/DChi", "", "VN-Required"),
        ("DLHDon/NDHDon/DSHHDVu/HHDVu/TChat", "5", "VN-TChat"),
        ("DLHDon/NDHDon/DSHHDVu/HHDVu/TSuat", "12%", "VN-TSuat"),
        ("DLHDon/NDHDon/DSHHDVu/HHDVu/ThTien", "15000001", "VN-THTTLTSuat"),
        ("DLHDon/NDHDon/TToan/TgTCThue", "1", "VN-TgTCThue"),
        ("DLHDon/NDHDon/TToan/TgTThue", "1", "VN-TgTThue"),
        ("DLHDon/NDHDon/TToan/TgTTTBSo", "1", "VN-TgTTTBSo"),
    ],
)
def test_each_field_rule_is_checked_on_the_xml(
    invoice: Invoice, path: str, value: str, rule: str
) -> None:
    root = parse_xml(to_vn_einvoice(invoice, series="C26TAA"))
    element = root.find(path)
    assert element is not None
    element.text = value
    problems = validate_vn_einvoice(ET.tostring(root, encoding="utf-8"))
    assert rule in {problem.split(":")[0] for problem in problems}, problems


def test_a_line_of_a_rate_without_its_row_is_found(invoice: Invoice) -> None:
    root = parse_xml(to_vn_einvoice(invoice, series="C26TAA"))
    rows = root.find("DLHDon/NDHDon/TToan/THTTLTSuat")
    assert rows is not None
    rows.remove(rows[4])  # the KCT row (its amounts are still in TgTCThue)
    problems = validate_vn_einvoice(ET.tostring(root, encoding="utf-8"))
    assert "VN-THTTLTSuat: lines of 'KCT' have no row" in problems


# -- the authority's code ------------------------------------------------------------------


def _coded(xml: bytes, code: str = CODE) -> bytes:
    root = parse_xml(xml)
    element = ET.SubElement(root, "MCCQT", {"Id": "Id-1"})
    element.text = code
    ET.SubElement(root, "DSCKS")
    return ET.tostring(root, encoding="utf-8")


def test_the_authority_code_is_read_from_the_returned_invoice_and_its_message(
    invoice: Invoice,
) -> None:
    returned = _coded(to_vn_einvoice(invoice, series="C26TAA"))
    assert read_authority_code(returned) == CODE
    message = (
        b"<TDiep><TTChung><PBan>2.0.0</PBan><MLTDiep>202</MLTDiep></TTChung><DLieu>"
        + returned.split(b"?>", 1)[-1]
        + b"</DLieu></TDiep>"
    )
    assert read_authority_code(message) == CODE


@pytest.mark.parametrize("code", ["", "M1-26-00000001", CODE + "0"])
def test_a_missing_or_malformed_authority_code_is_refused(invoice: Invoice, code: str) -> None:
    with pytest.raises(MalformedDocument, match="MCCQT"):
        read_authority_code(_coded(to_vn_einvoice(invoice, series="C26TAA"), code))


def test_no_invoice_and_a_dtd_are_refused() -> None:
    with pytest.raises(MalformedDocument, match="HDon"):
        read_authority_code(b"<TDiep><DLieu/></TDiep>")
    with pytest.raises(UnsafeXml):
        read_authority_code(b'<!DOCTYPE HDon [<!ENTITY x "y">]><HDon><MCCQT>&x;</MCCQT></HDon>')


# -- the total in words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "Không đồng"),
        ("1005", "Một nghìn không trăm lẻ năm đồng"),
        ("1010000", "Một triệu không trăm mười nghìn đồng"),
        ("1000005", "Một triệu không trăm lẻ năm đồng"),
        ("1284000", "Một triệu hai trăm tám mươi bốn nghìn đồng"),  # as the GDT sample reads
        ("1000000005", "Một tỷ không trăm lẻ năm đồng"),
        ("2500000000000", "Hai nghìn năm trăm tỷ đồng"),
        ("-110000", "Âm một trăm mười nghìn đồng"),
    ],
)
def test_amounts_in_words_read_as_vietnamese_invoices_write_them(amount: str, words: str) -> None:
    assert amount_in_words(Money.of(amount, "VND")) == words


def test_minor_units_are_read_after_phay() -> None:
    assert amount_in_words(Money.of("12.05", "USD")) == "Mười hai phẩy không năm đô la Mỹ"
    assert amount_in_words(Money.of("12.50", "EUR")) == "Mười hai phẩy năm mươi euro"
    assert number_in_words(-5) == "âm năm"
    with pytest.raises(TypeError):
        number_in_words(True)


def test_a_seller_without_an_address_is_refused(invoice: Invoice) -> None:
    seller = attrs.evolve(invoice.seller, address=None)
    # without an address the party has no country either, so the MST rule speaks first
    _refused("VN-NBan-MST", attrs.evolve(invoice, seller=seller), series="C26TAA")
    with pytest.raises(InvalidTaxId, match="MSTTCGP"):
        to_vn_einvoice(
            invoice, series="C26TAA", options=VnInvoiceOptions(provider_tax_id="0100233489")
        )
