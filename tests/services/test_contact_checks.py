"""Settings.check_contacts: the commands that take new contact details check and normalise them.

AddCustomer, PlaceOrder (a shipping address given), ChangeAddress and AmendOrder: a phone
is stored in E.164, read for the address's country; a phone, e-mail or country that does
not parse is refused naming the field and the value, and nothing changes. A customer stored
before (an old-format phone) is still read and ordered for: only new input is checked.
"""

from __future__ import annotations

import attrs
import pytest
from tests.services.conftest import BANDUNG, committed_state, stock_shop

from salesorder import Address, Customer, SalesApp, commands, in_memory
from salesorder.domain.contacts import InvalidEmail, InvalidPhone
from salesorder.domain.payments import PaymentMethod
from salesorder.exceptions import InvalidAddress, ValidationError
from salesorder.services.app import Settings

PENANG = Address(line1="Lebuh Pantai 2", city="George Town", country="MY", phone="04-261 1121")
LINE = commands.NewLine(sku="TSHIRT-RED-M", quantity=1)


@pytest.fixture
def checking() -> SalesApp:
    """The shop of tests/services/conftest.py, checking contacts."""
    return stock_shop(in_memory(Settings(check_contacts=True)))


def customer(app: SalesApp, customer_id: str) -> Customer:
    with app.uow() as uow:
        return uow.customers.get(customer_id)


def test_a_new_customer_is_stored_with_e164_phones_and_a_normalised_email(
    checking: SalesApp,
) -> None:
    home = attrs.evolve(BANDUNG, phone="022 423 4567")
    checking.execute(
        commands.AddCustomer(
            customer=Customer(
                id="C9",
                name="Siti",
                phone="0812-3456-7890",
                email="Siti@Example.COM",
                addresses=(home, PENANG),
            )
        )
    )
    stored = customer(checking, "C9")
    assert stored.phone == "+6281234567890"
    assert stored.email == "Siti@example.com"
    assert [a.phone for a in stored.addresses] == ["+62224234567", "+6042611121"]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"phone": "call me"}, InvalidPhone, r"customer 'C9' phone 'call me' is not a phone"),
        ({"email": "siti@"}, InvalidEmail, r"customer 'C9' email 'siti@' is not an e-mail"),
        (
            {"addresses": (Address(line1="x", city="y", country="XX"),)},
            InvalidAddress,
            r"customer 'C9' addresses\[0\]\.country 'XX' is not an ISO 3166",
        ),
        (
            {"addresses": (attrs.evolve(PENANG, phone="12"),)},
            InvalidPhone,
            r"customer 'C9' addresses\[0\]\.phone '12' is not a phone number in MY",
        ),
    ],
)
def test_a_new_customer_with_bad_contact_details_is_refused_and_nothing_changes(
    checking: SalesApp, fields: dict[str, object], error: type[Exception], message: str
) -> None:
    before = committed_state(checking)
    with pytest.raises(error, match=message):
        checking.execute(
            commands.AddCustomer(customer=Customer(id="C9", name="Siti", **fields))  # type: ignore[arg-type]
        )
    assert committed_state(checking) == before


def test_without_the_setting_contacts_are_stored_as_given(app: SalesApp) -> None:
    app.execute(commands.AddCustomer(customer=Customer(id="C9", name="Siti", phone="+6281")))
    assert customer(app, "C9").phone == "+6281"


def test_a_customer_stored_before_the_checks_is_still_read_and_ordered_for() -> None:
    """The store is shared: a phone written before the shop turned checks on stays as it was."""
    old = Address(line1="Jl. Lama 1", city="Bogor", country="ID", phone="0251-83")
    app = stock_shop(in_memory())
    app.execute(commands.AddCustomer(customer=Customer(id="C9", name="Lama", addresses=(old,))))
    checking = attrs.evolve(app, settings=Settings(check_contacts=True))
    assert customer(checking, "C9").addresses == (old,)
    order_id = checking.execute(commands.PlaceOrder(customer_id="C9", lines=(LINE,)))
    with checking.uow() as uow:
        assert uow.orders.get(order_id).shipping_address == old


def test_a_shipping_address_given_with_an_order_is_normalised(checking: SalesApp) -> None:
    order_id = checking.execute(
        commands.PlaceOrder(customer_id="C1", lines=(LINE,), shipping_address=PENANG)
    )
    with checking.uow() as uow:
        assert uow.orders.get(order_id).shipping_address == attrs.evolve(
            PENANG, phone="+6042611121"
        )


def test_an_order_with_a_bad_address_is_refused_and_nothing_changes(checking: SalesApp) -> None:
    before = committed_state(checking)
    bad = attrs.evolve(PENANG, phone="0000")
    with pytest.raises(InvalidPhone, match=r"^PlaceOrder\.shipping_address\.phone '0000'"):
        checking.execute(
            commands.PlaceOrder(
                customer_id="C1",
                lines=(LINE,),
                shipping_address=bad,
                payment_method=PaymentMethod.COD,
            )
        )
    assert committed_state(checking) == before


def test_a_changed_address_is_checked_and_normalised(checking: SalesApp) -> None:
    order_id = checking.execute(commands.PlaceOrder(customer_id="C1", lines=(LINE,)))
    before = committed_state(checking)
    wrong_state = attrs.evolve(PENANG, region="ID-JK")
    with pytest.raises(InvalidAddress, match=r"^ChangeAddress\.address\.region 'ID-JK'"):
        checking.execute(commands.ChangeAddress(order_id=order_id, address=wrong_state))
    assert committed_state(checking) == before
    checking.execute(commands.ChangeAddress(order_id=order_id, address=PENANG))
    with checking.uow() as uow:
        assert uow.orders.get(order_id).shipping_address == attrs.evolve(
            PENANG, phone="+6042611121"
        )


def test_an_amendment_with_a_bad_address_is_refused_and_nothing_changes(
    checking: SalesApp,
) -> None:
    order_id = checking.execute(commands.PlaceOrder(customer_id="C1", lines=(LINE,)))
    checking.execute(commands.ConfirmOrder(order_id=order_id))
    before = committed_state(checking)
    with pytest.raises(InvalidPhone, match=r"^AmendOrder\.address\.phone 'x'"):
        checking.execute(
            commands.AmendOrder(
                order_id=order_id, key="A1", address=attrs.evolve(PENANG, phone="x")
            )
        )
    assert committed_state(checking) == before
    checking.execute(commands.AmendOrder(order_id=order_id, key="A1", address=PENANG))
    with checking.uow() as uow:
        assert uow.orders.get(order_id).shipping_address == attrs.evolve(
            PENANG, phone="+6042611121"
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"check_contacts": "yes"}, r"Settings\.check_contacts must be true or false, got 'yes'"),
        ({"calendar": "ID"}, r"Settings\.calendar must be a BusinessCalendar, got 'ID'"),
    ],
)
def test_settings_refuse_a_setting_of_the_wrong_kind(
    fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**fields)  # type: ignore[arg-type]
