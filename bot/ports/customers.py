"""The customer directory port: who is writing, and how to reach them.

The conversation identifies a customer by service number, national ID, phone or
name (DESIGN §2.2) and confirms their contact data. The port hands out frozen
records, never ORM objects nor the secrets an ISP system keeps next to its
customers. Its lookups mirror Wisphub's client search (`?id_servicio=`,
`?cedula=`, `?telefono__contains=`; names matched locally on a list), so a
Wisphub adapter can implement the same Protocol.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Protocol


class ServiceStatus(str, Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # for non-payment: the line is cut until the bill is paid
    CANCELLED = "cancelled"


class ContactField(str, Enum):
    PHONE = "phone"
    EMAIL = "email"


@dataclass(frozen=True)
class ServiceRecord:
    """What the conversation may say about one of the customer's services."""

    service_number: int
    plan_name: str
    download_mbps: int
    status: ServiceStatus
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

    def service(self, service_number: int) -> ServiceRecord | None:
        return next((s for s in self.services if s.service_number == service_number), None)

    @property
    def selectable_services(self) -> tuple[ServiceRecord, ...]:
        """The services the customer may be asking about: cancelled ones only if nothing else is left."""
        current = tuple(s for s in self.services if s.status is not ServiceStatus.CANCELLED)
        return current or self.services


class ContactUpdateError(ValueError):
    """A contact change that cannot be recorded; `code` tells the bot what to say.

    Codes: "invalid_phone", "invalid_email", "unknown_field".
    """

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CustomerDirectory(Protocol):
    """Where customers are looked up; lookups return every match, possibly none."""

    async def find_by_service_number(self, service_number: int) -> list[CustomerRecord]: ...

    async def find_by_document_id(self, document_id: str) -> list[CustomerRecord]: ...

    async def find_by_phone(self, raw_phone: str) -> list[CustomerRecord]: ...

    async def find_by_name(self, name: str) -> list[CustomerRecord]: ...

    async def get(self, customer_id: int) -> CustomerRecord | None: ...

    async def update_contact(
        self, customer_id: int, field: str, new_value: str, channel: str | None
    ) -> None:
        """Set the customer's "phone" or "email", auditing the change.

        Raises ContactUpdateError on an invalid field or value, LookupError when
        the customer does not exist.
        """
