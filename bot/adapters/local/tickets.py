"""The embedded ticket desk: TicketDesk over the application database.

Every call runs its synchronous SQLAlchemy work in a worker thread
(`asyncio.to_thread`), so a slow database never blocks the event loop that
serves other conversations.

A ticket's answers are read as plain rows, never as ORM objects: every note the
bot, an agent or the customer adds stays on the ticket, and building an object
per answer made each read of a long-lived ticket cost as much as its history
(300 answers: 5.3 ms a read, 2.0 ms as rows; docs/performance.md).
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
from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.sql import Select

from bot.db.models import Counter, Customer, Service, Ticket, TicketAnswer, utcnow
from bot.db.session import session_scope
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
        with session_scope(self._session_factory) as session:
            customer = session.get(Customer, customer_id) if customer_id is not None else None
            if customer_id is not None and customer is None:
                raise LookupError(f"customer {customer_id} does not exist")
            masked = _words_masker(session, customer)
            description, customer_words = masked(description) or description, masked(customer_words)
            ticket = Ticket(
                number=next_ticket_number(session),
                customer_id=customer_id,
                service=(
                    _customer_service(session, customer_id, service_number)
                    if customer_id is not None
                    else None
                ),
                category=category.value,
                subject=subject,
                description=description,
                priority=priority.value,
                status=TicketStatus.NEW.value,
                diagnostics=dict(request.diagnostics or {}),
                channel=channel,
                customer_words=customer_words,
                kind=request.kind.value if request.kind else None,
                amount=request.amount,
                invoice_number=request.invoice_number,
                resolve_by=request.resolve_by,
                lead=request.lead,
            )
            session.add(ticket)
            session.flush()
            return _ticket_record(ticket, answers=())

    def _get(self, number: str) -> TicketRecord | None:
        with session_scope(self._session_factory) as session:
            ticket = _find(session, number)
            return _record_of(session, ticket) if ticket else None

    def _open_tickets_for(self, customer_id: int) -> list[TicketRecord]:
        query = (
            _tickets()
            .where(Ticket.customer_id == customer_id, Ticket.status != TicketStatus.CLOSED.value)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        )
        with session_scope(self._session_factory) as session:
            tickets = list(session.scalars(query))
            answers = _answers_of(session, [ticket.id for ticket in tickets])
            return [_ticket_record(ticket, answers.get(ticket.id, ())) for ticket in tickets]

    def _find_open_ticket(
        self, customer_id: int, service_number: int | None, category: TicketCategory
    ) -> TicketRecord | None:
        query = _tickets().where(
            Ticket.customer_id == customer_id,
            Ticket.category == category.value,
            Ticket.status != TicketStatus.CLOSED.value,
        )
        if service_number is None:
            query = query.where(Ticket.service_id.is_(None))
        else:
            query = query.join(Ticket.service).where(Service.service_number == service_number)
        query = query.order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(1)
        with session_scope(self._session_factory) as session:
            ticket = session.scalars(query).first()
            return _record_of(session, ticket) if ticket else None

    def _add_answer(self, number: str, author: AnswerAuthor, body: str) -> TicketRecord:
        with session_scope(self._session_factory) as session:
            ticket = _load(session, number)
            if author is AnswerAuthor.CUSTOMER:
                body = _words_masker(session, ticket.customer)(body) or body
            _add_answers(session, ticket, author, (body,))
            session.flush()
            return _record_of(session, ticket)

    def _update(self, number: str, changes: dict[str, Any], notes: tuple[str, ...] = ()) -> TicketRecord:
        with session_scope(self._session_factory) as session:
            ticket = _load(session, number)
            masked = None  # the holder is read only for the customer's words (most updates have none)
            for name, value in changes.items():
                if name == "diagnostics":
                    value = {**ticket.diagnostics, **value}
                elif name in _CUSTOMER_TEXT_FIELDS:
                    masked = masked or _words_masker(session, ticket.customer)
                    value = masked(value)
                setattr(ticket, name, value)
            if "status" in changes:
                closed = ticket.status == TicketStatus.CLOSED.value
                ticket.closed_at = (ticket.closed_at or utcnow()) if closed else None
            if ticket.visit_start and ticket.visit_end and ticket.visit_end <= ticket.visit_start:
                raise ValueError("the visit window must end after it starts")
            if notes:
                _add_answers(session, ticket, AnswerAuthor.BOT, notes)
            session.flush()
            return _record_of(session, ticket)


_CUSTOMER_TEXT_FIELDS = frozenset({"description", "customer_words"})


def _add_answers(session: Session, ticket: Ticket, author: AnswerAuthor, bodies: Iterable[str]) -> None:
    """Answers added to `ticket` in order, which marks it updated."""
    for body in bodies:
        # Added by its key: appending to `ticket.answers` would load every answer first.
        session.add(TicketAnswer(ticket_id=ticket.id, author=author.value, body=body))
    ticket.updated_at = utcnow()


def _words_masker(session: Session, customer: Customer | None) -> Callable[[str | None], str | None]:
    """What masks the second factors in a customer's words (bot.privacy.mask_second_factors):
    the holder's own ID and phones however written, and any customer's ID. Phones are read
    in the country of the holder's phone on file; a prospect's words (no holder) only mask
    what names itself an ID or phone, or a phone written with its country code."""
    own = (customer.document_id, customer.phone, customer.phone_alt) if customer is not None else ()
    country = _country_of(customer.phone) if customer is not None else None

    def is_an_id(digits: str) -> bool:
        return session.scalar(select(Customer.id).where(Customer.document_id == digits).limit(1)) is not None

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
    if amount is not None:
        if not isinstance(amount, Decimal):
            raise ValueError(f"amount must be a Decimal, not {type(amount).__name__}")
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise ValueError(f"amount must be between 0 and {MAX_AMOUNT}; got {amount}")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValueError(f"amount must have at most two decimals; got {amount}")
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


def _check_date(name: str, value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise ValueError(f"{name} must be a date")


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
    return select(Ticket).options(selectinload(Ticket.service))


def _answers_of(session: Session, ticket_ids: Iterable[int]) -> dict[int, tuple[TicketAnswerRecord, ...]]:
    """The answers of these tickets by ticket, oldest first (the order of `Ticket.answers`)."""
    ids = list(ticket_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(TicketAnswer.ticket_id, TicketAnswer.author, TicketAnswer.body, TicketAnswer.created_at)
        .where(TicketAnswer.ticket_id.in_(ids))
        .order_by(TicketAnswer.id)
    )
    answers: defaultdict[int, list[TicketAnswerRecord]] = defaultdict(list)
    for ticket_id, author, body, created_at in rows:
        answers[ticket_id].append(TicketAnswerRecord(AnswerAuthor(author), body, created_at))
    return {ticket_id: tuple(listed) for ticket_id, listed in answers.items()}


def _record_of(session: Session, ticket: Ticket) -> TicketRecord:
    return _ticket_record(ticket, _answers_of(session, [ticket.id]).get(ticket.id, ()))


def _find(session: Session, number: str) -> Ticket | None:
    canonical = parse_ticket_number(number)
    return session.scalar(_tickets().where(Ticket.number == canonical)) if canonical else None


def _load(session: Session, number: str) -> Ticket:
    ticket = _find(session, number)
    if ticket is None:
        raise LookupError(f"ticket {number!r} does not exist")
    return ticket


def _ticket_record(ticket: Ticket, answers: tuple[TicketAnswerRecord, ...]) -> TicketRecord:
    return TicketRecord(
        number=ticket.number,
        customer_id=ticket.customer_id,
        service_number=ticket.service.service_number if ticket.service else None,
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
