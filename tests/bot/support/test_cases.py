"""De-duplication: a need continues the open case of its kind instead of opening another."""
from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.tickets import LocalTicketDesk
from bot.ports.customers import ServiceStatus
from bot.ports.tickets import TicketCategory
from bot.support.cases import Case, CaseStep, answers_on_ticket, case_for, existing_case_for, new_case_notes
from tests.support.ports import Blocking

NOW = datetime.now(timezone.utc)
JUAN_CARLOS, MARIA, RAMON = "3987654", "4123567", "2345987"


@pytest.fixture
def desk(seeded_session_factory: sessionmaker) -> LocalTicketDesk:
    return LocalTicketDesk(seeded_session_factory)


def customer_id(factory: sessionmaker, document_id: str) -> int:
    [record] = Blocking(LocalCustomerDirectory(factory, country="PY")).find_by_document_id(document_id)
    return record.id


def existing(desk, customer, service, status, category, now=NOW) -> Case:
    return asyncio.run(existing_case_for(desk, customer, service, status, category, now))


def test_a_fault_whose_visit_is_still_to_come_is_answered_with_the_visit(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)

    case = existing(desk, juan_carlos, 1002, ServiceStatus.ACTIVE, "technical")

    assert case.step is CaseStep.VISIT_BOOKED and case.continued
    assert case.ticket is not None and case.ticket.number == "TK-10001"


def test_after_the_visit_time_the_same_fault_continues_the_ticket(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)

    case = existing(desk, juan_carlos, 1002, ServiceStatus.ACTIVE, "technical", NOW + timedelta(days=7))

    assert case.step is CaseStep.CONTINUE and case.ticket.number == "TK-10001"


def test_other_categories_and_services_open_their_own_case(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    juan_carlos = customer_id(seeded_session_factory, JUAN_CARLOS)

    assert existing(desk, juan_carlos, 1002, ServiceStatus.ACTIVE, "billing") == Case(CaseStep.OPEN)
    assert existing(desk, juan_carlos, None, ServiceStatus.ACTIVE, "technical") == Case(CaseStep.OPEN)


def test_a_handover_need_said_again_continues_its_ticket(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(seeded_session_factory, MARIA)
    assert existing(desk, maria, 1001, ServiceStatus.ACTIVE, "billing").step is CaseStep.OPEN
    first = asyncio.run(desk.open_ticket(maria, 1001, "billing", "Cobro", "Me cobraron de más"))

    case = existing(desk, maria, 1001, ServiceStatus.ACTIVE, TicketCategory.BILLING)

    assert case.step is CaseStep.CONTINUE and case.ticket.number == first.number
    asyncio.run(desk.update(first.number, status="closed"))
    assert existing(desk, maria, 1001, ServiceStatus.ACTIVE, "billing").step is CaseStep.OPEN


def test_cancelling_a_cancelled_service_needs_no_ticket(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    ramon = customer_id(seeded_session_factory, RAMON)

    assert existing(desk, ramon, 1012, ServiceStatus.CANCELLED, "cancellation") == Case(
        CaseStep.ALREADY_CANCELLED
    )
    # Anything else about that service is still a case: an old bill, coming back as a customer.
    assert existing(desk, ramon, 1012, ServiceStatus.CANCELLED, "billing").step is CaseStep.OPEN


@pytest.mark.parametrize("status", [ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED, None])
def test_a_service_that_is_not_cancelled_can_be_cancelled(status: ServiceStatus | None) -> None:
    assert case_for(TicketCategory.CANCELLATION, status, None, NOW) == Case(CaseStep.OPEN)


def test_only_a_suspended_service_s_cancellation_gets_a_note_for_retention() -> None:
    assert new_case_notes(TicketCategory.CANCELLATION, ServiceStatus.SUSPENDED) == (
        "cancellation_of_suspended_service",
    )
    assert new_case_notes(TicketCategory.CANCELLATION, ServiceStatus.ACTIVE) == ()
    assert new_case_notes(TicketCategory.TECHNICAL, ServiceStatus.SUSPENDED) == ()


def test_a_visit_only_short_cuts_technical_cases(
    desk: LocalTicketDesk, seeded_session_factory: sessionmaker
) -> None:
    ticket = asyncio.run(desk.get("TK-10001"))
    as_billing = dataclasses.replace(ticket, category=TicketCategory.BILLING)

    assert case_for(TicketCategory.BILLING, ServiceStatus.ACTIVE, as_billing, NOW).step is CaseStep.CONTINUE


def test_key_questions_answered_on_the_ticket_are_not_asked_again(desk: LocalTicketDesk) -> None:
    ticket = asyncio.run(desk.get("TK-10001"))
    assert answers_on_ticket(ticket) == {}
    assert answers_on_ticket(None) == {}
    answers = {"problem_since": "2026-01-05", "devices_scope": "all", "connection_type": None,
               "device_brand": "", "household_size": "somos 4", "household_people": 4}
    updated = asyncio.run(desk.update("TK-10001", diagnostics={"answers": answers}))

    assert answers_on_ticket(updated) == {
        "problem_since": "2026-01-05", "devices_scope": "all", "household_size": "somos 4"
    }
