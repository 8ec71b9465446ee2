"""Before a ticket is opened: is this case already open, and what should the bot do with it?

Customers come back: the same fault reported again the next day, "¿y cuándo
vienen?" read as a new fault right after a visit was booked, the same need
restated after a goodbye. A second ticket (and a second visit) for one fault
splits the case between agents and technicians. So a need is a case per
customer, service and ticket category: while a ticket of that category is open
for that service, the bot continues it (the customer's new words go on it)
instead of opening another, and a technical case whose visit is still to come
is answered with that visit. A cancellation of a service that is already
cancelled needs no ticket at all.

The decision is here; the actions only apply it (`actions/shared.py`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.ports.customers import ServiceStatus
from bot.ports.tickets import TicketCategory, TicketDesk, TicketRecord
from bot.support.key_questions import KEY_QUESTIONS


class CaseStep(str, Enum):
    OPEN = "open"  # nothing open for this: a new ticket
    CONTINUE = "continue"  # an open ticket of the same category for the same service: add to it
    VISIT_BOOKED = "visit_booked"  # a fault whose open ticket has a visit to come: say when it is
    ALREADY_CANCELLED = "already_cancelled"  # cancelling a cancelled service: nothing to open


@dataclass(frozen=True)
class Case:
    """What to do with a need; `ticket` is the case's ticket (None when there is nothing to open)."""

    step: CaseStep
    ticket: TicketRecord | None = None

    @property
    def continued(self) -> bool:
        return self.step in (CaseStep.CONTINUE, CaseStep.VISIT_BOOKED)


def case_for(
    category: TicketCategory,
    service_status: ServiceStatus | None,
    open_ticket: TicketRecord | None,
    now: datetime,
) -> Case:
    """The step for a need, given the open ticket of its category for the service (if any)."""
    if category is TicketCategory.CANCELLATION and service_status is ServiceStatus.CANCELLED:
        return Case(CaseStep.ALREADY_CANCELLED)
    if open_ticket is None:
        return Case(CaseStep.OPEN)
    if category is TicketCategory.TECHNICAL and open_ticket.has_visit_after(now):
        # The fault is already on its way to a technician: a second visit helps no one.
        return Case(CaseStep.VISIT_BOOKED, open_ticket)
    return Case(CaseStep.CONTINUE, open_ticket)


async def existing_case_for(
    desk: TicketDesk,
    customer_id: int,
    service_number: int | None,
    service_status: ServiceStatus | None,
    category: TicketCategory | str,
    now: datetime,
) -> Case:
    """Look for the open ticket of this need's category and service and decide (`case_for`)."""
    category = TicketCategory(category)
    if category is TicketCategory.CANCELLATION and service_status is ServiceStatus.CANCELLED:
        return Case(CaseStep.ALREADY_CANCELLED)
    ticket = await desk.find_open_ticket(customer_id, service_number, category)
    return case_for(category, service_status, ticket, now)


def new_case_notes(category: TicketCategory, service_status: ServiceStatus | None) -> tuple[str, ...]:
    """Keys of the notes (bot/locale/es.yml `ticket_notes`) a new ticket needs for the agent.

    A suspended service can be cancelled like any other, but the retention team
    must know there is an unpaid bill behind it before calling.
    """
    if category is TicketCategory.CANCELLATION and service_status is ServiceStatus.SUSPENDED:
        return ("cancellation_of_suspended_service",)
    return ()


def answers_on_ticket(ticket: TicketRecord | None) -> dict[str, Any]:
    """The key questions a continued technical ticket already has answers to.

    They are recorded with the line checks (`diagnostics.answers`, the same
    values the troubleshooting form keeps), so a customer who comes back is not
    asked them again.
    """
    recorded = (ticket.diagnostics.get("answers") if ticket else None) or {}
    if not isinstance(recorded, dict):
        return {}
    return {
        question: recorded[question]
        for question in KEY_QUESTIONS
        if recorded.get(question) not in (None, "")
    }
