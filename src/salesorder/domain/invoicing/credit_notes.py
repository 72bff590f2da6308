"""Credit notes: all or part of an issued invoice taken back, line by line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from salesorder.domain.common import Shown, as_tuple, aware_datetime, code
from salesorder.domain.invoicing.invoice import Invoice
from salesorder.domain.invoicing.lines import InvoiceLine, _summarise
from salesorder.domain.invoicing.model import EInvoiceStatus, Party
from salesorder.domain.pricing import TaxSummary
from salesorder.domain.units import Quantity
from salesorder.exceptions import IllegalTransition, ValidationError
from salesorder.money import Money

__all__ = ["CreditNote"]


@attrs.define(kw_only=True, repr=False)
class CreditNote(Shown):
    """A credit note: takes back all or part of an issued invoice, which it references.

    Its lines mirror the invoice's with positive amounts (what is credited). A credit of
    some lines (``lines``: a return) credits exactly those lines; a credit of an amount is
    spread over the invoice's lines by what each has left to credit. Within a line, net and
    tax are split by the line's own net and tax, all with :func:`~salesorder.money.apportion`
    (see :meth:`Invoice.credit_lines`). So ``net + tax == gross`` on every line, the totals
    are exact sums, and the tax summary has the tax credited per rate.
    """

    id: str = attrs.field(validator=code)
    invoice_id: str = attrs.field(validator=code)
    invoice_number: str
    order_id: str = attrs.field(validator=code)
    series: str = attrs.field(validator=code)
    number: str
    issued_at: dt.datetime = attrs.field(validator=aware_datetime)
    seller: Party
    buyer: Party
    currency: str
    lines: tuple[InvoiceLine, ...] = attrs.field(converter=as_tuple)
    tax_summary: tuple[TaxSummary, ...] = attrs.field(converter=as_tuple)
    net: Money
    tax: Money
    gross: Money
    reason: str = ""
    einvoice: EInvoiceStatus | None = None
    #: The units taken back per invoice line id (a return, a credit by units); lines
    #: credited by amount alone are absent.
    units: dict[str, Quantity] = attrs.Factory(dict)

    @classmethod
    def for_invoice(
        cls,
        invoice: Invoice,
        *,
        id: str,  # noqa: A002 - the aggregate's identity is called id everywhere
        series: str,
        number: str,
        at: dt.datetime,
        amount: Money | None = None,
        reason: str = "",
        lines: Mapping[str, Money] | None = None,
        units: Mapping[str, Quantity] | None = None,
    ) -> CreditNote:
        """A credit note for ``amount`` (gross) of ``invoice``, or for the given ``lines``.

        With ``lines`` (line id -> gross to credit on that line), exactly those lines are
        credited; ``amount`` may then be left out, or must equal their sum. Without
        ``lines``, ``amount`` (all that is left when None) is spread over the lines by what
        each has left to credit (:meth:`Invoice.spread_credit`). ``units`` (line id ->
        units, only with ``lines``) are the units each credited line takes back; its credit
        line states them as its quantity. A credit of the whole invoice takes back every
        unit.

        Raises:
            IllegalTransition: the invoice is not issued and receivable.
            ValidationError: an unknown line, a line amount that is not positive, empty
                ``lines``, or an ``amount`` that differs from the sum of ``lines``.
            CreditLimitExceeded: ``amount`` is more than is left to credit, or a line's
                amount more than that line has left (nothing changes: the invoice is
                updated by :meth:`Invoice.record_credit`, by the caller).
        """
        if not invoice.is_receivable or invoice.number is None:
            raise IllegalTransition(invoice.thing, invoice.status.value, "credit")
        if lines is not None:
            if not lines:
                raise ValidationError(f"a credit note of {invoice.thing} needs at least one line")
            for part in lines.values():
                invoice._same_currency(part, "credit")
            total = Money.sum(lines.values(), invoice.currency)
            if amount is not None and amount != total:
                raise ValidationError(
                    f"a credit note of {amount} on {invoice.thing} names lines that add up to "
                    f"{total}: give the amount or the lines, or make them agree"
                )
            amount = total
            taken = dict(units or {})
            credited = invoice.credit_lines(lines, taken)
        else:
            if units:
                raise ValidationError(
                    f"a credit note of {invoice.thing} by units needs the lines they are on"
                )
            amount = invoice.creditable if amount is None else amount
            whole = amount == invoice.gross and invoice.credited.is_zero  # a copy of the lines
            credited = invoice.lines if whole else invoice.spread_credit(amount)
            taken = (
                {
                    line.line_id: line.quantity
                    for line in invoice.lines
                    if line.quantity and not line.gross.is_zero
                }
                if whole and not invoice.credited_units
                else {}
            )
        rates = {t.tax_code: t.effective_rate for t in invoice.tax_summary}
        currency = invoice.currency
        return cls(
            id=id,
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            order_id=invoice.order_id,
            series=series,
            number=number,
            issued_at=at,
            seller=invoice.seller,
            buyer=invoice.buyer,
            currency=currency,
            lines=credited,
            tax_summary=_summarise(credited, rates, currency),
            net=Money.sum((line.net for line in credited), currency),
            tax=Money.sum((line.tax for line in credited), currency),
            gross=amount,
            reason=reason,
            units=taken,
        )

    def record_einvoice(self, status: EInvoiceStatus) -> None:
        """Keep the provider's latest answer."""
        self.einvoice = status
