"""What the web desk's handlers find in the application and in each request."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.ports.customers import CustomerDirectory
from desk.accounts import Accounts
from desk.live import LiveHub
from desk.operations import DeskOperations
from desk.stats import DeskStats
from desk.web.sessions import SessionStore


@dataclass(frozen=True)
class WebConfig:
    provider_name: str
    assistant_name: str
    tz: ZoneInfo
    # None: Secure cookies exactly when the request came over HTTPS; True behind a TLS proxy.
    cookie_secure: bool | None = None
    # Behind a reverse proxy: the login's rate limit counts the address in X-Forwarded-For.
    trust_proxy: bool = False


ACCOUNTS: web.AppKey[Accounts] = web.AppKey("accounts", Accounts)
SESSIONS: web.AppKey[SessionStore] = web.AppKey("sessions", SessionStore)
OPERATIONS: web.AppKey[DeskOperations] = web.AppKey("web_operations", DeskOperations)
STATS: web.AppKey[DeskStats] = web.AppKey("stats", DeskStats)
LIVE: web.AppKey[LiveHub] = web.AppKey("live", LiveHub)
CONFIG: web.AppKey[WebConfig] = web.AppKey("config", WebConfig)
CUSTOMERS: web.AppKey[CustomerDirectory] = web.AppKey("customers", CustomerDirectory)
# Per request, set by the guard.
SESSION = "desk.session"
USER = "desk.user"


def cookie_secure(request: web.Request) -> bool:
    configured = request.app[CONFIG].cookie_secure
    return request.secure if configured is None else configured
