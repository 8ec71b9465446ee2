"""What the ports' records answer by themselves."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.ports.customers import CustomerRecord, ServiceRecord, ServiceStatus
from bot.ports.tickets import TicketCategory, TicketPriority, TicketRecord, TicketStatus

NOW = datetime(2026, 3, 18, 15, tzinfo=timezone.utc)


def service(number: int, status: ServiceStatus) -> ServiceRecord:
    return ServiceRecord(number, "Fibra 100", 100, status, None, "Calle 1", "Centro")


def customer(*services: ServiceRecord) -> CustomerRecord:
    return CustomerRecord(1, "Ana", "Pérez", "123", "+595981000000", None, None, services)


def test_cancelled_services_are_offered_only_when_nothing_else_is_left() -> None:
    home, old = service(1, ServiceStatus.ACTIVE), service(2, ServiceStatus.CANCELLED)
    assert customer(home, old).selectable_services == (home,)
    assert customer(old).selectable_services == (old,)
    assert customer(home, old).service(2) == old
    assert customer(home).service(9) is None


def ticket(status: TicketStatus, visit_in: timedelta | None) -> TicketRecord:
    visit = NOW + visit_in if visit_in is not None else None
    return TicketRecord(
        "TK-1", 1, 1, TicketCategory.TECHNICAL, "s", "d", status, TicketPriority.NORMAL, {}, None,
        visit, visit + timedelta(hours=4) if visit else None, False, None, NOW, NOW, None, (),
        None, None, None, None, None,
    )


def test_an_upcoming_visit_counts_only_on_an_open_ticket() -> None:
    assert ticket(TicketStatus.IN_PROGRESS, timedelta(days=1)).has_visit_after(NOW)
    assert not ticket(TicketStatus.IN_PROGRESS, timedelta(days=-1)).has_visit_after(NOW)
    assert not ticket(TicketStatus.CLOSED, timedelta(days=1)).has_visit_after(NOW)
    assert not ticket(TicketStatus.NEW, None).has_visit_after(NOW)
    assert ticket(TicketStatus.NEW, None).is_open and not ticket(TicketStatus.CLOSED, None).is_open
