"""The ticket desk port: support cases opened and filled in as the conversation goes.

A technical conversation opens a ticket at once and adds the customer's words,
the diagnostics and the technician's visit window as they become known
(DESIGN §2.4); the customer gets the number to follow it up. The port mirrors
Wisphub's tickets (asunto, descripcion, estado, prioridad, fecha_inicio,
fecha_final, respuestas) so a Wisphub adapter can implement it.

A billing, sales or cancellation ticket also says what is requested (its
`kind`), with the exact amount, the invoice and the date promised to the
customer; a prospect's sales lead has no customer, only the lead's contact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol, Sequence

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
        "resolve_by",
        "amount",
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


class TicketKind(str, Enum):
    """What a billing, sales or cancellation ticket asks the team to do."""

    RECALCULATION_AND_CREDIT = "recalculation_and_credit"
    PAYMENT_REPORT = "payment_report"
    SALES_LEAD = "sales_lead"
    PLAN_CHANGE = "plan_change"
    RETENTION = "retention"


LEAD_FIELDS = frozenset({"name", "phone", "email", "zone", "interest"})


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
    """A ticket as the bot and the desk see it; datetimes are aware UTC.

    `customer_id` is None only for a prospect's sales lead, whose contact is in
    `lead` (keys of LEAD_FIELDS). `amount` is the disputed, credited or reported
    amount, exact; `resolve_by` the resolution date promised to the customer.
    """

    number: str
    customer_id: int | None
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
    kind: TicketKind | None
    amount: Decimal | None
    invoice_number: str | None
    resolve_by: date | None
    lead: dict[str, str] | None

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
        customer_id: int | None,
        service_number: int | None,
        category: TicketCategory | str,
        subject: str,
        description: str,
        priority: TicketPriority | str = TicketPriority.NORMAL,
        channel: str | None = None,
        customer_words: str | None = None,
        kind: TicketKind | str | None = None,
        amount: Decimal | None = None,
        invoice_number: str | None = None,
        resolve_by: date | None = None,
        diagnostics: dict[str, Any] | None = None,
        lead: dict[str, str] | None = None,
    ) -> TicketRecord:
        """A new ticket, with what it requests when it is a billing, sales or cancellation case.

        `customer_id` None is allowed only for kind SALES_LEAD with a `lead`
        holding a name and a phone or e-mail; such a ticket has no service. A
        `lead` is only for SALES_LEAD tickets. `amount` must be a Decimal (never
        a float) of at least 0 with at most two decimals; `invoice_number` is
        stripped; `resolve_by` is a date; `diagnostics` starts the ticket's.
        """

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

    async def update(self, number: str, /, *, notes: Sequence[str] = (), **fields: Any) -> TicketRecord:
        """Change any of UPDATABLE_FIELDS; `diagnostics` is merged into what is there.

        Closing sets `closed_at`, reopening clears it. `notes` are the bot's
        answers that say why (as `add_answer` by AnswerAuthor.BOT, in order),
        added in the same transaction: the ticket never holds the change
        without its notes, and one call costs the database one transaction.
        """


def parse_ticket_number(text: str) -> str | None:
    """The canonical "TK-10001" for what a customer typed, or None if it is no ticket number."""
    match = _NUMBER_TEXT.fullmatch(text)
    return f"{TICKET_PREFIX}{int(match.group(1))}" if match else None
