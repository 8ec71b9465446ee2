"""The ticket desk port: support cases opened and filled in as the conversation goes.

A technical conversation opens a ticket at once and adds the customer's words,
the diagnostics and the technician's visit window as they become known
(DESIGN §2.4); the customer gets the number to follow it up. The port mirrors
Wisphub's tickets (asunto, descripcion, estado, prioridad, fecha_inicio,
fecha_final, respuestas) so a Wisphub adapter can implement it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

TICKET_PREFIX = "TK-"
UPDATABLE_FIELDS = frozenset(
    {
        "description",
        "status",
        "priority",
        "diagnostics",
        "customer_words",
        "visit_start",
        "visit_end",
        "extra_cost_may_apply",
    }
)
_NUMBER_TEXT = re.compile(r"\s*(?:tk)?[\s#-]*(\d+)\s*", re.IGNORECASE)


class TicketCategory(str, Enum):
    """The team a ticket is for; also the need it came from (bot.reception.needs)."""

    TECHNICAL = "technical"
    BILLING = "billing"
    SALES = "sales"
    CANCELLATION = "cancellation"
    FOLLOW_UP = "follow_up"
    HUMAN = "human"


class TicketStatus(str, Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class TicketPriority(str, Enum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class AnswerAuthor(str, Enum):
    BOT = "bot"
    AGENT = "agent"
    CUSTOMER = "customer"


@dataclass(frozen=True)
class TicketAnswerRecord:
    author: AnswerAuthor
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TicketRecord:
    """A ticket as the bot and the desk see it; datetimes are aware UTC."""

    number: str
    customer_id: int
    service_number: int | None
    category: TicketCategory
    subject: str
    description: str
    status: TicketStatus
    priority: TicketPriority
    diagnostics: dict[str, Any]
    customer_words: str | None
    visit_start: datetime | None
    visit_end: datetime | None
    extra_cost_may_apply: bool
    channel: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    answers: tuple[TicketAnswerRecord, ...]

    @property
    def is_open(self) -> bool:
        return self.status is not TicketStatus.CLOSED

    def has_visit_after(self, moment: datetime) -> bool:
        """An open ticket with a technician visit still to come at `moment`."""
        return self.is_open and self.visit_start is not None and self.visit_start > moment


class TicketDesk(Protocol):
    """Where tickets live. Unknown tickets or customers raise LookupError, bad values ValueError."""

    async def open_ticket(
        self,
        customer_id: int,
        service_number: int | None,
        category: TicketCategory | str,
        subject: str,
        description: str,
        priority: TicketPriority | str = TicketPriority.NORMAL,
        channel: str | None = None,
        customer_words: str | None = None,
    ) -> TicketRecord: ...

    async def get(self, number: str) -> TicketRecord | None:
        """The ticket however the customer writes its number: "TK-10001", "tk 10001", "10001"."""

    async def open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        """The customer's tickets that are not closed, newest first."""

    async def find_open_ticket(
        self, customer_id: int, service_number: int | None, category: TicketCategory | str
    ) -> TicketRecord | None:
        """The newest ticket of `category` still open for this customer and service, if any.

        `service_number` None matches only tickets about no particular service.
        Before opening a ticket, the bot looks here and continues the case it
        finds instead of opening a second one (bot.support.cases).
        """

    async def add_answer(self, number: str, author: AnswerAuthor | str, body: str) -> TicketRecord: ...

    async def update(self, number: str, /, **fields: Any) -> TicketRecord:
        """Change any of UPDATABLE_FIELDS; `diagnostics` is merged into what is there.

        Closing sets `closed_at`, reopening clears it.
        """


def parse_ticket_number(text: str) -> str | None:
    """The canonical "TK-10001" for what a customer typed, or None if it is no ticket number."""
    match = _NUMBER_TEXT.fullmatch(text)
    return f"{TICKET_PREFIX}{int(match.group(1))}" if match else None
