"""The desk's application, wired: the handoff API, the web desk, the runner and the live hub.

`python -m desk` serves it; tests build the very same one in-process.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.orm import sessionmaker

from bot.settings import Settings
from bot.wiring import build_services
from desk.accounts import Accounts
from desk.api import MAX_BODY_BYTES, add_api
from desk.live import LiveHub
from desk.operations import DeskOperations
from desk.rasa_control import RasaControl
from desk.runner import Runner
from desk.stats import DeskStats
from desk.web import setup_web
from desk.web.keys import WebConfig
from desk.web.sessions import SessionStore


@dataclass(frozen=True)
class Desk:
    app: web.Application
    runner: Runner
    live: LiveHub
    operations: DeskOperations
    accounts: Accounts


def build_desk(
    settings: Settings,
    factory: sessionmaker,
    control: RasaControl,
    api_token: str,
    live: LiveHub,
    cookie_secure: bool | None = None,
    trust_proxy: bool = False,
) -> Desk:
    services = build_services(settings, factory)
    stats = DeskStats(factory)
    runner = Runner(services.handoffs, control, live=live, count_message=stats.record_message)
    operations = DeskOperations(services.handoffs, control, runner, live)
    accounts = Accounts(factory)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    add_api(app, operations, api_token, settings.company.assistant_name)
    setup_web(
        app,
        operations=operations,
        accounts=accounts,
        sessions=SessionStore(factory),
        stats=stats,
        live=live,
        customers=services.customers,
        config=WebConfig(
            provider_name=settings.company.provider_name,
            assistant_name=settings.company.assistant_name,
            tz=settings.company.tzinfo,
            cookie_secure=cookie_secure,
            trust_proxy=trust_proxy,
        ),
    )
    return Desk(app, runner, live, operations, accounts)
