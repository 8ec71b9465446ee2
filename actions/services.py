"""The ports the actions talk to, built once per action-server process.

Actions never touch the database directly: they go through the customer
directory and the ticket desk, so a later Wisphub adapter replaces the local
one here and nowhere else.
"""
from __future__ import annotations

from functools import lru_cache

from bot.customers import CustomerDirectory, LocalCustomerDirectory
from bot.db.session import make_session_factory
from bot.network import LocalNetworkProbe, NetworkProbe
from bot.scheduling import FieldCalendar
from bot.settings import CompanyProfile, get_settings
from bot.tickets import LocalTicketDesk, TicketDesk


@lru_cache(maxsize=1)
def _session_factory():
    return make_session_factory(get_settings().database_url)


def customer_directory() -> CustomerDirectory:
    return LocalCustomerDirectory(_session_factory())


def ticket_desk() -> TicketDesk:
    return LocalTicketDesk(_session_factory())


def company() -> CompanyProfile:
    return get_settings().company


def network_probe() -> NetworkProbe:
    return LocalNetworkProbe(_session_factory(), delay_s=get_settings().field.local_probe_delay_s)


def field_calendar() -> FieldCalendar:
    return FieldCalendar.from_settings()
