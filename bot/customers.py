"""The customer directory: who is writing, and how to reach them.

The conversation identifies a customer by service number, national ID, phone or
name (DESIGN §2.2) and confirms their contact data. The port hands out frozen
records, never ORM objects nor the secrets an ISP system keeps next to its
customers. Its lookups mirror Wisphub's client search (`?id_servicio=`,
`?cedula=`, `?telefono__contains=`; names matched locally on a list), so a
Wisphub adapter can implement the same Protocol; `LocalCustomerDirectory` is the
embedded one, backed by the application database.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload, sessionmaker
from sqlalchemy.sql import ColumnElement

from bot.db.models import CONTACT_FIELDS, ContactChange, Customer, Service
from bot.db.session import session_scope
from bot.phones import normalize_phone
from bot.settings import get_settings

_DOCUMENT_SEPARATORS = re.compile(r"[\s.\-]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")
_NAME_TOKEN = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class ServiceRecord:
    """What the conversation may say about one of the customer's services."""

    service_number: int
    plan_name: str
    download_mbps: int
    status: str  # "active" | "suspended" | "cancelled"
    suspension_reason: str | None
    address: str
    zone: str


@dataclass(frozen=True)
class CustomerRecord:
    """A customer as the bot sees it, with their services ordered by number."""

    id: int
    first_name: str
    last_name: str
    document_id: str
    phone: str
    phone_alt: str | None
    email: str | None
    services: tuple[ServiceRecord, ...]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ContactUpdateError(ValueError):
    """A contact change that cannot be recorded; `code` tells the bot what to say.

    Codes: "invalid_phone", "invalid_email", "unknown_field".
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CustomerDirectory(Protocol):
    """Where customers are looked up; lookups return every match, possibly none."""

    def find_by_service_number(self, service_number: int) -> list[CustomerRecord]: ...

    def find_by_document_id(self, document_id: str) -> list[CustomerRecord]: ...

    def find_by_phone(self, raw_phone: str) -> list[CustomerRecord]: ...

    def find_by_name(self, name: str) -> list[CustomerRecord]: ...

    def get(self, customer_id: int) -> CustomerRecord | None: ...

    def update_contact(
        self, customer_id: int, field: str, new_value: str, channel: str | None
    ) -> None:
        """Set the customer's "phone" or "email", auditing the change.

        Raises ContactUpdateError on an invalid field or value, LookupError when
        the customer does not exist.
        """


def normalize_document_id(raw: str) -> str | None:
    """National ID as stored (digits only): "4.123.567" -> "4123567"; None if not an ID."""
    document_id = _DOCUMENT_SEPARATORS.sub("", raw)
    return document_id if document_id.isascii() and document_id.isdigit() else None


def normalize_email(raw: str) -> str | None:
    """The address trimmed and lower-cased, or None when it does not look like one."""
    email = raw.strip().lower()
    return email if _EMAIL.fullmatch(email) else None


def name_tokens(text: str) -> set[str]:
    """Words of a name without case or accents: "José Benítez" -> {"jose", "benitez"}."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return set(_NAME_TOKEN.findall(plain))


def name_matches(query: str, first_name: str, last_name: str) -> bool:
    """Every word of `query` is one of the words of the full name, in any order.

    "juan duarte" matches "Juan Carlos Duarte Rojas"; an empty query matches nobody.
    """
    wanted = name_tokens(query)
    return bool(wanted) and wanted <= name_tokens(f"{first_name} {last_name}")


class LocalCustomerDirectory:
    """CustomerDirectory over the application database."""

    def __init__(self, session_factory: sessionmaker, country: str | None = None) -> None:
        self._session_factory = session_factory
        self._country = country or get_settings().company.country

    def find_by_service_number(self, service_number: int) -> list[CustomerRecord]:
        owner = select(Service.customer_id).where(Service.service_number == service_number)
        return self._find(Customer.id.in_(owner))

    def find_by_document_id(self, document_id: str) -> list[CustomerRecord]:
        normalized = normalize_document_id(document_id)
        if normalized is None:
            return []
        return self._find(Customer.document_id == normalized)

    def find_by_phone(self, raw_phone: str) -> list[CustomerRecord]:
        phone = normalize_phone(raw_phone, self._country)
        if phone is None:
            return []
        return self._find(or_(Customer.phone == phone, Customer.phone_alt == phone))

    def find_by_name(self, name: str) -> list[CustomerRecord]:
        # Accent-insensitive matching differs between SQLite and PostgreSQL, so
        # names are compared here, in Python, as a Wisphub adapter would have to.
        with session_scope(self._session_factory) as session:
            rows = session.execute(select(Customer.id, Customer.first_name, Customer.last_name))
            ids = [row.id for row in rows if name_matches(name, row.first_name, row.last_name)]
        return self._find(Customer.id.in_(ids)) if ids else []

    def get(self, customer_id: int) -> CustomerRecord | None:
        found = self._find(Customer.id == customer_id)
        return found[0] if found else None

    def update_contact(
        self, customer_id: int, field: str, new_value: str, channel: str | None
    ) -> None:
        value = self._validated(field, new_value)
        with session_scope(self._session_factory) as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise LookupError(f"customer {customer_id} does not exist")
            old_value = getattr(customer, field)
            if old_value == value:
                return
            setattr(customer, field, value)
            session.add(
                ContactChange(
                    customer_id=customer_id,
                    field=field,
                    old_value=old_value,
                    new_value=value,
                    channel=channel,
                )
            )

    def _validated(self, field: str, raw: str) -> str:
        if field not in CONTACT_FIELDS:
            raise ContactUpdateError("unknown_field")
        if field == "phone":
            value = normalize_phone(raw, self._country)
        else:
            value = normalize_email(raw)
        if value is None:
            raise ContactUpdateError(f"invalid_{field}")
        return value

    def _find(self, condition: ColumnElement[bool]) -> list[CustomerRecord]:
        query = (
            select(Customer)
            .where(condition)
            .options(selectinload(Customer.services))
            .order_by(Customer.id)
        )
        with session_scope(self._session_factory) as session:
            return [_customer_record(customer) for customer in session.scalars(query)]


def _customer_record(customer: Customer) -> CustomerRecord:
    return CustomerRecord(
        id=customer.id,
        first_name=customer.first_name,
        last_name=customer.last_name,
        document_id=customer.document_id,
        phone=customer.phone,
        phone_alt=customer.phone_alt,
        email=customer.email,
        services=tuple(_service_record(service) for service in customer.services),
    )


def _service_record(service: Service) -> ServiceRecord:
    return ServiceRecord(
        service_number=service.service_number,
        plan_name=service.plan_name,
        download_mbps=service.download_mbps,
        status=service.status,
        suspension_reason=service.suspension_reason,
        address=service.address,
        zone=service.zone,
    )
