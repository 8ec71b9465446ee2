"""Which adapter serves each port, decided once from settings.

The action server, the command-line tools and the agents' desk all get
their ports here, so connecting a provider's Wisphub, SmartOLT or MikroTik
means adding an adapter package under `bot/adapters/` and choosing it here,
nowhere else.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from bot.adapters.local.customers import LocalCustomerDirectory
from bot.adapters.local.lockouts import LocalIdentificationLockouts
from bot.adapters.local.network import LocalNetworkProbe
from bot.adapters.local.tickets import LocalTicketDesk
from bot.billing.local_adapter import LocalBillingLedger
from bot.billing.port import BillingLedger
from bot.billing.terms import BillingTerms, load_terms
from bot.db.session import make_session_factory
from bot.handoff.engine import HandoffEngine
from bot.handoff.hours import BusinessHours, parse_agent_hours, parse_closures
from bot.ports.customers import CustomerDirectory
from bot.ports.lockouts import IdentificationLockouts
from bot.ports.network import NetworkProbe
from bot.ports.tickets import TicketDesk
from bot.reception.lockout import IdentificationLock
from bot.settings import CompanyProfile, Settings
from bot.support.scheduling import FieldCalendar


@dataclass(frozen=True)
class Services:
    """Everything a conversation needs from outside: settings, ports and calendars."""

    settings: Settings
    customers: CustomerDirectory
    tickets: TicketDesk
    network: NetworkProbe
    calendar: FieldCalendar
    lockouts: IdentificationLockouts
    handoffs: HandoffEngine
    billing: BillingLedger
    billing_terms: BillingTerms

    @property
    def company(self) -> CompanyProfile:
        return self.settings.company

    @property
    def identification_lock(self) -> IdentificationLock:
        return IdentificationLock(self.lockouts, self.settings.identification)


def build_services(settings: Settings, session_factory: sessionmaker | None = None) -> Services:
    """The ports for `settings`; one session factory (connection pool) serves every local adapter.

    `session_factory` lets tests and tools share one they already hold.
    """
    factory = session_factory or make_session_factory(settings.database_url)
    tickets = LocalTicketDesk(factory)
    return Services(
        settings=settings,
        customers=LocalCustomerDirectory(factory, country=settings.company.country),
        tickets=tickets,
        network=LocalNetworkProbe(factory, delay_s=settings.field.local_probe_delay_s),
        calendar=FieldCalendar.from_settings(settings),
        lockouts=LocalIdentificationLockouts(factory),
        handoffs=HandoffEngine(factory, settings.handoff, business_hours(settings), tickets),
        billing=LocalBillingLedger(factory, currency=settings.company.currency),
        billing_terms=load_terms(),
    )


def business_hours(settings: Settings) -> BusinessHours:
    """When people work, per queue: AGENT_HOURS, AGENT_CLOSURES and COMPANY_COUNTRY's holidays."""
    company, handoff = settings.company, settings.handoff
    return BusinessHours(
        hours=parse_agent_hours(handoff.agent_hours),
        country=company.country,
        tz=company.tzinfo,
        closures=parse_closures(handoff.agent_closures),
        open_on_holidays=handoff.open_on_holidays,
    )
