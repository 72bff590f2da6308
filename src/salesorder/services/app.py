"""The application: settings, the ports it talks through, and :meth:`SalesApp.execute`.

Build one with :func:`salesorder.bootstrap.in_memory` (or wire your own adapters). The
application finds each command's handler in its handler table, :attr:`SalesApp.handlers`:
bootstrap hands it the table salesorder ships, and one built by hand loads that table itself
(:func:`shipped_handlers`). Every command runs in one unit of work: it loads aggregates, calls
the domain, and commits; domain events are published after the commit. A command that raises
has changed nothing. A :class:`~salesorder.exceptions.ConcurrencyConflict` at commit re-runs
the command from the start, up to ``SalesApp.retries`` times, after a short random wait
(``SalesApp.backoff``; pass ``backoff=lambda attempt: None`` to retry at once).

Calls to the outside world (couriers, marketplaces, the e-invoice provider, customer
messages) are written to the outbox in the command's unit of work and made after the commit
(:mod:`salesorder.services.outbox`): at once when ``dispatch_after_commit`` is set (the
default), else by a :class:`~salesorder.services.commands.DispatchOutbox` run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

import attrs

from salesorder import logs
from salesorder.domain.allocation import AllocationStrategy, LowestCost
from salesorder.domain.calendar import BusinessCalendar
from salesorder.domain.common import boolean, instance_of
from salesorder.domain.customers import Address
from salesorder.domain.events import DomainEvent
from salesorder.domain.invoicing import InvoiceRule, Party
from salesorder.domain.notifications import MessageTemplates
from salesorder.domain.outbox import CallKind, RetryPolicy
from salesorder.domain.pricing import TaxMode
from salesorder.domain.tax import TaxTable, default_tax_table
from salesorder.domain.terms import PaymentTerms
from salesorder.exceptions import (
    ConcurrencyConflict,
    InvalidType,
    NotFound,
    PersistenceError,
    SalesOrderError,
    ValidationError,
)
from salesorder.money import (
    CashRounding,
    MoneyPolicy,
    RoundingPolicy,
    currency_info,
    decimal_isolated,
)
from salesorder.ports.clock import Clock, IdGenerator
from salesorder.ports.couriers import CourierGateway
from salesorder.ports.einvoice import EInvoiceProvider
from salesorder.ports.events import EventPublisher
from salesorder.ports.marketplaces import MarketplaceGateway
from salesorder.ports.persistence import UnitOfWork
from salesorder.services.commands import Command
from salesorder.services.notifications import Notifier
from salesorder.services.summary import AppSummary, summarize

__all__ = [
    "SalesApp",
    "Settings",
    "ShopTemplates",
    "Transaction",
    "jittered_backoff",
    "shipped_handlers",
    "shipped_senders",
]

R = TypeVar("R")


def _default_seller() -> Party:
    return Party(
        name="Toko Contoh",
        address=Address(line1="Jl. Sudirman 1", city="Jakarta", country="ID"),
        tax_id="01.300.066.6-091.000",
    )


class ShopTemplates(MessageTemplates, Protocol):
    """What :attr:`Settings.templates` renders with: the notifications and the invoice preview.

    :class:`salesorder.documents.templating.JinjaTemplates` is one: ``message`` renders a
    notification, ``render`` a template by name (``"invoice/preview.html"``).
    """

    def render(self, name: str, locale: str, values: Mapping[str, Any]) -> str:
        """Template ``name`` rendered in ``locale`` with ``values``.

        Raises:
            TemplateError: the template cannot be rendered.
        """
        ...


@attrs.frozen(kw_only=True)
class Settings:
    """How a shop prices, rounds, taxes and prints.

    Attributes:
        currency: the currency orders are taken in.
        jurisdiction: the tax jurisdiction (country code) for the tax table.
        tax_mode: whether catalog prices include tax.
        rounding: mode and place of rounding for prices and tax.
        cash: cash rounding rules, used for COD amounts.
        tax_table: effective-dated tax rules.
        locale: how amounts and dates are formatted for people.
        seller: the seller as printed on invoices.
        payment_days: days from invoice to due date (0: due on issue), when no
            ``payment_terms`` are set.
        payment_terms: the default payment terms of invoices (overrides ``payment_days``).
        invoice_rule: when a VAT invoice is issued without the buyer asking
            (``IssueInvoice(kind=None)``).
        money: the shop's money policies, at most one per currency (for example
            ``MoneyPolicy(currency="IDR", digits=0)`` to charge whole rupiah); a currency
            without one has ISO 4217's minor units. See ``docs/currencies.md``.
        shipping_tax_category: the tax category (in ``tax_table``) of the shipping charge
            the buyer pays, which invoices list as a charge; None: shipping is outside tax.
        payment_account: the account buyers pay bank transfers into, printed on invoices
            as their payment means (EN 16931 BT-84); empty: the means is "not defined".
        check_contacts: check and normalise new customers' and addresses' contact details
            (country and subdivision codes, phones to E.164, e-mail syntax) in the commands
            that take them; needs the ``contacts`` extra. See
            :mod:`salesorder.domain.contacts`.
        calendar: the shop's business days (weekends, public holidays, its own closed
            days): payment due dates that fall on a closed day move as it says; None: no
            date moves. See :mod:`salesorder.domain.calendar`.
        templates: the shop's templates for the customer notifications and the invoice
            preview (:class:`~salesorder.documents.templating.JinjaTemplates`, the
            ``templates`` extra), given once: :func:`salesorder.bootstrap.build` hands them
            to the notifier and :func:`salesorder.services.views.invoice_preview` renders
            with them; None: the built-in renderers. Not part of a scenario file. See
            ``docs/templates.md``.
    """

    currency: str = attrs.field(default="IDR", validator=lambda _s, _a, code: currency_info(code))
    jurisdiction: str = "ID"
    tax_mode: TaxMode = TaxMode.INCLUDED
    rounding: RoundingPolicy = attrs.Factory(RoundingPolicy)
    cash: CashRounding = attrs.Factory(CashRounding.default)
    tax_table: TaxTable = attrs.Factory(default_tax_table)
    locale: str = "id_ID"
    seller: Party = attrs.Factory(_default_seller)
    payment_days: int = 0
    payment_terms: PaymentTerms | None = None
    invoice_rule: InvoiceRule = attrs.Factory(InvoiceRule)
    money: tuple[MoneyPolicy, ...] = attrs.field(default=(), converter=tuple)
    shipping_tax_category: str | None = "standard"
    payment_account: str = ""
    check_contacts: bool = attrs.field(default=False, validator=boolean)
    calendar: BusinessCalendar | None = attrs.field(
        default=None, validator=attrs.validators.optional(instance_of(BusinessCalendar))
    )
    # Code, not data: kept out of JSON and scenario files (salesorder.serialization).
    templates: ShopTemplates | None = attrs.field(default=None, metadata={"json": False})

    @templates.validator
    def _renders_both(
        self, _attribute: attrs.Attribute[ShopTemplates | None], value: object
    ) -> None:
        if value is None:
            return
        if not all(callable(getattr(value, name, None)) for name in ("message", "render")):
            raise ValidationError(
                "Settings.templates takes templates for the notifications and the invoice "
                "preview (a salesorder.documents.templating.JinjaTemplates) or None, got "
                f"{type(value).__name__}"
            )

    @money.validator
    def _one_policy_per_currency(
        self, _attribute: attrs.Attribute[tuple[MoneyPolicy, ...]], value: tuple[MoneyPolicy, ...]
    ) -> None:
        seen: set[str] = set()
        for policy in value:
            if not isinstance(policy, MoneyPolicy):
                raise ValidationError(
                    f"Settings.money takes MoneyPolicy values, got {type(policy).__name__}"
                )
            if policy.currency in seen:
                raise ValidationError(f"Settings.money has two policies for {policy.currency}")
            seen.add(policy.currency)

    def money_policy(self, currency: str) -> MoneyPolicy:
        """The shop's policy for ``currency``: its own, or ISO 4217's minor units."""
        for policy in self.money:
            if policy.currency == currency:
                return policy
        return MoneyPolicy.iso(currency)

    def rounding_for(self, currency: str) -> RoundingPolicy:
        """:attr:`rounding` with the digits of ``currency``'s money policy."""
        for policy in self.money:
            if policy.currency == currency:
                return attrs.evolve(self.rounding, digits=policy.digits)
        return self.rounding


@attrs.define
class Transaction:
    """A unit of work, its events (published after commit) and its outbox keys.

    The keys are those of the outbox items written in it, dispatched after the commit.
    """

    uow: UnitOfWork
    now: dt.datetime
    events: list[DomainEvent] = attrs.Factory(list)
    outbox: list[str] = attrs.Factory(list)

    def raise_event(self, event: DomainEvent) -> None:
        """Queue ``event`` for publication once the unit of work commits."""
        self.events.append(event)


Handler = Callable[["SalesApp", Any], Any]
#: Makes one kind of outbox call (see :mod:`salesorder.services.outbox`).
Sender = Callable[["SalesApp", Any], Any]

#: Where the shipped handler table lives. Every handler module imports this one (for
#: ``SalesApp`` and ``Transaction``), so this one imports none of them: the table is handed
#: to the application by :mod:`salesorder.bootstrap`, or loaded by name when it is not.
_SHIPPED_HANDLERS = "salesorder.services.handlers"
_OUTBOX = "salesorder.services.outbox"


def shipped_handlers() -> Mapping[type[Command[Any]], Handler]:
    """The handler table salesorder ships (``salesorder.services.handlers.HANDLERS``).

    The default of :attr:`SalesApp.handlers`, so an application built by hand runs every
    command; the handler modules are imported by the first call, not with this module.
    """
    table: Mapping[type[Command[Any]], Handler] = importlib.import_module(
        _SHIPPED_HANDLERS
    ).HANDLERS
    return table


def shipped_senders() -> Mapping[CallKind, Sender]:
    """The outbox senders salesorder ships (``salesorder.services.handlers.SENDERS``)."""
    table: Mapping[CallKind, Sender] = importlib.import_module(_SHIPPED_HANDLERS).SENDERS
    return table


def jittered_backoff(attempt: int) -> None:
    """Wait before retry ``attempt`` (1, 2, ...): up to 5 ms, doubling, capped at 200 ms.

    Random jitter keeps workers that collided from colliding again in step.
    """
    time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** (attempt - 1))))  # noqa: S311 - not crypto


def _name(command: object) -> str:
    return type(command).__name__


def _extra(
    command: object,
    attempt: int,
    *,
    error: BaseException | None = None,
    result: str | None = None,
) -> dict[str, Any]:
    """The ``extra`` of a command's record: its order (when it names one), name and attempt."""
    order_id = getattr(command, "order_id", None)
    return logs.context(
        order_id=order_id if isinstance(order_id, str) else None,
        command=_name(command),
        attempt=attempt,
        error=error,
        result=result,
    )


def _log_conflict(
    log: logging.Logger, command: object, attempt: int, retries: int, conflict: BaseException
) -> None:
    """A conflict is a WARNING: retried while retries are left, else given up."""
    if not log.isEnabledFor(logging.WARNING):
        return
    if attempt > retries:
        what = f"gave up after {attempt} attempts"
    else:
        what = f"retrying (attempt {attempt + 1} of {retries + 1})"
    log.warning(
        "%s conflicted, %s: %s",
        _name(command),
        what,
        conflict,
        extra=_extra(command, attempt, error=conflict),
    )


@attrs.define(kw_only=True)
class SalesApp:
    """The order-to-cash application; see the module docstring."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    ids: IdGenerator
    events: EventPublisher
    settings: Settings = attrs.Factory(Settings)
    couriers: Mapping[str, CourierGateway] = attrs.Factory(dict)
    einvoice: EInvoiceProvider | None = None
    marketplaces: Mapping[str, MarketplaceGateway] = attrs.Factory(dict)
    retries: int = 5
    backoff: Callable[[int], None] = attrs.field(factory=lambda: jittered_backoff)
    marketplace_cursors: dict[str, str] = attrs.Factory(dict)
    #: How ReserveStock chooses warehouses (see salesorder.domain.allocation).
    allocation: AllocationStrategy = attrs.Factory(LowestCost)
    #: Customer notifications (outbox, templates); None sends nothing.
    notifications: Notifier | None = None
    #: The function that handles each command class; by default the shipped table.
    handlers: Mapping[type[Command[Any]], Handler] = attrs.field(
        factory=shipped_handlers, repr=False
    )
    #: The function that makes each kind of outbox call; by default the shipped table.
    senders: Mapping[CallKind, Sender] = attrs.field(factory=shipped_senders, repr=False)
    #: Make the calls a unit of work wrote right after its commit (else DispatchOutbox does).
    dispatch_after_commit: bool = True
    #: Backoff, jitter, dead-lettering and lease of outbox calls.
    outbox_policy: RetryPolicy = attrs.Factory(RetryPolicy)
    #: Draws the backoff's jitter, a number in [0, 1).
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    @decimal_isolated
    def execute(self, command: Command[R]) -> R:
        """Run ``command`` and return its result, under the library's decimal context.

        Raises:
            SalesOrderError: the specific error of the command; nothing was changed.
            InvalidType: ``command`` is not a command of :attr:`handlers` (also a
                ``TypeError``).
        """
        try:
            handler = self.handlers[type(command)]
        except KeyError:
            raise InvalidType(f"{type(command).__name__} is not a salesorder command") from None
        log = logs.logger(logs.command_area(type(command)))
        attempt = 1
        while True:
            if log.isEnabledFor(logging.DEBUG):
                log.debug("%s started", _name(command), extra=_extra(command, attempt))
            try:
                result: R = handler(self, command)
            except ConcurrencyConflict as conflict:
                _log_conflict(log, command, attempt, self.retries, conflict)
                if attempt > self.retries:
                    raise
                self.backoff(attempt)
                attempt += 1
            except SalesOrderError as refusal:
                # Bad input or a rule is INFO (the caller has the error); a store that
                # failed is WARNING.
                level = logging.WARNING if isinstance(refusal, PersistenceError) else logging.INFO
                if log.isEnabledFor(level):
                    log.log(
                        level,
                        "%s %s: %s: %s",
                        _name(command),
                        "failed" if level == logging.WARNING else "refused",
                        type(refusal).__name__,
                        refusal,
                        extra=_extra(command, attempt, error=refusal),
                    )
                raise
            else:
                if log.isEnabledFor(logging.INFO):
                    done = result if isinstance(result, str) else None
                    log.info(
                        "%s done%s",
                        _name(command),
                        f": {done}" if done is not None else "",
                        extra=_extra(command, attempt, result=done),
                    )
                return result

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work that commits when the block ends normally, then publishes events.

        With :attr:`dispatch_after_commit`, the outbox calls written in it are made next
        (a failed one stays in the outbox; the command has committed either way).
        """
        with self.uow() as uow:
            tx = Transaction(uow=uow, now=self.clock.now())
            yield tx
            uow.commit()
        for event in tx.events:
            self.events.publish(event)
        if tx.outbox and self.dispatch_after_commit:
            importlib.import_module(_OUTBOX).dispatch_now(self, tx.outbox)

    def courier(self, code: str) -> CourierGateway:
        """The courier adapter registered as ``code``."""
        try:
            return self.couriers[code]
        except KeyError:
            raise NotFound("courier", code) from None

    def marketplace(self, channel: str) -> MarketplaceGateway:
        """The marketplace adapter registered for ``channel``."""
        try:
            return self.marketplaces[channel]
        except KeyError:
            raise NotFound("marketplace channel", channel) from None

    # -- for people: a read-only summary, and how a notebook shows the application -------

    def summary(self) -> AppSummary:
        """Orders by status, stock per SKU, money due and the outbox, read in one unit of work.

        Read-only: nothing is changed. The summary renders itself in the shop's locale.
        """
        with self.uow() as uow:
            return summarize(uow, at=self.clock.now(), locale=self.settings.locale)

    def __repr__(self) -> str:
        summary, settings = self.summary(), self.settings
        orders, skus = summary.order_count, len(summary.stock)
        return (
            f"<SalesApp {settings.currency} {settings.locale}: {orders} "
            f"order{'' if orders == 1 else 's'}, {skus} SKU{'' if skus == 1 else 's'}>"
        )

    def _repr_html_(self) -> str:
        return self.summary()._repr_html_()
