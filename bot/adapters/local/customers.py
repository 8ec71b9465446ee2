"""The embedded customer directory: CustomerDirectory over the application database.

Every call runs its synchronous SQLAlchemy work in a worker thread
(`asyncio.to_thread`), so the event loop keeps serving other conversations.
"""
from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import sessionmaker
from sqlalchemy.sql import Select

from bot.db.models import ContactChange, Customer, Service
from bot.db.session import connection_scope, session_scope
from bot.language.es.identifiers import normalize_document_id, normalize_email
from bot.language.es.names import name_matches
from bot.language.phones import normalize_phone
from bot.ports.customers import (
    ContactField,
    ContactUpdateError,
    CustomerRecord,
    ServiceRecord,
    ServiceStatus,
)


class LocalCustomerDirectory:
    """CustomerDirectory over the application database."""

    def __init__(self, session_factory: sessionmaker, country: str) -> None:
        self._session_factory = session_factory
        self._country = country  # resolves national phone formats

    async def find_by_service_number(self, service_number: int) -> list[CustomerRecord]:
        return await asyncio.to_thread(self._find, _BY_SERVICE_NUMBER, {"service_number": service_number})

    async def find_by_document_id(self, document_id: str) -> list[CustomerRecord]:
        normalized = normalize_document_id(document_id)
        if normalized is None:
            return []
        return await asyncio.to_thread(self._find, _BY_DOCUMENT_ID, {"document_id": normalized})

    async def find_by_phone(self, raw_phone: str) -> list[CustomerRecord]:
        phone = normalize_phone(raw_phone, self._country)
        if phone is None:
            return []
        return await asyncio.to_thread(self._find, _BY_PHONE, {"phone": phone})

    async def find_by_name(self, name: str) -> list[CustomerRecord]:
        return await asyncio.to_thread(self._find_by_name, name)

    async def get(self, customer_id: int) -> CustomerRecord | None:
        found = await asyncio.to_thread(self._find, _BY_IDS, {"customer_ids": [customer_id]})
        return found[0] if found else None

    async def update_contact(
        self, customer_id: int, field: str, new_value: str, channel: str | None
    ) -> None:
        value = self._validated(field, new_value)
        await asyncio.to_thread(self._update_contact, customer_id, field, value, channel)

    def _find_by_name(self, name: str) -> list[CustomerRecord]:
        # Accent-insensitive matching differs between SQLite and PostgreSQL, so
        # names are compared here, in Python, as a Wisphub adapter would have to.
        with session_scope(self._session_factory) as session:
            rows = session.execute(select(Customer.id, Customer.first_name, Customer.last_name))
            ids = [row.id for row in rows if name_matches(name, row.first_name, row.last_name)]
        return self._find(_BY_IDS, {"customer_ids": ids}) if ids else []

    def _update_contact(self, customer_id: int, field: str, value: str, channel: str | None) -> None:
        with session_scope(self._session_factory) as session:
            customer = session.get(Customer, customer_id)
            if customer is None:
                raise LookupError(f"customer {customer_id} does not exist")
            old_value = getattr(customer, field)
            if old_value == value:
                return
            setattr(customer, field, value)
            if field == ContactField.PHONE and old_value and customer.phone_alt in (None, "", value):
                # The number replaced stays on file as the alternate one (unless another
                # alternate is there): the customer is still found by the number they have
                # always given. The audit row's old value records where it came from.
                customer.phone_alt = old_value
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
        if field not in {member.value for member in ContactField}:
            raise ContactUpdateError("unknown_field")
        if field == ContactField.PHONE:
            value = normalize_phone(raw, self._country)
        else:
            value = normalize_email(raw)
        if value is None:
            raise ContactUpdateError(f"invalid_{field}")
        return value

    def _find(self, customers: Select, parameters: dict[str, Any]) -> list[CustomerRecord]:
        """The customers a statement below selects, with their services, by id, as plain rows.

        Two queries, as the ORM's `selectinload` of `Customer.services` makes
        them, without building an ORM object per row, and each statement built
        once: every turn of an identified customer reads them (docs/performance.md).
        """
        with connection_scope(self._session_factory) as connection:
            rows = connection.execute(customers, parameters).all()
            if not rows:
                return []
            services = connection.execute(_SERVICES_OF, {"customer_ids": [row.id for row in rows]}).all()
        by_customer: dict[int, list[ServiceRecord]] = {}
        for row in services:
            by_customer.setdefault(row.customer_id, []).append(_service_record(row))
        # The rows' keys are the columns' names, which are the record's fields.
        return [
            CustomerRecord(**row._asdict(), services=tuple(by_customer.get(row.id, ())))
            for row in rows
        ]


_CUSTOMERS, _SERVICES = Customer.__table__, Service.__table__
_CUSTOMER_COLUMNS = (
    _CUSTOMERS.c.id, _CUSTOMERS.c.first_name, _CUSTOMERS.c.last_name, _CUSTOMERS.c.document_id,
    _CUSTOMERS.c.phone, _CUSTOMERS.c.phone_alt, _CUSTOMERS.c.email,
)
_SERVICE_COLUMNS = (
    _SERVICES.c.service_number, _SERVICES.c.plan_name, _SERVICES.c.download_mbps, _SERVICES.c.status,
    _SERVICES.c.suspension_reason, _SERVICES.c.address, _SERVICES.c.zone,
)
# What `_find` reads, built once (SQLAlchemy builds a statement written out in a call anew each time).
_CUSTOMER_ROWS = select(*_CUSTOMER_COLUMNS).order_by(_CUSTOMERS.c.id)
_BY_IDS = _CUSTOMER_ROWS.where(_CUSTOMERS.c.id.in_(bindparam("customer_ids", expanding=True)))
_BY_DOCUMENT_ID = _CUSTOMER_ROWS.where(_CUSTOMERS.c.document_id == bindparam("document_id"))
_BY_PHONE = _CUSTOMER_ROWS.where(
    or_(_CUSTOMERS.c.phone == bindparam("phone"), _CUSTOMERS.c.phone_alt == bindparam("phone"))
)
_BY_SERVICE_NUMBER = _CUSTOMER_ROWS.where(
    _CUSTOMERS.c.id.in_(
        select(_SERVICES.c.customer_id).where(_SERVICES.c.service_number == bindparam("service_number"))
    )
)
_SERVICES_OF = (
    select(_SERVICES.c.customer_id, *_SERVICE_COLUMNS)
    .where(_SERVICES.c.customer_id.in_(bindparam("customer_ids", expanding=True)))
    .order_by(_SERVICES.c.service_number)
)


def _service_record(service: Any) -> ServiceRecord:
    return ServiceRecord(
        service_number=service.service_number,
        plan_name=service.plan_name,
        download_mbps=service.download_mbps,
        status=ServiceStatus(service.status),
        suspension_reason=service.suspension_reason,
        address=service.address,
        zone=service.zone,
    )
