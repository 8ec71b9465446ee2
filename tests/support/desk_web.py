"""The web desk built in-process on a test database, and a browser to drive it (tests/security/).

`running_web_desk` builds the very application `python -m desk` serves
(`desk.app.build_desk`) on a seeded database, with three accounts (an agent of
technical and general, an agent of billing, a supervisor) and one waiting
handoff in the technical queue and one in the billing queue, and serves it with
aiohttp's TestServer. Rasa is never reached: the refusals under test stop a
request before it would write to a customer.

`Browser` keeps its own cookies the way a browser does (a cookie goes only to
paths under its Path, a deleted cookie is dropped), so each test can hold
several people signed in at once over one test client and look at every
cookie the desk sets.
"""

from __future__ import annotations

import dataclasses
import html
import re
import warnings
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.cookies import Morsel
from typing import Any
from urllib.parse import urlencode

from aiohttp import DummyCookieJar
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDictProxy
from sqlalchemy import MetaData, select
from sqlalchemy.exc import SAWarning
from sqlalchemy.orm import sessionmaker

from bot.db.models import DeskSession
from bot.db.session import session_scope
from bot.handoff.engine import HandoffEngine
from bot.handoff.records import Admission, Author, ContextPackage, Presence, TranscriptLine
from bot.settings import Settings, get_settings
from desk.accounts import Accounts, Role
from desk.app import Desk, build_desk
from desk.live import LiveHub
from desk.rasa_control import RasaControl
from desk.web.guard import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from desk.web.sessions import digest

# Nothing listens on the discard port: a request that got as far as Rasa would fail loudly.
UNREACHABLE_RASA = "http://127.0.0.1:9"
API_TOKEN = "api-token-of-the-web-desk-tests"
_CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
_HIDDEN_NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: Role
    queues: tuple[str, ...]
    password: str  # distinctive, so a search of logs and tables cannot match by chance


TECH = Account("ana.tecnica", "Ana Técnica", Role.AGENT, ("technical", "general"), "Tecnica-Clave-7Qz!vR")
BILLING = Account("beto.cobros", "Beto Cobros", Role.AGENT, ("billing",), "Cobros-Clave-4Wm#tL")
SUPERVISOR = Account("carla.jefa", "Carla Jefa", Role.SUPERVISOR, ("*",), "Jefa-Clave-9Kp$hN")
ACCOUNTS = (TECH, BILLING, SUPERVISOR)


def desk_settings(factory: sessionmaker) -> Settings:
    """The environment's settings, on the test's database, with people at work at any hour of any day.

    The tests run on the real clock; without this a handoff admitted at night or on
    a public holiday would be a callback (closed) instead of waiting.
    """
    settings = get_settings()
    url = factory.kw["bind"].url.render_as_string(hide_password=False)
    handoff = dataclasses.replace(settings.handoff, agent_hours="", agent_closures="", open_on_holidays=True)
    return dataclasses.replace(settings, database_url=url, handoff=handoff)


def create_accounts(accounts: Accounts) -> None:
    for account in ACCOUNTS:
        accounts.save(account.username, account.name, account.role, list(account.queues), account.password)


def context_package(sender_id: str, queue: str) -> ContextPackage:
    at = datetime.now(timezone.utc) - timedelta(seconds=30)
    return ContextPackage(
        sender_id=sender_id,
        channel="telegram",
        queue=queue,
        reason_category=queue,
        reason_intent="report_no_connection" if queue == "technical" else "billing_charge_dispute",
        reason_text="no tengo internet desde ayer" if queue == "technical" else "me cobraron de más",
        recap="Motivo: prueba de la mesa de atención.",
        customer_name="María Benítez",
        verified=True,
        service_number=1001,
        plan_name="Fibra 100",
        transcript=(
            TranscriptLine(Author.CUSTOMER, "hola, necesito ayuda", at, at.timestamp()),
            TranscriptLine(Author.BOT, "Lo comunico con una persona", at, at.timestamp() + 1),
        ),
    )


async def admit_waiting(engine: HandoffEngine, sender_id: str, queue: str) -> int:
    """A handoff waiting in `queue` (someone of the queue must be online); its id."""
    result = await engine.admit(context_package(sender_id, queue), datetime.now(timezone.utc))
    assert result.kind is Admission.WAITING, result
    return result.handoff.id


@dataclass(frozen=True)
class Page:
    """A response as the test reads it: status, headers, body and the raw Set-Cookie lines."""

    status: int
    headers: CIMultiDictProxy[str]
    text: str
    set_cookies: tuple[str, ...]

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def set_cookie(self, name: str) -> str:
        """The Set-Cookie line for `name` ("" when the response set none)."""
        return next((line for line in self.set_cookies if line.startswith(f"{name}=")), "")

    @property
    def csrf_token(self) -> str:
        found = _CSRF_META.search(self.text)
        return found.group(1) if found else ""


def _deleted(morsel: Morsel[str]) -> bool:
    return morsel["max-age"] == "0" or "1970" in morsel["expires"]


@dataclass
class Browser:
    """One person's browser: its own cookies, requests that never follow redirects."""

    client: TestClient
    factory: sessionmaker
    cookies: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (value, path)

    @property
    def origin(self) -> str:
        return f"http://{self.client.host}:{self.client.port}"

    @property
    def session_token(self) -> str:
        return self.cookies.get(SESSION_COOKIE, ("", "/"))[0]

    def set(self, name: str, value: str, path: str = "/") -> None:
        self.cookies[name] = (value, path)

    def _cookie_header(self, path: str) -> str:
        sent = [(name, value) for name, (value, prefix) in self.cookies.items() if path.startswith(prefix)]
        return "; ".join(f"{name}={value}" for name, value in sent)

    async def request(
        self,
        method: str,
        path: str,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: bool = False,
    ) -> Page:
        sent: dict[str, str] = dict(headers or {})
        cookie = self._cookie_header(path.split("?", 1)[0])
        if cookie:
            sent["Cookie"] = cookie
        if json:
            sent["Accept"] = "application/json"
        options: dict[str, Any] = {"headers": sent, "allow_redirects": False}
        if data is not None:
            options["data"] = dict(data)
        async with self.client.request(method, path, **options) as response:
            text = await response.text() if method != "HEAD" else ""
            for name, morsel in response.cookies.items():
                if _deleted(morsel):
                    self.cookies.pop(name, None)
                else:
                    self.set(name, morsel.value, morsel["path"] or "/")
            return Page(
                response.status, response.headers, text, tuple(response.headers.getall("Set-Cookie", ()))
            )

    async def get(self, path: str, json: bool = False, headers: Mapping[str, str] | None = None) -> Page:
        return await self.request("GET", path, headers=headers, json=json)

    async def post(
        self,
        path: str,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        json: bool = False,
    ) -> Page:
        form = data if data is not None else {}
        return await self.request("POST", path, data=form, headers=headers, json=json)

    async def login(
        self,
        username: str,
        password: str,
        next_path: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Page:
        """The login form as a person fills it: fetch it (its CSRF cookie and hidden fields), then post it."""
        form_path = "/login" if next_path is None else f"/login?{urlencode({'next': next_path})}"
        form = await self.get(form_path)
        token = self.cookies.get(LOGIN_CSRF_COOKIE, ("", ""))[0]
        hidden_next = _HIDDEN_NEXT.search(form.text)
        data = {"username": username, "password": password, "csrf_token": token}
        if hidden_next:
            data["next"] = html.unescape(hidden_next.group(1))
        return await self.post("/login", data, headers=headers)

    async def sign_in(self, account: Account) -> str:
        """Signed in as `account`; the session's CSRF token."""
        page = await self.login(account.username, account.password)
        assert page.status == 303, (page.status, page.text[:300])
        assert (await self.get("/inbox")).status == 200
        return self.session_csrf()

    def session_csrf(self) -> str:
        """The CSRF token the desk keeps for this browser's session (what its pages should carry).

        Read from the database rather than from a page, so the guard's tests do not
        depend on how pages render it (test_desk_web checks that separately).
        """
        with session_scope(self.factory) as session:
            row = session.get(DeskSession, digest(self.session_token))
            assert row is not None, "not signed in"
            return str(row.csrf_token)


@dataclass
class WebDesk:
    desk: Desk
    client: TestClient
    factory: sessionmaker
    technical_id: int  # waiting in the technical queue
    billing_id: int  # waiting in the billing queue

    def browser(self) -> Browser:
        return Browser(self.client, self.factory)


@asynccontextmanager
async def running_web_desk(
    factory: sessionmaker, cookie_secure: bool | None = None, trust_proxy: bool = False
) -> AsyncIterator[WebDesk]:
    """The desk app on `factory` (seeded), its accounts and two waiting handoffs, served in-process."""
    control = RasaControl(UNREACHABLE_RASA, "x")
    desk = build_desk(
        desk_settings(factory), factory, control, API_TOKEN, LiveHub(), cookie_secure, trust_proxy
    )
    create_accounts(desk.accounts)
    engine = desk.operations.engine
    now = datetime.now(timezone.utc)
    for account in (TECH, BILLING):
        await engine.set_presence(account.username, Presence.ONLINE, now)
    technical_id = await admit_waiting(engine, "telegram:desk-web-1", "technical")
    billing_id = await admit_waiting(engine, "telegram:desk-web-2", "billing")
    client = TestClient(TestServer(desk.app), cookie_jar=DummyCookieJar())
    await client.start_server()
    try:
        yield WebDesk(desk, client, factory, technical_id, billing_id)
    finally:
        await client.close()
        await control.close()


Dump = dict[str, list[tuple[Any, ...]]]


def dump_tables(factory: sessionmaker, ignore: frozenset[str] = frozenset()) -> Dump:
    """Every row of every table of the database (reflected, so new tables are included).

    `ignore` names columns ("table.column") left out, such as timestamps a read may touch.
    """
    engine = factory.kw["bind"]
    metadata = MetaData()
    metadata.reflect(bind=engine)
    dump: Dump = {}
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite reflects NUMERIC columns with a warning about Decimal; the values are compared, not used.
        warnings.simplefilter("ignore", SAWarning)
        for table in metadata.sorted_tables:
            columns = [c for c in table.columns if f"{table.name}.{c.name}" not in ignore]
            rows = connection.execute(select(*columns)).all()
            dump[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return dump
