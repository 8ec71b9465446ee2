"""The services built from settings answer over a real database (SQLite and PostgreSQL)."""
from __future__ import annotations

import asyncio
import dataclasses

from sqlalchemy.orm import sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.lockouts import LocalIdentificationLockouts
from bot.adapters.local.network import LocalNetworkProbe
from bot.adapters.local.tickets import LocalTicketDesk
from bot.ports.network import OnuStatus
from bot.ports.tickets import TicketCategory, TicketStatus
from bot.settings import load_settings
from bot.wiring import build_services


def test_the_embedded_default_wires_the_local_adapters(seeded_session_factory: sessionmaker) -> None:
    settings = dataclasses.replace(load_settings(), database_url="sqlite://")
    services = build_services(settings, seeded_session_factory)
    assert isinstance(services.customers, LocalCustomerDirectory)
    assert isinstance(services.tickets, LocalTicketDesk)
    assert isinstance(services.network, LocalNetworkProbe)
    assert isinstance(services.lockouts, LocalIdentificationLockouts)
    assert services.identification_lock.settings is settings.identification
    assert services.company is settings.company
    assert services.calendar.country == settings.company.country


def test_one_conversation_step_through_every_port(seeded_session_factory: sessionmaker) -> None:
    settings = load_settings()
    services = build_services(settings, seeded_session_factory)

    async def step() -> tuple:
        [maria] = await services.customers.find_by_service_number(1001)
        onu = await services.network.onu_status(1001)
        ticket = await services.tickets.open_ticket(
            maria.id, 1001, TicketCategory.TECHNICAL, "Prueba", "Abierto por el test"
        )
        return maria, onu, ticket

    maria, onu, ticket = asyncio.run(step())
    assert maria.first_name == "María"
    assert onu.status is OnuStatus.ONLINE
    assert ticket.status is TicketStatus.NEW and ticket.service_number == 1001
