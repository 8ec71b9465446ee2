"""Identifying customers (DESIGN §2.2) works the same on SQLite and PostgreSQL."""
from __future__ import annotations

import dataclasses
import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload, sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.db.models import ContactChange, Customer, Service
from bot.db.session import session_scope
from bot.ports.customers import ContactUpdateError, CustomerDirectory, CustomerRecord, ServiceRecord
from tests.support.ports import Blocking


@pytest.fixture
def directory(shared_seeded_session_factory: sessionmaker) -> Blocking:
    """For lookups: the demo database is shared by the module's tests."""
    return Blocking(LocalCustomerDirectory(shared_seeded_session_factory, country="PY"))


@pytest.fixture
def own_directory(seeded_session_factory: sessionmaker) -> Blocking:
    """For changes: a demo database of the test's own."""
    return Blocking(LocalCustomerDirectory(seeded_session_factory, country="PY"))


def names(records: list[CustomerRecord]) -> list[str]:
    return [record.full_name for record in records]


def contact_changes(factory: sessionmaker) -> list[tuple]:
    with session_scope(factory) as session:
        rows = session.execute(
            select(
                ContactChange.customer_id,
                ContactChange.field,
                ContactChange.old_value,
                ContactChange.new_value,
                ContactChange.channel,
            ).order_by(ContactChange.id)
        )
        return [tuple(row) for row in rows]


def test_local_directory_satisfies_the_port(directory: Blocking) -> None:
    port: CustomerDirectory = directory
    assert port.find_by_service_number(1001)


def test_find_by_service_number_returns_the_owner_with_all_services(
    directory: Blocking,
) -> None:
    [ana] = directory.find_by_service_number(1006)

    assert ana.full_name == "Ana Martínez Ortiz"
    assert ana.services == (
        ServiceRecord(1005, "Fibra 300", 300, "active", None, "Av. España 1550, Asunción",
                      "Asunción Centro"),
        ServiceRecord(1006, "Hogar 50", 50, "active", None, "Ruta 2 km 48, San Bernardino",
                      "San Bernardino"),
    )
    assert directory.find_by_service_number(9999) == []


def test_suspension_is_visible_on_the_service(directory: Blocking) -> None:
    [pedro] = directory.find_by_service_number(1004)

    assert (pedro.services[0].status, pedro.services[0].suspension_reason) == (
        "suspended",
        "non_payment",
    )


@pytest.mark.parametrize("document_id", ["4123567", "4.123.567", " 4 123 567 ", "4-123-567"])
def test_find_by_document_id_ignores_separators(
    directory: Blocking, document_id: str
) -> None:
    assert names(directory.find_by_document_id(document_id)) == ["María Benítez"]


@pytest.mark.parametrize("document_id", ["9999999", "", "41235A7", "4123567x"])
def test_find_by_document_id_without_match(
    directory: Blocking, document_id: str
) -> None:
    assert directory.find_by_document_id(document_id) == []


@pytest.mark.parametrize(
    "phone", ["0981 234 567", "0981-234-567", "+595 981 234567", "595981234567", "+595981234567"]
)
def test_find_by_phone_in_any_format(directory: Blocking, phone: str) -> None:
    assert names(directory.find_by_phone(phone)) == ["María Benítez"]


@pytest.mark.parametrize(
    ("phone", "owner"),
    [("0981 999 888", "Sofía Núñez"), ("(021) 345-678", "Ana Martínez Ortiz")],
)
def test_find_by_phone_matches_the_alternate_number(
    directory: Blocking, phone: str, owner: str
) -> None:
    assert names(directory.find_by_phone(phone)) == [owner]


@pytest.mark.parametrize("phone", ["0981 000 000", "123", "no tengo", ""])
def test_find_by_phone_without_match(directory: Blocking, phone: str) -> None:
    assert directory.find_by_phone(phone) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("juan duarte", ["Juan Carlos Duarte Rojas", "Juan Duarte Giménez"]),
        ("Duarte, Juan", ["Juan Carlos Duarte Rojas", "Juan Duarte Giménez"]),
        ("JUAN CARLOS", ["Juan Carlos Duarte Rojas"]),
        ("juan duarte gimenez", ["Juan Duarte Giménez"]),
        ("maria benitez", ["María Benítez"]),
        ("Sofía Núñez", ["Sofía Núñez"]),
        ("sofia nunez", ["Sofía Núñez"]),
        ("roberto caceres", ["Roberto Cáceres"]),
    ],
)
def test_find_by_name_is_case_and_accent_insensitive(
    directory: Blocking, query: str, expected: list[str]
) -> None:
    assert names(directory.find_by_name(query)) == expected


@pytest.mark.parametrize("query", ["juan perez", "Bení", "", "   ", "1001"])
def test_find_by_name_needs_every_word_to_match(
    directory: Blocking, query: str
) -> None:
    assert directory.find_by_name(query) == []


def test_get_returns_a_frozen_record(directory: Blocking) -> None:
    [maria] = directory.find_by_document_id("4123567")

    record = directory.get(maria.id)

    assert record == maria
    assert (record.phone, record.email) == ("+595981234567", "maria.benitez@example.com")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.phone = "+595981000000"  # type: ignore[misc]
    assert directory.get(999_999) is None


def test_update_phone_normalises_and_audits(
    own_directory: Blocking, seeded_session_factory: sessionmaker
) -> None:
    [maria] = own_directory.find_by_document_id("4123567")

    own_directory.update_contact(maria.id, "phone", "0982 111 222", channel="whatsapp")

    assert own_directory.get(maria.id).phone == "+595982111222"
    assert names(own_directory.find_by_phone("0982111222")) == ["María Benítez"]
    # The number replaced stays as her alternate: she is still found by it.
    assert own_directory.get(maria.id).phone_alt == "+595981234567"
    assert contact_changes(seeded_session_factory) == [
        (maria.id, "phone", "+595981234567", "+595982111222", "whatsapp")
    ]


def test_update_email_normalises_and_audits(
    own_directory: Blocking, seeded_session_factory: sessionmaker
) -> None:
    [maria] = own_directory.find_by_document_id("4123567")

    own_directory.update_contact(maria.id, "email", "  Maria.B@Example.COM ", channel=None)

    assert own_directory.get(maria.id).email == "maria.b@example.com"
    assert contact_changes(seeded_session_factory) == [
        (maria.id, "email", "maria.benitez@example.com", "maria.b@example.com", None)
    ]


def test_update_to_the_same_value_records_nothing(
    own_directory: Blocking, seeded_session_factory: sessionmaker
) -> None:
    [maria] = own_directory.find_by_document_id("4123567")

    own_directory.update_contact(maria.id, "phone", "0981 234 567", channel="telegram")

    assert contact_changes(seeded_session_factory) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("phone", "0981 234 56", "invalid_phone"),
        ("phone", "mi número", "invalid_phone"),
        ("email", "maria@", "invalid_email"),
        ("email", "maria benitez@example.com", "invalid_email"),
        ("email", "maria@example", "invalid_email"),
        ("address", "Calle 1", "unknown_field"),
    ],
)
def test_update_rejects_invalid_values_and_changes_nothing(
    directory: Blocking,
    shared_seeded_session_factory: sessionmaker,
    field: str,
    value: str,
    code: str,
) -> None:
    [maria] = directory.find_by_document_id("4123567")

    with pytest.raises(ContactUpdateError) as raised:
        directory.update_contact(maria.id, field, value, channel="whatsapp")

    assert raised.value.code == code
    assert isinstance(raised.value, ValueError)
    assert directory.get(maria.id) == maria
    assert contact_changes(shared_seeded_session_factory) == []


def test_update_of_an_unknown_customer(directory: Blocking) -> None:
    with pytest.raises(LookupError):
        directory.update_contact(999_999, "email", "nadie@example.com", channel=None)


def test_records_carry_no_orm_state(directory: Blocking) -> None:
    [record] = directory.find_by_service_number(1001)

    assert not isinstance(record, Customer)
    assert all(isinstance(service, ServiceRecord) for service in record.services)
    assert {field.name for field in dataclasses.fields(record)} == {
        "id", "first_name", "last_name", "document_id", "phone", "phone_alt", "email", "services"
    }


def test_choosing_the_alternate_number_swaps_the_two(own_directory: Blocking) -> None:
    [sofia] = own_directory.find_by_document_id("4456123")
    main, alternate = sofia.phone, sofia.phone_alt

    own_directory.update_contact(sofia.id, "phone", alternate, channel="whatsapp")

    updated = own_directory.get(sofia.id)
    assert (updated.phone, updated.phone_alt) == (alternate, main)
    assert names(own_directory.find_by_phone(main)) == ["Sofía Núñez"]


def orm_view(factory: sessionmaker) -> dict[int, tuple]:
    """Every customer and its services as the ORM's objects and relationship hold them."""
    with session_scope(factory) as session:
        return {
            customer.id: (
                customer.first_name, customer.last_name, customer.document_id, customer.phone,
                customer.phone_alt, customer.email,
                tuple((service.service_number, service.plan_name, service.download_mbps,
                       service.status, service.suspension_reason, service.address, service.zone)
                      for service in customer.services),
            )
            for customer in session.scalars(select(Customer).options(selectinload(Customer.services)))
        }


def record_view(record: CustomerRecord) -> tuple:
    return (
        record.first_name, record.last_name, record.document_id, record.phone, record.phone_alt,
        record.email,
        tuple((service.service_number, service.plan_name, service.download_mbps, service.status.value,
               service.suspension_reason, service.address, service.zone) for service in record.services),
    )


def test_every_customer_reads_as_the_orm_holds_it(own_directory: Blocking,
                                                    seeded_session_factory: sessionmaker) -> None:
    with session_scope(seeded_session_factory) as session:  # one without services, one with several
        session.add(Customer(first_name="Sin", last_name="Servicio", document_id="99000111",
                             phone="+595981000111"))
        owner = session.scalars(select(Customer).order_by(Customer.id)).first()
        assert owner is not None
        session.add(Service(service_number=999, customer_id=owner.id, plan_name="Fibra 50",
                            download_mbps=50, upload_mbps=25, monthly_price=100000, status="suspended",
                            suspension_reason="non_payment", address="Otra 123", zone="Centro",
                            installed_on=datetime.date(2024, 3, 1)))
    expected = orm_view(seeded_session_factory)
    assert len(expected) > 5 and any(len(view[6]) > 1 for view in expected.values())
    assert any(not view[6] for view in expected.values())
    for customer_id, view in expected.items():
        record = own_directory.get(customer_id)
        assert record is not None and record.id == customer_id and record_view(record) == view
    everyone = own_directory.find_by_name("")  # whatever the name matching, the order is by id
    assert [record.id for record in everyone] == sorted(record.id for record in everyone)
