"""Every invoice and credit note a shop issues is a valid EN 16931 document in both syntaxes.

Orders are taken, shipped, paid, invoiced, credited and corrected through the public API
(``salesorder.in_memory`` and commands), in Vietnam (VND), Indonesia (IDR, also a
whole-rupiah shop), Malaysia (MYR) and the Netherlands (EUR, a tax table of our own), tax
included and excluded, rounded per line and per document. Each document is written as UBL
and CII; both must pass their XSD and CEN's schematron (no fatal rule), and their totals
must be the library's own figures: BT-109 the net, BT-110 the tax (also the sum of the VAT
breakdown), BT-112 the gross, BT-113 what the invoice counts as prepaid, BT-114 its cash
rounding, BT-115 its amount due (a credit note's gross).

The library may refuse a document with ``DocumentRuleError`` only where EN 16931 has no
form for it: a line with two taxes (Malaysia's sales and service tax, BG-30), which is
checked to happen, and a VAT breakdown its rounding cannot fit into BR-CO-17, which is
allowed for per-line rounding and for documents derived from an invoice (credit notes,
corrections), and fails the test on a whole-order invoice rounded per document.

The validators run for real (the ``einvoice`` extra is part of the ``test`` extra, as for
``tests/einvoice``); each costs tens of milliseconds, so examples are few. Set
``SALESORDER_EINVOICE_EXAMPLES`` to run more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

import attrs
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from tests.properties.einvoice_strategies import (
    MY_TWO_TAXES,
    FollowUp,
    Prepaid,
    Scenario,
    Step,
    scenarios,
)

import salesorder
from salesorder import (
    CreditNote,
    Customer,
    CustomerKind,
    DocumentRuleError,
    DocumentType,
    FeePayer,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Money,
    MoneyPolicy,
    OrderStatus,
    Party,
    PaymentMethod,
    Product,
    RoundingPlace,
    RoundingPolicy,
    SalesApp,
    Settings,
    Warehouse,
    commands,
)
from salesorder.adapters.memory import InMemoryCourier

EXAMPLES = int(os.environ.get("SALESORDER_EINVOICE_EXAMPLES", "40"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_CII = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


# -- a run through the public API -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Produced:
    """A document as issued, what produced it, and whether it invoices the whole order."""

    document: Invoice | CreditNote
    what: str
    whole_order: bool = False


def _shop(scenario: Scenario) -> SalesApp:
    market = scenario.market
    currency = scenario.currency
    money = (
        ()
        if scenario.money_digits is None
        else (MoneyPolicy(currency=currency, digits=scenario.money_digits),)
    )
    app = salesorder.in_memory(
        Settings(
            currency=currency,
            jurisdiction=market.country,
            tax_mode=scenario.tax_mode,
            rounding=RoundingPolicy(place=scenario.place),
            tax_table=market.table,
            seller=Party(name="Seller Co", address=market.address, tax_id=market.seller_tax_id),
            money=money,
            shipping_tax_category=market.shipping_category,
        ),
        start=scenario.start,
    )
    fee = scenario.base_fee
    per_kg = Money.of((fee.amount / 4).quantize(scenario.quantum, ROUND_DOWN), currency)
    app = attrs.evolve(
        app,
        couriers={"jnt": InMemoryCourier("jnt", currency=currency, base_fee=fee, per_kg=per_kg)},
    )
    app.execute(
        commands.AddWarehouse(warehouse=Warehouse(code="WH-1", name="Main", address=market.address))
    )
    for number, line in enumerate(scenario.lines, 1):
        app.execute(
            commands.AddProduct(
                product=Product(
                    sku=f"SKU-{number}",
                    name=f"Item {number}",
                    price=line.unit_price,
                    unit_cost=Money.zero(currency),
                    tax_category=line.category,
                    weight_kg="0.25",
                    initial_stock=line.quantity,
                ),
                warehouse="WH-1",
            )
        )
    buyer = (
        Customer(
            id="B1",
            name="Buyer",
            kind=CustomerKind.BUSINESS,
            company_name="Buyer Ltd",
            tax_id=market.buyer_tax_id,
            addresses=(market.address,),
        )
        if scenario.business
        else Customer(id="B1", name="Buyer", addresses=(market.address,))
    )
    app.execute(commands.AddCustomer(customer=buyer))
    if scenario.promotion is not None:
        app.execute(commands.AddPromotion(promotion=scenario.promotion))
    return app


def _down(amount: Decimal, quantum: Decimal) -> Decimal:
    return amount.quantize(quantum, ROUND_DOWN)


def _invoice(app: SalesApp, invoice_id: str) -> Invoice:
    with app.uow() as uow:
        return uow.invoices.get(invoice_id)


def _note(app: SalesApp, note_id: str) -> CreditNote:
    with app.uow() as uow:
        return uow.credit_notes.get(note_id)


def _order_and_invoice(app: SalesApp, scenario: Scenario) -> str:
    """Place, confirm, ship and pay the order as drawn; returns the invoice's id."""
    currency = scenario.currency
    order_id = app.execute(
        commands.PlaceOrder(
            customer_id="B1",
            lines=tuple(
                commands.NewLine(sku=f"SKU-{n}", quantity=line.quantity, discount=line.discount)
                for n, line in enumerate(scenario.lines, 1)
            ),
            payment_method=scenario.method,
        )
    )
    app.execute(commands.ConfirmOrder(order_id=order_id))

    def pay(share: Decimal, method: PaymentMethod, reference: str) -> None:
        with app.uow() as uow:
            due = uow.orders.get(order_id).balance_due
        amount = _down(due.amount * share, scenario.quantum)
        if amount > 0:
            app.execute(
                commands.RecordPayment(
                    order_id=order_id,
                    amount=Money.of(amount, currency),
                    method=method,
                    reference=reference,
                )
            )

    if scenario.shipped:
        if scenario.method is PaymentMethod.BANK_TRANSFER:
            pay(Decimal(1), PaymentMethod.BANK_TRANSFER, "TRF-GOODS")  # before it may ship
        app.execute(commands.ReserveStock(order_id=order_id))
        payer = FeePayer.BUYER if scenario.buyer_pays_shipping else FeePayer.SELLER
        app.execute(commands.ShipOrder(order_id=order_id, courier="jnt", fee_payer=payer))
    with app.uow() as uow:
        order = uow.orders.get(order_id)
        cod = uow.shipments.get(order.shipment_ids[-1]).cod_amount if order.shipment_ids else None
    if scenario.cod_collected_first and cod is not None and cod.is_positive:
        app.execute(commands.MarkDelivered(order_id=order_id))
        app.execute(
            commands.RecordPayment(
                order_id=order_id, amount=cod, method=PaymentMethod.COD, reference="COD-1"
            )
        )
    share = {Prepaid.NOTHING: 0, Prepaid.PART: Decimal("0.5"), Prepaid.ALL: 1}[scenario.prepaid]
    pay(Decimal(share), PaymentMethod.BANK_TRANSFER, "TRF-1")
    invoice_id = app.execute(
        commands.IssueInvoice(
            order_id=order_id,
            kind=InvoiceKind.VAT if scenario.business else InvoiceKind.SALES,
            instalment_days=(0, 30, 60) if scenario.instalments else (),
        )
    )
    invoice = _invoice(app, invoice_id)
    if scenario.method is PaymentMethod.COD:
        # The buyer pays the courier what the invoice asks, cash rounding included.
        assert cod is not None
        assert invoice.gross + invoice.rounding == cod
    if share == 1 or scenario.cod_collected_first:
        assert invoice.amount_due.is_zero, (invoice.gross, invoice.prepaid, invoice.amount_due)
    return invoice_id


@attrs.frozen(kw_only=True)
class _Context:
    """What a follow-up acts on: the run, the invoice as it stands, the drawn step."""

    app: SalesApp
    scenario: Scenario
    invoice: Invoice
    step: Step

    def amount(self, amount: Decimal) -> Money:
        return Money.of(amount, self.scenario.currency)

    def share_of(self, amount: Money) -> Decimal:
        """The step's share of ``amount``, down to the shop's quantum."""
        return _down(amount.amount * self.step.share, self.scenario.quantum)

    def credit(self, what: str, **how: object) -> Produced:
        note_id = self.app.execute(
            commands.IssueCreditNote(invoice_id=self.invoice.id, reason=what, **how)  # type: ignore[arg-type]
        )
        return Produced(document=_note(self.app, note_id), what=f"credit note ({what})")

    def correct(self, what: str, amount: Decimal | None = None) -> Produced:
        document = DocumentType.REPLACEMENT if amount is None else DocumentType.ADJUSTMENT
        new = self.app.execute(
            commands.CorrectInvoice(
                invoice_id=self.invoice.id,
                document=document,
                amount=None if amount is None else self.amount(amount),
            )
        )
        return Produced(document=_invoice(self.app, new), what=what)


def _credit_all(context: _Context) -> Produced | None:
    return context.credit("all left") if context.invoice.creditable.is_positive else None


def _credit_amount(context: _Context) -> Produced | None:
    amount = context.share_of(context.invoice.creditable)
    return context.credit("amount", amount=context.amount(amount)) if amount > 0 else None


def _credit_units(context: _Context) -> Produced | None:
    """A share of the units left on one goods line, for their share of what it has left."""
    invoice = context.invoice
    goods = [
        line.line_id
        for line in invoice.lines
        if not line.charge
        and invoice.units_creditable(line.line_id) > 0
        and invoice.line_creditable(line.line_id).is_positive
    ]
    if not goods:
        return None
    line_id = goods[context.step.line % len(goods)]
    left = invoice.units_creditable(line_id)
    units = min(left, max(1, int((left * context.step.share).to_integral_value(ROUND_CEILING))))
    amount = _down(invoice.line_creditable(line_id).amount * units / left, context.scenario.quantum)
    if amount <= 0:
        return None
    part = commands.CreditLine(line_id=line_id, amount=context.amount(amount), quantity=units)
    return context.credit("units", lines=(part,))


def _adjust_up(context: _Context) -> Produced | None:
    if not context.invoice.gross.is_positive:
        return None
    amount = max(context.scenario.quantum, context.share_of(context.invoice.gross))
    return context.correct("adjustment (up)", amount)


def _adjust_down(context: _Context) -> Produced | None:
    amount = context.share_of(context.invoice.creditable)
    return context.correct("adjustment (down)", -amount) if amount > 0 else None


def _replace(context: _Context) -> Produced | None:
    return context.correct("replacement")


def _pay(context: _Context) -> Produced | None:
    _pay_after(context.app, context.scenario, context.invoice)
    return None


_FOLLOW_UPS = {
    FollowUp.CREDIT_ALL: _credit_all,
    FollowUp.CREDIT_AMOUNT: _credit_amount,
    FollowUp.CREDIT_UNITS: _credit_units,
    FollowUp.PAY: _pay,
    FollowUp.ADJUST_UP: _adjust_up,
    FollowUp.ADJUST_DOWN: _adjust_down,
    FollowUp.REPLACE: _replace,
}


def _follow_up(app: SalesApp, scenario: Scenario, current: str, step: Step) -> Produced | None:
    """Carry out ``step`` on invoice ``current``; the document it issued, if any."""
    invoice = _invoice(app, current)
    return _FOLLOW_UPS[step.kind](_Context(app=app, scenario=scenario, invoice=invoice, step=step))


def _pay_after(app: SalesApp, scenario: Scenario, invoice: Invoice) -> None:
    """The buyer pays the order's balance after the invoice (COD: at delivery, in cash)."""
    with app.uow() as uow:
        order = uow.orders.get(invoice.order_id)
    due = order.balance_due
    if not due.is_positive:
        return
    method = scenario.method
    if method is PaymentMethod.COD:
        if order.status is not OrderStatus.DELIVERED:
            app.execute(commands.MarkDelivered(order_id=order.id))
    else:
        method = PaymentMethod.BANK_TRANSFER
    app.execute(
        commands.RecordPayment(order_id=order.id, amount=due, method=method, reference="PAY-2")
    )


def run(scenario: Scenario) -> list[Produced]:
    """Every document the run issues, as issued, then the invoices again as they end up."""
    app = _shop(scenario)
    first = _order_and_invoice(app, scenario)
    produced = [Produced(document=_invoice(app, first), what="invoice", whole_order=True)]
    current = first
    for step in scenario.steps:
        made = _follow_up(app, scenario, current, step)
        if made is not None:
            produced.append(made)
            if step.kind is FollowUp.REPLACE:
                current = made.document.id
    if scenario.steps:
        # Credits and payments moved: the invoices still issued, as they stand now.
        for invoice_id in dict.fromkeys((first, current)):
            invoice = _invoice(app, invoice_id)
            if invoice.status is InvoiceStatus.ISSUED:
                produced.append(Produced(document=invoice, what="invoice after follow-ups"))
    return produced


# -- what the documents must say --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Totals:
    """The document totals both syntaxes state, read back from the XML."""

    net: Decimal  # BT-109
    tax: Decimal  # BT-110
    gross: Decimal  # BT-112
    prepaid: Decimal  # BT-113 (0 when absent)
    rounding: Decimal  # BT-114 (0 when absent)
    payable: Decimal  # BT-115
    breakdown_tax: Decimal  # the sum of BT-117 over the VAT breakdown


def expected(document: Invoice | CreditNote) -> Totals:
    """The library's own figures for ``document``."""
    if isinstance(document, Invoice):
        prepaid, rounding, payable = document.prepaid, document.rounding, document.amount_due
    else:
        prepaid, rounding = Money.zero(document.currency), Money.zero(document.currency)
        payable = document.gross
    return Totals(
        net=document.net.amount,
        tax=document.tax.amount,
        gross=document.gross.amount,
        prepaid=prepaid.amount,
        rounding=rounding.amount,
        payable=payable.amount,
        breakdown_tax=document.tax.amount,
    )


def _amount(root: object, path: str, namespaces: dict[str, str]) -> Decimal:
    found = root.find(path, namespaces)  # type: ignore[attr-defined]
    return Decimal(0) if found is None else Decimal(found.text)


def ubl_totals(xml: bytes) -> Totals:
    """The totals of a UBL invoice or credit note."""
    root = salesorder.parse_xml(xml)
    total = "cac:LegalMonetaryTotal/cbc:"
    return Totals(
        net=_amount(root, total + "TaxExclusiveAmount", _UBL),
        tax=_amount(root, "cac:TaxTotal/cbc:TaxAmount", _UBL),
        gross=_amount(root, total + "TaxInclusiveAmount", _UBL),
        prepaid=_amount(root, total + "PrepaidAmount", _UBL),
        rounding=_amount(root, total + "PayableRoundingAmount", _UBL),
        payable=_amount(root, total + "PayableAmount", _UBL),
        breakdown_tax=sum(
            (
                Decimal(e.text or "")
                for e in root.iterfind("cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount", _UBL)
            ),
            Decimal(0),
        ),
    )


def cii_totals(xml: bytes) -> Totals:
    """The totals of a CII invoice or credit note."""
    root = salesorder.parse_xml(xml)
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    total = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    return Totals(
        net=_amount(root, total + "TaxBasisTotalAmount", _CII),
        tax=_amount(root, total + "TaxTotalAmount", _CII),
        gross=_amount(root, total + "GrandTotalAmount", _CII),
        prepaid=_amount(root, total + "TotalPrepaidAmount", _CII),
        rounding=_amount(root, total + "RoundingAmount", _CII),
        payable=_amount(root, total + "DuePayableAmount", _CII),
        breakdown_tax=sum(
            (
                Decimal(e.text or "")
                for e in root.iterfind(
                    settlement + "ram:ApplicableTradeTax/ram:CalculatedAmount", _CII
                )
            ),
            Decimal(0),
        ),
    )


@attrs.frozen(kw_only=True)
class Syntax:
    """An EN 16931 syntax: ``salesorder.to_<name>``, ``validate_<name>`` and its totals."""

    name: str
    totals: Callable[[bytes], Totals]

    def write(self, document: Invoice | CreditNote) -> bytes | DocumentRuleError:
        """The document's XML, or the library's refusal to write it."""
        try:
            written: bytes = getattr(salesorder, f"to_{self.name}")(document)
        except DocumentRuleError as refused:
            return refused
        return written

    def validate(self, xml: bytes) -> list[str]:
        """The XSD errors and failed fatal schematron rules of ``xml``."""
        problems: list[str] = getattr(salesorder, f"validate_{self.name}")(xml)
        return problems


SYNTAXES = (Syntax(name="ubl", totals=ubl_totals), Syntax(name="cii", totals=cii_totals))


def check(produced: Produced, scenario: Scenario) -> None:
    """``produced`` is valid in both syntaxes with the library's totals, or rightly refused."""
    document = produced.document
    two_taxes = {line.line_id for line in document.lines if len(line.tax_records) > 1}
    for syntax in SYNTAXES:
        where = f"{syntax.name} of {produced.what} {document.number}"
        written = syntax.write(document)
        if two_taxes:
            # EN 16931 gives a line one VAT category and rate: no form, so refused, by line.
            assert isinstance(written, DocumentRuleError), f"{where} was written"
            assert written.rule == "BG-30", (where, str(written))
            assert written.line in two_taxes, (where, str(written))
            assert f"line {written.line!r}" in str(written), (where, str(written))
            event(f"{syntax.name}: refused, a line with two taxes")
            continue
        if isinstance(written, DocumentRuleError):
            assert written.rule == "BR-CO-17", (where, str(written))
            assert not (produced.whole_order and scenario.place is RoundingPlace.PER_DOCUMENT), (
                f"{where}: a whole-order invoice rounded per document was refused: {written}"
            )
            event(f"{syntax.name}: refused BR-CO-17 ({produced.what}, {scenario.place.value})")
            continue
        problems = syntax.validate(written)
        assert problems == [], (where, problems)
        assert syntax.totals(written) == expected(document), (where, syntax.totals(written))
        event(f"{syntax.name}: valid {produced.what}")


def _check_all(scenario: Scenario) -> None:
    note(repr(scenario))
    for produced in run(scenario):
        check(produced, scenario)


# -- the properties ---------------------------------------------------------------------------


@SETTINGS
@given(scenarios(("VN",)))
def test_vietnamese_documents_are_valid_and_state_the_library_totals(scenario: Scenario) -> None:
    _check_all(scenario)


@SETTINGS
@given(scenarios(("ID",)))
def test_indonesian_documents_are_valid_and_state_the_library_totals(scenario: Scenario) -> None:
    _check_all(scenario)


@SETTINGS
@given(scenarios(("MY", "NL")))
def test_malaysian_and_dutch_documents_are_valid_and_state_the_library_totals(
    scenario: Scenario,
) -> None:
    _check_all(scenario)


@settings(SETTINGS, max_examples=max(5, EXAMPLES // 3))
@given(scenarios(("MY",), two_taxes=True), st.data())
def test_a_malaysian_line_with_sales_and_service_tax_is_refused_naming_the_line(
    scenario: Scenario, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(scenario.lines) - 1), label="line with two taxes")
    lines = list(scenario.lines)
    lines[index] = attrs.evolve(lines[index], category=MY_TWO_TAXES)
    scenario = attrs.evolve(scenario, lines=tuple(lines))
    note(repr(scenario))
    produced = run(scenario)
    assert any(len(line.tax_records) == 2 for line in produced[0].document.lines)
    for made in produced:
        check(made, scenario)
