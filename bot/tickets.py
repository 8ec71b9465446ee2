"""The ticket desk: support cases opened and filled in as the conversation goes.

A technical conversation opens a ticket at once and adds the customer's words,
the diagnostics and the technician's visit window as they become known
(DESIGN §2.4); the customer gets the number to follow it up. The port mirrors
Wisphub's tickets (asunto, descripcion, estado, prioridad, fecha_inicio,
fecha_final, respuestas) so a Wisphub adapter can implement it;
`LocalTicketDesk` is the embedded one, backed by the application database.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql import Select

from bot.db.models import (
    ANSWER_AUTHORS,
    TICKET_CATEGORIES,
    TICKET_PRIORITIES,
    TICKET_STATUSES,
    Counter,
    Customer,
    Service,
    Ticket,
    TicketAnswer,
    utcnow,
)
from bot.db.session import session_scope

TICKET_PREFIX = "TK-"
TICKET_COUNTER = "ticket_number"  # its row is created by the initial migration
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


@dataclass(frozen=True)
class TicketAnswerRecord:
    author: str  # "bot" | "agent" | "customer"
    body: str
    created_at: datetime


@dataclass(frozen=True)
class TicketRecord:
    """A ticket as the bot and the desk see it; datetimes are aware UTC."""

    number: str
    customer_id: int
    service_number: int | None
    category: str
    subject: str
    description: str
    status: str  # "new" | "in_progress" | "closed"
    priority: str  # "low" | "normal" | "high" | "urgent"
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
        return self.status != "closed"


class TicketDesk(Protocol):
    """Where tickets live. Unknown tickets or customers raise LookupError, bad values ValueError."""

    def open_ticket(
        self,
        customer_id: int,
        service_number: int | None,
        category: str,
        subject: str,
        description: str,
        priority: str = "normal",
        channel: str | None = None,
        customer_words: str | None = None,
    ) -> TicketRecord: ...

    def get(self, number: str) -> TicketRecord | None:
        """The ticket however the customer writes its number: "TK-10001", "tk 10001", "10001"."""

    def open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        """The customer's tickets that are not closed, newest first."""

    def add_answer(self, number: str, author: str, body: str) -> TicketRecord: ...

    def update(self, number: str, /, **fields: Any) -> TicketRecord:
        """Change any of UPDATABLE_FIELDS; `diagnostics` is merged into what is there.

        Closing sets `closed_at`, reopening clears it.
        """


def parse_ticket_number(text: str) -> str | None:
    """The canonical "TK-10001" for what a customer typed, or None if it is no ticket number."""
    match = _NUMBER_TEXT.fullmatch(text)
    return f"{TICKET_PREFIX}{int(match.group(1))}" if match else None


def next_ticket_number(session: Session) -> str:
    """Take the next ticket number in the session's transaction.

    The counter row is written before it is read, so PostgreSQL's row lock and
    SQLite's database write lock make concurrent transactions take turns until
    commit; `MAX(number) + 1` would hand two of them the same number.
    """
    bumped = session.execute(
        update(Counter)
        .where(Counter.name == TICKET_COUNTER)
        .values(value=Counter.value + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount != 1:
        raise RuntimeError("the ticket counter is missing: run `python -m bot.db.migrate`")
    value = session.scalar(select(Counter.value).where(Counter.name == TICKET_COUNTER))
    return f"{TICKET_PREFIX}{value}"


class LocalTicketDesk:
    """TicketDesk over the application database."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory

    def open_ticket(
        self,
        customer_id: int,
        service_number: int | None,
        category: str,
        subject: str,
        description: str,
        priority: str = "normal",
        channel: str | None = None,
        customer_words: str | None = None,
    ) -> TicketRecord:
        _require_one_of("category", category, TICKET_CATEGORIES)
        _require_one_of("priority", priority, TICKET_PRIORITIES)
        with session_scope(self._session_factory) as session:
            if session.get(Customer, customer_id) is None:
                raise LookupError(f"customer {customer_id} does not exist")
            ticket = Ticket(
                number=next_ticket_number(session),
                customer_id=customer_id,
                service=_customer_service(session, customer_id, service_number),
                category=category,
                subject=subject,
                description=description,
                priority=priority,
                status="new",
                diagnostics={},
                channel=channel,
                customer_words=customer_words,
            )
            session.add(ticket)
            session.flush()
            return _ticket_record(ticket)

    def get(self, number: str) -> TicketRecord | None:
        with session_scope(self._session_factory) as session:
            ticket = _find(session, number)
            return _ticket_record(ticket) if ticket else None

    def open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        query = (
            _tickets()
            .where(Ticket.customer_id == customer_id, Ticket.status != "closed")
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        )
        with session_scope(self._session_factory) as session:
            return [_ticket_record(ticket) for ticket in session.scalars(query)]

    def add_answer(self, number: str, author: str, body: str) -> TicketRecord:
        _require_one_of("author", author, ANSWER_AUTHORS)
        with session_scope(self._session_factory) as session:
            ticket = _load(session, number)
            ticket.answers.append(TicketAnswer(author=author, body=body))
            ticket.updated_at = utcnow()
            session.flush()
            return _ticket_record(ticket)

    def update(self, number: str, /, **fields: Any) -> TicketRecord:
        changes = _validated_changes(fields)
        with session_scope(self._session_factory) as session:
            ticket = _load(session, number)
            for name, value in changes.items():
                if name == "diagnostics":
                    value = {**ticket.diagnostics, **value}
                setattr(ticket, name, value)
            if "status" in changes:
                closed = ticket.status == "closed"
                ticket.closed_at = (ticket.closed_at or utcnow()) if closed else None
            if ticket.visit_start and ticket.visit_end and ticket.visit_end <= ticket.visit_start:
                raise ValueError("the visit window must end after it starts")
            session.flush()
            return _ticket_record(ticket)


def _require_one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _validated_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` checked, with visit times converted to UTC like everything read back."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    if "status" in fields:
        _require_one_of("status", fields["status"], TICKET_STATUSES)
    if "priority" in fields:
        _require_one_of("priority", fields["priority"], TICKET_PRIORITIES)
    if "diagnostics" in fields and not isinstance(fields["diagnostics"], dict):
        raise ValueError("diagnostics must be a dict")
    changes = dict(fields)
    for name in ("visit_start", "visit_end"):
        value = changes.get(name)
        if value is None:
            continue
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{name} must be a timezone-aware datetime")
        changes[name] = value.astimezone(timezone.utc)
    return changes


def _customer_service(
    session: Session, customer_id: int, service_number: int | None
) -> Service | None:
    if service_number is None:
        return None
    service = session.scalar(
        select(Service).where(
            Service.service_number == service_number, Service.customer_id == customer_id
        )
    )
    if service is None:
        raise ValueError(f"service {service_number} is not one of customer {customer_id}'s")
    return service


def _tickets() -> Select:
    return select(Ticket).options(selectinload(Ticket.answers), selectinload(Ticket.service))


def _find(session: Session, number: str) -> Ticket | None:
    canonical = parse_ticket_number(number)
    return session.scalar(_tickets().where(Ticket.number == canonical)) if canonical else None


def _load(session: Session, number: str) -> Ticket:
    ticket = _find(session, number)
    if ticket is None:
        raise LookupError(f"ticket {number!r} does not exist")
    return ticket


def _ticket_record(ticket: Ticket) -> TicketRecord:
    return TicketRecord(
        number=ticket.number,
        customer_id=ticket.customer_id,
        service_number=ticket.service.service_number if ticket.service else None,
        category=ticket.category,
        subject=ticket.subject,
        description=ticket.description,
        status=ticket.status,
        priority=ticket.priority,
        diagnostics=dict(ticket.diagnostics),
        customer_words=ticket.customer_words,
        visit_start=ticket.visit_start,
        visit_end=ticket.visit_end,
        extra_cost_may_apply=ticket.extra_cost_may_apply,
        channel=ticket.channel,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        closed_at=ticket.closed_at,
        answers=tuple(
            TicketAnswerRecord(answer.author, answer.body, answer.created_at)
            for answer in ticket.answers
        ),
    )
