"""The embedded ticket desk: TicketDesk over the application database.

Every call runs its synchronous SQLAlchemy work in a worker thread
(`asyncio.to_thread`), so a slow database never blocks the event loop that
serves other conversations.

Tickets and their answers are read and written as plain rows on a Core connection,
by statements built once, never as ORM objects: every note the bot, an agent or
the customer adds stays on the ticket, and building an object per answer made
each read of a long-lived ticket cost as much as its history (300 answers: 5.3 ms
a read, 2.0 ms as rows); building each statement anew and the ORM's flush then
cost more than SQLite's own work (docs/performance.md).
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, Iterable, Sequence, TypeVar

import phonenumbers
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.orm import Session, sessionmaker

from bot.db.models import Counter, Customer, Service, Ticket, TicketAnswer, utcnow
from bot.db.session import connection_scope
from bot.ports.tickets import (
    LEAD_FIELDS,
    TICKET_PREFIX,
    UPDATABLE_FIELDS,
    AnswerAuthor,
    TicketAnswerRecord,
    TicketCategory,
    TicketKind,
    TicketPriority,
    TicketRecord,
    TicketStatus,
    parse_ticket_number,
)
from bot.privacy import mask_second_factors

TICKET_COUNTER = "ticket_number"  # its row is created by the initial migration
E = TypeVar("E", bound=Enum)
MAX_AMOUNT = Decimal("9999999999.99")  # NUMERIC(12, 2)
INVOICE_NUMBER_LENGTH = 30


@dataclass(frozen=True)
class _Request:
    """What a new ticket asks for, checked (see TicketDesk.open_ticket)."""

    kind: TicketKind | None
    amount: Decimal | None
    invoice_number: str | None
    resolve_by: date | None
    diagnostics: dict[str, Any] | None
    lead: dict[str, str] | None


def next_ticket_number(session: Session | Connection) -> str:
    """Take the next ticket number in the session's (or connection's) transaction.

    The counter row is written before it is read, so PostgreSQL's row lock and
    SQLite's database write lock make concurrent transactions take turns until
    commit; `MAX(number) + 1` would hand two of them the same number.
    """
    if session.execute(_BUMP_TICKET_COUNTER).rowcount != 1:
        raise RuntimeError("the ticket counter is missing: run `python -m bot.db.migrate`")
    return f"{TICKET_PREFIX}{session.scalar(_TICKET_COUNTER_VALUE)}"


# The statements, built once: SQLAlchemy builds a statement and its cache key in Python every
# time one is written out in a call, which cost more than running it on SQLite (a ticket's
# read and update: docs/performance.md). Run on a Core connection: no ORM object per row.
_TICKETS, _ANSWERS, _SERVICES, _CUSTOMERS = (
    Ticket.__table__, TicketAnswer.__table__, Service.__table__, Customer.__table__
)
_COUNTERS = Counter.__table__
_BUMP_TICKET_COUNTER = (
    update(_COUNTERS).where(_COUNTERS.c.name == TICKET_COUNTER).values(value=_COUNTERS.c.value + 1)
)
_TICKET_COUNTER_VALUE = select(_COUNTERS.c.value).where(_COUNTERS.c.name == TICKET_COUNTER)
# A ticket's columns and its service's number: what `_ticket_record` reads.
_TICKET_ROWS = select(*_TICKETS.c, _SERVICES.c.service_number).outerjoin(
    _SERVICES, _TICKETS.c.service_id == _SERVICES.c.id
)
_TICKET_BY_NUMBER = _TICKET_ROWS.where(_TICKETS.c.number == bindparam("number"))
_TICKET_BY_ID = _TICKET_ROWS.where(_TICKETS.c.id == bindparam("ticket_id"))
_NEWEST_FIRST = (_TICKETS.c.created_at.desc(), _TICKETS.c.id.desc())
_OPEN_TICKETS_OF_CUSTOMER = _TICKET_ROWS.where(
    _TICKETS.c.customer_id == bindparam("customer_id"), _TICKETS.c.status != TicketStatus.CLOSED.value
).order_by(*_NEWEST_FIRST)
_OPEN_TICKETS_OF_CATEGORY = _OPEN_TICKETS_OF_CUSTOMER.where(_TICKETS.c.category == bindparam("category"))
_OPEN_TICKET_WITHOUT_SERVICE = _OPEN_TICKETS_OF_CATEGORY.where(_TICKETS.c.service_id.is_(None)).limit(1)
_OPEN_TICKET_OF_SERVICE = _OPEN_TICKETS_OF_CATEGORY.where(
    _SERVICES.c.service_number == bindparam("service_number")
).limit(1)
_ANSWERS_OF = (
    select(_ANSWERS.c.ticket_id, _ANSWERS.c.author, _ANSWERS.c.body, _ANSWERS.c.created_at)
    .where(_ANSWERS.c.ticket_id.in_(bindparam("ticket_ids", expanding=True)))
    .order_by(_ANSWERS.c.id)
)
_NEW_TICKET = insert(_TICKETS)
_NEW_ANSWER = insert(_ANSWERS)
# The columns set are the parameters given besides `ticket_id`; `updated_at` follows by itself.
_UPDATE_TICKET = update(_TICKETS).where(_TICKETS.c.id == bindparam("ticket_id"))
_HOLDER = select(_CUSTOMERS.c.document_id, _CUSTOMERS.c.phone, _CUSTOMERS.c.phone_alt).where(
    _CUSTOMERS.c.id == bindparam("customer_id")
)
_CUSTOMER_WITH_DOCUMENT = (
    select(_CUSTOMERS.c.id).where(_CUSTOMERS.c.document_id == bindparam("document_id")).limit(1)
)
_SERVICE_OF_CUSTOMER = select(_SERVICES.c.id).where(
    _SERVICES.c.service_number == bindparam("service_number"),
    _SERVICES.c.customer_id == bindparam("customer_id"),
)


class LocalTicketDesk:
    """TicketDesk over the application database.

    The customer's words (the description, `customer_words`, the customer's answers)
    are stored with their second factors masked (`_words_masker`): a ticket is read by
    the whole team and kept for years, and the ID or phone a customer typed to prove
    who they are would let anyone who reads it pass as them.
    """

    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory

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
        request = _validated_request(
            customer_id, service_number, kind, amount, invoice_number, resolve_by, diagnostics, lead
        )
        return await asyncio.to_thread(
            self._open_ticket,
            customer_id,
            service_number,
            _one_of(TicketCategory, "category", category),
            subject,
            description,
            _one_of(TicketPriority, "priority", priority),
            channel,
            customer_words,
            request,
        )

    async def get(self, number: str) -> TicketRecord | None:
        return await asyncio.to_thread(self._get, number)

    async def open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        return await asyncio.to_thread(self._open_tickets_for, customer_id)

    async def find_open_ticket(
        self, customer_id: int, service_number: int | None, category: TicketCategory | str
    ) -> TicketRecord | None:
        return await asyncio.to_thread(
            self._find_open_ticket, customer_id, service_number, _one_of(TicketCategory, "category", category)
        )

    async def add_answer(self, number: str, author: AnswerAuthor | str, body: str) -> TicketRecord:
        return await asyncio.to_thread(
            self._add_answer, number, _one_of(AnswerAuthor, "author", author), body
        )

    async def update(self, number: str, /, *, notes: Sequence[str] = (), **fields: Any) -> TicketRecord:
        if isinstance(notes, str) or not all(isinstance(note, str) for note in notes):
            raise ValueError("notes must be a sequence of texts")
        return await asyncio.to_thread(self._update, number, _validated_changes(fields), tuple(notes))

    def _open_ticket(
        self,
        customer_id: int | None,
        service_number: int | None,
        category: TicketCategory,
        subject: str,
        description: str,
        priority: TicketPriority,
        channel: str | None,
        customer_words: str | None,
        request: _Request,
    ) -> TicketRecord:
        with connection_scope(self._session_factory) as connection:
            holder = None
            if customer_id is not None:
                holder = connection.execute(_HOLDER, {"customer_id": customer_id}).first()
                if holder is None:
                    raise LookupError(f"customer {customer_id} does not exist")
            masked = _words_masker(connection, holder)
            description, customer_words = masked(description) or description, masked(customer_words)
            inserted = connection.execute(_NEW_TICKET, {
                "number": next_ticket_number(connection),
                "customer_id": customer_id,
                "service_id": (
                    _customer_service(connection, customer_id, service_number)
                    if customer_id is not None
                    else None
                ),
                "category": category.value,
                "subject": subject,
                "description": description,
                "priority": priority.value,
                "status": TicketStatus.NEW.value,
                "diagnostics": dict(request.diagnostics or {}),
                "channel": channel,
                "customer_words": customer_words,
                "kind": request.kind.value if request.kind else None,
                "amount": request.amount,
                "invoice_number": request.invoice_number,
                "resolve_by": request.resolve_by,
                "lead": request.lead,
            })
            ticket = connection.execute(_TICKET_BY_ID, {"ticket_id": inserted.inserted_primary_key[0]}).one()
            return _ticket_record(ticket, answers=())

    def _get(self, number: str) -> TicketRecord | None:
        with connection_scope(self._session_factory) as connection:
            ticket = _find(connection, number)
            return _record_of(connection, ticket) if ticket else None

    def _open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        with connection_scope(self._session_factory) as connection:
            tickets = connection.execute(_OPEN_TICKETS_OF_CUSTOMER, {"customer_id": customer_id}).all()
            answers = _answers_of(connection, [ticket.id for ticket in tickets])
            return [_ticket_record(ticket, answers.get(ticket.id, ())) for ticket in tickets]

    def _find_open_ticket(
        self, customer_id: int, service_number: int | None, category: TicketCategory
    ) -> TicketRecord | None:
        query, parameters = (
            (_OPEN_TICKET_WITHOUT_SERVICE, {})
            if service_number is None
            else (_OPEN_TICKET_OF_SERVICE, {"service_number": service_number})
        )
        with connection_scope(self._session_factory) as connection:
            ticket = connection.execute(
                query, {"customer_id": customer_id, "category": category.value, **parameters}
            ).first()
            return _record_of(connection, ticket) if ticket else None

    def _add_answer(self, number: str, author: AnswerAuthor, body: str) -> TicketRecord:
        with connection_scope(self._session_factory) as connection:
            ticket = _load(connection, number)
            if author is AnswerAuthor.CUSTOMER:
                body = _words_masker(connection, _holder_of(connection, ticket))(body) or body
            _add_answers(connection, ticket.id, author, (body,))
            return _record_of(connection, _load(connection, number))

    def _update(self, number: str, changes: dict[str, Any], notes: tuple[str, ...] = ()) -> TicketRecord:
        with connection_scope(self._session_factory) as connection:
            ticket = _load(connection, number)
            masked = None  # the holder is read only for the customer's words (most updates have none)
            values: dict[str, Any] = {}
            for name, value in changes.items():
                if name == "diagnostics":
                    value = {**ticket.diagnostics, **value}
                elif name in _CUSTOMER_TEXT_FIELDS:
                    masked = masked or _words_masker(connection, _holder_of(connection, ticket))
                    value = masked(value)
                values[name] = value
            if "status" in values:
                closed = values["status"] == TicketStatus.CLOSED.value
                values["closed_at"] = (ticket.closed_at or utcnow()) if closed else None
            # As the ORM flushed them: only what differs is written (and marks the ticket updated).
            values = {name: value for name, value in values.items() if getattr(ticket, name) != value}
            visit_start = values.get("visit_start", ticket.visit_start)
            visit_end = values.get("visit_end", ticket.visit_end)
            if visit_start and visit_end and visit_end <= visit_start:
                raise ValueError("the visit window must end after it starts")
            if values:
                connection.execute(_UPDATE_TICKET, {"ticket_id": ticket.id, **values})
            if notes:
                _add_answers(connection, ticket.id, AnswerAuthor.BOT, notes)
            if values or notes:
                ticket = _load(connection, number)
            return _record_of(connection, ticket)


_CUSTOMER_TEXT_FIELDS = frozenset({"description", "customer_words"})


def _add_answers(connection: Connection, ticket_id: int, author: AnswerAuthor, bodies: Iterable[str]) -> None:
    """Answers added to the ticket in order, which marks it updated."""
    connection.execute(_NEW_ANSWER, [{"ticket_id": ticket_id, "author": author.value, "body": body}
                                     for body in bodies])
    connection.execute(_UPDATE_TICKET, {"ticket_id": ticket_id, "updated_at": utcnow()})


def _holder_of(connection: Connection, ticket: Row) -> Row | None:
    if ticket.customer_id is None:
        return None
    return connection.execute(_HOLDER, {"customer_id": ticket.customer_id}).first()


def _words_masker(connection: Connection, holder: Row | None) -> Callable[[str | None], str | None]:
    """What masks the second factors in a customer's words (bot.privacy.mask_second_factors):
    the holder's own ID and phones however written, and any customer's ID. Phones are read
    in the country of the holder's phone on file; a prospect's words (no holder) only mask
    what names itself an ID or phone, or a phone written with its country code."""
    own = (holder.document_id, holder.phone, holder.phone_alt) if holder is not None else ()
    country = _country_of(holder.phone) if holder is not None else None

    def is_an_id(digits: str) -> bool:
        return connection.execute(_CUSTOMER_WITH_DOCUMENT, {"document_id": digits}).first() is not None

    def masked(text: str | None) -> str | None:
        return mask_second_factors(text, country, own, is_an_id) if text else text

    return masked


def _country_of(phone: str | None) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone or "")) if phone else None
    except phonenumbers.NumberParseException:
        return None


def _one_of(kind: type[E], name: str, value: Any) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}") from None


def _validated_changes(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` checked, with visit times converted to UTC like everything read back."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"cannot update {', '.join(sorted(unknown))}")
    changes = dict(fields)
    if "status" in fields:
        changes["status"] = _one_of(TicketStatus, "status", fields["status"]).value
    if "priority" in fields:
        changes["priority"] = _one_of(TicketPriority, "priority", fields["priority"]).value
    if "diagnostics" in fields and not isinstance(fields["diagnostics"], dict):
        raise ValueError("diagnostics must be a dict")
    for name in ("visit_start", "visit_end"):
        value = changes.get(name)
        if value is None:
            continue
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"{name} must be a timezone-aware datetime")
        changes[name] = value.astimezone(timezone.utc)
    if "resolve_by" in fields:
        _check_date("resolve_by", fields["resolve_by"])
    if "amount" in fields:
        _check_amount(fields["amount"])
    return changes


def _validated_request(
    customer_id: int | None,
    service_number: int | None,
    kind: TicketKind | str | None,
    amount: Decimal | None,
    invoice_number: str | None,
    resolve_by: date | None,
    diagnostics: dict[str, Any] | None,
    lead: dict[str, str] | None,
) -> _Request:
    """The request of a new ticket checked, or ValueError (rules in TicketDesk.open_ticket)."""
    checked_kind = _one_of(TicketKind, "kind", kind) if kind is not None else None
    _check_amount(amount)
    if invoice_number is not None:
        if not isinstance(invoice_number, str):
            raise ValueError("invoice_number must be a string")
        invoice_number = invoice_number.strip() or None
        if invoice_number is not None and len(invoice_number) > INVOICE_NUMBER_LENGTH:
            raise ValueError(f"invoice_number must be at most {INVOICE_NUMBER_LENGTH} characters")
    _check_date("resolve_by", resolve_by)
    if diagnostics is not None and not isinstance(diagnostics, dict):
        raise ValueError("diagnostics must be a dict")
    checked_lead = _checked_lead(lead) if lead is not None else None
    if checked_lead is not None and checked_kind is not TicketKind.SALES_LEAD:
        raise ValueError("a lead belongs only on a ticket of kind sales_lead")
    if customer_id is None:
        if checked_kind is not TicketKind.SALES_LEAD:
            raise ValueError("a ticket without a customer must be of kind sales_lead")
        if checked_lead is None or not checked_lead.get("name"):
            raise ValueError("a prospect's sales lead needs the lead's name")
        if not (checked_lead.get("phone") or checked_lead.get("email")):
            raise ValueError("a prospect's sales lead needs a phone or an e-mail")
        if service_number is not None:
            raise ValueError("a prospect's sales lead has no service")
    return _Request(checked_kind, amount, invoice_number, resolve_by, diagnostics, checked_lead)


def _checked_lead(lead: Any) -> dict[str, str]:
    """The lead's contact with its values stripped and the empty ones left out."""
    if not isinstance(lead, dict):
        raise ValueError("lead must be a dict")
    unknown = set(lead) - LEAD_FIELDS
    if unknown:
        raise ValueError(f"lead cannot hold {', '.join(sorted(map(str, unknown)))}")
    if not all(isinstance(value, str) for value in lead.values()):
        raise ValueError("lead values must be strings")
    return {name: value.strip() for name, value in lead.items() if value.strip()}


def _check_amount(amount: Any) -> None:
    if amount is None:
        return
    if not isinstance(amount, Decimal):
        raise ValueError(f"amount must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ValueError(f"amount must be between 0 and {MAX_AMOUNT}; got {amount}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount must have at most two decimals; got {amount}")


def _check_date(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ValueError(f"{name} must be a date")


def _customer_service(connection: Connection, customer_id: int, service_number: int | None) -> int | None:
    """The id of the customer's service with that number (None for none), or ValueError."""
    if service_number is None:
        return None
    service_id = connection.execute(
        _SERVICE_OF_CUSTOMER, {"service_number": service_number, "customer_id": customer_id}
    ).scalar()
    if service_id is None:
        raise ValueError(f"service {service_number} is not one of customer {customer_id}'s")
    return int(service_id)


def _answers_of(
    connection: Connection, ticket_ids: Iterable[int]
) -> dict[int, tuple[TicketAnswerRecord, ...]]:
    """The answers of these tickets by ticket, oldest first (the order of `Ticket.answers`)."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    answers: defaultdict[int, list[TicketAnswerRecord]] = defaultdict(list)
    for ticket_id, author, body, created_at in connection.execute(_ANSWERS_OF, {"ticket_ids": ids}):
        answers[ticket_id].append(TicketAnswerRecord(AnswerAuthor(author), body, created_at))
    return {ticket_id: tuple(listed) for ticket_id, listed in answers.items()}


def _record_of(connection: Connection, ticket: Row) -> TicketRecord:
    return _ticket_record(ticket, _answers_of(connection, [ticket.id]).get(ticket.id, ()))


def _find(connection: Connection, number: str) -> Row | None:
    canonical = parse_ticket_number(number)
    return connection.execute(_TICKET_BY_NUMBER, {"number": canonical}).first() if canonical else None


def _load(connection: Connection, number: str) -> Row:
    ticket = _find(connection, number)
    if ticket is None:
        raise LookupError(f"ticket {number!r} does not exist")
    return ticket


def _ticket_record(ticket: Row, answers: tuple[TicketAnswerRecord, ...]) -> TicketRecord:
    return TicketRecord(
        number=ticket.number,
        customer_id=ticket.customer_id,
        service_number=ticket.service_number,
        category=TicketCategory(ticket.category),
        subject=ticket.subject,
        description=ticket.description,
        status=TicketStatus(ticket.status),
        priority=TicketPriority(ticket.priority),
        diagnostics=dict(ticket.diagnostics),
        customer_words=ticket.customer_words,
        visit_start=ticket.visit_start,
        visit_end=ticket.visit_end,
        extra_cost_may_apply=ticket.extra_cost_may_apply,
        channel=ticket.channel,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        closed_at=ticket.closed_at,
        answers=answers,
        kind=TicketKind(ticket.kind) if ticket.kind else None,
        amount=ticket.amount,
        invoice_number=ticket.invoice_number,
        resolve_by=ticket.resolve_by,
        lead=dict(ticket.lead) if ticket.lead is not None else None,
    )
